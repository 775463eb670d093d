package io.toolguard.agent.weave;

import java.util.List;

/**
 * One call to the bootstrap bridge inserted into a JDK method: a {@link Check} calls one of {@code
 * Dispatcher}'s check entries, the others carry a tool's context through {@code HandOffs}.
 */
public sealed interface Insertion {

  /**
   * Writes what this insertion is, every component, to {@code out}: the woven JDK classes kept from
   * an earlier start are keyed by their hooks so written ({@link WovenJdkCache}), so that a change
   * of any hook weaves the class again.
   */
  void describe(StringBuilder out);

  /**
   * Writes {@code kind} and {@code parts} to {@code out}, a {@link Source} or a list of them as it
   * describes itself.
   */
  private static void describe(StringBuilder out, String kind, Object... parts) {
    out.append(kind).append('(');
    for (Object part : parts) {
      if (part instanceof Source source) {
        source.describe(out);
      } else if (part instanceof List<?> list) {
        for (Object element : list) {
          ((Source) element).describe(out);
          out.append(';');
        }
      } else {
        out.append(part);
      }
      out.append(',');
    }
    out.append(')');
  }

  /** A value the inserted code pushes: an argument, the receiver, a field of it, or nothing. */
  sealed interface Source {

    /** Writes what this value is, every component, to {@code out} (see {@link Insertion}). */
    void describe(StringBuilder out);
  }

