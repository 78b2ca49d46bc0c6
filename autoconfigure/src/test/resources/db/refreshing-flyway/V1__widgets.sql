CREATE TABLE widgets (id bigserial PRIMARY KEY, name text NOT NULL);
GRANT SELECT, INSERT ON widgets TO ${app_user};
GRANT USAGE ON SEQUENCE widgets_id_seq TO ${app_user};
