package io.toolguard.agent.weave;

import static io.toolguard.agent.weave.Provenance.Purpose.DECLARES_NO_TOOLS;
import static io.toolguard.agent.weave.Provenance.Purpose.FILES_ON_ITS_OWN_BEHALF;
import static io.toolguard.agent.weave.Provenance.Purpose.FORWARDS_THREAD_STARTS;
import static io.toolguard.agent.weave.Provenance.Purpose.INITIALISES_THE_JVM;
import static io.toolguard.agent.weave.Provenance.Purpose.NOT_WOVEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.weave.Provenance.Owner;
import io.toolguard.agent.weave.Provenance.Purpose;
import io.toolguard.agent.weave.Provenance.Row;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The table's own rules; what it answers each check is pinned in {@link WhoseCodeTest}. */
class ProvenanceTest {

  @Test
  void everyModuleOfTheJdksApplicationLoaderIsTheJdks() {
    int seen = 0;
    for (Module module : ModuleLayer.boot().modules()) {
      java.util.Optional<java.net.URI> location =
          ModuleLayer.boot()
              .configuration()
              .findModule(module.getName())
              .get()
              .reference()
              .location();
      if (module.getClassLoader() == ClassLoader.getSystemClassLoader()
          && location.isPresent()
          && "jrt".equals(location.get().getScheme())) {
        assertThat(Provenance.isApplicationLoadersJdkModule(module)).as(module.getName()).isTrue();
        seen++;
      }
    }
    assertThat(seen).as("jdk.attach at least").isPositive();
    assertThat(Provenance.isApplicationLoadersJdkModule(Object.class.getModule()))
        .as("not the application loader's")
        .isFalse();
    assertThat(Provenance.isApplicationLoadersJdkModule(ProvenanceTest.class.getModule()))
        .isFalse();
  }

  @Test
  void everyPurposeHasRows() {
    for (Purpose purpose : Purpose.values()) {
      assertThat(Provenance.rows())
          .as(purpose.name())
          .anyMatch(row -> row.purposes().contains(purpose));
    }
  }

  @Test
  void everyRowNamesClassesOfItsOwner() {
    for (Row row : Provenance.rows()) {
      String name = row.classes().name();
      switch (row.owner()) {
        case JDK ->
            assertThat(Provenance.matches(DECLARES_NO_TOOLS, name))
                .as("a JDK package: " + name)
                .isTrue();
        case TOOLGUARD -> assertThat(name).startsWith("io.toolguard.");
        case LIBRARY -> assertThat(name).startsWith(row.library());
      }
      assertThat(row.library() != null).as(name).isEqualTo(row.owner() == Owner.LIBRARY);
    }
  }

  @Test
  void onlyRowsForTheChecksThatAskForAMethodNameOne() {
    for (Row row : Provenance.rows()) {
      if (row.classes().method() != null) {
        assertThat(row.purposes())
            .as(row.classes().name())
            .isIn(Set.of(FILES_ON_ITS_OWN_BEHALF), Set.of(INITIALISES_THE_JVM));
      }
    }
  }

  @Test
  void aRowNamesAPackageAPrefixAClassWithItsNestedClassesOrOneClass() {
    assertThat(Provenance.matchesInternalName(NOT_WOVEN, "io/toolguard/agent/weave/Hook")).isTrue();
    assertThat(Provenance.matches(NOT_WOVEN, "io.toolguard.agent.weave.Hook")).isTrue();
    assertThat(Provenance.matches(NOT_WOVEN, "io.toolguard.agentsmith.Hook")).isFalse();

    assertThat(
            Provenance.matches(
                FORWARDS_THREAD_STARTS, "java.lang.ThreadBuilders$VirtualThreadFactory"))
        .isTrue();

    assertThat(Provenance.matches(FILES_ON_ITS_OWN_BEHALF, "java.util.ServiceLoader", "load", null))
        .isTrue();
    assertThat(
            Provenance.matches(FILES_ON_ITS_OWN_BEHALF, "java.util.ServiceLoader$1", "load", null))
        .isTrue();
    assertThat(
            Provenance.matches(FILES_ON_ITS_OWN_BEHALF, "java.util.ServiceLoaders", "load", null))
        .isFalse();

    assertThat(Provenance.matches(FORWARDS_THREAD_STARTS, "java.lang.Thread")).isTrue();
    assertThat(Provenance.matches(FORWARDS_THREAD_STARTS, "java.lang.Thread$1")).isFalse();
  }

  @Test
  void aLibrarysRowsAnswerForItsOwnCodeAndNoOtherLibrarys() {
    String logback = String.join(".", "ch", "qos", "logback", "");
    String rolling = logback + "core.rolling.RollingFileAppender";

    assertThat(Provenance.libraryOf(FILES_ON_ITS_OWN_BEHALF, logback + "core.Appender"))
        .isEqualTo(logback);
    assertThat(Provenance.libraryOf(FILES_ON_ITS_OWN_BEHALF, "com.example.Appender")).isNull();
    assertThat(Provenance.matches(FILES_ON_ITS_OWN_BEHALF, rolling, "rollover", logback)).isTrue();
    assertThat(
            Provenance.matches(
                FILES_ON_ITS_OWN_BEHALF, rolling, "rollover", "org.apache.logging.log4j."))
        .isFalse();
    assertThat(
            Provenance.matches(FILES_ON_ITS_OWN_BEHALF, "java.util.ServiceLoader", "load", logback))
        .isFalse();
  }

  @Test
  void theJdkIsWhatTheBootOrPlatformLoaderDefinedInANamedModule() {
    assertThat(Provenance.isJdkCode(String.class)).isTrue();
    assertThat(Provenance.isJdkCode(java.sql.Timestamp.class)).as("platform loader").isTrue();
    assertThat(Provenance.isJdkCode(null, ProvenanceTest.class.getModule()))
        .as("an unnamed module, whatever the loader")
        .isFalse();
  }

  @Test
  void theJdksCodeIsInTheBootLayerNotInTheModulesItSpinsForOthers() {
    assertThat(Provenance.isJdkCode(String.class)).isTrue();
    assertThat(Provenance.isJdkCode(ProvenanceTest.class)).isFalse();
    Class<?> proxy =
        java.lang.reflect.Proxy.newProxyInstance(
                null, new Class<?>[] {Runnable.class}, (p, m, a) -> null)
            .getClass();
    assertThat(proxy.getClassLoader()).as("the boot loader's").isNull();
    assertThat(proxy.getModule().isNamed()).isTrue();
    assertThat(Provenance.isJdkCode(proxy)).as("a dynamic module").isFalse();
  }

  @Test
  void reflectionMethodHandlesAndTheJdksHiddenClassesForwardCalls() {
    assertThat(Provenance.forwardsCalls(java.lang.invoke.MethodHandle.class)).isTrue();
    assertThat(Provenance.forwardsCalls(java.lang.reflect.Method.class)).isTrue();
    assertThat(Provenance.forwardsCalls(java.util.function.Function.identity().getClass()))
        .as("a JDK lambda")
        .isTrue();
    assertThat(Provenance.forwardsCalls(java.util.Optional.class)).isFalse();
    Runnable own = () -> {};
    assertThat(own.getClass().isHidden()).isTrue();
    assertThat(Provenance.forwardsCalls(own.getClass()))
        .as("a hidden class of anyone else's stands for its maker")
        .isFalse();
  }
}
