package io.toolguard.bootstrap;

import static io.toolguard.bootstrap.ToolFrames.CURRENT;

import io.toolguard.bootstrap.ToolFrames.Frame;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Code born inside a tool carries the tool's confinement wherever it runs. A class loader a tool
 * creates is born in that tool's call, and so is every class it defines (a script engine's compiled
 * scripts, a plug-in's classes, a proxy for them) and every lambda or hidden class defined with one
 * of their lookups. The agent weaves each such class as it is defined so that every method of it,
 * its initialiser and constructors too, runs in the context of the call it was born in: when the
 * application calls a result's {@code toString} after the tool returned, when the finalizer thread
 * runs its {@code finalize}, when a pool runs a thread or task it made, when a logger calls a
 * handler it added. Run inside another tool's call, that code must pass both tools' grants.
 *
 * <p>A call's contexts are numbered as they give birth to their first class; woven code names the
 * number, which the class cannot change. Entering only ever adds restrictions, and leaving leaves
 * only a frame the caller was handed by entering, so calling these entries directly grants nothing.
 * Outside tools, and for classes not born in one, nothing here runs: the only cost outside tools is
 * that of the born classes' own methods.
 */
public final class Born {

  /** The loaders created inside tools, with the number of the context they were created in. */
  private static final WeakIdentityMap<Integer> LOADERS = new WeakIdentityMap<>();

  /**
   * The classes born in a tool whose loader was not: defined in a tool by a loader created outside
   * tools, from a class file that is not that loader's own (see {@code Dispatcher.definingClass}).
   */
  private static final WeakIdentityMap<Integer> CLASSES = new WeakIdentityMap<>();

  /** On each thread, the born classes being defined there, awaiting their {@code Class}. */
  private static final ThreadLocal<Expected> EXPECTED = new ThreadLocal<>();

  /** Contexts by number; a born class keeps its number for its whole life. */
  private static volatile Object[] contexts = new Object[16];

  /** The number of each context that has one. */
  private static final Map<Object, Integer> NUMBERS = new IdentityHashMap<>();

  private static final String MODULE = "java.lang.Module";

  private Born() {}

  /**
   * Woven at the start of each method of a class born in a tool: enters that tool call's context,
   * on top of (and restricted by) the one this thread is in.
   *
   * @return what to hand {@link #leave} when the method ends, or {@code null} if this thread is in
   *     that context already
   * @throws SecurityException if the contexts could not be joined
   */
  public static Object enter(int number) {
    Object[] known = contexts;
    Object born = number >= 0 && number < known.length ? known[number] : null;
    Frame frame = CURRENT.get();
    if (born == null) {
      return null;
    }
    // Born code that toolguard's own work calls is never part of that work: it gets a frame of
    // its own, which is not checking.
    boolean checking = frame != null && frame.checking;
    if (frame != null && !checking && (frame.born == number || frame.context == born)) {
      return null;
    }
    Object context = born;
    if (frame != null) {
      try {
        context = Dispatcher.agent().joinContexts(born, frame.context);
      } catch (Throwable failure) {
        throw new SecurityException(
            "toolguard could not confine code a tool left behind, so it was stopped ("
                + failure
                + ")");
      }
      if (context == frame.context && !checking) {
        return null;
      }
    }
    Frame entered = new Frame(context, frame);
    entered.born = number;
    CURRENT.set(entered);
    return entered;
  }

  /**
   * Woven where each method of a born class ends, by a return or an exception: leaves the frame
   * {@link #enter} entered, and any left above it.
   */
  public static void leave(Object entered) {
    if (entered == null) {
      return;
    }
    for (Frame open = CURRENT.get(); open != null; open = open.outer) {
      if (open == entered) {
        CURRENT.set(open.outer);
        return;
      }
    }
  }

  /**
   * {@return the number of the tool call {@code loader} was created in, or {@code -1} if it was
   * created outside tools}
   */
  public static int loaderNumber(Object loader) {
    if (loader == null || LOADERS.isEmpty()) {
      return -1;
    }
    Integer number = LOADERS.get(loader);
    return number == null ? -1 : number;
  }

  /**
   * {@return the number of the tool call {@code type} was born in, or {@code -1} if it was not}:
   * defined by a loader born in a tool, or defined in a tool from a class file its loader does not
   * hold
   */
  public static int number(Class<?> type) {
    int number = loaderNumber(type.getClassLoader());
    if (number >= 0 || CLASSES.isEmpty()) {
      return number;
    }
    Integer own = CLASSES.get(type);
    return own == null ? -1 : own;
  }

  /** {@return whether {@code type} (possibly {@code null}) was born in a tool} */
  public static boolean isBorn(Class<?> type) {
    return type != null && number(type) >= 0;
  }

  /**
   * {@return the number of the call the class {@code internalName} that {@code loader} is defining
   * on this thread is born in, or {@code -1}}: for the class file transformer, which weaves it
   */
  static int expected(Object loader, String internalName) {
    for (Expected next = EXPECTED.get(); next != null; next = next.outer) {
      if (next.loader == loader && next.internalName.equals(internalName)) {
        return next.number;
      }
    }
    return -1;
  }

