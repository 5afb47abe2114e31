//! The machine's own limit, measured in the same run against the same database server, for
//! comparison: bulk load of N rows as wide as a grant (PostgreSQL `COPY … FROM STDIN`; on
//! SQLite one transaction of prepared inserts), bulk read of them (`COPY … TO STDOUT` as CSV;
//! on SQLite a full scan), a plain single-row `INSERT` loop in autocommit from 1 and from
//! `clients` connections, and a single-row `SELECT` by primary key from `clients` connections.
//! All of it in a scratch schema/file that is dropped afterwards.

use crate::load::{self, Outcome, Plan, Request};
use anyhow::Context as _;
use futures::{FutureExt as _, StreamExt as _};
use sqlx::Connection as _;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A bulk transfer: rows, bytes on the wire, seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bulk {
    pub rows: u64,
    pub bytes: u64,
    pub secs: f64,
}

impl Bulk {
    pub fn rate(&self) -> f64 {
        if self.secs > 0.0 {
            self.rows as f64 / self.secs
        } else {
            0.0
        }
    }
}

#[derive(Debug, Default)]
pub struct Limits {
    /// e.g. "PostgreSQL 15.20, fsync=on, synchronous_commit=on".
    pub describe: String,
    pub bulk_in_name: &'static str,
    pub bulk_out_name: &'static str,
    /// One per scenario size.
    pub bulk_in: Vec<Bulk>,
    pub bulk_out: Option<Bulk>,
    pub insert_one: Outcome,
    pub insert_many: Outcome,
    pub select_many: Outcome,
    pub clients: usize,
}

impl Limits {
    /// The bulk load of `rows` rows (or the nearest size measured).
    pub fn bulk_in_for(&self, rows: u64) -> Option<Bulk> {
        self.bulk_in
            .iter()
            .min_by_key(|b| b.rows.abs_diff(rows))
            .copied()
    }
}

/// The same memo as the scenario's CSV rows: a comma and quotes, so CSV must escape it.
pub fn memo(i: u64) -> String {
    format!("bench \"Q{}\", row {i}", i % 4 + 1)
}

/// `n` rows in PostgreSQL's COPY text format, as wide as a stored grant line: ids of the
/// entry, tenant and employee, amount in fen, expiry, memo, creation time.
fn copy_rows(n: u64) -> Vec<u8> {
    let tenant = uuid::Uuid::now_v7();
    let employees: Vec<uuid::Uuid> = (0..1000).map(|_| uuid::Uuid::new_v4()).collect();
    let mut out = Vec::with_capacity(usize::try_from(n).unwrap_or(0) * 160);
    for i in 0..n {
        let employee = employees[usize::try_from(i % 1000).unwrap_or(0)];
        out.extend_from_slice(
            format!(
                "{}\t{tenant}\t{employee}\t{}\t2030-12-31 15:59:59+00\t{}\t2026-01-01 00:00:00+00\n",
                uuid::Uuid::now_v7(),
                100 + i % 100,
                memo(i)
            )
            .as_bytes(),
        );
    }
    out
}

const TABLE_COLUMNS: &str = "id uuid PRIMARY KEY, tenant_id uuid NOT NULL, employee_id uuid NOT NULL, amount bigint NOT NULL, \
                             expires_at timestamptz NOT NULL, memo text, created_at timestamptz NOT NULL";

pub async fn postgres(
    url: &str,
    sizes: &[u64],
    clients: usize,
    loop_for: Duration,
) -> anyhow::Result<Limits> {
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .context("connecting to PostgreSQL for the machine limit")?;
    let mut settings = Vec::new();
    for name in [
        "server_version",
        "fsync",
        "synchronous_commit",
        "shared_buffers",
    ] {
        let value: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SHOW {name}")))
            .fetch_one(&mut conn)
            .await?;
        settings.push(if name == "server_version" {
            format!("PostgreSQL {value}")
        } else {
            format!("{name}={value}")
        });
    }
    let mut limits = Limits {
        describe: settings.join(", "),
        bulk_in_name: "COPY FROM STDIN",
        bulk_out_name: "COPY TO STDOUT (CSV)",
        clients,
        ..Limits::default()
    };
    sqlx::query("DROP SCHEMA IF EXISTS bench_limit CASCADE")
        .execute(&mut conn)
        .await?;
    sqlx::query("CREATE SCHEMA bench_limit")
        .execute(&mut conn)
        .await?;
    let result = postgres_in(&mut conn, url, sizes, clients, loop_for, &mut limits).await;
    let dropped = sqlx::query("DROP SCHEMA IF EXISTS bench_limit CASCADE")
        .execute(&mut conn)
        .await;
    result?;
    dropped?;
    Ok(limits)
}

