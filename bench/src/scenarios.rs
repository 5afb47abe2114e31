//! The scenarios, in order, against one server: idle memory, the machine's limit, setup,
//! bulk CSV distributions (validation and apply), the streamed export, single grants from
//! concurrent clients (many pools, then one pool), balance reads, and memory after the run.

use crate::client::{Api, Session, fen, gql_problem, money, short};
use crate::limits::{self, Limits};
use crate::load::{self, Plan, Request};
use crate::procfs::{self, Sampler};
use crate::report::{BackendReport, Goal, Row, mib, thousands};
use crate::setup::{self, Db, Target, Tenant};
use anyhow::{anyhow, ensure};
use futures::FutureExt as _;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Sizes {
    /// Rows of each bulk distribution file, in order.
    pub bulk: Vec<u64>,
    pub employees: usize,
    pub clients: usize,
    pub warmup: Duration,
    pub measure: Duration,
    /// How long each INSERT/SELECT loop of the machine limit runs.
    pub limit_loop: Duration,
    /// How long the bench reads the big export before it gives up on the rest.
    pub export_max: Duration,
}

const GRANT: &str =
    "mutation($i: GrantInput!) { grant(input: $i) { entry { id amount } lot { remaining } } }";
const WALLET: &str = "{ myWallet { balance available } }";
const GRANT_AMOUNT: &str = "1.00";

/// Runs everything against one server; a setup failure ends the backend's run early (what
/// was measured until then is kept).
pub async fn run(api: &Api, target: &Target, sizes: &Sizes) -> BackendReport {
    let mut report = BackendReport {
        backend: target.name.to_owned(),
        ..BackendReport::default()
    };
    if let Err(e) = run_in(api, target, sizes, &mut report).await {
        report.failures.push(format!("stopped early: {e:#}"));
    }
    report
}

async fn run_in(
    api: &Api,
    target: &Target,
    sizes: &Sizes,
    report: &mut BackendReport,
) -> anyhow::Result<()> {
    let pid = target.pid;
    ensure!(
        procfs::rss_kib(pid).is_some(),
        "no process {pid} to measure (is the server running?)"
    );

    // Idle: right after start (the script waited for /readyz), and after a quiet second.
    let at_start = procfs::rss_kib(pid).unwrap_or(0);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = procfs::rss_kib(pid).unwrap_or(0);
    report.rows.push(
        Row {
            name: "idle server (started, before any load)".into(),
            unit: "",
            peak_rss_kib: Some(idle),
            ..Row::default()
        }
        .goal(Goal::MaxRssMib(50.0), idle as f64 / 1024.0)
        .note(format!(
            "VmRSS {} right after /readyz, {} a second later",
            mib(at_start),
            mib(idle)
        )),
    );

    println!("  machine limit ({}) …", target.name);
    let limits = if target.sqlite {
        limits::sqlite(
            setup::scratch_dir(target),
            &sizes.bulk,
            sizes.clients,
            sizes.limit_loop,
        )
        .await?
    } else {
        limits::postgres(&target.db_url, &sizes.bulk, sizes.clients, sizes.limit_loop).await?
    };

    let db = match Db::open(target).await {
        Ok(db) => db,
        Err(e) => {
            report.limits = Some(limits);
            return Err(e.context("opening the server's database to read invitations"));
        }
    };
    let result = scenarios(api, target, sizes, &limits, &db).await;
    db.close().await;
    report.limits = Some(limits);
    let (rows, failures, setup_notes) = result?;
    report.rows.extend(rows);
    report.failures.extend(failures);
    report.setup.extend(setup_notes);

    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = procfs::rss_kib(pid).unwrap_or(0);
    let hwm = procfs::hwm_kib(pid).unwrap_or(0);
    report.rows.push(
        Row {
            name: "server after the run (idle again)".into(),
            unit: "",
            peak_rss_kib: Some(hwm),
            ..Row::default()
        }
        .note(format!(
            "VmRSS {} a second after the last scenario; peak over the whole run (VmHWM) {}",
            mib(after),
            mib(hwm)
        )),
    );
    Ok(())
}

