package io.toolguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.it.app.ApprovalApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person approves one waiting call, denies another and confirms a CRITICAL one on the approval
 * page, in a real headless Chromium; the page was open before any call arrived, so it updates by
 * itself. The second call's arguments carry markup, which the page must show as text.
 */
class BrowserApprovalIT {

  @TempDir Path dir;

  @Test
  void aPersonApprovesOneCallAndDeniesAnotherWithAMessageOnTheLivePage() throws Exception {
    if (Boolean.getBoolean("toolguard.it.skipBrowser")) {
      Assumptions.abort("skipped on request (-Dtoolguard.it.skipBrowser=true)");
    }
    assertThat(Browser.CHROMIUM)
        .as(
            "the browser test needs %s: install the Debian packages chromium and"
                + " chromium-driver, or skip it with -Dtoolguard.it.skipBrowser=true",
            Browser.CHROMIUM)
        .isExecutable();
    int port = ApprovalApi.freePort();
    Files.writeString(
        dir.resolve("policy.yaml"), ApprovalPolicy.of(ApprovalPolicy.page(port, "60s"), ""));
    CompletableFuture<ChildJvm.Result> child =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,audit=audit.jsonl")
            .inBackground(ApprovalApp.class, "markers", "script");
    ApprovalApi api = ApprovalApi.await(dir.resolve("approval.token"), port);

    Files.createDirectories(dir.resolve("profile"));
    try (Browser browser = Browser.start(dir.resolve("profile"))) {
      browser.open(api.url("/?token=" + api.token));
      browser.waitFor(
          "document.querySelector('#status') && document.querySelector('#status').textContent.startsWith('live')",
          "that it is live");
      browser.eval("document.querySelector('#approver').value = 'Ada'; 'ok'");

      String first = ".request[data-risk=\"HIGH\"]";
      browser.waitFor(
          "document.querySelectorAll('.request').length === 1", "the first waiting call");
      assertThat(browser.eval("document.querySelector('" + first + " .tool').textContent"))
          .isEqualTo("transfer");
      assertThat(browser.eval("document.querySelector('" + first + " .arguments').textContent"))
          .isEqualTo("account=\"erin\", cents=10");
      assertThat(browser.eval("document.querySelector('" + first + " .method').textContent"))
          .isEqualTo("io.toolguard.it.app.RiskyTools#transfer");
      assertThat(browser.eval("document.querySelector('" + first + " .hash').textContent"))
          .as("the hash the page shows is the API's")
          .isEqualTo(api.pending().get(0).get("call_hash"));
      browser.eval(
          "document.querySelector('"
              + first
              + " button[data-decision=\"approve\"]').click(); 'ok'");

      browser.waitFor(
          "document.querySelectorAll('.request').length === 1"
              + " && document.querySelector('.request .arguments').textContent.includes('script')",
          "the second waiting call");
      String shown = browser.eval("document.querySelector('.request .arguments').textContent");
      assertThat(shown)
          .isEqualTo(
              "account=\"<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">"
                  + "\\e[2K\\u{202E}\", cents=666")
          .isEqualTo(api.pending().get(0).get("arguments"))
          .doesNotContain("\u001b", "\u202e");
      assertThat(browser.eval("String(window.pwned)"))
          .as("no argument ran as markup")
          .isEqualTo("undefined");
      assertThat(browser.eval("document.querySelectorAll('.request script, .request img').length"))
          .isEqualTo("0");
      browser.eval(
          "document.querySelector('.request .message').value = 'Not to a script.';"
              + " document.querySelector('.request button[data-with-message]').click(); 'ok'");

      String critical = ".request[data-risk=\"CRITICAL\"]";
      browser.waitFor("document.querySelector('" + critical + "')", "the CRITICAL call");
      assertThat(
              browser.eval(
                  "document.querySelector('"
                      + critical
                      + " button[data-decision=\"approve\"]').disabled"))
          .as("approving waits for the tool's name")
          .isEqualTo("true");
      browser.eval(
          "const c = document.querySelector('"
              + critical
              + " .confirm'); c.value = 'purge';"
              + " c.dispatchEvent(new Event('input')); 'ok'");
      assertThat(
              browser.eval(
                  "document.querySelector('"
                      + critical
                      + " button[data-decision=\"approve\"]').disabled"))
          .isEqualTo("false");
      browser.eval(
          "document.querySelector('"
              + critical
              + " button[data-decision=\"approve\"]').click(); 'ok'");

      String longCard = ".request[data-risk=\"HIGH\"]";
      browser.waitFor(
          "document.querySelectorAll('#recent tr').length === 3"
              + " && document.querySelector('"
              + longCard
              + " .arguments')"
              + " && document.querySelector('"
              + longCard
              + " .arguments').textContent.includes('aaaa')",
          "the call with a long argument");
      Map<String, Object> longRequest = api.pending().get(0);
      assertThat(browser.eval("document.querySelector('" + longCard + " .arguments').textContent"))
          .isEqualTo(longRequest.get("arguments"))
          .contains("…", "(1,281 chars)");
      browser.eval("document.querySelector('" + longCard + " button.whole').click(); 'ok'");
      browser.waitFor(
          "!document.querySelector('" + longCard + " .arguments').textContent.includes('…')",
          "the whole argument");
      assertThat(browser.eval("document.querySelector('" + longCard + " .arguments').textContent"))
          .isEqualTo(api.detail(longRequest.get("id")).get("arguments_full"))
          .isEqualTo("text=\"" + ApprovalApp.LONG.replace("\u001b", "\\e") + "\"");
      browser.eval(
          "document.querySelector('"
              + longCard
              + " button[data-decision=\"approve\"]').click(); 'ok'");

      browser.waitFor(
          "document.querySelectorAll('.request').length === 0"
              + " && document.querySelectorAll('#recent tr').length === 4",
          "all four calls among the recent decisions");
      String recent = browser.eval("document.querySelector('#recent').innerText");
      assertThat(recent)
          .contains("approve", "deny: Not to a script.", "Ada (127.0.0.1) via web", "purge");
    }

    ChildJvm.Result result = child.get(60, TimeUnit.SECONDS);
    assertThat(result.stdout().lines())
        .as(result.toString())
        .containsExactly(
            "browser-approved: ran",
            "browser-denied: denied: Not to a script.",
            "browser-confirmed: ran",
            "browser-long: ran");
    assertThat(dir.resolve("markers/transfer-erin-10")).exists();
    List<Map<String, String>> decided =
        AuditLines.read(dir.resolve("audit.jsonl")).stream()
            .filter(
                line ->
                    "approval".equals(line.get("event")) && !"pending".equals(line.get("status")))
            .toList();
    assertThat(decided)
        .extracting(
            line -> line.get("status") + " by " + line.get("by") + " via " + line.get("channel"))
        .containsExactly(
            "approve by Ada (127.0.0.1) via web",
            "deny by Ada (127.0.0.1) via web",
            "approve by Ada (127.0.0.1) via web",
            "approve by Ada (127.0.0.1) via web");
    assertThat(decided.get(1)).containsEntry("message", "Not to a script.");
  }

