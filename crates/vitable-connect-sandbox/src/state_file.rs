//! The state file ([`SandboxOptions::state_file`](crate::SandboxOptions::state_file)): a
//! sandbox's whole [`State`] (and its [`Demo`] IDs) as JSON, loaded at start and saved after
//! every change, under an exclusive lock held for the sandbox's whole life.
//!
//! * **Lock.** `<file>.lock`, next to the file, locked with [`File::try_lock`] (tried every
//!   [`LOCK_RETRY`] up to the wait given). It is never removed: removing a lock file that another
//!   process may just have opened would let two processes hold "the" lock at once. The lock goes
//!   with the open file, so a process that dies (killed, crashed) lets it go.
//! * **Format.** `{"format": 1, "demo": {...} | null, "state": {...}}`, written pretty-printed.
//!   [`FORMAT`] changes when a file written before could no longer be read as it is.
//! * **Save.** Written to `<file>.tmp` (created anew, mode `0600` on Unix), synced, renamed over
//!   the file, and the directory synced (Unix): a crash leaves the old file or the new one,
//!   whole, and possibly a `<file>.tmp` that the next save replaces. Only the holder of the lock
//!   writes, so the temporary file's name can be fixed.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::seed::Demo;
use crate::state::State;

/// The format version written, and the only one read.
pub(crate) const FORMAT: u64 = 1;

/// How often a held lock is tried again.
const LOCK_RETRY: Duration = Duration::from_millis(20);

/// What a state file holds, as written.
#[derive(Serialize)]
struct SavedRef<'a> {
    format: u64,
    demo: Option<&'a Demo>,
    state: &'a State,
}

/// What a state file holds, as read (`format` checked before).
#[derive(Deserialize)]
pub(crate) struct Saved {
    pub demo: Option<Demo>,
    pub state: State,
}

/// Just the format version, read first so that a file of another version is refused for that
/// reason rather than for a field it has or lacks.
#[derive(Deserialize)]
struct Header {
    format: Option<serde_json::Value>,
}

/// The state file of a running sandbox: where it is, the lock on it, and the demo IDs written
/// with the state.
#[derive(Debug)]
pub(crate) struct StateFile {
    path: PathBuf,
    demo: Option<Demo>,
    /// Locked (exclusively) for as long as this lives.
    _lock: File,
}

impl StateFile {
    /// A state file whose lock `lock` holds.
    pub fn new(path: PathBuf, demo: Option<Demo>, lock: File) -> Self {
        Self { path, demo, _lock: lock }
    }

    /// Writes `state` to the file, replacing it atomically (see the module docs).
    pub fn save(&self, state: &State) -> io::Result<()> {
        let saved = SavedRef { format: FORMAT, demo: self.demo.as_ref(), state };
        let bytes = serde_json::to_vec_pretty(&saved).map_err(|e| {
            io::Error::other(format!("cannot save the state file {}: {e}", self.path.display()))
        })?;
        write_atomically(&self.path, &bytes).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot save the state file {}: {e}", self.path.display()))
        })
    }
}

/// What a failed save answers: a 500 that says the change was not saved and why.
pub(crate) fn not_saved(error: &io::Error) -> ApiError {
    ApiError::new(
        http::StatusCode::INTERNAL_SERVER_ERROR,
        "state_not_saved",
        format!(
            "The request was applied in memory but not saved: {error}. The change is written by the next save that succeeds (resend the request with the same Idempotency-Key)."
        ),
    )
}

/// `path` with `suffix` appended to its file name (`state.json` → `state.json.lock`).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The lock file of `path`.
fn lock_path(path: &Path) -> PathBuf {
    beside(path, ".lock")
}

/// The temporary file a save writes before renaming it over `path`.
fn temp_path(path: &Path) -> PathBuf {
    beside(path, ".tmp")
}

/// The directory of `path` (`.` for a bare file name).
fn directory(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Options that create a file readable and writable by its owner only (on Unix).
fn private(options: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Tries to lock `path`'s lock file (opened as `lock`) without waiting: false while another
/// holds it.
fn try_lock(lock: &File, path: &Path) -> io::Result<bool> {
    match lock.try_lock() {
        Ok(()) => Ok(true),
        Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(e)) => Err(io::Error::new(
            e.kind(),
            format!(
                "cannot lock the state file {} (with {}): {e}",
                path.display(),
                lock_path(path).display()
            ),
        )),
    }
}

/// Opens (creating it if missing) the lock file of `path`.
fn open_lock(path: &Path) -> io::Result<File> {
    let lock = lock_path(path);
    private(OpenOptions::new().read(true).write(true).create(true).truncate(false)).open(&lock).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot open the lock file {} of the state file: {e}", lock.display()),
        )
    })
}

