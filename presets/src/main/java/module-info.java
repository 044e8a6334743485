/**
 * JavaCPP bindings of libwebsockets' C API ({@code io.github.lwsjava.lws.global.libwebsockets} and the struct classes
 * of {@code io.github.lwsjava.lws}), for applications that call lws directly; the WebSocket API is the module
 * {@code io.github.lwsjava}. The JNI library of each platform is in its own jar and module, named after
 * bytedeco's convention: {@code io.github.lwsjava.lws.linux.x86_64}, {@code io.github.lwsjava.lws.macosx.arm64}, ...
 */
module io.github.lwsjava.lws {
    requires transitive org.bytedeco.javacpp;

    exports io.github.lwsjava.lws;
    exports io.github.lwsjava.lws.global;
    exports io.github.lwsjava.lws.presets;
}
