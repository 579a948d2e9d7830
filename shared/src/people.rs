//! People a station keeps records of: its workers (社工人员) and its service recipients
//! (服务对象, `Client`). Written by `functions/workers` and `functions/clients`; read by
//! the activities, dashboard and summaries modules, which find them here.
//!
//! ID numbers and phone numbers are stored sealed (see `pii`), with a keyed hash to find
//! an ID number and masked copies for lists; the plain values are opened only for a
//! record's own page.

use anyhow::Context;
use aws_sdk_dynamodb::types::{ConditionCheck, TransactWriteItem, Update};
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};

use crate::auth::StationScope;
use crate::domain::{
    Education, Gender, IdNumber, PersonName, Phone, PopulationType, Position, QualificationLevel,
    code_enum, parse_date,
};
use crate::error::Validator;
use crate::pii::Pii;
use crate::store::{Index, Query, Store, key, keys, n};

code_enum!(
    /// 来源: how a worker came onto a station's list.
    WorkerSource, "来源" {
        Registry = "registry": "社工登记库",
        Manual = "manual": "手动录入",
    }
);

/// A worker (社工) of one station: current until `left_on` is set (离职), and kept after
/// that so past activities still name them.
///
/// A worker from the registry carries copies of the registry profile's identity and
/// certificate fields; the station cannot edit those, only re-copy them (resync).
#[derive(Clone, Serialize, Deserialize)]
pub struct WorkerRecord {
    /// `STATION#<sid>` / `WORKER#<id>`.
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub id: String,
    pub station_id: String,
    pub source: WorkerSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_id: Option<String>,
    pub name: String,
    pub gender: Gender,
    pub id_number_sealed: String,
    pub id_number_masked: String,
    pub id_hash: String,
    pub birth_date: String,
    pub phone_sealed: String,
    pub phone_masked: String,
    pub education: Education,
    pub major: String,
    pub qualification_level: QualificationLevel,
    pub certificate_number: String,
    pub position: Position,
    pub hired_on: String,
    /// 离职日期; absent while the worker is current. Absent, not null, so that a
    /// transaction can check `attribute_not_exists(left_on)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_on: Option<String>,
    pub version: u64,
    pub created_at: String,
    pub updated_at: String,
}

impl std::fmt::Debug for WorkerRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerRecord").field("id", &self.id).finish_non_exhaustive()
    }
}

impl WorkerRecord {
    /// True while the worker has not left the station.
    pub fn is_current(&self) -> bool {
        self.left_on.is_none()
    }

    /// Sets the ID number with everything derived from it.
    pub fn set_id_number(&mut self, pii: &Pii, id: &IdNumber) {
        let sealed = SealedIdNumber::new(pii, id);
        self.id_number_sealed = sealed.sealed;
        self.id_number_masked = sealed.masked;
        self.id_hash = sealed.hash;
        self.gender = id.gender();
        self.birth_date = id.birth_date().to_string();
    }

    pub fn set_phone(&mut self, pii: &Pii, phone: &Phone) {
        self.phone_sealed = pii.seal("phone", phone.as_str());
        self.phone_masked = phone.masked();
    }

    /// The full ID number, for the record's own page only.
    pub fn id_number(&self, pii: &Pii) -> anyhow::Result<String> {
        pii.open("id_number", &self.id_number_sealed)
    }

    /// The full phone number, for the record's own page only.
    pub fn phone(&self, pii: &Pii) -> anyhow::Result<String> {
        pii.open("phone", &self.phone_sealed)
    }
}

/// Who to call for a client in an emergency (紧急联系人).
#[derive(Clone, Serialize, Deserialize)]
pub struct EmergencyContactRecord {
    pub name: String,
    pub phone_sealed: String,
    pub phone_masked: String,
}