/// The error of a lock still held after `waited`.
fn in_use(path: &Path, waited: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::WouldBlock,
        format!(
            "the state file {} is in use by another process (or another sandbox of this one): its lock {} was still held after waiting {} ms",
            path.display(),
            lock_path(path).display(),
            waited.as_millis()
        ),
    )
}

/// When to stop waiting for a lock.
fn deadline(wait: Duration) -> Option<Instant> {
    Instant::now().checked_add(wait)
}

/// How long to sleep before the next try, `None` once the wait is over.
fn next_try(deadline: Option<Instant>) -> Option<Duration> {
    match deadline {
        Some(deadline) => {
            let left = deadline.saturating_duration_since(Instant::now());
            (!left.is_zero()).then(|| left.min(LOCK_RETRY))
        }
        None => Some(LOCK_RETRY),
    }
}

/// Takes the lock of `path`, waiting up to `wait` (asynchronously) while another holds it.
/// The directories of `path` are created if missing.
pub(crate) async fn lock(path: &Path, wait: Duration) -> io::Result<File> {
    fs::create_dir_all(directory(path)).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot create the directory of the state file {}: {e}", path.display()),
        )
    })?;
    let lock = open_lock(path)?;
    let until = deadline(wait);
    loop {
        if try_lock(&lock, path)? {
            return Ok(lock);
        }
        match next_try(until) {
            Some(pause) => tokio::time::sleep(pause).await,
            None => return Err(in_use(path, wait)),
        }
    }
}

/// Takes the lock of `path`, waiting up to `wait` (blocking the thread) while another holds it.
fn lock_blocking(path: &Path, wait: Duration) -> io::Result<File> {
    let lock = open_lock(path)?;
    let until = deadline(wait);
    loop {
        if try_lock(&lock, path)? {
            return Ok(lock);
        }
        match next_try(until) {
            Some(pause) => std::thread::sleep(pause),
            None => return Err(in_use(path, wait)),
        }
    }
}

/// Reads the state file at `path`: `None` when there is none. A file that cannot be read, is
/// not a state file, has another format version or does not hold a valid state is an error
/// ([`io::ErrorKind::InvalidData`] for the last three) that names the file and the problem.
pub(crate) fn load(path: &Path) -> io::Result<Option<Saved>> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(io::Error::new(
                e.kind(),
                format!("cannot read the state file {}: {e}", path.display()),
            ));
        }
    };
    parse(path, &bytes).map(Some)
}

fn parse(path: &Path, bytes: &[u8]) -> io::Result<Saved> {
    // Error messages may quote the file's content: SSN-shaped text is masked.
    let invalid = |problem: String| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the state file {} {}; the sandbox does not start over it (fix it, move it away, or delete it to start over)",
                path.display(),
                crate::redact::mask_ssns(&problem)
            ),
        )
    };
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map_err(|e| invalid(format!("is not valid JSON ({e})")))?;
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(invalid("is not a sandbox state file (it is not a JSON object)".to_owned()));
    }
    let header: Header =
        serde_json::from_slice(bytes).map_err(|e| invalid(format!("is not a sandbox state file ({e})")))?;
    match header.format {
        None => return Err(invalid("has no `format` field: it is not a sandbox state file".to_owned())),
        Some(format) if format.as_u64() == Some(FORMAT) => {}
        Some(format) => {
            return Err(invalid(format!(
                "has format {format}, which this version of the sandbox cannot read (it reads format {FORMAT})"
            )));
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        invalid(format!("does not hold a valid sandbox state: at `{}`: {}", e.path(), e.inner()))
    })
}

