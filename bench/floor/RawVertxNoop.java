import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * A bare Vert.x HTTPS server for bench/floor.sh: answers a fixed AdmissionReview to any POST, with OpenSSL and
 * epoll as the webhook is served. {@code RawVertxNoop PORT CERT KEY} reads the body with the request's own
 * {@code body()}; {@code RawVertxNoop PORT CERT KEY router} goes through a vertx-web Router and BodyHandler
 * instead, as the webhook's /noop route does, without Quarkus around them.
 */
public class RawVertxNoop {
    public static void main(String[] a) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        HttpServerOptions options = new HttpServerOptions().setSsl(true).setPort(Integer.parseInt(a[0])).setHost("127.0.0.1")
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(a[1]).setKeyPath(a[2]))
                .setSslEngineOptions(new OpenSSLEngineOptions()).setTcpNoDelay(true);
        Buffer answer = Buffer.buffer("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":\"\",\"allowed\":true}}");
        Handler<HttpServerRequest> handler;
        if (a.length > 3 && a[3].startsWith("router")) {
            Router router = Router.router(vertx);
            if (a[3].equals("router-deadline")) { // a timer per request, set and cancelled, as RequestDeadline does
                router.route().order(Integer.MIN_VALUE).handler(ctx -> {
                    long timer = ctx.vertx().setTimer(15_000, id -> ctx.request().connection().close());
                    ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
                    ctx.next();
                });
            }
            router.post("/noop").handler(BodyHandler.create(false).setBodyLimit(4 << 20))
                    .handler(ctx -> ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(answer));
            handler = router;
        } else {
            handler = req -> req.body().onSuccess(b -> req.response().putHeader("content-type", "application/json").end(answer));
        }
        vertx.createHttpServer(options).requestHandler(handler).listen()
                .onSuccess(s -> System.out.println("listening, native transport " + vertx.isNativeTransportEnabled()))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }
}
