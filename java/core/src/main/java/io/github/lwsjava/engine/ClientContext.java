package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.*;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.lws.lws;
import io.github.lwsjava.lws.lws_client_connect_info;
import io.github.lwsjava.lws.lws_context;
import io.github.lwsjava.lws.lws_context_creation_info;
import io.github.lwsjava.lws.lws_protocols;
import io.github.lwsjava.lws.lws_retry_bo;
import io.github.lwsjava.lws.lws_vhost;
import io.github.lwsjava.tls.TlsOptions;

/**
 * A client's lws context (no listener; its TLS trust and time-outs), and the start of each connection.
 *
 * <p>lws keeps a proxy per vhost: the context's default vhost has the client's proxy (or none), and each other
 * proxy that a connection asks for gets a client vhost of its own, made on first use and kept for the context's life
 * (at most {@link #MAX_PROXY_VHOSTS}). No vhost reads the {@code http_proxy} / {@code socks_proxy} environment
 * variables: a vhost without a proxy is given an empty one.
 */
public final class ClientContext implements Engine.ContextFactory {

    /** How many distinct per-connection proxies a client may use (each is a vhost with its own TLS context). */
    public static final int MAX_PROXY_VHOSTS = 32;

    /** An empty proxy as lws parses it ("host:port" with no host and port 0): no proxy, and no getenv. */
    private static final String NO_PROXY = ":0";

    private final TlsOptions tls;
    private final Duration connectTimeout;
    private final ProxyRoute defaultProxy;
    // set on the service thread when the context is made, for the connections it starts
    private ContextSetup setup;
    private lws_protocols protocols;
    private lws_retry_bo keepAlive;
    private BytePointer localProtocol;
    // service thread only: the vhost of each proxy, the default vhost (the client's proxy) included
    private final Map<ProxyRoute, lws_vhost> vhosts = new HashMap<>();
    private lws_vhost defaultVhost;

