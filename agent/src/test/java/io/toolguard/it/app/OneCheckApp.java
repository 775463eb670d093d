package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A tool reads four files outside its grants, each by one public route of opening: {@code
 * Files.newByteChannel}, {@code FileChannel.open}, {@code Files.newInputStream} and {@code new
 * FileInputStream}, one file per route ({@code channel.txt}, {@code file-channel.txt}, {@code
 * stream.txt}, {@code fis.txt} in the folder given). {@code OneCheckApp FOLDER} prints {@code ROUTE
 * read CONTENT} or {@code ROUTE denied} for each: in audit mode every read happens, and the audit
 * log shows how many times each open was checked.
 */
public final class OneCheckApp {

  private OneCheckApp() {}

  @Tool(name = "once", risk = Risk.LOW)
  static String once(Path folder) {
    StringBuilder out = new StringBuilder();
    read(out, "channel", () -> channel(Files.newByteChannel(folder.resolve("channel.txt"))));
    read(
        out,
        "file-channel",
        () ->
            channel(FileChannel.open(folder.resolve("file-channel.txt"), StandardOpenOption.READ)));
    read(out, "stream", () -> stream(Files.newInputStream(folder.resolve("stream.txt"))));
    read(out, "fis", () -> stream(new FileInputStream(folder.resolve("fis.txt").toString())));
    return out.toString();
  }

  private interface Read {
    String run() throws IOException;
  }

  private static void read(StringBuilder out, String route, Read read) {
    try {
      out.append(route).append(" read ").append(read.run()).append('\n');
    } catch (IOException | SecurityException refused) {
      out.append(route).append(" denied\n");
    }
  }

  private static String channel(SeekableByteChannel opened) throws IOException {
    try (SeekableByteChannel channel = opened) {
      ByteBuffer buffer = ByteBuffer.allocate(64);
      channel.read(buffer);
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }
  }

  private static String stream(InputStream opened) throws IOException {
    try (InputStream in = opened) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  public static void main(String[] args) throws IOException {
    System.out.print(once(Path.of(args[0]).toRealPath()));
  }
}
