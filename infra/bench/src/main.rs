//! `make bench`: what the dashboard and the activity list cost as a station's activities
//! grow. It loads one station with 100 activities and another with 10,000 into the local
//! stack (moto, started by `infra/scripts/bench.sh`), through the in-process API, so every
//! activity passes the same validation and transaction as a client's. Then, per station,
//! it calls `GET /api/dashboard` and `GET /api/activities?limit=20` a number of times and
//! reports per call the DynamoDB requests sent, the items DynamoDB read for them, and the
//! median latency.
//!
//! Requests are counted by the store's probe (an SDK interceptor on the client); items
//! by a second interceptor here that reads each response (`ScannedCount` of a query,
//! the items of a get or batch get). Both stations hold the same number of ongoing
//! activities, workers and recipients, so only the total number of activities differs.
//!
//! The small station is written through `POST /api/activities`, one call at a time,
//! which also measures what one activity write costs. The large one is written in bulk
//! with BatchWriteItem from records built by the same domain code, and its counters by
//! the recount: moto copies the whole table for every item of every transaction, so ten
//! thousand transactions would take hours there (see `load::API_LOAD_LIMIT`).
//!
//! Options: `--small N` (100), `--large N` (10000), `--samples N` (30).

mod items;
mod load;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use swz_shared::App;
use swz_shared::config::Config;
use swz_shared::files::Files;
use swz_shared::store::Store;
use swz_shared::store::probe::{Probe, ProbeInterceptor};

use crate::items::ItemCounter;

struct Options {
    small: usize,
    large: usize,
    samples: usize,
}

fn options() -> anyhow::Result<Options> {
    let mut o = Options { small: 100, large: 10_000, samples: 30 };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value: usize = args
            .next()
            .with_context(|| format!("{flag} needs a value"))?
            .parse()
            .with_context(|| format!("{flag} needs a number"))?;
        match flag.as_str() {
            "--small" => o.small = value,
            "--large" => o.large = value,
            "--samples" => o.samples = value.max(1),
            other => anyhow::bail!("unknown option {other}"),
        }
    }
    Ok(o)
}

/// The app, with both interceptors on its DynamoDB client.
async fn app(config: Config) -> anyhow::Result<(App, Arc<Probe>, Arc<ItemCounter>)> {
    let sdk = aws_config::load_from_env().await;
    let probe = Arc::new(Probe::default());
    let items = Arc::new(ItemCounter::default());
    let dynamo = aws_sdk_dynamodb::config::Builder::from(&sdk)
        .interceptor(ProbeInterceptor(probe.clone()))
        .interceptor(items.interceptor())
        .build();
    let store = Store {
        client: aws_sdk_dynamodb::Client::from_conf(dynamo),
        table: config.table_name.clone(),
        probe: probe.clone(),
    };
    let files = Files::new(&sdk, &config);
    Ok((App::with_parts(config, store, files), probe, items))
}

/// What one route cost over the samples.
struct Measured {
    requests: Vec<u64>,
    items: Vec<u64>,
    latency: Vec<Duration>,
}

fn median<T: Copy + Ord>(values: &[T]) -> T {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn span(values: &[u64]) -> String {
    let (lo, hi) = (values.iter().min().copied(), values.iter().max().copied());
    match (lo, hi) {
        (Some(lo), Some(hi)) if lo == hi => lo.to_string(),
        (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
        _ => "-".into(),
    }
}

async fn measure(
    api: &swz_local::inprocess::Api,
    probe: &Probe,
    items: &ItemCounter,
    token: &str,
    path: &str,
    samples: usize,
) -> anyhow::Result<Measured> {
    for _ in 0..3 {
        api.ok("GET", path, Some(token), None).await?;
    }
    let mut m = Measured { requests: vec![], items: vec![], latency: vec![] };
    for _ in 0..samples {
        let (r0, i0) = (probe.requests(), items.get());
        let started = Instant::now();
        api.ok("GET", path, Some(token), None).await?;
        m.latency.push(started.elapsed());
        m.requests.push(probe.requests() - r0);
        m.items.push(items.get() - i0);
    }
    Ok(m)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    swz_shared::telemetry::init();
    let options = options()?;
    let mut config = Config::from_env().context("reading the local stack's settings")?;
    let run = format!("{}", std::process::id());
    config.table_name = format!("swz-bench-{run}");
    config.bucket_name = format!("swz-bench-{run}");
    let (app, probe, items) = app(config).await?;
    swz_local::prepare(&app).await?;
    let api = swz_local::inprocess::Api::new(app.clone());

    let sizes = [("small", options.small), ("large", options.large)];
    let stations = load::stations(&app, &api, &sizes, &probe).await?;

    println!();
    println!("DynamoDB cost per call (requests include the token check's GetItem)");
    println!(
        "{:<28} {:>10} {:>9} {:>12} {:>14}",
        "route", "activities", "requests", "items read", "median latency"
    );
    for station in &stations {
        for path in ["/api/dashboard", "/api/activities?limit=20"] {
            let m = measure(&api, &probe, &items, &station.token, path, options.samples).await?;
            println!(
                "{:<28} {:>10} {:>9} {:>12} {:>11.1} ms",
                path,
                station.activities,
                span(&m.requests),
                span(&m.items),
                median(&m.latency).as_secs_f64() * 1000.0
            );
        }
    }

    for station in stations.iter().filter(|s| !s.write_requests.is_empty()) {
        println!(
            "{:<28} {:>10} {:>9} {:>12} {:>14}",
            "POST /api/activities",
            station.activities,
            span(&station.write_requests),
            "-",
            "-"
        );
    }

    println!();
    for station in &stations {
        let started = Instant::now();
        let same = load::recount_matches(&api, station).await?;
        println!(
            "station with {} activities: recount ({:.1} s) equals the counters: {}",
            station.activities,
            started.elapsed().as_secs_f64(),
            if same { "yes" } else { "NO" }
        );
        anyhow::ensure!(same, "the counters drifted from a recount");
    }
    Ok(())
}
