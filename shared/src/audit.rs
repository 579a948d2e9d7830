//! The audit trail: who changed which record, when and how. It holds no personal values,
//! and is written in the same transaction as the change it records.

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::store::{Store, keys};

/// One entry of a record's history.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEntry {
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub actor_id: String,
    pub actor_role: String,
    pub action: String,
    pub entity_kind: String,
    pub entity_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station_id: Option<String>,
    pub at: String,
}

impl Store {
    /// The audit Put to add to a write's transaction. `action` is a short English verb
    /// (`create`, `update`, `delete`, `submit`...).
    pub fn audit(
        &self,
        actor: &Actor,
        action: &str,
        entity_kind: &str,
        entity_id: &str,
        station_id: Option<&str>,
    ) -> anyhow::Result<TransactWriteItem> {
        let at = jiff::Timestamp::now().to_string();
        let (pk, sk) = keys::audit(entity_kind, entity_id, &at, &keys::new_id()[..8]);
        self.put(&AuditEntry {
            pk,
            sk,
            kind: "audit".into(),
            actor_id: actor.id.clone(),
            actor_role: actor.role.clone(),
            action: action.into(),
            entity_kind: entity_kind.into(),
            entity_id: entity_id.into(),
            station_id: station_id.map(str::to_string),
            at,
        })
    }
}
