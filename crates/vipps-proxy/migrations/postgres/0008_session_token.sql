-- A dashboard session is bound to the staff token that created it (issue 25): a keyed
-- fingerprint of that token, compared with the token configured now at every request,
-- so rotating or removing a token ends its sessions. Sessions from before have none and
-- end at their next request.
ALTER TABLE staff_sessions ADD COLUMN token_hash TEXT NOT NULL DEFAULT '';
