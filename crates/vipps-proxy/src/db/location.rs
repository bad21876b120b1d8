//! Where the orders live, as `--db` names it: a SQLite file (`sqlite:orders.db`, or a
//! plain path, the default) or a PostgreSQL database (`postgres://user:pass@host/db`).

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    Sqlite(PathBuf),
    /// The connection URL as given (it may carry a password: never printed).
    Postgres(String),
}

impl FromStr for Location {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            let parsed = url::Url::parse(s).map_err(|e| format!("not a PostgreSQL URL: {e}"))?;
            if parsed.path().trim_start_matches('/').is_empty() {
                return Err("the PostgreSQL URL names no database (postgres://user:pass@host/DATABASE)".into());
            }
            return Ok(Location::Postgres(s.to_string()));
        }
        let path = s
            .strip_prefix("sqlite://")
            .or_else(|| s.strip_prefix("sqlite:"))
            .unwrap_or(s);
        if path.is_empty() || path.contains("://") {
            return Err(format!(
                "'{s}' is neither a SQLite file (sqlite:orders.db) nor a postgres:// URL"
            ));
        }
        Ok(Location::Sqlite(PathBuf::from(path)))
    }
}

impl fmt::Display for Location {
    /// For logs and error messages: a PostgreSQL URL without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            Location::Postgres(url) => match url::Url::parse(url) {
                Ok(mut u) => {
                    if u.password().is_some() {
                        let _ = u.set_password(Some("***"));
                    }
                    write!(f, "{u}")
                }
                Err(_) => f.write_str("postgres://(unreadable)"),
            },
        }
    }
}

impl Location {
    /// The URL sqlx's `Any` driver opens: SQLite's file is created when missing.
    pub(super) fn connect_url(&self) -> String {
        match self {
            Location::Sqlite(path) => {
                // sqlx percent-decodes the file name: characters a URL would cut off are encoded.
                let mut file = String::new();
                for c in path.to_string_lossy().chars() {
                    match c {
                        '%' => file.push_str("%25"),
                        '?' => file.push_str("%3F"),
                        '#' => file.push_str("%23"),
                        ' ' => file.push_str("%20"),
                        c => file.push(c),
                    }
                }
                format!("sqlite:{file}?mode=rwc")
            }
            Location::Postgres(url) => url.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sqlite_urls_and_postgres_urls() {
        assert_eq!("orders.db".parse(), Ok(Location::Sqlite("orders.db".into())));
        assert_eq!("sqlite:orders.db".parse(), Ok(Location::Sqlite("orders.db".into())));
        assert_eq!("sqlite:///tmp/o.db".parse(), Ok(Location::Sqlite("/tmp/o.db".into())));
        assert_eq!(
            "postgres://shop:pw@db:5432/orders".parse(),
            Ok(Location::Postgres("postgres://shop:pw@db:5432/orders".into()))
        );
        assert!("postgres://db:5432/"
            .parse::<Location>()
            .unwrap_err()
            .contains("names no database"));
        assert!("mysql://db/orders".parse::<Location>().is_err());
        assert!("".parse::<Location>().is_err());
    }

    #[test]
    fn a_password_is_never_shown() {
        let db: Location = "postgres://shop:secret@db/orders".parse().unwrap();
        let shown = db.to_string();
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("db/orders"), "{shown}");
        assert_eq!(Location::Sqlite("o.db".into()).to_string(), "sqlite:o.db");
    }

    #[test]
    fn relative_and_absolute_files_keep_their_place() {
        assert_eq!(Location::Sqlite("o.db".into()).connect_url(), "sqlite:o.db?mode=rwc");
        assert_eq!(
            Location::Sqlite("/tmp/a b?.db".into()).connect_url(),
            "sqlite:/tmp/a%20b%3F.db?mode=rwc"
        );
    }
}