/// A service recipient (服务对象) of one station.
///
/// A client who appears in activities is never deleted: deleting hides them
/// (`hidden`), which takes them out of lists, searches and the client count while the
/// activities that name them keep doing so.
#[derive(Clone, Serialize, Deserialize)]
pub struct ClientRecord {
    /// `STATION#<sid>` / `CLIENT#<id>`.
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub id: String,
    pub station_id: String,
    pub name: String,
    pub gender: Gender,
    pub id_number_sealed: String,
    pub id_number_masked: String,
    pub id_hash: String,
    pub birth_date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_sealed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_masked: Option<String>,
    /// 所属村（社区）: a 12-digit statistical code or a name.
    pub village: String,
    /// 现住址, sealed: an address is sensitive personal information too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_sealed: Option<String>,
    pub population_types: Vec<PopulationType>,
    /// 困难类型/备注.
    #[serde(default)]
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency_contact: Option<EmergencyContactRecord>,
    /// 负责社工: a worker of the same station.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible_worker_id: Option<String>,
    /// Always written, so that a transaction can check `hidden = false`.
    pub hidden: bool,
    /// Moves with every activity link made or removed (see [`ClientActivityLink`]), so
    /// that a delete can tell a link was made after it looked. Apart from `version`:
    /// being put on an activity is not an edit, and must not fail a colleague's.
    #[serde(default)]
    pub link_epoch: u64,
    pub version: u64,
    pub created_at: String,
    pub updated_at: String,
}

impl std::fmt::Debug for ClientRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientRecord").field("id", &self.id).finish_non_exhaustive()
    }
}

impl ClientRecord {
    /// Sets the ID number with everything derived from it.
    pub fn set_id_number(&mut self, pii: &Pii, id: &IdNumber) {
        let sealed = SealedIdNumber::new(pii, id);
        self.id_number_sealed = sealed.sealed;
        self.id_number_masked = sealed.masked;
        self.id_hash = sealed.hash;
        self.gender = id.gender();
        self.birth_date = id.birth_date().to_string();
    }

    pub fn set_phone(&mut self, pii: &Pii, phone: Option<&Phone>) {
        self.phone_sealed = phone.map(|p| pii.seal("phone", p.as_str()));
        self.phone_masked = phone.map(Phone::masked);
    }

    pub fn id_number(&self, pii: &Pii) -> anyhow::Result<String> {
        pii.open("id_number", &self.id_number_sealed)
    }
}

/// The summary of an activity that a client's link to it carries, so that a client's
/// records list needs no read of the activities themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActivitySummary {
    pub id: String,
    pub title: String,
    /// The activity's category code (`case_management`, ...).
    pub category: String,
    /// `ongoing` or `finished`.
    #[schema(value_type = crate::categories::ActivityStatus)]
    pub status: String,
    #[schema(format = Date)]
    pub start_date: String,
    /// Null while the activity has no end date.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub end_date: Option<String>,
}

/// A client's link to an activity: `STATION#<sid>` /
/// `CLIENTACT#<client id>#<start date>#<activity id>`, so that a client's records read
/// newest activity first, whenever each was entered.
///
/// The activities module owns these items. Its contract with this module:
/// - it writes one link per (client, activity) when the client is put on the activity,
///   rewrites it whenever the activity's summary fields change (deleting the old key
///   when the start date moved), and deletes it when the client is taken off or the
///   activity is deleted;
/// - a transaction that creates or deletes a link also carries
///   [`Store::touch_client_for_link`] for that client, which moves the client's
///   `link_epoch` (not its `version`: an edit open elsewhere stays valid). A client's
///   delete is conditioned on both ([`Store::delete_unlinked_client`]), so it cannot miss
///   a link made after it looked, and a hidden client cannot be linked anew.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientActivityLink {
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub client_id: String,
    pub activity: ActivitySummary,
}

impl ClientActivityLink {
    pub fn new(station_id: &str, client_id: &str, activity: ActivitySummary) -> Self {
        let (pk, sk) =
            keys::client_activity(station_id, client_id, &activity.start_date, &activity.id);
        Self { pk, sk, kind: "client_activity".into(), client_id: client_id.into(), activity }
    }
}

