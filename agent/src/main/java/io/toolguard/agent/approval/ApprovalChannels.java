package io.toolguard.agent.approval;

import io.toolguard.agent.policy.ApprovalSettings;
import io.toolguard.agent.threads.OwnThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Starts the approval channels a policy turns on, and says at start-up where each one asks.
 *
 * <p>The web page starts on a thread of its own while the agent goes on starting (it costs the
 * JDK's HTTP server, about 140 classes, and a random token), and {@link #awaitStarted} waits for it
 * before the agent hooks anything: the page still listens, has its token file and prints its
 * address before {@code main} runs, and an address it cannot listen on still stops the start-up.
 */
public final class ApprovalChannels {

  private final Approvals approvals;
  private final Optional<Path> tokenFile;
  private final boolean terminal;

  /** The web page, starting; empty when it is off. */
  private final Optional<FutureTask<ApprovalServer>> starting;

  /** The webhook to start once the page is up (its requests link to the page): URL and secret. */
  private final Optional<Map.Entry<ApprovalSettings.Webhook, String>> webhook;

  private Optional<InetSocketAddress> server = Optional.empty();
  private boolean started;

  private ApprovalChannels(
      Approvals approvals,
      Optional<Path> tokenFile,
      boolean terminal,
      Optional<FutureTask<ApprovalServer>> starting,
      Optional<Map.Entry<ApprovalSettings.Webhook, String>> webhook) {
    this.approvals = approvals;
    this.tokenFile = tokenFile;
    this.terminal = terminal;
    this.starting = starting;
    this.webhook = webhook;
  }

  /**
   * Starts every channel {@code settings} turns on, the web page on a thread of its own (see {@link
   * #awaitStarted}); a terminal that is not there stands down with a note, anything else that
   * cannot start stops the start-up.
   *
   * @throws IllegalStateException if the webhook has no secret
   */
  public static ApprovalChannels start(ApprovalSettings settings, Map<String, String> environment) {
    Approvals approvals = new Approvals();
    boolean terminal = false;
    if (settings.terminal()) {
      StringBuilder whyNot = new StringBuilder();
      Optional<TerminalChannel> channel = TerminalChannel.open(approvals, whyNot);
      terminal = channel.isPresent();
      // Plain tests rather than Optional's lambdas here and below: each lambda is a class spun at
      // start-up.
      if (channel.isPresent()) {
        approvals.add(channel.get());
      } else {
        System.err.println(
            "toolguard: approval terminal is off: no controlling terminal (" + whyNot + ")");
      }
    }
    if (settings.web().isEmpty()) {
      return new ApprovalChannels(
          approvals, Optional.empty(), terminal, Optional.empty(), Optional.empty());
    }
    Optional<Map.Entry<ApprovalSettings.Webhook, String>> webhook = Optional.empty();
    if (settings.webhook().isPresent()) {
      ApprovalSettings.Webhook hook = settings.webhook().get();
      Optional<String> secret = hook.resolveSecret(environment);
      if (secret.isEmpty()) {
        throw new IllegalStateException(
            "approval.webhook: $"
                + hook.secretEnv().orElse("")
                + " is not set; set it to the webhook's shared secret");
      }
      webhook = Optional.of(Map.entry(hook, secret.get()));
    }
    ApprovalSettings.Web web = settings.web().get();
    Path tokenFile = tokenFile(web);
    FutureTask<ApprovalServer> starting = new FutureTask<>(new WebStart(approvals, web, tokenFile));
    OwnThreads.daemon(starting, "toolguard-approval-web-start").start();
    return new ApprovalChannels(
        approvals, Optional.of(tokenFile), terminal, Optional.of(starting), webhook);
  }

  /**
   * Waits until the web page listens (if it is on), says where, and starts the webhook, whose
   * requests link to the page. Call it before anything is hooked, and before {@link #server} or
   * {@link #whereToApprove}.
   *
   * @throws IllegalStateException if the web page cannot start
   */
  public void awaitStarted() {
    if (started) {
      return;
    }
    started = true;
    if (starting.isEmpty()) {
      return;
    }
    ApprovalServer page;
    try {
      page = starting.get().get();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while the approval web page started; start the JVM again");
    } catch (ExecutionException failed) {
      Throwable cause = failed.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("the approval web page failed to start: " + cause, cause);
    }
    approvals.servedOnWeb();
    System.err.println(
        "toolguard: approve calls at "
            + page.pageUrl()
            + " (token also in "
            + tokenFile.orElseThrow()
            + ")");
    server = Optional.of(page.address());
    if (webhook.isPresent()) {
      Map.Entry<ApprovalSettings.Webhook, String> hook = webhook.get();
      approvals.add(
          WebhookChannel.start(
              hook.getKey().url(), hook.getValue(), approvals, page.decisionUrls()));
      System.err.println("toolguard: approval requests are posted to " + hook.getKey());
    }
  }

  private static Path tokenFile(ApprovalSettings.Web web) {
    if (web.tokenFile().isPresent()) {
      return web.tokenFile().get();
    }
    return Path.of(
        System.getProperty("java.io.tmpdir"),
        "toolguard-approval-" + ProcessHandle.current().pid() + ".token");
  }

  /** Starts the web page: a named class, as a lambda would be spun at start-up. */
  private static final class WebStart implements java.util.concurrent.Callable<ApprovalServer> {
    private final Approvals approvals;
    private final ApprovalSettings.Web web;
    private final Path tokenFile;

    WebStart(Approvals approvals, ApprovalSettings.Web web, Path tokenFile) {
      this.approvals = approvals;
      this.web = web;
      this.tokenFile = tokenFile;
    }

    @Override
    public ApprovalServer call() {
      return web(approvals, web, tokenFile);
    }
  }

  private static ApprovalServer web(Approvals approvals, ApprovalSettings.Web web, Path tokenFile) {
    if (ModuleLayer.boot().findModule("jdk.httpserver").isEmpty()) {
      throw new IllegalStateException(
          "approval.web needs the JDK module jdk.httpserver, which this runtime lacks;"
              + " add it with --add-modules jdk.httpserver or use a full JDK");
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    ApprovalServer server;
    try {
      server = ApprovalServer.start(approvals, token, web.bind(), web.port());
      writeOwnerOnly(tokenFile, token);
    } catch (IOException e) {
      throw new IllegalStateException(
          "the approval web page cannot start on "
              + web.bind()
              + ":"
              + web.port()
              + " ("
              + e.getMessage()
              + "); choose another 'port' under approval.web, or 0 for any free port");
    }
    return server;
  }

  /**
   * Writes the token to a new file only its owner can read; an existing file there is replaced.
   * Creating it exclusively refuses a link planted in its place.
   */
  private static void writeOwnerOnly(Path file, String token) throws IOException {
    Files.deleteIfExists(file);
    Set<StandardOpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (SeekableByteChannel channel =
        Files.newByteChannel(
            file,
            options,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      channel.write(ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.UTF_8)));
    }
    file.toFile().deleteOnExit();
  }

  public Approvals approvals() {
    return approvals;
  }

  /** {@return the file the approval page's token is written to, which no tool may touch} */
  public Optional<Path> tokenFile() {
    return tokenFile;
  }

  /** {@return whether the terminal channel asks on {@code /dev/tty}, which no tool may touch} */
  public boolean terminal() {
    return terminal;
  }

  /**
   * {@return where a person approves this JVM's calls, in words: the page's address and its token
   * file (never the token), and the terminal}
   */
  public String whereToApprove() {
    requireStarted();
    List<String> where = new ArrayList<>();
    if (server.isPresent()) {
      InetSocketAddress address = server.get();
      String host = address.getAddress().getHostAddress();
      where.add(
          "approve calls at http://"
              + (host.contains(":") ? "[" + host + "]" : host)
              + ":"
              + address.getPort()
              + "/ with the token in "
              + (tokenFile.isPresent() ? tokenFile.get().toString() : "its token file")
              + " (open /?token=TOKEN, or send it in the X-Toolguard-Token header)");
    }
    if (terminal) {
      where.add("asks on the controlling terminal of the guarded JVM");
    }
    return where.isEmpty()
        ? "no approval channel is on, so calls that need a person are denied"
        : String.join("; ", where);
  }

  /** {@return where the approval server listens, which no tool may connect to} */
  public Optional<InetSocketAddress> server() {
    requireStarted();
    return server;
  }

  private void requireStarted() {
    if (!started) {
      throw new IllegalStateException("the approval channels are asked before they started");
    }
  }
}
