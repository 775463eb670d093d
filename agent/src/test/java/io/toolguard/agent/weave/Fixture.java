package io.toolguard.agent.weave;

import java.util.Map;
import java.util.TimerTask;

/**
 * Stands in for JDK methods, in their shapes, for {@link InserterTest} to weave: each returns what
 * it was given or what it made, so a test sees what the inserted code replaced.
 */
public class Fixture implements FixtureCalls {

  private String file = "/fixture/file";
  private boolean followLinks;

  @Override
  public String open(String name) {
    return name;
  }

  @Override
  public String openRandomAccess(String name, int mode) {
    return name;
  }

  @Override
  public boolean exists() {
    return true;
  }

  @Override
  public boolean readAttributes() {
    return followLinks;
  }

  @Override
  public Object generateFile() {
    return "/tmp/generated";
  }

  @Override
  public Map<String, String> getenv() {
    return Map.of("HOME", "/home/user", "SECRET", "s3cr3t");
  }

  @Override
  public String getenv(String name) {
    return name;
  }

  @Override
  public int connect(Object address, int port) {
    return netConnect("inet", 3, address, port);
  }

  /** Static, as {@code sun.nio.ch.Net.connect} is: the parameters start at slot 0. */
  static int netConnect(Object family, int descriptor, Object address, int port) {
    return port;
  }

  @Override
  public void bind(Object address) {}

  @Override
  public Object start(Object environment, Object command) {
    return environment;
  }

  @Override
  public void exit(int status) {}

  @Override
  public Runnable execute(Runnable task) {
    return task;
  }

  /** As {@code ForkJoinTask.doExec}: the fixture is the task. */
  @Override
  public void doExec(Runnable body) {
    body.run();
  }

  @Override
  public void mainLoop(TimerTask task) {
    task.run();
  }

  /** Shaped as {@code KeepAliveCache.get(URL, Object)}: returns the key part it looked up by. */
  @Override
  public Object lookUp(String url, Object extraKey) {
    return extraKey;
  }

  /** Shaped as {@code Http2Connection.keyFor}: makes a pool key of a host. */
  @Override
  public String keyFor(String host) {
    return "C:" + host + ":80";
  }
}
