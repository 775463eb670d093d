package io.toolguard.agent.policy;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One test a condition puts to an argument's value. Each says {@link Holds#UNKNOWN} for a value it
 * cannot judge (an object where it wants a text, a text that is no number where it wants a number),
 * so that a deny rule still applies to it and an allow rule does not.
 */
public sealed interface ArgumentTest {

  /** {@return whether the value passes} */
  Holds test(Object value, Path sandbox, ToolArguments arguments);

  /** {@return the test as the policy writes it, for explanations} */
  String describe();

  /**
   * The whole text matches one of the globs, {@code *} standing for any run of characters; case
   * matters unless {@code ignoreCase}.
   */
  record Glob(List<String> patterns, boolean ignoreCase) implements ArgumentTest {
    public Glob {
      // A loop, not a stream and a lambda: a policy's conditions are built at start-up.
      List<String> compared = new java.util.ArrayList<>(patterns.size());
      for (String pattern : patterns) {
        compared.add(ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern);
      }
      patterns = java.util.Collections.unmodifiableList(compared);
    }

    @Override
    public Holds test(Object value, Path sandbox, ToolArguments arguments) {
      String text = ToolArguments.text(value);
      if (text == null) {
        return value == null ? Holds.NO : Holds.UNKNOWN;
      }
      String compared = ignoreCase ? text.toLowerCase(Locale.ROOT) : text;
      for (String pattern : patterns) {
        if (Wildcard.matches(pattern, compared)) {
          return Holds.YES;
        }
      }
      return Holds.NO;
    }

    @Override
    public String describe() {
      return "matches glob " + quoted(patterns) + (ignoreCase ? " (ignoring case)" : "");
    }
  }

  /** The whole text matches a Java regular expression. */
  record Regex(Pattern pattern) implements ArgumentTest {
    @Override
    public Holds test(Object value, Path sandbox, ToolArguments arguments) {
      String text = ToolArguments.text(value);
      if (text == null) {
        return value == null ? Holds.NO : Holds.UNKNOWN;
      }
      try {
        return pattern.matcher(text).matches() ? Holds.YES : Holds.NO;
      } catch (StackOverflowError tooDeep) {
        return Holds.UNKNOWN;
      }
    }

    @Override
    public String describe() {
      return "matches regex \""
          + pattern.pattern()
          + "\""
          + ((pattern.flags() & Pattern.CASE_INSENSITIVE) != 0 ? " (ignoring case)" : "");
    }
  }

  /** The text is one of these values; case matters unless {@code ignoreCase}. */
  record OneOf(List<String> values, boolean ignoreCase) implements ArgumentTest {
    public OneOf {
      values = List.copyOf(values);
    }

    @Override
    public Holds test(Object value, Path sandbox, ToolArguments arguments) {
      String text = ToolArguments.text(value);
      if (text == null) {
        return value == null ? Holds.NO : Holds.UNKNOWN;
      }
      for (String allowed : values) {
        if (ignoreCase ? allowed.equalsIgnoreCase(text) : allowed.equals(text)) {
          return Holds.YES;
        }
      }
      return Holds.NO;
    }

    @Override
    public String describe() {
      return "is one of " + quoted(values) + (ignoreCase ? " (ignoring case)" : "");
    }
  }

  /**
   * The value is a number (or a text that is exactly one, such as {@code "12.50"}) within the
   * bounds; null for no bound, each included or not ({@code min}/{@code max} against {@code
   * above}/{@code below}).
   */
  record Range(BigDecimal low, boolean lowIncluded, BigDecimal high, boolean highIncluded)
      implements ArgumentTest {
    @Override
    public Holds test(Object value, Path sandbox, ToolArguments arguments) {
      if (value == null) {
        return Holds.NO;
      }
      if (value instanceof Integer
          || value instanceof Long
          || value instanceof Short
          || value instanceof Byte) {
        return inside(BigDecimal.valueOf(((Number) value).longValue()));
      }
      if (value.getClass() == BigDecimal.class) {
        return inside((BigDecimal) value);
      }
      if (value instanceof Double || value instanceof Float) {
        double number = ((Number) value).doubleValue();
        if (Double.isNaN(number)) {
          return Holds.NO;
        }
        if (Double.isInfinite(number)) {
          return (number > 0 ? high == null : low == null) ? Holds.YES : Holds.NO;
        }
        return inside(new BigDecimal(number));
      }
      String text = ToolArguments.text(value);
      if (text == null || value instanceof Boolean || value instanceof Character) {
        return Holds.UNKNOWN;
      }
      if (text.length() > 100) {
        return Holds.NO; // no amount has a hundred digits; spare parsing a huge exponent
      }
      try {
        return inside(new BigDecimal(text));
      } catch (NumberFormatException notANumber) {
        return Holds.UNKNOWN;
      }
    }

    /** {@return whether a number lies within the bounds} */
    public Holds inside(BigDecimal number) {
      boolean aboveLow =
          low == null || (lowIncluded ? number.compareTo(low) >= 0 : number.compareTo(low) > 0);
      boolean belowHigh =
          high == null || (highIncluded ? number.compareTo(high) <= 0 : number.compareTo(high) < 0);
      return aboveLow && belowHigh ? Holds.YES : Holds.NO;
    }

    /** {@return whether no number can lie within the bounds} */
    public boolean empty() {
      if (low == null || high == null) {
        return false;
      }
      int order = low.compareTo(high);
      return order > 0 || (order == 0 && !(lowIncluded && highIncluded));
    }

    @Override
    public String describe() {
      String lower =
          low == null ? "" : (lowIncluded ? "is at least " : "is above ") + low.toPlainString();
      String upper =
          high == null ? "" : (highIncluded ? "is at most " : "is below ") + high.toPlainString();
      return lower.isEmpty() ? upper : upper.isEmpty() ? lower : lower + " and " + upper;
    }
  }

