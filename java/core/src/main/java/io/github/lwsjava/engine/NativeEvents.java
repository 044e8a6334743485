package io.github.lwsjava.engine;

import java.util.concurrent.ConcurrentHashMap;

import io.github.lwsjava.lws.lwsj_event_fn;

/**
 * The one upcall from the lwsj engine into Java, shared by every context: JavaCPP allows few live instances of a
 * function pointer class, so a single instance routes events to their {@link Engine} by id. Nothing thrown may
 * unwind into C: every event is handled inside a catch-all.
 */
final class NativeEvents extends lwsj_event_fn {

    static final NativeEvents INSTANCE = new NativeEvents();

    private final ConcurrentHashMap<Long, Engine> engines = new ConcurrentHashMap<>();

    private NativeEvents() {
    }

    void register(Engine engine) {
        engines.put(engine.id, engine);
    }

    void unregister(Engine engine) {
        engines.remove(engine.id);
    }

    @Override
    public long call(long engine, int event, long conn, long data, long len, int arg) {
        try {
            Engine target = engines.get(engine);
            return target == null ? 0 : target.onEvent(event, conn, data, len, arg);
        } catch (Throwable t) {
            Engine.LOG.log(System.Logger.Level.ERROR, "unexpected error in event " + event, t);
            return 0;
        }
    }
}
