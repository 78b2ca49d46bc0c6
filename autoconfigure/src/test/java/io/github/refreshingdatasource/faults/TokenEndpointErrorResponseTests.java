package io.github.refreshingdatasource.faults;

import io.github.refreshingdatasource.faults.TokenServer.Fault;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;

/**
 * The token endpoint answers at once, but wrongly: HTTP 500, or JSON cut off in the middle.
 */
class TokenEndpointErrorResponseTests extends TokenEndpointFaultScenario {

	@ParameterizedTest
	@EnumSource(names = { "HTTP_500", "MALFORMED_JSON" })
	void outageLongerThanTwoLifetimesLosesNoQueryWhileTheLastTokenIsValid(Fault fault, CapturedOutput output)
			throws Exception {
		outageLongerThanTwoLifetimes(fault, output);
	}

}
