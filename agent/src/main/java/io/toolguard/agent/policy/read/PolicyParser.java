package io.toolguard.agent.policy.read;

import io.toolguard.agent.policy.ApprovalSettings;
import io.toolguard.agent.policy.Budget;
import io.toolguard.agent.policy.ExecSandbox;
import io.toolguard.agent.policy.Location;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.SandboxMode;
import io.toolguard.agent.policy.SecretPattern;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.policy.Verdict;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a policy file (YAML, {@code version: 1}) and the policies it includes, and reports every
 * problem it finds with file, line and column. Strict by design: an unknown key, a value of the
 * wrong type or a duplicate rule is an error, because a typo in a security policy must never
 * silently change what it means. An including policy may add rules and settings, but may not loosen
 * a deny rule or change a locked setting of a policy it includes.
 */
public final class PolicyParser {

  private static final List<String> TOP_KEYS =
      List.of(
          "version",
          "include",
          "mode",
          "sandbox",
          "unlisted_tools",
          "approval",
          "default_risk",
          "locked",
          "tool_annotations",
          "tools",
          "exec_sandbox",
          "secrets",
          "budget");
  private static final List<String> SECRET_KEYS = List.of("name", "regex");
  private static final List<String> EXEC_SANDBOX_KEYS = List.of("mode", "system_read");

  private final String source;
  private final Path folder;
  private final StrictYaml yaml;

  private PolicyParser(String source, Path folder) {
    this.source = source;
    this.folder = folder;
    this.yaml = new StrictYaml(source);
  }

  /**
   * Reads and checks a policy file and the files it includes.
   *
   * @param file the file as the user named it; messages use this spelling
   * @throws PolicyException listing every problem, each with file, line and column
   */
  public static Policy parse(Path file) throws PolicyException {
    return policy(layer(file, List.of()));
  }

  /**
   * The sandbox a baseline checked by itself stands in with when it sets none: a folder that holds
   * nothing, so that no warning about what lies inside the sandbox is made up.
   */
  public static final Path NO_SANDBOX = Path.of("/nonexistent/toolguard-base-without-sandbox");

  /**
   * Reads a company baseline by itself ({@code validate --base}): checked as {@link #parse(Path)}
   * checks a policy, except that the sandbox may be left to the policies that include it, in which
   * case the result's sandbox is {@link #NO_SANDBOX}.
   *
   * @throws PolicyException listing every problem, each with file, line and column
   */
  public static Policy parseBase(Path file) throws PolicyException {
    PolicyLayer layer = layer(file, List.of());
    return policy(
        layer.sandbox().isPresent()
            ? layer
            : layer.withSandbox(new PolicyLayer.Setting<>(NO_SANDBOX, layer.start())));
  }