/// Removes `path`; a file already gone is fine.
fn remove_if_present(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Makes a rename or removal in the directory of `path` durable (a no-op but on Unix).
fn sync_directory(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(directory(path))?.sync_all()?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Replaces the file at `path` with `bytes`: a crash at any moment leaves the old content or the
/// new, never a mix.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temp = temp_path(path);
    // Left over by a crash, perhaps: created anew, so that its mode is the one set here.
    remove_if_present(&temp)?;
    let mut file = private(OpenOptions::new().write(true).create_new(true)).open(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&temp, path)?;
    sync_directory(path)
}

/// Deletes the [state file](crate::SandboxOptions::state_file) at `path`, so that the next
/// sandbox started on it begins afresh (seeded or empty, as its options say).
///
/// Takes the file's lock first, waiting up to [`DEFAULT_STATE_LOCK_WAIT`] (30 s) while a sandbox
/// holds it, and fails with [`io::ErrorKind::WouldBlock`] if it is still held then; so a running
/// sandbox never loses its file under it. A missing file (or directory) is not an error. The
/// lock file `<path>.lock` stays. This blocks the calling thread: from async code, call it in
/// `tokio::task::spawn_blocking`.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use vitable_connect_sandbox::{Sandbox, SandboxOptions, reset_state_file};
/// let file = std::path::Path::new("target/sandbox-state.json");
/// reset_state_file(file)?;
/// let sandbox = Sandbox::start(SandboxOptions::new().seed(true).state_file(file)).await?;
/// assert!(sandbox.demo().is_some()); // seeded anew
/// # Ok(()) }
/// ```
///
/// [`DEFAULT_STATE_LOCK_WAIT`]: crate::DEFAULT_STATE_LOCK_WAIT
pub fn reset_state_file(path: &Path) -> io::Result<()> {
    if !directory(path).is_dir() {
        return Ok(());
    }
    let _lock = lock_blocking(path, crate::options::DEFAULT_STATE_LOCK_WAIT)?;
    let removed = remove_if_present(path).and_then(|()| remove_if_present(&temp_path(path)));
    removed.and_then(|()| sync_directory(path)).map_err(|e| {
        io::Error::new(e.kind(), format!("cannot delete the state file {}: {e}", path.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idempotency::{Fingerprint, StoredResponse};

    fn day() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()
    }

    /// A seeded state (with a remembered key) written and read back is the same state, written
    /// the same way again.
    #[test]
    fn a_seeded_state_round_trips() {
        let mut state = State::new(Some(day()));
        let demo = crate::seed::seed(&mut state).unwrap();
        let _ = state.now();
        let response =
            StoredResponse { status: http::StatusCode::CREATED, body: Some(b"{\"id\":1}".to_vec()) };
        state.idempotency.store("key", Fingerprint::of("op", "/p", b"{}"), response);
        let saved = SavedRef { format: FORMAT, demo: Some(&demo), state: &state };
        let text = serde_json::to_vec_pretty(&saved).unwrap();
        let loaded = parse(Path::new("state.json"), &text).unwrap();
        let again = SavedRef { format: FORMAT, demo: loaded.demo.as_ref(), state: &loaded.state };
        assert_eq!(serde_json::to_vec_pretty(&again).unwrap(), text);
        // The SSNs are kept whole (they are checked against new employees' SSNs).
        let dana = &loaded.state.employees[demo.employees[0].employee_id.as_str()];
        assert_eq!(dana.ssn.expose(), "123-45-6789");
        assert_eq!(loaded.state.today(), day());
    }

    #[test]
    fn files_of_another_kind_or_version_are_refused() {
        let path = Path::new("dir/state.json");
        for (text, says) in [
            ("", "is not valid JSON"),
            ("{\"format\": 1, \"state\": ", "is not valid JSON"),
            ("[1, 2]", "is not a sandbox state file"),
            ("{\"state\": {}}", "has no `format` field"),
            ("{\"format\": 999}", "has format 999"),
            ("{\"format\": \"1\"}", "has format \"1\""),
            ("{\"format\": 1}", "missing field `state`"),
            ("{\"format\": 1, \"demo\": null, \"state\": {\"clock\": \"123-45-6789\"}}", "at `state.clock`"),
        ] {
            let err = parse(path, text.as_bytes()).err().unwrap_or_else(|| panic!("{text}: accepted"));
            assert_eq!(err.kind(), io::ErrorKind::InvalidData, "{text}");
            let message = err.to_string();
            assert!(message.contains(says), "{text}: {message}");
            assert!(message.contains(&path.display().to_string()), "{text}: {message}");
            assert!(!message.contains("123-45-6789"), "{text}: {message}");
        }
    }

    #[test]
    fn side_files_sit_beside_the_file() {
        assert_eq!(lock_path(Path::new("a/s.json")), Path::new("a/s.json.lock"));
        assert_eq!(temp_path(Path::new("s.json")), Path::new("s.json.tmp"));
        assert_eq!(directory(Path::new("s.json")), Path::new("."));
        assert_eq!(directory(Path::new("a/s.json")), Path::new("a"));
        assert_eq!(next_try(deadline(Duration::ZERO)), None);
        assert_eq!(next_try(None), Some(LOCK_RETRY));
        assert!(next_try(deadline(Duration::from_secs(60))).is_some_and(|d| d <= LOCK_RETRY));
    }
}
