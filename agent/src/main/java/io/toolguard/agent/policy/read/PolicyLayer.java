package io.toolguard.agent.policy.read;

import io.toolguard.agent.policy.ApprovalSettings;
import io.toolguard.agent.policy.Budget;
import io.toolguard.agent.policy.ExecSandbox;
import io.toolguard.agent.policy.Location;
import io.toolguard.agent.policy.Mode;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.SecretPattern;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.policy.Verdict;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One policy file merged with the policies it includes: the settings it (or a base) made, where,
 * what is locked and by which line, and the rules, base rules first.
 *
 * @param start where the file's content starts, for problems about the file as a whole
 * @param toolAnnotations further tool annotations by class name, the base's first
 * @param files the file and every file it includes, for reloading
 * @param digests the SHA-256 of each of {@code files} as it was read
 * @param secrets the kinds of secret added, the base's first
 * @param budgets the budgets for all tools together, the base's first
 */
record PolicyLayer(
    String source,
    Location start,
    Optional<Setting<Mode>> mode,
    Optional<Setting<Path>> sandbox,
    Optional<Setting<Verdict>> unlisted,
    Optional<Setting<ApprovalSettings>> approval,
    Optional<Setting<Risk>> defaultRisk,
    Optional<Setting<ExecSandbox>> execSandbox,
    Map<String, Location> locked,
    List<String> toolAnnotations,
    List<ToolRule> rules,
    List<Path> files,
    List<String> digests,
    List<SecretPattern> secrets,
    List<Budget> budgets) {

  static final List<String> LOCKABLE =
      List.of("mode", "sandbox", "unlisted_tools", "approval", "default_risk");

  PolicyLayer {
    locked = Map.copyOf(locked);
    toolAnnotations = List.copyOf(toolAnnotations);
    rules = List.copyOf(rules);
    files = List.copyOf(files);
    digests = List.copyOf(digests);
    secrets = List.copyOf(secrets);
    budgets = List.copyOf(budgets);
  }

  /** {@return this layer with {@code sandbox} as its sandbox setting} */
  PolicyLayer withSandbox(Setting<Path> sandbox) {
    return new PolicyLayer(
        source,
        start,
        mode,
        Optional.of(sandbox),
        unlisted,
        approval,
        defaultRisk,
        execSandbox,
        locked,
        toolAnnotations,
        rules,
        files,
        digests,
        secrets,
        budgets);
  }

  /** A setting's value and where it was made. */
  record Setting<T>(T value, Location at) {}

  /**
   * {@return the value in force for a lockable setting, defaults included; empty for an unset
   * sandbox}
   */
  Optional<Object> effective(String key) {
    return switch (key) {
      case "mode" -> Optional.of(mode.map(Setting::value).orElse(Mode.ENFORCE));
      case "unlisted_tools" -> Optional.of(unlisted.map(Setting::value).orElse(Verdict.DENY));
      case "sandbox" -> sandbox.map(Setting::value);
      case "approval" -> Optional.of(approval.map(Setting::value).orElse(ApprovalSettings.NONE));
      case "default_risk" -> Optional.of(defaultRisk.map(Setting::value).orElse(Risk.HIGH));
      default -> throw new IllegalArgumentException(key);
    };
  }

  /** {@return where this layer itself sets a lockable setting, if it does} */
  Optional<Location> setAt(String key) {
    return switch (key) {
      case "mode" -> mode.map(Setting::at);
      case "unlisted_tools" -> unlisted.map(Setting::at);
      case "sandbox" -> sandbox.map(Setting::at);
      case "approval" -> approval.map(Setting::at);
      case "default_risk" -> defaultRisk.map(Setting::at);
      default -> throw new IllegalArgumentException(key);
    };
  }

  /** {@return this layer on top of {@code base}: its own settings win, rules and locks add up} */
  PolicyLayer over(PolicyLayer base) {
    Map<String, Location> allLocks = new LinkedHashMap<>(base.locked);
    locked.forEach(allLocks::putIfAbsent);
    return new PolicyLayer(
        source,
        start,
        mode.or(base::mode),
        sandbox.or(base::sandbox),
        unlisted.or(base::unlisted),
        approval.or(base::approval),
        defaultRisk.or(base::defaultRisk),
        execSandbox.or(base::execSandbox),
        allLocks,
        concat(
            base.toolAnnotations,
            toolAnnotations.stream().filter(name -> !base.toolAnnotations.contains(name)).toList()),
        concat(base.rules, rules),
        concat(files, base.files),
        concat(digests, base.digests),
        concat(base.secrets, secrets),
        concat(base.budgets, budgets));
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
  }
}
