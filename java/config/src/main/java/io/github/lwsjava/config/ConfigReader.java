package io.github.lwsjava.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.HttpHandler;
import io.github.lwsjava.server.ProtocolPlugin;
import io.github.lwsjava.server.StaticFiles;
import io.github.lwsjava.server.VirtualHost;
import io.github.lwsjava.server.WebSocketServer;
import io.github.lwsjava.tls.TlsOptions;

/**
 * Turns the parsed files of a configuration directory into a server builder, key by key, as lws's lejp-conf.c
 * reads lwsws's files: the keys each place supports, and those of lwsws's it refuses.
 */
final class ConfigReader {

    /** lws's own Strict-Transport-Security value for "sts" (LWS_SERVER_OPTION_STS). */
    static final String STS = "max-age=15768000 ; includeSubDomains";

    private static final Set<String> FILE_KEYS = Set.of("global", "vhosts");

    private static final Set<String> GLOBAL_KEYS = Set.of("count-threads", "init-ssl", "ws-pingpong-secs");
    private static final Map<String, String> GLOBAL_UNSUPPORTED = unsupported(
            "uid", "a JVM cannot change its user or group: start it as the user it is to run as",
            "gid", "a JVM cannot change its user or group: start it as the user it is to run as",
            "username", "a JVM cannot change its user or group: start it as the user it is to run as",
            "groupname", "a JVM cannot change its user or group: start it as the user it is to run as",
            "plugin-dir", "plugins are Java classes that ServiceLoader finds: put their jars on the class path",
            "server-string", "", "timeout-secs", "", "reject-service-keywords", "",
            "default-alpn", "", "ip-limit-ah", "", "ip-limit-wsi", "", "rlimit-nofile", "");

    private static final Set<String> VHOST_KEYS = Set.of("name", "port", "interface", "host-ssl-cert",
            "host-ssl-key", "host-ssl-ca", "client-cert-required", "sts", "access-log", "headers", "mounts",
            "ws-protocols");
    private static final Map<String, String> VHOST_UNSUPPORTED = unsupported(
            "unix-socket", "lws-java listens on TCP only", "unix-socket-perms", "lws-java listens on TCP only",
            "keepalive_timeout", "", "enable-client-ssl", "", "ciphers", "", "ecdh-curve", "", "noipv6", "",
            "ipv6only", "", "ssl-option-set", "", "ssl-option-clear", "", "client-ssl-key", "", "client-ssl-cert", "",
            "client-ssl-ca", "", "client-ssl-ciphers", "", "onlyraw", "", "ignore-missing-cert", "",
            "error-document-404", "", "alpn", "", "fo-listen-queue", "", "ssl-client-option-set", "",
            "ssl-client-option-clear", "", "tls13-ciphers", "", "client-tls13-ciphers", "", "strict-host-check", "",
            "listen-accept-role", "", "listen-accept-protocol", "", "apply-listen-accept", "",
            "fallback-listen-accept", "", "allow-non-tls", "", "redirect-http", "", "allow-http-on-https", "",
            "disable-no-protocol-ws-upgrades", "", "h2-half-closed-long-poll", "");

    private static final Set<String> MOUNT_KEYS = Set.of("mountpoint", "origin", "default", "cache-max-age",
            "cache-reuse", "cache-revalidate", "cache-intermediaries", "extra-mimetypes", "pmo");
    private static final Set<String> FILE_MOUNT_KEYS = Set.of("default", "cache-max-age", "cache-reuse",
            "cache-revalidate", "cache-intermediaries", "extra-mimetypes");
    private static final Map<String, String> MOUNT_UNSUPPORTED = unsupported(
            "protocol", "", "auth-mask", "", "cgi-timeout", "CGI is not supported",
            "cgi-env", "CGI is not supported", "basic-auth", "", "interpret", "");

    private final Path dir;
    private final Map<String, ProtocolPlugin> plugins;
    private final WebSocketServer.Builder builder = WebSocketServer.builder();
    private final List<ServerConfig.Vhost> vhosts = new ArrayList<>();
    private final Map<String, Node> globals = new LinkedHashMap<>();

    ConfigReader(Path dir, Map<String, ProtocolPlugin> plugins) {
        this.dir = dir;
        this.plugins = plugins;
    }

