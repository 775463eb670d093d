package io.toolguard.agent.born;

import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.BoxedArgument;
import io.toolguard.agent.weave.Insertion.Check;
import io.toolguard.agent.weave.Insertion.Notify;
import io.toolguard.agent.weave.Insertion.Receiver;
import io.toolguard.agent.weave.Insertion.ReplaceCall;
import io.toolguard.agent.weave.Insertion.Returned;
import io.toolguard.bootstrap.Dispatcher;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;

/**
 * Finds the classes born in tools and weaves them: each class a loader created inside a tool
 * defines, as it is defined, and each hidden class (a lambda, a method reference) defined with the
 * lookup of such a class, through the JDK hooks below; and confines the JDK's generic callers
 * (proxies' handlers, method-handle proxies) that born code makes.
 */
public final class BornClasses implements ClassFileTransformer {

  /** The JDK's one implementation of its shared secrets for {@code java.lang}, by version. */
  private static final String LANG_ACCESS = "jdk.internal.access.JavaLangAccess";

  /** Its method that every class a {@code MethodHandles.Lookup} defines goes through. */
  private static final String DEFINE_CLASS_DESCRIPTOR =
      "(Ljava/lang/ClassLoader;Ljava/lang/Class;Ljava/lang/String;[B"
          + "Ljava/security/ProtectionDomain;ZILjava/lang/Object;)Ljava/lang/Class;";

  /**
   * A class file no JVM defines: what a born class becomes if it cannot be woven, so that it is
   * never defined unconfined.
   */
  private static final byte[] REFUSED = new byte[] {0};

  private BornClasses() {}

  /**
   * Registers the transformer that weaves born classes, as one that can retransform (one JVMTI
   * environment for all of the agent's transformers: see {@code ToolInstrumentation.install}). When
   * another agent retransforms or redefines a born class, the JVM hands it the class file without
   * the weaving, and it weaves it again for the call the class was born in.
   */
  public static void install(Instrumentation instrumentation) {
    instrumentation.addTransformer(new BornClasses(), true);
  }

  /** {@return the hooks by internal class name, for this JDK} */
  public static Map<String, List<Hook>> forThisJvm() {
    return Map.of(
        // a proxy is made: its handler runs in the context of the born code that made it
        "java/lang/reflect/Proxy",
        List.of(
            Hook.at(
                "newProxyInstance",
                "(Ljava/lang/ClassLoader;[Ljava/lang/Class;Ljava/lang/reflect/InvocationHandler;)"
                    + "Ljava/lang/Object;",
                Check.bornCallback(new Argument(2)))),
        // a method-handle proxy is made: its target, likewise
        "java/lang/invoke/MethodHandleProxies",
        List.of(
            Hook.at(
                "asInterfaceInstance",
                "(Ljava/lang/Class;Ljava/lang/invoke/MethodHandle;)Ljava/lang/Object;",
                Check.bornCallback(new Argument(1)))),
        // a class loader defines a class from bytes: in a tool, those bytes, and the class
        "java/lang/ClassLoader",
        List.of(
            Hook.at(
                "defineClass",
                "(Ljava/lang/String;[BIILjava/security/ProtectionDomain;)Ljava/lang/Class;",
                Check.definingClass(
                    new Argument(1), new Receiver(), new BoxedArgument(2), new BoxedArgument(3))),
            Hook.onReturn(
                "defineClass",
                "(Ljava/lang/String;[BIILjava/security/ProtectionDomain;)Ljava/lang/Class;",
                Check.classDefined(new Returned())),
            Hook.at(
                "defineClass",
                "(Ljava/lang/String;Ljava/nio/ByteBuffer;Ljava/security/ProtectionDomain;)"
                    + "Ljava/lang/Class;",
                Check.definingClassFromBuffer(new Argument(1), new Receiver())),
            // a loader hands a parent's resources on (its own, findResource's, are handed on where
            // they are read, below)
            Hook.at("getResource", RESOURCE, resourceOf(CLASS_LOADER)),
            Hook.at("getResources", RESOURCES, resourcesOf(CLASS_LOADER)),
            // a loader's resource is read on its behalf
            Hook.at("getResourceAsStream", RESOURCE_STREAM, resourceOf(CLASS_LOADER))),
        "java/net/URLClassLoader",
        List.of(
            Hook.at("getResourceAsStream", RESOURCE_STREAM, resourceOf("java/net/URLClassLoader"))),
        // a module layer's loader hands a parent's resources on
        "jdk/internal/loader/Loader",
        List.of(
            Hook.at("getResource", RESOURCE, resourceOf(CLASS_LOADER)),
            Hook.at("getResources", RESOURCES, resourcesOf(CLASS_LOADER))),
        // the service loader reads the provider lists a loader names
        "java/util/ServiceLoader$LazyClassPathLookupIterator",
        List.of(Hook.at("nextProviderClass", "()Ljava/lang/Class;", resourcesOf(CLASS_LOADER))),
        // a resource bundle's properties file a loader names is read
        bundleReader(),
        List.of(bundleRead()),
        // a class loader is being created: its unnamed module is, with it
        "java/lang/Module",
        List.of(
            Hook.at(
                "<init>",
                "(Ljava/lang/ClassLoader;)V",
                new Notify("loaderCreated", new Argument(0)))),
        // a lookup defines a class: its class file, lookup class and flags; then the class
        langAccess(),
        List.of(
            Hook.at(
                "defineClass",
                DEFINE_CLASS_DESCRIPTOR,
                Check.defineClass(new Argument(3), new Argument(1), new BoxedArgument(6))),
            Hook.onReturn(
                "defineClass",
                DEFINE_CLASS_DESCRIPTOR,
                Check.lookupDefined(new Returned(), new Argument(1)))));
  }

