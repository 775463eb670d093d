package io.toolguard.it.app;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.core.annotation.AliasFor;

/**
 * An application's annotation meta-annotated with Spring AI's {@code @Tool}, whose own name has
 * nothing of "Tool" in it: a class using it alone names no tool annotation in its bytes.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Tool
public @interface Briefing {

  @AliasFor(annotation = Tool.class, attribute = "name")
  String value() default "";
}
