package io.toolguard.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.weave.JdkInitialisation.Frame;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * When an access is the JVM initialising itself: frames from the access outward, past toolguard's,
 * reach a JDK class initialiser (or a JDK method that sets up JVM-wide state once) through JDK
 * frames only.
 */
class JdkInitialisationTest {

  private static final Frame CHECK = new Frame(JdkInitialisation.class, "underway");
  private static final Frame OPEN = new Frame(Files.class, "newByteChannel");
  private static final Frame JDK_CODE = new Frame(java.util.logging.LogManager.class, "<init>");
  private static final Frame JDK_INITIALISER =
      new Frame(java.util.logging.LogManager.class, "<clinit>");
  private static final Frame TOOL = new Frame(JdkInitialisationTest.class, "tool");

  private static boolean initialises(Frame... frames) {
    return JdkInitialisation.initialises(List.of(frames).iterator());
  }

  @Test
  void aJdkClassInitialiserReachedThroughJdkCodeIsTheJvmInitialisingItself() {
    assertThat(initialises(CHECK, OPEN, JDK_CODE, JDK_INITIALISER, TOOL)).isTrue();
    assertThat(initialises(OPEN, JDK_INITIALISER)).isTrue();
  }

  @Test
  void aJdkMethodThatSetsUpJvmWideStateOnceCountsAsAnInitialiser() throws Exception {
    Class<?> detector = Class.forName("sun.nio.fs.MimeTypesFileTypeDetector");

    assertThat(initialises(CHECK, OPEN, new Frame(detector, "loadMimeTypes"), TOOL)).isTrue();
    assertThat(initialises(CHECK, OPEN, new Frame(detector, "implProbeContentType"), TOOL))
        .as("the same class's other methods")
        .isFalse();
  }

  @Test
  void toolCodeBetweenTheAccessAndTheInitialiserMakesTheAccessTheTools() {
    assertThat(initialises(CHECK, OPEN, TOOL, JDK_CODE, JDK_INITIALISER))
        .as("a provider or callback the JDK calls as it initialises")
        .isFalse();
    assertThat(initialises(CHECK, OPEN, new Frame(JdkInitialisationTest.class, "<clinit>")))
        .as("a tool class's own initialiser")
        .isFalse();
    assertThat(initialises(CHECK, OPEN, JDK_CODE, TOOL)).as("no initialiser at all").isFalse();
    assertThat(initialises(CHECK)).isFalse();
  }

  @Test
  void toolguardsOwnFramesAreLookedPastOnlyAtTheTop() {
    Frame dispatcher = new Frame(io.toolguard.bootstrap.Dispatcher.class, "checkFile");

    assertThat(initialises(CHECK, dispatcher, OPEN, JDK_INITIALISER)).isTrue();
    assertThat(initialises(CHECK, OPEN, dispatcher, JDK_INITIALISER)).isFalse();
  }

  @Test
  void aCopyOfToolguardsClassInAnotherLoaderIsNotLookedPast() throws Exception {
    java.net.URL classes =
        JdkInitialisation.class.getProtectionDomain().getCodeSource().getLocation();
    try (java.net.URLClassLoader other =
        new java.net.URLClassLoader(new java.net.URL[] {classes}, null)) {
      Class<?> copy = Class.forName(JdkInitialisation.class.getName(), false, other);
      assertThat(copy).isNotSameAs(JdkInitialisation.class);

      assertThat(initialises(new Frame(copy, "underway"), OPEN, JDK_INITIALISER)).isFalse();
      assertThat(initialises(CHECK, OPEN, JDK_INITIALISER)).isTrue();
    }
  }

  @Test
  void proxiesTheJdkSpinsForAToolAreNotJdkCode() throws Exception {
    Callable<?> bound =
        MethodHandleProxies.asInterfaceInstance(
            Callable.class,
            MethodHandles.lookup()
                .findStatic(
                    String.class, "valueOf", MethodType.methodType(String.class, Object.class))
                .bindTo("a tool's argument"));
    Object proxy =
        Proxy.newProxyInstance(
            null, new Class<?>[] {Supplier.class}, (self, method, arguments) -> null);
    Supplier<String> lambda = () -> "a tool's lambda";

    assertThat(JdkInitialisation.isJdkCode(bound.getClass())).isFalse();
    assertThat(JdkInitialisation.isJdkCode(proxy.getClass())).isFalse();
    assertThat(JdkInitialisation.isJdkCode(lambda.getClass())).isFalse();
    assertThat(JdkInitialisation.isJdkCode(Files.class)).isTrue();
    assertThat(initialises(CHECK, OPEN, new Frame(bound.getClass(), "call"), JDK_INITIALISER))
        .isFalse();
  }

  @Test
  void theJdksModulesOfTheApplicationLoaderAreJdkCodeButTheApplicationsAreNot() throws Exception {
    Class<?> attach = Class.forName("sun.tools.attach.HotSpotVirtualMachine");

    assertThat(attach.getClassLoader()).isSameAs(ClassLoader.getSystemClassLoader());
    assertThat(JdkInitialisation.isJdkCode(attach)).isTrue();
    assertThat(initialises(CHECK, OPEN, new Frame(attach, "<clinit>"), TOOL)).isTrue();
    assertThat(JdkInitialisation.isJdkCode(JdkInitialisationTest.class)).isFalse();
    assertThat(JdkInitialisation.isRuntimeImageModule(JdkInitialisationTest.class.getModule()))
        .as("an unnamed module")
        .isFalse();
    assertThat(JdkInitialisation.isRuntimeImageModule(Object.class.getModule())).isTrue();
  }

  @Test
  void aHiddenClassIsNeverAnInitialiserOfTheJdk() {
    Supplier<String> lambda = () -> "hidden";

    assertThat(initialises(CHECK, OPEN, new Frame(lambda.getClass(), "<clinit>"))).isFalse();
  }

  @Test
  void aDenialFindsTheJdkClassBeingInitialisedFurtherOutPastToolCode() {
    assertThat(
            JdkInitialisation.jdkClassInitialiserIn(
                List.of(CHECK, OPEN, TOOL, JDK_CODE, JDK_INITIALISER, TOOL).iterator()))
        .isEqualTo(java.util.logging.LogManager.class);
    assertThat(
            JdkInitialisation.jdkClassInitialiserIn(
                List.of(OPEN, new Frame(JdkInitialisationTest.class, "<clinit>"), TOOL).iterator()))
        .as("a tool class's initialiser")
        .isNull();
  }

  @Test
  void walkingThisStackFindsNoInitialiser() {
    assertThat(JdkInitialisation.underway()).isFalse();
    assertThat(JdkInitialisation.classBeingInitialised()).isNull();
  }
}
