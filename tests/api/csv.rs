//! CSV imports (roster, distributions, allowances) and streamed exports, through HTTP.

use creditloop_tests::{both, s, Login, TestApp, TestTenant};
use serde_json::Value;
use std::time::Instant;

const BOUNDARY: &str = "creditloop-test-boundary-7f3a";

/// A multipart/form-data body with one field `file`, written by hand so the test needs no
/// multipart feature in the HTTP client.
fn multipart(bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(bytes.len() + 256);
    body.extend_from_slice(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub(crate) async fn upload(app: &TestApp, who: &Login, kind: &str, query: &str, bytes: &[u8]) -> (u16, Value) {
    let res = app
        .client
        .post(format!("{}/api/imports/{kind}{query}", app.address))
        .bearer_auth(&who.token)
        .header("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(multipart(bytes))
        .send()
        .await
        .unwrap_or_else(|e| panic!("upload failed: {e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn commit(app: &TestApp, who: &Login, id: &Value, key: &str) -> (u16, Value) {
    let res = app
        .client
        .post(format!("{}/api/imports/{}/commit", app.address, s(id)))
        .bearer_auth(&who.token)
        .header("Idempotency-Key", key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("commit failed: {e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Uploads and commits, expecting both to succeed; returns the commit's answer.
pub(crate) async fn import(app: &TestApp, who: &Login, kind: &str, query: &str, bytes: &[u8]) -> Value {
    let (status, report) = upload(app, who, kind, query, bytes).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    let (status, done) = commit(app, who, &report["id"], &format!("c-{}", uuid::Uuid::new_v4())).await;
    assert_eq!(status, 200, "{done}");
    done
}

async fn export(app: &TestApp, who: &Login, kind: &str, query: &str) -> (u16, Option<String>, Vec<u8>) {
    let res = app
        .client
        .get(format!("{}/api/exports/{kind}{query}", app.address))
        .bearer_auth(&who.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("export failed: {e}"));
    let status = res.status().as_u16();
    let disposition = res.headers().get("content-disposition").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, disposition, res.bytes().await.map(|b| b.to_vec()).unwrap_or_default())
}

fn code(body: &Value) -> String {
    s(&body["errors"][0]["extensions"]["code"])
}

/// Parses an export back into header-keyed rows.
fn rows_of(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let mut reader = ::csv::Reader::from_reader(body);
    let header: Vec<String> = reader.headers().map(|h| h.iter().map(str::to_owned).collect()).unwrap_or_default();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("export is not valid CSV: {e}"));
            header.iter().cloned().zip(r.iter().map(str::to_owned)).collect()
        })
        .collect()
}

async fn count(app: &TestApp, sql: &str, t: &TestTenant) -> i64 {
    creditloop_ledger::store::query_one(app.app.db.conn(), sql, vec![t.id.0.into()])
        .await
        .ok()
        .flatten()
        .and_then(|r| r.try_get::<i64>("", "n").ok())
        .unwrap_or(-1)
}


both!(roster_errors_are_reported_by_row_and_column_and_nothing_is_applied, |app| {
    let t = app.tenant(1).await;
    let users_before = count(app, "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1", &t).await;
    let file = "employee_no,name,email,phone,department,status\n\
                N1,Ann,not-an-email,13800000001,Sales,ACTIVE\n\
                N2,Bob,bob@csv.test,12345,Sales,ACTIVE\n\
                N3,,carl@csv.test,,Sales,ACTIVE\n\
                N4,Dora,dora@csv.test,,Sales,RETIRED\n\
                N5,Eve,eve@csv.test,,Sales\n\
                N6,Fay,fay@csv.test,,Sales,ACTIVE\n\
                N7,Gus,emp0@CSV-other.test,,Ops,ACTIVE\n";
    let (status, report) = upload(app, &t.hr, "employees", "", file.as_bytes()).await;
    assert_eq!(status, 200, "{report}");
    let errors: Vec<(i64, String)> =
        report["errors"].as_array().into_iter().flatten().map(|e| (e["row"].as_i64().unwrap_or(0), s(&e["column"]))).collect();
    assert_eq!(
        errors,
        vec![(2, "email".into()), (3, "phone".into()), (4, "name".into()), (5, "status".into()), (6, "null".into())],
        "{report}"
    );
    assert!(report["errors"][4]["message"].as_str().unwrap_or("").contains("cells"), "{report}");
    // A report with errors cannot be committed.
    let (status, body) = commit(app, &t.hr, &report["id"], "k1").await;
    assert_eq!((status, code(&body)), (400, "VALIDATION".into()), "{body}");
    assert_eq!(count(app, "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1", &t).await, users_before);

    // Whole-file refusals: each a 400 with a plain message.
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"employee_no,name,email,shoe_size\nN1,A,a@csv.test,42\n".to_vec(), "unknown column"),
        (b"employee_no,name\nN1,A\n".to_vec(), "missing column"),
        (b"employee_no,name,email\nN1,A,a@csv.test\nN1,B,b@csv.test\n".to_vec(), "appears twice"),
        (b"PK\x03\x04\x00\x00binary".to_vec(), "binary"),
        (b"employee_no,name,email\n".to_vec(), "no data rows"),
    ];
    for (bytes, words) in cases {
        let (status, body) = upload(app, &t.hr, "employees", "", &bytes).await;
        assert_eq!((status, code(&body)), (400, "VALIDATION".into()), "{body}");
        assert!(s(&body["errors"][0]["message"]).contains(words), "{words}: {body}");
    }
    let big = vec![b'a'; 21 * 1024 * 1024];
    let (status, body) = upload(app, &t.hr, "employees", "", &big).await;
    assert_eq!((status, code(&body)), (400, "VALIDATION".into()), "{body}");
    assert!(s(&body["errors"][0]["message"]).contains("larger than 20 MiB"), "{body}");
    assert_eq!(count(app, "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1", &t).await, users_before);
    app.assert_verified().await;
});

both!(roster_in_gbk_bom_and_semicolons_commits_once_and_offboards, |app| {
    let t = app.tenant(0).await;
    app.stock(&t, "1000.00", "500.00").await;
    // What Excel writes on Chinese Windows: GBK, no BOM.
    let text = "工号,姓名,邮箱,手机号,部门\r\nG1,张三,zhang@gbk.test,13800138001,销售部\r\nG2,李四,li@gbk.test,,运营部\r\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    let (status, report) = upload(app, &t.hr, "employees", "", &gbk).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!((report["rows"].clone(), report["totals"]["new"].clone()), (serde_json::json!(2), serde_json::json!(2)), "{report}");
    let (status, done) = commit(app, &t.hr, &report["id"], "roster-1").await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["new"], 2);
    let names = creditloop_ledger::store::query_all(
        app.app.db.conn(),
        "SELECT name, department, status FROM users WHERE tenant_id = $1 AND employee_no IS NOT NULL ORDER BY employee_no",
        vec![t.id.0.into()],
    )
    .await
    .unwrap_or_default();
    let names: Vec<(String, String, String)> = names
        .iter()
        .map(|r| (r.try_get("", "name").unwrap_or_default(), r.try_get("", "department").unwrap_or_default(), r.try_get("", "status").unwrap_or_default()))
        .collect();
    assert_eq!(names, vec![("张三".into(), "销售部".into(), "INVITED".into()), ("李四".into(), "运营部".into(), "INVITED".into())]);
    // Each new employee got the same invitation as inviteUser sends.
    assert!(app.invitation_token(t.id, "li@gbk.test").await.starts_with("inv_"));

    // The same commit again: a replay with the same key answers the same; another key is refused.
    let (status, again) = commit(app, &t.hr, &report["id"], "roster-1").await;
    assert_eq!((status, again.clone()), (200, done.clone()));
    let (status, body) = commit(app, &t.hr, &report["id"], "roster-2").await;
    assert_eq!((status, code(&body)), (409, "CONFLICT".into()), "{body}");
    // The same bytes uploaded again after the commit are refused outright.
    let (status, body) = upload(app, &t.hr, "employees", "", &gbk).await;
    assert_eq!((status, code(&body)), (409, "CONFLICT".into()), "{body}");
    assert!(s(&body["errors"][0]["message"]).contains("already imported"), "{body}");

    // Give 李四 some credit, then offboard them by leaving them out of a new roster that is
    // UTF-8 with a BOM and semicolon-separated (Excel in European locales).
    let dist = format!("employee_no,amount,expires_at,memo\nG2,30.00,{},welcome\n", (app.app.now() + chrono::Duration::days(30)).format("%Y-%m-%d"));
    import(app, &t.hr, "distributions", "", dist.as_bytes()).await;
    assert_eq!(app.balances(&t).await.1, "470.00");
    let roster = "\u{feff}employee_no;name;email;department\nG1;张三;zhang@gbk.test;\"市场部; 华东\"\n";
    let (status, report) = upload(app, &t.hr, "employees", "?deactivate_missing=1", roster.as_bytes()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!((report["totals"]["updated"].clone(), report["totals"]["deactivated"].clone()), (serde_json::json!(1), serde_json::json!(1)), "{report}");
    let (status, done) = commit(app, &t.hr, &report["id"], "roster-3").await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(count(app, "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1 AND status = 'DEACTIVATED'", &t).await, 1);
    assert_eq!(count(app, "SELECT COUNT(*) AS n FROM users WHERE tenant_id = $1 AND department = '市场部; 华东'", &t).await, 1);
    // The offboarded wallet went back to the pool.
    assert_eq!(app.balances(&t).await.1, "500.00");
    app.assert_verified().await;
});

both!(a_distribution_beyond_the_pool_is_insufficient_funds_and_applies_nothing, |app| {
    let t = app.tenant(2).await;
    app.stock(&t, "1000.00", "100.00").await;
    let expiry = (app.app.now() + chrono::Duration::days(10)).to_rfc3339();
    let file = format!("employee_no,email,amount,expires_at,memo\nE0000,,60.00,{expiry},a\n,{},60.00,{expiry},b\n", t.employees[1].email);
    let (status, report) = upload(app, &t.hr, "distributions", "", file.as_bytes()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!((s(&report["totals"]["amount"]), report["totals"]["employees"].clone()), ("120.00".into(), serde_json::json!(2)));
    let (status, body) = commit(app, &t.hr, &report["id"], "d-1").await;
    assert_eq!((status, code(&body)), (422, "INSUFFICIENT_FUNDS".into()), "{body}");
    assert_eq!(app.balances(&t).await.1, "100.00");
    assert_eq!(app.wallet_balance(&t.employees[0]).await, "0.00");
    assert_eq!(count(app, "SELECT COUNT(*) AS n FROM imports WHERE tenant_id = $1 AND status = 'UPLOADED'", &t).await, 1);
    // Row errors of a distribution: unknown employee, bad amount, past expiry.
    let day = (app.app.now() + chrono::Duration::days(10)).format("%Y-%m-%d");
    let file = format!("employee_no,amount,expires_at\nNOPE,1.00,{day}\nE0000,1.001,{day}\nE0001,1.00,2000-01-01\n");
    let (_, report) = upload(app, &t.hr, "distributions", "", file.as_bytes()).await;
    let errors: Vec<(i64, String)> =
        report["errors"].as_array().into_iter().flatten().map(|e| (e["row"].as_i64().unwrap_or(0), s(&e["column"]))).collect();
    assert_eq!(errors, vec![(2, "employee_no".into()), (3, "amount".into()), (4, "expires_at".into())], "{report}");
    app.assert_verified().await;
});

both!(an_allowance_list_creates_one_schedule, |app| {
    let t = app.tenant(2).await;
    let file = "employee_no,amount,name,frequency,day_of_month,run_at,expiry_days\nE0000,50.00,话费补贴,MONTHLY,1,,\nE0001,50.00,话费补贴,MONTHLY,1,,\n";
    let done = import(app, &t.hr, "allowances", "", file.as_bytes()).await;
    assert!(done["scheduleId"].is_string(), "{done}");
    assert_eq!(count(app, "SELECT COUNT(*) AS n FROM allowance_schedules WHERE tenant_id = $1 AND target = 'LIST'", &t).await, 1);
    let mixed = "employee_no,amount,name,frequency,day_of_month\nE0000,50.00,A,MONTHLY,1\nE0001,60.00,A,MONTHLY,1\n";
    let (_, report) = upload(app, &t.hr, "allowances", "", mixed.as_bytes()).await;
    assert_eq!(report["errors"][0]["row"], 3, "{report}");
    app.assert_verified().await;
});

both!(exports_parse_back_match_the_ledger_and_neutralise_formulas, |app| {
    let t = app.tenant(2).await;
    app.stock(&t, "1000.00", "500.00").await;
    // Rename an employee to a formula through the roster (same number and email).
    let evil = "=HYPERLINK(\"http://evil.test\",\"click\")";
    let roster = format!("employee_no,name,email\nE0000,\"{}\",{}\n", evil.replace('"', "\"\""), t.employees[0].email);
    import(app, &t.hr, "employees", "", roster.as_bytes()).await;
    let expiry = (app.app.now() + chrono::Duration::days(30)).format("%Y-%m-%d");
    let dist = format!("employee_no,amount,expires_at,memo\nE0000,12.30,{expiry},-1+1\nE0000,7.70,{expiry},@memo\nE0001,5.00,{expiry},plain\n");
    import(app, &t.hr, "distributions", "", dist.as_bytes()).await;

    let (status, disposition, bytes) = export(app, &t.finance, "statements", "?bom=1").await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM asked for");
    assert!(disposition.unwrap_or_default().starts_with("attachment; filename=\"creditloop-statements-"));
    let rows = rows_of(&bytes);
    assert_eq!(rows.len(), 3);
    let e0: Vec<_> = rows.iter().filter(|r| r["employee_no"] == "E0000").collect();
    assert_eq!(e0.iter().map(|r| (r["amount"].as_str(), r["balance"].as_str())).collect::<Vec<_>>(), vec![("12.30", "12.30"), ("7.70", "20.00")]);
    assert_eq!(e0[0]["employee"], format!("'{evil}"));
    assert!(e0.iter().any(|r| r["memo"] == "'-1+1") && e0.iter().any(|r| r["memo"] == "'@memo"), "{e0:?}");

    let (status, _, bytes) = export(app, &t.auditor, "entries", "").await;
    assert_eq!(status, 200);
    assert!(!bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "no BOM unless asked");
    let rows = rows_of(&bytes);
    let grants: Vec<_> = rows.iter().filter(|r| r["template"] == "GRANT").collect();
    assert_eq!(grants.len(), 6, "two postings per grant");
    // Amounts stay numbers, minus sign and all.
    assert!(grants.iter().any(|r| r["account_kind"] == "POOL" && r["amount"] == "-12.30"), "{grants:?}");
    let sum: i64 = rows.iter().map(|r| creditloop_domain::Fen::parse(r["amount"].trim_start_matches('-')).map(|f| if r["amount"].starts_with('-') { -f.get() } else { f.get() }).unwrap_or(0)).sum();
    assert_eq!(sum, 0, "every entry balances");

    let (_, _, bytes) = export(app, &t.finance, "balances", "").await;
    let balances = rows_of(&bytes);
    let pool: Vec<_> = balances.iter().filter(|r| r["kind"] == "POOL").collect();
    assert_eq!(pool[0]["balance"], "475.00");
    assert!(balances.iter().any(|r| r["employee_no"] == "E0000" && r["balance"] == "20.00"));
    // As of a day in the past, nothing had happened yet.
    let (_, _, bytes) = export(app, &t.finance, "balances", "?to=2000-01-01").await;
    assert!(rows_of(&bytes).iter().all(|r| r["balance"] == "0.00"));

    let (_, _, bytes) = export(app, &t.finance, "statements", "?employee=E0001").await;
    assert_eq!(rows_of(&bytes).len(), 1);
    let (_, _, bytes) = export(app, &t.finance, "statements", "?department=Ops").await;
    assert_eq!(rows_of(&bytes).iter().map(|r| r["employee_no"].clone()).collect::<Vec<_>>(), vec!["E0001".to_owned()]);
    let (_, _, bytes) = export(app, &t.auditor, "audit", "").await;
    let audit = rows_of(&bytes);
    assert!(audit.iter().any(|r| r["action"] == "imports.upload") && audit.iter().any(|r| r["action"] == "imports.commit"));
    for kind in ["payouts", "settlements", "reconciliation"] {
        let (status, _, bytes) = export(app, &t.owner, kind, "?from=2020-01-01&to=2099-12-31").await;
        assert_eq!(status, 200, "{kind}");
        assert!(rows_of(&bytes).is_empty(), "{kind}");
    }
    let (status, _, bytes) = export(app, &t.finance, "entries", "?from=yesterday").await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&bytes));
    app.assert_verified().await;
});

both!(imports_and_exports_check_permissions, |app| {
    let t = app.tenant(1).await;
    let file = b"employee_no,name,email\nP1,P,p@perm.test\n";
    for who in [&t.employees[0], &t.finance, &t.auditor] {
        let (status, body) = upload(app, who, "employees", "", file).await;
        assert_eq!((status, code(&body)), (403, "FORBIDDEN".into()), "{body}");
    }
    let (status, refused) = upload(app, &t.hr, "distributions", "", b"x").await;
    assert_eq!((status, code(&refused)), (400, "VALIDATION".into()), "HR may run distributions, but this is no CSV: {refused}");
    for who in [&t.employees[0], &t.hr] {
        let (status, _, _) = export(app, who, "entries", "").await;
        assert_eq!(status, 403);
    }
    let res = app.client.get(format!("{}/api/exports/entries", app.address)).send().await.map(|r| r.status().as_u16());
    assert_eq!(res.ok(), Some(401));
    let (status, body) = upload(app, &t.hr, "employees", "", file).await;
    assert_eq!(status, 200);
    let (status, body2) = commit(app, &t.employees[0], &body["id"], "x").await;
    assert_eq!((status, code(&body2)), (403, "FORBIDDEN".into()));
    let res = app.client.get(format!("{}/api/imports/templates/employees", app.address)).send().await;
    let bytes = match res {
        Ok(r) => r.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
        Err(e) => panic!("{e}"),
    };
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(String::from_utf8_lossy(&bytes).contains("张三"));
    app.assert_verified().await;
});

both!(a_hundred_thousand_row_distribution_commits_and_exports_with_flat_memory, |app| {
    let t = app.tenant(0).await;
    let mut roster = String::from("employee_no,name,email,department\n");
    for i in 0..2_000 {
        roster.push_str(&format!("B{i:05},Person {i},p{i}@bulk-{}.test,D{}\n", t.id.0.simple(), i % 7));
    }
    let started = Instant::now();
    let done = import(app, &t.hr, "employees", "", roster.as_bytes()).await;
    assert_eq!(done["new"], 2_000);
    eprintln!("[{:?}] roster 2,000 rows: {:.2} s", app.backend, started.elapsed().as_secs_f64());
    app.stock(&t, "200000.00", "150000.00").await;

    let expiry = (app.app.now() + chrono::Duration::days(60)).format("%Y-%m-%d");
    let mut dist = String::with_capacity(4_000_000);
    dist.push_str("employee_no,amount,expires_at,memo\n");
    for i in 0..100_000 {
        dist.push_str(&format!("B{:05},1.{:02},{expiry},row {i}\n", i % 2_000, i % 100));
    }
    let started = Instant::now();
    let (status, report) = upload(app, &t.hr, "distributions", "", dist.as_bytes()).await;
    let uploaded = started.elapsed().as_secs_f64();
    assert_eq!(status, 200, "{report}");
    assert_eq!((report["rows"].clone(), report["errors"].clone()), (serde_json::json!(100_000), serde_json::json!([])));
    let started = Instant::now();
    let (status, done) = commit(app, &t.hr, &report["id"], "bulk").await;
    let committed = started.elapsed().as_secs_f64();
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["count"], 100_000);
    eprintln!(
        "[{:?}] distribution 100,000 rows: validate {uploaded:.2} s ({:.0} rows/s), commit {committed:.2} s ({:.0} rows/s)",
        app.backend,
        100_000.0 / uploaded,
        100_000.0 / committed
    );
    let total: i64 = (0..100_000i64).map(|i| 100 + i % 100).sum();
    assert_eq!(app.balances(&t).await.2, creditloop_domain::Fen::new(total).to_string());

    // 200,000 postings out as a stream: many chunks, and the serving process does not grow by
    // the size of the file (about 60 MB) while it downloads. The server measured is a separate
    // `creditloop serve` on the same database, so other tests running in this process cannot
    // disturb the measurement.
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(18996);
    let data_dir = std::env::temp_dir().join(format!("creditloop-export-{}", uuid::Uuid::new_v4().simple()));
    let mut server = std::process::Command::new(creditloop_tests::binary())
        .args(["serve", "--no-migrate"])
        .env("CREDITLOOP_DATABASE_URL", app.database_url())
        .env("CREDITLOOP_DATA_DIR", &data_dir)
        .env("CREDITLOOP_LISTEN", format!("127.0.0.1:{port}"))
        .env("CREDITLOOP_WORKERS", "false")
        .env("CREDITLOOP_LOG_LEVEL", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if app.client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let child_rss = |pid: u32| -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()))
            .unwrap_or(0)
    };
    let pid = server.id();
    let before = child_rss(pid);
    let mut peak = before;
    let started = Instant::now();
    let mut res = app
        .client
        .get(format!("{base}/api/exports/entries"))
        .bearer_auth(&t.finance.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status().as_u16(), 200);
    let (mut chunks, mut bytes, mut lines) = (0usize, 0usize, 0usize);
    while let Some(chunk) = res.chunk().await.unwrap_or_else(|e| panic!("{e}")) {
        chunks += 1;
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
        if chunks % 5 == 0 {
            peak = peak.max(child_rss(pid));
        }
    }
    let secs = started.elapsed().as_secs_f64();
    peak = peak.max(child_rss(pid));
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&data_dir);
    eprintln!(
        "[{:?}] export entries: {} rows, {:.1} MB in {chunks} chunks, {secs:.2} s ({:.0} rows/s), RSS {} -> peak {} MB",
        app.backend,
        lines - 1,
        bytes as f64 / 1e6,
        (lines - 1) as f64 / secs,
        before / 1024,
        peak / 1024
    );
    assert!(lines - 1 >= 200_000, "{lines}");
    assert!(chunks > 10, "the export arrived in {chunks} chunks");
    assert!(peak.saturating_sub(before) < 30 * 1024, "RSS grew by {} MB during the export", (peak - before) / 1024);
    app.assert_verified().await;
});

