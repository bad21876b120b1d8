-- The Nordic markets (issue 13): each order in its store's currency (NOK, DKK, EUR),
-- minor units as before. Orders made before this are Norwegian kroner.
ALTER TABLE orders ADD COLUMN currency TEXT NOT NULL DEFAULT 'NOK';
