//! The declaration of an imported app, built as a token tree, never pasted from strings: every
//! name from the manifest becomes an identifier (checked, raw when it is a keyword) or a string
//! literal (escaped by the token's own printer). Notes become `//` comments, one line each, with
//! control characters and Unicode direction controls removed. The printed text is parsed again
//! before it is returned: it must be exactly one struct with one attribute.

use proc_macro2::{Delimiter, Ident, Literal, Span, TokenStream, TokenTree};
use quote::quote;

use elite_core::model::*;

use super::{ImportError, Imported};

/// An identifier for a name the DSL writes dashed (ports, volumes, databases: `_` in the
/// identifier reads as `-`), raw when it is a keyword; an error when it cannot be one, or when
/// the name holds a `_` (which would read back as `-`, another name).
pub fn ident(name: &str) -> Result<Ident, ImportError> {
    if name.contains('_') {
        return Err(ImportError::NotAnIdentifier(name.to_owned()));
    }
    any_ident(&name.replace('-', "_"), name)
}

/// An identifier for a name the DSL writes as it is (environment variables, the struct): an
/// error when it cannot be one (a `-` included).
pub fn exact_ident(name: &str) -> Result<Ident, ImportError> {
    if name.contains('-') {
        return Err(ImportError::NotAnIdentifier(name.to_owned()));
    }
    any_ident(name, name)
}

fn any_ident(s: &str, name: &str) -> Result<Ident, ImportError> {
    // ASCII letters, digits and `_`, not starting with a digit: what every name the DSL writes as
    // an identifier allows. (Checked before any parser sees it: `r#x` parses as an identifier.)
    let shape = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s != "_";
    if !shape {
        return Err(ImportError::NotAnIdentifier(name.to_owned()));
    }
    if syn::parse_str::<syn::Ident>(s).is_ok() {
        return Ok(Ident::new(s, Span::call_site()));
    }
    // A keyword: raw (`r#type`), except those Rust does not allow raw.
    if !["self", "Self", "super", "crate"].contains(&s) {
        return Ok(Ident::new_raw(s, Span::call_site()));
    }
    Err(ImportError::NotAnIdentifier(name.to_owned()))
}

/// Whether `name` (a port, volume or database name) can be written as a DSL identifier.
pub fn is_identifier(name: &str) -> bool {
    ident(name).is_ok()
}

/// Whether `name` (an environment variable) can be written as a DSL identifier.
pub fn is_exact_identifier(name: &str) -> bool {
    exact_ident(name).is_ok()
}

