package io.toolguard.it.app;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.management.ObjectName;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * Code inside a tool reaches the JVM through its management beans and flight recorder: {@code
 * ManagementApp OUTSIDE_FOLDER}, run with {@code -Dtoolguard.secret=…}. Each route prints {@code
 * MGMT name harm: …} when it did what it aims at (leaked the secret property, wrote outside the
 * sandbox, changed the JVM) or {@code MGMT name denied}; then {@code OUTSIDE name ok} for the
 * application's own use of the same beans, outside any tool.
 */
public final class ManagementApp {

  private ManagementApp() {}

  @Tool(name = "inspect", risk = Risk.LOW)
  static String inspect(Callable<String> work) throws Exception {
    return work.call();
  }

  public static void main(String[] args) throws Exception {
    Path outside = Path.of(args[0]);
    String secret = System.getProperty("toolguard.secret");
    HotSpotDiagnosticMXBean hotSpot =
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    ObjectName commands = new ObjectName("com.sun.management:type=DiagnosticCommand");
    Map<String, Callable<String>> routes = new LinkedHashMap<>();
    routes.put(
        "DiagnosticCommand vmSystemProperties",
        () ->
            leaks(
                ManagementFactory.getPlatformMBeanServer()
                    .invoke(commands, "vmSystemProperties", null, null),
                secret));
    routes.put(
        "RuntimeMXBean.getInputArguments",
        () -> leaks(ManagementFactory.getRuntimeMXBean().getInputArguments(), secret));
    routes.put(
        "RuntimeMXBean.getSystemProperties",
        () -> leaks(ManagementFactory.getRuntimeMXBean().getSystemProperties(), secret));
    routes.put(
        "HotSpotDiagnosticMXBean.dumpHeap",
        () -> {
          Path dump = outside.resolve("heap.hprof");
          hotSpot.dumpHeap(dump.toString(), true);
          return Files.exists(dump) ? "harm: wrote " + dump : "no file";
        });
    routes.put(
        "HotSpotDiagnosticMXBean.setVMOption",
        () -> {
          hotSpot.setVMOption("HeapDumpPath", outside.resolve("later.hprof").toString());
          return "harm: HeapDumpPath is now " + hotSpot.getVMOption("HeapDumpPath").getValue();
        });
    routes.put(
        "Recording.start",
        () -> {
          Recording recording = new Recording();
          recording.start();
          boolean running = recording.getState() == RecordingState.RUNNING;
          recording.close();
          return running ? "harm: recording the whole JVM" : "not running";
        });
    ToolRoutes.report("MGMT", routes, ManagementApp::inspect);
    System.out.println(
        "OUTSIDE RuntimeMXBean.getInputArguments "
            + (ManagementFactory.getRuntimeMXBean().getInputArguments().isEmpty()
                ? "empty"
                : "ok"));
    try (Recording recording = new Recording()) {
      recording.start();
      System.out.println(
          "OUTSIDE Recording.start "
              + (FlightRecorder.getFlightRecorder().getRecordings().isEmpty() ? "none" : "ok"));
    }
  }

  private static String leaks(Object answer, String secret) {
    return String.valueOf(answer).contains(secret) ? "harm: leaked the secret" : "no secret";
  }
}
