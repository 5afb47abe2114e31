//! The report: per backend, the machine's limit and one row per scenario with its target,
//! whether it was met (and by how much it was missed), and its ratio to the limit. Printed as
//! text and written as Markdown. Targets are reported, never asserted.

use crate::limits::Limits;
use crate::load::Outcome;

/// A target of a scenario and the figure it is judged on.
#[derive(Debug, Clone)]
pub enum Goal {
    /// At least this many per second.
    MinRate(f64),
    /// At most this many seconds in all.
    MaxSecs(f64),
    /// p99 latency at most this many milliseconds.
    MaxP99Ms(f64),
    /// Resident memory at most this many MiB.
    MaxRssMib(f64),
    /// Resident memory grows by at most this many MiB while it runs ("flat memory").
    MaxGrowthMib(f64),
}

#[derive(Debug, Clone)]
pub struct Judged {
    pub goal: Goal,
    pub measured: f64,
}

impl Judged {
    pub fn met(&self) -> bool {
        match self.goal {
            Goal::MinRate(t) => self.measured >= t,
            Goal::MaxSecs(t) | Goal::MaxP99Ms(t) | Goal::MaxRssMib(t) | Goal::MaxGrowthMib(t) => {
                self.measured <= t
            }
        }
    }

    pub fn target(&self, unit: &str) -> String {
        match self.goal {
            Goal::MinRate(t) => format!("≥ {} {unit}/s", thousands(t)),
            Goal::MaxSecs(t) => format!("≤ {} s", trim(t)),
            Goal::MaxP99Ms(t) => format!("p99 ≤ {} ms", trim(t)),
            Goal::MaxRssMib(t) => format!("RSS < {} MB", trim(t)),
            Goal::MaxGrowthMib(t) => format!("RSS growth ≤ {} MB", trim(t)),
        }
    }

    /// "met", or how far from the target it is.
    pub fn verdict(&self) -> String {
        if self.met() {
            return "met".into();
        }
        let m = self.measured;
        match self.goal {
            Goal::MinRate(t) => format!(
                "MISSED: {:.1}% of target ({:.1}% short)",
                100.0 * m / t,
                100.0 * (1.0 - m / t)
            ),
            Goal::MaxSecs(t) => format!("MISSED: {:.1}× the limit", m / t),
            Goal::MaxP99Ms(t) => format!("MISSED: p99 {:.1}× the limit", m / t),
            Goal::MaxRssMib(t) => format!("MISSED: {:.2}× the limit (+{:.1} MB)", m / t, m - t),
            Goal::MaxGrowthMib(t) => format!("MISSED: {:.1}× the allowance", m / t),
        }
    }
}

/// One scenario's figures.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub name: String,
    /// What is counted: "grants", "rows", "requests".
    pub unit: &'static str,
    pub count: Option<u64>,
    pub secs: Option<f64>,
    pub rate: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub peak_rss_kib: Option<u64>,
    pub cpu: Option<crate::procfs::Usage>,
    pub goals: Vec<Judged>,
    /// e.g. "0.05× COPY (1,000,000 rows)".
    pub ratios: Vec<String>,
    pub notes: Vec<String>,
}

impl Row {
    pub fn from_load(name: impl Into<String>, unit: &'static str, o: &Outcome) -> Row {
        Row {
            name: name.into(),
            unit,
            count: Some(o.ok),
            secs: Some(o.secs),
            rate: Some(o.rate()),
            p50_ms: o.quantile_ms(0.50),
            p99_ms: o.quantile_ms(0.99),
            max_ms: o.max_ms(),
            ..Row::default()
        }
    }

    pub fn goal(mut self, goal: Goal, measured: f64) -> Row {
        self.goals.push(Judged { goal, measured });
        self
    }

    pub fn usage(mut self, u: &crate::procfs::Usage) -> Row {
        self.peak_rss_kib = Some(u.peak_rss_kib);
        self.cpu = Some(*u);
        self
    }

