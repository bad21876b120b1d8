-- Refused calls are recorded in batches (issue 25): identical refusals within one batch
-- are one row with how many times they came.
ALTER TABLE callbacks ADD COLUMN times INTEGER NOT NULL DEFAULT 1;
