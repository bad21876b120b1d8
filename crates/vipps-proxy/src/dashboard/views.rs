//! The dashboard's pages, as Leptos views rendered on the server (`to_html`): plain HTML
//! forms and links, no script, so the proxy's strict CSP holds and every page works by
//! keyboard. Each function takes what it shows and returns a whole document.

use leptos::prelude::*;
use serde_json::Value;

use super::kroner;
use super::texts::{Lang, Texts};
use crate::db::Order;
use crate::staff_status::{StaffFilter, StaffStatus};

/// A whole page: the header (with sign-out when signed in), a flash line, the content.
fn document(lang: Lang, title: &str, csrf: Option<&str>, body: impl IntoView + 'static) -> String {
    let t = lang.texts();
    let header = view! {
        <header class="top">
            <a class="brand" href="/admin/orders">{t.title}</a>
            {csrf.map(|csrf| view! {
                <form method="post" action="/admin/sign-out" class="sign-out">
                    <input type="hidden" name="csrf" value=csrf.to_string() />
                    <button type="submit">{t.sign_out}</button>
                </form>
            })}
        </header>
    };
    let main = view! { <main id="main">{body}</main> };
    let html = Owner::new().with(|| format!("{}{}", header.to_html(), main.to_html()));
    // Leptos marks where optional parts would go (`<!>`), for hydration; nothing hydrates here.
    let html = html.replace("<!>", "");
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{}</title><link rel=\"stylesheet\" \
         href=\"/admin/admin.css\"></head><body>{html}</body></html>",
        lang.tag(),
        escape(title)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn sign_in(lang: Lang, problem: Option<&'static str>) -> String {
    let t = lang.texts();
    document(
        lang,
        t.sign_in,
        None,
        view! {
            <h1>{t.sign_in}</h1>
            {problem.map(|p| view! { <p class="problem" role="alert">{p}</p> })}
            <form method="post" action="/admin/sign-in" class="card narrow">
                <label for="token">{t.token}</label>
                <input id="token" name="token" type="password" autocomplete="current-password" required
                    aria-describedby="token-hint" />
                <p id="token-hint" class="hint">{t.token_hint}</p>
                <button type="submit" class="primary">{t.sign_in}</button>
            </form>
        },
    )
}

pub struct ListPage<'a> {
    pub orders: &'a [Order],
    pub status: Option<StaffFilter>,
    pub search: Option<&'a str>,
    pub page: i64,
    pub more: bool,
    pub show_store: bool,
}

fn query(status: Option<&str>, search: Option<&str>, page: i64) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    if let Some(s) = status {
        q.append_pair("status", s);
    }
    if let Some(s) = search {
        q.append_pair("q", s);
    }
    if page > 0 {
        q.append_pair("page", &page.to_string());
    }
    let q = q.finish();
    if q.is_empty() {
        "/admin/orders".into()
    } else {
        format!("/admin/orders?{q}")
    }
}

