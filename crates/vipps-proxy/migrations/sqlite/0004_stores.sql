-- Several stores (issue 11): the store an order belongs to ('' is the default store).
ALTER TABLE orders ADD COLUMN store TEXT NOT NULL DEFAULT '';
CREATE INDEX orders_store_created ON orders (store, created_at);
