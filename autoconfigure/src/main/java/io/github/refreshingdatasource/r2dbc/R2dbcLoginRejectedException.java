package io.github.refreshingdatasource.r2dbc;

import io.r2dbc.spi.R2dbcPermissionDeniedException;

/**
 * The database rejected the login of a bound {@code ConnectionFactory}: says which one,
 * provider, user and credential (fingerprint), what the code means and what usually fixes
 * it, with the driver's exception as the cause. Never a secret.
 */
public class R2dbcLoginRejectedException extends R2dbcPermissionDeniedException {

	R2dbcLoginRejectedException(String message, String sqlState, int errorCode, Throwable cause) {
		super(message, sqlState, errorCode, cause);
	}

}
