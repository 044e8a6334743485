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
     * @param method "GET", "POST", or "OTHER" for the methods lws-java does not tell apart
     * @param path the request path without the query
     * @param query the query string without '?', or the empty string
     * @param headers the request headers by lower-case name
     * @param body the request body (empty for GET)
     */
    record Request(String method, String path, String query, Map<String, String> headers, byte[] body) {

        /**
         * A request without query or headers (for tests of handlers).
         *
         * @param method "GET", "POST" or "OTHER"
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
     * @param status the HTTP status code
     * @param contentType the Content-Type header
     * @param body the response body
     */
    record Response(int status, String contentType, byte[] body) {
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