    WebSocketServer.Builder builder() {
        return builder;
    }

    List<ServerConfig.Vhost> vhosts() {
        return vhosts;
    }

    /** Reads the files in order: every "global" first (a key set once in all), then every "vhosts". */
    void read(List<Node> files) {
        List<Node> vhostLists = new ArrayList<>();
        for (Node file : files) {
            Map<String, Node> top = file.object(FILE_KEYS, Map.of());
            if (top.containsKey("global")) {
                for (Map.Entry<String, Node> g : top.get("global").object(GLOBAL_KEYS, GLOBAL_UNSUPPORTED).entrySet()) {
                    Node before = globals.put(g.getKey(), g.getValue());
                    if (before != null) {
                        throw g.getValue().error("set before, in " + before.file());
                    }
                }
            }
            if (top.containsKey("vhosts")) {
                vhostLists.add(top.get("vhosts"));
            }
        }
        global();
        for (Node list : vhostLists) {
            for (Node v : list.array()) {
                vhost(v);
            }
        }
        if (vhosts.isEmpty()) {
            throw new ConfigException(dir, "", "no vhost: conf or a file in conf.d/ needs \"vhosts\": [{...}]");
        }
    }

    private void global() {
        Node threads = globals.get("count-threads");
        if (threads != null) {
            builder.serviceThreads(threads.integer(1, 64));
        }
        Node pingPong = globals.get("ws-pingpong-secs");
        if (pingPong != null) { // lwsws's meaning: confirm idle established connections this often
            int seconds = pingPong.integer(1, 3600);
            // lws hangs up on peers that stop answering, which replaces the idle time-out (that one, 30 s by
            // default, would close a quiet peer before a ping every more than 30 s had been answered)
            builder.keepAlive(Duration.ofSeconds(seconds), Duration.ofSeconds(2L * seconds)).idleTimeout(Duration.ZERO);
        }
        Node initSsl = globals.get("init-ssl");
        if (initSsl != null && !initSsl.bool()) {
            throw initSsl.error("lws-java always initializes TLS: leave \"init-ssl\" out, or set it to \"1\"");
        }
    }

    private void vhost(Node node) {
        Map<String, Node> keys = node.object(VHOST_KEYS, VHOST_UNSUPPORTED);
        String name = required(node, keys, "name").string();
        int port = required(node, keys, "port").integer(0, 65535);
        String host = keys.containsKey("interface") ? keys.get("interface").string() : "0.0.0.0";
        TlsOptions tls = tls(node, keys);
        Map<String, Node> protocols = new LinkedHashMap<>();
        if (keys.containsKey("ws-protocols")) {
            for (Node entry : keys.get("ws-protocols").array()) {
                for (Map.Entry<String, Object> p : entry.members().entrySet()) {
                    Node protocol = entry.child(p.getKey(), p.getValue());
                    if (protocols.put(p.getKey(), protocol) != null) {
                        throw protocol.error("the protocol \"" + p.getKey() + "\" is listed twice");
                    }
                }
            }
        }
        apply(node, () -> builder.vhost(name, host, port, tls, v -> {
            boolean hasDefault = false;
            for (Map.Entry<String, Node> protocol : protocols.entrySet()) {
                hasDefault |= protocol(v, protocol.getKey(), protocol.getValue(), hasDefault);
            }
            if (keys.containsKey("mounts")) {
                for (Node m : keys.get("mounts").array()) {
                    mount(v, m);
                }
            }
            if (keys.containsKey("headers")) {
                for (Node entry : keys.get("headers").array()) {
                    for (Map.Entry<String, Object> h : entry.members().entrySet()) {
                        Node header = entry.child(h.getKey(), h.getValue());
                        String value = header.text();
                        apply(header, () -> v.header(h.getKey(), value));
                    }
                }
            }
            if (keys.containsKey("sts") && keys.get("sts").bool()) {
                apply(keys.get("sts"), () -> v.header("Strict-Transport-Security", STS));
            }
            if (keys.containsKey("access-log")) {
                Node log = keys.get("access-log");
                Path file = log.path(dir);
                if (Files.isDirectory(file)) {
                    throw log.error(file + " is a directory");
                }
                apply(log, () -> v.accessLog(file));
            }
        }));
        vhosts.add(new ServerConfig.Vhost(name, host, port, tls != null, node.file()));
    }

