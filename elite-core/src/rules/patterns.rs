//! The text patterns rules read commands and values with, each written once as a regular
//! expression in the subset RE2 (Kyverno's CEL) and Rust's regex engines read alike: no escapes
//! (character classes instead), no `\b` or `\s` (whose Unicode meanings differ), no lookaround.
//! The Rust predicate and the generated CEL use the same text, so they cannot drift.

use std::sync::OnceLock;

use regex::Regex;

/// Blanks between shell words.
macro_rules! ws {
    () => {
        "[ \t\n\r]"
    };
}

/// What may precede a program name: the start, a blank, a shell separator, a quote, `/`.
macro_rules! program_start {
    () => {
        "(^|[ \t\n\r;&|(`'\"/])"
    };
}

/// The rest of a simple command before a word (no separator in between), ending in a blank.
macro_rules! same_command {
    () => {
        "([^;&|\n]*[ \t])?"
    };
}

/// What may follow a word: a blank, a separator, a quote, or the end.
macro_rules! word_end {
    () => {
        "([ \t\n\r;&|)`'\"]|$)"
    };
}

/// A command that installs software at start (DUR-9), in any flag order, anywhere in the
/// command line: package managers, language installers, and a download piped to a shell.
pub const INSTALL: &str = concat!(
    program_start!(),
    "(",
    "apk",
    ws!(),
    "+",
    same_command!(),
    "add",
    "|(apt-get|apt|aptitude)",
    ws!(),
    "+",
    same_command!(),
    "install",
    "|(yum|dnf|microdnf|tdnf|zypper)",
    ws!(),
    "+",
    same_command!(),
    "(install|in)",
    "|(pip|pip3|pipx|pip[0-9][.0-9]*)",
    ws!(),
    "+",
    same_command!(),
    "install",
    "|(npm|pnpm|yarn|bun)",
    ws!(),
    "+",
    same_command!(),
    "(install|i|add|ci)",
    "|(gem|cargo|go|conda|mamba|micromamba|brew|opkg|pecl|cpanm|luarocks)",
    ws!(),
    "+",
    same_command!(),
    "(install|get)",
    "|pacman",
    ws!(),
    "+",
    same_command!(),
    "-S[a-z]*",
    "|dpkg",
    ws!(),
    "+",
    same_command!(),
    "(-i|--install)",
    "|rpm",
    ws!(),
    "+",
    same_command!(),
    "(-i|-U|--install|--upgrade)[a-z]*",
    "|(curl|wget)",
    ws!(),
    "[^;&\n]*[|]",
    ws!(),
    "*(sudo",
    ws!(),
    "+)?(ba|z|da|a|k)?sh",
    "|(ba|z|da|a|k)?sh",
    ws!(),
    "+<[(]",
    ws!(),
    "*(curl|wget)",
    "|(ba|z|da|a|k)?sh",
    ws!(),
    "+-c",
    ws!(),
    "+['\"]?[$][(]",
    ws!(),
    "*(curl|wget)",
    ")",
    word_end!(),
);

/// A shell idiom that swallows a failed command (DUR-8): `|| true`, `|| :`, `|| exit 0`.
pub const SWALLOWED_ERRORS: &str = concat!("[|][|]", ws!(), "*(true|:|exit", ws!(), "+0)", word_end!());

/// An environment variable name (upper-cased) that names a credential (DUR-7).
pub const CREDENTIAL_NAME: &str = "(^|[_.-])(PASSWORD|PASSWD|PASS|PWD|PASSPHRASE|SECRET|TOKEN|APIKEY|CREDENTIALS?|PRIVATE_?KEY|ACCESS_?KEY|API_?KEY|SECRET_?KEY|AUTH_?KEY|MASTER_?KEY|ENCRYPTION_?KEY|SIGNING_?KEY|CLIENT_?SECRET)([_.-]|$)";

