package io.toolguard.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.env.EnvGuard;
import io.toolguard.agent.guard.ToolRegistry;
import io.toolguard.agent.tool.ToolInstrumentation;
import io.toolguard.api.Tool;
import io.toolguard.bootstrap.Dispatcher;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.ServiceLoader;
import java.util.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Function;
import java.util.logging.FileHandler;
import java.util.logging.LogManager;
import java.util.stream.Stream;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * Pins, for each purpose toolguard asks "whose code is this" for, the answers for a representative
 * set of classes, through the code that asks: tool weaving, a tool opening classes by reflection,
 * the tool-class prefilter, the environment check, thread starts and file access on the JDK's or a
 * library's own behalf. The stack-walking checks are handed made-up stacks, innermost frame first.
 */
class WhoseCodeTest {

  /** Application code: loaded by a loader of its own, outside every package toolguard knows. */
  private static final Class<?> APP = define("com.example.App");

  // Tool weaving

  @Test
  void toolWeavingLeavesToolguardsOwnClassesAndTheLibrariesItCarriesAlone() {
    for (String ours :
        List.of(
            "io/toolguard/agent/Startup",
            "io/toolguard/agent/tool/Tools",
            "io/toolguard/bootstrap/Dispatcher",
            "io/toolguard/shaded/bytebuddy/Tools",
            "io/toolguard/shaded/Tools")) {
      assertThat(weaves(ours)).as(ours).isFalse();
    }
  }

  @Test
  void toolWeavingWeavesEveryoneElsesToolClasses() {
    for (String theirs :
        List.of(
            "com/example/Tools",
            "io/toolguard/Tools",
            "io/toolguard/api/Tools",
            "io/toolguard/agentsmith/Tools",
            "io/toolguard/bootstrapping/Tools",
            "io/toolguard/shadedness/Tools",
            "ch/qos/logback/Tools",
            "javafx/Tools")) {
      assertThat(weaves(theirs)).as(theirs).isTrue();
    }
  }

  // A tool opening classes by reflection

  @Test
  void aToolMayNotOpenToolguardsOwnClassesOrTheLibrariesItCarriesByReflection() {
    for (Class<?> ours :
        List.of(
            EnvGuard.class,
            ToolInstrumentation.class,
            Dispatcher.class,
            define("io.toolguard.shaded.logback.Logger"))) {
      assertThat(closedToReflection(ours)).as(ours.getName()).isTrue();
    }
  }

  @Test
  void aToolMayOpenOtherClassesByReflectionAsFarAsToolguardIsConcerned() {
    for (Class<?> theirs :
        List.of(
            String.class,
            Thread.class,
            Tool.class,
            Test.class,
            APP,
            define("io.toolguard.agentsmith.Tools"),
            define("io.toolguard.shadedness.Tools"))) {
      assertThat(closedToReflection(theirs)).as(theirs.getName()).isFalse();
    }
  }

  // The tool-class prefilter

  @Test
  void theToolClassFilterReadsNoSuperTypeInJava() {
    // No loader but the JDK's own may define a class in java.*.
    for (String jdk : List.of("java/lang/Object", "java/util/AbstractList")) {
      assertThat(superTypeRead(jdk)).as(jdk).isFalse();
    }
  }

  @Test
  void theToolClassFilterReadsEveryOtherSuperType() {
    // A loader of the application's own may define a class in the JDK's other packages itself; for
    // the JDK's application class loader, see ToolClassFilterTest.
    for (String theirs :
        List.of(
            "javax/swing/AbstractAction",
            "jdk/internal/misc/Base",
            "sun/misc/Base",
            "com/sun/net/httpserver/Filter",
            "com/example/Base",
            "javafx/scene/Node",
            "javaxyz/Base",
            "jdkx/Base",
            "sunrise/Base",
            "com/sunny/Base",
            "com/Base",
            "io/toolguard/agent/Base",
            "io/toolguard/shaded/Base")) {
      assertThat(superTypeRead(theirs)).as(theirs).isTrue();
    }
  }

  // Environment variables and system properties

