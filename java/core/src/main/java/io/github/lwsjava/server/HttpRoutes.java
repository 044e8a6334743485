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

    private final Map<Integer, HttpHandler> handlers; // by protocol index
    private final Map<Long, Pending> waitingForBody = new HashMap<>(); // by wsi

    private record Pending(HttpRequests.Head head, HttpHandler handler) {
    }

    HttpRoutes(Map<Integer, HttpHandler> handlers) {
        this.handlers = handlers;
    }

    /** A request that lws's mounts gave to protocol: 0 (lws answers 404), 1 (answered), 2 (the body first). */
    int request(long wsi, HttpRequests.Head head, int protocol) {
        HttpHandler handler = handlers.get(protocol);
        if (handler == null) {
            return 0;
        }
        if (head.bodyComes()) {
            waitingForBody.put(wsi, new Pending(head, handler));
            return 2;
        }
        respond(wsi, head, handler, new byte[0]);
        return 1;
    }

    /** The body of a request for which {@link #request} returned 2. */
    void body(long wsi, byte[] body) {
        Pending p = waitingForBody.remove(wsi);
        if (p != null) {
            respond(wsi, p.head(), p.handler(), body);
        }
    }

    private static void respond(long wsi, HttpRequests.Head head, HttpHandler handler, byte[] body) {
        HttpHandler.Response response;
        try {
            response = handler.handle(new HttpHandler.Request(head.method(), head.path(), head.query(), head.headers(),
                    body));
            if (response == null) {
                response = HttpHandler.Response.text(500, "the handler gave no response");
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "HTTP handler for " + head.path() + " failed", t);
            response = HttpHandler.Response.text(500, "internal error");
        }
        HttpRequests.respond(wsi, response.status(), response.contentType(), response.headerLines(), response.body());
    }
}
