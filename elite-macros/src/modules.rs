//! `modules!()`: declares every module of the calling crate's `src/` folder, so a file of app
//! declarations is picked up with no list to update.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use std::path::Path;

/// Rust's strict and reserved keywords: a module cannot be named after one.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Whether `name` can be a module's name.
fn is_module_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name != "_"
        && !KEYWORDS.contains(&name)
}

/// The modules of `src/`: `<name>.rs` (not `lib.rs`, `main.rs`) and `<name>/mod.rs`, sorted;
/// and, for each file that cannot be a module, why.
pub fn scan(src: &Path) -> Result<(Vec<String>, Vec<String>), String> {
    let entries = std::fs::read_dir(src).map_err(|e| format!("cannot list {}: {e}", src.display()))?;
    let (mut modules, mut errors) = (Vec::new(), Vec::new());
    for entry in entries.flatten() {
        let path = entry.path();
        let file = entry.file_name().to_string_lossy().into_owned();
        let name = if path.is_dir() {
            // A folder without mod.rs holds the submodules of `src/<name>.rs`, which declares them.
            if !path.join("mod.rs").is_file() {
                continue;
            }
            file.clone()
        } else {
            match file.strip_suffix(".rs") {
                Some("lib" | "main") | None => continue,
                Some(stem) => stem.to_owned(),
            }
        };
        if is_module_name(&name) {
            modules.push(name);
        } else {
            errors.push(format!(
                "src/{file}: `{name}` cannot be a module name (lowercase letters, digits and `_`, not a keyword): rename it, or its apps are never generated"
            ));
        }
    }
    modules.sort();
    errors.sort();
    Ok((modules, errors))
}

/// `pub mod <name>;` for every module of the calling crate's `src/`, and a compile error for each
/// file that cannot be one.
pub fn expand() -> TokenStream {
    let Ok(dir) = std::env::var("CARGO_MANIFEST_DIR") else {
        return quote!(compile_error!("modules!() needs CARGO_MANIFEST_DIR: build the crate with cargo"););
    };
    match scan(&Path::new(&dir).join("src")) {
        Err(e) => quote!(compile_error!(#e);),
        Ok((modules, errors)) => {
            let modules = modules.iter().map(|m| syn::Ident::new(m, Span::call_site()));
            quote! {
                #(compile_error!(#errors);)*
                #(pub mod #modules;)*
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names() {
        for ok in ["media", "home_2", "_private", "r2d2"] {
            assert!(is_module_name(ok), "{ok}");
        }
        for bad in ["my-app", "Media", "2fast", "type", "_", "", "mod", "café"] {
            assert!(!is_module_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_folder_is_scanned_sorted_and_bad_names_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path();
        for f in ["lib.rs", "main.rs", "zeta.rs", "alpha.rs", "my-app.rs", "notes.txt"] {
            std::fs::write(src.join(f), "").unwrap();
        }
        std::fs::create_dir_all(src.join("nested")).unwrap();
        std::fs::write(src.join("nested/mod.rs"), "").unwrap();
        std::fs::create_dir_all(src.join("zeta")).unwrap(); // submodules of zeta.rs
        let (modules, errors) = scan(src).unwrap();
        assert_eq!(modules, ["alpha", "nested", "zeta"]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("src/my-app.rs"), "{errors:?}");
    }
}
