package io.toolguard.it.app;

import io.toolguard.api.Risk;
import io.toolguard.api.Tool;
import java.io.IOException;

/** Tools declared on an interface; the classes that implement them carry no annotation. */
public interface Filing {

  @Tool(name = "file_report", risk = Risk.LOW)
  String file(String report) throws IOException;

  @Tool(name = "shred", risk = Risk.LOW)
  String shred(String report) throws IOException;

  @Tool(name = "burn", risk = Risk.LOW)
  String burn(String report) throws IOException;
}
