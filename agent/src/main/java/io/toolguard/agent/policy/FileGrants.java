package io.toolguard.agent.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a tool may do on disk, as globs relative to the sandbox root: what it may read, write and
 * delete, and where each of those first needs a person's approval (which beats a plain grant).
 * Nothing listed is nothing granted.
 */
public record FileGrants(
    List<PathGlob> read,
    List<PathGlob> write,
    List<PathGlob> delete,
    List<PathGlob> askRead,
    List<PathGlob> askWrite,
    List<PathGlob> askDelete) {

  /** Grants nothing. */
  public static final FileGrants NONE = new FileGrants(List.of(), List.of(), List.of());

  public FileGrants {
    read = List.copyOf(read);
    write = List.copyOf(write);
    delete = List.copyOf(delete);
    askRead = List.copyOf(askRead);
    askWrite = List.copyOf(askWrite);
    askDelete = List.copyOf(askDelete);
  }

  /** Grants with no approval asked. */
  public FileGrants(List<PathGlob> read, List<PathGlob> write, List<PathGlob> delete) {
    this(read, write, delete, List.of(), List.of(), List.of());
  }

  /** {@return the globs that grant this operation} */
  public List<PathGlob> of(FileOperation operation) {
    return switch (operation) {
      case READ -> read;
      case WRITE -> write;
      case DELETE -> delete;
    };
  }

  /** {@return the globs where this operation needs a person's approval} */
  public List<PathGlob> asking(FileOperation operation) {
    return switch (operation) {
      case READ -> askRead;
      case WRITE -> askWrite;
      case DELETE -> askDelete;
    };
  }

  /**
   * Decides one operation on a path that is not a regular file with more than one hard link: an
   * asking glob beats a granting one.
   *
   * @param absolute where the access really leads: absolute and normalised, links resolved
   * @param relative the same path below the sandbox root, "" for the root, null if outside it
   * @param sandbox the sandbox root, for the denial's words
   * @param rule the location of the rule these grants come from
   */
  public AccessDecision decide(
      FileOperation operation, String absolute, String relative, Path sandbox, String rule) {
    return decide(operation, absolute, relative, 1, sandbox, rule);
  }

  /**
   * Decides one operation on a path: an asking glob beats a granting one. A regular file with more
   * than one hard link may be the very file of a secret elsewhere under another name, so
   * sandbox-relative globs do not reach it; only an absolute glob, which names where it is, does.
   *
   * @param absolute where the access really leads: absolute and normalised, links resolved
   * @param relative the same path below the sandbox root, "" for the root, null if outside it
   * @param hardLinks how many hard links the regular file there has; 1 for anything else (a folder,
   *     a file that does not exist yet)
   * @param sandbox the sandbox root, for the denial's words
   * @param rule the location of the rule these grants come from
   */
  public AccessDecision decide(
      FileOperation operation,
      String absolute,
      String relative,
      int hardLinks,
      Path sandbox,
      String rule) {
    String below = hardLinks > 1 ? null : relative;
    for (PathGlob glob : asking(operation)) {
      if (glob.isAbsolute() ? glob.matches(absolute) : below != null && glob.matches(below)) {
        return AccessDecision.asked("ask " + operation.label() + " glob", glob, rule);
      }
    }
    for (PathGlob glob : of(operation)) {
      if (glob.isAbsolute() ? glob.matches(absolute) : below != null && glob.matches(below)) {
        return AccessDecision.granted(operation.label() + " glob", glob, rule);
      }
    }
    if (relative != null && hardLinks > 1) {
      return AccessDecision.denied(
          "it is a file with "
              + hardLinks
              + " hard links, so it may be the same file as one outside the sandbox, and"
              + " sandbox-relative globs do not grant such files; if it is meant to be shared,"
              + " grant it with an absolute "
              + operation.label()
              + " glob (\""
              + absolute
              + "\")");
    }
    return AccessDecision.denied(
        relative == null
            ? "it is outside the sandbox root "
                + sandbox
                + " and no absolute "
                + operation.label()
                + " glob grants it"
            : "no "
                + operation.label()
                + " glob grants "
                + (relative.isEmpty() ? "the sandbox root" : relative));
  }

  /**
   * {@return a grant that lets a tool look a path up because some glob, granting or asking, reaches
   * it or leads through it (folders on the way included); empty if none does}
   */
  public Optional<AccessDecision> reaching(String absolute, String relative, String rule) {
    for (FileOperation operation : FileOperation.values()) {
      for (List<PathGlob> globs : List.of(asking(operation), of(operation))) {
        for (PathGlob glob : globs) {
          String path = glob.isAbsolute() ? absolute : relative;
          if (path != null && (glob.matches(path) || glob.leadsTo(path))) {
            return Optional.of(
                AccessDecision.granted(
                    operation.label() + " glob (which reaches it, so it may be looked up)",
                    glob,
                    rule));
          }
        }
      }
    }
    return Optional.empty();
  }
}
