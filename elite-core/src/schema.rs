//! The JSON Schema of an app declaration (feature `schema`), published as
//! `schema/app.schema.json` for tools that write declarations as data.

/// The JSON Schema of [`AppSpec`](crate::AppSpec), pretty-printed, with a trailing newline.
pub fn app_schema() -> String {
    let schema = schemars::schema_for!(crate::AppSpec);
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    s.push('\n');
    s
}
