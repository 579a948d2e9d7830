//! Demo administrators at three levels, an agency and three stations in two counties.

use serde_json::json;

use super::{Demo, PASSWORD};

pub async fn load(demo: &mut Demo) -> anyhow::Result<()> {
    let province = demo.token("zj_admin").await?;
    for (username, name, region) in [
        ("hz_admin", "杭州市民政局", "3301"),
        ("xh_admin", "西湖区民政局", "330106"),
        ("bj_admin", "滨江区民政局", "330108"),
    ] {
        let body = json!({"username": username, "password": PASSWORD, "display_name": name, "region_code": region});
        demo.api.ok("POST", "/api/admin/admins", Some(&province), Some(&body)).await?;
    }

    let xihu = demo.token("xh_admin").await?;
    let agency = json!({
        "name": "杭州市西湖区阳光社会工作服务中心",
        "credit_code": "52330106MJ8800123U",
        "contact_person": "陈静",
        "phone": "13905710001",
        "username": "sunshine",
        "password": PASSWORD,
    });
    let agency = demo.api.ok("POST", "/api/admin/agencies", Some(&xihu), Some(&agency)).await?;
    let agency_id = agency["id"].as_str().unwrap_or_default().to_string();
    demo.ids.insert("agency", agency_id.clone());

    let stations = [
        (
            "beishan",
            "北山街道社工站",
            "330106001",
            "西湖区北山街道保俶路12号",
            "purchased",
            Some(&agency_id),
            &xihu,
        ),
        (
            "xixi",
            "西溪街道社工站",
            "330106002",
            "西湖区西溪街道文二路88号",
            "purchased",
            Some(&agency_id),
            &xihu,
        ),
    ];
    for (username, name, region, address, mode, agency, token) in stations {
        let body = json!({
            "name": name, "region_code": region, "address": address,
            "contact_person": "王敏", "phone": "13905710002",
            "operation_mode": mode, "agency_id": agency,
            "username": username, "password": PASSWORD,
        });
        let station = demo.api.ok("POST", "/api/admin/stations", Some(token), Some(&body)).await?;
        demo.ids.insert(username, station["id"].as_str().unwrap_or_default().to_string());
    }

    let binjiang = demo.token("bj_admin").await?;
    let body = json!({
        "name": "西兴街道社工站", "region_code": "330108001", "address": "滨江区西兴街道江汉路1号",
        "contact_person": "赵磊", "phone": "13905710003", "operation_mode": "self_run",
        "username": "xixing", "password": PASSWORD,
    });
    let station = demo.api.ok("POST", "/api/admin/stations", Some(&binjiang), Some(&body)).await?;
    demo.ids.insert("xixing", station["id"].as_str().unwrap_or_default().to_string());
    Ok(())
}
