package dev.isvcpolicy.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** certs/make-certs.sh: a chain openssl verifies, the Service's names, private keys kept private, rotation. */
class CertsScriptTest {

    private static final String SCRIPT = "certs/make-certs.sh";

    static Tools.Result makeCerts(Path out, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT));
        cmd.addAll(List.of(args));
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("OUT_DIR", out.toString());
        return Tools.run(cmd, all, null).ok(SCRIPT);
    }

    static List<X509Certificate> certs(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream().map(c -> (X509Certificate) c).toList();
        }
    }

    static List<X509Certificate> certs(byte[] pem) throws Exception {
        return CertificateFactory.getInstance("X.509").generateCertificates(new java.io.ByteArrayInputStream(pem))
                .stream().map(c -> (X509Certificate) c).toList();
    }

    private static Set<String> dnsNames(X509Certificate cert) throws Exception {
        Set<String> names = new HashSet<>();
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        for (List<?> san : sans) {
            if ((Integer) san.get(0) == 2) {
                names.add((String) san.get(1));
            }
        }
        return names;
    }

    @Test
    void makesAChainOpensslVerifiesForTheServiceNames(@TempDir Path out) throws Exception {
        makeCerts(out, Map.of("SERVICE", "hook", "NAMESPACE", "team-a"), "--files-only");

        Tools.run(List.of("openssl", "verify", "-CAfile", out.resolve("ca.crt").toString(), "-purpose", "sslserver",
                out.resolve("tls.crt").toString()), Map.of(), null).ok("openssl verify");
        Tools.Result wrongCa = Tools.run(List.of("openssl", "verify", "-CAfile", out.resolve("tls.crt").toString(),
                out.resolve("tls.crt").toString()), Map.of(), null);
        assertNotEquals(0, wrongCa.exit(), "openssl verify fails without the CA (the check can fail)");

        X509Certificate ca = certs(out.resolve("ca.crt")).get(0);
        X509Certificate serving = certs(out.resolve("tls.crt")).get(0);
        assertTrue(ca.getBasicConstraints() >= 0, "the CA is a CA");
        assertEquals(-1, serving.getBasicConstraints(), "the serving certificate is not");
        assertEquals(ca.getSubjectX500Principal(), serving.getIssuerX500Principal());
        serving.verify(ca.getPublicKey());
        assertEquals(Set.of("hook.team-a.svc", "hook.team-a.svc.cluster.local"), dnsNames(serving));
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), serving.getExtendedKeyUsage(), "server auth only");
        serving.checkValidity();

        for (String key : List.of("ca.key", "tls.key")) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(out.resolve(key));
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), perms, key + " is 600");
        }
        Tools.run(List.of("openssl", "pkey", "-in", out.resolve("tls.key").toString(), "-pubout"), Map.of(), null)
                .ok("openssl reads the key");
    }

    @Test
    void rerunningRotatesCaAndCertificate(@TempDir Path out) throws Exception {
        makeCerts(out, Map.of(), "--files-only");
        X509Certificate ca1 = certs(out.resolve("ca.crt")).get(0);
        X509Certificate tls1 = certs(out.resolve("tls.crt")).get(0);
        String key1 = Files.readString(out.resolve("tls.key"));
        makeCerts(out, Map.of(), "--files-only");
        X509Certificate ca2 = certs(out.resolve("ca.crt")).get(0);
        X509Certificate tls2 = certs(out.resolve("tls.crt")).get(0);
        assertNotEquals(ca1.getPublicKey(), ca2.getPublicKey(), "a new CA key");
        assertNotEquals(tls1.getSerialNumber(), tls2.getSerialNumber(), "a new serving certificate");
        assertNotEquals(key1, Files.readString(out.resolve("tls.key")), "a new serving key");
        tls2.verify(ca2.getPublicKey());
    }

    /**
     * Against a cluster (a stand-in kubectl that records what it is asked): caBundle of every webhook in
     * both configurations carries the new CA and, on a rotation, the one in use before it; the Secret
     * carries the new certificate; no private key is printed.
     */
    @Test
    void fillsEveryCaBundleAndTheSecretKeepingThePreviousCaDuringRotation(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path log = dir.resolve("kubectl.log");
        Path applied = dir.resolve("applied.yaml");
        Path previous = dir.resolve("previous");
        makeCerts(previous, Map.of(), "--files-only");
        String previousBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(previous.resolve("ca.crt")));
        Path fake = dir.resolve("kubectl");
        Files.writeString(fake, """
                #!/usr/bin/env bash
                echo "$*" >> '%s'
                case "$*" in
                  "get validatingwebhookconfiguration isvc-autoscaling-webhook -o jsonpath={.webhooks[0].clientConfig.caBundle}") printf '%%s' '%s' ;;
                  "get validatingwebhookconfiguration "*) printf 'validate.a\\nvalidate.b\\n' ;;
                  "get mutatingwebhookconfiguration "*) printf 'mutate.a\\n' ;;
                  "-n isvc-autoscaling-webhook create secret tls "*) echo "kind: Secret # from $*" ;;
                  "apply -f -") cat > '%s' ;;
                  patch*) ;;
                  *) echo "unexpected: $*" >&2; exit 1 ;;
                esac
                """.formatted(log, previousBundle, applied));
        fake.toFile().setExecutable(true);

        Tools.Result r = makeCerts(out, Map.of("KUBECTL", fake.toString()));
        assertFalse(r.out().contains("PRIVATE KEY") || r.err().contains("PRIVATE KEY"), "no key in the output");

        List<String> calls = Files.readAllLines(log);
        List<String> patches = calls.stream().filter(c -> c.startsWith("patch ")).toList();
        assertEquals(2, patches.size(), calls.toString());
        Map<String, Integer> expectedOps = Map.of("mutatingwebhookconfiguration", 1, "validatingwebhookconfiguration", 2);
        Pattern op = Pattern.compile("\\{\"op\":\"add\",\"path\":\"/webhooks/(\\d+)/clientConfig/caBundle\",\"value\":\"([^\"]+)\"}");
        for (String patch : patches) {
            String kind = patch.split(" ")[1];
            Matcher m = op.matcher(patch);
            int n = 0;
            while (m.find()) {
                assertEquals(String.valueOf(n), m.group(1));
                List<X509Certificate> bundle = certs(Base64.getDecoder().decode(m.group(2)));
                assertEquals(2, bundle.size(), "new CA + previous CA");
                assertEquals(certs(out.resolve("ca.crt")).get(0), bundle.get(0));
                assertEquals(certs(previous.resolve("ca.crt")).get(0), bundle.get(1));
                n++;
            }
            assertEquals(expectedOps.get(kind), n, kind + ": every webhook");
        }
        int lastPatch = calls.lastIndexOf(patches.get(1));
        int secret = calls.indexOf("apply -f -");
        assertTrue(secret > lastPatch, "caBundle first, then the Secret: the API server already trusts the new CA");
        assertTrue(Files.readString(applied).contains("--cert=" + out.resolve("tls.crt")), Files.readString(applied));
    }
}