  @Test
  void theFirstPaintShowsTheCallsAlreadyWaitingNotThatNoneIs() throws Exception {
    if (Boolean.getBoolean("toolguard.it.skipBrowser")) {
      Assumptions.abort("skipped on request (-Dtoolguard.it.skipBrowser=true)");
    }
    int port = ApprovalApi.freePort();
    Files.writeString(
        dir.resolve("policy.yaml"), ApprovalPolicy.of(ApprovalPolicy.page(port, "60s"), ""));
    CompletableFuture<ChildJvm.Result> child =
        ChildJvm.in(dir)
            .agent("policy=policy.yaml,audit=audit.jsonl")
            .inBackground(ApprovalApp.class, "markers", "script");
    ApprovalApi api = ApprovalApi.await(dir.resolve("approval.token"), port);
    api.awaitPendingWithArguments("erin");

    Files.createDirectories(dir.resolve("profile"));
    try (Browser browser = Browser.start(dir.resolve("profile"))) {
      // Without its script the page shows what its first paint shows, before any refresh.
      browser.block("*/app.js");
      browser.open(api.url("/?token=" + api.token));
      browser.waitFor("document.querySelector('#pending')", "the page");

      assertThat(browser.eval("String(document.querySelector('#none-pending').hidden)"))
          .as("'No call is waiting' is not shown while one is")
          .isEqualTo("true");
      assertThat(browser.eval("document.querySelector('#pending-count').textContent"))
          .isEqualTo("(1)");
      assertThat(browser.eval("document.querySelector('#pending').innerText"))
          .contains("transfer HIGH", "account=\"erin\", cents=10", "loading the buttons");
    } finally {
      // Deny what waits until the application ends (its server goes with it).
      while (!child.isDone()) {
        try {
          for (Map<String, Object> request : api.pending()) {
            api.decide(request.get("id"), "{\"decision\":\"deny\"}");
          }
        } catch (java.io.IOException ended) {
          // The application ended between the check and the request.
        }
        Thread.sleep(100);
      }
    }
    assertThat(child.get(60, TimeUnit.SECONDS).exitCode()).isZero();
  }
}
