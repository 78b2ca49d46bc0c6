/**
 * The {@code oauth2} provider: an access token from an OAuth2 token endpoint, obtained with
 * the client credentials grant or a refresh token that may rotate on every use, over the
 * JDK's HTTP client. No Spring Boot types here.
 */
@NullMarked
package io.github.refreshingdatasource.credentials.provider.oauth2;

import org.jspecify.annotations.NullMarked;
