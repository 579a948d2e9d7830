//! Demo monthly summaries in every state, for the three months before the current one:
//! approved, returned, submitted and awaiting review, a draft, one approved after a
//! return, and a month not yet written. Reviews go through the administrators' API, so the
//! stream turns them into notifications as it would for real ones.

use serde_json::{Value, json};
use swz_shared::domain::Month;

use super::Demo;

/// Where one demo summary ends.
#[derive(Clone, Copy)]
enum Outcome {
    Draft,
    Submitted,
    Returned(&'static str),
    Approved(&'static str),
    /// Returned with the first comment, edited, resubmitted and approved.
    ReturnedThenApproved(&'static str),
}

pub async fn load(demo: &mut Demo) -> anyhow::Result<()> {
    let last = Month::current().previous();
    let (two_ago, three_ago) = (last.previous(), last.previous().previous());
    let plan = [
        (
            "beishan",
            "xh_admin",
            three_ago,
            Outcome::Approved("内容完整，数据清楚，予以通过。"),
            "本月开展社区敬老活动2场、入户探访老人18户次，链接爱心企业为困难家庭捐赠米油30份。",
        ),
        (
            "beishan",
            "xh_admin",
            two_ago,
            Outcome::Returned("请补充服务对象的反馈情况和下月工作计划。"),
            "本月完成个案跟进5例，组织青少年暑期小组活动4节。",
        ),
        (
            "beishan",
            "xh_admin",
            last,
            Outcome::Submitted,
            "本月开展政策宣传进社区活动3场，发放宣传资料600份；志愿者服务时长累计120小时。",
        ),
        (
            "xixi",
            "xh_admin",
            two_ago,
            Outcome::ReturnedThenApproved("活动照片不清晰，请重新说明活动成效。"),
            "本月开展“邻里守望”志愿服务，新增志愿者12名。",
        ),
        ("xixi", "xh_admin", last, Outcome::Draft, "（草稿）本月工作小结：走访困境儿童家庭6户……"),
        (
            "xixing",
            "bj_admin",
            two_ago,
            Outcome::Submitted,
            "本月为辖区残疾人开展康复知识讲座1场，链接康复辅具资源8件。",
        ),
    ];
    for (station, admin, month, outcome, text) in plan {
        write(demo, station, admin, month, outcome, text).await?;
    }
    Ok(())
}

async fn write(
    demo: &Demo,
    station: &str,
    admin: &str,
    month: Month,
    outcome: Outcome,
    text: &str,
) -> anyhow::Result<()> {
    let token = demo.token(station).await?;
    let path = format!("/api/summaries/{month}");
    let saved =
        demo.api.ok("PUT", &path, Some(&token), Some(&json!({"text": text, "version": 0}))).await?;
    if matches!(outcome, Outcome::Draft) {
        return Ok(());
    }
    submit(demo, &token, &path, &saved).await?;
    let reviewer = demo.token(admin).await?;
    let station_id = demo.id(station)?.to_string();
    let review = format!("/api/admin/summaries/{station_id}/{month}/review");
    let decide = |decision: &str, comment: &str| json!({"decision": decision, "comment": comment});
    match outcome {
        Outcome::Draft | Outcome::Submitted => {}
        Outcome::Approved(comment) => {
            demo.api
                .ok("POST", &review, Some(&reviewer), Some(&decide("approve", comment)))
                .await?;
        }
        Outcome::Returned(comment) => {
            demo.api.ok("POST", &review, Some(&reviewer), Some(&decide("return", comment))).await?;
        }
        Outcome::ReturnedThenApproved(comment) => {
            let returned = demo
                .api
                .ok("POST", &review, Some(&reviewer), Some(&decide("return", comment)))
                .await?;
            let edit = json!({"text": format!("{text}已补充活动成效说明：参与居民满意度达95%。"),
                              "version": returned["version"]});
            let edited = demo.api.ok("PUT", &path, Some(&token), Some(&edit)).await?;
            submit(demo, &token, &path, &edited).await?;
            demo.api.ok("POST", &review, Some(&reviewer), Some(&decide("approve", ""))).await?;
        }
    }
    Ok(())
}

async fn submit(demo: &Demo, token: &str, path: &str, current: &Value) -> anyhow::Result<Value> {
    let body = json!({"version": current["version"]});
    demo.api.ok("POST", &format!("{path}/submit"), Some(token), Some(&body)).await
}