  /** Checks policy text as if it had been read from {@code source} in {@code folder}. */
  public static Policy parse(String source, Path folder, String text) throws PolicyException {
    return policy(
        new PolicyParser(source, folder)
            .layer(
                text,
                List.of(),
                PolicyDigest.sha256(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
  }

  private static Policy policy(PolicyLayer layer) throws PolicyException {
    if (layer.sandbox().isEmpty()) {
      throw new PolicyException(
          List.of(
              new PolicyProblem(
                  layer.start(),
                  "missing 'sandbox': the folder tools may work in, absolute or relative to this"
                      + " policy's folder (a baseline that policies include may leave it to them:"
                      + " check it alone with validate --base)")));
    }
    return new Policy(
        layer.source(),
        valueOr(layer.mode(), Mode.ENFORCE),
        Optional.ofNullable(layer.locked().get("mode")),
        layer.sandbox().get().value(),
        valueOr(layer.unlisted(), Verdict.DENY),
        layer.unlisted().isPresent() ? Optional.of(layer.unlisted().get().at()) : Optional.empty(),
        valueOr(layer.approval(), ApprovalSettings.NONE),
        valueOr(layer.defaultRisk(), Risk.HIGH),
        layer.toolAnnotations(),
        layer.rules(),
        layer.files(),
        PolicyDigest.combine(layer.digests()),
        valueOr(layer.execSandbox(), ExecSandbox.DEFAULT),
        layer.secrets(),
        layer.budgets());
  }

  /**
   * {@return a setting's value, or {@code otherwise} when it is not set} (Plain code here and
   * below, where a method reference or lambda would be spun into a class on every start-up.)
   */
  private static <T> T valueOr(Optional<PolicyLayer.Setting<T>> setting, T otherwise) {
    return setting.isPresent() ? setting.get().value() : otherwise;
  }

  private static PolicyLayer layer(Path file, List<Path> including) throws PolicyException {
    String source = file.toString();
    Path absolute = file.toAbsolutePath().normalize();
    byte[] bytes = StrictYaml.readBytes(source, file, "policy file");
    String text = StrictYaml.decode(source, bytes, "policy file");
    List<Path> chain = new java.util.ArrayList<>(including);
    chain.add(absolute);
    return new PolicyParser(source, absolute.getParent())
        .layer(text, List.copyOf(chain), PolicyDigest.sha256(bytes));
  }

  private PolicyLayer layer(String text, List<Path> chain, String digest) throws PolicyException {
    YamlNode root = yaml.compose(text);
    if (root == null) {
      yaml.problem(
          new Location(source, 1, 1),
          "the policy is empty; it must start with 'version: 1' and set at least 'sandbox'");
      yaml.throwIfAny();
    }
    Map<String, YamlEntry> top = yaml.mapping(root, "the policy", TOP_KEYS);
    if (top == null) {
      yaml.throwIfAny();
    }
    checkVersion(top.get("version"), root);
    PolicyLayer own =
        new PolicyLayer(
            source,
            yaml.at(root),
            setting(
                top.get("mode"),
                yaml.enumValue(
                    top.get("mode"),
                    "mode",
                    Mode.named(StrictYaml.word(top.get("mode"))),
                    "enforce or audit")),
            setting(top.get("sandbox"), sandbox(top.get("sandbox"))),
            setting(
                top.get("unlisted_tools"),
                yaml.enumValue(
                    top.get("unlisted_tools"),
                    "unlisted_tools",
                    Verdict.named(StrictYaml.word(top.get("unlisted_tools"))),
                    "allow, ask or deny")),
            top.get("approval") == null
                ? Optional.empty()
                : setting(
                    top.get("approval"),
                    new ApprovalSection(yaml, folder).read(top.get("approval"))),
            setting(
                top.get("default_risk"),
                yaml.enumValue(
                    top.get("default_risk"),
                    "default_risk",
                    Risk.named(StrictYaml.word(top.get("default_risk"))),
                    "LOW, MEDIUM, HIGH or CRITICAL")),
            setting(top.get("exec_sandbox"), execSandbox(top.get("exec_sandbox"))),
            locks(top.get("locked")),
            annotationNames(top.get("tool_annotations")),
            new RuleSection(yaml).read(top.get("tools")),
            chain.isEmpty() ? List.of() : List.of(chain.get(chain.size() - 1)),
            List.of(digest),
            secrets(top.get("secrets")),
            budgets(chain, top.get("budget")));
    Optional<Path> include = include(top.get("include"), chain);
    yaml.throwIfAny();
    if (include.isEmpty()) {
      return checkLocksHaveValues(own);
    }
    PolicyLayer base = layer(include.get(), chain);
    checkDoesNotLoosen(own, base);
    yaml.throwIfAny();
    return checkLocksHaveValues(own.over(base));
  }

  private <T> Optional<PolicyLayer.Setting<T>> setting(YamlEntry entry, Optional<T> value) {
    return value.isPresent()
        ? Optional.of(new PolicyLayer.Setting<>(value.get(), yaml.at(entry.key())))
        : Optional.empty();
  }

  private List<Budget> budgets(List<Path> chain, YamlEntry entry) {
    Optional<Budget> budget =
        new RuleSection(yaml)
            .budget(
                "the top-level 'budget' (for all tools)",
                Budget.ALL_TOOLS + (chain.isEmpty() ? source : chain.get(chain.size() - 1)),
                entry);
    return budget.isPresent() ? List.of(budget.get()) : List.of();
  }

  private Optional<Path> include(YamlEntry entry, List<Path> chain) {
    if (entry == null) {
      return Optional.empty();
    }
    String text =
        yaml.string(entry.value(), "include", "the path of a base policy, relative to this file");
    if (text == null) {
      return Optional.empty();
    }
    Path base = resolve(entry.value(), "include", text);
    if (base != null && chain.contains(base)) {
      yaml.problem(
          entry.value(),
          "include cycle: "
              + chain.stream()
                  .map(Path::toString)
                  .collect(java.util.stream.Collectors.joining(" includes "))
              + " includes "
              + base);
      return Optional.empty();
    }
    // Named as the user would: relative to the same place as the including file's name.
    return Optional.ofNullable(base)
        .map(absolute -> Path.of(source).resolveSibling(text).normalize());
  }

  private Map<String, Location> locks(YamlEntry entry) {
    Map<String, Location> locks = new java.util.LinkedHashMap<>();
    if (entry == null) {
      return locks;
    }
    YamlNode value = entry.value();
    if (!(value instanceof YamlList list)) {
      yaml.problem(
          value,
          "'locked' must be a list of settings that including policies may not change ("
              + String.join(", ", PolicyLayer.LOCKABLE)
              + "), not "
              + StrictYaml.describe(value));
      return locks;
    }
    for (YamlNode item : list.getValue()) {
      String key =
          yaml.string(
              item, "an entry of 'locked'", "one of " + String.join(", ", PolicyLayer.LOCKABLE));
      if (key != null && !PolicyLayer.LOCKABLE.contains(key)) {
        yaml.problem(
            item,
            "'"
                + key
                + "' cannot be locked; lockable settings are "
                + String.join(", ", PolicyLayer.LOCKABLE)
                + " (deny rules are always locked)");
      } else if (key != null) {
        locks.put(key, yaml.at(item));
      }
    }
    return locks;
  }

  /** A lock fixes the value in force where it is written, so there must be one. */
  private PolicyLayer checkLocksHaveValues(PolicyLayer layer) throws PolicyException {
    for (Map.Entry<String, Location> lock : layer.locked().entrySet()) {
      if (layer.effective(lock.getKey()).isEmpty()) {
        yaml.problem(
            lock.getValue(),
            "'"
                + lock.getKey()
                + "' is locked but not set here or in an included policy; set it first");
      }
    }
    yaml.throwIfAny();
    return layer;
  }

  private void checkDoesNotLoosen(PolicyLayer own, PolicyLayer base) {
    base.locked()
        .forEach(
            (key, lockedAt) ->
                own.setAt(key)
                    .ifPresent(
                        setAt -> {
                          Object locked = base.effective(key).orElseThrow();
                          Object mine = own.effective(key).orElseThrow();
                          if (!locked.equals(mine)) {
                            yaml.problem(
                                setAt,
                                "'"
                                    + key
                                    + "' is locked to "
                                    + show(locked)
                                    + " by "
                                    + lockedAt.rule()
                                    + "; remove this setting or set the same value");
                          }
                        }));
    for (ToolRule rule : own.rules()) {
      for (ToolRule baseRule : base.rules()) {
        if (baseRule.pattern().equals(rule.pattern())) {
          yaml.problem(
              rule.location(),
              "tool rule '"
                  + rule.pattern()
                  + "' is already defined by base rule "
                  + baseRule.location().rule()
                  + "; an including policy cannot redefine it (add a deny rule to restrict it)");
        } else if (baseRule.verdict() == Verdict.DENY
            && rule.verdict() != Verdict.DENY
            && PolicyLint.covers(baseRule.pattern(), rule.pattern())) {
          yaml.problem(
              rule.location(),
              "rule '"
                  + rule.pattern()
                  + "' would loosen base rule "
                  + baseRule.location().rule()
                  + " (deny '"
                  + baseRule.pattern()
                  + "'); a base policy's denials cannot be"
                  + " overridden");
        }
      }
    }
  }

  private static String show(Object value) {
    if (value instanceof Mode mode) {
      return mode.label();
    }
    if (value instanceof ApprovalSettings) {
      return "the base policy's 'approval' section";
    }
    return value instanceof Verdict verdict ? verdict.label() : value.toString();
  }

  private void checkVersion(YamlEntry entry, YamlNode root) {
    if (entry == null) {
      yaml.problem(root, "missing 'version'; this agent reads 'version: 1'");
      return;
    }
    YamlNode value = entry.value();
    if (value instanceof YamlScalar text
        && YamlNode.STR.equals(value.getTag())
        && text.getValue().strip().equals("1")) {
      yaml.problem(
          value,
          "'version' must be the number 1, not the text \""
              + text.getValue()
              + "\"; write version: 1 without quotes");
      return;
    }
    if (!(value instanceof YamlScalar scalar)
        || !YamlNode.INT.equals(value.getTag())
        || !scalar.getValue().equals("1")) {
      yaml.problem(
          value,
          "unsupported version " + StrictYaml.describe(value) + "; this agent reads 'version: 1'");
    }
  }

  /**
   * {@code exec_sandbox: kernel|off|required}, or {@code exec_sandbox: {mode: ..., system_read:
   * [default, /opt/tools]}}: the word {@code default} stands for the documented list of system
   * folders; without it, the list replaces that one.
   */
  private Optional<ExecSandbox> execSandbox(YamlEntry entry) {
    if (entry == null) {
      return Optional.empty();
    }
    String expected = "kernel, off or required";
    if (!(entry.value() instanceof YamlMap)) {
      return yaml.enumValue(entry, "exec_sandbox", SandboxMode::named, expected)
          .map(mode -> new ExecSandbox(mode, true, List.of()));
    }
    Map<String, YamlEntry> keys = yaml.mapping(entry.value(), "'exec_sandbox'", EXEC_SANDBOX_KEYS);
    if (keys == null) {
      return Optional.empty();
    }
    SandboxMode mode =
        yaml.enumValue(keys.get("mode"), "mode", SandboxMode::named, expected)
            .orElse(SandboxMode.KERNEL);
    if (keys.get("system_read") == null) {
      return Optional.of(new ExecSandbox(mode, true, List.of()));
    }
    List<String> words =
        yaml.strings(
            keys.get("system_read"),
            "a list of absolute folders or files, and the word default for the default list",
            "an entry",
            "an absolute path such as \"/opt/tools\", or default",
            word -> {
              if (!word.equals("default") && !word.startsWith("/")) {
                throw new IllegalArgumentException(
                    "'"
                        + word
                        + "' in 'system_read' must be an absolute path such as \"/opt/tools\","
                        + " or the word default for the default list");
              }
              return word;
            });
    return Optional.of(
        new ExecSandbox(
            mode,
            words.contains("default"),
            words.stream().filter(word -> !word.equals("default")).map(Path::of).toList()));
  }

  private Optional<Path> sandbox(YamlEntry entry) {
    if (entry == null) {
      return Optional.empty();
    }
    String text = yaml.string(entry.value(), "sandbox", "a folder path");
    if (text == null) {
      return Optional.empty();
    }
    if (text.isBlank()) {
      yaml.problem(
          entry.value(), "'sandbox' cannot be empty; write \".\" for this policy's own folder");
      return Optional.empty();
    }
    if (text.startsWith("~")) {
      yaml.problem(
          entry.value(),
          "'sandbox' starts with '~', which toolguard does not expand (the agent may run as"
              + " another user than the one who wrote the policy): write the folder's absolute path,"
              + " or ./"
              + text
              + " for a folder really named so");
      return Optional.empty();
    }
    Path sandbox = resolve(entry.value(), "sandbox", text);
    return sandbox == null ? Optional.empty() : Optional.of(realIfExists(sandbox));
  }

  /**
   * File grants are decided on where paths really lead, so the root must be written that way too.
   */
  static Path realIfExists(Path folder) {
    try {
      return folder.toRealPath();
    } catch (java.io.IOException missing) {
      return folder;
    }
  }

  private Path resolve(YamlNode node, String key, String text) {
    try {
      return folder.resolve(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      yaml.problem(node, "'" + key + "' is not a valid path: " + e.getReason());
      return null;
    }
  }

  /**
   * {@return the kinds of secret {@code secrets:} adds: a list of {@code {name, regex}}, each
   * expression a Java regular expression found anywhere in a text}; a name must be new and short
   * enough to read in place of a value, an expression must compile and must not match the empty
   * text (it would find a secret everywhere)
   */
  private List<SecretPattern> secrets(YamlEntry entry) {
    List<SecretPattern> secrets = new java.util.ArrayList<>();
    if (entry == null) {
      return secrets;
    }
    if (!(entry.value() instanceof YamlList list)) {
      yaml.problem(
          entry.value(),
          "'secrets' must be a list of {name, regex} entries, such as '- {name: \"order token\","
              + " regex: \"ot_[A-Za-z0-9]{24}\"}', not "
              + StrictYaml.describe(entry.value()));
      return secrets;
    }
    for (YamlNode item : list.getValue()) {
      Map<String, YamlEntry> keys = yaml.mapping(item, "an entry of 'secrets'", SECRET_KEYS);
      if (keys == null) {
        continue;
      }
      if (!keys.containsKey("name") || !keys.containsKey("regex")) {
        yaml.problem(
            item,
            "an entry of 'secrets' needs 'name' (the kind, shown in place of the value) and"
                + " 'regex' (what such a secret looks like)");
        continue;
      }
      YamlNode nameNode = keys.get("name").value();
      String name = yaml.string(nameNode, "a secret's 'name'", "a short text such as order token");
      YamlNode regexNode = keys.get("regex").value();
      String regex = yaml.string(regexNode, "a secret's 'regex'", "a Java regular expression");
      if (name != null && !name.matches("[\\p{L}\\p{N}][\\p{L}\\p{N} _.-]{0,39}")) {
        yaml.problem(
            nameNode,
            "a secret's 'name' must be 1 to 40 letters, digits, spaces, '_', '.' or '-', starting"
                + " with a letter or digit, not \""
                + name
                + "\"");
        name = null;
      }
      if (name != null) {
        for (SecretPattern earlier : secrets) {
          if (earlier.name().equals(name)) {
            yaml.problem(
                nameNode,
                "secret kind '"
                    + name
                    + "' is already defined at line "
                    + earlier.location().line());
            name = null;
            break;
          }
        }
      }
      java.util.regex.Pattern pattern = null;
      if (regex != null) {
        try {
          pattern = java.util.regex.Pattern.compile(regex);
          if (pattern.matcher("").matches()) {
            yaml.problem(
                regexNode,
                "the 'regex' of secret kind '"
                    + name
                    + "' matches the empty text, so it would find a secret in every text; make it"
                    + " match at least one character");
            pattern = null;
          }
        } catch (java.util.regex.PatternSyntaxException bad) {
          yaml.problem(
              regexNode,
              "'regex' is not a valid Java regular expression: "
                  + bad.getDescription()
                  + (bad.getIndex() >= 0 ? " at character " + (bad.getIndex() + 1) : ""));
        }
      }
      if (name != null && pattern != null) {
        secrets.add(new SecretPattern(name, pattern, yaml.at(item)));
      }
    }
    return secrets;
  }

  private List<String> annotationNames(YamlEntry entry) {
    return yaml.strings(
        entry,
        "a list of annotation class names, e.g. [\"com.example.agent.AgentTool\"]",
        "a class name",
        "a quoted class name such as \"com.example.agent.AgentTool\"",
        ANNOTATION_NAME);
  }

  private static final AnnotationName ANNOTATION_NAME = new AnnotationName();

  /**
   * An annotation's binary name, with its package: Java identifiers joined by dots, two at least. A
   * class of its own rather than a lambda and a regular expression, which would cost their spinning
   * and compiling on every start-up.
   */
  static final class AnnotationName implements java.util.function.Function<String, String> {
    @Override
    public String apply(String name) {
      if (!isBinaryName(name)) {
        throw new IllegalArgumentException(
            "'"
                + name
                + "' is not an annotation's class name; write it with its"
                + " package, as com.example.agent.AgentTool (a nested one as com.example.Tools$Risky)");
      }
      return name;
    }

    static boolean isBinaryName(String name) {
      int parts = 0;
      int start = 0;
      while (true) {
        int dot = name.indexOf('.', start);
        int end = dot < 0 ? name.length() : dot;
        if (!isIdentifier(name, start, end)) {
          return false;
        }
        parts++;
        if (dot < 0) {
          return parts >= 2;
        }
        start = dot + 1;
      }
    }

    private static boolean isIdentifier(String name, int start, int end) {
      if (start == end || !Character.isJavaIdentifierStart(name.codePointAt(start))) {
        return false;
      }
      for (int at = start + Character.charCount(name.codePointAt(start)); at < end; ) {
        int c = name.codePointAt(at);
        if (!Character.isJavaIdentifierPart(c)) {
          return false;
        }
        at += Character.charCount(c);
      }
      return true;
    }
  }
}
