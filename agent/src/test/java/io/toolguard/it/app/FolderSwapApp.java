package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The folder-swap race of the JVM's own opens: outside tools, a thread keeps swapping {@code
 * data/sub} for a link to {@code ../outside/sub} and back, while the tool {@code swap} (read and
 * write {@code data/**}) opens {@code data/sub/f.txt} again and again through {@code
 * FileInputStream}, {@code Files.readAllBytes}, {@code RandomAccessFile}, and writes {@code
 * data/sub/w.txt} with {@code FileOutputStream}. Prints {@code swap: tries N, outside reads X,
 * inside reads Y, swaps the pinning caught Z} (opens refused because a swap was under way), then
 * whether the outside folder was written.
 *
 * <p>{@code FolderSwapApp SECONDS STOP [TRIES]} tries for that long and at least TRIES times (at
 * most 40 s), or (with {@code STOP} true) until the first read of the outside file.
 */
public final class FolderSwapApp {

  private FolderSwapApp() {}

  @Tool(name = "swap", risk = Risk.LOW)
  static String swap(long seconds, boolean stopAtFirstOutside, long minTries) throws Exception {
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    long cap = start + 40_000_000_000L;
    long tries = 0;
    long outside = 0;
    long inside = 0;
    long caught = 0;
    while ((System.nanoTime() < end || tries < minTries)
        && System.nanoTime() < cap
        && !(stopAtFirstOutside && outside > 0)) {
      tries++;
      String read;
      try {
        read = open((int) (tries % 4));
      } catch (SecurityException denied) {
        // every open here is granted unless a swap is under way: on JDK 22+ the kernel resolved
        // the path through the swapped-in link (and the check saw it lead outside), or the pinned
        // open of a path resolved in Java met a link the check had not seen
        caught++;
        continue;
      } catch (FileNotFoundException | NoSuchFileException away) {
        continue; // the folder was away for a moment
      }
      if ("the secret".equals(read)) {
        outside++;
      } else if ("inside".equals(read)) {
        inside++;
      }
    }
    return "tries "
        + tries
        + ", outside reads "
        + outside
        + ", inside reads "
        + inside
        + ", swaps the pinning caught "
        + caught;
  }

  private static String open(int route) throws IOException {
    switch (route) {
      case 0 -> {
        try (FileInputStream in = new FileInputStream("data/sub/f.txt")) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      case 1 -> {
        return Files.readString(Path.of("data/sub/f.txt"));
      }
      case 2 -> {
        try (RandomAccessFile file = new RandomAccessFile("data/sub/f.txt", "r")) {
          byte[] bytes = new byte[(int) file.length()];
          file.readFully(bytes);
          return new String(bytes, StandardCharsets.UTF_8);
        }
      }
      default -> {
        try (FileOutputStream out = new FileOutputStream("data/sub/w.txt")) {
          out.write('x');
        }
        return "written";
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path sub = Path.of("data/sub");
    Path kept = Path.of("data/sub.kept");
    Path link = Path.of("data/link");
    AtomicBoolean done = new AtomicBoolean();
    Thread flipper =
        new Thread(
            () -> {
              try {
                while (!done.get()) {
                  Files.move(sub, kept, StandardCopyOption.ATOMIC_MOVE);
                  Files.move(link, sub, StandardCopyOption.ATOMIC_MOVE);
                  Thread.onSpinWait();
                  Files.move(sub, link, StandardCopyOption.ATOMIC_MOVE);
                  Files.move(kept, sub, StandardCopyOption.ATOMIC_MOVE);
                }
              } catch (IOException failed) {
                System.out.println("flipper: " + failed);
              }
            });
    flipper.start();
    ToolApp.call(
        "swap",
        () ->
            swap(
                Long.parseLong(args[0]),
                Boolean.parseBoolean(args[1]),
                args.length > 2 ? Long.parseLong(args[2]) : 0),
        true);
    done.set(true);
    flipper.join();
    System.out.println(
        "outside writes: " + (Files.exists(Path.of("../outside/sub/w.txt")) ? "some" : "none"));
  }
}