/// A credential-looking name (upper-cased) that names something about a credential, not the
/// credential itself: where it is (`_FILE`, `_URL`, `_ENDPOINT`), how it behaves (`_TTL`,
/// `_LENGTH`), who it is for (`_USER`, `_NAME`).
pub const NOT_CREDENTIAL_NAME: &str = "[_.-](FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|HOSTNAME|PORT|NAME|USER|USERNAME|TYPE|TTL|LENGTH|LEN|MODE|ENABLED|ENABLE|DISABLED|DISABLE|HEADER|METHOD|EXPIRY|EXPIRATION|EXPIRES|TIMEOUT|LIFETIME|AGE|ISSUER|AUDIENCE|PROVIDER|KIND|FORMAT|LOCATION|SOURCE|FIELD|REALM|SCOPE|SCOPES|ALGORITHM|ALG|REQUIRED|POLICY|MIN|MAX|COUNT|INTERVAL|DURATION|SECONDS|MINUTES|HOURS|DAYS|REFRESH|ROTATION|VERSION|STRENGTH|COST|ROUNDS)$";

/// A value that holds no secret even under a credential's name: empty, a variable reference
/// (`$(VAR)`, `${VAR}`), a path (to a mounted secret file), a boolean, or a URL without
/// credentials.
pub const NOT_SECRET_VALUE: &str = "^([$][(][A-Za-z_][A-Za-z0-9_]*[)]|[$][{]?[A-Za-z_][A-Za-z0-9_]*[}]?|/[^ \t\n\r]*|true|false|True|False|TRUE|FALSE|[A-Za-z][A-Za-z0-9+.-]*://[^@ \t\n\r]*)?$";

/// A value that is a credential whatever its name: a URL with a password, a well-known token
/// format (GitHub, GitLab, Slack, OpenAI-style, AWS access key, JWT) or a private key.
pub const CREDENTIAL_VALUE: &str = concat!(
    "[A-Za-z][A-Za-z0-9+.-]*://[^/@: \t\n\r]*:[^$/@ \t\n\r][^/@ \t\n\r]*@",
    "|(^|[^A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{10,}[.]eyJ[A-Za-z0-9_-]{10,}[.][A-Za-z0-9_-]{10,})",
    "|-----BEGIN [A-Z ]*PRIVATE KEY-----",
);

/// A command-line flag (lower-cased line) that passes a credential's value: `--password=x`,
/// `--token x` (not a `$VAR` reference, a path, or another flag).
pub const CREDENTIAL_FLAG: &str = concat!(
    "(^|",
    ws!(),
    ")--?(password|passwd|pass|token|secret|api-key|apikey|access-key|secret-key|client-secret|auth-token|private-key)(=|",
    ws!(),
    "+)[^-$/ \t\n\r]",
);

/// An rclone filter flag whose pattern holds a regular-expression idiom (DUR-3): an escaped dot
/// or class (`\.`, `\d`), `.+`, a group `(?`, or a `^`/`$` anchor. rclone reads filters as
/// globs (a regular expression must be wrapped in `{{ }}`), so `.*\.db.*` matches no database.
/// A `.*` alone is a valid glob (hidden files) and is not flagged.
pub const REGEX_IN_GLOB: &str = concat!(
    "--(exclude|include|filter)(=|",
    ws!(),
    "+)['\"]?([-+]",
    ws!(),
    "+)?",
    "([\\^]|[^ \t\n\r'\"{]*([\\\\][.dwsDWS]|[.][+]|[(][?]|[$](['\"]|",
    ws!(),
    "|$)))",
);

/// A character a database path may not hold: a blank, or a shell metacharacter the restore
/// scripts' word splitting or globbing would act on.
pub const UNSAFE_PATH_CHAR: &str = "[ \t\n\r\"'$`\\\\;&|<>*?()\\[\\]{}#~!]";

macro_rules! compiled {
    ($($f:ident => $p:ident),+ $(,)?) => {
        $(
            #[doc = concat!("[`", stringify!($p), "`], compiled once.")]
            pub fn $f() -> &'static Regex {
                static RE: OnceLock<Regex> = OnceLock::new();
                RE.get_or_init(|| Regex::new($p).expect("the catalog's patterns compile (tested)"))
            }
        )+
    };
}

