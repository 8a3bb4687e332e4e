package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OtelSidecarNameRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(OtelSidecarNameRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void otelSidecarName(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
