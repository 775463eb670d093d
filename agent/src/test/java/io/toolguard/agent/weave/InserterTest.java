package io.toolguard.agent.weave;

import static io.toolguard.agent.weave.Insertion.Check.checkConnect;
import static io.toolguard.agent.weave.Insertion.Check.checkExec;
import static io.toolguard.agent.weave.Insertion.Check.checkFile;
import static io.toolguard.agent.weave.Insertion.Check.checkListen;
import static io.toolguard.agent.weave.Insertion.Check.filterVariable;
import static io.toolguard.agent.weave.Insertion.Check.filterVariables;
import static io.toolguard.agent.weave.Insertion.Check.jvmAction;
import static io.toolguard.agent.weave.Insertion.Check.unpooled;
import static io.toolguard.bootstrap.Dispatcher.NO_FOLLOW;
import static io.toolguard.bootstrap.Dispatcher.PROBE;
import static io.toolguard.bootstrap.Dispatcher.RANDOM_ACCESS_MODE;
import static io.toolguard.bootstrap.Dispatcher.READ;
import static io.toolguard.bootstrap.Dispatcher.RESOLVED;
import static io.toolguard.bootstrap.Dispatcher.VIEW;
import static io.toolguard.bootstrap.Dispatcher.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolguard.agent.env.EnvHooks;
import io.toolguard.agent.exec.ExecHooks;
import io.toolguard.agent.file.FileHooks;
import io.toolguard.agent.handoff.HandOffHooks;
import io.toolguard.agent.jvm.JvmHooks;
import io.toolguard.agent.net.NetHooks;
import io.toolguard.agent.net.PoolHooks;
import io.toolguard.agent.weave.Insertion.Argument;
import io.toolguard.agent.weave.Insertion.AroundCall;
import io.toolguard.agent.weave.Insertion.BoxedArgument;
import io.toolguard.agent.weave.Insertion.Check;
import io.toolguard.agent.weave.Insertion.Constant;
import io.toolguard.agent.weave.Insertion.Field;
import io.toolguard.agent.weave.Insertion.HandOff;
import io.toolguard.agent.weave.Insertion.Nothing;
import io.toolguard.agent.weave.Insertion.Notify;
import io.toolguard.agent.weave.Insertion.OnExit;
import io.toolguard.agent.weave.Insertion.Receiver;
import io.toolguard.agent.weave.Insertion.Returned;
import io.toolguard.bootstrap.BootstrapTesting;
import io.toolguard.bootstrap.Dispatcher;
import io.toolguard.bootstrap.HandOffs;
import io.toolguard.bootstrap.RecordingHooks;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimerTask;
import java.util.function.Supplier;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inserter, in-process: {@link Fixture}'s methods, shaped as the JDK methods the hook tables
 * name, are woven as the JDK is and defined by a class loader of the test's, and what the inserted
 * calls reach is this JVM's class-path copy of the bridge, with recording hooks. The JVM verifies
 * the woven class, so a wrong stack or frame fails here.
 */
class InserterTest {