/// An ID number as stored: sealed, masked for lists, and hashed for look-ups.
pub struct SealedIdNumber {
    pub sealed: String,
    pub masked: String,
    pub hash: String,
}

impl SealedIdNumber {
    pub fn new(pii: &Pii, id: &IdNumber) -> Self {
        Self {
            sealed: pii.seal("id_number", id.as_str()),
            masked: id.masked(),
            hash: id_hash(pii, id),
        }
    }
}

/// The keyed hash by which an ID number is found and guarded.
pub fn id_hash(pii: &Pii, id: &IdNumber) -> String {
    pii.lookup_hash("id_number", id.as_str())
}

/// An ID number with the gender and birth date it encodes.
#[derive(Debug, Clone)]
pub struct Identity {
    pub id_number: IdNumber,
    pub gender: Gender,
    pub birth_date: Date,
}

/// Checks an ID number, and the gender and birth date a form may send with it: both
/// derive from the number, so a given one that disagrees is refused under its own field.
/// Empty strings count as not given.
pub fn check_identity(
    v: &mut Validator,
    id_number: &str,
    gender: Option<&str>,
    birth_date: Option<&str>,
) -> Option<Identity> {
    let id = v.check("id_number", IdNumber::parse(id_number));
    let gender = gender.map(str::trim).filter(|g| !g.is_empty()).and_then(|raw| {
        v.check("gender", Gender::parse(raw).map_err(|_| "性别应为 male（男）或 female（女）"))
    });
    let birth = birth_date
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .and_then(|raw| v.check("birth_date", parse_date(raw)));
    let id = id?;
    if gender.is_some_and(|g| g != id.gender()) {
        v.add("gender", "性别与身份证号码不符");
    }
    if birth.is_some_and(|b| b != id.birth_date()) {
        v.add("birth_date", "出生日期与身份证号码不符");
    }
    Some(Identity { gender: id.gender(), birth_date: id.birth_date(), id_number: id })
}

/// Whether an update sends another ID number than the stored one (the check character's
/// case aside). Gender and birth date derive from the number: with a new one, the stored
/// ones are the old number's.
pub fn is_new_id_number(sent: Option<&str>, stored: Option<&str>) -> bool {
    sent.map(str::trim).is_some_and(|sent| stored.is_none_or(|old| !sent.eq_ignore_ascii_case(old)))
}

/// A gender or birth date sent with a new ID number, unless it is the stored one sent
/// back unchanged (a form echoing the record): that one is the old number's and says
/// nothing of the new one, so it is not held against it.
pub fn unless_echoed(sent: Option<String>, stored: Option<&str>) -> Option<String> {
    sent.filter(|s| Some(s.trim()) != stored)
}

/// What a list's `q` asks for: an exact ID number when it parses as one (by its hash),
/// otherwise a part of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonQuery {
    IdHash(String),
    Name(String),
}

impl PersonQuery {
    /// `None` for an empty `q`.
    pub fn parse(pii: &Pii, q: Option<&str>) -> Option<Self> {
        let q = q.map(str::trim).filter(|q| !q.is_empty())?;
        if let Ok(id) = IdNumber::parse(q) {
            return Some(Self::IdHash(id_hash(pii, &id)));
        }
        let name = PersonName::parse(q).map(String::from).unwrap_or_else(|_| q.to_string());
        Some(Self::Name(name.to_lowercase()))
    }

    /// True when a person with this name and ID hash answers the query.
    pub fn matches(&self, name: &str, id_hash: &str) -> bool {
        match self {
            Self::IdHash(hash) => hash == id_hash,
            Self::Name(part) => name.to_lowercase().contains(part.as_str()),
        }
    }

    /// The normal form for a cursor's scope; the ID number appears only as its hash.
    pub fn scope_key(&self) -> String {
        match self {
            Self::IdHash(hash) => format!("id:{hash}"),
            Self::Name(part) => format!("name:{part}"),
        }
    }
}

/// For the optional fields of an update body: absent stays `None` (keep the stored
/// value), `null` becomes `Some(None)` (clear it), a value `Some(Some(value))`. Use with
/// `#[serde(default, deserialize_with = "patch")]`.
pub fn patch<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

