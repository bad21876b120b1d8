-- Userinfo (issue 11): the scope a regular payment asked for, and the claims the
-- shopper consented to share (personal data, erased on consent removal).
ALTER TABLE orders ADD COLUMN scope TEXT;
ALTER TABLE orders ADD COLUMN userinfo TEXT;
