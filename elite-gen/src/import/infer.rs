//! What a manifest does not say and the import must infer: the runtime (from the image, then the
//! command and environment), the category (from the source folder, the namespace, the app), and
//! the format of a database file. Each inference says whether it is a guess.

use elite_core::model::{Category, DbFormat, ImageRef, Runtime};
use serde_json::Value;

/// Well-known images by the last component of their repository (or a prefix of it), with
/// their runtime and category.
const KNOWN: &[(&str, Runtime, Category)] = &[
    ("sonarr", Runtime::DotNet, Category::Media),
    ("radarr", Runtime::DotNet, Category::Media),
    ("lidarr", Runtime::DotNet, Category::Media),
    ("readarr", Runtime::DotNet, Category::Media),
    ("prowlarr", Runtime::DotNet, Category::Media),
    ("whisparr", Runtime::DotNet, Category::Media),
    ("jackett", Runtime::DotNet, Category::Media),
    ("ombi", Runtime::DotNet, Category::Media),
    ("recyclarr", Runtime::DotNet, Category::Media),
    ("jellyfin", Runtime::DotNet, Category::Media),
    ("emby", Runtime::DotNet, Category::Media),
    ("bitwarden", Runtime::DotNet, Category::Services),
    ("bazarr", Runtime::Python, Category::Media),
    ("sabnzbd", Runtime::Python, Category::Media),
    ("mylar", Runtime::Python, Category::Media),
    ("mylar3", Runtime::Python, Category::Media),
    ("tautulli", Runtime::Python, Category::Media),
    ("lazylibrarian", Runtime::Python, Category::Media),
    ("calibre", Runtime::Python, Category::Media),
    ("calibre-web", Runtime::Python, Category::Media),
    ("flaresolverr", Runtime::Python, Category::Media),
    ("home-assistant", Runtime::Python, Category::Home),
    ("homeassistant", Runtime::Python, Category::Home),
    ("esphome", Runtime::Python, Category::Home),
    ("music-assistant-server", Runtime::Python, Category::Home),
    ("frigate", Runtime::Python, Category::Home),
    ("paperless-ngx", Runtime::Python, Category::Services),
    ("mealie", Runtime::Python, Category::Services),
    ("tandoor", Runtime::Python, Category::Services),
    ("recipes", Runtime::Python, Category::Services),
    ("authentik", Runtime::Python, Category::Infra),
    ("vaultwarden", Runtime::Rust, Category::Services),
    ("node-red", Runtime::Node, Category::Home),
    ("zigbee2mqtt", Runtime::Node, Category::Home),
    ("homebridge", Runtime::Node, Category::Home),
    ("scrypted", Runtime::Node, Category::Home),
    ("overseerr", Runtime::Node, Category::Media),
    ("jellyseerr", Runtime::Node, Category::Media),
    ("audiobookshelf", Runtime::Node, Category::Media),
    ("tdarr", Runtime::Node, Category::Media),
    ("uptime-kuma", Runtime::Node, Category::Monitoring),
    ("homepage", Runtime::Node, Category::Tools),
    ("n8n", Runtime::Node, Category::Tools),
    ("code-server", Runtime::Node, Category::Tools),
    ("wiki", Runtime::Node, Category::Services),
    ("ghost", Runtime::Node, Category::Services),
    ("immich-server", Runtime::Node, Category::Services),
    ("immich-machine-learning", Runtime::Python, Category::Services),
    ("infisical", Runtime::Node, Category::Infra),
    ("keycloak", Runtime::Jvm, Category::Infra),
    ("unifi", Runtime::Jvm, Category::Network),
    ("unifi-controller", Runtime::Jvm, Category::Network),
    ("unifi-network-application", Runtime::Jvm, Category::Network),
    ("jenkins", Runtime::Jvm, Category::Tools),
    ("elasticsearch", Runtime::Jvm, Category::Monitoring),
    ("adguardhome", Runtime::Go, Category::Network),
    ("external-dns", Runtime::Go, Category::Network),
    ("traefik", Runtime::Go, Category::Network),
    ("coredns", Runtime::Go, Category::Network),
    ("cloudflared", Runtime::Go, Category::Network),
    ("tailscale", Runtime::Go, Category::Network),
    ("minio", Runtime::Go, Category::Infra),
    ("cert-manager-controller", Runtime::Go, Category::Infra),
    ("argocd", Runtime::Go, Category::Infra),
    ("kyverno", Runtime::Go, Category::Infra),
    ("grafana", Runtime::Go, Category::Monitoring),
    ("prometheus", Runtime::Go, Category::Monitoring),
    ("alertmanager", Runtime::Go, Category::Monitoring),
    ("loki", Runtime::Go, Category::Monitoring),
    ("promtail", Runtime::Go, Category::Monitoring),
    ("gitea", Runtime::Go, Category::Tools),
    ("forgejo", Runtime::Go, Category::Tools),
    ("syncthing", Runtime::Go, Category::Storage),
    ("filebrowser", Runtime::Go, Category::Storage),
    ("navidrome", Runtime::Go, Category::Media),
    ("unpackerr", Runtime::Go, Category::Media),
    ("notifiarr", Runtime::Go, Category::Media),
    ("authelia", Runtime::Go, Category::Infra),
    ("caddy", Runtime::Go, Category::Network),
    ("whoami", Runtime::Go, Category::Tools),
    ("plex", Runtime::Native, Category::Media),
    ("pms-docker", Runtime::Native, Category::Media),
    ("qbittorrent", Runtime::Native, Category::Media),
    ("transmission", Runtime::Native, Category::Media),
    ("nzbget", Runtime::Native, Category::Media),
    ("mosquitto", Runtime::Native, Category::Home),
    ("eclipse-mosquitto", Runtime::Native, Category::Home),
    ("pihole", Runtime::Native, Category::Network),
    ("nginx", Runtime::Native, Category::Network),
    ("postgres", Runtime::Native, Category::Storage),
    ("mariadb", Runtime::Native, Category::Storage),
    ("mysql", Runtime::Native, Category::Storage),
    ("redis", Runtime::Native, Category::Storage),
    ("valkey", Runtime::Native, Category::Storage),
    ("nextcloud", Runtime::Native, Category::Services),
    ("heimdall", Runtime::Native, Category::Tools),
];

