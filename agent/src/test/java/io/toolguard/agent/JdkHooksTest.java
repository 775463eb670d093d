package io.toolguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolguard.agent.born.BornClasses;
import io.toolguard.agent.env.EnvHooks;
import io.toolguard.agent.exec.ExecHooks;
import io.toolguard.agent.file.FileHooks;
import io.toolguard.agent.handoff.HandOffHooks;
import io.toolguard.agent.jvm.JvmHooks;
import io.toolguard.agent.net.NetHooks;
import io.toolguard.agent.net.PoolHooks;
import io.toolguard.agent.weave.Hook;
import io.toolguard.agent.weave.Insertion.ReplaceCall;
import io.toolguard.agent.weave.JdkWeaver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every hook of every table weaves whole into the class file of the JDK the tests run on: at
 * start-up the agent only checks that the methods of the classes not loaded yet exist, and weaves
 * each class when the JDK loads it.
 */
class JdkHooksTest {

  @Test
  void everyHookedClassOfThisJdkWeavesWhole() {
    List<Map<String, List<Hook>>> parts =
        List.of(
            FileHooks.forThisJvm(),
            HandOffHooks.forThisJvm(),
            JvmHooks.forThisJvm(),
            ExecHooks.forThisJvm(),
            NetHooks.forThisJvm(),
            PoolHooks.forThisJvm(),
            EnvHooks.forThisJvm(),
            BornClasses.forThisJvm());

    @SuppressWarnings("unchecked")
    List<String> failures = JdkWeaver.dryRun(parts.toArray(Map[]::new));

    assertThat(failures).as(System.getProperty("java.version")).isEmpty();
    assertThat(parts.stream().mapToInt(Map::size).sum()).isGreaterThan(60);
  }

  @Test
  void aCallToReplaceIsFoundByTheRowThatNamesIt() {
    // Two rows on one method: the call one names is made, the other's is not.
    Hook replacing =
        Hook.at(
            "addAll",
            "(Ljava/util/Collection;)Z",
            new ReplaceCall("java/util/Collection", "toArray", "()[Ljava/lang/Object;", "entry"));
    Hook missing =
        Hook.at(
            "addAll",
            "(Ljava/util/Collection;)Z",
            new ReplaceCall("java/util/Collection", "noSuchCall", "()V", "entry"));

    assertThat(JdkWeaver.dryRun(Map.of("java/util/ArrayList", List.of(replacing)))).isEmpty();
    assertThat(JdkWeaver.dryRun(Map.of("java/util/ArrayList", List.of(replacing, missing))))
        .singleElement()
        .asString()
        .contains("has no call to java/util/Collection.noSuchCall")
        .doesNotContain("toArray");
  }

  @Test
  void aRequiredHookWithoutItsMethodIsNamed() {
    List<String> failures =
        JdkWeaver.dryRun(
            Map.of("java/io/File", List.of(Hook.at("noSuchMethod", "()V")), "no/Such", List.of()));

    assertThat(failures)
        .anySatisfy(failure -> assertThat(failure).contains("java/io/File has no noSuchMethod()V"))
        .anySatisfy(failure -> assertThat(failure).contains("no/Such"));
  }
}
