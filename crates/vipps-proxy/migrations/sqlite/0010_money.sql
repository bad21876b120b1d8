-- The shop's money over time (issue 27): one row per movement Vipps reported for an
-- order (reserved; captured; refunded; cancelled: the reservation released), in minor
-- units of its currency. Kept for the bookkeeping period (--bookkeeping-years), long
-- after the order's history of events is pruned.
CREATE TABLE money_movements (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    store    TEXT NOT NULL,
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,
    amount   BIGINT NOT NULL,
    currency TEXT NOT NULL
);
CREATE INDEX money_movements_by_time ON money_movements (at);
CREATE INDEX money_movements_by_order ON money_movements (order_id);