    /**
     * A proxy for lws.
     *
     * @param socks SOCKS5 (else HTTP CONNECT)
     * @param lwsAddress lws's form: {@code [user:password@]host:port} (IPv6 host in brackets)
     * @param name how errors name the proxy, e.g. "HTTP proxy 127.0.0.1:3128", without the password
     */
    public record ProxyRoute(boolean socks, String lwsAddress, String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A connection to start.
     *
     * @param host the host to connect to (name or address)
     * @param port its port
     * @param path the request path with query
     * @param hostHeader the Host header
     * @param origin the Origin header, or null
     * @param subprotocols the subprotocols to offer, in order
     * @param secure wss: TLS under the client's {@link TlsOptions}
     * @param proxy the proxy to go through, or null for a direct connection
     */
    public record Request(String host, int port, String path, String hostHeader, String origin,
                         List<String> subprotocols, boolean secure, ProxyRoute proxy) {
    }

    /**
     * @param tls the client's TLS settings (null: the system's CAs)
     * @param connectTimeout lws's own connect and handshake time-out, in whole seconds (at least 1)
     * @param proxy the client's proxy, or null for direct connections
     */
    public ClientContext(TlsOptions tls, Duration connectTimeout, ProxyRoute proxy) {
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.defaultProxy = proxy;
    }

    @Override
    public lws_context create(Engine e) {
        setup = new ContextSetup(e);
        protocols = setup.protocols("lws-java");
        localProtocol = setup.string("lws-java");
        keepAlive = setup.keepAlive(e.settings().pingAfterIdle(), e.settings().hangUpAfter());
        lws_context_creation_info info = vhostInfo(e, defaultProxy);
        info.connect_timeout_secs((int) Math.max(1, connectTimeout.toSeconds()));
        info.timeout_secs((int) Math.max(5, connectTimeout.toSeconds()));
        lws_context context = lws_create_context(info);
        if (context == null || context.isNull()) {
            throw new IllegalStateException("lws could not create the client context (check the TLS files"
                    + (defaultProxy != null ? " and " + defaultProxy : "") + ")");
        }
        defaultVhost = lws_get_vhost_by_name(context, setup.string("default"));
        if (defaultVhost == null || defaultVhost.isNull()) {
            lws_context_destroy(context);
            throw new IllegalStateException("lws made the client context without its default vhost");
        }
        vhosts.put(defaultProxy, defaultVhost);
        return context;
    }

    /** The creation info of a client vhost: protocols, TLS trust, keep-alive, and this proxy (null: none). */
    private lws_context_creation_info vhostInfo(Engine e, ProxyRoute proxy) {
        lws_context_creation_info info = setup.info();
        info.port((int) CONTEXT_PORT_NO_LISTEN());
        info.options(info.options() | LWS_SERVER_OPTION_JUST_USE_RAW_ORIGIN); // Origin as given, no "http://" added
        info.protocols(protocols);
        if (e.settings().deflate()) {
            info.extensions(lwsj_deflate_extensions());
        }
        setup.clientTls(info, tls);
        setup.tcpKeepAlive(info, e.settings().tcpKeepAlive());
        // both set, so that lws never reads http_proxy / socks_proxy from the environment
        info.http_proxy_address(setup.string(proxy != null && !proxy.socks() ? proxy.lwsAddress() : NO_PROXY));
        info.socks_proxy_address(setup.string(proxy != null && proxy.socks() ? proxy.lwsAddress() : NO_PROXY));
        return info;
    }

    /** Service thread: the vhost for this proxy, made on first use; null when lws could not make it. */
    private lws_vhost vhostFor(Engine e, ProxyRoute proxy) {
        lws_vhost vhost = vhosts.get(proxy);
        if (vhost != null || vhosts.size() > MAX_PROXY_VHOSTS) {
            return vhost;
        }
        lws_context_creation_info info = vhostInfo(e, proxy);
        info.vhost_name(setup.string("lwsj-proxy-" + vhosts.size()));
        vhost = lws_create_vhost(e.context(), info);
        if (vhost == null || vhost.isNull()) {
            return null;
        }
        vhosts.put(proxy, vhost);
        return vhost;
    }

    /**
     * Service thread: registers c with the engine and asks lws to connect (lws_client_connect_via_info, which
     * copies every string it is given). A connection lws refuses at once fails c.
     */
    public void connect(Engine engine, Connection c, Request r, String url) {
        if (!engine.running()) { // closing or closed: the context must not get new connections
            c.fail(new WebSocketException(WebSocketException.Kind.SHUTDOWN, "the client is closed"));
            return;
        }
        lws_vhost vhost = vhostFor(engine, r.proxy());
        if (vhost == null) {
            c.fail(new WebSocketException(WebSocketException.Kind.PROXY, vhosts.size() > MAX_PROXY_VHOSTS
                    ? "could not connect to " + url + " through " + r.proxy() + ": a client takes at most "
                            + MAX_PROXY_VHOSTS + " distinct per-connection proxies"
                    : "lws could not set up " + r.proxy() + " for " + url + " (its log says why)"));
            return;
        }
        lws_client_connect_info info = new lws_client_connect_info().zero();
        BytePointer address = ContextSetup.transientString(r.host());
        BytePointer path = ContextSetup.transientString(r.path());
        BytePointer host = ContextSetup.transientString(r.hostHeader());
        BytePointer originHeader = ContextSetup.transientString(r.origin());
        BytePointer offered = r.subprotocols().isEmpty() ? null
                : ContextSetup.transientString(String.join(",", r.subprotocols()));
        info.context(engine.context())
            .vhost(vhost)
            .port(r.port())
            .path(path)
            .host(host)
            .origin(originHeader)
            .protocol(offered)
            .ietf_version_or_minus_one(-1)
            .local_protocol_name(localProtocol)
            .opaque_user_data(Lws.pointer(c.id()));
        info._address(address);
        // An upgrade answered with a redirect fails, as with the JDK's and OkHttp's clients. (lws 4.3.5 would
        // follow it, and frees the connection twice when the new host does not resolve: native/fuzz found it.)
        int flags = LCCSCF_HTTP_NO_FOLLOW_REDIRECT;
        if (r.secure()) {
            flags |= LCCSCF_USE_SSL;
            if (tls != null && tls.allowsSelfSigned()) {
                flags |= LCCSCF_ALLOW_SELFSIGNED;
            }
            if (tls != null && tls.skipsHostnameCheck()) {
                flags |= LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK;
            }
            if (tls != null && tls.allowsExpired()) {
                flags |= LCCSCF_ALLOW_EXPIRED;
            }
        }
        info.ssl_connection(flags);
        info.retry_and_idle_policy(keepAlive);
        engine.add(c);
        lws wsi = lws_client_connect_via_info(info);
        // lws has copied the strings by now: freed at once, not when the GC gets to them (until a GC, 19,000
        // connections would keep ~0.5 KiB each of these, and their holes in the C heap after it)
        for (Pointer p : new Pointer[] {info, address, path, host, originHeader, offered}) {
            if (p != null) {
                p.close();
            }
        }
        if ((wsi == null || wsi.isNull()) && c.state() == WebSocket.State.CONNECTING) {
            // failed before lws could report it through the callback
            c.fail(new WebSocketException(WebSocketException.Kind.CONNECT_FAILED, "could not start a connection to "
                    + ServerContext.hostAndPort(r.host(), r.port()) + " (" + url + ")"));
        }
    }
}