pub fn list(lang: Lang, csrf: &str, p: ListPage<'_>) -> String {
    let t = lang.texts();
    // The status filters, as links (the last: all orders); the current one is marked.
    let filters = StaffFilter::ALL
        .into_iter()
        .map(Some)
        .chain([None])
        .map(|f| {
            let current = p.status == f;
            let label = f.map_or(t.all, |f| lang.filter(f));
            let href = query(f.map(StaffFilter::as_str), p.search, 0);
            view! { <li><a href=href aria-current=current.then_some("page")>{label}</a></li> }
        })
        .collect_view();
    let rows = p
        .orders
        .iter()
        .map(|o| {
            let status = o.staff_status();
            view! {
                <tr>
                    <td><a href=format!("/admin/orders/{}", o.order_id)>{o.order_id.clone()}</a></td>
                    {p.show_store.then(|| view! { <td>{o.store.clone()}</td> })}
                    <td><span class=format!("badge {}", status.as_str())>{lang.status(status)}</span></td>
                    <td class="num">{kroner::format(o.total_amount, &o.currency)}</td>
                    <td class="num">{kroner::format(o.captured_amount, &o.currency)}</td>
                    <td class="num">{kroner::format(o.refunded_amount, &o.currency)}</td>
                    <td>{short_time(&o.created_at)}</td>
                    <td class=reserved_class(o)>{o.reserved_for_days().map(|d| lang.days(d))}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = p.orders.is_empty();
    let newer = (p.page > 0).then(|| query(p.status.map(StaffFilter::as_str), p.search, p.page - 1));
    let older = p
        .more
        .then(|| query(p.status.map(StaffFilter::as_str), p.search, p.page + 1));
    let status_value = p.status.map_or("", StaffFilter::as_str).to_string();
    let now = chrono::Utc::now();
    let (today, month_start) = (now.format("%Y-%m-%d").to_string(), now.format("%Y-%m-01").to_string());
    document(
        lang,
        t.orders,
        Some(csrf),
        view! {
            <h1>{t.orders}</h1>
            <nav aria-label=t.status><ul class="filters">{filters}</ul></nav>
            <form method="get" action="/admin/orders" class="search" role="search">
                <label for="q">{t.search_label}</label>
                <input id="q" name="q" type="search" value=p.search.unwrap_or("").to_string() />
                {(!status_value.is_empty()).then(|| view! { <input type="hidden" name="status" value=status_value.clone() /> })}
                <button type="submit">{t.search}</button>
            </form>
            {if empty {
                view! { <p class="empty">{t.none_found}</p> }.into_any()
            } else {
                view! {
                    <table class="orders">
                        <thead><tr>
                            <th scope="col">{t.order}</th>
                            {p.show_store.then(|| view! { <th scope="col">{t.store}</th> })}
                            <th scope="col">{t.status}</th>
                            <th scope="col" class="num">{t.amount}</th>
                            <th scope="col" class="num">{t.captured}</th>
                            <th scope="col" class="num">{t.refunded}</th>
                            <th scope="col">{t.created}</th>
                            <th scope="col">{t.reserved_for}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            }}
            <nav class="pages" aria-label="pages">
                {newer.map(|h| view! { <a href=h rel="prev">{t.newer}</a> })}
                {older.map(|h| view! { <a href=h rel="next">{t.older}</a> })}
            </nav>
            <form method="get" action="/admin/export.csv" class="export card">
                <h2>{t.export}</h2>
                <p class="hint">{t.export_hint}</p>
                <label>{t.from}" "<input type="date" name="from" required value=month_start.clone() /></label>
                " "
                <label>{t.to}" "<input type="date" name="to" required value=today.clone() /></label>
                " "
                <button type="submit">{t.download}</button>
            </form>
        },
    )
}

/// The list's and the order page's class for a reservation's age: `ageing` from day 4.
fn reserved_class(o: &Order) -> &'static str {
    match o.reserved_for_days() {
        Some(d) if d >= crate::money::AGEING_FROM_DAYS => "ageing",
        _ => "",
    }
}

fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

/// What can be done with an order now.
pub struct Actions {
    pub capture: bool,
    pub cancel: bool,
    pub release: bool,
    pub refund: bool,
    pub remaining: i64,
    pub refundable: i64,
}

impl Actions {
    pub fn of(o: &Order) -> Actions {
        let reserved = o.status.is_confirmed();
        let remaining = if reserved {
            (o.total_amount - o.captured_amount).max(0)
        } else {
            0
        };
        let refundable = (o.captured_amount - o.refunded_amount).max(0);
        Actions {
            capture: remaining > 0,
            cancel: reserved && o.captured_amount == 0,
            release: reserved && o.captured_amount > 0 && remaining > 0,
            refund: refundable > 0,
            remaining,
            refundable,
        }
    }
}

pub struct OrderPage<'a> {
    pub order: &'a Order,
    pub events: &'a [Value],
    pub callbacks: &'a [Value],
    /// ePayment: the payment's own event log at Vipps (`None`: eCom, or not readable now).
    pub vipps_events: Option<&'a [crate::gateway::epayment::wire::Event]>,
    pub done: Option<&'static str>,
    pub problem: Option<String>,
    /// A fresh idempotency key per action form.
    pub keys: [String; 3],
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// One action's form: where it posts, its button, and an amount field up to `amount`.
struct ActionForm<'a> {
    order_id: &'a str,
    csrf: &'a str,
    op: &'static str,
    key: &'a str,
    label: &'static str,
    amount: Option<i64>,
    release: bool,
    currency: &'a str,
}

fn action_form(t: &'static Texts, f: ActionForm<'_>) -> impl IntoView {
    let ActionForm {
        order_id,
        csrf,
        op,
        key,
        label,
        amount,
        release,
        currency,
    } = f;
    let id = format!("amount-{op}");
    view! {
        <form method="post" action=format!("/admin/orders/{order_id}/{op}") class="action">
            <input type="hidden" name="csrf" value=csrf.to_string() />
            <input type="hidden" name="key" value=key.to_string() />
            <input type="hidden" name="step" value="confirm" />
            {release.then(|| view! { <input type="hidden" name="release" value="true" /> })}
            {amount.map(|max| view! {
                <label for=id.clone()>{t.amount_kr}" ("{t.everything}": "{kroner::format(max, currency)}")"</label>
                <input id=id.clone() name="amount" inputmode="decimal" autocomplete="off" />
            })}
            <button type="submit">{label}</button>
        </form>
    }
}

pub fn order(lang: Lang, csrf: &str, p: OrderPage<'_>) -> String {
    let t = lang.texts();
    let o = p.order;
    let cart = o.cart_json();
    let lines = cart
        .get("lines")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|l| {
            let total = l.get("total").and_then(Value::as_i64).unwrap_or(0);
            view! {
                <tr><td>{text(&l, "name")}</td><td class="num">{text(&l, "qty")}</td><td class="num">{kroner::format(total, &o.currency)}</td></tr>
            }
        })
        .collect_view();
    let actions = Actions::of(o);
    let status = o.staff_status();
    let address = o.shipping_address().map(|a| {
        [
            a.address_line1,
            a.address_line2.unwrap_or_default(),
            format!("{} {}", a.post_code, a.city),
        ]
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ")
    });
    let mut shopper: Vec<(String, String)> = Vec::new();
    for source in [o.user_details.as_deref(), o.userinfo.as_deref()].into_iter().flatten() {
        if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(source) {
            for (k, v) in map {
                let shown = match &v {
                    Value::String(s) => s.clone(),
                    Value::Null => continue,
                    other => other.to_string(),
                };
                if !shown.is_empty() && k != "sub" {
                    shopper.push((k, shown));
                }
            }
        }
    }
    let shopper = (!shopper.is_empty()).then(|| {
        let rows = shopper
            .into_iter()
            .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
            .collect_view();
        view! { <section><h2>{t.shopper}</h2><dl class="facts">{rows}</dl></section> }
    });
    let events = p
        .events
        .iter()
        .map(|e| {
            let said = super::history::sentence(lang, &text(e, "kind"), &e["detail"], &o.currency);
            view! { <li><time>{short_time(&text(e, "at"))}</time>" "{said}</li> }
        })
        .collect_view();
    let callbacks = p
        .callbacks
        .iter()
        .map(|c| {
            let ok = c.get("accepted").and_then(Value::as_bool).unwrap_or(false);
            view! { <li><time>{short_time(&text(c, "at"))}</time>" "{text(c, "kind")}" · "{if ok { t.accepted } else { t.refused }}</li> }
        })
        .collect_view();
    let at_vipps = p.vipps_events.map(|log| {
        let rows = log
            .iter()
            .map(|e| {
                let amount = kroner::format(e.amount.value, &o.currency);
                let failed = (!e.success).then_some(t.refused);
                view! { <li><time>{short_time(&e.timestamp)}</time>" "<strong>{e.name.clone()}</strong>" "{amount}{failed.map(|f| format!(" · {f}"))}</li> }
            })
            .collect_view();
        view! { <section><h2>{t.at_vipps}</h2><ul class="log">{rows}</ul></section> }
    });
    let [capture_key, cancel_key, refund_key] = p.keys;
    let form = |op, key: &str, label, amount, release| {
        action_form(
            t,
            ActionForm {
                order_id: &o.order_id,
                csrf,
                op,
                key,
                label,
                amount,
                release,
                currency: &o.currency,
            },
        )
    };
    let none = !(actions.capture || actions.cancel || actions.release || actions.refund);
    document(
        lang,
        &o.order_id,
        Some(csrf),
        view! {
            <p><a href="/admin/orders">"← "{t.orders}</a></p>
            <h1>{t.order}" "{o.order_id.clone()}" "<span class=format!("badge {}", status.as_str())>{lang.status(status)}</span></h1>
            {p.done.map(|d| view! { <p class="done" role="status">{d}</p> })}
            {p.problem.map(|m| view! { <p class="problem" role="alert">{t.failed}": "{m}</p> })}
            {(status == StaffStatus::Mismatch).then(|| view! { <p class="problem">{t.mismatch}</p> })}
            <dl class="facts">
                {(!o.store.is_empty()).then(|| view! { <dt>{t.store}</dt><dd>{o.store.clone()}</dd> })}
                <dt>{t.amount}</dt><dd>{kroner::format(o.total_amount, &o.currency)}</dd>
                <dt>{t.captured}</dt><dd>{kroner::format(o.captured_amount, &o.currency)}</dd>
                <dt>{t.refunded}</dt><dd>{kroner::format(o.refunded_amount, &o.currency)}</dd>
                <dt>{t.remaining}</dt><dd>{kroner::format(actions.remaining, &o.currency)}</dd>
                <dt>{t.created}</dt><dd>{short_time(&o.created_at)}</dd>
                {o.reserved_for_days().map(|d| view! { <dt>{t.reserved_for}</dt><dd class=reserved_class(o)>{lang.days(d)}</dd> })}
            </dl>
            {o.reserved_for_days()
                .filter(|d| *d >= crate::money::AGEING_FROM_DAYS)
                .map(|d| view! { <p class="problem" role="status">{lang.ageing_warning(d)}</p> })}
            <section class="card">
                {none.then(|| view! { <p>{t.nothing_to_do}</p> })}
                {actions.capture.then(|| view! {
                    <p class="hint">{t.capture_hint}</p>
                    {form("capture", &capture_key, t.capture, Some(actions.remaining), false)}
                })}
                {actions.cancel.then(|| form("cancel", &cancel_key, t.cancel, None, false))}
                {actions.release.then(|| form("cancel", &cancel_key, t.release, None, true))}
                {actions.refund.then(|| form("refund", &refund_key, t.refund, Some(actions.refundable), false))}
            </section>
            <section>
                <h2>{t.items}</h2>
                <table class="lines"><tbody>{lines}</tbody></table>
                {o.shipping_method.clone().map(|m| view! {
                    <p>{t.shipping}": "{m}" ("{kroner::format(o.shipping_cost.unwrap_or(0), &o.currency)}")"</p>
                })}
                {address.map(|a| view! { <p>{t.address}": "{a}</p> })}
            </section>
            {shopper}
            <section><h2>{t.history}</h2><ul class="log">{events}</ul></section>
            {at_vipps}
            <section><h2>{t.callbacks}</h2><ul class="log">{callbacks}</ul></section>
        },
    )
}

/// The confirmation step of an action: what will happen, with the form to do it.
pub struct Confirm<'a> {
    pub order_id: &'a str,
    pub op: &'static str,
    pub question: &'static str,
    /// What is sent: an amount, or none for everything.
    pub amount: Option<i64>,
    /// What the question shows (the amount, or everything there is).
    pub shown: Option<i64>,
    pub currency: &'a str,
    pub key: &'a str,
    pub release: bool,
}

