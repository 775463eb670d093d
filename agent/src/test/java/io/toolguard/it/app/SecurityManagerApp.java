package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.security.CodeSource;
import java.security.Permission;
import java.security.Policy;
import java.security.ProtectionDomain;

/**
 * {@code SecurityManagerApp}: installs a security manager, as an application on JDK 17 may, with a
 * policy that grants everything to every code but toolguard's jar, then calls the tool {@code
 * guarded}. Prints {@code tool: ran} or {@code tool: failed: EXCEPTION}.
 */
public final class SecurityManagerApp {

  private SecurityManagerApp() {}

  /** The tool, in a class of its own: loaded only once the security manager is in force. */
  public static final class Tools {

    private Tools() {}

    @Tool(name = "guarded", risk = Risk.LOW)
    static String run() {
      return "ran";
    }
  }

  @SuppressWarnings("removal")
  public static void main(String[] args) {
    Policy.setPolicy(
        new Policy() {
          @Override
          public boolean implies(ProtectionDomain domain, Permission permission) {
            CodeSource source = domain == null ? null : domain.getCodeSource();
            return source == null
                || source.getLocation() == null
                || !source.getLocation().toString().endsWith("toolguard-agent.jar");
          }
        });
    System.setSecurityManager(new SecurityManager());
    try {
      System.out.println("tool: " + Tools.run());
    } catch (Exception | Error failed) {
      System.out.println("tool: failed: " + failed);
    }
  }
}
