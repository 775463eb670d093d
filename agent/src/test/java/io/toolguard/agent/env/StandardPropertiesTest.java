package io.toolguard.agent.env;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StandardPropertiesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.version",
        "jdk.debug",
        "os.name",
        "file.separator",
        "user.dir",
        "sun.jnu.encoding",
        "line.separator",
        "path.separator",
        "native.encoding"
      })
  void theJdksDescriptionOfThePlatformIsAlwaysReadable(String property) {
    assertThat(EnvGuard.standard(property)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tg.secret",
        "db.password",
        "sun.java.command",
        "javax.net.ssl.keyStorePassword",
        "line.separator.x",
        "encoding",
        "myjava.version"
      })
  void theCommandLineAndEveryOtherPropertyNeedAGrant(String property) {
    assertThat(EnvGuard.standard(property)).isFalse();
  }
}
