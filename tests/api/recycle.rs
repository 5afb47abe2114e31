//! Recycling pool credit to cash (quotes, holds, review, settlement, vouchers) and employee
//! cash-outs with their payouts.

use creditloop_tests::{both, code_of, s, TestApp, TestTenant};
use serde_json::{json, Value};

const QUOTE: &str = "mutation($f: Money!) { quoteRecycle(faceValue: $f) { id faceValue rate gross fee net roundingRemainder settlementDelayDays expiresAt } }";
const CONFIRM: &str = "mutation($q: ID!, $k: String!) { confirmRecycle(quoteId: $q, idempotencyKey: $k) { id status settleAfter net entry { status } } }";
const SETTLE: &str = "mutation { settleDueRecycles }";
const RECYCLES: &str = "{ recycles { id status faceValue gross fee net roundingRemainder settledAt voucher { number hash verified content } } }";
const VOUCHER: &str = "query($n: String!) { voucher(number: $n) { number hash issuedAt content verified } }";
const CASHOUT: &str = "mutation($a: Money!, $k: String!) { cashout(amount: $a, idempotencyKey: $k) { id status credit rate cash roundingRemainder entry { status } } }";
const GRANT: &str = "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }";

/// Moves the manual clock and signs everyone in again (sessions end after 30 idle minutes).
async fn advance(app: &TestApp, t: &mut TestTenant, by: chrono::Duration) {
    app.clock.advance(by);
    for login in [&mut t.owner, &mut t.hr, &mut t.finance, &mut t.auditor].into_iter().chain(t.employees.iter_mut()) {
        login.token = app.login(&login.email, creditloop_tests::PASSWORD).await.token;
    }
}

/// Changes the tenant's policy as its owner.
async fn set_policy(app: &TestApp, t: &TestTenant, change: Value) {
    app.ok(&t.owner.token, "mutation($i: PolicyInput!) { updatePolicy(input: $i) { recycleRate } }", json!({ "i": change })).await;
}

async fn sql_count(app: &TestApp, sql: &str, t: &TestTenant) -> i64 {
    let row = creditloop_ledger::store::query_one(app.app.db.conn(), sql, vec![t.id.0.into()])
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no row"));
    row.try_get("", "n").unwrap_or_else(|e| panic!("{e}"))
}

/// Quotes and confirms a recycle by finance; returns the confirmed recycle.
async fn recycle(app: &TestApp, t: &TestTenant, face: &str, key: &str) -> Value {
    let quote = app.ok(&t.finance.token, QUOTE, json!({ "f": face })).await;
    let done = app.ok(&t.finance.token, CONFIRM, json!({ "q": quote["quoteRecycle"]["id"], "k": key })).await;
    done["confirmRecycle"].clone()
}

async fn fees(app: &TestApp, t: &TestTenant) -> String {
    let data = app.ok(&t.finance.token, "{ accounts(kind: FEES) { edges { node { posted } } } }", json!({})).await;
    data["accounts"]["edges"].get(0).map(|e| s(&e["node"]["posted"])).unwrap_or_else(|| "0.00".into())
}

async fn settle(app: &TestApp, t: &TestTenant) -> i64 {
    app.ok(&t.finance.token, SETTLE, json!({})).await["settleDueRecycles"].as_i64().unwrap_or(-1)
}

fn is_voucher_number(n: &str) -> bool {
    let parts: Vec<&str> = n.split('-').collect();
    parts.len() == 3
        && parts[0] == "RV"
        && parts[1].len() == 4
        && parts[1].bytes().all(|b| b.is_ascii_digit())
        && parts[2].len() == 6
        && parts[2].bytes().all(|b| b.is_ascii_digit())
}

