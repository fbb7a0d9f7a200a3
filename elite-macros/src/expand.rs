//! What `#[elite]` expands to: the struct unchanged, an [`Elite`](elite_core::Elite)
//! implementation that returns the checked spec, and its registration with the generator.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemStruct;

use crate::diagnostics::Errors;
use crate::read;
use crate::spans::Spans;
use crate::syntax::Args;
use elite_core::AppSpec;
use elite_core::rules::{Door, Violation, check_app};

/// Expands `#[elite(args)] item`.
pub fn elite(args: Args, item: ItemStruct) -> TokenStream {
    let mut errors = Errors::default();
    if !item.generics.params.is_empty() {
        errors.at(
            crate::syntax::Range::of(item.ident.span()),
            "an `#[elite]` app cannot be generic: it declares one app",
        );
    }
    let decl = read::read(&item.ident, &args.0, &mut errors);
    if let Some(spec) = &decl.spec {
        check(spec, &decl.spans, &mut errors);
    }
    let spec = match decl.spec {
        Some(spec) if errors.is_empty() => spec,
        _ => {
            let errors = errors.into_compile_errors();
            return quote! { #item #errors };
        }
    };
    let ident = &item.ident;
    let name = &spec.name;
    let json = match serde_json::to_string(&spec) {
        Ok(j) => j,
        Err(e) => {
            let msg = format!("#[elite] could not serialize the declaration: {e}");
            return quote! { #item ::core::compile_error!(#msg); };
        }
    };
    quote! {
        #item

        impl ::elite_core::Elite for #ident {
            const NAME: &'static str = #name;
            fn spec() -> ::elite_core::AppSpec {
                ::elite_core::registry::__private::decode(#json)
            }
        }

        ::elite_core::registry::__private::inventory::submit! {
            ::elite_core::registry::Declared { spec: <#ident as ::elite_core::Elite>::spec }
        }
    }
}

/// Runs the rule catalog of `elite-core` on the declaration and reports every violation at the
/// tokens that declared the part at fault; violations at the same tokens make one error.
pub fn check(spec: &AppSpec, spans: &Spans, errors: &mut Errors) {
    let violations = check_app(spec, Door::Dsl);
    let mut groups: Vec<(String, crate::syntax::Range, Vec<&Violation>)> = Vec::new();
    for v in &violations {
        let (key, range) = spans.find(&v.at);
        match groups.iter_mut().find(|(k, ..)| *k == key) {
            Some((_, _, vs)) => vs.push(v),
            None => groups.push((key, range, vec![v])),
        }
    }
    for (_, range, vs) in groups {
        errors.violations(range, &vs);
    }
}
