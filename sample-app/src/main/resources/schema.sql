-- The demo's domain, created by the database administrator; the login roles the issuer
-- rotates through are members of demo_app (reads and transfers) or demo_reporting (reads
-- only) and get only what their workload needs.
CREATE TABLE IF NOT EXISTS account (
	id bigint PRIMARY KEY,
	owner text NOT NULL,
	balance bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS transfer (
	id bigserial PRIMARY KEY,
	from_account bigint NOT NULL REFERENCES account (id),
	to_account bigint NOT NULL REFERENCES account (id),
	amount bigint NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO account (id, owner, balance)
	SELECT n, 'customer ' || n, 1000 FROM generate_series(1, 10) AS n
	ON CONFLICT (id) DO NOTHING;

GRANT SELECT, UPDATE ON account TO demo_app;
GRANT SELECT, INSERT ON transfer TO demo_app;
GRANT USAGE ON SEQUENCE transfer_id_seq TO demo_app;

GRANT SELECT ON account, transfer TO demo_reporting;
