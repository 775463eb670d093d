package io.toolguard.agent.policy.read;

import io.toolguard.agent.policy.ApprovalSettings;
import io.toolguard.agent.policy.ArgumentCondition;
import io.toolguard.agent.policy.ArgumentTest;
import io.toolguard.agent.policy.ExecGrant;
import io.toolguard.agent.policy.FileOperation;
import io.toolguard.agent.policy.Holds;
import io.toolguard.agent.policy.HostPort;
import io.toolguard.agent.policy.Location;
import io.toolguard.agent.policy.PathGlob;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.Risk;
import io.toolguard.agent.policy.ToolArguments;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.policy.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds what is legal in a policy but probably not meant: rules that can never decide, and grants
 * broad enough to deserve a second look. The findings are warnings; the policy still works.
 */
public final class PolicyLint {

  /** Shells, interpreters and launchers: granting one grants every command. */
  private static final java.util.Set<String> COMMAND_RUNNERS =
      java.util.Set.of(
          "sh",
          "bash",
          "zsh",
          "dash",
          "ksh",
          "csh",
          "tcsh",
          "fish",
          "busybox",
          "env",
          "xargs",
          "sudo",
          "su",
          "nohup",
          "python",
          "perl",
          "ruby",
          "node",
          "php",
          "lua",
          "java",
          "jshell",
          "pwsh",
          "powershell",
          "cmd",
          "osascript");

  private PolicyLint() {}

  /**
   * Warns of a condition no value can satisfy: an empty range or length, or a list of values none
   * of which passes the condition's other tests.
   */
  private static void neverHolds(
      ToolRule rule, ArgumentCondition condition, List<PolicyProblem> warnings) {
    String never = null;
    for (ArgumentTest test : condition.tests()) {
      if (test instanceof ArgumentTest.Range range && range.empty()) {
        never = "no number " + range.describe();
      } else if (test instanceof ArgumentTest.Length length && length.min() > length.max()) {
        never = "no value " + length.describe();
      } else if (test instanceof ArgumentTest.OneOf oneOf
          && oneOf.values().stream()
              .noneMatch(
                  value ->
                      condition.tests().stream()
                          .allMatch(
                              other ->
                                  other.test(value, Path.of("/"), ToolArguments.NONE)
                                      != Holds.NO))) {
        never = "none of the values of 'one_of' passes its other tests";
      }
    }
    if (never != null) {
      warnings.add(
          new PolicyProblem(
              condition.location(),
              "the condition on '"
                  + condition.subject()
                  + "' of rule '"
                  + rule.pattern()
                  + "' can never hold ("
                  + never
                  + "), so the rule never applies; fix the condition or remove the rule"));
    }
  }

  /** {@return the warnings for a valid policy, in file order} */
  public static List<PolicyProblem> warnings(Policy policy) {
    List<PolicyProblem> warnings = new ArrayList<>();
    policy
        .unlistedAt()
        .filter(where -> policy.unlisted() == Verdict.ALLOW)
        .ifPresent(
            where ->
                warnings.add(
                    new PolicyProblem(
                        where,
                        "unlisted_tools: allow lets every tool this policy does not name run;"
                            + " prefer naming each tool")));
    if (!policy.approval().anyChannel()) {
      policy.tools().stream()
          .filter(
              rule ->
                  rule.verdict() == Verdict.ASK
                      || rule.risk().filter(Risk::needsApproval).isPresent())
          .findFirst()
          .ifPresent(
              asking ->
                  warnings.add(
                      new PolicyProblem(
                          asking.location(),
                          "rule '"
                              + asking.pattern()
                              + "' needs a person's approval, but no approval channel is on, so its calls are denied;"
                              + " add 'approval: {terminal: true}' or 'approval: {web: {port: 0}}'")));
    }
    for (ToolRule rule : policy.tools()) {
      ToolNames.mixedScripts(rule.pattern())
          .ifPresent(
              scripts ->
                  warnings.add(
                      new PolicyProblem(
                          rule.location(),
                          "tool name '"
                              + rule.pattern()
                              + "' mixes letters of scripts "
                              + scripts
                              + "; a letter that only looks Latin (a Cyrillic 'е' in 'read_filе')"
                              + " makes the rule match no tool whose name reads the same. Type"
                              + " the name again if it should be one script")));
      rule.conditions().forEach(condition -> neverHolds(rule, condition, warnings));
      if (rule.verdict() == Verdict.DENY) {
        continue;
      }
      policy.tools().stream()
          .filter(
              deny ->
                  deny.verdict() == Verdict.DENY
                      && deny.conditions().isEmpty()
                      && covers(deny.pattern(), rule.pattern()))
          .findFirst()
          .ifPresent(
              deny ->
                  warnings.add(
                      new PolicyProblem(
                          rule.location(),
                          "rule '"
                              + rule.pattern()
                              + "' can never allow anything: the deny rule '"
                              + deny.pattern()
                              + "' at line "
                              + deny.location().line()
                              + " names every tool it names")));
      if (rule.pattern().equals("*") && rule.verdict() == Verdict.ALLOW) {
        warnings.add(
            new PolicyProblem(
                rule.location(), "rule '*' allows every tool; prefer naming each tool"));
      }
      rule.net().connect().stream()
          .filter(pattern -> pattern instanceof HostPort hostPort && hostPort.host().equals("*"))
          .findFirst()
          .ifPresent(
              pattern ->
                  warnings.add(
                      new PolicyProblem(
                          rule.location(),
                          "rule '"
                              + rule.pattern()
                              + "' may connect to any host (\""
                              + pattern
                              + "\"), so nothing stops what it sends; name the hosts it needs")));
      for (ExecGrant grant : rule.exec()) {
        String program = grant.command().substring(grant.command().lastIndexOf('/') + 1);
        if (COMMAND_RUNNERS.contains(program.replaceAll("[0-9.]+$", ""))) {
          warnings.add(
              new PolicyProblem(
                  rule.location(),
                  "rule '"
                      + rule.pattern()
                      + "' may run '"
                      + grant.command()
                      + "', which runs whatever command or code it is given; grant the commands themselves"));
        }
      }
      for (FileOperation operation : FileOperation.values()) {
        rule.files().of(operation).stream()
            .filter(PathGlob::isAbsolute)
            .findFirst()
            .ifPresent(
                glob ->
                    warnings.add(
                        new PolicyProblem(
                            rule.location(),
                            "rule '"
                                + rule.pattern()
                                + "' may "
                                + operation.label()
                                + " outside the"
                                + " sandbox root (\""
                                + glob
                                + "\"); keep such grants to read-only reference folders")));
      }
      for (FileOperation operation : List.of(FileOperation.WRITE, FileOperation.DELETE)) {
        for (PathGlob glob : rule.files().of(operation)) {
          if (glob.matches("") && glob.matches("any/file")) {
            warnings.add(
                new PolicyProblem(
                    rule.location(),
                    "rule '"
                        + rule.pattern()
                        + "' may "
                        + operation.label()
                        + " anything in the sandbox (\""
                        + glob
                        + "\"); prefer a folder such as \"out/**\""));
          }
        }
      }
    }
    broadSandbox(policy, warnings);
    ownFilesInside(policy, warnings);
    warnings.sort(
        java.util.Comparator.comparingInt((PolicyProblem p) -> p.location().line())
            .thenComparingInt(p -> p.location().column()));
    return warnings;
  }

