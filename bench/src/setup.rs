//! Data for the scenarios, made the way an operator and a company would: tenants with
//! `creditloop tenant-create`, staff invited through GraphQL, employees through the roster CSV
//! import, money through `fund` and `requestPurchase`/`approvePurchase`. Invitation tokens
//! are read from the outbox table (where the invitation mail carries them from; the bench
//! runs the server without workers, so no mail is sent).

use crate::client::{Api, Session, fen, money, short};
use anyhow::{Context as _, anyhow, bail, ensure};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "bench-password-2026-long";

/// Where a server under test keeps its data, for the CLI and for reading the outbox.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: &'static str,
    pub sqlite: bool,
    pub base_url: String,
    pub pid: u32,
    pub db_url: String,
    pub data_dir: PathBuf,
    pub server_bin: PathBuf,
}

/// Read access to the server's database (invitation tokens).
pub enum Db {
    Pg(sqlx::PgPool),
    Sqlite(sqlx::SqlitePool),
}

impl Db {
    pub async fn open(target: &Target) -> anyhow::Result<Db> {
        Ok(if target.sqlite {
            Db::Sqlite(
                sqlx::pool::PoolOptions::new()
                    .max_connections(1)
                    .connect(&target.db_url)
                    .await?,
            )
        } else {
            Db::Pg(
                sqlx::pool::PoolOptions::new()
                    .max_connections(1)
                    .connect(&target.db_url)
                    .await?,
            )
        })
    }

    /// Invitation token by email, from the outbox.
    pub async fn invitation_tokens(&self) -> anyhow::Result<HashMap<String, String>> {
        const SQL: &str = "SELECT payload FROM outbox WHERE kind = 'email.invitation'";
        let payloads: Vec<String> = match self {
            Db::Pg(p) => sqlx::query_scalar(SQL).fetch_all(p).await?,
            Db::Sqlite(p) => sqlx::query_scalar(SQL).fetch_all(p).await?,
        };
        let mut tokens = HashMap::new();
        for p in payloads {
            let v: Value = serde_json::from_str(&p)?;
            if let (Some(email), Some(token)) = (v["email"].as_str(), v["token"].as_str()) {
                tokens.insert(email.to_owned(), token.to_owned());
            }
        }
        Ok(tokens)
    }

