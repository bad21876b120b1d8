-- The staff dashboard's sign-ins (issue 14): a session per sign-in, known by the hash of
-- its cookie, with its form token (CSRF) and its store (NULL: every store).
CREATE TABLE staff_sessions (
    id_hash TEXT PRIMARY KEY,
    store TEXT,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
