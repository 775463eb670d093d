package io.toolguard.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The woven JDK classes kept beside the agent jar: a class is used only for the same class file,
 * hooks, agent jar and JDK, from a whole file that no one but the jar's owner may write.
 */
class WovenJdkCacheTest {

  private static final String NAME = "java/io/Example";

  private static final List<Hook> HOOKS =
      List.of(
          Hook.at(
              "open",
              "(Ljava/lang/String;)V",
              Insertion.Check.checkFile(new Insertion.Argument(0), 1)));

  private static final byte[] CLASS_FILE = bytes("the class file as the JVM hands it over");
  private static final byte[] WOVEN = bytes("the class file with the checks woven in");

  @TempDir Path dir;
  private Path jar;

  /** The jar held open, as the JVM's class loader holds the agent jar it loaded toolguard from. */
  private java.nio.channels.FileChannel open;

  @BeforeEach
  void agentJar() throws IOException {
    jar = dir.resolve("toolguard-agent.jar");
    writeJar(jar, "first content");
    open = java.nio.channels.FileChannel.open(jar);
  }

  @org.junit.jupiter.api.AfterEach
  void closeJar() throws IOException {
    open.close();
  }

  @Test
  void aJarReplacedSinceThisJvmOpenedItUsesAndKeepsNothing() throws IOException {
    keep(CLASS_FILE, WOVEN);
    Path file = WovenJdkCache.fileFor(jar).orElseThrow();
    Path upgrade = dir.resolve("upgrade.jar");
    writeJar(upgrade, "first content");
    Files.move(upgrade, jar, StandardCopyOption.REPLACE_EXISTING);

    WovenJdkCache cache = WovenJdkCache.open(jar);
    assertThat(cache).isSameAs(WovenJdkCache.NONE);
    Files.delete(file);
    cache.wove(NAME, CLASS_FILE, HOOKS, WOVEN);
    cache.startWoven();
    assertThat(file).doesNotExist();
  }

