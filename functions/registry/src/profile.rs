//! A certified social worker's own profile: registering (which also creates their login),
//! reading it and editing it. The ID number identifies the person in the registry: one
//! profile per ID number, fixed once registered.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use swz_shared::accounts::{AccountLinks, AccountRecord, USERNAME_TAKEN, parse_username};
use swz_shared::auth::{Actor, check_password_rules};
use swz_shared::domain::{Education, Gender, PersonName, Phone, QualificationLevel, clean_text};
use swz_shared::http::Body;
use swz_shared::people::{Identity, SealedIdNumber, check_identity};
use swz_shared::registry::RegistryProfileRecord;
use swz_shared::store::{keys, s, tx_error};
use swz_shared::{ApiError, ApiResult, App, Caller, Role, Validator};
use unicode_normalization::UnicodeNormalization;
use utoipa::ToSchema;

/// A profile body as sent, on registration and on edits alike; every field optional here,
/// so that all missing and bad fields are reported together. (One flat struct rather
/// than flattened parts: a type error then names its field.)
///
/// Its OpenAPI schema describes the edit (`PUT /api/registry/me`): `version` required,
/// any other field left out keeps its stored value. Registration is described by
/// [`Registration`].
#[derive(Deserialize, Default, ToSchema)]
#[schema(as = ProfileUpdate)]
pub struct RawProfile {
    /// Registration only.
    #[schema(ignore)]
    username: Option<String>,
    /// Registration only.
    #[schema(ignore)]
    password: Option<String>,
    /// Edits only: the version that was read.
    #[schema(value_type = u64, required = true)]
    version: Option<u64>,
    name: Option<String>,
    /// Derives from the ID number; if sent, it must agree with it.
    #[schema(value_type = Option<Gender>)]
    gender: Option<String>,
    /// Fixed once registered: may be sent back unchanged, never changed.
    id_number: Option<String>,
    /// 手机号, 11 digits.
    phone: Option<String>,
    #[schema(value_type = Option<Education>)]
    education: Option<String>,
    /// 专业, at most 50 characters.
    major: Option<String>,
    #[schema(value_type = Option<QualificationLevel>)]
    qualification_level: Option<String>,
    /// 证书编号: required with a qualification, empty without one.
    certificate_number: Option<String>,
}

/// `POST /api/registry/register` as the OpenAPI document describes it. The handler reads
/// the body as [`RawProfile`], so that every bad field is reported at once; this type
/// only gives the document the registration's required fields, and a test keeps the two
/// in step.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({
    "username": "sw_zhaolei", "password": "Zhao2026pass", "name": "赵磊",
    "id_number": "330106199004200351", "phone": "13600003333", "education": "bachelor",
    "major": "社会工作", "qualification_level": "intermediate",
    "certificate_number": "ZS2021001",
}))]
#[allow(dead_code)]
pub struct Registration {
    /// The login name of the new account.
    username: String,
    password: String,
    /// 姓名.
    name: String,
    /// Derives from the ID number; if sent, it must agree with it.
    gender: Option<Gender>,
    /// 身份证号: 18 characters (GB 11643), fixed once registered.
    id_number: String,
    /// 手机号, 11 digits.
    phone: String,
    education: Education,
    /// 专业, at most 50 characters.
    major: Option<String>,
    qualification_level: QualificationLevel,
    /// 证书编号: required with a qualification, empty or left out without one.
    certificate_number: Option<String>,
}

/// The profile as its owner sees it, full ID number and phone included.
#[derive(Serialize, ToSchema)]
pub struct ProfileView {
    id: String,
    /// The same as `id`: the value a station picks when adding this worker.
    registry_id: String,
    username: String,
    name: String,
    gender: Gender,
    id_number: String,
    #[schema(format = Date)]
    birth_date: String,
    phone: String,
    education: Education,
    major: String,
    qualification_level: QualificationLevel,
    certificate_number: String,
    version: u64,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
}

impl ProfileView {
    fn of(app: &App, profile: RegistryProfileRecord, username: &str) -> ApiResult<Self> {
        Ok(Self {
            id_number: app.pii.open("id_number", &profile.id_number_sealed)?,
            phone: app.pii.open("phone", &profile.phone_sealed)?,
            registry_id: profile.id.clone(),
            id: profile.id,
            username: username.to_string(),
            name: profile.name,
            gender: profile.gender,
            birth_date: profile.birth_date,
            education: profile.education,
            major: profile.major,
            qualification_level: profile.qualification_level,
            certificate_number: profile.certificate_number,
            version: profile.version,
            created_at: profile.created_at,
            updated_at: profile.updated_at,
        })
    }
}

