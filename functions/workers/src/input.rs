//! What a station sends about a worker, and how it is checked. Raw bodies hold optional
//! strings so that every missing or bad field is reported at once; checking turns them
//! into domain values.

use jiff::civil::Date;
use serde::Deserialize;
use swz_shared::Validator;
use swz_shared::domain::{
    Education, Gender, PersonName, Phone, Position, QualificationLevel, china_today, clean_text,
    parse_date,
};
use swz_shared::people::{
    Identity, WorkerSource, check_identity, is_new_id_number, patch, unless_echoed,
};
use unicode_normalization::UnicodeNormalization;
use utoipa::ToSchema;

/// A worker body as sent, on create and on update alike; every field optional here, so
/// that all missing and bad fields are reported together. (One flat struct rather than
/// flattened parts: a type error then names its field.)
///
/// Its OpenAPI schema describes the edit (`PUT /api/workers/{id}`): `version` required,
/// any other field left out keeps its stored value. Creation is described by
/// [`NewWorker`].
#[derive(Deserialize, Default, Clone, ToSchema)]
#[schema(as = WorkerUpdate)]
pub struct RawWorker {
    /// Create: `registry` or `manual`. Update: may be sent back unchanged, never changed.
    #[schema(value_type = Option<WorkerSource>)]
    pub source: Option<String>,
    /// Create from the registry: the profile to copy. Update: as `source`.
    pub registry_id: Option<String>,
    /// Update: the version that was read.
    #[schema(value_type = u64, required = true)]
    pub version: Option<u64>,
    /// Update of a departed worker: corrects the leave date. `null` (reinstating) and a
    /// date for a current worker (use DELETE) are refused. Ignored on create.
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>, format = Date)]
    pub left_on: Option<Option<String>>,
    /// Registry workers: read-only, may be sent back unchanged.
    pub name: Option<String>,
    /// Derives from the ID number; if sent, it must agree with it.
    #[schema(value_type = Option<Gender>)]
    pub gender: Option<String>,
    /// 身份证号, 18 characters. Registry workers: read-only.
    pub id_number: Option<String>,
    /// Derives from the ID number; if sent, it must agree with it.
    #[schema(format = Date)]
    pub birth_date: Option<String>,
    /// 手机号, 11 digits.
    pub phone: Option<String>,
    #[schema(value_type = Option<Education>)]
    pub education: Option<String>,
    /// 专业, at most 50 characters.
    pub major: Option<String>,
    #[schema(value_type = Option<Position>)]
    pub position: Option<String>,
    /// 入职日期.
    #[schema(format = Date)]
    pub hired_on: Option<String>,
    /// Registry workers: read-only. Manual workers: `none` only.
    #[schema(value_type = Option<QualificationLevel>)]
    pub qualification_level: Option<String>,
    /// Registry workers: read-only. Manual workers: empty only.
    pub certificate_number: Option<String>,
}

/// `POST /api/workers` as the OpenAPI document describes it: two shapes told apart by
/// `source`. The handler reads the body as [`RawWorker`], so that every bad field is
/// reported at once; this type gives the document each shape's required fields, and a
/// test keeps the two in step.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "source", rename_all = "snake_case")]
#[schema(example = json!({
    "source": "manual", "name": "陈明", "id_number": "330106198806150179",
    "phone": "13700001234", "education": "college", "major": "护理",
    "position": "assistant", "hired_on": "2024-03-01",
}))]
#[allow(dead_code)]
pub enum NewWorker {
    /// 从系统中选择: the identity and certificate fields are copied from the registry
    /// profile and stay read-only.
    Registry {
        /// The `registry_id` of a registry search hit.
        registry_id: String,
        position: Position,
        /// 入职日期.
        #[schema(format = Date)]
        hired_on: String,
    },
    /// 手动输入: an uncertified worker; the qualification level is 无.
    Manual {
        name: String,
        /// Derives from the ID number; if sent, it must agree with it.
        gender: Option<Gender>,
        /// 身份证号, 18 characters (GB 11643).
        id_number: String,
        /// Derives from the ID number; if sent, it must agree with it.
        #[schema(format = Date)]
        birth_date: Option<String>,
        /// 手机号, 11 digits.
        phone: String,
        education: Education,
        /// 专业, at most 50 characters.
        major: Option<String>,
        position: Position,
        /// 入职日期.
        #[schema(format = Date)]
        hired_on: String,
    },
}

/// The checked fields of a worker.
pub struct WorkerFields {
    pub name: PersonName,
    pub identity: Identity,
    pub phone: Phone,
    pub education: Education,
    pub major: String,
    pub position: Position,
    pub hired_on: Date,
}

/// The station's own fields of a worker added from the registry.
pub struct Placement {
    pub registry_id: String,
    pub position: Position,
    pub hired_on: Date,
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("")
}

/// Reads `source`: required, `registry` or `manual`.
pub fn check_source(v: &mut Validator, raw: &Option<String>) -> Option<WorkerSource> {
    v.check("source", WorkerSource::parse(text(raw)).map_err(|_| "来源应为 registry 或 manual"))
}

