package io.toolguard.agent.approval;

import io.toolguard.agent.policy.ApprovalSettings;
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

/** Starts the approval channels a policy turns on, and says at start-up where each one asks. */
public final class ApprovalChannels {

  private final Approvals approvals;
  private final Optional<InetSocketAddress> server;
  private final Optional<Path> tokenFile;
  private final boolean terminal;

  private ApprovalChannels(
      Approvals approvals,
      Optional<InetSocketAddress> server,
      Optional<Path> tokenFile,
      boolean terminal) {
    this.approvals = approvals;
    this.server = server;
    this.tokenFile = tokenFile;
    this.terminal = terminal;
  }

  /**
   * Starts every channel {@code settings} turns on; a terminal that is not there stands down with a
   * note, anything else that cannot start stops the start-up.
   *
   * @throws IllegalStateException if the web server cannot listen or the webhook has no secret
   */
  public static ApprovalChannels start(ApprovalSettings settings, Map<String, String> environment) {
    Approvals approvals = new Approvals();
    boolean terminal = false;
    if (settings.terminal()) {
      StringBuilder whyNot = new StringBuilder();
      Optional<TerminalChannel> channel = TerminalChannel.open(approvals, whyNot);
      terminal = channel.isPresent();
      channel.ifPresentOrElse(
          approvals::add,
          () ->
              System.err.println(
                  "toolguard: approval terminal is off: no controlling terminal (" + whyNot + ")"));
    }
    Optional<InetSocketAddress> address = Optional.empty();
    Optional<Path> tokenFile = Optional.empty();
    if (settings.web().isPresent()) {
      tokenFile = Optional.of(tokenFile(settings.web().get()));
      ApprovalServer server = web(approvals, settings.web().get(), tokenFile.get());
      address = Optional.of(server.address());
      settings
          .webhook()
          .ifPresent(
              webhook -> {
                approvals.add(
                    WebhookChannel.start(
                        webhook.url(),
                        webhook
                            .resolveSecret(environment)
                            .orElseThrow(
                                () ->
                                    new IllegalStateException(
                                        "approval.webhook: $"
                                            + webhook.secretEnv().orElse("")
                                            + " is not set; set it to the webhook's shared secret")),
                        approvals,
                        server::decisionUrl));
                System.err.println("toolguard: approval requests are posted to " + webhook);
              });
    }
    return new ApprovalChannels(approvals, address, tokenFile, terminal);
  }

  private static Path tokenFile(ApprovalSettings.Web web) {
    return web.tokenFile()
        .orElseGet(
            () ->
                Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "toolguard-approval-" + ProcessHandle.current().pid() + ".token"));
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
    approvals.servedOnWeb();
    System.err.println(
        "toolguard: approve calls at " + server.pageUrl() + " (token also in " + tokenFile + ")");
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
    List<String> where = new ArrayList<>();
    server.ifPresent(
        address -> {
          String host = address.getAddress().getHostAddress();
          where.add(
              "approve calls at http://"
                  + (host.contains(":") ? "[" + host + "]" : host)
                  + ":"
                  + address.getPort()
                  + "/ with the token in "
                  + tokenFile.map(Path::toString).orElse("its token file")
                  + " (open /?token=TOKEN, or send it in the X-Toolguard-Token header)");
        });
    if (terminal) {
      where.add("asks on the controlling terminal of the guarded JVM");
    }
    return where.isEmpty()
        ? "no approval channel is on, so calls that need a person are denied"
        : String.join("; ", where);
  }

  /** {@return where the approval server listens, which no tool may connect to} */
  public Optional<InetSocketAddress> server() {
    return server;
  }
}
