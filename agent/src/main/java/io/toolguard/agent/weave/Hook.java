package io.toolguard.agent.weave;

import java.util.List;

/**
 * Code to insert into the methods of one JDK class with this name and descriptor (or, with {@code
 * prefix}, a descriptor that starts so): at the method's start, or with {@code onReturn} on the
 * object each {@code areturn} returns. A {@code required} hook must find its method, or toolguard
 * does not start.
 */
public record Hook(
    String name,
    String descriptor,
    boolean prefix,
    List<Insertion> insertions,
    boolean onReturn,
    boolean required) {

  boolean matches(String methodName, String methodDescriptor) {
    return name.equals(methodName)
        && (prefix ? methodDescriptor.startsWith(descriptor) : methodDescriptor.equals(descriptor));
  }

  /** {@return name and descriptor, as the JVM writes them} */
  public String signature() {
    return name + descriptor;
  }

  /**
   * Writes what this hook is, every component, to {@code out}: a woven class kept from an earlier
   * start is used only for the very hooks it was woven with ({@link WovenJdkCache}).
   */
  void describe(StringBuilder out) {
    out.append(name)
        .append(descriptor)
        .append(prefix ? " prefix" : "")
        .append(onReturn ? " onReturn" : "")
        .append(required ? " required" : "")
        .append(" [");
    for (Insertion insertion : insertions) {
      insertion.describe(out);
      out.append(';');
    }
    out.append("]\n");
  }

  /** {@return a required hook at the start of the method with exactly this descriptor} */
  public static Hook at(String name, String descriptor, Insertion... insertions) {
    return new Hook(name, descriptor, false, List.of(insertions), false, true);
  }

  /**
   * {@return a required hook on what the method with exactly this descriptor returns}: each check
   * is given the {@code Returned} object first.
   */
  public static Hook onReturn(String name, String descriptor, Insertion.Check... checks) {
    return new Hook(name, descriptor, false, List.of(checks), true, true);
  }

  /** {@return a hook for a method that only some JDK versions have} */
  public static Hook optional(String name, String descriptor, Insertion... insertions) {
    return new Hook(name, descriptor, false, List.of(insertions), false, false);
  }
}
