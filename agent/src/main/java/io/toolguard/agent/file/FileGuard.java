package io.toolguard.agent.file;

import static io.toolguard.bootstrap.Dispatcher.DELETE;
import static io.toolguard.bootstrap.Dispatcher.NO_FOLLOW;
import static io.toolguard.bootstrap.Dispatcher.OPEN;
import static io.toolguard.bootstrap.Dispatcher.PROBE;
import static io.toolguard.bootstrap.Dispatcher.RANDOM_ACCESS_MODE;
import static io.toolguard.bootstrap.Dispatcher.READ;
import static io.toolguard.bootstrap.Dispatcher.RELATIVE;
import static io.toolguard.bootstrap.Dispatcher.RESOLVED;
import static io.toolguard.bootstrap.Dispatcher.UNRESOLVABLE;
import static io.toolguard.bootstrap.Dispatcher.VIEW;
import static io.toolguard.bootstrap.Dispatcher.WRITE;

import io.toolguard.agent.audit.AuditEntry;
import io.toolguard.agent.audit.Decision;
import io.toolguard.agent.audit.FileAccessRecord;
import io.toolguard.agent.guard.AccessGate;
import io.toolguard.agent.guard.ToolContext;
import io.toolguard.agent.policy.AccessDecision;
import io.toolguard.agent.policy.FileOperation;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.weave.JdkInitialisation;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Decides each file access a tool makes: resolves where the path really leads, asks the policy of
 * the tool (and of every tool it is nested in), and throws the denial, which it also writes to the
 * audit log. Access the JDK or a logging library does on its own behalf, and the JVM initialising
 * itself ({@link JdkInitialisation}), is let through, unrecorded: it is not the tool's.
 */
public final class FileGuard {

  private static final int[] OPERATIONS = {READ, WRITE, DELETE, PROBE};

  private final AccessGate gate;
  private final SharedReadOnlyFiles shared;
  private final ProtectedFiles own;
  private final ToolClassPaths toolClassPaths = new ToolClassPaths();

  private FileGuard(AccessGate gate, SharedReadOnlyFiles shared, ProtectedFiles own) {
    this.gate = gate;
    this.shared = shared;
    this.own = own;
  }

  /**
   * {@link #whereLeads} as a function: a class, not a method reference, which start-up would spin.
   */
  public static final UnaryOperator<Path> WHERE_LEADS = new WhereLeads();

  private static final class WhereLeads implements UnaryOperator<Path> {
    @Override
    public Path apply(Path path) {
      return whereLeads(path);
    }
  }

  /**
   * {@return where a path really leads, as a file access there is decided (links resolved for the
   * part that exists), or null if that cannot be told}; what a condition {@code inside} on a tool's
   * argument judges
   */
  public static Path whereLeads(Path path) {
    try {
      return RealPath.of(path, true);
    } catch (IOException | RuntimeException unresolvable) {
      return null;
    }
  }

  /**
   * {@return a guard for this JVM, leaving every decision to {@code gate} but keeping every tool
   * off toolguard's {@code own} files}
   */
  public static FileGuard create(AccessGate gate, ProtectedFiles own) {
    return new FileGuard(gate, SharedReadOnlyFiles.ofThisJvm(), own);
  }

  /**
   * {@return the access bits with what {@code detail} adds}
   *
   * @throws SecurityException if they name no operation: every hook names what it does, and a check
   *     that names nothing (the bootstrap entry called directly) would resolve a path the tool may
   *     not even probe
   */
  private static int operations(int access, Object detail) {
    int bits = access | fromDetail(access, detail);
    if ((bits & (READ | WRITE | DELETE | PROBE)) == 0) {
      throw new SecurityException(
          "toolguard refused a file check that names no operation (read, write, delete or probe)");
    }
    return bits;
  }

  /** Decides one access; see {@code Dispatcher.Hooks#checkFile}. */
  public Object check(ToolContext context, Object given, int access, Object detail) {
    if (given == null) {
      return null;
    }
    int bits = operations(access, detail);
    if (given instanceof URL[] urls) {
      for (URL url : urls) {
        check(context, url, bits, detail);
      }
      return given;
    }
    Path path = path(given, bits, detail);
    if (path == null) {
      return given;
    }
    Path real;
    String unresolved = null;
    try {
      real = RealPath.of(path, (bits & NO_FOLLOW) == 0);
    } catch (IOException | RuntimeException e) {
      real = path.toAbsolutePath().normalize();
      unresolved = "toolguard cannot tell where " + path + " leads (" + e.getMessage() + ")";
    }
    if ((bits & UNRESOLVABLE) != 0) {
      real = path;
      unresolved =
          "the path is relative to an open directory stream, which tools may not use (use Files with a full path)";
    }
    // Read once, on the resolved path the JDK method is then handed: whether another name shares
    // the file (a hard link), which decides both toolguard's own files and the grants.
    ProtectedFiles.Inode inode =
        unresolved == null ? ProtectedFiles.Inode.of(real) : ProtectedFiles.Inode.NONE;
    decide(context, given, bits, path, real, unresolved, inode);
    if (given instanceof URL) {
      // Allowed onto a URLClassLoader's class path: what the loader reads there is the tool's.
      toolClassPaths.add(path, real);
    }
    if ((bits & RESOLVED) != 0) {
      return given instanceof String ? real.toString() : given instanceof Path ? real : given;
    }
    return given;
  }

