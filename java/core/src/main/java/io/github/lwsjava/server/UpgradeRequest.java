package io.github.lwsjava.server;

import static io.github.lwsjava.lws.global.libwebsockets.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A WebSocket upgrade request as the server received it. lws frees the headers once the handshake is done, so
 * everything is copied here while the request is examined.
 *
 * @param path the request path without the query
 * @param query the query string without '?', or the empty string
 * @param headers the request headers lws knows, by lower-case name
 * @param remoteAddress the client's address
 * @param protocol the subprotocol the connection will speak ("lws-java-default" for the default handler)
 */
public record UpgradeRequest(String path, String query, Map<String, String> headers, String remoteAddress,
                             String protocol) {

    /** A header by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    static UpgradeRequest read(long wsi, String protocol) {
        Map<String, String> headers = new TreeMap<>();
        for (int token = WSI_TOKEN_HOST; token < WSI_TOKEN_COUNT; token++) {
            String value = header(wsi, token);
            if (value != null) {
                String name = lws_token_to_string(token) == null ? null : lws_token_to_string(token).getString();
                if (name != null && name.endsWith(":") && !name.startsWith(":")) {
                    headers.put(name.substring(0, name.length() - 1).toLowerCase(Locale.ROOT), value);
                }
            }
        }
        String path = header(wsi, WSI_TOKEN_GET_URI);
        String query = header(wsi, WSI_TOKEN_HTTP_URI_ARGS);
        byte[] peer = new byte[128];
        lwsj_peer(wsi, peer, peer.length);
        int n = 0;
        while (n < peer.length && peer[n] != 0) {
            n++;
        }
        return new UpgradeRequest(path == null ? "/" : path, query == null ? "" : query,
                Collections.unmodifiableMap(headers), new String(peer, 0, n, UTF_8), protocol);
    }

    /** Header token of wsi (enum lws_token_indexes), or null when absent. */
    static String header(long wsi, int token) {
        byte[] buffer = new byte[4096];
        int n = lwsj_header(wsi, token, buffer, buffer.length);
        return n < 0 ? null : new String(buffer, 0, n, UTF_8);
    }
}
