package io.toolguard.agent.weave;

import static io.toolguard.agent.weave.Provenance.Purpose.DECIDES_ACCESS;
import static io.toolguard.agent.weave.Provenance.Purpose.INITIALISES_THE_JVM;

import java.lang.StackWalker.StackFrame;
import java.util.Iterator;
import java.util.Set;

/**
 * Recognises the JVM initialising itself while a tool runs: the general rule that <em>the JDK's own
 * initialisation runs with the JVM's rights</em>, not with the grants of the tool that happened to
 * touch a JDK facility first.
 *
 * <p>Why. A JDK class is initialised once per JVM, by whichever thread uses it first. When that is
 * a tool, the class's static initialiser ({@code <clinit>}) runs inside the tool's context: {@code
 * LogManager} adds a shutdown hook, {@code ManagementFactory} and {@code BufferedImage} load their
 * native libraries, {@code FileSystemPreferences} reads and creates its folders under {@code
 * user.home}. Denied there, the initialiser throws, the JVM marks the class as failed, and every
 * later use in the whole application ends in {@code NoClassDefFoundError: Could not initialize
 * class}. The same holds for the few JDK methods that set JVM-wide state up once, lazily, outside a
 * class initialiser ({@link Provenance.Purpose#INITIALISES_THE_JVM}: the content-type detector's
 * {@code mime.types} files, the JVM's one flight recorder, the preferences' roots, the font
 * manager): denied, they leave the facility failing for the tool, or half set up for everyone.
 *
 * <p>The rule. When an access would be denied (and only then: the walk costs about 6 µs when it
 * stops at a tool's first frame, and tens of microseconds through a deep stack), the stack is
 * walked from the access outward, past toolguard's own frames. If a static initialiser of a JDK
 * class, or a row of {@link Provenance.Purpose#INITIALISES_THE_JVM}, is reached with only JDK
 * frames between it and the access, the access is the JVM's own initialisation and goes ahead. The
 * first frame of any other code ends the walk: the access is the tool's.
 *
 * <p>Why hostile code in a tool cannot use it (promise 2). A static initialiser takes no arguments,
 * and the rows take nothing from their caller that decides what they read: what they touch comes
 * from the JDK's installation, the JVM's system properties and the operating system, which a tool
 * cannot change (setting a system property is a denied JVM-wide action; the environment is fixed).
 * So triggering an initialisation only makes the JVM do, earlier, what it would do anyway. Code a
 * tool supplies is never covered, even when the JDK calls it during its own initialisation: a
 * service provider found through a context class loader the tool set, a subclass, a callback, a
 * lambda. Its frames are not the JDK's, so the walk stops there. Frames count as the JDK's only for
 * classes of the boot or platform loader in a module of the boot layer: a tool's lambda (a hidden
 * class in the tool's own loader) and the proxies the JDK spins for a tool ({@code
 * java.lang.reflect.Proxy}, {@code MethodHandleProxies}, defined in dynamic modules outside the
 * boot layer) are not, and hidden frames are walked too, so a method reference that binds a JDK
 * method to a tool's arguments cannot pass for JDK code.
 *
 * <p>What it does not cover. Tool code denied while a JDK class initialises (a tool's service
 * provider reading a secret from inside {@code ImageIO}'s initialiser, say) is denied like any
 * other access, and the denial leaves that JDK class failed for the JVM: the JVM cannot initialise
 * a class twice, and letting the access through would hand the tool what it was denied. The denial
 * then says so ({@link #classBeingInitialised}), so that the later {@code NoClassDefFoundError} can
 * be traced to it in the audit log.
 */
public final class JdkInitialisation {