  /**
   * Decides an open the kernel resolved already (see {@code Dispatcher.Hooks#checkResolved}):
   * {@code real} is the path its descriptor names and {@code stat} what the kernel said of that
   * very file, so nothing is resolved or read here.
   */
  public void checkResolved(
      ToolContext context, Object given, int access, Object detail, String real, long[] stat) {
    int bits = operations(access, detail);
    if (stat.length != 5) {
      throw new SecurityException(
          "toolguard could not decide on '" + real + "': the kernel's answer about it was partial");
    }
    Path path = path(given, bits, detail);
    ProtectedFiles.Inode inode =
        new ProtectedFiles.Inode(stat[0] == 1, (int) stat[1], stat[2], stat[3], stat[4]);
    decide(context, given, bits, path, Path.of(real), null, inode);
  }

  /** Settles each operation {@code bits} names on {@code real}, or on its being unresolved. */
  private void decide(
      ToolContext context,
      Object given,
      int bits,
      Path path,
      Path real,
      String unresolved,
      ProtectedFiles.Inode inode) {
    int hardLinks = inode.sharedRegularFile() ? inode.links() : 1;
    for (int operation : OPERATIONS) {
      if ((bits & operation) == 0) {
        continue;
      }
      FileAccess file = new FileAccess(operation, given, real, unresolved, hardLinks);
      if (unresolved != null && !context.policy().enforcing() && !OwnBehalfCallers.onStack()) {
        // Audit mode lets denials through, but not one that might reach toolguard's own files.
        gate.refuse(
            context,
            file,
            unresolved + ", so it may be one of toolguard's own files, which no tool may touch");
      }
      if (unresolved == null) {
        Optional<ProtectedFiles.Entry> touched = own.touched(real, operation == DELETE, inode);
        if (touched.isPresent()
            && !(touched.get().kind().readable() && (operation == READ || operation == PROBE))) {
          gate.refuse(context, file, touched.get().reason());
        }
      }
      AccessGate.Ruling ruling = AccessGate.rule(context, file);
      if (ruling.allowed() || !exempt(operation, path, real)) {
        gate.settle(context, file, ruling);
      }
    }
  }

  private static AccessDecision decide(ToolContext level, int operation, Path real, int hardLinks) {
    Policy policy = level.policy().policy();
    return operation == PROBE
        ? policy.decideProbe(level.decision(), real)
        : policy.decideFile(level.decision(), operation(operation), real, hardLinks);
  }

  /**
   * Whether an access the grants do not allow is not the tool's at all: a read of the JVM's shared
   * files, a class loader or log at work on its own behalf (not in a location a tool put on a class
   * path, see {@link ToolClassPaths}), or the JVM initialising itself.
   */
  private boolean exempt(int operation, Path asGiven, Path real) {
    return ((operation == READ || operation == PROBE) && shared.contains(real))
        || (!toolClassPaths.covers(asGiven, real) && OwnBehalfCallers.onStack())
        || JdkInitialisation.underway();
  }

  /** One access by a tool, as the gate decides, asks about and records it. */
  private record FileAccess(
      int operation, Object given, Path real, String unresolved, int hardLinks)
      implements AccessGate.Access {

    @Override
    public AccessDecision decide(ToolContext level) {
      return unresolved != null
          ? AccessDecision.denied(unresolved)
          : FileGuard.decide(level, operation, real, hardLinks);
    }

    @Override
    public String describe() {
      return label(operation) + " '" + given + "'" + (asGiven() ? "" : " (" + real + ")");
    }

    @Override
    public String subject() {
      return label(operation) + " a file";
    }

    @Override
    public String shown() {
      return "path=\"" + real + "\"" + (asGiven() ? "" : " (as given: " + given + ")");
    }

    @Override
    public AuditEntry record(
        ToolContext context, ToolContext level, Decision decision, String reason) {
      return new FileAccessRecord(
          Instant.now(),
          context.callId(),
          context.tool(),
          label(operation),
          String.valueOf(given),
          real.toString(),
          decision,
          level.decision().rule(),
          reason,
          Thread.currentThread().getName());
    }

    private boolean asGiven() {
      return real.toString().equals(String.valueOf(given));
    }
  }

