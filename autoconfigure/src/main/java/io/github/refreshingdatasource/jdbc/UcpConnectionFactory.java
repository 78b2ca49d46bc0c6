package io.github.refreshingdatasource.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * The connection factory of a UCP pool bound by {@link UcpCredentialBinding}. Not for
 * direct use: it is public only because UCP instantiates its connection factory by class
 * name and sets its properties by reflection, so the binding registers its connector here
 * under a random id and passes the id as the factory property {@code bindingId}. The user
 * and password UCP passes are ignored: every login uses the cache's credential.
 */
public final class UcpConnectionFactory extends AbstractDataSource {

	static final String BINDING_PROPERTY = "bindingId";

	private static final Map<String, DataSource> connectors = new ConcurrentHashMap<>();

	private volatile @Nullable String bindingId;

	private volatile int loginTimeout;

	/**
	 * Create a factory; UCP calls this.
	 */
	public UcpConnectionFactory() {
	}

	static String register(DataSource connector) {
		String id = UUID.randomUUID().toString();
		connectors.put(id, connector);
		return id;
	}

	static void unregister(String id) {
		connectors.remove(id);
	}

	static int registered() {
		return connectors.size();
	}

	/**
	 * Set by UCP from the connection factory properties.
	 * @param bindingId the id the binding registered its connector under
	 */
	public void setBindingId(String bindingId) {
		this.bindingId = bindingId;
	}

	/**
	 * Set by UCP; the connector already knows the URL.
	 * @param url ignored
	 */
	public void setURL(String url) {
	}

	/**
	 * Set by UCP; the username comes from the cache.
	 * @param user ignored
	 */
	public void setUser(String user) {
	}

	/**
	 * Set by UCP; the password comes from the cache.
	 * @param password ignored
	 */
	public void setPassword(String password) {
	}

	/**
	 * Set by UCP from its own login timeout. Kept and reported only: the connector's driver
	 * or DataSource was configured with its own timeouts (the JDBC URL's
	 * {@code loginTimeout}, say).
	 * @param seconds the timeout
	 */
	@Override
	public void setLoginTimeout(int seconds) {
		this.loginTimeout = seconds;
	}

	@Override
	public int getLoginTimeout() {
		return this.loginTimeout;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return connector().getConnection();
	}

	@Override
	public Connection getConnection(@Nullable String username, @Nullable String password) throws SQLException {
		return connector().getConnection();
	}

	private DataSource connector() throws SQLException {
		String id = this.bindingId;
		DataSource connector = (id != null) ? connectors.get(id) : null;
		if (connector == null) {
			throw new SQLException("This UCP pool is no longer bound to rotating credentials (binding " + id + ")");
		}
		return connector;
	}

	@Override
	public String toString() {
		return "UcpConnectionFactory[" + this.bindingId + "]";
	}

}