/// The fields of a worker added from the registry; the rest is copied from the profile.
pub fn check_placement(
    v: &mut Validator,
    registry_id: &Option<String>,
    raw: &RawWorker,
) -> Option<Placement> {
    let registry_id = text(registry_id).trim().to_string();
    if registry_id.is_empty() {
        v.add("registry_id", "请从社工登记库中选择社工");
    }
    let position = v.check("position", Position::parse(text(&raw.position)));
    let hired_on = v.check("hired_on", parse_hired_on(text(&raw.hired_on)));
    Some(Placement { registry_id, position: position?, hired_on: hired_on? })
}

/// Every field of a worker entered by hand (or of a stored worker merged with an edit).
pub fn check_fields(v: &mut Validator, raw: &RawWorker) -> Option<WorkerFields> {
    let name = v.check("name", PersonName::parse(text(&raw.name)));
    let identity =
        check_identity(v, text(&raw.id_number), raw.gender.as_deref(), raw.birth_date.as_deref());
    let phone = v.check("phone", Phone::parse(text(&raw.phone)));
    let education = v.check("education", Education::parse(text(&raw.education)));
    let major = v.check("major", clean_text(text(&raw.major), "专业", 50));
    let position = v.check("position", Position::parse(text(&raw.position)));
    let hired_on = v.check("hired_on", parse_hired_on(text(&raw.hired_on)));
    if let (Some(identity), Some(hired_on)) = (&identity, hired_on)
        && hired_on < identity.birth_date
    {
        v.add("hired_on", "入职日期不能早于出生日期");
    }
    Some(WorkerFields {
        name: name?,
        identity: identity?,
        phone: phone?,
        education: education?,
        major: major?,
        position: position?,
        hired_on: hired_on?,
    })
}

/// A worker entered by hand holds no qualification: the level, if sent, is 无 and the
/// certificate number empty.
pub fn check_no_certificate(v: &mut Validator, raw: &RawWorker) {
    if let Some(level) = raw.qualification_level.as_deref().filter(|l| !l.trim().is_empty())
        && QualificationLevel::parse(level) != Ok(QualificationLevel::None)
    {
        v.add(
            "qualification_level",
            "手动录入的社工职业资格等级为“无”；持证社工请从社工登记库中选择",
        );
    }
    if !text(&raw.certificate_number).trim().is_empty() {
        v.add("certificate_number", "手动录入的社工没有证书编号；持证社工请从社工登记库中选择");
    }
}

/// The message for a registry-copied field that an edit tries to change.
pub const READ_ONLY: &str = "此项来自社工登记库，不能在此修改；可使用“同步登记库信息”更新";

/// A field sent in an edit that must keep its stored value: compared in normal form,
/// so sending the record back as it was read is fine.
pub fn unchanged(sent: &Option<String>, stored: &str, normal: impl Fn(&str) -> String) -> bool {
    sent.as_deref().is_none_or(|value| normal(value) == normal(stored))
}

/// Normal form of a code-like value for comparison: NFKC, trimmed, upper case.
pub fn code_form(value: &str) -> String {
    value.nfkc().collect::<String>().trim().to_uppercase()
}

/// Normal form of a name for comparison.
pub fn name_form(value: &str) -> String {
    PersonName::parse(value).map(String::from).unwrap_or_else(|_| value.trim().to_string())
}

/// Normal form of an enum value (code or label) for comparison.
pub fn enum_form<T: ToString, E>(parse: impl Fn(&str) -> Result<T, E>) -> impl Fn(&str) -> String {
    move |value| parse(value).map(|v| v.to_string()).unwrap_or_else(|_| value.trim().to_string())
}

/// The person fields, field by field: what was sent, else what is stored.
pub fn merge(sent: &RawWorker, stored: RawWorker) -> RawWorker {
    let pick = |a: &Option<String>, b: Option<String>| a.clone().or(b);
    // Gender and birth date derive from the ID number. With a new number the stored
    // ones are the old number's: they are neither kept nor, sent back unchanged by a
    // form echoing the record, held against the new number.
    let new_number = is_new_id_number(sent.id_number.as_deref(), stored.id_number.as_deref());
    let derived = |a: &Option<String>, b: Option<String>| {
        if new_number { unless_echoed(a.clone(), b.as_deref()) } else { a.clone().or(b) }
    };
    RawWorker {
        source: None,
        registry_id: None,
        version: None,
        left_on: None,
        name: pick(&sent.name, stored.name),
        gender: derived(&sent.gender, stored.gender),
        id_number: pick(&sent.id_number, stored.id_number),
        birth_date: derived(&sent.birth_date, stored.birth_date),
        phone: pick(&sent.phone, stored.phone),
        education: pick(&sent.education, stored.education),
        major: pick(&sent.major, stored.major),
        position: pick(&sent.position, stored.position),
        hired_on: pick(&sent.hired_on, stored.hired_on),
        qualification_level: pick(&sent.qualification_level, stored.qualification_level),
        certificate_number: pick(&sent.certificate_number, stored.certificate_number),
    }
}

