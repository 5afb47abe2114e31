//! Crash recovery with the real `creditloop serve` process.
//!
//! The main scenario (on PostgreSQL and on SQLite) kills the server with SIGKILL many times,
//! at seeded random moments (some aimed at a CSV import commit in flight), while clients run
//! at once: distribution imports (upload, then commit under an idempotency key), GraphQL
//! grants under idempotency keys (some expiring within seconds, for the expiry sweep),
//! employee top-ups through a slow, faulty carrier simulator over HTTP, on-demand expiry
//! sweeps, and allowance runs and sweeps by the server's own worker. Each client records
//! which requests were acknowledged; one that got no answer is retried with the same key
//! once the server is back, as a real client would. After the last restart and the drain:
//! every acknowledged operation is in the ledger exactly once, nothing unacknowledged is in
//! it twice or half, every allowance run paid once, nothing expired is left, the balances are
//! what the acknowledged operations imply, the carrier delivered nothing twice and agrees
//! with the ledger, and `creditloop verify` passes.
//!
//! `CREDITLOOP_CRASH_SEED=<n>` replays a run's choices (delays, amounts, targets);
//! `CREDITLOOP_CRASH_KILLS=<n>` changes the number of kills (10).

use creditloop_app::auth::PasswordCost;
use creditloop_app::users::{Invitation, Profile};
use creditloop_app::{App, AppConfig, Principal};
use creditloop_carrier::{HttpCarrier, SimConfig, Simulator};
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::{Email, Fen, IdempotencyKey, ManualClock, Role, RoleSet, SystemClock};
use creditloop_ledger::store::{query_all, query_one};
use creditloop_ledger::{Db, DbOptions};
use creditloop_tests::{
    Backend, PASSWORD, Rng, SeedGuard, TestDb, binary, code_of, fen, money, s, seed_from_env,
};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const EMPLOYEES: usize = 24;
const KILLS: usize = 10;
/// One-off allowance schedules that fall due while the server is being killed.
const SCHEDULE_OFFSETS_SECS: [i64; 3] = [2, 8, 16];
const ALLOWANCE_FEN: i64 = 5_00;
const FILL_FEN: i64 = 300_00;
const GRANT_CLIENTS: usize = 2;
const TOPUP_CLIENTS: usize = 3;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(18999)
}

/// The `creditloop` binary with the test's own variables (seeds) removed: the server refuses
/// `CREDITLOOP_*` variables it does not know.
fn creditloop() -> Command {
    let mut command = Command::new(binary());
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().to_string();
        if name.starts_with("CREDITLOOP_CRASH_") || name.starts_with("CREDITLOOP_HISTORY_") {
            command.env_remove(name);
        }
    }
    command
}

/// A directory for one server's files (SQLite data, mail, its log), removed on drop unless
/// the test failed.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "creditloop-crash-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "the server's files and log are kept in {}",
                self.0.display()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

struct Server {
    child: Child,
}

impl Server {
    /// `creditloop serve` on `db_url`, its files (and its log, `server.log`) under `dir`.
    fn start(db_url: &str, port: u16, carrier: &str, dir: &Path) -> Server {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("server.log"));
        let child = creditloop()
            .arg("serve")
            .env("CREDITLOOP_DATABASE_URL", db_url)
            .env("CREDITLOOP_LISTEN", format!("127.0.0.1:{port}"))
            .env("CREDITLOOP_CARRIER_URL", carrier)
            .env("CREDITLOOP_CARRIER_TIMEOUT_MS", "300")
            .env("CREDITLOOP_TOPUP_LEASE_SECS", "1")
            .env("CREDITLOOP_WORKER_HOUSEKEEPING_MS", "200")
            .env("CREDITLOOP_LOG_LEVEL", "error")
            .env("CREDITLOOP_FRONTEND_DIR", "/nonexistent")
            .env("CREDITLOOP_DATA_DIR", dir)
            .env("CREDITLOOP_MAIL_DIR", dir.join("mail"))
            .env("CREDITLOOP_DB_POOL_MAX", "8")
            .env("CREDITLOOP_RATE_LIMIT_PER_IP_PER_MINUTE", "0")
            .env("CREDITLOOP_RATE_LIMIT_PER_KEY_PER_MINUTE", "0")
            .stdout(Stdio::null())
            .stderr(log.map(Stdio::from).unwrap_or_else(|_| Stdio::null()))
            .spawn()
            .unwrap_or_else(|e| panic!("starting creditloop: {e}"));
        Server { child }
    }

    /// SIGKILL: no graceful shutdown, no flushing, exactly like a crash.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not become ready");
}

async fn number(db: &Db, sql: &str, values: Vec<sea_orm::Value>) -> i64 {
    query_one(db.conn(), sql, values)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(-1)
}