  private static int fromDetail(int access, Object detail) {
    int bits = 0;
    if ((access & RANDOM_ACCESS_MODE) != 0) {
      return Integer.valueOf(1).equals(detail) ? 0 : WRITE;
    }
    if ((access & VIEW) != 0) {
      return Boolean.FALSE.equals(detail) ? NO_FOLLOW : 0;
    }
    if (detail instanceof Collection<?> options) {
      boolean writes =
          options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
      if ((access & OPEN) != 0) {
        bits |= writes ? WRITE : READ;
        bits |= options.contains(StandardOpenOption.READ) ? READ : 0;
        bits |= options.contains(StandardOpenOption.DELETE_ON_CLOSE) ? DELETE : 0;
      }
      bits |= options.contains(LinkOption.NOFOLLOW_LINKS) ? NO_FOLLOW : 0;
    } else if (detail instanceof Object[] options
        && Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS)) {
      bits |= NO_FOLLOW;
    }
    return bits;
  }

  /**
   * A class loader created in a tool named {@code url} as a resource (its {@code findResource} can
   * name any file): unless that file lies on the JVM's own class or module path or in the JDK, the
   * JDK reading it on the loader's behalf is the tool's reading ({@link ToolClassPaths}).
   *
   * @throws SecurityException if the URL does not clearly name a local file or none
   */
  public void resourceChosen(URL url) {
    Path path;
    try {
      path = local(url);
    } catch (URISyntaxException | IllegalArgumentException bad) {
      throw new SecurityException(
          "toolguard cannot tell which file the resource '"
              + url
              + "' of a class loader made in a tool names ("
              + bad.getMessage()
              + "), so it was refused");
    }
    if (path == null) {
      return;
    }
    Path real;
    try {
      real = RealPath.of(path, true);
    } catch (IOException | RuntimeException unresolved) {
      real = path.toAbsolutePath().normalize();
    }
    if (JvmClassPath.ROOTS.stream().noneMatch(real::startsWith)) {
      toolClassPaths.add(path, real);
    }
  }

  /** The JVM's own class and module path and the JDK: what its own class loaders read. */
  private static final class JvmClassPath {
    static final List<Path> ROOTS = roots();

    private static List<Path> roots() {
      List<Path> roots = new ArrayList<>();
      for (String key : List.of("java.class.path", "jdk.module.path", "java.home")) {
        String value = System.getProperty(key);
        if (value == null) {
          continue;
        }
        for (String entry : value.split(File.pathSeparator)) {
          if (entry.isEmpty()) {
            continue;
          }
          try {
            roots.add(RealPath.of(Path.of(entry), true));
          } catch (IOException | RuntimeException missing) {
            // an entry that does not exist holds nothing to read
          }
        }
      }
      return List.copyOf(roots);
    }
  }

  /** {@return the path to decide, or null when it is not on the local disk (an http: URL, say)} */
  private static Path path(Object given, int bits, Object detail) {
    try {
      Path path;
      if (given instanceof Path p) {
        path = p;
      } else if (given instanceof File f) {
        path = f.toPath();
      } else if (given instanceof String s) {
        path = Path.of(s);
      } else if (given instanceof URL url) {
        path = local(url);
      } else {
        throw new IllegalArgumentException("unexpected path type " + given.getClass().getName());
      }
      if (path != null && (bits & RELATIVE) != 0 && detail instanceof Path link) {
        Path folder = link.toAbsolutePath().getParent();
        path = folder == null ? path : folder.resolve(path);
      }
      return path;
    } catch (URISyntaxException | IllegalArgumentException bad) {
      throw new SecurityException(
          "toolguard denied access to '"
              + given
              + "': it is not a valid local path ("
              + bad.getMessage()
              + ")");
    }
  }

  private static Path local(URL url) throws URISyntaxException {
    String protocol = url.getProtocol().toLowerCase(Locale.ROOT);
    if (protocol.equals("jar")) {
      String spec = url.getFile();
      int separator = spec.indexOf("!/");
      URI archive = new URI(separator < 0 ? spec : spec.substring(0, separator));
      return "file".equalsIgnoreCase(archive.getScheme()) ? Path.of(archive) : null;
    }
    return protocol.equals("file") ? Path.of(url.toURI()) : null;
  }

  private static FileOperation operation(int bit) {
    return switch (bit) {
      case READ -> FileOperation.READ;
      case WRITE -> FileOperation.WRITE;
      default -> FileOperation.DELETE;
    };
  }

  private static String label(int bit) {
    return bit == PROBE ? "probe" : operation(bit).label();
  }
}
