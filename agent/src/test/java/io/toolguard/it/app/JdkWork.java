package io.toolguard.it.app;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.logging.FileHandler;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.transform.TransformerFactory;

/**
 * Work the JDK does on a tool's behalf, reading its own files: each must succeed inside a tool
 * whose grants cover only the sandbox. Prints {@code JDK name ok} or {@code JDK name FAILED …}.
 */
final class JdkWork {

  private JdkWork() {}

  static void run(Path inside) throws Exception {
    Files.writeString(inside.resolve("doc.xml"), "<doc><item>1</item></doc>");
    Path logs = inside.resolve("../../logs");
    Files.createDirectories(logs);
    FileHandler rotating = new FileHandler(logs.resolve("app%g.log").toString(), 200, 3);
    rotating.setFormatter(new SimpleFormatter());
    Logger logger = Logger.getLogger("toolguard.it");
    logger.setUseParentHandlers(false);
    logger.addHandler(rotating);

    check("SecureRandom", () -> new SecureRandom().nextInt());
    check("SecureRandom.getInstanceStrong", () -> SecureRandom.getInstanceStrong().nextInt());
    check("UUID.randomUUID", UUID::randomUUID);
    check("TimeZone", () -> TimeZone.getTimeZone("Asia/Tokyo").getRawOffset());
    check(
        "ZoneId rules",
        () -> ZoneId.of("America/New_York").getRules().isDaylightSavings(java.time.Instant.now()));
    check(
        "locale data",
        () ->
            DateTimeFormatter.ofPattern("EEEE d MMMM", Locale.JAPAN).format(LocalDate.now())
                + String.format(Locale.GERMANY, "%,.2f", 1234.5));
    check(
        "JAXP parse",
        () ->
            DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(inside.resolve("doc.xml").toFile())
                .getDocumentElement()
                .getTagName());
    check("JAXP transformer", () -> TransformerFactory.newInstance().newTransformer());
    check("StAX", XMLInputFactory::newInstance);
    check(
        "JCE cipher",
        () -> {
          Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
          cipher.init(Cipher.ENCRYPT_MODE, KeyGenerator.getInstance("AES").generateKey());
          return cipher.doFinal(new byte[16]).length;
        });
    check("MessageDigest", () -> MessageDigest.getInstance("SHA-256").digest(new byte[1]));
    check("KeyStore", () -> KeyStore.getInstance(KeyStore.getDefaultType()));
    check("InetAddress", () -> InetAddress.getByName("localhost"));
    check(
        "class loading",
        () ->
            Class.forName("io.toolguard.it.app.LateLoaded").getDeclaredConstructor().newInstance());
    check(
        "resource",
        () -> {
          try (InputStream in = JdkWork.class.getResourceAsStream("LateLoaded.class")) {
            return in.readAllBytes().length;
          }
        });
    check(
        "ServiceLoader",
        () -> ServiceLoader.load(java.nio.file.spi.FileTypeDetector.class).stream().count());
    check(
        "JUL rotation",
        () -> {
          for (int i = 0; i < 20; i++) {
            logger.info("line " + i + " of a log that rotates every 200 bytes");
          }
          return null;
        });
    rotating.close();
    try (var files = Files.list(logs)) {
      System.out.println(
          "LOG files="
              + files
                  .filter(file -> file.getFileName().toString().matches("app\\d\\.log"))
                  .count());
    }
  }

  private static void check(String name, Callable<?> work) {
    try {
      FileRoutesApp.fs(work);
      System.out.println("JDK " + name + " ok");
    } catch (Throwable failed) {
      System.out.println("JDK " + name + " FAILED " + failed);
    }
  }
}
