package io.toolguard.agent.approval;

import io.toolguard.agent.policy.Risk;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where calls that need a person wait. Each request is shown on every channel; the first answer
 * wins, and the channels stop asking once it is no longer pending. Silence until the deadline, or
 * an interrupted waiting thread, means no. Approvals for the session are remembered until the JVM
 * ends.
 */
public final class Approvals {

  /** How many settled requests the web page shows. */
  static final int RECENT = 30;

  private final List<ApprovalChannel> channels = new CopyOnWriteArrayList<>();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Map<String, Answer> sessionApprovals = new ConcurrentHashMap<>();
  private final Deque<Resolution> recent = new ArrayDeque<>();

  /** Whether the web page is on: it may still be starting, and calls wait for it. */
  private volatile boolean webOn;

  /** Counted down once the web page listens, or failed ({@link #webFailure} then says why). */
  private final CountDownLatch webSettled = new CountDownLatch(1);

  private volatile String webFailure;

  /** What became of an answer given for a request. */
  public enum Result {
    DECIDED,
    UNKNOWN,
    ALREADY_SETTLED,
    CONFIRMATION_NEEDED,
    NOT_COMPARABLE,
    /** The decision named no call hash. */
    HASH_MISSING,
    /** The decision's call hash is not the waiting call's: its sender saw another call. */
    HASH_MISMATCH
  }

  void add(ApprovalChannel channel) {
    channels.add(channel);
  }

  /** The web page is on and starting: calls that need a person wait until it listens. */
  void webStarting() {
    webOn = true;
  }

  /** The web page and API listen and show the pending requests themselves. */
  void servedOnWeb() {
    webOn = true;
    webSettled.countDown();
  }

  /** The web page could not start: what only it could ask is denied, saying {@code why}. */
  void webFailed(String why) {
    webFailure = why;
    webSettled.countDown();
  }

  /** {@return whether any channel can ask a person} */
  public boolean canAsk() {
    return webOn || !channels.isEmpty();
  }

  /** {@return a new request, with fresh id and key, expiring {@code timeout} from now} */
  public ApprovalRequest request(
      String callId,
      String tool,
      String method,
      Risk risk,
      CallArguments arguments,
      String rule,
      Duration timeout) {
    Instant now = Instant.now();
    String thread = Thread.currentThread().getName();
    return new ApprovalRequest(
        token(8),
        token(24),
        callId,
        tool,
        method,
        risk,
        arguments,
        arguments.exact(),
        thread,
        rule,
        now,
        now.plus(timeout),
        CallText.shown(tool, method, arguments, thread, rule));
  }

  /** An approval for the session that already covers this call, if there is one. */
  public Optional<Resolution> earlier(ApprovalRequest request) {
    Answer answer = sessionApprovals.get(anyArguments(request));
    if (answer == null && request.exactArguments().isPresent()) {
      answer = sessionApprovals.get(theseArguments(request));
    }
    return Optional.ofNullable(answer)
        .map(given -> new Resolution(request, given, true, Duration.ZERO));
  }

