package io.toolguard.benchmarks;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a method of code born in a tool costs when it is called: a class a class loader created in a
 * tool defined (a script engine's compiled script), against the very same class file defined by a
 * loader the application created. Each method of a born class enters the context of the call it was
 * born in and leaves it when it ends; called after that call returned ({@code where=outside}) that
 * is one frame pushed and popped, called inside another tool's call ({@code where=inside}) the two
 * calls' contexts are joined too. Without the agent both classes are plain. Each invocation calls
 * the method {@value #BATCH} times.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BornCodeBenchmark {

  static final int BATCH = 1000;

  /** {@code outside}: no tool is running; {@code inside}: the batch runs inside the tool. */
  @Param({"outside", "inside"})
  String where;

  private IntSupplier born;
  private IntSupplier plain;

  @Setup
  public void defineClasses() throws ReflectiveOperationException {
    born = definedInTool();
    plain = define();
  }

  /** A method of the class a loader created in a tool defined. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int bornMethod() {
    return batch(born);
  }

  /** The same method of the same class file, which a loader created outside tools defined. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int plainMethod() {
    return batch(plain);
  }

  private int batch(IntSupplier code) {
    return where.equals("inside") ? inTool(code) : repeat(code);
  }

  @Tool(name = "bench", risk = Risk.LOW)
  static int inTool(IntSupplier code) {
    return repeat(code);
  }

  @Tool(name = "bench", risk = Risk.LOW)
  static IntSupplier definedInTool() throws ReflectiveOperationException {
    return define();
  }

  private static int repeat(IntSupplier code) {
    int sum = 0;
    for (int i = 0; i < BATCH; i++) {
      sum += code.getAsInt();
    }
    return sum;
  }

  private static IntSupplier define() throws ReflectiveOperationException {
    ClassLoader loader = new ScriptLoader(BornCodeBenchmark.class.getClassLoader());
    return (IntSupplier)
        loader.loadClass(Script.class.getName()).getDeclaredConstructor().newInstance();
  }

  /** A script's class: counts its calls. */
  public static final class Script implements IntSupplier {
    private int calls;

    @Override
    public int getAsInt() {
      return ++calls;
    }
  }

  /** A script engine's loader: defines the script's class itself, from its class file. */
  static final class ScriptLoader extends ClassLoader {
    ScriptLoader(ClassLoader parent) {
      super("script", parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.equals(Script.class.getName())) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> known = findLoadedClass(name);
        if (known != null) {
          return known;
        }
        try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
          if (in == null) {
            throw new ClassNotFoundException(name);
          }
          byte[] classFile = in.readAllBytes();
          return defineClass(name, classFile, 0, classFile.length);
        } catch (IOException unreadable) {
          throw new ClassNotFoundException(name, unreadable);
        }
      }
    }
  }
}
