package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code WovenJdkApp SECRET FILE...}: the tool {@code reader} reads the file {@code SECRET} with a
 * {@code FileInputStream}, the tool {@code writer} writes {@code planted} into each {@code FILE}
 * (where toolguard keeps the woven JDK classes beside its jar, the jar itself) with a {@code
 * FileOutputStream}. Prints {@code read: CONTENT} or {@code read: failed: EXCEPTION}, then for each
 * file {@code write NAME: ok} or {@code write NAME: failed: EXCEPTION}. With {@code
 * -Dwoven.it.jar=JAR} the tool {@code sizer} first reads the agent jar whole and prints {@code
 * size: BYTES}: its content is public code, which a tool may read as its grants say.
 */
public final class WovenJdkApp {

  private WovenJdkApp() {}

  @Tool(name = "reader", risk = Risk.LOW)
  static String read(String file) throws IOException {
    try (FileInputStream in = new FileInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  @Tool(name = "sizer", risk = Risk.LOW)
  static int size(String file) throws IOException {
    try (FileInputStream in = new FileInputStream(file)) {
      return in.readAllBytes().length;
    }
  }

  @Tool(name = "writer", risk = Risk.LOW)
  static String write(String file) throws IOException {
    try (FileOutputStream out = new FileOutputStream(file)) {
      out.write("planted".getBytes(StandardCharsets.UTF_8));
    }
    return "ok";
  }

  public static void main(String[] args) {
    try {
      System.out.println("read: " + read(args[0]));
    } catch (Exception | Error failed) {
      System.out.println("read: failed: " + failed);
    }
    if (System.getProperty("woven.it.jar") != null) {
      try {
        System.out.println("size: " + size(System.getProperty("woven.it.jar")));
      } catch (Exception | Error failed) {
        System.out.println("size: failed: " + failed);
      }
    }
    for (int i = 1; i < args.length; i++) {
      String name = java.nio.file.Path.of(args[i]).getFileName().toString();
      try {
        System.out.println("write " + name + ": " + write(args[i]));
      } catch (Exception | Error failed) {
        System.out.println("write " + name + ": failed: " + failed);
      }
    }
  }
}