    /** "host-ssl-cert" and "host-ssl-key" (both or neither), "host-ssl-ca", "client-cert-required". */
    private TlsOptions tls(Node node, Map<String, Node> keys) {
        Node cert = keys.get("host-ssl-cert");
        Node key = keys.get("host-ssl-key");
        Node ca = keys.get("host-ssl-ca");
        Node clientCert = keys.get("client-cert-required");
        if (cert == null && key == null) {
            for (Node n : new Node[] {ca, clientCert}) {
                if (n != null) {
                    throw n.error("needs \"host-ssl-cert\" and \"host-ssl-key\" (a TLS vhost)");
                }
            }
            return null;
        }
        if (cert == null || key == null) {
            throw (cert == null ? key : cert).error("\"host-ssl-cert\" and \"host-ssl-key\" go together");
        }
        TlsOptions tls = call(cert, () -> TlsOptions.server(existingFile(cert), existingFile(key)));
        if (ca != null) {
            Path caFile = existingFile(ca);
            call(ca, () -> tls.trust(caFile));
        }
        if (clientCert != null && clientCert.bool()) {
            if (ca == null) {
                throw clientCert.error("needs \"host-ssl-ca\": the CA that signs the client certificates");
            }
            tls.requireClientCertificate();
        }
        return tls;
    }

