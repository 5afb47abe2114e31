//! The black-box test harness: every test gets its own server on port 0, its own database
//! (a temporary SQLite file, or a fresh PostgreSQL database that is dropped afterwards), a
//! manual clock, and a tenant with one user per role.

use anyhow::Context as _;
use creditloop_app::App;
use creditloop_domain::{ManualClock, TenantId};
use creditloop_server::{Application, BuildOptions, Settings};
use serde_json::{json, Value};
use std::sync::Arc;

pub use creditloop_app::demo::DEMO_PASSWORD;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests use: `CREDITLOOP_TEST_PG` or the local one.
pub fn pg_base() -> String {
    std::env::var("CREDITLOOP_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A prefix shared by every database this test run creates, so the runner can sweep them.
fn run_prefix() -> String {
    let run = std::env::var("CREDITLOOP_TEST_RUN_ID").unwrap_or_else(|_| std::process::id().to_string());
    format!("cltest_{}", run.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>())
}

async fn admin_exec(sql: &str) -> anyhow::Result<()> {
    use sea_orm::ConnectionTrait;
    let admin = sea_orm::Database::connect(format!("{}/postgres", pg_base())).await.context("connecting to PostgreSQL")?;
    admin.execute_unprepared(sql).await?;
    admin.close().await?;
    Ok(())
}

/// A database for one test.
pub struct TestDb {
    pub url: String,
    pg_name: Option<String>,
    _dir: Option<tempdir::TempDir>,
}

mod tempdir {
    /// A directory removed on drop.
    pub struct TempDir(pub std::path::PathBuf);
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl TestDb {
    pub async fn create(backend: Backend) -> anyhow::Result<TestDb> {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("creditloop-test-{unique}"));
                std::fs::create_dir_all(&dir)?;
                let url = format!("sqlite://{}?mode=rwc", dir.join("test.db").display());
                Ok(TestDb { url, pg_name: None, _dir: Some(tempdir::TempDir(dir)) })
            }
            Backend::Postgres => {
                let name = format!("{}_{}", run_prefix(), &unique[..12]);
                admin_exec(&format!("CREATE DATABASE {name}")).await?;
                Ok(TestDb { url: format!("{}/{name}", pg_base()), pg_name: Some(name), _dir: None })
            }
        }
    }

    pub async fn drop_db(&self) {
        if let Some(name) = &self.pg_name {
            if let Err(e) = admin_exec(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await {
                eprintln!("could not drop test database {name}: {e}");
            }
        }
    }
}

/// A signed-in user of a test tenant.
#[derive(Debug, Clone)]
pub struct Login {
    pub email: String,
    pub user_id: String,
    pub token: String,
}

#[derive(Debug, Clone)]
pub struct TestTenant {
    pub id: TenantId,
    pub owner: Login,
    pub hr: Login,
    pub finance: Login,
    pub auditor: Login,
    pub employees: Vec<Login>,
}

pub struct TestApp {
    pub backend: Backend,
    pub address: String,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    db: TestDb,
    handle: actix_web::dev::ServerHandle,
}

pub const PASSWORD: &str = "correct-horse-battery-staple";

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like [`TestApp::spawn`], with settings adjusted by `adjust` first.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        match Self::try_spawn(backend, adjust).await {
            Ok(app) => app,
            Err(e) => panic!("could not start a test server on {backend:?}: {e:#}"),
        }
    }

    async fn try_spawn(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> anyhow::Result<TestApp> {
        let db = TestDb::create(backend).await?;
        let settings = Settings {
            database_url: db.url.clone(),
            listen: "127.0.0.1:0".into(),
            db_pool_max: 8,
            log_level: std::env::var("CREDITLOOP_TEST_LOG").unwrap_or_else(|_| "warn".into()),
            // Tests make thousands of requests a minute from one address; the rate-limit test
            // sets its own limits.
            rate_limit_per_ip_per_minute: 0,
            rate_limit_per_key_per_minute: 0,
            // Mail written by worker passes goes beside the test's database, not into the tree.
            mail_dir: std::env::temp_dir().join(format!("creditloop-test-mail-{}", uuid::Uuid::new_v4().simple())),
            ..Settings::default()
        };
        let mut settings = settings;
        adjust(&mut settings);
        creditloop_server::telemetry::init(&settings);
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        let settings = settings;
        let options = BuildOptions {
            clock: clock.clone(),
            // Production mode insists on full-cost hashing; elsewhere tests save the time.
            password_cost: if settings.mode == creditloop_server::Mode::Production {
                creditloop_app::auth::PasswordCost::Owasp
            } else {
                creditloop_app::auth::PasswordCost::Fast
            },
            migrate: true,
            workers: false,
        };
        let application = Application::build(settings, options).await?;
        let address = format!("http://127.0.0.1:{}", application.port());
        let app = application.app.clone();
        let handle = application.handle();
        tokio::spawn(application.run_until_stopped());
        let client = reqwest::Client::builder().build()?;
        Ok(TestApp { backend, address, app, clock, client, db, handle })
    }

    /// The database URL this app uses (for a second process on the same database).
    pub fn database_url(&self) -> String {
        self.db.url.clone()
    }

    /// Stops the server and drops the database.
    pub async fn cleanup(self) {
        self.handle.stop(false).await;
        let _ = self.app.db.clone().close().await;
        self.db.drop_db().await;
    }

    /// Posts a GraphQL request and returns the whole JSON answer.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req = self.client.post(format!("{}/graphql", self.address)).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token.filter(|t| !t.is_empty()) {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.unwrap_or_else(|e| panic!("request failed: {e}"));
        res.json().await.unwrap_or_else(|e| panic!("response is not JSON: {e}"))
    }

    /// Posts and expects success: returns `data`.
    pub async fn ok(&self, token: &str, query: &str, variables: Value) -> Value {
        let res = self.gql(Some(token), query, variables).await;
        assert!(res.get("errors").is_none(), "unexpected errors: {res}\nquery: {query}");
        res["data"].clone()
    }

    /// Posts and expects an error: returns its `extensions.code`.
    pub async fn err(&self, token: Option<&str>, query: &str, variables: Value) -> String {
        let res = self.gql(token, query, variables).await;
        code_of(&res).unwrap_or_else(|| panic!("expected an error, got {res}\nquery: {query}"))
    }

    pub async fn login(&self, email: &str, password: &str) -> Login {
        let data = self
            .gql(None, "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id } } }", json!({ "e": email, "p": password }))
            .await;
        let token = data["data"]["login"]["token"].as_str().unwrap_or_else(|| panic!("login failed: {data}")).to_owned();
        let user_id = data["data"]["login"]["user"]["id"].as_str().unwrap_or_default().to_owned();
        Login { email: email.to_owned(), user_id, token }
    }

    /// Invites a user through the API and accepts the invitation from the outbox.
    pub async fn invite(&self, inviter: &Login, tenant: TenantId, email: &str, roles: &[&str], extra: Value) -> Login {
        let mut input = json!({ "email": email, "name": email.split('@').next().unwrap_or(email), "roles": roles });
        if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
            input.extend(extra.clone());
        }
        let data = self.ok(&inviter.token, "mutation($i: InviteUserInput!) { inviteUser(input: $i) { id } }", json!({ "i": input })).await;
        let user_id = data["inviteUser"]["id"].as_str().unwrap_or_default().to_owned();
        let token = self.invitation_token(tenant, email).await;
        let data = self
            .ok("", "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token } }", json!({ "t": token, "p": PASSWORD }))
            .await;
        Login { email: email.to_owned(), user_id, token: data["acceptInvitation"]["token"].as_str().unwrap_or_default().to_owned() }
    }

    pub async fn invitation_token(&self, tenant: TenantId, email: &str) -> String {
        let messages = creditloop_app::outbox::recent(self.app.db.conn(), tenant, 100).await.unwrap_or_default();
        messages
            .into_iter()
            .find_map(|m| match m {
                creditloop_app::outbox::Message::Invitation { email: e, token, .. } if e == email => Some(token),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no invitation for {email}"))
    }

    /// A tenant with an owner, an HR admin, finance, an auditor and `employees` employees.
    pub async fn tenant(&self, employees: usize) -> TestTenant {
        let slug = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let owner_email = format!("owner@{slug}.test");
        let (tenant, _) = self
            .app
            .create_tenant(&slug, &format!("Tenant {slug}"), "Asia/Shanghai", &owner_email, "Owner", PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("create tenant: {e}"));
        let owner = self.login(&owner_email, PASSWORD).await;
        let hr = self.invite(&owner, tenant.id, &format!("hr@{slug}.test"), &["HR_ADMIN"], json!({})).await;
        let finance = self.invite(&owner, tenant.id, &format!("finance@{slug}.test"), &["FINANCE"], json!({})).await;
        let auditor = self.invite(&owner, tenant.id, &format!("auditor@{slug}.test"), &["AUDITOR"], json!({})).await;
        let mut list = Vec::with_capacity(employees);
        for i in 0..employees {
            let phone = format!("138{:08}", i + 1);
            let extra = json!({ "employeeNo": format!("E{i:04}"), "phone": phone, "department": if i % 2 == 0 { "Sales" } else { "Ops" } });
            list.push(self.invite(&hr, tenant.id, &format!("emp{i}@{slug}.test"), &["EMPLOYEE"], extra).await);
        }
        TestTenant { id: tenant.id, owner, hr, finance, auditor, employees: list }
    }

    /// Funds the tenant and buys `pool` of credit (approved by finance when needed).
    pub async fn stock(&self, t: &TestTenant, funding: &str, pool: &str) {
        self.ok(&t.finance.token, "mutation($i: FundInput!) { fund(input: $i) { id } }",
            json!({ "i": { "amount": funding, "reference": "BANK-1", "idempotencyKey": format!("fund-{}", uuid::Uuid::new_v4()) } })).await;
        let price = price_of(pool);
        let data = self.ok(&t.hr.token,
            "mutation($f: Money!, $p: Money!, $k: String!) { requestPurchase(faceValue: $f, price: $p, supplier: \"Supplier\", idempotencyKey: $k) { id status } }",
            json!({ "f": pool, "p": price, "k": format!("po-{}", uuid::Uuid::new_v4()) })).await;
        if data["requestPurchase"]["status"] == "PENDING_APPROVAL" {
            self.ok(&t.finance.token, "mutation($id: ID!, $k: String!) { approvePurchase(id: $id, idempotencyKey: $k) { status } }",
                json!({ "id": data["requestPurchase"]["id"], "k": format!("ap-{}", uuid::Uuid::new_v4()) })).await;
        }
    }

    /// Balances of the tenant as strings: (funding, pool, granted).
    pub async fn balances(&self, t: &TestTenant) -> (String, String, String) {
        let data = self.ok(&t.finance.token, "{ tenant { balances { funding pool granted } } }", json!({})).await;
        let b = &data["tenant"]["balances"];
        (s(&b["funding"]), s(&b["pool"]), s(&b["granted"]))
    }

    pub async fn wallet_balance(&self, employee: &Login) -> String {
        let data = self.ok(&employee.token, "{ myWallet { balance } }", json!({})).await;
        s(&data["myWallet"]["balance"])
    }

    /// Runs `creditloop verify`'s checks and fails the test on any violation.
    pub async fn assert_verified(&self) {
        let report = self.app.verify(None).await.unwrap_or_else(|e| panic!("verify failed to run: {e}"));
        assert!(report.ok(), "ledger invariants broken: {:#?}", report.violations);
    }

    /// Runs worker passes until no top-up is left in flight, moving the clock past each
    /// retry's backoff. Panics if that takes more than `passes_max` passes.
    pub async fn drain(&self, app: &creditloop_app::App, passes_max: usize) {
        for _ in 0..passes_max {
            app.run_worker_pass().await.unwrap_or_else(|e| panic!("worker pass: {e}"));
            let left = creditloop_ledger::store::query_one(
                self.app.db.conn(),
                "SELECT COUNT(*) AS n FROM topups WHERE status = 'PENDING'",
                vec![],
            )
            .await
            .ok()
            .flatten()
            .and_then(|r| r.try_get::<i64>("", "n").ok())
            .unwrap_or(0);
            if left == 0 {
                return;
            }
            self.clock.advance(chrono::Duration::minutes(10));
        }
        panic!("top-ups still in flight after {passes_max} worker passes");
    }

    /// The newest one-time code sent to a user.
    pub async fn last_code(&self, tenant: TenantId) -> String {
        let messages = creditloop_app::outbox::recent(self.app.db.conn(), tenant, 50).await.unwrap_or_default();
        messages
            .into_iter()
            .find_map(|m| match m {
                creditloop_app::outbox::Message::OneTimeCode { code, .. } => Some(code),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no one-time code was sent"))
    }

    pub fn in_days(&self, days: i64) -> String {
        (self.app.now() + chrono::Duration::days(days)).to_rfc3339()
    }
}

/// A supplier price 96% of face value, as a money string.
fn price_of(face: &str) -> String {
    let fen = creditloop_domain::Fen::parse(face).map(|f| f.get()).unwrap_or(0);
    creditloop_domain::Fen::new(fen * 96 / 100).to_string()
}

pub fn s(v: &Value) -> String {
    v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string())
}

pub fn code_of(res: &Value) -> Option<String> {
    res["errors"][0]["extensions"]["code"].as_str().map(str::to_owned)
}

/// Writes a test twice: once per backend.
#[macro_export]
macro_rules! both {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: &$crate::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::TestApp::spawn($crate::Backend::Sqlite).await;
                run(&app).await;
                app.cleanup().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = $crate::TestApp::spawn($crate::Backend::Postgres).await;
                run(&app).await;
                app.cleanup().await;
            }
        }
    };
}

