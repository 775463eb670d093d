package io.toolguard.agent.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.bootstrap.BootstrapTesting;
import io.toolguard.bootstrap.Dispatcher;
import io.toolguard.bootstrap.RecordingHooks;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plain-ASM tool weaver on methods of every shape: the woven classes are defined (so the JVM
 * verifies them against the stack map frames the weaver rewrote) and called, and each call must
 * enter its tool once with its arguments boxed, report what it returned, and leave the tool's frame
 * however the body ended.
 */
class ToolWeaverTest {

  private final RecordingHooks hooks = new RecordingHooks();

  /** Registry numbers handed out by {@link #woven}, by method name. */
  private final Map<String, Integer> ids = new HashMap<>();

  @BeforeEach
  void install() {
    BootstrapTesting.install(hooks);
  }

  @AfterEach
  void reset() {
    BootstrapTesting.reset();
  }

  @Test
  void argumentsOfEveryKindAreBoxedInOrderAndTheResultIsReported() throws Throwable {
    Object shapes = newInstance(woven(Shapes.class));

    assertThat(call(shapes, "join", 7L, 2.5, "x", 'c', (byte) 1, (short) 2, 1.5f, true))
        .isEqualTo("7/2.5/x/c/1/2/1.5/true");

    assertThat(hooks.calls)
        .containsExactly(
            "enterTool null: [" + ids.get("join") + ", [7, 2.5, x, c, 1, 2, 1.5, true]]",
            "toolReturned tool " + ids.get("join") + ": [7/2.5/x/c/1/2/1.5/true]");
    assertOutsideAnyTool();
  }

  @Test
  void staticVarargsPrimitiveResultsAndArraysAreWoven() throws Throwable {
    Class<?> shapes = woven(Shapes.class);

    assertThat(shapes.getMethod("sum", int[].class).invoke(null, (Object) new int[] {1, 2, 3}))
        .isEqualTo(6L);
    assertThat(shapes.getMethod("halves", double.class).invoke(null, 3.0))
        .isEqualTo(new double[] {1.5, 1.5});

    assertThat(hooks.calls)
        .containsExactly(
            "enterTool null: [" + ids.get("sum") + ", [[1, 2, 3]]]",
            "toolReturned tool " + ids.get("sum") + ": [6]",
            "enterTool null: [" + ids.get("halves") + ", [3.0]]",
            "toolReturned tool " + ids.get("halves") + ": [[1.5, 1.5]]");
    assertOutsideAnyTool();
  }

  @Test
  void aBodyWithLoopsLocalsAndItsOwnHandlersKeepsWorking() throws Throwable {
    Object shapes = newInstance(woven(Shapes.class));

    assertThat(call(shapes, "loop", 4, 10L)).isEqualTo(32L);
    assertThat(call(shapes, "caught", "boom")).isEqualTo("caught boom");
    assertThat(call(shapes, "counter", 5L)).isEqualTo(5L);
    assertThat(call(shapes, "nothing")).isNull();
    assertThat(call(shapes, "spin", 3)).isEqualTo(0);

    assertThat(hooks.calls)
        .contains(
            "toolReturned tool " + ids.get("loop") + ": [32]",
            "toolReturned tool " + ids.get("caught") + ": [caught boom]",
            "toolReturned tool " + ids.get("counter") + ": [5]",
            "enterTool null: [" + ids.get("spin") + ", [3]]",
            "toolReturned tool " + ids.get("spin") + ": [0]")
        .noneMatch(call -> call.startsWith("toolReturned tool " + ids.get("nothing")));
    assertOutsideAnyTool();
  }

