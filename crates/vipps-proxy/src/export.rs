//! The bookkeeper's export: `GET /api/vipps/admin/export.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`
//! (staff API) and `/admin/export.csv` (the dashboard's button): one row per money
//! movement (reserved, captured, refunded, cancelled) in the period, with its date,
//! store, order id, Vipps reference, amount and currency; streamed page by page. A
//! store's staff get their store's movements only; the shop's staff all, or one store
//! with `store=`.

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use contract::error::ErrorCode;
use futures_util::StreamExt;
use serde::Deserialize;

use crate::app::App;
use crate::db::Export;
use crate::error::ProxyError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub store: Option<String>,
}

/// `from` and `to` (both days included, UTC) as a period: `[from 00:00, to + 1 day)`.
pub fn period(from: Option<&str>, to: Option<&str>) -> Result<(DateTime<Utc>, DateTime<Utc>), ProxyError> {
    let day = |name: &str, text: Option<&str>| {
        let text = text.ok_or_else(|| {
            ProxyError::bad_request(ErrorCode::InvalidRequest, format!("{name} is required (YYYY-MM-DD)."))
        })?;
        NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            ProxyError::bad_request(ErrorCode::InvalidRequest, format!("{name} must be a date, YYYY-MM-DD."))
        })
    };
    let (from, to) = (day("from", from)?, day("to", to)?);
    use chrono::Datelike;
    if !(2000..=9999).contains(&from.year()) || !(2000..=9999).contains(&to.year()) {
        return Err(ProxyError::bad_request(
            ErrorCode::InvalidRequest,
            "from and to must be dates from 2000 to 9999.",
        ));
    }
    if to < from {
        return Err(ProxyError::bad_request(
            ErrorCode::InvalidRequest,
            "to comes before from.",
        ));
    }
    let start = from.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let end = to.and_hms_opt(0, 0, 0).expect("midnight").and_utc() + Duration::days(1);
    Ok((start, end))
}

/// The CSV of `query` for staff who see `staff_store` (`None`: every store).
pub fn csv(app: &App, staff_store: Option<&str>, query: &ExportQuery) -> Result<Response, ProxyError> {
    let (from, to) = period(query.from.as_deref(), query.to.as_deref())?;
    let store = match (staff_store, query.store.as_deref()) {
        (Some(own), Some(asked)) if own != asked => return Err(ProxyError::not_found()),
        (Some(own), _) => Some(own.to_string()),
        (None, Some(asked)) => {
            let id = if asked == "default" { "" } else { asked };
            if app.stores.get(id).is_none() {
                return Err(ProxyError::new(
                    StatusCode::NOT_FOUND,
                    ErrorCode::UnknownStore,
                    format!("There is no store '{asked}'."),
                ));
            }
            Some(id.to_string())
        }
        (None, None) => None,
    };
    let name = format!(
        "vipps-{}-{}.csv",
        query.from.as_deref().unwrap_or_default(),
        query.to.as_deref().unwrap_or_default()
    );
    let rows = app.db.export_csv(Export { from, to, store }).map(|chunk| {
        chunk.map(Bytes::from).map_err(|e| {
            tracing::error!(error = %e, "the export stopped: the database could not be read");
            std::io::Error::other(e.to_string())
        })
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(rows),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_whole_days_in_utc() {
        let (from, to) = period(Some("2026-01-01"), Some("2026-12-31")).unwrap();
        assert_eq!(from.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2027-01-01T00:00:00+00:00", "the last day included");
        for (f, t) in [
            (None, Some("2026-01-01")),
            (Some("2026-1-1x"), Some("2026-01-01")),
            (Some("2026-02-01"), Some("2026-01-31")),
            (Some("2026-02-30"), Some("2026-03-01")),
            (Some("2026-01-01"), Some("+262142-12-31")),
            (Some("1999-12-31"), Some("2026-01-01")),
        ] {
            assert!(period(f, t).is_err(), "{f:?} {t:?}");
        }
    }
}
