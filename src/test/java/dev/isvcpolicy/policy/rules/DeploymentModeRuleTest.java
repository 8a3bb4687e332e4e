package dev.isvcpolicy.policy.rules;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DeploymentModeRuleTest {

    static Stream<RuleCases.Case> cases() {
        return RuleCases.load(DeploymentModeRule.ID);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void deploymentMode(RuleCases.Case c) {
        RuleCases.verify(c);
    }
}
