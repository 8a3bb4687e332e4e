package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KedaMetricsRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(KedaMetricsRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kedaMetrics(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
