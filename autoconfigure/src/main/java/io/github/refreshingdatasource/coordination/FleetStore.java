package io.github.refreshingdatasource.coordination;

import org.jspecify.annotations.Nullable;

/**
 * The state a fleet of replicas shares, per credential source: a few named fields under
 * one key (the shared credential, the newest refresh token of a rotating chain, the
 * lockout guard's count and pause). A backend only stores strings; what they mean is
 * decided here, so Redis and JDBC hold the same thing. Values are secrets: a backend never
 * logs them or puts them into an exception message.
 */
public interface FleetStore {

	/**
	 * Read one field.
	 * @param key the credential source's key
	 * @param field the field
	 * @return the value, or {@code null} when unset
	 */
	@Nullable String get(String key, String field);

	/**
	 * Write one field.
	 * @param key the credential source's key
	 * @param field the field
	 * @param value the value
	 */
	void put(String key, String field, String value);

	/**
	 * Add one to a numeric field (unset counts as 0), atomically across the fleet.
	 * @param key the credential source's key
	 * @param field the field
	 * @return the new value
	 */
	long increment(String key, String field);

	/**
	 * Remove fields.
	 * @param key the credential source's key
	 * @param fields the fields
	 */
	void remove(String key, String... fields);

	/**
	 * Where the state is kept, for logs and the endpoint, without any credential.
	 * @return e.g. {@code redis refreshing-datasource:}
	 */
	String describe();

}
