-- Receipts in the Vipps app (issue 27): what became of the order's receipt at Vipps'
-- Order Management API. NULL: due once the order is paid (the reconciler retries);
-- 'sent'; 'refused' (Vipps or our own check refused it: not tried again); 'none' (an
-- order finished before receipts were sent: it gets none).
ALTER TABLE orders ADD COLUMN receipt_status TEXT;
-- A receipt Vipps could not take yet: tried again from this time (backing off).
ALTER TABLE orders ADD COLUMN receipt_next_try TEXT;
ALTER TABLE orders ADD COLUMN receipt_tries INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET receipt_status = 'none' WHERE status <> 'pending';
