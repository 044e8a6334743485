package io.github.lwsjava.server;

import static java.nio.charset.StandardCharsets.UTF_8;

/** Answers HTTP requests on a callback mount ({@link WebSocketServer.Builder#http}). */
@FunctionalInterface
public interface HttpHandler {

    /** Returns the response to a request; runs on the service thread, so it must not block. */
    Response handle(Request request) throws Exception;

    /** A request: method ("GET", "POST"), path with query, and the body (empty for GET). */
    record Request(String method, String path, byte[] body) {
        /** The body as UTF-8 text. */
        public String bodyText() {
            return new String(body, UTF_8);
        }
    }

    /** A response: status, content type and body. */
    record Response(int status, String contentType, byte[] body) {
        /** A text/plain response. */
        public static Response text(int status, String text) {
            return new Response(status, "text/plain; charset=utf-8", text.getBytes(UTF_8));
        }

        /** An application/json response. */
        public static Response json(int status, String json) {
            return new Response(status, "application/json", json.getBytes(UTF_8));
        }
    }
}