/// The invitation token sent to `email` (read from the outbox, where the mailer finds it).
async fn invitation_token(app: &App, owner: &Principal, email: &str) -> String {
    creditloop_app::outbox::recent(app.db.conn(), owner.tenant, 200)
        .await
        .unwrap_or_default()
        .into_iter()
        .find_map(|m| match m {
            creditloop_app::outbox::Message::Invitation {
                email: e, token, ..
            } if e == email => Some(token),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no invitation for {email}"))
}

// ---------------------------------------------------------------------------------------
// The clients.

/// What a request got back.
enum Answer {
    /// Acknowledged: the operation's answer.
    Ok(Value),
    /// A definite refusal with its code.
    Refused(String),
    /// No answer a client can act on (the connection died with the server, a 5xx, INTERNAL):
    /// the client does not know whether it was applied and retries with the same key.
    Lost(String),
}

fn classify(status: u16, body: Result<Value, String>, graphql: bool) -> Answer {
    let body = match body {
        Ok(v) => v,
        Err(e) => return Answer::Lost(format!("{status}: {e}")),
    };
    // GraphQL answers data without errors; an import report lists its row errors in
    // `errors` beside an `id` (the test then requires that list to be empty).
    let no_errors = body
        .get("errors")
        .is_none_or(|e| e.as_array().is_some_and(Vec::is_empty));
    if status < 300 && (no_errors || !graphql) {
        let data = if graphql {
            body.get("data").cloned().unwrap_or(Value::Null)
        } else {
            body.clone()
        };
        if !data.is_null() {
            return Answer::Ok(data);
        }
    }
    match code_of(&body) {
        Some(code) if status < 500 && code != "INTERNAL" && code != "RATE_LIMITED" => {
            Answer::Refused(code)
        }
        _ => Answer::Lost(format!("{status}: {body}")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Grant,
    Topup,
    Import,
    Sweep,
}

#[derive(Debug, Clone)]
enum Outcome {
    /// The id the answer carried (entry, top-up or batch), or the sweep's total.
    Acked(String),
    Refused(String),
}

/// One client operation and how it ended.
#[derive(Debug, Clone)]
struct Record {
    kind: Kind,
    key: String,
    #[allow(dead_code, reason = "shown in failure messages")]
    employee: usize,
    /// Grant or top-up amount, an import's total, a sweep's total.
    amount: i64,
    rows: usize,
    /// A grant that expires within seconds.
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    attempts: u32,
    outcome: Outcome,
}

struct Load {
    base: String,
    http: reqwest::Client,
    stop: AtomicBool,
    /// An import commit is in flight (the kill controller aims at some of them).
    committing: AtomicBool,
    records: Mutex<Vec<Record>>,
    lost: AtomicUsize,
    internal: Mutex<Vec<String>>,
}

impl Load {
    async fn graphql(&self, token: &str, query: &str, variables: &Value) -> Answer {
        let body = json!({ "query": query, "variables": variables });
        match self
            .http
            .post(format!("{}/graphql", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
        {
            Err(e) => Answer::Lost(e.to_string()),
            Ok(res) => {
                let status = res.status().as_u16();
                classify(
                    status,
                    res.json::<Value>().await.map_err(|e| e.to_string()),
                    true,
                )
            }
        }
    }

    async fn upload(&self, token: &str, body: &[u8]) -> Answer {
        let req = self
            .http
            .post(format!("{}/api/imports/distributions", self.base))
            .bearer_auth(token)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(body));
        match req.send().await {
            Err(e) => Answer::Lost(e.to_string()),
            Ok(res) => {
                let status = res.status().as_u16();
                classify(
                    status,
                    res.json::<Value>().await.map_err(|e| e.to_string()),
                    false,
                )
            }
        }
    }

    async fn commit(&self, token: &str, id: &str, key: &str) -> Answer {
        let req = self
            .http
            .post(format!("{}/api/imports/{id}/commit", self.base))
            .bearer_auth(token)
            .header("Idempotency-Key", key);
        match req.send().await {
            Err(e) => Answer::Lost(e.to_string()),
            Ok(res) => {
                let status = res.status().as_u16();
                classify(
                    status,
                    res.json::<Value>().await.map_err(|e| e.to_string()),
                    false,
                )
            }
        }
    }

    /// Sends until there is an answer, as a client does across a crash: the same request,
    /// the same key. Returns the answer and the number of attempts.
    async fn until_answered<F, Fut>(&self, what: &str, mut send: F) -> (Answer, u32)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Answer>,
    {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut attempts = 0;
        loop {
            attempts += 1;
            match send().await {
                Answer::Lost(why) => {
                    self.lost.fetch_add(1, Ordering::Relaxed);
                    if why.contains("INTERNAL") || why.starts_with('5') {
                        self.internal
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(format!("{what}: {why}"));
                    }
                    assert!(
                        Instant::now() < deadline,
                        "{what}: still no answer after {attempts} attempts: {why}"
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                answer => return (answer, attempts),
            }
        }
    }

    fn record(&self, record: Record) {
        self.records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(record);
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }
}

const BOUNDARY: &str = "creditloop-crash-boundary-51c2";

fn multipart(bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(bytes.len() + 256);
    body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dist.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

const GRANT: &str = "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }";
const TOPUP: &str = "mutation($p: String!, $a: Money!, $k: String!) { topup(phone: $p, amount: $a, idempotencyKey: $k) { id status } }";
const SWEEP: &str = "mutation { runExpirySweep { lots total } }";

/// HR grants one employee at a time; three in ten expire within seconds.
async fn grant_client(
    load: Arc<Load>,
    c: usize,
    seed: u64,
    token: String,
    employees: Arc<Vec<String>>,
) {
    let mut rng = Rng::derive(seed, 10 + c as u64);
    let mut n = 0;
    while !load.stopped() {
        let employee = rng.below(EMPLOYEES as u64) as usize;
        let amount = rng.range(1_00, 9_99);
        let short = rng
            .percent(30)
            .then(|| chrono::Duration::seconds(rng.range(8, 20)));
        let pause = rng.range(0, 40);
        let expires_at = chrono::Utc::now() + short.unwrap_or(chrono::Duration::days(30));
        let key = format!("g{c}-{n}");
        n += 1;
        let vars = json!({ "i": { "employeeId": employees[employee], "amount": money(amount), "expiresAt": expires_at.to_rfc3339(), "idempotencyKey": key } });
        let (answer, attempts) = load
            .until_answered(&key, || load.graphql(&token, GRANT, &vars))
            .await;
        let outcome = match answer {
            Answer::Ok(d) => Outcome::Acked(s(&d["grant"]["entry"]["id"])),
            Answer::Refused(code) | Answer::Lost(code) => Outcome::Refused(code),
        };
        load.record(Record {
            kind: Kind::Grant,
            key,
            employee,
            amount,
            rows: 0,
            expires_at: short.map(|_| expires_at),
            attempts,
            outcome,
        });
        tokio::time::sleep(Duration::from_millis(pause as u64)).await;
    }
}

/// Employees top up their own phones (a third of them per client).
async fn topup_client(load: Arc<Load>, c: usize, seed: u64, employees: Arc<Vec<(String, String)>>) {
    let mut rng = Rng::derive(seed, 20 + c as u64);
    let mine: Vec<usize> = (0..EMPLOYEES).filter(|e| e % TOPUP_CLIENTS == c).collect();
    let mut n = 0;
    while !load.stopped() {
        let employee = *rng.pick(&mine);
        let amount = rng.range(1_00, 5_00);
        let pause = rng.range(0, 30);
        let (token, phone) = &employees[employee];
        let key = format!("t{c}-{n}");
        n += 1;
        let vars = json!({ "p": phone, "a": money(amount), "k": key });
        let (answer, attempts) = load
            .until_answered(&key, || load.graphql(token, TOPUP, &vars))
            .await;
        let outcome = match answer {
            Answer::Ok(d) => Outcome::Acked(s(&d["topup"]["id"])),
            Answer::Refused(code) | Answer::Lost(code) => Outcome::Refused(code),
        };
        load.record(Record {
            kind: Kind::Topup,
            key,
            employee,
            amount,
            rows: 0,
            expires_at: None,
            attempts,
            outcome,
        });
        tokio::time::sleep(Duration::from_millis(pause as u64)).await;
    }
}

/// HR uploads distribution files and commits each under its own key.
async fn import_client(
    load: Arc<Load>,
    seed: u64,
    token: String,
    employee_nos: Arc<Vec<String>>,
    rows: (i64, i64),
) {
    let mut rng = Rng::derive(seed, 30);
    let mut n = 0;
    while !load.stopped() {
        let count = rng.range(rows.0, rows.1) as usize;
        let expiry = (chrono::Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%d");
        let mut csv = String::from("employee_no,amount,expires_at,memo\n");
        let mut total = 0;
        for r in 0..count {
            let amount = rng.range(1, 2_00);
            total += amount;
            csv.push_str(&format!(
                "{},{},{expiry},crash import {n} row {r}\n",
                employee_nos[rng.below(EMPLOYEES as u64) as usize],
                money(amount)
            ));
        }
        let key = format!("imp-{n}");
        n += 1;
        let (answer, _) = load
            .until_answered(&format!("upload {key}"), || {
                load.upload(&token, csv.as_bytes())
            })
            .await;
        let id = match answer {
            Answer::Ok(report) => {
                assert_eq!(report["errors"], json!([]), "{report}");
                s(&report["id"])
            }
            Answer::Refused(code) | Answer::Lost(code) => panic!("upload {key} refused: {code}"),
        };
        load.committing.store(true, Ordering::Release);
        let (answer, attempts) = load
            .until_answered(&key, || load.commit(&token, &id, &key))
            .await;
        load.committing.store(false, Ordering::Release);
        let outcome = match answer {
            Answer::Ok(done) => {
                assert_eq!(
                    (s(&done["status"]), done["count"].as_u64()),
                    ("COMMITTED".into(), Some(count as u64)),
                    "{done}"
                );
                Outcome::Acked(id)
            }
            Answer::Refused(code) | Answer::Lost(code) => Outcome::Refused(code),
        };
        load.record(Record {
            kind: Kind::Import,
            key,
            employee: 0,
            amount: total,
            rows: count,
            expires_at: None,
            attempts,
            outcome,
        });
    }
}

/// HR runs the expiry sweep on demand now and then, beside the worker's own sweeps.
async fn sweep_client(load: Arc<Load>, seed: u64, token: String) {
    let mut rng = Rng::derive(seed, 40);
    let mut n = 0;
    while !load.stopped() {
        tokio::time::sleep(Duration::from_millis(rng.range(300, 900) as u64)).await;
        let key = format!("sweep-{n}");
        n += 1;
        let vars = json!({});
        let (answer, attempts) = load
            .until_answered(&key, || load.graphql(&token, SWEEP, &vars))
            .await;
        let (amount, outcome) = match answer {
            Answer::Ok(d) => (
                fen(&d["runExpirySweep"]["total"]),
                Outcome::Acked(s(&d["runExpirySweep"]["lots"])),
            ),
            Answer::Refused(code) | Answer::Lost(code) => (0, Outcome::Refused(code)),
        };
        load.record(Record {
            kind: Kind::Sweep,
            key,
            employee: 0,
            amount,
            rows: 0,
            expires_at: None,
            attempts,
            outcome,
        });
    }
}

// ---------------------------------------------------------------------------------------
// The scenario.

async fn scenario(backend: Backend) {
    let seed = seed_from_env("CREDITLOOP_CRASH_SEED");
    let kills: usize = std::env::var("CREDITLOOP_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(KILLS);
    let _guard = SeedGuard {
        var: "CREDITLOOP_CRASH_SEED",
        seed,
        label: format!("crash scenario on {backend:?}"),
    };
    let started = Instant::now();
    let scratch = Scratch::new();
    let test_db = TestDb::create(backend)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let db = Db::connect(&DbOptions {
        url: test_db.url.clone(),
        pool_max: 4,
        acquire_timeout_ms: 10_000,
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    creditloop_server::migrate(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let config = AppConfig {
        password_hashing: PasswordCost::Fast,
        ..AppConfig::default()
    };
    let setup = App::new(db.clone(), Arc::new(SystemClock), config.clone());

    // A tenant, staff and employees, made directly through the use-cases.
    let slug = format!("crash{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let email = |local: &str| format!("{local}@{slug}.test");
    setup
        .create_tenant(
            &slug,
            "Crash Co",
            "Asia/Shanghai",
            &email("owner"),
            "Owner",
            PASSWORD,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let owner = setup
        .authenticate(
            &setup
                .login(&email("owner"), PASSWORD, None)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .token,
            None,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut staff = Vec::new();
    for (local, role) in [("hr", Role::HrAdmin), ("fin", Role::Finance)] {
        let address = email(local);
        setup
            .invite_user(
                &owner,
                Invitation {
                    email: Email::parse(&address).unwrap_or_else(|e| panic!("{e}")),
                    name: local.into(),
                    roles: RoleSet::empty().with(role),
                    profile: Profile::default(),
                    locale: "en".into(),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let token = invitation_token(&setup, &owner, &address).await;
        let session = setup
            .accept_invitation(&token, PASSWORD, None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        staff.push((
            setup
                .authenticate(&session.token, None)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
            session.token,
        ));
    }
    let ((hr, hr_token), (finance, _)) = (staff[0].clone(), staff[1].clone());
    let key = |k: String| IdempotencyKey::parse(&k).unwrap_or_else(|e| panic!("{e}"));
    setup
        .fund(
            &finance,
            Fen::new(1_000_000_00),
            "BANK",
            &key("fund".into()),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    setup
        .update_policy(
            &owner,
            creditloop_app::policy::PolicyChange {
                purchase_approval_threshold: Some(Fen::new(1_000_000_00)),
                velocity_max_topups: Some(1_000),
                topup_daily_limit: Some(Fen::new(100_000_00)),
                topup_monthly_limit: Some(Fen::new(100_000_00)),
                ..Default::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    setup
        .request_purchase(
            &hr,
            Fen::new(200_000_00),
            Fen::new(192_000_00),
            "S",
            &key("po".into()),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut employee_ids, mut employee_nos, mut employee_logins) =
        (Vec::new(), Vec::new(), Vec::new());
    for i in 0..EMPLOYEES {
        let address = email(&format!("e{i}"));
        let phone = format!("138{:08}", i + 1);
        let profile = Profile {
            employee_no: Some(format!("C{i:04}")),
            phone: PhoneNumber::parse(&phone).ok(),
            ..Profile::default()
        };
        let user = setup
            .invite_user(
                &hr,
                Invitation {
                    email: Email::parse(&address).unwrap_or_else(|e| panic!("{e}")),
                    name: address.clone(),
                    roles: RoleSet::empty().with(Role::Employee),
                    profile,
                    locale: "en".into(),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let token = invitation_token(&setup, &owner, &address).await;
        let session = setup
            .accept_invitation(&token, PASSWORD, None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        setup
            .grant(
                &hr,
                creditloop_app::funds::GrantLine {
                    employee: user.id,
                    amount: Fen::new(FILL_FEN),
                    expires_at: Some(setup.now() + chrono::Duration::days(30)),
                    memo: None,
                },
                &key(format!("fill-{i}")),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        employee_ids.push(user.id.to_string());
        employee_nos.push(format!("C{i:04}"));
        employee_logins.push((session.token, phone));
    }
    // Allowance runs that fall due while the server is being killed.
    let mut schedules = Vec::new();
    for (n, offset) in SCHEDULE_OFFSETS_SECS.iter().enumerate() {
        let schedule = creditloop_app::schedules::ScheduleInput {
            name: format!("Crash allowance {n}"),
            amount: Fen::new(ALLOWANCE_FEN),
            frequency: creditloop_app::schedules::Frequency::Once,
            day_of_month: None,
            day_of_week: None,
            run_at: Some(setup.now() + chrono::Duration::seconds(*offset)),
            target: creditloop_app::schedules::Target::All,
            expiry_days: Some(30),
            expire_at_period_end: false,
        };
        schedules.push(
            setup
                .create_schedule(&hr, schedule)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .id,
        );
    }
    let before = setup
        .tenant_balances(&finance)
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    // A slow, faulty carrier the server reaches over HTTP.
    let sim = Arc::new(Simulator::new(
        SimConfig::try_new(seed, 40, 0.1, 0.2, 0.1).unwrap_or_else(|e| panic!("{e}")),
    ));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let carrier_url = format!(
        "http://{}",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    tokio::spawn(creditloop_carrier::serve(listener, sim.clone()));

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut server = Server::start(&test_db.url, port, &carrier_url, &scratch.0);
    wait_ready(&http, &base).await;

    // The clients, all at once.
    let load = Arc::new(Load {
        base: base.clone(),
        http: http.clone(),
        stop: AtomicBool::new(false),
        committing: AtomicBool::new(false),
        records: Mutex::new(Vec::new()),
        lost: AtomicUsize::new(0),
        internal: Mutex::new(Vec::new()),
    });
    let employee_ids = Arc::new(employee_ids);
    let employee_logins = Arc::new(employee_logins);
    let rows = if backend == Backend::Postgres {
        (200, 2_000)
    } else {
        (100, 800)
    };
    let mut clients = Vec::new();
    for c in 0..GRANT_CLIENTS {
        clients.push(tokio::spawn(grant_client(
            load.clone(),
            c,
            seed,
            hr_token.clone(),
            employee_ids.clone(),
        )));
    }
    for c in 0..TOPUP_CLIENTS {
        clients.push(tokio::spawn(topup_client(
            load.clone(),
            c,
            seed,
            employee_logins.clone(),
        )));
    }
    clients.push(tokio::spawn(import_client(
        load.clone(),
        seed,
        hr_token.clone(),
        Arc::new(employee_nos),
        rows,
    )));
    clients.push(tokio::spawn(sweep_client(
        load.clone(),
        seed,
        hr_token.clone(),
    )));

    // kill -9 at seeded random moments; four in ten aim at an import commit in flight.
    let mut control = Rng::derive(seed, 1);
    let mut aimed = 0;
    for _ in 0..kills {
        if control.percent(40) {
            let wait = control.range(0, 300);
            let until = Instant::now() + Duration::from_secs(4);
            while !load.committing.load(Ordering::Acquire) && Instant::now() < until {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            aimed += usize::from(load.committing.load(Ordering::Acquire));
            tokio::time::sleep(Duration::from_millis(wait as u64)).await;
        } else {
            tokio::time::sleep(Duration::from_millis(control.range(300, 2_500) as u64)).await;
        }
        server.kill();
        tokio::time::sleep(Duration::from_millis(control.range(0, 400) as u64)).await;
        server = Server::start(&test_db.url, port, &carrier_url, &scratch.0);
        wait_ready(&http, &base).await;
    }
    // No new operations; what is unanswered is retried until answered.
    load.stop.store(true, Ordering::Release);
    let load_secs = started.elapsed().as_secs_f64();
    for client in clients {
        client
            .await
            .unwrap_or_else(|e| panic!("a client failed: {e}"));
    }
    let records = load
        .records
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();

    // Let the worker finish: top-ups settled, every run paid, everything expired swept.
    let tenant = owner.tenant.0;
    let last_short = records.iter().filter_map(|r| r.expires_at).max();
    // Generous: a top-up left undecided by the carrier waits 5 s << attempts before the next.
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        let now = chrono::Utc::now();
        let pending = number(&db, "SELECT COUNT(*) AS n FROM topups WHERE tenant_id = $1 AND status IN ('PENDING', 'REVIEW')", vec![tenant.into()]).await;
        let runs = number(
            &db,
            "SELECT COUNT(*) AS n FROM allowance_runs WHERE tenant_id = $1 AND status = 'DONE'",
            vec![tenant.into()],
        )
        .await;
        let unswept = number(&db, "SELECT COUNT(*) AS n FROM lots WHERE tenant_id = $1 AND expires_at <= $2 AND remaining > 0", vec![tenant.into(), now.into()]).await;
        let waiting = last_short.is_some_and(|at| now < at + chrono::Duration::milliseconds(500));
        if pending == 0 && runs == schedules.len() as i64 && unswept == 0 && !waiting {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after the last restart: {pending} top-ups in flight, {runs} runs done, {unswept} expired lots unswept"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(server);

    // ---- What the ledger holds, by idempotency key.
    let mut grants: HashMap<String, (i64, i64, i64)> = HashMap::new(); // key → (entries, total, batches)
    for row in query_all(db.conn(), "SELECT idempotency_key AS k, COUNT(*) AS n, CAST(SUM(amount) AS BIGINT) AS total, COUNT(DISTINCT batch_id) AS batches FROM entries WHERE tenant_id = $1 AND template = 'GRANT' GROUP BY idempotency_key", vec![tenant.into()]).await.unwrap_or_else(|e| panic!("{e}")) {
        let k: String = row.try_get("", "k").unwrap_or_default();
        let v = (row.try_get("", "n").unwrap_or(-1), row.try_get("", "total").unwrap_or(-1), row.try_get("", "batches").unwrap_or(-1));
        grants.insert(k, v);
    }
    let mut grant_ids: HashMap<String, String> = HashMap::new();
    for row in query_all(db.conn(), "SELECT id, idempotency_key AS k FROM entries WHERE tenant_id = $1 AND template = 'GRANT' AND batch_id IS NULL", vec![tenant.into()]).await.unwrap_or_else(|e| panic!("{e}")) {
        let id: uuid::Uuid = row.try_get("", "id").unwrap_or_default();
        grant_ids.insert(row.try_get("", "k").unwrap_or_default(), id.to_string());
    }
    let mut topups: HashMap<String, Vec<(String, String, i64)>> = HashMap::new(); // key → [(id, status, amount)]
    for row in query_all(db.conn(), "SELECT t.id, t.status, t.amount, e.idempotency_key AS k FROM topups t JOIN entries e ON e.id = t.entry_id WHERE t.tenant_id = $1", vec![tenant.into()]).await.unwrap_or_else(|e| panic!("{e}")) {
        let id: uuid::Uuid = row.try_get("", "id").unwrap_or_default();
        let k: String = row.try_get("", "k").unwrap_or_default();
        topups.entry(k).or_default().push((id.to_string(), row.try_get("", "status").unwrap_or_default(), row.try_get("", "amount").unwrap_or(-1)));
    }
    let mut imports: HashMap<String, String> = HashMap::new();
    for row in query_all(
        db.conn(),
        "SELECT id, status FROM imports WHERE tenant_id = $1",
        vec![tenant.into()],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    {
        let id: uuid::Uuid = row.try_get("", "id").unwrap_or_default();
        imports.insert(
            id.to_string(),
            row.try_get("", "status").unwrap_or_default(),
        );
    }

    // ---- Every acknowledged operation exactly once; nothing else, nothing twice or half.
    let (mut acked_grants, mut acked_imports, mut topped_up, mut swept_by_api) =
        (0i64, 0i64, 0i64, 0i64);
    let mut counts: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new(); // kind → (ops, acknowledged, retried)
    let mut refusals: BTreeMap<String, usize> = BTreeMap::new();
    let mut known: std::collections::HashSet<String> =
        (0..EMPLOYEES).map(|i| format!("fill-{i}")).collect();
    for r in &records {
        let name = match r.kind {
            Kind::Grant => "grants",
            Kind::Topup => "top-ups",
            Kind::Import => "imports",
            Kind::Sweep => "sweeps",
        };
        let entry = counts.entry(name).or_default();
        entry.0 += 1;
        entry.1 += usize::from(matches!(r.outcome, Outcome::Acked(_)));
        entry.2 += usize::from(r.attempts > 1);
        if let Outcome::Refused(code) = &r.outcome {
            *refusals.entry(format!("{name} {code}")).or_default() += 1;
        }
        match (r.kind, &r.outcome) {
            (Kind::Grant, outcome) => {
                known.insert(r.key.clone());
                let (n, total, _) = grants.get(&r.key).copied().unwrap_or((0, 0, 0));
                if let Outcome::Acked(id) = outcome {
                    assert_eq!(
                        (n, total),
                        (1, r.amount),
                        "acknowledged grant {} ({} attempts): {n} entries",
                        r.key,
                        r.attempts
                    );
                    assert_eq!(
                        grant_ids.get(&r.key),
                        Some(id),
                        "grant {}: the answer's entry is not the ledger's",
                        r.key
                    );
                    acked_grants += r.amount;
                } else {
                    assert_eq!(n, 0, "refused grant {} was applied: {:?}", r.key, r.outcome);
                }
            }
            (Kind::Topup, outcome) => {
                let found = topups.get(&r.key).cloned().unwrap_or_default();
                if let Outcome::Acked(id) = outcome {
                    assert_eq!(
                        found.len(),
                        1,
                        "acknowledged top-up {} ({} attempts): {found:?}",
                        r.key,
                        r.attempts
                    );
                    let (found_id, status, amount) = &found[0];
                    assert_eq!((found_id, *amount), (id, r.amount), "top-up {}", r.key);
                    match status.as_str() {
                        "SUCCEEDED" => topped_up += r.amount,
                        "FAILED" => {}
                        other => panic!("acknowledged top-up {} ended {other}", r.key),
                    }
                } else {
                    assert!(
                        found.is_empty(),
                        "refused top-up {} was applied: {:?} {found:?}",
                        r.key,
                        r.outcome
                    );
                }
            }
            (Kind::Import, outcome) => {
                known.insert(r.key.clone());
                let (n, total, batches) = grants.get(&r.key).copied().unwrap_or((0, 0, 0));
                if let Outcome::Acked(id) = outcome {
                    assert_eq!(
                        (n, total, batches),
                        (r.rows as i64, r.amount, 1),
                        "acknowledged import {} ({} attempts)",
                        r.key,
                        r.attempts
                    );
                    assert_eq!(
                        imports.get(id).map(String::as_str),
                        Some("COMMITTED"),
                        "import {}",
                        r.key
                    );
                    acked_imports += r.amount;
                } else {
                    assert_eq!(
                        n, 0,
                        "refused import {} was applied: {:?}",
                        r.key, r.outcome
                    );
                }
            }
            (Kind::Sweep, Outcome::Acked(_)) => swept_by_api += r.amount,
            (Kind::Sweep, Outcome::Refused(code)) => panic!("a sweep was refused: {code}"),
        }
    }
    // Nothing refused but top-ups of a drained wallet.
    assert!(
        refusals.keys().all(|k| k == "top-ups INSUFFICIENT_FUNDS"),
        "unexpected refusals: {refusals:?}"
    );
    let ack_topups: std::collections::HashSet<&str> = records
        .iter()
        .filter(|r| r.kind == Kind::Topup)
        .map(|r| r.key.as_str())
        .collect();
    for (k, found) in &topups {
        assert!(
            ack_topups.contains(k.as_str()),
            "a top-up nobody asked for: {k} {found:?}"
        );
    }
    // The allowance runs: each paid exactly once, to everyone.
    let runs = number(
        &db,
        "SELECT COUNT(*) AS n FROM allowance_runs WHERE tenant_id = $1",
        vec![tenant.into()],
    )
    .await;
    assert_eq!(runs, schedules.len() as i64, "allowance runs");
    for schedule in &schedules {
        let prefix = format!("sys:allowance:{schedule}:");
        let paid: Vec<_> = grants
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .collect();
        assert_eq!(paid.len(), 1, "schedule {schedule}: {paid:?}");
        assert_eq!(
            *paid[0].1,
            (EMPLOYEES as i64, EMPLOYEES as i64 * ALLOWANCE_FEN, 1),
            "schedule {schedule}"
        );
        known.insert(paid[0].0.clone());
    }
    // No grant in the ledger that no one asked for.
    let unknown: Vec<_> = grants.iter().filter(|(k, _)| !known.contains(*k)).collect();
    assert!(
        unknown.is_empty(),
        "grants under keys no client used: {unknown:?}"
    );
    // Everything that expired went back to the pool; nothing is held.
    let expired = number(&db, "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS n FROM entries WHERE tenant_id = $1 AND template = 'EXPIRE'", vec![tenant.into()]).await;
    assert!(
        expired >= swept_by_api,
        "the sweeps answered {swept_by_api} fen, the ledger expired {expired}"
    );
    let held = number(
        &db,
        "SELECT COUNT(*) AS n FROM lots WHERE tenant_id = $1 AND held <> 0",
        vec![tenant.into()],
    )
    .await;
    assert_eq!(held, 0, "lots still held after every top-up settled");

    // ---- The balances are what the acknowledged operations imply.
    let allowances = schedules.len() as i64 * EMPLOYEES as i64 * ALLOWANCE_FEN;
    let after = setup
        .tenant_balances(&finance)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(after.funding.get(), before.funding.get(), "funding");
    assert_eq!(
        after.pool.get(),
        before.pool.get() - acked_grants - acked_imports - allowances + expired,
        "pool"
    );
    assert_eq!(
        after.granted.get(),
        before.granted.get() + acked_grants + acked_imports + allowances - topped_up - expired,
        "wallets"
    );

    // ---- The carrier delivered nothing twice and agrees with the ledger.
    assert_eq!(sim.stats().duplicate_deliveries, 0);
    let succeeded = number(
        &db,
        "SELECT COUNT(*) AS n FROM topups WHERE tenant_id = $1 AND status = 'SUCCEEDED'",
        vec![tenant.into()],
    )
    .await;
    assert_eq!(
        sim.stats().deliveries,
        succeeded as u64,
        "deliveries and succeeded top-ups"
    );
    let auditor = App::new(
        db.clone(),
        Arc::new(ManualClock::new(chrono::Utc::now())),
        config,
    )
    .with_carrier(Arc::new(
        HttpCarrier::try_new(&carrier_url, 2_000).unwrap_or_else(|e| panic!("{e}")),
    ));
    let mismatches = auditor
        .reconcile(None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    // ---- Every invariant holds (the CLI, as an operator runs it).
    let verify = creditloop()
        .arg("verify")
        .env("CREDITLOOP_DATABASE_URL", &test_db.url)
        .env("CREDITLOOP_DATA_DIR", &scratch.0)
        .env("CREDITLOOP_LOG_LEVEL", "error")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        verify.status.success(),
        "creditloop verify: {}",
        String::from_utf8_lossy(&verify.stdout)
    );

    let internal = load
        .internal
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    println!(
        "crash on {backend:?}: seed {seed}, {kills} kill -9 cycles ({aimed} during an import commit), {} operations {counts:?} (kind: (ops, acknowledged, retried after a kill)), {} import rows committed, {} answers lost to kills, {} server errors, refusals {refusals:?}; load {load_secs:.1}s, total {:.1}s",
        records.len(),
        records
            .iter()
            .filter(|r| r.kind == Kind::Import && matches!(r.outcome, Outcome::Acked(_)))
            .map(|r| r.rows)
            .sum::<usize>(),
        load.lost.load(Ordering::Relaxed),
        internal.len(),
        started.elapsed().as_secs_f64()
    );
    for line in internal.iter().take(5) {
        println!("  server error: {line}");
    }
    let _ = db.close().await;
    test_db.drop_db().await;
}

mod repeated_kill_nine_under_concurrent_load_loses_and_doubles_nothing {
    use creditloop_tests::Backend;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::scenario(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::scenario(Backend::Sqlite).await;
    }
}

/// A distribution import is committed by a real server process that is killed with SIGKILL
/// while the commit runs. Afterwards the import is applied entirely or not at all; committing
/// it again (same key) applies it exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_during_an_import_commit_leaves_nothing_half_applied() {
    use creditloop_tests::TestApp;
    const ROWS: usize = 40_000;
    let app = TestApp::spawn(Backend::Postgres).await;
    let t = app.tenant(0).await;
    let mut roster = String::from("employee_no,name,email\n");
    for i in 0..400 {
        roster.push_str(&format!(
            "K{i:04},Person {i},k{i}@kill-{}.test\n",
            t.id.0.simple()
        ));
    }
    crate::csv::import(&app, &t.hr, "employees", "", roster.as_bytes()).await;
    app.stock(&t, "100000.00", "60000.00").await;
    let expiry = (app.app.now() + chrono::Duration::days(30)).format("%Y-%m-%d");
    let mut dist = String::from("employee_no,amount,expires_at,memo\n");
    for i in 0..ROWS {
        dist.push_str(&format!("K{:04},1.00,{expiry},kill test {i}\n", i % 400));
    }
    let (status, report) =
        crate::csv::upload(&app, &t.hr, "distributions", "", dist.as_bytes()).await;
    assert_eq!(status, 200, "{report}");

    // The commit goes to a second server process on the same database, which is killed
    // while it works.
    let port = free_port();
    let scratch = Scratch::new();
    let mut server = Server::start(&app.database_url(), port, "http://127.0.0.1:9", &scratch.0);
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    wait_ready(&client, &base).await;
    let url = format!("{base}/api/imports/{}/commit", s(&report["id"]));
    let token = t.hr.token.clone();
    let request = tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(token)
            .header("Idempotency-Key", "kill-commit")
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    server.child.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = server.child.wait();
    let answered = request.await.ok().and_then(Result::ok);

    let grants = |_: ()| async {
        query_one(
            app.app.db.conn(),
            "SELECT COUNT(*) AS n FROM entries WHERE tenant_id = $1 AND template = 'GRANT'",
            vec![t.id.0.into()],
        )
        .await
        .ok()
        .flatten()
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(-1)
    };
    let after_kill = grants(()).await;
    assert!(
        after_kill == 0 || after_kill == ROWS as i64,
        "half applied: {after_kill} of {ROWS} grants (the request answered {answered:?})"
    );
    app.assert_verified().await;
    // Committing again with the same key finishes the job exactly once.
    let (status, done) = crate::csv::commit(&app, &t.hr, &report["id"], "kill-commit").await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(grants(()).await, ROWS as i64);
    let (status, _) = crate::csv::commit(&app, &t.hr, &report["id"], "kill-commit").await;
    assert_eq!(status, 200, "a replay answers the stored result");
    assert_eq!(grants(()).await, ROWS as i64);
    app.assert_verified().await;
    drop(server);
    app.cleanup().await;
}
