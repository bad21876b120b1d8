-- Server settings (the status-token key, so tokens survive restarts).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE orders (
    order_id           TEXT PRIMARY KEY,
    status             TEXT NOT NULL,             -- pending|reserved|captured|cancelled|failed|expired
    express            INTEGER NOT NULL DEFAULT 0,
    goods_amount       INTEGER NOT NULL,          -- øre, from the catalogue
    total_amount       INTEGER NOT NULL,          -- øre, goods + shipping = what Vipps reserved
    captured_amount    INTEGER NOT NULL DEFAULT 0,
    refunded_amount    INTEGER NOT NULL DEFAULT 0,
    cart               TEXT NOT NULL,             -- JSON: priced lines and weight
    transaction_text   TEXT NOT NULL,
    vipps_url          TEXT,
    auth_token         TEXT NOT NULL,             -- per-order secret Vipps echoes on callbacks
    mobile_number      TEXT,                      -- personal data
    shipping_method    TEXT,
    shipping_method_id TEXT,
    shipping_cost      INTEGER,
    address            TEXT,                      -- JSON, personal data
    user_details       TEXT,                      -- JSON, personal data
    user_id            TEXT,                      -- Vipps userId (for consent removal)
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    checked_at         TEXT
);
CREATE INDEX orders_by_status ON orders (status, created_at);
CREATE INDEX orders_by_user ON orders (user_id);

-- Status history and notable events of an order.
CREATE TABLE order_events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX order_events_by_order ON order_events (order_id, id);

-- Idempotency keys: of the widget's POST /payments and of staff operations.
CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    order_id     TEXT,
    status_code  INTEGER,                          -- NULL while the request is in progress
    response     TEXT,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);

-- Every callback, shipping request and consent removal received, accepted or not.
CREATE TABLE callbacks (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT,
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    accepted INTEGER NOT NULL,
    body     TEXT NOT NULL
);
CREATE INDEX callbacks_by_order ON callbacks (order_id, id);
