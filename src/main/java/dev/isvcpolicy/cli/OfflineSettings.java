package dev.isvcpolicy.cli;

import dev.isvcpolicy.config.SettingsProducer;
import dev.isvcpolicy.config.WebhookConfig;
import dev.isvcpolicy.policy.PolicySettings;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The webhook's settings without the webhook: the same keys read by SmallRye Config on its own, then
 * {@link SettingsProducer#fromConfig}, so a value or key the webhook would refuse at start-up is refused
 * here with the same message.
 * Precedence, highest first: {@code --set}, {@code -Dwebhook.*} system properties, {@code WEBHOOK_*}
 * environment variables, the {@code --config} file, the defaults. Only {@code webhook.*} keys are read;
 * profile-prefixed keys ({@code %prod.webhook.*}) are not.
 */
public final class OfflineSettings {

    /** The prefix of every key read, e.g. {@code webhook.audit-only}. */
    public static final String PREFIX = "webhook.";

    private static final String ENV_PREFIX = "WEBHOOK_";

    private OfflineSettings() {
    }

    /** Settings that cannot be built; the message names the keys, as the webhook's start-up does. */
    public static final class BadSettings extends Exception {
        public BadSettings(String message) {
            super(message);
        }
    }

    public static PolicySettings build(Optional<Path> configFile, Map<String, String> sets, Map<String, String> env,
            Map<String, String> systemProperties) throws BadSettings {
        Map<String, String> fromFile = new HashMap<>();
        if (configFile.isPresent()) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(configFile.get(), StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new BadSettings("--config " + configFile.get() + ": cannot read it (" + e.getMessage() + ")");
            }
            if (p.containsKey("apiVersion") || p.containsKey("kind")) {
                // A properties reader takes "apiVersion: v1" as a key: a manifest, most likely the policy ConfigMap.
                throw new BadSettings("--config " + configFile.get() + ": reads a properties file of webhook.* keys (key=value), and this "
                        + "looks like a Kubernetes manifest: give the policy ConfigMap with --policy FILE");
            }
            p.stringPropertyNames().stream().filter(k -> k.startsWith(PREFIX)).forEach(k -> fromFile.put(k, p.getProperty(k)));
        }
        Map<String, String> webhookEnv = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX)) {
                webhookEnv.put(k, v);
            }
        });
        Map<String, String> sysProps = new HashMap<>();
        systemProperties.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                sysProps.put(k, v);
            }
        });
        try {
            SmallRyeConfig config = new SmallRyeConfigBuilder()
                    .withMapping(WebhookConfig.class)
                    // Policy keys are not in the mapping: SettingsProducer.fromConfig checks every webhook.* key itself.
                    .withValidateUnknown(false)
                    // Durations as the webhook reads them ("10s", not only ISO-8601 "PT10S").
                    .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                    .withSources(new PropertiesConfigSource(fromFile, "--config", 250))
                    .withSources(new EnvConfigSource(webhookEnv, 300))
                    .withSources(new PropertiesConfigSource(sysProps, "system properties", 400))
                    .withSources(new PropertiesConfigSource(sets, "--set", 500))
                    .build();
            PolicySettings settings = SettingsProducer.fromConfig(config);
            // The server's keys too: a configuration CI passes must not be one the webhook refuses at start-up.
            SettingsProducer.checkPlumbing(config.getConfigMapping(WebhookConfig.class));
            return settings;
        } catch (ConfigValidationException e) {
            // A plumbing value that does not convert (webhook.tls.check-period=soon).
            throw new BadSettings("invalid webhook configuration: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new BadSettings(e.getMessage());
        }
    }
}
