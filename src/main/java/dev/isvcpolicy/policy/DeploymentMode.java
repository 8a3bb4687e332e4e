package dev.isvcpolicy.policy;

import java.util.Locale;
import java.util.Optional;

/** KServe's deployment modes, with the legacy names folded in. */
public enum DeploymentMode {
    /** Knative Serving (legacy name {@code Serverless}). */
    KNATIVE("Knative"),
    /** Plain Deployment + HPA/KEDA (legacy name {@code RawDeployment}). */
    STANDARD("Standard"),
    /** ModelMesh: KServe does not scale the predictor. */
    MODELMESH("ModelMesh");

    /** Every spelling KServe accepts, for messages. */
    public static final String VALID_VALUES = "Standard, Knative, ModelMesh (legacy: RawDeployment, Serverless)";

    private final String value;

    DeploymentMode(String value) {
        this.value = value;
    }

    /** The canonical spelling, e.g. {@code Standard}. */
    public String value() {
        return value;
    }

    /** Parses a KServe spelling, legacy names included; case-sensitive as KServe is. */
    public static Optional<DeploymentMode> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        return switch (raw) {
            case "Standard", "RawDeployment" -> Optional.of(STANDARD);
            case "Knative", "Serverless" -> Optional.of(KNATIVE);
            case "ModelMesh" -> Optional.of(MODELMESH);
            default -> Optional.empty();
        };
    }

    /** Lenient parse for configuration values ({@code knative}, {@code raw-deployment} ...). */
    public static Optional<DeploymentMode> parseLenient(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String folded = raw.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        return switch (folded) {
            case "standard", "rawdeployment" -> Optional.of(STANDARD);
            case "knative", "serverless" -> Optional.of(KNATIVE);
            case "modelmesh" -> Optional.of(MODELMESH);
            default -> Optional.empty();
        };
    }
}
