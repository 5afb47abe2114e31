//! creditloop-bench: measures a running creditloop server and the machine under it, and
//! prints a report (and writes it as Markdown). Run it through `scripts/bench.sh`, which
//! builds the release binaries, starts the server(s) on a fresh database and cleans up.
//!
//! Figures are reported against the targets, never asserted: the exit code is 1 only when a
//! response was wrong (a correctness failure) or the run could not be set up.

mod client;
mod limits;
mod load;
mod procfs;
mod report;
mod scenarios;
mod setup;

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(about = "Benchmarks a running creditloop server (use scripts/bench.sh)")]
struct Args {
    /// The `creditloop` binary the servers run (for `creditloop tenant-create`).
    #[arg(long)]
    server_bin: PathBuf,
    /// The PostgreSQL server under test: its base URL, PID, database URL and data directory.
    #[arg(long, requires_all = ["pg_pid", "pg_db", "pg_data_dir"])]
    pg_url: Option<String>,
    #[arg(long)]
    pg_pid: Option<u32>,
    #[arg(long)]
    pg_db: Option<String>,
    #[arg(long)]
    pg_data_dir: Option<PathBuf>,
    /// The SQLite server under test, likewise.
    #[arg(long, requires_all = ["sqlite_pid", "sqlite_db", "sqlite_data_dir"])]
    sqlite_url: Option<String>,
    #[arg(long)]
    sqlite_pid: Option<u32>,
    #[arg(long)]
    sqlite_db: Option<String>,
    #[arg(long)]
    sqlite_data_dir: Option<PathBuf>,
    /// Smaller sizes and shorter loads, for a quick check.
    #[arg(long)]
    quick: bool,
    /// Rows of the bulk distribution files (default 100000,1000000; quick 100000).
    #[arg(long, value_delimiter = ',')]
    bulk_rows: Option<Vec<u64>>,
    /// Rows of the bulk distribution files on SQLite (default 100000: its apply is far
    /// slower, and a million rows would take a quarter of an hour).
    #[arg(long, value_delimiter = ',')]
    sqlite_bulk_rows: Option<Vec<u64>>,
    /// Employees in the main tenant's roster (default 10000; quick 2000).
    #[arg(long)]
    employees: Option<usize>,
    /// Concurrent clients of the load scenarios.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Measured seconds of each load scenario, after a warm-up (default 10; quick 3).
    #[arg(long)]
    seconds: Option<f64>,
    /// Seconds the bench reads the big export before it stops (default 180; quick 60): the
    /// rate is then over the rows read.
    #[arg(long)]
    export_max_secs: Option<u64>,
    /// Seconds allowed for one upload, commit or export.
    #[arg(long, default_value_t = 1200)]
    slow_timeout: u64,
    /// Threads of the client's runtime (the server shares the machine).
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
    /// Also write the report here, as Markdown.
    #[arg(long)]
    markdown: Option<PathBuf>,
    /// Shown in the report: revision, build and command line.
    #[arg(long, default_value = "")]
    revision: String,
    #[arg(long, default_value = "")]
    command: String,
    #[arg(long, default_value = "")]
    server_settings: String,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads.max(1))
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn list(sizes: &[u64]) -> String {
    sizes
        .iter()
        .map(|n| report::thousands(*n as f64))
        .collect::<Vec<_>>()
        .join(" and ")
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_default();
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map(|kib| format!("{:.1} GB RAM", kib / 1024.0 / 1024.0))
        .unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    format!(
        "{cpus} CPUs ({model}), {mem}; load average at start {load} (other work on the machine shows here)"
    )
}

async fn run(args: Args) -> anyhow::Result<bool> {
    let sizes = scenarios::Sizes {
        bulk: args.bulk_rows.clone().unwrap_or_else(|| {
            if args.quick {
                vec![100_000]
            } else {
                vec![100_000, 1_000_000]
            }
        }),
        employees: args
            .employees
            .unwrap_or(if args.quick { 2_000 } else { 10_000 }),
        clients: args.clients.max(1),
        warmup: Duration::from_millis(if args.quick { 500 } else { 1_000 }),
        measure: Duration::from_secs_f64(
            args.seconds
                .unwrap_or(if args.quick { 3.0 } else { 10.0 })
                .max(0.1),
        ),
        limit_loop: Duration::from_secs(if args.quick { 2 } else { 5 }),
        export_max: Duration::from_secs(args.export_max_secs.unwrap_or(if args.quick {
            60
        } else {
            180
        })),
    };
    let mut targets = Vec::new();
    if let (Some(url), Some(pid), Some(db), Some(dir)) =
        (&args.pg_url, args.pg_pid, &args.pg_db, &args.pg_data_dir)
    {
        targets.push(setup::Target {
            name: "PostgreSQL",
            sqlite: false,
            base_url: url.clone(),
            pid,
            db_url: db.clone(),
            data_dir: dir.clone(),
            server_bin: args.server_bin.clone(),
        });
    }
    if let (Some(url), Some(pid), Some(db), Some(dir)) = (
        &args.sqlite_url,
        args.sqlite_pid,
        &args.sqlite_db,
        &args.sqlite_data_dir,
    ) {
        targets.push(setup::Target {
            name: "SQLite",
            sqlite: true,
            base_url: url.clone(),
            pid,
            db_url: db.clone(),
            data_dir: dir.clone(),
            server_bin: args.server_bin.clone(),
        });
    }
    anyhow::ensure!(
        !targets.is_empty(),
        "name a server to measure (--pg-url … or --sqlite-url …)"
    );
    let info = report::RunInfo {
        started: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        revision: args.revision.clone(),
        machine: machine(),
        command: args.command.clone(),
        mode: format!(
            "{}: bulk files of {} rows{} over {} employees, {} clients, loads {:.1} s after {:.1} s warm-up{}",
            if args.quick { "quick" } else { "full" },
            list(&sizes.bulk),
            if targets.iter().any(|t| t.sqlite) {
                format!(
                    " (SQLite: {})",
                    list(args.sqlite_bulk_rows.as_deref().unwrap_or(&[100_000]))
                )
            } else {
                String::new()
            },
            report::thousands(sizes.employees as f64),
            sizes.clients,
            sizes.measure.as_secs_f64(),
            sizes.warmup.as_secs_f64(),
            if args.server_settings.is_empty() {
                String::new()
            } else {
                format!("; server: {}", args.server_settings)
            }
        ),
    };
    println!("creditloop benchmark ({})", info.mode);
    let mut backends = Vec::new();
    for target in &targets {
        println!(
            "\n== {} (server pid {}, {}) ==",
            target.name, target.pid, target.base_url
        );
        let api = client::Api::new(&target.base_url, Duration::from_secs(args.slow_timeout))?;
        let sizes = if target.sqlite {
            scenarios::Sizes {
                bulk: args
                    .sqlite_bulk_rows
                    .clone()
                    .unwrap_or_else(|| vec![100_000]),
                ..sizes.clone()
            }
        } else {
            sizes.clone()
        };
        backends.push(scenarios::run(&api, target, &sizes).await);
    }
    print!("{}", report::text(&info, &backends));
    if let Some(path) = &args.markdown {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, report::markdown(&info, &backends))?;
        println!("\nreport written to {}", path.display());
    }
    Ok(backends.iter().all(|b| b.failures.is_empty()))
}
