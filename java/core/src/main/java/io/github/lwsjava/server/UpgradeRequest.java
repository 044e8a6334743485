package io.github.lwsjava.server;

import static io.github.lwsjava.lws.global.libwebsockets.*;
import static java.nio.charset.StandardCharsets.UTF_8;

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
        byte[] buffer = new byte[8192];
        Map<String, String> headers = HttpHeaders.read(wsi, buffer);
        String path = HttpHeaders.header(wsi, WSI_TOKEN_GET_URI, buffer);
        String query = HttpHeaders.header(wsi, WSI_TOKEN_HTTP_URI_ARGS, buffer);
        lwsj_peer(wsi, buffer, buffer.length);
        return new UpgradeRequest(path == null ? "/" : path, query == null ? "" : query,
                headers, new String(buffer, 0, HttpHeaders.indexOfNul(buffer, 0), UTF_8), protocol);
    }
}
