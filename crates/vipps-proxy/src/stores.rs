//! The stores one backend serves. The default store is the flags' (`--msn` and keys,
//! `--order-prefix`, `--shop-name`, `--catalogue`); `--stores FILE` adds named ones, each
//! with its own Vipps sales unit (MSN and keys) or sharing the default one and told apart
//! by its orderId prefix, as the eCom FAQ allows. The widget names a store with
//! `?store=`; an order, its status token and its staff belong to its store.
//!
//! The file (JSON), parsed and checked here without I/O; `app.rs` reads it, the secrets
//! from the environment variables it names, and the catalogues:
//!
//! ```json
//! {"stores": {
//!   "fjord": {"name": "Fjord Kaffe", "orderPrefix": "fjord", "msn": "654321",
//!             "clientId": "…", "clientSecretEnv": "FJORD_CLIENT_SECRET",
//!             "subscriptionKeyEnv": "FJORD_SUBSCRIPTION_KEY",
//!             "catalogue": "fjord-catalogue.json", "adminTokenEnv": "FJORD_ADMIN_TOKEN"},
//!   "outlet": {"name": "Nordlys Outlet", "orderPrefix": "outlet"}
//! }}
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use contract::validate::is_valid_store_id;
use serde::Deserialize;

use crate::catalogue::Catalogue;
use crate::config::is_valid_order_prefix;
use crate::gateway::Gateway;

/// The default store's id: requests that name no store.
pub const DEFAULT: &str = "";

/// One named store as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StoreSpec {
    /// Starts the text shown in the Vipps app.
    pub name: String,
    pub order_prefix: String,
    /// Its own sales unit: all four, or none (then it shares the default one).
    #[serde(default)]
    pub msn: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    /// Names of the environment variables holding the secrets (never the secrets).
    #[serde(default)]
    pub client_secret_env: Option<String>,
    #[serde(default)]
    pub subscription_key_env: Option<String>,
    /// Its own catalogue, relative to the stores file; default: the default store's.
    #[serde(default)]
    pub catalogue: Option<PathBuf>,
    /// A staff token that sees and acts on this store's orders only.
    #[serde(default)]
    pub admin_token_env: Option<String>,
    /// `NOK`, `DKK` or `EUR`; default: the default store's (`--currency`).
    #[serde(default)]
    pub currency: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoresFile {
    pub stores: BTreeMap<String, StoreSpec>,
}

impl StoresFile {
    /// Parses and checks the file: store ids, names, prefixes unique among themselves and
    /// with the default store's (`default_prefix`), and whole sales units.
    pub fn parse(text: &str, default_prefix: &str) -> Result<StoresFile, String> {
        let file: StoresFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut prefixes = vec![default_prefix.to_string()];
        for (id, spec) in &file.stores {
            if !is_valid_store_id(id) {
                return Err(format!("store '{id}': an id is 1-20 of a-z, 0-9 and '-'"));
            }
            if spec.name.trim().is_empty() || spec.name.len() > 60 {
                return Err(format!("store '{id}': name must be 1-60 characters"));
            }
            if !is_valid_order_prefix(&spec.order_prefix) {
                return Err(format!("store '{id}': orderPrefix must be 1-20 letters, digits or '-'"));
            }
            if prefixes.iter().any(|p| p.eq_ignore_ascii_case(&spec.order_prefix)) {
                return Err(format!(
                    "store '{id}': orderPrefix '{}' is already another store's (orders must tell their store)",
                    spec.order_prefix
                ));
            }
            prefixes.push(spec.order_prefix.clone());
            let unit = [
                spec.msn.is_some(),
                spec.client_id.is_some(),
                spec.client_secret_env.is_some(),
                spec.subscription_key_env.is_some(),
            ];
            if unit.iter().any(|&x| x) && !unit.iter().all(|&x| x) {
                return Err(format!(
                    "store '{id}': a sales unit of its own needs msn, clientId, clientSecretEnv and subscriptionKeyEnv \
                     (or none of them, to share the default one)"
                ));
            }
            if let Some(msn) = &spec.msn {
                if !(5..=6).contains(&msn.len()) || !msn.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("store '{id}': msn must be 5 or 6 digits"));
                }
            }
        }
        Ok(file)
    }
}

/// A store, ready to serve.
pub struct Store {
    /// [`DEFAULT`] for the default store.
    pub id: String,
    pub name: String,
    pub order_prefix: String,
    pub msn: String,
    /// Its prices' and payments' currency.
    pub currency: String,
    pub vipps: Arc<dyn Gateway>,
    pub catalogue: Arc<Catalogue>,
    /// Its own staff token (named stores only, optional).
    pub admin_token: Option<String>,
}

impl Store {
    pub fn is_default(&self) -> bool {
        self.id == DEFAULT
    }

    /// The shop's return page (`page`: the public URL and `--return-path`) for an order,
    /// with its status token (and the store, when not the default one): where Vipps sends
    /// the shopper back, and the link on the order's receipt in the app.
    pub fn return_url(&self, page: &str, order_id: &str, token: &str) -> String {
        let mut url = format!("{page}?orderId={order_id}&t={token}");
        if !self.is_default() {
            url.push_str(&format!("&store={}", self.id));
        }
        url
    }
}

/// Every store, by id.
pub struct Stores {
    all: BTreeMap<String, Arc<Store>>,
}

impl Stores {
    pub fn new(default: Store, named: Vec<Store>) -> Self {
        let mut all = BTreeMap::new();
        all.insert(DEFAULT.to_string(), Arc::new(default));
        for store in named {
            all.insert(store.id.clone(), Arc::new(store));
        }
        Stores { all }
    }

