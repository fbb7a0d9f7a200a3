//! The JSON Schema of an app declaration (feature `schema`), published as
//! `schema/app.schema.json` for tools that write declarations as data. Besides the shape of the
//! data model, it carries what a schema can express of the rules, each constraint naming its rule
//! in its `description`; the catalog judges the rest (`elite check`).

use serde_json::{Value, json};

use crate::model::Priority;
use crate::model::image::{IMAGE_REFERENCE_RE, UNPINNED_IMAGE_RE};
use crate::rules::declaration::MAX_APP_NAME;
use crate::rules::patterns::UNSAFE_PATH_CHAR;

/// A DNS-1035 label (`names::dns1035_label`), as a regular expression.
pub const DNS1035_LABEL_RE: &str = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

/// The JSON Schema of [`AppSpec`](crate::AppSpec), pretty-printed, with a trailing newline.
pub fn app_schema() -> String {
    let mut schema = serde_json::to_value(schemars::schema_for!(crate::AppSpec)).expect("a schema serializes");
    constrain(&mut schema);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    s.push('\n');
    s
}

/// A path the durability scripts accept: absolute, without a blank or a shell metacharacter.
fn durable_path_re() -> String {
    format!("^/[^{}*$", &UNSAFE_PATH_CHAR[1..])
}

/// Adds the rules a schema can express to the data model's shape.
fn constrain(schema: &mut Value) {
    let props = &mut schema["properties"];
    props["name"]["pattern"] = json!(DNS1035_LABEL_RE);
    props["name"]["maxLength"] = json!(MAX_APP_NAME);
    props["name"]["description"] = json!(format!(
        "App name, a DNS-1035 label of at most {MAX_APP_NAME} characters (DECL: the names derived from it stay DNS labels): names the workload, its Service and its S3 prefix."
    ));
    // PRIO-2: an Elite app states its class, and only an Elite one.
    let elite: Vec<Value> = Priority::ALL
        .iter()
        .filter(|p| p.is_elite())
        .map(|p| serde_json::to_value(p).expect("a priority serializes"))
        .collect();
    props["priority"] = json!({
        "description": format!("The priority class (PRIO-1, PRIO-2: required, one of {}).", elite.iter().map(Value::to_string).collect::<Vec<_>>().join(", ")),
        "enum": elite,
    });
    if let Some(required) = schema["required"].as_array_mut() {
        required.push(json!("priority"));
    }
    // META-1: a valid reference, pinned by a tag other than `latest` or by a digest.
    let props = &mut schema["properties"];
    props["image"] = json!({
        "description": "Container image, pinned (META-1): a valid reference with a tag other than `latest`, or a sha256 digest.",
        "type": "string",
        "pattern": IMAGE_REFERENCE_RE,
        "anyOf": [{ "pattern": "@" }, { "not": { "pattern": UNPINNED_IMAGE_RE } }],
    });
    let defs = &mut schema["$defs"];
    defs["Mount"]["properties"]["path"]["pattern"] = json!("^/");
    defs["Database"]["properties"]["path"]["pattern"] = json!(durable_path_re());
    defs["Database"]["properties"]["path"]["description"] = json!(
        "Absolute path of the file, inside a volume of the main container, without blanks or shell metacharacters (DUR-4)."
    );
    defs["ConfigSync"]["properties"]["dir"]["pattern"] = json!(durable_path_re());
    defs["ConfigSync"]["properties"]["dir"]["description"] = json!(
        "Absolute path of the directory, inside a writable mount of the main container, without blanks or shell metacharacters (DUR-3)."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_pattern_is_the_dns1035_check() {
        let re = regex::Regex::new(DNS1035_LABEL_RE).unwrap();
        for s in ["a", "web", "a-1", "adguard-home", "-a", "a-", "1a", "A", "a_b", "a.b", "", "a--b"] {
            assert_eq!(re.is_match(s), crate::names::dns1035_label(s).is_ok() || s.len() > 63, "{s:?}");
        }
    }

    #[test]
    fn the_durable_path_pattern_is_the_unsafe_character_check() {
        let re = regex::Regex::new(&durable_path_re()).unwrap();
        let unsafe_char = regex::Regex::new(UNSAFE_PATH_CHAR).unwrap();
        for s in
            ["/config/app.db", "/config/a b.db", "/c/$x", "/c/*", "/c/[a]", "/c/a;b", "/c/a~", "/c/é.db", "/c/a\tb"]
        {
            assert_eq!(re.is_match(s), !unsafe_char.is_match(s), "{s:?}");
        }
    }
}
