//! The final report: throughput, latency percentiles overall and per route kind, errors
//! and conflicts, and the counter comparison. Decides the exit status.

use std::time::Duration;

use crate::check::Comparison;
use crate::traffic::{Kind, Outcome, Run, Sample};

/// Prints the report; answers whether the run failed (any 5xx or counter mismatch).
pub fn print(run: &Run, counters: &[Comparison]) -> bool {
    let secs = run.elapsed.as_secs_f64();
    let total = run.samples.len();
    println!();
    println!("== load: {} clients for {secs:.1} s ==", run.clients);
    println!(
        "{:<30} {:>8} {:>8} {:>9} {:>7} {:>9} {:>9} {:>9}",
        "route", "requests", "req/s", "conflicts", "errors", "p50 ms", "p99 ms", "max ms"
    );
    for kind in Kind::ALL {
        let samples: Vec<&Sample> = run.samples.iter().filter(|s| s.kind == kind).collect();
        if !samples.is_empty() {
            row(kind.label(), &samples, secs);
        }
    }
    let all: Vec<&Sample> = run.samples.iter().collect();
    row("all", &all, secs);

    let count = |o: Outcome| run.samples.iter().filter(|s| s.outcome == o).count();
    let (transport, server, client) = (
        count(Outcome::Transport),
        count(Outcome::ServerError),
        count(Outcome::UnexpectedClientError),
    );
    println!();
    println!("requests:   {total} in {secs:.1} s = {:.1} req/s", total as f64 / secs.max(1e-9));
    println!(
        "errors:     {} (transport {transport}, 5xx {server}, unexpected 4xx {client})",
        transport + server + client
    );
    println!(
        "conflicts:  {} (409: stale version or writes that kept colliding)",
        count(Outcome::Conflict)
    );
    for failure in &run.failures {
        println!("  e.g. {failure}");
    }

    println!();
    println!("== counters vs recount ==");
    let mut equal = 0;
    for c in counters {
        if c.differences.is_empty() {
            equal += 1;
            println!("{:<10} equal      ({} activities)", c.username, c.activities_counted);
        } else {
            println!("{:<10} DIFFERENT  ({} activities)", c.username, c.activities_counted);
            for difference in &c.differences {
                println!("    {difference}");
            }
        }
    }
    let mismatched = counters.len() - equal;
    println!("counters equal the recount at {equal} of {} stations", counters.len());
    println!();
    println!(
        "note: moto serves one DynamoDB/S3 request at a time (infra/scripts/moto_server.py), \
         so throughput and latency here are bounded by moto, not by the server."
    );
    let failed = server > 0 || mismatched > 0;
    println!(
        "result: {}",
        if failed { "FAILED (5xx answers or counters that differ)" } else { "passed" }
    );
    failed
}

fn row(label: &str, samples: &[&Sample], secs: f64) {
    let mut latencies: Vec<Duration> = samples.iter().map(|s| s.latency).collect();
    latencies.sort();
    let conflicts = samples.iter().filter(|s| s.outcome == Outcome::Conflict).count();
    let errors =
        samples.iter().filter(|s| !matches!(s.outcome, Outcome::Ok | Outcome::Conflict)).count();
    println!(
        "{label:<30} {:>8} {:>8.1} {conflicts:>9} {errors:>7} {:>9.1} {:>9.1} {:>9.1}",
        samples.len(),
        samples.len() as f64 / secs.max(1e-9),
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default()),
    );
}

/// Nearest-rank percentile of sorted latencies; zero when there are none.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&sorted, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&[Duration::from_millis(7)], 99.0), Duration::from_millis(7));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }
}
