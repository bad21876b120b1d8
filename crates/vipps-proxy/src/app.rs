//! Everything a handler needs, built once at start-up.

use std::sync::Arc;

use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::db::Db;
use crate::refresh::Refresher;
use crate::shipping::ShippingConfig;
use crate::token::TokenKey;
use crate::vipps::client::Credentials;
use crate::vipps::VippsClient;

pub struct AppInner {
    pub config: Config,
    pub public_url: String,
    pub db: Db,
    pub vipps: VippsClient,
    pub catalogue: Catalogue,
    pub shipping: ShippingConfig,
    pub key: TokenKey,
    pub refresher: Refresher,
}

pub type App = Arc<AppInner>;

impl AppInner {
    pub async fn build(config: Config, public_url: String) -> Result<App, String> {
        config.check()?;
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
        let vipps = VippsClient::new(
            &config.vipps_url,
            Credentials {
                client_id: config.client_id.clone(),
                client_secret: config.client_secret.clone(),
                subscription_key: config.subscription_key.clone(),
                msn: config.msn.clone(),
            },
        );
        Ok(Arc::new(AppInner {
            public_url: public_url.trim_end_matches('/').to_string(),
            config,
            db,
            vipps,
            catalogue,
            shipping,
            key,
            refresher: Refresher::default(),
        }))
    }
}

fn read(path: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}