/// A checked profile.
struct Profile {
    name: PersonName,
    identity: Identity,
    phone: Phone,
    education: Education,
    major: String,
    level: QualificationLevel,
    certificate_number: String,
}

/// The guard that keeps one registry profile per ID number; it names the profile.
#[derive(Serialize, Deserialize)]
struct RegistryIdGuard {
    pk: String,
    sk: String,
    kind: String,
    registry_id: String,
}

const ID_TAKEN: &str = "该身份证号码已在社工登记库中注册";

#[utoipa::path(post, path = "/api/registry/register", tag = "registry",
    request_body = Registration,
    responses((status = 201, description = "已注册，登录账户一并创建", body = ProfileView)))]
pub async fn register(
    State(app): State<App>,
    Body(request): Body<RawProfile>,
) -> ApiResult<(StatusCode, Json<ProfileView>)> {
    let mut v = Validator::new();
    let username = v.check("username", parse_username(request.username.as_deref().unwrap_or("")));
    let password = request.password.clone().unwrap_or_default();
    v.check("password", check_password_rules(&password));
    let profile = check_profile(&mut v, &request);
    v.finish()?;
    let (Some(username), Some(profile)) = (username, profile) else {
        unreachable!("the validator refused missing values")
    };

    let id = keys::new_id();
    let links = AccountLinks { registry_id: Some(id.clone()), ..Default::default() };
    let account =
        AccountRecord::new(Role::SocialWorker, &username, &password, profile.name.as_str(), links)
            .await?;
    let now = jiff::Timestamp::now().to_string();
    let sealed = SealedIdNumber::new(&app.pii, &profile.identity.id_number);
    let (pk, sk) = keys::registry_profile(&id);
    let mut record = RegistryProfileRecord {
        pk,
        sk,
        gsi1pk: keys::REGISTRY_GSI1.into(),
        gsi1sk: String::new(),
        gsi2pk: keys::registry_id_gsi2(&sealed.hash),
        gsi2sk: "PROFILE".into(),
        kind: "registry_profile".into(),
        id: id.clone(),
        account_id: account.id.clone(),
        name: String::new(),
        gender: profile.identity.gender,
        id_number_sealed: sealed.sealed,
        id_number_masked: sealed.masked,
        id_hash: sealed.hash.clone(),
        birth_date: profile.identity.birth_date.to_string(),
        phone_sealed: String::new(),
        education: profile.education,
        major: String::new(),
        qualification_level: profile.level,
        certificate_number: String::new(),
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    apply(&app, &mut record, profile);
    let (guard_pk, guard_sk) = keys::registry_id_guard(&sealed.hash);
    let guard = RegistryIdGuard {
        pk: guard_pk,
        sk: guard_sk,
        kind: "registry_id_guard".into(),
        registry_id: id.clone(),
    };

    // Positions matter: 0 is the username guard, 2 the ID-number guard.
    let mut writes = app.store.create_account(&account)?;
    writes.push(app.store.put_new(&guard)?);
    writes.push(app.store.put_new(&record)?);
    let actor = Actor { id: account.id.clone(), role: Role::SocialWorker.code().into() };
    writes.push(app.store.audit(&actor, "register", "registry_profile", &id, None)?);
    app.store
        .transact(writes)
        .await
        .map_err(|e| tx_error(e, &[(0, USERNAME_TAKEN), (2, ID_TAKEN)]))?;
    tracing::info!(registry_id = %id, "social worker registered");
    Ok((StatusCode::CREATED, Json(ProfileView::of(&app, record, &account.username)?)))
}

#[utoipa::path(get, path = "/api/registry/me", tag = "registry",
    responses((status = 200, description = "本人的登记资料", body = ProfileView)))]
pub async fn me(State(app): State<App>, caller: Caller) -> ApiResult<Json<ProfileView>> {
    let profile = own_profile(&app, &caller).await?;
    Ok(Json(ProfileView::of(&app, profile, &caller.account.username)?))
}

