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
 * A server's lws context: one lws vhost per listener, each serving a site of its own (several listeners may share
 * one): its protocol list, mounts, response headers and access log. Every callback mount names a protocol of its
 * own, so that lws's own mount matching (longest mountpoint first) picks the handler: the HTTP event says which
 * protocol, and so which mount, took the request. Protocol ids are the server's, unique across its sites, except
 * 0: every site's protocol for connections without a subprotocol; {@link Lws#vhostIndex} tells whose it was.
 *
 * @param sites what the vhosts serve
 * @param vhosts the listeners, each naming its site by index
 * @param listening hears the port of each vhost once it listens, in the order of vhosts
 * @param share how the listening sockets are shared with the contexts of other service threads of the same server
 */
public record ServerContext(List<Site> sites, List<Vhost> vhosts, IntConsumer listening, Share share)
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

    /** A listener: interface and port, TLS or not, and the index of the site it serves. */
    public record Vhost(String name, String host, int port, TlsOptions tls, int site) {
    }

    /** A protocol of a site's list: its name and the server-wide id the C engine reports it by. */
    public record Protocol(String name, int id) {
    }

    /**
     * What a vhost serves.
     *
     * @param protocols its protocol list; the first one is id 0's, for connections without a subprotocol
     * @param mounts its HTTP mounts, in order
     * @param headers headers lws adds to each of its HTTP responses, by name
     * @param accessLog the file lws appends a line per request to, or null
     */
    public record Site(List<Protocol> protocols, List<Mount> mounts, Map<String, String> headers, Path accessLog) {
    }

    /** What a mount does. */
    public enum MountKind {
        /** lws serves the files of a directory. */
        FILE,
        /** the protocol named by origin takes the requests (a Java handler). */
        CALLBACK,
        /** lws answers 301 with the location http://origin. */
        REDIRECT_HTTP,
        /** lws answers 301 with the location https://origin. */
        REDIRECT_HTTPS
    }

    /**
     * An HTTP mount.
     *
     * @param mountpoint where, starting with "/"
     * @param kind what it does
     * @param origin the directory (FILE), the protocol's name (CALLBACK), the location without its scheme
     *               (REDIRECT_*)
     * @param defaultDocument FILE: the file served for a directory
     * @param cacheMaxAgeSeconds FILE: max-age, 0 for "no-store"
     * @param cacheRevalidate FILE: "must-revalidate"
     * @param cacheShared FILE: "public" rather than "private"
     * @param mimeTypes FILE: extra MIME types by extension (".ext" or "*"), first match first
     */
    public record Mount(String mountpoint, MountKind kind, String origin, String defaultDocument,
                        int cacheMaxAgeSeconds, boolean cacheRevalidate, boolean cacheShared,
                        Map<String, String> mimeTypes) {
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
            for (int i = 0; i < vhosts.size(); i++) {
                listening.accept(createVhost(engine, setup, context, i));
            }
        } catch (RuntimeException failure) {
            lws_context_destroy(context);
            throw failure;
        }
        return context;
    }

    private int createVhost(Engine engine, ContextSetup setup, lws_context context, int index) {
        Vhost v = vhosts.get(index);
        Site site = sites.get(v.site());
        if (share != Share.MORE && sharedWith(index) < 0) { // the others bind a port the first one holds
            checkCanListen(v.host(), v.port());
        }
        Engine.Settings settings = engine.settings();
        lws_context_creation_info vinfo = setup.info();
        vinfo.user(Lws.pointer(index)); // lws_vhost_user(): which listener took a connection (Lws.vhostIndex)
        vinfo.options(vinfo.options() | LWS_SERVER_OPTION_FAIL_UPON_UNABLE_TO_BIND
                | (share != Share.NONE ? LWS_SERVER_OPTION_ALLOW_LISTEN_SHARE : 0));
        vinfo.port(v.port());
        vinfo.iface(setup.string(v.host()));
        vinfo.vhost_name(setup.string(v.name()));
        vinfo.protocols(setup.protocols(site.protocols().stream().map(Protocol::name).toArray(String[]::new),
                site.protocols().stream().mapToInt(Protocol::id).toArray()));
        if (settings.deflate()) {
            vinfo.extensions(lwsj_deflate_extensions());
        }
        setup.serverTls(vinfo, v.tls());
        setup.tcpKeepAlive(vinfo, settings.tcpKeepAlive());
        Path caFile = caPemAsFile(vinfo, v.tls(), setup);
        vinfo.retry_and_idle_policy(setup.keepAlive(settings.pingAfterIdle(), settings.hangUpAfter()));
        vinfo.mounts(mounts(engine, setup, site.mounts()));
        vinfo.headers(options(engine, setup, site.headers(), ":"));
        if (site.accessLog() != null) {
            vinfo.log_filepath(setup.string(site.accessLog().toAbsolutePath().toString()));
        }
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
                    + (v.tls() != null ? " with TLS" : "")
                    + (site.accessLog() != null ? " (access log " + site.accessLog() + ")" : "")
                    + ": lws refused (its log, System.Logger \"libwebsockets\", says why)");
        }
        return lws_get_vhost_listen_port(vhost);
    }

    /**
     * The earlier vhost whose listening socket vhost index shares (the same interface and port, not 0), or -1:
     * lws listens once and picks the vhost of each connection by its TLS SNI or Host header.
     */
    public int sharedWith(int index) {
        Vhost v = vhosts.get(index);
        for (int i = 0; i < index; i++) {
            Vhost other = vhosts.get(i);
            if (v.port() != 0 && other.port() == v.port() && other.host().equals(v.host())) {
                return i;
            }
        }
        return -1;
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

    /** The mount list of a vhost: static directories, callback mounts and redirects, linked in order. */
    private static lws_http_mount mounts(Engine engine, ContextSetup setup, List<Mount> mounts) {
        lws_http_mount first = null;
        lws_http_mount previous = null;
        for (Mount m : mounts) {
            lws_http_mount mount = new lws_http_mount().zero();
            engine.retain(mount);
            org.bytedeco.javacpp.BytePointer mountpoint = setup.string(m.mountpoint());
            mount.mountpoint(mountpoint).mountpoint_len((byte) mountpoint.limit());
            mount.origin(setup.string(m.origin()));
            switch (m.kind()) {
                case FILE -> {
                    mount.def(setup.string(m.defaultDocument())).origin_protocol((byte) LWSMPRO_FILE);
                    if (m.cacheMaxAgeSeconds() > 0) {
                        mount.cache_max_age(m.cacheMaxAgeSeconds()).cache_reusable(1)
                             .cache_revalidate(m.cacheRevalidate() ? 1 : 0)
                             .cache_intermediaries(m.cacheShared() ? 1 : 0);
                    }
                    mount.extra_mimetypes(options(engine, setup, m.mimeTypes(), ""));
                }
                case CALLBACK -> mount.origin_protocol((byte) LWSMPRO_CALLBACK);
                case REDIRECT_HTTP -> mount.origin_protocol((byte) LWSMPRO_REDIR_HTTP);
                case REDIRECT_HTTPS -> mount.origin_protocol((byte) LWSMPRO_REDIR_HTTPS);
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

    /**
     * name = value pairs as lws's option list, in the map's order (or null when empty); each name gets suffix
     * (lws wants response header names with their colon).
     */
    private static lws_protocol_vhost_options options(Engine engine, ContextSetup setup, Map<String, String> pairs,
                                                      String suffix) {
        lws_protocol_vhost_options first = null;
        lws_protocol_vhost_options previous = null;
        for (Map.Entry<String, String> p : pairs.entrySet()) {
            lws_protocol_vhost_options option = new lws_protocol_vhost_options().zero();
            engine.retain(option);
            option.name(setup.string(p.getKey() + suffix)).value(setup.string(p.getValue()));
            if (previous == null) {
                first = option;
            } else {
                previous.next(option);
            }
            previous = option;
        }
        return first;
    }
}
