package io.toolguard.agent.threads;

/**
 * toolguard's own threads — the policy reloader, the approval channels and the approval server's
 * threads — all in one thread group, so that a check can tell them from the application's: a tool
 * may not interrupt or stop them (it would end reloading, or the approvals of its own calls).
 * Threads they start themselves (the JDK HTTP server's dispatcher) join the group too, as every
 * thread joins its starter's.
 */
public final class OwnThreads {

  private static final ThreadGroup GROUP = new Group();

  /**
   * The process's standard error, opened as this class loads in {@code premain}: a security manager
   * the application installs later (JDK 17) would forbid opening it then, not writing.
   */
  private static final java.io.FileOutputStream ERR =
      new java.io.FileOutputStream(java.io.FileDescriptor.err);

  /**
   * The group: an exception that ends one of toolguard's threads is said on the process's standard
   * error itself, never handed to the application's default handler, whose code would then run on
   * toolguard's thread (the one that installs its hooks, say).
   */
  private static final class Group extends ThreadGroup {
    Group() {
      super("toolguard");
    }

    @Override
    public void uncaughtException(Thread thread, Throwable failure) {
      say("toolguard: its thread " + thread.getName() + " ended: " + failure);
    }
  }

  private OwnThreads() {}

  /**
   * Says {@code line} on the process's standard error itself: not through {@code System.err}, which
   * the application may have replaced or locked, so that none of its code runs on toolguard's
   * thread (or in a check). A line that cannot be written is lost.
   */
  public static void say(String line) {
    try {
      ERR.write((line + System.lineSeparator()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (Throwable unsaid) {
      // nothing more to do: what needed saying refuses or has ended all the same
    }
  }

  /** {@return a daemon thread of toolguard's, not started} */
  public static Thread daemon(Runnable work, String name) {
    Thread thread = new Thread(GROUP, work, name);
    thread.setDaemon(true);
    return thread;
  }

  /**
   * Waits until {@code thread} has ended, however often the waiting thread is interrupted meanwhile
   * (start-up must not go on half done), and interrupts it again afterwards if it was.
   */
  public static void awaitEnd(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@return whether {@code thread} is one of toolguard's own} */
  public static boolean isOwn(Thread thread) {
    return thread.getThreadGroup() == GROUP;
  }
}
