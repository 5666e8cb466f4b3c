//! The connection every command and the MCP server make from the global options: the API
//! (its key and base URL) or the local sandbox of `--sandbox`, with `--timeout` and
//! `--max-retries`.

use vitable_connect::{API_KEY_ENV, Client, ClientBuilder};
use vitable_connect_sandbox::Sandbox;

use crate::call::Failure;
use crate::offline;
use crate::options::Globals;
use crate::values;

/// A client's settings, the key it sends, and the sandbox it talks to when there is one.
pub(crate) struct Connection {
    pub builder: ClientBuilder,
    pub api_key: String,
    pub sandbox: Option<Sandbox>,
}

/// Connects as the global options say: the local sandbox of `--sandbox` (started here), else
/// the API with the key of [`api_key`] at `--base-url` (or the SDK's default).
pub(crate) async fn connect(globals: &Globals) -> Result<Connection, Failure> {
    let (builder, api_key, sandbox) = match &globals.sandbox {
        Some(path) => {
            let sandbox = offline::start(path).await?;
            (Client::builder().base_url(sandbox.base_url()), offline::API_KEY.to_owned(), Some(sandbox))
        }
        None => {
            let key = api_key(globals)?;
            let builder = match &globals.base_url {
                Some(url) => Client::builder().base_url(url.clone()),
                None => Client::builder(),
            };
            (builder, key, None)
        }
    };
    let builder = tuned(builder.api_key(api_key.clone()), globals);
    Ok(Connection { builder, api_key, sandbox })
}

/// `builder` with `--timeout` and `--max-retries`.
pub(crate) fn tuned(builder: ClientBuilder, globals: &Globals) -> ClientBuilder {
    let builder = match globals.timeout {
        Some(timeout) => builder.timeout(timeout),
        None => builder,
    };
    match globals.max_retries {
        Some(retries) => builder.max_retries(retries),
        None => builder,
    }
}

/// The API key: from `--api-key-file` (a path, or `-` for stdin), else the environment.
pub(crate) fn api_key(globals: &Globals) -> Result<String, Failure> {
    if let Some(source) = &globals.api_key_file {
        let text = if source == "-" {
            values::read_text("-", "--api-key-file")?
        } else {
            std::fs::read_to_string(source)
                .map_err(|e| Failure::usage(format!("--api-key-file: cannot read {source}: {e}")))?
        };
        let key = text.trim().to_owned();
        if key.is_empty() {
            return Err(Failure::usage(format!("--api-key-file: {source} holds no key")));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Failure::usage(format!(
                "--api-key-file: the key in {source} holds a space or control character"
            )));
        }
        return Ok(key);
    }
    match std::env::var(API_KEY_ENV) {
        Ok(key) if !key.trim().is_empty() && !key.trim().bytes().all(|b| b.is_ascii_graphic()) => {
            Err(Failure::usage(format!("{API_KEY_ENV} holds a space or control character")))
        }
        Ok(key) if !key.trim().is_empty() => Ok(key.trim().to_owned()),
        _ => Err(Failure::usage(format!(
            "no API key: set {API_KEY_ENV}, or give --api-key-file <PATH|->; to try the tool offline, add --sandbox state.json"
        ))),
    }
}
