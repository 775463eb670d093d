package io.toolguard.agent.approval;

import io.toolguard.agent.options.AgentProperties;
import io.toolguard.agent.policy.ApprovalSettings;
import io.toolguard.agent.threads.OwnThreads;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOError;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Starts the approval channels a policy turns on, and says where each one asks.
 *
 * <p>Everything that can be settled without the JDK's HTTP server is settled in {@code premain}:
 * the terminal, the webhook's secret, the page's address (its host name resolved), its token file's
 * place (protected from the first tool call on) and the HTTP server's provider. The page itself
 * (the JDK's HTTP server, about 140 classes, with its bind, token and token file) costs 50 to 300
 * ms, so at JVM start it listens on a thread of its own once {@code premain} is done ({@link
 * #startLater}): {@code main} does not wait for it, a call that needs a person does (bounded by its
 * own timeout), and a page that cannot listen denies every call that only it could have asked
 * about. Attached, it starts at once and an address it cannot listen on fails the attach ({@link
 * #startNow}).
 */
public final class ApprovalChannels {

  private final Approvals approvals;
  private final Optional<Path> tokenFile;
  private final boolean terminal;

  /** The web page to start; empty when it is off. */
  private final Optional<WebStart> page;

  private ApprovalChannels(
      Approvals approvals, Optional<Path> tokenFile, boolean terminal, Optional<WebStart> page) {
    this.approvals = approvals;
    this.tokenFile = tokenFile;
    this.terminal = terminal;
    this.page = page;
  }

  /**
   * Starts the terminal and readies the web page and the webhook: a terminal that is not there
   * stands down with a note; a webhook without its secret, a runtime without the HTTP server, or a
   * page address that names no host stops the start-up. Then call {@link #startNow} or {@link
   * #startLater}.
   *
   * @throws IllegalStateException if the webhook has no secret, or the page cannot start at all
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
      return new ApprovalChannels(approvals, Optional.empty(), terminal, Optional.empty());
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
    if (ModuleLayer.boot().findModule("jdk.httpserver").isEmpty()) {
      throw new IllegalStateException(
          "approval.web needs the JDK module jdk.httpserver, which this runtime lacks;"
              + " add it with --add-modules jdk.httpserver or use a full JDK");
    }
    // A host name is looked up now, while no tool runs (a lookup consults resolvers a tool could
    // influence); an address literal needs no lookup, and is parsed where the page starts, which
    // keeps the JDK's network library from loading before main.
    InetAddress named = null;
    if (!isAddressLiteral(web.bind())) {
      try {
        named = InetAddress.getByName(web.bind());
      } catch (UnknownHostException unknown) {
        throw new IllegalStateException(cannotStart(web, unknown), unknown);
      }
    }
    Path tokenFile = tokenFile(web);
    // Its folder must be there now: the file is written once the page listens, when tools run,
    // and a folder a tool made in its place could be a link to where the tool reads.
    Path folder = tokenFile.toAbsolutePath().getParent();
    if (folder != null && !Files.isDirectory(folder)) {
      throw new IllegalStateException(
          "approval.web: the token file's folder "
              + folder
              + " does not exist; create it or choose another 'token_file'");
    }
    approvals.webStarting();
    // Chosen now, while no tool runs: the application's class path is where a provider could be
    // planted (a tool may write there), and the one chosen here is the one the page starts on.
    WebStart start =
        new WebStart(
            approvals,
            web,
            named,
            tokenFile,
            webhook,
            HttpServers.provider(),
            terminal,
            // Made here, in premain: the page's lines are printed beside main, which can hold
            // System.err's lock or replace it; ASCII lines, so the platform's charset will do.
            new PrintStream(
                new FileOutputStream(FileDescriptor.err), true, Charset.defaultCharset()));
    return new ApprovalChannels(approvals, Optional.of(tokenFile), terminal, Optional.of(start));
  }

  /**
   * Attached: starts the web page now and waits until it listens, says where, and starts the
   * webhook, whose requests link to the page.
   *
   * @throws IllegalStateException if the web page cannot start
   */
  public void startNow() {
    if (page.isPresent()) {
      page.get().listen();
    }
  }

  /**
   * At JVM start, once {@code premain} is done: starts the web page on a thread of its own, which
   * says where it listens, or that it cannot, once it knows. Calls that need a person wait for it.
   */
  public void startLater() {
    if (page.isPresent()) {
      OwnThreads.daemon(page.get(), "toolguard-approval-web-start").start();
    }
  }

  private static String cannotStart(ApprovalSettings.Web web, Exception why) {
    return "the approval web page cannot start on "
        + web.bind()
        + ":"
        + web.port()
        + " ("
        + why.getMessage()
        + "); choose another 'port' under approval.web, or 0 for any free port";
  }

  private static Path tokenFile(ApprovalSettings.Web web) {
    if (web.tokenFile().isPresent()) {
      return web.tokenFile().get();
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "toolguard-approval-" + pid() + ".token");
  }

  /**
   * Starts the web page: binds the address settled in {@code premain}, makes the token, then writes
   * the token file, so that a token file that exists names a page that listens.
   */
  private static final class WebStart implements Runnable {
    private final Approvals approvals;
    private final ApprovalSettings.Web web;

    /** The bind address looked up in {@code premain}; null for an address literal. */
    private final InetAddress named;

    private final Path tokenFile;
    private final Optional<Map.Entry<ApprovalSettings.Webhook, String>> webhook;
    private final Object provider;
    private final boolean terminal;
    private final PrintStream err;

    /** Where the page listens once bound: with port 0, the port is known only then. */
    private volatile InetSocketAddress listening;

    private volatile String whereNow;

    WebStart(
        Approvals approvals,
        ApprovalSettings.Web web,
        InetAddress named,
        Path tokenFile,
        Optional<Map.Entry<ApprovalSettings.Webhook, String>> webhook,
        Object provider,
        boolean terminal,
        PrintStream err) {
      this.approvals = approvals;
      this.web = web;
      this.named = named;
      this.tokenFile = tokenFile;
      this.webhook = webhook;
      this.provider = provider;
      this.terminal = terminal;
      this.err = err;
      this.whereNow =
          "the approval web page is starting on "
              + web.bind()
              + ":"
              + web.port()
              + " (its address and token file are printed once it listens)";
    }

    /** On the page's own thread: a failure denies what only the page could ask, and says so. */
    @Override
    public void run() {
      try {
        listen();
      } catch (IllegalStateException | IOError | LinkageError failure) {
        whereNow = failure.getMessage() + "; calls that need a person are denied";
        System.setProperty(AgentProperties.APPROVALS, where(whereNow, terminal));
        err.println(
            "toolguard: "
                + failure.getMessage()
                + "; every call that needs a person on the page is denied until the JVM is"
                + " restarted");
        err.flush();
        approvals.webFailed(String.valueOf(failure.getMessage()));
      } catch (RuntimeException failure) {
        String why = "the approval web page failed to start (" + failure + ")";
        whereNow = why + "; calls that need a person are denied";
        System.setProperty(AgentProperties.APPROVALS, where(whereNow, terminal));
        err.println(
            "toolguard: "
                + why
                + "; every call that needs a person on the page is denied until the JVM is"
                + " restarted");
        err.flush();
        approvals.webFailed(why);
      } catch (Error other) {
        // Out of memory or stack, say: the calls waiting for the page are denied now rather than
        // at their timeouts, by a word made ahead.
        approvals.webFailed(FAILED);
        throw other;
      }
    }

    /** Why calls that need a person are denied after an {@link Error} on the page's thread. */
    private static final String FAILED = "the approval web page failed to start";

    /**
     * Binds, starts and announces the page; the webhook starts with it.
     *
     * @throws IllegalStateException if it cannot listen
     */
    void listen() {
      ApprovalServer server;
      try {
        InetAddress host = named != null ? named : InetAddress.getByName(web.bind());
        server =
            ApprovalServer.bind(
                approvals, PageToken.fresh(), provider, new InetSocketAddress(host, web.port()));
      } catch (IOException e) {
        throw new IllegalStateException(cannotStart(web, e), e);
      }
      // Bound, not yet accepting: from now on no tool may connect to it, whatever port it got.
      listening = server.address();
      try {
        // Registered before the file exists, so a JVM that exits from here on removes it.
        tokenFile.toFile().deleteOnExit();
        server.start();
      } catch (IllegalStateException exiting) {
        // The JVM is exiting (no shutdown hook can be added): nothing is left to approve.
        server.stop();
        approvals.webFailed("the JVM is exiting");
        return;
      } catch (IOException e) {
        server.stop();
        throw new IllegalStateException(cannotStart(web, e), e);
      }
      try {
        writeOwnerOnly(tokenFile, server.token());
      } catch (IOException e) {
        server.stop();
        throw new IllegalStateException(
            "the approval web page cannot write its token file "
                + tokenFile
                + " ("
                + e
                + "); choose a writable 'token_file' under approval.web",
            e);
      }
      if (webhook.isPresent()) {
        Map.Entry<ApprovalSettings.Webhook, String> hook = webhook.get();
        approvals.add(
            WebhookChannel.start(
                hook.getKey().url(), hook.getValue(), approvals, server.decisionUrls()));
      }
      whereNow =
          "approve calls at "
              + server.origin()
              + "/ with the token in "
              + tokenFile
              + " (open /?token=TOKEN, or send it in the X-Toolguard-Token header)";
      System.setProperty(AgentProperties.APPROVALS, where(whereNow, terminal));
      err.println(
          "toolguard: approve calls at " + server.pageUrl() + " (token also in " + tokenFile + ")");
      if (webhook.isPresent()) {
        err.println("toolguard: approval requests are posted to " + webhook.get().getKey());
      }
      approvals.servedOnWeb();
    }

    /** {@return where no tool may connect: the bound address, or the configured one until then} */
    Optional<InetSocketAddress> reserved() {
      InetSocketAddress bound = listening;
      if (bound != null) {
        return Optional.of(bound);
      }
      if (web.port() == 0) {
        return Optional.empty();
      }
      // Its port is what counts (any local address on it reaches the page); unresolved until
      // bound, rather than a lookup inside a tool's check.
      return Optional.of(
          named != null
              ? new InetSocketAddress(named, web.port())
              : InetSocketAddress.createUnresolved(web.bind(), web.port()));
    }
  }

  /** {@return whether {@code bind} is written as an IP address, which needs no lookup} */
  static boolean isAddressLiteral(String bind) {
    if (bind.isEmpty()) {
      return false;
    }
    if (bind.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < bind.length(); i++) {
      char c = bind.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@return this process's id}, from {@code /proc/self} where there is one: {@code
   * ProcessHandle}'s first use starts the JDK's process reaper machinery (10 to 20 ms).
   */
  private static long pid() {
    try {
      return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
    } catch (IOException | UnsupportedOperationException | NumberFormatException notLinux) {
      return ProcessHandle.current().pid();
    }
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
   * file (never the token), or that it is still starting or failed, and the terminal}
   */
  public String whereToApprove() {
    return where(page.isPresent() ? page.get().whereNow : null, terminal);
  }

  private static String where(String page, boolean terminal) {
    List<String> where = new ArrayList<>();
    if (page != null) {
      where.add(page);
    }
    if (terminal) {
      where.add("asks on the controlling terminal of the guarded JVM");
    }
    return where.isEmpty()
        ? "no approval channel is on, so calls that need a person are denied"
        : String.join("; ", where);
  }

  /**
   * {@return where the approval server listens, or will, which no tool may connect to}: with a port
   * of 0, empty until it is bound
   */
  public Optional<InetSocketAddress> server() {
    return page.isPresent() ? page.get().reserved() : Optional.empty();
  }
}
