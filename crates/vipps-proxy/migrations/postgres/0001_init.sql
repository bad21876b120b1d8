-- The schema of sqlite/0001..0005 for PostgreSQL, in one step. The same columns and
-- meanings: times are RFC 3339 text (UTC, milliseconds) so they compare alike in both
-- stores; flags are 0/1 integers, as SQLite keeps them.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE orders (
    order_id           TEXT PRIMARY KEY,
    status             TEXT NOT NULL,
    express            BIGINT NOT NULL DEFAULT 0,
    goods_amount       BIGINT NOT NULL,
    total_amount       BIGINT NOT NULL,
    captured_amount    BIGINT NOT NULL DEFAULT 0,
    refunded_amount    BIGINT NOT NULL DEFAULT 0,
    cart               TEXT NOT NULL,
    transaction_text   TEXT NOT NULL,
    vipps_url          TEXT,
    auth_token         TEXT NOT NULL,
    mobile_number      TEXT,
    shipping_method    TEXT,
    shipping_method_id TEXT,
    shipping_cost      BIGINT,
    address            TEXT,
    user_details       TEXT,
    user_id            TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    checked_at         TEXT,
    mismatch           TEXT,
    scope              TEXT,
    userinfo           TEXT,
    store              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX orders_by_status ON orders (status, created_at);
CREATE INDEX orders_by_user ON orders (user_id);
CREATE INDEX orders_store_created ON orders (store, created_at);

CREATE TABLE order_events (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX order_events_by_order ON order_events (order_id, id);
CREATE INDEX order_events_by_time ON order_events (at);

CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    order_id     TEXT,
    status_code  BIGINT,
    response     TEXT,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_by_time ON idempotency_keys (created_at);

CREATE TABLE callbacks (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id TEXT,
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    accepted BIGINT NOT NULL,
    body     TEXT NOT NULL,
    path     TEXT,
    reason   TEXT
);
CREATE INDEX callbacks_by_order ON callbacks (order_id, id);
CREATE INDEX callbacks_by_time ON callbacks (at);
CREATE INDEX callbacks_rejected ON callbacks (accepted, id);

CREATE TABLE staff_sessions (
    id_hash    TEXT PRIMARY KEY,
    store      TEXT,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
