package io.toolguard.agent.tool;

import static io.toolguard.agent.weave.Provenance.Purpose.DECLARES_NO_TOOLS;

import io.toolguard.agent.weave.Provenance;
import io.toolguard.bootstrap.WeakIdentityMap;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.jar.asm.ClassReader;

/**
 * Tells, as a class loads and from its bytes alone, whether it may declare tool methods: its bytes
 * name a tool annotation, or a super class or interface's do. A subclass loads before its super
 * types, so those are read through the class loader; what is learnt is kept per loader, for the
 * classes that extend the same types. Loaders that cannot see any tool annotation cost nothing
 * beyond the scan of each class's bytes.
 */
final class ToolClassFilter {

  /** What {@link #toolTypes} holds for a loader that cannot see any tool annotation. */
  private static final Map<String, Boolean> NO_TOOLS = Map.of();

  private final ToolAnnotations annotations;
  private final List<String> annotationResources;

  /**
   * Per class loader: whether a class (internal name) declares or inherits tool methods, as far as
   * seen. Keyed by identity: a loader a tool creates can override {@code equals} to pass for the
   * application's, and would have its answers taken for that loader's classes.
   */
  private final WeakIdentityMap<Map<String, Boolean>> toolTypes = new WeakIdentityMap<>();

  ToolClassFilter(ToolAnnotations annotations, List<String> listedAnnotations) {
    this.annotations = annotations;
    // Plain loops here and below: this runs at start-up, where a lambda costs a spun class.
    List<String> names = new ArrayList<>();
    names.add(ToolAnnotations.OURS);
    names.addAll(ToolAnnotations.FRAMEWORKS);
    names.addAll(listedAnnotations);
    List<String> resources = new ArrayList<>();
    for (String name : names) {
      resources.add(name.replace('.', '/') + ".class");
    }
    this.annotationResources = List.copyOf(resources);
  }

  /**
   * {@return whether a class may declare tool methods: its bytes name a tool annotation, or a super
   * class or interface's do}; remembered for the classes that extend it
   */
  boolean mayDeclareTools(ClassLoader loader, String internalName, byte[] classFile) {
    Map<String, Boolean> known = loader == null ? null : knownTypes(loader);
    ConstantPool pool = ConstantPool.read(classFile);
    if (annotations.mayBeNamedIn(pool, classFile)) {
      if (known != null) {
        // its subclasses, loaded later, need not read its class file again
        known.put(internalName, true);
      }
      return true;
    }
    if (known == null) {
      return false;
    }
    Boolean readAhead = known.get(internalName);
    if (readAhead != null) {
      // A subclass loaded first and read this class's file already.
      return readAhead;
    }
    boolean inherits = inheritsTools(loader, known, pool, classFile, 0);
    known.put(internalName, inherits);
    return inherits;
  }

  /**
   * {@return what is known about the classes of a loader that can see a tool annotation; {@code
   * null} if it cannot}
   */
  private Map<String, Boolean> knownTypes(ClassLoader loader) {
    Map<String, Boolean> known = toolTypes.get(loader);
    if (known == null) {
      known = NO_TOOLS;
      for (String resource : annotationResources) {
        if (loader.getResource(resource) != null) {
          known = new ConcurrentHashMap<>();
          break;
        }
      }
      toolTypes.put(loader, known);
    }
    return known == NO_TOOLS ? null : known;
  }

  private boolean inheritsTools(
      ClassLoader loader,
      Map<String, Boolean> known,
      ConstantPool pool,
      byte[] classFile,
      int depth) {
    List<String> supertypes;
    try {
      supertypes = pool != null ? pool.supertypes() : supertypes(classFile);
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException unreadable) {
      // no JVM defines it
      return false;
    }
    for (String supertype : supertypes) {
      if (!Provenance.matchesInternalName(DECLARES_NO_TOOLS, supertype)) {
        Boolean tools = known.get(supertype);
        if (tools == null) {
          byte[] superFile = classFile(loader, supertype);
          ConstantPool superPool = superFile == null ? null : ConstantPool.read(superFile);
          tools =
              superFile != null
                  && (annotations.mayBeNamedIn(superPool, superFile)
                      || (depth < 64
                          && inheritsTools(loader, known, superPool, superFile, depth + 1)));
          known.put(supertype, tools);
        }
        if (tools) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@return the super class and interfaces of a class file whose constant pool {@link
   * ConstantPool} could not read}, as ASM reads them
   */
  private static List<String> supertypes(byte[] classFile) {
    ClassReader header = new ClassReader(classFile);
    List<String> supertypes = new ArrayList<>();
    if (header.getSuperName() != null) {
      supertypes.add(header.getSuperName());
    }
    supertypes.addAll(List.of(header.getInterfaces()));
    return supertypes;
  }

  /**
   * {@return the class file the loader has for the class, or {@code null} if it has none (as for
   * generated classes)}
   */
  static byte[] classFile(ClassLoader loader, String internalName) {
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException unreadable) {
      return null;
    }
  }
}
