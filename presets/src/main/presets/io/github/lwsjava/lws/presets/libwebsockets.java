package io.github.lwsjava.lws.presets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.javacpp.tools.BuildEnabled;
import org.bytedeco.javacpp.tools.Info;
import org.bytedeco.javacpp.tools.InfoMap;
import org.bytedeco.javacpp.tools.InfoMapper;
import org.bytedeco.javacpp.tools.Logger;

/**
 * JavaCPP presets of libwebsockets 4.3 and of the lwsj engine (native/glue/lwsj.h): the Parser generates
 * {@code io.github.lwsjava.lws.global.libwebsockets} and the struct classes of {@code io.github.lwsjava.lws} from these
 * headers, and every binding lives in one JNI library ({@code jnilws}) linked with the static lws.
 *
 * <p>The Parser keeps every unknown {@code #if} branch, so the build evaluates each condition of these headers
 * against this build's {@code lws_config.h} ({@code scripts/parser-conditions.sh}) and this class hands the
 * results over. Functions that the headers declare but the static library lacks are skipped
 * ({@code defined-symbols.txt}, from {@code nm}).
 */
@Properties(
    target = "io.github.lwsjava.lws",
    global = "io.github.lwsjava.lws.global.libwebsockets",
    value = {
        @Platform(
            define = {"NDEBUG"},
            // the sub-headers in libwebsockets.h's order; they have no include guards, so the generated
            // code includes only libwebsockets.h (exclude) while the Parser reads each of them
            include = {
                "libwebsockets.h",
                "libwebsockets/lws-logs.h",
                "libwebsockets/lws-dll2.h",
                "libwebsockets/lws-timeout-timer.h",
                "libwebsockets/lws-retry.h",
                "libwebsockets/lws-network-helper.h",
                "libwebsockets/lws-ws-close.h",
                "libwebsockets/lws-callbacks.h",
                "libwebsockets/lws-ws-state.h",
                "libwebsockets/lws-ws-ext.h",
                "libwebsockets/lws-protocols-plugins.h",
                "libwebsockets/lws-context-vhost.h",
                "libwebsockets/lws-client.h",
                "libwebsockets/lws-http.h",
                "libwebsockets/lws-misc.h",
                "libwebsockets/lws-service.h",
                "libwebsockets/lws-write.h",
                "libwebsockets/lws-writeable.h",
                "lwsj.h"},
            exclude = {
                "libwebsockets/lws-logs.h",
                "libwebsockets/lws-dll2.h",
                "libwebsockets/lws-timeout-timer.h",
                "libwebsockets/lws-retry.h",
                "libwebsockets/lws-network-helper.h",
                "libwebsockets/lws-ws-close.h",
                "libwebsockets/lws-callbacks.h",
                "libwebsockets/lws-ws-state.h",
                "libwebsockets/lws-ws-ext.h",
                "libwebsockets/lws-protocols-plugins.h",
                "libwebsockets/lws-context-vhost.h",
                "libwebsockets/lws-client.h",
                "libwebsockets/lws-http.h",
                "libwebsockets/lws-misc.h",
                "libwebsockets/lws-service.h",
                "libwebsockets/lws-write.h",
                "libwebsockets/lws-writeable.h"},
            // JavaCPP writes these in reverse on the linker line: -llwsj -lwebsockets -lssl -lcrypto -lz
            link = {"z", "crypto", "ssl", "websockets", "lwsj"},
            library = "jnilws"),
        // libuv under lws (native/CMakeLists.txt LWSJ_LIBUV) on these platforms (a matching @Platform's link
        // replaces the one above): -luv last on the linker line, after the libwebsockets that needs it
        @Platform(value = "linux", link = {"uv", "z", "crypto", "ssl", "websockets", "lwsj"})
    })
public class libwebsockets implements InfoMapper, BuildEnabled {
    static { org.bytedeco.javacpp.Loader.checkVersion("org.bytedeco", "javacpp"); }

    private Logger logger;
    private List<String> includePaths = new ArrayList<>();
    private boolean windows;

    @Override
    public void init(Logger logger, java.util.Properties properties, String encoding) {
        this.logger = logger;
        this.windows = properties.getProperty("platform", "").startsWith("windows");
        String paths = properties.getProperty("platform.includepath", "");
        for (String p : paths.split(properties.getProperty("platform.path.separator", java.io.File.pathSeparator))) {
            if (!p.isEmpty()) {
                includePaths.add(p);
            }
        }
    }

