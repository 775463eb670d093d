package io.toolguard.agent.approval;

import io.toolguard.agent.threads.OwnThreads;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Asks on the controlling terminal ({@code /dev/tty}), never on the application's own standard
 * streams. Requests from several threads queue and are asked one at a time, on a thread of its own;
 * a request settled elsewhere while it is being asked is dropped from the prompt.
 */
final class TerminalChannel implements ApprovalChannel {

  private static final long POLL_MILLIS = 20;

  private final Approvals approvals;
  private final InputStream in;
  private final PrintStream out;
  private final String user = System.getProperty("user.name", "unknown");
  private final BlockingQueue<ApprovalRequest> queue = new LinkedBlockingQueue<>();
  private final ByteArrayOutputStream typed = new ByteArrayOutputStream();

  private TerminalChannel(Approvals approvals, InputStream in, PrintStream out) {
    this.approvals = approvals;
    this.in = in;
    this.out = out;
  }

  /**
   * {@return the channel on this process's controlling terminal, started; empty, with why, if there
   * is none}
   */
  static Optional<TerminalChannel> open(Approvals approvals, StringBuilder whyNot) {
    FileInputStream in = null;
    try {
      in = new FileInputStream("/dev/tty");
      PrintStream out =
          new PrintStream(new FileOutputStream("/dev/tty"), true, StandardCharsets.UTF_8);
      TerminalChannel channel = new TerminalChannel(approvals, in, out);
      OwnThreads.daemon(channel::run, "toolguard-approval-terminal").start();
      return Optional.of(channel);
    } catch (IOException | SecurityException none) {
      whyNot.append(none.getMessage());
      if (in != null) {
        try {
          in.close();
        } catch (IOException ignored) {
          // nothing was read from it
        }
      }
      return Optional.empty();
    }
  }

  @Override
  public void offer(ApprovalRequest request) {
    queue.add(request);
  }

  private void run() {
    while (true) {
      try {
        ApprovalRequest request = queue.take();
        if (approvals.pending(request.id()).isPresent()) {
          ask(request);
        }
      } catch (InterruptedException stop) {
        return;
      } catch (IOException | RuntimeException failure) {
        System.err.println(
            "toolguard: the approval terminal failed (" + failure + "); other channels still ask");
        return;
      }
    }
  }

  private void ask(ApprovalRequest request) throws IOException, InterruptedException {
    RequestText shown = request.shown();
    out.printf(
        Locale.ROOT,
        "%ntoolguard: approval needed [%s] call %s%n  tool       %s (%s), risk %s%n"
            + "  arguments  %s%n  thread     %s; %d s left; %d more waiting%n",
        request.id(),
        shown.callHash(),
        shown.tool(),
        shown.method(),
        request.risk(),
        shown.arguments(),
        shown.thread(),
        request.timeLeft(Instant.now()).toSeconds(),
        queue.size());
    while (true) {
      out.print(
          "  Run it? y = yes once, s = yes for this run with these arguments, t = yes for this run for this tool,"
              + " n = no, m = no with a message"
              + (shown.shortened() ? ", f = show the arguments whole" : "")
              + ": ");
      Optional<String> line = readLine(request);
      if (line.isEmpty()) {
        return;
      }
      if (line.get().strip().equalsIgnoreCase("f")) {
        out.println("  arguments (whole)  " + request.wholeArguments());
        continue;
      }
      Optional<Answer.Choice> choice =
          switch (line.get().strip().toLowerCase(Locale.ROOT)) {
            case "y", "yes" -> Optional.of(Answer.Choice.APPROVE);
            case "s" -> Optional.of(Answer.Choice.APPROVE_SESSION);
            case "t" -> Optional.of(Answer.Choice.APPROVE_TOOL);
            case "n", "no", "m" -> Optional.of(Answer.Choice.DENY);
            default -> Optional.empty();
          };
      if (choice.isEmpty()) {
        out.println("  Please answer y, s, t, n or m.");
        continue;
      }
      String message = null;
      if (line.get().strip().equalsIgnoreCase("m")) {
        out.print("  Message for the model: ");
        Optional<String> typedMessage = readLine(request);
        if (typedMessage.isEmpty()) {
          return;
        }
        message = typedMessage.get().isBlank() ? null : typedMessage.get().strip();
      }
      String confirmation = null;
      if (choice.get().approves() && request.needsConfirmation()) {
        out.print("  CRITICAL: type the tool's name (" + shown.tool() + ") to confirm: ");
        Optional<String> typedName = readLine(request);
        if (typedName.isEmpty()) {
          return;
        }
        confirmation = typedName.get().strip();
      }
      Approvals.Result result =
          // The request shown above, by its hash: the terminal decides only what it displayed.
          approvals.decide(
              request.id(),
              new Answer(choice.get(), message, user, "terminal"),
              shown.callHash(),
              confirmation);
      switch (result) {
        case DECIDED -> out.println("  Recorded: " + choice.get().label() + ".");
        case CONFIRMATION_NEEDED -> {
          out.println("  That is not the tool's name; not approved.");
          continue;
        }
        case NOT_COMPARABLE -> {
          out.println("  These arguments cannot be compared exactly; answer y, t, n or m.");
          continue;
        }
        default -> out.println("  Already settled elsewhere.");
      }
      return;
    }
  }

  /**
   * {@return the next line typed, or empty once the request is settled elsewhere or expires} Polls,
   * so that a prompt never outlives its request.
   */
  private Optional<String> readLine(ApprovalRequest request)
      throws IOException, InterruptedException {
    while (true) {
      int available = in.available();
      for (int i = 0; i < available; i++) {
        int b = in.read();
        if (b == '\n' || b < 0) {
          String line = typed.toString(StandardCharsets.UTF_8);
          typed.reset();
          return Optional.of(line);
        }
        typed.write(b);
      }
      if (approvals.pending(request.id()).isEmpty()) {
        typed.reset();
        out.println();
        out.println("  (request " + request.id() + " was settled elsewhere or timed out)");
        return Optional.empty();
      }
      Thread.sleep(POLL_MILLIS);
    }
  }
}
