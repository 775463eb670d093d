package io.toolguard.agent.policy;

import java.util.Optional;

/** The kinds of file access a grant can allow. */
public enum FileOperation {
  READ,
  WRITE,
  DELETE;

  /** {@return the operation with this name ({@code read}, {@code write} or {@code delete}), if there is one} */
  public static Optional<FileOperation> named(String name) {
    return Keywords.parse(FileOperation.class, name);
  }

  /** {@return the name as policies write it} */
  public String label() {
    return Keywords.of(this);
  }
}