  private static final String FIXTURE = Type.getInternalName(Fixture.class);
  private static final List<Hook> HOOKS =
      List.of(
          Hook.at(
              "open",
              "(Ljava/lang/String;)Ljava/lang/String;",
              checkFile(new Argument(0), READ | RESOLVED).rewriting()),
          Hook.at(
              "openRandomAccess",
              "(Ljava/lang/String;I)Ljava/lang/String;",
              checkFile(new Argument(0), READ | RESOLVED | RANDOM_ACCESS_MODE, new BoxedArgument(1))
                  .rewriting()),
          Hook.at("exists", "()Z", checkFile(new Receiver(), PROBE)),
          Hook.at(
              "readAttributes",
              "()Z",
              checkFile(
                  new Field(FIXTURE, "file", "Ljava/lang/String;"),
                  PROBE | VIEW,
                  new Field(FIXTURE, "followLinks", "Z"))),
          Hook.onReturn(
              "generateFile", "()Ljava/lang/Object;", checkFile(new Returned(), WRITE | NO_FOLLOW)),
          Hook.onReturn("getenv", "()Ljava/util/Map;", filterVariables(new Returned())),
          Hook.at(
              "getenv", "(Ljava/lang/String;)Ljava/lang/String;", filterVariable(new Argument(0))),
          Hook.at(
              "netConnect",
              "(Ljava/lang/Object;ILjava/lang/Object;I)I",
              checkConnect(new Argument(2), new BoxedArgument(3))),
          Hook.at("bind", "(Ljava/lang/Object;)V", checkListen(new Argument(0))),
          Hook.at(
              "start",
              "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
              checkExec(new Argument(0), new Argument(1), new Nothing(), new Nothing())),
          Hook.at("exit", "(I)V", jvmAction(new Constant("exit the JVM"))),
          Hook.at("execute", "(Ljava/lang/Runnable;)Ljava/lang/Runnable;", new HandOff(0)),
          Hook.at(
              "doExec",
              "(Ljava/lang/Runnable;)V",
              new Notify("forkJoinTaskRunning", new Receiver()),
              new OnExit("forkJoinTaskDone", new Receiver())),
          Hook.at(
              "mainLoop",
              "(Ljava/util/TimerTask;)V",
              new AroundCall("java/util/TimerTask", "run", "timerTaskRunning", "timerTaskDone")),
          Hook.at(
              "lookUp",
              "(Ljava/lang/String;Ljava/lang/Object;)Ljava/lang/Object;",
              unpooled(new Argument(1), Dispatcher.IDENTITY_KEY)),
          Hook.onReturn(
              "keyFor",
              "(Ljava/lang/String;)Ljava/lang/String;",
              unpooled(new Returned(), Dispatcher.NAME_KEY)));

  private static final Set<Hook> FOUND = new HashSet<>();
  private static FixtureCalls woven;

  private final RecordingHooks hooks = new RecordingHooks();

  @BeforeAll
  static void weaveTheFixture() throws Exception {
    byte[] classFile;
    try (InputStream in = Fixture.class.getResourceAsStream("Fixture.class")) {
      classFile = in.readAllBytes();
    }
    byte[] wovenFile = Inserter.weave(FIXTURE, classFile, HOOKS, FOUND);
    Class<?> type =
        Class.forName(
            Fixture.class.getName(), true, new WeavingLoader(Fixture.class.getName(), wovenFile));
    woven = (FixtureCalls) type.getConstructor().newInstance();
  }

  @BeforeEach
  void installHooks() {
    BootstrapTesting.install(hooks);
    // The woven fixture runs tasks as ForkJoinTask and the timer's thread do.
    BootstrapTesting.runners(woven.getClass());
    // and stands in for the JDK objects the woven checks are given.
    BootstrapTesting.jdkClasses(woven.getClass());
  }

  @AfterEach
  void reset() {
    BootstrapTesting.reset();
  }

  private static <T> T inTool(Supplier<T> body) {
    Object frame = Dispatcher.enterTool(1, new Object[0]);
    try {
      return body.get();
    } finally {
      Dispatcher.exitTool(frame);
    }
  }

  private static void inTool(Runnable body) {
    inTool(
        () -> {
          body.run();
          return null;
        });
  }

  private List<String> checks() {
    return hooks.calls.stream()
        .filter(call -> !call.startsWith("enterTool") && !call.equals("jvmInitialising"))
        .toList();
  }

  @Test
  void everyHookFindsItsMethodAndTheWovenClassIsAnotherThanTheFixture() {
    assertThat(FOUND).containsExactlyInAnyOrderElementsOf(HOOKS);
    assertThat(woven.getClass()).isNotSameAs(Fixture.class);
    assertThat(woven.getClass().getClassLoader()).isInstanceOf(WeavingLoader.class);
  }

