//! Demo data, loaded once into a fresh local stack through the API itself, so it obeys
//! every rule a client's data does. Each module adds its part in its own file.

mod activities;
mod notices;
mod orgs;
mod people;
mod summaries;

use serde::{Deserialize, Serialize};
use swz_shared::App;

use crate::bootstrap::create_admin_if_absent;
use crate::inprocess::Api;

/// The password of every demo login.
pub const PASSWORD: &str = "Demo2026";

/// One login to print at start.
#[derive(Debug, Clone)]
pub struct Login {
    pub username: &'static str,
    pub who: &'static str,
}

/// Every demo login, in the order they are printed.
pub const LOGINS: &[Login] = &[
    Login { username: "zj_admin", who: "浙江省民政厅（省级管理员）" },
    Login { username: "hz_admin", who: "杭州市民政局（市级管理员）" },
    Login { username: "xh_admin", who: "西湖区民政局（区级管理员）" },
    Login { username: "bj_admin", who: "滨江区民政局（区级管理员）" },
    Login {
        username: "sunshine", who: "阳光社工服务中心（机构账户，承办两个站）"
    },
    Login { username: "beishan", who: "北山街道社工站（社工站账户）" },
    Login { username: "xixi", who: "西溪街道社工站（社工站账户）" },
    Login { username: "xixing", who: "西兴街道社工站（社工站账户）" },
    Login { username: "sw_lihua", who: "李华（持证社工，社工登记库）" },
];

#[derive(Serialize, Deserialize)]
struct Marker {
    pk: String,
    sk: String,
    kind: String,
    loaded_at: String,
}

/// What the demo's steps share: the API and the ids created so far.
pub struct Demo {
    pub api: Api,
    pub ids: std::collections::BTreeMap<&'static str, String>,
}

impl Demo {
    pub fn id(&self, name: &str) -> anyhow::Result<&str> {
        self.ids
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| anyhow::anyhow!("demo id {name} missing"))
    }

    pub async fn token(&self, username: &str) -> anyhow::Result<String> {
        self.api.login(username, PASSWORD).await
    }
}

/// Loads the demo data unless it was loaded before. Answers whether it loaded now.
pub async fn load_once(app: &App) -> anyhow::Result<bool> {
    if app.store.get::<Marker>("DEMO", "LOADED").await?.is_some() {
        return Ok(false);
    }
    create_admin_if_absent(app, "zj_admin", PASSWORD, "33", "浙江省民政厅").await?;
    let mut demo = Demo { api: Api::new(app.clone()), ids: Default::default() };
    orgs::load(&mut demo).await?;
    people::load(&mut demo).await?;
    activities::load(&mut demo).await?;
    notices::load(&mut demo).await?;
    // Last: summaries count the activities loaded before them.
    summaries::load(&mut demo).await?;

    let marker = Marker {
        pk: "DEMO".into(),
        sk: "LOADED".into(),
        kind: "demo_marker".into(),
        loaded_at: jiff::Timestamp::now().to_string(),
    };
    let item = swz_shared::store::to_item(&marker)?;
    app.store.client.put_item().table_name(&app.store.table).set_item(Some(item)).send().await?;
    Ok(true)
}
