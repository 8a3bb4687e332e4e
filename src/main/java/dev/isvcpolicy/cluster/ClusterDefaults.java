package dev.isvcpolicy.cluster;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.isvcpolicy.config.WebhookConfig;
import dev.isvcpolicy.policy.DeploymentMode;
import dev.isvcpolicy.policy.PolicySettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The cluster's default deployment mode, from KServe's {@code inferenceservice-config} ConfigMap, kept
 * current by an informer started at boot. Requests read a field; they never call the API server.
 * Without a cluster, with lookups off, or without the ConfigMap, {@link #defaultMode()} is empty and
 * the engine uses the configured fallback; the log says so once. Its API access is
 * {@link ClusterAccess#KSERVE_CONFIG}.
 */
@Singleton
public class ClusterDefaults {

    private static final Logger LOG = Logger.getLogger(ClusterDefaults.class);
    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA).build();

    /** What the informer knows, replaced whole on every event. */
    public record State(boolean synced, Optional<DeploymentMode> mode, String detail) {
    }

    @Inject
    WebhookConfig config;

    @Inject
    PolicySettings settings;

    @Inject
    Instance<KubernetesClient> client;

    private volatile State state = new State(false, Optional.empty(), "not started");
    private final ConfigMapWatch watch = new ConfigMapWatch();
    private volatile String lastSaid = "";

    void start(@Observes StartupEvent event) {
        String fallback = settings.fallbackMode().value();
        if (!config.cluster().lookups()) {
            state = new State(false, Optional.empty(), "lookups off");
            LOG.infof("cluster lookups are off (webhook.cluster.lookups=false): the default deployment mode is the fallback, %s", fallback);
            return;
        }
        String ns = config.cluster().configMapNamespace();
        String name = config.cluster().configMapName();
        LOG.infof("watching ConfigMap %s/%s for the default deployment mode; until it syncs, the fallback %s applies", ns, name, fallback);
        watch.start(client::get, ns, name, this::update, this::unreachable);
    }

    void stop(@Observes ShutdownEvent event) {
        watch.stop();
    }

    /** The cluster's default mode, when the ConfigMap is known and says one. */
    public Optional<DeploymentMode> defaultMode() {
        return state.mode();
    }

    public State state() {
        return state;
    }

    /** Failed list/watch attempts since start. */
    public long errors() {
        return watch.errors();
    }

    /** When the last list/watch attempt failed, in epoch seconds (0: never). */
    public long lastErrorEpochSeconds() {
        return watch.lastErrorEpochSeconds();
    }

    private void unreachable(Throwable t, boolean say) {
        state = new State(false, Optional.empty(), "API server unreachable");
        if (say) {
            LOG.warnf("cannot watch ConfigMap %s/%s (%s): using the fallback deployment mode %s until it can",
                    config.cluster().configMapNamespace(), config.cluster().configMapName(), Reasons.shortReason(t),
                    settings.fallbackMode().value());
        }
    }

    void update(ConfigMap cm) {
        State next = parse(cm);
        state = next;
        if (!next.detail().equals(lastSaid)) {
            lastSaid = next.detail();
            if (next.mode().isPresent()) {
                LOG.infof("cluster default deployment mode: %s (%s)", next.mode().get().value(), next.detail());
            } else {
                LOG.warnf("%s: using the fallback deployment mode %s", next.detail(), settings.fallbackMode().value());
            }
        }
    }

    /** The mode a ConfigMap says, from its {@code deploy} key ({@code {"defaultDeploymentMode": "Serverless"}}). */
    static State parse(ConfigMap cm) {
        if (cm == null) {
            return new State(true, Optional.empty(), "ConfigMap inferenceservice-config not found");
        }
        String deploy = cm.getData() == null ? null : cm.getData().get("deploy");
        if (deploy == null) {
            return new State(true, Optional.empty(), "ConfigMap has no deploy key");
        }
        try {
            LENIENT.readTree(deploy); // JSON at all, else "deploy is not JSON"
            Optional<String> raw = defaultDeploymentMode(deploy);
            if (raw.isEmpty()) {
                return new State(true, Optional.empty(), "deploy has no defaultDeploymentMode");
            }
            Optional<DeploymentMode> mode = DeploymentMode.parse(raw.get());
            return mode.map(m -> new State(true, Optional.of(m), "defaultDeploymentMode " + raw.get()))
                    .orElseGet(() -> new State(true, Optional.empty(), "unknown defaultDeploymentMode " + raw.get()));
        } catch (Exception e) {
            return new State(true, Optional.empty(), "deploy is not JSON");
        }
    }

    /**
     * {@code defaultDeploymentMode} as KServe's Go {@code json.Unmarshal} reads it: the key in any letter case, and of several
     * such keys the last non-null one in the document (each one sets the field again; a tree would keep one of two identical
     * keys at the first one's place, so the document is read as a stream). Empty when there is none or its value is no string.
     */
    static Optional<String> defaultDeploymentMode(String deploy) throws java.io.IOException {
        try (com.fasterxml.jackson.core.JsonParser p = LENIENT.createParser(deploy)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            Optional<String> out = Optional.empty();
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                boolean ours = "defaultDeploymentMode".equalsIgnoreCase(p.currentName());
                com.fasterxml.jackson.core.JsonToken value = p.nextToken();
                if (ours && value == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    out = Optional.of(p.getText());
                } else if (ours && value != com.fasterxml.jackson.core.JsonToken.VALUE_NULL) {
                    out = Optional.empty(); // a number or an object there: KServe cannot read it either
                }
                p.skipChildren();
            }
            return out;
        }
    }
}
