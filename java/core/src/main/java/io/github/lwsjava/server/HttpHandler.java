package io.github.lwsjava.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Locale;
import java.util.Map;

/** Answers HTTP requests on a callback mount ({@link WebSocketServer.Builder#http}). */
@FunctionalInterface
public interface HttpHandler {

    /**
     * Answers a request; runs on the service thread, so it must not block.
     *
     * @param request the request, its body complete
     * @return the response; null is answered with 500
     * @throws Exception answered with 500 "internal error" (and logged)
     */
    Response handle(Request request) throws Exception;

    /**
     * A request on a callback mount.
     *
     * @param method the method: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS or CONNECT
     * @param path the request path without the query
     * @param query the query string without '?', or the empty string
     * @param headers the request headers by lower-case name
     * @param body the request body (POST, and PUT or PATCH with a Content-Length; empty otherwise)
     */
    record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {

        /**
         * A request without query or headers (for tests of handlers).
         *
         * @param method the method, e.g. "GET"
         * @param path the request path
         * @param body the request body
         */
        public Request(String method, String path, byte[] body) {
            this(method, path, "", Map.of(), body);
        }

        /** {@return the body as UTF-8 text} */
        public String bodyText() {
            return new String(body, UTF_8);
        }

        /**
         * A header by case-insensitive name.
         *
         * @param name the header's name
         * @return its value, or null when the request has no such header
         */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A response.
     *
     * @param status the HTTP status code (100-599)
     * @param contentType the Content-Type header
     * @param headers more response headers by name (e.g. Location, Cache-Control), in this order; at most 3 KiB
     * @param body the response body
     */
    record Response(int status, String contentType, Map<String, String> headers, byte[] body) {

        /**
         * Checks the response and keeps its own copy of the headers.
         *
         * @param status the HTTP status code (100-599)
         * @param contentType the Content-Type header
         * @param headers more response headers by name
         * @param body the response body
         * @throws IllegalArgumentException naming a status outside 100-599, a header name that is not a token, a
         *         value with CR or LF, or headers of more than 3 KiB
         */
        public Response {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("HTTP status " + status + " is outside 100-599");
            }
            headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (!io.github.lwsjava.engine.Rfc6455.isToken(h.getKey())) {
                    throw new IllegalArgumentException("invalid response header name '" + h.getKey() + "'");
                }
                String v = h.getValue();
                if (v == null || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("invalid value for response header " + h.getKey() + ": '"
                            + v + "'");
                }
            }
            int size = headerBytes(headers);
            if (size > MAX_HEADER_BYTES) {
                throw new IllegalArgumentException("response headers of " + size + " bytes: at most "
                        + MAX_HEADER_BYTES);
            }
        }

        /** The most bytes of headers ("Name: value\r\n" each) a response may have, its vhost's headers included. */
        static final int MAX_HEADER_BYTES = 3072;

        private static int headerBytes(Map<String, String> headers) {
            int size = 0;
            for (Map.Entry<String, String> h : headers.entrySet()) {
                size += h.getKey().length() + h.getValue().getBytes(UTF_8).length + 4;
            }
            return size;
        }

        /** The bytes its headers take ("Name: value\r\n" each). */
        int headerBytes() {
            return headerBytes(headers);
        }

        /**
         * A response without extra headers.
         *
         * @param status the HTTP status code
         * @param contentType the Content-Type header
         * @param body the response body
         */
        public Response(int status, String contentType, byte[] body) {
            this(status, contentType, Map.of(), body);
        }

        /**
         * A copy with one more header.
         *
         * @param name the header's name (an HTTP token)
         * @param value its value, without CR or LF
         * @return the new response
         * @throws IllegalArgumentException naming an invalid name or value
         */
        public Response withHeader(String name, String value) {
            Map<String, String> more = new java.util.LinkedHashMap<>(headers);
            more.put(name, value);
            return new Response(status, contentType, more, body);
        }

        /** The headers as lws-java's engine takes them: "Name: value" lines. */
        String headerLines() {
            StringBuilder b = new StringBuilder();
            headers.forEach((n, v) -> b.append(n).append(": ").append(v).append('\n'));
            return b.toString();
        }
        /**
         * A text/plain response.
         *
         * @param status the HTTP status code
         * @param text the body, sent as UTF-8
         * @return the response
         */
        public static Response text(int status, String text) {
            return new Response(status, "text/plain; charset=utf-8", text.getBytes(UTF_8));
        }

        /**
         * An application/json response.
         *
         * @param status the HTTP status code
         * @param json the body, sent as UTF-8
         * @return the response
         */
        public static Response json(int status, String json) {
            return new Response(status, "application/json", json.getBytes(UTF_8));
        }
    }
}
