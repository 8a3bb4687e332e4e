package dev.isvcpolicy.policy.rules;

import dev.isvcpolicy.policy.RuleRegistry;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule's table, {@code src/test/resources/rules/<rule-id>/cases.yaml}, for every rule id in the
 * registry: a rule without a table fails here ({@link RuleCases#load} requires a non-empty one).
 */
class RuleTablesTest {

    static Stream<RuleCases.Case> cases() {
        return RuleRegistry.catalog().keySet().stream().flatMap(RuleCases::load);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rule(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
