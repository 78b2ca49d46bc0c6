/**
 * The {@code aws-secrets-manager} provider: a database secret read from AWS Secrets Manager
 * with the AWS SDK v2 ({@code software.amazon.awssdk:secretsmanager}).
 */
@NullMarked
package io.github.refreshingdatasource.credentials.provider.awssecrets;

import org.jspecify.annotations.NullMarked;