    @Override
    public void map(InfoMap infoMap) {
        Path include = findInclude();
        Path install = include.getParent();

        if (windows) {
            // the SDK's INVALID_SOCKET (a 64-bit SOCKET): read from native code
            infoMap.put(new Info("LWS_SOCK_INVALID").cppTypes("long").translate(false));
        }
        // attributes and visibility macros carry no meaning for Java
        infoMap.put(new Info("LWS_VISIBLE", "LWS_EXTERN", "LWS_WARN_UNUSED_RESULT", "LWS_WARN_DEPRECATED",
                        "LWS_INLINE", "LWS_FORMAT", "LWS_SSTRUCT", "LWS_RETRY_NONE").cppTypes().annotations())
               .put(new Info("__cplusplus", "LWSJ_H").define(false))
               // the C expression macros: read their values from native code
               .put(new Info("LWS_PRE", "LWS_SEND_BUFFER_PRE_PADDING", "LWS_SEND_BUFFER_POST_PADDING",
                        "LWS_POLLIN", "LWS_POLLOUT", "LWS_POLLHUP", "CONTEXT_PORT_NO_LISTEN",
                        "CONTEXT_PORT_NO_LISTEN_SERVER", "LWS_WRITE_RAW", "_LWS_PAD_SIZE")
                        .cppTypes("long").translate(false))
               // platform types
               .put(new Info("lws_sockfd_type", "lws_filefd_type").cppTypes("int").valueTypes("int"))
               .put(new Info("lws_filepos_t", "lws_fileofs_t", "lws_usec_t").cast().valueTypes("long").pointerTypes("LongPointer"))
               .put(new Info("lws_fop_flags_t").cppTypes("unsigned int").valueTypes("int"))
               .put(new Info("uid_t", "gid_t", "socklen_t", "lws_smd_class_t").cast().valueTypes("int")
                        .pointerTypes("IntPointer"))
               .put(new Info("intptr_t").cast().valueTypes("long").pointerTypes("SizeTPointer"))
               // types lws-java never looks into (OpenSSL, sockets, subsystems it does not use): opaque
               .put(new Info("SSL_CTX", "SSL", "X509", "X509_STORE_CTX", "EVP_PKEY", "lws_tls_ctx", "lws_tls_conn",
                        "lws_fi_ctx_t", "lws_system_ops_t", "lws_state_notify_link_t", "lws_ss_handle",
                        "lws_sorted_usec_list_t", "sockaddr_in", "sockaddr", "lws_sockaddr46", "lws_udp",
                        "lws_event_loop_ops", "lws_smd_notification_cb_t", "pollfd").cast().pointerTypes("Pointer"))
               // structs that hold socket addresses or event-loop internals by value: not for Java
               .put(new Info("lws_route_t", "lws_route", "lws_plugin_evlib", "lws_plugin_evlib_t",
                        "lws_peer_limits_notify_t", "lws_filter_network_conn_args", "lws_dns_sort_t").skip())
               // Windows' branches of the headers: LWS_INLINE is __inline there, random() an alias of rand()
               .put(new Info("__inline").cppTypes().annotations())
               .put(new Info("random").skip())
               // macros that only alias another name
               .put(new Info("lws_intptr_t", "LWS_O_RDONLY", "LWS_O_WRONLY", "LWS_O_CREAT", "LWS_O_TRUNC",
                        "lws_pollfd", "_LWS_LBS", "_LWS_LBC", "_LWS_ENABLED_LOGS", "lws_time_in_microseconds",
                        "lws_plat_service_tsi").skip())
               // typedef struct X {...} X_t: one Java class under the struct's name
               .put(new Info("lws_retry_bo_t").pointerTypes("lws_retry_bo"))
               .put(new Info("lws_dll2_t").pointerTypes("lws_dll2"))
               .put(new Info("lws_dll2_owner_t").pointerTypes("lws_dll2_owner"))
               .put(new Info("LWS_PROTOCOL_LIST_TERM", "lws_context_creation_info::register_notifier_list").skip())
               // Object.finalize() clash
               .put(new Info("lws_context_creation_info::finalize").javaNames("finalize_"))
               // variadic loggers: Java logs through lws_set_log_level's emit callback instead
               .put(new Info("_lws_log", "_lws_logv", "_lws_log_cx", "lwsl_hexdump_level", "lwsl_hexdump",
                        "lws_snprintf", "lws_json_purify_len", "lwsl_context_get_cx", "lwsl_vhost_get_cx",
                        "lwsl_wsi_get_cx", "lws_log_prepend_context", "lws_log_prepend_vhost",
                        "lws_log_prepend_wsi", "lws_log_use_cx_file").skip());

        // the engine's per-message calls: no C++ exception handling (C code), and a byte[] read in place
        // (GetPrimitiveArrayCritical) instead of copied by JNI: the message is copied once, by the engine
        String bytes = "@Cast(\"const unsigned char*\") byte[] data, @Cast(\"size_t\") long len, int kind";
        String direct = "@Cast(\"const unsigned char*\") ByteBuffer data, @Cast(\"size_t\") long len, int kind";
        infoMap.put(new Info("lwsj_send").javaText(
                        "@NoException @CriticalRegion public static native long lwsj_send(lwsj_engine engine, long id, "
                        + bytes + ");\n"
                        + "@NoException public static native long lwsj_send(lwsj_engine engine, long id, " + direct + ");\n"))
               .put(new Info("lwsj_post").javaText(
                        "@NoException @CriticalRegion public static native int lwsj_post(lwsj_engine engine, Pointer context, "
                        + "long id, " + bytes + ");\n"
                        + "@NoException public static native int lwsj_post(lwsj_engine engine, Pointer context, long id, "
                        + direct + ");\n"))
               .put(new Info("lwsj_events_take").javaText(
                        "@NoException public static native long lwsj_events_take(lwsj_engine engine);\n"))
               // the header readers fill a scratch byte[] of 8 KiB some 90 times per upgrade: in place too (JNI
               // copied the whole array in and out at each call, 7 % of a server's CPU opening 10,000 connections)
               .put(new Info("lwsj_header").javaText(
                        "@NoException @CriticalRegion public static native int lwsj_header(long wsi, int token, "
                        + "@Cast(\"char*\") byte[] buf, int len);\n"))
               .put(new Info("lwsj_custom_headers").javaText(
                        "@NoException @CriticalRegion public static native int lwsj_custom_headers(long wsi, "
                        + "@Cast(\"char*\") byte[] buf, int len);\n"))
               .put(new Info("lwsj_peer").javaText(
                        "@NoException @CriticalRegion public static native void lwsj_peer(long wsi, "
                        + "@Cast(\"char*\") byte[] buf, int len);\n"));

        for (String line : readLines(install.resolve("parser-conditions.tsv"))) {
            int tab = line.indexOf('\t');
            infoMap.put(new Info(line.substring(tab + 1)).define(line.charAt(0) == '1'));
        }
        // lws's libuv helpers (lws_uv_getloop & co., uv_loop_t) stay out of the bindings: the C engine owns the loop
        infoMap.put(new Info("LWS_WITH_LIBUV").define(false));
        skipUndefinedFunctions(infoMap, include, readSet(install.resolve("defined-symbols.txt")));
    }

