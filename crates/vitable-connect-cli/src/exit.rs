//! Exit codes by kind of error, so scripts can branch on them, and how a failure is reported
//! on stderr (one line, or JSON with `--format json`).

use std::io::Write as _;

use anstyle::{AnsiColor, Style};
use vitable_connect::{ApiErrorKind, Error};

use crate::call::Failure;

/// The exit code of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Code {
    /// It worked.
    Success = 0,
    /// Something failed on this side: a file, the output, the local sandbox.
    Other = 1,
    /// Bad usage or invalid input: nothing was sent.
    Usage = 2,
    /// The API answered 404: no such resource.
    NotFound = 3,
    /// The API answered 409: the request conflicts with the resource's state.
    Conflict = 4,
    /// Any other error answer of the API (400, 401, 403, 422, 429, 5xx), or a response that
    /// could not be read.
    Api = 5,
    /// The API could not be reached, or did not answer in time.
    Network = 6,
    /// A write may or may not have been applied: resend it with the same idempotency key.
    OutcomeUnknown = 7,
}

/// The table of exit codes, for `--help`.
pub(crate) const CODES_HELP: &str = "\
Exit codes:
  0  success
  1  a local problem (a file, the output, the sandbox)
  2  bad usage or invalid input: nothing was sent
  3  not found (404)
  4  conflict (409)
  5  another error answer of the API
  6  the API could not be reached or did not answer in time
  7  a write may or may not have been applied: resend it with the printed command";

impl Code {
    /// The exit code of an SDK error.
    pub fn of(error: &Error) -> Code {
        if error.outcome_unknown() {
            return Code::OutcomeUnknown;
        }
        match error {
            Error::InvalidInput(_) | Error::InvalidId(_) | Error::Config(_) => Code::Usage,
            Error::Api(api) => match api.kind {
                ApiErrorKind::NotFound => Code::NotFound,
                ApiErrorKind::Conflict => Code::Conflict,
                _ => Code::Api,
            },
            Error::Timeout { .. } | Error::Connection { .. } => Code::Network,
            _ => Code::Api,
        }
    }

    /// A short name of the kind, for JSON errors.
    pub fn name(self) -> &'static str {
        match self {
            Code::Success => "success",
            Code::Other => "local",
            Code::Usage => "invalid_input",
            Code::NotFound => "not_found",
            Code::Conflict => "conflict",
            Code::Api => "api_error",
            Code::Network => "network",
            Code::OutcomeUnknown => "outcome_unknown",
        }
    }
}

const ERROR: Style = Style::new().bold().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
const HINT: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));

/// Writes `failure` on stderr; `resend` is the command that resends the same write.
pub(crate) fn report(failure: &Failure, json: bool, resend: Option<&str>) {
    let mut err = anstream::stderr();
    let error = failure.error.as_deref();
    // Whatever a message quotes (the server's words, a value given), no SSN shows.
    let message = crate::redact::mask_ssn_text(&failure.message);
    if json {
        let mut object = serde_json::json!({
            "error": failure.code.name(),
            "exit_code": failure.code as u8,
            "message": message,
        });
        if let Some(e) = error {
            if let Some(status) = e.status() {
                object["status"] = status.as_u16().into();
            }
            if let Some(id) = e.request_id() {
                object["request_id"] = id.into();
            }
            if let Some(key) = e.idempotency_key() {
                object["idempotency_key"] = key.into();
            }
            object["retryable"] = e.is_retryable().into();
            object["outcome_unknown"] = e.outcome_unknown().into();
        }
        if let Some(command) = resend {
            object["resend"] = command.into();
        }
        let _ = writeln!(err, "{object}");
        return;
    }
    let _ = writeln!(err, "{ERROR}error:{ERROR:#} {message}");
    if let Some(id) = error.and_then(Error::request_id)
        && !message.contains(id)
    {
        let _ = writeln!(err, "{HINT}request id:{HINT:#} {id}");
    }
    if let Some(command) = resend {
        let key = error.and_then(Error::idempotency_key).unwrap_or_default();
        let _ = writeln!(
            err,
            "{HINT}the write may have been applied; resend it safely (same idempotency key {key}) with:{HINT:#}\n  {command}"
        );
    }
}