fn path(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

fn lit(s: &str) -> Literal {
    Literal::string(s)
}

fn strings(v: &[String]) -> TokenStream {
    let items = v.iter().map(|s| lit(s));
    quote! { [#(#items),*] }
}

fn port_ref(p: &PortRef) -> Result<TokenStream, ImportError> {
    Ok(match p {
        PortRef::Name(n) => {
            let i = ident(n)?;
            quote! { #i }
        }
        PortRef::Number(n) => {
            let n = Literal::u16_unsuffixed(*n);
            quote! { #n }
        }
    })
}

fn probe(key: &str, p: &Probe) -> Result<TokenStream, ImportError> {
    let key = path(key);
    let mut parts = vec![match &p.action {
        ProbeAction::Http { path, port } => {
            let (path, port) = (lit(path), port_ref(port)?);
            quote! { http = #path, port = #port }
        }
        ProbeAction::Tcp { port } => {
            let port = port_ref(port)?;
            quote! { tcp = #port }
        }
        ProbeAction::Exec { command } => {
            let c = strings(command);
            quote! { exec = #c }
        }
    }];
    for (k, v, d) in [
        ("initial_delay", p.initial_delay_seconds, 0),
        ("period", p.period_seconds, Probe::DEFAULT_PERIOD),
        ("timeout", p.timeout_seconds, Probe::DEFAULT_TIMEOUT),
        ("failure_threshold", p.failure_threshold, Probe::DEFAULT_FAILURES),
    ] {
        if v != d {
            let (k, v) = (path(k), Literal::u32_unsuffixed(v));
            parts.push(quote! { #k = #v });
        }
    }
    Ok(quote! { #key(#(#parts),*) })
}

/// One line of the attribute: where in the model it is, and its tokens.
struct Line {
    pointer: String,
    tokens: TokenStream,
}

fn lines(s: &AppSpec) -> Result<Vec<Line>, ImportError> {
    let mut out = Vec::new();
    let mut push = |pointer: String, tokens: TokenStream| out.push(Line { pointer, tokens });
    let name = lit(&s.name);
    push("/name".into(), quote! { name = #name });
    let category = path(s.category.name());
    push("/category".into(), quote! { category = #category });
    if let Some(ns) = &s.namespace {
        let ns = lit(ns);
        push("/namespace".into(), quote! { namespace = #ns });
    }
    if s.role != Role::Standard {
        let r = path(s.role.name());
        push("/role".into(), quote! { role = #r });
    }
    if let Some(size) = s.size {
        let t = match size {
            Size::Custom(r) => {
                let (cr, cl, mr, ml) = (
                    lit(&r.cpu_request.to_string()),
                    lit(&r.cpu_limit.to_string()),
                    lit(&r.memory_request.to_string()),
                    lit(&r.memory_limit.to_string()),
                );
                if r.memory_request == r.memory_limit {
                    quote! { size = Custom(cpu_request = #cr, cpu_limit = #cl, memory = #mr) }
                } else {
                    quote! { size = Custom(cpu_request = #cr, cpu_limit = #cl, memory_request = #mr, memory_limit = #ml) }
                }
            }
            preset => {
                let p = path(preset.name());
                quote! { size = #p }
            }
        };
        push("/size".into(), t);
    }
    if let Some(p) = s.priority {
        let p = path(p.name());
        push("/priority".into(), quote! { priority = #p });
    }
    if let Some(r) = s.runtime {
        let r = path(r.name());
        push("/runtime".into(), quote! { runtime = #r });
    }
    if s.workload != Workload::Deployment {
        let w = path(s.workload.name());
        push("/workload".into(), quote! { workload = #w });
    }
    if s.replicas != 1 {
        let n = Literal::u16_unsuffixed(s.replicas);
        push("/replicas".into(), quote! { replicas = #n });
    }
    if s.ha {
        push("/ha".into(), quote! { ha });
    }
    let image = lit(&s.image);
    push("/image".into(), quote! { image = #image });
    if !s.command.is_empty() {
        let c = strings(&s.command);
        push("/command".into(), quote! { command = #c });
    }
    if !s.args.is_empty() {
        let a = strings(&s.args);
        push("/args".into(), quote! { args = #a });
    }
    for (i, p) in s.ports.iter().enumerate() {
        let (n, num) = (ident(&p.name)?, Literal::u16_unsuffixed(p.number));
        let t = if p.protocol == Protocol::Udp {
            quote! { port(#n = #num, udp) }
        } else {
            quote! { port(#n = #num) }
        };
        push(format!("/ports/{i}"), t);
    }
    for (key, p) in
        [("liveness", &s.probes.liveness), ("readiness", &s.probes.readiness), ("startup", &s.probes.startup)]
    {
        if let Some(p) = p {
            push(format!("/probes/{key}"), probe(key, p)?);
        }
    }
    if let Some(ing) = &s.ingress {
        let port = ident(&ing.port)?;
        let t = match &ing.subdomain {
            Some(sub) => {
                let sub = lit(sub);
                quote! { ingress(port = #port, subdomain = #sub) }
            }
            None => quote! { ingress(port = #port) },
        };
        push("/ingress".into(), t);
    }
    for (i, v) in s.volumes.iter().enumerate() {
        if s.volumes[..i].iter().any(|o| o.name == v.name) {
            return Err(ImportError::DuplicateVolume(v.name.clone()));
        }
        let name = ident(&v.name)?;
        let Some((first, rest)) = v.mounts.split_first() else { continue };
        let mut opts = vec![{
            let m = lit(&first.path);
            quote! { mount = #m }
        }];
        let kind = match &v.source {
            VolumeSource::Pvc(p) => {
                let size = lit(&p.size.to_string());
                opts.push(quote! { size = #size });
                if let Some(c) = &p.storage_class {
                    let c = lit(c);
                    opts.push(quote! { storage_class = #c });
                }
                path("pvc")
            }
            VolumeSource::Nfs(n) => {
                let (server, p) = (lit(&n.server), lit(&n.path));
                opts.push(quote! { server = #server });
                opts.push(quote! { path = #p });
                path("nfs")
            }
            VolumeSource::EmptyDir(e) => {
                if let Some(l) = e.size_limit {
                    let l = lit(&l.to_string());
                    opts.push(quote! { size_limit = #l });
                }
                path("empty_dir")
            }
        };
        let mount_opts = |m: &Mount| -> Vec<TokenStream> {
            let mut o = Vec::new();
            if let Some(sp) = &m.sub_path {
                let sp = lit(sp);
                o.push(quote! { sub_path = #sp });
            }
            if m.read_only {
                o.push(quote! { read_only });
            }
            o
        };
        opts.extend(mount_opts(first));
        push(format!("/volumes/{i}"), quote! { #kind(#name, #(#opts),*) });
        for (k, m) in rest.iter().enumerate() {
            let p = lit(&m.path);
            let mut o = vec![quote! { path = #p }];
            o.extend(mount_opts(m));
            push(format!("/volumes/{i}/mounts/{}", k + 1), quote! { mount(#name, #(#o),*) });
        }
    }
    for (i, e) in s.env.iter().enumerate() {
        let n = exact_ident(&e.name)?;
        let t = match &e.value {
            EnvValue::Plain(v) => {
                let v = lit(v);
                quote! { env(#n = #v) }
            }
            EnvValue::Secret(k) => {
                let k = lit(&k.secret);
                quote! { env(#n = secret(#k)) }
            }
        };
        push(format!("/env/{i}"), t);
    }
    let d = &s.durability;
    if let Some(reason) = &d.stateless {
        let r = lit(reason);
        push("/durability/stateless".into(), quote! { stateless = #r });
    }
    for (i, db) in d.databases.iter().enumerate() {
        let (f, n, p, profile) = (path(db.format.as_str()), ident(&db.name)?, lit(&db.path), path(db.profile.name()));
        push(format!("/durability/databases/{i}"), quote! { #f(#n, path = #p, profile = #profile) });
    }
    if let Some(c) = &d.config_sync {
        let dir = lit(&c.dir);
        let t = if c.exclude.is_empty() {
            quote! { config_sync = #dir }
        } else {
            let ex = strings(&c.exclude);
            quote! { config_sync(dir = #dir, exclude = #ex) }
        };
        push("/durability/configSync".into(), t);
    }
    if s.run_as_user != DEFAULT_UID {
        let u = Literal::u32_unsuffixed(s.run_as_user);
        push("/runAsUser".into(), quote! { run_as_user = #u });
    }
    for (i, e) in s.exceptions.iter().enumerate() {
        let (k, r) = (path(&e.kind.as_str().replace('-', "_")), lit(&e.reason));
        push(format!("/exceptions/{i}"), quote! { exception(#k = #r) });
    }
    for (key, list, pointer) in [("egress", &s.egress, "/egress"), ("allow_from", &s.allow_from, "/allowFrom")] {
        if !list.is_empty() {
            let (k, items) = (path(key), strings(&list.iter().map(ToString::to_string).collect::<Vec<_>>()));
            push(pointer.into(), quote! { #k = #items });
        }
    }
    if let Some(api) = &s.api {
        let read = strings(&api.read.iter().map(ToString::to_string).collect::<Vec<_>>());
        push("/api".into(), quote! { api(read = #read) });
    }
    if s.environments != Environment::ALL {
        let envs = s.environments.iter().map(|e| path(e.name()));
        push("/environments".into(), quote! { environments = [#(#envs),*] });
    }
    Ok(out)
}

/// Token text with the spacing a person would write: `key = value`, `a, b`, `call(x)`.
fn render(ts: TokenStream) -> String {
    let mut out = String::new();
    let mut word_before = false;
    for tt in ts {
        match tt {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                out.push_str(&render(g.stream()));
                out.push_str(close);
                word_before = true;
            }
            TokenTree::Punct(p) => {
                match p.as_char() {
                    ',' => out.push_str(", "),
                    '=' => out.push_str(" = "),
                    c => out.push(c),
                }
                word_before = false;
            }
            TokenTree::Ident(i) => {
                if word_before {
                    out.push(' ');
                }
                out.push_str(&i.to_string());
                word_before = true;
            }
            TokenTree::Literal(l) => {
                if word_before {
                    out.push(' ');
                }
                out.push_str(&l.to_string());
                word_before = true;
            }
        }
    }
    out.trim_end_matches(", ").to_owned()
}

/// A note as one comment line: no line break, no control character, no Unicode direction
/// control (which could make the comment display as code).
pub fn comment(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| {
            if c.is_control()
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
                || c == '\u{200e}'
                || c == '\u{200f}'
                || c == '\u{2028}'
                || c == '\u{2029}'
            {
                ' '
            } else {
                c
            }
        })
        .collect();
    format!("// {}", clean.trim_end())
}

/// The declaration of an imported app, with its notes as comments.
pub fn declaration(imp: &Imported) -> Result<String, ImportError> {
    let lines = lines(&imp.spec)?;
    let struct_name = exact_ident(&imp.struct_name)?;
    let mut placed = vec![false; imp.notes.len()];
    let mut out = String::new();
    for (i, n) in imp.notes.iter().enumerate() {
        if n.pointer.is_empty() {
            out.push_str(&comment(&n.text));
            out.push('\n');
            placed[i] = true;
        }
    }
    out.push_str("#[elite(\n");
    for line in &lines {
        for (i, n) in imp.notes.iter().enumerate() {
            if !placed[i] && (line.pointer == n.pointer || line.pointer.starts_with(&format!("{}/", n.pointer))) {
                out.push_str("    ");
                out.push_str(&comment(&n.text));
                out.push('\n');
                placed[i] = true;
            }
        }
        out.push_str("    ");
        out.push_str(&render(line.tokens.clone()));
        out.push_str(",\n");
    }
    out.push_str(")]\n");
    // What is missing is reported by the compiler on the struct's name: the note goes there.
    for (i, n) in imp.notes.iter().enumerate() {
        if !placed[i] {
            out.push_str(&comment(&n.text));
            out.push('\n');
        }
    }
    out.push_str(&format!("pub struct {};\n", render(quote! { #struct_name })));
    verify(&out, &imp.struct_name)?;
    Ok(out)
}

/// The printed text must be one struct with one attribute, `#[elite(...)]`, and nothing else.
fn verify(text: &str, struct_name: &str) -> Result<(), ImportError> {
    let file = syn::parse_file(text)
        .map_err(|e| ImportError::Internal(format!("the printed declaration does not parse: {e}")))?;
    match file.items.as_slice() {
        [syn::Item::Struct(s)]
            if s.attrs.len() == 1 && s.attrs[0].path().is_ident("elite") && s.ident.unraw() == struct_name =>
        {
            Ok(())
        }
        _ => Err(ImportError::Internal("the printed declaration is not exactly one `#[elite]` struct".into())),
    }
}

use syn::ext::IdentExt;
