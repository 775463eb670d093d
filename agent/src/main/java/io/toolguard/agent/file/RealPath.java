package io.toolguard.agent.file;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Where a path really leads: absolute, with {@code .}, {@code ..} and every symbolic link resolved
 * for the part that exists (a relative link target against the link's folder, a dangling link to
 * where it points), and the part that does not exist yet appended as written.
 */
final class RealPath {

  /** As many links as Linux follows before it gives up with ELOOP. */
  private static final int MAX_LINKS = 40;

  private RealPath() {}

  /**
   * @param followFinal whether the operation follows a link in the last segment; deleting or
   *     renaming a link acts on the link itself, so only its folder is resolved then
   * @throws IOException if the path cannot be resolved (a loop of links, a folder that cannot be
   *     searched)
   */
  static Path of(Path path, boolean followFinal) throws IOException {
    return resolve(path.toAbsolutePath(), followFinal, new int[1]);
  }

  private static Path resolve(Path absolute, boolean followFinal, int[] linksFollowed)
      throws IOException {
    if (followFinal) {
      try {
        return absolute.toRealPath();
      } catch (NoSuchFileException | NotDirectoryException partlyMissing) {
        // resolve the folder, then the last segment, below
      }
    }
    Path parent = absolute.getParent();
    if (parent == null) {
      return absolute;
    }
    String name = absolute.getFileName().toString();
    Path realParent = resolve(parent, true, linksFollowed);
    if (name.equals(".")) {
      return realParent;
    }
    if (name.equals("..")) {
      return realParent.getParent() == null ? realParent : realParent.getParent();
    }
    Path candidate = realParent.resolve(name);
    if (followFinal && Files.isSymbolicLink(candidate)) {
      if (++linksFollowed[0] > MAX_LINKS) {
        throw new FileSystemException(
            absolute.toString(), null, "too many levels of symbolic links");
      }
      return resolve(realParent.resolve(Files.readSymbolicLink(candidate)), true, linksFollowed);
    }
    return candidate;
  }
}
