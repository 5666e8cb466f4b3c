//! What a command prints on stdout: JSON, JSON Lines, YAML, a table, or the raw body, with an
//! optional jq filter (jaq), colour only on a terminal and never with `NO_COLOR`.

use std::io::{IsTerminal as _, Write};

use anstyle::Style;
use comfy_table::{ContentArrangement, Table, presets};
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;
use serde_json::Value;

/// An output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// A table or record view on a terminal, JSON when piped.
    Auto,
    Json,
    Jsonl,
    Yaml,
    Table,
    /// The body as the server sent it.
    Raw,
}

impl Format {
    /// The names `--format` takes.
    pub const NAMES: [&'static str; 6] = ["auto", "json", "jsonl", "yaml", "table", "raw"];

    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "auto" => Format::Auto,
            "json" => Format::Json,
            "jsonl" => Format::Jsonl,
            "yaml" => Format::Yaml,
            "table" => Format::Table,
            "raw" => Format::Raw,
            _ => return None,
        })
    }
}

const KEY: Style = Style::new().bold();

/// A compiled jq filter.
pub(crate) struct Jq {
    filter: jaq_core::Filter<data::JustLut<Val>>,
}

impl Jq {
    /// Compiles `code`, or says why it cannot.
    pub fn compile(code: &str) -> Result<Jq, String> {
        let defs = jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs());
        let funs = jaq_core::funs().chain(jaq_std::funs()).chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let modules = loader
            .load(&arena, File { code, path: () })
            .map_err(|errors| format!("--jq: cannot parse `{code}` ({} error(s))", errors.len()))?;
        let filter = Compiler::default().with_funs(funs).compile(modules).map_err(|errors| {
            format!("--jq: cannot compile `{code}` ({} error(s): unknown filter or variable?)", errors.len())
        })?;
        Ok(Jq { filter })
    }

    /// Every output of the filter on `input`.
    pub fn run(&self, input: &Value) -> Result<Vec<Value>, String> {
        let bytes = serde_json::to_vec(input).map_err(|e| e.to_string())?;
        let input = jaq_json::read::parse_single(&bytes).map_err(|e| format!("--jq: {e}"))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut out = Vec::new();
        for result in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let value = result.map_err(|e| format!("--jq: {e}"))?;
            let text = value.to_string();
            out.push(serde_json::from_str(&text).unwrap_or(Value::String(text)));
        }
        Ok(out)
    }
}

/// Prints replies and items on stdout, progress on stderr.
pub(crate) struct Printer {
    format: Format,
    jq: Option<Jq>,
    raw_strings: bool,
    out: anstream::AutoStream<std::io::Stdout>,
    terminal: bool,
    progress: bool,
    /// For `--format json` with `--all`: whether an item was printed yet (a streamed array).
    items_started: Option<bool>,
    /// For the MCP server: the reply is kept (status and body) instead of printed.
    capture: Option<Option<(u16, Vec<u8>)>>,
}

impl Printer {
    pub fn new(format: Format, jq: Option<Jq>, raw_strings: bool) -> Printer {
        let terminal = std::io::stdout().is_terminal();
        Printer {
            format,
            jq,
            raw_strings,
            out: anstream::AutoStream::auto(std::io::stdout()),
            terminal,
            // Progress helps when the items go to a file or a pipe and stderr is watched; on a
            // terminal the items themselves show it.
            progress: std::io::stderr().is_terminal() && !terminal,
            items_started: None,
            capture: None,
        }
    }

    /// A printer that prints nothing and keeps the reply, for [`Printer::take`].
    pub fn capturing() -> Printer {
        Printer { capture: Some(None), progress: false, ..Printer::new(Format::Json, None, false) }
    }

    /// The reply kept by a [`capturing`](Printer::capturing) printer.
    pub fn take(&mut self) -> Option<(u16, Vec<u8>)> {
        self.capture.as_mut().and_then(Option::take)
    }

    /// The format in effect: `auto` resolved for where stdout goes.
    fn effective(&self, items: bool) -> Format {
        match self.format {
            Format::Auto if self.terminal => Format::Table,
            Format::Auto if items => Format::Jsonl,
            Format::Auto => Format::Json,
            other => other,
        }
    }

    /// Prints one response body.
    pub fn response(&mut self, status: u16, body: &[u8]) -> Result<(), String> {
        if let Some(slot) = &mut self.capture {
            *slot = Some((status, body.to_vec()));
            return Ok(());
        }
        if body.is_empty() {
            return Ok(());
        }
        if self.format == Format::Raw && self.jq.is_none() {
            self.out.write_all(body).map_err(io)?;
            if !body.ends_with(b"\n") {
                writeln!(self.out).map_err(io)?;
            }
            return Ok(());
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|e| format!("the response is not JSON: {e}"))?;
        let values = match &self.jq {
            Some(jq) => jq.run(&value)?,
            None => vec![value],
        };
        for value in values {
            self.value(&value, false)?;
        }
        self.out.flush().map_err(io)
    }

    /// Starts a stream of items (`--all`).
    pub fn begin_items(&mut self) {
        self.items_started = Some(false);
    }

