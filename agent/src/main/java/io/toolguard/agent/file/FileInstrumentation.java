package io.toolguard.agent.file;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.io.File;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.net.URL;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Weaves the file checks into the JDK: the default file system provider and its path class, the
 * attribute views, the directory stream, the {@code java.io} streams and {@link File}, and
 * {@code URLClassLoader}. Every class it weaves is loaded and woven at start-up (retransformed if
 * already loaded), and the start fails if any could not be, so the JVM never runs with file
 * confinement half in place.
 */
public final class FileInstrumentation implements ClassFileTransformer {

  private static final String VIEWS = "sun.nio.fs.UnixFileAttributeViews$";

  /** One advice class and the methods of one JDK class it is inlined into. */
  private record Weave(Class<?> advice, ElementMatcher<? super MethodDescription> methods) {}

  private final Map<String, List<Weave>> plan;
  private final Set<String> woven = ConcurrentHashMap.newKeySet();
  private final List<String> failures = new CopyOnWriteArrayList<>();

  private FileInstrumentation(Map<String, List<Weave>> plan) {
    this.plan = plan;
  }

  /**
   * Installs the checks.
   *
   * @throws IllegalStateException naming each JDK class that could not be woven
   */
  public static void install(Instrumentation instrumentation) {
    FileInstrumentation transformer = new FileInstrumentation(plan());
    instrumentation.addTransformer(transformer, true);
    try {
      List<Class<?>> targets = new ArrayList<>();
      for (String name : transformer.plan.keySet()) {
        targets.add(Class.forName(name, false, null));
      }
      instrumentation.retransformClasses(targets.toArray(Class<?>[]::new));
    } catch (ClassNotFoundException | UnmodifiableClassException unsupported) {
      throw new IllegalStateException("file confinement does not support this JDK (" + System.getProperty("java.version")
          + "): " + unsupported.getMessage() + ". Tool file access would go unchecked, so the JVM is not started");
    }
    transformer.requireAllWoven();
  }

  private static Map<String, List<Weave>> plan() {
    Map<String, List<Weave>> plan = new LinkedHashMap<>();
    // Each class of the provider's hierarchy gets the checks for the methods it declares, except
    // those a subclass overrides: calls reach the override first, and it often calls super.
    Set<String> overriddenBelow = new java.util.HashSet<>();
    for (Class<?> type = FileSystems.getDefault().provider().getClass(); type.getName().startsWith("sun.nio.fs.");
        type = type.getSuperclass()) {
      Set<String> overridden = Set.copyOf(overriddenBelow);
      ElementMatcher.Junction<MethodDescription> notOverridden = new ElementMatcher.Junction.AbstractBase<>() {
        @Override
        public boolean matches(MethodDescription method) {
          return !overridden.contains(signature(method));
        }
      };
      plan.put(type.getName(), providerWeaves().stream()
          .map(weave -> new Weave(weave.advice(), notOverridden.and(weave.methods()))).toList());
      for (java.lang.reflect.Method method : type.getDeclaredMethods()) {
        overriddenBelow.add(signature(new MethodDescription.ForLoadedMethod(method)));
      }
    }
    plan.put(FileSystems.getDefault().getPath("").getClass().getName(), List.of(
        new Weave(NioAdvice.RealPathOf.class, named("toRealPath").and(takesArguments(LinkOption[].class))),
        new Weave(NioAdvice.Watch.class, named("register").and(takesArguments(3)))));
    Weave viewWrites = new Weave(NioAdvice.ViewWrite.class, namedOneOf("setTimes", "setPermissions", "setOwner",
        "setGroup", "setReadOnly", "setHidden", "setArchive", "setSystem", "write", "delete"));
    for (String view : List.of(VIEWS + "Basic", VIEWS + "Posix", "sun.nio.fs.LinuxDosFileAttributeView",
        "sun.nio.fs.UnixUserDefinedFileAttributeView")) {
      plan.put(view, List.of(viewWrites));
    }
    plan.put("sun.nio.fs.UnixSecureDirectoryStream", List.of(new Weave(NioAdvice.RelativeToDirectory.class,
        namedOneOf("newDirectoryStream", "newByteChannel", "deleteFile", "deleteDirectory", "move", "getFileAttributeView")
            .and(takesArgument(0, Path.class)))));
    plan.put("java.io.FileInputStream", List.of(
        new Weave(JavaIoAdvice.OpenForReading.class, named("open").and(takesArguments(String.class)))));
    plan.put("java.io.FileOutputStream", List.of(
        new Weave(JavaIoAdvice.OpenForWriting.class, named("open").and(takesArguments(String.class, boolean.class)))));
    plan.put("java.io.RandomAccessFile", List.of(
        new Weave(JavaIoAdvice.OpenRandomAccess.class, named("open").and(takesArguments(String.class, int.class)))));
    plan.put("java.io.File", List.of(
        new Weave(JavaIoAdvice.Probe.class, namedOneOf("exists", "isDirectory", "isFile", "isHidden", "canRead",
            "canWrite", "canExecute", "lastModified", "length", "getTotalSpace", "getFreeSpace", "getUsableSpace",
            "getCanonicalPath").and(takesArguments(0))),
        new Weave(JavaIoAdvice.List.class, named("normalizedList").and(takesArguments(0))),
        new Weave(JavaIoAdvice.Create.class, namedOneOf("createNewFile", "mkdir").and(takesArguments(0))),
        new Weave(JavaIoAdvice.Change.class, named("setReadOnly").and(takesArguments(0))
            .or(named("setLastModified").and(takesArguments(long.class)))
            .or(namedOneOf("setWritable", "setReadable", "setExecutable").and(takesArguments(boolean.class, boolean.class)))),
        new Weave(JavaIoAdvice.Delete.class, namedOneOf("delete", "deleteOnExit").and(takesArguments(0))),
        new Weave(JavaIoAdvice.Rename.class, named("renameTo").and(takesArguments(File.class))),
        new Weave(JavaIoAdvice.CreateTemp.class, named("createTempFile").and(isStatic())
            .and(takesArguments(String.class, String.class, File.class)))));
    plan.put("java.net.URLClassLoader", List.of(
        new Weave(ClassLoaderAdvice.UrlsFirst.class, isConstructor().and(takesArgument(0, URL[].class))),
        new Weave(ClassLoaderAdvice.UrlsSecond.class, isConstructor().and(takesArgument(1, URL[].class))),
        new Weave(ClassLoaderAdvice.AddUrl.class, named("addURL").and(takesArguments(URL.class)))));
    return plan;
  }

