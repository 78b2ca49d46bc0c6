/**
 * The {@code aws-rds-iam} provider: RDS IAM authentication tokens, presigned locally by the
 * AWS SDK v2. No Spring Boot types here.
 */
@NullMarked
package io.github.refreshingdatasource.credentials.provider.awsiam;

import org.jspecify.annotations.NullMarked;
