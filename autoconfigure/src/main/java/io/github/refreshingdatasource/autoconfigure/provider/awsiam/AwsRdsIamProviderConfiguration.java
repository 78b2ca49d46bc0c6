package io.github.refreshingdatasource.autoconfigure.provider.awsiam;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.ConditionalOnProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code aws-rds-iam} provider: RDS IAM authentication tokens from the AWS SDK v2
 * ({@code software.amazon.awssdk:rds}), signed with a named profile, an application
 * {@link AwsCredentialsProvider} bean, or the SDK's default credentials chain. Host and port
 * default to the JDBC URL's, the region to the one in an RDS endpoint name.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.AWS_RDS_IAM)
@ConditionalOnClass(name = "software.amazon.awssdk.services.rds.RdsUtilities")
class AwsRdsIamProviderConfiguration {

	@Bean
	CredentialProviderFactory<AwsRdsIamProviderSettings> awsRdsIamCredentialProviderFactory(ObjectProvider<AwsCredentialsProvider> applicationCredentials) {
		return new AwsRdsIamProviderFactory(applicationCredentials);
	}

}
