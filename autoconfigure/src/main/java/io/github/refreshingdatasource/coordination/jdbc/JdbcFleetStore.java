package io.github.refreshingdatasource.coordination.jdbc;

import java.util.List;

import javax.sql.DataSource;

import io.github.refreshingdatasource.coordination.FleetStore;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;

/**
 * The fleet's state in a table, {@code <prefix>FLEET_STATE (STATE_KEY, FIELD, VALUE,
 * UPDATED)}, one row per credential source and field. Plain SQL that every database
 * runs: a write is an update, or an insert when there is no row yet (a concurrent insert
 * turns into an update); a count is a compare-and-set, retried when another replica
 * counted first. The DDL is in {@code schema-postgresql.sql} beside this class and in the
 * README.
 */
public final class JdbcFleetStore implements FleetStore {

	private final JdbcTemplate jdbc;

	private final String table;

	private final String description;

	/**
	 * Create a store.
	 * @param dataSource a DataSource whose credential is not the coordinated one
	 * @param tablePrefix the prefix of the table names, e.g. {@code RDS_}
	 * @param dataSourceName the bean name, for messages
	 */
	public JdbcFleetStore(DataSource dataSource, String tablePrefix, String dataSourceName) {
		Assert.isTrue(tablePrefix.matches("[A-Za-z0-9_.]*"), "tablePrefix must be letters, digits, '_' or '.'");
		this.jdbc = new JdbcTemplate(dataSource);
		this.table = tablePrefix + "FLEET_STATE";
		this.description = "jdbc (table " + this.table + " on DataSource '" + dataSourceName + "')";
	}

	/** @return the name of the state table */
	public String table() {
		return this.table;
	}

	@Override
	public @Nullable String get(String key, String field) {
		List<String> values = this.jdbc.queryForList(
				"SELECT VALUE FROM " + this.table + " WHERE STATE_KEY = ? AND FIELD = ?", String.class, key, field);
		return values.isEmpty() ? null : values.get(0);
	}

	@Override
	public void put(String key, String field, String value) {
		for (int attempt = 0; attempt < 3; attempt++) {
			if (this.jdbc.update("UPDATE " + this.table + " SET VALUE = ?, UPDATED = CURRENT_TIMESTAMP "
					+ "WHERE STATE_KEY = ? AND FIELD = ?", value, key, field) > 0) {
				return;
			}
			try {
				this.jdbc.update("INSERT INTO " + this.table + " (STATE_KEY, FIELD, VALUE, UPDATED) "
						+ "VALUES (?, ?, ?, CURRENT_TIMESTAMP)", key, field, value);
				return;
			}
			catch (DuplicateKeyException ex) {
				// Another replica inserted first: update its row.
			}
		}
		throw new IllegalStateException("Field " + field + " of the fleet state could not be written");
	}

	@Override
	public long increment(String key, String field) {
		while (true) {
			String current = get(key, field);
			long next = ((current != null) ? Long.parseLong(current) : 0) + 1;
			if (current == null) {
				try {
					this.jdbc.update("INSERT INTO " + this.table + " (STATE_KEY, FIELD, VALUE, UPDATED) "
							+ "VALUES (?, ?, ?, CURRENT_TIMESTAMP)", key, field, Long.toString(next));
					return next;
				}
				catch (DuplicateKeyException ex) {
					continue;
				}
			}
			if (this.jdbc.update("UPDATE " + this.table + " SET VALUE = ?, UPDATED = CURRENT_TIMESTAMP "
					+ "WHERE STATE_KEY = ? AND FIELD = ? AND VALUE = ?", Long.toString(next), key, field, current) > 0) {
				return next;
			}
		}
	}

	@Override
	public void remove(String key, String... fields) {
		for (String field : fields) {
			this.jdbc.update("DELETE FROM " + this.table + " WHERE STATE_KEY = ? AND FIELD = ?", key, field);
		}
	}

	@Override
	public String describe() {
		return this.description;
	}

}
