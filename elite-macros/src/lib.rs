//! `#[elite]` (see the compile-time issue).
