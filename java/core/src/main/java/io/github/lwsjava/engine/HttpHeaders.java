package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.bytedeco.javacpp.BytePointer;

/** Reads the HTTP headers lws holds for a wsi: a server's upgrade request, a client's upgrade response. */
public final class HttpHeaders {

    private HttpHeaders() {
    }

    /**
     * The headers of wsi by lower-case name: lws's known tokens, then the custom ones ("x-api-key"). The buffer
     * is scratch space for the copies (one per request: lws keeps about 90 header tokens).
     */
    static Map<String, String> read(long wsi, byte[] buffer) {
        TreeMap<String, String> headers = new TreeMap<>();
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
        return PackedHeaders.of(headers);
    }

    /** The index of the first NUL in bytes from from, or bytes.length. */
    private static int indexOfNul(byte[] bytes, int from) {
        int i = from;
        while (i < bytes.length && bytes[i] != 0) {
            i++;
        }
        return i;
    }

    /**
     * What a server's upgrade request says: its path (without query), query ("" when none), headers and the
     * client's address.
     */
    public record Upgrade(String path, String query, Map<String, String> headers, String remoteAddress) {
    }

    /** The upgrade request of wsi, during the upgrade event (lws frees the headers after the handshake). */
    public static Upgrade upgrade(long wsi) {
        byte[] buffer = new byte[8192];
        Map<String, String> headers = read(wsi, buffer);
        String path = header(wsi, WSI_TOKEN_GET_URI, buffer);
        String query = header(wsi, WSI_TOKEN_HTTP_URI_ARGS, buffer);
        return new Upgrade(path == null ? "/" : path, query == null ? "" : query, headers, peer(wsi, buffer));
    }

    /** The address of wsi's peer, as text. */
    static String peer(long wsi, byte[] buffer) {
        buffer[0] = 0;
        lwsj_peer(wsi, buffer, buffer.length);
        return new String(buffer, 0, indexOfNul(buffer, 0), UTF_8);
    }

    /** Header token of wsi (enum lws_token_indexes), or null when absent. */
    static String header(long wsi, int token, byte[] buffer) {
        int n = lwsj_header(wsi, token, buffer, buffer.length);
        return n < 0 ? null : new String(buffer, 0, n, UTF_8);
    }
}