  @Test
  void aBodyThatThrowsLeavesTheToolOnceAndItsExceptionGoesThrough() throws Throwable {
    Object shapes = newInstance(woven(Shapes.class));

    assertThatThrownBy(() -> call(shapes, "fail", "why"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("why");
    assertThatThrownBy(() -> call(shapes, "failHard"))
        .isInstanceOf(StackOverflowError.class)
        .hasMessage("planted");

    assertThat(hooks.calls)
        .containsExactly(
            "enterTool null: [" + ids.get("fail") + ", [why]]",
            "enterTool null: [" + ids.get("failHard") + ", []]");
    assertOutsideAnyTool();
  }

  @Test
  void aWithheldResultLeavesTheToolOnceAndIsNotHandedOn() throws Throwable {
    Object shapes = newInstance(woven(Shapes.class));
    hooks.during =
        () -> {
          if (hooks.calls.get(hooks.calls.size() - 1).startsWith("toolReturned")) {
            throw new SecurityException("withheld");
          }
        };

    assertThatThrownBy(() -> call(shapes, "caught", "secret"))
        .isInstanceOf(SecurityException.class)
        .hasMessage("withheld");

    assertThat(hooks.calls).filteredOn(call -> call.startsWith("toolReturned")).hasSize(1);
    assertOutsideAnyTool();
  }

  @Test
  void aDeniedCallRunsNoBody() throws Throwable {
    Object shapes = newInstance(woven(Shapes.class));
    hooks.failure = new SecurityException("denied");

    assertThatThrownBy(() -> call(shapes, "touch")).hasMessage("denied");

    assertThat(System.getProperty("toolguard.test.weaver.touched")).isNull();
    assertOutsideAnyTool();
  }

  @Test
  void aToolThatRecursesEntersAndLeavesEachLevel() throws Throwable {
    Object shapes = newInstance(woven(Shapes.class));

    assertThat(call(shapes, "recurse", 2)).isEqualTo(3);

    int id = ids.get("recurse");
    assertThat(hooks.calls)
        .containsExactly(
            "enterTool null: [" + id + ", [2]]",
            "checkFile tool " + id + ": [level 2, 1, null]",
            "enterTool tool " + id + ": [" + id + ", [1]]",
            "checkFile tool " + id + " in tool " + id + ": [level 1, 1, null]",
            "enterTool tool " + id + " in tool " + id + ": [" + id + ", [0]]",
            "checkFile tool " + id + " in tool " + id + " in tool " + id + ": [level 0, 1, null]",
            "toolReturned tool " + id + " in tool " + id + " in tool " + id + ": [1]",
            "checkFile tool " + id + " in tool " + id + ": [back at 1, 1, null]",
            "toolReturned tool " + id + " in tool " + id + ": [2]",
            "checkFile tool " + id + ": [back at 2, 1, null]",
            "toolReturned tool " + id + ": [3]");
    assertOutsideAnyTool();
  }

  @Test
  void aNestedToolThatThrowsLeavesOnlyItsOwnFrame() throws Throwable {
    Object shapes = newInstance(woven(Shapes.class));

    assertThat(call(shapes, "outer")).isEqualTo("inner failed");

    assertThat(hooks.calls)
        .contains("checkFile tool " + ids.get("outer") + ": [after inner, 1, null]");
    assertOutsideAnyTool();
  }

  @Test
  void aGenericMethodIsWovenOnceWhetherCalledDirectlyOrThroughItsBridge() throws Throwable {
    @SuppressWarnings("unchecked")
    Function<String, String> upper = (Function<String, String>) newInstance(woven(Upper.class));

    assertThat(upper.apply("abc")).isEqualTo("ABC");

    assertThat(hooks.calls)
        .containsExactly(
            "enterTool null: [" + ids.get("apply") + ", [abc]]",
            "toolReturned tool " + ids.get("apply") + ": [ABC]");
    assertThat(ToolInstrumentation.weavable(ToolAnnotationsTest.describe(Upper.class)))
        .extracting(ClassModel.MethodModel::descriptor)
        .containsExactly("(Ljava/lang/String;)Ljava/lang/String;");
  }

  @Test
  void anInterfacesDefaultMethodIsWoven() throws Throwable {
    Class<?> greeter = woven(Greeter.class);
    Object impl =
        java.lang.reflect.Proxy.newProxyInstance(
            greeter.getClassLoader(),
            new Class<?>[] {greeter},
            (proxy, method, args) ->
                java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args));

    assertThat(greeter.getMethod("greet", String.class).invoke(impl, "ann")).isEqualTo("hi ann");

    assertThat(hooks.calls).contains("toolReturned tool " + ids.get("greet") + ": [hi ann]");
    assertOutsideAnyTool();
  }

  private void assertOutsideAnyTool() {
    int before = hooks.calls.size();
    Dispatcher.checkFile("outside", Dispatcher.READ, null);
    assertThat(hooks.calls).hasSize(before);
  }

  /**
   * {@return the class defined anew from its class file with every method that can be a tool woven:
   * not the constructors, nor bridges}
   */
  private Class<?> woven(Class<?> fixture) throws Exception {
    String internalName = fixture.getName().replace('.', '/');
    byte[] classFile =
        ToolClassFilter.classFile(ToolWeaverTest.class.getClassLoader(), internalName);
    Map<String, Integer> toolIds = new HashMap<>();
    for (ClassModel.MethodModel method :
        ToolInstrumentation.weavable(ToolAnnotationsTest.describe(fixture))) {
      int id = 100 + ids.size();
      ids.put(method.name(), id);
      toolIds.put(method.name() + method.descriptor(), id);
    }
    byte[] woven = ToolWeaver.weave(classFile, toolIds);
    return new ClassLoader(ToolWeaverTest.class.getClassLoader()) {
      Class<?> define() {
        return defineClass(fixture.getName(), woven, 0, woven.length);
      }
    }.define();
  }

  private static Object newInstance(Class<?> type) throws Exception {
    var constructor = type.getDeclaredConstructor();
    constructor.setAccessible(true);
    return constructor.newInstance();
  }

  private static Object call(Object target, String name, Object... arguments) throws Throwable {
    for (Method method : target.getClass().getDeclaredMethods()) {
      if (method.getName().equals(name) && !method.isBridge()) {
        method.setAccessible(true);
        try {
          return method.invoke(target, arguments);
        } catch (InvocationTargetException thrown) {
          throw thrown.getCause();
        }
      }
    }
    throw new AssertionError("no method " + name);
  }

  /** Methods of every shape the weaver must handle. */
  public static class Shapes {
    private long count;

    public String join(long a, double b, String c, char d, byte e, short f, float g, boolean h) {
      return a + "/" + b + "/" + c + "/" + d + "/" + e + "/" + f + "/" + g + "/" + h;
    }

    public static long sum(int... values) {
      long total = 0;
      for (int value : values) {
        total += value;
      }
      return total;
    }

    public static double[] halves(double value) {
      return new double[] {value / 2, value / 2};
    }

    public long loop(int times, long start) {
      long total = start;
      for (int i = 0; i < times; i++) {
        double step = i * 3.0;
        if (step > 100) {
          return -1;
        }
        total += (long) step + 1;
      }
      String ignored = "end";
      return total + ignored.length() * 0;
    }

    /** Its first instruction is a jump target: the class file has a stack map frame there. */
    public int spin(int times) {
      while (times > 0) {
        times--;
      }
      return times;
    }

    public String caught(String what) {
      try {
        throw new IllegalArgumentException(what);
      } catch (Throwable thrown) {
        return "caught " + thrown.getMessage();
      } finally {
        count++;
      }
    }

    public synchronized long counter(long by) {
      count += by;
      return by;
    }

    public void nothing() {
      count++;
    }

    public void fail(String why) {
      throw new IllegalStateException(why);
    }

    public void failHard() {
      throw new StackOverflowError("planted");
    }

    public void touch() {
      System.setProperty("toolguard.test.weaver.touched", "yes");
    }

    public int recurse(int level) {
      Dispatcher.checkFile("level " + level, Dispatcher.READ, null);
      if (level == 0) {
        return 1;
      }
      int below = recurse(level - 1);
      Dispatcher.checkFile("back at " + level, Dispatcher.READ, null);
      return below + 1;
    }

    public String outer() {
      String result;
      try {
        inner();
        result = "inner returned";
      } catch (RuntimeException failed) {
        result = "inner failed";
      }
      Dispatcher.checkFile("after inner", Dispatcher.READ, null);
      return result;
    }

    public void inner() {
      throw new IllegalStateException("inner");
    }
  }

  /** A generic interface's method, implemented: the class file has a bridge beside it. */
  public static class Upper implements Function<String, String> {
    @Override
    public String apply(String text) {
      return text.toUpperCase(java.util.Locale.ROOT);
    }
  }

  /** An interface with a default method. */
  public interface Greeter {
    default String greet(String name) {
      return "hi " + name;
    }
  }
}
