//! `modules!()`: declares every module of the calling crate's `src/` folder, so a file of app
//! declarations is picked up with no list to update; `modules!(mod name = "dir")` declares those
//! of another folder, inside a module `name` (how the tests compile the apps binary's modules).

use proc_macro2::{Span, TokenStream};
use quote::quote;
use std::path::Path;
use syn::parse::{Parse, ParseStream};

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
/// and, for each file that cannot be a module, why (naming it as `<shown>/<file>`).
pub fn scan(src: &Path, shown: &str) -> Result<(Vec<String>, Vec<String>), String> {
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
                "{shown}/{file}: `{name}` cannot be a module name (lowercase letters, digits and `_`, not a keyword): rename it, or its apps are never generated"
            ));
        }
    }
    modules.sort();
    errors.sort();
    Ok((modules, errors))
}

/// What `modules!` was given: nothing (the calling crate's `src/`), or `mod <name> = "<dir>"`.
pub struct Input(Option<(syn::Ident, syn::LitStr)>);

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Ok(Input(None));
        }
        let lookahead = input.lookahead1();
        if !lookahead.peek(syn::Token![mod]) {
            return Err(syn::Error::new(
                input.span(),
                "expected nothing, or `mod <name> = \"<folder>\"` (a folder relative to the crate's Cargo.toml)",
            ));
        }
        input.parse::<syn::Token![mod]>()?;
        let name = input.parse()?;
        input.parse::<syn::Token![=]>()?;
        let dir = input.parse()?;
        Ok(Input(Some((name, dir))))
    }
}

/// `pub mod <name>;` for every module of the folder, and a compile error for each file that
/// cannot be one; for `mod <name> = "<dir>"`, inside `#[path = "<dir>"] pub mod <name> { ... }`.
pub fn expand(input: Input) -> TokenStream {
    let Ok(manifest) = std::env::var("CARGO_MANIFEST_DIR") else {
        return quote!(compile_error!("modules!() needs CARGO_MANIFEST_DIR: build the crate with cargo"););
    };
    let (dir, shown, span) = match &input.0 {
        None => (Path::new(&manifest).join("src"), "src".to_owned(), Span::call_site()),
        Some((_, dir)) => (Path::new(&manifest).join(dir.value()), dir.value(), dir.span()),
    };
    let (modules, errors) = match scan(&dir, shown.trim_end_matches('/')) {
        Ok(found) => found,
        Err(e) => return quote::quote_spanned!(span=> compile_error!(#e);),
    };
    let modules = modules.iter().map(|m| syn::Ident::new(m, Span::call_site()));
    let items = quote! {
        #(compile_error!(#errors);)*
        #(pub mod #modules;)*
    };
    match input.0 {
        None => items,
        Some((name, _)) => {
            // An inline module's `#[path]` is the folder its `mod x;` items are read from, so a
            // file's own submodules (`x.rs` with `x/`) resolve as they do in the crate itself.
            let dir = dir.to_string_lossy().into_owned();
            quote! {
                #[path = #dir]
                pub mod #name {
                    #items
                }
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
        let (modules, errors) = scan(src, "src").unwrap();
        assert_eq!(modules, ["alpha", "nested", "zeta"]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("src/my-app.rs"), "{errors:?}");
    }

    #[test]
    fn another_folder_is_declared_inside_a_module_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["main.rs", "media.rs", "home.rs", "bad-name.rs"] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        let shown = dir.path().to_str().unwrap();
        let input: Input = syn::parse_str(&format!("mod apps = {shown:?}")).unwrap();
        let out = expand(input).to_string();
        let expected_path = format!("# [path = {shown:?}] pub mod apps {{");
        assert!(out.starts_with(&expected_path), "{out}");
        assert!(out.contains("pub mod home ; pub mod media ;"), "{out}");
        assert!(!out.contains("mod main"), "{out}");
        assert!(out.contains(&format!("{shown}/bad-name.rs: `bad-name` cannot be a module name")), "{out}");
    }

    #[test]
    fn anything_else_is_refused_saying_what_is_accepted() {
        for bad in ["apps", "mod apps", "mod apps = 3", "mod = \"../apps/src\""] {
            let err = syn::parse_str::<Input>(bad).err().unwrap_or_else(|| panic!("{bad} was accepted"));
            assert!(!err.to_string().is_empty(), "{bad}");
        }
        let err = syn::parse_str::<Input>("apps").err().unwrap().to_string();
        assert!(err.contains("`mod <name> = \"<folder>\"`"), "{err}");
        assert!(syn::parse_str::<Input>("").unwrap().0.is_none());
    }
}
