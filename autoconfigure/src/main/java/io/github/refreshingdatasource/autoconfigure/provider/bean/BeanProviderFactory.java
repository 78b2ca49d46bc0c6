package io.github.refreshingdatasource.autoconfigure.provider.bean;

import java.util.Arrays;
import java.util.stream.Collectors;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceConfigurationException;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Creates the {@code bean} provider: looks the application's CredentialProvider bean up.
 */
final class BeanProviderFactory implements CredentialProviderFactory<BeanProviderSettings> {

	private final ListableBeanFactory beanFactory;

	BeanProviderFactory(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public ProviderType type() {
		return ProviderType.BEAN;
	}

	@Override
	public Class<BeanProviderSettings> settingsType() {
		return BeanProviderSettings.class;
	}

	@Override
	public CredentialProvider create(ProviderContext context, BeanProviderSettings settings) {
		String name = settings.getName();
		String[] candidates = this.beanFactory.getBeanNamesForType(CredentialProvider.class);
		if (name != null) {
			if (!Arrays.asList(candidates).contains(name)) {
				throw context.invalid("refreshing.datasource.provider.bean.name is '" + name
						+ "', but there is no CredentialProvider bean of that name (CredentialProvider beans: "
						+ Arrays.toString(candidates) + ").",
						"Define a bean named '" + name + "' implementing " + CredentialProvider.class.getName()
								+ ", or set refreshing.datasource.provider.bean.name to one of "
								+ Arrays.toString(candidates) + ".");
			}
			return this.beanFactory.getBean(name, CredentialProvider.class);
		}
		if (candidates.length == 1) {
			return this.beanFactory.getBean(candidates[0], CredentialProvider.class);
		}
		String found = (candidates.length == 0) ? "no CredentialProvider bean"
				: "more than one CredentialProvider bean " + Arrays.toString(candidates);
		if (context.properties().getProvider().getType() == null) {
			throw new RefreshingDataSourceConfigurationException(
					"DataSource '" + context.dataSourceName() + "' has no credential provider: "
							+ "refreshing.datasource.provider.type is not set and there is " + found + ".",
					"Set refreshing.datasource.provider.type to one of " + allTypes()
							+ " (bean with refreshing.datasource.provider.bean.name), or set "
							+ "refreshing.datasource.enabled=false to turn rotating credentials off.");
		}
		throw new RefreshingDataSourceConfigurationException(
				"DataSource '" + context.dataSourceName() + "' uses the bean provider, but there is " + found + ".",
				"Define one bean implementing " + CredentialProvider.class.getName()
						+ ", or name one with refreshing.datasource.provider.bean.name.");
	}

	@Override
	public @Nullable String credentialSource(BeanProviderSettings settings) {
		return settings.getName();
	}

	@Override
	public String rejectionHint(@Nullable String source, @Nullable String username) {
		return "Check the CredentialProvider bean" + ((source != null) ? " '" + source + "'" : "")
				+ ": the database does not accept what it returned for "
				+ ((username != null) ? "'" + username + "'" : "the configured user") + ".";
	}

	private static String allTypes() {
		return Arrays.stream(ProviderType.values()).map(ProviderType::value).collect(Collectors.joining(", "));
	}

}
