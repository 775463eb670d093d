package io.toolguard.it.app;

import io.toolguard.api.Tool;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Loads tool classes from a folder of class files, says whether reflection (as the frameworks that
 * register tools ask it) finds {@code @Tool} on each one's static {@code secret()}, and calls it;
 * then calls an ordinary tool that must keep working: {@code DescriptorApp <classes folder> <class
 * name>...}.
 */
public final class DescriptorApp {

  private DescriptorApp() {}

  public static void main(String[] args) throws Exception {
    URL folder = Path.of(args[0]).toUri().toURL();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {folder}, DescriptorApp.class.getClassLoader())) {
      for (int i = 1; i < args.length; i++) {
        Method secret = loader.loadClass(args[i]).getMethod("secret");
        Tool tool = secret.getAnnotation(Tool.class);
        System.out.println(
            args[i] + ": reflection: " + (tool == null ? "no @Tool" : "@Tool " + tool.name()));
        try {
          secret.invoke(null);
          System.out.println(args[i] + ": ran");
        } catch (InvocationTargetException thrown) {
          if (!(thrown.getCause() instanceof SecurityException)) {
            throw thrown;
          }
          System.out.println(args[i] + ": denied");
        }
      }
    }
    try {
      new GuardedTools(Path.of("markers")).lookup("after");
      System.out.println("lookup: ran");
    } catch (SecurityException denied) {
      System.out.println("lookup: denied");
    }
  }
}
