//! 服务活动类别: the seven categories of service activity, as data in one place.
//!
//! Each category says how many registered recipients an activity of it takes, which
//! fields its 基本信息 (`details`) and its 总结记录 (`summary`) hold, and of which type.
//! `GET /api/meta` serves this table so a client can draw each form, and the server
//! validates `details` and `summary` against the same table. Adding a category or a
//! field is a change to [`CATEGORIES`] and nothing else.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::domain::{CodeLabel, clean_text, code_enum, options_message, parse_date};
use crate::error::Validator;

/// The longest free text a category field takes, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;

/// The largest number a category field takes: well above any real count or amount, and
/// small enough to stay exact in every client's floating point.
pub const MAX_NUMBER: f64 = 1.0e12;

code_enum!(
    /// 活动状态: an activity is 进行中 until it is 已结束.
    ActivityStatus, "活动状态" {
        Ongoing = "ongoing": "进行中",
        Finished = "finished": "已结束",
    }
);

/// How many registered recipients (服务对象) an activity of a category links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recipients {
    /// 个案: one person.
    ExactlyOne,
    /// At least one person.
    AtLeastOne,
    /// None, one or many: the activity may serve only unregistered participants.
    Optional,
}

impl Recipients {
    /// Checks the number of linked recipients against the rule.
    pub fn check(self, count: usize) -> Result<(), &'static str> {
        match self {
            Self::ExactlyOne if count != 1 => Err("此类活动须选择且只能选择一名服务对象"),
            Self::AtLeastOne if count == 0 => Err("此类活动须至少选择一名服务对象"),
            _ => Ok(()),
        }
    }
}

/// The type of a category field, which says how its value is checked and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Free text, at most [`MAX_TEXT_CHARS`] characters.
    Text,
    /// A number ≥ 0; see [`FieldSpec::integer`].
    Number,
    /// `YYYY-MM-DD`.
    Date,
    /// One of the field's `options`, stored as its code.
    Enum,
    /// 是 / 否.
    Bool,
}

/// One field of a category's 基本信息 or 总结记录.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct FieldSpec {
    /// The JSON key in `details` / `summary`.
    pub key: &'static str,
    /// The Chinese label of the form.
    pub label: &'static str,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub required: bool,
    /// The choices of an `enum` field.
    #[serde(skip_serializing_if = "<[CodeLabel]>::is_empty")]
    #[schema(value_type = Vec<CodeLabel>, required = false)]
    pub options: &'static [CodeLabel],
    /// A `number` field that counts (人次, 节数): whole numbers only. Not served: the
    /// contract's field shape has no place for it, and the 422 message says it.
    #[serde(skip)]
    pub integer: bool,
}

impl FieldSpec {
    const fn new(key: &'static str, label: &'static str, field_type: FieldType) -> Self {
        Self { key, label, field_type, required: true, options: &[], integer: false }
    }

    /// A required free-text field.
    pub const fn text(key: &'static str, label: &'static str) -> Self {
        Self::new(key, label, FieldType::Text)
    }

    /// A required whole-number field (counts).
    pub const fn count(key: &'static str, label: &'static str) -> Self {
        let mut spec = Self::new(key, label, FieldType::Number);
        spec.integer = true;
        spec
    }

    /// A required number field that may have decimals (amounts, hours).
    pub const fn amount(key: &'static str, label: &'static str) -> Self {
        Self::new(key, label, FieldType::Number)
    }

    /// A required date field.
    pub const fn date(key: &'static str, label: &'static str) -> Self {
        Self::new(key, label, FieldType::Date)
    }

    /// A required choice among `options`.
    pub const fn choice(
        key: &'static str,
        label: &'static str,
        options: &'static [CodeLabel],
    ) -> Self {
        let mut spec = Self::new(key, label, FieldType::Enum);
        spec.options = options;
        spec
    }

    /// A required yes/no field.
    pub const fn flag(key: &'static str, label: &'static str) -> Self {
        Self::new(key, label, FieldType::Bool)
    }

