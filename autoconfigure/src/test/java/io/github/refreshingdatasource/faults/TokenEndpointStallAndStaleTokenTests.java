package io.github.refreshingdatasource.faults;

import io.github.refreshingdatasource.faults.TokenServer.Fault;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;

/**
 * The token endpoint does not answer within the fetch timeout, or answers with a stale token
 * that expired before the one in use.
 */
class TokenEndpointStallAndStaleTokenTests extends TokenEndpointFaultScenario {

	@ParameterizedTest
	@EnumSource(names = { "TIMEOUT", "EXPIRED_TOKEN" })
	void outageLongerThanTwoLifetimesLosesNoQueryWhileTheLastTokenIsValid(Fault fault, CapturedOutput output)
			throws Exception {
		outageLongerThanTwoLifetimes(fault, output);
	}

}
