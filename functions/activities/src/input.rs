//! The activity body as clients send it, and its checks: first every field on its own,
//! then what the ids point at (current workers and visible recipients of this station).

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use serde::Deserialize;
use serde_json::{Map, Value};
use swz_shared::activities::ActivityRecord;
use swz_shared::categories::{ActivityStatus, Category, parse_category};
use swz_shared::domain::{clean_text, parse_date};
use swz_shared::people::{ClientRecord, WorkerRecord};
use swz_shared::{ApiResult, App, StationScope, Validator};

/// At most this many participating workers, and this many linked recipients, per
/// activity. One activity write is one DynamoDB transaction (at most 100 items): the
/// activity, its audit entry, its dashboard copy, the counters, and per recipient a link,
/// a touch of the recipient and a reference count, per new worker a check. With 20 and 20
/// a creation is at most 86 items; an update that swaps many recipients at once can
/// still exceed 100, and is then refused with a message to split it.
pub const MAX_WORKERS: usize = 20;
pub const MAX_CLIENTS: usize = 20;

/// The most unregistered participants one activity may record.
pub const MAX_UNREGISTERED: u64 = 100_000;

/// `POST /api/activities` and `PUT /api/activities/{id}`. Everything is optional here
/// so that every missing or malformed field is reported at once, by name.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ActivityInput {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    #[schema(format = Date)]
    pub start_date: Option<String>,
    /// Required once the status is `finished`; not before the start date.
    #[serde(default)]
    #[schema(format = Date)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub lead_worker_id: Option<String>,
    #[serde(default)]
    pub worker_ids: Option<Vec<String>>,
    #[serde(default)]
    pub client_ids: Option<Vec<String>>,
    /// 未登记参与人数, a whole number ≥ 0 (default 0).
    #[serde(default)]
    #[schema(value_type = Option<u64>)]
    pub unregistered_participants: Option<Value>,
    #[serde(default)]
    pub description: Option<String>,
    /// 基本信息: the category's fields (see `GET /api/meta`).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub details: Value,
    /// 总结记录: required once the status is `finished`, ignored while `ongoing`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub summary: Value,
    /// Updates only: the version that was read.
    #[serde(default)]
    pub version: Option<u64>,
}

/// An activity body whose every field is valid on its own.
#[derive(Debug, Clone)]
pub struct ActivityFields {
    pub title: String,
    pub category: &'static Category,
    pub status: ActivityStatus,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub location: String,
    pub lead_worker_id: String,
    pub worker_ids: Vec<String>,
    pub client_ids: Vec<String>,
    pub unregistered_participants: u64,
    pub description: String,
    pub details: Map<String, Value>,
    /// Present exactly when the status is finished.
    pub summary: Option<Map<String, Value>>,
}

fn text(v: &mut Validator, field: &str, raw: Option<&str>, label: &str, max: usize) -> String {
    v.check(field, clean_text(raw.unwrap_or(""), label, max)).unwrap_or_default()
}

fn required_text(
    v: &mut Validator,
    field: &str,
    raw: Option<&str>,
    label: &str,
    max: usize,
) -> String {
    let value = text(v, field, raw, label, max);
    if value.is_empty() {
        v.add(field, format!("请填写{label}"));
    }
    value
}

/// Trimmed ids without blanks or repeats, in the order given.
fn ids(raw: Option<&Vec<String>>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    raw.into_iter()
        .flatten()
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty() && seen.insert(id.clone()))
        .collect()
}

/// 未登记参与人数: absent or null is 0; a whole number ≥ 0, as a number or a numeric string.
fn unregistered(raw: Option<&Value>) -> Result<u64, &'static str> {
    let number = match raw {
        None | Some(Value::Null) => return Ok(0),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(0),
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    let number = number.filter(|n| n.is_finite()).ok_or("未登记参与人数应为数字")?;
    if number < 0.0 {
        return Err("未登记参与人数不能为负数");
    }
    if number.fract() != 0.0 {
        return Err("未登记参与人数应为整数");
    }
    if number > MAX_UNREGISTERED as f64 {
        return Err("未登记参与人数过大");
    }
    Ok(number as u64)
}

impl ActivityInput {
    /// An update's body laid over the activity it changes: each field sent replaces the
    /// stored one, each left out keeps it.
    pub fn over(old: &ActivityRecord, sent: &Map<String, Value>) -> ApiResult<Self> {
        let stored = serde_json::json!({
            "title": old.title,
            "category": old.category,
            "status": old.status,
            "start_date": old.start_date,
            "end_date": old.end_date,
            "location": old.location,
            "lead_worker_id": old.lead_worker_id,
            "worker_ids": old.worker_ids,
            "client_ids": old.client_ids,
            "unregistered_participants": old.unregistered_participants,
            "description": old.description,
            "details": old.details,
            "summary": old.summary,
        });
        swz_shared::http::decode_over(stored, sent)
    }