  /** {@return whether a born class is being defined on this thread} */
  static boolean expecting() {
    return EXPECTED.get() != null;
  }

  /** {@code loader} is about to define the class {@code internalName}, born in {@code context}. */
  static void expect(Object loader, String internalName, Object context) {
    Expected outer = EXPECTED.get();
    // A definition that failed left its entry behind; the name is being defined again.
    for (Expected next = outer; next != null; next = next.outer) {
      if (next.loader == loader && next.internalName.equals(internalName)) {
        outer = without(outer, next);
        break;
      }
    }
    EXPECTED.set(new Expected(loader, internalName, numberOf(context), outer));
  }

  /**
   * {@code type}, a hidden class, was defined with the lookup of a class born in the call numbered
   * {@code number}, and woven for it: it is born there too, so that what it defines with its own
   * lookup, and what it hands out, are known as born code's.
   */
  static void hiddenDefined(Class<?> type, int number) {
    CLASSES.put(type, number);
  }

  /** {@code type} was defined on this thread: if it was expected, it is born. */
  static void defined(Class<?> type) {
    Expected first = EXPECTED.get();
    String internalName = type.getName().replace('.', '/');
    for (Expected next = first; next != null; next = next.outer) {
      if (next.loader == type.getClassLoader() && next.internalName.equals(internalName)) {
        CLASSES.put(type, next.number);
        Expected rest = without(first, next);
        if (rest == null) {
          EXPECTED.remove();
        } else {
          EXPECTED.set(rest);
        }
        return;
      }
    }
  }

  private static Expected without(Expected first, Expected gone) {
    if (first == gone) {
      return gone.outer;
    }
    return new Expected(first.loader, first.internalName, first.number, without(first.outer, gone));
  }

  /** A born class being defined: by which loader, its name, its call's number. */
  private record Expected(Object loader, String internalName, int number, Expected outer) {}

  /** A class loader being created inside a tool is born in it (called from {@code Module}). */
  static void loaderCreated(Frame frame, Object loader, Class<?> caller) {
    if (loader == null || caller == null || caller.getClassLoader() != null) {
      return;
    }
    if (!caller.getName().equals(MODULE)) {
      return;
    }
    if (isTheJdks(loader)) {
      return;
    }
    LOADERS.put(loader, numberOf(frame.context));
  }

  /**
   * The JDK's loaders whose classes are the JDK's whoever's call created them, each with why: the
   * built-in ones, which define only the runtime image and the JVM's class and module paths, and
   * those the JDK creates for itself, when first needed, and fills with code for whoever asks next.
   * Were one of the latter born in the tool whose call happened to create it, every later use, the
   * application's too, would be confined to that tool. Every other loader, the JDK's included,
   * defines code its creator chose: a module layer's ({@code jdk.internal.loader.Loader}), a file
   * system's for another runtime image, the source launcher's.
   */
  private static final Map<String, String> JDKS_OWN_LOADERS =
      Map.of(
          "jdk.internal.loader.ClassLoaders$BootClassLoader",
          "defines the runtime image's classes",
          "jdk.internal.loader.ClassLoaders$PlatformClassLoader",
          "defines the runtime image's classes",
          "jdk.internal.loader.ClassLoaders$AppClassLoader",
          "defines the JVM's class path and module path",
          "jdk.internal.reflect.DelegatingClassLoader",
          "holds JDK 17's reflection accessors, each then serving every later call of its member",
          "sun.reflect.misc.MethodUtil",
          "is the one trampoline java.beans and JMX call methods through",
          "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl$TransletClassLoader",
          "holds a compiled stylesheet, defined when its templates are first used",
          "sun.rmi.server.LoaderHandler$Loader",
          "is RMI's shared loader of a code base, created when first named");

  /**
   * {@return whether {@code loader} is one of {@link #JDKS_OWN_LOADERS}} Named by class, and only a
   * class of a module of the boot layer: no other code can define one of those names there.
   */
  static boolean isTheJdks(Object loader) {
    Class<?> kind = loader.getClass();
    return kind.getModule().getLayer() == ModuleLayer.boot()
        && JDKS_OWN_LOADERS.containsKey(kind.getName());
  }

  /**
   * The unit tests' way to have a loader born in {@code context} without a woven {@code Module}.
   * Package-private, and refused by the bootstrap copy, as {@link Dispatcher#installForTests} is.
   */
  static void bornForTests(Object loader, Object context) {
    if (Born.class.getClassLoader() == null) {
      throw new IllegalStateException("only a test's copy of toolguard's bridge has test loaders");
    }
    LOADERS.put(loader, numberOf(context));
  }

  /** {@return the number of {@code context}, given one if it has none} */
  static synchronized int numberOf(Object context) {
    Integer number = NUMBERS.get(context);
    if (number != null) {
      return number;
    }
    int next = NUMBERS.size();
    Object[] grown = contexts;
    if (next == grown.length) {
      grown = java.util.Arrays.copyOf(grown, next * 2);
    }
    grown[next] = context;
    contexts = grown;
    NUMBERS.put(context, next);
    return next;
  }
}
