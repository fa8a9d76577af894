//! Sealing and opening envelopes (format v1, see [`crate::seal`]). Takes a
//! key, the survey's short fingerprint and pairs or an envelope; returns the
//! base64url envelope or the pairs, in memory only.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use rand_core::RngCore;
use sha2::{Digest, Sha256};

use super::plaintext::{decode_plaintext, encode_plaintext};
use super::{BUCKET, ENVELOPE_VERSION, HKDF_INFO, PrivateKey, PublicKey, SealError};

const TAG_LEN: usize = 8;
const POINT_LEN: usize = 65;
const IV_LEN: usize = 12;
const GCM_TAG_LEN: usize = 16;
/// Version byte and survey tag.
const HEADER_LEN: usize = 1 + TAG_LEN;
/// Everything before the ciphertext.
const PREFIX_LEN: usize = HEADER_LEN + POINT_LEN + IV_LEN;

/// The survey tag: the first 8 bytes of sha256(short fingerprint).
fn survey_tag(short_fingerprint: &str) -> [u8; TAG_LEN] {
    let digest = Sha256::digest(short_fingerprint.as_bytes());
    let mut tag = [0; TAG_LEN];
    tag.copy_from_slice(&digest[..TAG_LEN]);
    tag
}

/// The AES-256-GCM cipher for one envelope: HKDF-SHA-256 over the ECDH
/// shared x coordinate, salted with the ephemeral public key.
fn cipher(shared: &p256::ecdh::SharedSecret, ephemeral_sec1: &[u8]) -> Aes256Gcm {
    let hk = Hkdf::<Sha256>::new(Some(ephemeral_sec1), &shared.raw_secret_bytes()[..]);
    let mut key = [0u8; 32];
    // 32 bytes is far below HKDF's limit of 255 hash lengths.
    if hk.expand(HKDF_INFO, &mut key).is_err() {
        unreachable!("HKDF-SHA-256 can always expand 32 bytes");
    }
    let cipher = Aes256Gcm::new(&key.into());
    key.fill(0);
    cipher
}

/// Seal the pairs for the survey with this short fingerprint, exactly as
/// the page's `farvelSeal.seal` does. Used by tests and test fixtures.
pub fn seal_fields(pk: &PublicKey, short_fingerprint: &str, fields: &[(String, String)]) -> String {
    let ephemeral = p256::ecdh::EphemeralSecret::random(&mut rand_core::OsRng);
    let ephemeral_sec1 = PublicKey(ephemeral.public_key()).sec1();
    let shared = ephemeral.diffie_hellman(&pk.0);
    let mut iv = [0u8; IV_LEN];
    rand_core::OsRng.fill_bytes(&mut iv);
    let plaintext = encode_plaintext(fields);
    let payload = Payload {
        msg: &plaintext,
        aad: short_fingerprint.as_bytes(),
    };
    let Ok(sealed) = cipher(&shared, &ephemeral_sec1).encrypt(&Nonce::from(iv), payload) else {
        unreachable!("AES-GCM encrypts any plaintext below 64 GiB");
    };
    let mut out = Vec::with_capacity(PREFIX_LEN + sealed.len());
    out.push(ENVELOPE_VERSION);
    out.extend_from_slice(&survey_tag(short_fingerprint));
    out.extend_from_slice(&ephemeral_sec1);
    out.extend_from_slice(&iv);
    out.extend_from_slice(&sealed);
    URL_SAFE_NO_PAD.encode(out)
}

/// Open one envelope (the `sealed` cell of an export row) with the
/// custodian's key, for the survey with this short fingerprint.
pub fn open_envelope(
    key: &PrivateKey,
    short_fingerprint: &str,
    envelope_b64: &str,
) -> Result<Vec<(String, String)>, SealError> {
    let bytes = decode_base64(envelope_b64)?;
    let Some(&version) = bytes.first() else {
        return Err(SealError::Truncated);
    };
    if version != ENVELOPE_VERSION {
        return Err(SealError::UnknownVersion);
    }
    if bytes.len() < HEADER_LEN {
        return Err(SealError::Truncated);
    }
    if bytes[1..HEADER_LEN] != survey_tag(short_fingerprint) {
        return Err(SealError::OtherSurvey);
    }
    let body_len = bytes.len().saturating_sub(PREFIX_LEN + GCM_TAG_LEN);
    if bytes.len() < PREFIX_LEN + GCM_TAG_LEN + BUCKET || !body_len.is_multiple_of(BUCKET) {
        return Err(SealError::Truncated);
    }
    let (ephemeral_sec1, rest) = bytes[HEADER_LEN..].split_at(POINT_LEN);
    let (iv, sealed) = rest.split_at(IV_LEN);
    let iv: [u8; IV_LEN] = iv.try_into().map_err(|_| SealError::Truncated)?;
    let ephemeral =
        p256::PublicKey::from_sec1_bytes(ephemeral_sec1).map_err(|_| SealError::Malformed)?;
    let shared = p256::ecdh::diffie_hellman(key.0.to_nonzero_scalar(), ephemeral.as_affine());
    let payload = Payload {
        msg: sealed,
        aad: short_fingerprint.as_bytes(),
    };
    let plaintext = cipher(&shared, ephemeral_sec1)
        .decrypt(&Nonce::from(iv), payload)
        .map_err(|_| SealError::WrongKeyOrTampered)?;
    decode_plaintext(&plaintext)
}