/// The `creditloop` binary, built if it is missing (tests that run the real process).
pub fn binary() -> std::path::PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("target"));
    let bin = target.join("debug").join("creditloop");
    if !bin.exists() {
        let status = std::process::Command::new(env!("CARGO")).args(["build", "-q", "-p", "creditloop-server"]).status();
        assert!(status.is_ok_and(|s| s.success()), "could not build the creditloop binary");
    }
    bin
}

/// A small seeded pseudo-random generator (SplitMix64) for tests whose choices must replay
/// from a printed seed. Not for anything but tests.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// A generator for one part of a test (a client, a controller), derived from the seed.
    pub fn derive(seed: u64, stream: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo).unwrap_or(0) + 1;
        lo + i64::try_from(self.below(span)).unwrap_or(0)
    }

    /// True with probability `percent`/100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (non-empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
}

/// The seed of a randomised test: the variable `var` when set (to replay a run), a fresh one
/// otherwise. Printed either way.
pub fn seed_from_env(var: &str) -> u64 {
    let seed = std::env::var(var).ok().and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or_else(|| {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        (nanos as u64) ^ u64::from(std::process::id()).rotate_left(32)
    });
    println!("seed: {var}={seed}");
    seed
}

/// Prints how to replay a randomised test when it fails (dropped while panicking).
pub struct SeedGuard {
    pub var: &'static str,
    pub seed: u64,
    pub label: String,
}

impl Drop for SeedGuard {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("\n{} FAILED with seed {seed}: replay with {var}={seed}\n", self.label, seed = self.seed, var = self.var);
        }
    }
}

/// Money as the API writes it, from fen: 1234 → "12.34".
pub fn money(fen: i64) -> String {
    creditloop_domain::Fen::new(fen).to_string()
}

/// Fen from the API's money string ("12.34" → 1234, "-0.50" → -50); panics on anything else.
pub fn fen(v: &Value) -> i64 {
    let text = s(v);
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.as_str()),
    };
    sign * creditloop_domain::Fen::parse(digits).map(|f| f.get()).unwrap_or_else(|e| panic!("not money: {text:?}: {e}"))
}