  @Test
  void outsideToolsTheWovenMethodsDoWhatTheyDidAndReachNoHook() {
    hooks.answer = "something else";
    Runnable task = () -> {};

    assertThat(woven.open("link")).isEqualTo("link");
    assertThat(woven.openRandomAccess("file", 1)).isEqualTo("file");
    assertThat(woven.exists()).isTrue();
    assertThat(woven.readAttributes()).isFalse();
    assertThat(woven.generateFile()).isEqualTo("/tmp/generated");
    assertThat(woven.getenv()).containsOnlyKeys("HOME", "SECRET");
    assertThat(woven.getenv("SECRET")).isEqualTo("SECRET");
    assertThat(woven.connect("example.com", 443)).isEqualTo(443);
    woven.bind(null);
    Object environment = new Object();
    assertThat(woven.start(environment, new String[] {"true"})).isSameAs(environment);
    woven.exit(0);
    assertThat(woven.execute(task)).isSameAs(task);
    woven.doExec(task);
    woven.mainLoop(timerTask(task));

    assertThat(hooks.calls).isEmpty();
  }

  @Test
  void aFileCheckReachesTheDispatcherAndItsAnswerIsThePathTheMethodOpens() {
    hooks.answer = "/real/path";

    assertThat(inTool(() -> woven.open("link"))).isEqualTo("/real/path");
    assertThat(checks()).containsExactly("checkFile tool 1: [link, 33, null]");
  }

  @Test
  void aFileCheckIsGivenTheReceiverAFieldOrABoxedArgument() {
    inTool(
        () -> {
          woven.exists();
          woven.readAttributes();
          woven.openRandomAccess("data.bin", 1);
        });

    assertThat(checks())
        .containsExactly(
            "checkFile tool 1: [" + woven + ", 8, null]",
            "checkFile tool 1: [/fixture/file, 1032, false]",
            "checkFile tool 1: [data.bin, 545, 1]");
  }

  @Test
  void aCheckOnWhatAMethodReturnsSeesItAndItsAnswerIsReturnedOnlyWhenItRewrites() {
    hooks.answer = "not returned";
    assertThat(inTool(() -> woven.generateFile())).isEqualTo("/tmp/generated");

    hooks.answer = Map.of("HOME", "/home/user");
    assertThat(inTool(() -> woven.getenv())).isEqualTo(Map.of("HOME", "/home/user"));

    assertThat(checks())
        .hasSize(2)
        .first()
        .isEqualTo("checkFile tool 1: [/tmp/generated, 18, null]");
    assertThat(checks().get(1)).startsWith("filterVariables tool 1: [{").contains("SECRET=s3cr3t");
  }

  @Test
  void aWovenPoolLooksUpByItsOwnKeyOutsideToolsAndByOneNothingIsPooledUnderInside() {
    Object factory = new Object();

    assertThat(woven.lookUp("http://b/", factory)).isSameAs(factory);
    assertThat(woven.keyFor("b")).isEqualTo("C:b:80");
    Object insideKey = inTool(() -> woven.lookUp("http://b/", factory));
    String insideName = inTool(() -> woven.keyFor("b"));

    assertThat(insideKey).isNotNull().isNotSameAs(factory);
    assertThat(insideName).startsWith("C:b:80").isNotEqualTo("C:b:80");
    assertThat(checks()).isEmpty();
  }

  @Test
  void aFilterAnswerIsTheNameTheMethodLooksUp() {
    hooks.answer = "\0not granted";

    assertThat(inTool(() -> woven.getenv("SECRET"))).isEqualTo("\0not granted");
    assertThat(checks()).containsExactly("filterVariable tool 1: [SECRET]");
  }

  @Test
  void theOtherChecksReachTheirOwnEntries() {
    assertThat(inTool(() -> woven.connect("example.com", 443))).isEqualTo(443);
    inTool(
        () -> {
          woven.bind("localhost:8080");
          woven.start(null, new String[] {"true"});
          woven.exit(3);
        });

    assertThat(checks())
        .containsExactly(
            "checkConnect tool 1: [example.com, 443]",
            "checkListen tool 1: [localhost:8080]",
            "checkExec tool 1: [[true], null]",
            "jvmAction tool 1: [exit the JVM]");
  }

