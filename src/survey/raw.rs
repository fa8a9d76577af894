//! The file as serde reads it: loose, flat structures that mirror the
//! YAML keys one to one (read from the validator's tree by `tree_de`, or by
//! serde_yaml for what that reader leaves to it). `lower` turns a validated `RawSurvey`
//! into the model.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Deserialize;

/// A string that is plain or per language.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawText {
    Plain(String),
    Map(BTreeMap<String, String>),
}

/// Options: `value: label` or a list of plain labels.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawOptions {
    Map(IndexMap<String, RawText>),
    List(Vec<String>),
}

/// A google-forms entry: `entry.N`, or for a matrix row id → `entry.N`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawEntry {
    One(String),
    Rows(BTreeMap<String, String>),
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawSurvey {
    pub id: Option<String>,
    pub languages: Option<Vec<String>>,
    pub timezone: Option<String>,
    pub title: RawText,
    pub intro: Option<RawText>,
    pub thanks: Option<RawText>,
    pub custodian: Option<RawText>,
    pub endpoint: RawEndpoint,
    pub anonymity: Option<RawAnonymity>,
    pub columns: Option<BTreeMap<String, String>>,
    pub ui: Option<BTreeMap<String, BTreeMap<String, String>>>,
    pub collection: Option<String>,
    pub public_key: Option<String>,
    pub accept_fingerprints: Option<Vec<String>>,
    pub sections: Vec<RawSection>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawEndpoint {
    pub service: String,
    pub url: Option<String>,
    pub form_name: Option<String>,
    pub access_key: Option<String>,
    pub entries: Option<BTreeMap<String, RawEntry>>,
    pub labels_language: Option<String>,
    pub multi: Option<String>,
    pub thanks_url: Option<String>,
    pub honeypot: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawAnonymity {
    pub min_group: Option<u32>,
    pub expected_respondents: Option<u32>,
    pub expected: Option<BTreeMap<String, BTreeMap<String, f64>>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawSection {
    pub title: Option<RawText>,
    pub intro: Option<RawText>,
    pub questions: Vec<RawQuestion>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RawQuestion {
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub text: RawText,
    pub hint: Option<RawText>,
    pub required: Option<bool>,
    pub show_if: Option<String>,
    pub segment: Option<bool>,
    pub key: Option<bool>,
    // text
    pub multiline: Option<bool>,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub pattern: Option<String>,
    pub pattern_message: Option<RawText>,
    // number (min/max shared with multi)
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub step: Option<f64>,
    pub integer: Option<bool>,
    // date
    pub precision: Option<String>,
    // choice / multi / ranking
    pub options: Option<RawOptions>,
    pub display: Option<String>,
    pub other: Option<bool>,
    pub none: Option<bool>,
    pub shuffle: Option<bool>,
    pub pin: Option<Vec<String>>,
    // scale / matrix
    pub range: Option<[i64; 2]>,
    pub labels: Option<BTreeMap<i64, RawText>>,
    pub polarity: Option<String>,
    pub scale: Option<String>,
    pub rows: Option<IndexMap<String, RawText>>,
}
