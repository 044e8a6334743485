package io.github.lwsjava.server;

import static io.github.lwsjava.lws.global.libwebsockets.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.bytedeco.javacpp.BytePointer;


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

    /** A header by case-insensitive name, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    static UpgradeRequest read(long wsi, String protocol) {
        byte[] buffer = new byte[8192];
        Map<String, String> headers = headers(wsi, buffer);
        String path = header(wsi, WSI_TOKEN_GET_URI, buffer);
        String query = header(wsi, WSI_TOKEN_HTTP_URI_ARGS, buffer);
        lwsj_peer(wsi, buffer, buffer.length);
        return new UpgradeRequest(path == null ? "/" : path, query == null ? "" : query,
                headers, new String(buffer, 0, indexOfNul(buffer, 0), UTF_8), protocol);
    }

    /**
     * The request headers of wsi by lower-case name: lws's known tokens, then the custom ones ("x-api-key"). The
     * buffer is scratch space for the copies (one per request: lws keeps about 90 header tokens).
     */
    static Map<String, String> headers(long wsi, byte[] buffer) {
        Map<String, String> headers = new TreeMap<>();
        for (int token = WSI_TOKEN_HOST; token < WSI_TOKEN_COUNT; token++) {
            String value = header(wsi, token, buffer);
            if (value != null) {
                BytePointer tokenName = lws_token_to_string(token);
                String name = tokenName == null ? null : tokenName.getString();
                if (name != null && name.endsWith(":") && !name.startsWith(":")) {
                    headers.put(name.substring(0, name.length() - 1).toLowerCase(Locale.ROOT), value);
                }
            }
        }
        // the headers lws has no token for, all in one call: "name:\0value\0" pairs
        int used = lwsj_custom_headers(wsi, buffer, buffer.length);
        for (int start = 0; start < used; ) {
            int nameEnd = indexOfNul(buffer, start);
            int valueEnd = indexOfNul(buffer, nameEnd + 1);
            String name = new String(buffer, start, nameEnd - start, UTF_8);
            String key = (name.endsWith(":") ? name.substring(0, name.length() - 1) : name).toLowerCase(Locale.ROOT);
            if (!key.isEmpty()) {
                headers.putIfAbsent(key, new String(buffer, nameEnd + 1, valueEnd - nameEnd - 1, UTF_8).strip());
            }
            start = valueEnd + 1;
        }
        return Collections.unmodifiableMap(headers);
    }

    private static int indexOfNul(byte[] bytes, int from) {
        int i = from;
        while (i < bytes.length && bytes[i] != 0) {
            i++;
        }
        return i;
    }

    /** Header token of wsi (enum lws_token_indexes), or null when absent. */
    static String header(long wsi, int token, byte[] buffer) {
        int n = lwsj_header(wsi, token, buffer, buffer.length);
        return n < 0 ? null : new String(buffer, 0, n, UTF_8);
    }
}