  /**
   * Warns about a sandbox root that is the whole file system or holds the home folder of the user
   * checking the policy: every grant relative to it then reaches keys, shell profiles and
   * credentials.
   */
  private static void broadSandbox(Policy policy, List<PolicyProblem> warnings) {
    Path sandbox = policy.sandbox();
    Path home = home();
    String what =
        sandbox.getParent() == null
            ? "the root of the file system"
            : home != null && home.startsWith(sandbox)
                ? (home.equals(sandbox) ? "the home folder " : "a folder holding the home folder ")
                    + home
                : null;
    if (what != null) {
      warnings.add(
          new PolicyProblem(
              new Location(policy.source(), 1, 1),
              "the sandbox root "
                  + sandbox
                  + " is "
                  + what
                  + ", so grants relative to it reach keys, shell profiles and credentials; give"
                  + " the tools a folder of their own"));
    }
  }

  private static Path home() {
    try {
      return PolicyParser.realIfExists(
          Path.of(System.getProperty("user.home", "")).toAbsolutePath());
    } catch (RuntimeException unknown) {
      return null;
    }
  }

  /**
   * Warns about toolguard's own files that lie inside the sandbox: the policy and the files it
   * includes, and the approval token file it names. No tool may touch them whatever its grants, but
   * a tool that walks the sandbox is denied there, and they are safer outside. (The audit log is an
   * agent option, so the agent warns about it at start-up.)
   */
  private static void ownFilesInside(Policy policy, List<PolicyProblem> warnings) {
    Location top = new Location(policy.source(), 1, 1);
    for (int i = 0; i < policy.files().size(); i++) {
      Path file = policy.files().get(i);
      if (inside(file, policy.sandbox())) {
        warnings.add(
            new PolicyProblem(
                top,
                ownFileWarning(
                    i == 0 ? "the policy file " : "the included policy file ", file, policy)));
      }
    }
    policy
        .approval()
        .web()
        .flatMap(ApprovalSettings.Web::tokenFile)
        .filter(token -> inside(token, policy.sandbox()))
        .ifPresent(
            token ->
                warnings.add(
                    new PolicyProblem(
                        top, ownFileWarning("approval.web.token_file ", token, policy))));
  }

  private static String ownFileWarning(String what, Path file, Policy policy) {
    return what
        + file
        + " is inside the sandbox root "
        + policy.sandbox()
        + "; no tool may touch it whatever its grants (a tool that walks the sandbox is denied"
        + " there), but keep toolguard's own files outside the sandbox";
  }

  /** {@return whether {@code file} lies inside {@code folder}, as written or where links lead} */
  static boolean inside(Path file, Path folder) {
    Path absolute = file.toAbsolutePath().normalize();
    Path root = folder.toAbsolutePath().normalize();
    return absolute.startsWith(root)
        || real(absolute).startsWith(root)
        || real(absolute).startsWith(real(root));
  }

  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException | RuntimeException missing) {
      Path parent = path.getParent();
      return parent == null ? path : real(parent).resolve(path.getFileName());
    }
  }

  /**
   * {@return whether every tool name {@code narrower} matches is matched by {@code wider}}. Each
   * {@code *} of the narrower pattern can stand for anything, so only a {@code *} of the wider one
   * may absorb it.
   */
  static boolean covers(String wider, String narrower) {
    boolean[][] matches = new boolean[wider.length() + 1][narrower.length() + 1];
    matches[wider.length()][narrower.length()] = true;
    for (int i = wider.length(); i >= 0; i--) {
      for (int j = narrower.length(); j >= 0; j--) {
        if (i == wider.length()) {
          matches[i][j] = j == narrower.length();
        } else if (wider.charAt(i) == '*') {
          matches[i][j] = matches[i + 1][j] || (j < narrower.length() && matches[i][j + 1]);
        } else {
          matches[i][j] =
              j < narrower.length()
                  && narrower.charAt(j) != '*'
                  && wider.charAt(i) == narrower.charAt(j)
                  && matches[i + 1][j + 1];
        }
      }
    }
    return matches[0][0];
  }
}
