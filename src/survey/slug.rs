//! The slug rule for ids and option values derived from labels.

/// `^[a-z][a-z0-9]*(_[a-z0-9]+)*$`
pub fn is_slug(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_lowercase() || b[b.len() - 1] == b'_' {
        return false;
    }
    let mut prev_us = false;
    for &c in b {
        match c {
            b'a'..=b'z' | b'0'..=b'9' => prev_us = false,
            b'_' if !prev_us => prev_us = true,
            _ => return false,
        }
    }
    true
}

/// A label turned into an option value: lower case, æ→ae, ø→o, å→aa, other
/// letters by their base letter, runs of anything else → `_`. A result that
/// would start with a digit gets an `o_` prefix; an empty one becomes `option`.
pub fn slugify(label: &str) -> String {
    let mut out = String::new();
    let mut pending_us = false;
    for ch in label.chars().flat_map(char::to_lowercase) {
        let mapped: Option<&str> = match ch {
            'æ' => Some("ae"),
            'ø' | 'ö' | 'ó' | 'ò' | 'ô' | 'õ' => Some("o"),
            'å' => Some("aa"),
            'ä' | 'á' | 'à' | 'â' | 'ã' => Some("a"),
            'é' | 'è' | 'ê' | 'ë' => Some("e"),
            'í' | 'ì' | 'î' | 'ï' => Some("i"),
            'ú' | 'ù' | 'û' | 'ü' => Some("u"),
            'ç' => Some("c"),
            'ñ' => Some("n"),
            'ß' => Some("ss"),
            'ý' | 'ÿ' => Some("y"),
            _ => None,
        };
        let piece = match mapped {
            Some(s) => s.to_string(),
            None if ch.is_ascii_lowercase() || ch.is_ascii_digit() => ch.to_string(),
            None => {
                pending_us = !out.is_empty();
                continue;
            }
        };
        if pending_us {
            out.push('_');
            pending_us = false;
        }
        out.push_str(&piece);
    }
    if out.is_empty() {
        return "option".into();
    }
    if out.as_bytes()[0].is_ascii_digit() {
        out.insert_str(0, "o_");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_rule() {
        for ok in ["a", "reason", "manager_rating", "q1", "a_b_c"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in ["", "_a", "a_", "a__b", "A", "1a", "a-b", "æ"] {
            assert!(!is_slug(bad), "{bad}");
        }
    }

    #[test]
    fn slugify_labels() {
        let cases = [
            ("Lønn og goder", "lonn_og_goder"),
            ("Kundestøtte", "kundestotte"),
            ("Fjernarbeid / hjemmekontor!", "fjernarbeid_hjemmekontor"),
            ("Ærlig", "aerlig"),
            ("Åpenhet", "aapenhet"),
            ("Café", "cafe"),
            ("3 years", "o_3_years"),
            ("!!!", "option"),
        ];
        for (label, want) in cases {
            assert_eq!(slugify(label), want, "{label}");
            assert!(is_slug(&slugify(label)));
        }
    }
}
