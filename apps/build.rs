//! `src/main.rs` declares every module of `src/` with `elite_macros::modules!()`: this script only
//! tells cargo to rebuild the crate when a file is added to or removed from `src/`, so a new file
//! of app declarations is picked up by the next `cargo run`.

fn main() {
    println!("cargo::rerun-if-changed=src");
}
