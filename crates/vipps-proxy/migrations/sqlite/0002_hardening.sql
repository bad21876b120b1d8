-- Hardening (issue 10): bounded, privacy-respecting records of what reaches the hooks.

-- A rejected call is kept as time, path and reason only; never its body. Accepted calls
-- keep a summary without personal data (see routes/hooks.rs).
ALTER TABLE callbacks ADD COLUMN path TEXT;
ALTER TABLE callbacks ADD COLUMN reason TEXT;
DELETE FROM callbacks WHERE accepted = 0;
UPDATE callbacks SET body = '{}';
CREATE INDEX callbacks_by_time ON callbacks (at);
CREATE INDEX callbacks_rejected ON callbacks (accepted, id);

-- Retention: the background task prunes by age.
CREATE INDEX order_events_by_time ON order_events (at);
CREATE INDEX idempotency_keys_by_time ON idempotency_keys (created_at);

-- What Vipps reserved differs from goods + the chosen shipping: {"expected", "reserved"}.
ALTER TABLE orders ADD COLUMN mismatch TEXT;