    /// Checks every field on its own; `None` when something was recorded in `v`.
    pub fn check(&self, v: &mut Validator) -> Option<ActivityFields> {
        let title = required_text(v, "title", self.title.as_deref(), "活动名称", 100);
        let category = v.check("category", parse_category(self.category.as_deref().unwrap_or("")));
        let status = match self.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                v.add("status", "请选择活动状态");
                None
            }
            Some(raw) => v.check("status", ActivityStatus::parse(raw)),
        };
        let start_date = match self.start_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                v.add("start_date", "请填写开始日期");
                None
            }
            Some(raw) => v.check("start_date", parse_date(raw)),
        };
        let end_date = match self.end_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => v.check("end_date", parse_date(raw)),
        };
        if status == Some(ActivityStatus::Finished) && self.end_date_missing() {
            v.add("end_date", "活动已结束时须填写结束日期");
        }
        if let (Some(start), Some(end)) = (start_date, end_date)
            && end < start
        {
            v.add("end_date", "结束日期不能早于开始日期");
        }
        let location = required_text(v, "location", self.location.as_deref(), "服务地点", 200);
        let lead_worker_id = self.lead_worker_id.as_deref().unwrap_or("").trim().to_string();
        if lead_worker_id.is_empty() {
            v.add("lead_worker_id", "请选择负责社工");
        }
        let worker_ids = ids(self.worker_ids.as_ref());
        if worker_ids.len() > MAX_WORKERS {
            v.add("worker_ids", format!("参与社工最多{MAX_WORKERS}人"));
        }
        let client_ids = ids(self.client_ids.as_ref());
        if client_ids.len() > MAX_CLIENTS {
            v.add(
                "client_ids",
                format!("每个活动最多关联{MAX_CLIENTS}名服务对象，更多参与者请计入未登记参与人数"),
            );
        } else if let Some(category) = category {
            v.check("client_ids", category.recipients.check(client_ids.len()));
        }
        let unregistered_participants = v
            .check(
                "unregistered_participants",
                unregistered(self.unregistered_participants.as_ref()),
            )
            .unwrap_or(0);
        let description = text(v, "description", self.description.as_deref(), "活动简介", 2000);
        let details = category.map(|c| c.check_details(&self.details, v));
        // While ongoing the summary is ignored, whatever it holds.
        let summary = match (category, status) {
            (Some(c), Some(ActivityStatus::Finished)) => Some(c.check_summary(&self.summary, v)),
            _ => None,
        };
        if v.has_errors() {
            return None;
        }
        Some(ActivityFields {
            title,
            category: category?,
            status: status?,
            start_date: start_date?,
            end_date,
            location,
            lead_worker_id,
            worker_ids,
            client_ids,
            unregistered_participants,
            description,
            details: details?,
            summary,
        })
    }

    fn end_date_missing(&self) -> bool {
        self.end_date.as_deref().map(str::trim).is_none_or(str::is_empty)
    }
}

/// The workers and recipients an activity names, as read for the write.
pub struct People {
    pub workers: HashMap<String, WorkerRecord>,
    pub clients: HashMap<String, ClientRecord>,
}

