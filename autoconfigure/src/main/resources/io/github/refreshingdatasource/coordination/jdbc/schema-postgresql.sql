-- Fleet coordination on JDBC (refreshing.datasource.coordination.type=jdbc), default table prefix RDS_.
-- The lock table is Spring Integration's JdbcLockRegistry table (DefaultLockRepository), under the same prefix.
CREATE TABLE IF NOT EXISTS RDS_LOCK (
	LOCK_KEY CHAR(36) NOT NULL,
	REGION VARCHAR(100) NOT NULL,
	CLIENT_ID CHAR(36),
	CREATED_DATE TIMESTAMP NOT NULL,
	EXPIRED_AFTER TIMESTAMP NOT NULL,
	CONSTRAINT RDS_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION)
);

-- The shared state: the current credential, the newest refresh token of a rotating chain and the lockout guard's
-- count and pause, one row per credential source and field. VALUE holds secrets: grant access to the application's
-- coordination role only.
CREATE TABLE IF NOT EXISTS RDS_FLEET_STATE (
	STATE_KEY VARCHAR(128) NOT NULL,
	FIELD VARCHAR(64) NOT NULL,
	VALUE TEXT NOT NULL,
	UPDATED TIMESTAMP NOT NULL,
	CONSTRAINT RDS_FLEET_STATE_PK PRIMARY KEY (STATE_KEY, FIELD)
);
