//! The fault campaign: hundreds of concurrent writes against a server that loses responses
//! after applying them, fails with 500/503, rate-limits with `Retry-After`, answers after the
//! client's (tight) timeout, and refuses (401, 403, 409) a resend of a write it already
//! applied. An application following the README's pattern (send a clone of the builder again
//! while the error is retryable) must end with no write applied twice, every write it was told
//! succeeded applied, and every write that failed after being applied reported as possibly
//! applied (`outcome_unknown()`): none misreported.

mod support;
use support::raw_server;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use raw_server::Act;
use serde_json::json;
use vitable_connect::{Client, EnrollmentId, QleId};

/// Logical writes, all sent at once.
const WRITES: usize = 500;
/// Per-attempt timeout of the client; the slow answers take twice as long.
const TIMEOUT: Duration = Duration::from_millis(400);

/// What the server has done.
#[derive(Default)]
struct Ledger {
    /// Responses of applied writes, by idempotency key (what a replay sends back).
    by_key: HashMap<String, serde_json::Value>,
    /// How many times each logical write (its `reason`) was applied.
    applied: HashMap<String, usize>,
    /// Attempts answered with each kind of fault.
    faults: HashMap<&'static str, usize>,
}

/// A server that applies each keyed write once, with faults before and after applying.
async fn faulty_server(ledger: Arc<Mutex<Ledger>>) -> raw_server::Server {
    raw_server::start(move |request, n| {
        let mut ledger = ledger.lock().unwrap();
        // A fixed pseudo-random fault per request number: the campaign is reproducible.
        let roll = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) % 100;
        let fault = |ledger: &mut Ledger, name: &'static str| *ledger.faults.entry(name).or_default() += 1;
        // Faults in front of the application: nothing is applied.
        match roll {
            0..10 => {
                fault(&mut ledger, "500 before applying");
                return raw_server::json(500, &json!({ "detail": "internal error" }));
            }
            10..20 => {
                fault(&mut ledger, "429 with Retry-After");
                return raw_server::response(429, &[("retry-after", "1")], b"{\"detail\":\"slow down\"}");
            }
            20..27 => {
                fault(&mut ledger, "503 before applying");
                return raw_server::json(503, &json!({ "detail": "unavailable" }));
            }
            _ => {}
        }
        let key = request.header("idempotency-key").unwrap_or_default().to_owned();
        let reason = serde_json::from_slice::<serde_json::Value>(&request.body)
            .ok()
            .and_then(|body| body.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
            .unwrap_or_default();
        // A refusal that no resend cures, to an attempt of a write that was already applied:
        // the application must still learn that its write may have been applied.
        if ledger.by_key.contains_key(&key) && (58..66).contains(&roll) {
            let (status, name) =
                [(401, "401 after applying"), (403, "403 after applying"), (409, "409 after applying")]
                    [roll as usize % 3];
            fault(&mut ledger, name);
            return raw_server::json(status, &json!({ "detail": "refused" }));
        }
        let response = match ledger.by_key.get(&key) {
            Some(first) => first.clone(),
            None => {
                *ledger.applied.entry(reason).or_default() += 1;
                let mut body = support::enrollment();
                body["id"] = json!(format!("enrl_{n:06}"));
                if !key.is_empty() {
                    ledger.by_key.insert(key, body.clone());
                }
                body
            }
        };
        // Faults after applying: the client does not learn that the write happened.
        match roll {
            27..40 => {
                fault(&mut ledger, "applied, connection dropped");
                Act::Drop
            }
            40..52 => {
                fault(&mut ledger, "applied, answered after the timeout");
                Act::After(TIMEOUT * 2, Box::new(raw_server::json(200, &response)))
            }
            52..58 => {
                fault(&mut ledger, "applied, then 500");
                raw_server::json(500, &json!({ "detail": "failed after commit" }))
            }
            _ => raw_server::json(200, &response),
        }
    })
    .await
}