  @Test
  void aWovenCheckThatIsDeniedOrCannotDecideStopsTheMethod() {
    SecurityException denial = new SecurityException("Tool 'x' may not exit the JVM");
    assertThatThrownBy(
            () ->
                inTool(
                    () -> {
                      hooks.failure = denial;
                      woven.exit(0);
                    }))
        .isSameAs(denial);
    hooks.failure = null;

    assertThatThrownBy(
            () ->
                inTool(
                    () -> {
                      hooks.failure = new IllegalStateException("broken");
                      woven.open("a");
                    }))
        .isExactlyInstanceOf(SecurityException.class)
        .hasMessage(
            "toolguard could not check this access, so it was denied (java.lang.IllegalStateException: broken)");
  }

  @Test
  void aTaskHandedToAWovenExecutorInsideAToolRunsInItsContextElsewhere() throws Exception {
    Runnable task = () -> woven.exists();
    Runnable handed = inTool(() -> woven.execute(task));

    Thread worker = new Thread(handed);
    worker.start();
    worker.join();

    assertThat(handed).isNotSameAs(task);
    assertThat(checks()).containsExactly("checkFile tool 1: [" + woven + ", 8, null]");
  }

  @Test
  void aTaskTheWovenRunnerRunsIsInItsQueuedContextUntilItEndsEvenByAnException() {
    Object task = woven;
    inTool(() -> HandOffs.forkJoinTaskQueued(task));
    woven.doExec(() -> woven.exists());
    woven.exists();
    inTool(() -> HandOffs.forkJoinTaskQueued(task));

    assertThatThrownBy(
            () ->
                woven.doExec(
                    () -> {
                      woven.readAttributes();
                      throw new IllegalStateException("the task failed");
                    }))
        .hasMessage("the task failed");
    woven.exists();

    assertThat(checks())
        .containsExactly(
            "checkFile tool 1: [" + woven + ", 8, null]",
            "checkFile tool 1: [/fixture/file, 1032, false]");
  }

  @Test
  void aTimerTaskTheWovenLoopRunsIsInTheContextItWasScheduledIn() {
    TimerTask task = timerTask(() -> woven.exists());
    inTool(() -> HandOffs.timerTaskScheduled(task));

    woven.mainLoop(task);
    woven.exists();

    assertThat(checks()).containsExactly("checkFile tool 1: [" + woven + ", 8, null]");
  }

  @Test
  void everyInsertionOfEveryHookTableCallsAnEntryTheBridgeHasWithItsDescriptor() {
    List<Map<String, List<Hook>>> tables =
        List.of(
            FileHooks.forThisJvm(),
            EnvHooks.forThisJvm(),
            NetHooks.forThisJvm(),
            PoolHooks.forThisJvm(),
            ExecHooks.forThisJvm(),
            JvmHooks.forThisJvm(),
            HandOffHooks.forThisJvm(),
            Map.of(FIXTURE, HOOKS));
    List<String> calls = new ArrayList<>();
    for (Map<String, List<Hook>> table : tables) {
      for (List<Hook> classHooks : table.values()) {
        for (Hook hook : classHooks) {
          for (Insertion insertion : hook.insertions()) {
            calls.addAll(calledEntries(insertion));
          }
        }
      }
    }

    assertThat(calls).isNotEmpty().allSatisfy(call -> assertThat(bridgeEntries()).contains(call));
    assertThat(calls)
        .contains(
            "Dispatcher.checkFile(Ljava/lang/Object;ILjava/lang/Object;)Ljava/lang/Object;",
            "Dispatcher.checkExec(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
            "Dispatcher.snapshot(Ljava/lang/Object;)Ljava/lang/Object;",
            "Dispatcher.checkConnect(Ljava/lang/Object;Ljava/lang/Object;)V",
            "Dispatcher.checkListen(Ljava/lang/Object;)V",
            "Dispatcher.checkResolve(Ljava/lang/Object;)V",
            "Dispatcher.checkReceive(Ljava/lang/Object;Ljava/lang/Object;)V",
            "Dispatcher.filterVariable(Ljava/lang/Object;)Ljava/lang/Object;",
            "Dispatcher.filterProperty(Ljava/lang/Object;)Ljava/lang/Object;",
            "Dispatcher.filterVariables(Ljava/lang/Object;)Ljava/lang/Object;",
            "Dispatcher.filterProperties(Ljava/lang/Object;)Ljava/lang/Object;",
            "Dispatcher.filterProcessEnvironment(Ljava/lang/Object;)Ljava/lang/Object;",
            "Dispatcher.jvmAction(Ljava/lang/Object;)V",
            "HandOffs.handOff(Ljava/lang/Object;)Ljava/lang/Object;",
            "HandOffs.threadStarting(Ljava/lang/Object;)V",
            "HandOffs.forkJoinTaskQueued(Ljava/lang/Object;)V",
            "HandOffs.forkJoinTaskRunning(Ljava/lang/Object;)V",
            "HandOffs.forkJoinTaskDone(Ljava/lang/Object;)V",
            "HandOffs.timerTaskScheduled(Ljava/lang/Object;)V",
            "HandOffs.timerTaskRunning(Ljava/lang/Object;)V",
            "HandOffs.timerTaskDone()V",
            "Dispatcher.unpooled(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;",
            "HandOffs.exchangeStarting(Ljava/lang/Object;)V",
            "HandOffs.exchangeRunning(Ljava/lang/Object;)V",
            "HandOffs.exchangeDone(Ljava/lang/Object;)V");
  }

