package io.toolguard.agent.file;

import static io.toolguard.bootstrap.Dispatcher.DELETE;
import static io.toolguard.bootstrap.Dispatcher.ENTER;
import static io.toolguard.bootstrap.Dispatcher.NO_FOLLOW;
import static io.toolguard.bootstrap.Dispatcher.OPEN;
import static io.toolguard.bootstrap.Dispatcher.PROBE;
import static io.toolguard.bootstrap.Dispatcher.READ;
import static io.toolguard.bootstrap.Dispatcher.RELATIVE;
import static io.toolguard.bootstrap.Dispatcher.RESOLVED;
import static io.toolguard.bootstrap.Dispatcher.UNRESOLVABLE;
import static io.toolguard.bootstrap.Dispatcher.WRITE;

import io.toolguard.bootstrap.Dispatcher;
import java.nio.file.Path;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into the default file system provider ({@code sun.nio.fs}), through which every
 * {@code java.nio.file} route to the disk passes. Code here may only use the JDK and
 * {@link Dispatcher}: it runs inside {@code java.base}.
 */
final class NioAdvice {

  private NioAdvice() {}

  /** Opening a channel: read, write or both as the options say; the channel opens the resolved path. */
  static final class Open {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) Path path, @Advice.Argument(1) Object options) {
      path = (Path) Dispatcher.checkFile(path, OPEN | RESOLVED | ENTER, options);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** Learning whether a file exists or what its attributes are, following links. */
  static final class Probe {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Path path) {
      Dispatcher.checkFile(path, PROBE | ENTER, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** A probe whose second argument holds link options. */
  static final class ProbeWithOptionsSecond {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Path path, @Advice.Argument(1) Object options) {
      Dispatcher.checkFile(path, PROBE | ENTER, options);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** A probe whose third argument holds link options. */
  static final class ProbeWithOptionsThird {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Path path, @Advice.Argument(2) Object options) {
      Dispatcher.checkFile(path, PROBE | ENTER, options);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** Reading where a link points: a probe of the link itself. */
  static final class ReadLink {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Path path) {
      Dispatcher.checkFile(path, PROBE | NO_FOLLOW | ENTER, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** Comparing two files: a probe of both. */
  static final class SameFile {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Path path, @Advice.Argument(1) Path other) {
      Dispatcher.checkFile(path, PROBE, null);
      Dispatcher.checkFile(other, PROBE | ENTER, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** Listing a folder. */
  static final class List {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Path path) {
      Dispatcher.checkFile(path, READ | ENTER, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** Creating a folder (which never follows a link in the last segment). */
  static final class CreateDirectory {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) Path path) {
      path = (Path) Dispatcher.checkFile(path, WRITE | NO_FOLLOW | RESOLVED | ENTER, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** Deleting a file, a folder or a link itself. */
  static final class Delete {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) Path path) {
      path = (Path) Dispatcher.checkFile(path, DELETE | NO_FOLLOW | RESOLVED | ENTER, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** Writing attributes; the fourth argument holds link options. */
  static final class SetAttribute {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Path path, @Advice.Argument(3) Object options) {
      Dispatcher.checkFile(path, WRITE | ENTER, options);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** Copying: reads the source (or the link itself), writes the target entry. */
  static final class Copy {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) Path source,
        @Advice.Argument(value = 1, readOnly = false) Path target, @Advice.Argument(2) Object options) {
      source = (Path) Dispatcher.checkFile(source, READ | RESOLVED, options);
      target = (Path) Dispatcher.checkFile(target, WRITE | NO_FOLLOW | RESOLVED | ENTER, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** Moving: deletes the source entry, writes the target entry. */
  static final class Move {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) Path source,
        @Advice.Argument(value = 1, readOnly = false) Path target) {
      source = (Path) Dispatcher.checkFile(source, DELETE | NO_FOLLOW | RESOLVED, null);
      target = (Path) Dispatcher.checkFile(target, WRITE | NO_FOLLOW | RESOLVED | ENTER, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** Creating a symbolic link: writes the link; its target, resolved from the link's folder, must be readable. */
  static final class SymbolicLink {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) Path link, @Advice.Argument(1) Path target) {
      Dispatcher.checkFile(target, READ | RELATIVE, link);
      link = (Path) Dispatcher.checkFile(link, WRITE | NO_FOLLOW | RESOLVED | ENTER, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** Creating a hard link: writes the link; the existing file is shared, so it must be readable and writable. */
  static final class HardLink {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) Path link, @Advice.Argument(1) Path existing) {
      Dispatcher.checkFile(existing, READ | WRITE | NO_FOLLOW, null);
      link = (Path) Dispatcher.checkFile(link, WRITE | NO_FOLLOW | RESOLVED | ENTER, null);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit() {
      Dispatcher.exitFileOperation();
    }
  }

  /** {@code Path.toRealPath}: a probe of the path the receiver names. */
  static final class RealPathOf {
    @Advice.OnMethodEnter
    static void enter(@Advice.This Path self, @Advice.Argument(0) Object options) {
      Dispatcher.checkFile(self, PROBE, options);
    }
  }

  /** Registering a folder with a watch service: it reveals the folder's changes. */
  static final class Watch {
    @Advice.OnMethodEnter
    static void enter(@Advice.This Path self) {
      Dispatcher.checkFile(self, READ, null);
    }
  }

  /** Changing attributes through a view: {@code file} and {@code followLinks} are the view's own fields. */
  static final class ViewWrite {
    @Advice.OnMethodEnter
    static void enter(@Advice.FieldValue("file") Object file, @Advice.FieldValue("followLinks") boolean followLinks) {
      Dispatcher.checkFile(file, followLinks ? WRITE : WRITE | NO_FOLLOW, null);
    }
  }

  /** Paths relative to an open directory handle, which toolguard cannot resolve: denied inside tools. */
  static final class RelativeToDirectory {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) Path path) {
      Dispatcher.checkFile(path, READ | UNRESOLVABLE, null);
    }
  }
}
