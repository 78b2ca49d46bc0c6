package io.github.refreshingdatasource.credentials.provider.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A script that prints the new token on standard error (here: {@code set -x}) and then fails
 * must not put that token into the exception, whose message reaches logs and the endpoint.
 */
class CommandStandardErrorLeakTests {

	private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJuZXctdG9rZW4tOTk5In0.bmV3LXNpZ25hdHVyZS0xMjM0NTY3";

	private static final String KEY = "bmV3LXNlY3JldC1rZXktMTIzNDU2Nzg5MEFCQ0RFRg";

	private static final Pattern LONG_BASE64 = Pattern.compile("[A-Za-z0-9+/_-]{24,}");

	@Test
	void setXTraceOfTheNewTokenDoesNotLeak() {
		String script = "set -x; TOKEN=" + TOKEN + "; KEY=" + KEY + "; echo \"got $TOKEN\" >&2; exit 1";
		IOException failure = catchThrowableOfType(IOException.class,
				() -> new CommandCredentialProvider(List.of("sh", "-c", script), Duration.ofSeconds(10)).fetch());
		StringWriter trace = new StringWriter();
		failure.printStackTrace(new PrintWriter(trace));
		for (String text : List.of(String.valueOf(failure.getMessage()), failure.toString(), trace.toString())) {
			assertThat(text).doesNotContain(TOKEN).doesNotContain(KEY).doesNotContain("eyJ");
		}
		assertThat(LONG_BASE64.matcher(failure.getMessage()).results().map((m) -> m.group()))
			.allMatch((run) -> !run.matches(".*[A-Z].*") || !run.matches(".*[0-9].*"));
		assertThat(failure.getMessage()).startsWith("Command 'sh' exited with code 1: ").contains("TOKEN=******");
	}

}
