-- Several instances on one store (issue 12). An order's `/details` lease: the instance
-- that moves `refresh_until` forward is the one that asks Vipps; the others read what it
-- stored. Named leases: the background work (reconciler, pruning) runs on the one
-- instance that holds `reconciler`, until it stops renewing it.
ALTER TABLE orders ADD COLUMN refresh_until TEXT;
CREATE TABLE leases (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  TEXT NOT NULL
);
