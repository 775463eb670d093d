package io.toolguard.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Dispatcher#unpooled}: inside a tool, a key no pool holds a connection under, of the kind
 * the pool compares; outside tools, the key itself.
 */
class UnpooledTest {

  private final RecordingHooks hooks = new RecordingHooks();

  @BeforeEach
  void installHooks() {
    Dispatcher.installForTests(hooks);
  }

  @AfterEach
  void reset() {
    Dispatcher.installForTests(null);
    ToolFrames.CURRENT.remove();
  }

  @Test
  void outsideToolsEveryKeyIsLookedUpAsItIs() {
    Object factory = new Object();
    InetSocketAddress proxy = InetSocketAddress.createUnresolved("proxy.example", 3128);

    assertThat(Dispatcher.unpooled(null, Dispatcher.IDENTITY_KEY)).isNull();
    assertThat(Dispatcher.unpooled(factory, Dispatcher.IDENTITY_KEY)).isSameAs(factory);
    assertThat(Dispatcher.unpooled(null, Dispatcher.PROXY_KEY)).isNull();
    assertThat(Dispatcher.unpooled(proxy, Dispatcher.PROXY_KEY)).isSameAs(proxy);
    assertThat(Dispatcher.unpooled("C:example.com:80", Dispatcher.NAME_KEY))
        .isEqualTo("C:example.com:80");
    assertThat(hooks.calls).isEmpty();
  }

  @Test
  void insideAToolNoKeyMatchesWhatAnyonePooled() {
    Object factory = new Object();
    InetSocketAddress proxy = InetSocketAddress.createUnresolved("proxy.example", 3128);
    Map<Object, String> pool =
        Map.of(factory, "by factory", proxy, "by proxy", "C:example.com:80", "by name");
    Object frame = Dispatcher.enterTool(1, new Object[0]);

    Object identity = Dispatcher.unpooled(null, Dispatcher.IDENTITY_KEY);
    Object sameFactory = Dispatcher.unpooled(factory, Dispatcher.IDENTITY_KEY);
    Object noProxy = Dispatcher.unpooled(null, Dispatcher.PROXY_KEY);
    Object sameProxy = Dispatcher.unpooled(proxy, Dispatcher.PROXY_KEY);
    Object name = Dispatcher.unpooled("C:example.com:80", Dispatcher.NAME_KEY);
    Dispatcher.exitTool(frame);

    assertThat(identity).isNotNull();
    assertThat(sameFactory).isNotSameAs(factory);
    assertThat(noProxy).isInstanceOf(InetSocketAddress.class);
    assertThat(sameProxy).isInstanceOf(InetSocketAddress.class).isNotEqualTo(proxy);
    assertThat(name).isInstanceOf(String.class).isNotEqualTo("C:example.com:80");
    for (Object key : new Object[] {identity, sameFactory, noProxy, sameProxy, name}) {
      assertThat(pool).doesNotContainKey(key);
    }
  }

  @Test
  void toolguardsOwnWorkInsideAToolUsesThePools() {
    Object factory = new Object();
    Object frame = Dispatcher.enterTool(1, new Object[0]);
    Object[] inCheck = new Object[1];
    hooks.during = () -> inCheck[0] = Dispatcher.unpooled(factory, Dispatcher.IDENTITY_KEY);

    Dispatcher.checkConnect("example.com", 443);
    Dispatcher.exitTool(frame);

    assertThat(inCheck[0]).isSameAs(factory);
  }

  @Test
  void insideAToolTheApplicationsResponseCacheIsNone() {
    Object cache = new Object();

    Object outside = Dispatcher.unpooled(cache, Dispatcher.CACHE_KEY);
    Object frame = Dispatcher.enterTool(1, new Object[0]);
    Object inside = Dispatcher.unpooled(cache, Dispatcher.CACHE_KEY);
    Dispatcher.exitTool(frame);

    assertThat(outside).isSameAs(cache);
    assertThat(inside).isNull();
  }
}