both!(recycle_settles_after_the_delay_with_a_voucher, |app| {
    let mut t = app.tenant(0).await;
    app.stock(&t, "20000.00", "10000.00").await; // price 9600.00
    set_policy(app, &t, json!({ "recycleFee": "5.00" })).await;
    let quote = app.ok(&t.finance.token, QUOTE, json!({ "f": "1000.00" })).await;
    let q = &quote["quoteRecycle"];
    assert_eq!(
        (s(&q["rate"]), s(&q["gross"]), s(&q["fee"]), s(&q["net"]), s(&q["roundingRemainder"]), q["settlementDelayDays"].clone()),
        ("0.9000".into(), "900.00".into(), "5.00".into(), "895.00".into(), "0.000000".into(), json!(1))
    );
    // HR may not recycle; the auditor may read.
    assert_eq!(app.err(Some(&t.hr.token), QUOTE, json!({ "f": "1.00" })).await, "FORBIDDEN");
    let confirmed = app.ok(&t.finance.token, CONFIRM, json!({ "q": q["id"], "k": "c1" })).await;
    let r = &confirmed["confirmRecycle"];
    assert_eq!((r["status"].clone(), r["entry"]["status"].clone()), (json!("HELD"), json!("PENDING")));
    // The face value is held in the pool; funding waits for settlement.
    assert_eq!(app.balances(&t).await, ("10400.00".into(), "9000.00".into(), "0.00".into()));
    assert_eq!(settle(app, &t).await, 0);
    advance(app, &mut t, chrono::Duration::hours(23)).await;
    assert_eq!(settle(app, &t).await, 0);
    assert_eq!(app.balances(&t).await.0, "10400.00");
    advance(app, &mut t, chrono::Duration::hours(1)).await;
    assert_eq!(settle(app, &t).await, 1);
    assert_eq!(settle(app, &t).await, 0);
    assert_eq!(app.balances(&t).await, ("11295.00".into(), "9000.00".into(), "0.00".into()));
    assert_eq!(fees(app, &t).await, "5.00");
    let list = app.ok(&t.auditor.token, RECYCLES, json!({})).await;
    let r = &list["recycles"][0];
    assert_eq!(r["status"], "SETTLED");
    let voucher = &r["voucher"];
    let number = s(&voucher["number"]);
    assert!(is_voucher_number(&number) && number.ends_with("-000001"), "{number}");
    assert_eq!(voucher["verified"], true);
    assert_eq!(s(&voucher["hash"]), creditloop_app::recycle::content_hash(&s(&voucher["content"])));
    let content = s(&voucher["content"]);
    for line in [format!("voucher={number}"), format!("tenant={}", t.id), "face_value=1000.00".into(), "net=895.00".into(), "fee=5.00".into()] {
        assert!(content.lines().any(|l| l == line), "{line} missing from {content}");
    }
    // The same request replays the same recycle.
    let again = app.ok(&t.finance.token, CONFIRM, json!({ "q": q["id"], "k": "c1" })).await;
    assert_eq!(again["confirmRecycle"]["id"], confirmed["confirmRecycle"]["id"]);
    // Tampering with the stored content is evident.
    let found = app.ok(&t.finance.token, VOUCHER, json!({ "n": number })).await;
    assert_eq!(found["voucher"]["verified"], true);
    creditloop_ledger::store::exec(
        app.app.db.conn(),
        "UPDATE vouchers SET content = REPLACE(content, 'net=895.00', 'net=995.00') WHERE tenant_id = $1",
        vec![t.id.0.into()],
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let found = app.ok(&t.finance.token, VOUCHER, json!({ "n": number })).await;
    assert_eq!(found["voucher"]["verified"], false);
    let missing = app.ok(&t.finance.token, VOUCHER, json!({ "n": "RV-1999-000001" })).await;
    assert!(missing["voucher"].is_null());
    app.assert_verified().await;
});

both!(t_plus_zero_settles_at_once, |app| {
    let t = app.tenant(0).await;
    app.stock(&t, "2000.00", "1000.00").await;
    set_policy(app, &t, json!({ "settlementDelayDays": 0 })).await;
    let r = recycle(app, &t, "100.00", "c").await;
    assert_eq!(r["status"], "HELD");
    assert_eq!(settle(app, &t).await, 1);
    let list = app.ok(&t.finance.token, RECYCLES, json!({})).await;
    assert_eq!(list["recycles"][0]["status"], "SETTLED");
    assert_eq!(list["recycles"][0]["voucher"]["verified"], true);
    assert_eq!(app.balances(&t).await.0, "1130.00"); // 2000 - 960 + 90
    app.assert_verified().await;
});

both!(quotes_expire_and_are_used_once, |app| {
    let t = app.tenant(0).await;
    app.stock(&t, "2000.00", "1000.00").await;
    let quote = app.ok(&t.finance.token, QUOTE, json!({ "f": "10.00" })).await;
    app.clock.advance(chrono::Duration::minutes(16));
    let res = app.gql(Some(&t.finance.token), CONFIRM, json!({ "q": quote["quoteRecycle"]["id"], "k": "late" })).await;
    assert_eq!(code_of(&res).as_deref(), Some("CONFLICT"), "{res}");
    let quote = app.ok(&t.finance.token, QUOTE, json!({ "f": "10.00" })).await;
    let id = quote["quoteRecycle"]["id"].clone();
    let first = app.ok(&t.finance.token, CONFIRM, json!({ "q": id, "k": "a" })).await;
    assert_eq!(app.err(Some(&t.finance.token), CONFIRM, json!({ "q": id, "k": "b" })).await, "CONFLICT");
    let replay = app.ok(&t.finance.token, CONFIRM, json!({ "q": id, "k": "a" })).await;
    assert_eq!(replay["confirmRecycle"]["id"], first["confirmRecycle"]["id"]);
    // A key belongs to one request.
    let other = app.ok(&t.finance.token, QUOTE, json!({ "f": "10.00" })).await;
    assert_eq!(app.err(Some(&t.finance.token), CONFIRM, json!({ "q": other["quoteRecycle"]["id"], "k": "a" })).await, "CONFLICT");
    // Unknown quotes and bad input.
    let res = app.gql(Some(&t.finance.token), CONFIRM, json!({ "q": uuid::Uuid::now_v7().to_string(), "k": "c" })).await;
    assert_eq!((code_of(&res).as_deref(), res["errors"][0]["extensions"]["field"].clone()), (Some("NOT_FOUND"), json!("quoteId")));
    let res = app.gql(Some(&t.finance.token), QUOTE, json!({ "f": "0.00" })).await;
    assert_eq!((code_of(&res).as_deref(), res["errors"][0]["extensions"]["field"].clone()), (Some("VALIDATION"), json!("faceValue")));
    set_policy(app, &t, json!({ "recycleFee": "0.90" })).await;
    let res = app.gql(Some(&t.finance.token), QUOTE, json!({ "f": "1.00" })).await; // gross 0.90: the fee takes it all
    assert_eq!((code_of(&res).as_deref(), res["errors"][0]["extensions"]["field"].clone()), (Some("VALIDATION"), json!("faceValue")));
    assert_eq!(app.balances(&t).await.1, "990.00");
    app.assert_verified().await;
});

both!(recycling_more_than_the_pool_changes_nothing, |app| {
    let t = app.tenant(0).await;
    app.stock(&t, "1000.00", "100.00").await;
    let before = app.balances(&t).await;
    let quote = app.ok(&t.finance.token, QUOTE, json!({ "f": "100.01" })).await;
    let res = app.gql(Some(&t.finance.token), CONFIRM, json!({ "q": quote["quoteRecycle"]["id"], "k": "big" })).await;
    assert_eq!(code_of(&res).as_deref(), Some("INSUFFICIENT_FUNDS"), "{res}");
    assert_eq!(app.balances(&t).await, before);
    let list = app.ok(&t.finance.token, RECYCLES, json!({})).await;
    assert_eq!(list["recycles"], json!([]));
    // The key was not consumed, nor the quote: a smaller recycle under the same key works.
    let quote = app.ok(&t.finance.token, QUOTE, json!({ "f": "100.00" })).await;
    let done = app.ok(&t.finance.token, CONFIRM, json!({ "q": quote["quoteRecycle"]["id"], "k": "big" })).await;
    assert_eq!(done["confirmRecycle"]["status"], "HELD");
    assert_eq!(app.balances(&t).await.1, "0.00");
    app.assert_verified().await;
});

both!(large_recycles_need_another_person_to_approve, |app| {
    let mut t = app.tenant(0).await;
    app.stock(&t, "20000.00", "5000.00").await;
    set_policy(app, &t, json!({ "recycleReviewThreshold": "1000.00" })).await;
    let big = recycle(app, &t, "2000.00", "big").await;
    assert_eq!(big["status"], "REVIEW");
    assert!(big["settleAfter"].is_null());
    assert_eq!(app.balances(&t).await.1, "3000.00");
    let approve = "mutation($id: ID!) { approveRecycle(id: $id) { status settleAfter decidedBy { email } } }";
    assert_eq!(app.err(Some(&t.finance.token), approve, json!({ "id": big["id"] })).await, "FORBIDDEN");
    assert_eq!(app.err(Some(&t.hr.token), approve, json!({ "id": big["id"] })).await, "FORBIDDEN");
    // Nothing settles while under review.
    advance(app, &mut t, chrono::Duration::days(2)).await;
    assert_eq!(settle(app, &t).await, 0);
    let approved = app.ok(&t.owner.token, approve, json!({ "id": big["id"] })).await;
    assert_eq!(approved["approveRecycle"]["status"], "HELD");
    assert_eq!(approved["approveRecycle"]["decidedBy"]["email"], json!(t.owner.email));
    assert_eq!(app.err(Some(&t.owner.token), approve, json!({ "id": big["id"] })).await, "CONFLICT");
    // The delay starts at approval.
    assert_eq!(settle(app, &t).await, 0);
    advance(app, &mut t, chrono::Duration::days(1)).await;
    assert_eq!(settle(app, &t).await, 1);
    // Rejection releases the hold.
    let other = recycle(app, &t, "1500.00", "other").await;
    assert_eq!(other["status"], "REVIEW");
    assert_eq!(app.balances(&t).await.1, "1500.00");
    let reject = "mutation($id: ID!, $r: String!) { rejectRecycle(id: $id, reason: $r) { status reason entry { status } } }";
    assert_eq!(app.err(Some(&t.finance.token), reject, json!({ "id": other["id"], "r": "mine" })).await, "FORBIDDEN");
    let res = app.gql(Some(&t.owner.token), reject, json!({ "id": other["id"], "r": "" })).await;
    assert_eq!(res["errors"][0]["extensions"]["field"], "reason");
    let rejected = app.ok(&t.owner.token, reject, json!({ "id": other["id"], "r": "rate too low" })).await;
    assert_eq!(rejected["rejectRecycle"], json!({ "status": "REJECTED", "reason": "rate too low", "entry": { "status": "VOIDED" } }));
    assert_eq!(app.balances(&t).await.1, "3000.00");
    // Cancelling a held one releases it too, once.
    let small = recycle(app, &t, "100.00", "small").await;
    assert_eq!(small["status"], "HELD");
    let cancel = "mutation($id: ID!) { cancelRecycle(id: $id, reason: \"changed our mind\") { status entry { status } } }";
    let cancelled = app.ok(&t.finance.token, cancel, json!({ "id": small["id"] })).await;
    assert_eq!(cancelled["cancelRecycle"], json!({ "status": "CANCELLED", "entry": { "status": "VOIDED" } }));
    assert_eq!(app.err(Some(&t.finance.token), cancel, json!({ "id": small["id"] })).await, "CONFLICT");
    advance(app, &mut t, chrono::Duration::days(2)).await;
    assert_eq!(settle(app, &t).await, 0);
    assert_eq!(app.balances(&t).await, ("17000.00".into(), "3000.00".into(), "0.00".into())); // 20000 - 4800 + 1800
    app.assert_verified().await;
});

both!(concurrent_settlement_runs_settle_each_recycle_once, |app| {
    let mut t = app.tenant(0).await;
    app.stock(&t, "2000.00", "1000.00").await; // funding 1040.00
    const N: usize = 6;
    for i in 0..N {
        recycle(app, &t, "10.00", &format!("r{i}")).await;
    }
    advance(app, &mut t, chrono::Duration::days(1)).await;
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let a = app.app.clone();
            tokio::spawn(async move { a.settle_due_recycles().await })
        })
        .collect();
    let mut settled = 0;
    for run in futures::future::join_all(runs).await {
        settled += run.unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(settled, N);
    assert_eq!(app.app.settle_due_recycles().await.unwrap_or_else(|e| panic!("{e}")), 0);
    let count = |sql: &'static str| sql_count(app, sql, &t);
    assert_eq!(count("SELECT COUNT(*) AS n FROM vouchers WHERE tenant_id = $1").await, N as i64);
    assert_eq!(count("SELECT COUNT(DISTINCT number) AS n FROM vouchers WHERE tenant_id = $1").await, N as i64);
    assert_eq!(count("SELECT last AS n FROM voucher_sequences WHERE tenant_id = $1").await, N as i64);
    assert_eq!(
        count("SELECT COUNT(*) AS n FROM entries WHERE tenant_id = $1 AND template = 'RECYCLE_HOLD' AND status = 'POSTED'").await,
        N as i64
    );
    let list = app.ok(&t.finance.token, RECYCLES, json!({})).await;
    let mut numbers: Vec<String> = list["recycles"].as_array().map(|a| a.iter().map(|r| s(&r["voucher"]["number"])).collect()).unwrap_or_default();
    numbers.sort();
    let suffixes: Vec<String> = numbers.iter().map(|n| n.rsplit('-').next().unwrap_or_default().to_owned()).collect();
    assert_eq!(suffixes, (1..=N).map(|i| format!("{i:06}")).collect::<Vec<_>>());
    assert_eq!(app.balances(&t).await.0, "1094.00"); // 1040 + 6 * 9.00
    // The system's settlements are audited.
    let audit = app.ok(&t.auditor.token, "{ auditLog(filter: { action: \"recycles.settle\" }) { totalCount edges { node { actor outcome } } } }", json!({})).await;
    assert_eq!(audit["auditLog"]["totalCount"], N);
    assert_eq!(audit["auditLog"]["edges"][0]["node"], json!({ "actor": "system", "outcome": "ok" }));
    app.assert_verified().await;
});

