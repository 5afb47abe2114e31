//! Funding, purchases, grants, batches, reversals, offboarding, idempotency.

use creditloop_tests::{both, code_of, s, PASSWORD};
use serde_json::json;

const GRANT: &str = "mutation($i: GrantInput!) { grant(input: $i) { entry { id amount status postings { accountKind amount } } lot { remaining expiresAt } } }";
const BATCH: &str = "mutation($i: BatchGrantInput!) { grantBatch(input: $i) { batchId count total } }";

both!(fund_purchase_grant_flow_moves_every_fen, |app| {
    let t = app.tenant(2).await;
    app.stock(&t, "20000.00", "15000.00").await; // price 14400.00: above the threshold, approved by finance
    assert_eq!(app.balances(&t).await, ("5600.00".into(), "15000.00".into(), "0.00".into()));
    let data = app
        .ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": t.employees[0].user_id, "amount": "123.45", "expiresAt": app.in_days(30), "memo": "Q4", "idempotencyKey": "g-1" } }))
        .await;
    assert_eq!(data["grant"]["entry"]["status"], "POSTED");
    assert_eq!(data["grant"]["lot"]["remaining"], "123.45");
    assert_eq!(data["grant"]["entry"]["postings"], json!([{ "accountKind": "POOL", "amount": "-123.45" }, { "accountKind": "WALLET", "amount": "123.45" }]));
    assert_eq!(app.wallet_balance(&t.employees[0]).await, "123.45");
    assert_eq!(app.balances(&t).await, ("5600.00".into(), "14876.55".into(), "123.45".into()));
    let history = app.ok(&t.employees[0].token, "{ myWallet { available nextExpiryAmount entries { totalCount edges { node { template amount } } } } }", json!({})).await;
    assert_eq!(history["myWallet"]["entries"]["totalCount"], 1);
    assert_eq!(history["myWallet"]["nextExpiryAmount"], "123.45");
    app.assert_verified().await;
});

both!(purchases_need_another_person_to_approve, |app| {
    let t = app.tenant(0).await;
    app.ok(&t.finance.token, "mutation { fund(input: { amount: \"50000.00\", reference: \"B\", idempotencyKey: \"f\" }) { id } }", json!({})).await;
    let po = app
        .ok(&t.owner.token, "mutation { requestPurchase(faceValue: \"20000.00\", price: \"19200.00\", supplier: \"S\", idempotencyKey: \"po\") { id status } }", json!({}))
        .await;
    assert_eq!(po["requestPurchase"]["status"], "PENDING_APPROVAL");
    let id = po["requestPurchase"]["id"].clone();
    let approve = "mutation($id: ID!, $k: String!) { approvePurchase(id: $id, idempotencyKey: $k) { status decidedBy { email } } }";
    // The owner may approve, but not their own request.
    assert_eq!(app.err(Some(&t.owner.token), approve, json!({ "id": id, "k": "a1" })).await, "FORBIDDEN");
    assert_eq!(app.err(Some(&t.hr.token), approve, json!({ "id": id, "k": "a2" })).await, "FORBIDDEN");
    let done = app.ok(&t.finance.token, approve, json!({ "id": id, "k": "a3" })).await;
    assert_eq!(done["approvePurchase"]["status"], "APPROVED");
    assert_eq!(app.err(Some(&t.finance.token), approve, json!({ "id": id, "k": "a4" })).await, "CONFLICT");
    // Rejection needs a reason and leaves the money alone.
    let po2 = app
        .ok(&t.hr.token, "mutation { requestPurchase(faceValue: \"40000.00\", price: \"38400.00\", supplier: \"S\", idempotencyKey: \"po2\") { id } }", json!({}))
        .await;
    let rejected = app
        .ok(&t.finance.token, "mutation($id: ID!) { rejectPurchase(id: $id, reason: \"over budget\") { status reason } }", json!({ "id": po2["requestPurchase"]["id"] }))
        .await;
    assert_eq!(rejected["rejectPurchase"]["reason"], "over budget");
    assert_eq!(app.balances(&t).await, ("30800.00".into(), "20000.00".into(), "0.00".into()));
});