/// The known image matching `image`: its repository's last component, or the one before it for
/// generic names (`vaultwarden/server`).
fn known(image: &str) -> Option<&'static (&'static str, Runtime, Category)> {
    let path = ImageRef::parse(image)
        .map(|r| r.path)
        .unwrap_or_else(|_| image.split(['@', ':']).next().unwrap_or(image).to_owned());
    let parts: Vec<&str> = path.rsplit('/').collect();
    let last = parts.first().copied().unwrap_or_default();
    let owner = parts.get(1).copied().unwrap_or_default();
    KNOWN.iter().find(|(k, ..)| last == *k).or_else(|| KNOWN.iter().find(|(k, ..)| owner == *k)).or_else(|| {
        KNOWN.iter().find(|(k, ..)| last.starts_with(&format!("{k}-")) || last.starts_with(&format!("{k}_")))
    })
}

/// A runtime and how it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inferred<T> {
    /// The value.
    pub value: T,
    /// `None` when certain; otherwise what the guess rests on.
    pub guess: Option<String>,
}

/// The runtime of the main container: the `vixens.io/runtime` annotation, a well-known image,
/// the command (`java`, `dotnet`, `python`, `node`), the environment (`JAVA_OPTS`,
/// `DOTNET_*`, `PYTHON*`, `NODE_*`), else Go, said to be a guess.
pub fn runtime(image: &str, main: &Value, annotations: &Value) -> Inferred<Runtime> {
    if let Some(r) = annotations["vixens.io/runtime"].as_str().and_then(Runtime::parse) {
        return Inferred { value: r, guess: None };
    }
    if let Some((k, r, _)) = known(image) {
        return Inferred { value: *r, guess: Some(format!("from the image (`{k}` runs on {})", r.name())) };
    }
    let words: Vec<String> = ["command", "args"]
        .iter()
        .flat_map(|k| main[k].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .flat_map(|s| s.split_whitespace().map(|w| w.rsplit('/').next().unwrap_or(w).to_owned()).collect::<Vec<_>>())
        .collect();
    let by_command: [(&[&str], Runtime); 4] = [
        (&["java", "-jar"], Runtime::Jvm),
        (&["dotnet"], Runtime::DotNet),
        (&["python", "python3", "gunicorn", "uvicorn", "celery"], Runtime::Python),
        (&["node", "npm", "yarn", "pnpm"], Runtime::Node),
    ];
    for (cmds, r) in by_command {
        if let Some(w) =
            words.iter().find(|w| cmds.contains(&w.as_str()) || (w.starts_with("python") && r == Runtime::Python))
        {
            return Inferred { value: r, guess: Some(format!("from the command (`{w}`)")) };
        }
    }
    let env_names: Vec<String> =
        main["env"].as_array().into_iter().flatten().filter_map(|e| e["name"].as_str().map(str::to_owned)).collect();
    let by_env: [(&[&str], Runtime); 4] = [
        (&["JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JVM_OPTS", "JAVA_HOME"], Runtime::Jvm),
        (&["DOTNET_", "ASPNETCORE_"], Runtime::DotNet),
        (&["PYTHONUNBUFFERED", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE"], Runtime::Python),
        (&["NODE_ENV", "NODE_OPTIONS"], Runtime::Node),
    ];
    for (names, r) in by_env {
        if let Some(n) =
            env_names.iter().find(|n| names.iter().any(|p| if p.ends_with('_') { n.starts_with(p) } else { n == p }))
        {
            return Inferred { value: r, guess: Some(format!("from the environment (`{n}`)")) };
        }
    }
    Inferred {
        value: Runtime::Go,
        guess: Some("runtime: not in the image, command or environment; Go assumed: JVM, Python and .NET apps need a startupProbe (PROBE-3), check it".into()),
    }
}

/// Names a folder or namespace uses for each category.
const CATEGORY_WORDS: [(Category, &[&str]); 8] = [
    (
        Category::Infra,
        &[
            "infra",
            "infrastructure",
            "core",
            "system",
            "kube-system",
            "platform",
            "cert-manager",
            "argocd",
            "kyverno",
            "security",
            "auth",
            "identity",
        ],
    ),
    (Category::Storage, &["storage", "databases", "database", "db", "data", "backup", "backups", "minio", "nas"]),
    (Category::Monitoring, &["monitoring", "observability", "metrics", "logging", "logs", "prometheus", "grafana"]),
    (Category::Home, &["home", "home-automation", "homeautomation", "smarthome", "smart-home", "iot", "automation"]),
    (Category::Media, &["media", "downloads", "download", "arr", "servarr", "streaming", "photos"]),
    (Category::Network, &["network", "networking", "net", "dns", "ingress", "vpn", "proxy", "edge"]),
    (Category::Services, &["services", "service", "apps", "applications", "productivity", "documents", "finance"]),
    (Category::Tools, &["tools", "tooling", "dev", "utilities", "utils", "ci"]),
];

/// The category of a word (a folder or namespace name): `20-media`, `networking`, `home`.
fn category_of_word(word: &str) -> Option<Category> {
    let w = word.to_ascii_lowercase();
    if let Some(c) = Category::ALL.iter().find(|c| c.folder() == w) {
        return Some(*c);
    }
    // `20-media` → `media`, `40_networking` → `networking`.
    let stripped = w.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start_matches(['-', '_']);
    CATEGORY_WORDS.iter().find(|(_, words)| words.contains(&stripped)).map(|(c, _)| *c)
}

/// The category of the app: a folder of the source path (`apps/20-media/...`, `networking/`),
/// the namespace, the well-known app, else Tools, said to be a guess.
pub fn category(file: &str, namespace: Option<&str>, image: &str, name: &str) -> Inferred<Category> {
    // The folder closest to the file wins: `apps/40-network/adguard/base` is Network.
    let folders: Vec<&str> = file.split(['/', '\\']).collect();
    for seg in folders.iter().rev().skip(1) {
        if let Some(c) = category_of_word(seg) {
            return Inferred { value: c, guess: None };
        }
    }
    if let Some(c) = namespace.and_then(category_of_word) {
        return Inferred { value: c, guess: None };
    }
    if let Some((k, _, c)) = known(image).or_else(|| KNOWN.iter().find(|(k, ..)| *k == name)) {
        return Inferred { value: *c, guess: Some(format!("category: from the app (`{k}`)")) };
    }
    Inferred {
        value: Category::Tools,
        guess: Some("category: neither the path, the namespace nor the image names one; Tools assumed".into()),
    }
}

/// The format of a database file, by its name: bbolt for `.bolt`, `.boltdb` and the bbolt files
/// of known apps (AdGuard Home's `stats.db` and `sessions.db`), SQLite otherwise.
pub fn db_format(path: &str, image: &str) -> Inferred<DbFormat> {
    let file = path.rsplit('/').next().unwrap_or(path);
    if file.ends_with(".bolt") || file.ends_with(".boltdb") || file.ends_with(".kv") {
        return Inferred { value: DbFormat::Bbolt, guess: None };
    }
    if known(image).is_some_and(|(k, ..)| *k == "adguardhome") && ["stats.db", "sessions.db"].contains(&file) {
        return Inferred {
            value: DbFormat::Bbolt,
            guess: Some(format!("{file}: AdGuard Home keeps it in bbolt, not SQLite")),
        };
    }
    Inferred { value: DbFormat::Sqlite, guess: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtimes() {
        let none = serde_json::json!({});
        assert_eq!(runtime("ghcr.io/linuxserver/radarr:5", &none, &none).value, Runtime::DotNet);
        assert_eq!(runtime("vaultwarden/server:1.35", &none, &none).value, Runtime::Rust);
        assert_eq!(runtime("lscr.io/linuxserver/bazarr:1", &none, &none).value, Runtime::Python);
        let java = serde_json::json!({"command": ["java", "-jar", "/app.jar"]});
        assert_eq!(runtime("example/thing:1", &java, &none).value, Runtime::Jvm);
        let env = serde_json::json!({"env": [{"name": "ASPNETCORE_URLS", "value": "x"}]});
        assert_eq!(runtime("example/thing:1", &env, &none).value, Runtime::DotNet);
        let unknown = runtime("example/thing:1", &none, &none);
        assert!(unknown.value == Runtime::Go && unknown.guess.is_some());
    }

    #[test]
    fn categories() {
        assert_eq!(category("apps/20-media/sonarr/base/deployment.yaml", None, "x:1", "x").value, Category::Media);
        assert_eq!(category("clusters/prod/networking/adguard/deploy.yaml", None, "x:1", "x").value, Category::Network);
        assert_eq!(category("d.yaml", Some("home-automation"), "x:1", "x").value, Category::Home);
        assert_eq!(
            category("d.yaml", Some("default"), "ghcr.io/linuxserver/sonarr:4", "sonarr").value,
            Category::Media
        );
        assert!(category("d.yaml", Some("default"), "x:1", "x").guess.is_some());
    }

    #[test]
    fn formats() {
        assert_eq!(
            db_format("/opt/adguardhome/work/data/stats.db", "adguard/adguardhome:v0.107").value,
            DbFormat::Bbolt
        );
        assert_eq!(db_format("/config/sonarr.db", "linuxserver/sonarr:4").value, DbFormat::Sqlite);
    }
}