compiled! {
    install => INSTALL,
    swallowed_errors => SWALLOWED_ERRORS,
    credential_name => CREDENTIAL_NAME,
    not_credential_name => NOT_CREDENTIAL_NAME,
    not_secret_value => NOT_SECRET_VALUE,
    credential_value => CREDENTIAL_VALUE,
    credential_flag => CREDENTIAL_FLAG,
    minio_image => MINIO_IMAGE,
    unsafe_path_char => UNSAFE_PATH_CHAR,
    regex_in_glob => REGEX_IN_GLOB,
}

/// A MinIO server image (PRIO-4), by its repository's last path component wherever it is hosted.
pub const MINIO_IMAGE: &str = crate::model::image::MINIO_IMAGE_RE;

/// The first install command in `line` (DUR-9), trimmed.
pub fn find_install(line: &str) -> Option<String> {
    install().find(line).map(|m| m.as_str().trim_matches(|c: char| " \t\n\r;&|()`'\"/".contains(c)).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installs_in_any_flag_order() {
        for line in [
            "apk add curl",
            "/bin/sh -c apk --no-cache add rclone inotify-tools",
            "set -e; apk -U add curl && run",
            "apt-get -y install curl",
            "apt-get update && apt-get install -y --no-install-recommends curl",
            "sudo apt install x",
            "pip install requests",
            "python3 -m pip install --user x",
            "pip3.11 install x",
            "npm i -g serve",
            "npm ci",
            "yarn global add x",
            "dnf -y install x",
            "curl -fsSL https://get.example | sh",
            "wget -qO- https://x | sudo bash",
            "bash <(curl -s https://x)",
            "sh -c \"$(curl -fsSL https://x)\"",
            "go install example.com/x@v1",
            "cargo install ripgrep",
            "/sbin/apk add x",
        ] {
            assert!(find_install(line).is_some(), "{line}");
        }
        for line in [
            "litestream replicate -config /etc/elite/litestream.yml",
            "rclone copy /config s3:bucket/config --filter-from /etc/elite/rclone-filter.txt",
            "echo installing",
            "npm run build",
            "apk info",
            "mypip install",
            "curl -fsSL https://x -o /tmp/x",
            crate::pod::RESTORE_CONFIG_SCRIPT,
            crate::pod::RESTORE_DB_SCRIPT,
            crate::pod::CONFIG_SYNCER_SCRIPT,
        ] {
            assert!(find_install(line).is_none(), "{line}: {:?}", find_install(line));
        }
    }

    #[test]
    fn regular_expressions_given_to_rclone_filters_are_found() {
        for l in [
            r#"rclone sync /config s3:b/config --exclude ".*\.db.*""#,
            r#"rclone sync /config s3:b --exclude=.*\.db"#,
            r#"rclone copy a b --filter "- ^cache/""#,
            r#"rclone copy a b --include '.+\.json'"#,
            r#"rclone copy a b --exclude "\d+.log""#,
            r#"rclone copy a b --exclude "db$""#,
        ] {
            assert!(regex_in_glob().is_match(l), "{l}");
        }
        for l in [
            r#"rclone sync /config s3:b --exclude "*.db*""#,
            r#"rclone sync /config s3:b --exclude ".*""#,
            r#"rclone sync /config s3:b --exclude "*.db.*" --exclude "logs/**""#,
            r#"rclone sync /config s3:b --exclude "{{.*\.db}}""#,
            r#"rclone sync /config s3:b --filter-from /etc/elite/rclone-filter.txt"#,
            r#"rclone sync /config "s3:$BUCKET/x" --exclude "*.db""#,
            crate::pod::CONFIG_SYNCER_SCRIPT,
            crate::pod::RESTORE_CONFIG_SCRIPT,
        ] {
            assert!(!regex_in_glob().is_match(l), "{l}");
        }
    }

    #[test]
    fn swallowed_errors_are_found() {
        for l in ["restore || true", "x ||true; y", "x || :", "x || exit 0"] {
            assert!(swallowed_errors().is_match(l), "{l}");
        }
        for l in ["x || exit 1", "x || echo failed >&2; exit 1", "true"] {
            assert!(!swallowed_errors().is_match(l), "{l}");
        }
    }
}