/// Like `both!`, with settings adjusted by `$adjust` and `data_dir` (where background exports
/// are written) in a temporary directory that is removed afterwards.
macro_rules! both_with {
    ($name:ident, $adjust:expr, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: &TestApp) $body

            async fn go(backend: creditloop_tests::Backend) {
                let dir = std::env::temp_dir().join(format!("creditloop-test-data-{}", uuid::Uuid::new_v4().simple()));
                let data_dir = dir.clone();
                let app = TestApp::spawn_with(backend, move |settings| {
                    settings.data_dir = data_dir;
                    #[allow(clippy::redundant_closure_call)]
                    ($adjust)(settings);
                })
                .await;
                run(&app).await;
                app.cleanup().await;
                let _ = std::fs::remove_dir_all(dir);
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                go(creditloop_tests::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                go(creditloop_tests::Backend::Postgres).await;
            }
        }
    };
}

async fn job_request(app: &TestApp, who: &Login, kind: &str, query: &str) -> (u16, Value) {
    let res = app
        .client
        .post(format!("{}/api/exports/{kind}/jobs{query}", app.address))
        .bearer_auth(&who.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("export job request failed: {e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn job_status(app: &TestApp, who: &Login, id: &Value) -> (u16, Value) {
    let res = app
        .client
        .get(format!("{}/api/exports/jobs/{}", app.address, s(id)))
        .bearer_auth(&who.token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("export job status failed: {e}"));
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn job_download(app: &TestApp, who: &Login, id: &Value) -> (u16, Option<String>, Vec<u8>) {
    export(app, who, &format!("jobs/{}/download", s(id)), "").await
}

both_with!(a_background_export_is_written_by_the_worker_mailed_and_downloaded_by_whom_it_may, |_: &mut creditloop_server::Settings| {}, |app| {
    let t = app.tenant(2).await;
    let other = app.tenant(0).await;
    app.stock(&t, "1000.00", "500.00").await;
    let expiry = (app.app.now() + chrono::Duration::days(30)).format("%Y-%m-%d");
    let dist = format!("employee_no,amount,expires_at,memo\nE0000,12.30,{expiry},\"multi\nline\"\nE0001,5.00,{expiry},=1+1\n");
    import(app, &t.hr, "distributions", "", dist.as_bytes()).await;
    let range = "?from=2020-01-01&to=2099-12-31&bom=1";
    let (status, sync_disposition, sync_bytes) = export(app, &t.finance, "entries", range).await;
    assert_eq!(status, 200);
    let sync_rows = rows_of(&sync_bytes);
    assert!(sync_rows.len() >= 6, "{sync_rows:?}");

    // Who may ask: the same permission as the direct download.
    for who in [&t.employees[0], &t.hr] {
        let (status, body) = job_request(app, who, "entries", range).await;
        assert_eq!((status, code(&body)), (403, "FORBIDDEN".into()), "{body}");
    }
    let (status, body) = job_request(app, &t.finance, "entries", "?from=yesterday").await;
    assert_eq!((status, code(&body)), (400, "VALIDATION".into()), "{body}");
    let (status, job) = job_request(app, &t.finance, "entries", range).await;
    assert_eq!(status, 202, "{job}");
    assert_eq!(job["status"], "PENDING", "{job}");
    let id = job["id"].clone();

    // Not ready yet: 409; nobody outside the tenant sees it; an employee may not look.
    let (status, _, body) = job_download(app, &t.finance, &id).await;
    assert_eq!(status, 409, "{}", String::from_utf8_lossy(&body));
    let (status, body) = job_status(app, &other.finance, &id).await;
    assert_eq!((status, code(&body)), (404, "NOT_FOUND".into()), "{body}");
    let (status, body) = job_status(app, &t.employees[0], &id).await;
    assert_eq!((status, code(&body)), (403, "FORBIDDEN".into()), "{body}");

    let pass = app.app.run_worker_pass().await.unwrap_or_else(|e| panic!("worker pass: {e}"));
    assert_eq!(pass.exports_written, 1);
    let (status, job) = job_status(app, &t.finance, &id).await;
    assert_eq!((status, s(&job["status"])), (200, "DONE".into()), "{job}");
    assert_eq!(job["rowCount"], serde_json::json!(sync_rows.len()), "{job}");
    assert_eq!(job["byteSize"], serde_json::json!(sync_bytes.len()), "{job}");

    // The same bytes as the direct download, under the same name.
    let (status, disposition, bytes) = job_download(app, &t.finance, &id).await;
    assert_eq!(status, 200);
    assert_eq!(disposition, sync_disposition);
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM asked for");
    assert_eq!(rows_of(&bytes), sync_rows);
    assert_eq!(bytes, sync_bytes);
    // Anyone with exports.read in the tenant may download it; nobody else.
    let (status, _, bytes) = job_download(app, &t.auditor, &id).await;
    assert_eq!((status, rows_of(&bytes)), (200, sync_rows.clone()));
    let (status, _, _) = job_download(app, &t.employees[0], &id).await;
    assert_eq!(status, 403);
    let (status, _, _) = job_download(app, &other.finance, &id).await;
    assert_eq!(status, 404);
    let (status, _, _) = job_download(app, &t.finance, &serde_json::json!(uuid::Uuid::now_v7().to_string())).await;
    assert_eq!(status, 404);

    // The requester was told, once.
    let messages = creditloop_app::outbox::recent(app.app.db.conn(), t.id, 100).await.unwrap_or_default();
    let ready: Vec<_> = messages
        .iter()
        .filter_map(|m| match m {
            creditloop_app::outbox::Message::ExportReady { export_id, user_id, name } => Some((export_id.to_string(), user_id.0.to_string(), name.clone())),
            _ => None,
        })
        .collect();
    let name = sync_disposition.unwrap_or_default().trim_start_matches("attachment; filename=\"").trim_end_matches('"').to_owned();
    assert_eq!(ready, vec![(s(&id), t.finance.user_id.clone(), name)]);
    // The job is not run twice.
    let pass = app.app.run_worker_pass().await.unwrap_or_else(|e| panic!("worker pass: {e}"));
    assert_eq!(pass.exports_written, 0);
    app.assert_verified().await;
});

both_with!(imports_larger_than_the_configured_limits_are_refused, |s: &mut creditloop_server::Settings| {
    s.import_bytes_max = 2_048;
    s.import_rows_max = 3;
}, |app| {
    let t = app.tenant(0).await;
    let mut big = String::from("employee_no,name,email\n");
    for i in 0..100 {
        big.push_str(&format!("L{i:03},Person {i},p{i}@limits.test\n"));
    }
    assert!(big.len() > 2_048);
    let (status, body) = upload(app, &t.hr, "employees", "", big.as_bytes()).await;
    assert_eq!((status, code(&body)), (400, "VALIDATION".into()), "{body}");
    assert!(s(&body["errors"][0]["message"]).contains("larger than 2 KiB"), "{body}");
    let four = "employee_no,name,email\nL1,A,a@limits.test\nL2,B,b@limits.test\nL3,C,c@limits.test\nL4,D,d@limits.test\n";
    let (status, body) = upload(app, &t.hr, "employees", "", four.as_bytes()).await;
    assert_eq!((status, code(&body)), (400, "VALIDATION".into()), "{body}");
    assert!(s(&body["errors"][0]["message"]).contains("more than 3 rows"), "{body}");
    let three = "employee_no,name,email\nL1,A,a@limits.test\nL2,B,b@limits.test\nL3,C,c@limits.test\n";
    let done = import(app, &t.hr, "employees", "", three.as_bytes()).await;
    assert_eq!(done["new"], 3, "{done}");
});

both!(graphql_points_at_the_csv_endpoints, |app| {
    let t = app.tenant(0).await;
    let q = "{ csvImportUrl(kind: \"distributions\") csvExportUrl(kind: \"statements\", from: \"2026-11-01\", to: \"2026-11-30\", bom: true) }";
    let hr = app.gql(Some(&t.hr.token), "{ csvImportUrl(kind: \"distributions\") }", serde_json::json!({})).await;
    assert_eq!(hr["data"]["csvImportUrl"], "/api/imports/distributions");
    let finance = app.gql(Some(&t.finance.token), "{ csvExportUrl(kind: \"statements\", from: \"2026-11-01\", to: \"2026-11-30\", bom: true) }", serde_json::json!({})).await;
    let url = s(&finance["data"]["csvExportUrl"]);
    assert_eq!(url, "/api/exports/statements?from=2026-11-01&to=2026-11-30&bom=1");
    // The URL it names works with the same credentials.
    let (status, _, body) = export(app, &t.finance, "statements", "?from=2026-11-01&to=2026-11-30&bom=1").await;
    assert_eq!(status, 200);
    assert!(body.starts_with("\u{feff}".as_bytes()));
    assert_eq!(code(&app.gql(Some(&t.hr.token), q, serde_json::json!({})).await), "FORBIDDEN");
    assert_eq!(code(&app.gql(Some(&t.finance.token), "{ csvExportUrl(kind: \"secrets\") }", serde_json::json!({})).await), "VALIDATION");
});
