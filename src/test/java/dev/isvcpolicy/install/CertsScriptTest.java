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
     * A stand-in kubectl that keeps the cluster's state in files: the validating configuration's caBundle
     * (written by the script's patch), the TLS Secret's manifest (created or replaced), and every call in a log.
     */
    static Path standInKubectl(Path dir) throws Exception {
        return standInKubectl(dir, "isvc-autoscaling-webhook");
    }

    static Path standInKubectl(Path dir, String namespace) throws Exception {
        Path fake = dir.resolve("kubectl");
        Files.writeString(fake, """
                #!/usr/bin/env bash
                state='%1$s'
                echo "$*" >> "$state/kubectl.log"
                case "$*" in
                  "get validatingwebhookconfiguration isvc-autoscaling-webhook -o jsonpath={.webhooks[0].clientConfig.caBundle}")
                    [ -f "$state/bundle" ] && cat "$state/bundle" ;;
                  "get validatingwebhookconfiguration "*) printf 'validate.a\\nvalidate.b\\n' ;;
                  "get mutatingwebhookconfiguration "*) printf 'mutate.a\\n' ;;
                  "patch validatingwebhookconfiguration "*)
                    printf '%%s' "$*" | sed 's/.*"value":"\\([^"]*\\)".*/\\1/' > "$state/bundle" ;;
                  "patch mutatingwebhookconfiguration "*) ;;
                  "-n %2$s get secret isvc-autoscaling-webhook-tls -o name") [ -f "$state/secret.yaml" ] ;;
                  "-n %2$s get secret isvc-autoscaling-webhook-tls -o jsonpath={.data.tls\\.crt}")
                    [ -f "$state/secret.yaml" ] && sed -n 's/^  tls.crt: //p' "$state/secret.yaml" ;;
                  "-n %2$s get secret isvc-autoscaling-webhook-tls -o jsonpath={.metadata.annotations.isvc-autoscaling-webhook/rotated-at}")
                    [ -f "$state/secret.yaml" ] && sed -n 's/^    isvc-autoscaling-webhook\\/rotated-at: "\\(.*\\)"/\\1/p' "$state/secret.yaml" ;;
                  "create -f -"|"replace -f -") cat > "$state/secret.yaml" ;;
                  *) echo "unexpected: $*" >&2; exit 1 ;;
                esac
                """.formatted(dir, namespace));
        fake.toFile().setExecutable(true);
        return fake;
    }

    /** The CA bundle the stand-in cluster's validating configuration holds now, newest first. */
    static List<X509Certificate> bundle(Path state) throws Exception {
        return certs(Base64.getDecoder().decode(Files.readString(state.resolve("bundle")).trim()));
    }

    static Tools.Result rotate(Path state, Path out, String reloadWait) throws Exception {
        Tools.Result r = makeCerts(out, Map.of("KUBECTL", standInKubectl(state).toString(), "RELOAD_WAIT", reloadWait));
        assertFalse(r.out().contains("PRIVATE KEY") || r.err().contains("PRIVATE KEY"), "no key in the output");
        return r;
    }

    /**
     * Against a cluster: caBundle of every webhook in both configurations; the Secret written after it, by create
     * or replace (never client-side apply, which would copy the key into a last-applied annotation), with the new
     * pair; on a rotation the bundle keeps the CA in use before it, and a later one drops the oldest.
     */
    @Test
    void fillsEveryCaBundleAndTheSecretKeepingThePreviousCaDuringRotation(@TempDir Path state) throws Exception {
        Path out = state.resolve("out");
        rotate(state, out, "0");
        X509Certificate ca1 = certs(out.resolve("ca.crt")).get(0);
        assertEquals(List.of(ca1), bundle(state), "a first install trusts its CA alone");
        String secret = Files.readString(state.resolve("secret.yaml"));
        assertTrue(secret.contains("type: kubernetes.io/tls") && secret.contains("isvc-autoscaling-webhook/rotated-at: \""), secret);
        assertTrue(secret.contains("  tls.crt: " + Base64.getEncoder().encodeToString(Files.readAllBytes(out.resolve("tls.crt")))));
        assertTrue(secret.contains("  tls.key: " + Base64.getEncoder().encodeToString(Files.readAllBytes(out.resolve("tls.key")))));
        assertFalse(secret.contains("last-applied"), secret);

        Files.delete(state.resolve("kubectl.log"));
        rotate(state, out, "0");
        X509Certificate ca2 = certs(out.resolve("ca.crt")).get(0);
        assertEquals(List.of(ca2, ca1), bundle(state), "new CA + the one the pods serve under until they reload");

        List<String> calls = Files.readAllLines(state.resolve("kubectl.log"));
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
                assertEquals(List.of(ca2, ca1), certs(Base64.getDecoder().decode(m.group(2))));
                n++;
            }
            assertEquals(expectedOps.get(kind), n, kind + ": every webhook");
        }
        int lastPatch = calls.lastIndexOf(patches.get(1));
        int secretWrite = calls.indexOf("replace -f -");
        assertTrue(secretWrite > lastPatch, "caBundle first, then the Secret (replaced: it exists): " + calls);
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("apply")), "no client-side apply: " + calls);

        rotate(state, out, "0");
        X509Certificate ca3 = certs(out.resolve("ca.crt")).get(0);
        assertEquals(List.of(ca3, ca2), bundle(state), "the next rotation drops the oldest CA");
    }

    /** An install and one plain rotation on the stand-in cluster: the first CA, then the second. */
    static List<X509Certificate> installedAndRotatedOnce(Path state, Path out) throws Exception {
        rotate(state, out, "0");
        X509Certificate ca1 = certs(out.resolve("ca.crt")).get(0);
        rotate(state, out, "0");
        return List.of(ca1, certs(out.resolve("ca.crt")).get(0));
    }

    /**
     * A rerun before the pods can have reloaded the Secret keeps every CA of the bundle: the pods may still serve
     * the certificate before the last one, whose CA a plain rotation would drop.
     */
    @Test
    void aQuickRerunKeepsEveryCaThePodsMayServe(@TempDir Path state) throws Exception {
        Path out = state.resolve("out");
        List<X509Certificate> cas = installedAndRotatedOnce(state, out);
        X509Certificate ca1 = cas.get(0);
        X509Certificate ca2 = cas.get(1);
        Tools.Result quick = rotate(state, out, "300");
        X509Certificate ca3 = certs(out.resolve("ca.crt")).get(0);
        assertEquals(List.of(ca3, ca2, ca1), bundle(state), "the pods may still serve under " + ca1.getSubjectX500Principal());
        assertTrue(quick.out().contains("keeping every CA of the current caBundle"), quick.out());
    }

    /**
     * An earlier run that set caBundle and stopped before the Secret: the pods still serve under a CA that is not
     * the bundle's newest. The rotation keeps the CA that signed the Secret's certificate as well as the newest.
     */
    @Test
    void keepsTheCaOfTheSecretsCertificateAfterARunThatStoppedHalfway(@TempDir Path state) throws Exception {
        Path out = state.resolve("out");
        List<X509Certificate> cas = installedAndRotatedOnce(state, out);
        X509Certificate ca1 = cas.get(0);
        X509Certificate ca2 = cas.get(1);
        Path orphan = state.resolve("orphan");
        makeCerts(orphan, Map.of(), "--files-only");
        X509Certificate stopped = certs(orphan.resolve("ca.crt")).get(0);
        // caBundle = [the stopped run's CA, ca2, ca1]; the Secret still holds ca2's certificate.
        byte[] pem = (Files.readString(orphan.resolve("ca.crt")) + new String(Base64.getDecoder().decode(
                Files.readString(state.resolve("bundle")).trim()))).getBytes();
        Files.writeString(state.resolve("bundle"), Base64.getEncoder().encodeToString(pem));

        rotate(state, out, "0");
        X509Certificate ca4 = certs(out.resolve("ca.crt")).get(0);
        assertEquals(List.of(ca4, stopped, ca2), bundle(state), "not " + ca1.getSubjectX500Principal() + ", which nothing serves");
    }

    /**
     * A rotated-at annotation edited by hand (a leading zero, which bash would read as octal, or not a number) counts as
     * long ago: the rotation goes on as a plain one, keeping the newest CA and the Secret's, and says nothing of a quick
     * rerun. A RELOAD_WAIT that is no number of seconds is refused before anything is made.
     */
    @Test
    void aHandEditedRotationTimeCountsAsLongAgo(@TempDir Path state) throws Exception {
        Path out = state.resolve("out");
        rotate(state, out, "0");
        X509Certificate ca1 = certs(out.resolve("ca.crt")).get(0);
        for (String edited : List.of("0999", "soon", "99999999999999999999")) {
            Path secret = state.resolve("secret.yaml");
            Files.writeString(secret, Files.readString(secret).replaceAll("rotated-at: \"[^\"]*\"", "rotated-at: \"" + edited + "\""));
            Tools.Result r = rotate(state, out, "300");
            assertFalse(r.out().contains("keeping every CA"), edited + ": " + r.out());
            assertFalse(r.err().contains("value too great") || r.err().contains("expression"), edited + ": " + r.err());
            assertEquals(2, bundle(state).size(), edited + ": the new CA and the one in use");
        }
        assertFalse(bundle(state).contains(ca1));
        Tools.Result bad = Tools.run(List.of("bash", SCRIPT), Map.of("OUT_DIR", out.toString(), "RELOAD_WAIT", "5m",
                "KUBECTL", standInKubectl(state).toString()), null);
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("RELOAD_WAIT=5m: give whole seconds"), bad.err());
    }

    /** A namespace YAML would read as a number or a boolean (2024, no, on) is written as a string: kubectl would refuse it. */
    @Test
    void theSecretsNamesAreQuoted(@TempDir Path state) throws Exception {
        Path out = state.resolve("out");
        Tools.Result r = makeCerts(out, Map.of("KUBECTL", standInKubectl(state, "2024").toString(), "NAMESPACE", "2024"));
        assertTrue(r.out().contains("TLS Secret 2024/isvc-autoscaling-webhook-tls updated"), r.out());
        com.fasterxml.jackson.databind.JsonNode secret = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(state.resolve("secret.yaml").toFile());
        assertTrue(secret.path("metadata").path("namespace").isTextual(), secret.toString());
        assertEquals("2024", secret.path("metadata").path("namespace").asText());
    }
}
