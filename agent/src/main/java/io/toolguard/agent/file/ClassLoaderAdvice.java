package io.toolguard.agent.file;

import static io.toolguard.bootstrap.Dispatcher.READ;

import io.toolguard.bootstrap.Dispatcher;
import java.net.URL;
import net.bytebuddy.asm.Advice;

/**
 * Advice inlined into {@code java.net.URLClassLoader}: a class loader a tool creates reads the
 * folders and jars it is given, so they must be readable by the tool. Loading through a loader
 * the application created before is the application's own business (see {@link OwnBehalfCallers}).
 */
final class ClassLoaderAdvice {

  private ClassLoaderAdvice() {}

  /** Constructors whose first argument is the class path. */
  static final class UrlsFirst {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) URL[] urls) {
      Dispatcher.checkFile(urls, READ, null);
    }
  }

  /** Constructors that take a name first, then the class path. */
  static final class UrlsSecond {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(1) URL[] urls) {
      Dispatcher.checkFile(urls, READ, null);
    }
  }

  /** {@code addURL}. */
  static final class AddUrl {
    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) URL url) {
      Dispatcher.checkFile(url, READ, null);
    }
  }
}
