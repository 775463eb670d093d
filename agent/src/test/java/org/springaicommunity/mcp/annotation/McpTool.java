package org.springaicommunity.mcp.annotation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A stand-in with the name and shape of the MCP annotations' {@code @McpTool}, for unit tests. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
public @interface McpTool {

  String name() default "";

  McpAnnotations annotations() default @McpAnnotations;

  /** Hints for clients. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.ANNOTATION_TYPE)
  @interface McpAnnotations {

    boolean readOnlyHint() default false;

    boolean destructiveHint() default true;
  }
}
