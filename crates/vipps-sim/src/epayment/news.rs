//! What a webhook delivery is made of: the registration it goes to and the event's
//! body. The book keeps registrations; the outbox keeps deliveries waiting.

use serde_json::Value;

/// A webhook registration (`POST /webhooks/v1/webhooks`).
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    pub id: String,
    pub msn: String,
    pub url: String,
    pub events: Vec<String>,
    pub secret: String,
}

/// One delivery to make: the registration and the event's body.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub webhook: Webhook,
    pub body: Value,
}
