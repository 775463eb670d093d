package io.toolguard.agent.policy;

import java.util.List;

/** What a tool may do on disk, as globs relative to the sandbox root. Nothing listed is nothing granted. */
public record FileGrants(List<PathGlob> read, List<PathGlob> write, List<PathGlob> delete) {

  /** Grants nothing. */
  public static final FileGrants NONE = new FileGrants(List.of(), List.of(), List.of());

  public FileGrants {
    read = List.copyOf(read);
    write = List.copyOf(write);
    delete = List.copyOf(delete);
  }

  /** {@return the globs that grant this operation} */
  public List<PathGlob> of(FileOperation operation) {
    return switch (operation) {
      case READ -> read;
      case WRITE -> write;
      case DELETE -> delete;
    };
  }
}