    /// The same field, but one that may be left out.
    pub const fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// Checks one value and answers it in its stored form (`None` for an empty optional
    /// value, which is then left out).
    fn check(&self, raw: &Value) -> Result<Option<Value>, String> {
        let label = self.label;
        if is_blank(raw) {
            return if self.required { Err(format!("请填写{label}")) } else { Ok(None) };
        }
        let value = match self.field_type {
            FieldType::Text => {
                let Value::String(text) = raw else { return Err(format!("{label}应为文字")) };
                let text = clean_text(text, label, MAX_TEXT_CHARS)?;
                Value::String(text)
            }
            FieldType::Number => Value::from(self.number(raw)?),
            FieldType::Date => {
                let Value::String(text) = raw else {
                    return Err(format!("{label}应为YYYY-MM-DD格式的日期"));
                };
                let date = parse_date(text).map_err(|message| format!("{label}：{message}"))?;
                Value::String(date.to_string())
            }
            FieldType::Enum => {
                let Value::String(text) = raw else { return Err(self.options_message()) };
                let text = text.trim();
                let option = self
                    .options
                    .iter()
                    .find(|o| o.code == text || o.label == text)
                    .ok_or_else(|| self.options_message())?;
                Value::String(option.code.to_string())
            }
            FieldType::Bool => match raw {
                Value::Bool(b) => Value::Bool(*b),
                Value::String(text) => match text.trim() {
                    "true" | "是" => Value::Bool(true),
                    "false" | "否" => Value::Bool(false),
                    _ => return Err(format!("{label}应为是或否")),
                },
                _ => return Err(format!("{label}应为是或否")),
            },
        };
        Ok(Some(value))
    }

    /// A number field's value: a JSON number or a numeric string (forms send both),
    /// finite, not negative, whole where the field counts.
    fn number(&self, raw: &Value) -> Result<serde_json::Number, String> {
        let label = self.label;
        let not_a_number = || format!("{label}应为数字");
        let parsed: f64 = match raw {
            Value::Number(number) => number.as_f64().ok_or_else(not_a_number)?,
            Value::String(text) => text.trim().parse().map_err(|_| not_a_number())?,
            _ => return Err(not_a_number()),
        };
        if !parsed.is_finite() {
            return Err(not_a_number());
        }
        if parsed < 0.0 {
            return Err(format!("{label}不能为负数"));
        }
        if parsed > MAX_NUMBER {
            return Err(format!("{label}数值过大"));
        }
        if self.integer {
            if parsed.fract() != 0.0 {
                return Err(format!("{label}应为整数"));
            }
            return Ok(serde_json::Number::from(parsed as u64));
        }
        // Whole amounts stay integers in JSON; others keep their decimals.
        if parsed.fract() == 0.0 {
            return Ok(serde_json::Number::from(parsed as u64));
        }
        serde_json::Number::from_f64(parsed).ok_or_else(not_a_number)
    }

    fn options_message(&self) -> String {
        options_message(self.label, self.options.iter().map(|o| (o.label, o.code)))
    }
}

/// `null`, an empty or all-blank string: a value that was not filled in.
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        _ => false,
    }
}

/// A category of service activity.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
pub struct Category {
    pub code: &'static str,
    pub label: &'static str,
    pub recipients: Recipients,
    /// 基本信息: required on every activity of the category.
    #[schema(value_type = Vec<FieldSpec>)]
    pub fields: &'static [FieldSpec],
    /// 总结记录: required once the activity is finished.
    #[schema(value_type = Vec<FieldSpec>)]
    pub summary_fields: &'static [FieldSpec],
}

/// Checked `details` or `summary`: field key → stored value.
pub type FieldValues = Map<String, Value>;

impl Category {
    /// Checks `details` (基本信息). Errors go to `v` under `details` or `details.<key>`.
    pub fn check_details(&self, raw: &Value, v: &mut Validator) -> FieldValues {
        check_fields(self.fields, raw, "details", v)
    }

    /// Checks `summary` (总结记录). Errors go to `v` under `summary` or `summary.<key>`.
    pub fn check_summary(&self, raw: &Value, v: &mut Validator) -> FieldValues {
        check_fields(self.summary_fields, raw, "summary", v)
    }
}

/// Checks an object of field values against `specs`: unknown keys, missing required
/// fields and bad values are each named as `<prefix>.<key>`.
fn check_fields(specs: &[FieldSpec], raw: &Value, prefix: &str, v: &mut Validator) -> FieldValues {
    static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
    let object = match raw {
        Value::Object(object) => object,
        Value::Null => &*EMPTY,
        _ => {
            v.add(prefix, "应为对象");
            return FieldValues::new();
        }
    };
    for key in object.keys() {
        if !specs.iter().any(|spec| spec.key == key) {
            v.add(&format!("{prefix}.{key}"), "没有这一项");
        }
    }
    let mut values = FieldValues::new();
    for spec in specs {
        let raw = object.get(spec.key).unwrap_or(&Value::Null);
        match spec.check(raw) {
            Ok(Some(value)) => {
                values.insert(spec.key.to_string(), value);
            }
            Ok(None) => {}
            Err(message) => v.add(&format!("{prefix}.{}", spec.key), message),
        }
    }
    values
}

