package io.toolguard.it.app.retransformed;

import java.nio.file.Files;
import java.nio.file.Path;

/** A plug-in's class that implements {@link PluginApi}'s tool: it writes the file it is handed. */
public final class PluginImpl implements PluginApi {

  @Override
  public void write(String target) throws Exception {
    Files.writeString(Path.of(target), "written by a plug-in's tool");
  }
}
