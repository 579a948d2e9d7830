//! Personal data at rest: ID numbers and phone numbers are encrypted (AES-256-GCM) with a
//! key from configuration and found again through a keyed hash (HMAC-SHA256), so a dump
//! of the table reveals neither.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{Context, anyhow};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const PREFIX: &str = "v1.";

/// Seals and opens personal values, and hashes them for look-ups.
#[derive(Clone)]
pub struct Pii {
    cipher: Aes256Gcm,
    hash_key: [u8; 32],
}

/// Derives a purpose-bound key from the master key, so one secret serves every use and
/// no two uses share a key.
pub fn derive_key(master: &[u8; 32], purpose: &str) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key size");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

impl Pii {
    pub fn new(master: &[u8; 32]) -> Self {
        let enc = derive_key(master, "swz/pii/encrypt");
        Self {
            cipher: Aes256Gcm::new_from_slice(&enc).expect("the key is 32 bytes"),
            hash_key: derive_key(master, "swz/pii/lookup"),
        }
    }

    /// Encrypts a value; `context` (say "id_number") is bound into the ciphertext so a
    /// value cannot be moved to another field.
    pub fn seal(&self, context: &str, value: &str) -> String {
        seal_bytes(&self.cipher, context.as_bytes(), value.as_bytes())
    }

    pub fn open(&self, context: &str, sealed: &str) -> anyhow::Result<String> {
        let bytes = open_bytes(&self.cipher, context.as_bytes(), sealed)
            .context("opening a sealed personal value")?;
        String::from_utf8(bytes).context("a sealed value is not UTF-8")
    }

    /// The keyed hash through which a value is looked up (hex).
    pub fn lookup_hash(&self, context: &str, value: &str) -> String {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.hash_key).expect("HMAC takes any key size");
        mac.update(context.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..20])
    }
}

/// AES-GCM with a random nonce, as `v1.` + base64url(nonce ‖ ciphertext).
pub(crate) fn seal_bytes(cipher: &Aes256Gcm, aad: &[u8], plain: &[u8]) -> String {
    let mut nonce = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad })
        .expect("AES-GCM encryption does not fail for in-memory buffers");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(out))
}

pub(crate) fn open_bytes(cipher: &Aes256Gcm, aad: &[u8], sealed: &str) -> anyhow::Result<Vec<u8>> {
    let body = sealed.strip_prefix(PREFIX).ok_or_else(|| anyhow!("unknown sealing version"))?;
    let raw = URL_SAFE_NO_PAD.decode(body).context("not base64")?;
    if raw.len() < 12 + 16 {
        return Err(anyhow!("too short"));
    }
    let (nonce, ciphertext) = raw.split_at(12);
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad })
        .map_err(|_| anyhow!("authentication failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pii() -> Pii {
        Pii::new(&[7u8; 32])
    }

    #[test]
    fn a_sealed_value_opens_again_and_hides_the_plain_text() {
        let sealed = pii().seal("id_number", "11010519491231002X");
        assert!(!sealed.contains("19491231"));
        assert_eq!(pii().open("id_number", &sealed).unwrap(), "11010519491231002X");
    }

    #[test]
    fn sealing_twice_gives_different_ciphertexts() {
        assert_ne!(pii().seal("phone", "13800138000"), pii().seal("phone", "13800138000"));
    }

    #[test]
    fn a_value_does_not_open_under_another_field_or_key() {
        let sealed = pii().seal("id_number", "11010519491231002X");
        assert!(pii().open("phone", &sealed).is_err());
        assert!(Pii::new(&[8u8; 32]).open("id_number", &sealed).is_err());
    }

    #[test]
    fn the_lookup_hash_is_stable_and_keyed() {
        let a = pii().lookup_hash("id_number", "11010519491231002X");
        assert_eq!(a, pii().lookup_hash("id_number", "11010519491231002X"));
        assert_ne!(a, Pii::new(&[8u8; 32]).lookup_hash("id_number", "11010519491231002X"));
        assert!(!a.contains("1949"));
    }
}
