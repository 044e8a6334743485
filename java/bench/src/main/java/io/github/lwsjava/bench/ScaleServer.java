package io.github.lwsjava.bench;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.WebSocketServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The server side of the scale workload (ours or Netty, one I/O thread each): echoes every message, and answers
 * the client's control messages, text starting with '!', on a separate control thread (never the I/O thread):
 * <ul>
 * <li>{@code !stats}: replies {@code !stats impl=I conns=K rss_kb=R heap_b=H threads=T}, measured after a full
 *     GC (open WebSocket connections, VmRSS, used heap, all threads of the process);</li>
 * <li>{@code !broadcast}: sends one 32-character text to every open connection with the library's broadcast
 *     (ours: {@link WebSocketServer#broadcastAll(String)}; Netty: {@link ChannelGroup#writeAndFlush}), called from
 *     the control thread as an application thread would; the text is the {@link System#nanoTime()} of the call,
 *     zero-padded (the clock is CLOCK_MONOTONIC, shared by the processes of the machine, so the client can time
 *     from the call to the last arrival); then replies {@code !broadcast call_ns=C return_ns=R}.</li>
 * </ul>
 */
final class ScaleServer {
    private ScaleServer() {}

    /** Width of the broadcast text (the call's nanoTime, zero-padded). */
    static final int BROADCAST_CHARS = 32;

    private static final ExecutorService CONTROL = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "scale-control");
        t.setDaemon(true);
        return t;
    });

    /**
     * Starts the server on `ports` consecutive ports from `port` (on 127.0.0.1; a client spreads its connections
     * over them, so that no destination needs more ephemeral ports than the kernel finds quickly); returns the
     * first port.
     */
    static int start(String impl, int port, int ports) throws Exception {
        if (port <= 0 && ports > 1) {
            throw new IllegalArgumentException("several ports need a first port, not " + port);
        }
        switch (impl) {
            case "lws": return lws(port, ports);
            case "netty": return netty(port, ports);
            default: throw new IllegalArgumentException("unknown scale server " + impl + " (lws, netty)");
        }
    }

    static String broadcastText(long callNs) {
        return String.format(Locale.ROOT, "%0" + BROADCAST_CHARS + "d", callNs);
    }

    /** The reply to !stats: this process's figures after a full GC. */
    static String stats(String impl, int conns) throws InterruptedException {
        long heap = Workloads.heapAfterGc();
        return String.format(Locale.ROOT, "!stats impl=%s conns=%d rss_kb=%d heap_b=%d threads=%d", impl, conns,
                Workloads.rssKb(), heap, Workloads.procThreads());
    }

    /** Runs a control request on the control thread; the reply goes to `reply` (callable from any thread). */
    static void control(String impl, String request, java.util.function.IntSupplier conns, Runnable broadcast,
            long[] lastCall, Consumer<String> reply) {
        CONTROL.execute(() -> {
            try {
                if (request.equals("!stats")) {
                    reply.accept(stats(impl, conns.getAsInt()));
                } else if (request.equals("!broadcast")) {
                    broadcast.run(); // sets lastCall[0]
                    long ret = System.nanoTime();
                    reply.accept("!broadcast call_ns=" + lastCall[0] + " return_ns=" + ret);
                } else {
                    reply.accept("!error unknown request " + request);
                }
            } catch (Throwable t) {
                reply.accept("!error " + t);
            }
        });
    }

    static int lws(int port, int ports) {
        WebSocketServer[] server = new WebSocketServer[1];
        long[] lastCall = new long[1];
        Runnable broadcast = () -> {
            long t = System.nanoTime();
            lastCall[0] = t;
            server[0].broadcastAll(broadcastText(t));
        };
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public void onText(WebSocket ws, String text) {
                if (text.startsWith("!")) {
                    control("lws", text, () -> server[0].stats().openConnections(), broadcast, lastCall,
                            ws::sendText);
                } else {
                    ws.sendText(text);
                }
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                ws.sendBinary(data);
            }
        };
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(port).handler(listener)
                .maxMessageSize(1 << 20).idleTimeout(Duration.ZERO); // as Netty's: connections wait for the phases
        for (int i = 1; i < ports; i++) {
            b.vhost("port" + i, "127.0.0.1", port + i, null);
        }
        server[0] = LwsOptions.apply(b).build();
        return server[0].port();
    }

    static int netty(int port, int ports) throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ChannelGroup all = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        long[] lastCall = new long[1];
        Runnable broadcast = () -> {
            long t = System.nanoTime();
            lastCall[0] = t;
            all.writeAndFlush(new TextWebSocketFrame(broadcastText(t)));
        };
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder().websocketPath("/")
                .checkStartsWith(true).maxFramePayloadLength(1 << 20).allowExtensions(false).build();
        ServerBootstrap boot = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 8192)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        ChannelPipeline p = c.pipeline();
                        p.addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(config),
                                new NettyScaleHandler(all, broadcast, lastCall));
                    }
                });
        Channel ch = boot.bind("127.0.0.1", port).sync().channel();
        for (int i = 1; i < ports; i++) {
            boot.bind("127.0.0.1", port + i).sync();
        }
        return ((java.net.InetSocketAddress) ch.localAddress()).getPort();
    }

    /** Echoes frames, joins the channel group once the handshake is done, hands control messages over. */
    private static final class NettyScaleHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final ChannelGroup all;
        private final Runnable broadcast;
        private final long[] lastCall;

        NettyScaleHandler(ChannelGroup all, Runnable broadcast, long[] lastCall) {
            super(false); // the frame is passed on to write(), which releases it
            this.all = all;
            this.broadcast = broadcast;
            this.lastCall = lastCall;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                all.add(ctx.channel()); // removed by the group itself when the channel closes
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
            if (f instanceof TextWebSocketFrame t && t.content().readableBytes() > 0
                    && t.content().getByte(t.content().readerIndex()) == '!') {
                String request = t.text();
                f.release();
                Channel c = ctx.channel();
                control("netty", request, all::size, broadcast, lastCall,
                        reply -> c.writeAndFlush(new TextWebSocketFrame(reply)));
            } else {
                ctx.write(f, ctx.voidPromise());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
