//! Everything a handler needs, built once at start-up.

use std::sync::Arc;

use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::db::Db;
use crate::gateway::client::Credentials;
use crate::gateway::{for_api, VippsClient};
use crate::limits::{ClientAddress, Limit};
use crate::refresh::Refresher;
use crate::shipping::ShippingConfig;
use crate::stores::{Store, Stores, StoresFile, DEFAULT};
use crate::token::TokenKey;

pub struct AppInner {
    /// This process among the instances sharing the database (pid and a random part): the
    /// holder's name in leases and logs.
    pub instance: String,
    pub config: Config,
    pub public_url: String,
    pub db: Db,
    /// The default store (the flags') and any `--stores`, each with its Vipps client.
    pub stores: Arc<Stores>,
    pub shipping: ShippingConfig,
    pub key: TokenKey,
    pub refresher: Refresher,
    /// Sends each paid order's receipt to the Vipps app (the refresher when an order is
    /// paid, the reconciler for those still due).
    pub receipts: Arc<crate::receipts::Receipts>,
    pub limits: Limits,
    /// Refused calls, recorded off the request path (`rejected.rs`).
    pub rejected: crate::rejected::RejectedLog,
}

/// The abuse limits, built once so their counts live as long as the server.
pub struct Limits {
    /// How a request's client address is read (`--client-ip-header`).
    pub clients: ClientAddress,
    pub payments: Limit,
    pub polls: Limit,
    /// Pushes to one phone number (`flow: push`).
    pub pushes: crate::limits::PushLimit,
    /// Consent removals (Vipps sends them without credentials), per client address.
    pub consents: Limit,
    /// Staff sign-ins per client address, apart from the shoppers' budgets.
    pub sign_ins: Limit,
    /// What Vipps calls (callbacks, shipping requests, webhooks), per client address.
    pub hooks: Limit,
    /// Tries of one staff token, from any address.
    pub token_tries: crate::limits::KeyedLimit,
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
            clients: clients.clone(),
            payments: Limit::new(
                &clients,
                config.payments_per_minute_per_client,
                config.payments_per_minute,
            ),
            polls: Limit::new(&clients, config.polls_per_minute_per_client, config.polls_per_minute),
            pushes: crate::limits::PushLimit::default(),
            consents: Limit::new(&clients, crate::limits::CONSENT_REMOVALS_PER_MINUTE, 0),
            sign_ins: Limit::new(&clients, crate::limits::SIGN_INS_PER_MINUTE_PER_CLIENT, 0),
            hooks: Limit::per_client_steady(&clients, config.hooks_per_minute_per_client, crate::limits::HOOKS_BURST),
            token_tries: crate::limits::token_tries(),
        }
    }
}

pub type App = Arc<AppInner>;

impl AppInner {
    /// The shop's return page: the public URL and `--return-path`.
    pub fn return_page(&self) -> String {
        format!("{}{}", self.public_url, self.config.return_path)
    }

    pub async fn build(config: Config, public_url: String) -> Result<App, String> {
        config.check()?;
        crate::config::check_public_url(&public_url)
            .map_err(|e| format!("{e} (without --public-url it is made from --listen)"))?;
        let stores = stores_of(&config)?;
        if !config.skip_startup_check {
            crate::startup_check::before_start(&stores).await?;
        }
        let shipping = match &config.shipping {
            Some(path) => {
                ShippingConfig::from_json(&read(path)?).map_err(|e| format!("--shipping {}: {e}", path.display()))?
            }
            None => ShippingConfig::demo(),
        };
        let db = Db::open(&config.db)
            .await
            .map_err(|e| format!("--db {}: {e}", config.db))?;
        let key = db.token_key().await.map_err(|e| e.to_string())?;
        let public_url = public_url.trim_end_matches('/').to_string();
        let receipts = Arc::new(crate::receipts::Receipts::new(
            db.clone(),
            stores.clone(),
            key.clone(),
            format!("{public_url}{}", config.return_path),
            !config.no_receipts,
            std::time::Duration::from_secs(config.reconcile_every.max(1)),
        ));
        let refresher = Refresher::new(
            db.clone(),
            stores.clone(),
            shipping.clone(),
            config.static_shipping,
            receipts.clone(),
        );
        let instance = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        tracing::info!(%instance, db = %config.db, "database opened");
        Ok(Arc::new(AppInner {
            instance,
            public_url,
            receipts,
            rejected: crate::rejected::RejectedLog::start(db.clone()),
            db,
            stores,
            shipping,
            key,
            refresher,
            limits: Limits::new(&config),
            config,
        }))
    }
}

