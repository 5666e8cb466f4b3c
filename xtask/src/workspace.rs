//! Where the workspace is: the one helper every task shares.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives inside the workspace").to_path_buf()
}

/// A module a crate root declares with `mod name;`: the file it is read from (relative to the
/// crate's `src/`, `#[path]` honoured), its name, and whether it is `pub`.
pub struct DeclaredModule {
    pub file: String,
    pub name: String,
    pub public: bool,
}

/// Every `mod name;` (not inline) of a crate root's text.
pub fn declared_modules(lib: &str) -> Result<Vec<DeclaredModule>, String> {
    let file = syn::parse_file(lib).map_err(|e| format!("lib.rs does not parse: {e}"))?;
    let mut modules = Vec::new();
    for item in &file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.content.is_some() {
            continue;
        }
        let given = m.attrs.iter().find(|a| a.path().is_ident("path")).and_then(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        });
        let name = m.ident.to_string();
        modules.push(DeclaredModule {
            file: given.unwrap_or_else(|| format!("{name}.rs")),
            name,
            public: matches!(m.vis, syn::Visibility::Public(_)),
        });
    }
    Ok(modules)
}