/// Options as `[{code, label}]`.
macro_rules! options {
    ($(($code:literal, $label:literal)),+ $(,)?) => {
        &[$(CodeLabel { code: $code, label: $label }),+]
    };
}

const GOAL_ACHIEVEMENT: &[CodeLabel] = options![
    ("fully", "完全达成"),
    ("mostly", "基本达成"),
    ("partly", "部分达成"),
    ("not_achieved", "未达成"),
];

/// The seven categories, in the order the manual lists them.
pub static CATEGORIES: &[Category] = &[
    Category {
        code: "case_management",
        label: "个案管理",
        recipients: Recipients::ExactlyOne,
        fields: &[
            FieldSpec::choice(
                "source",
                "个案来源",
                options![
                    ("self_referral", "主动求助"),
                    ("referral", "部门/机构转介"),
                    ("community_report", "村（社区）上报"),
                    ("outreach", "走访发现"),
                    ("other", "其他"),
                ],
            ),
            FieldSpec::date("intake_date", "接案日期"),
            FieldSpec::choice(
                "problem_type",
                "问题类型",
                options![
                    ("livelihood", "生活困难"),
                    ("health", "身心健康"),
                    ("family", "家庭关系"),
                    ("growth", "学业与成长"),
                    ("employment", "就业"),
                    ("care", "照料与照护"),
                    ("safety", "安全与保护"),
                    ("other", "其他"),
                ],
            ),
            FieldSpec::choice(
                "risk_level",
                "风险等级",
                options![("low", "低"), ("medium", "中"), ("high", "高")],
            ),
            FieldSpec::text("goal", "服务目标"),
        ],
        summary_fields: &[
            FieldSpec::date("closed_on", "结案日期"),
            FieldSpec::choice(
                "close_reason",
                "结案原因",
                options![
                    ("goal_achieved", "服务目标达成"),
                    ("client_request", "服务对象要求结案"),
                    ("referred", "转介其他机构"),
                    ("lost_contact", "迁出或失联"),
                    ("other", "其他"),
                ],
            ),
            FieldSpec::count("sessions", "服务次数"),
            FieldSpec::choice("goal_achievement", "目标达成情况", GOAL_ACHIEVEMENT),
            FieldSpec::text("evaluation", "成效评估"),
        ],
    },
    Category {
        code: "group_work",
        label: "小组工作",
        recipients: Recipients::AtLeastOne,
        fields: &[
            FieldSpec::text("group_name", "小组名称"),
            FieldSpec::choice(
                "group_type",
                "小组类型",
                options![
                    ("support", "支持小组"),
                    ("education", "教育小组"),
                    ("growth", "成长小组"),
                    ("therapy", "治疗小组"),
                    ("interest", "兴趣小组"),
                    ("task", "任务小组"),
                    ("other", "其他"),
                ],
            ),
            FieldSpec::count("planned_sessions", "计划节数"),
        ],
        summary_fields: &[
            FieldSpec::count("actual_sessions", "实际节数"),
            FieldSpec::count("participant_times", "参与人次"),
            FieldSpec::choice("goal_achievement", "目标达成情况", GOAL_ACHIEVEMENT),
            FieldSpec::text("reflection", "反思"),
        ],
    },
    Category {
        code: "community_activity",
        label: "社区活动",
        recipients: Recipients::Optional,
        fields: &[
            FieldSpec::text("theme", "活动主题"),
            FieldSpec::choice(
                "format",
                "活动形式",
                options![
                    ("lecture", "讲座"),
                    ("culture_sports", "文体活动"),
                    ("festival", "节日活动"),
                    ("convenience", "便民服务"),
                    ("training", "培训"),
                    ("other", "其他"),
                ],
            ),
            FieldSpec::text("partners", "合作方").optional(),
        ],
        summary_fields: &[
            FieldSpec::count("participant_times", "参与人次"),
            FieldSpec::text("outcome", "活动成效"),
        ],
    },
    Category {
        code: "home_visit",
        label: "探访服务",
        recipients: Recipients::AtLeastOne,
        fields: &[
            FieldSpec::choice(
                "visit_method",
                "探访方式",
                options![
                    ("in_person", "入户探访"),
                    ("phone", "电话探访"),
                    ("video", "视频探访"),
                    ("other", "其他"),
                ],
            ),
            FieldSpec::choice(
                "visit_reason",
                "探访原因",
                options![
                    ("routine", "定期探访"),
                    ("follow_up", "个案跟进"),
                    ("emergency", "突发情况"),
                    ("holiday", "节日慰问"),
                    ("other", "其他"),
                ],
            ),
        ],
        summary_fields: &[
            FieldSpec::text("client_condition", "对象状况"),
            FieldSpec::text("findings", "发现问题"),
            FieldSpec::text("measures", "处理措施"),
            FieldSpec::flag("needs_follow_up", "是否需要跟进"),
        ],
    },
    Category {
        code: "policy_outreach",
        label: "政策宣传",
        recipients: Recipients::Optional,
        fields: &[
            FieldSpec::text("topic", "宣传主题"),
            FieldSpec::choice(
                "format",
                "宣传形式",
                options![
                    ("lecture", "宣讲会"),
                    ("stall", "摆摊咨询"),
                    ("door_to_door", "入户宣传"),
                    ("materials", "发放资料"),
                    ("online", "线上宣传"),
                    ("other", "其他"),
                ],
            ),
        ],
        summary_fields: &[
            FieldSpec::count("audience_times", "受众人次"),
            FieldSpec::count("materials_distributed", "发放资料份数"),
        ],
    },
    Category {
        code: "resource_linkage",
        label: "资源链接与转介",
        recipients: Recipients::AtLeastOne,
        fields: &[
            FieldSpec::text("need_description", "需求描述"),
            FieldSpec::text("referral_agency", "转介机构"),
            FieldSpec::choice(
                "resource_type",
                "资源类型",
                options![
                    ("material", "物资"),
                    ("funds", "资金"),
                    ("medical", "医疗"),
                    ("employment", "就业"),
                    ("education", "教育"),
                    ("legal", "法律援助"),
                    ("assistance_policy", "政策救助"),
                    ("other", "其他"),
                ],
            ),
        ],
        summary_fields: &[
            FieldSpec::choice(
                "result",
                "链接结果",
                options![
                    ("linked", "成功链接"),
                    ("partly_linked", "部分链接"),
                    ("not_linked", "未能链接")
                ],
            ),
            FieldSpec::amount("amount_yuan", "资源金额（元）").optional(),
            FieldSpec::count("beneficiaries", "受益人数"),
        ],
    },
    Category {
        code: "volunteer_service",
        label: "志愿服务",
        recipients: Recipients::Optional,
        fields: &[FieldSpec::text("team", "志愿队伍"), FieldSpec::text("content", "服务内容")],
        summary_fields: &[
            FieldSpec::count("volunteers", "志愿者人数"),
            FieldSpec::amount("hours", "服务时长（小时）"),
        ],
    },
];

