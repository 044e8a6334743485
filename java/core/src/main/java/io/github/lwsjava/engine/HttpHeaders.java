package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.*;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.bytedeco.javacpp.BytePointer;

/** Reads the HTTP headers lws holds for a wsi: a server's upgrade request, a client's upgrade response. */
public final class HttpHeaders {

    private HttpHeaders() {
    }

    /** Bytes of the scratch buffer: the longest header value (or all custom headers) read. */
    static final int SCRATCH = 8192;

    /**
     * Each thread's scratch buffer for lws's copies (direct: a byte[] would be copied in and out whole by JNI at
     * every one of the ~90 header tokens asked per request). Only service threads read headers.
     */
    private static final ThreadLocal<ByteBuffer> SCRATCH_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SCRATCH));

    /** The headers of wsi by lower-case name: lws's known tokens, then the custom ones ("x-api-key"). */
    static Map<String, String> read(long wsi) {
        ByteBuffer scratch = SCRATCH_BUFFER.get();
        Map<String, String> headers = new TreeMap<>();
        for (int token = WSI_TOKEN_HOST; token < WSI_TOKEN_COUNT; token++) {
            String value = header(wsi, token, scratch);
            if (value != null) {
                BytePointer tokenName = lws_token_to_string(token);
                String name = tokenName == null ? null : tokenName.getString();
                if (name != null && name.endsWith(":") && !name.startsWith(":")) {
                    headers.put(name.substring(0, name.length() - 1).toLowerCase(Locale.ROOT), value);
                }
            }
        }
        // the headers lws has no token for, all in one call: "name:\0value\0" pairs
        int used = lwsj_custom_headers(wsi, scratch, SCRATCH);
        byte[] buffer = new byte[Math.max(0, used)];
        scratch.get(0, buffer);
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
        Map<String, String> headers = read(wsi);
        String path = header(wsi, WSI_TOKEN_GET_URI);
        String query = header(wsi, WSI_TOKEN_HTTP_URI_ARGS);
        return new Upgrade(path == null ? "/" : path, query == null ? "" : query, headers, peer(wsi));
    }

    /** The address of wsi's peer, as text. */
    static String peer(long wsi) {
        ByteBuffer scratch = SCRATCH_BUFFER.get();
        scratch.put(0, (byte) 0);
        lwsj_peer(wsi, scratch, SCRATCH);
        int n = 0;
        while (n < SCRATCH && scratch.get(n) != 0) {
            n++;
        }
        return string(scratch, n);
    }

    /** Header token of wsi (enum lws_token_indexes), or null when absent. */
    static String header(long wsi, int token) {
        return header(wsi, token, SCRATCH_BUFFER.get());
    }

    private static String header(long wsi, int token, ByteBuffer scratch) {
        int n = lwsj_header(wsi, token, scratch, SCRATCH);
        return n < 0 ? null : string(scratch, n);
    }

    /** The first n bytes of the scratch buffer as UTF-8. */
    private static String string(ByteBuffer scratch, int n) {
        byte[] bytes = new byte[n];
        scratch.get(0, bytes);
        return new String(bytes, UTF_8);
    }
}
