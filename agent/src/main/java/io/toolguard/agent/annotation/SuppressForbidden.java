package io.toolguard.agent.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets the build's forbidden-apis check allow the forbidden APIs that the annotated code uses, for
 * the {@link #reason() reason} given. Kept in a package of its own, which depends on nothing, so
 * that any package may use it without a package cycle.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface SuppressForbidden {
  /** {@return why the forbidden API is needed here} */
  String reason();
}
