package com.sun.toolguard.probe;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;

/**
 * A library's interface on the class path in a package named like the JDK's ({@code com.sun.}): its
 * tool is a tool, whatever its package's name ({@code SuperTypeReadsIT}).
 */
public interface Shredder {
  @Tool(name = "shred", risk = Risk.LOW)
  String shred(String what) throws Exception;
}
