package io.toolguard.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pinning of opens: what the JDK is handed, and how a refused open fails; and what the kernel
 * resolved for an open (the path its descriptor names, what {@code statx} says of that file), and
 * which names are not decided on but resolved in Java as on JDK 17.
 */
class PinnedOpensTest {

  @TempDir Path dir;

  @AfterEach
  void release() {
    PinnedOpens.release();
  }

  private static void assumePinning() {
    assumeTrue(
        PinnedOpens.Availability.KERNEL != null,
        "no pinning here: " + PinnedOpens.Availability.UNAVAILABLE);
  }

  @Test
  void aNameIsExactUnlessItsTextMayHaveLostBytes() {
    assertThat(PinnedOpens.exact("data/plain.txt", "data/plain.txt")).isTrue();
    assertThat(PinnedOpens.exact("data/plain.txt", Path.of("data/plain.txt"))).isTrue();
    // U+FFFD in a String may stand for bytes an earlier decoding lost: never taken as the name
    assertThat(PinnedOpens.exact("data/n\uFFFD", "data/n\uFFFD")).isFalse();
    // a Path that does not encode back to itself (or cannot be encoded at all) is not its text
    assertThat(PinnedOpens.exact("data/n\uFFFD", Path.of("data/other"))).isFalse();
  }

