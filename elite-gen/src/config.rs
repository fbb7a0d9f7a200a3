//! The platform file, `elite.toml` at the workspace root: the cluster the tree is generated for
//! (domain, Git repository and the revision each environment tracks, the apps folder, storage,
//! Infisical, categories). The workspace is the nearest folder, from the current one up, that
//! holds it: a copied binary writes to the workspace it runs in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use elite_core::Platform;
use elite_core::model::{Access, Category, Environment};
use elite_core::names::Format;
use elite_core::platform::PolicyAction;
use serde::Deserialize;

/// The name of the platform file.
pub const FILE: &str = "elite.toml";

/// Why the platform file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No platform file in the folder or its parents.
    #[error("no {FILE} in {} or any folder above it: run elite inside a workspace (the folder that holds {FILE}), or pass --config FILE", .0.display())]
    NotFound(PathBuf),
    /// The file cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown or missing keys.
    #[error("{}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// What and where (line and column).
        message: String,
    },
    /// A value is not valid.
    #[error("{}: `{key}` {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The key, dotted (`git.repo-url`).
        key: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct File {
    cluster: ClusterSection,
    git: GitSection,
    environments: BTreeMap<String, EnvironmentSection>,
    s3: S3Section,
    infisical: InfisicalSection,
    #[serde(default)]
    categories: BTreeMap<String, String>,
    #[serde(default)]
    policies: PoliciesSection,
    #[serde(default)]
    report: ReportSection,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ClusterSection {
    domain: String,
    storage_class: String,
    ingress_class: String,
    monitoring_namespace: String,
    runbook_base_url: String,
    ingress_namespace: String,
    api_server: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct S3Section {
    endpoint: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct GitSection {
    repo_url: String,
    apps_dir: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct EnvironmentSection {
    revision: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct InfisicalSection {
    host: String,
    project: String,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct PoliciesSection {
    #[serde(default)]
    failure_action: Option<PolicyAction>,
    #[serde(default)]
    exception_namespace: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ReportSection {
    #[serde(default)]
    dir: Option<String>,
}

/// A workspace: where its platform file is, what it says, and where things go.
#[derive(Clone, Debug)]
pub struct Workspace {
    /// The folder holding `elite.toml`.
    pub root: PathBuf,
    /// The platform.
    pub platform: Platform,
    /// The folder the tree is written to (`<root>/<apps-dir>`).
    pub apps: PathBuf,
    /// The folder of the conformity report (`<root>/docs/reports` unless configured).
    pub reports: PathBuf,
}

/// The nearest folder from `start` up that holds `elite.toml`.
pub fn find(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|d| d.join(FILE).is_file()).map(Path::to_path_buf)
}

/// Loads the workspace whose platform file is `file`.
pub fn load(file: &Path) -> Result<Workspace, ConfigError> {
    let text = std::fs::read_to_string(file).map_err(|source| ConfigError::Io { path: file.to_owned(), source })?;
    let root = file.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    parse(&text, file, &root)
}

/// Finds and loads the workspace around `start`.
pub fn discover(start: &Path) -> Result<Workspace, ConfigError> {
    let root = find(start).ok_or_else(|| ConfigError::NotFound(start.to_owned()))?;
    load(&root.join(FILE))
}

/// Reads the platform file's `text` (named `file`, in the workspace `root`).
pub fn parse(text: &str, file: &Path, root: &Path) -> Result<Workspace, ConfigError> {
    let f: File = toml::from_str(text)
        .map_err(|e| ConfigError::Syntax { path: file.to_owned(), message: e.to_string().trim_end().to_owned() })?;
    let invalid =
        |key: &str, message: String| ConfigError::Invalid { path: file.to_owned(), key: key.to_owned(), message };
    let check = |key: &str, value: &str, format: Format| {
        format.check(value).map_err(|e| invalid(key, format!("= {value:?} is not {}: {e}", format.describe())))
    };
    check("cluster.domain", &f.cluster.domain, Format::Dns1123Subdomain)?;
    check("cluster.storage-class", &f.cluster.storage_class, Format::Dns1123Subdomain)?;
    check("cluster.ingress-class", &f.cluster.ingress_class, Format::Dns1123Subdomain)?;
    check("cluster.monitoring-namespace", &f.cluster.monitoring_namespace, Format::Dns1123Label)?;
    for (key, url) in [
        ("git.repo-url", &f.git.repo_url),
        ("cluster.runbook-base-url", &f.cluster.runbook_base_url),
        ("infisical.host", &f.infisical.host),
    ] {
        let ok = ["https://", "http://", "ssh://", "git@"].iter().any(|p| url.starts_with(p))
            && !url.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            return Err(invalid(key, format!("= {url:?} is not a URL (https://..., ssh://... or git@...)")));
        }
    }
    check("infisical.project", &f.infisical.project, Format::Dns1123Label)?;
    check("cluster.ingress-namespace", &f.cluster.ingress_namespace, Format::Dns1123Label)?;
    let access = |key: &str, value: &str| -> Result<Access, ConfigError> {
        value.parse().map_err(|e| invalid(key, format!("= {value:?} is not an access rule: {e}")))
    };
    let s3 = access("s3.endpoint", &f.s3.endpoint)?;
    let api_server = access("cluster.api-server", &f.cluster.api_server)?;
    let exception_namespace = f.policies.exception_namespace.clone().unwrap_or_else(|| "kyverno".into());
    check("policies.exception-namespace", &exception_namespace, Format::Dns1123Label)?;
    let apps_dir = Path::new(&f.git.apps_dir);
    if f.git.apps_dir.is_empty()
        || apps_dir.is_absolute()
        || apps_dir.components().any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(invalid(
            "git.apps-dir",
            format!("= {:?} must be a folder of the repository, relative, without `..`", f.git.apps_dir),
        ));
    }
    let mut revisions = BTreeMap::new();
    for (name, section) in &f.environments {
        let env = Environment::ALL.iter().copied().find(|e| e.as_str() == name).ok_or_else(|| {
            invalid(
                &format!("environments.{name}"),
                format!(
                    "is not an environment: expected {}",
                    Environment::ALL.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let r = &section.revision;
        if r.is_empty()
            || r.chars().any(|c| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c))
            || r.contains("..")
        {
            return Err(invalid(
                &format!("environments.{name}.revision"),
                format!("= {r:?} is not a Git branch, tag or commit"),
            ));
        }
        revisions.insert(env, r.clone());
    }
    for env in Environment::ALL {
        if !revisions.contains_key(env) {
            return Err(invalid(
                &format!("environments.{}", env.as_str()),
                "is missing: every environment tracks a revision".into(),
            ));
        }
    }
    let mut categories: BTreeMap<Category, String> =
        Category::ALL.iter().map(|c| (*c, c.folder().to_owned())).collect();
    for (name, folder) in &f.categories {
        let c = Category::parse(name).ok_or_else(|| {
            invalid(
                &format!("categories.{name}"),
                format!(
                    "is not a category: expected {}",
                    Category::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        check(&format!("categories.{name}"), folder, Format::Dns1123Label)?;
        categories.insert(c, folder.clone());
    }
    let mut seen = BTreeMap::new();
    for (c, folder) in &categories {
        if let Some(other) = seen.insert(folder.clone(), *c) {
            return Err(invalid(
                &format!("categories.{}", c.as_str()),
                format!("= {folder:?} is also the folder of {}", other.as_str()),
            ));
        }
    }
    let platform = Platform {
        domain: f.cluster.domain,
        storage_class: f.cluster.storage_class,
        ingress_class: f.cluster.ingress_class,
        monitoring_namespace: f.cluster.monitoring_namespace,
        git_repo_url: f.git.repo_url,
        revisions,
        apps_dir: f.git.apps_dir.clone(),
        policy_action: f.policies.failure_action.unwrap_or_default(),
        runbook_base_url: f.cluster.runbook_base_url,
        infisical_host: f.infisical.host,
        infisical_project: f.infisical.project,
        categories,
        ingress_namespace: f.cluster.ingress_namespace,
        s3,
        api_server,
        exception_namespace,
    };
    let reports = match f.report.dir {
        Some(d) if !Path::new(&d).is_absolute() && !d.contains("..") => root.join(d),
        Some(d) => return Err(invalid("report.dir", format!("= {d:?} must be a relative folder without `..`"))),
        None => root.join("docs/reports"),
    };
    Ok(Workspace { root: root.to_owned(), apps: root.join(&f.git.apps_dir), reports, platform })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = include_str!("../../elite.toml");

    #[test]
    fn the_workspace_file_is_valid_and_is_the_default_platform() {
        let w = parse(VALID, Path::new("elite.toml"), Path::new("/ws")).unwrap();
        assert_eq!(w.platform, Platform::default());
        assert_eq!(w.apps, Path::new("/ws/apps"));
    }

    #[test]
    fn errors_name_the_key_and_the_line() {
        let bad = VALID.replace("domain = \"truxonline.com\"", "domain = \"Not A Domain\"");
        let e = parse(&bad, Path::new("elite.toml"), Path::new("/ws")).unwrap_err().to_string();
        assert!(e.contains("cluster.domain"), "{e}");
        let unknown = format!("{VALID}\n[cluster2]\nx = 1\n");
        let e = parse(&unknown, Path::new("elite.toml"), Path::new("/ws")).unwrap_err().to_string();
        assert!(e.contains("line") && e.contains("cluster2"), "{e}");
        let no_prod = VALID.replace("[environments.prod]", "[environments.staging]");
        let e = parse(&no_prod, Path::new("elite.toml"), Path::new("/ws")).unwrap_err().to_string();
        assert!(e.contains("environments.staging"), "{e}");
    }
}
