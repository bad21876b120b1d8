//! What the user does with an ePayment payment (approve, cancel on the landing page or
//! in the app, let it time out), for the control API and the user's pages: the change
//! and the webhook deliveries it causes.

use chrono::Utc;

use super::book::Delivery;
use super::payment::Problem;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAct {
    Approve,
    Reject,
    Expire,
}

/// Applies `act` to the payment `reference` (any sales unit). `None`: no such payment.
pub fn act(state: &AppState, reference: &str, act: UserAct) -> Option<Result<Vec<Delivery>, Problem>> {
    let mut store = state.store();
    let book = &mut store.epayments;
    let entry = book.by_reference(reference)?;
    let now = Utc::now();
    let done = match act {
        UserAct::Approve => entry.payment.authorize(now).map(|()| {
            // Approved in the app of the number given, or of the default test user.
            let user = entry
                .national_mobile()
                .and_then(|m| crate::users::lookup(&m).ok())
                .or_else(|| crate::users::lookup(crate::users::DEFAULT_MOBILE).ok());
            if let Some(user) = user {
                entry.mobile = Some(user.mobile.clone());
                if entry.create.scope.is_some() {
                    entry.sub = Some(crate::userinfo::sub(&user));
                }
            }
        }),
        UserAct::Reject => entry.payment.end_unapproved(false, now),
        UserAct::Expire => entry.payment.end_unapproved(true, now),
    };
    entry.user_acting = false;
    let entry = entry.clone();
    Some(done.map(|()| book.deliveries_of_last_event(&entry)))
}
