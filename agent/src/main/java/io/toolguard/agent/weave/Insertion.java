package io.toolguard.agent.weave;

/** One call to the bootstrap dispatcher inserted into a JDK method. */
public sealed interface Insertion {

  /** A value the inserted code pushes: an argument, the receiver, a field of it, or nothing. */
  sealed interface Source {}

  /** Parameter {@code index} (0 is the first parameter, whatever the receiver). */
  record Argument(int index) implements Source {}

  /** The receiver. */
  record Receiver() implements Source {}

  /** A field of the receiver, boxed if {@code boolean}. */
  record Field(String owner, String name, String descriptor) implements Source {}

  /** {@code Integer.valueOf} of an {@code int} parameter. */
  record BoxedArgument(int index) implements Source {}

  /** {@code null}. */
  record Nothing() implements Source {}

  /** A string constant. */
  record Constant(String value) implements Source {}

  /**
   * {@code Dispatcher.checkFile(path, bits, detail)}; with {@code rewrite}, its result replaces the
   * path argument, so the method opens the path that was checked (or, in an {@code onReturn} hook,
   * replaces what the method returns).
   */
  record Check(Source path, int bits, Source detail, boolean rewrite) implements Insertion {
    public static Check of(Source path, int bits) {
      return new Check(path, bits, new Nothing(), false);
    }
  }

  /**
   * {@code Dispatcher.handOff(task)} replacing a {@code Runnable} or {@code Callable} argument, so
   * the task runs in the context of the tool that handed it over.
   */
  record HandOff(int argument) implements Insertion {}

  /** {@code Dispatcher.<method>(argument)}, a method taking an {@code Object} and returning nothing. */
  record Notify(String method, Source argument) implements Insertion {}

  /**
   * {@code Dispatcher.<method>(argument)} when the method ends, by a return or an exception: the
   * counterpart of a {@link Notify} at its start.
   */
  record OnExit(String method, Source argument) implements Insertion {}

  /**
   * Around every call in the method to {@code owner.name()} (no arguments, returning nothing):
   * {@code Dispatcher.<before>(receiver)} just before it, {@code Dispatcher.<after>()} just after.
   */
  record AroundCall(String owner, String name, String before, String after) implements Insertion {}
}
