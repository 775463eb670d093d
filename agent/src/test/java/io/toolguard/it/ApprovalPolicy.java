package io.toolguard.it;

/**
 * The policy of the approval tests: the tools of {@code ApprovalApp}, and the approval section each
 * test needs.
 */
final class ApprovalPolicy {

  /** A top-level {@code secrets:} that adds a kind matching the order token in {@code SECRET}. */
  static final String SECRETS = "secrets:\n  - {name: order token, regex: \"ot_[A-Za-z0-9]{8}\"}\n";

  private ApprovalPolicy() {}

  /**
   * {@return the policy with these lines under {@code approval:}, and more tool rules at the end}
   *
   * @param approval lines such as {@code "timeout: 30s\nterminal: true\n"}
   * @param moreRules tool rules, indented as under {@code tools:}
   */
  static String of(String approval, String moreRules) {
    return "version: 1\nsandbox: .\napproval:\n"
        + approval.indent(2)
        + """
        tools:
          transfer:
            decision: allow
            files:
              write: ["markers/**"]
          purge:
            decision: allow
            files:
              write: ["markers/**"]
          note:
            decision: allow
            files:
              write: ["markers/**"]
          "self_*":
            decision: allow
            net:
              connect: ["127.0.0.1:*", "localhost:*"]
              listen: ["127.0.0.1:*"]
        """
        + moreRules;
  }

  /**
   * {@return the lines that turn on the web page on {@code port}, its token in {@code
   * approval.token}}
   */
  static String page(int port, String timeout) {
    return "timeout: " + timeout + "\nweb:\n  port: " + port + "\n  token_file: approval.token\n";
  }
}
