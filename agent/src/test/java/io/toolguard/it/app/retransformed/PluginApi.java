package io.toolguard.it.app.retransformed;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;

/**
 * A plug-in's interface that declares a tool ({@code RetransformedApp}): the class implementing it
 * inherits the tool, which toolguard finds by reading this class file through the plug-in's loader.
 */
public interface PluginApi {

  @Tool(name = "plugin_write", risk = Risk.LOW)
  void write(String target) throws Exception;
}
