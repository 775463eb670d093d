// A signature of the JDK 22+ foreign function API, for compiling toolguard's Foreign class with a
// JDK 17
// compiler (agent/pom.xml, compile-foreign): never packaged, never run; the JDK's own class is used
// at run time.
package java.lang.foreign;

public interface MemorySegment {
  long address();

  MemorySegment asSlice(long offset, long newSize);

  byte[] toArray(ValueLayout.OfByte elementLayout);

  int get(ValueLayout.OfInt layout, long offset);

  void set(ValueLayout.OfInt layout, long offset, int value);

  long get(ValueLayout.OfLong layout, long offset);

  void set(ValueLayout.OfLong layout, long offset, long value);

  static void copy(
      Object srcArray,
      int srcIndex,
      MemorySegment dstSegment,
      ValueLayout dstLayout,
      long dstOffset,
      int elementCount) {
    throw new UnsupportedOperationException();
  }
}
