package io.toolguard.agent.tool;

import static io.toolguard.agent.weave.Provenance.Purpose.NOT_WOVEN;

import io.toolguard.agent.approval.Approver;
import io.toolguard.agent.audit.AuditLog;
import io.toolguard.agent.guard.CallsRefused;
import io.toolguard.agent.guard.ToolCallGuard;
import io.toolguard.agent.guard.ToolRegistry;
import io.toolguard.agent.policy.ActivePolicy;
import io.toolguard.agent.threads.OwnThreads;
import io.toolguard.agent.tool.ClassModel.MethodModel;
import io.toolguard.agent.weave.Provenance;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Weaves the dispatcher's tool entry and exit ({@link ToolWeaver}) into every tool method (see
 * {@link ToolAnnotations}) of the classes loaded from now on and of those loaded already, and
 * registers the agent's decisions with the bootstrap dispatcher.
 *
 * <p>A class is only read when {@link ToolClassFilter} says it may declare tools, and then with
 * plain ASM ({@link ClassModel}): nothing of Byte Buddy is loaded for tool weaving, whose type
 * descriptions and {@code Advice} made the first class with tools cost 0.3 to 0.8 s.
 */
public final class ToolInstrumentation implements ClassFileTransformer {

  /** A class file no JVM defines: what a tool class becomes if it cannot be woven. */
  private static final byte[] REFUSED = new byte[] {0};

  /** Methods without a body of their own to weave: abstract, native and bridge methods. */
  private static final int NO_BODY = Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE;

  private final ToolRegistry registry;

  /** Told when a class with tools is woven, or null (a test's). */
  private final ToolCallGuard guard;

  private final ToolAnnotations annotations;
  private final ToolClassFilter filter;

  /**
   * The classes woven so far, by loader (identity) and internal name: each class file woven, with
   * its tool methods (name and descriptor, with the tool's number). A class retransformed later (by
   * another agent, or by the JVM for method tracing) from the class file it was woven from is woven
   * again from these, not from its hierarchy read afresh, which its loader may no longer serve (a
   * closed {@code URLClassLoader}): it could then come back with fewer tools, and run them
   * unchecked. Matched on the whole class file, not the name alone: a tool may hand a shared loader
   * other bytes under a loaded class's name, which the transformer sees before the JVM refuses the
   * duplicate.
   */
  private final io.toolguard.bootstrap.WeakIdentityMap<Map<String, List<Woven>>> woven =
      new io.toolguard.bootstrap.WeakIdentityMap<>();

  /** The key {@link #woven} keeps the bootstrap class loader's classes under. */
  private static final Object BOOTSTRAP_LOADER = new Object();

  /**
   * The most class files kept for one name and loader: the first ones (the class as it loaded comes
   * first), so that a tool handing a loader bytes under the name again and again neither grows the
   * memory nor pushes the class's own out.
   */
  private static final int KEPT_PER_CLASS = 4;

  /** A class file woven, and the tool numbers it was woven with. */
  private record Woven(byte[] classFile, Map<String, Integer> toolIds) {}

  private ToolInstrumentation(ToolRegistry registry, List<String> listedAnnotations) {
    this(registry, listedAnnotations, null);
  }

  private ToolInstrumentation(
      ToolRegistry registry, List<String> listedAnnotations, ToolCallGuard guard) {
    this.guard = guard;
    this.registry = registry;
    this.annotations = new ToolAnnotations(listedAnnotations);
    this.filter = new ToolClassFilter(annotations, listedAnnotations);
  }

  /**
   * {@return the guard that decides tool calls under the policy in force, asking {@code approver}
   * where a person must decide, and writing decisions to {@code audit}}
   *
   * @param realPath where a path in an argument really leads, for conditions on paths
   * @param refused why every call is denied now whatever the policy says ({@link
   *     CallsRefused#NEVER} for none)
   */
  public static ToolCallGuard guard(
      ActivePolicy active,
      AuditLog audit,
      Approver approver,
      java.util.function.UnaryOperator<java.nio.file.Path> realPath,
      CallsRefused refused) {
    return new ToolCallGuard(active, new ToolRegistry(), audit, approver, realPath, refused);
  }

