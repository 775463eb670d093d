package io.toolguard.it.app.bootpath;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Calls the tools of a {@link LocalVault}, whose super class loads after it, and says which loader
 * defined that super class.
 */
public final class VaultApp {

  private VaultApp() {}

  public static void main(String[] args) {
    Vault vault = new LocalVault(Path.of(args[0]));
    System.out.println(
        "vault defined by " + (Vault.class.getClassLoader() == null ? "boot" : "application"));
    call("peek_vault", vault::peek);
    call("burn_vault", vault::burn);
  }

  private static void call(String name, Callable<String> tool) {
    try {
      System.out.println(name + ": ran: " + tool.call());
    } catch (SecurityException denied) {
      System.out.println(name + ": denied: " + denied.getMessage());
    } catch (Exception failed) {
      System.out.println(name + ": failed: " + failed);
    }
  }
}