/// An entry date (入职日期), not after today (China time): the workers panel shows who is
/// in post now, and a leave date may not precede the entry date nor follow today.
pub fn parse_hired_on(raw: &str) -> Result<Date, &'static str> {
    if raw.trim().is_empty() {
        return Err("请填写入职日期");
    }
    let date = parse_date(raw)?;
    if date > china_today() {
        return Err("入职日期不能晚于今天");
    }
    Ok(date)
}

/// A leave date (离职日期): on or after the hire date, not after today (China time).
pub fn check_left_on(left_on: Date, hired_on: &str) -> Result<Date, &'static str> {
    if left_on > china_today() {
        return Err("离职日期不能晚于今天");
    }
    if parse_date(hired_on).is_ok_and(|hired| left_on < hired) {
        return Err("离职日期不能早于入职日期");
    }
    Ok(left_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use swz_shared::ApiError;

    fn manual() -> RawWorker {
        RawWorker {
            name: Some(" 王芳 ".into()),
            gender: Some("女".into()),
            id_number: Some("11010519491231002x".into()),
            birth_date: None,
            phone: Some("138 0013 8000".into()),
            education: Some("college".into()),
            major: None,
            position: Some("resident".into()),
            hired_on: Some("2024-03-01".into()),
            ..RawWorker::default()
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
    fn a_manual_worker_is_normalised() {
        let mut v = Validator::new();
        let worker = check_fields(&mut v, &manual()).unwrap();
        assert!(fields(v).is_empty());
        assert_eq!(worker.name.as_str(), "王芳");
        assert_eq!(worker.identity.id_number.as_str(), "11010519491231002X");
        assert_eq!(worker.phone.as_str(), "13800138000");
        assert_eq!(worker.major, "");
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let raw = RawWorker {
            name: Some("".into()),
            phone: Some("12345".into()),
            position: Some("boss".into()),
            hired_on: Some("2024/03/01".into()),
            ..manual()
        };
        let mut v = Validator::new();
        assert!(check_fields(&mut v, &raw).is_none());
        assert_eq!(fields(v), ["hired_on", "name", "phone", "position"]);
    }

    #[test]
    fn a_hire_date_before_birth_is_refused() {
        let mut v = Validator::new();
        check_fields(&mut v, &RawWorker { hired_on: Some("1940-01-01".into()), ..manual() });
        assert_eq!(fields(v), ["hired_on"]);
    }

    #[test]
    fn a_manual_worker_holds_no_certificate() {
        let mut v = Validator::new();
        check_no_certificate(
            &mut v,
            &RawWorker { qualification_level: Some("无".into()), ..manual() },
        );
        assert!(fields(v).is_empty());
        let mut v = Validator::new();
        let raw = RawWorker {
            qualification_level: Some("senior".into()),
            certificate_number: Some("ZS1".into()),
            ..manual()
        };
        check_no_certificate(&mut v, &raw);
        assert_eq!(fields(v), ["certificate_number", "qualification_level"]);
    }

    #[test]
    fn a_placement_needs_a_registry_id_position_and_date() {
        let mut v = Validator::new();
        assert!(check_placement(&mut v, &None, &RawWorker::default()).is_none());
        assert_eq!(fields(v), ["hired_on", "position", "registry_id"]);
    }

    #[test]
    fn sending_a_read_only_value_back_unchanged_is_fine() {
        assert!(unchanged(&None, "ZS1", code_form));
        assert!(unchanged(&Some(" ｚｓ1 ".into()), "ZS1", code_form));
        assert!(!unchanged(&Some("ZS2".into()), "ZS1", code_form));
        assert!(unchanged(
            &Some("社会工作师".into()),
            "intermediate",
            enum_form(QualificationLevel::parse)
        ));
        assert!(unchanged(&Some("买买提•艾力".into()), "买买提·艾力", name_form));
    }

    #[test]
    fn the_documented_create_shapes_are_what_the_handler_takes() {
        let manual = serde_json::json!({
            "source": "manual", "name": "王芳", "id_number": "11010519491231002X",
            "phone": "13800138000", "education": "college", "position": "resident",
            "hired_on": "2024-03-01",
        });
        let registry = serde_json::json!({
            "source": "registry", "registry_id": "r1", "position": "head",
            "hired_on": "2024-03-01",
        });
        for body in [manual, registry] {
            assert!(serde_json::from_value::<NewWorker>(body.clone()).is_ok());
            let raw: RawWorker = serde_json::from_value(body).unwrap();
            let mut v = Validator::new();
            match check_source(&mut v, &raw.source) {
                Some(WorkerSource::Manual) => {
                    check_fields(&mut v, &raw);
                }
                Some(WorkerSource::Registry) => {
                    check_placement(&mut v, &raw.registry_id, &raw);
                }
                None => {}
            }
            assert!(fields(v).is_empty());
        }
    }

    #[test]
    fn a_leave_date_lies_between_hire_date_and_today() {
        let today = china_today();
        assert!(check_left_on(today, "2020-01-01").is_ok());
        assert!(check_left_on(today.tomorrow().unwrap(), "2020-01-01").is_err());
        assert!(check_left_on(jiff::civil::date(2019, 12, 31), "2020-01-01").is_err());
    }
}
