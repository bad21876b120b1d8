//! Property tests of the widget's pure core: whatever happens, the invariants hold.
#![cfg(not(target_arch = "wasm32"))]

use contract::PaymentStatus;
use proptest::prelude::*;
use vipps_checkout::core::allowlist::{self, Origin};
use vipps_checkout::core::flow::{ButtonFlow, FlowState, Leaving, ReturnFlow};
use vipps_checkout::core::polling::{Next, Outcome, Schedule, WINDOW_MS};
use vipps_checkout::core::problem::{Problem, Why};

#[derive(Debug, Clone)]
enum ButtonEvent {
    Click,
    Answered,
    Failed(bool),
    BackFromVipps,
}

fn button_event() -> impl Strategy<Value = ButtonEvent> {
    prop_oneof![
        Just(ButtonEvent::Click),
        Just(ButtonEvent::Answered),
        any::<bool>().prop_map(ButtonEvent::Failed),
        Just(ButtonEvent::BackFromVipps),
    ]
}

fn status() -> impl Strategy<Value = PaymentStatus> {
    prop_oneof![
        Just(PaymentStatus::Pending),
        Just(PaymentStatus::Reserved),
        Just(PaymentStatus::Captured),
        Just(PaymentStatus::Cancelled),
        Just(PaymentStatus::Failed),
        Just(PaymentStatus::Expired),
    ]
}

proptest! {
    /// However clicks and answers interleave, a payment start is handed out only from
    /// idle or error, never twice for one click, and each start has its own key.
    #[test]
    fn one_click_starts_at_most_one_payment(events in prop::collection::vec(button_event(), 0..60)) {
        let mut flow = ButtonFlow::default();
        let mut keys = std::collections::HashSet::new();
        for (i, event) in events.into_iter().enumerate() {
            let before = flow.state();
            match event {
                ButtonEvent::Click => {
                    let started = flow.click(format!("key-{i}"));
                    prop_assert_eq!(started.is_some(), matches!(before, FlowState::Idle | FlowState::Error));
                    if let Some(key) = started {
                        prop_assert!(keys.insert(key), "a key is never reused for a new click");
                        prop_assert_eq!(flow.state(), FlowState::Starting);
                    }
                }
                ButtonEvent::Answered => {
                    let left = flow.redirect(Leaving { order_id: format!("o-{i}"), url: "https://api.vipps.no/x".into() });
                    prop_assert_eq!(left, before == FlowState::Starting);
                }
                ButtonEvent::Failed(retryable) => flow.fail(Problem::new(Why::Network, retryable)),
                ButtonEvent::BackFromVipps => flow.reset(),
            }
            prop_assert!(matches!(flow.state(), FlowState::Idle | FlowState::Starting | FlowState::Redirecting | FlowState::Error));
        }
    }

    /// Once terminal, the return flow never changes again, whatever arrives.
    #[test]
    fn no_way_out_of_a_terminal_state(statuses in prop::collection::vec(prop::option::of(status()), 1..40)) {
        let mut flow = ReturnFlow::default();
        let mut terminal: Option<FlowState> = None;
        for s in statuses {
            match s {
                Some(s) => { flow.status(s); }
                None => { flow.problem_seen(Problem::new(Why::Server, true)); }
            }
            if let Some(t) = terminal {
                prop_assert_eq!(flow.state(), t);
            } else if flow.state().is_terminal() {
                terminal = Some(flow.state());
                prop_assert!(!flow.is_polling());
            }
        }
    }

    /// Delays are never negative, never over 30 s, never past the payment window; the
    /// schedule always ends (stop or give up) at or after the window.
    #[test]
    fn the_schedule_stays_in_bounds(outcomes in prop::collection::vec(prop_oneof![Just(Outcome::Pending), Just(Outcome::Trouble)], 1..400)) {
        let mut schedule = Schedule::new(0.0);
        let mut now = 10.0;
        for outcome in outcomes {
            match schedule.after(now, outcome) {
                Next::After(ms) => {
                    prop_assert!((0.0..=30_000.0).contains(&ms), "delay {ms}");
                    prop_assert!(now + ms <= WINDOW_MS + 1e-6);
                    now += ms.max(1.0) + 50.0;
                }
                Next::GiveUp => { prop_assert!(now >= WINDOW_MS); return Ok(()); }
                other => prop_assert!(false, "unexpected {other:?}"),
            }
        }
    }

    /// Any text: the check never panics, and what it lets through is https on one of
    /// Vipps' landing hosts exactly, or exactly an allowed origin, and is returned unchanged.
    #[test]
    fn the_allowlist_lets_through_only_vipps_or_allowed(url in ".{0,80}", host in "[a-z]{1,8}(\\.[a-z]{1,8}){0,2}") {
        let extra = vec![Origin::parse("http://127.0.0.1:8081").unwrap()];
        for candidate in [url.clone(), format!("https://{host}/x"), format!("https://{host}.vipps.no/x"), format!("http://{host}.vipps.no/x")] {
            if let Ok(ok) = allowlist::check(&candidate, &extra) {
                prop_assert_eq!(ok, candidate.as_str());
                let lower = ok.to_ascii_lowercase();
                let authority = lower.strip_prefix("https://").map(|rest| rest.split(['/', '?', '#']).next().unwrap().split(':').next().unwrap().to_string());
                let vipps = authority.is_some_and(|authority| allowlist::LANDING_HOSTS.contains(&authority.as_str()));
                prop_assert!(vipps || lower.starts_with("http://127.0.0.1:8081"), "{ok}");
            }
        }
    }

    /// And it lets them through: any https URL on a landing host, with any path and query
    /// made of URL characters, and the allowed origin, pass unchanged (a checker that
    /// refuses everything fails here); any other subdomain of Vipps' domains does not.
    #[test]
    fn the_allowlist_lets_vipps_urls_through(
        sub in "[a-z0-9]{1,10}\\.",
        domain in prop::sample::select(vec!["vipps.no", "vippsmobilepay.com", "mobilepay.dk", "mobilepay.fi"]),
        landing in 0..allowlist::LANDING_HOSTS.len(),
        path in "(/[A-Za-z0-9._~-]{0,12}){0,4}",
        query in "(\\?[a-z]{1,6}=[A-Za-z0-9%._-]{0,20}(&[a-z]{1,6}=[A-Za-z0-9._-]{0,10}){0,3})?",
    ) {
        let extra = vec![Origin::parse("http://127.0.0.1:8081").unwrap()];
        for url in [
            format!("https://{}{path}{query}", allowlist::LANDING_HOSTS[landing]),
            format!("http://127.0.0.1:8081{path}{query}"),
        ] {
            prop_assert_eq!(allowlist::check(&url, &extra), Ok(url.as_str()));
        }
        let other = format!("{sub}{domain}");
        if !allowlist::LANDING_HOSTS.contains(&other.as_str()) {
            let url = format!("https://{other}{path}{query}");
            prop_assert!(allowlist::check(&url, &extra).is_err(), "{}", url);
        }
    }
}
