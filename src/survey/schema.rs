//! The JSON Schema (draft 2020-12) of the survey format, generated from the
//! key tables in [`crate::survey::keys`]. Editors use it through the
//! `# yaml-language-server: $schema=` modeline; `farvel schema` prints it and
//! `schema/survey.schema.json` holds the committed copy. The output is
//! deterministic (keys in table order).

use serde_json::{Map, Value as Json, json};

use super::keys::*;

/// The schema as a JSON value.
pub fn schema() -> Json {
    let mut defs = Map::new();
    defs.insert(
        "id".into(),
        json!({"type": "string", "pattern": ID_PATTERN}),
    );
    defs.insert(
        "text".into(),
        json!({
            "description": "A plain string (one-language surveys) or one string per language.",
            "oneOf": [
                {"type": "string"},
                {"type": "object", "minProperties": 1,
                 "propertyNames": {"pattern": LANGUAGE_PATTERN},
                 "additionalProperties": {"type": "string"}}
            ]
        }),
    );
    defs.insert("endpoint".into(), endpoint());
    defs.insert("anonymity".into(), object(ANONYMITY_KEYS));
    defs.insert("section".into(), object(SECTION_KEYS));
    defs.insert("question".into(), question());
    for (ty, _) in TYPE_KEYS {
        let keys = question_keys(ty).unwrap_or_default();
        defs.insert(format!("question_{ty}"), object(&keys));
    }
    let mut root = Map::new();
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert(
        "$id".into(),
        json!("https://farvel.invalid/schema/survey.schema.json"),
    );
    root.insert("title".into(), json!("farvel survey"));
    root.insert(
        "description".into(),
        json!("A survey definition for farvel. Reference: docs/survey-format.md."),
    );
    if let Json::Object(top) = object(TOP_KEYS) {
        root.extend(top);
    }
    root.insert("$defs".into(), Json::Object(defs));
    Json::Object(root)
}

/// The schema as the text `farvel schema` prints (pretty, newline-terminated).
pub fn schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    s.push('\n');
    s
}

const LANGUAGE_PATTERN: &str = "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$";

/// A closed object of these keys.
fn object(keys: &[Key]) -> Json {
    let mut props = Map::new();
    for k in keys {
        let mut s = value(k.ty);
        if let Json::Object(m) = &mut s {
            m.insert("description".into(), json!(k.doc));
        }
        props.insert(k.name.into(), s);
    }
    let required: Vec<&str> = keys.iter().filter(|k| k.required).map(|k| k.name).collect();
    json!({
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": false,
    })
}

/// The schema of one kind of value.
fn value(ty: Ty) -> Json {
    let text = json!({"$ref": "#/$defs/text"});
    let id = json!({"$ref": "#/$defs/id"});
    match ty {
        Ty::Text => text,
        Ty::Str => json!({"type": "string"}),
        Ty::Url => json!({"type": "string", "pattern": "^[a-z][a-z0-9+.-]*:"}),
        Ty::Enum(words) => json!({"enum": words}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Int(min) => json!({"type": "integer", "minimum": min}),
        Ty::Num => json!({"type": "number"}),
        Ty::Id => id,
        Ty::Condition => json!({"type": "string", "minLength": 1}),
        Ty::Languages => json!({
            "type": "array", "minItems": 1, "uniqueItems": true,
            "items": {"type": "string", "pattern": LANGUAGE_PATTERN}
        }),
        Ty::TimeZone => json!({"type": "string", "pattern": "^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$"}),
        Ty::Range => json!({
            "type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "integer"}
        }),
        Ty::Labels => json!({
            "type": "object", "propertyNames": {"pattern": "^-?[0-9]+$"},
            "additionalProperties": text
        }),
        Ty::Options => json!({"oneOf": [
            {"type": "object", "minProperties": 1,
             "propertyNames": {"pattern": ID_PATTERN}, "additionalProperties": text},
            {"type": "array", "minItems": 1, "items": {"type": "string"}}
        ]}),
        Ty::Rows => json!({
            "type": "object", "minProperties": 1,
            "propertyNames": {"pattern": ID_PATTERN}, "additionalProperties": text
        }),
        Ty::IdList => json!({"type": "array", "items": id}),
        Ty::Columns => json!({"type": "object", "additionalProperties": {"type": "string"}}),
        Ty::Ui => json!({
            "type": "object", "propertyNames": {"pattern": LANGUAGE_PATTERN},
            "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}}
        }),
        Ty::Entries => json!({
            "type": "object",
            "additionalProperties": {"oneOf": [
                {"type": "string", "pattern": "^entry\\.[0-9]+$"},
                {"type": "object", "additionalProperties":
                    {"type": "string", "pattern": "^entry\\.[0-9]+$"}}
            ]}
        }),
        Ty::Sections => json!({
            "type": "array", "minItems": 1, "items": {"$ref": "#/$defs/section"}
        }),
        Ty::Questions => json!({
            "type": "array", "minItems": 1, "items": {"$ref": "#/$defs/question"}
        }),
        Ty::Endpoint => json!({"$ref": "#/$defs/endpoint"}),
        Ty::Anonymity => json!({"$ref": "#/$defs/anonymity"}),
        Ty::Fingerprints => json!({
            "type": "array",
            "items": {"type": "string", "pattern": FINGERPRINT_PATTERN}
        }),
        Ty::Expected => json!({
            "type": "object", "propertyNames": {"pattern": ID_PATTERN},
            "additionalProperties": {
                "type": "object", "propertyNames": {"pattern": ID_PATTERN},
                "additionalProperties": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
            }
        }),
    }
}

/// A question: `type` picks the closed object of that type's keys.
fn question() -> Json {
    let branches: Vec<Json> = QUESTION_TYPES
        .iter()
        .map(|ty| {
            json!({
                "if": {"properties": {"type": {"const": ty}}, "required": ["type"]},
                "then": {"$ref": format!("#/$defs/question_{ty}")}
            })
        })
        .collect();
    json!({
        "type": "object",
        "required": ["type", "text"],
        "properties": {"type": {"enum": QUESTION_TYPES}},
        "allOf": branches,
    })
}

/// The endpoint: every key, then per service its required and allowed keys.
fn endpoint() -> Json {
    let Json::Object(mut base) = object(ENDPOINT_KEYS) else {
        return Json::Null;
    };
    base.insert("additionalProperties".into(), json!(false));
    let branches: Vec<Json> = SERVICE_KEYS
        .iter()
        .map(|(service, _, _)| {
            let (allowed, required) = service_keys(service).unwrap_or_default();
            let names: Vec<Json> = allowed.iter().map(|k| json!(k)).collect();
            json!({
                "if": {"properties": {"service": {"const": service}}, "required": ["service"]},
                "then": {"required": required, "propertyNames": {"enum": names}}
            })
        })
        .collect();
    base.insert("allOf".into(), Json::Array(branches));
    Json::Object(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_deterministic_and_complete() {
        assert_eq!(schema_text(), schema_text());
        let s = schema();
        assert_eq!(s["required"], json!(["title", "endpoint", "sections"]));
        for ty in QUESTION_TYPES {
            assert!(s["$defs"][format!("question_{ty}")].is_object(), "{ty}");
        }
        let matrix = &s["$defs"]["question_matrix"]["properties"];
        assert_eq!(matrix["scale"]["enum"], json!(SCALE_PRESET_NAMES));
        assert!(
            s["$defs"]["question_scale"]["properties"]
                .get("segment")
                .is_none()
        );
    }
}
