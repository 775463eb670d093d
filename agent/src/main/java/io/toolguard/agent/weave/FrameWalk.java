package io.toolguard.agent.weave;

import java.lang.StackWalker.StackFrame;
import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A stack walk's function, reading the frames one by one: a class of toolguard's, where a lambda or
 * method reference would be a class the JVM spins at its first use (in a tool's call, on JDK 24 and
 * later through the class-file API), and a stream's filter, map and match take one each.
 *
 * @param <T> what the walk finds
 */
public abstract class FrameWalk<T> implements Function<Stream<StackFrame>, T> {

  @Override
  public final T apply(Stream<StackFrame> stack) {
    return walk(stack.iterator());
  }

  /** {@return what the frames, from the walk's start outward, show} */
  protected abstract T walk(Iterator<StackFrame> frames);
}
