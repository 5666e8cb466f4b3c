//! The header rules, in one place: which headers the client sets itself and who may change
//! them, the idempotency key, the headers every request carries, and which headers hold
//! credentials.

use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};

/// Name of the header carrying a write's idempotency key.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The header naming the API version the SDK was generated from.
pub(crate) const API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// The header carrying the ID the server gave a request (for support tickets).
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// `application/json`, the type of every request and response body.
pub(crate) const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// Headers the client sets itself: the credentials, what framing and routing depend on, what
/// says the request is JSON of the SDK's API version, and the idempotency key.
const RESERVED: [HeaderName; 11] = [
    AUTHORIZATION,
    http::header::HOST,
    http::header::CONTENT_LENGTH,
    http::header::TRANSFER_ENCODING,
    http::header::CONNECTION,
    http::header::TE,
    http::header::UPGRADE,
    http::header::CONTENT_TYPE,
    http::header::ACCEPT,
    API_VERSION,
    HeaderName::from_static(IDEMPOTENCY_KEY),
];

/// Whether the client sets header `name` itself, so that neither a default header nor a
/// request's own headers may give it. (A request's `idempotency-key` header is its key, and an
/// interceptor may replace `Authorization`: see [`interceptor_may_set`].)
pub(crate) fn is_reserved(name: &HeaderName) -> bool {
    RESERVED.contains(name)
}

/// Whether an interceptor may set header `name`: any header but the reserved ones, except
/// `Authorization` (to sign a request or put a token in place of the API key).
pub(crate) fn interceptor_may_set(name: &HeaderName) -> bool {
    name == AUTHORIZATION || !is_reserved(name)
}

/// Whether an interceptor may remove header `name`: none of the reserved ones.
pub(crate) fn interceptor_may_remove(name: &HeaderName) -> bool {
    !is_reserved(name)
}

/// A fresh idempotency key: `vitable-rs-` and a random UUID.
pub(crate) fn new_key() -> HeaderValue {
    HeaderValue::from_str(&format!("vitable-rs-{}", uuid::Uuid::new_v4()))
        .expect("a UUID is a valid header value")
}

/// Headers that carry credentials: their values are always marked sensitive, so `Debug`
/// never shows them.
const CREDENTIAL_HEADERS: [&str; 6] = [
    "authorization",
    "cookie",
    "proxy-authenticate",
    "proxy-authorization",
    "set-cookie",
    "www-authenticate",
];

/// Whether header `name` carries credentials (see [`CREDENTIAL_HEADERS`]).
pub(crate) fn is_secret_header(name: &HeaderName) -> bool {
    CREDENTIAL_HEADERS.contains(&name.as_str())
}

/// Sets every header of `extra` on `headers`: earlier values of the same name are replaced,
/// and a name given several times in `extra` keeps all its values.
pub(crate) fn overlay(headers: &mut HeaderMap, extra: &HeaderMap) {
    for name in extra.keys() {
        let mut values = extra.get_all(name).iter();
        if let Some(first) = values.next() {
            // `insert` drops every earlier value of the name.
            headers.insert(name.clone(), first.clone());
        }
        for value in values {
            headers.append(name.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_may_set_what() {
        let name = |n: &'static str| HeaderName::from_static(n);
        for reserved in ["host", "content-length", "api-version", "idempotency-key", "authorization"] {
            assert!(is_reserved(&name(reserved)), "{reserved}");
            assert!(!interceptor_may_remove(&name(reserved)), "{reserved}");
        }
        assert!(interceptor_may_set(&AUTHORIZATION));
        assert!(!interceptor_may_set(&name("idempotency-key")));
        assert!(!interceptor_may_set(&name("content-type")));
        for free in ["x-trace-id", "user-agent"] {
            assert!(
                !is_reserved(&name(free))
                    && interceptor_may_set(&name(free))
                    && interceptor_may_remove(&name(free))
            );
        }
    }

    #[test]
    fn overlay_replaces_earlier_values_and_keeps_repeated_ones() {
        let mut headers = HeaderMap::new();
        headers.insert("x-a", HeaderValue::from_static("old"));
        headers.insert("x-b", HeaderValue::from_static("kept"));
        let mut extra = HeaderMap::new();
        extra.append("x-a", HeaderValue::from_static("1"));
        extra.append("x-a", HeaderValue::from_static("2"));
        overlay(&mut headers, &extra);
        let a: Vec<_> = headers.get_all("x-a").iter().collect();
        assert_eq!(a, ["1", "2"]);
        assert_eq!(headers["x-b"], "kept");
    }
}
