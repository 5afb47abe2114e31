//! Fault injection against the carrier simulator over real HTTP: with 30% failures, 30%
//! timeouts (half of them after delivering) and 30% "status unknown" answers, every top-up
//! still reaches a terminal state, the carrier delivers each at most once, and the ledger
//! and the carrier reconcile with no mismatch.

use creditloop_carrier::{HttpCarrier, SimConfig, Simulator};
use creditloop_tests::{both, s};
use futures::future::join_all;
use serde_json::json;
use std::sync::Arc;

const TOPUPS: usize = 1000;
const EMPLOYEES: usize = 20;

both!(a_thousand_top_ups_through_a_faulty_carrier_settle_exactly_once, |app| {
    let sim = Arc::new(Simulator::new(SimConfig::try_new(42, 2, 0.3, 0.3, 0.3).unwrap_or_else(|e| panic!("{e}"))));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
    tokio::spawn(creditloop_carrier::serve(listener, sim.clone()));
    let http = HttpCarrier::try_new(&format!("http://127.0.0.1:{port}"), 500).unwrap_or_else(|e| panic!("{e}"));
    let worker = app.app.clone().with_carrier(Arc::new(http));

    let t = app.tenant(EMPLOYEES).await;
    app.stock(&t, "100000.00", "50000.00").await;
    app.ok(&t.owner.token, "mutation { updatePolicy(input: { topupSingleMax: \"200.00\", topupDailyLimit: \"10000.00\", topupMonthlyLimit: \"10000.00\", tenantDailyCap: \"100000.00\", velocityMaxTopups: 1000 }) { velocityMaxTopups } }", json!({})).await;
    for (i, e) in t.employees.iter().enumerate() {
        app.ok(&t.hr.token, "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }",
            json!({ "i": { "employeeId": e.user_id, "amount": "500.00", "expiresAt": app.in_days(30), "idempotencyKey": format!("fill-{i}") } })).await;
    }
    let q = "mutation($p: String!, $a: Money!, $k: String!) { topup(phone: $p, amount: $a, idempotencyKey: $k) { id status } }";
    for chunk in (0..TOPUPS).collect::<Vec<_>>().chunks(25) {
        let answers = join_all(chunk.iter().map(|i| {
            let e = i % EMPLOYEES;
            let amount = format!("1.{:02}", i % 100);
            app.gql(Some(&t.employees[e].token), q, json!({ "p": format!("138{:08}", e + 1), "a": amount, "k": format!("f-{i}") }))
        }))
        .await;
        for a in answers {
            assert_eq!(a["data"]["topup"]["status"], "PENDING", "{a}");
        }
    }
    app.drain(&worker, 200).await;

    let rows = creditloop_ledger::store::query_all(
        app.app.db.conn(),
        "SELECT t.status, t.entry_id, t.amount, e.status AS entry_status FROM topups t JOIN entries e ON e.id = t.entry_id WHERE t.tenant_id = $1",
        vec![t.id.0.into()],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows.len(), TOPUPS);
    let mut delivered_fen = 0i64;
    let (mut succeeded, mut failed) = (0, 0);
    for row in &rows {
        let status: String = row.try_get("", "status").unwrap_or_default();
        let entry: uuid::Uuid = row.try_get("", "entry_id").unwrap_or_default();
        let entry_status: String = row.try_get("", "entry_status").unwrap_or_default();
        let deliveries = sim.delivered_count(&entry.to_string());
        match status.as_str() {
            "SUCCEEDED" => {
                succeeded += 1;
                assert_eq!((deliveries, entry_status.as_str()), (1, "POSTED"), "top-up {entry}");
                delivered_fen += row.try_get::<i64>("", "amount").unwrap_or_default();
            }
            "FAILED" => {
                failed += 1;
                assert_eq!((deliveries, entry_status.as_str()), (0, "VOIDED"), "top-up {entry}");
            }
            other => panic!("top-up {entry} ended {other}"),
        }
    }
    assert_eq!(succeeded + failed, TOPUPS);
    assert!(failed > 100 && succeeded > 100, "the faults should bite both ways: {succeeded} delivered, {failed} failed");
    let stats = sim.stats();
    assert_eq!(stats.duplicate_deliveries, 0);
    assert_eq!(stats.deliveries, succeeded as u64);
    // What left the wallets is exactly what the carrier delivered.
    let mut spent = 0i64;
    for e in &t.employees {
        // The drain moved the clock on by hours: sign in again.
        let e = app.login(&e.email, creditloop_tests::PASSWORD).await;
        let w = app.ok(&e.token, "{ myWallet { balance held } }", json!({})).await;
        assert_eq!(s(&w["myWallet"]["held"]), "0.00");
        spent += 500_00 - creditloop_domain::Fen::parse(&s(&w["myWallet"]["balance"])).map(|f| f.get()).unwrap_or(0);
    }
    assert_eq!(spent, delivered_fen);
    let mismatches = worker.reconcile(None).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(mismatches.is_empty(), "{mismatches:#?}");
    app.assert_verified().await;
});