// On the paused clock, with the server on the same runtime: the timeouts, the server's slow
// answers and the waits are virtual, so the campaign runs in a few seconds of real time.
#[tokio::test(start_paused = true)]
async fn following_the_documented_pattern_applies_every_write_exactly_once() {
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let server = faulty_server(ledger.clone()).await;
    let client =
        Client::builder().api_key("sk_test_campaign").base_url(&server.uri).timeout(TIMEOUT).build().unwrap();
    let enrollment: EnrollmentId = "enrl_8fK2x9".parse().unwrap();
    let qle: QleId = "qle_3Jd82k".parse().unwrap();

    let writes = (0..WRITES).map(|i| {
        let client = client.clone();
        let (enrollment, qle) = (enrollment.clone(), qle.clone());
        async move {
            // The loop of the README ("Handling errors"), as written there: one builder per
            // logical write; while the error is retryable, send a clone of it again, 10 s
            // later, up to 10 times. A clone carries the builder's idempotency key, so a write
            // the server already applied is not applied twice. When it gives up, the error
            // says whether the write may have been applied.
            let reissue = client.enrollments().reissue(&enrollment, &qle).reason(format!("write {i}"));
            let mut resends = 0;
            loop {
                match reissue.clone().send().await {
                    Ok(_) => return Ok(resends),
                    Err(e) if e.is_retryable() && resends < 10 => {
                        resends += 1;
                        tokio::time::sleep(Duration::from_secs(10)).await;
                        continue;
                    }
                    Err(e) => return Err((i, e)),
                }
            }
        }
    });
    let outcomes = futures::future::join_all(writes).await;

    let ledger = ledger.lock().unwrap();
    let applied = |i: usize| ledger.applied.contains_key(&format!("write {i}"));
    let failed: Vec<&(usize, vitable_connect::Error)> =
        outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    let resends: usize = outcomes.iter().filter_map(|o| o.as_ref().ok()).sum();
    // A write that succeeded but was never applied.
    let lost = outcomes.iter().enumerate().filter(|(i, o)| o.is_ok() && !applied(*i)).count();
    let duplicated: usize = ledger.applied.values().map(|n| n.saturating_sub(1)).sum();
    // A write that failed, was applied, and whose error says it was not.
    let misreported: Vec<String> = failed
        .iter()
        .filter(|(i, e)| applied(*i) && !e.outcome_unknown())
        .map(|(_, e)| e.to_string())
        .collect();
    // A write that failed for another reason than a refusal after applying.
    let unexpected: Vec<String> = failed
        .iter()
        .filter(|(_, e)| !matches!(e.status().map(|s| s.as_u16()), Some(401 | 403 | 409)))
        .map(|(_, e)| e.to_string())
        .collect();
    let mut faults: Vec<_> = ledger.faults.iter().collect();
    faults.sort();
    println!(
        "fault campaign: {WRITES} logical writes, {} requests, {resends} resends by the application, \
         {} failed ({} reported as possibly applied), {lost} lost, {duplicated} duplicated, \
         {} misreported; faults: {faults:?}",
        server.requests().len(),
        failed.len(),
        failed.iter().filter(|(_, e)| e.outcome_unknown()).count(),
        misreported.len(),
    );
    assert!(unexpected.is_empty(), "writes that failed for another reason: {unexpected:?}");
    assert_eq!(lost, 0, "writes reported done but never applied");
    assert_eq!(duplicated, 0, "writes applied more than once");
    assert!(misreported.is_empty(), "applied writes reported as not applied: {misreported:?}");
    assert!(
        failed.iter().any(|(i, _)| applied(*i)),
        "the campaign refused no write after applying it: the sequence of issue 18 was not run"
    );
    assert!(
        ledger.faults.values().sum::<usize>() >= WRITES,
        "the campaign injected too few faults to mean anything: {faults:?}"
    );
}
