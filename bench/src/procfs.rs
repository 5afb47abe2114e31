//! What the kernel says about a process: resident memory (`/proc/<pid>/status`) and CPU time
//! (`/proc/<pid>/stat`), and a sampler that records the peak resident size while a scenario
//! runs (the kernel's own peak, `VmHWM`, only ever grows, so it cannot give a peak per
//! scenario).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A `kB` field of `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in KiB.
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

pub fn rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS")
}

pub fn hwm_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmHWM")
}

/// Clock ticks per second for `/proc/*/stat` (`getconf CLK_TCK`; 100 on every usual Linux).
fn ticks_per_second() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|t| *t > 0.0)
            .unwrap_or(100.0)
    })
}

/// User plus system CPU time of a process (`None`: this process), in seconds.
pub fn cpu_seconds(pid: Option<u32>) -> Option<f64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    let text = std::fs::read_to_string(path).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let rest = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Field 3 (state) is fields[0]; utime is field 14, stime field 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / ticks_per_second())
}

/// The whole machine's busy and total CPU time so far (`/proc/stat`, in ticks).
fn machine_ticks() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let line = text.lines().next()?.strip_prefix("cpu ")?;
    let v: Vec<u64> = line
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is inside user already)
    let total: u64 = v.iter().take(8).sum();
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

/// CPU seconds of each process in `pids`.
fn cpu_of(pids: &[u32]) -> HashMap<u32, f64> {
    pids.iter()
        .filter_map(|p| cpu_seconds(Some(*p)).map(|c| (*p, c)))
        .collect()
}

/// Samples a process's resident size every 50 ms until stopped; also takes the CPU time of
/// the server, of its database backends (PostgreSQL processes serving its database), of
/// this (client) process and of the whole machine over the same span.
pub struct Sampler {
    pid: u32,
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
    started: Instant,
    server_cpu: Option<f64>,
    client_cpu: Option<f64>,
    db_cpu: HashMap<u32, f64>,
    machine: Option<(u64, u64)>,
    start_rss_kib: u64,
}

/// What a [`Sampler`] saw. CPU figures are shares of one core over the span (1.0 = one core
/// busy all the time).
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    pub start_rss_kib: u64,
    pub peak_rss_kib: u64,
    pub server_cpu: Option<f64>,
    /// The database backends serving the server (`None` for SQLite, which runs inside it).
    pub db_cpu: Option<f64>,
    pub client_cpu: Option<f64>,
    /// Everything on the machine, other people's work included.
    pub machine_cpu: Option<f64>,
}

impl Sampler {
    /// `db_pids`: the database backend processes serving the server now.
    pub fn start(pid: u32, db_pids: &[u32]) -> Sampler {
        let start_rss_kib = rss_kib(pid).unwrap_or(0);
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(start_rss_kib));
        let task = {
            let (stop, peak) = (stop.clone(), peak.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    if let Some(rss) = rss_kib(pid) {
                        peak.fetch_max(rss, Ordering::Relaxed);
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            })
        };
        Sampler {
            pid,
            stop,
            peak,
            task,
            started: Instant::now(),
            server_cpu: cpu_seconds(Some(pid)),
            client_cpu: cpu_seconds(None),
            db_cpu: cpu_of(db_pids),
            machine: machine_ticks(),
            start_rss_kib,
        }
    }

    /// `db_pids`: the backends serving the server now (backends that started during the span
    /// count in full; ones that ended during it are missed).
    pub async fn stop(self, db_pids: Option<&[u32]>) -> Usage {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
        let end = rss_kib(self.pid).unwrap_or(0);
        let peak = self.peak.load(Ordering::Relaxed).max(end);
        let wall = self.started.elapsed().as_secs_f64().max(1e-9);
        let share = |before: Option<f64>, after: Option<f64>| match (before, after) {
            (Some(b), Some(a)) => Some((a - b) / wall),
            _ => None,
        };
        let db_cpu = db_pids.map(|pids| {
            let now = cpu_of(pids);
            now.iter()
                .map(|(pid, c)| c - self.db_cpu.get(pid).copied().unwrap_or(0.0))
                .sum::<f64>()
                / wall
        });
        let machine_cpu = match (self.machine, machine_ticks()) {
            (Some((b0, t0)), Some((b1, t1))) if t1 > t0 => {
                let cpus = std::thread::available_parallelism()
                    .map(|n| n.get())
                    .unwrap_or(1) as f64;
                Some((b1 - b0) as f64 / (t1 - t0) as f64 * cpus)
            }
            _ => None,
        };
        Usage {
            start_rss_kib: self.start_rss_kib,
            peak_rss_kib: peak,
            server_cpu: share(self.server_cpu, cpu_seconds(Some(self.pid))),
            db_cpu,
            client_cpu: share(self.client_cpu, cpu_seconds(None)),
            machine_cpu,
        }
    }
}
