//! `elite import FILE`: an existing workload as an `#[elite]` declaration.

use std::path::Path;
use std::process::ExitCode;

use elite_core::audit::yaml::Limits;
use elite_core::rules::{Door, check_app};

use super::{FINDINGS, input_error};
use crate::import::{declaration, import, read_file};

/// Prints the declaration: exit 0 when it passes every rule, 1 when it compiles only once the
/// rules its comments name are fixed, 2 when the file cannot be imported.
pub fn run(file: &Path) -> ExitCode {
    let objects = match read_file(file, &Limits::default()) {
        Ok(o) => o,
        Err(e) => return input_error(e),
    };
    let imported = match import(&objects, &file.display().to_string()) {
        Ok(i) => i,
        Err(e) => return input_error(e),
    };
    match declaration(&imported) {
        Ok(text) => {
            print!("{text}");
            if check_app(&imported.spec, Door::Dsl).is_empty() { ExitCode::SUCCESS } else { ExitCode::from(FINDINGS) }
        }
        Err(e) => input_error(e),
    }
}
