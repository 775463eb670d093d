package io.toolguard.agent.weave;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * For integration tests: does to the file beside an agent jar that keeps the woven JDK classes what
 * someone who may write it could do.
 */
public final class WovenJdkFiles {

  private WovenJdkFiles() {}

  /** {@return the file that keeps the woven JDK classes beside {@code agentJar}, for this JDK} */
  public static Path of(Path agentJar) {
    return WovenJdkCache.fileFor(agentJar).orElseThrow();
  }

  /**
   * Rewrites the file so that each copy it keeps of {@code internalName} is {@code classFile}
   * instead, keyed as before and whole (its CRC-32 right), its owner and permissions as they were.
   *
   * @return how many copies were replaced
   */
  public static int replace(Path agentJar, String internalName, byte[] classFile)
      throws IOException {
    Path file = of(agentJar);
    long jar = WovenJdkCache.jarIdentity(agentJar.toRealPath());
    String jdk = WovenJdkCache.thisJdk();
    Map<String, List<WovenJdkCache.Woven>> classes =
        new TreeMap<>(WovenJdkCache.parse(Files.readAllBytes(file), jar, jdk));
    List<WovenJdkCache.Woven> replaced = new ArrayList<>();
    for (WovenJdkCache.Woven kept : classes.getOrDefault(internalName, List.of())) {
      replaced.add(
          new WovenJdkCache.Woven(
              kept.length(), kept.crc(), kept.adler(), kept.hooks(), classFile));
    }
    classes.put(internalName, replaced);
    Files.write(file, WovenJdkCache.content(jar, jdk, classes));
    return replaced.size();
  }

  /** {@return the internal names of the classes the file keeps, or none if it is not usable} */
  public static java.util.Set<String> classes(Path agentJar) throws IOException {
    return WovenJdkCache.parse(
            Files.readAllBytes(of(agentJar)),
            WovenJdkCache.jarIdentity(agentJar.toRealPath()),
            WovenJdkCache.thisJdk())
        .keySet();
  }
}
