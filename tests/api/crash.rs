//! Crash recovery: the real `creditloop serve` process is killed with SIGKILL several times
//! while it drives top-ups through a slow, faulty carrier and pays an allowance run, then
//! restarted. Afterwards every acknowledged top-up has reached a terminal state, none was
//! delivered twice, the allowance period was paid exactly once, the ledger and the carrier
//! reconcile, and `creditloop verify` passes.

use creditloop_app::auth::PasswordCost;
use creditloop_app::users::{Invitation, Profile};
use creditloop_app::{App, AppConfig, Principal};
use creditloop_carrier::{HttpCarrier, SimConfig, Simulator};
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::{Email, Fen, IdempotencyKey, ManualClock, Role, RoleSet, SystemClock};
use creditloop_ledger::store::query_one;
use creditloop_ledger::{Db, DbOptions};
use creditloop_tests::{binary, s, Backend, TestDb, PASSWORD};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const EMPLOYEES: usize = 30;
const TOPUPS: usize = 150;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18999)
}

struct Server {
    child: Child,
}

impl Server {
    fn start(db_url: &str, port: u16, carrier: &str) -> Server {
        let child = Command::new(binary())
            .arg("serve")
            .env("CREDITLOOP_DATABASE_URL", db_url)
            .env("CREDITLOOP_LISTEN", format!("127.0.0.1:{port}"))
            .env("CREDITLOOP_CARRIER_URL", carrier)
            .env("CREDITLOOP_CARRIER_TIMEOUT_MS", "300")
            .env("CREDITLOOP_TOPUP_LEASE_SECS", "1")
            .env("CREDITLOOP_WORKER_HOUSEKEEPING_MS", "200")
            .env("CREDITLOOP_LOG_LEVEL", "error")
            .env("CREDITLOOP_FRONTEND_DIR", "/nonexistent")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
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
        if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become ready");
}

async fn count(db: &Db, sql: &str) -> i64 {
    query_one(db.conn(), sql, vec![]).await.ok().flatten().and_then(|r| r.try_get::<i64>("", "n").ok()).unwrap_or(-1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_nine_during_top_ups_and_an_allowance_run_loses_and_doubles_nothing() {
    let test_db = TestDb::create(Backend::Postgres).await.unwrap_or_else(|e| panic!("{e}"));
    let db = Db::connect(&DbOptions { url: test_db.url.clone(), pool_max: 4, acquire_timeout_ms: 10_000 }).await.unwrap_or_else(|e| panic!("{e}"));
    creditloop_server::migrate(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let config = AppConfig { password_hashing: PasswordCost::Fast, ..AppConfig::default() };
    let setup = App::new(db.clone(), Arc::new(SystemClock), config.clone());

    // A tenant, staff and employees, made directly through the use-cases.
    setup.create_tenant("crash-co", "Crash Co", "Asia/Shanghai", "owner@crash.test", "Owner", PASSWORD).await.unwrap_or_else(|e| panic!("{e}"));
    let owner = setup.authenticate(&setup.login("owner@crash.test", PASSWORD, None).await.unwrap_or_else(|e| panic!("{e}")).token, None).await.unwrap_or_else(|e| panic!("{e}"));
    let mut staff = Vec::new();
    for (email, role) in [("hr@crash.test", Role::HrAdmin), ("fin@crash.test", Role::Finance)] {
        setup.invite_user(&owner, Invitation { email: Email::parse(email).unwrap_or_else(|e| panic!("{e}")), name: email.into(), roles: RoleSet::empty().with(role), profile: Profile::default(), locale: "en".into() }).await.unwrap_or_else(|e| panic!("{e}"));
        let token = invitation_token(&setup, &owner, email).await;
        let session = setup.accept_invitation(&token, PASSWORD, None).await.unwrap_or_else(|e| panic!("{e}"));
        staff.push(setup.authenticate(&session.token, None).await.unwrap_or_else(|e| panic!("{e}")));
    }
    let (hr, finance) = (staff[0].clone(), staff[1].clone());
    let key = |k: String| IdempotencyKey::parse(&k).unwrap_or_else(|e| panic!("{e}"));
    setup.fund(&finance, Fen::new(1_000_000_00), "BANK", &key("fund".into())).await.unwrap_or_else(|e| panic!("{e}"));
    setup.update_policy(&owner, creditloop_app::policy::PolicyChange { purchase_approval_threshold: Some(Fen::new(1_000_000_00)), velocity_max_topups: Some(1000), topup_daily_limit: Some(Fen::new(10_000_00)), topup_monthly_limit: Some(Fen::new(10_000_00)), ..Default::default() }).await.unwrap_or_else(|e| panic!("{e}"));
    setup.request_purchase(&hr, Fen::new(100_000_00), Fen::new(96_000_00), "S", &key("po".into())).await.unwrap_or_else(|e| panic!("{e}"));
    let mut employees = Vec::new();
    for i in 0..EMPLOYEES {
        let email = format!("e{i}@crash.test");
        let profile = Profile { phone: PhoneNumber::parse(&format!("138{:08}", i + 1)).ok(), ..Profile::default() };
        let user = setup.invite_user(&hr, Invitation { email: Email::parse(&email).unwrap_or_else(|e| panic!("{e}")), name: email.clone(), roles: RoleSet::empty().with(Role::Employee), profile, locale: "en".into() }).await.unwrap_or_else(|e| panic!("{e}"));
        let token = invitation_token(&setup, &owner, &email).await;
        let session = setup.accept_invitation(&token, PASSWORD, None).await.unwrap_or_else(|e| panic!("{e}"));
        setup.grant(&hr, creditloop_app::funds::GrantLine { employee: user.id, amount: Fen::new(1_000_00), expires_at: Some(setup.now() + chrono::Duration::days(30)), memo: None }, &key(format!("fill-{i}"))).await.unwrap_or_else(|e| panic!("{e}"));
        employees.push((session.token, format!("138{:08}", i + 1)));
    }
    // An allowance run that becomes due while the server is up.
    let schedule = creditloop_app::schedules::ScheduleInput {
        name: "Crash allowance".into(),
        amount: Fen::new(10_00),
        frequency: creditloop_app::schedules::Frequency::Once,
        day_of_month: None,
        day_of_week: None,
        run_at: Some(setup.now() + chrono::Duration::seconds(3)),
        target: creditloop_app::schedules::Target::All,
        expiry_days: Some(30),
        expire_at_period_end: false,
    };
    setup.create_schedule(&hr, schedule).await.unwrap_or_else(|e| panic!("{e}"));

    // A slow, faulty carrier the server reaches over HTTP.
    let sim = Arc::new(Simulator::new(SimConfig::try_new(9, 40, 0.1, 0.2, 0.1).unwrap_or_else(|e| panic!("{e}"))));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let carrier_url = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
    tokio::spawn(creditloop_carrier::serve(listener, sim.clone()));

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut server = Server::start(&test_db.url, port, &carrier_url);
    wait_ready(&client, &base).await;

    // Load: top-ups from every employee; each acknowledged one is remembered.
    let mut acknowledged = Vec::new();
    let q = "mutation($p: String!, $a: Money!, $k: String!) { topup(phone: $p, amount: $a, idempotencyKey: $k) { id } }";
    let mut kills = 0;
    for i in 0..TOPUPS {
        let (token, phone) = &employees[i % EMPLOYEES];
        let body = json!({ "query": q, "variables": { "p": phone, "a": "1.00", "k": format!("c-{i}") } });
        if let Ok(res) = client.post(format!("{base}/graphql")).bearer_auth(token).json(&body).send().await {
            if let Ok(v) = res.json::<serde_json::Value>().await {
                if let Some(id) = v["data"]["topup"]["id"].as_str() {
                    acknowledged.push(id.to_owned());
                }
            }
        }
        // Crash at three points under load, and restart.
        if i > 0 && i % 50 == 0 {
            server.kill();
            kills += 1;
            server = Server::start(&test_db.url, port, &carrier_url);
            wait_ready(&client, &base).await;
        }
    }
    // Once more while the worker is busy with what is left, then let it finish.
    tokio::time::sleep(Duration::from_millis(700)).await;
    server.kill();
    kills += 1;
    let server = Server::start(&test_db.url, port, &carrier_url);
    wait_ready(&client, &base).await;
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let pending = count(&db, "SELECT COUNT(*) AS n FROM topups WHERE status = 'PENDING'").await;
        let runs = count(&db, "SELECT COUNT(*) AS n FROM allowance_runs WHERE status = 'DONE'").await;
        if pending == 0 && runs == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "still {pending} top-ups in flight and {runs} runs done after restarts");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    drop(server);
    assert!(kills >= 3);

    // Nothing lost: every acknowledged top-up exists and ended.
    assert!(acknowledged.len() >= TOPUPS - 10, "most requests should have been acknowledged: {}", acknowledged.len());
    for id in &acknowledged {
        let status = query_one(db.conn(), "SELECT status FROM topups WHERE id = $1", vec![uuid::Uuid::try_parse(id).unwrap_or_default().into()])
            .await
            .ok()
            .flatten()
            .and_then(|r| r.try_get::<String>("", "status").ok());
        assert!(matches!(status.as_deref(), Some("SUCCEEDED" | "FAILED")), "acknowledged top-up {id} is {status:?}");
    }
    // Nothing doubled: at most one delivery per order, and exactly the delivered ones posted.
    assert_eq!(sim.stats().duplicate_deliveries, 0);
    let succeeded = count(&db, "SELECT COUNT(*) AS n FROM topups WHERE status = 'SUCCEEDED'").await;
    assert_eq!(sim.stats().deliveries, succeeded as u64);
    // The allowance period was paid exactly once, to everyone.
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM allowance_runs").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) AS n FROM lots WHERE memo LIKE 'Crash allowance%'").await, EMPLOYEES as i64);
    // The ledger and the carrier agree, and every invariant holds (the CLI, as an operator runs it).
    let auditor = App::new(db.clone(), Arc::new(ManualClock::new(chrono::Utc::now())), config)
        .with_carrier(Arc::new(HttpCarrier::try_new(&carrier_url, 500).unwrap_or_else(|e| panic!("{e}"))));
    let mismatches = auditor.reconcile(None).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    let verify = Command::new(binary()).arg("verify").env("CREDITLOOP_DATABASE_URL", &test_db.url).env("CREDITLOOP_LOG_LEVEL", "error").output();
    let verify = verify.unwrap_or_else(|e| panic!("{e}"));
    assert!(verify.status.success(), "creditloop verify: {}", String::from_utf8_lossy(&verify.stdout));
    let _ = db.close().await;
    test_db.drop_db().await;
}

/// The invitation token sent to `email` (read from the outbox, where the mailer finds it).
async fn invitation_token(app: &App, owner: &Principal, email: &str) -> String {
    creditloop_app::outbox::recent(app.db.conn(), owner.tenant, 200)
        .await
        .unwrap_or_default()
        .into_iter()
        .find_map(|m| match m {
            creditloop_app::outbox::Message::Invitation { email: e, token, .. } if e == email => Some(token),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no invitation for {email}"))
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
        roster.push_str(&format!("K{i:04},Person {i},k{i}@kill-{}.test\n", t.id.0.simple()));
    }
    crate::csv::import(&app, &t.hr, "employees", "", roster.as_bytes()).await;
    app.stock(&t, "100000.00", "60000.00").await;
    let expiry = (app.app.now() + chrono::Duration::days(30)).format("%Y-%m-%d");
    let mut dist = String::from("employee_no,amount,expires_at,memo\n");
    for i in 0..ROWS {
        dist.push_str(&format!("K{:04},1.00,{expiry},kill test {i}\n", i % 400));
    }
    let (status, report) = crate::csv::upload(&app, &t.hr, "distributions", "", dist.as_bytes()).await;
    assert_eq!(status, 200, "{report}");

    // The commit goes to a second server process on the same database, which is killed
    // while it works.
    let port = free_port();
    let mut server = Server::start(&app.database_url(), port, "http://127.0.0.1:9");
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    wait_ready(&client, &base).await;
    let url = format!("{base}/api/imports/{}/commit", s(&report["id"]));
    let token = t.hr.token.clone();
    let request = tokio::spawn(async move {
        reqwest::Client::new().post(url).bearer_auth(token).header("Idempotency-Key", "kill-commit").send().await.map(|r| r.status().as_u16())
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    server.child.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = server.child.wait();
    let answered = request.await.ok().and_then(Result::ok);

    let grants = |_: ()| async {
        query_one(app.app.db.conn(), "SELECT COUNT(*) AS n FROM entries WHERE tenant_id = $1 AND template = 'GRANT'", vec![t.id.0.into()])
            .await
            .ok()
            .flatten()
            .and_then(|r| r.try_get::<i64>("", "n").ok())
            .unwrap_or(-1)
    };
    let after_kill = grants(()).await;
    assert!(after_kill == 0 || after_kill == ROWS as i64, "half applied: {after_kill} of {ROWS} grants (the request answered {answered:?})");
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