  @Test
  void aReadIsTheJdksWhenTheFirstCallerPastToolguardAndTheForwardingMethodsIsTheJdks() {
    assertThat(readByTheJdk(LogManager.class, APP)).as("boot loader").isTrue();
    assertThat(readByTheJdk(String.class, APP)).as("boot loader").isTrue();
    assertThat(readByTheJdk(java.sql.Timestamp.class, APP)).as("platform loader").isTrue();
    assertThat(readByTheJdk(Thread.class)).isTrue();
    assertThat(readByTheJdk()).as("no caller past toolguard and System").isTrue();
  }

  @Test
  void aReadIsTheToolsWhenTheFirstCallerPastToolguardAndTheForwardingMethodsIsNotTheJdks() {
    assertThat(readByTheJdk(APP)).isFalse();
    assertThat(readByTheJdk(APP, LogManager.class)).isFalse();
  }

  @Test
  void theMethodsThatHandASettingBackToWhoAskedOnlyForwardTheRead() {
    for (Class<?> forwarding :
        List.of(Boolean.class, Integer.class, Long.class, ProcessBuilder.class, System.class)) {
      assertThat(readByTheJdk(forwarding, APP)).as(forwarding.getName()).isFalse();
      assertThat(readByTheJdk(forwarding, LogManager.class)).as(forwarding.getName()).isTrue();
    }
  }

  @Test
  void toolguardsOwnFramesOnlyForwardTheReadButTheLibrariesItCarriesDoNot() {
    assertThat(readByTheJdk(EnvGuard.class, Dispatcher.class, APP)).isFalse();
    assertThat(readByTheJdk(EnvGuard.class, Dispatcher.class, LogManager.class)).isTrue();

    assertThat(readByTheJdk(define("io.toolguard.shaded.logback.Context"), LogManager.class))
        .isFalse();
    assertThat(readByTheJdk(define("io.toolguard.agentsmith.Reader"), LogManager.class)).isFalse();
  }

  /**
   * A method reference of the application's: a hidden class in its package and loader, as the JVM
   * spins for a lambda.
   */
  private static final Class<?> APP_METHOD_REFERENCE = hiddenInTheApplication();

  /** A lambda of the JDK's ({@code Function.identity()}): a hidden class of the boot loader. */
  private static final Class<?> JDK_LAMBDA = Function.identity().getClass();

