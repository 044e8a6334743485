package io.github.lwsjava.config;

import java.nio.file.Path;

/**
 * A configuration that is refused: the file, the key path in it (e.g. {@code vhosts[0].mounts[1].origin}) and
 * the reason, all three in the message: {@code conf.d/site: vhosts[0].mounts[1].origin: ...}.
 */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** @serial the file */
    private final String file;
    /** @serial the key path, or "" */
    private final String key;
    /** @serial why it is refused */
    private final String reason;

    ConfigException(Path file, String key, String reason) {
        this(file, key, reason, null);
    }

    ConfigException(Path file, String key, String reason, Throwable cause) {
        super(file + ": " + (key.isEmpty() ? "" : key + ": ") + reason, cause);
        this.file = file.toString();
        this.key = key;
        this.reason = reason;
    }

    /** {@return the file (or the configuration directory, for what concerns no one file)} */
    public Path file() {
        return Path.of(file);
    }

    /** {@return the key path in the file, e.g. {@code vhosts[0].mounts[1].origin}, or "" for the whole file} */
    public String key() {
        return key;
    }

    /** {@return why it is refused} */
    public String reason() {
        return reason;
    }
}