#[utoipa::path(put, path = "/api/registry/me", tag = "registry", request_body = RawProfile,
    responses((status = 200, description = "已修改", body = ProfileView)))]
pub async fn update(
    State(app): State<App>,
    caller: Caller,
    Body(request): Body<RawProfile>,
) -> ApiResult<Json<ProfileView>> {
    let mut record = own_profile(&app, &caller).await?;
    let stored_id = app.pii.open("id_number", &record.id_number_sealed)?;

    let mut v = Validator::new();
    let version = v.check("version", request.version.ok_or("缺少此项"));
    let merged = merge(request, stored(&app, &record, &stored_id)?);
    let profile = check_profile(&mut v, &merged);
    if let Some(profile) = &profile
        && profile.identity.id_number.as_str() != stored_id
    {
        v.add("id_number", "注册后不能修改身份证号码");
    }
    v.finish()?;
    let (Some(version), Some(profile)) = (version, profile) else {
        unreachable!("the validator refused missing values")
    };
    if version != record.version {
        return Err(ApiError::conflict("记录已被他人修改，请刷新后重试"));
    }

    let expected = record.version;
    apply(&app, &mut record, profile);
    record.version += 1;
    record.updated_at = jiff::Timestamp::now().to_string();
    let (account_pk, account_sk) = keys::account(&caller.account.id);
    let writes = vec![
        app.store.put_versioned(&record, expected)?,
        // The login's display name follows the profile's name.
        app.store.update(
            &account_pk,
            &account_sk,
            "SET display_name = :name",
            &[],
            vec![(":name", s(record.name.clone()))],
        )?,
        app.store.audit(&caller.actor(), "update", "registry_profile", &record.id, None)?,
    ];
    app.store.transact(writes).await.map_err(|e| tx_error(e, &[]))?;
    Ok(Json(ProfileView::of(&app, record, &caller.account.username)?))
}

/// The caller's own profile; only social workers have one.
async fn own_profile(app: &App, caller: &Caller) -> ApiResult<RegistryProfileRecord> {
    caller.require(&[Role::SocialWorker])?;
    let id = caller.account.registry_id.as_deref().ok_or(ApiError::NotFound)?;
    app.store.registry_profile(id).await?.ok_or(ApiError::NotFound)
}

/// Writes checked fields into a record, with the index key that name search uses.
fn apply(app: &App, record: &mut RegistryProfileRecord, profile: Profile) {
    record.name = profile.name.to_string();
    record.gsi1sk = format!("{}#{}", record.name, record.id);
    record.phone_sealed = app.pii.seal("phone", profile.phone.as_str());
    record.education = profile.education;
    record.major = profile.major;
    record.qualification_level = profile.level;
    record.certificate_number = profile.certificate_number;
}

/// The stored profile as raw fields, to fill what an edit leaves out.
fn stored(app: &App, record: &RegistryProfileRecord, id_number: &str) -> ApiResult<RawProfile> {
    Ok(RawProfile {
        username: None,
        password: None,
        version: None,
        name: Some(record.name.clone()),
        gender: None,
        id_number: Some(id_number.to_string()),
        phone: Some(app.pii.open("phone", &record.phone_sealed)?),
        education: Some(record.education.code().into()),
        major: Some(record.major.clone()),
        qualification_level: Some(record.qualification_level.code().into()),
        certificate_number: Some(record.certificate_number.clone()),
    })
}

/// Field by field: what was sent, else what is stored.
fn merge(sent: RawProfile, stored: RawProfile) -> RawProfile {
    RawProfile {
        username: None,
        password: None,
        version: None,
        name: sent.name.or(stored.name),
        gender: sent.gender.or(stored.gender),
        id_number: sent.id_number.or(stored.id_number),
        phone: sent.phone.or(stored.phone),
        education: sent.education.or(stored.education),
        major: sent.major.or(stored.major),
        qualification_level: sent.qualification_level.or(stored.qualification_level),
        certificate_number: sent.certificate_number.or(stored.certificate_number),
    }
}

