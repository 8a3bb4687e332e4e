package dev.isvcpolicy.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md, which the README calls the list of every {@code webhook.*} setting, lists every start-up key. */
class ConfigurationDocTest {

    @Test
    void everyStartUpKeyIsDocumented() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        for (String key : WebhookConfig.KEYS) {
            String shortForm = key.substring(key.lastIndexOf('.') + 1); // "webhook.tls.cert-file / key-file" is one row
            assertTrue(doc.contains("`" + key + "`") || doc.contains("/ `" + shortForm + "`"), key + " is not in docs/configuration.md");
        }
    }
}
