//! A closed-loop load generator: `clients` tasks each send one request, wait for and check
//! the whole answer, and send the next, for a warm-up and then a measured span. Bounded in
//! time and in count: it always stops by itself.

use futures::future::BoxFuture;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One request of client `client` (its `seq`-th): `Ok` when the answer was right, `Err` with
/// what was wrong.
pub type Request = Arc<dyn Fn(usize, u64) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub clients: usize,
    pub warmup: Duration,
    pub measure: Duration,
    /// Most requests one client sends, warm-up included.
    pub max_per_client: u64,
}

#[derive(Debug, Default)]
pub struct Outcome {
    /// Correct answers to requests started in the measured span.
    pub ok: u64,
    /// Wrong or failed answers, warm-up included.
    pub failed: u64,
    /// Correct answers overall, warm-up included.
    pub ok_total: u64,
    pub errors: Vec<String>,
    /// Latencies (µs) of the measured requests, sorted.
    pub latencies_us: Vec<u64>,
    /// From the end of the warm-up to the last measured answer.
    pub secs: f64,
}

impl Outcome {
    pub fn rate(&self) -> f64 {
        if self.secs > 0.0 {
            self.ok as f64 / self.secs
        } else {
            0.0
        }
    }

    /// The `q`-quantile latency in milliseconds (nearest rank).
    pub fn quantile_ms(&self, q: f64) -> Option<f64> {
        quantile_ms(&self.latencies_us, q)
    }

    pub fn max_ms(&self) -> Option<f64> {
        self.latencies_us.last().map(|us| *us as f64 / 1000.0)
    }
}

/// Nearest-rank quantile of sorted microseconds, in milliseconds.
pub fn quantile_ms(sorted_us: &[u64], q: f64) -> Option<f64> {
    if sorted_us.is_empty() {
        return None;
    }
    let rank = ((q * sorted_us.len() as f64).ceil() as usize).clamp(1, sorted_us.len());
    Some(sorted_us[rank - 1] as f64 / 1000.0)
}

struct ClientResult {
    ok: u64,
    ok_total: u64,
    failed: u64,
    errors: Vec<String>,
    latencies_us: Vec<u64>,
    last_done: Option<Instant>,
}

pub async fn run(plan: Plan, request: Request) -> Outcome {
    let start = Instant::now();
    let measure_from = start + plan.warmup;
    let end = measure_from + plan.measure;
    let mut tasks = Vec::with_capacity(plan.clients);
    for client in 0..plan.clients {
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let mut r = ClientResult {
                ok: 0,
                ok_total: 0,
                failed: 0,
                errors: Vec::new(),
                latencies_us: Vec::with_capacity(4096),
                last_done: None,
            };
            let mut seq = 0u64;
            while seq < plan.max_per_client {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                let answer = request(client, seq).await;
                let done = Instant::now();
                seq += 1;
                let measured = sent >= measure_from;
                match answer {
                    Ok(()) => {
                        r.ok_total += 1;
                        if measured {
                            r.ok += 1;
                            r.latencies_us
                                .push(u64::try_from((done - sent).as_micros()).unwrap_or(u64::MAX));
                            r.last_done = Some(done);
                        }
                    }
                    Err(e) => {
                        r.failed += 1;
                        if r.errors.len() < 3 {
                            r.errors.push(e);
                        }
                    }
                }
            }
            r
        }));
    }
    let mut out = Outcome::default();
    let mut last_done = measure_from;
    for task in tasks {
        match task.await {
            Ok(r) => {
                out.ok += r.ok;
                out.ok_total += r.ok_total;
                out.failed += r.failed;
                if out.errors.len() < 5 {
                    out.errors
                        .extend(r.errors.into_iter().take(5 - out.errors.len()));
                }
                out.latencies_us.extend(r.latencies_us);
                if let Some(t) = r.last_done {
                    last_done = last_done.max(t);
                }
            }
            Err(e) => {
                out.failed += 1;
                out.errors.push(format!("client task failed: {e}"));
            }
        }
    }
    out.latencies_us.sort_unstable();
    out.secs = (last_done - measure_from).as_secs_f64();
    out
}