/// Every store the flags name: the default one (`--msn`, `--catalogue`, ...) and those of
/// `--stores`, each with its Vipps client.
pub fn stores_of(config: &Config) -> Result<Arc<Stores>, String> {
    let catalogue = match &config.catalogue {
        Some(path) => Catalogue::from_json(&read(path)?).map_err(|e| format!("--catalogue {}: {e}", path.display()))?,
        None => Catalogue::demo(),
    };
    let vipps = for_api(VippsClient::new(
        &config.vipps_url,
        Credentials {
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            subscription_key: config.subscription_key.clone(),
            msn: config.msn.clone(),
        },
        config.api,
    ));
    let default = Store {
        id: DEFAULT.to_string(),
        name: config.shop_name.clone(),
        order_prefix: config.order_prefix.clone(),
        msn: config.msn.clone(),
        currency: config.currency.clone(),
        vipps,
        catalogue: Arc::new(catalogue),
        admin_token: None,
    };
    let named = match &config.stores {
        Some(path) => named_stores(config, path, &default)?,
        None => Vec::new(),
    };
    Ok(Arc::new(Stores::new(default, named)))
}

/// The stores of `--stores FILE`: the file checked, each secret read from the environment
/// variable it names, each catalogue read (relative to the file).
fn named_stores(config: &Config, path: &std::path::Path, default: &Store) -> Result<Vec<Store>, String> {
    let at = |e: String| format!("--stores {}: {e}", path.display());
    let file = StoresFile::parse(&read(path)?, &config.order_prefix).map_err(at)?;
    let env = |store: &str, name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| at(format!("store '{store}': the environment variable {name} is not set")))
    };
    let mut stores = Vec::new();
    for (id, spec) in file.stores {
        let vipps = match (
            &spec.msn,
            &spec.client_id,
            &spec.client_secret_env,
            &spec.subscription_key_env,
        ) {
            (Some(msn), Some(client_id), Some(secret), Some(key)) => for_api(VippsClient::new(
                &config.vipps_url,
                Credentials {
                    client_id: client_id.clone(),
                    client_secret: env(&id, secret)?,
                    subscription_key: env(&id, key)?,
                    msn: msn.clone(),
                },
                config.api,
            )),
            _ => default.vipps.clone(),
        };
        let catalogue = match &spec.catalogue {
            Some(file) => {
                let file = path.parent().unwrap_or(std::path::Path::new(".")).join(file);
                Arc::new(Catalogue::from_json(&read(&file)?).map_err(|e| at(format!("store '{id}': {e}")))?)
            }
            None => default.catalogue.clone(),
        };
        let admin_token = match &spec.admin_token_env {
            Some(name) => {
                let token = env(&id, name)?;
                if token.chars().count() < crate::config::MIN_ADMIN_TOKEN {
                    return Err(at(format!(
                        "store '{id}': its staff token must be at least {} characters",
                        crate::config::MIN_ADMIN_TOKEN
                    )));
                }
                Some(token)
            }
            None => None,
        };
        let currency = spec.currency.clone().unwrap_or_else(|| default.currency.clone());
        crate::config::check_currency(&currency, config.api).map_err(|e| at(format!("store '{id}': currency: {e}")))?;
        stores.push(Store {
            currency,
            msn: spec.msn.clone().unwrap_or_else(|| default.msn.clone()),
            id,
            name: spec.name,
            order_prefix: spec.order_prefix,
            vipps,
            catalogue,
            admin_token,
        });
    }
    Ok(stores)
}

fn read(path: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}