impl Store {
    /// A worker of the caller's station, current or departed.
    pub async fn worker(
        &self,
        scope: &StationScope,
        id: &str,
    ) -> anyhow::Result<Option<WorkerRecord>> {
        let (pk, sk) = keys::worker(scope.station_id(), id);
        self.get(&pk, &sk).await
    }

    /// Workers of the caller's station by id, current or departed; unknown ids are left
    /// out. Order is not kept.
    pub async fn workers_by_ids(
        &self,
        scope: &StationScope,
        ids: &[String],
    ) -> anyhow::Result<Vec<WorkerRecord>> {
        let keys: Vec<_> = ids.iter().map(|id| keys::worker(scope.station_id(), id)).collect();
        self.get_many(&keys).await
    }

    /// The station's current workers, oldest record first. A station has tens of workers,
    /// so this reads its whole worker range.
    pub async fn current_workers(&self, scope: &StationScope) -> anyhow::Result<Vec<WorkerRecord>> {
        let (pk, _) = keys::station(scope.station_id());
        let query = Query::new(Index::Table, pk).begins_with(keys::WORKER_PREFIX);
        let workers: Vec<WorkerRecord> = self.query_all(&query).await?;
        Ok(workers.into_iter().filter(WorkerRecord::is_current).collect())
    }

    /// A visible client of the caller's station; hidden (deleted) ones are `None`.
    pub async fn client(
        &self,
        scope: &StationScope,
        id: &str,
    ) -> anyhow::Result<Option<ClientRecord>> {
        let (pk, sk) = keys::client(scope.station_id(), id);
        Ok(self.get::<ClientRecord>(&pk, &sk).await?.filter(|c| !c.hidden))
    }

    /// Clients of the caller's station by id, hidden ones included (activities keep
    /// naming them); unknown ids are left out. Order is not kept.
    pub async fn clients_by_ids(
        &self,
        scope: &StationScope,
        ids: &[String],
    ) -> anyhow::Result<Vec<ClientRecord>> {
        let keys: Vec<_> = ids.iter().map(|id| keys::client(scope.station_id(), id)).collect();
        self.get_many(&keys).await
    }

    /// A check, inside a transaction, that a worker exists and has not left.
    pub fn check_current_worker(
        &self,
        station_id: &str,
        worker_id: &str,
    ) -> anyhow::Result<TransactWriteItem> {
        let (pk, sk) = keys::worker(station_id, worker_id);
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(left_on)")
            .build()
            .context("building a condition check")?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }

    /// The Update that must accompany the creation (`linking`) or deletion of a client's
    /// activity link: it moves the client's `link_epoch`, and a new link also requires
    /// the client to exist and not be hidden. See [`ClientActivityLink`].
    pub fn touch_client_for_link(
        &self,
        station_id: &str,
        client_id: &str,
        linking: bool,
    ) -> anyhow::Result<TransactWriteItem> {
        let (pk, sk) = keys::client(station_id, client_id);
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression("ADD #epoch :one")
            .expression_attribute_names("#epoch", "link_epoch")
            .expression_attribute_values(":one", n(1));
        update = if linking {
            update
                // `hidden` is a reserved word in DynamoDB expressions.
                .condition_expression("attribute_exists(pk) AND #hidden = :false")
                .expression_attribute_names("#hidden", "hidden")
                .expression_attribute_values(
                    ":false",
                    aws_sdk_dynamodb::types::AttributeValue::Bool(false),
                )
        } else {
            update.condition_expression("attribute_exists(pk)")
        };
        Ok(TransactWriteItem::builder()
            .update(update.build().context("building an update")?)
            .build())
    }