  /**
   * Shows the request on every channel and waits until it is settled: by a person, by its deadline,
   * or by this thread being interrupted (whose flag stays set).
   */
  public Resolution await(ApprovalRequest request) {
    Pending waiting = new Pending(request);
    pending.put(request.id(), waiting);
    Answer answer;
    try {
      Optional<Answer> noPage = awaitWeb(request);
      if (noPage.isPresent()) {
        answer = settle(waiting, noPage.get());
      } else {
        channels.forEach(channel -> channel.offer(request));
        answer =
            waiting.answer.get(
                Duration.between(Instant.now(), request.deadline()).toNanos(),
                TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException silence) {
      answer = settle(waiting, Answer.timedOut());
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      answer = settle(waiting, Answer.interrupted());
    } catch (ExecutionException | RuntimeException failure) {
      pending.remove(request.id());
      throw new IllegalStateException("waiting for approval failed", failure);
    }
    // Waited since the request was made, as its deadline counts: recording it may take a while.
    Duration waited = Duration.between(request.created(), Instant.now());
    Resolution resolution =
        new Resolution(request, answer, false, waited.isNegative() ? Duration.ZERO : waited);
    synchronized (recent) {
      recent.addFirst(resolution);
      while (recent.size() > RECENT) {
        recent.removeLast();
      }
    }
    pending.remove(request.id());
    return resolution;
  }

  /**
   * Waits, within the request's deadline, for a web page that is still starting (at JVM start it
   * listens only after {@code premain}): the page, and the webhook that links to it, ask once it
   * listens. {@return the denial, when the page failed and no other channel can ask}
   *
   * @throws TimeoutException if the page did not listen before the request's deadline
   */
  private Optional<Answer> awaitWeb(ApprovalRequest request)
      throws InterruptedException, TimeoutException {
    if (!webOn || (webSettled.getCount() == 0 && webFailure == null)) {
      return Optional.empty();
    }
    if (!webSettled.await(
        Duration.between(Instant.now(), request.deadline()).toNanos(), TimeUnit.NANOSECONDS)) {
      throw new TimeoutException();
    }
    String failure = webFailure;
    if (failure == null || !channels.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Answer(
            Answer.Choice.DENY,
            "nobody could be asked: " + failure,
            "toolguard (the approval web page did not start)",
            "web"));
  }

  /**
   * Ends a request with {@code ending} unless a person's answer got there first; {@return the
   * answer that won}
   */
  private static Answer settle(Pending waiting, Answer ending) {
    synchronized (waiting) {
      waiting.answer.complete(ending);
    }
    return waiting.answer.join();
  }

  /**
   * Answers a pending request; the first answer wins.
   *
   * @param callHash the call hash the approver was shown; a decision for another call is refused
   * @param confirmation what the approver typed to confirm a CRITICAL call (its tool's name as
   *     shown)
   */
  public Result decide(String id, Answer answer, String callHash, String confirmation) {
    return decide(id, answer, callHash, confirmation, () -> {});
  }

  /**
   * Answers a pending request, as {@link #decide(String, Answer, String, String)}, running {@code
   * beforeWaking} once the answer is taken and before the waiting call wakes: the web API answers
   * its client there, so that an application that ends as soon as its last call returns cannot end
   * before the approver heard that the decision was taken.
   */
  public Result decide(
      String id, Answer answer, String callHash, String confirmation, Runnable beforeWaking) {
    Pending waiting = pending.get(id);
    if (waiting == null) {
      return known(id).isPresent() ? Result.ALREADY_SETTLED : Result.UNKNOWN;
    }
    ApprovalRequest request = waiting.request;
    if (callHash == null || callHash.isEmpty()) {
      return Result.HASH_MISSING;
    }
    if (!java.security.MessageDigest.isEqual(
        callHash.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        request.callHash().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
      return Result.HASH_MISMATCH;
    }
    if (answer.choice().approves()
        && request.needsConfirmation()
        && !request.shown().tool().equals(confirmation)) {
      return Result.CONFIRMATION_NEEDED;
    }
    if (answer.choice() == Answer.Choice.APPROVE_SESSION && request.exactArguments().isEmpty()) {
      return Result.NOT_COMPARABLE;
    }
    // Remembered before the waiting thread wakes, so its next call already finds it.
    synchronized (waiting) {
      if (waiting.answer.isDone()) {
        return Result.ALREADY_SETTLED;
      }
      remember(request, answer);
      try {
        beforeWaking.run();
      } finally {
        waiting.answer.complete(answer);
      }
    }
    return Result.DECIDED;
  }

  /** {@return the request waiting under this id, if any} */
  public Optional<ApprovalRequest> pending(String id) {
    return Optional.ofNullable(pending.get(id)).map(waiting -> waiting.request);
  }

  /** {@return the request with this id, waiting or recently settled, if any} */
  public Optional<ApprovalRequest> known(String id) {
    return pending(id)
        .or(
            () -> {
              synchronized (recent) {
                return recent.stream()
                    .map(Resolution::request)
                    .filter(request -> request.id().equals(id))
                    .findFirst();
              }
            });
  }

  /** {@return the waiting requests, oldest first} */
  public List<ApprovalRequest> pending() {
    List<ApprovalRequest> all = new ArrayList<>();
    pending.values().forEach(waiting -> all.add(waiting.request));
    all.sort(Comparator.comparing(ApprovalRequest::created).thenComparing(ApprovalRequest::id));
    return all;
  }

  /** {@return the most recently settled requests, newest first} */
  public List<Resolution> recent() {
    synchronized (recent) {
      return List.copyOf(recent);
    }
  }

  private void remember(ApprovalRequest request, Answer answer) {
    if (answer.choice() == Answer.Choice.APPROVE_TOOL) {
      sessionApprovals.putIfAbsent(anyArguments(request), answer);
    } else if (answer.choice() == Answer.Choice.APPROVE_SESSION) {
      sessionApprovals.putIfAbsent(theseArguments(request), answer);
    }
  }

  /**
   * Calls and each kind of file access of a tool are approved apart; the key is length-prefixed, as
   * the call's canonical encoding is.
   */
  private static String anyArguments(ApprovalRequest request) {
    return request.tool().length()
        + ":"
        + request.tool()
        + request.method().length()
        + ":"
        + request.method();
  }

  /** The same canonical arguments the call's hash covers. */
  private static String theseArguments(ApprovalRequest request) {
    return anyArguments(request) + request.exactArguments().orElseThrow();
  }

  private static String token(int bytes) {
    byte[] value = new byte[bytes];
    Random.INSTANCE.nextBytes(value);
    return HexFormat.of().formatHex(value);
  }

  /** Made on the first request, not at start-up, where seeding it would cost every JVM. */
  private static final class Random {
    static final SecureRandom INSTANCE = new SecureRandom();
  }

  private static final class Pending {
    final ApprovalRequest request;
    final CompletableFuture<Answer> answer = new CompletableFuture<>();

    Pending(ApprovalRequest request) {
      this.request = request;
    }
  }
}
