//! The custodian's key pair as text: `farvel-pk1:…` public keys (the
//! survey's `public_key:`), `farvel-sk1:…` private key files with a comment
//! header, and the short key fingerprint `farvel keys show` prints.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use sha2::{Digest, Sha256};

use super::{PRIVATE_PREFIX, PUBLIC_PREFIX};
use crate::error::{Error, Result};

/// A P-256 public key: the custodian's (in `public_key:`) or an ephemeral one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey(pub(super) p256::PublicKey);

/// The custodian's private key. Its `Debug` never shows the scalar, and the
/// scalar is wiped from memory when the key is dropped.
#[derive(Clone)]
pub struct PrivateKey(pub(super) p256::SecretKey);

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PrivateKey(public key {})",
            self.public_key().fingerprint()
        )
    }
}

impl PublicKey {
    /// The 65-byte uncompressed SEC1 encoding.
    pub fn sec1(&self) -> Vec<u8> {
        self.0.to_encoded_point(false).as_bytes().to_vec()
    }

    /// `farvel-pk1:` + base64url of [`PublicKey::sec1`]: the `public_key:` value.
    pub fn to_text(&self) -> String {
        format!("{PUBLIC_PREFIX}{}", URL_SAFE_NO_PAD.encode(self.sec1()))
    }

    /// The first 16 hex digits of sha256(SEC1) in groups of four, e.g.
    /// `3f1a 9c02 77de 41b0`.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.sec1());
        let hex: Vec<String> = digest[..8]
            .chunks(2)
            .map(|c| format!("{:02x}{:02x}", c[0], c[1]))
            .collect();
        hex.join(" ")
    }
}

impl PrivateKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> PrivateKey {
        PrivateKey(p256::SecretKey::random(&mut rand_core::OsRng))
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.public_key())
    }

    /// `farvel-sk1:` + base64url of the 32-byte scalar (the secret itself).
    pub fn to_line(&self) -> String {
        format!(
            "{PRIVATE_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(self.0.to_bytes())
        )
    }
}

/// Read a `public_key:` text. The error says what is wrong with it, never
/// repeating the text.
pub fn parse_public_key(text: &str) -> Result<PublicKey, String> {
    let text = text.trim();
    let Some(body) = text.strip_prefix(PUBLIC_PREFIX) else {
        return Err(format!(
            "a public key starts with `{PUBLIC_PREFIX}` (copy the line from survey.pub, made by `farvel keys new`)"
        ));
    };
    let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| {
        "the public key is not valid base64url (was it cut or changed?)".to_string()
    })?;
    if bytes.len() != 65 || bytes[0] != 0x04 {
        return Err(format!(
            "the public key has {} bytes; a farvel public key has 65 (was it cut or changed?)",
            bytes.len()
        ));
    }
    p256::PublicKey::from_sec1_bytes(&bytes)
        .map(PublicKey)
        .map_err(|_| "the public key is not a point on the P-256 curve (was it changed?)".into())
}

/// Read the text of a private key file: `#` comments and blank lines
/// around one `farvel-sk1:` line.
pub fn parse_private_key(text: &str) -> Result<PrivateKey, String> {
    let mut key_lines = Vec::new();
    let mut claimed_fingerprint = None;
    for line in text.lines().map(str::trim) {
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(fp) = comment.trim().strip_prefix("public key fingerprint:") {
                claimed_fingerprint = Some(fp.trim().to_string());
            }
        } else if !line.is_empty() {
            key_lines.push(line);
        }
    }
    let [line] = key_lines[..] else {
        return Err(format!(
            "a private key file holds exactly one `{PRIVATE_PREFIX}` line besides `#` comments; this one has {}",
            key_lines.len()
        ));
    };
    let Some(body) = line.strip_prefix(PRIVATE_PREFIX) else {
        let hint = if line.starts_with(PUBLIC_PREFIX) {
            " (this is the public key: survey.pub, not custodian.key)"
        } else {
            ""
        };
        return Err(format!(
            "the key line must start with `{PRIVATE_PREFIX}`{hint}"
        ));
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| "the private key is not valid base64url (typing mistake?)".to_string())?;
    let secret = p256::SecretKey::from_slice(&bytes)
        .map_err(|_| "the private key is not a valid P-256 key (typing mistake?)".to_string())?;
    let key = PrivateKey(secret);
    match claimed_fingerprint {
        Some(fp) if fp != key.public_key().fingerprint() => Err(
            "the private key does not match its `# public key fingerprint:` line (typing mistake?)"
                .into(),
        ),
        _ => Ok(key),
    }
}