    /// The Delete of a client found without links: it fails if the client was edited
    /// (`version`) or linked to an activity (`link_epoch`) since it was read.
    pub fn delete_unlinked_client(
        &self,
        client: &ClientRecord,
    ) -> anyhow::Result<TransactWriteItem> {
        let delete = aws_sdk_dynamodb::types::Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(client.pk.clone(), client.sk.clone())))
            .condition_expression(
                "#version = :version AND (attribute_not_exists(#epoch) OR #epoch = :epoch)",
            )
            .expression_attribute_names("#version", "version")
            .expression_attribute_names("#epoch", "link_epoch")
            .expression_attribute_values(":version", n(client.version))
            .expression_attribute_values(":epoch", n(client.link_epoch))
            .build()
            .context("building a delete")?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "11010519491231002X";

    fn pii() -> Pii {
        Pii::new(&[5u8; 32])
    }

    #[test]
    fn identity_derives_gender_and_birth_date() {
        let mut v = Validator::new();
        let identity = check_identity(&mut v, "11010519491231002x", None, None).unwrap();
        assert!(v.finish().is_ok());
        assert_eq!(identity.id_number.as_str(), ID);
        assert_eq!(identity.gender, Gender::Female);
        assert_eq!(identity.birth_date.to_string(), "1949-12-31");
    }

    #[test]
    fn a_gender_that_disagrees_with_the_id_number_is_refused_under_gender() {
        let mut v = Validator::new();
        check_identity(&mut v, ID, Some("male"), Some("1949-12-31"));
        let crate::ApiError::Validation(fields) = v.finish().unwrap_err() else { panic!() };
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["gender"]);
    }

    #[test]
    fn a_birth_date_that_disagrees_is_refused_under_birth_date() {
        let mut v = Validator::new();
        check_identity(&mut v, ID, Some("女"), Some("1950-01-01"));
        let crate::ApiError::Validation(fields) = v.finish().unwrap_err() else { panic!() };
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["birth_date"]);
    }

    #[test]
    fn empty_gender_and_birth_date_count_as_not_given() {
        let mut v = Validator::new();
        assert!(check_identity(&mut v, ID, Some(""), Some(" ")).is_some());
        assert!(v.finish().is_ok());
    }

    #[test]
    fn every_bad_identity_field_is_reported_at_once() {
        let mut v = Validator::new();
        assert!(check_identity(&mut v, "123", Some("unknown"), Some("2020-13-01")).is_none());
        let crate::ApiError::Validation(fields) = v.finish().unwrap_err() else { panic!() };
        assert_eq!(fields.len(), 3);
    }

    #[test]
    fn a_query_that_is_an_id_number_searches_by_hash() {
        let pii = pii();
        let query =
            PersonQuery::parse(&pii, Some(" １１０１０５１９４９１２３１００２ｘ ")).unwrap();
        let hash = id_hash(&pii, &IdNumber::parse(ID).unwrap());
        assert_eq!(query, PersonQuery::IdHash(hash.clone()));
        assert!(query.matches("张三", &hash));
        assert!(!query.scope_key().contains("1949"));
    }

    #[test]
    fn any_other_query_is_a_part_of_a_name() {
        let pii = pii();
        let query = PersonQuery::parse(&pii, Some("买买提•艾")).unwrap();
        assert!(query.matches("阿依·买买提·艾力", "x"));
        assert!(!query.matches("张三", "x"));
        assert!(PersonQuery::parse(&pii, Some("  ")).is_none());
        assert!(PersonQuery::parse(&pii, None).is_none());
        assert!(PersonQuery::parse(&pii, Some("Anna")).unwrap().matches("ANNA·李", "x"));
    }

    #[derive(Deserialize)]
    struct PhoneUpdate {
        #[serde(default, deserialize_with = "patch")]
        phone: Option<Option<String>>,
    }

    #[test]
    fn a_patch_field_tells_absent_from_null() {
        let absent: PhoneUpdate = serde_json::from_str("{}").unwrap();
        assert_eq!(absent.phone, None);
        let null: PhoneUpdate = serde_json::from_str(r#"{"phone": null}"#).unwrap();
        assert_eq!(null.phone, Some(None));
        let value: PhoneUpdate = serde_json::from_str(r#"{"phone": "1"}"#).unwrap();
        assert_eq!(value.phone, Some(Some("1".into())));
    }
}