/// The category with this code.
pub fn category(code: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.code == code)
}

/// Parses a category from its code or its Chinese label.
pub fn parse_category(input: &str) -> Result<&'static Category, String> {
    let value = input.trim();
    if value.is_empty() {
        return Err("请选择活动类别".into());
    }
    CATEGORIES
        .iter()
        .find(|c| c.code == value || c.label == value)
        .ok_or_else(|| options_message("活动类别", CATEGORIES.iter().map(|c| (c.label, c.code))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn details(code: &str, raw: Value) -> Result<FieldValues, crate::ApiError> {
        let mut v = Validator::new();
        let values = category(code).unwrap().check_details(&raw, &mut v);
        v.finish().map(|_| values)
    }

    fn summary(code: &str, raw: Value) -> Result<FieldValues, crate::ApiError> {
        let mut v = Validator::new();
        let values = category(code).unwrap().check_summary(&raw, &mut v);
        v.finish().map(|_| values)
    }

    fn fields(result: Result<FieldValues, crate::ApiError>) -> Vec<String> {
        match result {
            Err(crate::ApiError::Validation(fields)) => fields.into_keys().collect(),
            other => panic!("expected a validation failure, got {other:?}"),
        }
    }

    #[test]
    fn there_are_seven_categories_with_unique_codes_and_keys() {
        assert_eq!(CATEGORIES.len(), 7);
        let mut codes: Vec<&str> = CATEGORIES.iter().map(|c| c.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 7);
        for c in CATEGORIES {
            for specs in [c.fields, c.summary_fields] {
                let mut keys: Vec<&str> = specs.iter().map(|s| s.key).collect();
                keys.sort();
                keys.dedup();
                assert_eq!(keys.len(), specs.len(), "{}", c.code);
                for spec in specs {
                    assert_eq!(spec.field_type == FieldType::Enum, !spec.options.is_empty());
                }
            }
        }
    }

    #[test]
    fn meta_shape_has_type_required_and_options_only_for_enums() {
        let case = serde_json::to_value(category("case_management").unwrap()).unwrap();
        assert_eq!(case["recipients"], "exactly_one");
        assert_eq!(
            case["fields"][1],
            json!({"key": "intake_date", "label": "接案日期", "type": "date", "required": true})
        );
        assert_eq!(case["fields"][3]["options"][2], json!({"code": "high", "label": "高"}));
        let community = serde_json::to_value(category("community_activity").unwrap()).unwrap();
        assert_eq!(community["recipients"], "optional");
        assert_eq!(community["fields"][2]["required"], false);
        let group = serde_json::to_value(category("group_work").unwrap()).unwrap();
        assert_eq!(group["recipients"], "at_least_one");
        assert_eq!(group["summary_fields"][0]["type"], "number");
    }

    #[test]
    fn recipient_rules_count_linked_recipients() {
        assert!(Recipients::ExactlyOne.check(1).is_ok());
        assert!(Recipients::ExactlyOne.check(0).is_err());
        assert!(Recipients::ExactlyOne.check(2).is_err());
        assert!(Recipients::AtLeastOne.check(0).is_err());
        assert!(Recipients::AtLeastOne.check(3).is_ok());
        assert!(Recipients::Optional.check(0).is_ok());
    }

    #[test]
    fn categories_parse_by_code_or_label() {
        assert_eq!(parse_category("home_visit").unwrap().code, "home_visit");
        assert_eq!(parse_category("资源链接与转介").unwrap().code, "resource_linkage");
        assert!(parse_category("party").unwrap_err().contains("case_management"));
        assert!(parse_category(" ").is_err());
    }

    #[test]
    fn case_management_details_are_checked_and_normalised() {
        let ok = details(
            "case_management",
            json!({"source": "转介", "intake_date": "2026-03-02", "problem_type": "family",
                   "risk_level": "高", "goal": "  改善亲子关系 "}),
        );
        // "转介" is not a label here (the label is 部门/机构转介), so it is refused.
        assert_eq!(fields(ok), ["details.source"]);
        let ok = details(
            "case_management",
            json!({"source": "部门/机构转介", "intake_date": "2026-03-02", "problem_type": "family",
                   "risk_level": "高", "goal": "  改善亲子关系 "}),
        )
        .unwrap();
        assert_eq!(ok["source"], "referral");
        assert_eq!(ok["risk_level"], "high");
        assert_eq!(ok["goal"], "改善亲子关系");
        let bad = details(
            "case_management",
            json!({"source": "referral", "intake_date": "2026-02-30", "risk_level": "extreme", "goal": ""}),
        );
        assert_eq!(
            fields(bad),
            ["details.goal", "details.intake_date", "details.problem_type", "details.risk_level"]
        );
    }

    #[test]
    fn case_management_summary_wants_every_closing_field() {
        let ok = summary(
            "case_management",
            json!({"closed_on": "2026-04-30", "close_reason": "goal_achieved", "sessions": 6,
                   "goal_achievement": "基本达成", "evaluation": "家庭关系明显改善"}),
        )
        .unwrap();
        assert_eq!(ok["sessions"], 6);
        assert_eq!(ok["goal_achievement"], "mostly");
        let bad = summary("case_management", json!({"sessions": -1, "closed_on": "30/04/2026"}));
        assert_eq!(
            fields(bad),
            [
                "summary.close_reason",
                "summary.closed_on",
                "summary.evaluation",
                "summary.goal_achievement",
                "summary.sessions"
            ]
        );
    }

    #[test]
    fn group_work_counts_are_whole_non_negative_numbers() {
        let ok = details(
            "group_work",
            json!({"group_name": "长者健康小组", "group_type": "support", "planned_sessions": "6"}),
        )
        .unwrap();
        assert_eq!(ok["planned_sessions"], 6);
        for bad in [json!(2.5), json!(-3), json!("六"), json!(true)] {
            let answer = details(
                "group_work",
                json!({"group_name": "x", "group_type": "support", "planned_sessions": bad}),
            );
            assert_eq!(fields(answer), ["details.planned_sessions"]);
        }
        let s = summary(
            "group_work",
            json!({"actual_sessions": 6, "participant_times": 48, "goal_achievement": "fully", "reflection": "很好"}),
        );
        assert!(s.is_ok());
    }

    #[test]
    fn community_activity_partners_are_optional() {
        let ok = details("community_activity", json!({"theme": "重阳敬老", "format": "festival"}))
            .unwrap();
        assert!(!ok.contains_key("partners"));
        let ok = details(
            "community_activity",
            json!({"theme": "重阳敬老", "format": "节日活动", "partners": "", "extra": null}),
        );
        assert_eq!(fields(ok), ["details.extra"]);
        assert!(
            summary("community_activity", json!({"participant_times": 120, "outcome": "反响热烈"}))
                .is_ok()
        );
    }

    #[test]
    fn home_visit_follow_up_is_a_yes_or_no() {
        assert!(
            details("home_visit", json!({"visit_method": "in_person", "visit_reason": "节日慰问"}))
                .is_ok()
        );
        let base =
            json!({"client_condition": "身体尚可", "findings": "独居", "measures": "联系家属"});
        for (flag, expected) in [(json!(true), true), (json!("否"), false), (json!("false"), false)]
        {
            let mut raw = base.clone();
            raw["needs_follow_up"] = flag;
            assert_eq!(summary("home_visit", raw).unwrap()["needs_follow_up"], expected);
        }
        let mut raw = base.clone();
        raw["needs_follow_up"] = json!("maybe");
        assert_eq!(fields(summary("home_visit", raw)), ["summary.needs_follow_up"]);
        assert_eq!(fields(summary("home_visit", base)), ["summary.needs_follow_up"]);
    }

    #[test]
    fn policy_outreach_wants_topic_format_and_counts() {
        assert_eq!(
            fields(details("policy_outreach", json!({"topic": "医保政策"}))),
            ["details.format"]
        );
        assert!(
            summary("policy_outreach", json!({"audience_times": 200, "materials_distributed": 0}))
                .is_ok()
        );
    }

    #[test]
    fn resource_linkage_amount_may_have_decimals_and_may_be_left_out() {
        assert!(
            details(
                "resource_linkage",
                json!({"need_description": "助学", "referral_agency": "慈善总会", "resource_type": "funds"})
            )
            .is_ok()
        );
        let ok = summary(
            "resource_linkage",
            json!({"result": "linked", "amount_yuan": 1500.5, "beneficiaries": 1}),
        )
        .unwrap();
        assert_eq!(ok["amount_yuan"], 1500.5);
        assert!(
            summary("resource_linkage", json!({"result": "成功链接", "beneficiaries": 2})).is_ok()
        );
        assert_eq!(
            fields(summary(
                "resource_linkage",
                json!({"result": "linked", "amount_yuan": -1, "beneficiaries": 1})
            )),
            ["summary.amount_yuan"]
        );
    }

    #[test]
    fn volunteer_service_hours_take_decimals_but_volunteers_do_not() {
        assert!(
            details("volunteer_service", json!({"team": "青年志愿队", "content": "清扫"})).is_ok()
        );
        assert_eq!(
            summary("volunteer_service", json!({"volunteers": 12, "hours": 3.5})).unwrap()["hours"],
            3.5
        );
        assert_eq!(
            fields(summary("volunteer_service", json!({"volunteers": 1.5, "hours": 3}))),
            ["summary.volunteers"]
        );
    }

    #[test]
    fn details_that_are_not_an_object_are_named_as_a_whole() {
        assert_eq!(fields(details("volunteer_service", json!([1, 2]))), ["details"]);
        // Absent details: every required field is named.
        assert_eq!(
            fields(details("volunteer_service", Value::Null)),
            ["details.content", "details.team"]
        );
    }

    #[test]
    fn a_text_over_the_limit_is_refused() {
        let long = "字".repeat(MAX_TEXT_CHARS + 1);
        assert_eq!(
            fields(details("volunteer_service", json!({"team": long, "content": "x"}))),
            ["details.team"]
        );
    }
}
