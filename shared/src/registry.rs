//! 社工登记库: the registry profile of a certified social worker, written by
//! `functions/registry` and copied into a station's records by `functions/workers`.

use serde::{Deserialize, Serialize};

use crate::domain::{Education, Gender, QualificationLevel};
use crate::store::{Store, keys};

/// A registry profile. ID number and phone are sealed (see `pii`); `id_hash` is the
/// keyed hash by which an ID number is found.
#[derive(Clone, Serialize, Deserialize)]
pub struct RegistryProfileRecord {
    pub pk: String,
    pub sk: String,
    /// `REGISTRY` / `<name>#<id>`: name search.
    pub gsi1pk: String,
    pub gsi1sk: String,
    /// `REGISTRY_ID#<id hash>` / `PROFILE`: exact ID-number search.
    pub gsi2pk: String,
    pub gsi2sk: String,
    pub kind: String,
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub gender: Gender,
    pub id_number_sealed: String,
    /// The masked ID number, kept so lists need not open the sealed value.
    pub id_number_masked: String,
    pub id_hash: String,
    pub birth_date: String,
    pub phone_sealed: String,
    pub education: Education,
    pub major: String,
    pub qualification_level: QualificationLevel,
    pub certificate_number: String,
    pub version: u64,
    pub created_at: String,
    pub updated_at: String,
}

impl std::fmt::Debug for RegistryProfileRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryProfileRecord").field("id", &self.id).finish_non_exhaustive()
    }
}

impl Store {
    pub async fn registry_profile(
        &self,
        id: &str,
    ) -> anyhow::Result<Option<RegistryProfileRecord>> {
        let (pk, sk) = keys::registry_profile(id);
        self.get(&pk, &sk).await
    }
}