async fn postgres_in(
    conn: &mut sqlx::PgConnection,
    url: &str,
    sizes: &[u64],
    clients: usize,
    loop_for: Duration,
    limits: &mut Limits,
) -> anyhow::Result<()> {
    let largest = sizes.iter().copied().max().unwrap_or(0);
    for &n in sizes {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE TABLE bench_limit.copy_rows ({TABLE_COLUMNS})"
        )))
        .execute(&mut *conn)
        .await?;
        let data = copy_rows(n);
        let started = Instant::now();
        let mut copy = conn
            .copy_in_raw("COPY bench_limit.copy_rows FROM STDIN")
            .await?;
        for chunk in data.chunks(1 << 20) {
            copy.send(chunk).await?;
        }
        let rows = copy.finish().await?;
        let secs = started.elapsed().as_secs_f64();
        limits.bulk_in.push(Bulk {
            rows,
            bytes: data.len() as u64,
            secs,
        });
        drop(data);
        println!(
            "    {} {n} rows: {secs:.2} s ({:.0} rows/s)",
            limits.bulk_in_name,
            rows as f64 / secs
        );
        if n == largest {
            let started = Instant::now();
            let (mut bytes, mut lines) = (0u64, 0u64);
            {
                let mut out = conn.copy_out_raw("COPY (SELECT * FROM bench_limit.copy_rows) TO STDOUT WITH (FORMAT csv, HEADER true)").await?;
                while let Some(chunk) = out.next().await {
                    let chunk = chunk?;
                    bytes += chunk.len() as u64;
                    lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
                }
            }
            let secs = started.elapsed().as_secs_f64();
            limits.bulk_out = Some(Bulk {
                rows: lines.saturating_sub(1),
                bytes,
                secs,
            });
            println!(
                "    {} {} rows: {secs:.2} s",
                limits.bulk_out_name,
                lines.saturating_sub(1)
            );
        }
        sqlx::query("DROP TABLE bench_limit.copy_rows")
            .execute(&mut *conn)
            .await?;
    }

    // Single-row INSERT loops, autocommit: every row is its own durable commit.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE TABLE bench_limit.insert_rows ({TABLE_COLUMNS})"
    )))
    .execute(&mut *conn)
    .await?;
    let insert = |conns: Arc<Vec<Mutex<sqlx::PgConnection>>>| -> Request {
        let tenant = uuid::Uuid::now_v7().to_string();
        Arc::new(move |client, seq| {
            let (conns, tenant) = (conns.clone(), tenant.clone());
            async move {
                let mut conn = conns[client].lock().await;
                sqlx::query(
                    "INSERT INTO bench_limit.insert_rows (id, tenant_id, employee_id, amount, expires_at, memo, created_at) \
                     VALUES ($1::uuid, $2::uuid, $3::uuid, $4, '2030-12-31 15:59:59+00', $5, now())",
                )
                .bind(uuid::Uuid::now_v7().to_string())
                .bind(tenant)
                .bind(uuid::Uuid::new_v4().to_string())
                .bind(i64::try_from(100 + seq % 100).unwrap_or(100))
                .bind(memo(seq))
                .execute(&mut *conn)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
            }
            .boxed()
        })
    };
    let plan = |n: usize| Plan {
        clients: n,
        warmup: Duration::from_millis(300),
        measure: loop_for,
        max_per_client: 1_000_000,
    };
    let one = Arc::new(vec![Mutex::new(sqlx::PgConnection::connect(url).await?)]);
    limits.insert_one = load::run(plan(1), insert(one)).await;
    println!(
        "    INSERT loop, 1 connection: {:.0} rows/s",
        limits.insert_one.rate()
    );
    let many = Arc::new(pg_connections(url, clients).await?);
    limits.insert_many = load::run(plan(clients), insert(many.clone())).await;
    println!(
        "    INSERT loop, {clients} connections: {:.0} rows/s",
        limits.insert_many.rate()
    );

    sqlx::query(
        "CREATE TABLE bench_limit.balances (id integer PRIMARY KEY, balance bigint NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO bench_limit.balances SELECT g, g * 100 FROM generate_series(1, 10000) g",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query("ANALYZE bench_limit.balances")
        .execute(&mut *conn)
        .await?;
    let select: Request = {
        let conns = many.clone();
        Arc::new(move |client, seq| {
            let conns = conns.clone();
            async move {
                let mut conn = conns[client].lock().await;
                let id =
                    i32::try_from((seq * 7919 + client as u64 * 104_729) % 10_000 + 1).unwrap_or(1);
                let balance: i64 =
                    sqlx::query_scalar("SELECT balance FROM bench_limit.balances WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(|e| e.to_string())?;
                if balance == i64::from(id) * 100 {
                    Ok(())
                } else {
                    Err(format!("balance {balance} for {id}"))
                }
            }
            .boxed()
        })
    };
    limits.select_many = load::run(plan(clients), select).await;
    println!(
        "    SELECT by key, {clients} connections: {:.0} rows/s",
        limits.select_many.rate()
    );
    if let Ok(conns) = Arc::try_unwrap(many) {
        for c in conns {
            let _ = c.into_inner().close().await;
        }
    }
    Ok(())
}

async fn pg_connections(url: &str, n: usize) -> anyhow::Result<Vec<Mutex<sqlx::PgConnection>>> {
    let mut conns = Vec::with_capacity(n);
    for _ in 0..n {
        conns.push(Mutex::new(sqlx::PgConnection::connect(url).await?));
    }
    Ok(conns)
}

/// SQLite's limit, in a scratch file beside the server's database, with the server's
/// settings (WAL, `synchronous=FULL`, the driver's default).
pub async fn sqlite(
    dir: &std::path::Path,
    sizes: &[u64],
    clients: usize,
    loop_for: Duration,
) -> anyhow::Result<Limits> {
    let path = dir.join("bench-limit.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let result = sqlite_in(&url, sizes, clients, loop_for).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    result
}

async fn sqlite_connect(url: &str) -> anyhow::Result<sqlx::SqliteConnection> {
    let mut conn = sqlx::SqliteConnection::connect(url).await?;
    sqlx::query("PRAGMA journal_mode=WAL")
        .execute(&mut conn)
        .await?;
    sqlx::query("PRAGMA busy_timeout=10000")
        .execute(&mut conn)
        .await?;
    Ok(conn)
}

const SQLITE_COLUMNS: &str = "id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, employee_id TEXT NOT NULL, amount INTEGER NOT NULL, \
                              expires_at TEXT NOT NULL, memo TEXT, created_at TEXT NOT NULL";

async fn sqlite_in(
    url: &str,
    sizes: &[u64],
    clients: usize,
    loop_for: Duration,
) -> anyhow::Result<Limits> {
    let mut conn = sqlite_connect(url)
        .await
        .context("opening the SQLite scratch file")?;
    let version: String = sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(&mut conn)
        .await?;
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut conn)
        .await?;
    let mut limits = Limits {
        describe: format!(
            "SQLite {version}, WAL, synchronous={}",
            ["OFF", "NORMAL", "FULL", "EXTRA"]
                .get(usize::try_from(sync).unwrap_or(9))
                .unwrap_or(&"?")
        ),
        bulk_in_name: "INSERT ×N in one transaction",
        bulk_out_name: "SELECT * (full scan)",
        clients,
        ..Limits::default()
    };
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let tenant = uuid::Uuid::now_v7().to_string();
    for &n in sizes {
        sqlx::query("DROP TABLE IF EXISTS copy_rows")
            .execute(&mut conn)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "CREATE TABLE copy_rows ({SQLITE_COLUMNS})"
        )))
        .execute(&mut conn)
        .await?;
        let started = Instant::now();
        let mut bytes = 0u64;
        let mut tx = conn.begin().await?;
        for i in 0..n {
            let (id, employee, memo) = (
                uuid::Uuid::now_v7().to_string(),
                uuid::Uuid::new_v4().to_string(),
                memo(i),
            );
            bytes += (id.len() + tenant.len() + employee.len() + memo.len() + 8 + 44) as u64;
            sqlx::query("INSERT INTO copy_rows VALUES (?, ?, ?, ?, '2030-12-31T15:59:59Z', ?, '2026-01-01T00:00:00Z')")
                .bind(id)
                .bind(&tenant)
                .bind(employee)
                .bind(i64::try_from(100 + i % 100).unwrap_or(100))
                .bind(memo)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        let secs = started.elapsed().as_secs_f64();
        limits.bulk_in.push(Bulk {
            rows: n,
            bytes,
            secs,
        });
        println!(
            "    {} {n} rows: {secs:.2} s ({:.0} rows/s)",
            limits.bulk_in_name,
            n as f64 / secs
        );
        if n == largest {
            let started = Instant::now();
            let mut rows = 0u64;
            {
                let mut scan = sqlx::query("SELECT * FROM copy_rows").fetch(&mut conn);
                while let Some(row) = scan.next().await {
                    row?;
                    rows += 1;
                }
            }
            limits.bulk_out = Some(Bulk {
                rows,
                bytes,
                secs: started.elapsed().as_secs_f64(),
            });
        }
        sqlx::query("DROP TABLE copy_rows")
            .execute(&mut conn)
            .await?;
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE TABLE insert_rows ({SQLITE_COLUMNS})"
    )))
    .execute(&mut conn)
    .await?;
    let insert = |conns: Arc<Vec<Mutex<sqlx::SqliteConnection>>>| -> Request {
        let tenant = tenant.clone();
        Arc::new(move |client, seq| {
            let (conns, tenant) = (conns.clone(), tenant.clone());
            async move {
                let mut conn = conns[client].lock().await;
                sqlx::query("INSERT INTO insert_rows VALUES (?, ?, ?, ?, '2030-12-31T15:59:59Z', ?, datetime('now'))")
                    .bind(uuid::Uuid::now_v7().to_string())
                    .bind(tenant)
                    .bind(uuid::Uuid::new_v4().to_string())
                    .bind(i64::try_from(100 + seq % 100).unwrap_or(100))
                    .bind(memo(seq))
                    .execute(&mut *conn)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            .boxed()
        })
    };
    let plan = |n: usize| Plan {
        clients: n,
        warmup: Duration::from_millis(300),
        measure: loop_for,
        max_per_client: 1_000_000,
    };
    let one = Arc::new(vec![Mutex::new(sqlite_connect(url).await?)]);
    limits.insert_one = load::run(plan(1), insert(one)).await;
    println!(
        "    INSERT loop, 1 connection: {:.0} rows/s",
        limits.insert_one.rate()
    );
    let mut conns = Vec::with_capacity(clients);
    for _ in 0..clients {
        conns.push(Mutex::new(sqlite_connect(url).await?));
    }
    let many = Arc::new(conns);
    limits.insert_many = load::run(plan(clients), insert(many.clone())).await;
    println!(
        "    INSERT loop, {clients} connections: {:.0} rows/s",
        limits.insert_many.rate()
    );
    sqlx::query("CREATE TABLE balances (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")
        .execute(&mut conn)
        .await?;
    sqlx::query(
        "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 10000) INSERT INTO balances SELECT n, n * 100 FROM g",
    )
    .execute(&mut conn)
    .await?;
    let select: Request = {
        let conns = many.clone();
        Arc::new(move |client, seq| {
            let conns = conns.clone();
            async move {
                let mut conn = conns[client].lock().await;
                let id =
                    i64::try_from((seq * 7919 + client as u64 * 104_729) % 10_000 + 1).unwrap_or(1);
                let balance: i64 = sqlx::query_scalar("SELECT balance FROM balances WHERE id = ?")
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(|e| e.to_string())?;
                if balance == id * 100 {
                    Ok(())
                } else {
                    Err(format!("balance {balance} for {id}"))
                }
            }
            .boxed()
        })
    };
    limits.select_many = load::run(plan(clients), select).await;
    println!(
        "    SELECT by key, {clients} connections: {:.0} rows/s",
        limits.select_many.rate()
    );
    drop(many);
    let _ = conn.close().await;
    Ok(limits)
}
