package io.toolguard.agent.tool;

import static io.toolguard.agent.weave.Provenance.Purpose.DECLARES_NO_TOOLS;

import io.toolguard.agent.weave.Provenance;
import io.toolguard.bootstrap.WeakIdentityMap;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.jar.asm.ClassReader;

/**
 * Tells, as a class loads and from its bytes alone, whether it may declare tool methods: its bytes
 * name a tool annotation, or an annotation it uses is of a type that stands for one ({@link
 * #markingTypes}), or a super class or interface's bytes do either. A subclass loads before its
 * super types, and a class before the annotation types it uses, so their class files are read where
 * the class loader will find them ({@link #definedClassFile}); what is learnt is kept per loader,
 * for the classes that extend the same types or use the same annotations. Loaders of the
 * application's own that cannot see any tool annotation cost nothing beyond the scan of each
 * class's bytes; the JDK's application class loader is always taken to see them ({@link
 * #knownTypes}).
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

  /**
   * Per class loader (by identity, as {@link #toolTypes}): whether an annotation type (internal
   * name) may mark tools: it names a tool annotation, or is annotated, at any depth, with one that
   * does (Spring finds Spring AI's {@code @Tool} through an application's own annotations so).
   */
  private final WeakIdentityMap<Map<String, Boolean>> markingTypes = new WeakIdentityMap<>();

  /**
   * The most annotation types one look for a marking annotation reads; past it, the annotation is
   * taken to mark tools (the weaving then reads the class and decides).
   */
  private static final int MOST_ANNOTATION_TYPES = 64;

  /**
   * The bootstrap loader's unnamed module, whose resources are the boot class path's; {@code null}
   * when toolguard's bootstrap package is not defined there (unit tests): then every class file is
   * read with the loader's {@code getResourceAsStream}.
   */
  private final Module bootClassPath;

  /**
   * The packages of the boot layer's modules (the JDK's, and the application's own on a module
   * path), which the JDK's class loaders define from those modules, never from a class path, with
   * their modules; once asked for.
   */
  private volatile Map<String, Module> modulePackages;

  ToolClassFilter(ToolAnnotations annotations, List<String> listedAnnotations) {
    this(annotations, listedAnnotations, bootClassPath());
  }

  ToolClassFilter(
      ToolAnnotations annotations, List<String> listedAnnotations, Module bootClassPath) {
    this.annotations = annotations;
    this.bootClassPath = bootClassPath;
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
    ConstantPool pool = annotations.read(classFile);
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
    boolean tools = marked(loader, pool) || inheritsTools(loader, known, pool, classFile, 0);
    known.put(internalName, tools);
    return tools;
  }

  /**
   * {@return whether an annotation the class file puts on the class or on a method is of a type
   * that may mark tools ({@link #markingTypes})}: a method so annotated is a tool to Spring AI (see
   * {@link ToolAnnotations}), though its class file names no tool annotation. A class file whose
   * annotations this cannot read may declare tools: the weaving reads it with ASM, and refuses it
   * if that cannot either.
   *
   * @param pool the class file's constant pool, {@code null} when it could not be read
   */
  private boolean marked(ClassLoader loader, ConstantPool pool) {
    if (pool == null) {
      return true;
    }
    List<String> descriptors;
    try {
      descriptors = pool.annotationTypes();
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException unreadable) {
      return true;
    }
    if (descriptors.isEmpty()) {
      return false;
    }
    Map<String, Boolean> marking = markingTypes(loader);
    for (String descriptor : descriptors) {
      if (marks(loader, marking, internalName(descriptor))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return whether the annotation type may mark tools ({@link #markingTypes})}: a search through
   * the class files of the annotation types it leads to, each read where the loader finds it, as a
   * super type's is. A search that finds none leaves every type it read known to mark none (it read
   * all they lead to); one that finds one leaves the type it started from known to. Types of the
   * JDK's, and types the loader has no class file for (reflection cannot read such an annotation),
   * lead nowhere.
   */
  private boolean marks(ClassLoader loader, Map<String, Boolean> marking, String start) {
    Boolean known = marking.get(start);
    if (known != null) {
      return known;
    }
    // Plain collections and loops: this runs as classes load, where a lambda costs a spun class.
    Set<String> seen = new HashSet<>();
    ArrayDeque<String> ahead = new ArrayDeque<>();
    seen.add(start);
    ahead.push(start);
    boolean marks = false;
    while (!marks && !ahead.isEmpty()) {
      String type = ahead.pop();
      Boolean answer = marking.get(type);
      if (answer != null) {
        marks = answer;
        continue;
      }
      if (isJdks(loader, type)) {
        continue;
      }
      byte[] classFile = definedClassFile(loader, type);
      if (classFile == null) {
        continue;
      }
      ConstantPool pool = annotations.read(classFile);
      if (pool == null
          || annotations.mayBeNamedIn(pool, classFile)
          || seen.size() > MOST_ANNOTATION_TYPES) {
        marks = true;
        continue;
      }
      try {
        for (String descriptor : pool.annotationTypes()) {
          String next = internalName(descriptor);
          if (seen.add(next)) {
            ahead.push(next);
          }
        }
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException unreadable) {
        marks = true;
      }
    }
    if (marks) {
      marking.put(start, true);
    } else {
      for (String type : seen) {
        marking.put(type, false);
      }
    }
    return marks;
  }

  /**
   * {@return the internal name of the class an annotation's descriptor names, as reflection reads
   * it}
   */
  private static String internalName(String descriptor) {
    return AnnotationNames.className(descriptor).replace('.', '/');
  }

  private Map<String, Boolean> markingTypes(ClassLoader loader) {
    Map<String, Boolean> marking = markingTypes.get(loader);
    if (marking == null) {
      marking = new ConcurrentHashMap<>();
      markingTypes.put(loader, marking);
    }
    return marking;
  }

  /**
   * {@return what is known about the classes of a loader that can see a tool annotation; {@code
   * null} if it cannot}
   */
  private Map<String, Boolean> knownTypes(ClassLoader loader) {
    Map<String, Boolean> known = toolTypes.get(loader);
    if (known == null) {
      // The JDK's application class loader is never taken for one that sees no tool annotation:
      // the JDK lets any agent add to its class path later (appendToSystemClassLoaderSearch), and
      // to the boot class path, which its resource look-ups do not see; a tool class would then
      // inherit its tools unseen. An application under toolguard has tools there, so the answer
      // would be "sees them" all the same.
      known = isJdkApplicationLoader(loader) ? new ConcurrentHashMap<>() : NO_TOOLS;
      for (int i = 0; known == NO_TOOLS && i < annotationResources.size(); i++) {
        if (sees(loader, annotationResources.get(i))) {
          known = new ConcurrentHashMap<>();
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
      if (!isJdks(loader, supertype)) {
        Boolean tools = known.get(supertype);
        if (tools == null) {
          byte[] superFile = definedClassFile(loader, supertype);
          ConstantPool superPool = superFile == null ? null : annotations.read(superFile);
          tools =
              superFile != null
                  && (annotations.mayBeNamedIn(superPool, superFile)
                      || marked(loader, superPool)
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
   * {@return the class file the loader will define for a class not loaded yet, or {@code null} if
   * it has none}: {@link #classFile}'s answer, found faster for the JDK's application class loader.
   *
   * <p>That loader defines a class outside the packages of the JVM's modules from the boot class
   * path if it is there, else from its own class path; that is where this reads it from. {@code
   * getResourceAsStream} would first search every module of the bootstrap and platform loaders for
   * the file (a class file outside a module's packages is never defined from it): half the cost of
   * a read, about 0.3 ms each before the JIT compiles it, and the LangChain4j example reads about a
   * hundred super types ahead. A class in a module's package, or one neither path has, is left to
   * {@link #classFile}.
   */
  byte[] definedClassFile(ClassLoader loader, String internalName) {
    if (bootClassPath != null
        && loader != null
        && isJdkApplicationLoader(loader)
        && moduleOfPackage(internalName) == null) {
      String resource = internalName + ".class";
      byte[] found = read(bootClassPath, resource);
      if (found == null) {
        found = read(loader.getUnnamedModule(), resource);
      }
      if (found != null) {
        return found;
      }
    }
    return classFile(loader, internalName);
  }

  /**
   * {@return whether the loader has this class file}, as its {@code getResource} finds it (a loader
   * of the application's own, never the JDK's application class loader)
   */
  private static boolean sees(ClassLoader loader, String resource) {
    return loader.getResource(resource) != null;
  }

  /**
   * {@return whether the loader is the JDK's application class loader}: a class of that name the
   * bootstrap loader defined (no other loader's class can pass for it)
   */
  static boolean isJdkApplicationLoader(ClassLoader loader) {
    Class<?> type = loader.getClass();
    return type.getClassLoader() == null
        && type.getName().equals("jdk.internal.loader.ClassLoaders$AppClassLoader");
  }

  /**
   * {@return whether the loader defines the super type from the JDK's own code, which declares no
   * tools}: a class in one of the JDK's packages ({@link Provenance.Purpose#DECLARES_NO_TOOLS})
   * that is {@code java.*} (which only the JDK's own loaders may define), or, for the JDK's
   * application class loader, in a package of one of the JDK's modules, which that loader defines
   * from the module and never from its class path. The package's name alone does not tell: a
   * library on the class path may have classes in {@code com.sun.} or {@code javax.} packages of
   * its own, with tools (and a loader of the application's own may define such a class itself), so
   * those are read.
   */
  boolean isJdks(ClassLoader loader, String supertype) {
    if (!Provenance.matchesInternalName(DECLARES_NO_TOOLS, supertype)) {
      return false;
    }
    if (supertype.startsWith("java/")) {
      return true;
    }
    Module module = isJdkApplicationLoader(loader) ? moduleOfPackage(supertype) : null;
    return module != null && Provenance.isJdkCode(module.getClassLoader(), module);
  }

  /** {@return the boot layer's module that holds the class's package, or {@code null}} */
  private Module moduleOfPackage(String internalName) {
    Map<String, Module> packages = modulePackages;
    if (packages == null) {
      packages = new HashMap<>();
      for (Module module : ModuleLayer.boot().modules()) {
        for (String name : module.getPackages()) {
          packages.put(name, module);
        }
      }
      modulePackages = packages;
    }
    int end = internalName.lastIndexOf('/');
    return end < 0 ? null : packages.get(internalName.substring(0, end).replace('/', '.'));
  }

  /**
   * {@return a resource of an unnamed module: the class path of its loader alone, without asking
   * the loader's parents; {@code null} if it has none or it cannot be read}
   */
  private static byte[] read(Module unnamed, String resource) {
    try (InputStream in = unnamed.getResourceAsStream(resource)) {
      return in == null ? null : ClassFileReads.whole(in);
    } catch (IOException unreadable) {
      return null;
    }
  }

  /**
   * {@return the bootstrap loader's unnamed module: that of toolguard's bootstrap package when it
   * was defined into that loader; else {@code null}}
   */
  private static Module bootClassPath() {
    Module module = WeakIdentityMap.class.getModule();
    return module.getClassLoader() == null && !module.isNamed() ? module : null;
  }

  /**
   * {@return the class file the loader has for the class, or {@code null} if it has none (as for
   * generated classes)}
   */
  static byte[] classFile(ClassLoader loader, String internalName) {
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      return in == null ? null : ClassFileReads.whole(in);
    } catch (IOException unreadable) {
      return null;
    }
  }
}