  /**
   * {@return a hidden class of {@code com.example.Host}'s, defined with its own lookup in a loader
   * of its own}
   */
  private static Class<?> hiddenInTheApplication() {
    String lookup = "()Ljava/lang/invoke/MethodHandles$Lookup;";
    ClassWriter host = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    host.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "com/example/Host", null, "java/lang/Object", null);
    MethodVisitor method =
        host.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "lookup", lookup, null, null);
    method.visitCode();
    method.visitMethodInsn(
        Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup", lookup, false);
    method.visitInsn(Opcodes.ARETURN);
    method.visitMaxs(0, 0);
    method.visitEnd();
    host.visitEnd();
    ClassWriter hidden = new ClassWriter(0);
    hidden.visit(
        Opcodes.V17,
        Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC,
        "com/example/Host$$Lambda",
        null,
        "java/lang/Object",
        null);
    hidden.visitEnd();
    try {
      Class<?> hostClass = new Definer().define("com.example.Host", host.toByteArray());
      return ((MethodHandles.Lookup) hostClass.getMethod("lookup").invoke(null))
          .defineHiddenClass(hidden.toByteArray(), false)
          .lookupClass();
    } catch (ReflectiveOperationException unexpected) {
      throw new AssertionError(unexpected);
    }
  }

  /** A loader of the application's own. */
  private static final class Definer extends ClassLoader {
    Definer() {
      super(null);
    }

    Class<?> define(String name, byte[] classFile) {
      return defineClass(name, classFile, 0, classFile.length);
    }
  }

  @Test
  void aToolsMethodReferenceThatJdkCodeCallsIsTheToolAsking() {
    assertThat(APP_METHOD_REFERENCE.isHidden()).isTrue();
    assertThat(readByTheJdk(APP_METHOD_REFERENCE, Optional.class, APP)).isFalse();
    assertThat(readByTheJdk(APP_METHOD_REFERENCE, CompletableFuture.class, Thread.class))
        .as("on a pool's thread")
        .isFalse();
  }

  @Test
  void aReadThatReachedTheJdkThroughReflectionOrAMethodHandleIsNotTheJdksOwn() {
    for (Class<?> forwarder : List.of(MethodHandle.class, Method.class, JDK_LAMBDA)) {
      assertThat(readByTheJdk(forwarder, APP)).as(forwarder.getName()).isFalse();
      assertThat(readByTheJdk(forwarder, Optional.class, APP)).as(forwarder.getName()).isFalse();
      assertThat(readByTheJdk(forwarder, LogManager.class))
          .as("fails closed: " + forwarder.getName())
          .isFalse();
    }
    Class<?> proxy =
        Proxy.newProxyInstance(null, new Class<?>[] {Runnable.class}, (p, m, a) -> null).getClass();
    assertThat(readByTheJdk(proxy, Optional.class)).as("a proxy is not the JDK's code").isFalse();
  }

  @Test
  void aClassNamedLikeToolguardsInAnotherLoaderIsNotLookedPast() {
    assertThat(readByTheJdk(define("io.toolguard.agent.Impostor"), LogManager.class)).isFalse();
  }

  // Thread starts

  @Test
  void aThreadStartedThroughJdkCodeByAToolsMethodReferenceInheritsTheToolsContext() {
    assertThat(
            inherits(
                frame(Thread.class),
                frame(APP_METHOD_REFERENCE),
                frame(Optional.class),
                frame(APP)))
        .isTrue();
    assertThat(inherits(frame(Thread.class), frame(MethodHandle.class), frame(APP))).isTrue();
    assertThat(inherits(frame(Thread.class), frame(JDK_LAMBDA), frame(ThreadPoolExecutor.class)))
        .as("a JDK lambda only carries the pool's start out")
        .isFalse();
  }

  @Test
  void aThreadStartedByCodeOutsideTheJdkInheritsTheToolsContext() {
    assertThat(inherits(frame(Thread.class), frame(APP))).isTrue();
    assertThat(inherits(frame(Thread.class), frame(EnvGuard.class)))
        .as("toolguard is not the JDK")
        .isTrue();
    assertThat(inherits(frame(Thread.class), frame(define("io.toolguard.shaded.logback.Worker"))))
        .isTrue();
  }

  @Test
  void aThreadTheJdkStartsAsAPoolWorkerDoesNot() {
    assertThat(inherits(frame(Thread.class), frame(ThreadPoolExecutor.class), frame(APP)))
        .isFalse();
    assertThat(inherits(frame(Thread.class), frame(ForkJoinPool.class), frame(APP))).isFalse();
    assertThat(inherits(frame(Thread.class), frame(Thread.class, "java.lang.Thread$1"), frame(APP)))
        .as("only the thread classes themselves carry the start out")
        .isFalse();
  }

  @Test
  void theJdkCodeThatOnlyCarriesAStartOutIsLookedPast() {
    for (String carrying :
        List.of(
            "java.lang.Thread",
            "java.lang.VirtualThread",
            "java.lang.ThreadBuilders$VirtualThreadBuilder",
            "java.lang.ThreadBuilders",
            "jdk.internal.vm.ThreadContainers",
            "jdk.internal.vm.SharedThreadContainer",
            "java.lang.System$2")) {
      assertThat(inherits(frame(Thread.class), frame(Thread.class, carrying), frame(APP)))
          .as(carrying)
          .isTrue();
      assertThat(
              inherits(
                  frame(Thread.class),
                  frame(Thread.class, carrying),
                  frame(ThreadPoolExecutor.class)))
          .as(carrying)
          .isFalse();
    }
    assertThat(inherits(frame(Thread.class, "java.lang.VirtualThread"), frame(ForkJoinPool.class)))
        .isFalse();
    assertThat(inherits(frame(Thread.class, "java.lang.VirtualThread"), frame(APP))).isTrue();
  }

  @Test
  void aTimersThreadWorksForWhoeverCreatedTheTimer() throws ClassNotFoundException {
    assertThat(inherits(frame(Thread.class), frame(Timer.class), frame(ThreadPoolExecutor.class)))
        .isTrue();
    Class<?> timerThread = Class.forName("java.util.TimerThread");
    assertThat(inherits(frame(Thread.class), frame(timerThread), frame(ThreadPoolExecutor.class)))
        .isTrue();
  }

  @Test
  void nothingButToolguardOnTheStackBeforeOrPastTheStartLeavesItToTheTool() {
    assertThat(inherits(frame(EnvGuard.class), frame(Dispatcher.class))).isTrue();
    assertThat(inherits(frame(Dispatcher.class), frame(Thread.class))).isTrue();
    assertThat(
            inherits(
                frame(ThreadPoolExecutor.class),
                frame(Dispatcher.class),
                frame(Thread.class),
                frame(APP)))
        .as("frames before the start do not count")
        .isTrue();
  }

  // File access on the JDK's or a library's own behalf

  @Test
  void theJdkReadingItsClassPathServicesBundlesAndLoggingSetUpDoesSoOnItsOwnBehalf()
      throws ClassNotFoundException {
    for (Class<?> jdk :
        List.of(
            ClassLoader.class,
            URLClassLoader.class,
            ServiceLoader.class,
            ResourceBundle.class,
            LogManager.class,
            Class.forName("jdk.internal.loader.BuiltinClassLoader"),
            Class.forName("jdk.internal.loader.ClassLoaders$AppClassLoader"))) {
      assertThat(onBehalf(frame(FileInputStream.class), frame(jdk), frame(APP)))
          .as(jdk.getName())
          .isTrue();
    }
    assertThat(
            onBehalf(
                frame(FileInputStream.class),
                frame(URLClassLoader.class, "java.net.URLClassLoader$1"),
                frame(APP)))
        .as("a nested class")
        .isTrue();
    assertThat(
            onBehalf(
                frame(FileInputStream.class),
                frame(ServiceLoader.class, "java.util.ServiceLoader$LazyClassPathLookupIterator"),
                frame(APP)))
        .as("a nested class")
        .isTrue();
  }

  @Test
  void onlyTheJdkMayLieBetweenTheAccessAndTheCodeActingOnItsOwnBehalf() {
    assertThat(
            onBehalf(frame(FileInputStream.class), frame(Files.class), frame(ServiceLoader.class)))
        .isTrue();
    assertThat(onBehalf(frame(FileInputStream.class), frame(APP), frame(ServiceLoader.class)))
        .isFalse();
    assertThat(onBehalf(frame(FileInputStream.class), frame(APP))).isFalse();
    assertThat(onBehalf(frame(FileInputStream.class), frame(Files.class))).isFalse();
    assertThat(
            onBehalf(
                frame(FileInputStream.class), frame(EnvGuard.class), frame(ServiceLoader.class)))
        .as("toolguard is not the JDK")
        .isFalse();
  }

  @Test
  void aToolsMethodReferenceARowCallsIsNotTheRowsOwnWork() {
    assertThat(
            onBehalf(
                frame(FileInputStream.class),
                frame(Files.class),
                frame(APP_METHOD_REFERENCE),
                frame(LogManager.class)))
        .isFalse();
    assertThat(onBehalf(frame(FileInputStream.class), frame(JDK_LAMBDA), frame(LogManager.class)))
        .as("the JDK's own lambdas are the JDK's code")
        .isTrue();
  }

  @Test
  void theClassWhoseMethodIsCheckedIsNotItsOwnCaller() {
    assertThat(onBehalf(frame(URLClassLoader.class), frame(APP))).isFalse();
    assertThat(onBehalf(frame(URLClassLoader.class), frame(URLClassLoader.class), frame(APP)))
        .isFalse();
    assertThat(onBehalf(frame(ServiceLoader.class), frame(APP))).isFalse();
  }

  @Test
  void framesBeforeTheCheckDoNotCount() {
    assertThat(
            onBehalfFromTheTop(
                frame(ServiceLoader.class),
                frame(Dispatcher.class),
                frame(FileInputStream.class),
                frame(APP)))
        .isFalse();
    assertThat(onBehalfFromTheTop(frame(ServiceLoader.class), frame(FileInputStream.class)))
        .isFalse();
  }

  @Test
  void theJdksLogFileHandlerRotatingItsFileDoesSoOnItsOwnBehalfAndOnlyThen() {
    String handler = FileHandler.class.getName();
    assertThat(
            onBehalf(
                frame(FileOutputStream.class),
                frame(FileHandler.class, handler, "rotate"),
                frame(APP)))
        .isTrue();
    assertThat(
            onBehalf(
                frame(FileOutputStream.class),
                frame(FileHandler.class, handler, "open"),
                frame(APP)))
        .isFalse();
  }

  @Test
  void logbackAndLog4jRollingTheirLogFilesOverDoSoOnTheirOwnBehalf() {
    String logback = String.join(".", "ch", "qos", "logback", "");
    String log4j = "org.apache.logging.log4j.";
    for (String[] entry :
        new String[][] {
          {logback + "core.rolling.RollingFileAppender", "rollover"},
          {logback + "core.rolling.RollingFileAppender", "subAppend"},
          {logback + "core.FileAppender", "subAppend"},
          {log4j + "core.appender.rolling.RollingFileManager", "rollover"}
        }) {
      String described = entry[0] + "." + entry[1];
      assertThat(
              onBehalf(frame(FileOutputStream.class), frame(APP, entry[0], entry[1]), frame(APP)))
          .as(described)
          .isTrue();
      assertThat(onBehalf(frame(FileOutputStream.class), frame(APP, entry[0], "open"), frame(APP)))
          .as(described)
          .isFalse();
    }
    assertThat(
            onBehalf(
                frame(FileOutputStream.class),
                frame(APP, logback + "core.FileAppender", "rollover"),
                frame(APP)))
        .isFalse();
  }

  @Test
  void aLibrarysOwnCodeMayLieBetweenTheAccessAndItsEntryButNoOtherLibrarys() {
    String logback = String.join(".", "ch", "qos", "logback", "");
    String log4j = "org.apache.logging.log4j.";
    StackWalker.StackFrame logbackRolls =
        frame(APP, logback + "core.rolling.RollingFileAppender", "rollover");
    StackWalker.StackFrame log4jRolls =
        frame(APP, log4j + "core.appender.rolling.RollingFileManager", "rollover");

    assertThat(
            onBehalf(
                frame(FileOutputStream.class),
                frame(APP, logback + "core.recovery.ResilientFileOutputStream", "write"),
                frame(Files.class),
                logbackRolls))
        .isTrue();
    assertThat(
            onBehalf(
                frame(FileOutputStream.class),
                frame(APP, log4j + "core.appender.OutputStreamManager", "write"),
                log4jRolls))
        .isTrue();
    assertThat(
            onBehalf(
                frame(FileOutputStream.class),
                frame(APP, log4j + "core.appender.OutputStreamManager", "write"),
                logbackRolls))
        .isFalse();
    assertThat(
            onBehalf(
                frame(FileOutputStream.class),
                frame(APP, logback + "core.recovery.ResilientFileOutputStream", "write"),
                log4jRolls))
        .isFalse();
    assertThat(
            onBehalf(
                frame(FileOutputStream.class),
                frame(APP, logback + "core.FileAppender", "openFile"),
                frame(ServiceLoader.class)))
        .as("the JDK's entries once past a library's frame")
        .isFalse();
  }

  // How the checks are reached

  private static boolean weaves(String internalName) {
    return transform(ClassLoader.getSystemClassLoader(), internalName, toolClass(internalName))
        != null;
  }

  /**
   * {@return whether the prefilter reads the super type's class file to see whether it declares
   * tools}
   */
  private static boolean superTypeRead(String superType) {
    List<String> read = new ArrayList<>();
    ClassLoader recording =
        new ClassLoader(WhoseCodeTest.class.getClassLoader()) {
          @Override
          public InputStream getResourceAsStream(String name) {
            read.add(name);
            return super.getResourceAsStream(name);
          }
        };
    ClassWriter writer = new ClassWriter(0);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "com/example/Sub", null, superType, null);
    writer.visitEnd();
    assertThat(transform(recording, "com/example/Sub", writer.toByteArray())).isNull();
    return read.contains(superType + ".class");
  }

  private static byte[] transform(ClassLoader loader, String internalName, byte[] classFile) {
    try {
      Constructor<ToolInstrumentation> constructor =
          ToolInstrumentation.class.getDeclaredConstructor(ToolRegistry.class, List.class);
      constructor.setAccessible(true);
      return constructor
          .newInstance(new ToolRegistry(), List.of())
          .transform(loader, internalName, null, null, classFile);
    } catch (ReflectiveOperationException unexpected) {
      throw new AssertionError(unexpected);
    }
  }

  private static boolean closedToReflection(Class<?> type) {
    return (boolean) call("io.toolguard.agent.jvm.JvmGuard", "isToolguards", type);
  }

  /** Frames from the check outwards: toolguard's and {@code System}'s, then the ones given. */
  private static boolean readByTheJdk(Class<?>... callers) {
    Stream<Class<?>> stack =
        Stream.concat(
            Stream.of(EnvGuard.class, Dispatcher.class, System.class), Arrays.stream(callers));
    return (boolean)
        call(
            "io.toolguard.agent.env.EnvGuard",
            "askedByTheJdk",
            stack.map(WhoseCodeTest::frame).iterator());
  }

  /** Frames from the decision outwards: toolguard's, then the ones given, the start among them. */
  private static boolean inherits(StackWalker.StackFrame... frames) {
    return (boolean)
        call(
            "io.toolguard.agent.handoff.ThreadStarts",
            "startedByToolCode",
            Stream.concat(
                    Stream.of(frame(EnvGuard.class), frame(Dispatcher.class)),
                    Arrays.stream(frames))
                .iterator());
  }

  /**
   * Frames from the check outwards: toolguard's up to the dispatcher, then the ones given, the
   * checked one first.
   */
  private static boolean onBehalf(StackWalker.StackFrame... frames) {
    return onBehalfFromTheTop(
        Stream.concat(
                Stream.of(frame(EnvGuard.class), frame(Dispatcher.class)), Arrays.stream(frames))
            .toArray(StackWalker.StackFrame[]::new));
  }

  private static boolean onBehalfFromTheTop(StackWalker.StackFrame... frames) {
    return (boolean)
        call("io.toolguard.agent.file.OwnBehalfCallers", "onBehalf", List.of(frames).iterator());
  }

  private static Object call(String owner, String name, Object argument) {
    try {
      Method method =
          Arrays.stream(Class.forName(owner).getDeclaredMethods())
              .filter(
                  candidate ->
                      candidate.getName().equals(name) && candidate.getParameterCount() == 1)
              .findFirst()
              .orElseThrow(() -> new AssertionError(owner + " has no " + name));
      method.setAccessible(true);
      return method.invoke(null, argument);
    } catch (InvocationTargetException failure) {
      throw new AssertionError(failure.getCause());
    } catch (ReflectiveOperationException unexpected) {
      throw new AssertionError(unexpected);
    }
  }

  // Made-up classes and frames

  private static byte[] toolClass(String internalName) {
    return new ByteBuddy()
        .subclass(Object.class)
        .name(internalName.replace('/', '.'))
        .defineMethod("run", String.class, Visibility.PUBLIC)
        .intercept(FixedValue.value("ran"))
        .annotateMethod(AnnotationDescription.Builder.ofType(Tool.class).build())
        .make()
        .getBytes();
  }

  private static Class<?> define(String name) {
    return new ByteBuddy()
        .subclass(Object.class)
        .name(name)
        .make()
        .load(WhoseCodeTest.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
        .getLoaded();
  }

  private static StackWalker.StackFrame frame(Class<?> type) {
    return frame(type, type.getName());
  }

  private static StackWalker.StackFrame frame(Class<?> type, String className) {
    return frame(type, className, "call");
  }

  private static StackWalker.StackFrame frame(Class<?> type, String className, String methodName) {
    return new Frame(type, className, methodName);
  }

  /**
   * A frame of a method of {@code type}, under the class name given (a class this JDK may not
   * have).
   */
  private record Frame(Class<?> type, String className, String methodName)
      implements StackWalker.StackFrame {

    @Override
    public String getClassName() {
      return className;
    }

    @Override
    public String getMethodName() {
      return methodName;
    }

    @Override
    public Class<?> getDeclaringClass() {
      return type;
    }

    @Override
    public int getByteCodeIndex() {
      return 0;
    }

    @Override
    public String getFileName() {
      return null;
    }

    @Override
    public int getLineNumber() {
      return -1;
    }

    @Override
    public boolean isNativeMethod() {
      return false;
    }

    @Override
    public StackTraceElement toStackTraceElement() {
      return new StackTraceElement(className, methodName, null, -1);
    }
  }
}
