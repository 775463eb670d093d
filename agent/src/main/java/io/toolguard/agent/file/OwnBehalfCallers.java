package io.toolguard.agent.file;

import static io.toolguard.agent.weave.Provenance.Purpose.FILES_ON_ITS_OWN_BEHALF;

import io.toolguard.agent.weave.FrameWalk;
import io.toolguard.agent.weave.Provenance;
import io.toolguard.bootstrap.Born;
import io.toolguard.bootstrap.Dispatcher;
import java.lang.StackWalker.StackFrame;
import java.util.Iterator;
import java.util.Set;

/**
 * Recognises file access that the JDK or a logging library does on its own behalf while a tool
 * runs: a class loader reading classes and resources, the service loader, and a log file being
 * rolled over (the {@link Provenance.Purpose#FILES_ON_ITS_OWN_BEHALF} rows of the table). Asked
 * only when an access would be denied, because walking the stack costs microseconds.
 *
 * <p>Narrow on purpose: a row is trusted only when nothing but JDK code (or code of the row's own
 * library) lies between it and the access, and every row reads locations its owner configured (its
 * class path, its log file), never a path a tool hands in. A tool that itself opens a file, or
 * hands a path to any other JDK or library method, is checked.
 */
final class OwnBehalfCallers {

  private static final StackWalker WALKER =
      StackWalker.getInstance(
          Set.of(
              StackWalker.Option.RETAIN_CLASS_REFERENCE,
              StackWalker.Option.SHOW_HIDDEN_FRAMES,
              StackWalker.Option.SHOW_REFLECT_FRAMES));

  private OwnBehalfCallers() {}

  /**
   * {@return whether the access being checked on this thread is done by code of one of the rows}
   */
  static boolean onStack() {
    return WALKER.walk(ON_BEHALF);
  }

  private static final FrameWalk<Boolean> ON_BEHALF = new OnBehalf();

  private static final class OnBehalf extends FrameWalk<Boolean> {
    @Override
    protected Boolean walk(Iterator<StackFrame> frames) {
      return onBehalf(frames);
    }
  }

  private static boolean onBehalf(Iterator<StackFrame> frames) {
    boolean pastDispatcher = false;
    Class<?> checked = null;
    String library = null;
    while (frames.hasNext()) {
      StackFrame frame = frames.next();
      if (!pastDispatcher) {
        pastDispatcher = frame.getDeclaringClass() == Dispatcher.class;
        continue;
      }
      // The class whose method is being checked is not its own caller: URLClassLoader's
      // constructor is checked for the tool that calls it, not let through as a class loader at
      // work.
      if (checked == null || frame.getDeclaringClass() == checked) {
        checked = frame.getDeclaringClass();
        continue;
      }
      // A row is trusted by its class's name only for a class that can bear it: the JDK's rows for
      // the JDK's classes (a class loader can define "jdk.internal.loader.Anything"), a library's
      // rows for the library's classes, never for code born in a tool, whatever its name. Hidden
      // frames are walked: a tool's method reference a row calls (a mapper handed to
      // LogManager.updateConfiguration, say) is the tool's code, not the JDK's.
      Class<?> type = frame.getDeclaringClass();
      if (!Provenance.isJdkCode(type)) {
        String owner = Provenance.libraryOf(FILES_ON_ITS_OWN_BEHALF, frame.getClassName());
        if (owner == null || library != null && !library.equals(owner) || Born.isBorn(type)) {
          return false;
        }
        library = owner;
      }
      if (Provenance.matches(
          FILES_ON_ITS_OWN_BEHALF, frame.getClassName(), frame.getMethodName(), library)) {
        return true;
      }
    }
    return false;
  }
}