  @Test
  void anExistingFileIsHandedAsItsDescriptorAndReadsTheSame() throws Exception {
    assumePinning();
    Path file = Files.writeString(dir.toRealPath().resolve("f.txt"), "checked");

    Object pinned = PinnedOpens.pin(file.toString(), true, false, null);

    assertThat((String) pinned).startsWith("/proc/self/fd/");
    try (FileInputStream in = new FileInputStream((String) pinned)) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("checked");
    }
  }

  @Test
  void aFileAStreamCreatesIsCreatedThenHandedOver() throws Exception {
    assumePinning();
    Path file = dir.toRealPath().resolve("new.txt");

    Object pinned = PinnedOpens.pin(file.toString(), true, true, null);
    try (FileOutputStream out = new FileOutputStream((String) pinned)) {
      out.write('x');
    }

    assertThat(file).hasContent("x");
  }

  @Test
  void aChannelThatActsOnItsFinalNameGetsThePinnedFolder() throws Exception {
    assumePinning();
    Path file = dir.toRealPath().resolve("only-new.txt");

    Object pinned =
        PinnedOpens.pin(
            file, false, true, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));

    assertThat(pinned.toString()).startsWith("/proc/self/fd/").endsWith("/only-new.txt");
    Files.newByteChannel((Path) pinned, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
        .close();
    assertThat(file).exists();
  }

  @Test
  void aThreadOfAToolsClassIsKeptByIdentityItsOwnMethodsNeverRun() throws Exception {
    assumePinning();
    Path file = Files.writeString(dir.toRealPath().resolve("f.txt"), "checked");
    java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Object> pinned =
        new java.util.concurrent.atomic.AtomicReference<>();
    // Equal to every thread, all of one hash: were it a key by its own methods, its release would
    // take another thread's descriptor, and its code would run inside the check.
    Thread hostile =
        new Thread(
            () -> {
              pinned.set(PinnedOpens.pin(file.toString(), true, false, null));
              PinnedOpens.release();
            }) {
          @Override
          public int hashCode() {
            ran.incrementAndGet();
            return 1;
          }

          @Override
          public boolean equals(Object other) {
            ran.incrementAndGet();
            return true;
          }
        };
    Object mine = PinnedOpens.pin(file.toString(), true, false, null);
    hostile.start();
    hostile.join();

    assertThat(ran).as("the thread's own hashCode and equals").hasValue(0);
    assertThat(pinned.get()).isNotNull();
    try (FileInputStream in = new FileInputStream((String) mine)) {
      assertThat(in.readAllBytes()).as("this thread's descriptor, still open").hasSize(7);
    }
  }

  @Test
  void aLinkOnTheWayIsADenial() throws Exception {
    assumePinning();
    Path real = Files.createDirectories(dir.toRealPath().resolve("real"));
    Files.writeString(real.resolve("f.txt"), "x");
    Path link = Files.createSymbolicLink(dir.toRealPath().resolve("link"), real);

    assertThatThrownBy(() -> PinnedOpens.pin(link.resolve("f.txt").toString(), true, false, null))
        .isInstanceOf(SecurityException.class)
        .hasMessageContaining("a symbolic link is now on the way to it");
  }

  @Test
  void aMissingFileFailsAsTheJdkWouldFailIt() throws Exception {
    assumePinning();
    String missing = dir.toRealPath().resolve("no/such.txt").toString();

    assertThatThrownBy(() -> PinnedOpens.pin(missing, true, true, null))
        .isInstanceOf(PinnedOpens.Failed.class)
        .cause()
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage(missing + " (No such file or directory)");
    assertThatThrownBy(() -> PinnedOpens.pin(Path.of(missing), false, false, Set.of()))
        .cause()
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage(missing);
  }

  @Test
  void aDescriptorAThreadHeldWhenItEndedIsClosedByLaterPins() throws Exception {
    assumePinning();
    Path file = Files.writeString(dir.toRealPath().resolve("held.txt"), "x");
    Object[] pinned = new Object[1];
    Thread ending =
        new Thread(() -> pinned[0] = PinnedOpens.pin(file.toString(), true, false, null));
    ending.start();
    ending.join();
    Path descriptor = Path.of((String) pinned[0]);
    assertThat(Files.readSymbolicLink(descriptor)).isEqualTo(file);

    Path other = Files.writeString(dir.toRealPath().resolve("other.txt"), "y");
    for (int i = 0; i < 64; i++) {
      PinnedOpens.pin(other.toString(), true, false, null);
    }

    assertThat(
            Files.exists(descriptor, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && Files.readSymbolicLink(descriptor).equals(file))
        .as("the ended thread's descriptor is closed")
        .isFalse();
  }

  @Test
  void refusalsMapTheKernelsAnswer() {
    assertThat(PinnedOpens.refusal("/a", PinnedOpens.ELOOP, false))
        .isInstanceOf(SecurityException.class);
    assertThat(PinnedOpens.refusal("/a", PinnedOpens.EACCES, false).getCause())
        .isInstanceOf(AccessDeniedException.class);
    assertThat(PinnedOpens.refusal("/a", PinnedOpens.ENOTDIR, false).getCause())
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("Not a directory");
    assertThat(PinnedOpens.refusal("/a", PinnedOpens.EACCES, true).getCause())
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage("/a (Permission denied)");
  }

  @Test
  void beforeJdk22NothingIsPinned() {
    assumeTrue(Runtime.version().feature() < 22, "JDK 17 to 21 only");

    assertThat(PinnedOpens.pin("/etc/hostname", true, false, null)).isEqualTo("/etc/hostname");
  }

  @Test
  void aNameIsDecidedOnOnlyIfItIsAbsoluteWholeAndNotADeletedFile() {
    assertThat(PinnedOpens.name(bytes("/srv/box/a.txt"))).isEqualTo("/srv/box/a.txt");
    assertThat(PinnedOpens.name(bytes("/srv/box/line\nbreak"))).isEqualTo("/srv/box/line\nbreak");
    assertThat(PinnedOpens.name(bytes("/srv/box/a.txt (deleted)"))).isNull();
    assertThat(PinnedOpens.name(bytes("anon_inode:[eventfd]"))).isNull();
    assertThat(PinnedOpens.name(bytes("(unreachable)/srv"))).isNull();
    assertThat(PinnedOpens.name(new byte[0])).isNull();
    // not a name in UTF-8 (the JDK's encoding here): the string would not give these bytes back
    assertThat(PinnedOpens.name(new byte[] {'/', 'a', (byte) 0xff})).isNull();
    assertThat(PinnedOpens.name(bytes("/srv/caf\u00e9"))).isEqualTo("/srv/caf\u00e9");
  }

  @Test
  void aDeviceNumberIsMadeOfItsPartsAsTheJdkReadsIt() {
    assertThat(Landlock.device(8, 1)).isEqualTo(0x801L);
    assertThat(Landlock.device(0, 0x12345)).isEqualTo(0x12345L & 0xff | (0x12345L & ~0xffL) << 12);
    assertThat(Landlock.device(0x1234, 5)).isEqualTo((0x1000L << 32) | (0x234L << 8) | 5);
  }

  @Test
  void theKernelResolvesLinksAndDotDotAndCountsHardLinks() throws Exception {
    assumePinning();
    Path real = Files.createDirectories(dir.resolve("a/b")).toRealPath();
    Path file = Files.writeString(real.resolve("f.txt"), "x");
    Files.createSymbolicLink(dir.resolve("link"), real);
    Files.createLink(real.resolve("hard.txt"), file);

    PinnedOpens.Opened viaLink = PinnedOpens.resolve(dir.resolve("link/f.txt").toString(), null);
    PinnedOpens.Opened dotDot = PinnedOpens.resolve(dir + "/link/../b/hard.txt", null);
    try {
      assertThat(viaLink.real()).isEqualTo(file.toString());
      long[] inode = viaLink.inode();
      assertThat(inode[0]).isOne();
      assertThat(inode[1]).isEqualTo(2);
      assertThat(inode[3]).isEqualTo(Files.getAttribute(file, "unix:ino"));
      assertThat(inode[2]).isEqualTo(Files.getAttribute(file, "unix:dev"));
      assertThat(dotDot.real()).isEqualTo(real.resolve("hard.txt").toString());
    } finally {
      viaLink.close();
      dotDot.close();
    }
  }

  @Test
  void whatTheKernelCannotOpenAsTheJdkWouldIsLeftToTheCheckInJava() throws Exception {
    assumePinning();
    Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
    Path file = Files.writeString(dir.resolve("f.txt"), "x");

    assertThat(PinnedOpens.resolve(dir.resolve("missing.txt").toString(), null)).isNull();
    assertThat(PinnedOpens.resolve(dir.resolve("dangling").toString(), null)).isNull();
    assertThat(PinnedOpens.resolve("/proc/self/root" + file, null)).isNull();
    assertThat(PinnedOpens.resolve(file + "\u0000", null)).isNull();
    assertThat(PinnedOpens.resolve("/" + "a/".repeat(2100), null)).isNull();
    for (Object acting :
        Set.of(
            LinkOption.NOFOLLOW_LINKS,
            StandardOpenOption.DELETE_ON_CLOSE,
            StandardOpenOption.CREATE_NEW)) {
      assertThat(PinnedOpens.resolve(file, Set.of(StandardOpenOption.WRITE, acting))).isNull();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