  /**
   * {@return the tool weaving for {@code guard}, ready to {@link #install}}: made while the JDK is
   * still being woven, as its tables take a few milliseconds
   *
   * @param listedAnnotations further tool annotations, by name, from the policy
   */
  public static ToolInstrumentation prepare(ToolCallGuard guard, List<String> listedAnnotations) {
    return new ToolInstrumentation(guard.registry(), listedAnnotations, guard);
  }

  /**
   * Weaves the tool methods of classes loaded from now on, and, when the agent is attached to a
   * running JVM, of those loaded already; their calls go to the guard it was prepared for.
   *
   * <p>The transformer is registered as one that can retransform, beside the JDK weaving's and the
   * born classes' transformers: the JVM then hands each class file to one of the agent's JVMTI
   * environments instead of two, which copies every class file the application loads once less
   * (about 5 MB and 9 MiB of resident memory in the LangChain4j example on JDK 25). When another
   * agent retransforms a tool class, the JVM hands this transformer the class as it was first
   * defined and it weaves it again; if it cannot, it refuses, and the class keeps the code it has.
   * Only attached, or at a start from an AOT cache or CDS archive that holds the application's
   * classes (JDK 24 and later), are the loaded classes retransformed here: the JVM loads those
   * before {@code premain}, without asking any transformer, and their tool methods would run
   * unchecked. Otherwise the weaving is warmed up on a thread of its own ({@link WeavingWarmUp}),
   * so that the first tool class the application loads is not woven by code running for the first
   * time.
   */
  public void install(Instrumentation instrumentation, boolean attached) {
    boolean loadedBefore = attached || applicationClassesLoaded(instrumentation);
    instrumentation.addTransformer(this, true);
    if (loadedBefore) {
      retransformLoaded(instrumentation);
      return;
    }
    try {
      OwnThreads.daemon(
              new WeavingWarmUp(filter, ClassLoader.getSystemClassLoader()),
              "toolguard-weaving-warm-up")
          .start();
    } catch (OutOfMemoryError noThread) {
      // Only the head start is lost: the first tool class is woven as it loads.
    }
  }