both!(half_a_fen_rounds_up_and_the_remainder_is_recorded, |app| {
    let t = app.tenant(0).await;
    app.stock(&t, "2000.00", "1000.00").await;
    set_policy(app, &t, json!({ "settlementDelayDays": 0 })).await;
    // 123.45 * 0.9000 = 111.105: half a fen, rounded up.
    let quote = app.ok(&t.finance.token, QUOTE, json!({ "f": "123.45" })).await;
    assert_eq!((s(&quote["quoteRecycle"]["gross"]), s(&quote["quoteRecycle"]["roundingRemainder"])), ("111.11".into(), "-0.005000".into()));
    app.ok(&t.finance.token, CONFIRM, json!({ "q": quote["quoteRecycle"]["id"], "k": "r" })).await;
    assert_eq!(settle(app, &t).await, 1);
    let list = app.ok(&t.finance.token, RECYCLES, json!({})).await;
    let r = &list["recycles"][0];
    assert_eq!((s(&r["gross"]), s(&r["net"]), s(&r["roundingRemainder"])), ("111.11".into(), "111.11".into(), "-0.005000".into()));
    let content = s(&r["voucher"]["content"]);
    assert!(content.contains("gross=111.11\n") && content.contains("rounding_remainder=-0.005000\n"), "{content}");
    assert_eq!(app.balances(&t).await.0, "1151.11"); // 2000 - 960 + 111.11
    app.assert_verified().await;
});

