package com.sun.toolguard.probe;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;

/**
 * A library's interface on the class path in a package named like the JDK's ({@code com.sun.}): its
 * tool is a tool, whatever its package's name ({@code SuperTypeReadsIT}, with {@code
 * InheritedToolApp}).
 */
public interface Burner {
  @Tool(name = "burn", risk = Risk.LOW)
  String burn(String what) throws Exception;
}
