package io.toolguard.agent.approval;

import com.sun.net.httpserver.spi.HttpServerProvider;
import io.toolguard.agent.annotation.SuppressForbidden;

/**
 * Chooses the JDK's HTTP server provider in {@code premain}, apart from {@link ApprovalServer} so
 * that choosing it loads none of the page's classes.
 */
@SuppressForbidden(
    reason =
        "the JDK's HTTP server (module jdk.httpserver) is a supported API and adds no library to the host")
final class HttpServers {

  private HttpServers() {}

  /**
   * {@return the provider the approval page starts on, as {@code HttpServer.create} would choose
   * it}: chosen before any tool runs, because the choice looks for providers on the application's
   * class path, where a tool allowed to write there could plant one that sees every approver's
   * token. Typed {@code Object} so that the callers' classes link without the module.
   */
  static Object provider() {
    return HttpServerProvider.provider();
  }
}
