package io.github.lwsjava.server;

import java.util.HashMap;
import java.util.Map;

import io.github.lwsjava.engine.HttpRequests;

/**
 * The HTTP handlers of the callback mounts, by the protocol index lws's mount matching picked (service thread):
 * calls the handler with the request, or first waits for the body lws reads, and answers.
 */
final class HttpRoutes {

    private static final System.Logger LOG = System.getLogger("io.github.lwsjava.server");

    private final Map<Integer, Route> handlers; // by protocol index
    private final Map<Long, Pending> waitingForBody = new HashMap<>(); // by wsi

    /**
     * A callback mount's handler, and the bytes of headers its responses may have: lws adds its vhost's headers
     * to each response, and the whole head must fit the C engine's buffer.
     */
    record Route(HttpHandler handler, int maxHeaderBytes) {
    }

    private record Pending(HttpRequests.Head head, Route route) {
    }

    HttpRoutes(Map<Integer, Route> handlers) {
        this.handlers = handlers;
    }

    /** A request that lws's mounts gave to protocol: 0 (lws answers 404), 1 (answered), 2 (the body first). */
    int request(long wsi, HttpRequests.Head head, int protocol) {
        Route route = handlers.get(protocol);
        if (route == null) {
            return 0;
        }
        if (head.bodyComes()) {
            waitingForBody.put(wsi, new Pending(head, route));
            return 2;
        }
        respond(wsi, head, route, new byte[0]);
        return 1;
    }

    /** The body of a request for which {@link #request} returned 2. */
    void body(long wsi, byte[] body) {
        Pending p = waitingForBody.remove(wsi);
        if (p != null) {
            respond(wsi, p.head(), p.route(), body);
        }
    }

    private static void respond(long wsi, HttpRequests.Head head, Route route, byte[] body) {
        HttpHandler.Response response;
        try {
            response = route.handler().handle(new HttpHandler.Request(head.method(), head.path(), head.query(), head.headers(),
                    body));
            if (response == null) {
                response = HttpHandler.Response.text(500, "the handler gave no response");
            } else if (response.headerBytes() > route.maxHeaderBytes()) {
                LOG.log(System.Logger.Level.WARNING, "HTTP handler for " + head.path() + " answered with "
                        + response.headerBytes() + " bytes of headers, more than the " + route.maxHeaderBytes()
                        + " its vhost's own headers leave");
                response = HttpHandler.Response.text(500, "response headers too large");
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "HTTP handler for " + head.path() + " failed", t);
            response = HttpHandler.Response.text(500, "internal error");
        }
        HttpRequests.respond(wsi, response.status(), response.contentType(), response.headerLines(), response.body());
    }
}
