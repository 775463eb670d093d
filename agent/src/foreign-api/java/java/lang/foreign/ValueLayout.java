// A signature of the JDK 22+ foreign function API, for compiling toolguard's Foreign class with a
// JDK 17
// compiler (agent/pom.xml, compile-foreign): never packaged, never run; the JDK's own class is used
// at run time.
package java.lang.foreign;

public interface ValueLayout extends MemoryLayout {
  OfByte JAVA_BYTE = null;
  OfInt JAVA_INT = null;
  OfLong JAVA_LONG = null;

  interface OfByte extends ValueLayout {}

  interface OfInt extends ValueLayout {}

  interface OfLong extends ValueLayout {}
}