  /**
   * {@return whether a class of an application's loader (not toolguard's own, nor one of the JDK's
   * modules that loader defines) is loaded already}: at a normal start only toolguard's classes and
   * the JDK weaving's ({@code jdk.attach}'s {@code HotSpotVirtualMachine}) are; from an AOT cache,
   * the application's may be.
   */
  static boolean applicationClassesLoaded(Instrumentation instrumentation) {
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      ClassLoader loader = type.getClassLoader();
      if (loader != null
          && loader != platform
          && !type.isArray()
          && !type.isHidden()
          && !Provenance.matches(NOT_WOVEN, type.getName())
          && !Provenance.isJdkCode(type)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Retransforms the loaded classes that may declare tools. From an AOT cache these are most of the
   * application's (about 1,600 in the LangChain4j example), so each class file is read from the jar
   * it came from ({@link LoadedClassFiles}), and super classes and interfaces are looked at before
   * the classes below them: the filter then knows them already, and does not read their class files
   * a second time.
   */
  private void retransformLoaded(Instrumentation instrumentation) {
    List<List<Class<?>>> byDepth = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (type.getClassLoader() != null
          && !type.isArray()
          && !type.isHidden()
          && !Provenance.matches(NOT_WOVEN, type.getName())
          && !Provenance.isJdkCode(type)
          && instrumentation.isModifiableClass(type)) {
        // an interface's depth is 0, a class's the number of classes above it
        int depth = 0;
        for (Class<?> above = type.getSuperclass(); above != null; above = above.getSuperclass()) {
          depth++;
        }
        while (byDepth.size() <= depth) {
          byDepth.add(new ArrayList<>());
        }
        byDepth.get(depth).add(type);
      }
    }
    List<Class<?>> candidates = new ArrayList<>();
    try (LoadedClassFiles classFiles = new LoadedClassFiles(filter)) {
      for (List<Class<?>> types : byDepth) {
        for (Class<?> type : types) {
          ClassLoader loader = type.getClassLoader();
          String internalName = type.getName().replace('.', '/');
          byte[] classFile = classFiles.read(type, internalName);
          // A class with no class file to read (a generated one) is looked at when retransformed.
          if (classFile == null || filter.mayDeclareTools(loader, internalName, classFile)) {
            candidates.add(type);
          }
        }
      }
    }
    try {
      instrumentation.retransformClasses(candidates.toArray(new Class<?>[0]));
    } catch (UnmodifiableClassException | RuntimeException | LinkageError batchFailed) {
      for (Class<?> type : candidates) {
        try {
          instrumentation.retransformClasses(type);
        } catch (UnmodifiableClassException | RuntimeException | LinkageError failure) {
          System.err.println(
              "toolguard: ERROR: could not instrument the loaded class "
                  + type.getName()
                  + "; its tool methods run unchecked: "
                  + failure);
        }
      }
    }
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String internalName,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] classFile) {
    Map<String, Integer> toolIds = null;
    try {
      if (internalName == null) {
        // Defined without a name (ClassLoader.defineClass(null, …)): named by its file.
        internalName = new ClassReader(classFile).getClassName();
      }
      if (Provenance.matchesInternalName(NOT_WOVEN, internalName)) {
        return null;
      }
      toolIds = redefined == null ? null : wovenBefore(loader, internalName, classFile);
      if (toolIds != null) {
        // Woven when it loaded: its tools again, whatever its loader serves now.
        return ToolWeaver.weave(classFile, toolIds);
      }
      return filter.mayDeclareTools(loader, internalName, classFile, redefined != null)
          ? weave(loader, internalName, classFile)
          : null;
    } catch (RuntimeException | LinkageError failure) {
      return refused(internalName, toolIds != null, redefined, failure);
    } catch (Throwable exhausted) {
      // The stack or memory ran out (a tool can exhaust its stack on purpose first): the JDK would
      // define the class as it is, its tools unchecked. Whether it has tools is not known, so it is
      // refused, without a word, which could fail the same way (new byte[1] is REFUSED made
      // without a call); a loaded class being retransformed keeps the code it has.
      return new byte[1];
    }
  }

  /**
   * {@return the tool methods the class was woven with from exactly this class file, or {@code
   * null}}
   */
  private synchronized Map<String, Integer> wovenBefore(
      ClassLoader loader, String internalName, byte[] classFile) {
    Map<String, List<Woven>> classes = woven.get(loader == null ? BOOTSTRAP_LOADER : loader);
    List<Woven> files = classes == null ? null : classes.get(internalName);
    for (Woven kept : files == null ? List.<Woven>of() : files) {
      if (java.util.Arrays.equals(kept.classFile(), classFile)) {
        return kept.toolIds();
      }
    }
    return null;
  }

  private synchronized void remember(
      ClassLoader loader, String internalName, byte[] classFile, Map<String, Integer> toolIds) {
    Object key = loader == null ? BOOTSTRAP_LOADER : loader;
    Map<String, List<Woven>> classes = woven.get(key);
    if (classes == null) {
      classes = new HashMap<>();
      woven.put(key, classes);
    }
    // Not computeIfAbsent: a lambda is a class spun where the first tool class loads.
    List<Woven> files = classes.get(internalName);
    if (files == null) {
      files = new ArrayList<>();
      classes.put(internalName, files);
    }
    if (files.size() < KEPT_PER_CLASS) {
      files.add(new Woven(classFile, Map.copyOf(toolIds)));
    }
  }

