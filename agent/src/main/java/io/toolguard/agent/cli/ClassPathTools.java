package io.toolguard.agent.cli;

import io.toolguard.agent.guard.ToolMethod;
import io.toolguard.agent.policy.ArgumentCondition;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.policy.Verdict;
import io.toolguard.agent.tool.ToolScan;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tools found on the class path {@code --classpath} names, read from their class files (never
 * loaded), so that {@code validate} can check the parameter names conditions use and {@code
 * explain} can list a tool's parameters.
 */
record ClassPathTools(List<ToolMethod> tools) {

  ClassPathTools {
    tools = List.copyOf(tools);
  }

  /**
   * {@return the tools of the jars and folders in {@code classPath}, separated as the platform's
   * class paths are ({@code :} here)}
   *
   * @throws IllegalArgumentException if an entry is missing or cannot be read (a usage error)
   */
  static ClassPathTools read(String classPath, Policy policy) {
    List<Path> entries = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator, -1)) {
      if (entry.isEmpty()) {
        continue;
      }
      try {
        entries.add(Path.of(entry));
      } catch (InvalidPathException bad) {
        throw new IllegalArgumentException("--classpath: '" + entry + "' is not a valid path");
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("--classpath needs at least one jar or folder");
    }
    try {
      return new ClassPathTools(ToolScan.toolsIn(entries, policy.toolAnnotations()));
    } catch (IOException | UncheckedIOException unreadable) {
      throw new IllegalArgumentException("--classpath: " + unreadable.getMessage());
    }
  }

  /** {@return the tool methods named {@code name}} */
  List<ToolMethod> named(String name) {
    return tools.stream().filter(tool -> tool.name().equals(name)).toList();
  }

  /** {@return how a tool's methods name their parameters: "to, body (com.x.Tools#send)"; …} */
  static String parameters(List<ToolMethod> methods) {
    return String.join(
        "; ",
        methods.stream()
            .map(
                method ->
                    (method.parameterNames().isEmpty()
                            ? "none"
                            : String.join(", ", method.parameterNames()))
                        + " ("
                        + method.signature()
                        + ")")
            .toList());
  }

  /**
   * {@return warnings, each "file:line:col: warning: ...", for the conditions of the policy's rules
   * on parameters that no tool the rule names has, and for rules with conditions that name no tool
   * found}
   */
  List<String> conditionWarnings(Policy policy) {
    List<String> warnings = new ArrayList<>();
    for (ToolRule rule : policy.tools()) {
      if (rule.conditions().isEmpty()) {
        continue;
      }
      List<ToolMethod> named = tools.stream().filter(tool -> rule.matches(tool.name())).toList();
      if (named.isEmpty()) {
        warnings.add(
            rule.location()
                + ": warning: no tool that rule '"
                + rule.pattern()
                + "' names was found on the class path, so the parameter names of its conditions"
                + " could not be checked");
        continue;
      }
      for (ArgumentCondition condition : rule.conditions()) {
        if (named.stream()
            .noneMatch(tool -> tool.parameterNames().contains(condition.parameter()))) {
          warnings.add(
              condition.location()
                  + ": warning: the condition of rule '"
                  + rule.pattern()
                  + "' is on '"
                  + condition.parameter()
                  + "', a parameter no tool it names has (parameters: "
                  + parameters(named)
                  + "); "
                  + (rule.verdict() == Verdict.DENY
                      ? "toolguard cannot tell whether it holds, so the deny rule applies to every"
                          + " call"
                      : "it can never hold, so the rule never applies")
                  + ". Names come from -parameters or LangChain4j's @P, else arg0, arg1…");
        }
      }
    }
    return warnings;
  }
}
