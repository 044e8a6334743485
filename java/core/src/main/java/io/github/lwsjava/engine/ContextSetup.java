package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.*;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import io.github.lwsjava.lws.lws_context_creation_info;
import io.github.lwsjava.lws.lws_protocols;
import io.github.lwsjava.lws.lws_retry_bo;
import io.github.lwsjava.tls.TlsOptions;

/**
 * Fills lws creation structs for an engine: protocols bound to the lwsj callback, TLS, keep-alive, deflate.
 * Everything lws points at is retained by the engine for the context's life.
 */
public final class ContextSetup {

    private final Engine engine;

    public ContextSetup(Engine engine) {
        this.engine = engine;
    }

    /** A zeroed creation info with the options every lws-java context uses. */
    public lws_context_creation_info info() {
        lws_context_creation_info info = retain(new lws_context_creation_info().zero());
        info.user(engine.nativeEngine());
        info.gid(-1).uid(-1);
        info.options(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_VALIDATE_UTF8);
        // lws reads sockets through this per-thread buffer (4 KiB by default): larger reads, fewer passes
        info.pt_serv_buf_size(SERVICE_BUFFER);
        Pointer loop = lwsj_loop(engine.nativeEngine());
        if (loop != null && !loop.isNull()) {
            // the engine's libuv loop, lent to lws (lws reads foreign_loops during lws_create_context only)
            info.options(info.options() | LWS_SERVER_OPTION_LIBUV);
            info.foreign_loops(retain(new PointerPointer<>(1).put(0, loop)));
        }
        return info;
    }

    /** A protocol list: the given names, all served by the lwsj callback (id = index), then the terminator. */
    public lws_protocols protocols(String... names) {
        return protocols(names, java.util.stream.IntStream.range(0, names.length).toArray());
    }

    /**
     * A protocol list: the given names with the given ids (which the C engine reports events by; 0 is the one
     * for connections without a subprotocol), all served by the lwsj callback, then the terminator.
     */
    public lws_protocols protocols(String[] names, int[] ids) {
        lws_protocols list = retain(new lws_protocols(names.length + 1).zero());
        for (int i = 0; i < names.length; i++) {
            list.position(i).name(string(names[i])).rx_buffer_size(RX_BUFFER).id(ids[i]);
            lwsj_protocol_init(list);
        }
        return list.position(0);
    }

    /** The per-thread buffer through which lws reads and writes (bytes). */
    static final int SERVICE_BUFFER = 256 * 1024;

    /**
     * lws hands received data over in pieces of at most this size; the C engine joins them. Its buffer for them
     * starts at 128 bytes per connection and grows to this only when frames need it (native/patches/0044).
     */
    static final int RX_BUFFER = 65536;

    /**
     * The keep-alive policy: ping after idle, hang up when nothing valid came for hangUpAfter. Without keep-alive
     * (pingAfterIdle null), a policy without validity checks: lws's own default would ping every connection idle
     * for 300 s and hang up 10 s later without a pong (keep-alive is off by default, as documented), with a
     * validity timer per connection, moved at every message.
     */
    public lws_retry_bo keepAlive(Duration pingAfterIdle, Duration hangUpAfter) {
        lws_retry_bo retry = retain(new lws_retry_bo().zero());
        if (pingAfterIdle == null) {
            return retry; // secs_since_valid_hangup 0: lws schedules no validity timer
        }
        retry.secs_since_valid_ping((short) Math.max(1, pingAfterIdle.toSeconds()));
        retry.secs_since_valid_hangup((short) Math.max(pingAfterIdle.toSeconds() + 1, hangUpAfter.toSeconds()));
        return retry;
    }

    /**
     * TCP keep-alive for the sockets of the vhost that info creates: lws sets the socket options on every socket
     * it accepts or connects (client connections belong to the client context's default vhost).
     */
    public void tcpKeepAlive(lws_context_creation_info info, Engine.TcpKeepAlive keepAlive) {
        if (keepAlive != null) {
            info.ka_time(keepAlive.idleSeconds()).ka_interval(keepAlive.intervalSeconds()).ka_probes(keepAlive.probes());
        }
    }

    /** Client side of TLS: which CAs to trust, and a client certificate for mutual TLS. */
    public void clientTls(lws_context_creation_info info, TlsOptions tls) {
        if (tls == null) {
            return;
        }
        TlsCheck.check(tls);
        if (tls.caFile() != null) {
            info.client_ssl_ca_filepath(string(tls.caFile().toString()));
        } else if (tls.caPem() != null) {
            BytePointer pem = string(tls.caPem());
            info.client_ssl_ca_mem(pem).client_ssl_ca_mem_len((int) pem.limit());
        }
        if (tls.certificateFile() != null) {
            info.client_ssl_cert_filepath(string(tls.certificateFile().toString()));
            info.client_ssl_private_key_filepath(string(tls.keyFile().toString()));
        } else if (tls.certificatePem() != null) {
            BytePointer cert = string(tls.certificatePem());
            BytePointer key = string(tls.keyPem());
            info.client_ssl_cert_mem(cert).client_ssl_cert_mem_len((int) cert.limit());
            info.client_ssl_key_mem(key).client_ssl_key_mem_len((int) key.limit());
        }
    }

    /** Server side of TLS (a vhost's info): certificate and key, and client-certificate checks. */
    public void serverTls(lws_context_creation_info info, TlsOptions tls) {
        if (tls == null) {
            return;
        }
        if (!tls.hasCertificate()) {
            throw new IllegalArgumentException("a TLS server needs a certificate and key: TlsOptions.server(cert, key)");
        }
        TlsCheck.check(tls);
        if (tls.certificateFile() != null) {
            info.ssl_cert_filepath(string(tls.certificateFile().toString()));
            info.ssl_private_key_filepath(string(tls.keyFile().toString()));
        } else {
            BytePointer cert = string(tls.certificatePem());
            BytePointer key = string(tls.keyPem());
            info.server_ssl_cert_mem(cert).server_ssl_cert_mem_len((int) cert.limit());
            info.server_ssl_private_key_mem(key).server_ssl_private_key_mem_len((int) key.limit());
        }
        if (tls.caFile() != null) {
            info.ssl_ca_filepath(string(tls.caFile().toString()));
        } else if (tls.caPem() != null) {
            BytePointer pem = string(tls.caPem());
            info.server_ssl_ca_mem(pem).server_ssl_ca_mem_len((int) pem.limit());
        }
        if (tls.requiresClientCertificate()) {
            info.options(info.options() | LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT);
        }
    }

    /** A NUL-terminated copy of s that lives as long as the context; limit() is its length without the NUL. */
    public BytePointer string(String s) {
        return s == null ? null : retain(transientString(s));
    }

    /**
     * A NUL-terminated copy of s that is not retained: for calls that copy their strings, such as
     * lws_client_connect_via_info (lws stashes its own copies), so that each connection leaves nothing behind.
     */
    public static BytePointer transientString(String s) {
        if (s == null) {
            return null;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        BytePointer p = new BytePointer(bytes.length + 1);
        p.put(bytes).put(bytes.length, (byte) 0);
        p.limit(bytes.length);
        return p;
    }

    private <T> T retain(T pointer) {
        engine.retain(pointer);
        return pointer;
    }
}
