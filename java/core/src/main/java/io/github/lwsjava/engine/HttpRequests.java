package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.*;

import java.util.Map;

/** The HTTP requests of callback mounts: what lws parsed of one, and its answer. Service thread only. */
public final class HttpRequests {

    private HttpRequests() {
    }

    /**
     * A request as lws parsed it.
     *
     * @param method the method's name (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, CONNECT)
     * @param path the path without the query
     * @param query the query without '?', or ""
     * @param headers the headers by lower-case name
     * @param bodyComes whether lws reads a body, which then arrives before the answer is due
     */
    public record Head(String method, String path, String query, Map<String, String> headers, boolean bodyComes) {
    }

    /** The methods lws tells apart (LWSHUMETH_*) and the header token that holds each one's URI. */
    private enum Method {
        GET(WSI_TOKEN_GET_URI), POST(WSI_TOKEN_POST_URI), OPTIONS(WSI_TOKEN_OPTIONS_URI), PUT(WSI_TOKEN_PUT_URI),
        PATCH(WSI_TOKEN_PATCH_URI), DELETE(WSI_TOKEN_DELETE_URI), CONNECT(WSI_TOKEN_CONNECT), HEAD(WSI_TOKEN_HEAD_URI);

        final int uriToken;

        Method(int uriToken) {
            this.uriToken = uriToken;
        }

        static Method of(int lwsMethod) {
            return switch (lwsMethod) {
                case LWSHUMETH_GET -> GET;
                case LWSHUMETH_POST -> POST;
                case LWSHUMETH_OPTIONS -> OPTIONS;
                case LWSHUMETH_PUT -> PUT;
                case LWSHUMETH_PATCH -> PATCH;
                case LWSHUMETH_DELETE -> DELETE;
                case LWSHUMETH_CONNECT -> CONNECT;
                case LWSHUMETH_HEAD -> HEAD;
                default -> null;
            };
        }

        /** lws reads a body for POST (even an empty one), and for PUT and PATCH with a Content-Length above 0. */
        boolean bodyComes(String contentLength) {
            if (this == POST) {
                return true;
            }
            if (this != PUT && this != PATCH || contentLength == null) {
                return false;
            }
            try {
                return Long.parseLong(contentLength.trim()) > 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    /** The request of wsi (its headers exist during the HTTP event only), or null for a method lws does not know. */
    static Head read(long wsi, int lwsMethod, String uri) {
        Method method = Method.of(lwsMethod);
        if (method == null) {
            return null;
        }
        String path = HttpHeaders.header(wsi, method.uriToken);
        String query = HttpHeaders.header(wsi, WSI_TOKEN_HTTP_URI_ARGS);
        Map<String, String> headers = HttpHeaders.read(wsi);
        return new Head(method.name(), path == null ? uri : path, query == null ? "" : query, headers,
                method.bodyComes(headers.get("content-length")));
    }

    /**
     * Answers the request of wsi and ends it: status, content type, extra header lines ("Name: value\n" each, or
     * null) and body. During the HTTP event, or the body's.
     */
    public static void respond(long wsi, int status, String contentType, String headerLines, byte[] body) {
        lwsj_http_respond(wsi, status, contentType, headerLines, body, body.length);
    }
}
