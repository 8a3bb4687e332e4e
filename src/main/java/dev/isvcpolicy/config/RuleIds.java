package dev.isvcpolicy.config;

import dev.isvcpolicy.policy.RuleRegistry;
import java.util.function.Supplier;

/** The keys of {@code webhook.rules.*}: every rule id of the registry, so each can be set from the environment. */
public final class RuleIds implements Supplier<Iterable<String>> {

    @Override
    public Iterable<String> get() {
        return RuleRegistry.catalog().keySet();
    }
}