  /** Parameter {@code index} (0 is the first parameter, whatever the receiver). */
  record Argument(int index) implements Source {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "Argument", index);
    }
  }

  /** The receiver. */
  record Receiver() implements Source {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "Receiver");
    }
  }

  /** A field of the receiver, boxed if {@code boolean}. */
  record Field(String owner, String name, String descriptor) implements Source {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "Field", owner, name, descriptor);
    }
  }

  /**
   * A field of parameter {@code index}, an object field: what the JDK itself reads of an object a
   * caller handed it, rather than what the object's own (overridable) methods answer.
   */
  record ArgumentField(int index, String owner, String name, String descriptor) implements Source {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "ArgumentField", index, owner, name, descriptor);
    }
  }

  /** {@code Integer.valueOf} of an {@code int} parameter. */
  record BoxedArgument(int index) implements Source {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "BoxedArgument", index);
    }
  }

  /** {@code null}. */
  record Nothing() implements Source {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "Nothing");
    }
  }

  /** A string constant. */
  record Constant(String value) implements Source {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "Constant", value);
    }
  }

  /** {@code Integer.valueOf} of an {@code int} constant: a port, say. */
  record BoxedConstant(int value) implements Source {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "BoxedConstant", value);
    }
  }

  /** An {@code int} constant: {@code Dispatcher}'s file access bits. */
  record Bits(int value) implements Source {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "Bits", value);
    }
  }

  /** In a hook on what a method returns: the object each {@code areturn} is about to return. */
  record Returned() implements Source {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "Returned");
    }
  }

  /**
   * {@code Dispatcher.<method>(arguments…)}, a check entry with this descriptor. With {@code
   * rewrite}, its answer replaces the argument it was given first (so the method opens the path
   * that was checked, say) or, given the {@link Returned} object, what the method returns; without,
   * an answer is dropped. Build one with the factory named as the entry it calls, so that a hook
   * table says what it checks: {@code checkFile(new Receiver(), PROBE)}.
   */
  record Check(String method, String descriptor, List<Source> arguments, boolean rewrite)
      implements Insertion {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "Check", method, descriptor, arguments, rewrite);
    }

    private static final String OBJECT = "Ljava/lang/Object;";
    private static final String ONE = "(" + OBJECT + ")";

    public Check {
      arguments = List.copyOf(arguments);
      if (rewrite
          && (descriptor.endsWith(")V")
              || !(arguments.get(0) instanceof Argument || arguments.get(0) instanceof Returned))) {
        throw new IllegalArgumentException(method + " cannot rewrite " + arguments.get(0));
      }
    }

    /** {@return {@code Dispatcher.checkFile(path, bits, null)}, the answer dropped} */
    public static Check checkFile(Source path, int bits) {
      return checkFile(path, bits, new Nothing());
    }

    /** {@return {@code Dispatcher.checkFile(path, bits, detail)}, the answer dropped} */
    public static Check checkFile(Source path, int bits, Source detail) {
      return new Check(
          "checkFile",
          "(" + OBJECT + "I" + OBJECT + ")" + OBJECT,
          List.of(path, new Bits(bits), detail),
          false);
    }

    /**
     * {@return {@code Dispatcher.checkExec(environment, command, directory, redirects)}, its answer
     * replacing the environment}
     */
    public static Check checkExec(
        Source environment, Source command, Source directory, Source redirects) {
      return new Check(
          "checkExec",
          "(" + OBJECT + OBJECT + OBJECT + OBJECT + ")" + OBJECT,
          List.of(environment, command, directory, redirects),
          true);
    }

    /** {@return {@code Dispatcher.bornCallback(callback)}, its answer replacing the argument} */
    public static Check bornCallback(Source callback) {
      return new Check("bornCallback", ONE + OBJECT, List.of(callback), true);
    }

    /** {@return {@code Dispatcher.processStarted(process)}} */
    public static Check processStarted(Source process) {
      return new Check("processStarted", ONE + "V", List.of(process), false);
    }

    /** {@return {@code Dispatcher.snapshot(value)}, its answer replacing the argument} */
    public static Check snapshot(Source value) {
      return new Check("snapshot", ONE + OBJECT, List.of(value), true);
    }

    /**
     * {@return {@code Dispatcher.snapshotAttributes(attributes)}, its answer replacing the
     * argument}
     */
    public static Check snapshotAttributes(Source attributes) {
      return new Check("snapshotAttributes", ONE + OBJECT, List.of(attributes), true);
    }

    /** {@return {@code Dispatcher.checkConnect(address, port)}} */
    public static Check checkConnect(Source address, Source port) {
      return new Check("checkConnect", "(" + OBJECT + OBJECT + ")V", List.of(address, port), false);
    }

    /** {@return {@code Dispatcher.checkListen(address)}} */
    public static Check checkListen(Source address) {
      return new Check("checkListen", ONE + "V", List.of(address), false);
    }

    /** {@return {@code Dispatcher.checkResolve(target)}} */
    public static Check checkResolve(Source target) {
      return new Check("checkResolve", ONE + "V", List.of(target), false);
    }

    /** {@return {@code Dispatcher.checkReceive(channel, address)}} */
    public static Check checkReceive(Source channel, Source address) {
      return new Check(
          "checkReceive", "(" + OBJECT + OBJECT + ")V", List.of(channel, address), false);
    }

    /**
     * {@return {@code Dispatcher.unpooled(key, kind)}, its answer replacing the key (or key part) a
     * pool looks a connection up by}; {@code kind} is one of {@code Dispatcher}'s {@code *_KEY}
     */
    public static Check unpooled(Source key, String kind) {
      return new Check(
          "unpooled", "(" + OBJECT + OBJECT + ")" + OBJECT, List.of(key, new Constant(kind)), true);
    }

    /** {@return {@code Dispatcher.filterVariable(name)}, its answer replacing the name} */
    public static Check filterVariable(Source name) {
      return filter("filterVariable", name);
    }

    /** {@return {@code Dispatcher.filterProperty(name)}, its answer replacing the name} */
    public static Check filterProperty(Source name) {
      return filter("filterProperty", name);
    }

    /** {@return {@code Dispatcher.filterVariables(environment)}, its answer returned instead} */
    public static Check filterVariables(Source environment) {
      return filter("filterVariables", environment);
    }

    /** {@return {@code Dispatcher.filterProperties(properties)}, its answer returned instead} */
    public static Check filterProperties(Source properties) {
      return filter("filterProperties", properties);
    }

    /**
     * {@return {@code Dispatcher.filterProcessEnvironment(environment)}, its answer returned
     * instead}
     */
    public static Check filterProcessEnvironment(Source environment) {
      return filter("filterProcessEnvironment", environment);
    }

    /**
     * {@return {@code Dispatcher.defineClass(classFile, lookup, flags)}, its answer replacing the
     * class file}
     */
    public static Check defineClass(Source classFile, Source lookup, Source flags) {
      return new Check(
          "defineClass",
          "(" + OBJECT + OBJECT + OBJECT + ")" + OBJECT,
          List.of(classFile, lookup, flags),
          true);
    }

    /**
     * {@return {@code Dispatcher.definingClass(classFile, loader, offset, length)}, its answer
     * replacing the class file}
     */
    public static Check definingClass(
        Source classFile, Source loader, Source offset, Source length) {
      return new Check(
          "definingClass",
          "(" + OBJECT + OBJECT + OBJECT + OBJECT + ")" + OBJECT,
          List.of(classFile, loader, offset, length),
          true);
    }

    /**
     * {@return {@code Dispatcher.definingClassFromBuffer(buffer, loader)}, its answer replacing the
     * buffer}
     */
    public static Check definingClassFromBuffer(Source buffer, Source loader) {
      return new Check(
          "definingClassFromBuffer",
          "(" + OBJECT + OBJECT + ")" + OBJECT,
          List.of(buffer, loader),
          true);
    }

    /** {@return {@code Dispatcher.classDefined(type)}} */
    public static Check classDefined(Source type) {
      return new Check("classDefined", ONE + "V", List.of(type), false);
    }

    /** {@return {@code Dispatcher.lookupDefined(type, lookup)}} */
    public static Check lookupDefined(Source type, Source lookup) {
      return new Check("lookupDefined", "(" + OBJECT + OBJECT + ")V", List.of(type, lookup), false);
    }

    /** {@return {@code Dispatcher.jvmAction(action)}} */
    public static Check jvmAction(Source action) {
      return new Check("jvmAction", ONE + "V", List.of(action), false);
    }

    /**
     * {@return this check, its answer replacing what it was given first}: an {@link Argument} or
     * the {@link Returned} object.
     */
    public Check rewriting() {
      return new Check(method, descriptor, arguments, true);
    }

    /**
     * A filter's answer is what the JDK method goes on with, so it always replaces what it was
     * given.
     */
    private static Check filter(String method, Source subject) {
      return new Check(method, ONE + OBJECT, List.of(subject), true);
    }
  }

  /**
   * {@code HandOffs.handOff(task)} replacing a {@code Runnable} or {@code Callable} argument, so
   * the task runs in the context of the tool that handed it over.
   */
  record HandOff(int argument) implements Insertion {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "HandOff", argument);
    }
  }

  /**
   * {@code HandOffs.<method>(argument)}, a method taking an {@code Object} and returning nothing.
   */
  record Notify(String method, Source argument) implements Insertion {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "Notify", method, argument);
    }
  }

  /**
   * {@code HandOffs.<method>(argument)} when the method ends, by a return or an exception: the
   * counterpart of a {@link Notify} at its start. Not given a parameter: the handler that covers
   * the body knows no local but the receiver.
   */
  record OnExit(String method, Source argument) implements Insertion {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "OnExit", method, argument);
    }

    public OnExit {
      if (argument instanceof Argument
          || argument instanceof ArgumentField
          || argument instanceof BoxedArgument
          || argument instanceof Returned) {
        throw new IllegalArgumentException(method + " on exit cannot be given " + argument);
      }
    }
  }

  /**
   * Every call in the method to {@code owner.name(descriptor)} made instead to {@code
   * Dispatcher.<entry>}, which takes the receiver (as an {@code Object}) and the same arguments and
   * returns the same: so that the dispatcher decides where that call is made. The method must have
   * such a call, or the hook does not fit this JDK.
   */
  record ReplaceCall(String owner, String name, String descriptor, String entry)
      implements Insertion {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "ReplaceCall", owner, name, descriptor, entry);
    }

    /** {@return the descriptor of the dispatcher's entry: the receiver first, as an object} */
    public String entryDescriptor() {
      return "(Ljava/lang/Object;" + descriptor.substring(1);
    }
  }

  /**
   * Around every call in the method to {@code owner.name()} (no arguments, returning nothing):
   * {@code HandOffs.<before>(receiver)} just before it, {@code HandOffs.<after>()} just after.
   */
  record AroundCall(String owner, String name, String before, String after) implements Insertion {

    @Override
    public void describe(StringBuilder out) {
      Insertion.describe(out, "AroundCall", owner, name, before, after);
    }
  }
}
