import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.*;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.*;
import io.netty.handler.ssl.*;
import java.io.File;
import java.nio.charset.StandardCharsets;

/** A bare netty HTTPS server for bench/floor.sh: SslHandler (OpenSSL), HttpServerCodec and an aggregator on epoll; answers a fixed AdmissionReview to any request. {@code RawNettyNoop PORT CERT KEY}. */
public class RawNettyNoop {
    public static void main(String[] a) throws Exception {
        SslContext ssl = SslContextBuilder.forServer(new File(a[1]), new File(a[2])).sslProvider(SslProvider.OPENSSL)
                .protocols("TLSv1.3", "TLSv1.2").build();
        byte[] ans = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"\",\"allowed\":true}}"
                .getBytes(StandardCharsets.UTF_8);
        EventLoopGroup boss = new EpollEventLoopGroup(1), work = new EpollEventLoopGroup(4);
        new ServerBootstrap().group(boss, work).channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new HttpServerCodec(), new HttpObjectAggregator(4 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        ByteBuf body = Unpooled.wrappedBuffer(ans);
                                        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
                                        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, ans.length);
                                        ctx.writeAndFlush(r);
                                    }
                                });
                    }
                }).bind("127.0.0.1", Integer.parseInt(a[0])).sync();
        System.out.println("netty up");
    }
}