  private static final String CLASS_LOADER = "java/lang/ClassLoader";
  private static final String RESOURCE = "(Ljava/lang/String;)Ljava/net/URL;";
  private static final String RESOURCES = "(Ljava/lang/String;)Ljava/util/Enumeration;";
  private static final String RESOURCE_STREAM = "(Ljava/lang/String;)Ljava/io/InputStream;";

  /** {@return the method's calls of {@code owner.getResource(String)} made through the bridge} */
  private static ReplaceCall resourceOf(String owner) {
    return new ReplaceCall(owner, "getResource", RESOURCE, "resourceOf");
  }

  /** {@return the method's calls of {@code owner.getResources(String)} made through the bridge} */
  private static ReplaceCall resourcesOf(String owner) {
    return new ReplaceCall(owner, "getResources", RESOURCES, "resourcesOf");
  }

  /**
   * {@return the class whose code reads a resource bundle's properties file}: JDK 17's privileged
   * action, or (once JDK 24 dropped those) {@code ResourceBundle.Control} itself
   */
  private static String bundleReader() {
    try {
      Class<?> action = Class.forName("java.util.ResourceBundle$Control$2", false, null);
      if (action.getDeclaredMethod("run").getReturnType() == InputStream.class) {
        return "java/util/ResourceBundle$Control$2";
      }
    } catch (ClassNotFoundException | NoSuchMethodException none) {
      // a JDK without privileged actions
    }
    return "java/util/ResourceBundle$Control";
  }

  /** {@return the hook on the method of {@link #bundleReader} that reads the file} */
  private static Hook bundleRead() {
    return bundleReader().endsWith("$2")
        ? Hook.at("run", "()Ljava/io/InputStream;", resourceOf(CLASS_LOADER))
        : Hook.at(
            "newBundle0",
            "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/ClassLoader;Z)"
                + "Ljava/util/ResourceBundle;",
            resourceOf(CLASS_LOADER));
  }

  /**
   * {@return {@code classFile} woven for the call numbered {@code number}}: the entry {@code
   * Dispatcher.defineClass} reaches for hidden classes, which no class file transformer sees
   */
  public static byte[] weave(byte[] classFile, int number) {
    return BornWeaver.weave(classFile, number);
  }

  @Override
  public byte[] transform(
      ClassLoader loader,
      String internalName,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] classFile) {
    if (loader == null) {
      return null;
    }
    try {
      if (redefined != null) {
        return (byte[]) Dispatcher.weaveBornAgain(redefined, classFile);
      }
      if (!Dispatcher.bornClassDefining(loader)) {
        return null;
      }
      // A class defined without a name (ClassLoader.defineClass(null, …)) is named by its file.
      String name = internalName != null ? internalName : new ClassReader(classFile).getClassName();
      return (byte[]) Dispatcher.weaveBorn(loader, name, classFile);
    } catch (RuntimeException | LinkageError failure) {
      System.err.println(
          "toolguard: ERROR: could not weave "
              + internalName
              + ", which a class loader created inside a tool defines, so the class is refused"
              + " (a loaded class keeps the code it has): "
              + failure);
      return REFUSED.clone();
    } catch (Throwable exhausted) {
      // The stack or memory ran out (a tool can exhaust its stack on purpose first): the JDK would
      // define the class as it is, born code run unchecked. Refused without a word, which could
      // fail the same way; new byte[1] is REFUSED made without a call.
      return new byte[1];
    }
  }

  /**
   * Whether a class a loader created outside tools defines in a tool is born there: unless its
   * bytes are exactly the class file that loader holds for its name (the application's own class,
   * loaded where a tool first used it), it is code the tool brought (a shared script engine's
   * compiled script, bytes a tool handed a loader's {@code define} method).
   *
   * @return the class's internal name if it is born, else {@code null}
   * @throws IllegalArgumentException if the bytes are not a class file whose name can be read
   */
  public static String bornDefinition(
      ClassLoader loader, byte[] classFile, int offset, int length) {
    String internalName = new ClassReader(classFile, offset, length).getClassName();
    try (InputStream own = loader.getResourceAsStream(internalName + ".class")) {
      if (own != null) {
        byte[] held = own.readAllBytes();
        if (Arrays.equals(held, 0, held.length, classFile, offset, offset + length)) {
          return null;
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      // not a class file the loader holds
    }
    return internalName;
  }

  /** {@return the internal name of the JDK's class that implements {@code JavaLangAccess}} */
  private static String langAccess() {
    try {
      Class<?> access = Class.forName(LANG_ACCESS, false, null);
      for (int n = 1; n < 16; n++) {
        Class<?> candidate;
        try {
          candidate = Class.forName("java.lang.System$" + n, false, null);
        } catch (ClassNotFoundException none) {
          continue;
        }
        if (access.isAssignableFrom(candidate)) {
          return candidate.getName().replace('.', '/');
        }
      }
    } catch (ClassNotFoundException missing) {
      // reported below
    }
    throw new IllegalStateException(
        "toolguard found no implementation of " + LANG_ACCESS + " in this JDK");
  }
}
