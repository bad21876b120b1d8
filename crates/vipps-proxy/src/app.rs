//! Everything a handler needs, built once at start-up.

use std::sync::Arc;

use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::db::Db;
use crate::limits::{ClientAddress, Limit};
use crate::refresh::Refresher;
use crate::shipping::ShippingConfig;
use crate::token::TokenKey;
use crate::vipps::client::Credentials;
use crate::vipps::VippsClient;

pub struct AppInner {
    pub config: Config,
    pub public_url: String,
    pub db: Db,
    pub vipps: Arc<VippsClient>,
    pub catalogue: Catalogue,
    pub shipping: ShippingConfig,
    pub key: TokenKey,
    pub refresher: Refresher,
    pub limits: Limits,
}

/// The abuse limits, built once so their counts live as long as the server.
pub struct Limits {
    pub payments: Limit,
    pub polls: Limit,
}

impl Limits {
    fn new(config: &Config) -> Self {
        let clients = ClientAddress {
            header: config
                .client_ip_header
                .as_deref()
                .and_then(|h| axum::http::HeaderName::try_from(h).ok()),
        };
        Limits {
            payments: Limit::new(
                &clients,
                config.payments_per_minute_per_client,
                config.payments_per_minute,
            ),
            polls: Limit::new(&clients, config.polls_per_minute_per_client, config.polls_per_minute),
        }
    }
}

pub type App = Arc<AppInner>;

impl AppInner {
    pub async fn build(config: Config, public_url: String) -> Result<App, String> {
        config.check()?;
        crate::config::check_public_url(&public_url)
            .map_err(|e| format!("{e} (without --public-url it is made from --listen)"))?;
        let catalogue = match &config.catalogue {
            Some(path) => {
                Catalogue::from_json(&read(path)?).map_err(|e| format!("--catalogue {}: {e}", path.display()))?
            }
            None => Catalogue::demo(),
        };
        let shipping = match &config.shipping {
            Some(path) => {
                ShippingConfig::from_json(&read(path)?).map_err(|e| format!("--shipping {}: {e}", path.display()))?
            }
            None => ShippingConfig::demo(),
        };
        let db = Db::open(&config.db)
            .await
            .map_err(|e| format!("--db {}: {e}", config.db.display()))?;
        let key = db.token_key().await.map_err(|e| e.to_string())?;
        let vipps = Arc::new(VippsClient::new(
            &config.vipps_url,
            Credentials {
                client_id: config.client_id.clone(),
                client_secret: config.client_secret.clone(),
                subscription_key: config.subscription_key.clone(),
                msn: config.msn.clone(),
            },
        ));
        let refresher = Refresher::new(db.clone(), vipps.clone(), shipping.clone(), config.static_shipping);
        Ok(Arc::new(AppInner {
            public_url: public_url.trim_end_matches('/').to_string(),
            db,
            vipps,
            catalogue,
            shipping,
            key,
            refresher,
            limits: Limits::new(&config),
            config,
        }))
    }
}

fn read(path: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}
