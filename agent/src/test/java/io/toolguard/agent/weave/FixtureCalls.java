package io.toolguard.agent.weave;

import java.util.Map;
import java.util.TimerTask;

/**
 * What {@link InserterTest} calls on a woven {@link Fixture}, which another class loader defines.
 */
public interface FixtureCalls {

  String open(String name);

  String openRandomAccess(String name, int mode);

  boolean exists();

  boolean readAttributes();

  Object generateFile();

  Map<String, String> getenv();

  String getenv(String name);

  int connect(Object address, int port);

  void bind(Object address);

  Object start(Object environment, Object command);

  void exit(int status);

  Runnable execute(Runnable task);

  void doExec(Runnable body);

  void mainLoop(TimerTask task);

  Object lookUp(String url, Object extraKey);

  String keyFor(String host);
}