/// Load the custodian's private key (`--key` / `FARVEL_KEY_FILE`): a key
/// file, or two share files joined like a search path (`a.key:b.key` on
/// Unix, `;` on Windows) when no file has that whole name.
pub fn load_private_key(path: &Path) -> Result<PrivateKey> {
    let parts: Vec<_> = std::env::split_paths(path.as_os_str()).collect();
    if let [a, b] = &parts[..]
        && !path.exists()
    {
        let (ta, tb) = (
            crate::fsutil::read_to_string(a)?,
            crate::fsutil::read_to_string(b)?,
        );
        return super::shares::join_shares(&ta, &tb)
            .map_err(|e| Error::msg(format!("{} and {}: {e}", a.display(), b.display())));
    }
    let text = crate::fsutil::read_to_string(path)?;
    if super::shares::is_share_text(&text) {
        return Err(Error::msg(format!(
            "{}: this is one share of a two-person key; give both, separated by `{}`",
            path.display(),
            if cfg!(windows) { ';' } else { ':' }
        )));
    }
    parse_private_key(&text).map_err(|e| Error::msg(format!("{}: {e}", path.display())))
}

/// The whole text of a private key file, with a comment header saying what
/// it is. `banner` lines (e.g. a DEMO warning) go first.
pub fn private_key_file_text(key: &PrivateKey, banner: &[&str]) -> String {
    let public = key.public_key();
    let mut out = String::new();
    for line in banner {
        out.push_str(&format!("# {line}\n"));
    }
    out.push_str(&format!(
        "# farvel custodian key: the PRIVATE key that opens sealed survey responses.\n\
         #\n\
         # Whoever has this file can read every answer sealed with the public key\n\
         # {}\n\
         # Keep it in a password manager or printed in a locked drawer; never commit it,\n\
         # e-mail it or put it next to the form. If it is lost, sealed answers cannot\n\
         # be read by anyone. See docs/custodians.md.\n\
         #\n\
         # public key fingerprint: {}\n\
         {}\n",
        public.to_text(),
        public.fingerprint(),
        key.to_line()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_text_round_trip() {
        let key = PrivateKey::generate();
        let text = key.public_key().to_text();
        assert!(text.starts_with("farvel-pk1:"));
        assert_eq!(text.len(), "farvel-pk1:".len() + 87);
        assert_eq!(
            parse_public_key(&format!("  {text}\n")),
            Ok(key.public_key())
        );
    }

    #[test]
    fn public_key_errors() {
        let good = PrivateKey::generate().public_key().to_text();
        let body = &good["farvel-pk1:".len()..];
        let mut off_curve = URL_SAFE_NO_PAD.decode(body).unwrap_or_default();
        off_curve[64] ^= 1;
        for (text, want) in [
            (body.to_string(), "starts with `farvel-pk1:`"),
            (format!("farvel-pk1:{}", &body[..40]), "has 30 bytes"),
            (format!("farvel-pk1:{body}!"), "not valid base64url"),
            (
                format!("farvel-pk1:{}", URL_SAFE_NO_PAD.encode(&off_curve)),
                "not a point",
            ),
        ] {
            let err = parse_public_key(&text).err().unwrap_or_default();
            assert!(err.contains(want), "{text}: {err}");
            assert!(!err.contains(body), "error repeats the key");
        }
    }

    #[test]
    fn private_key_file_round_trip_and_fingerprint_check() {
        let key = PrivateKey::generate();
        let text = private_key_file_text(&key, &["DEMO"]);
        assert!(text.starts_with("# DEMO\n"));
        let back = parse_private_key(&text).map(|k| k.public_key());
        assert_eq!(back, Ok(key.public_key()));
        let other = PrivateKey::generate().to_line();
        let typo = text.replace(&key.to_line(), &other);
        let err = parse_private_key(&typo).err().unwrap_or_default();
        assert!(err.contains("does not match"), "{err}");
    }

    #[test]
    fn private_key_errors() {
        let pk = PrivateKey::generate().public_key().to_text();
        for (text, want) in [
            ("# only comments\n".to_string(), "this one has 0"),
            (format!("{pk}\n"), "this is the public key"),
            (
                "farvel-sk1:AAAA\nfarvel-sk1:AAAA\n".into(),
                "this one has 2",
            ),
            ("farvel-sk1:***\n".into(), "not valid base64url"),
            (
                format!("farvel-sk1:{}\n", URL_SAFE_NO_PAD.encode([0u8; 32])),
                "not a valid P-256 key",
            ),
        ] {
            let err = parse_private_key(&text).err().unwrap_or_default();
            assert!(err.contains(want), "{text}: {err}");
        }
    }

    #[test]
    fn fingerprint_shape_and_debug_hides_secret() {
        let key = PrivateKey::generate();
        let fp = key.public_key().fingerprint();
        assert_eq!(fp.len(), 19);
        assert_eq!(fp.split(' ').count(), 4);
        let debug = format!("{key:?}");
        assert!(debug.contains(&fp));
        assert!(!debug.contains(&key.to_line()["farvel-sk1:".len()..]));
    }
}
