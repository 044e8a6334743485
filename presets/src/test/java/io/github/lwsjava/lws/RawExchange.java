package io.github.lwsjava.lws;

import static io.github.lwsjava.lws.global.libwebsockets.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One echo exchange over the RAW generated bindings (no lwsj engine): a single lws context with a listening
 * server vhost on an ephemeral port of 127.0.0.1 and a client vhost, both serviced by the calling thread.
 * The client sends a text and a binary message, the server echoes each, the client checks the echoes and closes.
 *
 * <p>Rules this class follows because breaking them crashes the JVM: every JavaCPP allocation is zeroed; every
 * struct, string and the callback stay strongly referenced until the context is destroyed; every callback
 * catches Throwable; the client connects from the service thread; writes happen only in WRITEABLE callbacks with
 * LWS_PRE bytes of headroom. The one Java callback instance is shared by all exchanges (a FunctionPointer class
 * has only 10 native thunks); exchanges run one at a time.
 */
final class RawExchange {

    static final String PROTOCOL = "raw-test";

    /** The TLS set-up of an exchange; null fields mean plain ws. */
    record Tls(Path serverCert, Path serverKey, Path clientCa, byte[] clientCaMem) {
    }

    /** What happened, for assertions. */
    static final class Result {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final List<byte[]> clientReceived = new ArrayList<>();
        final List<Boolean> clientReceivedBinary = new ArrayList<>();
        final List<byte[]> serverReceived = new ArrayList<>();
        int listenPort;
        boolean clientEstablished;
        boolean serverEstablished;
        boolean clientClosed;
        boolean serverClosed;
        String connectionError;
        boolean timedOut;

        @Override
        public String toString() {
            return "port=" + listenPort + " clientEstablished=" + clientEstablished + " serverEstablished="
                    + serverEstablished + " clientClosed=" + clientClosed + " serverClosed=" + serverClosed
                    + " connectionError=" + connectionError + " timedOut=" + timedOut + " received="
                    + clientReceived.size() + " events=" + events;
        }
    }

    /** The one callback instance; it routes to the exchange running now. */
    private static final Dispatcher DISPATCHER = new Dispatcher();
    private static volatile RawExchange current;

    private final Tls tls;
    private final byte[][] messages;
    private final boolean[] binary;
    private final long timeoutMs;
    final Result result = new Result();

    // everything lws may point at, kept until the context is gone
    private final List<Pointer> keep = new ArrayList<>();
    private lws_context context;

    // client state
    private final Queue<Integer> clientToSend = new ArrayDeque<>();
    private final java.io.ByteArrayOutputStream clientRx = new java.io.ByteArrayOutputStream();
    private long clientWsi;
    // server state: echo queue
    private final Queue<byte[]> serverToSend = new ArrayDeque<>();
    private final Queue<Boolean> serverToSendBinary = new ArrayDeque<>();
    private final java.io.ByteArrayOutputStream serverRx = new java.io.ByteArrayOutputStream();
    private boolean finished;

    RawExchange(Tls tls, byte[][] messages, boolean[] binary, long timeoutMs) {
        this.tls = tls;
        this.messages = messages;
        this.binary = binary;
        this.timeoutMs = timeoutMs;
    }

    private BytePointer str(String s) {
        BytePointer p = new BytePointer(s); // NUL-terminated copy, kept alive
        keep.add(p);
        return p;
    }

    /** Runs the exchange on the calling thread and returns what happened; never hangs past the timeout. */
    synchronized Result run() throws InterruptedException {
        synchronized (RawExchange.class) {
            current = this;
            try {
                runOnThisThread();
            } finally {
                current = null;
                for (Pointer p : keep) {
                    p.close();
                }
                keep.clear();
            }
        }
        return result;
    }

