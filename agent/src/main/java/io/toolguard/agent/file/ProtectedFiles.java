package io.toolguard.agent.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * toolguard's own files: the policy file and every file it includes, the audit log, the approval
 * token file, the terminal while the terminal channel asks on it, the agent jar, and the JDK's
 * classes as woven, kept beside the agent jar for the next start (for every JDK). No tool may read,
 * write, delete, rename, link, change or even look up any of them, whatever its grants and in audit
 * mode too: a tool that could rewrite the policy would pick its own grants at the next reload, one
 * that could wipe the audit log would erase what it did, one that read the token would approve its
 * own calls, one that read the terminal would eat the approver's keystrokes, and one that wrote the
 * woven JDK classes would unhook the next start.
 *
 * <p>Why more than a path comparison. A file is matched both where toolguard names it and where it
 * really is (links resolved), so a link on the way can be neither retargeted nor followed to it; a
 * move or delete of any folder above it (the folder holding the audit log, the policy's folder) is
 * a move or delete of it; and a regular file with more than one hard link is compared by device and
 * inode, so a hard link to the audit log made before toolguard started is the audit log too; and
 * the terminal is matched by its device number too, so its other names ({@code /dev/pts/3}) are it.
 *
 * <p>One fact in one place: built at start-up, and the policy's part replaced after each reload
 * that puts a new policy in force (its includes may change). Safe to read from any thread.
 */
public final class ProtectedFiles {

  /** What a protected file is to toolguard, as a denial names it. */
  public enum Kind {
    POLICY("policy file", false),
    AUDIT_LOG("audit log", false),
    APPROVAL_TOKEN("approval token file", false),
    TERMINAL("approval terminal", false),
    /** Its content is public code, which libraries read (every jar's manifest, resources). */
    AGENT_JAR("agent jar", true),
    WOVEN_JDK("woven JDK classes kept for the next start", false);

    private final String label;
    private final boolean readable;

    Kind(String label, boolean readable) {
      this.label = label;
      this.readable = readable;
    }

    /** {@return the words for it, "policy file"} */
    public String label() {
      return label;
    }

    /**
     * {@return whether a tool may read or look it up as its grants say}: only changing it (writing,
     * deleting, moving, linking, its permissions) is refused whatever the grants
     */
    public boolean readable() {
      return readable;
    }
  }

  /**
   * One protected file.
   *
   * @param named the absolute path toolguard itself uses for it
   * @param real where that path really leads, links resolved (as {@code named} if it cannot tell)
   */
  public record Entry(Kind kind, Path named, Path real, boolean prefix) {

    /** {@return why no tool may touch it, completing "Tool 'x' may not read 'p': …"} */
    public String reason() {
      return "it is toolguard's " + kind.label() + "; no tool may touch it, whatever its grants";
    }

    /** {@return the file as a person reads it: every file whose name begins so, for a prefix} */
    public String shown() {
      return prefix ? named + "*" : named.toString();
    }

    private boolean isOrIsBelow(Path path, boolean movesOrDeletes) {
      return is(named, path)
          || is(real, path)
          || (movesOrDeletes && (named.startsWith(path) || real.startsWith(path)));
    }

    /** {@return whether {@code path} is the file {@code mine}, or one it is the prefix of} */
    private boolean is(Path mine, Path path) {
      if (!prefix) {
        return mine.equals(path);
      }
      Path name = path.getFileName();
      return name != null
          && mine.getParent().equals(path.getParent())
          && name.toString().startsWith(mine.getFileName().toString());
    }
  }

  /**
   * What toolguard knows about the file an access reaches, read once per check: whether it is a
   * regular file, how many hard links it has, and its device and inode.
   */
  record Inode(boolean regular, int links, Object device, Object number, long special) {

    /** A path that does not exist (yet), or whose attributes cannot be read. */
    static final Inode NONE = new Inode(false, 0, null, null, 0);

    /** {@return the file at {@code real} itself (a final link is not followed)} */
    static Inode of(Path real) {
      try {
        Map<String, Object> unix =
            Files.readAttributes(
                real, "unix:isRegularFile,isOther,nlink,dev,ino,rdev", LinkOption.NOFOLLOW_LINKS);
        return new Inode(
            Boolean.TRUE.equals(unix.get("isRegularFile")),
            ((Number) unix.get("nlink")).intValue(),
            unix.get("dev"),
            unix.get("ino"),
            Boolean.TRUE.equals(unix.get("isOther")) ? ((Number) unix.get("rdev")).longValue() : 0);
      } catch (IOException | RuntimeException absent) {
        return NONE;
      }
    }

    /** {@return whether it is a regular file that other paths may share} */
    boolean sharedRegularFile() {
      return regular && links > 1;
    }

    boolean sameAs(Inode other) {
      return number != null && number.equals(other.number) && device.equals(other.device);
    }
  }

  private final List<Entry> fixed;
  private volatile List<Entry> policy;

  /**
   * The device number of the controlling terminal while the terminal channel asks on it, else 0:
   * its other names ({@code /dev/pts/3}, {@code /proc/self/fd/0}) are the same device.
   */
  private final long terminalDevice;

  private ProtectedFiles(List<Entry> fixed, List<Entry> policy, long terminalDevice) {
    this.fixed = List.copyOf(fixed);
    this.policy = List.copyOf(policy);
    this.terminalDevice = terminalDevice;
  }

  /**
   * @param policyFiles the policy file and the files it includes
   * @param auditLog the audit log
   * @param tokenFile the approval token file, if the web page is on
   * @param terminal whether the terminal channel asks on {@code /dev/tty}
   * @param agentJar the agent jar, whose code a tool could replace for the next start
   * @param wovenJdk where the files beside the agent jar that keep the JDK's classes as woven
   *     begin, one per JDK, whose content becomes the JDK's code at the next start (every file of
   *     that folder whose name begins so is protected, the temporary ones written too)
   */
  public static ProtectedFiles of(
      List<Path> policyFiles,
      Path auditLog,
      Optional<Path> tokenFile,
      boolean terminal,
      Optional<Path> agentJar,
      Optional<Path> wovenJdk) {
    List<Entry> fixed = new ArrayList<>();
    fixed.add(entry(Kind.AUDIT_LOG, auditLog));
    if (tokenFile.isPresent()) {
      fixed.add(entry(Kind.APPROVAL_TOKEN, tokenFile.get()));
    }
    if (terminal) {
      fixed.add(entry(Kind.TERMINAL, Path.of("/dev/tty")));
    }
    if (agentJar.isPresent()) {
      fixed.add(entry(Kind.AGENT_JAR, agentJar.get()));
    }
    if (wovenJdk.isPresent()) {
      Path named = wovenJdk.get().toAbsolutePath().normalize();
      Path folder = named.getParent();
      Path real = folder == null ? named : realOrAsIs(folder).resolve(named.getFileName());
      fixed.add(new Entry(Kind.WOVEN_JDK, named, real, true));
    }
    return new ProtectedFiles(
        fixed,
        entries(policyFiles),
        terminal ? controllingTerminal(Path.of("/proc/self/stat")) : 0);
  }

  /**
   * {@return the device number of this process's controlling terminal, as the seventh field of
   * {@code /proc/self/stat} gives it (the encoding of {@code st_rdev}), or 0 if it has none or
   * cannot tell}
   */
  static long controllingTerminal(Path stat) {
    try {
      String text = Files.readString(stat);
      String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[4]);
    } catch (IOException | RuntimeException unknown) {
      return 0;
    }
  }

  /** Puts the files of a policy just put in force in place of the previous policy's. */
  public void policyChanged(List<Path> policyFiles) {
    policy = entries(policyFiles);
  }

  /** {@return every protected file, the policy's first} */
  public List<Entry> all() {
    List<Entry> all = new ArrayList<>(policy);
    all.addAll(fixed);
    return all;
  }

  /** {@return the protected files that lie inside {@code folder}, as named or really} */
  public List<Entry> inside(Path folder) {
    Path absolute = folder.toAbsolutePath().normalize();
    Path real = realOrAsIs(absolute);
    // Loops rather than streams here and below: this runs at start-up, where each lambda and the
    // stream machinery are classes to load or spin.
    List<Entry> inside = new ArrayList<>();
    for (Entry entry : all()) {
      if (entry.named().startsWith(absolute)
          || entry.named().startsWith(real)
          || entry.real().startsWith(absolute)
          || entry.real().startsWith(real)) {
        inside.add(entry);
      }
    }
    return List.copyOf(inside);
  }

  /**
   * {@return the protected file an access to {@code real} would touch, if any}
   *
   * @param real where the access really leads
   * @param movesOrDeletes whether it moves, renames or deletes {@code real}, which touches every
   *     file below it too
   * @param inode the file at {@code real}
   */
  Optional<Entry> touched(Path real, boolean movesOrDeletes, Inode inode) {
    for (Entry entry : all()) {
      if (entry.isOrIsBelow(real, movesOrDeletes)) {
        return Optional.of(entry);
      }
    }
    if (terminalDevice != 0 && inode.special() == terminalDevice) {
      return fixed.stream().filter(entry -> entry.kind() == Kind.TERMINAL).findFirst();
    }
    if (inode.sharedRegularFile()) {
      // Another name of a protected file has more than one link too; look them up only then.
      for (Entry entry : all()) {
        if (inode.sameAs(Inode.of(entry.real()))) {
          return Optional.of(entry);
        }
      }
    }
    return Optional.empty();
  }

  private static List<Entry> entries(List<Path> policyFiles) {
    List<Entry> entries = new ArrayList<>();
    for (Path file : policyFiles) {
      entries.add(entry(Kind.POLICY, file));
    }
    return List.copyOf(entries);
  }

  private static Entry entry(Kind kind, Path file) {
    Path named = file.toAbsolutePath().normalize();
    return new Entry(kind, named, realOrAsIs(named), false);
  }

  private static Path realOrAsIs(Path absolute) {
    try {
      return RealPath.of(absolute, true);
    } catch (IOException | RuntimeException unresolvable) {
      return absolute;
    }
  }
}