pub fn confirm(lang: Lang, csrf: &str, c: Confirm<'_>) -> String {
    let t = lang.texts();
    let amount = c.shown.map(|a| kroner::format(a, c.currency));
    document(
        lang,
        t.confirm,
        Some(csrf),
        view! {
            <h1>{c.question}{amount.map(|a| format!(" {a}"))}"?"</h1>
            <p>{t.order}" "<strong>{c.order_id.to_string()}</strong>". "{t.cannot_undo}</p>
            <form method="post" action=format!("/admin/orders/{}/{}", c.order_id, c.op) class="card narrow">
                <input type="hidden" name="csrf" value=csrf.to_string() />
                <input type="hidden" name="key" value=c.key.to_string() />
                <input type="hidden" name="step" value="do" />
                {c.amount.map(|a| view! { <input type="hidden" name="amount_ore" value=a.to_string() /> })}
                {c.release.then(|| view! { <input type="hidden" name="release" value="true" /> })}
                <button type="submit" class="primary">{t.confirm}</button>
                " "<a href=format!("/admin/orders/{}", c.order_id)>{t.back}</a>
            </form>
        },
    )
}

/// A refusal before anything happened (a bad amount), on its own page.
pub fn message(lang: Lang, csrf: &str, order_id: &str, words: &str) -> String {
    let t = lang.texts();
    document(
        lang,
        t.failed,
        Some(csrf),
        view! {
            <h1>{t.failed}</h1>
            <p class="problem" role="alert">{words.to_string()}</p>
            <p><a href=format!("/admin/orders/{order_id}")>{t.back}</a></p>
        },
    )
}
