package io.github.lwsjava.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.github.lwsjava.server.ProtocolPlugin;
import io.github.lwsjava.server.WebSocketServer;

/**
 * A server configured as lwsws is: a directory with a global file {@code conf} and one file per vhost (or
 * several) in {@code conf.d/}, JSON with '#' comments, in lwsws's keys; the protocols are {@link ProtocolPlugin}s
 * found with {@link ServiceLoader}. The whole configuration is checked when it is read: a malformed file, an
 * unknown key, a key of lwsws's that lws-java does not support, a value of the wrong type, a missing file or
 * directory, or a plugin that is not there is refused with a {@link ConfigException} naming the file, the key
 * and the reason. The keys are listed in docs/config.md.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.read(Path.of("/etc/myserver"));
 * WebSocketServer server = config.builder().build();
 * }</pre>
 */
public final class ServerConfig {

    /**
     * A vhost as configured.
     *
     * @param name its name (lws matches the Host header and TLS SNI against it where vhosts share a port)
     * @param host the interface it listens on
     * @param port its port (0: one the system picks)
     * @param tls whether it serves TLS (wss:// and https://)
     * @param file the file that configures it
     */
    public record Vhost(String name, String host, int port, boolean tls, Path file) {
    }

    private final WebSocketServer.Builder builder;
    private final List<Vhost> vhosts;

    private ServerConfig(WebSocketServer.Builder builder, List<Vhost> vhosts) {
        this.builder = builder;
        this.vhosts = vhosts;
    }

    /**
     * Reads a configuration directory, with the plugins that {@link ServiceLoader} finds for
     * {@link ProtocolPlugin} through the thread's context class loader.
     *
     * @param dir the directory holding {@code conf} and {@code conf.d/}; relative paths in its files are
     *            relative to it
     * @return the configuration, checked
     * @throws ConfigException naming the file, the key and the reason of the first thing refused
     */
    public static ServerConfig read(Path dir) {
        return read(dir, plugins(dir));
    }

    /**
     * Reads a configuration directory with the given plugins.
     *
     * @param dir the directory holding {@code conf} and {@code conf.d/}
     * @param plugins the protocols the configuration may name
     * @return the configuration, checked
     * @throws ConfigException naming the file, the key and the reason of the first thing refused
     */
    public static ServerConfig read(Path dir, Collection<? extends ProtocolPlugin> plugins) {
        Path base = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(base)) {
            throw new ConfigException(dir, "", "no such configuration directory");
        }
        List<Node> files = new ArrayList<>();
        Path conf = base.resolve("conf");
        if (Files.exists(conf)) {
            files.add(parse(conf));
        }
        Path confD = base.resolve("conf.d");
        if (Files.isDirectory(confD)) {
            try (Stream<Path> list = Files.list(confD)) {
                for (Path f : list.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (!name.startsWith(".") && !name.endsWith("~") && !Files.isDirectory(f)) {
                        files.add(parse(f));
                    }
                }
            } catch (IOException e) {
                throw new ConfigException(confD, "", "cannot list the directory: " + e.getMessage(), e);
            }
        } else if (Files.exists(confD)) {
            throw new ConfigException(confD, "", "not a directory");
        }
        ConfigReader reader = new ConfigReader(base, pluginsByName(dir, plugins));
        reader.read(files);
        return new ServerConfig(reader.builder(), List.copyOf(reader.vhosts()));
    }

    /**
     * The server's builder, set up from the configuration (the plugins' listeners and handlers made): call
     * {@code build()} on it, after adding settings the files do not hold (an executor, limits, ...) if any. One
     * server per configuration read. Its vhosts are those of {@link #vhosts()}, in that order (the server's
     * {@code ports()} too): the builder's own host and port serve nothing, so they do not listen.
     *
     * @return the builder
     */
    public WebSocketServer.Builder builder() {
        return builder;
    }

    /** {@return the configured vhosts, in the order of the files (conf, then conf.d/ by name) and within each} */
    public List<Vhost> vhosts() {
        return vhosts;
    }

    private static Node parse(Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file, "", "not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file, "", "cannot read it: " + e.getMessage(), e);
        }
        try {
            return new Node(file, "", Json.parse(text));
        } catch (Json.SyntaxError e) {
            throw new ConfigException(file, e.path, "not JSON: " + e.getMessage());
        }
    }

    private static List<ProtocolPlugin> plugins(Path dir) {
        List<ProtocolPlugin> found = new ArrayList<>();
        try {
            for (ProtocolPlugin p : ServiceLoader.load(ProtocolPlugin.class)) {
                found.add(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new ConfigException(dir, "", "a ProtocolPlugin on the class path cannot be loaded: "
                    + e.getMessage(), e);
        }
        return found;
    }

    private static Map<String, ProtocolPlugin> pluginsByName(Path dir, Collection<? extends ProtocolPlugin> plugins) {
        Map<String, ProtocolPlugin> byName = new TreeMap<>();
        for (ProtocolPlugin p : plugins) {
            String name;
            try {
                name = p.name();
            } catch (RuntimeException e) {
                throw new ConfigException(dir, "", "the plugin " + p.getClass().getName() + " has no name: " + e, e);
            }
            ProtocolPlugin other = byName.put(name, p);
            if (other != null && other.getClass() != p.getClass()) {
                throw new ConfigException(dir, "", "two plugins are named \"" + name + "\": "
                        + other.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return byName;
    }
}
