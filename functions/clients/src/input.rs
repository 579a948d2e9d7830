//! What a station sends about a client, and how it is checked. Raw bodies hold optional
//! values so that every missing or bad field is reported at once.

use serde::Deserialize;
use swz_shared::Validator;
use swz_shared::domain::{Gender, PersonName, Phone, PopulationType, clean_text};
use swz_shared::people::{Identity, check_identity, is_new_id_number, patch, unless_echoed};
use unicode_normalization::UnicodeNormalization;
use utoipa::ToSchema;

/// A client as sent on create, or a stored client merged with an edit. An optional field
/// that is `None` is empty.
///
/// Its OpenAPI schema describes `POST /api/clients`; the required fields are marked there
/// although the type holds them optional, so that every missing one is reported at once.
#[derive(Deserialize, Default, Clone, ToSchema)]
#[schema(as = NewClient, example = json!({
    "name": "王秀英", "id_number": "330106194503120249", "phone": "13900001111",
    "village": "桂花社区", "address": "桂花社区3幢2单元101室",
    "population_types": ["elderly", "low_income"], "note": "独居，低保",
    "emergency_contact": {"name": "王建国", "phone": "13900002222"},
}))]
pub struct RawClient {
    #[schema(value_type = String, required = true)]
    pub name: Option<String>,
    /// Derives from the ID number; if sent, it must agree with it.
    #[schema(value_type = Option<Gender>)]
    pub gender: Option<String>,
    /// 身份证号, 18 characters (GB 11643).
    #[schema(value_type = String, required = true)]
    pub id_number: Option<String>,
    /// Derives from the ID number; if sent, it must agree with it.
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    /// 手机号, 11 digits.
    pub phone: Option<String>,
    /// 所属村（社区）: a 12-digit code under the station's township, or a name of at most
    /// 50 characters.
    #[schema(value_type = String, required = true)]
    pub village: Option<String>,
    /// 现住址, at most 200 characters.
    pub address: Option<String>,
    /// 人群类型: at least one.
    #[schema(value_type = Vec<PopulationType>, required = true, min_items = 1)]
    pub population_types: Option<Vec<String>>,
    /// 困难类型/备注, at most 500 characters.
    pub note: Option<String>,
    /// 紧急联系人: both name and phone, or neither.
    pub emergency_contact: Option<RawContact>,
    /// 负责社工: a current worker of the station.
    pub responsible_worker_id: Option<String>,
}

/// 紧急联系人 as sent.
#[derive(Deserialize, Default, Clone, ToSchema)]
#[schema(as = EmergencyContact)]
pub struct RawContact {
    pub name: Option<String>,
    /// 手机号, 11 digits.
    pub phone: Option<String>,
}

/// `PUT /api/clients/{id}`: fields sent replace the stored ones, absent fields stay, and
/// `null` clears an optional field.
#[derive(Deserialize, ToSchema)]
pub struct ClientUpdate {
    /// The version that was read.
    #[schema(value_type = u64, required = true)]
    pub version: Option<u64>,
    pub name: Option<String>,
    /// Derives from the ID number; if sent, it must agree with it.
    #[schema(value_type = Option<Gender>)]
    pub gender: Option<String>,
    /// 身份证号, 18 characters (GB 11643).
    pub id_number: Option<String>,
    /// Derives from the ID number; if sent, it must agree with it.
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    /// 所属村（社区）: a 12-digit code under the station's township, or a name.
    pub village: Option<String>,
    /// 人群类型: at least one.
    #[schema(value_type = Option<Vec<PopulationType>>)]
    pub population_types: Option<Vec<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub note: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<RawContact>)]
    pub emergency_contact: Option<Option<RawContact>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    pub responsible_worker_id: Option<Option<String>>,
}

