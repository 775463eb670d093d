package io.toolguard.agent.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.policy.Risk;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ApprovalsTest {

  private final Approvals approvals = new Approvals();

  private ApprovalRequest request(
      String tool, Risk risk, Optional<String> exact, Duration timeout) {
    return approvals.request(
        "c-1", tool, "com.acme.Tools#" + tool, risk, arguments(exact), "app.yaml:7", timeout);
  }

  /** One text argument with this value, or an object that cannot be compared. */
  static CallArguments arguments(Optional<String> exact) {
    return new CallArguments(
        List.of(
            exact.isPresent()
                ? new CallArguments.Argument(
                    "x", CallArguments.Kind.TEXT, "java.lang.String", exact.get(), true)
                : new CallArguments.Argument(
                    "x", CallArguments.Kind.OBJECT, "com.acme.Thing", "com.acme.Thing", false)));
  }

  private ApprovalRequest request(String tool, String exact) {
    return request(tool, Risk.HIGH, Optional.of(exact), Duration.ofSeconds(30));
  }

  /** Waits on another thread, as a tool's thread would, until the request shows as pending. */
  private CompletableFuture<Resolution> waitFor(ApprovalRequest request)
      throws InterruptedException {
    CompletableFuture<Resolution> settled =
        CompletableFuture.supplyAsync(
            () -> approvals.await(request),
            runnable -> new Thread(runnable, "tool-thread").start());
    while (approvals.pending(request.id()).isEmpty()) {
      Thread.sleep(1);
    }
    return settled;
  }

  private static Answer by(Answer.Choice choice) {
    return new Answer(choice, null, "ada", "test");
  }

  @Test
  void theFirstAnswerWinsAndLaterOnesAreToldItIsSettled() throws Exception {
    ApprovalRequest request = request("transfer", "1");
    CompletableFuture<Resolution> settled = waitFor(request);

    assertThat(
            approvals.decide(
                request.id(),
                new Answer(Answer.Choice.DENY, "not now", "ada", "web"),
                request.callHash(),
                null))
        .isEqualTo(Approvals.Result.DECIDED);
    assertThat(approvals.decide(request.id(), by(Answer.Choice.APPROVE), request.callHash(), null))
        .isEqualTo(Approvals.Result.ALREADY_SETTLED);
    Resolution resolution = settled.get(5, TimeUnit.SECONDS);

    assertThat(resolution.approved()).isFalse();
    assertThat(resolution.reason())
        .startsWith("denied by ada via web after ")
        .endsWith(": not now");
    assertThat(approvals.pending()).isEmpty();
    assertThat(approvals.recent()).extracting(r -> r.request().id()).containsExactly(request.id());
    assertThat(approvals.decide("nope", by(Answer.Choice.APPROVE), "0", null))
        .isEqualTo(Approvals.Result.UNKNOWN);
  }

  @Test
  void silenceUntilTheDeadlineDenies() {
    Resolution resolution =
        approvals.await(request("transfer", Risk.HIGH, Optional.empty(), Duration.ofMillis(50)));

    assertThat(resolution.answer().choice()).isEqualTo(Answer.Choice.TIMED_OUT);
    assertThat(resolution.approved()).isFalse();
    assertThat(resolution.reason())
        .startsWith("approval timed out after ")
        .endsWith("; silence means no");
  }

  @Test
  void anInterruptedWaitDeniesAndKeepsTheFlag() throws Exception {
    ApprovalRequest request = request("transfer", "1");
    boolean[] flag = new boolean[1];
    Resolution[] result = new Resolution[1];
    Thread waiting =
        new Thread(
            () -> {
              result[0] = approvals.await(request);
              flag[0] = Thread.currentThread().isInterrupted();
            });
    waiting.start();
    while (approvals.pending(request.id()).isEmpty()) {
      Thread.sleep(1);
    }
    waiting.interrupt();
    waiting.join();

    assertThat(result[0].answer().choice()).isEqualTo(Answer.Choice.INTERRUPTED);
    assertThat(flag[0]).isTrue();
    assertThat(approvals.decide(request.id(), by(Answer.Choice.APPROVE), request.callHash(), null))
        .isEqualTo(Approvals.Result.ALREADY_SETTLED);
  }

  @Test
  void aCriticalCallIsApprovedOnlyWithItsToolsNameAsConfirmation() throws Exception {
    ApprovalRequest request =
        request("purge", Risk.CRITICAL, Optional.of("1"), Duration.ofSeconds(30));
    CompletableFuture<Resolution> settled = waitFor(request);

    assertThat(approvals.decide(request.id(), by(Answer.Choice.APPROVE), request.callHash(), null))
        .isEqualTo(Approvals.Result.CONFIRMATION_NEEDED);
    assertThat(
            approvals.decide(
                request.id(), by(Answer.Choice.APPROVE_TOOL), request.callHash(), "Purge"))
        .isEqualTo(Approvals.Result.CONFIRMATION_NEEDED);
    assertThat(
            approvals.decide(request.id(), by(Answer.Choice.APPROVE), request.callHash(), "purge"))
        .isEqualTo(Approvals.Result.DECIDED);
    assertThat(settled.get(5, TimeUnit.SECONDS).approved()).isTrue();
  }

  @Test
  void denyingACriticalCallNeedsNoConfirmation() throws Exception {
    ApprovalRequest request =
        request("purge", Risk.CRITICAL, Optional.empty(), Duration.ofSeconds(30));
    CompletableFuture<Resolution> settled = waitFor(request);

    assertThat(approvals.decide(request.id(), by(Answer.Choice.DENY), request.callHash(), null))
        .isEqualTo(Approvals.Result.DECIDED);
    assertThat(settled.get(5, TimeUnit.SECONDS).approved()).isFalse();
  }

  @Test
  void approvingTheseArgumentsForTheSessionCoversExactlyTheSameArguments() throws Exception {
    ApprovalRequest first = request("transfer", "bob:5");
    CompletableFuture<Resolution> settled = waitFor(first);
    approvals.decide(first.id(), by(Answer.Choice.APPROVE_SESSION), first.callHash(), null);
    settled.get(5, TimeUnit.SECONDS);

    Optional<Resolution> same = approvals.earlier(request("transfer", "bob:5"));
    assertThat(same)
        .hasValueSatisfying(
            resolution -> {
              assertThat(resolution.earlier()).isTrue();
              assertThat(resolution.reason())
                  .isEqualTo(
                      "approved earlier for this run (these arguments, for this run) by ada via test");
            });
    assertThat(approvals.earlier(request("transfer", "bob:6"))).isEmpty();
    assertThat(
            approvals.earlier(
                request("transfer", Risk.HIGH, Optional.empty(), Duration.ofSeconds(1))))
        .isEmpty();
    assertThat(approvals.earlier(request("refund", "bob:5"))).isEmpty();
  }

  @Test
  void approvingTheToolForTheSessionCoversAnyArgumentsOfTheSameKindOfRequest() throws Exception {
    ApprovalRequest first = request("transfer", "bob:5");
    CompletableFuture<Resolution> settled = waitFor(first);
    approvals.decide(first.id(), by(Answer.Choice.APPROVE_TOOL), first.callHash(), null);
    settled.get(5, TimeUnit.SECONDS);

    assertThat(approvals.earlier(request("transfer", "carol:7"))).isPresent();
    assertThat(
            approvals.earlier(
                request("transfer", Risk.HIGH, Optional.empty(), Duration.ofSeconds(1))))
        .isPresent();
    assertThat(approvals.earlier(request("refund", "carol:7"))).isEmpty();
    ApprovalRequest fileAccess =
        approvals.request(
            "c-2",
            "transfer",
            "delete a file",
            Risk.HIGH,
            CallArguments.described("path=\"/x\""),
            "app.yaml:7",
            Duration.ofSeconds(1));
    assertThat(approvals.earlier(fileAccess))
        .as("a call's approval does not cover the tool's deletes")
        .isEmpty();
  }

  @Test
  void aDecisionIsRefusedUnlessItNamesTheHashOfTheWaitingCall() throws Exception {
    ApprovalRequest request = request("transfer", "bob:5");
    ApprovalRequest other = request("transfer", "bob:6");
    CompletableFuture<Resolution> settled = waitFor(request);

    assertThat(approvals.decide(request.id(), by(Answer.Choice.APPROVE), null, null))
        .isEqualTo(Approvals.Result.HASH_MISSING);
    assertThat(approvals.decide(request.id(), by(Answer.Choice.APPROVE), "", null))
        .isEqualTo(Approvals.Result.HASH_MISSING);
    assertThat(approvals.decide(request.id(), by(Answer.Choice.APPROVE), other.callHash(), null))
        .isEqualTo(Approvals.Result.HASH_MISMATCH);
    assertThat(approvals.pending(request.id())).as("still waiting").isPresent();
    assertThat(approvals.decide(request.id(), by(Answer.Choice.DENY), request.callHash(), null))
        .isEqualTo(Approvals.Result.DECIDED);
    assertThat(settled.get(5, TimeUnit.SECONDS).approved()).isFalse();
  }

  @Test
  void theSameCallHasTheSameHashAndTheSessionKeyIsItsCanonicalArguments() throws Exception {
    ApprovalRequest first = request("transfer", "bob:5");
    ApprovalRequest again = request("transfer", "bob:5");
    assertThat(first.callHash()).isEqualTo(again.callHash()).hasSize(16).matches("[0-9a-f]{16}");
    assertThat(first.id()).isNotEqualTo(again.id());
    assertThat(first.exactArguments()).contains(CallText.canonical(first.arguments()));
    assertThat(request("refund", "bob:5").callHash()).isNotEqualTo(first.callHash());
  }

  @Test
  void argumentsThatCannotBeComparedCannotBeApprovedForTheSession() throws Exception {
    ApprovalRequest request =
        request("transfer", Risk.HIGH, Optional.empty(), Duration.ofSeconds(30));
    CompletableFuture<Resolution> settled = waitFor(request);

    assertThat(
            approvals.decide(
                request.id(), by(Answer.Choice.APPROVE_SESSION), request.callHash(), null))
        .isEqualTo(Approvals.Result.NOT_COMPARABLE);
    assertThat(
            approvals.decide(
                request.id(), by(Answer.Choice.APPROVE_TOOL), request.callHash(), null))
        .isEqualTo(Approvals.Result.DECIDED);
    assertThat(settled.get(5, TimeUnit.SECONDS).approved()).isTrue();
  }

  @Test
  void concurrentRequestsAreListedOldestFirstAndEachGetsItsOwnAnswer() throws Exception {
    ApprovalRequest a = request("transfer", "a");
    CompletableFuture<Resolution> first = waitFor(a);
    Thread.sleep(2);
    ApprovalRequest b = request("transfer", "b");
    CompletableFuture<Resolution> second = waitFor(b);

    assertThat(approvals.pending()).extracting(ApprovalRequest::id).containsExactly(a.id(), b.id());
    approvals.decide(b.id(), by(Answer.Choice.APPROVE), b.callHash(), null);
    approvals.decide(a.id(), by(Answer.Choice.DENY), a.callHash(), null);

    assertThat(first.get(5, TimeUnit.SECONDS).approved()).isFalse();
    assertThat(second.get(5, TimeUnit.SECONDS).approved()).isTrue();
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(a.key()).hasSize(48).isNotEqualTo(b.key());
  }

  @Test
  void noChannelMeansNobodyCanBeAsked() {
    assertThat(approvals.canAsk()).isFalse();
    approvals.servedOnWeb();
    assertThat(approvals.canAsk()).isTrue();
  }

  /** A channel that records what it was offered. */
  private static final class Recording implements ApprovalChannel {
    final List<ApprovalRequest> offered = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void offer(ApprovalRequest request) {
      offered.add(request);
    }
  }

  @Test
  void aCallWaitsForAPageStillStartingAndIsAskedOnceItListens() throws Exception {
    approvals.webStarting();
    assertThat(approvals.canAsk()).isTrue();
    ApprovalRequest request = request("transfer", "1");
    CompletableFuture<Resolution> settled = waitFor(request);
    Recording webhook = new Recording();
    approvals.add(webhook);
    Thread.sleep(50);
    assertThat(webhook.offered).as("not offered before the page listens").isEmpty();
    assertThat(settled).isNotDone();

    approvals.servedOnWeb();
    while (webhook.offered.isEmpty()) {
      Thread.sleep(1);
    }
    assertThat(approvals.decide(request.id(), by(Answer.Choice.APPROVE), request.callHash(), null))
        .isEqualTo(Approvals.Result.DECIDED);
    assertThat(settled.get(5, TimeUnit.SECONDS).answer().choice()).isEqualTo(Answer.Choice.APPROVE);
  }

  @Test
  void aPageThatDoesNotListenBeforeTheDeadlineTimesTheCallOut() throws Exception {
    approvals.webStarting();
    ApprovalRequest request =
        request("transfer", Risk.HIGH, Optional.of("1"), Duration.ofMillis(100));
    Resolution resolution = approvals.await(request);
    assertThat(resolution.answer().choice()).isEqualTo(Answer.Choice.TIMED_OUT);
    assertThat(approvals.pending()).isEmpty();
  }

  @Test
  void aPageThatFailedDeniesWhatOnlyItCouldAskSayingWhy() throws Exception {
    approvals.webStarting();
    ApprovalRequest request = request("transfer", "1");
    CompletableFuture<Resolution> settled = waitFor(request);
    approvals.webFailed("the approval web page cannot start on 127.0.0.1:1 (denied)");

    Answer answer = settled.get(5, TimeUnit.SECONDS).answer();
    assertThat(answer)
        .isEqualTo(
            new Answer(
                Answer.Choice.DENY,
                "nobody could be asked: the approval web page cannot start on 127.0.0.1:1"
                    + " (denied)",
                "toolguard (the approval web page did not start)",
                "web"));
    assertThat(approvals.canAsk()).as("the caller still asks, and is told why not").isTrue();
  }

  @Test
  void aPageThatFailedLeavesTheTerminalToAsk() throws Exception {
    Recording terminal = new Recording();
    approvals.add(terminal);
    approvals.webStarting();
    approvals.webFailed("it could not bind");
    ApprovalRequest request = request("transfer", "1");
    CompletableFuture<Resolution> settled = waitFor(request);
    while (terminal.offered.isEmpty()) {
      Thread.sleep(1);
    }
    approvals.decide(request.id(), by(Answer.Choice.DENY), request.callHash(), null);
    assertThat(settled.get(5, TimeUnit.SECONDS).answer()).isEqualTo(by(Answer.Choice.DENY));
  }
}
