package io.toolguard.agent.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Looking for secrets in a tool's result, without running the application's code. */
class SecretResultsTest {

  private static final String AWS = "AKIAIOSFODNN7EXAMPLE";

  private final Secrets secrets =
      Secrets.of(
          SecretsTest.policy("secrets:\n  - {name: order token, regex: \"ot_[A-Za-z0-9]{8}\"}\n"));

  record Order(String id, Note note) {}

  record Note(String text) {}

  static class Holder {
    private final Object held;

    Holder(Object held) {
      this.held = held;
    }

    @Override
    public String toString() {
      throw new AssertionError("the application's toString must not run");
    }
  }

  /** A list whose iteration is the application's code. */
  static class HostileList extends ArrayList<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      throw new AssertionError("the application's iterator must not run");
    }
  }

  private Optional<String> why(Object result) {
    return SecretResults.whyWithheld(result, secrets);
  }

  @Test
  void aCleanResultPasses() {
    assertThat(why("# Q3 report\nRevenue grew.")).isEmpty();
    assertThat(why(42)).isEmpty();
    assertThat(why(List.of("a", Map.of("k", new Order("1", new Note("fine")))))).isEmpty();
    assertThat(why(new Holder(new Object[] {"x", 3L, null}))).isEmpty();
  }

  @Test
  void aSecretAnywhereInsideIsFoundByKind() {
    assertThat(why("key " + AWS)).contains("it holds a secret (AWS access key)");
    assertThat(why("token ot_AbCd1234 here")).contains("it holds a secret (order token)");
    assertThat(why(new Order("1", new Note("id " + AWS))))
        .contains("it holds a secret (AWS access key)");
    assertThat(why(new HashMap<>(Map.of("ot_AbCd1234", 1))))
        .contains("it holds a secret (order token)");
    assertThat(why(new Holder(List.of(new StringBuilder(AWS))))).isPresent();
    assertThat(why(AWS.toCharArray())).isPresent();
    assertThat(why(AWS.getBytes(StandardCharsets.US_ASCII))).isPresent();
    assertThat(why(new Object[] {new Holder(Optional.of(AWS))})).isPresent();
  }

  @Test
  void aResultThatCannotBeReadWithoutApplicationCodeIsWithheld() {
    assertThat(why(new HostileList())).get().asString().contains("cannot be looked at");
    assertThat(why(Collections.unmodifiableList(new HostileList())))
        .get()
        .asString()
        .contains("cannot be looked at");
    assertThat(why(Thread.currentThread())).get().asString().contains("java.lang.Thread");
  }

  @Test
  void cyclesEndAndDepthIsBounded() {
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    cycle.add("clean");
    assertThat(why(cycle)).isEmpty();
    Object deep = "x";
    for (int i = 0; i < SecretResults.DEEPEST + 2; i++) {
      deep = List.of(deep);
    }
    assertThat(why(deep)).get().asString().contains("cannot be looked at whole");
  }
}
