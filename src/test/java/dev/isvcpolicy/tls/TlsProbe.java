package dev.isvcpolicy.tls;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Clients for the engine tests: the JDK's, and the openssl command line for protocols the JDK no longer offers. */
final class TlsProbe {

    private TlsProbe() {
    }

    /** Over a new connection offering only {@code protocol}: what {@link TlsSessionRoute} answers (the server's session class and protocol). */
    static String serverSession(int port, String protocol) throws Exception {
        SSLContext ctx = dev.isvcpolicy.admission.TrustAll.context();
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", port)) {
            s.setSoTimeout(60_000); // only so that a hung server cannot hang the build
            s.setEnabledProtocols(new String[] {protocol});
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(("GET " + TlsSessionRoute.PATH + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String answer = all.toString(StandardCharsets.US_ASCII);
            if (!answer.startsWith("HTTP/1.1 200")) {
                throw new AssertionError("not answered 200: " + answer);
            }
            return answer.substring(answer.indexOf("\r\n\r\n") + 4).trim();
        }
    }

    /**
     * {@code openssl s_client} offering only {@code flag} (e.g. {@code -tls1_1}), with OpenSSL's own security
     * level lowered so that the client does offer it: its whole output, which names the server's alert.
     */
    static String sClient(int port, String flag) throws Exception {
        Process p = new ProcessBuilder(List.of("openssl", "s_client", "-connect", "localhost:" + port, "-servername", "localhost", flag,
                "-cipher", "DEFAULT@SECLEVEL=0")).redirectErrorStream(true).start();
        p.getOutputStream().close(); // s_client ends when its input does
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("openssl s_client did not end");
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** True when the server answered a ClientHello with the fatal alert protocol_version (70). */
    static boolean refusedAsOldProtocol(String sClientOutput) {
        return sClientOutput.contains("alert number 70") || sClientOutput.contains("alert protocol version");
    }
}