    /** A "ws-protocols" entry: the plugin's listener for this vhost; returns whether it is the default one. */
    private boolean protocol(VirtualHost v, String pluginName, Node protocol, boolean hadDefault) {
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, Object> o : protocol.members().entrySet()) {
            options.put(o.getKey(), protocol.child(o.getKey(), o.getValue()).text());
        }
        ProtocolPlugin plugin = plugin(protocol, pluginName);
        Map<String, String> frozen = Collections.unmodifiableMap(options);
        WebSocket.Listener listener = call(protocol, () -> plugin.webSocket(frozen));
        if (listener == null) {
            throw protocol.error("the plugin \"" + pluginName + "\" (" + plugin.getClass().getName()
                    + ") speaks no WebSocket");
        }
        apply(protocol, () -> v.protocol(pluginName, listener));
        boolean isDefault = false;
        if (options.containsKey("default")) {
            Node d = protocol.child("default", protocol.members().get("default"));
            isDefault = d.bool();
            if (isDefault && hadDefault) {
                throw d.error("a second protocol marked \"default\" on one vhost");
            }
            if (isDefault) {
                v.handler(listener);
            }
        }
        if (options.containsKey("route")) {
            Node r = protocol.child("route", protocol.members().get("route"));
            String path = r.string();
            apply(r, () -> v.route(path, listener));
        }
        return isDefault;
    }

    /** A "mounts" entry: files, a plugin's HTTP handler or a redirect, by its origin's scheme. */
    private void mount(VirtualHost v, Node node) {
        Map<String, Node> keys = node.object(MOUNT_KEYS, MOUNT_UNSUPPORTED);
        String mountpoint = required(node, keys, "mountpoint").string();
        Node originNode = required(node, keys, "origin");
        String origin = originNode.string();
        if (keys.containsKey("pmo") && !origin.startsWith("callback://")) {
            throw keys.get("pmo").error("only for callback:// mounts");
        }
        if (origin.startsWith("file://")) {
            StaticFiles files = files(keys, originNode, origin.substring(7));
            apply(node, () -> v.staticFiles(mountpoint, files));
            return;
        }
        for (String key : FILE_MOUNT_KEYS) {
            if (keys.containsKey(key)) {
                throw keys.get(key).error("only for file:// mounts");
            }
        }
        if (origin.startsWith("callback://")) {
            String name = origin.substring(11);
            ProtocolPlugin plugin = plugin(originNode, name);
            Map<String, String> options = new LinkedHashMap<>();
            if (keys.containsKey("pmo")) {
                for (Node entry : keys.get("pmo").array()) {
                    for (Map.Entry<String, Object> o : entry.members().entrySet()) {
                        options.put(o.getKey(), entry.child(o.getKey(), o.getValue()).text());
                    }
                }
            }
            Map<String, String> frozen = Collections.unmodifiableMap(options);
            HttpHandler handler = call(originNode, () -> plugin.http(frozen));
            if (handler == null) {
                throw originNode.error("the plugin \"" + name + "\" (" + plugin.getClass().getName()
                        + ") answers no HTTP requests");
            }
            apply(node, () -> v.http(mountpoint, handler));
            return;
        }
        if (origin.startsWith(">http://") || origin.startsWith(">https://")) {
            apply(node, () -> v.redirect(mountpoint, origin.substring(1)));
            return;
        }
        String scheme = origin.contains("://") ? origin.substring(0, origin.indexOf("://") + 3) : origin;
        throw originNode.error(switch (scheme) {
            case "http://", "https://" -> "reverse proxying (" + scheme + ") is not supported by lws-java";
            case "cgi://" -> "CGI is not supported by lws-java";
            case "gzip://" -> "gzip:// mounts are not supported by lws-java";
            default -> "unknown origin \"" + origin + "\"";
        } + " (lws-java serves file://, callback://, >http:// and >https:// origins)");
    }

    private StaticFiles files(Map<String, Node> keys, Node originNode, String directory) {
        if (directory.isEmpty()) {
            throw originNode.error("file:// needs a directory");
        }
        Path path = new Node(originNode.file(), originNode.path(), directory).path(dir);
        if (!Files.isDirectory(path)) {
            throw originNode.error("no such directory: " + path);
        }
        StaticFiles files = StaticFiles.of(path);
        if (keys.containsKey("default")) {
            Node d = keys.get("default");
            String name = d.string();
            files = call(d, () -> StaticFiles.of(path).defaultDocument(name));
        }
        int maxAge = keys.containsKey("cache-max-age") ? keys.get("cache-max-age").integer(0, Integer.MAX_VALUE) : 0;
        boolean reuse = keys.containsKey("cache-reuse") && keys.get("cache-reuse").bool();
        boolean revalidate = keys.containsKey("cache-revalidate") && keys.get("cache-revalidate").bool();
        boolean shared = keys.containsKey("cache-intermediaries") && keys.get("cache-intermediaries").bool();
        // as lws does: a max-age goes out only with cache-reuse, else "no-store"
        files = files.cache(Duration.ofSeconds(reuse ? maxAge : 0), revalidate, shared);
        if (keys.containsKey("extra-mimetypes")) {
            Node types = keys.get("extra-mimetypes");
            for (Map.Entry<String, Object> t : types.members().entrySet()) {
                Node type = types.child(t.getKey(), t.getValue());
                String contentType = t.getValue() instanceof String s ? s : type.string();
                StaticFiles before = files;
                files = call(type, () -> before.mimeType(t.getKey(), contentType));
            }
        }
        return files;
    }

    private ProtocolPlugin plugin(Node where, String name) {
        ProtocolPlugin plugin = plugins.get(name);
        if (plugin == null) {
            throw where.error("no plugin named \"" + name + "\" (found: "
                    + (plugins.isEmpty() ? "none" : String.join(", ", plugins.keySet()))
                    + "; a plugin is a ProtocolPlugin on the class path, listed in"
                    + " META-INF/services/io.github.lwsjava.server.ProtocolPlugin)");
        }
        return plugin;
    }

    private Path existingFile(Node node) {
        Path file = node.path(dir);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw node.error("no such readable file: " + file);
        }
        return file;
    }

    private static Node required(Node node, Map<String, Node> keys, String key) {
        Node n = keys.get(key);
        if (n == null) {
            throw node.error("\"" + key + "\" is missing");
        }
        return n;
    }

    /** Runs a builder step; what it refuses is refused at where. */
    private static void apply(Node where, Runnable step) {
        call(where, () -> {
            step.run();
            return null;
        });
    }

    private static <T> T call(Node where, Supplier<T> step) {
        try {
            return step.get();
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException(where.file(), where.path(), e.getMessage() == null ? e.toString()
                    : e.getMessage(), e);
        }
    }

    private static Map<String, String> unsupported(String... keysAndReasons) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndReasons.length; i += 2) {
            m.put(keysAndReasons[i], keysAndReasons[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
