// A signature of the JDK 22+ foreign function API, for compiling toolguard's Foreign class with a
// JDK 17
// compiler (agent/pom.xml, compile-foreign): never packaged, never run; the JDK's own class is used
// at run time.
package java.lang.foreign;

/** The JDK's extends GroupLayout, which nothing here calls. */
public interface StructLayout extends MemoryLayout {}
