//! What `#[elite]` expands to: the struct unchanged, an [`Elite`](elite_core::Elite)
//! implementation that returns the checked spec, and its registration with the generator.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemStruct;

use crate::declaration::{self, Declaration};
use crate::diagnostics::Errors;
use crate::syntax::Args;

/// Expands `#[elite(args)] item`.
pub fn elite(args: Args, item: ItemStruct) -> TokenStream {
    let mut errors = Errors::default();
    if !item.generics.params.is_empty() {
        errors.at(
            crate::syntax::Range::of(item.ident.span()),
            "an `#[elite]` app cannot be generic: it declares one app",
        );
    }
    let decl = declaration::read(&item.ident, &args.0, &mut errors);
    check(&decl, &mut errors);
    if !errors.is_empty() {
        let errors = errors.into_compile_errors();
        return quote! { #item #errors };
    }
    let ident = &item.ident;
    let name = &decl.spec.name;
    let json = serde_json::to_string(&decl.spec).expect("an AppSpec always serializes");
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
/// tokens that declared the offending key. Violations on absent keys (already reported as
/// missing, and judged on a placeholder) are left out.
fn check(decl: &Declaration, errors: &mut Errors) {
    for v in elite_core::rules::check_app(&decl.spec) {
        let root = v.at.0.split(['.', '[']).next().unwrap_or_default();
        if decl.absent.contains(&root) {
            continue;
        }
        errors.violation(decl.spans.find(&v.at.0), &v);
    }
}