    /// The PostgreSQL backends serving the database (but this connection); `None` on SQLite.
    pub async fn backend_pids(&self) -> Option<Vec<u32>> {
        match self {
            Db::Pg(p) => {
                let pids: Vec<i32> = sqlx::query_scalar("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
                    .fetch_all(p)
                    .await
                    .unwrap_or_default();
                Some(
                    pids.into_iter()
                        .filter_map(|p| u32::try_from(p).ok())
                        .collect(),
                )
            }
            Db::Sqlite(_) => None,
        }
    }

    /// Waits (up to `max`) until no query of the server is running in the database, so that
    /// work left from one scenario (an abandoned export) does not count in the next. Answers
    /// how long it waited.
    pub async fn wait_quiet(&self, max: Duration) -> Duration {
        let started = Instant::now();
        let Db::Pg(p) = self else {
            return Duration::ZERO;
        };
        let mut quiet = 0;
        while started.elapsed() < max && quiet < 2 {
            let active: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'",
            )
            .fetch_one(p)
            .await
            .unwrap_or(0);
            quiet = if active == 0 { quiet + 1 } else { 0 };
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        started.elapsed()
    }

    pub async fn close(self) {
        match self {
            Db::Pg(p) => p.close().await,
            Db::Sqlite(p) => p.close().await,
        }
    }
}

/// `creditloop tenant-create` (the platform operator's way; there is no API for it).
pub async fn create_tenant(target: &Target, slug: &str, owner_email: &str) -> anyhow::Result<()> {
    let run = tokio::process::Command::new(&target.server_bin)
        .args([
            "tenant-create",
            "--slug",
            slug,
            "--name",
            &format!("Bench {slug}"),
            "--owner-email",
            owner_email,
            "--owner-name",
            "Bench Owner",
        ])
        .env("CREDITLOOP_DATABASE_URL", &target.db_url)
        .env("CREDITLOOP_DATA_DIR", &target.data_dir)
        .env("CREDITLOOP_LOG_LEVEL", "warn")
        .env("CREDITLOOP_OWNER_PASSWORD", PASSWORD)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .context("tenant-create took over 120 s")??;
    ensure!(
        out.status.success(),
        "tenant-create {slug}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

pub async fn invite(
    api: &Api,
    inviter: &Session,
    email: &str,
    roles: &[&str],
    employee_no: Option<&str>,
) -> anyhow::Result<String> {
    let mut input =
        json!({ "email": email, "name": email.split('@').next().unwrap_or(email), "roles": roles });
    if let Some(no) = employee_no {
        input["employeeNo"] = json!(no);
    }
    let data = api
        .gql(
            Some(&inviter.token),
            "mutation($i: InviteUserInput!) { inviteUser(input: $i) { id } }",
            json!({ "i": input }),
        )
        .await?;
    data["inviteUser"]["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("inviteUser: no id"))
}

/// Signs in a user who was invited, by accepting the invitation with the bench password.
pub async fn accept(
    api: &Api,
    tokens: &HashMap<String, String>,
    email: &str,
) -> anyhow::Result<Session> {
    let token = tokens
        .get(email)
        .ok_or_else(|| anyhow!("no invitation for {email} in the outbox"))?;
    api.accept_invitation(token, PASSWORD)
        .await
        .with_context(|| format!("acceptInvitation {email}"))
}

/// The tenant's pool balance in fen.
pub async fn pool(api: &Api, who: &Session) -> anyhow::Result<i64> {
    let data = api
        .gql(
            Some(&who.token),
            "{ tenant { balances { pool } } }",
            json!({}),
        )
        .await?;
    fen(data["tenant"]["balances"]["pool"].as_str().unwrap_or("?"))
}

/// Funds the tenant and buys `face` of credit into its pool (approved by `approver` when
/// above the tenant's approval threshold).
pub async fn stock(
    api: &Api,
    funder: &Session,
    buyer: &Session,
    approver: Option<&Session>,
    face_fen: i64,
) -> anyhow::Result<()> {
    let key = || uuid::Uuid::new_v4().to_string();
    api.gql(
        Some(&funder.token),
        "mutation($i: FundInput!) { fund(input: $i) { id } }",
        json!({ "i": { "amount": money(face_fen), "reference": "BENCH-FUND", "idempotencyKey": key() } }),
    )
    .await
    .context("fund")?;
    let data = api
        .gql(
            Some(&buyer.token),
            "mutation($f: Money!, $p: Money!, $k: String!) { requestPurchase(faceValue: $f, price: $p, supplier: \"Bench Supplier\", idempotencyKey: $k) { id status } }",
            json!({ "f": money(face_fen), "p": money(face_fen / 100 * 96), "k": key() }),
        )
        .await
        .context("requestPurchase")?;
    let order = &data["requestPurchase"];
    match (order["status"].as_str(), approver) {
        (Some("APPROVED"), _) => {}
        (Some("PENDING_APPROVAL"), Some(approver)) => {
            let data = api
                .gql(
                    Some(&approver.token),
                    "mutation($id: ID!, $k: String!) { approvePurchase(id: $id, idempotencyKey: $k) { status } }",
                    json!({ "id": order["id"], "k": key() }),
                )
                .await
                .context("approvePurchase")?;
            ensure!(
                data["approvePurchase"]["status"] == "APPROVED",
                "approvePurchase: {}",
                short(&data)
            );
        }
        _ => bail!("requestPurchase: {}", short(&data)),
    }
    Ok(())
}

/// A tenant for the scenarios.
pub struct Tenant {
    pub slug: String,
    pub owner: Session,
    pub hr: Session,
    pub finance: Session,
    /// Employee user ids (as many as were fetched or invited).
    pub employee_ids: Vec<String>,
}

/// The main tenant: owner, HR, finance, `employees` employees from a roster import, and a
/// pool of `pool_fen`. Returns the tenant and lines describing how long setup took.
pub async fn main_tenant(
    api: &Api,
    target: &Target,
    db: &Db,
    run: &str,
    employees: usize,
    pool_fen: i64,
) -> anyhow::Result<(Tenant, Vec<String>)> {
    let mut notes = Vec::new();
    let slug = format!("bench-{run}");
    let domain = format!("{slug}.test");
    create_tenant(target, &slug, &format!("owner@{domain}")).await?;
    let owner = api.login(&format!("owner@{domain}"), PASSWORD).await?;
    invite(api, &owner, &format!("hr@{domain}"), &["HR_ADMIN"], None).await?;
    invite(
        api,
        &owner,
        &format!("finance@{domain}"),
        &["FINANCE"],
        None,
    )
    .await?;
    let tokens = db.invitation_tokens().await?;
    let hr = accept(api, &tokens, &format!("hr@{domain}")).await?;
    let finance = accept(api, &tokens, &format!("finance@{domain}")).await?;

    // Employees through the roster import, as HR would.
    let mut roster = String::with_capacity(employees * 60);
    roster.push_str("employee_no,name,email,department\n");
    for i in 0..employees {
        roster.push_str(&format!(
            "{},Bench Person {i},e{i}@{domain},D{}\n",
            employee_no(i),
            i % 10
        ));
    }
    let started = Instant::now();
    let (status, report) = api
        .upload(&hr.token, "employees", roster.as_bytes())
        .await?;
    ensure!(
        status == 200 && report["errors"] == json!([]),
        "roster upload: HTTP {status}: {}",
        short(&report)
    );
    let uploaded = started.elapsed().as_secs_f64();
    let id = report["id"]
        .as_str()
        .ok_or_else(|| anyhow!("roster upload: no id"))?;
    let started = Instant::now();
    let (status, done) = api.commit(&hr.token, id, &format!("roster-{run}")).await?;
    ensure!(
        status == 200 && done["new"] == json!(employees),
        "roster commit: HTTP {status}: {}",
        short(&done)
    );
    let committed = started.elapsed().as_secs_f64();
    notes.push(format!(
        "roster import of {employees} employees: validate {uploaded:.2} s, commit {committed:.2} s ({:.0} employees/s)",
        employees as f64 / committed
    ));

    stock(api, &finance, &hr, Some(&finance), pool_fen).await?;
    let employee_ids = employee_ids(api, &hr, 1000).await?;
    ensure!(
        employee_ids.len() >= employees.min(1000),
        "only {} employees listed",
        employee_ids.len()
    );
    Ok((
        Tenant {
            slug,
            owner,
            hr: hr.clone(),
            finance,
            employee_ids,
        },
        notes,
    ))
}

pub fn employee_no(i: usize) -> String {
    format!("E{i:06}")
}

/// Up to `max` employee ids of the tenant, through the `users` connection.
pub async fn employee_ids(api: &Api, who: &Session, max: usize) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut after: Option<String> = None;
    while ids.len() < max {
        let data = api
            .gql(
                Some(&who.token),
                "query($a: String) { users(filter: { role: EMPLOYEE }, first: 200, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } } }",
                json!({ "a": after }),
            )
            .await?;
        let users = &data["users"];
        for edge in users["edges"].as_array().into_iter().flatten() {
            if let Some(id) = edge["node"]["id"].as_str() {
                ids.push(id.to_owned());
            }
        }
        if users["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = users["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    ids.truncate(max);
    Ok(ids)
}

/// A small tenant per client for grants that do not share a pool: owner (who may grant),
/// a pool of 10,000.00 (under the default approval threshold, so approved by policy at once)
/// and `employees` invited employees.
pub async fn small_tenant(
    api: &Api,
    target: &Target,
    run: &str,
    n: usize,
    employees: usize,
) -> anyhow::Result<Tenant> {
    let slug = format!("bench-{run}-p{n:02}");
    let owner_email = format!("owner@{slug}.test");
    create_tenant(target, &slug, &owner_email).await?;
    let owner = api.login(&owner_email, PASSWORD).await?;
    stock(api, &owner, &owner, None, 10_000_00).await?;
    let mut employee_ids = Vec::with_capacity(employees);
    for i in 0..employees {
        employee_ids.push(
            invite(
                api,
                &owner,
                &format!("e{i}@{slug}.test"),
                &["EMPLOYEE"],
                Some(&employee_no(i)),
            )
            .await?,
        );
    }
    Ok(Tenant {
        slug,
        owner: owner.clone(),
        hr: owner.clone(),
        finance: owner,
        employee_ids,
    })
}

/// The data directory of a server, for the SQLite limit's scratch file.
pub fn scratch_dir(target: &Target) -> &Path {
    &target.data_dir
}
