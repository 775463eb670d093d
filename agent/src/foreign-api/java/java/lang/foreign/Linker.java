// A signature of the JDK 22+ foreign function API, for compiling toolguard's Foreign class with a
// JDK 17
// compiler (agent/pom.xml, compile-foreign): never packaged, never run; the JDK's own class is used
// at run time.
package java.lang.foreign;

import java.lang.invoke.MethodHandle;

public interface Linker {
  static Linker nativeLinker() {
    throw new UnsupportedOperationException();
  }

  MethodHandle downcallHandle(
      MemorySegment address, FunctionDescriptor function, Option... options);

  SymbolLookup defaultLookup();

  interface Option {
    static Option firstVariadicArg(int index) {
      throw new UnsupportedOperationException();
    }

    static Option captureCallState(String... capturedState) {
      throw new UnsupportedOperationException();
    }

    static StructLayout captureStateLayout() {
      throw new UnsupportedOperationException();
    }
  }
}