both!(approval_without_funding_is_insufficient_funds, |app| {
    let t = app.tenant(0).await;
    let po = app
        .ok(&t.hr.token, "mutation { requestPurchase(faceValue: \"20000.00\", price: \"19200.00\", supplier: \"S\", idempotencyKey: \"po\") { id } }", json!({}))
        .await;
    let approve = "mutation($id: ID!) { approvePurchase(id: $id, idempotencyKey: \"a\") { status } }";
    assert_eq!(app.err(Some(&t.finance.token), approve, json!({ "id": po["requestPurchase"]["id"] })).await, "INSUFFICIENT_FUNDS");
    let order = app.ok(&t.finance.token, "{ purchaseOrders { status } }", json!({})).await;
    assert_eq!(order["purchaseOrders"][0]["status"], "PENDING_APPROVAL");
    app.assert_verified().await;
});

both!(idempotency_replays_and_conflicts, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "500.00").await;
    let input = json!({ "employeeId": t.employees[0].user_id, "amount": "10.00", "expiresAt": app.in_days(30), "idempotencyKey": "same" });
    let first = app.ok(&t.hr.token, GRANT, json!({ "i": input })).await;
    let again = app.ok(&t.hr.token, GRANT, json!({ "i": input })).await;
    assert_eq!(first["grant"]["entry"]["id"], again["grant"]["entry"]["id"]);
    assert_eq!(app.wallet_balance(&t.employees[0]).await, "10.00");
    let mut changed = input.clone();
    changed["amount"] = json!("11.00");
    assert_eq!(app.err(Some(&t.hr.token), GRANT, json!({ "i": changed })).await, "CONFLICT");
    assert_eq!(app.wallet_balance(&t.employees[0]).await, "10.00");
    app.assert_verified().await;
});

both!(overdrawing_the_pool_changes_nothing, |app| {
    let t = app.tenant(2).await;
    app.stock(&t, "1000.00", "100.00").await;
    let res = app
        .gql(Some(&t.hr.token), GRANT, json!({ "i": { "employeeId": t.employees[0].user_id, "amount": "100.01", "expiresAt": app.in_days(30), "idempotencyKey": "big" } }))
        .await;
    assert_eq!(code_of(&res).as_deref(), Some("INSUFFICIENT_FUNDS"));
    let items: Vec<_> = t.employees.iter().map(|e| json!({ "employeeId": e.user_id, "amount": "50.01" })).collect();
    let res = app.gql(Some(&t.hr.token), BATCH, json!({ "i": { "items": items, "expiresAt": app.in_days(30), "idempotencyKey": "b" } })).await;
    assert_eq!(code_of(&res).as_deref(), Some("INSUFFICIENT_FUNDS"));
    assert_eq!(app.balances(&t).await.1, "100.00");
    // The failed key was not consumed: the same key can do a smaller, valid batch later.
    let items: Vec<_> = t.employees.iter().map(|e| json!({ "employeeId": e.user_id, "amount": "50.00" })).collect();
    let done = app.ok(&t.hr.token, BATCH, json!({ "i": { "items": items, "expiresAt": app.in_days(30), "idempotencyKey": "b" } })).await;
    assert_eq!(done["grantBatch"]["total"], "100.00");
    assert_eq!(app.balances(&t).await.1, "0.00");
    app.assert_verified().await;
});

both!(batch_grants_are_all_or_nothing, |app| {
    let t = app.tenant(3).await;
    app.stock(&t, "2000.00", "1000.00").await;
    let mut items: Vec<_> = t.employees.iter().map(|e| json!({ "employeeId": e.user_id, "amount": "20.00" })).collect();
    items.push(json!({ "employeeId": t.hr.user_id, "amount": "20.00" })); // not an employee
    let res = app.gql(Some(&t.hr.token), BATCH, json!({ "i": { "items": items, "expiresAt": app.in_days(30), "idempotencyKey": "b1" } })).await;
    assert_eq!(code_of(&res).as_deref(), Some("NOT_FOUND"));
    assert_eq!(res["errors"][0]["extensions"]["field"], "items[3].employeeId");
    items.pop();
    items.push(json!({ "employeeId": t.employees[0].user_id, "amount": "5.00", "memo": "top-up" }));
    let done = app.ok(&t.hr.token, BATCH, json!({ "i": { "items": items, "expiresAt": app.in_days(30), "memo": "Nov", "idempotencyKey": "b2" } })).await;
    assert_eq!((done["grantBatch"]["count"].clone(), s(&done["grantBatch"]["total"])), (json!(4), "65.00".into()));
    assert_eq!(app.wallet_balance(&t.employees[0]).await, "25.00");
    let entries = app
        .ok(&t.auditor.token, "query($b: ID!) { entries(filter: { batchId: $b }) { totalCount } }", json!({ "b": done["grantBatch"]["batchId"] }))
        .await;
    assert_eq!(entries["entries"]["totalCount"], 4);
    app.assert_verified().await;
});

