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
    Dispatcher.definersForTests(java.util.Set.of());
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
    assertThat(Dispatcher.weaveBorn(loader, "Script", classFile)).isSameAs(classFile);
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
    assertThat(Dispatcher.weaveBorn(born, "Script", classFile)).isSameAs(classFile);
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

  /** A loader the application made, which defines this test's own nested class on request. */
  private static final class SharedEngine extends ClassLoader {
    SharedEngine() {
      super(BornTest.class.getClassLoader());
    }

    Class<?> define(byte[] classFile) {
      Object bytes = Dispatcher.definingClass(classFile, this, 0, classFile.length);
      byte[] used = (byte[]) bytes;
      Class<?> type = defineClass(null, used, 0, used.length);
      Dispatcher.classDefined(type);
      return type;
    }

    Class<?> defineAsGiven(byte[] classFile) {
      Class<?> type = defineClass(null, classFile, 0, classFile.length);
      Dispatcher.classDefined(type);
      return type;
    }
  }

  /** Defined by {@link SharedEngine}. */
  static final class Script {}

  private static byte[] scriptClassFile() throws java.io.IOException {
    try (java.io.InputStream in = BornTest.class.getResourceAsStream("BornTest$Script.class")) {
      return in.readAllBytes();
    }
  }

  @Test
  void calledByAnyoneButAClassLoaderTheDefiningEntriesExpectNothing() throws Exception {
    SharedEngine engine = new SharedEngine();
    byte[] classFile = scriptClassFile();
    Object tool = Dispatcher.enterTool(11, new Object[0]);
    hooks.answer = "io/toolguard/bootstrap/BornTest$Script";

    assertThat(Dispatcher.definingClass(classFile, engine, 0, classFile.length))
        .isSameAs(classFile);
    assertThat(Dispatcher.bornClassDefining(engine)).isFalse();
    assertThat(hooks.calls).noneMatch(call -> call.startsWith("bornDefinition"));
    hooks.answer = null;
    Dispatcher.exitTool(tool);
  }

  @Test
  void aClassALoaderMadeOutsideToolsDefinesInAToolFromBytesNotItsOwnIsBorn() throws Exception {
    Dispatcher.definersForTests(java.util.Set.of(BornTest.class, SharedEngine.class));
    SharedEngine engine = new SharedEngine();
    byte[] classFile = scriptClassFile();
    Object tool = Dispatcher.enterTool(7, new Object[0]);
    hooks.answer = "io/toolguard/bootstrap/BornTest$Script";

    Object used = Dispatcher.definingClass(classFile, engine, 0, classFile.length);
    assertThat(used).as("the JDK defines a copy the tool cannot change").isNotSameAs(classFile);
    assertThat((byte[]) used).isEqualTo(classFile);
    assertThat(Dispatcher.bornClassDefining(engine)).isTrue();
    assertThat(Dispatcher.weaveBorn(engine, "io/toolguard/bootstrap/BornTest$Script", used))
        .as("woven for the tool")
        .isEqualTo("io/toolguard/bootstrap/BornTest$Script");
    assertThat(hooks.calls).anyMatch(call -> call.startsWith("weaveBorn"));
    hooks.answer = null;
    Class<?> defined = engine.defineAsGiven((byte[]) used);
    Dispatcher.exitTool(tool);

    assertThat(Born.isBorn(defined)).isTrue();
    assertThat(Born.number(defined)).isGreaterThanOrEqualTo(0);
    assertThat(Dispatcher.bornClassDefining(engine)).as("nothing left expected").isFalse();
  }

  @Test
  void outsideToolsAndForTheLoadersOwnClassFilesNothingIsBorn() throws Exception {
    Dispatcher.definersForTests(java.util.Set.of(BornTest.class, SharedEngine.class));
    SharedEngine engine = new SharedEngine();
    byte[] classFile = scriptClassFile();

    assertThat(Dispatcher.definingClass(classFile, engine, 0, classFile.length))
        .as("outside tools")
        .isSameAs(classFile);

    Object tool = Dispatcher.enterTool(8, new Object[0]);
    Class<?> defined = engine.define(classFile);
    Dispatcher.exitTool(tool);

    assertThat(hooks.calls).anyMatch(call -> call.startsWith("bornDefinition"));
    assertThat(Born.isBorn(defined)).as("the hooks said it is the loader's own").isFalse();
    assertThat(Dispatcher.definingClassFromBuffer(java.nio.ByteBuffer.allocate(1), engine))
        .as("outside tools")
        .isInstanceOf(java.nio.ByteBuffer.class);
  }

  @Test
  void theJdksLoadersAreNotAsked() {
    Object tool = Dispatcher.enterTool(9, new Object[0]);
    byte[] classFile = {1, 2, 3};
    ClassLoader application = ClassLoader.getSystemClassLoader();

    assertThat(Dispatcher.definingClass(classFile, application, 0, 3)).isSameAs(classFile);
    java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(3);
    assertThat(Dispatcher.definingClassFromBuffer(direct, application)).isSameAs(direct);
    assertThat(Dispatcher.definingClassFromBuffer(direct, new SharedEngine()))
        .as("copied into an array, which the JDK defines through the entry that asks")
        .isNotSameAs(direct)
        .matches(buffer -> ((java.nio.ByteBuffer) buffer).hasArray());
    Dispatcher.exitTool(tool);
    assertThat(hooks.calls).noneMatch(call -> call.startsWith("bornDefinition"));
  }

  @Test
  void theResourcesALoaderMadeInAToolNamesAreToldOthersAreNot() throws Exception {
    java.net.URL url = new java.net.URL("file:/tmp/named");
    ClassLoader born = new Naming(url);
    Born.bornForTests(born, "call F");
    ClassLoader application = new Naming(url);

    assertThat(Dispatcher.resourceOf(born, "any")).as("outside tools").isSameAs(url);
    Object tool = Dispatcher.enterTool(10, new Object[0]);
    assertThat(Dispatcher.resourceOf(application, "any")).isSameAs(url);
    assertThat(Dispatcher.resourcesOf(application, "any").nextElement()).isSameAs(url);
    assertThat(hooks.calls).noneMatch(call -> call.startsWith("resourceChosen"));

    assertThat(Dispatcher.resourceOf(born, "any")).isSameAs(url);
    assertThat(hooks.calls)
        .anyMatch(call -> call.equals("resourceChosen tool 10: [file:/tmp/named]"));
    hooks.calls.clear();
    java.util.Enumeration<java.net.URL> each = Dispatcher.resourcesOf(born, "any");
    assertThat(hooks.calls).as("told as each is handed out").isEmpty();
    assertThat(each.nextElement()).isSameAs(url);
    assertThat(hooks.calls).hasSize(1);
    assertThat(Dispatcher.resourceOf(new Naming(null), "any")).as("none found").isNull();
    Dispatcher.exitTool(tool);
  }

  @Test
  void onlyTheJdksOwnLoadersAreNeverBorn() throws Exception {
    assertThat(Born.isTheJdks(ClassLoader.getSystemClassLoader())).isTrue();
    assertThat(Born.isTheJdks(ClassLoader.getPlatformClassLoader())).isTrue();
    assertThat(Born.isTheJdks(new Naming(null))).as("a loader of the application's").isFalse();
    assertThat(Born.isTheJdks(layerLoader()))
        .as("a module layer's loader, which defines the modules its creator chose")
        .isFalse();
  }

  /** {@return the loader of a module layer of one module, made here} */
  private static ClassLoader layerLoader() {
    return io.toolguard.it.app.Layers.naming(java.nio.file.Path.of("/nonexistent"));
  }

  /** A loader whose own {@code getResource} names the one URL it was given, as a tool's can. */
  private static final class Naming extends ClassLoader {
    private final java.net.URL named;

    Naming(java.net.URL named) {
      super(null);
      this.named = named;
    }

    @Override
    public java.net.URL getResource(String name) {
      return named;
    }

    @Override
    public java.util.Enumeration<java.net.URL> getResources(String name) {
      return java.util.Collections.enumeration(
          named == null ? java.util.List.of() : java.util.List.of(named));
    }
  }
}
