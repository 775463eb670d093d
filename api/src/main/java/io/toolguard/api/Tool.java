package io.toolguard.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a tool an LLM agent may call, so that the toolguard agent checks every call
 * against the policy before the method body runs.
 *
 * <p>The method may be public or private, static or instance. Without the toolguard agent the
 * annotation does nothing.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Tool {

  /** The tool's name as the policy refers to it; empty means the method's name. */
  String name() default "";

  /** How much harm the tool can do; a tool nobody classified is {@link Risk#HIGH}. */
  Risk risk() default Risk.HIGH;

  /** What the tool does, for people reading audit logs and approval requests. */
  String description() default "";
}