both!(reversals_restore_and_happen_once, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "500.00").await;
    let g = app
        .ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": t.employees[0].user_id, "amount": "40.00", "expiresAt": app.in_days(30), "idempotencyKey": "g" } }))
        .await;
    let id = g["grant"]["entry"]["id"].clone();
    let reverse = "mutation($id: ID!, $k: String!) { reverseEntry(id: $id, reason: \"granted to the wrong person\", idempotencyKey: $k) { template reversesId postings { accountKind amount } } }";
    assert_eq!(app.err(Some(&t.hr.token), reverse, json!({ "id": id, "k": "r0" })).await, "FORBIDDEN");
    let r = app.ok(&t.finance.token, reverse, json!({ "id": id, "k": "r1" })).await;
    assert_eq!(r["reverseEntry"]["reversesId"], id);
    assert_eq!(app.wallet_balance(&t.employees[0]).await, "0.00");
    assert_eq!(app.balances(&t).await.1, "500.00");
    assert_eq!(app.err(Some(&t.finance.token), reverse, json!({ "id": id, "k": "r2" })).await, "CONFLICT");
    let original = app.ok(&t.finance.token, "query($id: ID!) { entry(id: $id) { status reversedById } }", json!({ "id": id })).await;
    assert_eq!(original["entry"]["status"], "POSTED");
    assert!(original["entry"]["reversedById"].is_string());
    app.assert_verified().await;
});

both!(offboarding_returns_the_wallet_to_the_pool, |app| {
    let t = app.tenant(2).await;
    app.stock(&t, "1000.00", "300.00").await;
    for (i, e) in t.employees.iter().enumerate() {
        app.ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": e.user_id, "amount": "70.00", "expiresAt": app.in_days(10 + i as i64), "idempotencyKey": format!("g{i}") } })).await;
    }
    let q = "mutation($id: ID!, $k: String!) { deactivateUser(id: $id, idempotencyKey: $k) { status wallet { balance } } }";
    let done = app.ok(&t.hr.token, q, json!({ "id": t.employees[0].user_id, "k": "off-1" })).await;
    assert_eq!(done["deactivateUser"]["status"], "DEACTIVATED");
    assert_eq!(done["deactivateUser"]["wallet"]["balance"], "0.00");
    assert_eq!(app.balances(&t).await.1, "230.00");
    // The employee's sessions end with the employment; a replay changes nothing.
    assert_eq!(app.err(Some(&t.employees[0].token), "{ myWallet { balance } }", json!({})).await, "UNAUTHENTICATED");
    app.ok(&t.hr.token, q, json!({ "id": t.employees[0].user_id, "k": "off-1" })).await;
    assert_eq!(app.balances(&t).await.1, "230.00");
    // No more grants to a deactivated employee.
    let res = app.gql(Some(&t.hr.token), GRANT, json!({ "i": { "employeeId": t.employees[0].user_id, "amount": "1.00", "expiresAt": app.in_days(3), "idempotencyKey": "late" } })).await;
    assert_eq!(code_of(&res).as_deref(), Some("NOT_FOUND"));
    app.assert_verified().await;
});

both!(expired_credit_cannot_be_spent_before_the_sweep, |app| {
    use creditloop_domain::{Fen, UserId};
    use creditloop_ledger::{engine, Template};
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "300.00").await;
    let e = &t.employees[0];
    app.ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": e.user_id, "amount": "30.00", "expiresAt": app.in_days(1), "idempotencyKey": "short" } })).await;
    app.ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": e.user_id, "amount": "20.00", "expiresAt": app.in_days(60), "idempotencyKey": "long" } })).await;
    app.clock.advance(chrono::Duration::days(2));
    let employee = UserId::parse(&e.user_id).unwrap_or_else(|| panic!("id"));
    let meta = |k: &str| engine::Meta { idempotency_key: k.into(), created_by: "test".into(), memo: None, metadata: None };
    let tx = app.app.db.begin_write().await.unwrap_or_else(|e| panic!("{e}"));
    let spend = engine::record(&*tx, t.id, app.app.now(), &Template::TopupHold { employee, amount: Fen::new(25_00) }, &meta("h1")).await;
    assert!(matches!(spend, Err(creditloop_ledger::LedgerError::InsufficientFunds { .. })), "{spend:?}");
    drop(tx);
    let tx = app.app.db.begin_write().await.unwrap_or_else(|e| panic!("{e}"));
    engine::record(&*tx, t.id, app.app.now(), &Template::TopupHold { employee, amount: Fen::new(20_00) }, &meta("h2")).await.unwrap_or_else(|e| panic!("{e}"));
    tx.commit().await.unwrap_or_else(|e| panic!("{e}"));
    let wallet = app.ok(&app.login(&e.email, creditloop_tests::PASSWORD).await.token, "{ myWallet { balance available held } }", json!({})).await;
    assert_eq!(wallet["myWallet"], json!({ "balance": "50.00", "available": "0.00", "held": "20.00" }));
    app.assert_verified().await;
});