impl ClientUpdate {
    /// The client after the edit, as raw fields over the stored ones.
    pub fn over(self, stored: RawClient) -> RawClient {
        fn nullable<T>(sent: Option<Option<T>>, stored: Option<T>) -> Option<T> {
            sent.unwrap_or(stored)
        }
        // Gender and birth date derive from the ID number; a sent one is only checked,
        // except the stored one sent back unchanged with a new number (a form echoing
        // the record), which is the old number's and says nothing of the new one.
        let new_number = is_new_id_number(self.id_number.as_deref(), stored.id_number.as_deref());
        let checked = |sent: Option<String>, stored: &Option<String>| {
            if new_number { unless_echoed(sent, stored.as_deref()) } else { sent }
        };
        RawClient {
            name: self.name.or(stored.name),
            gender: checked(self.gender, &stored.gender),
            birth_date: checked(self.birth_date, &stored.birth_date),
            id_number: self.id_number.or(stored.id_number),
            village: self.village.or(stored.village),
            population_types: self.population_types.or(stored.population_types),
            phone: nullable(self.phone, stored.phone),
            address: nullable(self.address, stored.address),
            note: nullable(self.note, stored.note),
            emergency_contact: nullable(self.emergency_contact, stored.emergency_contact),
            responsible_worker_id: nullable(
                self.responsible_worker_id,
                stored.responsible_worker_id,
            ),
        }
    }
}

/// The checked fields of a client.
pub struct ClientFields {
    pub name: PersonName,
    pub identity: Identity,
    pub phone: Option<Phone>,
    pub village: String,
    pub address: String,
    pub population_types: Vec<PopulationType>,
    pub note: String,
    pub emergency_contact: Option<(PersonName, Phone)>,
    pub responsible_worker_id: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Checks every field that needs no storage; the responsible worker's existence is the
/// caller's to check.
pub fn check_client(v: &mut Validator, raw: &RawClient) -> Option<ClientFields> {
    let name = v.check("name", PersonName::parse(raw.name.as_deref().unwrap_or("")));
    let identity = check_identity(
        v,
        raw.id_number.as_deref().unwrap_or(""),
        raw.gender.as_deref(),
        raw.birth_date.as_deref(),
    );
    let phone = match given(&raw.phone) {
        Some(phone) => v.check("phone", Phone::parse_contact(phone).map(Some)),
        None => Some(None),
    };
    let village = v.check("village", parse_village(raw.village.as_deref().unwrap_or("")));
    let address =
        v.check("address", clean_text(raw.address.as_deref().unwrap_or(""), "现住址", 200));
    let population_types = v.check(
        "population_types",
        parse_population_types(raw.population_types.as_deref().unwrap_or(&[])),
    );
    let note = v.check("note", clean_text(raw.note.as_deref().unwrap_or(""), "备注", 500));
    let contact = check_contact(v, raw.emergency_contact.as_ref());
    Some(ClientFields {
        name: name?,
        identity: identity?,
        phone: phone?,
        village: village?,
        address: address?,
        population_types: population_types?,
        note: note?,
        emergency_contact: contact?,
        responsible_worker_id: given(&raw.responsible_worker_id).map(str::to_string),
    })
}

/// 紧急联系人: both name and phone, or neither.
fn check_contact(
    v: &mut Validator,
    raw: Option<&RawContact>,
) -> Option<Option<(PersonName, Phone)>> {
    let Some(raw) = raw else { return Some(None) };
    let (name, phone) = (given(&raw.name), given(&raw.phone));
    if name.is_none() && phone.is_none() {
        return Some(None);
    }
    let name = match name {
        Some(name) => v.check("emergency_contact.name", PersonName::parse(name)),
        None => v.check("emergency_contact.name", Err("请填写紧急联系人姓名")),
    };
    let phone = match phone {
        Some(phone) => v.check("emergency_contact.phone", Phone::parse_contact(phone)),
        None => v.check("emergency_contact.phone", Err("请填写紧急联系人电话")),
    };
    Some(Some((name?, phone?)))
}

/// 所属村（社区）: a 12-digit statistical code (full-width digits accepted) or a name of
/// at most 50 characters.
pub fn parse_village(input: &str) -> Result<String, &'static str> {
    let normal: String = input.nfkc().collect::<String>().trim().to_string();
    if normal.is_empty() {
        return Err("请填写所属村（社区）");
    }
    if normal.chars().all(|c| c.is_ascii_digit()) {
        return if normal.len() == 12 {
            Ok(normal)
        } else {
            Err("村（社区）代码应为12位数字")
        };
    }
    let name = input.trim();
    if name.chars().any(char::is_control) {
        return Err("所属村（社区）不能包含控制字符");
    }
    if name.chars().count() > 50 {
        return Err("所属村（社区）不能超过50个字");
    }
    Ok(name.to_string())
}

