//! The token shapes of `#[elite(...)]`, before any meaning is given to them: a comma-separated
//! list of nodes, each a flag (`ha`), an assignment (`size = Medium`), a group
//! (`liveness(http = "/ping", port = http)`) or a literal (`"reason"`).

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitBool, LitInt, LitStr, Token, bracketed, parenthesized};

/// One item of an argument list.
pub enum Node {
    /// `ha`, `udp`, or a positional name such as `config` in `pvc(config, ...)`.
    Flag(Ident),
    /// `key = value`.
    Assign { key: Ident, value: Value },
    /// `key(nodes...)`.
    Group { key: Ident, nodes: Vec<Node>, close: Span },
    /// A positional literal.
    Lit(Value),
}

/// The right-hand side of an assignment.
pub enum Value {
    /// A bare name: `Medium`, `http`.
    Path(Ident),
    Str(LitStr),
    Int(LitInt),
    Bool(LitBool),
    /// `[a, b]`.
    List {
        items: Vec<Value>,
        open: Span,
        close: Span,
    },
    /// `secret("KEY")`, `Custom(cpu_request = "100m", ...)`.
    Call {
        name: Ident,
        nodes: Vec<Node>,
        close: Span,
    },
}

/// The whole argument list of `#[elite(...)]`.
pub struct Args(pub Vec<Node>);

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        Ok(Args(nodes(input)?))
    }
}

fn nodes(input: ParseStream) -> syn::Result<Vec<Node>> {
    Ok(Punctuated::<Node, Token![,]>::parse_terminated(input)?.into_iter().collect())
}

impl Parse for Node {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Ident::peek_any) {
            let key = Ident::parse_any(input)?;
            if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                return Ok(Node::Assign { key, value: input.parse()? });
            }
            if input.peek(syn::token::Paren) {
                let content;
                let paren = parenthesized!(content in input);
                return Ok(Node::Group { key, nodes: nodes(&content)?, close: paren.span.close() });
            }
            return Ok(Node::Flag(key));
        }
        Ok(Node::Lit(input.parse()?))
    }
}

impl Parse for Value {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(LitStr) {
            return Ok(Value::Str(input.parse()?));
        }
        if input.peek(LitInt) {
            return Ok(Value::Int(input.parse()?));
        }
        if input.peek(LitBool) {
            return Ok(Value::Bool(input.parse()?));
        }
        if input.peek(syn::token::Bracket) {
            let content;
            let bracket = bracketed!(content in input);
            let items = Punctuated::<Value, Token![,]>::parse_terminated(&content)?.into_iter().collect();
            return Ok(Value::List { items, open: bracket.span.open(), close: bracket.span.close() });
        }
        if input.peek(Ident::peek_any) {
            let name = Ident::parse_any(input)?;
            if input.peek(syn::token::Paren) {
                let content;
                let paren = parenthesized!(content in input);
                return Ok(Value::Call { name, nodes: nodes(&content)?, close: paren.span.close() });
            }
            return Ok(Value::Path(name));
        }
        Err(input.error("expected a value: a name, a string, a number, `[...]` or `name(...)`"))
    }
}

/// The first and last span of a piece of syntax, so an error can underline all of it.
#[derive(Clone, Copy)]
pub struct Range {
    pub start: Span,
    pub end: Span,
}

impl Range {
    pub fn of(span: Span) -> Self {
        Range { start: span, end: span }
    }
    /// Tokens whose first and last spans are this range's (for `syn::Error::new_spanned`).
    pub fn tokens(self) -> TokenStream {
        [TokenTree::Ident(Ident::new("a", self.start)), TokenTree::Ident(Ident::new("b", self.end))]
            .into_iter()
            .collect()
    }
}

/// The text of an identifier, without the `r#` of a raw identifier.
pub fn ident_text(i: &Ident) -> String {
    i.unraw().to_string()
}

impl Node {
    /// The key of a flag, assignment or group.
    pub fn key(&self) -> Option<&Ident> {
        match self {
            Node::Flag(k) | Node::Assign { key: k, .. } | Node::Group { key: k, .. } => Some(k),
            Node::Lit(_) => None,
        }
    }
    /// The whole node.
    pub fn range(&self) -> Range {
        match self {
            Node::Flag(k) => Range::of(k.span()),
            Node::Assign { key, value } => Range { start: key.span(), end: value.range().end },
            Node::Group { key, close, .. } => Range { start: key.span(), end: *close },
            Node::Lit(v) => v.range(),
        }
    }
}

impl Value {
    /// The whole value.
    pub fn range(&self) -> Range {
        match self {
            Value::Path(i) => Range::of(i.span()),
            Value::Str(s) => Range::of(s.span()),
            Value::Int(i) => Range::of(i.span()),
            Value::Bool(b) => Range::of(b.span),
            Value::List { open, close, .. } => Range { start: *open, end: *close },
            Value::Call { name, close, .. } => Range { start: name.span(), end: *close },
        }
    }
    /// What kind of value this is, for error messages.
    pub fn describe(&self) -> String {
        match self {
            Value::Path(i) => format!("`{}`", ident_text(i)),
            Value::Str(s) => format!("{:?}", s.value()),
            Value::Int(i) => format!("`{i}`"),
            Value::Bool(b) => format!("`{}`", b.value),
            Value::List { .. } => "a list".into(),
            Value::Call { name, .. } => format!("`{name}(...)`"),
        }
    }
}
