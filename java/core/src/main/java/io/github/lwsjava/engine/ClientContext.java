package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.*;

import java.time.Duration;
import java.util.List;

import org.bytedeco.javacpp.BytePointer;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.WebSocketException;
import io.github.lwsjava.lws.lws;
import io.github.lwsjava.lws.lws_client_connect_info;
import io.github.lwsjava.lws.lws_context;
import io.github.lwsjava.lws.lws_context_creation_info;
import io.github.lwsjava.lws.lws_protocols;
import io.github.lwsjava.lws.lws_retry_bo;
import io.github.lwsjava.tls.TlsOptions;

/** A client's lws context (no listener; its TLS trust and time-outs), and the start of each connection. */
public final class ClientContext implements Engine.ContextFactory {

    private final TlsOptions tls;
    private final Duration connectTimeout;
    // set on the service thread when the context is made, for the connections it starts
    private lws_protocols protocols;
    private lws_retry_bo keepAlive;
    private BytePointer localProtocol;

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
     */
    public record Request(String host, int port, String path, String hostHeader, String origin,
                         List<String> subprotocols, boolean secure) {
    }

    /**
     * @param tls the client's TLS settings (null: the system's CAs)
     * @param connectTimeout lws's own connect and handshake time-out, in whole seconds (at least 1)
     */
    public ClientContext(TlsOptions tls, Duration connectTimeout) {
        this.tls = tls;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public lws_context create(Engine e) {
        ContextSetup setup = new ContextSetup(e);
        lws_context_creation_info info = setup.info();
        info.port((int) CONTEXT_PORT_NO_LISTEN());
        info.options(info.options() | LWS_SERVER_OPTION_JUST_USE_RAW_ORIGIN); // Origin as given, no "http://" added
        protocols = setup.protocols("lws-java");
        localProtocol = setup.string("lws-java");
        info.protocols(protocols);
        if (e.settings().deflate()) {
            info.extensions(lwsj_deflate_extensions());
        }
        setup.clientTls(info, tls);
        setup.tcpKeepAlive(info, e.settings().tcpKeepAlive());
        info.connect_timeout_secs((int) Math.max(1, connectTimeout.toSeconds()));
        info.timeout_secs((int) Math.max(5, connectTimeout.toSeconds()));
        keepAlive = setup.keepAlive(e.settings().pingAfterIdle(), e.settings().hangUpAfter());
        lws_context context = lws_create_context(info);
        if (context == null || context.isNull()) {
            throw new IllegalStateException("lws could not create the client context (check the TLS files)");
        }
        return context;
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
        lws_client_connect_info info = new lws_client_connect_info().zero();
        BytePointer address = ContextSetup.transientString(r.host());
        BytePointer path = ContextSetup.transientString(r.path());
        BytePointer host = ContextSetup.transientString(r.hostHeader());
        BytePointer originHeader = ContextSetup.transientString(r.origin());
        BytePointer offered = r.subprotocols().isEmpty() ? null
                : ContextSetup.transientString(String.join(",", r.subprotocols()));
        info.context(engine.context())
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
        if (keepAlive != null) {
            info.retry_and_idle_policy(keepAlive);
        }
        engine.add(c);
        lws wsi = lws_client_connect_via_info(info);
        // lws has copied the strings by now; until then the GC must not free them
        java.lang.ref.Reference.reachabilityFence(address);
        java.lang.ref.Reference.reachabilityFence(path);
        java.lang.ref.Reference.reachabilityFence(host);
        java.lang.ref.Reference.reachabilityFence(originHeader);
        java.lang.ref.Reference.reachabilityFence(offered);
        java.lang.ref.Reference.reachabilityFence(info);
        if ((wsi == null || wsi.isNull()) && c.state() == WebSocket.State.CONNECTING) {
            // failed before lws could report it through the callback
            c.fail(new WebSocketException(WebSocketException.Kind.CONNECT_FAILED, "could not start a connection to "
                    + ServerContext.hostAndPort(r.host(), r.port()) + " (" + url + ")"));
        }
    }
}
