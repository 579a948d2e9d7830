//! Opaque pagination cursors.
//!
//! A cursor is the last returned item's key, sealed with AES-GCM under a key derived from
//! the master key. The caller and the query are bound in as associated data, so a cursor
//! that was forged, altered, or taken to another station, caller or query does not open,
//! and the request answers 400.

use std::collections::BTreeMap;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::KeyInit;

use crate::error::ApiError;
use crate::pii::{derive_key, open_bytes, seal_bytes};

/// Seals and opens cursors.
#[derive(Clone)]
pub struct CursorCodec {
    cipher: Aes256Gcm,
}

/// What a cursor is bound to: who asked, for which station, and which query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorScope(String);

impl CursorScope {
    /// `caller` is the account, `station` the current station if any, `query` the route
    /// and every filter that shapes the result.
    pub fn new(caller: &str, station: Option<&str>, query: &str) -> Self {
        Self(format!("{caller}\u{1f}{}\u{1f}{query}", station.unwrap_or("-")))
    }
}

/// The answer to a cursor that does not open, or opens to a key its query cannot use.
pub fn invalid_cursor() -> ApiError {
    ApiError::bad_request("分页游标无效，请从第一页重新查询")
}

impl CursorCodec {
    pub fn new(master: &[u8; 32]) -> Self {
        let key = derive_key(master, "swz/cursor");
        Self { cipher: Aes256Gcm::new_from_slice(&key).expect("the key is 32 bytes") }
    }

    pub fn seal(&self, scope: &CursorScope, key: &BTreeMap<String, String>) -> String {
        let plain = serde_json::to_vec(key).expect("a map of strings serialises");
        seal_bytes(&self.cipher, scope.0.as_bytes(), &plain)
    }

    pub fn open(
        &self,
        scope: &CursorScope,
        cursor: &str,
    ) -> Result<BTreeMap<String, String>, ApiError> {
        let plain =
            open_bytes(&self.cipher, scope.0.as_bytes(), cursor).map_err(|_| invalid_cursor())?;
        serde_json::from_slice(&plain).map_err(|_| invalid_cursor())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> BTreeMap<String, String> {
        BTreeMap::from([("pk".into(), "STATION#a".into()), ("sk".into(), "WORKER#1".into())])
    }

    #[test]
    fn a_cursor_opens_for_its_own_scope() {
        let codec = CursorCodec::new(&[1; 32]);
        let scope = CursorScope::new("acc1", Some("st1"), "workers");
        let cursor = codec.seal(&scope, &key());
        assert_eq!(codec.open(&scope, &cursor).unwrap(), key());
    }

    #[test]
    fn a_cursor_is_refused_by_another_station_caller_or_query() {
        let codec = CursorCodec::new(&[1; 32]);
        let cursor = codec.seal(&CursorScope::new("acc1", Some("st1"), "workers"), &key());
        for other in [
            CursorScope::new("acc1", Some("st2"), "workers"),
            CursorScope::new("acc2", Some("st1"), "workers"),
            CursorScope::new("acc1", Some("st1"), "clients"),
        ] {
            assert!(codec.open(&other, &cursor).is_err());
        }
    }

    #[test]
    fn a_forged_or_altered_cursor_is_refused() {
        let codec = CursorCodec::new(&[1; 32]);
        let scope = CursorScope::new("acc1", Some("st1"), "workers");
        let cursor = codec.seal(&scope, &key());
        assert!(codec.open(&scope, "v1.AAAA").is_err());
        assert!(codec.open(&scope, "eyJwayI6IlNUQVRJT04jYSJ9").is_err());
        // Change one character in the middle, where every bit of it is data (the last
        // character of unpadded base64 may carry unused bits, and may already be the
        // replacement): the sealed bytes differ, so the tag does not verify.
        let middle = cursor.len() / 2;
        let original = cursor.as_bytes()[middle];
        let replacement = if original == b'A' { 'B' } else { 'A' };
        let mut altered = cursor.clone();
        altered.replace_range(middle..=middle, &replacement.to_string());
        assert_ne!(altered, cursor);
        assert!(codec.open(&scope, &altered).is_err());
    }
}
