package io.github.lwsjava.bench;

import io.github.lwsjava.WebSocket;
import io.github.lwsjava.server.WebSocketServer;
import io.github.lwsjava.tls.TlsOptions;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ResourceLeakDetector;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Echo servers written with the JVM libraries: ours (lws-java) and Netty, for the server-side figures. */
final class EchoServers {
    private EchoServers() {}

    /** Starts an echo server and returns its port; it runs until the process ends. */
    static int start(String impl, int port, Path cert, Path key, int threads, boolean deflate) throws Exception {
        switch (impl) {
            case "lws": return lws(port, cert, key, threads, deflate, null);
            case "lws-uv": return lws(port, cert, key, threads, deflate, io.github.lwsjava.EventLoop.LIBUV);
            case "netty": return netty(port, cert, key);
            default: throw new IllegalArgumentException("unknown server " + impl + " (lws, lws-uv, netty)");
        }
    }

    /** Ours: whole messages echoed from the service thread(s); on the default loop (poll) or on loop. */
    static int lws(int port, Path cert, Path key, int threads, boolean deflate, io.github.lwsjava.EventLoop loop) {
        WebSocket.Listener echo = new WebSocket.Listener() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.sendText(text);
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                ws.sendBinary(data);
            }
        };
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(port).handler(echo)
                .maxMessageSize(16 << 20).serviceThreads(threads).deflate(deflate);
        if (loop != null) {
            b.eventLoop(loop);
        }
        if (cert != null) {
            b.tls(TlsOptions.server(cert, key));
        }
        WebSocketServer server = LwsOptions.apply(b).build();
        return server.port();
    }

    /** Netty with epoll, one event-loop thread, frames echoed as they come (no reassembly), flushed per read. */
    static int netty(int port, Path cert, Path key) throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        SslContext ssl = cert == null ? null : SslContextBuilder.forServer(cert.toFile(), key.toFile()).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder().websocketPath("/")
                .checkStartsWith(true).maxFramePayloadLength(16 << 20).allowExtensions(false).build();
        Channel ch = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 8192)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        ChannelPipeline p = c.pipeline();
                        if (ssl != null) {
                            p.addLast(ssl.newHandler(c.alloc()));
                        }
                        p.addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(config), new NettyEcho());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
        return ((java.net.InetSocketAddress) ch.localAddress()).getPort();
    }

    private static final class NettyEcho extends SimpleChannelInboundHandler<WebSocketFrame> {
        NettyEcho() {
            super(false); // the frame is passed on to write(), which releases it
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame f) {
            if (f instanceof TextWebSocketFrame || f instanceof BinaryWebSocketFrame
                    || f instanceof ContinuationWebSocketFrame) {
                ctx.write(f, ctx.voidPromise());
            } else {
                f.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
