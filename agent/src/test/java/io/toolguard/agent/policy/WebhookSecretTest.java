package io.toolguard.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookSecretTest {

  private static final URI URL = URI.create("https://approvals.example.com/hook");

  @Test
  void aSecretInThePolicyIsUsedAsItIs() {
    ApprovalSettings.Webhook hook =
        new ApprovalSettings.Webhook(URL, Optional.of("s3cret"), Optional.empty());

    assertThat(hook.resolveSecret(Map.of())).contains("s3cret");
  }

  @Test
  void aSecretFromTheEnvironmentCountsOnlyWhenTheVariableIsSetAndNotEmpty() {
    ApprovalSettings.Webhook hook =
        new ApprovalSettings.Webhook(URL, Optional.empty(), Optional.of("TG_HOOK_SECRET"));

    assertThat(hook.resolveSecret(Map.of("TG_HOOK_SECRET", "s3cret"))).contains("s3cret");
    assertThat(hook.resolveSecret(Map.of("TG_HOOK_SECRET", ""))).isEmpty();
    assertThat(hook.resolveSecret(Map.of())).isEmpty();
  }
}
