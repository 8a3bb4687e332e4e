package dev.isvcpolicy.config;

import dev.isvcpolicy.cluster.ClusterAccess;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithKeys;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The policy configuration: every key under {@code webhook.}, each settable from the environment
 * ({@code webhook.audit-only} is {@code WEBHOOK_AUDIT_ONLY}). Checked at start-up by {@link SettingsProducer}.
 */
@ConfigMapping(prefix = "webhook")
public interface WebhookConfig {

    /** Turn every deny into a warning, for rolling out on a live cluster, e.g. {@code true}. */
    @WithDefault("false")
    boolean auditOnly();

    /** Namespaces whose objects are admitted untouched, e.g. {@code kube-system,isvc-autoscaling-webhook}. */
    @WithDefault("kube-system,isvc-autoscaling-webhook")
    List<String> exemptNamespaces();

    /**
     * Per-rule action, overriding each finding's default: {@code deny}, {@code warn} or {@code off}, e.g.
     * {@code webhook.rules.gpu-scaling-metric=deny} (env {@code WEBHOOK_RULES_GPU_SCALING_METRIC=deny}).
     * Unset: each finding keeps the level RULES.md gives it.
     */
    @WithKeys(RuleIds.class)
    Map<String, Optional<String>> rules();

    /** The serving certificate. */
    Tls tls();

    /** The policy audit log. */
    Audit audit();

    /** Benchmark support. */
    Bench bench();

    /** Cluster lookups. */
    Cluster cluster();

    /** What the mutations write. */
    Defaults defaults();

    /** Replica limits. */
    Replicas replicas();

    /** GPU names and caps. */
    Gpu gpu();

    /** The KEDA conversion of scaleMetric/scaleTarget. */
    Keda keda();

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
    }

    interface Cluster {
        /**
         * Watch the cluster through informers (KServe's ConfigMap for the default mode, InferenceServices and
         * ScaledObjects for the cluster-side autoscaler-conflict check), e.g. {@code false} for no cluster access at all.
         */
        @WithDefault("true")
        boolean lookups();

        /** Namespace of KServe's {@code inferenceservice-config}, e.g. {@code kserve}. */
        @WithDefault(ClusterAccess.KSERVE_NAMESPACE)
        String configMapNamespace();

        /** Name of KServe's ConfigMap, e.g. {@code inferenceservice-config}. */
        @WithDefault(ClusterAccess.KSERVE_CONFIG_MAP)
        String configMapName();

        /** Deployment mode when the ConfigMap is absent, unreadable or not looked up: {@code Knative} or {@code Standard}. */
        @WithDefault("Knative")
        String fallbackMode();

        /**
         * What a cluster-side check that cannot run (cache not synced, API server unreachable) does to the request:
         * {@code warn} (admit, saying the check was skipped) or {@code deny} (fail closed), e.g. {@code deny}.
         */
        @WithDefault("warn")
        String unavailableAction();
    }

    interface Defaults {
        /** {@code minReplicas} written when absent, e.g. {@code 1}. */
        @WithDefault("1")
        int minReplicas();

        /** scaleMetric written for KPA components: {@code concurrency}, {@code rps} or {@code none}. */
        @WithDefault("concurrency")
        String kpaMetric();

        /** scaleMetric written for Knative-HPA components: {@code cpu}, {@code memory} or {@code none}. */
        @WithDefault("cpu")
        String knativeHpaMetric();

        /** scaleMetric written for Standard-mode hpa components: {@code cpu}, {@code memory} or {@code none}. */
        @WithDefault("cpu")
        String hpaMetric();
    }

    interface Replicas {
        /** Highest maxReplicas allowed, e.g. {@code 50}; unset: no ceiling. */
        OptionalInt maxCeiling();

        /** Highest containerConcurrency allowed (Knative's own limit), e.g. {@code 1000}. */
        @WithDefault("1000")
        int containerConcurrencyMax();
    }

    interface Gpu {
        /** GPU resource names besides KServe's (nvidia.com/gpu, amd.com/gpu, intel.com/gpu, habana.ai/gaudi), e.g. {@code example.com/gpu}. */
        Optional<List<String>> extraResources();

        /** Most GPUs one replica may ask for, e.g. {@code 8}; unset: no cap. */
        OptionalInt maxPerReplica();

        /** Most GPUs one InferenceService may reach at maxReplicas, e.g. {@code 32}; unset: no cap. */
        OptionalInt maxPerService();
    }

    interface Keda {
        /** averageUtilization written for cpu (and memory without scaleTarget) when scaleTarget is absent, e.g. {@code 80}. */
        @WithDefault("80")
        int defaultUtilization();

        /** Prometheus for concurrency/rps conversion, e.g. {@code http://prometheus.monitoring.svc:9090}; unset: no conversion. */
        Optional<String> prometheusServerAddress();

        /**
         * PromQL for scaleMetric concurrency; {@code {namespace}}, {@code {name}} and {@code {component}} are replaced,
         * e.g. {@code sum(revision_app_request_concurrency{namespace="{namespace}",pod=~"{component}-.*"})}.
         */
        Optional<String> concurrencyQuery();

        /** PromQL for scaleMetric rps, with the same placeholders. */
        Optional<String> rpsQuery();
    }

    /** Limits of the admission port beyond {@code quarkus.http.*} (issue 15; see RequestDeadline). */
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
