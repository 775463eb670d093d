package io.toolguard.it.app;

import java.nio.file.Path;
import net.bytebuddy.ByteBuddy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application with its own Byte Buddy, SLF4J, Logback and logback.xml, to show that the agent
 * neither replaces nor disturbs them.
 */
public final class HostApp {

  private HostApp() {}

  public static void main(String[] args) throws Exception {
    Logger log = LoggerFactory.getLogger(HostApp.class);
    log.info("host app logging works");
    System.out.println("slf4j factory: " + LoggerFactory.getILoggerFactory().getClass().getName());
    System.out.println(
        "byte buddy: " + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation());
    Class<?> generated =
        new ByteBuddy()
            .subclass(Object.class)
            .name("io.toolguard.it.app.Generated")
            .make()
            .load(HostApp.class.getClassLoader())
            .getLoaded();
    System.out.println("generated: " + generated.getName());
    GuardedTools tools = new GuardedTools(Path.of(args[0]));
    ToolApp.call("lookup", () -> tools.lookup("k"));
    ToolApp.call("wipe", () -> tools.wipe("/"));
    log.info("host app done");
  }
}
