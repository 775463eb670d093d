package io.toolguard.agent.tool;

import static io.toolguard.agent.weave.Provenance.Purpose.DECLARES_NO_TOOLS;

import io.toolguard.agent.weave.Provenance;
import io.toolguard.bootstrap.Dispatcher;
import io.toolguard.bootstrap.WeakIdentityMap;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells, as a class loads and from its bytes alone, whether it may declare tool methods: an
 * annotation on the class or one of its methods is a tool annotation, or of a type that stands for
 * one ({@link #markingTypes}), or a super class or interface's is. The annotations are read from
 * the class file's attributes ({@link ConstantPool#annotationTypes}) and named as reflection names
 * them ({@link AnnotationNames#className}), as the weaving names them afterwards ({@link
 * ToolAnnotations}), so a class this passes by has no tool the weaving would find. A subclass loads
 * before its super types, and a class before the annotation types it uses, so their class files are
 * read where the class loader will find them ({@link #definedClassFile}); what is learnt is kept
 * per loader, for the classes that extend the same types or use the same annotations. Loaders of
 * the application's own that cannot see any tool annotation cost nothing beyond the reading of each
 * class's own annotations; the JDK's application class loader is always taken to see them ({@link
 * #knownTypes}).
 */
final class ToolClassFilter {

  /** What {@link #toolTypes} holds for a loader that cannot see any tool annotation. */
  private static final Map<String, Known> NO_TOOLS = Map.of();

  private final ToolAnnotations annotations;
  private final List<String> annotationResources;

  /**
   * Per class loader: whether a class (internal name) declares or inherits tool methods, as far as
   * seen. Keyed by identity: a loader a tool creates can override {@code equals} to pass for the
   * application's, and would have its answers taken for that loader's classes.
   */
  private final WeakIdentityMap<Map<String, Known>> toolTypes = new WeakIdentityMap<>();

  /**
   * What is known of a class (by name, for a loader). A "may" holds for any bytes under the name. A
   * "no" is kept only where it is settled: learnt from the class file the loader has for the class
   * (read ahead for a subclass: what the loader defines under that name), or from the bytes the JVM
   * was handed on a thread where no tool runs (the application's own loading, which forges
   * nothing), and in either case leaning on no super type the loader had no class file for, which
   * may yet be made in memory with tools. From bytes handed over inside a tool, which the JVM may
   * still refuse (another class's bytes under the name, or a forged file), no "no" is kept, so
   * bytes a tool forges under the name of a class not loaded yet answer neither for it nor for its
   * subclasses. Compared by origin, not by a checksum of the bytes, which whoever forges them can
   * match.
   */
  private enum Known {
    /** It may declare tools. */
    MAY,
    /**
     * It declares none, as its class file tells: answers for its subclasses, and for the class
     * itself when it loads outside tools.
     */
    NONE_IN_ITS_FILE,
    /**
     * It declares none, as the bytes the JVM was handed for it outside tools tell: answers for its
     * subclasses only, not for other bytes under its name (after a definition that failed, or in a
     * redefinition).
     */
    NONE_AS_LOADED,
    /**
     * Nothing settled: it has no class file, or its answer leaned on a super type without one. Kept
     * only in place of a "no" learnt before; for a class not known it is not kept at all, which
     * answers the same.
     */
    UNSETTLED
  }

  /**
   * What a look at a class found: tools it may declare, none, or none so far, as a super type it
   * leans on had no class file to read.
   */
  private enum Finding {
    TOOLS,
    NONE,
    NONE_YET
  }

  /**
   * Per class loader (by identity, as {@link #toolTypes}): whether an annotation type (binary name)
   * stands for a tool annotation: it is annotated, at any depth, with one (Spring finds Spring AI's
   * {@code @Tool} through an application's own annotations so; this takes every tool annotation so,
   * more than the weaving does).
   */
  private final WeakIdentityMap<Map<String, Boolean>> markingTypes = new WeakIdentityMap<>();

  /**
   * The most annotation types one look for a tool annotation reads; past it, the annotation is
   * taken to stand for one (the weaving then reads the class and decides).
   */
  private static final int MOST_ANNOTATION_TYPES = 64;

  /**
   * The most answers {@link #markingTypes} keeps per loader: past it, an annotation type not known
   * yet is looked at again for each class (a tool can make up names without end).
   */
  private static final int MOST_REMEMBERED = 4096;

  /**
   * The most classes {@link #toolTypes} keeps an answer for per loader (about 100 bytes each): a
   * tool can hand its loader bytes under names without end ({@code Lookup.defineClass}), and each
   * would otherwise stay known for the life of the loader. Past it nothing more is kept, and a
   * class whose super type is not known yet may declare tools (the weaving then reads it with ASM
   * and decides): a large application's loader defines some 20,000 classes.
   */
  static final int MOST_KNOWN = 1 << 16;

  /** {@link #MOST_KNOWN}, or fewer for tests. */
  private final int mostKnown;

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
    this(annotations, listedAnnotations, bootClassPath, MOST_KNOWN);
  }

  ToolClassFilter(
      ToolAnnotations annotations,
      List<String> listedAnnotations,
      Module bootClassPath,
      int mostKnown) {
    this.annotations = annotations;
    this.bootClassPath = bootClassPath;
    this.mostKnown = mostKnown;
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
   * {@return {@link #mayDeclareTools(ClassLoader, String, byte[], boolean)} for a class loading}
   */
  boolean mayDeclareTools(ClassLoader loader, String internalName, byte[] classFile) {
    return mayDeclareTools(loader, internalName, classFile, false);
  }

  /**
   * {@return whether a class may declare tool methods}: an annotation on it or on one of its
   * methods is a tool annotation ({@link ToolAnnotations#marksTools}) or of a type that stands for
   * one ({@link #markingTypes}), or a super class or interface's is; remembered for the classes
   * that extend it. A class file whose constant pool or annotations this cannot read may declare
   * tools: the weaving reads it with ASM, and refuses it if that cannot either.
   *
   * @param redefined whether the class is loaded already and {@code classFile} redefines it (what
   *     was learnt of it before then answers nothing for these bytes)
   */
  boolean mayDeclareTools(
      ClassLoader loader, String internalName, byte[] classFile, boolean redefined) {
    Map<String, Known> known = loader == null ? null : knownTypes(loader);
    ConstantPool pool = ConstantPool.read(classFile);
    List<String> types = annotationTypes(pool);
    if (types == null || namesToolAnnotation(types)) {
      if (known != null) {
        // its subclasses, loaded later, need not read its class file again
        keep(known, internalName, Finding.TOOLS, Known.MAY);
      }
      return true;
    }
    if (known == null) {
      return false;
    }
    Known before = known.get(internalName);
    boolean inTool = Dispatcher.toolRuns();
    if (!redefined && (before == Known.MAY || before == Known.NONE_IN_ITS_FILE && !inTool)) {
      // A subclass loaded first and read this class's file already; a "may" holds for any bytes.
      // Inside a tool the bytes are looked at whatever the file said: they may be forged.
      return before == Known.MAY;
    }
    Finding found;
    try {
      found = markedOrInherits(loader, known, pool, types, 0, new Look());
    } catch (UncheckedIOException unreadable) {
      // A class file the answer needs is there but could not be read now (too many files open,
      // say): the class may declare tools, and nothing is learnt for the next one.
      return true;
    }
    if (found == Finding.TOOLS || !inTool) {
      // Outside tools the bytes are the application's own: its subclasses need not read this
      // class's file. Inside one, a "no" from bytes the JVM may refuse (forged under the name of a
      // class not loaded yet) would answer for the class's subclasses, and is not kept.
      keep(known, internalName, found, Known.NONE_AS_LOADED);
    }
    return found == Finding.TOOLS;
  }

  /**
   * {@return the binary names of the annotations the class file puts on the class and its methods
   * (and in their values), as reflection reads their descriptors ({@link
   * AnnotationNames#className}); {@code null} if the class file cannot be read}
   *
   * @param pool its constant pool, {@code null} when it could not be read
   */
  static List<String> annotationTypes(ConstantPool pool) {
    if (pool == null) {
      return null;
    }
    List<String> descriptors;
    try {
      descriptors = pool.annotationTypes();
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException unreadable) {
      return null;
    }
    List<String> types = new ArrayList<>(descriptors.size());
    for (String descriptor : descriptors) {
      types.add(AnnotationNames.className(descriptor));
    }
    return types;
  }

  private boolean namesToolAnnotation(List<String> types) {
    for (String type : types) {
      if (annotations.marksTools(type)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return whether one of these annotation types stands for a tool annotation}; more than {@link
   * #MOST_ANNOTATION_TYPES} of them may (the weaving then reads the class and decides)
   */
  private boolean standsForOne(ClassLoader loader, List<String> types) {
    if (types.isEmpty()) {
      return false;
    }
    if (types.size() > MOST_ANNOTATION_TYPES) {
      return true;
    }
    Map<String, Boolean> marking = markingTypes(loader);
    for (String type : types) {
      if (marks(loader, marking, type)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return whether the annotation type (binary name) is a tool annotation or stands for one
   * ({@link #markingTypes})}: a search through the class files of the annotation types it leads to,
   * each read where the loader finds it, as a super type's is. A search that finds none leaves
   * every type it read known to stand for none (it read all they lead to); one that finds one
   * leaves the type it started from known to. Types of the JDK's lead nowhere, and so do types the
   * loader has no class file for (one it makes in memory: a limitation the README names). A search
   * that would look at more than {@link #MOST_ANNOTATION_TYPES}, or meets a class file it cannot
   * read, takes the type for one that may; one whose loader's map holds {@link #MOST_REMEMBERED}
   * answers keeps no more.
   *
   * @throws UncheckedIOException if a class file the loader has cannot be read now (nothing is kept
   *     then)
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
      if (annotations.marksTools(type) || seen.size() > MOST_ANNOTATION_TYPES) {
        marks = true;
        continue;
      }
      Boolean answer = marking.get(type);
      if (answer != null) {
        marks = answer;
        continue;
      }
      String internalName = type.replace('.', '/');
      if (isJdks(loader, internalName)) {
        continue;
      }
      byte[] classFile = readAhead(loader, internalName);
      if (classFile == null) {
        continue;
      }
      List<String> further = annotationTypes(ConstantPool.read(classFile));
      if (further == null) {
        marks = true;
        continue;
      }
      for (String next : further) {
        if (seen.add(next)) {
          ahead.push(next);
        }
      }
    }
    if (marking.size() + seen.size() <= MOST_REMEMBERED) {
      if (marks) {
        marking.put(start, true);
      } else {
        for (String type : seen) {
          marking.put(type, false);
        }
      }
    }
    return marks;
  }

  private Map<String, Boolean> markingTypes(ClassLoader loader) {
    Map<String, Boolean> marking = markingTypes.get(loader);
    return marking != null ? marking : first(markingTypes, loader, new ConcurrentHashMap<>());
  }

  /**
   * {@return the loader's map in {@code maps}: {@code made}, unless another thread put one in
   * first}: two threads loading a loader's first classes must not each keep answers in a map of
   * their own, one of which is lost (a "may" with it, for a super type made in memory). The map's
   * lock is taken only here, never around the loader's own code.
   */
  private static <V> V first(WeakIdentityMap<V> maps, ClassLoader loader, V made) {
    synchronized (maps) {
      V there = maps.get(loader);
      if (there != null) {
        return there;
      }
      maps.put(loader, made);
      return made;
    }
  }

  /** {@return how many classes of the loader an answer is kept for} */
  int knownClasses(ClassLoader loader) {
    Map<String, Known> known = toolTypes.get(loader);
    return known == null ? 0 : known.size();
  }

  /**
   * {@return what is known about the classes of a loader that can see a tool annotation; {@code
   * null} if it cannot}
   */
  private Map<String, Known> knownTypes(ClassLoader loader) {
    Map<String, Known> known = toolTypes.get(loader);
    if (known == null) {
      // The JDK's application class loader is never taken for one that sees no tool annotation:
      // the JDK lets any agent add to its class path later (appendToSystemClassLoaderSearch), and
      // to the boot class path, which its resource look-ups do not see; a tool class would then
      // inherit its tools unseen. An application under toolguard has tools there, so the answer
      // would be "sees them" all the same.
      known =
          first(
              toolTypes,
              loader,
              isJdkApplicationLoader(loader) || seesToolAnnotations(loader)
                  ? new ConcurrentHashMap<>()
                  : NO_TOOLS);
    }
    return known == NO_TOOLS ? null : known;
  }

  /**
   * {@return what the class's super types declare}: each as kept in {@code known} where that is
   * settled, else as its class file tells (and then kept); none yet where one has no class file
   */
  private Finding inheritsTools(
      ClassLoader loader, Map<String, Known> known, ConstantPool pool, int depth, Look look) {
    List<String> supertypes;
    try {
      supertypes = pool.supertypes();
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException unreadable) {
      // no JVM defines it
      return Finding.NONE;
    }
    Finding found = Finding.NONE;
    for (String supertype : supertypes) {
      if (isJdks(loader, supertype)) {
        continue;
      }
      Known stored = known.get(supertype);
      Finding above;
      if (stored == Known.MAY) {
        above = Finding.TOOLS;
      } else if (stored == Known.NONE_IN_ITS_FILE || stored == Known.NONE_AS_LOADED) {
        above = Finding.NONE;
      } else if (look.unsettled(supertype)) {
        // reached again by another path of this look
        above = Finding.NONE_YET;
      } else if (look.readsUsedUp() || known.size() >= mostKnown) {
        // A hierarchy wider than is looked into may declare tools (ASM then reads the class); so
        // may one above which nothing more can be kept: a "may" not kept for a super type defined
        // in memory with tools would leave its subclasses unwoven.
        return Finding.TOOLS;
      } else {
        // Not seen yet, or unsettled: a super type made in memory since may have been seen now.
        byte[] superFile = readAhead(loader, supertype);
        above =
            superFile == null
                ? Finding.NONE_YET
                : declaresTools(loader, known, superFile, depth, look);
        // No file: the class may yet be defined from bytes held in memory, and is read then.
        keep(known, supertype, above, Known.NONE_IN_ITS_FILE);
        if (above == Finding.NONE_YET) {
          look.unsettle(supertype);
        }
      }
      if (above == Finding.TOOLS) {
        return Finding.TOOLS;
      }
      if (above == Finding.NONE_YET) {
        found = Finding.NONE_YET;
      }
    }
    return found;
  }

  /**
   * {@return what a super type's class file declares, as {@link #mayDeclareTools} tells (what it
   * learns of the types above kept in {@code known})}
   */
  private Finding declaresTools(
      ClassLoader loader, Map<String, Known> known, byte[] classFile, int depth, Look look) {
    ConstantPool pool = ConstantPool.read(classFile);
    List<String> types = annotationTypes(pool);
    return types == null || namesToolAnnotation(types)
        ? Finding.TOOLS
        : markedOrInherits(loader, known, pool, types, depth + 1, look);
  }

  /**
   * {@return whether a class that names no tool annotation itself may declare tools all the same}:
   * it may where an annotation of it stands for one, or a super type declares tools, or the
   * hierarchy is deeper than is looked into; it declares none yet where a super type leaned on has
   * no class file
   *
   * @param depth how many super types up from the class loading the class is
   */
  private Finding markedOrInherits(
      ClassLoader loader,
      Map<String, Known> known,
      ConstantPool pool,
      List<String> types,
      int depth,
      Look look) {
    return standsForOne(loader, types) || depth > 64
        ? Finding.TOOLS
        : inheritsTools(loader, known, pool, depth, look);
  }

  /**
   * Keeps what a look found for a class: tools as a "may", none as {@code none} (which says how it
   * was learnt), none yet as unsettled; never a "no" or an unsettled answer over a "may" another
   * thread or another path kept meanwhile: a "may" holds for any bytes under the name. Nothing is
   * added for a class not known yet once the loader's map is full ({@link #MOST_KNOWN}).
   */
  private void keep(Map<String, Known> known, String internalName, Finding found, Known none) {
    Known learnt =
        found == Finding.TOOLS ? Known.MAY : found == Finding.NONE ? none : Known.UNSETTLED;
    while (true) {
      Known kept = known.get(internalName);
      if (kept == null && learnt == Known.UNSETTLED) {
        // Nothing settled, as nothing kept: it is looked at afresh either way, and a tool handing
        // over classes above made-up names does not fill the map with them.
        return;
      }
      if (kept == null && known.size() >= mostKnown) {
        // Full: the class is looked at afresh when it loads again, and a class below it may
        // declare tools (inheritsTools).
        full(internalName);
        return;
      }
      kept = kept == null ? known.putIfAbsent(internalName, learnt) : kept;
      if (kept == null
          || kept == learnt
          || kept == Known.MAY
          || known.replace(internalName, kept, learnt)) {
        return;
      }
    }
  }

  /** Whether a loader's answers filled up ({@link #MOST_KNOWN}): said once. */
  private volatile boolean saidFull;

  /**
   * Where that is said: the process's standard error through a stream of toolguard's own, made
   * before any tool runs. Not {@code System.err}, whose lock a tool can hold on a thread of its own
   * while it fills a loader's answers: the warning is written inside a class transformer, and the
   * application thread loading the class would wait for that lock for good.
   */
  private final FileOutputStream warnings = new FileOutputStream(FileDescriptor.err);

  private void full(String internalName) {
    if (!saidFull) {
      saidFull = true;
      say(
          "toolguard: WARNING: toolguard keeps what it learns of at most "
              + mostKnown
              + " classes per class loader, and a loader has reached that (at "
              + internalName.replace('/', '.')
              + "): from now on, its classes below a type not known yet are read whole as they"
              + " load, which is slower. A very large application, or a tool that defines classes"
              + " without end, does this.");
    }
  }

  private void say(String line) {
    try {
      warnings.write((line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
    } catch (IOException notWritten) {
      // standard error closed: nothing to tell it on
    }
  }

  /** One look at a class: its super types found unsettled so far, and the class files read. */
  private static final class Look {

    /**
     * The most super types' class files one look reads: past it the class may declare tools (a tool
     * can serve a hierarchy of made-up types without end).
     */
    private static final int MOST_READS = 256;

    private Set<String> unsettled;
    private int reads;

    boolean unsettled(String internalName) {
      return unsettled != null && unsettled.contains(internalName);
    }

    void unsettle(String internalName) {
      if (unsettled == null) {
        unsettled = new HashSet<>();
      }
      unsettled.add(internalName);
    }

    /** Counts a read to come; {@return whether the look has read as many as it may} */
    boolean readsUsedUp() {
      return ++reads > MOST_READS;
    }
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
    return find(loader, internalName, false);
  }

  /**
   * {@return {@link #definedClassFile}'s answer, for the prefilter's reading ahead and the
   * weaving's reading of super types and annotation types}: a class file the loader has but that
   * cannot be read now is not taken for one it does not have
   *
   * @throws UncheckedIOException then
   */
  byte[] readAhead(ClassLoader loader, String internalName) {
    return find(loader, internalName, true);
  }

  private byte[] find(ClassLoader loader, String internalName, boolean strict) {
    String resource = internalName + ".class";
    if (bootClassPath != null
        && loader != null
        && isJdkApplicationLoader(loader)
        && moduleOfPackage(internalName) == null) {
      byte[] found = read(bootClassPath, resource, strict);
      if (found == null) {
        found = read(loader.getUnnamedModule(), resource, strict);
      }
      if (found != null) {
        return found;
      }
    }
    byte[] found = classFile(loader, internalName);
    if (found == null && strict && loader.getResource(resource) != null) {
      // getResourceAsStream answers null for a file it finds but cannot read
      throw new UncheckedIOException(
          new IOException(loader + " has " + resource + " but it could not be read"));
    }
    return found;
  }

  /**
   * {@return whether the loader has the class file of a tool annotation: toolguard's, a
   * framework's, or one the policy lists}
   */
  boolean seesToolAnnotations(ClassLoader loader) {
    for (String resource : annotationResources) {
      if (sees(loader, resource)) {
        return true;
      }
    }
    return false;
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
   * the loader's parents; {@code null} if it has none, or (unless {@code strict}) it cannot be
   * read}
   *
   * @throws UncheckedIOException if {@code strict} and it cannot be read
   */
  private static byte[] read(Module unnamed, String resource, boolean strict) {
    try (InputStream in = unnamed.getResourceAsStream(resource)) {
      return in == null ? null : ClassFileReads.whole(in);
    } catch (IOException unreadable) {
      if (strict) {
        throw new UncheckedIOException(unreadable);
      }
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
