CREATE TABLE gadgets (id bigserial PRIMARY KEY, widget_id bigint REFERENCES widgets (id));
GRANT SELECT, INSERT ON gadgets TO ${app_user};
GRANT USAGE ON SEQUENCE gadgets_id_seq TO ${app_user};
