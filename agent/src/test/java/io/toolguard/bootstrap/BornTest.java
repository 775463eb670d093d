package io.toolguard.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Code born in a tool, in a class-path copy of the bridge: woven methods enter the context they
 * were born in, joined with the one they run in; called directly, the entries grant nothing.
 */
class BornTest {

  private final RecordingHooks hooks = new RecordingHooks();

  @BeforeEach
  void installHooks() {
    Dispatcher.installForTests(hooks);
  }

  @AfterEach
  void reset() {
    Dispatcher.installForTests(null);
    ToolFrames.CURRENT.remove();
  }

  private static Object current() {
    ToolFrames.Frame frame = ToolFrames.CURRENT.get();
    return frame == null ? null : frame.context;
  }

  private static int bornIn(String context) {
    ClassLoader loader = new ClassLoader() {};
    Born.bornForTests(loader, context);
    return Born.loaderNumber(loader);
  }

  @Test
  void bornCodeRunsInItsCallsContextOutsideTools() {
    int number = bornIn("call A");

    Object entered = Born.enter(number);
    assertThat(current()).isEqualTo("call A");
    assertThat(Born.enter(number)).as("a born method calling another").isNull();
    Born.leave(entered);

    assertThat(current()).isNull();
  }

  @Test
  void bornCodeRunInAnotherToolMustPassBoth() {
    int number = bornIn("call B");
    Object tool = Dispatcher.enterTool(2, new Object[0]);

    Object entered = Born.enter(number);
    assertThat(current()).isEqualTo("call B in tool 2");
    Born.leave(entered);
    assertThat(current()).isEqualTo("tool 2");
    Dispatcher.exitTool(tool);
  }

  @Test
  void joiningThatFailsStopsTheCode() {
    int number = bornIn("call C");
    Object tool = Dispatcher.enterTool(3, new Object[0]);
    hooks.failure = new IllegalStateException("broken");

    assertThatThrownBy(() -> Born.enter(number)).isInstanceOf(SecurityException.class);
    hooks.failure = null;
    Dispatcher.exitTool(tool);
  }

  @Test
  void calledDirectlyTheEntriesGrantNothing() {
    Object tool = Dispatcher.enterTool(4, new Object[0]);

    assertThat(Born.enter(12_345)).as("a number no call has").isNull();
    assertThat(Born.enter(-1)).isNull();
    Born.leave(new Object());
    Born.leave(null);
    assertThat(current()).isEqualTo("tool 4");

    ClassLoader loader = new ClassLoader() {};
    HandOffs.loaderCreated(loader);
    assertThat(Born.loaderNumber(loader))
        .as("only Module's code may say a loader is made")
        .isEqualTo(-1);

    byte[] classFile = {1, 2, 3};
    assertThat(Dispatcher.weaveBorn(loader, classFile)).isSameAs(classFile);
    assertThat(Dispatcher.defineClass(classFile, String.class, 2)).isSameAs(classFile);
    assertThat(hooks.calls).noneMatch(call -> call.startsWith("weaveBorn"));
    Dispatcher.exitTool(tool);
    assertThat(current()).isNull();
  }

  @Test
  void aBornLoadersLambdasAreWovenAndOthersAreNot() {
    int number = bornIn("call D");
    ClassLoader born = new ClassLoader() {};
    Born.bornForTests(born, "call D");
    Object tool = Dispatcher.enterTool(5, new Object[0]);
    byte[] classFile = {1, 2, 3};

    assertThat(Dispatcher.defineClass(classFile, BornTest.class, 2))
        .as("a hidden class of a class that was not born")
        .isSameAs(classFile);
    assertThat(Born.loaderNumber(born)).isEqualTo(number);
    assertThat(Dispatcher.weaveBorn(born, classFile)).isSameAs(classFile);
    assertThat(hooks.calls).anyMatch(call -> call.startsWith("weaveBorn"));
    Dispatcher.exitTool(tool);
  }

  @Test
  void bornCodeThatToolguardsOwnWorkCallsIsCheckedAllTheSame() {
    int number = bornIn("call E");
    Object tool = Dispatcher.enterTool(6, new Object[0]);
    ToolFrames.Frame checking = ToolFrames.CURRENT.get();
    checking.checking = true;

    Object entered = Born.enter(number);
    assertThat(ToolFrames.CURRENT.get()).isNotSameAs(checking);
    assertThat(ToolFrames.CURRENT.get().checking).isFalse();
    assertThat(current()).isEqualTo("call E in tool 6");
    Born.leave(entered);

    assertThat(ToolFrames.CURRENT.get()).isSameAs(checking);
    checking.checking = false;
    Dispatcher.exitTool(tool);
  }
}