  /**
   * A class that may declare tools but could not be read or woven is not defined (fail closed): its
   * tool methods would otherwise run undecided and unconfined. The JVM refuses {@link #REFUSED}, so
   * loading the class fails with a {@code ClassFormatError}, named on stderr with the cause. A
   * class being retransformed is already defined. One woven when it loaded cannot be woven again
   * only if its own bytes cannot be: the retransformation is refused the same way, and the class
   * keeps its woven code. One not woven yet (attached to a running JVM; the README lists it among
   * the limitations) keeps the code it has, which is reported.
   */
  private static byte[] refused(
      String internalName, boolean wovenBefore, Class<?> redefined, Throwable failure) {
    String name = internalName == null ? "defined without a name" : internalName.replace('/', '.');
    if (wovenBefore) {
      System.err.println(
          "toolguard: ERROR: could not weave the loaded class "
              + name
              + " again, so its retransformation is refused and it keeps its woven code: "
              + failure);
      return REFUSED.clone();
    }
    if (redefined != null) {
      System.err.println(
          "toolguard: ERROR: could not instrument the loaded class "
              + name
              + "; its tool methods run unchecked: "
              + failure);
      return null;
    }
    System.err.println(
        "toolguard: ERROR: the class "
            + name
            + " may declare tools but could not be woven, so it is not loaded (its tools would run"
            + " unchecked): "
            + failure);
    return REFUSED.clone();
  }

  /**
   * Reads the class without its code first, which rules out most classes whose bytes merely name a
   * tool annotation; a class with tools is read again with its code, for parameter names and what
   * its bridge methods call (see {@link ToolAnnotations#toolsOf}), and woven.
   */
  private byte[] weave(ClassLoader loader, String internalName, byte[] classFile) {
    ClassModels types = new ClassModels(new LoaderFiles(filter, loader));
    ClassModel declared = ClassModel.read(classFile, false);
    if (!annotations.mayHaveTools(declared, weavable(declared), types)) {
      return null;
    }
    ClassModel type = ClassModel.read(classFile, true);
    List<ToolAnnotations.Found> tools = annotations.toolsOf(type, weavable(type), types);
    if (tools.isEmpty()) {
      return null;
    }
    Map<String, Integer> toolIds = new HashMap<>();
    for (ToolAnnotations.Found tool : tools) {
      toolIds.put(
          tool.method().name() + tool.method().descriptor(), registry.register(tool.tool()));
    }
    byte[] woven = ToolWeaver.weave(classFile, toolIds);
    remember(loader, internalName, classFile, toolIds);
    if (guard != null) {
      guard.toolsAhead();
    }
    return woven;
  }

  /**
   * The class files a class loader defines (the platform loader's for the boot loader), found as
   * the prefilter finds them ({@link ToolClassFilter#readAhead}). One the loader has but that
   * cannot be read now (too many files open, which a tool can cause on purpose before it has a tool
   * class loaded) throws, and the class is refused: read as absent, its tools would be missed for
   * good.
   */
  private static final class LoaderFiles implements ClassModels.ClassFiles {
    private final ToolClassFilter filter;
    private final ClassLoader loader;

    LoaderFiles(ToolClassFilter filter, ClassLoader loader) {
      this.filter = filter;
      this.loader = loader == null ? ClassLoader.getPlatformClassLoader() : loader;
    }

    @Override
    public byte[] find(String internalName) {
      return filter.readAhead(loader, internalName);
    }
  }

  /** {@return the methods with a body that can be tools: neither constructors nor initialisers} */
  static List<MethodModel> weavable(ClassModel type) {
    List<MethodModel> weavable = new ArrayList<>();
    for (MethodModel method : type.methods()) {
      if (!method.is(NO_BODY) && !method.name().startsWith("<")) {
        weavable.add(method);
      }
    }
    return weavable;
  }
}
