//! `swz-load` (`make load`): a short load test against a running server. 50 concurrent
//! clients for 60 seconds mix reads and writes across 10 stations; afterwards every
//! station's dashboard counters are compared with an administrator's recount.
//!
//! Not part of `make test`: infra/scripts/load.sh starts moto and a release build of
//! swz-local and runs this binary against it. Settings come from the environment:
//! `LOAD_URL` (default `http://127.0.0.1:$PORT`), `LOAD_SECONDS` (60), `LOAD_CLIENTS` (50).
//! Exits non-zero when any request answered 5xx or any station's counters differ from
//! its recount.

mod check;
mod http;
mod report;
mod setup;
mod traffic;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::http::Http;

/// Stations the traffic spreads over.
const STATIONS: usize = 10;

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let seconds = env_number("LOAD_SECONDS", 60)?;
    let clients = env_number("LOAD_CLIENTS", 50)?.max(1) as usize;
    let base = match std::env::var("LOAD_URL") {
        Ok(url) => url,
        Err(_) => format!("http://127.0.0.1:{}", env_number("PORT", 8080)?),
    };
    let http = Http::new(&base)?;
    println!("swz-load: {clients} clients, {STATIONS} stations, {seconds} s against {base}");

    let started = Instant::now();
    let setup = Arc::new(setup::prepare(&http, STATIONS).await.context("setting up stations")?);
    println!(
        "setup: {} stations with {} workers and {} recipients each, in {:.1} s (not timed)",
        setup.stations.len(),
        setup::WORKERS,
        setup::CLIENTS,
        started.elapsed().as_secs_f64()
    );

    let run = traffic::run(&http, &setup, clients, Duration::from_secs(seconds)).await;
    let counters = check::counters(&http, &setup).await.context("comparing counters")?;
    let failed = report::print(&run, &counters);
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// A whole number from the environment, or `default` when unset.
fn env_number(name: &str, default: u64) -> anyhow::Result<u64> {
    match std::env::var(name) {
        Ok(value) => value.trim().parse().with_context(|| format!("{name} is not a whole number")),
        Err(_) => Ok(default),
    }
}
