package io.toolguard.it.app.retransformed;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tool class the application defines without a name ({@code ClassLoader.defineClass(null, …)}):
 * the JVM then hands class file transformers no name ({@code RetransformedApp}).
 */
public final class Nameless {

  @Tool(name = "nameless_write", risk = Risk.LOW)
  public static void write(String target) throws Exception {
    Files.writeString(Path.of(target), "written by a tool defined without a name");
  }
}
