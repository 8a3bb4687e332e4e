package dev.isvcpolicy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * The webhook's own plumbing under {@code webhook.}: certificate files, the audit file, cluster access, the
 * benchmark endpoint. Each is settable from the environment ({@code webhook.tls.cert-file} is
 * {@code WEBHOOK_TLS_CERT_FILE}). The policy keys ({@code webhook.audit-only}, {@code webhook.rules.*},
 * caps and defaults) are not here: they are declared with the code that reads them and listed by
 * {@link dev.isvcpolicy.policy.PolicySettings#catalog()}; {@link SettingsProducer} reads both and refuses
 * any other {@code webhook.*} key.
 */
@ConfigMapping(prefix = "webhook")
public interface WebhookConfig {

    /**
     * Every key of this mapping, so that start-up can tell them from policy keys and from typos without
     * introspecting the mapping ({@code SettingsTest} keeps the list equal to the mapping's own).
     */
    List<String> KEYS = List.of("webhook.tls.cert-file", "webhook.tls.key-file", "webhook.tls.check-period", "webhook.tls.engine",
            "webhook.audit.file", "webhook.audit.file-max-bytes", "webhook.audit.file-backups",
            "webhook.bench.noop-endpoint", "webhook.cluster.lookups", "webhook.cluster.knative", "webhook.cluster.config-map-namespace",
            "webhook.cluster.config-map-name", "webhook.http.request-timeout", "webhook.policy.namespace", "webhook.policy.config-map",
            "webhook.policy.exceptions-config-map", "webhook.scan.period", "webhook.scan.debounce", "webhook.scan.enabled",
            "webhook.scan.metrics-namespace-label", "webhook.reports.format");

    /** The background scan of existing objects (RULES.md §8). */
    Scan scan();

    /** The reports the scan writes. */
    Reports reports();

    interface Scan {
        /** A full scan at least this often. */
        @WithDefault("1h")
        java.time.Duration period();

        /** A change schedules a scan this long after it (changes within it are folded into one scan). */
        @WithDefault("2s")
        java.time.Duration debounce();

        /** Whether the background scan runs at all (it also needs {@code webhook.cluster.lookups}). */
        @WithDefault("true")
        boolean enabled();

        /** Whether the findings gauge carries a namespace label (off for clusters with many namespaces). */
        @WithDefault("true")
        boolean metricsNamespaceLabel();
    }

    interface Reports {
        /** {@code policyreport} ({@code wgpolicyk8s.io/v1alpha2} PolicyReport) or {@code openreports} ({@code openreports.io/v1alpha1} Report). */
        @WithDefault("policyreport")
        String format();
    }

    /** The serving certificate. */
    Tls tls();

    /** The policy audit log. */
    Audit audit();

    /** Benchmark support. */
    Bench bench();

    /** Cluster lookups. */
    Cluster cluster();

    /** Where the live policy and the exceptions are read from (RULES.md §5). */
    Policy policy();

    interface Policy {
        /**
         * The webhook's own namespace, where the policy and exceptions ConfigMaps live, e.g. {@code isvc-autoscaling-webhook};
         * unset: the pod's (the Deployment sets it from the downward API), else the ServiceAccount's namespace file, else
         * {@code isvc-autoscaling-webhook}.
         */
        Optional<String> namespace();

        /** The live policy ConfigMap: {@code webhook.*} policy keys whose values win over the start-up ones, e.g. {@code isvc-autoscaling-policy}. */
        @WithDefault("isvc-autoscaling-policy") // as ClusterAccess.POLICY_CONFIG (RBAC)
        String configMap();

        /** The exceptions ConfigMap: one exception per key, e.g. {@code isvc-autoscaling-policy-exceptions}. */
        @WithDefault("isvc-autoscaling-policy-exceptions") // as ClusterAccess.POLICY_EXCEPTIONS (RBAC)
        String exceptionsConfigMap();
    }

    interface Bench {
        /** Serve {@code POST /noop} (reads the body, answers a fixed review): the floor for bench/run.sh, e.g. {@code true}. */
        @WithDefault("false")
        boolean noopEndpoint();
    }

    interface Audit {
        /** Also write audit lines to this file, rotated by size, e.g. {@code /var/log/webhook/audit.log}; unset: stdout only. */
        Optional<String> file();

        /** Size at which the audit file is rotated, in bytes, e.g. {@code 10485760}. */
        @WithDefault("10485760")
        long fileMaxBytes();

        /** Rotated audit files kept, e.g. {@code 5}. */
        @WithDefault("5")
        int fileBackups();
    }

    interface Tls {
        /** PEM certificate chain of the admission port, e.g. {@code /etc/webhook/tls/tls.crt}. */
        @WithDefault("/etc/webhook/tls/tls.crt")
        String certFile();

        /** PEM private key of the admission port, e.g. {@code /etc/webhook/tls/tls.key}. */
        @WithDefault("/etc/webhook/tls/tls.key")
        String keyFile();

        /** How often the two files are read again; a changed, matching pair is served to new connections. */
        @WithDefault("10s")
        java.time.Duration checkPeriod();

        /**
         * What serves TLS on the admission port: {@code auto} (OpenSSL from netty-tcnative where it loads, else
         * the JDK's engine), {@code openssl} (start-up fails where it cannot load) or {@code jdk}, e.g. {@code jdk}.
         */
        @WithDefault("auto")
        String engine();
    }

    interface Cluster {
        /**
         * Watch the cluster through informers (KServe's ConfigMap for the default mode, InferenceServices and
         * ScaledObjects for the cluster-side autoscaler-conflict check), e.g. {@code false} for no cluster access at all.
         */
        @WithDefault("true")
        boolean lookups();

        /**
         * Watch Knative's {@code config-autoscaler} in {@code knative-serving} (its {@code max-scale-limit} and
         * {@code allow-zero-initial-scale}), with the lookups on; {@code false} on a cluster without Knative Serving, where
         * that namespace and the Role in it do not exist and the watch could only fail.
         */
        @WithDefault("true")
        boolean knative();

        /** Namespace of KServe's {@code inferenceservice-config}, e.g. {@code kserve}. */
        @WithDefault("kserve") // as ClusterAccess.KSERVE_NAMESPACE (RBAC), which ManifestsTest compares with k8s/
        String configMapNamespace();

        /** Name of KServe's ConfigMap, e.g. {@code inferenceservice-config}. */
        @WithDefault("inferenceservice-config") // as ClusterAccess.KSERVE_CONFIG_MAP
        String configMapName();

    }

    /** Limits of the admission port beyond {@code quarkus.http.*} (see RequestDeadline). */
    Http http();

    interface Http {
        /**
         * Longest time from a request's headers to the end of its answer, e.g. {@code 15s}; a request still
         * open then (a body sent a byte at a time, or never finished) loses its connection or HTTP/2 stream.
         */
        @WithDefault("15s")
        java.time.Duration requestTimeout();
    }
}
