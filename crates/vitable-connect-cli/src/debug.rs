//! `--debug`: one line on stderr per attempt sent and per answer, from the SDK's interceptor
//! hooks. Headers are shown with the API key (and every other secret header) hidden; bodies
//! are not shown, so no SSN can appear.

use vitable_connect::Interceptor;
use vitable_connect::interceptor::{AttemptOutcome, AttemptRequest};

/// Logs every exchange on stderr.
pub(crate) struct DebugLog;

const SECRET: &[&str] = &["authorization", "proxy-authorization", "cookie", "x-api-key"];

impl Interceptor for DebugLog {
    fn before_attempt(&self, request: &mut AttemptRequest<'_>) {
        let mut line = format!(
            "[debug] → {} {} ({} attempt {})",
            request.method(),
            request.path(),
            request.operation(),
            request.attempt()
        );
        for (name, value) in request.headers() {
            let shown = if SECRET.contains(&name.as_str()) {
                "[hidden]".to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            line.push_str(&format!("\n[debug]     {name}: {shown}"));
        }
        eprintln!("{line}");
    }

    fn after_attempt(&self, outcome: &AttemptOutcome<'_>) {
        let what = match (outcome.status(), outcome.error_type()) {
            (Some(status), _) => status.to_string(),
            (None, Some(error)) => format!("failed ({error})"),
            (None, None) => "failed".to_owned(),
        };
        let id = outcome.request_id().map(|id| format!(", request id {id}")).unwrap_or_default();
        let retry = if outcome.will_retry() { ", will retry" } else { "" };
        eprintln!(
            "[debug] ← {what} in {} ms ({} attempt {}{id}{retry})",
            outcome.latency().as_millis(),
            outcome.operation(),
            outcome.attempt()
        );
    }
}