  @Test
  void aCheckRewritesOnlyAnArgumentOrTheReturnedObjectAndOnlyWithAnAnswer() {
    assertThatThrownBy(() -> checkConnect(new Argument(0), new Argument(1)).rewriting())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("checkConnect cannot rewrite Argument[index=0]");
    assertThatThrownBy(() -> checkFile(new Receiver(), READ).rewriting())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(checkFile(new Returned(), WRITE).rewriting().rewrite()).isTrue();
  }

  @Test
  void anExitNotificationCannotBeGivenAParameterItsHandlerCannotSee() {
    assertThatThrownBy(() -> new OnExit("forkJoinTaskDone", new Argument(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("forkJoinTaskDone on exit cannot be given Argument[index=0]");
  }

  /** {@return the bridge's methods woven code may call, as {@code Class.name(descriptor)}} */
  private static Set<String> bridgeEntries() {
    Set<String> entries = new HashSet<>();
    for (Class<?> bridge : List.of(Dispatcher.class, HandOffs.class)) {
      for (Method method : bridge.getMethods()) {
        if (Modifier.isStatic(method.getModifiers()) && method.getDeclaringClass() == bridge) {
          entries.add(
              bridge.getSimpleName() + "." + method.getName() + Type.getMethodDescriptor(method));
        }
      }
    }
    return entries;
  }

  private static List<String> calledEntries(Insertion insertion) {
    String object = "(Ljava/lang/Object;)";
    if (insertion instanceof Check check) {
      return List.of("Dispatcher." + check.method() + check.descriptor());
    } else if (insertion instanceof Notify notify) {
      return List.of("HandOffs." + notify.method() + object + "V");
    } else if (insertion instanceof OnExit onExit) {
      return List.of("HandOffs." + onExit.method() + object + "V");
    } else if (insertion instanceof AroundCall around) {
      return List.of(
          "HandOffs." + around.before() + object + "V", "HandOffs." + around.after() + "()V");
    }
    return List.of("HandOffs.handOff" + object + "Ljava/lang/Object;");
  }

  private static TimerTask timerTask(Runnable body) {
    return new TimerTask() {
      @Override
      public void run() {
        body.run();
      }
    };
  }

  /** Defines the woven fixture itself, and leaves every other class to the test's loader. */
  private static final class WeavingLoader extends ClassLoader {
    private final String name;
    private final byte[] classFile;

    WeavingLoader(String name, byte[] classFile) {
      super(InserterTest.class.getClassLoader());
      this.name = name;
      this.classFile = classFile;
    }

    @Override
    protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
      if (!className.equals(name)) {
        return super.loadClass(className, resolve);
      }
      synchronized (getClassLoadingLock(className)) {
        Class<?> type = findLoadedClass(className);
        return type != null ? type : defineClass(className, classFile, 0, classFile.length);
      }
    }
  }
}
