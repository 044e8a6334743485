package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.*;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

import io.github.lwsjava.lws.lws_log_emit_t;

/**
 * Process-wide lws matters: loading the JNI library from the platform jar, the library version, and lws's log,
 * which goes to the {@link System.Logger} named "libwebsockets" without lws's own time stamp and level letter, at
 * the level lws gave (errors as ERROR, warnings as WARNING, notices as INFO, info as DEBUG, the rest as TRACE),
 * except the lines about outcomes the application already hears through its futures and listeners (an upgrade
 * refused on purpose), which are DEBUG.
 */
public final class Lws {

    private static final System.Logger LOG = System.getLogger("libwebsockets");
    private static final LogEmitter EMITTER = new LogEmitter();
    /** lws's prefix of every line: "[2026/12/01 21:33:11:0460] W: " (or "[seconds:fraction] W: "). */
    private static final java.util.regex.Pattern PREFIX = java.util.regex.Pattern.compile("^\\[[^\\]]*\\] [A-Z]: ");
    /** Lines about a refusal the application made or hears of (the server's filter, the client's failed connect). */
    private static final String[] ROUTINE = {"User code denied connection", ": got bad HTTP response '"};
    private static volatile boolean initialized;

    private Lws() {
    }

    /** Loads the native library and routes lws's log (errors and warnings) to System.Logger. Idempotent. */
    public static synchronized void init() {
        if (initialized) {
            return;
        }
        Loader.load(io.github.lwsjava.lws.global.libwebsockets.class);
        // -Dlwsjava.lwsLog=<lws LLL_* bits> shows more of lws's own log (7: errors, warnings, notices)
        lws_set_log_level(Integer.getInteger("lwsjava.lwsLog", LLL_ERR | LLL_WARN), EMITTER);
        initialized = true;
    }

    /** The lws library version string. */
    public static String version() {
        init();
        return lws_get_library_version().getString();
    }

    /** A pointer object holding a plain value (an id stored in lws's opaque user data). */
    public static Pointer pointer(long value) {
        return new Pointer() {
            {
                // (a parameter named "address" would be shadowed here by Pointer's own field)
                this.address = value;
            }
        };
    }

    /** Whether the connection wsi (an address the C engine gave) speaks TLS. */
    public static boolean isTls(long wsi) {
        return lws_is_ssl(new io.github.lwsjava.lws.lws(pointer(wsi))) != 0;
    }

    /** The port that the vhost of the connection wsi listens on. */
    public static int listenPort(long wsi) {
        return lws_get_vhost_listen_port(lws_get_vhost(new io.github.lwsjava.lws.lws(pointer(wsi))));
    }

    /**
     * The index of the listener (in the server's list of vhosts) whose vhost took the connection wsi: the vhost's
     * user pointer, which {@link ServerContext} sets to it.
     */
    public static int vhostIndex(long wsi) {
        Pointer user = lws_vhost_user(lws_get_vhost(new io.github.lwsjava.lws.lws(pointer(wsi))));
        return user == null ? 0 : (int) user.address(); // JavaCPP gives null for index 0's null pointer
    }

    /** The System.Logger level of an lws log line of these LLL_* bits. */
    static System.Logger.Level level(int lll, String text) {
        for (String routine : ROUTINE) {
            if (text.contains(routine)) {
                return System.Logger.Level.DEBUG;
            }
        }
        return (lll & LLL_ERR) != 0 ? System.Logger.Level.ERROR
                : (lll & LLL_WARN) != 0 ? System.Logger.Level.WARNING
                : (lll & LLL_NOTICE) != 0 ? System.Logger.Level.INFO
                : (lll & LLL_INFO) != 0 ? System.Logger.Level.DEBUG
                : System.Logger.Level.TRACE;
    }

    /** lws's log callback: may be called on any thread, must not throw. */
    private static final class LogEmitter extends lws_log_emit_t {
        @Override
        public void call(int level, BytePointer line) {
            try {
                String text = line == null ? "" : PREFIX.matcher(line.getString().stripTrailing()).replaceFirst("");
                LOG.log(level(level, text), text);
            } catch (Throwable t) {
                // nothing may unwind into lws
            }
        }
    }
}
