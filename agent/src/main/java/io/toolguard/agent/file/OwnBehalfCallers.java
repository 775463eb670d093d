package io.toolguard.agent.file;

import io.toolguard.agent.weave.JdkClasses;
import io.toolguard.bootstrap.Dispatcher;
import java.lang.StackWalker.StackFrame;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Recognises file access that the JDK or a logging library does on its own behalf while a tool
 * runs: a class loader reading classes and resources, the service loader, and a log file being
 * rolled over. Asked only when an access would be denied, because walking the stack costs
 * microseconds.
 *
 * <p>Narrow on purpose: an entry below is trusted only when nothing but JDK code (or code of the
 * entry's own library) lies between it and the access, and every entry reads locations its owner
 * configured (its class path, its log file), never a path a tool hands in. A tool that itself
 * opens a file, or hands a path to any other JDK or library method, is checked.
 */
final class OwnBehalfCallers {

  /**
   * @param className a class name, or a prefix of one ending in {@code .} or {@code $}
   * @param method the method, or {@code null} for any
   * @param library the package prefix of the library the entry belongs to; {@code null} for the JDK
   */
  record Entry(String className, String method, String library) {

    boolean matches(StackFrame frame) {
      String name = frame.getClassName();
      boolean classMatches = (className.endsWith(".") || className.endsWith("$"))
          ? name.startsWith(className) : name.equals(className) || name.startsWith(className + "$");
      return classMatches && (method == null || method.equals(frame.getMethodName()));
    }
  }

  /**
   * The application's Logback package, built at run time: the agent jar relocates its own copy of
   * Logback, and the shade plugin would rewrite a literal of this name along with it.
   */
  private static final String LOGBACK = String.join(".", "ch", "qos", "logback", "");

  private static final List<Entry> ENTRIES = List.of(
      new Entry("jdk.internal.loader.", null, null),
      new Entry("java.lang.ClassLoader", null, null),
      new Entry("java.net.URLClassLoader", null, null),
      new Entry("java.util.ServiceLoader", null, null),
      new Entry("java.util.ResourceBundle", null, null),
      new Entry("java.util.logging.LogManager", null, null),
      new Entry("java.util.logging.FileHandler", "rotate", null),
      new Entry(LOGBACK + "core.rolling.RollingFileAppender", "rollover", LOGBACK),
      new Entry(LOGBACK + "core.rolling.RollingFileAppender", "subAppend", LOGBACK),
      new Entry(LOGBACK + "core.FileAppender", "subAppend", LOGBACK),
      new Entry("org.apache.logging.log4j.core.appender.rolling.RollingFileManager", "rollover", "org.apache.logging.log4j."));

  private static final StackWalker WALKER = StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE));

  private OwnBehalfCallers() {}

  /** {@return whether the access being checked on this thread is done by one of the entries} */
  static boolean onStack() {
    return WALKER.walk(OwnBehalfCallers::onBehalf);
  }

  private static boolean onBehalf(Stream<StackFrame> stack) {
    boolean pastDispatcher = false;
    Class<?> checked = null;
    String library = null;
    for (StackFrame frame : (Iterable<StackFrame>) stack::iterator) {
      if (!pastDispatcher) {
        pastDispatcher = frame.getDeclaringClass() == Dispatcher.class;
        continue;
      }
      // The class whose method is being checked is not its own caller: URLClassLoader's constructor is
      // checked for the tool that calls it, not let through as a class loader at work.
      if (checked == null || frame.getDeclaringClass() == checked) {
        checked = frame.getDeclaringClass();
        continue;
      }
      for (Entry entry : ENTRIES) {
        if (entry.matches(frame) && (library == null || library.equals(entry.library()))) {
          return true;
        }
      }
      if (!JdkClasses.contains(frame.getDeclaringClass())) {
        String owner = ENTRIES.stream().map(Entry::library)
            .filter(prefix -> prefix != null && frame.getClassName().startsWith(prefix))
            .findFirst().orElse(null);
        if (owner == null || (library != null && !library.equals(owner))) {
          return false;
        }
        library = owner;
      }
    }
    return false;
  }
}