type Scenarios = (Vec<Row>, Vec<String>, Vec<String>);

async fn scenarios(
    api: &Api,
    target: &Target,
    sizes: &Sizes,
    limits: &Limits,
    db: &Db,
) -> anyhow::Result<Scenarios> {
    let (mut rows, mut failures, mut notes) = (Vec::new(), Vec::new(), Vec::new());
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let bulk_total: u64 = sizes.bulk.iter().sum();
    // The main pool covers every bulk row at up to 1.99 and the single grants besides.
    let pool_fen = 10_000_000_00i64;
    println!("  setup: main tenant with {} employees …", sizes.employees);
    let started = Instant::now();
    let (main, main_notes) =
        setup::main_tenant(api, target, db, &run, sizes.employees, pool_fen).await?;
    notes.extend(main_notes);
    ensure!(
        bulk_total as i64 * 199 < pool_fen,
        "the pool is too small for {bulk_total} bulk rows"
    );

    println!("  setup: {} tenants with a pool each …", sizes.clients);
    let t = Instant::now();
    let mut small = Vec::with_capacity(sizes.clients);
    for chunk in (0..sizes.clients).collect::<Vec<_>>().chunks(4) {
        let made = futures::future::join_all(
            chunk
                .iter()
                .map(|n| setup::small_tenant(api, target, &run, *n, 4)),
        )
        .await;
        for tenant in made {
            small.push(tenant?);
        }
    }
    notes.push(format!(
        "{} tenants with `creditloop tenant-create`, funded, 4 employees each: {:.1} s",
        sizes.clients,
        t.elapsed().as_secs_f64()
    ));

    println!("  setup: {} employees sign in …", sizes.clients);
    let tokens = db.invitation_tokens().await?;
    let mut readers = Vec::with_capacity(sizes.clients);
    for i in 0..sizes.clients {
        readers.push(setup::accept(api, &tokens, &format!("e{i}@{}.test", main.slug)).await?);
    }
    notes.push(format!(
        "setup took {:.1} s in all",
        started.elapsed().as_secs_f64()
    ));

    // The export's row count before the bulk files, to check the one after exactly.
    let rows_before = export_rows(api, &main.finance).await?.records;

    // Bulk distributions: validation (upload) and apply (commit), timed apart and together.
    let expiry = (chrono::Utc::now() + chrono::Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    let mut offset = 0u64;
    for &n in &sizes.bulk {
        match bulk(api, target, db, &main, sizes, limits, n, offset, &expiry).await {
            Ok(mut r) => rows.append(&mut r),
            Err(e) => failures.push(format!("bulk {n}: {e:#}")),
        }
        offset += n;
    }

    // Export after the bulk files: 2 postings per grant.
    match export(
        api,
        target,
        db,
        &main,
        limits,
        rows_before + 2 * bulk_total,
        sizes.export_max,
    )
    .await
    {
        Ok(row) => rows.push(row),
        Err(e) => failures.push(format!("export: {e:#}")),
    }

    // Single grants: every client on its own tenant's pool, then all on one pool.
    let plan = Plan {
        clients: sizes.clients,
        warmup: sizes.warmup,
        measure: sizes.measure,
        max_per_client: 9_000,
    };
    let many: Vec<(Session, Vec<String>)> = small
        .iter()
        .map(|t| (t.owner.clone(), t.employee_ids.clone()))
        .collect();
    match grants(api, target, db, &run, "a", plan, many, &small).await {
        Ok((o, usage, mut errs)) => {
            failures.append(&mut errs);
            let row = Row::from_load(
                format!(
                    "single grants, GraphQL, {} clients, {} pools",
                    sizes.clients, sizes.clients
                ),
                "grants",
                &o,
            )
            .usage(&usage)
            .goal(Goal::MinRate(3_000.0), o.rate())
            .goal(
                Goal::MaxP99Ms(25.0),
                o.quantile_ms(0.99).unwrap_or(f64::INFINITY),
            );
            rows.push(ratios_single(row, limits));
        }
        Err(e) => failures.push(format!("single grants (many pools): {e:#}")),
    }
    let one: Vec<(Session, Vec<String>)> = (0..sizes.clients)
        .map(|_| (main.hr.clone(), main.employee_ids.clone()))
        .collect();
    let plan_one = Plan {
        max_per_client: 100_000,
        ..plan
    };
    match grants(
        api,
        target,
        db,
        &run,
        "b",
        plan_one,
        one,
        std::slice::from_ref(&main),
    )
    .await
    {
        Ok((o, usage, mut errs)) => {
            failures.append(&mut errs);
            let row = Row::from_load(
                format!(
                    "single grants, GraphQL, {} clients, one pool",
                    sizes.clients
                ),
                "grants",
                &o,
            )
            .usage(&usage)
            .goal(Goal::MinRate(2_000.0), o.rate())
            .note(format!(
                "p99 ≤ 25 ms as for many pools: {}",
                o.quantile_ms(0.99)
                    .map(|p| format!("{p:.1} ms"))
                    .unwrap_or_default()
            ));
            rows.push(ratios_single(row, limits));
        }
        Err(e) => failures.push(format!("single grants (one pool): {e:#}")),
    }

    // Balance reads by signed-in employees.
    match reads(api, target, db, sizes, readers).await {
        Ok((o, usage, mut errs)) => {
            failures.append(&mut errs);
            let row = Row::from_load(
                format!("balance reads (myWallet), {} employees", sizes.clients),
                "requests",
                &o,
            )
            .usage(&usage)
            .goal(Goal::MinRate(8_000.0), o.rate())
            .goal(
                Goal::MaxP99Ms(20.0),
                o.quantile_ms(0.99).unwrap_or(f64::INFINITY),
            )
            .ratio(
                &format!("SELECT by key ×{}", limits.clients),
                limits.select_many.rate(),
            );
            rows.push(row);
        }
        Err(e) => failures.push(format!("balance reads: {e:#}")),
    }
    Ok((rows, failures, notes))
}

fn ratios_single(row: Row, limits: &Limits) -> Row {
    let row = row
        .ratio(
            &format!("INSERT loop ×{}", limits.clients),
            limits.insert_many.rate(),
        )
        .ratio("INSERT loop ×1", limits.insert_one.rate());
    match limits.bulk_in.last() {
        Some(b) => row.ratio(limits.bulk_in_name, b.rate()),
        None => row,
    }
}

/// The distribution file: `n` rows over the roster's employees, amounts 1.00–1.99, memos that
/// CSV must quote. Answers the file and its total in fen.
fn distribution_csv(n: u64, offset: u64, employees: usize, expiry: &str) -> (Vec<u8>, i64) {
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0) * 48);
    out.extend_from_slice(b"employee_no,amount,expires_at,memo\n");
    let mut total = 0i64;
    for i in offset..offset + n {
        let cents = i64::try_from(i % 100).unwrap_or(0);
        total += 100 + cents;
        let who = setup::employee_no(usize::try_from(i).unwrap_or(0) % employees.max(1));
        let memo = limits::memo(i).replace('"', "\"\"");
        out.extend_from_slice(format!("{who},1.{cents:02},{expiry},\"{memo}\"\n").as_bytes());
    }
    (out, total)
}