/// 人群类型: one or more codes (or labels), kept once each in the catalogue's order.
pub fn parse_population_types(raw: &[String]) -> Result<Vec<PopulationType>, String> {
    let mut types = Vec::new();
    for value in raw.iter().filter(|v| !v.trim().is_empty()) {
        types.push(PopulationType::parse(value)?);
    }
    if types.is_empty() {
        return Err("请至少选择一种人群类型".into());
    }
    types.sort();
    types.dedup();
    Ok(types)
}

#[cfg(test)]
mod tests {
    use super::*;
    use swz_shared::ApiError;

    fn raw() -> RawClient {
        RawClient {
            name: Some("阿依古丽•买买提".into()),
            id_number: Some("11010519491231002x".into()),
            village: Some("３３０１０６００１００１".into()),
            population_types: Some(vec!["elderly".into(), "老年人".into(), "disabled".into()]),
            ..RawClient::default()
        }
    }

    fn fields(v: Validator) -> Vec<String> {
        match v.finish() {
            Ok(()) => Vec::new(),
            Err(ApiError::Validation(fields)) => fields.into_keys().collect(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn a_client_with_only_the_required_fields_is_accepted() {
        let mut v = Validator::new();
        let client = check_client(&mut v, &raw()).unwrap();
        assert!(fields(v).is_empty());
        assert_eq!(client.name.as_str(), "阿依古丽·买买提");
        assert_eq!(client.village, "330106001001");
        assert_eq!(client.population_types, [PopulationType::Elderly, PopulationType::Disabled]);
        assert!(client.phone.is_none() && client.emergency_contact.is_none());
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let bad = RawClient {
            name: Some("".into()),
            id_number: Some("110105194912310021".into()),
            phone: Some("12".into()),
            village: Some("3301".into()),
            population_types: Some(vec!["aliens".into()]),
            emergency_contact: Some(RawContact { name: Some("张三".into()), phone: None }),
            ..RawClient::default()
        };
        let mut v = Validator::new();
        assert!(check_client(&mut v, &bad).is_none());
        assert_eq!(
            fields(v),
            [
                "emergency_contact.phone",
                "id_number",
                "name",
                "phone",
                "population_types",
                "village"
            ]
        );
    }

    #[test]
    fn at_least_one_population_type_is_required() {
        assert!(parse_population_types(&[]).is_err());
        assert!(parse_population_types(&[" ".into()]).is_err());
        assert!(parse_population_types(&["low_income".into()]).is_ok());
    }

    #[test]
    fn a_village_is_a_code_or_a_name() {
        assert_eq!(parse_village(" 桂花社区 ").unwrap(), "桂花社区");
        assert_eq!(parse_village("330106001001").unwrap(), "330106001001");
        assert!(parse_village("33010600100").is_err());
        assert!(parse_village("").is_err());
        assert!(parse_village(&"村".repeat(51)).is_err());
    }

    #[test]
    fn an_empty_emergency_contact_is_none() {
        let mut v = Validator::new();
        let raw = RawClient { emergency_contact: Some(RawContact::default()), ..raw() };
        assert!(check_client(&mut v, &raw).unwrap().emergency_contact.is_none());
    }

    #[test]
    fn an_edit_clears_with_null_and_keeps_what_it_leaves_out() {
        let stored =
            RawClient { phone: Some("13800138000".into()), note: Some("独居".into()), ..raw() };
        let update: ClientUpdate =
            serde_json::from_str(r#"{"version": 1, "phone": null, "village": "桂花社区"}"#)
                .unwrap();
        let merged = update.over(stored);
        assert_eq!(merged.phone, None);
        assert_eq!(merged.note.as_deref(), Some("独居"));
        assert_eq!(merged.village.as_deref(), Some("桂花社区"));
    }
}