both!(grantees_are_told_and_finance_hears_once_when_the_pool_runs_low, |app| {
    use creditloop_app::outbox::Message;
    let t = app.tenant(2).await;
    app.stock(&t, "5000.00", "2000.00").await;
    let kinds = || async {
        creditloop_app::outbox::recent(app.app.db.conn(), t.id, 500).await.unwrap_or_default()
    };
    // 2000.00 - 1500.00 = 500.00 crosses the default low-pool threshold of 1000.00.
    app.ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": t.employees[0].user_id, "amount": "1500.00", "expiresAt": app.in_days(30), "idempotencyKey": "big" } })).await;
    let items: Vec<_> = t.employees.iter().map(|e| json!({ "employeeId": e.user_id, "amount": "10.00" })).collect();
    app.ok(&t.hr.token, BATCH, json!({ "i": { "items": items, "expiresAt": app.in_days(30), "idempotencyKey": "b" } })).await;
    let messages = kinds().await;
    let received = messages.iter().filter(|m| matches!(m, Message::CreditReceived { .. })).count();
    let low = messages.iter().filter(|m| matches!(m, Message::LowPoolBalance { .. })).count();
    assert_eq!((received, low), (3, 1), "{messages:#?}");
    assert!(messages.iter().any(|m| matches!(m, Message::LowPoolBalance { balance, threshold } if balance == "500.00" && threshold == "1000.00")));
});

// A client that retries an applied grant must get the grant's answer, not a refusal from a
// check that only fails now: the expiry has passed since, or the employee was offboarded.
both!(a_retried_grant_answers_as_applied_after_its_expiry_passed_or_the_employee_left, |app| {
    let t = app.tenant(2).await;
    app.stock(&t, "1000.00", "500.00").await;
    let grant = "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }";
    let batch = "mutation($i: BatchGrantInput!) { grantBatch(input: $i) { batchId count } }";
    let soon = (app.app.now() + chrono::Duration::minutes(5)).to_rfc3339();
    let single = json!({ "i": { "employeeId": t.employees[0].user_id, "amount": "10.00", "expiresAt": soon, "idempotencyKey": "retry-1" } });
    let many = json!({ "i": { "expiresAt": soon, "idempotencyKey": "retry-2",
        "items": [{ "employeeId": t.employees[0].user_id, "amount": "1.00" }, { "employeeId": t.employees[1].user_id, "amount": "2.00" }] } });
    let first = app.ok(&t.hr.token, grant, single.clone()).await;
    let first_batch = app.ok(&t.hr.token, batch, many.clone()).await;
    app.clock.advance(chrono::Duration::minutes(10));
    let hr = app.login(&t.hr.email, PASSWORD).await;
    assert_eq!(app.ok(&hr.token, grant, single.clone()).await, first);
    assert_eq!(app.ok(&hr.token, batch, many.clone()).await, first_batch);
    // The second grantee leaves; the batch's retry still answers as applied.
    let off = "mutation($id: ID!, $k: String!) { deactivateUser(id: $id, idempotencyKey: $k) { status } }";
    app.ok(&hr.token, off, json!({ "id": t.employees[1].user_id, "k": "off-1" })).await;
    assert_eq!(app.ok(&hr.token, batch, many).await, first_batch);
    // A different request under a used key is still a conflict, checked before the expiry.
    let mut other = single.clone();
    other["i"]["amount"] = json!("11.00");
    assert_eq!(app.err(Some(&hr.token), grant, other).await, "CONFLICT");
    // And a new request with a passed expiry is refused as before.
    let mut fresh = single;
    fresh["i"]["idempotencyKey"] = json!("retry-3");
    assert_eq!(app.err(Some(&hr.token), grant, fresh).await, "VALIDATION");
    app.assert_verified().await;
});