/// Checks that the ids point at this station's people: the lead and the participants
/// are current workers, the recipients are visible recipients. An activity being
/// updated may keep the people it already names even if they have since left or been
/// hidden (past activities still name them); only newly added ones must qualify.
/// Unknown ids, and ids of another station, are named as the field that holds them.
pub async fn check_people(
    app: &App,
    scope: &StationScope,
    fields: &ActivityFields,
    old: Option<&ActivityRecord>,
    v: &mut Validator,
) -> ApiResult<Option<People>> {
    let mut worker_ids: Vec<String> = fields.worker_ids.clone();
    worker_ids.push(fields.lead_worker_id.clone());
    let workers: HashMap<String, WorkerRecord> = app
        .store
        .workers_by_ids(scope, &worker_ids)
        .await?
        .into_iter()
        .map(|w| (w.id.clone(), w))
        .collect();
    let clients: HashMap<String, ClientRecord> = app
        .store
        .clients_by_ids(scope, &fields.client_ids)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();

    let had_worker = |id: &str| old.is_some_and(|o| o.all_worker_ids().contains(id));
    let worker_ok = |id: &str| {
        workers.get(id).is_some_and(|w| w.station_id == scope.station_id())
            && (workers.get(id).is_some_and(WorkerRecord::is_current) || had_worker(id))
    };
    if !worker_ok(&fields.lead_worker_id) {
        v.add("lead_worker_id", "负责社工不存在或已离职，请选择本站在职社工");
    }
    if fields.worker_ids.iter().any(|id| !worker_ok(id)) {
        v.add("worker_ids", "参与社工中有人不存在或已离职，请选择本站在职社工");
    }
    let had_client = |id: &str| old.is_some_and(|o| o.client_ids.iter().any(|c| c == id));
    let client_ok = |id: &str| match clients.get(id) {
        Some(c) => c.station_id == scope.station_id() && (!c.hidden || had_client(id)),
        None => false,
    };
    if fields.client_ids.iter().any(|id| !client_ok(id)) {
        v.add("client_ids", "服务对象不存在，请从本站服务对象中选择");
    }
    if v.has_errors() {
        return Ok(None);
    }
    Ok(Some(People { workers, clients }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(body: Value) -> ActivityInput {
        serde_json::from_value(body).unwrap()
    }

    fn base() -> Value {
        json!({
            "title": "重阳节敬老活动", "category": "community_activity", "status": "ongoing",
            "start_date": "2026-10-29", "location": "北山社区活动室", "lead_worker_id": "w1",
            "worker_ids": ["w2", " w2 ", ""], "client_ids": [], "unregistered_participants": "25",
            "details": {"theme": "敬老", "format": "festival"},
            "summary": {"bogus": true}
        })
    }

    fn errors(body: Value) -> Vec<String> {
        let mut v = Validator::new();
        input(body).check(&mut v);
        match v.finish() {
            Err(swz_shared::ApiError::Validation(fields)) => fields.into_keys().collect(),
            _ => vec![],
        }
    }

    #[test]
    fn an_ongoing_activity_ignores_its_summary_and_dedupes_ids() {
        let mut v = Validator::new();
        let fields = input(base()).check(&mut v).unwrap();
        assert_eq!(fields.worker_ids, ["w2"]);
        assert_eq!(fields.unregistered_participants, 25);
        assert!(fields.summary.is_none());
    }

    #[test]
    fn a_finished_activity_needs_an_end_date_and_a_summary() {
        let mut body = base();
        body["status"] = json!("finished");
        assert_eq!(
            errors(body.clone()),
            ["end_date", "summary.bogus", "summary.outcome", "summary.participant_times"]
        );
        body["end_date"] = json!("2026-10-28");
        body["summary"] = json!({"participant_times": 40, "outcome": "好"});
        assert_eq!(errors(body.clone()), ["end_date"]);
        body["end_date"] = json!("2026-10-29");
        assert!(errors(body).is_empty());
    }

    #[test]
    fn missing_basic_fields_are_each_named() {
        assert_eq!(
            errors(json!({})),
            ["category", "lead_worker_id", "location", "start_date", "status", "title"]
        );
    }

    #[test]
    fn the_recipient_rule_of_the_category_applies() {
        let mut body = base();
        body["category"] = json!("case_management");
        body["details"] = json!({"source": "referral", "intake_date": "2026-10-01",
            "problem_type": "family", "risk_level": "low", "goal": "x"});
        body["client_ids"] = json!(["c1", "c2"]);
        assert_eq!(errors(body.clone()), ["client_ids"]);
        body["client_ids"] = json!(["c1", "c1"]);
        assert!(errors(body).is_empty());
    }

    #[test]
    fn too_many_people_are_refused() {
        let mut body = base();
        body["worker_ids"] = json!((0..21).map(|i| format!("w{i}")).collect::<Vec<_>>());
        body["client_ids"] = json!((0..21).map(|i| format!("c{i}")).collect::<Vec<_>>());
        assert_eq!(errors(body), ["client_ids", "worker_ids"]);
    }

    #[test]
    fn unregistered_participants_are_whole_and_not_negative() {
        for bad in [json!(-1), json!(1.5), json!("many"), json!([1])] {
            let mut body = base();
            body["unregistered_participants"] = bad;
            assert_eq!(errors(body), ["unregistered_participants"]);
        }
        let mut body = base();
        body["unregistered_participants"] = Value::Null;
        assert!(errors(body).is_empty());
    }

    #[test]
    fn unknown_category_fields_are_named_under_details() {
        let mut body = base();
        body["details"]["color"] = json!("red");
        assert_eq!(errors(body), ["details.color"]);
    }
}