    /// The store with `id` ([`DEFAULT`] for none named).
    pub fn get(&self, id: &str) -> Option<&Arc<Store>> {
        self.all.get(id)
    }

    pub fn default_store(&self) -> &Arc<Store> {
        &self.all[DEFAULT]
    }

    /// Every store, the default one included.
    pub fn all(&self) -> impl Iterator<Item = &Arc<Store>> {
        self.all.values()
    }

    /// The named stores' ids, for messages.
    pub fn names(&self) -> Vec<&str> {
        self.all.keys().filter(|k| !k.is_empty()).map(String::as_str).collect()
    }

    /// The store whose own staff token this is.
    pub fn by_admin_token(&self, given: &str) -> Option<&Arc<Store>> {
        self.all.values().find(|s| {
            s.admin_token
                .as_deref()
                .is_some_and(|t| crate::token::secrets_equal(given, t))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<StoresFile, String> {
        StoresFile::parse(json, "nordlys")
    }

    #[test]
    fn a_store_with_its_own_sales_unit_and_one_sharing_the_default() {
        let file = parse(
            r#"{"stores": {
                "fjord": {"name": "Fjord Kaffe", "orderPrefix": "fjord", "msn": "654321", "clientId": "c",
                          "clientSecretEnv": "S", "subscriptionKeyEnv": "K", "adminTokenEnv": "A"},
                "outlet": {"name": "Nordlys Outlet", "orderPrefix": "outlet"}}}"#,
        )
        .unwrap();
        assert_eq!(file.stores["fjord"].msn.as_deref(), Some("654321"));
        assert_eq!(file.stores["outlet"].msn, None, "shares the default sales unit");
    }

    #[test]
    fn each_mistake_is_named() {
        for (json, says) in [
            (
                r#"{"stores": {"Fjord": {"name": "F", "orderPrefix": "f"}}}"#,
                "an id is",
            ),
            (
                r#"{"stores": {"fjord": {"name": " ", "orderPrefix": "f"}}}"#,
                "name must",
            ),
            (
                r#"{"stores": {"fjord": {"name": "F", "orderPrefix": "f j"}}}"#,
                "orderPrefix must",
            ),
            (
                r#"{"stores": {"fjord": {"name": "F", "orderPrefix": "Nordlys"}}}"#,
                "already another store's",
            ),
            (
                r#"{"stores": {"a": {"name": "A", "orderPrefix": "x"}, "b": {"name": "B", "orderPrefix": "x"}}}"#,
                "already another store's",
            ),
            (
                r#"{"stores": {"fjord": {"name": "F", "orderPrefix": "f", "msn": "654321"}}}"#,
                "needs msn, clientId",
            ),
            (
                r#"{"stores": {"fjord": {"name": "F", "orderPrefix": "f", "msn": "65", "clientId": "c", "clientSecretEnv": "S", "subscriptionKeyEnv": "K"}}}"#,
                "msn must be",
            ),
            (
                r#"{"stores": {"fjord": {"name": "F", "orderPrefix": "f", "clientSecret": "x"}}}"#,
                "unknown field",
            ),
            (r#"{"store": {}}"#, "unknown field"),
        ] {
            let err = parse(json).unwrap_err();
            assert!(err.contains(says), "{json}: {err}");
        }
    }

    fn store(id: &str, admin_token: Option<&str>) -> Store {
        use crate::gateway::client::Credentials;
        Store {
            id: id.into(),
            name: format!("Store {id}"),
            order_prefix: format!("p{id}"),
            msn: "123456".into(),
            currency: "NOK".into(),
            vipps: crate::gateway::for_api(crate::gateway::VippsClient::new(
                "http://127.0.0.1:9",
                Credentials {
                    client_id: "c".into(),
                    client_secret: "s".into(),
                    subscription_key: "k".into(),
                    msn: "123456".into(),
                },
                crate::gateway::Api::Ecom,
            )),
            catalogue: Arc::new(Catalogue::demo()),
            admin_token: admin_token.map(str::to_string),
        }
    }

    #[test]
    fn stores_are_found_by_id_and_by_their_staff_token() {
        let stores = Stores::new(
            store(DEFAULT, None),
            vec![store("fjord", Some("fjord-staff-token")), store("outlet", None)],
        );
        assert!(stores.default_store().is_default());
        assert_eq!(stores.get(DEFAULT).map(|s| s.id.as_str()), Some(""));
        assert_eq!(stores.get("fjord").map(|s| s.name.as_str()), Some("Store fjord"));
        assert!(!stores.get("fjord").unwrap().is_default());
        assert!(stores.get("bergen").is_none());
        assert_eq!(stores.names(), ["fjord", "outlet"], "the named ones, for messages");
        assert_eq!(
            stores.by_admin_token("fjord-staff-token").map(|s| s.id.as_str()),
            Some("fjord")
        );
        assert!(stores.by_admin_token("fjord-staff-tokeN").is_none());
        assert!(stores.by_admin_token("").is_none());
    }

    #[test]
    fn a_name_fits_the_vipps_app() {
        let file = |name: &str| {
            StoresFile::parse(
                &serde_json::json!({"stores": {"s": {"name": name, "orderPrefix": "s"}}}).to_string(),
                "nordlys",
            )
        };
        assert!(file(&"n".repeat(60)).is_ok());
        assert!(file(&"n".repeat(61)).is_err());
    }
}
