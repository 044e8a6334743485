package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.*;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

import io.github.lwsjava.lws.lws_log_emit_t;

/**
 * Process-wide lws matters: loading the JNI library from the platform jar, the library version, and lws's log,
 * which goes to the {@link System.Logger} named "libwebsockets" (lws errors as WARNING, warnings as INFO, notices
 * as DEBUG).
 */
public final class Lws {

    private static final System.Logger LOG = System.getLogger("libwebsockets");
    private static final LogEmitter EMITTER = new LogEmitter();
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
        return NativeMemory.pointer(value);
    }

    /** lws's log callback: may be called on any thread, must not throw. */
    private static final class LogEmitter extends lws_log_emit_t {
        @Override
        public void call(int level, BytePointer line) {
            try {
                String text = line == null ? "" : line.getString().stripTrailing();
                // lws's errors are mostly about one connection (a peer's bad frame, a failed handshake), which the
                // application hears through its listener and futures: WARNING, not ERROR; the rest is detail
                System.Logger.Level l = (level & LLL_ERR) != 0 ? System.Logger.Level.WARNING
                        : (level & LLL_WARN) != 0 ? System.Logger.Level.INFO
                        : System.Logger.Level.DEBUG;
                LOG.log(l, text);
            } catch (Throwable t) {
                // nothing may unwind into lws
            }
        }
    }
}
