package io.toolguard.agent.approval;

import java.util.List;
import java.util.Optional;

/**
 * A call's arguments as the guard captured them for a person: each one's name, what kind of value
 * it is and its whole text, unescaped and untruncated. {@link CallText} makes every view of them
 * (what channels show, the canonical encoding that is hashed and remembered), so that all channels
 * show the same thing and the hash covers exactly what is shown.
 *
 * @param list the arguments in order
 */
public record CallArguments(List<Argument> list) {

  public CallArguments {
    list = List.copyOf(list);
  }

  /** How an argument is shown and whether its text tells its value exactly. */
  public enum Kind {
    /** A text, a path or a file: shown in double quotes. */
    TEXT,
    /** A number, a boolean, a character, an enum constant, or {@code null}: shown as is. */
    VALUE,
    /** Any other object, shown by its type (and size) only. */
    OBJECT,
    /** A description made by toolguard of an access (a file, a host), shown as is. */
    DESCRIBED
  }

  /**
   * One argument.
   *
   * @param name the parameter's name ({@code arg0} when the class file does not keep it), empty for
   *     a described access
   * @param type the value's class name, {@code null} for null
   * @param text the value's whole text, or the object's description
   * @param comparable whether two values with equal type and text are equal (immutable values)
   */
  public record Argument(String name, Kind kind, String type, String text, boolean comparable) {}

  /** {@return an access described by toolguard, as one argument, comparable by its text} */
  public static CallArguments described(String description) {
    return new CallArguments(List.of(new Argument("", Kind.DESCRIBED, "", description, true)));
  }

  /**
   * {@return the canonical encoding of the arguments, if every one of them is comparable; what
   * "approve for the session with these arguments" remembers}
   */
  public Optional<String> exact() {
    for (Argument argument : list) {
      if (!argument.comparable()) {
        return Optional.empty();
      }
    }
    return Optional.of(CallText.canonical(this));
  }
}
