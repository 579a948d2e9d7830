//! The untimed setup: the demo province administrator confirms the demo data is there,
//! the two demo county administrators each create half of the stations, and every
//! station adds its workers (by hand) and recipients through the API.

use anyhow::Context;
use reqwest::Method;
use serde_json::{Value, json};
use swz_local::demo::PASSWORD;

use crate::http::{Http, id_of, token_of};

/// Workers per station.
pub const WORKERS: usize = 3;
/// Recipients per station.
pub const CLIENTS: usize = 5;

/// The demo county administrators who create the stations: username and county code.
const COUNTIES: [(&str, &str); 2] = [("xh_admin", "330106"), ("bj_admin", "330108")];

const WORKER_NAMES: [&str; 6] = ["李静", "王强", "张丽", "刘洋", "陈晨", "杨帆"];
const POSITIONS: [&str; WORKERS] = ["head", "resident", "assistant"];
const CLIENT_NAMES: [&str; 9] =
    ["王秀兰", "李建国", "张子涵", "陈思远", "赵美华", "孙志刚", "周春梅", "吴晓东", "郑桂芳"];
/// Recipients' population types with a birth date that fits them.
const PEOPLE: [(&[&str], &str); 9] = [
    (&["elderly"], "19450312"),
    (&["elderly", "low_income"], "19400827"),
    (&["children"], "20160405"),
    (&["youth"], "20080919"),
    (&["disabled", "women"], "19751103"),
    (&["veterans"], "19520618"),
    (&["migrants"], "19900221"),
    (&["low_income", "children"], "20140730"),
    (&["other"], "19830514"),
];

/// One station set up for the load.
pub struct Station {
    pub username: String,
    pub id: String,
    pub token: String,
    /// Index into [`Setup::admins`]: the county administrator who covers it.
    pub county: usize,
    pub workers: Vec<String>,
    pub clients: Vec<String>,
}

/// Everything the traffic and the final check need.
pub struct Setup {
    pub stations: Vec<Station>,
    /// Tokens of the county administrators, in [`COUNTIES`] order.
    pub admins: Vec<String>,
}

/// A valid 18-character ID number (GB 11643): region, birth date, sequence number and the
/// check character computed from the weighted sum of the first 17 digits.
pub fn id_number(region: &str, birth: &str, seq: u32) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("{region}{birth}{:03}", seq % 1000);
    let sum: u32 = body.bytes().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// Creates `count` stations, half under each county, with their workers and recipients.
pub async fn prepare(http: &Http, count: usize) -> anyhow::Result<Setup> {
    let province = http.login("zj_admin", PASSWORD).await.context("is the demo data loaded?")?;
    let province = token_of(&province)?;
    let demo_stations =
        http.ok(Method::GET, "/api/admin/stations?limit=100", Some(&province), None).await?;
    let demo_count = demo_stations["items"].as_array().map_or(0, Vec::len);
    println!("setup: zj_admin sees {demo_count} demo stations in the province");

    let mut admins = Vec::new();
    for (username, _) in COUNTIES {
        admins.push(token_of(&http.login(username, PASSWORD).await?)?);
    }

    let per_county = count.div_ceil(COUNTIES.len());
    let mut stations = Vec::new();
    for n in 0..count {
        let county = n / per_county;
        let station = create_station(http, &admins[county], COUNTIES[county].1, county, n).await?;
        stations.push(station);
    }
    Ok(Setup { stations, admins })
}

async fn create_station(
    http: &Http,
    admin: &str,
    county_code: &str,
    county: usize,
    n: usize,
) -> anyhow::Result<Station> {
    let number = n + 1;
    let username = format!("load_st{number}");
    // Townships 101..105 of the county: real codes' shape, no clash with the demo's.
    let township = format!("{county_code}{:03}", 101 + n % 5);
    let body = json!({
        "name": format!("压测{number}号社工站"), "region_code": township,
        "address": format!("压测路{number}号"), "contact_person": "王敏",
        "phone": "13905710002", "operation_mode": "self_run",
        "username": username, "password": PASSWORD,
    });
    let created = http.ok(Method::POST, "/api/admin/stations", Some(admin), Some(&body)).await?;
    let id = id_of(&created)?;
    let token = token_of(&http.login(&username, PASSWORD).await?)?;

    let mut workers = Vec::new();
    for (k, position) in POSITIONS.iter().enumerate() {
        let seq = (n * 10 + k + 100) as u32;
        let body = json!({
            "source": "manual", "name": WORKER_NAMES[(n + k) % WORKER_NAMES.len()],
            "id_number": id_number(county_code, &format!("19{}0{}15", 85 + k, 1 + n % 9), seq),
            "phone": format!("1390571{seq:04}"), "education": "bachelor", "major": "社会工作",
            "position": position, "hired_on": "2024-03-01",
        });
        let worker = http.ok(Method::POST, "/api/workers", Some(&token), Some(&body)).await?;
        workers.push(id_of(&worker)?);
    }

    let mut clients = Vec::new();
    for k in 0..CLIENTS {
        let (types, birth) = PEOPLE[(n + k) % PEOPLE.len()];
        let seq = (n * 10 + k + 500) as u32;
        let body: Value = json!({
            "name": CLIENT_NAMES[(n + k) % CLIENT_NAMES.len()],
            "id_number": id_number(county_code, birth, seq),
            "phone": format!("1380571{seq:04}"), "village": format!("压测{}社区", k + 1),
            "address": format!("压测路{number}号{}幢", k + 1), "population_types": types,
            "note": "", "responsible_worker_id": workers[k % WORKERS],
        });
        let client = http.ok(Method::POST, "/api/clients", Some(&token), Some(&body)).await?;
        clients.push(id_of(&client)?);
    }
    Ok(Station { username, id, token, county, workers, clients })
}

#[cfg(test)]
mod tests {
    use super::*;
    use swz_shared::domain::IdNumber;

    #[test]
    fn generated_id_numbers_pass_the_servers_check() {
        for seq in [0, 100, 509, 999] {
            let id = id_number("330108", "19450312", seq);
            assert!(IdNumber::parse(&id).is_ok(), "{id}");
        }
    }
}
