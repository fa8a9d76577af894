//! Two-person keys: the private scalar split into two shares (XOR of 32
//! bytes; either share alone is uniformly random and says nothing), for
//! example one for the custodian and one for the employee representative.
//! Takes a key and returns share file texts, and back from two share texts.
//!
//! A share file: `#` comments, then `farvel-ks1:` + base64url of 32 bytes.
//! Its `# public key fingerprint:` comment names the joined key, which is
//! checked when the two are joined.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::keys::PrivateKey;

/// The prefix of a share line.
pub const SHARE_PREFIX: &str = "farvel-ks1:";

/// Split `key` into two shares; both are needed to open anything.
pub fn split_key(key: &PrivateKey) -> [[u8; 32]; 2] {
    let mut first = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut first);
    let scalar = key.0.to_bytes();
    let mut second = [0u8; 32];
    for (i, b) in second.iter_mut().enumerate() {
        *b = scalar[i] ^ first[i];
    }
    [first, second]
}

/// The text of share file `index` (1 or 2) of `key`.
pub fn share_file_text(key: &PrivateKey, share: &[u8; 32], index: u8) -> String {
    let public = key.public_key();
    format!(
        "# farvel custodian key, SHARE {index} OF 2: both shares together open sealed\n\
         # survey responses; this one alone opens nothing. Keep it as secret as a\n\
         # password; never commit it, e-mail it or store it with the other share.\n\
         # Open with both: --key share-1-file:share-2-file. See docs/custodians.md.\n\
         #\n\
         # public key: {}\n\
         # public key fingerprint: {}\n\
         {SHARE_PREFIX}{}\n",
        public.to_text(),
        public.fingerprint(),
        URL_SAFE_NO_PAD.encode(share)
    )
}

/// Whether a key file text holds a share line (rather than a whole key).
pub fn is_share_text(text: &str) -> bool {
    text.lines().any(|l| l.trim().starts_with(SHARE_PREFIX))
}

/// The fingerprint a share file says its joined key has (unverified).
pub fn claimed_fingerprint(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let comment = l.trim().strip_prefix('#')?;
        Some(
            comment
                .trim()
                .strip_prefix("public key fingerprint:")?
                .trim()
                .to_string(),
        )
    })
}

/// Join the texts of the two share files into the private key.
pub fn join_shares(a: &str, b: &str) -> Result<PrivateKey, String> {
    let (sa, sb) = (share_bytes(a)?, share_bytes(b)?);
    let scalar: Vec<u8> = sa.iter().zip(&sb).map(|(x, y)| x ^ y).collect();
    let secret = p256::SecretKey::from_slice(&scalar)
        .map_err(|_| "the two shares do not belong together".to_string())?;
    let key = PrivateKey(secret);
    let fp = key.public_key().fingerprint();
    for claimed in [claimed_fingerprint(a), claimed_fingerprint(b)]
        .into_iter()
        .flatten()
    {
        if claimed != fp {
            return Err(
                "the two shares do not belong together (or one has a typing mistake)".into(),
            );
        }
    }
    Ok(key)
}

fn share_bytes(text: &str) -> Result<[u8; 32], String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let [line] = lines[..] else {
        return Err(format!(
            "a share file holds exactly one `{SHARE_PREFIX}` line besides `#` comments"
        ));
    };
    let body = line
        .strip_prefix(SHARE_PREFIX)
        .ok_or_else(|| format!("the share line must start with `{SHARE_PREFIX}`"))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| "the share is not valid base64url (typing mistake?)".to_string())?;
    bytes
        .try_into()
        .map_err(|_| "a share has 32 bytes (typing mistake?)".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_join_in_either_order_and_alone_say_nothing() {
        let key = PrivateKey::generate();
        let [a, b] = split_key(&key);
        assert_ne!(a.to_vec(), key.0.to_bytes().to_vec());
        assert_ne!(b.to_vec(), key.0.to_bytes().to_vec());
        let (ta, tb) = (share_file_text(&key, &a, 1), share_file_text(&key, &b, 2));
        assert!(is_share_text(&ta) && !is_share_text(&key.to_line()));
        for (x, y) in [(&ta, &tb), (&tb, &ta)] {
            assert_eq!(
                join_shares(x, y).map(|k| k.public_key()),
                Ok(key.public_key())
            );
        }
        assert_eq!(
            claimed_fingerprint(&ta),
            Some(key.public_key().fingerprint())
        );
    }

    #[test]
    fn mismatched_or_broken_shares_are_refused() {
        let (k1, k2) = (PrivateKey::generate(), PrivateKey::generate());
        let [a, _] = split_key(&k1);
        let [_, d] = split_key(&k2);
        let mixed = join_shares(&share_file_text(&k1, &a, 1), &share_file_text(&k2, &d, 2));
        assert!(
            mixed
                .err()
                .unwrap_or_default()
                .contains("do not belong together")
        );
        let good = share_file_text(&k1, &a, 1);
        for (bad, want) in [
            ("# nothing\n".to_string(), "exactly one"),
            (k1.to_line(), "must start with"),
            (format!("{SHARE_PREFIX}AAAA\n"), "32 bytes"),
            (format!("{SHARE_PREFIX}*\n"), "base64url"),
        ] {
            let err = join_shares(&good, &bad).err().unwrap_or_default();
            assert!(err.contains(want), "{bad}: {err}");
        }
    }
}
