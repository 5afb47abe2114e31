//! Production hardening: metrics, rate limits, security headers, CORS, production mode,
//! row-level security as a second line of tenant isolation, and no secret in any log line.

use creditloop_tests::{both, code_of, s, Backend, TestApp, PASSWORD};
use serde_json::json;

both!(metrics_expose_the_listed_series, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "500.00").await;
    app.gql(None, "mutation { login(email: \"nobody@x.test\", password: \"wrong-wrong-wrong\") { token } }", json!({})).await;
    let e = &t.employees[0];
    app.ok(&t.hr.token, "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }",
        json!({ "i": { "employeeId": e.user_id, "amount": "50.00", "expiresAt": app.in_days(10), "idempotencyKey": "m1" } })).await;
    app.ok(&e.token, "mutation { topup(phone: \"13800000001\", amount: \"5.00\", idempotencyKey: \"m2\") { id } }", json!({})).await;
    app.app.process_due_topups().await.unwrap_or_else(|e| panic!("{e}"));
    let body = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap_or_else(|e| panic!("{e}")).text().await.unwrap_or_default();
    for series in [
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "graphql_operations_total{operation=\"grant\",outcome=\"ok\"}",
        "graphql_operation_duration_seconds_bucket",
        "ledger_entries_total{template=\"GRANT\"}",
        "ledger_entries_total{template=\"TOPUP_HOLD\"}",
        "outbox_backlog",
        "outbox_oldest_age_seconds",
        "carrier_calls_total{outcome=\"delivered\"}",
        "carrier_call_duration_seconds_bucket",
        "login_failures_total",
    ] {
        assert!(body.contains(series), "/metrics lacks {series}:\n{}", &body[..body.len().min(3000)]);
    }
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_answer_429_then_recover() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.rate_limit_per_ip_per_minute = 20;
        s.rate_limit_per_key_per_minute = 5;
    })
    .await;
    let url = format!("{}/graphql", app.address);
    let ask = || app.client.post(&url).json(&json!({ "query": "{ __typename }" })).send();
    let mut statuses = Vec::new();
    for _ in 0..25 {
        statuses.push(ask().await.map(|r| r.status().as_u16()).unwrap_or(0));
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 20, "{statuses:?}");
    let limited = ask().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(limited.status().as_u16(), 429);
    assert!(limited.headers().get("retry-after").is_some());
    let body: serde_json::Value = limited.json().await.unwrap_or_default();
    assert_eq!(code_of(&body).as_deref(), Some("RATE_LIMITED"));
    // Health checks are never limited.
    assert_eq!(app.client.get(format!("{}/healthz", app.address)).send().await.map(|r| r.status().as_u16()).unwrap_or(0), 200);
    // The next minute, the address may ask again.
    app.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(ask().await.map(|r| r.status().as_u16()).unwrap_or(0), 200);
    app.cleanup().await;
}

both!(security_headers_and_cors, |app| {
    let res = app.client.get(format!("{}/", app.address)).send().await.unwrap_or_else(|e| panic!("{e}"));
    let h = res.headers();
    assert!(h.get("content-security-policy").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("default-src 'self'") && v.contains("frame-ancestors 'none'")));
    assert_eq!(h.get("x-content-type-options").and_then(|v| v.to_str().ok()), Some("nosniff"));
    assert_eq!(h.get("x-frame-options").and_then(|v| v.to_str().ok()), Some("DENY"));
    // CORS is off by default: a foreign origin gets no allowance.
    let res = app.client.post(format!("{}/graphql", app.address)).header("origin", "https://evil.example").json(&json!({ "query": "{ __typename }" })).send().await.unwrap_or_else(|e| panic!("{e}"));
    assert!(res.headers().get("access-control-allow-origin").is_none());
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_allows_only_configured_origins() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.cors_origins = "https://erp.example.com".into()).await;
    let url = format!("{}/graphql", app.address);
    let preflight = |origin: &'static str| {
        app.client.request(reqwest::Method::OPTIONS, &url).header("origin", origin).header("access-control-request-method", "POST").send()
    };
    let ok = preflight("https://erp.example.com").await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some("https://erp.example.com"));
    let no = preflight("https://evil.example").await.unwrap_or_else(|e| panic!("{e}"));
    assert!(no.headers().get("access-control-allow-origin").is_none());
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_mode_refuses_introspection_and_marks_cookies_secure() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.mode = creditloop_server::Mode::Production).await;
    let res = app.gql(None, "{ __schema { queryType { name } } }", json!({})).await;
    assert_eq!(code_of(&res).as_deref(), Some("VALIDATION"), "introspection answered in production: {res}");
    let res = app.gql(None, "{ __type(name: \"Query\") { name } }", json!({})).await;
    assert_eq!(code_of(&res).as_deref(), Some("VALIDATION"));
    app.app.create_tenant("prod-co", "Prod", "Asia/Shanghai", "owner@prod.test", "O", PASSWORD).await.unwrap_or_else(|e| panic!("{e}"));
    let res = app.client.post(format!("{}/graphql", app.address))
        .json(&json!({ "query": format!("mutation {{ login(email: \"owner@prod.test\", password: \"{PASSWORD}\") {{ token }} }}") }))
        .send().await.unwrap_or_else(|e| panic!("{e}"));
    let cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");
    app.cleanup().await;
}