both!(cashouts_pay_employees_through_payroll, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "2000.00", "1000.00").await;
    let e = &t.employees[0];
    app.ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": e.user_id, "amount": "200.00", "expiresAt": app.in_days(30), "idempotencyKey": "g" } })).await;
    // Off by default.
    let res = app.gql(Some(&e.token), CASHOUT, json!({ "a": "10.00", "k": "c0" })).await;
    assert_eq!(code_of(&res).as_deref(), Some("FORBIDDEN"), "{res}");
    assert!(s(&res["errors"][0]["message"]).contains("not enabled"), "{res}");
    set_policy(app, &t, json!({ "cashoutEnabled": true, "cashoutReviewThreshold": "50.00" })).await;
    assert_eq!(app.err(Some(&t.hr.token), CASHOUT, json!({ "a": "10.00", "k": "c1" })).await, "FORBIDDEN");
    // At or below the threshold: posted at once, at 0.8500 (half-up: 0.01 * 0.85 = 0.0085 -> 0.01).
    let small = app.ok(&e.token, CASHOUT, json!({ "a": "40.00", "k": "c1" })).await;
    assert_eq!(small["cashout"]["status"], "APPROVED");
    assert_eq!((s(&small["cashout"]["cash"]), s(&small["cashout"]["rate"])), ("34.00".into(), "0.8500".into()));
    assert_eq!(small["cashout"]["entry"]["status"], "POSTED");
    let replay = app.ok(&e.token, CASHOUT, json!({ "a": "40.00", "k": "c1" })).await;
    assert_eq!(replay["cashout"]["id"], small["cashout"]["id"]);
    assert_eq!(app.err(Some(&e.token), CASHOUT, json!({ "a": "41.00", "k": "c1" })).await, "CONFLICT");
    assert_eq!(app.wallet_balance(e).await, "160.00");
    let cent = app.ok(&e.token, CASHOUT, json!({ "a": "0.01", "k": "cent" })).await;
    assert_eq!((s(&cent["cashout"]["cash"]), s(&cent["cashout"]["roundingRemainder"])), ("0.01".into(), "-0.001500".into()));
    // More than the wallet holds.
    assert_eq!(app.err(Some(&e.token), CASHOUT, json!({ "a": "500.00", "k": "c2" })).await, "INSUFFICIENT_FUNDS");
    // Above the threshold: held until finance decides.
    let big = app.ok(&e.token, CASHOUT, json!({ "a": "60.00", "k": "c3" })).await;
    assert_eq!((big["cashout"]["status"].clone(), big["cashout"]["entry"]["status"].clone()), (json!("REVIEW"), json!("PENDING")));
    let wallet = app.ok(&e.token, "{ myWallet { balance held } }", json!({})).await;
    assert_eq!(wallet["myWallet"], json!({ "balance": "159.99", "held": "60.00" }));
    let approve = "mutation($id: ID!) { approveCashout(id: $id) { status cash entry { status } } }";
    assert_eq!(app.err(Some(&e.token), approve, json!({ "id": big["cashout"]["id"] })).await, "FORBIDDEN");
    let approved = app.ok(&t.finance.token, approve, json!({ "id": big["cashout"]["id"] })).await;
    assert_eq!(approved["approveCashout"], json!({ "status": "APPROVED", "cash": "51.00", "entry": { "status": "POSTED" } }));
    let third = app.ok(&e.token, CASHOUT, json!({ "a": "70.00", "k": "c4" })).await;
    let reject = "mutation($id: ID!) { rejectCashout(id: $id, reason: \"not this month\") { status reason entry { status } } }";
    let rejected = app.ok(&t.finance.token, reject, json!({ "id": third["cashout"]["id"] })).await;
    assert_eq!(rejected["rejectCashout"], json!({ "status": "REJECTED", "reason": "not this month", "entry": { "status": "VOIDED" } }));
    assert_eq!(app.err(Some(&t.finance.token), reject, json!({ "id": third["cashout"]["id"] })).await, "CONFLICT");
    let wallet = app.ok(&e.token, "{ myWallet { balance held } }", json!({})).await;
    assert_eq!(wallet["myWallet"], json!({ "balance": "99.99", "held": "0.00" }));
    let owed = app.ok(&t.finance.token, "{ tenant { balances { payout } } }", json!({})).await;
    assert_eq!(owed["tenant"]["balances"]["payout"], "85.01"); // 34.00 + 0.01 + 51.00
    // The employee sees their own; finance sees all; the employee cannot list everyone's.
    let mine = app.ok(&e.token, "{ myCashouts { status } }", json!({})).await;
    assert_eq!(mine["myCashouts"].as_array().map(Vec::len), Some(4));
    assert_eq!(app.err(Some(&e.token), "{ cashouts { id } }", json!({})).await, "FORBIDDEN");
    let approved_list = app.ok(&t.finance.token, "{ cashouts(status: APPROVED) { id } }", json!({})).await;
    assert_eq!(approved_list["cashouts"].as_array().map(Vec::len), Some(3));
    // Paying moves PAYOUT to payroll, once.
    let paid = "mutation($id: ID!, $k: String!) { markCashoutPaid(id: $id, idempotencyKey: $k) { status payoutEntry { template postings { accountKind amount } } } }";
    assert_eq!(app.err(Some(&t.hr.token), paid, json!({ "id": small["cashout"]["id"], "k": "p1" })).await, "FORBIDDEN");
    assert_eq!(app.err(Some(&t.finance.token), paid, json!({ "id": third["cashout"]["id"], "k": "p0" })).await, "CONFLICT");
    let done = app.ok(&t.finance.token, paid, json!({ "id": small["cashout"]["id"], "k": "p1" })).await;
    assert_eq!(done["markCashoutPaid"]["status"], "PAID");
    assert_eq!(done["markCashoutPaid"]["payoutEntry"]["template"], "PAYOUT");
    assert_eq!(
        done["markCashoutPaid"]["payoutEntry"]["postings"],
        json!([{ "accountKind": "PAYOUT", "amount": "-34.00" }, { "accountKind": "EXTERNAL", "amount": "34.00" }])
    );
    let again = app.ok(&t.finance.token, paid, json!({ "id": small["cashout"]["id"], "k": "p1" })).await;
    assert_eq!(again["markCashoutPaid"]["status"], "PAID");
    assert_eq!(app.err(Some(&t.finance.token), paid, json!({ "id": small["cashout"]["id"], "k": "p2" })).await, "CONFLICT");
    let owed = app.ok(&t.finance.token, "{ tenant { balances { payout } } }", json!({})).await;
    assert_eq!(owed["tenant"]["balances"]["payout"], "51.01");
    app.assert_verified().await;
});
