//! The granted exceptions of a repository: the Kyverno PolicyExceptions in its files
//! ([`elite_core::audit::exceptions`] decides what they suppress).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use elite_core::audit::exceptions::grants_of;
pub use elite_core::audit::exceptions::{
    EXCEPTION_ANNOTATION, GRANTED_RULES_ANNOTATION, Grant, exceptable, suppress, suppress_workload,
};
use elite_core::audit::yaml::{self, Limits};

/// Why the granted exceptions cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    /// A file cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid YAML.
    #[error("{}:{}: {source}", path.display(), source.line)]
    Yaml {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: yaml::YamlError,
    },
}

/// The granted exceptions of the Kyverno PolicyExceptions in `paths` (files or folders).
pub fn grants(paths: &[PathBuf], limits: &Limits) -> Result<BTreeSet<Grant>, GrantError> {
    let mut out = BTreeSet::new();
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() {
            for e in ignore::WalkBuilder::new(p).build().flatten() {
                if e.file_type().is_some_and(|t| t.is_file()) && super::walk::is_yaml(e.path()) {
                    files.push(e.path().to_owned());
                }
            }
        } else {
            files.push(p.clone());
        }
    }
    files.sort();
    for f in files {
        out.extend(grants_in(&f, limits)?);
    }
    Ok(out)
}

fn grants_in(path: &Path, limits: &Limits) -> Result<Vec<Grant>, GrantError> {
    let file = std::fs::File::open(path).map_err(|source| GrantError::Io { path: path.to_owned(), source })?;
    let mut out = Vec::new();
    yaml::read(file, limits, |o| {
        if o.value["kind"] == "PolicyException" {
            out.extend(grants_of(&o.value));
        }
    })
    .map_err(|source| GrantError::Yaml { path: path.to_owned(), source })?;
    Ok(out)
}