  @Test
  void aStartKeepsWhatItWoveAndTheNextStartUsesIt() throws IOException {
    keep(CLASS_FILE, WOVEN);

    Path file = WovenJdkCache.fileFor(jar).orElseThrow();
    assertThat(file.getParent()).isEqualTo(dir.toRealPath());
    assertThat(file.getFileName().toString()).startsWith("toolguard-agent.jar.woven-jdk-");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r--r--");
    assertThat(WovenJdkCache.open(jar).woven(NAME, CLASS_FILE, HOOKS)).isEqualTo(WOVEN);
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(path -> path.getFileName().toString()))
          .as("no temporary file left")
          .containsExactlyInAnyOrder("toolguard-agent.jar", file.getFileName().toString());
    }
  }

  @Test
  void anotherClassFileOrOtherHooksAreWovenAfresh() throws IOException {
    keep(CLASS_FILE, WOVEN);
    WovenJdkCache cache = WovenJdkCache.open(jar);

    byte[] changed = CLASS_FILE.clone();
    changed[5] ^= 1;
    assertThat(cache.woven(NAME, changed, HOOKS)).isNull();
    List<Hook> otherHooks =
        List.of(
            Hook.at(
                "open",
                "(Ljava/lang/String;)V",
                Insertion.Check.checkFile(new Insertion.Argument(0), 2)));
    assertThat(cache.woven(NAME, CLASS_FILE, otherHooks)).isNull();
    assertThat(cache.woven("java/io/Other", CLASS_FILE, HOOKS)).isNull();
    assertThat(cache.woven(NAME, CLASS_FILE, HOOKS)).isEqualTo(WOVEN);
  }

  @Test
  void everyComponentOfAHookIsInItsDescription() {
    long described = WovenJdkCache.describe(HOOKS);
    assertThat(
            List.of(
                Hook.at(
                    "open",
                    "(Ljava/lang/String;)V",
                    Insertion.Check.checkFile(new Insertion.Argument(1), 1)),
                Hook.optional(
                    "open",
                    "(Ljava/lang/String;)V",
                    Insertion.Check.checkFile(new Insertion.Argument(0), 1)),
                Hook.at(
                    "open",
                    "(Ljava/lang/String;)V",
                    Insertion.Check.checkFile(
                        new Insertion.Argument(0), 1, new Insertion.Constant("detail"))),
                Hook.at(
                    "open",
                    "(Ljava/lang/String;)V",
                    Insertion.Check.checkFile(new Insertion.Argument(0), 1),
                    new Insertion.HandOff(0))))
        .allSatisfy(
            other -> assertThat(WovenJdkCache.describe(List.of(other))).isNotEqualTo(described));
    assertThat(WovenJdkCache.describe(List.copyOf(HOOKS))).isEqualTo(described);
  }

  @Test
  void everyComponentOfEveryInsertionIsInItsDescription() throws Exception {
    List<Class<?>> kinds = new java.util.ArrayList<>();
    kinds.addAll(List.of(Insertion.class.getPermittedSubclasses()));
    kinds.addAll(List.of(Insertion.Source.class.getPermittedSubclasses()));
    assertThat(kinds).hasSizeGreaterThanOrEqualTo(16);
    for (Class<?> kind : kinds) {
      var components = kind.getRecordComponents();
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
      }
      var constructor = kind.getDeclaredConstructor(types);
      String first = described(constructor.newInstance(values(types, -1)));
      for (int i = 0; i < components.length; i++) {
        assertThat(described(constructor.newInstance(values(types, i))))
            .as("%s with another %s", kind.getSimpleName(), components[i].getName())
            .isNotEqualTo(first);
      }
    }
  }

  /** {@return a value for each type, another one at {@code changed}} */
  private static Object[] values(Class<?>[] types, int changed) {
    Object[] values = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      boolean other = i == changed;
      Class<?> type = types[i];
      values[i] =
          type == int.class
              ? (Object) (other ? 1 : 0)
              : type == boolean.class
                  ? (Object) other
                  : type == String.class
                      ? (other ? "b" : "a")
                      : type == List.class
                          ? List.of(new Insertion.Argument(other ? 1 : 0))
                          : other ? new Insertion.Receiver() : new Insertion.Nothing();
    }
    return values;
  }

  private static String described(Object value) {
    StringBuilder out = new StringBuilder();
    if (value instanceof Insertion insertion) {
      insertion.describe(out);
    } else {
      ((Insertion.Source) value).describe(out);
    }
    return out.toString();
  }

  @Test
  void anotherAgentJarUsesNothingKept() throws IOException {
    keep(CLASS_FILE, WOVEN);
    long before = WovenJdkCache.jarIdentity(jar);

    writeJar(jar, "second content");

    assertThat(WovenJdkCache.jarIdentity(jar)).isNotEqualTo(before).isNotZero();
    assertThat(WovenJdkCache.open(jar).woven(NAME, CLASS_FILE, HOOKS)).isNull();
  }

  @Test
  void aFileForAnotherJdkOrJarIsNotRead() throws IOException {
    keep(CLASS_FILE, WOVEN);
    byte[] content = Files.readAllBytes(WovenJdkCache.fileFor(jar).orElseThrow());
    long identity = WovenJdkCache.jarIdentity(jar);

    assertThat(WovenJdkCache.parse(content, identity, WovenJdkCache.thisJdk())).containsKey(NAME);
    assertThat(WovenJdkCache.parse(content, identity, WovenJdkCache.thisJdk() + "x")).isEmpty();
    assertThat(WovenJdkCache.parse(content, identity + 1, WovenJdkCache.thisJdk())).isEmpty();
  }

  @Test
  void aDamagedShortenedOrLengthenedFileIsNotUsed() throws IOException {
    keep(CLASS_FILE, WOVEN);
    Path file = WovenJdkCache.fileFor(jar).orElseThrow();
    byte[] whole = Files.readAllBytes(file);

    for (int at : new int[] {3, whole.length / 2, whole.length - 1}) {
      byte[] damaged = whole.clone();
      damaged[at] ^= 0x10;
      Files.write(file, damaged);
      assertThat(WovenJdkCache.open(jar).woven(NAME, CLASS_FILE, HOOKS)).as("byte %d", at).isNull();
    }
    for (int length : new int[] {0, 3, whole.length - 4, whole.length - 1, whole.length + 1}) {
      Files.write(file, java.util.Arrays.copyOf(whole, length));
      assertThat(WovenJdkCache.open(jar).woven(NAME, CLASS_FILE, HOOKS))
          .as("%d bytes", length)
          .isNull();
    }
  }

  @Test
  void aFileOthersMayWriteIsNotUsedAndIsReplaced() throws IOException {
    keep(CLASS_FILE, WOVEN);
    Path file = WovenJdkCache.fileFor(jar).orElseThrow();

    for (String permissions : List.of("rw-rw-r--", "rw-r--rw-", "rw-rw-rw-")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
      assertThat(WovenJdkCache.open(jar).woven(NAME, CLASS_FILE, HOOKS)).as(permissions).isNull();
    }

    byte[] other = bytes("woven again");
    keep(CLASS_FILE, other);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r--r--");
    assertThat(WovenJdkCache.open(jar).woven(NAME, CLASS_FILE, HOOKS)).isEqualTo(other);
  }

  @Test
  void aLinkIsNotFollowed() throws IOException {
    keep(CLASS_FILE, WOVEN);
    Path file = WovenJdkCache.fileFor(jar).orElseThrow();
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere")).resolve("kept");
    Files.move(file, elsewhere);
    Files.createSymbolicLink(file, elsewhere);

    assertThat(WovenJdkCache.open(jar).woven(NAME, CLASS_FILE, HOOKS)).isNull();
  }

  @Test
  void aFileOfAnotherOwnerThanTheJarsIsNotUsedNorWritten() throws IOException {
    assumeTrue(isRoot(), "only root can give a file to another user");
    keep(CLASS_FILE, WOVEN);
    Path file = WovenJdkCache.fileFor(jar).orElseThrow();
    var nobody =
        dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");

    Files.setOwner(file, nobody);
    assertThat(WovenJdkCache.open(jar).woven(NAME, CLASS_FILE, HOOKS)).isNull();

    // The jar is nobody's now: what root would write would not be trusted, so nothing is written.
    Files.delete(file);
    Files.setOwner(jar, nobody);
    keep(CLASS_FILE, WOVEN);
    assertThat(file).doesNotExist();
  }

  @Test
  void eachClassFileOfAClassIsKept() throws IOException {
    byte[] rebuilt = bytes("the class file as the JVM rebuilds it");
    byte[] wovenFromRebuilt = bytes("woven from the rebuilt one");
    keep(CLASS_FILE, WOVEN);
    keep(rebuilt, wovenFromRebuilt);

    WovenJdkCache cache = WovenJdkCache.open(jar);
    assertThat(cache.woven(NAME, CLASS_FILE, HOOKS)).isEqualTo(WOVEN);
    assertThat(cache.woven(NAME, rebuilt, HOOKS)).isEqualTo(wovenFromRebuilt);
  }

  @Test
  void aStartThatWeavesNothingAfreshWritesNothing() throws IOException {
    keep(CLASS_FILE, WOVEN);
    Path file = WovenJdkCache.fileFor(jar).orElseThrow();
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));

    WovenJdkCache cache = WovenJdkCache.open(jar);
    assertThat(cache.woven(NAME, CLASS_FILE, HOOKS)).isEqualTo(WOVEN);
    cache.startWoven();

    assertThat(Files.getLastModifiedTime(file).toMillis()).isZero();
  }

  @Test
  void noFileIsKeptForAFolderOfClassesOrAFileThatIsNoJar() throws IOException {
    assertThat(WovenJdkCache.open(dir)).isSameAs(WovenJdkCache.NONE);
    Path text = Files.writeString(dir.resolve("not-a.jar"), "text");
    assertThat(WovenJdkCache.jarIdentity(text)).isZero();
    assertThat(WovenJdkCache.open(text)).isSameAs(WovenJdkCache.NONE);
    assertThat(WovenJdkCache.NONE.woven(NAME, CLASS_FILE, HOOKS)).isNull();
  }

  @Test
  void twoLooksAtAFileMustSeeTheSameFile() throws IOException {
    Path file = Files.writeString(dir.resolve("a"), "a");
    Map<String, Object> before =
        Files.readAttributes(
            file, "unix:uid,mode,ino,dev,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    Path other = Files.writeString(dir.resolve("b"), "a");
    Files.setLastModifiedTime(other, Files.getLastModifiedTime(file));
    Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
    Map<String, Object> after =
        Files.readAttributes(
            file, "unix:uid,mode,ino,dev,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);

    assertThat(WovenJdkCache.sameFile(before, before)).isTrue();
    assertThat(WovenJdkCache.sameFile(before, after)).as("another inode").isFalse();
  }

  /** One start: the class was not kept (or kept from another class file), so it is woven. */
  private void keep(byte[] classFile, byte[] woven) throws IOException {
    WovenJdkCache cache = WovenJdkCache.open(jar);
    if (cache.woven(NAME, classFile, HOOKS) == null) {
      cache.wove(NAME, classFile, HOOKS, woven);
    }
    cache.startWoven();
  }

  private static void writeJar(Path jar, String content) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(file)) {
      zip.putNextEntry(new ZipEntry("io/toolguard/A.class"));
      zip.write(bytes(content));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("io/toolguard/B.class"));
      zip.write(bytes("b"));
      zip.closeEntry();
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
