package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.guard.ToolRegistry;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

  @Test
  void theJdksOwnClassesAreNotReadForTools() {
    ToolInstrumentation tools = new ToolInstrumentation(new ToolRegistry(), List.of());
    // no class file: read, it is one that names a tool annotation and cannot be woven
    byte[] namesATool = "Lio/toolguard/api/Tool;".getBytes(StandardCharsets.UTF_8);
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    Module attach = ModuleLayer.boot().findModule("jdk.attach").orElseThrow();

    assertThat(transform(tools, Object.class.getModule(), null, namesATool))
        .as("java.base, the bootstrap loader's")
        .isNull();
    assertThat(transform(tools, attach, ClassLoader.getSystemClassLoader(), namesATool))
        .as("a JDK module the application loader defines")
        .isNull();
    assertThat(transform(tools, platform.getUnnamedModule(), platform, namesATool))
        .as("a class path of the platform loader's")
        .containsExactly(0);
    assertThat(
            transform(
                tools,
                ClassLoader.getSystemClassLoader().getUnnamedModule(),
                ClassLoader.getSystemClassLoader(),
                namesATool))
        .as("the class path")
        .containsExactly(0);
  }

  private static byte[] transform(
      ToolInstrumentation tools, Module module, ClassLoader loader, byte[] classFile) {
    return tools.transform(module, loader, "probe/Probe", null, null, classFile);
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
}
