//! Demo people: certified social workers in the registry (李华 logs in as `sw_lihua`),
//! workers at 北山 and 西溪 (from the registry and by hand, one departed) and recipients
//! of every population type.

use anyhow::Context;
use serde_json::{Value, json};

use super::{Demo, PASSWORD};

/// A valid ID number: region, birth date, sequence, and the computed check character.
fn id_number(region: &str, birth: &str, seq: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("{region}{birth}{seq:03}");
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn id_of(value: &Value) -> anyhow::Result<String> {
    value["id"].as_str().map(str::to_string).context("the answer has no id")
}

pub async fn load(demo: &mut Demo) -> anyhow::Result<()> {
    // Certified social workers register themselves. Odd sequence numbers are men.
    let registry = [
        (
            "sw_lihua",
            "李华",
            id_number("330106", "19920318", 42),
            "13957112345",
            "bachelor",
            "社会工作",
            "intermediate",
            "ZS2019330100042",
        ),
        (
            "sw_zhangmin",
            "张敏",
            id_number("330102", "19960524", 28),
            "13857123456",
            "college",
            "社会工作",
            "assistant",
            "ZL2021330100317",
        ),
        (
            "sw_chenjie",
            "陈杰",
            id_number("330105", "19851109", 17),
            "13605719876",
            "master",
            "社会工作",
            "senior",
            "GJ2018330000021",
        ),
        (
            "sw_wangting",
            "王婷",
            id_number("330108", "19931202", 36),
            "15088661234",
            "bachelor",
            "心理学",
            "intermediate",
            "ZS2020330100588",
        ),
    ];
    let mut registry_ids = Vec::new();
    for (username, name, id, phone, education, major, level, certificate) in registry {
        let body = json!({
            "username": username, "password": PASSWORD, "name": name, "id_number": id,
            "phone": phone, "education": education, "major": major,
            "qualification_level": level, "certificate_number": certificate,
        });
        let profile = demo.api.ok("POST", "/api/registry/register", None, Some(&body)).await?;
        registry_ids.push(id_of(&profile)?);
    }

    let beishan = demo.token("beishan").await?;
    let xixi = demo.token("xixi").await?;
    let from_registry = |registry_id: &str, position: &str, hired_on: &str| {
        json!({"source": "registry", "registry_id": registry_id, "position": position,
               "hired_on": hired_on})
    };
    let by_hand = |name: &str,
                   id: String,
                   phone: &str,
                   education: &str,
                   major: &str,
                   position: &str,
                   hired_on: &str| {
        json!({"source": "manual", "name": name, "id_number": id, "phone": phone,
               "education": education, "major": major, "position": position,
               "hired_on": hired_on})
    };

    let workers = [
        ("beishan_lihua", &beishan, from_registry(&registry_ids[0], "head", "2021-03-01")),
        ("beishan_zhangmin", &beishan, from_registry(&registry_ids[1], "resident", "2022-07-15")),
        (
            "beishan_zhouxiaoyan",
            &beishan,
            by_hand(
                "周晓燕",
                id_number("330106", "19980816", 24),
                "13758129087",
                "college",
                "社区管理",
                "assistant",
                "2023-09-01",
            ),
        ),
        (
            "beishan_liujianguo",
            &beishan,
            by_hand(
                "刘建国",
                id_number("330106", "19780405", 31),
                "13967104521",
                "high_school",
                "",
                "assistant",
                "2020-05-10",
            ),
        ),
        ("xixi_chenjie", &xixi, from_registry(&registry_ids[2], "head", "2020-01-06")),
        (
            "xixi_wulei",
            &xixi,
            by_hand(
                "吴磊",
                id_number("330106", "19950130", 15),
                "18857107733",
                "bachelor",
                "行政管理",
                "resident",
                "2024-02-19",
            ),
        ),
    ];
    for (key, token, body) in workers {
        let worker = demo.api.ok("POST", "/api/workers", Some(token), Some(&body)).await?;
        demo.ids.insert(key, id_of(&worker)?);
    }
    // 刘建国 left 北山 last summer; the record stays.
    let departed = format!("/api/workers/{}?left_on=2025-06-30", demo.id("beishan_liujianguo")?);
    demo.api.ok("DELETE", &departed, Some(&beishan), None).await?;

    let lihua = demo.id("beishan_lihua")?.to_string();
    let zhangmin = demo.id("beishan_zhangmin")?.to_string();
    let zhouxiaoyan = demo.id("beishan_zhouxiaoyan")?.to_string();
    let chenjie = demo.id("xixi_chenjie")?.to_string();
    let wulei = demo.id("xixi_wulei")?.to_string();

    // Recipients: every population type at 北山, a few at 西溪.
    let clients = [
        (
            "beishan_client_wangxiuying",
            &beishan,
            json!({
                "name": "王秀英", "id_number": id_number("330106", "19420311", 26),
                "phone": "13605712231", "village": "宝石社区", "address": "宝石一路18号3幢201室",
                "population_types": ["elderly", "low_income"], "note": "独居，特困供养",
                "emergency_contact": {"name": "王建平", "phone": "13805714567"},
                "responsible_worker_id": lihua,
            }),
        ),
        (
            "beishan_client_zhanghaoran",
            &beishan,
            json!({
                "name": "张浩然", "id_number": id_number("330106", "20160921", 13),
                "village": "330106001002", "address": "北山路56号",
                "population_types": ["children"], "note": "父母在外务工，由祖母照料",
                "emergency_contact": {"name": "张桂兰", "phone": "13588012345"},
                "responsible_worker_id": zhangmin,
            }),
        ),
        (
            "beishan_client_chenyutong",
            &beishan,
            json!({
                "name": "陈雨桐", "id_number": id_number("330106", "20090614", 48),
                "phone": "15167123490", "village": "葛岭社区",
                "population_types": ["youth"], "note": "学业压力大，情绪低落",
                "emergency_contact": {"name": "陈志强", "phone": "13968011122"},
                "responsible_worker_id": lihua,
            }),
        ),
        (
            "beishan_client_zhaodeming",
            &beishan,
            json!({
                "name": "赵德明", "id_number": id_number("330106", "19670228", 35),
                "phone": "13454102387", "village": "宝石社区", "address": "保俶路101号1单元502室",
                "population_types": ["disabled", "low_income"], "note": "肢体二级残疾，低保户",
                "responsible_worker_id": zhouxiaoyan,
            }),
        ),
        (
            "beishan_client_liuxiaohong",
            &beishan,
            json!({
                "name": "刘晓红", "id_number": id_number("330106", "19880719", 64),
                "phone": "18768109921", "village": "葛岭社区",
                "population_types": ["women"], "note": "单亲母亲，需就业支持",
                "responsible_worker_id": zhangmin,
            }),
        ),
        (
            "beishan_client_sunguoqiang",
            &beishan,
            json!({
                "name": "孙国强", "id_number": id_number("330106", "19490105", 19),
                "phone": "13906713344", "village": "330106001002",
                "population_types": ["veterans", "elderly"], "note": "退役军人，优抚对象",
                "emergency_contact": {"name": "孙丽", "phone": "13757106688"},
                "responsible_worker_id": lihua,
            }),
        ),
        (
            "beishan_client_ayiguli",
            &beishan,
            json!({
                "name": "阿依古丽·买买提", "id_number": id_number("650102", "19910416", 82),
                "phone": "17706521430", "village": "宝石社区", "address": "宝石二路9号",
                "population_types": ["migrants", "women"], "note": "新疆来杭务工人员，需子女入学咨询",
                "responsible_worker_id": zhouxiaoyan,
            }),
        ),
        (
            "beishan_client_huangjun",
            &beishan,
            json!({
                "name": "黄俊", "id_number": id_number("330106", "19750823", 57),
                "village": "葛岭社区", "population_types": ["other"],
                "note": "刑满释放人员，社区矫正对象",
            }),
        ),
        (
            "xixi_client_zhoufengying",
            &xixi,
            json!({
                "name": "周凤英", "id_number": id_number("330106", "19391130", 44),
                "phone": "13656712090", "village": "文新社区",
                "population_types": ["elderly", "disabled"], "note": "失能老人，需上门探访",
                "emergency_contact": {"name": "周建华", "phone": "13805719090"},
                "responsible_worker_id": chenjie,
            }),
        ),
        (
            "xixi_client_lixiaoyu",
            &xixi,
            json!({
                "name": "李小雨", "id_number": id_number("330106", "20141008", 66),
                "village": "330106002001", "population_types": ["children", "low_income"],
                "note": "低保家庭儿童",
                "emergency_contact": {"name": "李红梅", "phone": "15990112233"},
                "responsible_worker_id": wulei,
            }),
        ),
    ];
    for (key, token, body) in clients {
        let client = demo.api.ok("POST", "/api/clients", Some(token), Some(&body)).await?;
        demo.ids.insert(key, id_of(&client)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_id_numbers_carry_the_right_check_character() {
        assert_eq!(id_number("110105", "19491231", 2), "11010519491231002X");
    }
}