    private void runOnThisThread() throws InterruptedException {
        boolean useTls = tls != null;
        long sslOpt = useTls ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0;

        lws_protocols protocols = new lws_protocols(2);
        keep.add(protocols);
        protocols.zero();
        protocols.getPointer(0).name(str(PROTOCOL)).callback(DISPATCHER).per_session_data_size(0)
                .rx_buffer_size(0).id(0).user(null).tx_packet_size(0);
        protocols.getPointer(1).name(null).callback(null).per_session_data_size(0).rx_buffer_size(0)
                .id(0).user(null).tx_packet_size(0);

        lws_context_creation_info ci = new lws_context_creation_info();
        keep.add(ci);
        ci.zero();
        ci.port((int) CONTEXT_PORT_NO_LISTEN);
        ci.options(LWS_SERVER_OPTION_EXPLICIT_VHOSTS | sslOpt);
        ci.protocols(protocols);
        context = lws_create_context(ci);
        if (context == null || context.isNull()) {
            throw new IllegalStateException("lws_create_context failed");
        }
        Thread canceller = null;
        try {
            lws_context_creation_info si = new lws_context_creation_info();
            keep.add(si);
            si.zero();
            si.vhost_name(str("server"));
            si.port(0);
            si.iface(str("127.0.0.1"));
            si.protocols(protocols);
            si.options(sslOpt);
            if (useTls) {
                si.ssl_cert_filepath(str(tls.serverCert().toString()));
                si.ssl_private_key_filepath(str(tls.serverKey().toString()));
            }
            lws_vhost server = lws_create_vhost(context, si);
            if (server == null || server.isNull()) {
                throw new IllegalStateException("lws_create_vhost(server) failed");
            }
            result.listenPort = lws_get_vhost_listen_port(server);

            lws_context_creation_info cli = new lws_context_creation_info();
            keep.add(cli);
            cli.zero();
            cli.vhost_name(str("client"));
            cli.port((int) CONTEXT_PORT_NO_LISTEN);
            cli.protocols(protocols);
            cli.options(sslOpt);
            if (useTls && tls.clientCa() != null) {
                cli.client_ssl_ca_filepath(str(tls.clientCa().toString()));
            }
            if (useTls && tls.clientCaMem() != null) {
                BytePointer mem = new BytePointer(tls.clientCaMem().length + 1);
                keep.add(mem);
                mem.zero();
                mem.put(tls.clientCaMem());
                cli.client_ssl_ca_mem(mem);
                cli.client_ssl_ca_mem_len(tls.clientCaMem().length);
            }
            lws_vhost client = lws_create_vhost(context, cli);
            if (client == null || client.isNull()) {
                throw new IllegalStateException("lws_create_vhost(client) failed");
            }
            if (result.listenPort <= 0) {
                throw new IllegalStateException("no listen port: " + result.listenPort);
            }

            for (int i = 0; i < messages.length; i++) {
                clientToSend.add(i);
            }

            // connect from this (the service) thread, before the loop
            lws_client_connect_info cc = new lws_client_connect_info();
            keep.add(cc);
            cc.zero();
            cc.context(context);
            cc.vhost(client);
            cc._address(str("127.0.0.1"));
            cc.port(result.listenPort);
            cc.path(str("/"));
            cc.host(str("localhost"));
            cc.origin(str("localhost"));
            cc.protocol(str(PROTOCOL));
            cc.ssl_connection(useTls ? LCCSCF_USE_SSL : 0);
            lws wsi = lws_client_connect_via_info(cc);
            if (wsi == null || wsi.isNull()) {
                // the failure may already have been reported through CLIENT_CONNECTION_ERROR
                if (result.connectionError == null) {
                    result.connectionError = "lws_client_connect_via_info returned NULL";
                }
                finished = true;
            } else {
                clientWsi = wsi.address();
            }

            // lws_service ignores its timeout while nothing is scheduled: wake it from outside regularly
            final lws_context ctx = context;
            canceller = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    lws_cancel_service(ctx);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "lws-canceller");
            canceller.setDaemon(true);
            canceller.start();

            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            while (!finished) {
                if (System.nanoTime() > deadline) {
                    result.timedOut = true;
                    break;
                }
                if (lws_service(context, 100) < 0) {
                    result.events.add("lws_service < 0");
                    break;
                }
            }
            // let the server see the close
            long grace = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2000);
            while (result.clientEstablished && !result.serverClosed && System.nanoTime() < grace) {
                if (lws_service(context, 50) < 0) {
                    break;
                }
            }
        } finally {
            if (canceller != null) {
                canceller.interrupt();
                canceller.join(5000);
            }
            lws_context_destroy(context); // callbacks may still arrive: current stays set meanwhile
            context = null;
        }
    }

    private static byte[] bytes(Pointer in, long len) {
        if (in == null || in.isNull() || len <= 0) {
            return new byte[0];
        }
        byte[] b = new byte[(int) len];
        new BytePointer(in).capacity(len).limit(len).get(b);
        return b;
    }

    private static String text(Pointer in, long len) {
        if (in == null || in.isNull()) {
            return "(null)";
        }
        if (len <= 0) {
            return new BytePointer(in).getString(StandardCharsets.UTF_8);
        }
        String s = new String(bytes(in, len), StandardCharsets.UTF_8);
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    private int write(lws wsi, byte[] data, boolean bin) {
        try (BytePointer buf = new BytePointer(LWS_PRE + data.length)) {
            buf.zero();
            buf.position(LWS_PRE).put(data);
            int n = lws_write(wsi, buf, data.length, bin ? LWS_WRITE_BINARY : LWS_WRITE_TEXT);
            if (n < data.length) {
                result.events.add("short write " + n + " of " + data.length);
                return -1;
            }
            return 0;
        }
    }

    private int callback(lws wsi, int reason, Pointer user, Pointer in, long len) {
        boolean isClient = wsi != null && !wsi.isNull() && wsi.address() == clientWsi;
        switch (reason) {
            case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
                result.connectionError = text(in, len);
                result.events.add("CLIENT_CONNECTION_ERROR " + result.connectionError);
                finished = true;
                return 0;
            }
            case LWS_CALLBACK_CLIENT_ESTABLISHED:
                result.clientEstablished = true;
                clientWsi = wsi.address();
                result.events.add("CLIENT_ESTABLISHED");
                lws_callback_on_writable(wsi);
                return 0;
            case LWS_CALLBACK_CLIENT_WRITEABLE: {
                Integer i = clientToSend.poll();
                if (i == null) {
                    return 0;
                }
                if (write(wsi, messages[i], binary[i]) < 0) {
                    return -1;
                }
                if (!clientToSend.isEmpty()) {
                    lws_callback_on_writable(wsi);
                }
                return 0;
            }
            case LWS_CALLBACK_CLIENT_RECEIVE: {
                clientRx.writeBytes(bytes(in, len));
                if (lws_is_final_fragment(wsi) != 0) {
                    result.clientReceived.add(clientRx.toByteArray());
                    result.clientReceivedBinary.add(lws_frame_is_binary(wsi) != 0);
                    clientRx.reset();
                    if (result.clientReceived.size() == messages.length) {
                        lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, (BytePointer) null, 0);
                        return -1; // close
                    }
                }
                return 0;
            }
            case LWS_CALLBACK_CLIENT_CLOSED:
                result.clientClosed = true;
                result.events.add("CLIENT_CLOSED");
                finished = true;
                return 0;
            case LWS_CALLBACK_ESTABLISHED:
                result.serverEstablished = true;
                result.events.add("ESTABLISHED");
                return 0;
            case LWS_CALLBACK_RECEIVE: {
                serverRx.writeBytes(bytes(in, len));
                if (lws_is_final_fragment(wsi) != 0) {
                    byte[] msg = serverRx.toByteArray();
                    serverRx.reset();
                    result.serverReceived.add(msg);
                    serverToSend.add(msg);
                    serverToSendBinary.add(lws_frame_is_binary(wsi) != 0);
                    lws_callback_on_writable(wsi);
                }
                return 0;
            }
            case LWS_CALLBACK_SERVER_WRITEABLE: {
                byte[] msg = serverToSend.poll();
                if (msg == null) {
                    return 0;
                }
                if (write(wsi, msg, serverToSendBinary.poll()) < 0) {
                    return -1;
                }
                if (!serverToSend.isEmpty()) {
                    lws_callback_on_writable(wsi);
                }
                return 0;
            }
            case LWS_CALLBACK_CLOSED:
                result.serverClosed = true;
                result.events.add("CLOSED");
                return 0;
            case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
                return 0;
            default:
                if (isClient) {
                    result.events.add("client reason " + reason);
                }
                return lws_callback_http_dummy(wsi, reason, user, in, len);
        }
    }

    /** The FunctionPointer lws calls; catches everything so that no exception unwinds through C frames. */
    private static final class Dispatcher extends lws_callback_function {
        @Override
        public int call(lws wsi, int reason, Pointer user, Pointer in, long len) {
            RawExchange ex = current;
            try {
                if (ex == null) {
                    return lws_callback_http_dummy(wsi, reason, user, in, len);
                }
                return ex.callback(wsi, reason, user, in, len);
            } catch (Throwable t) {
                if (ex != null) {
                    ex.result.events.add("callback threw " + t);
                }
                return -1;
            }
        }
    }

    static String describe(byte[] b) {
        return b.length + " bytes " + Arrays.toString(Arrays.copyOf(b, Math.min(b.length, 8)));
    }
}