  private static String signature(MethodDescription method) {
    return method.getName() + method.getParameters().asTypeList().asErasures();
  }

  /** The checks for the file system provider. */
  private static List<Weave> providerWeaves() {
    return List.of(
        new Weave(NioAdvice.Open.class, namedOneOf("newByteChannel", "newFileChannel", "newAsynchronousFileChannel")
            .and(takesArgument(0, Path.class)).and(takesArgument(1, Set.class))),
        new Weave(NioAdvice.Probe.class, namedOneOf("exists", "isDirectory", "isRegularFile").and(takesArguments(Path.class))
            .or(namedOneOf("checkAccess", "isReadable", "isWritable", "isExecutable", "isHidden", "getFileStore")
                .and(takesArgument(0, Path.class)))),
        new Weave(NioAdvice.ProbeWithOptionsSecond.class, named("exists").and(takesArguments(Path.class, LinkOption[].class))),
        new Weave(NioAdvice.ProbeWithOptionsThird.class, namedOneOf("readAttributes", "readAttributesIfExists",
            "getFileAttributeView").and(takesArguments(3)).and(takesArgument(0, Path.class))
            .and(takesArgument(2, LinkOption[].class))),
        new Weave(NioAdvice.ReadLink.class, named("readSymbolicLink").and(takesArguments(Path.class))),
        new Weave(NioAdvice.SameFile.class, named("isSameFile").and(takesArguments(Path.class, Path.class))),
        new Weave(NioAdvice.List.class, named("newDirectoryStream").and(takesArgument(0, Path.class))),
        new Weave(NioAdvice.CreateDirectory.class, named("createDirectory").and(takesArgument(0, Path.class))),
        new Weave(NioAdvice.Delete.class, named("implDelete").and(takesArgument(0, Path.class))),
        new Weave(NioAdvice.SetAttribute.class, named("setAttribute").and(takesArguments(4)).and(takesArgument(0, Path.class))),
        new Weave(NioAdvice.Copy.class, named("copy").and(takesArgument(0, Path.class)).and(takesArgument(1, Path.class))),
        new Weave(NioAdvice.Move.class, named("move").and(takesArgument(0, Path.class)).and(takesArgument(1, Path.class))),
        new Weave(NioAdvice.SymbolicLink.class, named("createSymbolicLink").and(takesArgument(0, Path.class))),
        new Weave(NioAdvice.HardLink.class, named("createLink").and(takesArguments(Path.class, Path.class))));
  }

  @Override
  public byte[] transform(ClassLoader loader, String internalName, Class<?> redefined, ProtectionDomain domain,
      byte[] classFile) {
    String name = internalName == null ? null : internalName.replace('/', '.');
    List<Weave> weaves = name == null || loader != null ? null : plan.get(name);
    if (weaves == null) {
      return null;
    }
    try {
      ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
          ClassFileLocator.ForClassLoader.ofBootLoader());
      TypePool pool = new TypePool.Default(new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.FAST);
      DynamicType.Builder<?> builder = new ByteBuddy().with(TypeValidation.DISABLED).decorate(pool.describe(name).resolve(), locator);
      for (Weave weave : weaves) {
        builder = builder.visit(Advice.to(weave.advice()).on(not(isAbstract()).and(weave.methods())));
      }
      byte[] result = builder.make(pool).getBytes();
      woven.add(name);
      return result;
    } catch (RuntimeException | LinkageError failure) {
      failures.add(name + ": " + failure);
      return null;
    }
  }

  private void requireAllWoven() {
    Set<String> missing = new TreeSet<>(plan.keySet());
    missing.removeAll(woven);
    if (!missing.isEmpty()) {
      throw new IllegalStateException("file confinement could not be installed on this JDK ("
          + System.getProperty("java.version") + "): " + (failures.isEmpty() ? "" : String.join("; ", failures) + "; ")
          + "not woven: " + String.join(", ", missing) + ". Tool file access would go unchecked, so the JVM is not started");
    }
  }
}
