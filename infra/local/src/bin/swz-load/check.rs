//! After the load: each station's dashboard counters (kept by every activity write) are
//! compared with a recount from its activities, done by the administrator of its county.

use reqwest::Method;
use serde_json::{Value, json};

use crate::http::Http;
use crate::setup::Setup;

/// One station's comparison.
pub struct Comparison {
    pub username: String,
    pub activities_counted: u64,
    /// `period.field: dashboard vs recount` for every figure that differs; empty when equal.
    pub differences: Vec<String>,
}

/// Compares every station, one after the other (the load is over).
pub async fn counters(http: &Http, setup: &Setup) -> anyhow::Result<Vec<Comparison>> {
    let mut comparisons = Vec::new();
    for station in &setup.stations {
        let dashboard = http.ok(Method::GET, "/api/dashboard", Some(&station.token), None).await?;
        let body = json!({"station_id": station.id});
        let admin = &setup.admins[station.county];
        let recount = http.ok(Method::POST, "/api/admin/recount", Some(admin), Some(&body)).await?;
        let mut differences = Vec::new();
        for period in ["all_time", "this_month"] {
            differ(period, &dashboard["stats"][period], &recount[period], &mut differences);
        }
        comparisons.push(Comparison {
            username: station.username.clone(),
            activities_counted: recount["activities_counted"].as_u64().unwrap_or(0),
            differences,
        });
    }
    Ok(comparisons)
}

/// Appends every leaf where `kept` and `fresh` differ, named by its path.
fn differ(path: &str, kept: &Value, fresh: &Value, out: &mut Vec<String>) {
    match (kept, fresh) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (x, y) = (&a.get(key), &b.get(key));
                differ(
                    &format!("{path}.{key}"),
                    x.unwrap_or(&Value::Null),
                    y.unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: dashboard {a} vs recount {b}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_differences_are_named_by_their_path() {
        let kept = json!({"activities": 3, "by_population_type": {"elderly": 2, "children": 1}});
        let fresh = json!({"activities": 3, "by_population_type": {"elderly": 1, "children": 1}});
        let mut out = Vec::new();
        differ("all_time", &kept, &fresh, &mut out);
        assert_eq!(out, ["all_time.by_population_type.elderly: dashboard 2 vs recount 1"]);
    }

    #[test]
    fn a_missing_period_is_a_difference() {
        let mut out = Vec::new();
        differ("this_month", &json!({"activities": 1}), &Value::Null, &mut out);
        assert_eq!(out.len(), 1);
    }
}
