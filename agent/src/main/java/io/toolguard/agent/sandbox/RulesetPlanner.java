package io.toolguard.agent.sandbox;

import io.toolguard.agent.policy.ExecSandbox;
import io.toolguard.agent.policy.FileGrants;
import io.toolguard.agent.policy.FileOperation;
import io.toolguard.agent.policy.HostPort;
import io.toolguard.agent.policy.NetGrants;
import io.toolguard.agent.policy.NetOperation;
import io.toolguard.agent.policy.NetPattern;
import io.toolguard.agent.policy.PathGlob;
import io.toolguard.agent.policy.Policy;
import io.toolguard.agent.policy.SandboxMode;
import io.toolguard.agent.policy.ToolRule;
import io.toolguard.agent.policy.Verdict;
import io.toolguard.bootstrap.KernelSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns one rule's grants into one Landlock ruleset for the processes its tool starts.
 *
 * <p>The mapping. A read glob {@code x/**} becomes "read files and list folders beneath x"; a write
 * glob "write, truncate, create files, folders, links, pipes and sockets, and move them between
 * granted folders beneath x"; a delete glob "remove files and folders beneath x". A glob that names
 * one file becomes a rule on that file. The system folders ({@link #DEFAULT_SYSTEM}, the JDK, the
 * program itself) may be read and run; a few devices ({@code /dev/null}...) read and written.
 * Connect and listen patterns become TCP connect and bind rules for their ports (Landlock ABI 4+):
 * the kernel knows ports, not hosts.
 *
 * <p>What is not handed to the process. Landlock rules cover a whole folder, so a glob that names
 * only some of a folder ({@code data/*.md}) is handed only if another grant covers the whole folder
 * anyway; and a folder rule is dropped where it would reach past toolguard's own decisions: over a
 * path where the same access must first be approved ({@code ask}), over toolguard's own files, or
 * through a link (the rule must name the folder the tool's grant names, not where a link leads
 * now). Each dropped grant is said once, with why: {@code validate} and the audit log show it.
 */
public final class RulesetPlanner {

  static final long EXECUTE = 1L;
  static final long WRITE_FILE = 1L << 1;
  static final long READ_FILE = 1L << 2;
  static final long READ_DIR = 1L << 3;
  static final long REMOVE_DIR = 1L << 4;
  static final long REMOVE_FILE = 1L << 5;
  static final long MAKE_DIR = 1L << 7;
  static final long MAKE_REG = 1L << 8;
  static final long MAKE_SOCK = 1L << 9;
  static final long MAKE_FIFO = 1L << 10;
  static final long MAKE_SYM = 1L << 12;
  static final long REFER = 1L << 13;
  static final long TRUNCATE = 1L << 14;

  static final long READ = READ_FILE | READ_DIR;
  static final long WRITE =
      WRITE_FILE | TRUNCATE | MAKE_REG | MAKE_DIR | MAKE_SYM | MAKE_FIFO | MAKE_SOCK | REFER;
  static final long DELETE = REMOVE_FILE | REMOVE_DIR;
  static final long SYSTEM = READ | EXECUTE;
  static final long DEVICE = READ_FILE | WRITE_FILE | TRUNCATE;

  static final long BIND_TCP = 1L;
  static final long CONNECT_TCP = 1L << 1;
  static final long SCOPE_ABSTRACT_UNIX_SOCKET = 1L;
  static final long SCOPE_SIGNAL = 1L << 1;

  /** A port range wider than this is not listed port by port: the kernel then leaves it open. */
  private static final int MAX_PORTS = 64;

  /**
   * The system folders and files every sandboxed process may read and run programs from: what a
   * program needs to load and run at all (the dynamic linker's cache, locale, time zone, name
   * service and TLS configuration), not all of {@code /etc}: {@code /etc/passwd}, {@code
   * /etc/shadow} and the host's keys stay out.
   */
  public static final List<Path> DEFAULT_SYSTEM =
      List.of(
              "/usr",
              "/bin",
              "/sbin",
              "/lib",
              "/lib32",
              "/lib64",
              "/libx32",
              "/etc/ld.so.cache",
              "/etc/ld.so.conf",
              "/etc/ld.so.conf.d",
              "/etc/alternatives",
              "/etc/localtime",
              "/etc/locale.alias",
              "/etc/nsswitch.conf",
              "/etc/host.conf",
              "/etc/hosts",
              "/etc/resolv.conf",
              "/etc/gai.conf",
              "/etc/ssl",
              "/etc/ca-certificates",
              "/etc/pki",
              "/etc/crypto-policies")
          .stream()
          .map(Path::of)
          .toList();

  static final Path PROC = Path.of("/proc");

  /** Devices a process may read and write: the bit buckets, randomness, its terminal. */
  static final List<Path> DEVICES =
      List.of("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty")
          .stream()
          .map(Path::of)
          .toList();

  /**
   * A rule's ruleset.
   *
   * @param layer the ruleset, for the kernel
   * @param notHanded each grant the process does not get, with why
   * @param summary what the ruleset allows, in a few words, for the audit log
   */
  public record Plan(KernelSandbox.Layer layer, List<String> notHanded, String summary) {
    public Plan {
      notHanded = List.copyOf(notHanded);
    }
  }

  private final Path root;
  private final ExecSandbox settings;
  private final Path javaHome;
  private final List<Path> ownFiles;
  private final List<Path> ownPrefixes;

  /**
   * @param root the sandbox root, real path
   * @param ownFiles toolguard's own files (the policy, the audit log...): no rule may reach them
   */
  public RulesetPlanner(Path root, ExecSandbox settings, Path javaHome, List<Path> ownFiles) {
    this(root, settings, javaHome, ownFiles, List.of());
  }

  /**
   * @param ownPrefixes how toolguard's own files that are known by how their names begin are named
   *     (the woven JDK classes beside the agent jar, one file per JDK): no rule may reach their
   *     folder, nor any file of it whose name begins so
   */
  public RulesetPlanner(
      Path root, ExecSandbox settings, Path javaHome, List<Path> ownFiles, List<Path> ownPrefixes) {
    this.root = root;
    this.settings = settings;
    this.javaHome = javaHome;
    this.ownFiles = List.copyOf(ownFiles);
    this.ownPrefixes = List.copyOf(ownPrefixes);
  }

  /**
   * {@return the ruleset for processes started under these grants}
   *
   * @param abi the kernel's Landlock ABI version (1 or more)
   * @param executable the real path of the program that is started, if known
   */
  public Plan plan(FileGrants files, NetGrants net, Optional<Path> executable, int abi) {
    Map<Path, long[]> rules = new LinkedHashMap<>();
    List<String> notHanded = new ArrayList<>();
    List<String> words = new ArrayList<>();
    for (FileOperation operation : FileOperation.values()) {
      long access =
          switch (operation) {
            case READ -> READ;
            case WRITE -> WRITE;
            case DELETE -> DELETE;
          };
      TreeSet<String> handed = new TreeSet<>();
      for (PathGlob glob : files.of(operation)) {
        Optional<Path> path = handOver(glob, operation, files, notHanded);
        path.ifPresent(
            granted -> {
              add(rules, granted, access);
              handed.add(shown(granted));
            });
      }
      if (!handed.isEmpty()) {
        words.add(operation.label() + " " + String.join(" ", handed));
      }
    }
    List<Path> system = new ArrayList<>();
    if (settings.systemDefaults()) {
      system.addAll(DEFAULT_SYSTEM);
    }
    system.addAll(settings.systemRead());
    system.add(javaHome);
    executable.ifPresent(system::add);
    int systemRules = 0;
    for (Path path : system) {
      Optional<Path> real = systemReal(path);
      if (real.isPresent() && real.get().equals(path)) {
        add(rules, real.get(), SYSTEM);
        systemRules++;
      } else if (real.isPresent() && !covered(rules, real.get(), SYSTEM)) {
        // a system link (/lib to usr/lib): its target
        add(rules, real.get(), SYSTEM);
        systemRules++;
      }
    }
    for (Path device : PRESENT_DEVICES) {
      add(rules, device, DEVICE);
    }
    // Listing folders of /proc, not reading its files: how the JDK's spawn helper finds the
    // descriptors to close (/proc/self/fd) instead of closing every possible one, some 20 ms.
    // The kernel keeps another process's descriptors, memory and environment from a confined
    // one whatever this says.
    add(rules, PROC, READ_DIR);
    words.add("system " + systemRules);
    long handledFiles = (1L << 13) - 1;
    if (abi >= 2) {
      handledFiles |= REFER;
    }
    if (abi >= 3) {
      handledFiles |= TRUNCATE;
    }
    List<KernelSandbox.PortRule> ports = new ArrayList<>();
    long handledNet = 0;
    if (abi >= 4) {
      for (NetOperation operation : NetOperation.values()) {
        long right = operation == NetOperation.CONNECT ? CONNECT_TCP : BIND_TCP;
        Optional<SortedSet<Integer>> granted = ports(net, operation, notHanded);
        String verb = operation == NetOperation.CONNECT ? "connect" : "bind";
        if (granted.isPresent()) {
          handledNet |= right;
          for (int port : granted.get()) {
            ports.add(new KernelSandbox.PortRule(port, right));
          }
          words.add(
              verb
                  + " tcp "
                  + (granted.get().isEmpty()
                      ? "none"
                      : String.join(" ", granted.get().stream().map(String::valueOf).toList())));
        } else {
          words.add(verb + " tcp any");
        }
      }
    } else {
      words.add("network not confined (Landlock ABI " + abi + " < 4)");
    }
    List<KernelSandbox.PathRule> pathRules = new ArrayList<>();
    for (Map.Entry<Path, long[]> rule : rules.entrySet()) {
      Path path = rule.getKey();
      Boolean folder = SYSTEM_FOLDERS.get(path);
      pathRules.add(
          new KernelSandbox.PathRule(
              path.toString(),
              folder != null ? folder : Files.isDirectory(path),
              rule.getValue()[0] & handledFiles));
    }
    long scoped = abi >= 6 ? SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL : 0;
    return new Plan(
        new KernelSandbox.Layer(handledFiles, handledNet, scoped, pathRules, ports),
        notHanded,
        String.join("; ", words));
  }

  /**
   * {@return for each rule that lets its tool start processes in a kernel sandbox, the grants those
   * processes would not get, with why}: what {@code validate} warns about. Decided as on a kernel
   * with every Landlock feature, on the disk as it is now.
   */
  public static Map<ToolRule, List<String>> notHanded(Policy policy) {
    Map<ToolRule, List<String>> found = new LinkedHashMap<>();
    RulesetPlanner planner =
        new RulesetPlanner(
            policy.sandbox(),
            policy.execSandbox(),
            Path.of(System.getProperty("java.home")),
            policy.files());
    for (ToolRule rule : policy.tools()) {
      if (rule.verdict() == Verdict.DENY
          || rule.exec().isEmpty()
          || rule.grants().execSandbox().orElse(policy.execSandbox().mode()) == SandboxMode.OFF) {
        continue;
      }
      List<String> dropped =
          planner.plan(rule.files(), rule.net(), Optional.empty(), Integer.MAX_VALUE).notHanded();
      if (!dropped.isEmpty()) {
        found.put(rule, dropped);
      }
    }
    return found;
  }

  /** {@return the path a glob is handed to the process as, if it is} */
  private Optional<Path> handOver(
      PathGlob glob, FileOperation operation, FileGrants files, List<String> notHanded) {
    Path base = base(glob);
    String what = operation.label() + " glob \"" + glob + "\"";
    if (!glob.isLiteral() && !glob.isSubtree()) {
      if (coveredBySubtree(base, files.of(operation))) {
        return Optional.empty();
      }
      notHanded.add(
          what
              + ": it matches only some of what is in "
              + base
              + ", and the kernel grants whole folders; grant \""
              + glob.literalBase()
              + "/**\" or name the files");
      return Optional.empty();
    }
    Optional<Path> real = real(base);
    if (real.isEmpty()) {
      notHanded.add(what + ": " + base + " does not exist when the process starts");
      return Optional.empty();
    }
    if (!real.get().equals(base)) {
      notHanded.add(
          what
              + ": "
              + base
              + " leads through a link (to "
              + real.get()
              + "), and the kernel would grant where the link leads");
      return Optional.empty();
    }
    boolean folder = Files.isDirectory(base);
    if (glob.isLiteral() && folder) {
      notHanded.add(
          what
              + ": it names the folder "
              + base
              + " itself, and a kernel rule on a folder grants everything below it; grant \""
              + glob
              + "/**\" to hand the folder to processes");
      return Optional.empty();
    }
    for (PathGlob asking : files.asking(operation)) {
      Path askBase = base(asking);
      if (askBase.startsWith(base) || (folder && base.startsWith(askBase))) {
        notHanded.add(
            what
                + ": a person must approve "
                + operation.label()
                + "s of \""
                + asking
                + "\" first, and the kernel cannot ask");
        return Optional.empty();
      }
    }
    for (Path own : ownFiles) {
      if (own.startsWith(base)) {
        notHanded.add(
            what + ": it holds toolguard's own file " + own + ", which no tool may touch");
        return Optional.empty();
      }
    }
    for (Path prefix : ownPrefixes) {
      Path name = base.getFileName();
      if (prefix.startsWith(base)
          || (name != null
              && prefix.getParent().equals(base.getParent())
              && name.toString().startsWith(prefix.getFileName().toString()))) {
        notHanded.add(
            what + ": it holds toolguard's own files " + prefix + "*, which no tool may touch");
        return Optional.empty();
      }
    }
    return Optional.of(base);
  }

  /** {@return the ports the kernel may grant for this operation, or empty to leave them open} */
  private static Optional<SortedSet<Integer>> ports(
      NetGrants net, NetOperation operation, List<String> notHanded) {
    SortedSet<Integer> ports = new TreeSet<>();
    for (NetPattern pattern : net.of(operation)) {
      if (pattern instanceof HostPort hostPort) {
        if (hostPort.highPort() - hostPort.lowPort() >= MAX_PORTS) {
          return Optional.empty();
        }
        for (int port = hostPort.lowPort(); port <= hostPort.highPort(); port++) {
          ports.add(port);
        }
      }
    }
    for (NetPattern pattern : net.asking(operation)) {
      if (pattern instanceof HostPort hostPort) {
        for (int port = hostPort.lowPort(); port <= hostPort.highPort(); port++) {
          if (ports.remove(port)) {
            notHanded.add(
                operation.label()
                    + " port "
                    + port
                    + ": a person must approve \""
                    + hostPort
                    + "\" first, and the kernel cannot ask");
          }
        }
      }
    }
    return Optional.of(ports);
  }

  private Path base(PathGlob glob) {
    String base = glob.literalBase();
    return glob.isAbsolute() ? Path.of(base) : root.resolve(base).normalize();
  }

  private boolean coveredBySubtree(Path path, List<PathGlob> globs) {
    for (PathGlob glob : globs) {
      if (glob.isSubtree() && path.startsWith(base(glob))) {
        return true;
      }
    }
    return false;
  }

  private static boolean covered(Map<Path, long[]> rules, Path path, long access) {
    for (Map.Entry<Path, long[]> rule : rules.entrySet()) {
      if (path.startsWith(rule.getKey()) && (rule.getValue()[0] & access) == access) {
        return true;
      }
    }
    return false;
  }

  private static void add(Map<Path, long[]> rules, Path path, long access) {
    rules.computeIfAbsent(path, any -> new long[1])[0] |= access;
  }

  private String shown(Path path) {
    return path.startsWith(root) && !path.equals(root)
        ? root.relativize(path).toString()
        : path.toString();
  }

  /*
   * The machine's layout, resolved once per JVM rather than at every start (about half of a plan's
   * system calls): where each system folder, the JDK and a started program lead, and which of
   * them are folders. The grants are resolved at every start, since a tool's folders come and go.
   * Should a system folder become a link later, the ruleset's own open of the cached path (with
   * no link allowed on the way) fails and the process does not start: it fails closed.
   */
  private static final Map<Path, Optional<Path>> SYSTEM_REAL = new ConcurrentHashMap<>();

  private static final Map<Path, Boolean> SYSTEM_FOLDERS = new ConcurrentHashMap<>();

  /** At most this many system paths are remembered (programs started are among them). */
  private static final int REMEMBERED = 1024;

  private static final List<Path> PRESENT_DEVICES = DEVICES.stream().filter(Files::exists).toList();

  static {
    PRESENT_DEVICES.forEach(device -> SYSTEM_FOLDERS.put(device, false));
    SYSTEM_FOLDERS.put(PROC, true);
  }

  private static Optional<Path> systemReal(Path path) {
    Optional<Path> known = SYSTEM_REAL.get(path);
    if (known != null) {
      return known;
    }
    Optional<Path> real = real(path);
    if (SYSTEM_REAL.size() >= REMEMBERED) {
      SYSTEM_REAL.clear();
      SYSTEM_FOLDERS.keySet().retainAll(PRESENT_DEVICES);
      SYSTEM_FOLDERS.put(PROC, true);
    }
    real.ifPresent(target -> SYSTEM_FOLDERS.put(target, Files.isDirectory(target)));
    SYSTEM_REAL.put(path, real);
    return real;
  }

  private static Optional<Path> real(Path path) {
    try {
      return Optional.of(path.toRealPath());
    } catch (IOException | SecurityException missing) {
      return Optional.empty();
    }
  }
}
