//! `GET /`: what this server is, how it is configured, and the payments it holds.

use maud::{html, Markup};

use super::{kr, layout};
use crate::config::Config;
use crate::ecom::ledger::Payment;

pub fn page(config: &Config, public_url: &str, payments: &[&Payment]) -> Markup {
    let body = html! {
        section.card {
            p.brand { "vipps-sim" }
            h1 { "A local stand-in for Vipps: eCom v2, ePayment v1, Webhooks, Order Management" }
            p { "Point your Vipps client at " code { (public_url) } " with these credentials:" }
            table {
                tr { th { "client_id" } td { code { (config.client_id) } } }
                tr { th { "client_secret" } td { code { "(as given with --client-secret)" } } }
                tr { th { "Ocp-Apim-Subscription-Key" } td { code { "(as given with --subscription-key)" } } }
                tr { th { "Merchant-Serial-Number" } td { code { (config.msn) } } }
                @for unit in &config.sales_units {
                    tr { th { "More sales units" } td { code { (unit.msn) } " " (unit.merchant_name) " (client_id " code { (unit.client_id) } ")" } }
                }
                tr { th { "Payment timeout" } td { (config.payment_timeout) " s" } }
                tr { th { "Payment URL valid" } td { (config.link_timeout) " s" } }
                tr { th { "skipLandingPage" } td { (if config.skip_landing_page { "allowed (push to the phone)" } else { "not allowed (error 38)" }) } }
                tr { th { "Direct capture" } td { (if config.direct_capture { "on (SALE)" } else { "off (RESERVE)" }) } }
            }
            p { "Control API for tests: " a href="/_sim/payments" { "/_sim/payments" } }
        }
        section.card {
            h1 { "Payments" }
            @if payments.is_empty() {
                p { "None yet." }
            } @else {
                table {
                    tr { th { "orderId" } th { "state" } th { "amount" } th { "" } }
                    @for p in payments {
                        tr {
                            td { code { (p.order_id()) } }
                            td { (p.state_name()) }
                            td { (kr(p.init.amount)) }
                            td { @if p.state_name() == "initiated" { a href=(p.url) { "open" } } }
                        }
                    }
                }
            }
        }
    };
    let mut page = layout("vipps-sim", body).into_string();
    page = page.replacen("<main>", "<main class=\"wide\">", 1);
    maud::PreEscaped(page)
}
