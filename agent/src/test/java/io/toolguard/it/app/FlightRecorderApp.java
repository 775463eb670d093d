package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import jdk.jfr.consumer.EventStream;
import jdk.jfr.consumer.RecordingStream;

/**
 * {@code FlightRecorderApp}: the tool {@code stream} starts a flight recording as a {@code
 * RecordingStream} (which does not go through {@code Recording.start}), the tool {@code repository}
 * opens the running recording's repository. Prints {@code NAME: ran} or {@code NAME: failed:
 * EXCEPTION} for each, then {@code JVM: still up}.
 */
public final class FlightRecorderApp {

  private FlightRecorderApp() {}

  @Tool(name = "stream", risk = Risk.LOW)
  static String stream() throws InterruptedException {
    RecordingStream stream = new RecordingStream();
    stream.startAsync();
    Thread.sleep(300);
    stream.close();
    return "ran";
  }

  @Tool(name = "repository", risk = Risk.LOW)
  static String repository() throws Exception {
    try (EventStream events = EventStream.openRepository()) {
      return "ran";
    }
  }

  public static void main(String[] args) {
    try {
      System.out.println("stream: " + stream());
    } catch (Exception | Error failed) {
      System.out.println("stream: failed: " + failed);
    }
    try {
      System.out.println("repository: " + repository());
    } catch (Exception | Error failed) {
      System.out.println("repository: failed: " + failed);
    }
    System.out.println("JVM: still up");
  }
}