    /// Adds "x× NAME" for a rate against a limit's rate.
    pub fn ratio(mut self, name: &str, limit_rate: f64) -> Row {
        if let Some(rate) = self.rate.filter(|_| limit_rate > 0.0) {
            self.ratios
                .push(format!("{}× {name}", ratio(rate / limit_rate)));
        }
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Row {
        self.notes.push(note.into());
        self
    }

    fn cells(&self) -> Vec<String> {
        let dash = || "—".to_owned();
        let ms = |v: Option<f64>| v.map(|v| format!("{v:.1} ms")).unwrap_or_else(dash);
        let pct = |v: Option<f64>| {
            v.map(|v| format!("{:.0}%", v * 100.0))
                .unwrap_or_else(|| "—".into())
        };
        let cpu = match &self.cpu {
            Some(u) => format!(
                "{} / {} / {} of {}",
                pct(u.server_cpu),
                pct(u.db_cpu),
                pct(u.client_cpu),
                pct(u.machine_cpu)
            ),
            None => dash(),
        };
        vec![
            self.name.clone(),
            self.count
                .map(|c| format!("{} {}", thousands(c as f64), self.unit))
                .unwrap_or_else(dash),
            self.secs.map(|s| format!("{s:.2} s")).unwrap_or_else(dash),
            self.rate
                .map(|r| format!("{}/s", thousands(r)))
                .unwrap_or_else(dash),
            ms(self.p50_ms),
            ms(self.p99_ms),
            ms(self.max_ms),
            self.peak_rss_kib.map(mib).unwrap_or_else(dash),
            cpu,
            self.goals
                .iter()
                .map(|g| g.target(self.unit))
                .collect::<Vec<_>>()
                .join("; "),
            if self.goals.is_empty() {
                dash()
            } else {
                self.goals
                    .iter()
                    .map(Judged::verdict)
                    .collect::<Vec<_>>()
                    .join("; ")
            },
            if self.ratios.is_empty() {
                dash()
            } else {
                self.ratios.join(", ")
            },
        ]
    }
}

const HEADERS: [&str; 12] = [
    "scenario",
    "count",
    "time",
    "throughput",
    "p50",
    "p99",
    "max",
    "server peak RSS",
    "CPU server / DB / bench of machine",
    "target",
    "result",
    "vs machine limit",
];

/// Everything measured on one backend.
#[derive(Debug, Default)]
pub struct BackendReport {
    pub backend: String,
    pub setup: Vec<String>,
    pub limits: Option<Limits>,
    pub rows: Vec<Row>,
    pub failures: Vec<String>,
}

pub struct RunInfo {
    pub started: String,
    pub revision: String,
    pub machine: String,
    pub command: String,
    pub mode: String,
}

pub fn thousands(v: f64) -> String {
    if !v.is_finite() {
        return "?".into();
    }
    let rounded = v.round() as i64;
    if v.abs() < 100.0 && (v - v.round()).abs() > 1e-9 {
        return format!("{v:.1}");
    }
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0 { format!("-{out}") } else { out }
}

fn trim(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        thousands(v)
    } else {
        format!("{v}")
    }
}

pub fn ratio(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.0}")
    } else if r >= 0.1 {
        format!("{r:.2}")
    } else {
        format!("{r:.3}")
    }
}

pub fn mib(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

fn limit_rows(l: &Limits) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for b in &l.bulk_in {
        rows.push(vec![
            l.bulk_in_name.to_owned(),
            format!(
                "{} rows × {} B",
                thousands(b.rows as f64),
                b.bytes / b.rows.max(1)
            ),
            format!("{:.2} s", b.secs),
            format!("{} rows/s", thousands(b.rate())),
            "—".into(),
            "—".into(),
        ]);
    }
    if let Some(b) = &l.bulk_out {
        rows.push(vec![
            l.bulk_out_name.to_owned(),
            format!("{} rows", thousands(b.rows as f64)),
            format!("{:.2} s", b.secs),
            format!("{} rows/s", thousands(b.rate())),
            "—".into(),
            "—".into(),
        ]);
    }
    let looped = |name: String, o: &Outcome| {
        vec![
            name,
            format!("{} rows", thousands(o.ok as f64)),
            format!("{:.2} s", o.secs),
            format!("{} rows/s", thousands(o.rate())),
            o.quantile_ms(0.5)
                .map(|v| format!("{v:.2} ms"))
                .unwrap_or_default(),
            o.quantile_ms(0.99)
                .map(|v| format!("{v:.2} ms"))
                .unwrap_or_default(),
        ]
    };
    rows.push(looped(
        "INSERT 1 row, autocommit, 1 connection".into(),
        &l.insert_one,
    ));
    rows.push(looped(
        format!("INSERT 1 row, autocommit, {} connections", l.clients),
        &l.insert_many,
    ));
    rows.push(looped(
        format!("SELECT 1 row by key, {} connections", l.clients),
        &l.select_many,
    ));
    rows
}

