//! The sealed plaintext: the form's (name, value) pairs as canonical JSON,
//! padded to a 1024-byte bucket. Takes pairs and returns padded bytes, and
//! back; see the module doc of [`crate::seal`] for the exact format.

use serde_json::Value;

use super::{BUCKET, SealError};

/// Canonical JSON of the pairs, padded with `0x80 0x00…` to the next
/// multiple of [`BUCKET`] (never zero padding bytes).
pub fn encode_plaintext(fields: &[(String, String)]) -> Vec<u8> {
    let pairs: Vec<Value> = fields
        .iter()
        .map(|(n, v)| Value::Array(vec![Value::String(n.clone()), Value::String(v.clone())]))
        .collect();
    // `v` first: serde_json keeps insertion order (preserve_order).
    let mut obj = serde_json::Map::new();
    obj.insert("v".into(), Value::from(1));
    obj.insert("f".into(), Value::Array(pairs));
    let mut bytes = Value::Object(obj).to_string().into_bytes();
    let padded_len = (bytes.len() + 1).div_ceil(BUCKET) * BUCKET;
    bytes.push(0x80);
    bytes.resize(padded_len, 0);
    bytes
}

/// Strip the padding and read the pairs. Anything that is not exactly what
/// [`encode_plaintext`] writes is [`SealError::Malformed`].
pub fn decode_plaintext(padded: &[u8]) -> Result<Vec<(String, String)>, SealError> {
    if padded.is_empty() || !padded.len().is_multiple_of(BUCKET) {
        return Err(SealError::Malformed);
    }
    let end = padded
        .iter()
        .rposition(|&b| b != 0)
        .ok_or(SealError::Malformed)?;
    if padded[end] != 0x80 {
        return Err(SealError::Malformed);
    }
    let json = &padded[..end];
    let value: Value = serde_json::from_slice(json).map_err(|_| SealError::Malformed)?;
    let Value::Object(obj) = value else {
        return Err(SealError::Malformed);
    };
    if obj.len() != 2 || obj.get("v") != Some(&Value::from(1)) {
        return Err(SealError::Malformed);
    }
    let Some(Value::Array(items)) = obj.get("f") else {
        return Err(SealError::Malformed);
    };
    items.iter().map(pair).collect()
}

fn pair(item: &Value) -> Result<(String, String), SealError> {
    match item.as_array().map(Vec::as_slice) {
        Some([Value::String(n), Value::String(v)]) => Ok((n.clone(), v.clone())),
        _ => Err(SealError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn canonical_json_has_no_whitespace_and_keeps_order_and_repeats() {
        let f = fields(&[("reason", "pay"), ("factors", "a"), ("factors", "b")]);
        let bytes = encode_plaintext(&f);
        let json = br#"{"v":1,"f":[["reason","pay"],["factors","a"],["factors","b"]]}"#;
        assert_eq!(&bytes[..json.len()], json);
        assert_eq!(bytes[json.len()], 0x80);
        assert!(bytes[json.len() + 1..].iter().all(|&b| b == 0));
        assert_eq!(decode_plaintext(&bytes), Ok(f));
    }

    #[test]
    fn escapes_like_json_stringify() {
        let f = fields(&[("c", "\"q\" \\ \n\t\u{1} æ € \u{2028} 😀")]);
        let bytes = encode_plaintext(&f);
        let want = "{\"v\":1,\"f\":[[\"c\",\"\\\"q\\\" \\\\ \\n\\t\\u0001 æ € \u{2028} 😀\"]]}";
        assert_eq!(&bytes[..want.len()], want.as_bytes());
        assert_eq!(decode_plaintext(&bytes), Ok(f));
    }

    #[test]
    fn padding_buckets() {
        // (length of the JSON, padded length)
        let one_empty_field = r#"{"v":1,"f":[["x",""]]}"#.len();
        for (json_len, want) in [
            (one_empty_field, 1024),
            (1023, 1024),
            (1024, 2048),
            (2047, 2048),
            (2048, 3072),
        ] {
            let filler = json_len - one_empty_field;
            let f = fields(&[("x", &"a".repeat(filler))]);
            let bytes = encode_plaintext(&f);
            assert_eq!(bytes.len(), want, "json of {json_len} bytes");
            assert_eq!(decode_plaintext(&bytes), Ok(f));
        }
        assert_eq!(encode_plaintext(&[]).len(), 1024);
    }

    #[test]
    fn rejects_everything_else() {
        let mut no_marker = br#"{"v":1,"f":[]}"#.to_vec();
        no_marker.resize(1024, 0);
        let mut cases: Vec<Vec<u8>> = vec![
            vec![],
            vec![0; 1024],
            no_marker,
            br#"{"v":1,"f":[]}"#.to_vec(),
        ];
        for json in [
            r#"{"v":2,"f":[]}"#,
            r#"{"f":[]}"#,
            r#"{"v":1,"f":[],"x":0}"#,
            r#"{"v":1,"f":[["a"]]}"#,
            r#"{"v":1,"f":[["a",1]]}"#,
            r#"{"v":1,"f":{}}"#,
            r#"[1]"#,
            "{\"v\":1,\"f\":[[\"a\",\"\u{0}\"]]", // not JSON
        ] {
            let mut b = json.as_bytes().to_vec();
            b.push(0x80);
            b.resize(1024, 0);
            cases.push(b);
        }
        for c in cases {
            assert_eq!(decode_plaintext(&c), Err(SealError::Malformed));
        }
    }
}
