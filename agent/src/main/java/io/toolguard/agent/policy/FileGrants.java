package io.toolguard.agent.policy;

import java.util.List;

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
}
