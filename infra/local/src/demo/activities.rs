//! Demo service activities: for each station with workers, the current month and the
//! three before it, activities of every category — finished ones with their 总结记录,
//! some still ongoing this month — linking the recipients the people demo created (found
//! through the API, as a client would). The statistics, the dashboard and the monthly
//! summaries loaded after this all count them.

use anyhow::Context;
use serde_json::{Value, json};
use swz_shared::domain::{Month, china_today};

use super::Demo;

/// One planned activity: category, title, location and how many unregistered people
/// took part.
struct Plan {
    category: &'static str,
    title: &'static str,
    location: &'static str,
    unregistered: u64,
}

const PLANS: &[Plan] = &[
    Plan {
        category: "case_management",
        title: "独居老人生活照料个案",
        location: "保俶社区",
        unregistered: 0,
    },
    Plan {
        category: "home_visit",
        title: "高龄老人入户探访",
        location: "保俶社区",
        unregistered: 0,
    },
    Plan {
        category: "group_work",
        title: "长者健康互助小组",
        location: "社工站活动室",
        unregistered: 0,
    },
    Plan {
        category: "community_activity",
        title: "邻里守望社区节",
        location: "北山街道文化广场",
        unregistered: 46,
    },
    Plan {
        category: "policy_outreach",
        title: "城乡居民医保政策宣传",
        location: "社区服务中心",
        unregistered: 80,
    },
    Plan {
        category: "resource_linkage",
        title: "困难家庭助学资源链接",
        location: "社工站",
        unregistered: 0,
    },
    Plan {
        category: "volunteer_service",
        title: "青年志愿者环境清扫",
        location: "西湖沿线",
        unregistered: 12,
    },
    Plan {
        category: "home_visit",
        title: "残疾人家庭节日慰问",
        location: "曙光社区",
        unregistered: 0,
    },
    Plan {
        category: "group_work",
        title: "青少年成长小组",
        location: "社区青少年之家",
        unregistered: 0,
    },
    Plan {
        category: "case_management",
        title: "困境儿童监护支持个案",
        location: "曙光社区",
        unregistered: 0,
    },
];

fn details(category: &str, intake: &str) -> Value {
    match category {
        "case_management" => json!({"source": "community_report", "intake_date": intake,
            "problem_type": "care", "risk_level": "medium",
            "goal": "建立稳定的照料安排，改善服务对象的日常生活状况"}),
        "group_work" => {
            json!({"group_name": "同行互助小组", "group_type": "support", "planned_sessions": 6})
        }
        "community_activity" => json!({"theme": "邻里互助，共建和美社区", "format": "festival",
            "partners": "社区居委会、辖区共建单位"}),
        "home_visit" => json!({"visit_method": "in_person", "visit_reason": "routine"}),
        "policy_outreach" => json!({"topic": "城乡居民医疗保险参保政策", "format": "stall"}),
        "resource_linkage" => json!({"need_description": "家庭经济困难，子女学费缺口",
            "referral_agency": "区慈善总会", "resource_type": "funds"}),
        _ => json!({"team": "街道青年志愿者服务队", "content": "沿湖步道垃圾清理与文明劝导"}),
    }
}

fn summary(category: &str, closed_on: &str) -> Value {
    match category {
        "case_management" => json!({"closed_on": closed_on, "close_reason": "goal_achieved",
            "sessions": 6, "goal_achievement": "mostly",
            "evaluation": "服务对象照料安排落实，生活状况明显改善"}),
        "group_work" => json!({"actual_sessions": 6, "participant_times": 42,
            "goal_achievement": "fully", "reflection": "组员之间形成互助关系，后续可转为自助小组"}),
        "community_activity" => {
            json!({"participant_times": 60, "outcome": "居民参与踊跃，增进了邻里了解"})
        }
        "home_visit" => {
            json!({"client_condition": "身体状况稳定，情绪良好", "findings": "家中无障碍设施不足",
            "measures": "已联系残联申请适老化改造", "needs_follow_up": true})
        }
        "policy_outreach" => json!({"audience_times": 95, "materials_distributed": 150}),
        "resource_linkage" => json!({"result": "linked", "amount_yuan": 3000, "beneficiaries": 1}),
        _ => json!({"volunteers": 15, "hours": 3.5}),
    }
}

/// `items` of a list answer, or an error naming the path.
async fn list(demo: &Demo, token: &str, path: &str) -> anyhow::Result<Vec<Value>> {
    let answer = demo.api.ok("GET", path, Some(token), None).await?;
    answer["items"].as_array().cloned().with_context(|| format!("{path} answered no items"))
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().filter_map(|i| i["id"].as_str().map(str::to_string)).collect()
}

pub async fn load(demo: &mut Demo) -> anyhow::Result<()> {
    let today = china_today();
    let current = Month::current();
    let months = [
        current.previous().previous().previous(),
        current.previous().previous(),
        current.previous(),
        current,
    ];
    for station in ["beishan", "xixi", "xixing"] {
        let token = demo.token(station).await?;
        let workers = ids(&list(demo, &token, "/api/workers?limit=100").await?);
        if workers.is_empty() {
            continue;
        }
        let clients = ids(&list(demo, &token, "/api/clients?limit=100").await?);
        let mut n = 0usize;
        for (m, month) in months.iter().enumerate() {
            let this_month = *month == current;
            for (p, plan) in PLANS.iter().enumerate() {
                let needs_client = !matches!(
                    plan.category,
                    "community_activity" | "policy_outreach" | "volunteer_service"
                );
                if needs_client && clients.is_empty() {
                    continue;
                }
                // Spread over the month, never after today.
                let day = (2 + p * 3 + m) as i8;
                let start =
                    month.first_day().saturating_add(jiff::ToSpan::days(day - 1)).min(today);
                // This month: the first few are still going on.
                let ongoing = this_month && p % 3 == 0;
                let client = |k: usize| clients[(n + k * 3) % clients.len()].clone();
                let linked: Vec<String> = match plan.category {
                    "case_management" => vec![client(0)],
                    "group_work" => (0..4.min(clients.len())).map(client).collect(),
                    "home_visit" | "resource_linkage" => vec![client(0), client(1)]
                        .into_iter()
                        .collect::<std::collections::BTreeSet<_>>()
                        .into_iter()
                        .collect(),
                    _ if !clients.is_empty() && p % 2 == 1 => vec![client(2)],
                    _ => vec![],
                };
                let lead = &workers[n % workers.len()];
                let partner = &workers[(n + 1) % workers.len()];
                let body = json!({
                    "title": plan.title, "category": plan.category,
                    "status": if ongoing { "ongoing" } else { "finished" },
                    "start_date": start.to_string(),
                    "end_date": if ongoing { Value::Null } else { json!(start.to_string()) },
                    "location": plan.location, "lead_worker_id": lead,
                    "worker_ids": if partner != lead { vec![partner.clone()] } else { vec![] },
                    "client_ids": linked, "unregistered_participants": plan.unregistered,
                    "description": format!("{}，由驻站社工组织开展。", plan.title),
                    "details": details(plan.category, &start.to_string()),
                    "summary": if ongoing { Value::Null } else { summary(plan.category, &start.to_string()) },
                });
                demo.api.ok("POST", "/api/activities", Some(&token), Some(&body)).await?;
                n += 1;
            }
        }
        tracing::info!(station, activities = n, "demo activities loaded");
    }
    Ok(())
}