/// Waits for `fut`, printing progress (elapsed time, server memory) every 15 seconds.
/// Starts sampling the server (and its database backends).
async fn sample(target: &Target, db: &Db) -> Sampler {
    let waited = db.wait_quiet(Duration::from_secs(60)).await;
    if waited > Duration::from_secs(1) {
        println!(
            "    (waited {:.1} s for the database to be quiet)",
            waited.as_secs_f64()
        );
    }
    let pids = db.backend_pids().await.unwrap_or_default();
    Sampler::start(target.pid, &pids)
}

async fn usage(sampler: Sampler, db: &Db) -> procfs::Usage {
    let pids = db.backend_pids().await;
    sampler.stop(pids.as_deref()).await
}

async fn with_progress<T>(
    what: &str,
    pid: u32,
    status: impl Fn() -> String,
    fut: impl std::future::Future<Output = T>,
) -> T {
    let started = Instant::now();
    let mut fut = std::pin::pin!(fut);
    let mut tick = tokio::time::interval(Duration::from_secs(15));
    tick.tick().await;
    loop {
        tokio::select! {
            out = &mut fut => return out,
            _ = tick.tick() => println!(
                "    … {what}: {:.0} s so far{} (server RSS {})",
                started.elapsed().as_secs_f64(),
                status(),
                mib(procfs::rss_kib(pid).unwrap_or(0))
            ),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn bulk(
    api: &Api,
    target: &Target,
    db: &Db,
    main: &Tenant,
    sizes: &Sizes,
    limits: &Limits,
    n: u64,
    offset: u64,
    expiry: &str,
) -> anyhow::Result<Vec<Row>> {
    let (file, total) = distribution_csv(n, offset, sizes.employees, expiry);
    println!(
        "  bulk distribution: {} rows ({:.1} MB) …",
        thousands(n as f64),
        file.len() as f64 / 1e6
    );
    let pool_before = setup::pool(api, &main.hr).await?;

    let sampler = sample(target, db).await;
    let started = Instant::now();
    let (status, up) = with_progress(
        "validating",
        target.pid,
        String::new,
        api.upload(&main.hr.token, "distributions", &file),
    )
    .await?;
    let validate = started.elapsed().as_secs_f64();
    let validate_usage = usage(sampler, db).await;
    drop(file);
    ensure!(status == 200, "upload: HTTP {status}: {}", short(&up));
    ensure!(
        up["errors"] == json!([]),
        "upload reported errors: {}",
        short(&up["errors"])
    );
    ensure!(
        up["rows"] == json!(n),
        "upload counted {} rows, not {n}",
        up["rows"]
    );
    ensure!(
        up["totals"]["amount"] == json!(money(total)),
        "upload total {} ≠ {}",
        up["totals"]["amount"],
        money(total)
    );
    let id = up["id"]
        .as_str()
        .ok_or_else(|| anyhow!("upload: no id"))?
        .to_owned();
    println!("    validated in {validate:.2} s; committing …");

    let sampler = sample(target, db).await;
    let started = Instant::now();
    let key = format!("bulk-{}", uuid::Uuid::new_v4().simple());
    let (status, done) = with_progress(
        "committing",
        target.pid,
        String::new,
        api.commit(&main.hr.token, &id, &key),
    )
    .await?;
    let apply = started.elapsed().as_secs_f64();
    let apply_usage = usage(sampler, db).await;
    ensure!(status == 200, "commit: HTTP {status}: {}", short(&done));
    ensure!(
        done["status"] == "COMMITTED" && done["count"] == json!(n),
        "commit did not apply all {n} rows: {}",
        short(&done)
    );
    ensure!(
        done["amount"] == json!(money(total)),
        "commit amount {} ≠ {}",
        done["amount"],
        money(total)
    );
    let pool_after = setup::pool(api, &main.hr).await?;
    ensure!(
        pool_before - pool_after == total,
        "the pool went from {} to {}, a change of {}, not the file's total {}",
        money(pool_before),
        money(pool_after),
        money(pool_before - pool_after),
        money(total)
    );
    println!("    applied in {apply:.2} s");

    let copy = limits.bulk_in_for(n);
    let mut validation = Row {
        name: format!("CSV import validation, {} rows", thousands(n as f64)),
        unit: "rows",
        count: Some(n),
        secs: Some(validate),
        rate: Some(n as f64 / validate),
        ..Row::default()
    }
    .usage(&validate_usage)
    .goal(Goal::MinRate(150_000.0), n as f64 / validate);
    let secs = validate + apply;
    let mut whole = Row {
        name: format!(
            "bulk distribution from CSV, {} grants (validate + apply)",
            thousands(n as f64)
        ),
        unit: "grants",
        count: Some(n),
        secs: Some(secs),
        rate: Some(n as f64 / secs),
        peak_rss_kib: Some(validate_usage.peak_rss_kib.max(apply_usage.peak_rss_kib)),
        cpu: Some(apply_usage),
        ..Row::default()
    };
    whole = match n {
        1_000_000 => whole
            .goal(Goal::MaxSecs(20.0), secs)
            .goal(Goal::MinRate(50_000.0), n as f64 / secs),
        100_000 => whole.goal(Goal::MaxSecs(2.0), secs),
        _ => whole.goal(Goal::MinRate(50_000.0), n as f64 / secs),
    };
    whole = whole.note(format!(
        "validate {validate:.2} s + apply {apply:.2} s ({} grants/s applying); pool down by exactly {}; CPU shown is the apply's",
        thousands(n as f64 / apply),
        money(total)
    ));
    if let Some(c) = copy {
        let name = format!(
            "{} ({} rows)",
            limits.bulk_in_name,
            thousands(c.rows as f64)
        );
        whole = whole.ratio(&name, c.rate());
        validation = validation.ratio(&name, c.rate());
    }
    whole = whole.ratio(
        &format!("INSERT loop ×{}", limits.clients),
        limits.insert_many.rate(),
    );
    Ok(vec![validation, whole])
}

/// Counts CSV records as they stream (RFC 4180: quoted fields may hold commas, quotes and
/// line breaks), checking every record has as many fields as the header.
#[derive(Debug, Default)]
struct CsvCount {
    in_quotes: bool,
    fields: usize,
    header_fields: Option<usize>,
    records: u64,
    ragged: u64,
    quoted: u64,
    bytes: u64,
    any_in_record: bool,
    /// Inside a record, nothing read yet of the current field.
    field_started: bool,
}

impl CsvCount {
    fn feed(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        for &b in chunk {
            if self.in_quotes {
                if b == b'"' {
                    self.in_quotes = false;
                }
                continue;
            }
            let at_start = !self.field_started;
            self.field_started = true;
            match b {
                b'"' => {
                    // An escaped quote ("") re-enters the quoted field: not a new one.
                    self.in_quotes = true;
                    if at_start {
                        self.quoted += 1;
                    }
                    self.any_in_record = true;
                }
                b',' => {
                    self.fields += 1;
                    self.any_in_record = true;
                    self.field_started = false;
                }
                b'\n' => self.end_record(),
                b'\r' => self.field_started = !at_start,
                _ => self.any_in_record = true,
            }
        }
    }

    fn end_record(&mut self) {
        let fields = self.fields + 1;
        match self.header_fields {
            None => self.header_fields = Some(fields),
            Some(h) => {
                self.records += 1;
                if h != fields {
                    self.ragged += 1;
                }
            }
        }
        self.fields = 0;
        self.any_in_record = false;
        self.field_started = false;
    }

    /// Counts a last record without a line break, when the file is complete.
    fn finish_if(&mut self, complete: bool) {
        if complete && (self.any_in_record || self.fields > 0) {
            self.end_record();
        }
    }
}

async fn export_rows(api: &Api, finance: &Session) -> anyhow::Result<CsvCount> {
    let mut count = CsvCount::default();
    let (_, complete) = api
        .export(
            &finance.token,
            "entries",
            "",
            Duration::from_secs(600),
            |chunk| count.feed(chunk),
        )
        .await?;
    ensure!(complete, "the export before the bulk files took over 600 s");
    count.finish_if(true);
    Ok(count)
}

async fn export(
    api: &Api,
    target: &Target,
    db: &Db,
    main: &Tenant,
    limits: &Limits,
    expected: u64,
    max: Duration,
) -> anyhow::Result<Row> {
    println!(
        "  export: entries (about {} rows) …",
        thousands(expected as f64)
    );
    let sampler = sample(target, db).await;
    let started = Instant::now();
    let mut count = CsvCount::default();
    let progress = std::sync::atomic::AtomicU64::new(0);
    let (first_byte, complete) = with_progress(
        "exporting",
        target.pid,
        || {
            format!(
                ", {} rows",
                thousands(progress.load(std::sync::atomic::Ordering::Relaxed) as f64)
            )
        },
        api.export(&main.finance.token, "entries", "", max, |chunk| {
            count.feed(chunk);
            progress.store(count.records, std::sync::atomic::Ordering::Relaxed);
        }),
    )
    .await?;
    count.finish_if(complete);
    let secs = started.elapsed().as_secs_f64();
    let usage = usage(sampler, db).await;
    let before = usage.start_rss_kib;
    ensure!(
        count.ragged == 0,
        "{} exported records do not have the header's {:?} fields",
        count.ragged,
        count.header_fields
    );
    if complete {
        ensure!(
            count.records == expected,
            "the export has {} rows, the ledger {expected} postings",
            count.records
        );
    } else {
        println!(
            "    stopped reading after {:.0} s (--export-max-secs)",
            max.as_secs_f64()
        );
        // Let the server notice the closed connection before the next scenario.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let growth = usage.peak_rss_kib.saturating_sub(before) as f64 / 1024.0;
    let rate = count.records as f64 / secs;
    let mut row = Row {
        name: if complete {
            "CSV export (entries, streamed)".into()
        } else {
            format!("CSV export (entries, streamed), first {:.0} s only", max.as_secs_f64())
        },
        unit: "rows",
        count: Some(count.records),
        secs: Some(secs),
        rate: Some(rate),
        ..Row::default()
    }
    .usage(&usage)
    .goal(Goal::MinRate(500_000.0), rate)
    .goal(Goal::MaxGrowthMib(30.0), growth)
    .note(format!(
        "{:.1} MB ({:.1} MB/s), {} quoted fields, first byte after {:.0} ms; server RSS {} before, peak {} (+{growth:.1} MB)",
        count.bytes as f64 / 1e6,
        count.bytes as f64 / 1e6 / secs,
        thousands(count.quoted as f64),
        first_byte.as_secs_f64() * 1000.0,
        mib(before),
        mib(usage.peak_rss_kib)
    ));
    if !complete {
        row = row.note(format!(
            "the bench stopped reading after {:.0} s (--export-max-secs) at {} of {} rows; the rate is over those rows, the row count could not be checked",
            max.as_secs_f64(),
            thousands(count.records as f64),
            thousands(expected as f64)
        ));
    }
    if let Some(out) = &limits.bulk_out {
        row = row.ratio(limits.bulk_out_name, out.rate());
    }
    Ok(row)
}

type LoadRun = (load::Outcome, procfs::Usage, Vec<String>);

/// Single grants through GraphQL: client `c` signs as `clients[c].0` and grants 1.00 to one of
/// `clients[c].1` in turn. Afterwards the pools of `tenants` must be down by exactly the
/// grants answered.
#[allow(clippy::too_many_arguments)]
async fn grants(
    api: &Api,
    target: &Target,
    db: &Db,
    run: &str,
    tag: &str,
    plan: Plan,
    clients: Vec<(Session, Vec<String>)>,
    tenants: &[Tenant],
) -> anyhow::Result<LoadRun> {
    let what = if tenants.len() == 1 {
        "one pool"
    } else {
        "many pools"
    };
    println!(
        "  single grants ({what}): {} clients for {:.0} s …",
        plan.clients,
        (plan.warmup + plan.measure).as_secs_f64()
    );
    let mut before = 0i64;
    for t in tenants {
        before += setup::pool(api, &t.hr).await?;
    }
    let expires = (chrono::Utc::now() + chrono::Duration::days(90)).to_rfc3339();
    let clients = Arc::new(clients);
    let request: Request = {
        let (api, run, tag) = (api.clone(), run.to_owned(), tag.to_owned());
        Arc::new(move |client, seq| {
            let (api, clients, expires) = (api.clone(), clients.clone(), expires.clone());
            let key = format!("g-{run}-{tag}-{client}-{seq}");
            async move {
                let (who, employees) = &clients[client % clients.len()];
                let employee = &employees[usize::try_from(seq).unwrap_or(0).wrapping_mul(31).wrapping_add(client) % employees.len().max(1)];
                let vars = json!({ "i": { "employeeId": employee, "amount": GRANT_AMOUNT, "expiresAt": expires, "memo": "bench grant", "idempotencyKey": key } });
                let (status, body) = api.gql_raw(Some(&who.token), GRANT, &vars).await.map_err(|e| format!("{e:#}"))?;
                if let Some(p) = gql_problem(status, &body) {
                    return Err(p);
                }
                let g = &body["data"]["grant"];
                if g["entry"]["amount"] != GRANT_AMOUNT || g["lot"]["remaining"] != GRANT_AMOUNT || !g["entry"]["id"].is_string() {
                    return Err(format!("unexpected grant answer: {}", short(&body)));
                }
                Ok(())
            }
            .boxed()
        })
    };
    let sampler = sample(target, db).await;
    let outcome = load::run(plan, request).await;
    let usage = usage(sampler, db).await;
    let mut failures: Vec<String> = outcome
        .errors
        .iter()
        .map(|e| format!("grant ({what}): {e}"))
        .collect();
    if outcome.failed > outcome.errors.len() as u64 {
        failures.push(format!(
            "grant ({what}): {} wrong answers in all",
            outcome.failed
        ));
    }
    let mut after = 0i64;
    for t in tenants {
        after += setup::pool(api, &t.hr).await?;
    }
    let expected = outcome.ok_total as i64 * fen(GRANT_AMOUNT)?;
    if outcome.failed == 0 && before - after != expected {
        failures.push(format!(
            "grant ({what}): the pools went down by {}, but {} grants of {GRANT_AMOUNT} were answered",
            money(before - after),
            outcome.ok_total
        ));
    }
    println!("    {} grants/s", thousands(outcome.rate()));
    Ok((outcome, usage, failures))
}

/// Each employee reads their own wallet; every answer must be the balance read before.
async fn reads(
    api: &Api,
    target: &Target,
    db: &Db,
    sizes: &Sizes,
    readers: Vec<Session>,
) -> anyhow::Result<LoadRun> {
    println!(
        "  balance reads: {} employees for {:.0} s …",
        readers.len(),
        (sizes.warmup + sizes.measure).as_secs_f64()
    );
    let mut expected = Vec::with_capacity(readers.len());
    for r in &readers {
        let data = api.gql(Some(&r.token), WALLET, json!({})).await?;
        let balance = data["myWallet"]["balance"].clone();
        ensure!(
            balance.as_str().is_some_and(|b| fen(b).is_ok()),
            "no balance: {}",
            short(&data)
        );
        expected.push(balance);
    }
    let readers = Arc::new(readers);
    let expected = Arc::new(expected);
    let request: Request = {
        let api = api.clone();
        Arc::new(move |client, _seq| {
            let (api, readers, expected) = (api.clone(), readers.clone(), expected.clone());
            async move {
                let (status, body) = api
                    .gql_raw(Some(&readers[client].token), WALLET, &json!({}))
                    .await
                    .map_err(|e| format!("{e:#}"))?;
                if let Some(p) = gql_problem(status, &body) {
                    return Err(p);
                }
                if body["data"]["myWallet"]["balance"] != expected[client] {
                    return Err(format!(
                        "balance {} where {} was expected",
                        body["data"]["myWallet"]["balance"], expected[client]
                    ));
                }
                Ok(())
            }
            .boxed()
        })
    };
    let plan = Plan {
        clients: sizes.clients,
        warmup: sizes.warmup,
        measure: sizes.measure,
        max_per_client: 1_000_000,
    };
    let sampler = sample(target, db).await;
    let outcome = load::run(plan, request).await;
    let usage = usage(sampler, db).await;
    let mut failures: Vec<String> = outcome
        .errors
        .iter()
        .map(|e| format!("balance read: {e}"))
        .collect();
    if outcome.failed > outcome.errors.len() as u64 {
        failures.push(format!(
            "balance read: {} wrong answers in all",
            outcome.failed
        ));
    }
    println!("    {} reads/s", thousands(outcome.rate()));
    Ok((outcome, usage, failures))
}
