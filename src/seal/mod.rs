//! Sealed responses: answers encrypted in the respondent's browser with the
//! custodian's public key, opened here in memory with the private key.
//!
//! Takes key files, `public_key:` texts and envelopes (the one `sealed`
//! field a sealed page posts); returns keys and the form's (name, value)
//! pairs. The page side is `themes/default/seal.js`; both sides implement
//! the format below byte for byte, and `docs/custodians.md` describes it
//! for custodians.
//!
//! # Keys (text, so they can be printed or kept in a password manager)
//!
//! - public key: `farvel-pk1:` + base64url (no padding) of the 65-byte
//!   uncompressed SEC1 point on P-256. This line is the survey's
//!   `public_key:` value and the whole content of `survey.pub`.
//! - private key file: `#` comment lines explaining what it is, then one line
//!   `farvel-sk1:` + base64url (no padding) of the 32-byte big-endian scalar.
//!   A `# public key fingerprint: xxxx xxxx xxxx xxxx` comment, when present,
//!   must match the key (it catches typing mistakes when a key is restored
//!   from paper).
//! - key fingerprint (what `farvel keys show` prints): the first 16 hex
//!   digits of sha256(SEC1 uncompressed point), in groups of four.
//! - two-person keys (`farvel keys new --split`): two share files with a
//!   `farvel-ks1:` line each, 32 bytes whose XOR is the scalar; both are
//!   needed (`--key a:b`), see `shares.rs`.
//!
//! # Envelope format v1
//!
//! 1. Plaintext: the UTF-8 JSON `{"v":1,"f":[[name,value],…]}` with the
//!    form's pairs in form order (a name may repeat, as ticked boxes do), no
//!    whitespace, strings escaped as both `JSON.stringify` and `serde_json`
//!    do (`\"`, `\\`, `\b \f \n \r \t`, other controls as `\u00xx`, nothing
//!    else escaped).
//! 2. Padding: one `0x80` byte, then `0x00` bytes up to the next multiple of
//!    1024 bytes (ISO/IEC 7816-4; at least 1024 bytes, and never zero padding
//!    bytes, so it is unambiguous). Every answer of under 1023 bytes gives an
//!    envelope of the same length.
//! 3. Key agreement: a fresh ephemeral P-256 key pair per submission; ECDH
//!    with the custodian's public key gives the 32-byte x coordinate.
//! 4. Key derivation: HKDF-SHA-256, salt = the ephemeral public key (65-byte
//!    uncompressed SEC1), info = ASCII `farvel-sealed-v1`, 32 bytes out.
//! 5. Encryption: AES-256-GCM, random 12-byte IV, 16-byte tag, associated
//!    data = the survey's short fingerprint (its 12 hex digits, ASCII).
//! 6. Envelope bytes: `0x01` (version) ‖ survey tag (the first 8 bytes of
//!    sha256 of the short fingerprint, so an envelope of another survey is
//!    recognised before decrypting; it is the same for every respondent) ‖
//!    ephemeral public key (65) ‖ IV (12) ‖ ciphertext with tag
//!    (n·1024 + 16). Posted as base64url without padding.
//!
//! AES-GCM cannot tell a wrong key from a tampered envelope; the survey tag
//! and the fixed lengths let [`SealError`] name the other reasons.

mod envelope;
mod keys;
mod plaintext;
mod shares;

pub use envelope::{open_envelope, seal_fields};
pub use keys::{
    PrivateKey, PublicKey, load_private_key, parse_private_key, parse_public_key,
    private_key_file_text,
};
pub use plaintext::{decode_plaintext, encode_plaintext};
pub use shares::{
    SHARE_PREFIX, claimed_fingerprint, is_share_text, join_shares, share_file_text, split_key,
};

/// The envelope format version this build writes and reads.
pub const ENVELOPE_VERSION: u8 = 1;
/// Plaintexts are padded to a multiple of this many bytes.
pub const BUCKET: usize = 1024;
/// The HKDF info string (and the format's name).
pub const HKDF_INFO: &[u8] = b"farvel-sealed-v1";
/// The prefix of a public key text.
pub const PUBLIC_PREFIX: &str = "farvel-pk1:";
/// The prefix of the private key line.
pub const PRIVATE_PREFIX: &str = "farvel-sk1:";

/// Why an envelope could not be opened. The message is a fixed phrase that
/// says nothing about the envelope's content, so it can be counted and
/// printed as a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, thiserror::Error)]
pub enum SealError {
    /// Authentication failed: another custodian's key, or changed bytes.
    #[error("wrong key or tampered envelope")]
    WrongKeyOrTampered,
    /// Shorter than its header or its padded length says it must be.
    #[error("truncated envelope")]
    Truncated,
    /// The version byte is not one this build reads.
    #[error("unknown envelope version")]
    UnknownVersion,
    /// The survey tag belongs to another survey (or another version of it).
    #[error("sealed for another survey")]
    OtherSurvey,
    /// Not base64url, not a point on the curve, or bad content after opening.
    #[error("malformed envelope")]
    Malformed,
}
