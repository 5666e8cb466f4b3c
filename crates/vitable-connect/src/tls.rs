//! The TLS crypto provider of the default `rustls` feature.

/// Makes the crypto provider of the SDK's TLS feature the process's rustls default, unless
/// one is installed already (then it is kept).
///
/// With the default `rustls` (`rustls-ring`) feature, reqwest is built without a provider of
/// its own (`rustls-no-provider`), and every `reqwest::Client` of the process, the SDK's and
/// any other, takes the process's default: [`ClientBuilder::build`](crate::ClientBuilder::build)
/// installs ring by calling this. An application that builds a `reqwest::Client` of its own *before* any SDK client,
/// with no rustls provider of its own, must call it first, or reqwest panics ("No rustls
/// crypto provider is configured"). With `rustls-aws-lc-rs` or `native-tls` it does nothing.
///
/// ```
/// vitable_connect::install_crypto_provider();
/// let plain = reqwest::Client::builder().build().expect("a provider is installed");
/// # drop(plain);
/// ```
pub fn install_crypto_provider() {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc-rs")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one meanwhile: either way, one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
