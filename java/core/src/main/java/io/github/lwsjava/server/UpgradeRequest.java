package io.github.lwsjava.server;

import java.util.Locale;
import java.util.Map;

import io.github.lwsjava.engine.HttpHeaders;

/**
 * A WebSocket upgrade request as the server received it. lws frees the headers once the handshake is done, so
 * everything is copied here while the request is examined.
 *
 * @param path the request path without the query
 * @param query the query string without '?', or the empty string
 * @param headers the request headers lws knows, by lower-case name
 * @param remoteAddress the client's address
 * @param protocol the subprotocol the connection will speak ("" for the default handler)
 */
public record UpgradeRequest(String path, String query, Map<String, String> headers, String remoteAddress,
                             String protocol) {

    /**
     * A header by case-insensitive name.
     *
     * @param name the header's name
     * @return its value, or null when the request has no such header
     */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    static UpgradeRequest read(long wsi, String protocol) {
        HttpHeaders.Upgrade u = HttpHeaders.upgrade(wsi);
        return new UpgradeRequest(u.path(), u.query(), u.headers(), u.remoteAddress(), protocol);
    }
}
