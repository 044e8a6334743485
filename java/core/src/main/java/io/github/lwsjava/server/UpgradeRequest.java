package io.github.lwsjava.server;

import static io.github.lwsjava.lws.global.libwebsockets.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import io.github.lwsjava.engine.Lws;
import io.github.lwsjava.lws.lws;
import io.github.lwsjava.lws.lws_hdr_custom_fe_cb_t;

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
        Map<String, String> headers = headers(wsi);
        String path = header(wsi, WSI_TOKEN_GET_URI);
        String query = header(wsi, WSI_TOKEN_HTTP_URI_ARGS);
        byte[] peer = new byte[128];
        lwsj_peer(wsi, peer, peer.length);
        int n = 0;
        while (n < peer.length && peer[n] != 0) {
            n++;
        }
        return new UpgradeRequest(path == null ? "/" : path, query == null ? "" : query,
                headers, new String(peer, 0, n, UTF_8), protocol);
    }

    /** The request headers of wsi by lower-case name: lws's known tokens, then the custom ones. */
    static Map<String, String> headers(long wsi) {
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
        for (String name : customHeaderNames(wsi)) { // headers lws has no token for ("x-api-key:")
            byte[] buffer = new byte[4096];
            int n = lwsj_custom_header(wsi, name, buffer, buffer.length);
            String key = (name.endsWith(":") ? name.substring(0, name.length() - 1) : name).toLowerCase(Locale.ROOT);
            if (n >= 0 && !key.isEmpty()) {
                headers.putIfAbsent(key, new String(buffer, 0, n, UTF_8).strip());
            }
        }
        return Collections.unmodifiableMap(headers);
    }

    /** Collects the names lws_hdr_custom_name_foreach reports; one instance (JavaCPP allows few per class). */
    private static final class CustomNames extends lws_hdr_custom_fe_cb_t {
        static final CustomNames INSTANCE = new CustomNames();
        // only the service thread of the engine being asked runs inside foreach; a thread-local keeps engines apart
        private final ThreadLocal<List<String>> names = ThreadLocal.withInitial(ArrayList::new);

        @Override
        public void call(BytePointer name, int nlen, Pointer opaque) {
            try {
                byte[] bytes = new byte[nlen];
                name.capacity(nlen).get(bytes);
                names.get().add(new String(bytes, UTF_8));
            } catch (Throwable t) {
                // nothing may unwind into lws
            }
        }
    }

    /** The names of the headers lws stored without a token, as received ("x-custom:"). */
    private static List<String> customHeaderNames(long wsi) {
        List<String> names = CustomNames.INSTANCE.names.get();
        names.clear();
        lws_hdr_custom_name_foreach(new lws(Lws.pointer(wsi)), CustomNames.INSTANCE, null);
        List<String> copy = List.copyOf(names);
        names.clear();
        return copy;
    }

    private static int indexOfNul(byte[] bytes, int from) {
        int i = from;
        while (i < bytes.length && bytes[i] != 0) {
            i++;
        }
        return i;
    }

    /** Header token of wsi (enum lws_token_indexes), or null when absent. */
    static String header(long wsi, int token) {
        byte[] buffer = new byte[4096];
        int n = lwsj_header(wsi, token, buffer, buffer.length);
        return n < 0 ? null : new String(buffer, 0, n, UTF_8);
    }
}
