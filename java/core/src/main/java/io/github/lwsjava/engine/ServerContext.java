package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import io.github.lwsjava.lws.lws_context;
import io.github.lwsjava.lws.lws_context_creation_info;
import io.github.lwsjava.lws.lws_http_mount;
import io.github.lwsjava.lws.lws_protocol_vhost_options;
import io.github.lwsjava.lws.lws_vhost;
import io.github.lwsjava.tls.TlsOptions;

/**
 * A server's lws context: one vhost per listener, each with the same protocol list, mounts and MIME types. Every
 * callback mount names a protocol of its own, so that lws's own mount matching (longest mountpoint first) picks
 * the handler: the HTTP event says which protocol, and so which mount, took the request.
 *
 * @param protocols the protocol names, by index (index 0: connections without a subprotocol)
 * @param vhosts the listeners
 * @param mounts the HTTP mounts, in order
 * @param mimeTypes extra MIME types of the file mounts, by extension (".wasm")
 * @param listening hears the port of each vhost once it listens, in the order of vhosts
 * @param share how the listening sockets are shared with the contexts of other service threads of the same server
 */
public record ServerContext(List<String> protocols, List<Vhost> vhosts, List<Mount> mounts,
                            Map<String, String> mimeTypes, IntConsumer listening, Share share)
        implements Engine.ContextFactory {

    /**
     * One port, several contexts: each sets SO_REUSEPORT (lws's LWS_SERVER_OPTION_ALLOW_LISTEN_SHARE) and the
     * kernel spreads new connections over them.
     */
    public enum Share {
        /** The only context on its ports. */
        NONE,
        /** The first of several: it checks that the ports are free and picks those given as 0. */
        FIRST,
        /** Another one, on the ports the first listens on. */
        MORE
    }

    private static final System.Logger LOG = System.getLogger("io.github.lwsjava.server");

    /** A listener: interface and port, TLS or not. */
    public record Vhost(String name, String host, int port, TlsOptions tls) {
    }

    /** A file mount (directory set) or a callback mount served by the protocol named protocol. */
    public record Mount(String mountpoint, Path directory, String defaultDocument, int cacheMaxAgeSeconds,
                        String protocol) {
    }

    @Override
    public lws_context create(Engine engine) {
        ContextSetup setup = new ContextSetup(engine);
        lws_context_creation_info info = setup.info();
        info.options(info.options() | LWS_SERVER_OPTION_EXPLICIT_VHOSTS);
        lws_context context = lws_create_context(info);
        if (context == null || context.isNull()) {
            throw new IllegalStateException("lws could not create the server context");
        }
        try {
            for (Vhost v : vhosts) {
                listening.accept(createVhost(engine, setup, context, v));
            }
        } catch (RuntimeException failure) {
            lws_context_destroy(context);
            throw failure;
        }
        return context;
    }

    private int createVhost(Engine engine, ContextSetup setup, lws_context context, Vhost v) {
        if (share != Share.MORE) { // the others bind a port the first one holds
            checkCanListen(v.host(), v.port());
        }
        Engine.Settings settings = engine.settings();
        lws_context_creation_info vinfo = setup.info();
        vinfo.options(vinfo.options() | LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND
                | (share != Share.NONE ? LWS_SERVER_OPTION_ALLOW_LISTEN_SHARE : 0));
        vinfo.port(v.port());
        vinfo.iface(setup.string(v.host()));
        vinfo.vhost_name(setup.string(v.name()));
        vinfo.protocols(setup.protocols(protocols.toArray(String[]::new)));
        if (settings.deflate()) {
            vinfo.extensions(lwsj_deflate_extensions());
        }
        setup.serverTls(vinfo, v.tls());
        setup.tcpKeepAlive(vinfo, settings.tcpKeepAlive());
        Path caFile = caPemAsFile(vinfo, v.tls(), setup);
        vinfo.retry_and_idle_policy(setup.keepAlive(settings.pingAfterIdle(), settings.hangUpAfter()));
        vinfo.mounts(mounts(engine, setup));
        lws_vhost vhost;
        try {
            vhost = lws_create_vhost(context, vinfo);
        } finally {
            if (caFile != null) { // OpenSSL has read it into the vhost's trust store
                deleteQuietly(caFile);
            }
        }
        if (vhost == null || vhost.isNull()) { // the address was free a moment ago, the TLS files were checked
            throw new IllegalStateException("could not listen on " + hostAndPort(v.host(), v.port())
                    + (v.tls() != null ? " with TLS" : "") + ": lws refused (its log, System.Logger"
                    + " \"libwebsockets\", says why)");
        }
        return lws_get_vhost_listen_port(vhost);
    }

    /**
     * Binds host:port once from Java before lws does, so that a failure says why ("Address already in use",
     * "Cannot assign requested address", "Permission denied"): lws puts the errno in its log only. A host that is
     * no address (an interface name) is left to lws.
     */
    private static void checkCanListen(String host, int port) {
        java.net.InetAddress address;
        try {
            address = java.net.InetAddress.getByName(host);
        } catch (java.net.UnknownHostException notAnAddress) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true); // as lws does
            probe.bind(new java.net.InetSocketAddress(address, port), 1);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not listen on " + hostAndPort(host, port) + ": " + e.getMessage(), e);
        }
    }

    /** host:port, with brackets around an IPv6 address. */
    public static String hostAndPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * lws 4.3.5 reads {@code server_ssl_ca_mem} only with mbedTLS: with OpenSSL, a CA given as PEM text (to check
     * client certificates) would be ignored. Hand it over as a private temporary file instead; the caller deletes
     * it once the vhost exists. Returns null when there is no such CA.
     */
    private static Path caPemAsFile(lws_context_creation_info vinfo, TlsOptions tls, ContextSetup setup) {
        if (tls == null || tls.caPem() == null || tls.caFile() != null) {
            return null;
        }
        try {
            Path file = Files.createTempFile("lws-java-ca-", ".pem",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, tls.caPem(), java.nio.charset.StandardCharsets.US_ASCII);
            vinfo.ssl_ca_filepath(setup.string(file.toString()));
            vinfo.server_ssl_ca_mem(null).server_ssl_ca_mem_len(0);
            return file;
        } catch (UnsupportedOperationException | java.io.IOException e) {
            throw new IllegalStateException("cannot hand the CA PEM to lws: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete " + file, e);
        }
    }

    /** The mount list of a vhost: static directories and callback mounts, linked in order. */
    private lws_http_mount mounts(Engine engine, ContextSetup setup) {
        lws_http_mount first = null;
        lws_http_mount previous = null;
        for (Mount m : mounts) {
            lws_http_mount mount = new lws_http_mount().zero();
            engine.retain(mount);
            mount.mountpoint(setup.string(m.mountpoint())).mountpoint_len((byte) m.mountpoint().length());
            if (m.directory() != null) {
                mount.origin(setup.string(m.directory().toAbsolutePath().toString()))
                     .def(setup.string(m.defaultDocument()))
                     .origin_protocol((byte) LWSMPRO_FILE);
                if (m.cacheMaxAgeSeconds() > 0) {
                    mount.cache_max_age(m.cacheMaxAgeSeconds()).cache_reusable(1).cache_revalidate(1);
                }
                mount.extra_mimetypes(mimeTypes(engine, setup));
            } else {
                mount.origin(setup.string(m.protocol())).origin_protocol((byte) LWSMPRO_CALLBACK);
            }
            if (previous == null) {
                first = mount;
            } else {
                previous.mount_next(mount);
            }
            previous = mount;
        }
        return first;
    }

    /** The extra MIME types as lws's option list (".ext" = type; lws reads a leading "*" as "any file"), or null. */
    private lws_protocol_vhost_options mimeTypes(Engine engine, ContextSetup setup) {
        lws_protocol_vhost_options first = null;
        for (Map.Entry<String, String> m : mimeTypes.entrySet()) {
            lws_protocol_vhost_options option = new lws_protocol_vhost_options().zero();
            engine.retain(option);
            option.name(setup.string(m.getKey())).value(setup.string(m.getValue())).next(first);
            first = option;
        }
        return first;
    }
}
