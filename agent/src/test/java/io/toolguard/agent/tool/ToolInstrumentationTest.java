package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;

/**
 * Whether the tool transformer must retransform at start-up: only when an application class is
 * loaded before it is in place (from an AOT cache), not for the JDK's own modules that the
 * application class loader defines ({@code jdk.attach}, which the JDK weaving loads) nor for
 * toolguard's own classes.
 */
class ToolInstrumentationTest {

  @Test
  void theJdksModulesOfTheApplicationLoaderAreNoApplicationClasses() throws Exception {
    Class<?> attach = Class.forName("sun.tools.attach.HotSpotVirtualMachine");
    assertThat(attach.getClassLoader()).isSameAs(ClassLoader.getSystemClassLoader());

    assertThat(ToolInstrumentation.applicationClassesLoaded(loaded(String.class, attach)))
        .isFalse();
    assertThat(
            ToolInstrumentation.applicationClassesLoaded(loaded(ToolInstrumentation.class, attach)))
        .as("toolguard's own")
        .isFalse();
    assertThat(
            ToolInstrumentation.applicationClassesLoaded(
                loaded(attach, org.assertj.core.api.Assertions.class)))
        .as("an application class")
        .isTrue();
  }

  private static Instrumentation loaded(Class<?>... classes) {
    return (Instrumentation)
        Proxy.newProxyInstance(
            Instrumentation.class.getClassLoader(),
            new Class<?>[] {Instrumentation.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getAllLoadedClasses")) {
                return classes.clone();
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }

  @Test
  void aClassDefinedIntoAModuleOfTheJdksIsReadToo() throws Exception {
    // Application code can define classes there (a lookup in java.lang, opened to it by
    // --add-opens): they are read as any other, for the tool annotations they name.
    ToolInstrumentation tools = withoutAGuard();
    byte[] toolClass =
        ToolClassFilter.classFile(
            getClass().getClassLoader(),
            ToolAnnotationsTest.Direct.class.getName().replace('.', '/'));

    assertThat(
            tools.transform(
                String.class.getModule(), null, "java/lang/Probe", null, null, toolClass))
        .as("a class with tools, defined into java.base, woven")
        .isNotNull()
        .isNotEqualTo(toolClass);
    assertThat(
            tools.transform(
                String.class.getModule(), null, "java/lang/Unreadable", null, null, new byte[3]))
        .as("one it cannot read, refused")
        .containsExactly(0);
  }

  @Test
  void aToolClassWhoseAnnotationTypeCannotBeReadNowIsRefusedNotLoadedUnwoven() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean unreadable =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    ClassLoader application = getClass().getClassLoader();
    // as the JDK's loaders answer for a file they find but cannot read (too many files open)
    ClassLoader flaky =
        new ClassLoader(application) {
          @Override
          public java.io.InputStream getResourceAsStream(String name) {
            return unreadable.get() && name.contains("Briefing")
                ? null
                : super.getResourceAsStream(name);
          }
        };
    ToolInstrumentation tools = withoutAGuard();
    byte[] classFile =
        ToolClassFilter.classFile(
            application, ToolClassFilterTest.Briefings.class.getName().replace('.', '/'));
    // under a name of the application's: toolguard's own classes are never woven
    String name = "x/Briefings";

    assertThat(tools.transform(flaky.getUnnamedModule(), flaky, name, null, null, classFile))
        .as("refused while its annotation type cannot be read")
        .containsExactly(0);
    unreadable.set(false);
    assertThat(tools.transform(flaky.getUnnamedModule(), flaky, name, null, null, classFile))
        .as("woven once it can")
        .isNotNull()
        .hasSizeGreaterThan(classFile.length);
  }

  /** {@return the tool weaving as a test makes it: no guard to tell of the classes woven} */
  private static ToolInstrumentation withoutAGuard() throws ReflectiveOperationException {
    java.lang.reflect.Constructor<ToolInstrumentation> constructor =
        ToolInstrumentation.class.getDeclaredConstructor(
            io.toolguard.agent.guard.ToolRegistry.class, java.util.List.class);
    constructor.setAccessible(true);
    return constructor.newInstance(
        new io.toolguard.agent.guard.ToolRegistry(), java.util.List.of());
  }
}