  /**
   * A text has between {@code min} and {@code max} characters (Unicode code points), a list or map
   * between as many entries, an array as many items.
   */
  record Length(int min, int max) implements ArgumentTest {
    @Override
    public Holds test(Object value, Path sandbox, ToolArguments arguments) {
      if (value == null) {
        return Holds.NO;
      }
      long length;
      String text = ToolArguments.text(value);
      if (text != null) {
        length = text.codePointCount(0, text.length());
      } else if (value.getClass().isArray()) {
        length = java.lang.reflect.Array.getLength(value);
      } else if ((value instanceof Collection<?> || value instanceof Map<?, ?>)
          && value.getClass().getModule() == Object.class.getModule()) {
        length = value instanceof Collection<?> c ? c.size() : ((Map<?, ?>) value).size();
      } else {
        return Holds.UNKNOWN;
      }
      return length >= min && length <= max ? Holds.YES : Holds.NO;
    }

    @Override
    public String describe() {
      if (min == 0) {
        return "has at most " + max + " characters (or items)";
      }
      return max == Integer.MAX_VALUE
          ? "has at least " + min + " characters (or items)"
          : "has " + min + " to " + max + " characters (or items)";
    }
  }

  /**
   * The value is a path that really leads (relative to the sandbox root, links resolved as for a
   * file access) to where one of the globs reaches, decided as a read grant of these globs is.
   */
  record Inside(FileGrants globs) implements ArgumentTest {
    @Override
    public Holds test(Object value, Path sandbox, ToolArguments arguments) {
      String text = ToolArguments.text(value);
      if (text == null || value instanceof Number || value instanceof Boolean) {
        return value == null ? Holds.NO : Holds.UNKNOWN;
      }
      Path target;
      try {
        target = arguments.realPath().apply(sandbox.resolve(text));
      } catch (InvalidPathException invalid) {
        return Holds.NO;
      }
      if (target == null) {
        return Holds.UNKNOWN;
      }
      String absolute = target.toString();
      String relative = Policy.belowRoot(sandbox.toString(), absolute);
      return globs.decide(FileOperation.READ, absolute, relative, sandbox, "").outcome()
              == Outcome.ALLOW
          ? Holds.YES
          : Holds.NO;
    }

    @Override
    public String describe() {
      return "is a path inside " + quoted(globs.read().stream().map(Object::toString).toList());
    }
  }

  /**
   * The value is an absolute {@code http}, {@code https} (or other scheme with its port given) URL
   * whose host and port, as written, a {@code HOST:PORT} pattern matches. The host is never
   * resolved: a pattern naming an address matches only a URL written with that address.
   */
  record UrlTo(List<HostPort> patterns) implements ArgumentTest {
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    public UrlTo {
      patterns = List.copyOf(patterns);
    }

    @Override
    public Holds test(Object value, Path sandbox, ToolArguments arguments) {
      if (!(value instanceof String) && !(value instanceof URI)) {
        return value == null ? Holds.NO : Holds.UNKNOWN;
      }
      URI uri;
      try {
        uri = value instanceof URI given ? given : new URI((String) value);
      } catch (URISyntaxException notAUrl) {
        return Holds.NO;
      }
      String scheme = uri.getScheme();
      String host = uri.getHost();
      if (scheme == null || host == null || uri.getRawUserInfo() != null) {
        return Holds.NO;
      }
      int port = uri.getPort();
      if (port < 0) {
        port =
            switch (scheme.toLowerCase(Locale.ROOT)) {
              case "http", "ws" -> 80;
              case "https", "wss" -> 443;
              case "ftp" -> 21;
              default -> -1;
            };
      }
      if (port < 0) {
        return Holds.NO;
      }
      String name = host.toLowerCase(Locale.ROOT);
      for (HostPort pattern : patterns) {
        if (port >= pattern.lowPort() && port <= pattern.highPort() && names(pattern, name)) {
          return Holds.YES;
        }
      }
      return Holds.NO;
    }

    private static boolean names(HostPort pattern, String host) {
      if (pattern.literal() == null) {
        return pattern.namesHost(host);
      }
      String literal = pattern.literal().getHostAddress();
      String written = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      if (!written.contains(":") && !IPV4.matcher(written).matches()) {
        return false; // a name: never looked up here
      }
      try {
        return java.net.InetAddress.getByName(written).getHostAddress().equals(literal);
      } catch (java.net.UnknownHostException notAnAddress) {
        return false;
      }
    }

    @Override
    public String describe() {
      return "is a URL to " + quoted(patterns.stream().map(HostPort::toString).toList());
    }
  }

  private static String quoted(List<String> values) {
    if (values.size() == 1) {
      return "\"" + values.get(0) + "\"";
    }
    StringBuilder text = new StringBuilder("[");
    for (String value : values) {
      text.append(text.length() > 1 ? ", " : "").append('"').append(value).append('"');
    }
    return text.append(']').toString();
  }
}