    /// Prints the items of one page of a stream: as one table when the output is a table.
    pub fn page(&mut self, items: Vec<Value>) -> Result<(), String> {
        if self.effective(true) == Format::Table && self.jq.is_none() && self.capture.is_none() {
            if !items.is_empty() {
                let text = table(&items);
                writeln!(self.out, "{text}").map_err(io)?;
            }
            return Ok(());
        }
        for item in items {
            self.item(item)?;
        }
        Ok(())
    }

    /// Prints one item of a stream.
    fn item(&mut self, item: Value) -> Result<(), String> {
        let values = match &self.jq {
            Some(jq) => jq.run(&item)?,
            None => vec![item],
        };
        for value in values {
            if self.effective(true) == Format::Json {
                let first = self.items_started == Some(false);
                self.items_started = Some(true);
                let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
                let indented = text.replace('\n', "\n  ");
                write!(self.out, "{}  {indented}", if first { "[\n" } else { ",\n" }).map_err(io)?;
            } else {
                self.value(&value, true)?;
            }
        }
        Ok(())
    }

    /// Ends a stream of items.
    pub fn end_items(&mut self) -> Result<(), String> {
        if self.progress {
            eprintln!();
        }
        if self.effective(true) == Format::Json {
            match self.items_started {
                Some(true) => writeln!(self.out, "\n]").map_err(io)?,
                _ => writeln!(self.out, "[]").map_err(io)?,
            }
        }
        self.out.flush().map_err(io)
    }

    /// Shows progress of a long listing on stderr, when it is a terminal.
    pub fn progress(&mut self, page: u64, items: u64) {
        if self.progress {
            eprint!("\r{items} items ({page} page{})", if page == 1 { "" } else { "s" });
        }
    }

    fn value(&mut self, value: &Value, item: bool) -> Result<(), String> {
        if self.raw_strings
            && let Value::String(text) = value
        {
            return writeln!(self.out, "{text}").map_err(io);
        }
        match self.effective(item) {
            Format::Json | Format::Auto => {
                let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
                writeln!(self.out, "{text}").map_err(io)
            }
            Format::Jsonl | Format::Raw => {
                match value {
                    Value::Array(items) if !item => {
                        for entry in items {
                            writeln!(self.out, "{entry}").map_err(io)?;
                        }
                    }
                    other => writeln!(self.out, "{other}").map_err(io)?,
                }
                Ok(())
            }
            Format::Yaml => {
                let text = serde_norway::to_string(value).map_err(|e| e.to_string())?;
                if item {
                    writeln!(self.out, "---").map_err(io)?;
                }
                write!(self.out, "{text}").map_err(io)
            }
            Format::Table => {
                let text = match value {
                    Value::Array(rows) => table(rows),
                    Value::Object(_) if item => table(std::slice::from_ref(value)),
                    Value::Object(map) => record(map),
                    other => cell(other),
                };
                writeln!(self.out, "{text}").map_err(io)
            }
        }
    }
}

/// A failed write of the output. When the reader went away (`vitable-connect ... | head`), the
/// command ends quietly and successfully, as other command-line tools do: every write it made
/// was already applied and saved before the output began.
fn io(e: std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    format!("cannot write the output: {e}")
}

/// A value in one cell: text as is, nested values as compact JSON, cut at 60 characters.
fn cell(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    // A control character (escape, carriage return, tab) would move the cursor or change
    // colours on the terminal, and would count in the column's width: each shows as `�`.
    let text: String = text.chars().map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect();
    if text.chars().count() > 60 { format!("{}…", text.chars().take(59).collect::<String>()) } else { text }
}

/// Rows of objects as a table whose columns are their keys, in first-seen order.
fn table(rows: &[Value]) -> String {
    if rows.is_empty() {
        return "(no items)".to_owned();
    }
    let mut columns: Vec<String> = Vec::new();
    for row in rows {
        if let Value::Object(map) = row {
            for key in map.keys() {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
    }
    if columns.is_empty() {
        return rows.iter().map(cell).collect::<Vec<_>>().join("\n");
    }
    // `id` first, then plain values, then nested ones (shown as compact JSON).
    let nested =
        |c: &String| rows.iter().any(|r| matches!(r.get(c), Some(Value::Object(_) | Value::Array(_))));
    columns.sort_by_key(|c| (c != "id", nested(c)));
    let mut t = Table::new();
    // Cells are cut at 60 characters, so rows need no wrapping (which would need the
    // terminal's width); the header is not coloured, which would upset the column widths.
    t.load_style(presets::UTF8_HORIZONTAL_ONLY).set_content_arrangement(ContentArrangement::Disabled);
    t.set_header(columns.iter());
    for row in rows {
        t.add_row(columns.iter().map(|c| row.get(c).map(cell).unwrap_or_default()));
    }
    t.to_string()
}

/// One object as `key  value` lines.
fn record(map: &serde_json::Map<String, Value>) -> String {
    let width = map.keys().map(|k| k.chars().count()).max().unwrap_or(0);
    map.iter()
        .map(|(key, value)| {
            let pad = " ".repeat(width - key.chars().count());
            let text = match value {
                Value::Object(_) | Value::Array(_) => serde_json::to_string(value).unwrap_or_default(),
                other => cell(other),
            };
            format!("{KEY}{key}{KEY:#}{pad}  {text}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