fn check_profile(v: &mut Validator, raw: &RawProfile) -> Option<Profile> {
    let text = |value: &Option<String>| value.as_deref().unwrap_or("").to_string();
    let name = v.check("name", PersonName::parse(&text(&raw.name)));
    let identity = check_identity(v, &text(&raw.id_number), raw.gender.as_deref(), None);
    let phone = v.check("phone", Phone::parse(&text(&raw.phone)));
    let education = v.check("education", Education::parse(&text(&raw.education)));
    let major = v.check("major", clean_text(&text(&raw.major), "专业", 50));
    let level =
        v.check("qualification_level", QualificationLevel::parse(&text(&raw.qualification_level)));
    let certificate =
        v.check("certificate_number", parse_certificate(level, &text(&raw.certificate_number)));
    Some(Profile {
        name: name?,
        identity: identity?,
        phone: phone?,
        education: education?,
        major: major?,
        level: level?,
        certificate_number: certificate?,
    })
}

/// 证书编号: full-width characters normalised, upper case, no spaces; required with a
/// qualification and refused without one. `level` is `None` when it did not parse, and
/// then only the form is checked.
fn parse_certificate(level: Option<QualificationLevel>, raw: &str) -> Result<String, &'static str> {
    let value = raw.nfkc().collect::<String>().trim().to_uppercase();
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("证书编号不能包含空格或控制字符");
    }
    if value.chars().count() > 50 {
        return Err("证书编号不能超过50个字符");
    }
    match level {
        Some(QualificationLevel::None) if !value.is_empty() => {
            Err("未取得职业资格时不应填写证书编号")
        }
        Some(level) if level != QualificationLevel::None && value.is_empty() => {
            Err("请填写证书编号")
        }
        _ => Ok(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawProfile {
        RawProfile {
            name: Some("李华".into()),
            gender: Some("female".into()),
            id_number: Some("11010519491231002x".into()),
            phone: Some("１３８００１３８０００".into()),
            education: Some("bachelor".into()),
            major: Some("社会工作".into()),
            qualification_level: Some("intermediate".into()),
            certificate_number: Some(" ｚｓ２０２０００１ ".into()),
            ..RawProfile::default()
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
    fn a_complete_profile_is_normalised() {
        let mut v = Validator::new();
        let profile = check_profile(&mut v, &raw()).unwrap();
        assert!(fields(v).is_empty());
        assert_eq!(profile.identity.id_number.as_str(), "11010519491231002X");
        assert_eq!(profile.phone.as_str(), "13800138000");
        assert_eq!(profile.certificate_number, "ZS2020001");
    }

    #[test]
    fn every_missing_field_is_named() {
        let mut v = Validator::new();
        assert!(check_profile(&mut v, &RawProfile::default()).is_none());
        assert_eq!(fields(v), ["education", "id_number", "name", "phone", "qualification_level"]);
    }

    #[test]
    fn a_gender_that_disagrees_with_the_id_number_is_named() {
        let mut v = Validator::new();
        check_profile(&mut v, &RawProfile { gender: Some("male".into()), ..raw() });
        assert_eq!(fields(v), ["gender"]);
    }

    #[test]
    fn a_certificate_is_required_with_a_qualification_and_refused_without() {
        assert_eq!(
            parse_certificate(Some(QualificationLevel::Assistant), " "),
            Err("请填写证书编号")
        );
        assert!(parse_certificate(Some(QualificationLevel::None), "ZS1").is_err());
        assert_eq!(parse_certificate(Some(QualificationLevel::None), "").unwrap(), "");
        assert!(parse_certificate(Some(QualificationLevel::Senior), "ZS 1").is_err());
        assert_eq!(parse_certificate(None, "zs1").unwrap(), "ZS1");
    }

    #[test]
    fn the_documented_registration_is_what_the_handler_takes() {
        let body = serde_json::json!({
            "username": "sw_wang", "password": "Secret2026", "name": "王芳",
            "id_number": "11010519491231002X", "phone": "13800138000",
            "education": "bachelor", "qualification_level": "assistant",
            "certificate_number": "ZS1",
        });
        assert!(serde_json::from_value::<Registration>(body.clone()).is_ok());
        let raw: RawProfile = serde_json::from_value(body).unwrap();
        let mut v = Validator::new();
        assert!(check_profile(&mut v, &raw).is_some());
        assert!(fields(v).is_empty());
    }

    #[test]
    fn an_edit_keeps_what_it_does_not_send() {
        let sent = RawProfile { phone: Some("13900000000".into()), ..Default::default() };
        let merged = merge(sent, raw());
        assert_eq!(merged.phone.as_deref(), Some("13900000000"));
        assert_eq!(merged.name.as_deref(), Some("李华"));
    }
}
