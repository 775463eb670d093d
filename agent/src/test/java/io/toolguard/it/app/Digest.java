package io.toolguard.it.app;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Meta-annotated with {@link Briefing}, so with Spring AI's {@code @Tool} two levels down. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Briefing
public @interface Digest {}