/// base64url without padding; surrounding white space and trailing `=` are
/// tolerated (spreadsheets and copy-paste add them). A text of base64url
/// letters that still does not decode was cut off.
fn decode_base64(text: &str) -> Result<Vec<u8>, SealError> {
    let text = text.trim().trim_end_matches('=');
    if text.is_empty() {
        return Err(SealError::Truncated);
    }
    URL_SAFE_NO_PAD.decode(text).map_err(|_| {
        let alphabet = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        if text.chars().all(alphabet) {
            SealError::Truncated
        } else {
            SealError::Malformed
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FP: &str = "0123456789ab";

    fn fields() -> Vec<(String, String)> {
        vec![
            ("reason".into(), "manager".into()),
            ("improve".into(), "Mer åpenhet, \"takk\"\nog 😀".into()),
        ]
    }

    fn raw(envelope: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(envelope).unwrap_or_default()
    }

    #[test]
    fn round_trip_and_layout() {
        let key = PrivateKey::generate();
        let env = seal_fields(&key.public_key(), FP, &fields());
        assert_eq!(open_envelope(&key, FP, &env), Ok(fields()));
        let bytes = raw(&env);
        assert_eq!(bytes.len(), 1 + 8 + 65 + 12 + 1024 + 16);
        assert_eq!(bytes[0], 1);
        assert_eq!(bytes[9], 0x04, "uncompressed ephemeral point");
        assert!(!env.contains('='));
        assert_eq!(
            open_envelope(&key, FP, &format!(" {env}==\r\n")),
            Ok(fields())
        );
    }

    #[test]
    fn each_reason() {
        let key = PrivateKey::generate();
        let env = seal_fields(&key.public_key(), FP, &fields());
        let bytes = raw(&env);
        let enc = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
        let mut flipped = bytes.clone();
        flipped[200] ^= 0x10;
        let mut version = bytes.clone();
        version[0] = 2;
        let mut point = bytes.clone();
        point[HEADER_LEN] = 0x05;
        let cases = [
            (enc(&flipped), SealError::WrongKeyOrTampered),
            (enc(&bytes[..bytes.len() - 1]), SealError::Truncated),
            (enc(&bytes[..5]), SealError::Truncated),
            (env[..env.len() - 3].to_string(), SealError::Truncated),
            (String::new(), SealError::Truncated),
            (enc(&version), SealError::UnknownVersion),
            (enc(&point), SealError::Malformed),
            (format!("{}*", &env[..100]), SealError::Malformed),
        ];
        for (text, want) in cases {
            assert_eq!(open_envelope(&key, FP, &text), Err(want));
        }
        let other = PrivateKey::generate();
        assert_eq!(
            open_envelope(&other, FP, &env),
            Err(SealError::WrongKeyOrTampered)
        );
        assert_eq!(
            open_envelope(&key, "ba9876543210", &env),
            Err(SealError::OtherSurvey)
        );
    }

    #[test]
    fn fingerprint_is_authenticated_not_only_compared() {
        // A forged header tag for another survey still fails: the short
        // fingerprint is the associated data.
        let key = PrivateKey::generate();
        let env = seal_fields(&key.public_key(), FP, &fields());
        let mut bytes = raw(&env);
        bytes[1..HEADER_LEN].copy_from_slice(&survey_tag("ba9876543210"));
        let forged = URL_SAFE_NO_PAD.encode(&bytes);
        assert_eq!(
            open_envelope(&key, "ba9876543210", &forged),
            Err(SealError::WrongKeyOrTampered)
        );
    }
}
