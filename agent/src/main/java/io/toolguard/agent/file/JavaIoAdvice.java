package io.toolguard.agent.file;

import static io.toolguard.bootstrap.Dispatcher.DELETE;
import static io.toolguard.bootstrap.Dispatcher.NO_FOLLOW;
import static io.toolguard.bootstrap.Dispatcher.PROBE;
import static io.toolguard.bootstrap.Dispatcher.READ;
import static io.toolguard.bootstrap.Dispatcher.RESOLVED;
import static io.toolguard.bootstrap.Dispatcher.WRITE;

import io.toolguard.bootstrap.Dispatcher;
import java.io.File;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into {@code java.io}: the private {@code open} methods every file stream and
 * {@code RandomAccessFile} constructor goes through, and {@link File}'s own operations (whose
 * file-system class is native on JDK 17, so {@code File} is the layer to weave). Code here may only
 * use the JDK and {@link Dispatcher}: it runs inside {@code java.base}.
 */
final class JavaIoAdvice {

  private JavaIoAdvice() {}

  /** {@code FileInputStream.open(String)}: opens the resolved path. */
  static final class OpenForReading {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) String name) {
      name = (String) Dispatcher.checkFile(name, READ | RESOLVED, null);
    }
  }

  /** {@code FileOutputStream.open(String, boolean)}: opens the resolved path. */
  static final class OpenForWriting {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) String name) {
      name = (String) Dispatcher.checkFile(name, WRITE | RESOLVED, null);
    }
  }

  /** {@code RandomAccessFile.open(String, int)}: mode 1 is read-only, anything else also writes. */
  static final class OpenRandomAccess {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) String name, @Advice.Argument(1) int mode) {
      name = (String) Dispatcher.checkFile(name, mode == 1 ? READ | RESOLVED : READ | WRITE | RESOLVED, null);
    }
  }

  /** {@code exists}, {@code length}, {@code canRead} and the like: probes of this file. */
  static final class Probe {
    @Advice.OnMethodEnter
    static void enter(@Advice.This File self) {
      Dispatcher.checkFile(self, PROBE, null);
    }
  }

  /** Listing this folder. */
  static final class List {
    @Advice.OnMethodEnter
    static void enter(@Advice.This File self) {
      Dispatcher.checkFile(self, READ, null);
    }
  }

  /** {@code mkdir} and {@code createNewFile}, which fail on any existing entry, a link included. */
  static final class Create {
    @Advice.OnMethodEnter
    static void enter(@Advice.This File self) {
      Dispatcher.checkFile(self, WRITE | NO_FOLLOW, null);
    }
  }

  /** The {@code set…} methods, which change where a link leads. */
  static final class Change {
    @Advice.OnMethodEnter
    static void enter(@Advice.This File self) {
      Dispatcher.checkFile(self, WRITE, null);
    }
  }

  /** {@code delete}, and {@code deleteOnExit}, which must be checked now: at exit no tool is running. */
  static final class Delete {
    @Advice.OnMethodEnter
    static void enter(@Advice.This File self) {
      Dispatcher.checkFile(self, DELETE | NO_FOLLOW, null);
    }
  }

  /** {@code renameTo}: deletes this entry, writes the destination entry. */
  static final class Rename {
    @Advice.OnMethodEnter
    static void enter(@Advice.This File self, @Advice.Argument(0) File destination) {
      Dispatcher.checkFile(self, DELETE | NO_FOLLOW, null);
      Dispatcher.checkFile(destination, WRITE | NO_FOLLOW, null);
    }
  }

  /** {@code File.createTempFile(prefix, suffix, folder)}: writes a new file named like the one it will create. */
  static final class CreateTemp {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) String prefix, @Advice.Argument(1) String suffix,
        @Advice.Argument(2) File folder) {
      Dispatcher.checkFile(new File(folder != null ? folder : new File(System.getProperty("java.io.tmpdir")),
          prefix + (suffix != null ? suffix : ".tmp")), WRITE | NO_FOLLOW, null);
    }
  }
}
