package io.github.lwsjava.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.engine.Connection;
import io.github.lwsjava.engine.Engine;
import io.github.lwsjava.engine.Lws;
import io.github.lwsjava.engine.ServerContext;

/**
 * Decides on each upgrade request (on the service thread of the context that received it; a server with several
 * service threads shares one admission): which handler takes it (the subprotocol's, else the vhost's route for the
 * path, else the vhost's default handler), whether the server has room and the filter agrees; registers the
 * accepted connection with its request until it closes.
 */
final class Admission {

    /** What a vhost does with connections without a subprotocol: its routes by path, else its default handler. */
    record Site(WebSocket.Listener defaultHandler, Map<String, WebSocket.Listener> routes) {
    }

    private final List<String> protocolNames; // by id
    private final Map<Integer, WebSocket.Listener> handlers; // the subprotocols' by id
    private final List<Site> sites;
    private final List<ServerContext.Vhost> vhosts; // the listeners, by the index lws's vhost user holds
    private final WebSocketServer.UpgradeFilter filter;
    private final int maxConnections;
    /** The upgrade request of every live connection, by connection id (written on the service thread). */
    private final Map<Long, UpgradeRequest> requests = new ConcurrentHashMap<>();
    /** Accepted connections not yet closed. */
    private final AtomicInteger open = new AtomicInteger();

    Admission(List<String> protocolNames, Map<Integer, WebSocket.Listener> handlers, List<Site> sites,
              List<ServerContext.Vhost> vhosts, WebSocketServer.UpgradeFilter filter, int maxConnections) {
        this.protocolNames = protocolNames;
        this.handlers = handlers;
        this.sites = sites;
        this.vhosts = vhosts;
        this.filter = filter;
        this.maxConnections = maxConnections;
    }

    /** The request that opened connection c, or null when it is not open. */
    UpgradeRequest requestOf(Connection c) {
        return requests.get(c.id());
    }

    /** An upgrade request for protocol (its headers readable now): a new connection's id, or -(HTTP status). */
    long upgrade(Engine e, long wsi, int protocol) {
        ServerContext.Vhost vhost = vhosts.get(Lws.vhostIndex(wsi));
        WebSocket.Listener handler;
        UpgradeRequest request = null;
        if (protocol == 0) { // no subprotocol: the vhost's route by path, else its default handler
            Site site = sites.get(vhost.site());
            handler = site.defaultHandler();
            if (!site.routes().isEmpty()) {
                request = UpgradeRequest.read(wsi, "");
                WebSocket.Listener routed = site.routes().get(request.path());
                if (routed == null && handler == null) {
                    return -404; // no route for this path and no default handler
                }
                handler = routed != null ? routed : handler;
            }
        } else {
            handler = handlers.get(protocol);
        }
        if (handler == null) {
            return -400; // no such protocol (or no default handler)
        }
        if (!e.running()) {
            return -503; // shutting down: close() stops accepting before the context goes
        }

        if (maxConnections > 0 && open.get() >= maxConnections) {
            return -503; // full: before the filter runs
        }
        if (request == null) {
            request = UpgradeRequest.read(wsi, protocol == 0 ? "" : protocolNames.get(protocol));
        }
        if (filter != null) {
            int status;
            try {
                status = filter.check(request);
            } catch (Throwable t) {
                status = 500;
            }
            if (status != 0) {
                return -Math.max(400, Math.min(599, status));
            }
        }
        if (open.incrementAndGet() > maxConnections && maxConnections > 0) { // a place, taken before it is known
            open.decrementAndGet();
            return -503;
        }
        String pathAndQuery = request.query().isEmpty() ? request.path() : request.path() + "?" + request.query();
        String hostHeader = request.header("host");
        if (hostHeader == null || hostHeader.isBlank()) { // HTTP/1.0 without Host: the address listened on
            hostHeader = ServerContext.hostAndPort(vhost.host(), Lws.listenPort(wsi));
        }
        String url = (Lws.isTls(wsi) ? "wss://" : "ws://") + hostHeader + pathAndQuery;
        Connection c = new Connection(e, e.nextConnectionId(), handler, pathAndQuery, url, Map.of(), 256);
        c.remoteAddress(request.remoteAddress());
        e.add(c);
        requests.put(c.id(), request);
        return c.id();
    }

    /** Connection c is gone (service thread): its request is forgotten and its place freed. */
    void closed(Connection c) {
        if (requests.remove(c.id()) != null) {
            open.decrementAndGet();
        }
    }
}