    /** Declared in a header but absent from the static libraries: calling it would not even link. */
    private void skipUndefinedFunctions(InfoMap infoMap, Path include, Set<String> defined) {
        Pattern call = Pattern.compile("\\b((?:lws|lwsl|lwsj)_\\w+)\\s*\\(");
        Set<String> skipped = new HashSet<>();
        org.bytedeco.javacpp.annotation.Platform platform = getClass()
                .getAnnotation(org.bytedeco.javacpp.annotation.Properties.class).value()[0];
        for (String header : platform.include()) {
            String text = String.join("\n", readLines(include.resolve(header)));
            text = text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
            Matcher m = call.matcher(text);
            while (m.find()) {
                String name = m.group(1);
                if (!defined.contains(name) && !isDefinedInHeader(text, name) && skipped.add(name)) {
                    infoMap.put(new Info(name).skip());
                }
            }
        }
        if (logger != null) {
            logger.info("lws presets: skipped " + skipped.size() + " functions the static library lacks");
        }
    }

    /** A function type (typedef) or a static inline function of the header itself: nothing to link. */
    private static boolean isDefinedInHeader(String text, String name) {
        return Pattern.compile("(typedef|static)\\s[^;{]*\\b" + name + "\\s*\\(").matcher(text).find();
    }

    private Path findInclude() {
        for (String p : includePaths) {
            if (Files.exists(Paths.get(p, "lws_config.h"))) {
                return Paths.get(p);
            }
        }
        throw new IllegalStateException("lws_config.h not found in the include paths " + includePaths
                + ": run scripts/build-native.sh first");
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": run scripts/build-native.sh", e);
        }
    }

    private static Set<String> readSet(Path file) {
        return new HashSet<>(readLines(file));
    }
}
