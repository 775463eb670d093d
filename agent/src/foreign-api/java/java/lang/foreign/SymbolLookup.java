// A signature of the JDK 22+ foreign function API, for compiling toolguard's Foreign class with a
// JDK 17
// compiler (agent/pom.xml, compile-foreign): never packaged, never run; the JDK's own class is used
// at run time.
package java.lang.foreign;

import java.util.Optional;

public interface SymbolLookup {
  Optional<MemorySegment> find(String name);
}