/// With row-level security, a raw query that forgets its tenant filter still sees only the
/// tenant its transaction is scoped to. Superusers bypass RLS, so this connects as an
/// ordinary role, as production does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn row_level_security_hides_other_tenants_from_an_unfiltered_query() {
    use sea_orm::{ConnectionTrait, Database, Statement, TransactionTrait};
    let app = TestApp::spawn(Backend::Postgres).await;
    let a = app.tenant(2).await;
    let b = app.tenant(3).await;
    app.stock(&a, "1000.00", "100.00").await;
    app.stock(&b, "2000.00", "200.00").await;
    let db_name = app.app.db.conn().query_one_raw(Statement::from_string(sea_orm::DbBackend::Postgres, "SELECT current_database() AS d")).await.ok().flatten().and_then(|r| r.try_get::<String>("", "d").ok()).unwrap_or_default();
    let role = format!("cl_rls_{}", &uuid::Uuid::new_v4().simple().to_string()[..10]);
    let admin = app.app.db.conn();
    for sql in [
        format!("CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS"),
        format!("GRANT USAGE ON SCHEMA public TO {role}"),
        format!("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"),
    ] {
        admin.execute_unprepared(&sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    // Every tenant-owned table is protected.
    let unprotected = admin.query_all_raw(Statement::from_string(sea_orm::DbBackend::Postgres,
        "SELECT c.relname FROM pg_class c JOIN information_schema.columns i ON i.table_name = c.relname AND i.column_name = 'tenant_id' \
         WHERE i.table_schema = current_schema() AND NOT (c.relrowsecurity AND c.relforcerowsecurity)")).await.unwrap_or_default();
    let names: Vec<String> = unprotected.iter().filter_map(|r| r.try_get::<String>("", "relname").ok()).collect();
    assert!(names.is_empty(), "tables without row-level security: {names:?}");

    let url = format!("{}/{db_name}", creditloop_tests::pg_base().replace("postgres@", &format!("{role}@")));
    let restricted = Database::connect(sea_orm::ConnectOptions::new(url).max_connections(1).to_owned()).await.unwrap_or_else(|e| panic!("{e}"));
    let tx = restricted.begin().await.unwrap_or_else(|e| panic!("{e}"));
    tx.execute_raw(Statement::from_sql_and_values(sea_orm::DbBackend::Postgres, "SELECT set_config('creditloop.tenant', $1, true)", vec![a.id.0.to_string().into()])).await.unwrap_or_else(|e| panic!("{e}"));
    // The deliberate mistake: no tenant filter at all.
    for table in ["users", "accounts", "entries", "audit_events", "sessions"] {
        let rows = tx.query_all_raw(Statement::from_string(sea_orm::DbBackend::Postgres, format!("SELECT DISTINCT tenant_id FROM {table}"))).await.unwrap_or_else(|e| panic!("{e}"));
        let tenants: Vec<uuid::Uuid> = rows.iter().filter_map(|r| r.try_get::<uuid::Uuid>("", "tenant_id").ok()).collect();
        assert_eq!(tenants, vec![a.id.0], "{table} leaked another tenant's rows");
    }
    tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
    // The setting died with the transaction: the same pooled connection is unscoped again.
    let next = restricted.begin().await.unwrap_or_else(|e| panic!("{e}"));
    let setting = next.query_one_raw(Statement::from_string(sea_orm::DbBackend::Postgres, "SELECT COALESCE(current_setting('creditloop.tenant', true), '') AS s")).await.ok().flatten().and_then(|r| r.try_get::<String>("", "s").ok());
    assert_eq!(setting.as_deref(), Some(""));
    next.commit().await.unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(a.id, b.id);
    restricted.close().await.unwrap_or_else(|e| panic!("{e}"));
    admin.execute_unprepared(&format!("DROP OWNED BY {role}")).await.unwrap_or_else(|e| panic!("{e}"));
    admin.execute_unprepared(&format!("DROP ROLE {role}")).await.unwrap_or_else(|e| panic!("{e}"));
    app.cleanup().await;
}

/// Runs the real server with debug logs, signs in, uses an API key and asks for a one-time
/// code (which the worker mails), then searches every log line for the secrets involved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_logs() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let t = app.tenant(1).await;
    let dir = std::env::temp_dir().join(format!("creditloop-logs-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    // The harness app runs in this process; the subprocess shares its SQLite file.
    let db_file = app.database_url();
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18998);
    let log_path = dir.join("server.log");
    let log = std::fs::File::create(&log_path).unwrap_or_else(|e| panic!("{e}"));
    // Real SMTP, with credentials in the URL: neither a send nor a failed one may log them.
    let (inbox, smtp) = crate::mail::smtp_server();
    const SMTP_PASSWORD: &str = "smtp-S3cret-pass-2026";
    let smtp_url = smtp.replace("smtp://", &format!("smtp://mailer:{SMTP_PASSWORD}@"));
    let mut child = std::process::Command::new(creditloop_tests::binary())
        .arg("serve")
        .env("CREDITLOOP_DATABASE_URL", &db_file)
        .env("CREDITLOOP_LISTEN", format!("127.0.0.1:{port}"))
        .env("CREDITLOOP_LOG_LEVEL", "debug")
        .env("CREDITLOOP_LOG_FORMAT", "json")
        .env("CREDITLOOP_DATA_DIR", &dir)
        .env("CREDITLOOP_WORKER_HOUSEKEEPING_MS", "200")
        .env("CREDITLOOP_SMTP_URL", &smtp_url)
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if app.client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let gql = |token: Option<String>, query: String| {
        let mut req = app.client.post(format!("{base}/graphql")).json(&json!({ "query": query }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        async move { req.send().await.ok()?.json::<serde_json::Value>().await.ok() }
    };
    let login = gql(None, format!("mutation {{ login(email: \"{}\", password: \"{PASSWORD}\") {{ token }} }}", t.owner.email)).await.unwrap_or_default();
    let session = s(&login["data"]["login"]["token"]);
    let key = gql(Some(session.clone()), "mutation { createApiKey(name: \"erp\", roles: [AUDITOR]) { secret } }".into()).await.unwrap_or_default();
    let secret = s(&key["data"]["createApiKey"]["secret"]);
    gql(Some(secret.clone()), "{ entries { totalCount } }".into()).await;
    gql(None, format!("mutation {{ login(email: \"{}\", password: \"a-wrong-password-123\") {{ token }} }}", t.owner.email)).await;
    let e = &t.employees[0];
    gql(Some(e.token.clone()), "mutation { requestTopupCode(phone: \"18600001111\") }".into()).await;
    let code = app.last_code(t.id).await;
    // Give the worker time to mail the code.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let _ = child.kill();
    let _ = child.wait();
    let logs = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(logs.contains("\"request\"") || logs.contains("request"), "the server logged nothing: {logs}");
    // The mail was handed to SMTP, or its failure was logged: sending was really exercised.
    let mailed = !inbox.to(&e.email).is_empty();
    assert!(mailed || logs.contains("smtp"), "no SMTP activity to examine: {}", logs.lines().filter(|l| l.contains("WARN") || l.contains("ERROR") || l.contains("outbox")).collect::<Vec<_>>().join("\n"));
    for (what, secret) in [("SMTP password", SMTP_PASSWORD.to_owned()), ("password", PASSWORD.to_owned()), ("wrong password", "a-wrong-password-123".into()), ("session token", session), ("API key", secret), ("one-time code", format!("\"{code}\"")), ("one-time code", format!(" {code} "))] {
        assert!(!secret.is_empty(), "{what} was not obtained");
        assert!(!logs.contains(&secret), "the {what} appears in the logs");
    }
    let _ = std::fs::remove_dir_all(&dir);
    app.cleanup().await;
}

/// With `otel_endpoint` set, the server exports its request spans over OTLP/HTTP. A tiny
/// collector on loopback receives them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_spans_are_exported_over_otlp_when_configured() {
    use actix_web::{web, App as Web, HttpResponse, HttpServer};
    use std::sync::{Arc, Mutex};
    let received: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = received.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let collector = format!("http://{}", listener.local_addr().unwrap_or_else(|e| panic!("{e}")));
    let server = HttpServer::new(move || {
        let sink = sink.clone();
        Web::new().route("/v1/traces", web::post().to(move |body: web::Bytes| {
            let sink = sink.clone();
            async move {
                sink.lock().unwrap_or_else(|p| p.into_inner()).push(String::from_utf8_lossy(&body).into_owned());
                HttpResponse::Ok().finish()
            }
        }))
    })
    .listen(listener)
    .unwrap_or_else(|e| panic!("{e}"))
    .run();
    let handle = server.handle();
    tokio::spawn(server);

    let dir = std::env::temp_dir().join(format!("creditloop-otel-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18997);
    let mut child = std::process::Command::new(creditloop_tests::binary())
        .arg("serve")
        .env("CREDITLOOP_DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.join("o.db").display()))
        .env("CREDITLOOP_DATA_DIR", &dir)
        .env("CREDITLOOP_LISTEN", format!("127.0.0.1:{port}"))
        .env("CREDITLOOP_OTEL_ENDPOINT", &collector)
        .env("CREDITLOOP_LOG_LEVEL", "info")
        .env("OTEL_BSP_SCHEDULE_DELAY", "200")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    client.post(format!("{base}/graphql")).json(&json!({ "query": "{ __typename }" })).send().await.unwrap_or_else(|e| panic!("{e}"));
    let mut exported = false;
    for _ in 0..50 {
        if received.lock().unwrap_or_else(|p| p.into_inner()).iter().any(|b| b.contains("http_request") && b.contains("creditloop")) {
            exported = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    handle.stop(false).await;
    let _ = std::fs::remove_dir_all(&dir);
    assert!(exported, "no span reached the collector: {:?}", received.lock().unwrap_or_else(|p| p.into_inner()).first());
}