const LIMIT_HEADERS: [&str; 6] = ["machine limit", "rows", "time", "throughput", "p50", "p99"];

fn text_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    "{c}{}",
                    " ".repeat(widths[i].saturating_sub(c.chars().count()))
                )
            })
            .collect();
        format!("  {}\n", padded.join(" │ ").trim_end())
    };
    let mut out = line(headers.iter().map(|h| (*h).to_owned()).collect());
    out.push_str(&format!(
        "  {}\n",
        widths
            .iter()
            .map(|w| "─".repeat(*w))
            .collect::<Vec<_>>()
            .join("─┼─")
    ));
    for row in rows {
        out.push_str(&line(row.clone()));
    }
    out
}

fn md_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = format!(
        "| {} |\n|{}\n",
        headers.join(" | "),
        "---|".repeat(headers.len())
    );
    for row in rows {
        out.push_str(&format!(
            "| {} |\n",
            row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    out
}

pub fn text(info: &RunInfo, backends: &[BackendReport]) -> String {
    let mut out = format!(
        "\ncreditloop benchmark — {} — {} — {}\n{}\ncommand: {}\n",
        info.started, info.revision, info.mode, info.machine, info.command
    );
    for b in backends {
        out.push_str(&format!("\n══ {} ══\n", b.backend));
        if let Some(l) = &b.limits {
            out.push_str(&format!(
                "\nMachine limit, measured now on the same database server ({}):\n",
                l.describe
            ));
            out.push_str(&text_table(&LIMIT_HEADERS, &limit_rows(l)));
        }
        out.push_str("\nScenarios (CPU: share of one core over the scenario: server / its database backends / bench client, of the whole machine's use, others' work included):\n");
        let rows: Vec<Vec<String>> = b.rows.iter().map(Row::cells).collect();
        out.push_str(&text_table(&HEADERS, &rows));
        let notes: Vec<String> = b
            .rows
            .iter()
            .flat_map(|r| r.notes.iter().map(move |n| format!("  - {}: {n}", r.name)))
            .collect();
        if !notes.is_empty() || !b.setup.is_empty() {
            out.push_str("\nNotes:\n");
            for s in &b.setup {
                out.push_str(&format!("  - setup: {s}\n"));
            }
            for n in notes {
                out.push_str(&format!("{n}\n"));
            }
        }
        if b.failures.is_empty() {
            out.push_str("\nCorrectness: every response checked, all correct.\n");
        } else {
            out.push_str(&format!(
                "\nCorrectness: {} FAILURE(S):\n",
                b.failures.len()
            ));
            for f in &b.failures {
                out.push_str(&format!("  ✗ {f}\n"));
            }
        }
    }
    out
}

pub fn markdown(info: &RunInfo, backends: &[BackendReport]) -> String {
    let mut out = format!(
        "# creditloop benchmark results\n\n- when: {}\n- revision: {}\n- mode: {}\n- machine: {}\n- command: `{}`\n\n\
         Figures from one run, printed by `scripts/bench.sh`, never asserted by tests. \
         CPU is the share of one core used over the scenario by the server process, its database backends (PostgreSQL processes; SQLite runs inside the server), the bench client, and the whole machine (other people's work included; 200% = both cores busy).\n",
        info.started, info.revision, info.mode, info.machine, info.command
    );
    for b in backends {
        out.push_str(&format!("\n## {}\n", b.backend));
        if let Some(l) = &b.limits {
            out.push_str(&format!(
                "\nMachine limit, measured in the same run on the same database server ({}):\n\n",
                l.describe
            ));
            out.push_str(&md_table(&LIMIT_HEADERS, &limit_rows(l)));
        }
        out.push_str("\nScenarios:\n\n");
        let rows: Vec<Vec<String>> = b.rows.iter().map(Row::cells).collect();
        out.push_str(&md_table(&HEADERS, &rows));
        out.push_str("\nNotes:\n\n");
        for s in &b.setup {
            out.push_str(&format!("- setup: {s}\n"));
        }
        for r in &b.rows {
            for n in &r.notes {
                out.push_str(&format!("- {}: {n}\n", r.name));
            }
        }
        if b.failures.is_empty() {
            out.push_str("\nCorrectness: every response checked, all correct.\n");
        } else {
            out.push_str(&format!(
                "\nCorrectness: {} failure(s):\n\n",
                b.failures.len()
            ));
            for f in &b.failures {
                out.push_str(&format!("- {f}\n"));
            }
        }
    }
    out
}
