//! [`Sandbox`]: a running server.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use chrono::NaiveDate;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use vitable_connect_api::ids::QleId;
use vitable_connect_api::types::QualifyingLifeEventStatus;

use crate::dispatch::App;
use crate::faults::Faults;
use crate::idempotency::IdempotencyStore;
use crate::options::SandboxOptions;
use crate::seed::{Demo, seed};
use crate::state::State;
use crate::state_file::{self, StateFile};

/// A running sandbox server. See the [crate docs](crate) for the rules it follows.
///
/// The server runs on the Tokio runtime that started it. It shuts down gracefully with
/// [`shutdown`](Self::shutdown), and also when the `Sandbox` is dropped (without waiting).
/// With a [state file](SandboxOptions::state_file), its lock is held until then.
pub struct Sandbox {
    addr: SocketAddr,
    app: Arc<App>,
    demo: Option<Demo>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("addr", &self.addr).field("seeded", &self.demo.is_some()).finish()
    }
}

impl Sandbox {
    /// Starts a sandbox on `127.0.0.1` and a free port.
    pub async fn start(options: SandboxOptions) -> io::Result<Sandbox> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), options).await
    }

    /// Starts a sandbox on `addr` (port 0 picks a free port).
    ///
    /// With a [state file](SandboxOptions::state_file), its lock is taken first (an
    /// [`io::ErrorKind::WouldBlock`] error when another sandbox still holds it after
    /// [`state_lock_wait`](SandboxOptions::state_lock_wait)), then the file is loaded (an
    /// [`io::ErrorKind::InvalidData`] error when it cannot be) or created.
    pub async fn start_on(addr: SocketAddr, options: SandboxOptions) -> io::Result<Sandbox> {
        let (state, demo, file) = match &options.state_file {
            None => {
                let (state, demo) = fresh(&options)?;
                (state, demo, None)
            }
            Some(path) => {
                let lock = state_file::lock(path, options.state_lock_wait).await?;
                let (state, demo) = match state_file::load(path)? {
                    Some(saved) => (loaded(saved.state, &options), saved.demo),
                    None => fresh(&options)?,
                };
                let file = StateFile::new(path.clone(), demo.clone(), lock);
                // At once: a new file exists from the start, a loaded one gets the options' today
                // and bounds, and a file that cannot be written fails the start, not a request.
                file.save(&state)?;
                (state, demo, Some(file))
            }
        };
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let connections = crate::server::ConnectionLimits {
            header_read_timeout: options.header_read_timeout,
            write_timeout: options.write_timeout,
            max_connections: options.max_connections,
        };
        let mut app = App::new(state, Faults::default(), &options);
        if let Some(file) = file {
            app = app.with_state_file(file);
        }
        let app = Arc::new(app);
        let router = crate::router::build(Arc::clone(&app));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(crate::server::serve(listener, router, connections, stopped));
        Ok(Sandbox { addr, app, demo, stop, task: Some(task) })
    }

    /// `http://127.0.0.1:PORT`: no trailing slash and no `/v1` (the paths carry it).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A [`vitable_connect::ClientBuilder`] for this sandbox: its base URL and an API key it
    /// accepts (the first configured token, if any). Add settings, then `build()`.
    pub fn client_builder(&self) -> vitable_connect::ClientBuilder {
        vitable_connect::Client::builder().api_key(self.app.accepted_token()).base_url(self.base_url())
    }

    /// A ready [`vitable_connect::Client`] for this sandbox, with default settings.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// use vitable_connect_sandbox::{Sandbox, SandboxOptions};
    /// let sandbox = Sandbox::start(SandboxOptions::new().seed(true)).await?;
    /// let client = sandbox.client();
    /// let employers = client.employers().list().send().await.expect("the sandbox answers");
    /// assert_eq!(employers.len(), 1);
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> vitable_connect::Client {
        self.client_builder().build().expect("a loopback base URL and a non-empty key are always valid")
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The fault injection handle (cloneable, usable while requests are in flight).
    pub fn faults(&self) -> &Faults {
        &self.app.faults
    }

    /// The IDs of the demo data, when the sandbox was seeded.
    pub fn demo(&self) -> Option<&Demo> {
        self.demo.as_ref()
    }

    /// The sandbox's today.
    pub fn today(&self) -> NaiveDate {
        self.app.lock().today()
    }

    /// Pins today to `today` (`None`: the real UTC date again). Existing records keep their
    /// dates; rules that look at today (QLE dates and windows, terminations, elections during
    /// open enrollment, plan year updates) use the new one from the next request on.
    ///
    /// With a [state file](SandboxOptions::state_file), the new today is saved (a failed save
    /// is reported on stderr).
    pub fn set_today(&self, today: Option<NaiveDate>) {
        let mut state = self.app.lock();
        state.set_today(today);
        let _ = self.app.save(&state);
    }

    /// Test hook: reviews a qualifying life event, as the provider's staff would. `approved` and
    /// `denied` set `reviewed_at` and `reviewed_by`; `pending` clears them. Returns false when
    /// there is no such event. With a [state file](SandboxOptions::state_file), the review is
    /// saved (a failed save is reported on stderr).
    pub fn set_qle_status(&self, id: &QleId, status: QualifyingLifeEventStatus) -> bool {
        let mut state = self.app.lock();
        let found = crate::handlers::qles::set_status(&mut state, id.as_str(), status).is_some();
        if found {
            let _ = self.app.save(&state);
        }
        found
    }

    /// Stops accepting connections, lets requests in flight finish (for up to 5 seconds) and
    /// waits until the server is down; then lets the [state file](SandboxOptions::state_file)
    /// go (every change saved), so another sandbox may take it.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.app.release_state_file();
    }
}

/// Stops the server without waiting, and lets the state file go at once (after the save in
/// progress, if any): a write still in flight then answers 500 `state_not_saved`.
impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.app.release_state_file();
    }
}

/// A new state as `options` make it: empty, or seeded.
fn fresh(options: &SandboxOptions) -> io::Result<(State, Option<Demo>)> {
    let mut state = State::new(options.today);
    state.idempotency = IdempotencyStore::new(options.idempotency_max_keys, options.idempotency_max_bytes);
    let demo =
        if options.seed { Some(seed(&mut state).map_err(|e| io::Error::other(e.detail))?) } else { None };
    Ok((state, demo))
}

/// A state loaded from a state file, under `options`: their today when they pin one (else the
/// file's), and their bounds of the idempotency store.
fn loaded(mut state: State, options: &SandboxOptions) -> State {
    if options.today.is_some() {
        state.set_today(options.today);
    }
    state.idempotency = std::mem::take(&mut state.idempotency)
        .with_limits(options.idempotency_max_keys, options.idempotency_max_bytes);
    state
}
