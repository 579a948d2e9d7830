//! Demo notices from the county, the city and the province: one to every station with a
//! PDF attachment uploaded through its presigned URL, one to chosen stations, and one
//! province-wide; 北山 has read the county's, so the demo shows read and unread ones.

use anyhow::Context;
use serde_json::{Value, json};

use super::Demo;

/// A small but well-formed PDF, so the demo download opens in a viewer.
const DEMO_PDF: &[u8] = b"%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
trailer << /Root 1 0 R >>
%%EOF
";

pub async fn load(demo: &mut Demo) -> anyhow::Result<()> {
    let county = demo.token("xh_admin").await?;
    let attachments = match upload(demo, &county, "2026年度社工站服务质量评估指标.pdf").await
    {
        Ok(id) => vec![id],
        // The demo is still useful without the file (e.g. S3 not reachable from here).
        Err(error) => {
            tracing::warn!(error = format!("{error:#}"), "demo notice attachment skipped");
            Vec::new()
        }
    };
    let assessment = json!({
        "title": "关于开展2026年度社工站服务质量评估的通知",
        "body": "各街道社工站：\n为提升社工站服务质量，区民政局定于今年组织开展年度服务质量评估。请各站对照附件中的评估指标开展自查，并于本月底前将自查报告报送区民政局社会事务科。\n\n西湖区民政局",
        "target": {"all": true},
        "attachment_ids": attachments,
    });
    let assessment = publish(demo, &county, &assessment).await?;

    let city = demo.token("hz_admin").await?;
    let visits = json!({
        "title": "关于报送一季度困难群众走访情况的通知",
        "body": "请北山街道、西兴街道社工站于下周五前报送一季度困难群众走访台账，重点说明高龄独居老人和低保家庭的走访情况。\n\n杭州市民政局",
        "target": {"station_ids": [demo.id("beishan")?, demo.id("xixing")?]},
    });
    publish(demo, &city, &visits).await?;

    let province = demo.token("zj_admin").await?;
    let summary = json!({
        "title": "关于做好社工站月度总结报送工作的通知",
        "body": "全省各乡镇（街道）社工站：\n请于每月5日前在系统中提交上月月度总结，如实填写服务总结并上传相关附件。各级民政部门应及时审核。\n\n浙江省民政厅",
        "target": {"all": true},
    });
    publish(demo, &province, &summary).await?;

    let beishan = demo.token("beishan").await?;
    demo.api.ok("GET", &format!("/api/notices/{assessment}"), Some(&beishan), None).await?;
    Ok(())
}

async fn publish(demo: &Demo, token: &str, body: &Value) -> anyhow::Result<String> {
    let notice = demo.api.ok("POST", "/api/admin/notices", Some(token), Some(body)).await?;
    notice["id"].as_str().map(str::to_string).context("publishing answered no id")
}

/// Announces the demo PDF and PUTs it to the presigned URL, as a browser would.
async fn upload(demo: &Demo, token: &str, file_name: &str) -> anyhow::Result<String> {
    let request =
        json!({"file_name": file_name, "content_type": "application/pdf", "size": DEMO_PDF.len()});
    let ticket =
        demo.api.ok("POST", "/api/admin/notices/attachments", Some(token), Some(&request)).await?;
    let url = ticket["upload_url"].as_str().context("no upload_url")?;
    let mut put = reqwest::Client::new().put(url).body(DEMO_PDF);
    for (name, value) in ticket["upload_headers"].as_object().into_iter().flatten() {
        // The client sets Content-Length from the body.
        if let Some(value) = value.as_str()
            && !name.eq_ignore_ascii_case("content-length")
        {
            put = put.header(name.as_str(), value);
        }
    }
    let response = put.send().await.context("uploading the demo attachment")?;
    anyhow::ensure!(response.status().is_success(), "upload answered {}", response.status());
    ticket["id"].as_str().map(str::to_string).context("no attachment id")
}
