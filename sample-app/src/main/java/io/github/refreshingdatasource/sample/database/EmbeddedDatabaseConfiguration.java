package io.github.refreshingdatasource.sample.database;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The embedded PostgreSQL, started unless {@code spring.datasource.url} names a database.
 * The application's DataSource reaches it through {@link JdbcConnectionDetails}, the way
 * Spring Boot's service connections do: no user or password, the starter supplies those.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDataSourceUrl.class)
class EmbeddedDatabaseConfiguration {

	@Bean(destroyMethod = "close")
	ScramEmbeddedPostgres embeddedPostgres(EmbeddedSuperuser superuser) {
		return ScramEmbeddedPostgres.start(superuser.password);
	}

	@Bean
	EmbeddedSuperuser embeddedSuperuser() {
		return new EmbeddedSuperuser(Sql.randomSecret());
	}

	@Bean
	DatabaseAdministrator databaseAdministrator(ScramEmbeddedPostgres postgres, EmbeddedSuperuser superuser) {
		return new DatabaseAdministrator(postgres.jdbcUrl(), ScramEmbeddedPostgres.SUPERUSER, superuser.password);
	}

	@Bean
	JdbcConnectionDetails embeddedPostgresConnectionDetails(ScramEmbeddedPostgres postgres) {
		return new EmbeddedConnectionDetails(postgres.jdbcUrl());
	}

	/** The superuser's random password, known only to this process. */
	static final class EmbeddedSuperuser {

		private final String password;

		EmbeddedSuperuser(String password) {
			this.password = password;
		}

		@Override
		public String toString() {
			return "EmbeddedSuperuser[" + ScramEmbeddedPostgres.SUPERUSER + "]";
		}

	}

	private record EmbeddedConnectionDetails(String jdbcUrl) implements JdbcConnectionDetails {

		@Override
		public String getJdbcUrl() {
			return this.jdbcUrl;
		}

		@Override
		public @Nullable String getUsername() {
			return null;
		}

		@Override
		public @Nullable String getPassword() {
			return null;
		}

	}

	static final class NoDataSourceUrl implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"));
		}

	}

}
