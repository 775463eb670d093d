package io.toolguard.agent.approval;

import io.toolguard.agent.threads.OwnThreads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts each request as JSON to a configured URL, signed with HMAC-SHA256 over the body in the
 * {@code X-Toolguard-Signature: sha256=<hex>} header. The receiver decides through the request's
 * {@code decision_url}, which carries a key for that request only. Posting runs on a thread of its
 * own and retries a failed post twice while the request still waits.
 */
final class WebhookChannel implements ApprovalChannel {

  static final String SIGNATURE_HEADER = "X-Toolguard-Signature";
  private static final int ATTEMPTS = 3;

  private final URI url;
  private final byte[] secret;
  private final Approvals approvals;
  private final Function<ApprovalRequest, String> decisionUrl;

  /**
   * Made by the posting thread when it first posts: its selector thread would hold up every JVM
   * exit.
   */
  private HttpClient client;

  private final BlockingQueue<ApprovalRequest> queue = new LinkedBlockingQueue<>();

  private WebhookChannel(
      URI url, String secret, Approvals approvals, Function<ApprovalRequest, String> decisionUrl) {
    this.url = url;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.approvals = approvals;
    this.decisionUrl = decisionUrl;
  }

  /** {@return the channel, started} */
  static WebhookChannel start(
      URI url, String secret, Approvals approvals, Function<ApprovalRequest, String> decisionUrl) {
    WebhookChannel channel = new WebhookChannel(url, secret, approvals, decisionUrl);
    OwnThreads.daemon(new Sending(channel), "toolguard-approval-webhook").start();
    return channel;
  }

  /** The channel's thread: a named class, as a method reference is a class spun at start-up. */
  private static final class Sending implements Runnable {
    private final WebhookChannel channel;

    Sending(WebhookChannel channel) {
      this.channel = channel;
    }

    @Override
    public void run() {
      channel.run();
    }
  }

  @Override
  public void offer(ApprovalRequest request) {
    queue.add(request);
  }

  /** {@return the signature header's value for {@code body}} */
  static String sign(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException missing) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", missing);
    }
  }

  private void run() {
    while (true) {
      ApprovalRequest request;
      try {
        request = queue.take();
      } catch (InterruptedException stop) {
        return;
      }
      post(request);
    }
  }

  private void post(ApprovalRequest request) {
    byte[] body =
        RequestJson.posted(request, Instant.now(), decisionUrl.apply(request))
            .getBytes(StandardCharsets.UTF_8);
    HttpRequest post =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header(SIGNATURE_HEADER, sign(secret, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    if (client == null) {
      client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }
    String failure = null;
    for (int attempt = 1;
        attempt <= ATTEMPTS && approvals.pending(request.id()).isPresent();
        attempt++) {
      try {
        HttpResponse<Void> response = client.send(post, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 == 2) {
          return;
        }
        failure = "HTTP " + response.statusCode();
      } catch (java.io.IOException e) {
        failure = e.toString();
      } catch (InterruptedException stop) {
        Thread.currentThread().interrupt();
        return;
      }
      sleepBefore(attempt + 1, request);
    }
    if (failure != null) {
      System.err.println(
          "toolguard: the approval webhook "
              + url
              + " did not take request "
              + request.id()
              + " ("
              + failure
              + "); other channels still ask, and silence until "
              + request.deadline()
              + " means no");
    }
  }

  private void sleepBefore(int attempt, ApprovalRequest request) {
    if (attempt > ATTEMPTS || request.timeLeft(Instant.now()).isZero()) {
      return;
    }
    try {
      Thread.sleep(1000L * (attempt - 1));
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
    }
  }
}
