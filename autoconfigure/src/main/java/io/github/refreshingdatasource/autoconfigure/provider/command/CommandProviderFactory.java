package io.github.refreshingdatasource.autoconfigure.provider.command;

import java.util.List;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.provider.command.CommandCredentialProvider;
import org.jspecify.annotations.Nullable;

/**
 * Creates the {@code command} provider.
 */
final class CommandProviderFactory implements CredentialProviderFactory<CommandProviderSettings> {

	@Override
	public ProviderType type() {
		return ProviderType.COMMAND;
	}

	@Override
	public Class<CommandProviderSettings> settingsType() {
		return CommandProviderSettings.class;
	}

	@Override
	public boolean bearerToken(CommandProviderSettings settings) {
		return settings.isBearerToken();
	}

	@Override
	public CredentialProvider create(ProviderContext context, CommandProviderSettings settings) {
		List<String> command = settings.getCommand();
		if (command.isEmpty() || command.get(0).isBlank()) {
			throw context.missing("provider.command.command", "the command provider needs a program to run");
		}
		String program = command.get(0);
		if (CommandCredentialProvider.resolveExecutable(program).isEmpty()) {
			throw context.invalid("the credential command '" + program + "' was not found or is not executable (PATH="
					+ System.getenv("PATH") + ").",
					"Install '" + program + "' or put it on the PATH, or set refreshing.datasource.provider.command.command "
							+ "to the absolute path of the program.");
		}
		return new CommandCredentialProvider(command, settings.getTimeout(), settings.getTokenField(),
				settings.getUsernameField(), settings.getExpiresAtField());
	}

	/** The program without its arguments, which may carry anything. */
	@Override
	public @Nullable String credentialSource(CommandProviderSettings settings) {
		return settings.getCommand().isEmpty() ? null : settings.getCommand().get(0);
	}

	@Override
	public String rejectionHint(@Nullable String source, @Nullable String username) {
		return "Run " + ((source != null) ? source : "(not known)") + " by hand, as the application's user, and check "
				+ "that what it prints logs in as " + ((username != null) ? "'" + username + "'" : "the configured user")
				+ ".";
	}

}
