package io.toolguard.agent.policy;

import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A parsed, valid policy: the sandbox root, the mode, what happens to tools no rule names, and the
 * tool rules in file order.
 *
 * <p>How a call is decided: every rule whose pattern names the tool is considered. If any of them
 * denies, the call is denied and the first such rule in the file is the deciding one (deny beats
 * ask and allow). Otherwise an ask rule beats an allow rule, and among rules of the same kind the
 * most specific decides alone, and its risk and file grants apply: an exact name beats any glob, a
 * glob with more literal characters beats one with fewer, and between equals the earlier rule wins.
 * A tool no rule names gets {@code unlisted_tools}.
 *
 * @param source the policy file as the user named it, for messages
 * @param modeLock where an included policy locks the mode, which the agent option may then not
 *     change
 * @param unlistedAt where {@code unlisted_tools} is set; empty when the default (deny) applies
 * @param approval how calls that need approval reach a person
 * @param defaultRisk the risk of a tool whose annotation states none (a framework's), before MCP's
 *     hints
 * @param toolAnnotations further annotations, by class name, that make a method a tool
 * @param tools the rules, those of included policies first
 * @param files the policy file and the files it includes
 * @param execSandbox the {@code exec_sandbox} setting
 * @param digest the SHA-256 of the content this policy was parsed from (see {@code
 *     policy.read.PolicyDigest})
 * @param secrets the kinds of secret the policy adds to the built-in ones, those of included
 *     policies first
 * @param budgets the budgets every tool call counts against together (top-level {@code budget}), an
 *     included policy's first: a call must fit each
 */
public record Policy(
    String source,
    Mode mode,
    Optional<Location> modeLock,
    Path sandbox,
    Verdict unlisted,
    Optional<Location> unlistedAt,
    ApprovalSettings approval,
    Risk defaultRisk,
    List<String> toolAnnotations,
    List<ToolRule> tools,
    List<Path> files,
    String digest,
    ExecSandbox execSandbox,
    List<SecretPattern> secrets,
    List<Budget> budgets) {

  /**
   * Orders rules that allow: one that asks first is stronger than one that allows outright, then
   * the more specific. A method, not a {@code Comparator} built of lambdas, which the class's
   * initialiser would spin on every start-up.
   */
  private static int stronger(ToolRule rule, ToolRule other) {
    int asks = Boolean.compare(rule.verdict() == Verdict.ASK, other.verdict() == Verdict.ASK);
    return asks != 0 ? asks : Integer.compare(rule.specificity(), other.specificity());
  }

  public Policy {
    toolAnnotations = List.copyOf(toolAnnotations);
    tools = List.copyOf(tools);
    files = List.copyOf(files);
    secrets = List.copyOf(secrets);
    budgets = List.copyOf(budgets);
  }

  /** A policy that adds no kinds of secret and has no budget for all tools. */
  public Policy(
      String source,
      Mode mode,
      Optional<Location> modeLock,
      Path sandbox,
      Verdict unlisted,
      Optional<Location> unlistedAt,
      ApprovalSettings approval,
      Risk defaultRisk,
      List<String> toolAnnotations,
      List<ToolRule> tools,
      List<Path> files,
      String digest,
      ExecSandbox execSandbox) {
    this(
        source,
        mode,
        modeLock,
        sandbox,
        unlisted,
        unlistedAt,
        approval,
        defaultRisk,
        toolAnnotations,
        tools,
        files,
        digest,
        execSandbox,
        List.of(),
        List.of());
  }

  /** Whether any rule has conditions on arguments; when none has, no reason names them. */
  private boolean conditional() {
    for (ToolRule rule : tools) {
      if (!rule.conditions().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** A policy with the default {@code exec_sandbox}. */
  public Policy(
      String source,
      Mode mode,
      Optional<Location> modeLock,
      Path sandbox,
      Verdict unlisted,
      Optional<Location> unlistedAt,
      ApprovalSettings approval,
      Risk defaultRisk,
      List<String> toolAnnotations,
      List<ToolRule> tools,
      List<Path> files,
      String digest) {
    this(
        source,
        mode,
        modeLock,
        sandbox,
        unlisted,
        unlistedAt,
        approval,
        defaultRisk,
        toolAnnotations,
        tools,
        files,
        digest,
        ExecSandbox.DEFAULT);
  }

  /**
   * {@return the sandbox mode for processes started under {@code tool}'s grants: its rule's own,
   * else the policy's}
   */
  public SandboxMode execSandboxFor(ToolDecision tool) {
    return tool.grants().execSandbox().orElse(execSandbox.mode());
  }

  /**
   * {@return where {@code unlisted_tools} is set as {@code file:line}, or a note that the default
   * applies}
   */
  public String unlistedRule() {
    return unlistedAt.map(Location::rule).orElse(source + " (default unlisted_tools: deny)");
  }

  /**
   * {@return the decision for a call to the named tool, whose annotation declares {@code
   * declaredRisk}, with no arguments known (a rule with conditions on them then applies only if it
   * denies)}
   */
  public ToolDecision decide(String toolName, DeclaredRisk declaredRisk) {
    return decide(toolName, declaredRisk, ToolArguments.NONE);
  }

  /**
   * {@return the decision for a call to the named tool with these arguments, whose annotation
   * declares {@code declaredRisk}}
   */
  public ToolDecision decide(String toolName, DeclaredRisk declaredRisk, ToolArguments arguments) {
    Optional<ToolRule> deciding = deciding(toolName, arguments, null, null, null);
    if (deciding.isPresent() || !conditional()) {
      return decision(deciding, declaredRisk);
    }
    return decision(deciding, declaredRisk, notApplied(toolName, arguments));
  }

  /**
   * {@return the decision for a call of a running tool}: as {@link #decide(String, DeclaredRisk,
   * ToolArguments)}, but the arguments are wrapped only when a rule that names the tool has
   * conditions, so a call no condition looks at costs what it did before conditions existed
   *
   * @param realPath where a path really leads, links resolved
   */
  public ToolDecision decideCall(
      String toolName,
      DeclaredRisk declaredRisk,
      List<String> names,
      Object[] values,
      UnaryOperator<Path> realPath) {
    Optional<ToolRule> deciding = deciding(toolName, null, names, values, realPath);
    if (deciding.isPresent() || !conditional()) {
      return decision(deciding, declaredRisk);
    }
    return decision(
        deciding, declaredRisk, notApplied(toolName, new ToolArguments(names, values, realPath)));
  }

  /**
   * {@return the decision for a call, with every other rule that named the tool and why it lost}
   */
  public Evaluation evaluate(String toolName, DeclaredRisk declaredRisk) {
    return evaluate(toolName, declaredRisk, ToolArguments.NONE);
  }

  /**
   * {@return the decision for a call with these arguments, with every other rule that named the
   * tool and why it lost or did not apply}
   */
  @SuppressWarnings(
      "ReferenceEquality") // every rule but the winning one itself, even one equal to it
  public Evaluation evaluate(String toolName, DeclaredRisk declaredRisk, ToolArguments arguments) {
    Optional<ToolRule> deciding = deciding(toolName, arguments, null, null, null);
    List<Evaluation.Outranked> outranked = new ArrayList<>();
    for (ToolRule rule : tools) {
      if (deciding.isPresent() && rule == deciding.get() || !rule.matches(toolName)) {
        continue;
      }
      Optional<String> notApplied = rule.whyNotApplied(arguments, sandbox);
      outranked.add(
          new Evaluation.Outranked(
              rule, notApplied.orElseGet(() -> whyLost(rule, deciding.orElseThrow()))));
    }
    return new Evaluation(
        deciding.isPresent()
            ? decision(deciding, declaredRisk)
            : decision(deciding, declaredRisk, notApplied(toolName, arguments)),
        deciding,
        outranked);
  }

  /**
   * The first deny rule that names the tool and applies to the arguments, else the strongest other
   * such rule, else none.
   */
  private Optional<ToolRule> deciding(
      String toolName,
      ToolArguments given,
      List<String> names,
      Object[] values,
      UnaryOperator<Path> realPath) {
    ToolArguments arguments = given;
    ToolRule bestAllow = null;
    for (ToolRule rule : tools) {
      if (!rule.matches(toolName)) {
        continue;
      }
      if (!rule.conditions().isEmpty()) {
        arguments = arguments != null ? arguments : new ToolArguments(names, values, realPath);
        if (!rule.appliesTo(arguments, sandbox)) {
          continue;
        }
      }
      if (rule.verdict() == Verdict.DENY) {
        return Optional.of(rule);
      }
      if (bestAllow == null || stronger(rule, bestAllow) > 0) {
        bestAllow = rule;
      }
    }
    return Optional.ofNullable(bestAllow);
  }

  /** {@return why each rule that names the tool did not apply, for the reason of the fallback} */
  private String notApplied(String toolName, ToolArguments arguments) {
    StringBuilder why = new StringBuilder();
    for (ToolRule rule : tools) {
      if (rule.matches(toolName)) {
        rule.whyNotApplied(arguments, sandbox)
            .ifPresent(
                reason ->
                    why.append("policy rule '")
                        .append(rule.pattern())
                        .append("' (line ")
                        .append(rule.location().line())
                        .append(") does not apply: ")
                        .append(reason)
                        .append("; "));
      }
    }
    return why.toString();
  }

  private ToolDecision decision(
      Optional<ToolRule> deciding, DeclaredRisk declaredRisk, String notApplied) {
    ToolDecision decision = decision(deciding, declaredRisk);
    if (notApplied.isEmpty()) {
      return decision;
    }
    return new ToolDecision(
        decision.verdict(),
        decision.risk(),
        decision.rule(),
        notApplied + "no other rule names this tool; unlisted tools are " + unlisted.participle(),
        decision.grants());
  }

  private ToolDecision decision(Optional<ToolRule> deciding, DeclaredRisk declaredRisk) {
    if (deciding.isEmpty()) {
      return new ToolDecision(
          unlisted,
          declaredRisk.under(defaultRisk),
          unlistedRule(),
          "no policy rule names this tool; unlisted tools are " + unlisted.participle(),
          Grants.NONE);
    }
    ToolRule rule = deciding.get();
    return new ToolDecision(
        rule.verdict(),
        // Not orElseGet with a lambda, which the first tool call would spin.
        rule.risk().isPresent() ? rule.risk().get() : declaredRisk.under(defaultRisk),
        rule.location().rule(),
        (rule.verdict() == Verdict.ASK
                ? "policy rule '" + rule.pattern() + "' asks a person first"
                : rule.verdict().participle() + " by policy rule '" + rule.pattern() + "'")
            + conditions(rule),
        rule.verdict() == Verdict.DENY ? Grants.NONE : rule.grants(),
        rule.verdict() == Verdict.DENY ? Optional.empty() : rule.budget());
  }

  /**
   * {@return the rule's conditions for the reason of a call it denies or asks about, "" when it has
   * none or allows (an allowed call's reason is built on every call, so it stays short)}
   */
  private static String conditions(ToolRule rule) {
    if (rule.conditions().isEmpty() || rule.verdict() == Verdict.ALLOW) {
      return "";
    }
    StringBuilder text = new StringBuilder(" (its conditions: ");
    for (int i = 0; i < rule.conditions().size(); i++) {
      text.append(i == 0 ? "" : "; ").append(rule.conditions().get(i).describe());
    }
    return text.append(')').toString();
  }

  /**
   * {@return the mode to enforce: the agent option's if given, else the policy's}
   *
   * @throws IllegalArgumentException if the option differs from a mode a base policy locks
   */
  public Mode modeWith(Optional<Mode> option) {
    Mode mode = option.orElse(this.mode);
    if (mode != this.mode && modeLock.isPresent()) {
      throw new IllegalArgumentException(
          "agent option mode="
              + mode.label()
              + " is not allowed: "
              + modeLock.get().rule()
              + " locks the mode to "
              + this.mode.label());
    }
    return mode;
  }

  private static String whyLost(ToolRule loser, ToolRule winner) {
    if (winner.verdict() == Verdict.DENY) {
      return loser.verdict() == Verdict.DENY
          ? "the deny rule at line " + winner.location().line() + " comes first in the file"
          : "deny beats " + loser.verdict().label();
    }
    if (winner.verdict() != loser.verdict()) {
      return "ask beats allow";
    }
    if (winner.specificity() == Integer.MAX_VALUE) {
      return "'" + winner.pattern() + "' names the tool exactly";
    }
    if (winner.specificity() > loser.specificity()) {
      return "'"
          + winner.pattern()
          + "' is more specific ("
          + winner.specificity()
          + " characters besides '*', against "
          + loser.specificity()
          + ")";
    }
    return "equally specific, and '" + winner.pattern() + "' comes first in the file";
  }

  /**
   * Decides one file access by a tool the policy decided as {@code tool}, for the command line: the
   * path is taken as written, relative to the sandbox root, and no link is followed.
   */
  public AccessDecision decideFile(ToolDecision tool, FileOperation operation, String path) {
    Path target;
    try {
      target = sandbox.resolve(path).normalize();
    } catch (InvalidPathException e) {
      return AccessDecision.denied("'" + path + "' is not a valid path: " + e.getReason());
    }
    return decideFile(tool, operation, target);
  }

  /**
   * Decides one file access by a tool the policy decided as {@code tool}.
   *
   * @param target where the access really leads: absolute and normalised, links resolved
   */
  public AccessDecision decideFile(ToolDecision tool, FileOperation operation, Path target) {
    return decideFile(tool, operation, target, 1);
  }

  /**
   * Decides one file access by a tool the policy decided as {@code tool}; a regular file with more
   * than one hard link is granted by absolute globs only (see {@link
   * FileGrants#decide(FileOperation, String, String, int, Path, String)}).
   *
   * @param target where the access really leads: absolute and normalised, links resolved
   * @param hardLinks how many hard links the regular file there has; 1 for anything else
   */
  public AccessDecision decideFile(
      ToolDecision tool, FileOperation operation, Path target, int hardLinks) {
    if (tool.verdict() == Verdict.DENY) {
      return toolDenied(tool);
    }
    String absolute = target.toString();
    return tool.grants()
        .files()
        .decide(operation, absolute, relativeToSandbox(absolute), hardLinks, sandbox, tool.rule());
  }

  /**
   * Decides whether a tool may learn that a file exists, or read its attributes: where it may read,
   * write or delete (with or without asking), and on the folders that lead there (the sandbox root
   * included). Looking never needs a person's approval.
   *
   * @param target where the probe really leads: absolute and normalised, links resolved
   */
  public AccessDecision decideProbe(ToolDecision tool, Path target) {
    AccessDecision read = decideFile(tool, FileOperation.READ, target);
    if (read.outcome() == Outcome.ALLOW || tool.verdict() == Verdict.DENY) {
      return read;
    }
    String absolute = target.toString();
    return tool.grants()
        .files()
        .reaching(absolute, relativeToSandbox(absolute), tool.rule())
        .orElse(read);
  }

  /**
   * Decides whether a tool the policy decided as {@code tool} may start a process. An exec grant
   * that asks beats one that does not.
   *
   * @param name the executable as the tool gave it (the command's first word)
   * @param executable the real path of the file that would run, if it was found
   * @param arguments the other words of the command, joined by single spaces
   */
  public AccessDecision decideExec(
      ToolDecision tool, String name, Optional<Path> executable, String arguments) {
    if (tool.verdict() == Verdict.DENY) {
      return toolDenied(tool);
    }
    return ExecGrant.decide(tool.grants().exec(), name, executable, arguments, tool.rule());
  }

  /**
   * Decides whether a tool the policy decided as {@code tool} may connect to, or listen on, an
   * address (see {@link HostPort} for how names and addresses match). An asking pattern beats a
   * granting one.
   *
   * @param name the host name the tool gave, or null if it gave an address
   */
  public AccessDecision decideNet(
      ToolDecision tool, NetOperation operation, String name, InetAddress address, int port) {
    if (tool.verdict() == Verdict.DENY) {
      return toolDenied(tool);
    }
    return tool.grants().net().decide(operation, name, address, port, tool.rule());
  }

  /**
   * Decides whether a tool the policy decided as {@code tool} may connect to, or bind, a
   * Unix-domain socket, on the {@code unix:} patterns of its net grants (its file grants are
   * decided apart, as for any file).
   *
   * @param target where the socket's path really leads: absolute and normalised, links resolved
   */
  public AccessDecision decideSocket(ToolDecision tool, NetOperation operation, Path target) {
    if (tool.verdict() == Verdict.DENY) {
      return toolDenied(tool);
    }
    String absolute = target.toString();
    return tool.grants()
        .net()
        .decideSocket(operation, absolute, relativeToSandbox(absolute), tool.rule());
  }

  /**
   * Decides whether a tool the policy decided as {@code tool} may look up a host name's addresses
   * ({@code name} given) or an address's name ({@code name} null); see {@link
   * NetGrants#decideResolve}.
   *
   * @param given for a reverse lookup, the name the address was made with (or null)
   */
  public AccessDecision decideResolve(
      ToolDecision tool, String name, InetAddress address, String given) {
    if (tool.verdict() == Verdict.DENY) {
      return toolDenied(tool);
    }
    return tool.grants().net().decideResolve(name, address, given, tool.rule());
  }

  /**
   * Decides whether a tool the policy decided as {@code tool} may read an environment variable or a
   * system property.
   */
  public AccessDecision decideEnv(ToolDecision tool, EnvKind kind, String name) {
    if (tool.verdict() == Verdict.DENY) {
      return toolDenied(tool);
    }
    return tool.grants().env().decide(kind, name, tool.rule());
  }

  /** {@return the denial of every access by a tool the policy denies as a whole} */
  private static AccessDecision toolDenied(ToolDecision tool) {
    return AccessDecision.denied("the tool itself is denied (" + tool.reason() + ")");
  }

  /**
   * {@return the path below the sandbox root, "" for the root itself, null if outside}
   *
   * @param absolute a normalised absolute path with {@code /} separators
   */
  private String relativeToSandbox(String absolute) {
    return belowRoot(sandbox.toString(), absolute);
  }

  /** {@return the path below {@code root}, "" for the root itself, null if outside} */
  static String belowRoot(String root, String absolute) {
    if (!absolute.startsWith(root)) {
      return null;
    }
    if (absolute.length() == root.length()) {
      return "";
    }
    if (root.equals("/")) {
      return absolute.substring(1);
    }
    return absolute.charAt(root.length()) == '/' ? absolute.substring(root.length() + 1) : null;
  }
}
