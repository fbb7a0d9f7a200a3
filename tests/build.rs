//! `src/lib.rs` compiles the modules of `../apps/src` with `elite_macros::modules!`: rebuild it
//! when a file is added to or removed from that folder, as the apps binary is.

fn main() {
    println!("cargo::rerun-if-changed=../apps/src");
}