  private static final StackWalker WALKER =
      StackWalker.getInstance(
          Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));

  private static final String CLASS_INITIALISER = "<clinit>";

  private JdkInitialisation() {}

  /**
   * {@return whether the access being decided on this thread is the JVM initialising itself} Walks
   * the stack: call it only on the path where the access would otherwise be denied.
   */
  public static boolean underway() {
    return WALKER.walk(UNDERWAY);
  }

  /**
   * {@return the JDK class whose static initialiser runs further out on this thread's stack, past
   * any code, or {@code null}}: where a denial that escapes would leave that class unusable. Walks
   * the stack: call it only when an access is being denied.
   */
  public static Class<?> classBeingInitialised() {
    return WALKER.walk(INITIALISER);
  }

  /* The two walks' functions, and the frames they read, each made a Frame when it is reached. */
  private static final FrameWalk<Boolean> UNDERWAY = new Underway();

  private static final FrameWalk<Class<?>> INITIALISER = new Initialiser();

  private static final class Underway extends FrameWalk<Boolean> {
    @Override
    protected Boolean walk(Iterator<StackFrame> frames) {
      return initialises(new Frames(frames));
    }
  }

  private static final class Initialiser extends FrameWalk<Class<?>> {
    @Override
    protected Class<?> walk(Iterator<StackFrame> frames) {
      return jdkClassInitialiserIn(new Frames(frames));
    }
  }

  /** The frames of a walk, each read as a {@link Frame} when it is reached. */
  private static final class Frames implements Iterator<Frame> {
    private final Iterator<StackFrame> stack;

    Frames(Iterator<StackFrame> stack) {
      this.stack = stack;
    }

    @Override
    public boolean hasNext() {
      return stack.hasNext();
    }

    @Override
    public Frame next() {
      return Frame.of(stack.next());
    }
  }

  /** {@return the class of the first static initialiser of JDK code among the frames, or null} */
  static Class<?> jdkClassInitialiserIn(Iterator<Frame> frames) {
    while (frames.hasNext()) {
      Frame frame = frames.next();
      if (isJdkClassInitialiser(frame)) {
        return frame.type();
      }
    }
    return null;
  }

  private static boolean isJdkClassInitialiser(Frame frame) {
    return frame.method().equals(CLASS_INITIALISER)
        && !frame.type().isHidden()
        && isJdkCode(frame.type());
  }

  /** One frame of a stack: whose code, which method. */
  record Frame(Class<?> type, String method) {

    static Frame of(StackFrame frame) {
      return new Frame(frame.getDeclaringClass(), frame.getMethodName());
    }
  }

  /**
   * {@return whether, past toolguard's frames, the stack reaches a JDK initialiser through JDK
   * frames only}
   *
   * @param frames the frames from the access outward
   */
  static boolean initialises(Iterator<Frame> frames) {
    boolean pastToolguard = false;
    while (frames.hasNext()) {
      Frame frame = frames.next();
      String className = frame.type().getName();
      if (!pastToolguard
          && ((Provenance.matches(DECIDES_ACCESS, className) && isToolguards(frame.type()))
              || frame.type().isHidden())) {
        continue;
      }
      pastToolguard = true;
      if (!isJdkCode(frame.type())) {
        return false;
      }
      if (isJdkClassInitialiser(frame)
          || Provenance.matches(INITIALISES_THE_JVM, className, frame.method(), null)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return whether a class of toolguard's name is toolguard's}: defined by its own loader, or by
   * the bootstrap loader (its bridge), not a copy the application class loader (or a tool's) made
   * of it
   */
  private static boolean isToolguards(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    return loader == null || loader == JdkInitialisation.class.getClassLoader();
  }

  /**
   * {@return whether the class is the JDK's own code}: defined by the boot or platform loader in a
   * named module of the boot layer. Leaves out what the JDK defines for others at run time in
   * dynamic modules (proxies of interfaces, with a tool's handler or method handle behind them).
   */
  static boolean isJdkCode(Class<?> type) {
    return Provenance.isJdkCode(type);
  }

  /** See {@link Provenance#isRuntimeImageModule}. */
  static boolean isRuntimeImageModule(Module module) {
    return Provenance.isRuntimeImageModule(module);
  }
}
