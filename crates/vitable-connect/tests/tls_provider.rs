//! The default TLS feature builds reqwest without a crypto provider of its own: a plain
//! `reqwest::Client` built in the same process needs the one the SDK installs. (A test binary
//! of its own: no SDK client is built before the test.)

#[test]
fn a_plain_reqwest_client_builds_once_the_sdk_installed_its_provider() {
    vitable_connect::install_crypto_provider();
    let client = reqwest::Client::builder().build();
    assert!(client.is_ok(), "{:?}", client.err());
}

#[test]
fn installing_twice_keeps_the_first_provider() {
    vitable_connect::install_crypto_provider();
    vitable_connect::install_crypto_provider();
    reqwest::Client::builder().build().expect("still a provider");
}
