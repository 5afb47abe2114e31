//! The credit lifecycle: top-ups with risk rules and one-time codes, reviews, disputes, the
//! expiry sweep, allowance schedules and reconciliation.

use creditloop_carrier::{SimConfig, Simulator};
use creditloop_tests::{both, code_of, s, Login, TestApp, TestTenant};
use serde_json::json;
use std::sync::Arc;

const TOPUP: &str = "mutation($p: String!, $a: Money!, $c: String, $k: String!) { topup(phone: $p, amount: $a, code: $c, idempotencyKey: $k) { id status operator reviewReason } }";
const GRANT: &str = "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }";

async fn fill(app: &TestApp, t: &TestTenant, e: &Login, amount: &str, key: &str) {
    app.ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": e.user_id, "amount": amount, "expiresAt": app.in_days(30), "idempotencyKey": key } })).await;
}

fn own_phone(i: usize) -> String {
    format!("138{:08}", i + 1)
}

async fn wallet(app: &TestApp, e: &Login) -> serde_json::Value {
    app.ok(&e.token, "{ myWallet { balance available held } }", json!({})).await["myWallet"].clone()
}

both!(a_top_up_holds_then_posts_on_delivery, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "500.00").await;
    let e = &t.employees[0];
    fill(app, &t, e, "100.00", "fill").await;
    let data = app.ok(&e.token, TOPUP, json!({ "p": own_phone(0), "a": "30.00", "k": "t1" })).await;
    assert_eq!((s(&data["topup"]["status"]), s(&data["topup"]["operator"])), ("PENDING".into(), "CHINA_MOBILE".into()));
    assert_eq!(wallet(app, e).await, json!({ "balance": "100.00", "available": "70.00", "held": "30.00" }));
    app.drain(&app.app, 5).await;
    let mine = app.ok(&e.token, "{ myTopups { status entry { status } } }", json!({})).await;
    assert_eq!(mine["myTopups"][0]["status"], "SUCCEEDED");
    assert_eq!(mine["myTopups"][0]["entry"]["status"], "POSTED");
    assert_eq!(wallet(app, e).await, json!({ "balance": "70.00", "available": "70.00", "held": "0.00" }));
    // The same key replays the same top-up.
    let again = app.ok(&e.token, TOPUP, json!({ "p": own_phone(0), "a": "30.00", "k": "t1" })).await;
    assert_eq!(again["topup"]["id"], data["topup"]["id"]);
    assert_eq!(app.ok(&t.auditor.token, "{ reconciliation { topupId } }", json!({})).await["reconciliation"], json!([]));
    app.assert_verified().await;
});

both!(a_definite_carrier_failure_voids_the_hold, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "500.00").await;
    let e = &t.employees[0];
    fill(app, &t, e, "100.00", "fill").await;
    app.ok(&e.token, TOPUP, json!({ "p": own_phone(0), "a": "40.00", "k": "t1" })).await;
    let failing = app.app.clone().with_carrier(Arc::new(Simulator::new(SimConfig::try_new(7, 0, 1.0, 0.0, 0.0).unwrap_or_else(|e| panic!("{e}")))));
    app.drain(&failing, 5).await;
    let mine = app.ok(&e.token, "{ myTopups { status failureReason entry { status } } }", json!({})).await;
    assert_eq!(mine["myTopups"][0]["status"], "FAILED");
    assert_eq!(mine["myTopups"][0]["entry"]["status"], "VOIDED");
    assert_eq!(wallet(app, e).await, json!({ "balance": "100.00", "available": "100.00", "held": "0.00" }));
    app.assert_verified().await;
});

both!(limits_and_bad_numbers_are_refused_and_change_nothing, |app| {
    // Mid-month and mid-day in Shanghai, so that the day and month windows are predictable.
    app.clock.set("2026-11-10T02:00:00Z".parse().unwrap_or_else(|e| panic!("{e}")));
    let t = app.tenant(1).await;
    app.stock(&t, "2000.00", "1000.00").await;
    let e = &t.employees[0];
    fill(app, &t, e, "600.00", "fill").await;
    let go = |a: &str, p: &str, k: &str| app.gql(Some(&e.token), TOPUP, json!({ "p": p, "a": a, "k": k }));
    assert_eq!(code_of(&go("200.01", &own_phone(0), "k1").await).as_deref(), Some("LIMIT_EXCEEDED"));
    assert_eq!(code_of(&go("1.00", "12012345678", "k2").await).as_deref(), Some("VALIDATION"));
    assert_eq!(code_of(&go("1.00", "not a phone", "k3").await).as_deref(), Some("VALIDATION"));
    app.ok(&e.token, TOPUP, json!({ "p": own_phone(0), "a": "150.00", "k": "k4" })).await;
    let over_day = go("60.00", &own_phone(0), "k5").await;
    assert_eq!(code_of(&over_day).as_deref(), Some("LIMIT_EXCEEDED"), "{over_day}");
    assert!(s(&over_day["errors"][0]["message"]).contains("daily"));
    // Tomorrow the daily limit is fresh, but the month's 500.00 still counts.
    app.clock.advance(chrono::Duration::hours(25));
    let e = Login { token: app.login(&e.email, creditloop_tests::PASSWORD).await.token, ..e.clone() };
    app.ok(&e.token, TOPUP, json!({ "p": own_phone(0), "a": "200.00", "k": "k6" })).await;
    app.clock.advance(chrono::Duration::hours(25));
    let e = Login { token: app.login(&e.email, creditloop_tests::PASSWORD).await.token, ..e.clone() };
    let res = app.gql(Some(&e.token), TOPUP, json!({ "p": own_phone(0), "a": "200.00", "k": "k7" })).await;
    assert_eq!(code_of(&res).as_deref(), Some("LIMIT_EXCEEDED"), "{res}");
    assert!(s(&res["errors"][0]["message"]).contains("monthly"));
    app.assert_verified().await;
});

both!(another_number_needs_a_one_time_code, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "500.00").await;
    let e = &t.employees[0];
    fill(app, &t, e, "100.00", "fill").await;
    let other = "18612340000";
    let res = app.gql(Some(&e.token), TOPUP, json!({ "p": other, "a": "10.00", "k": "o1" })).await;
    assert_eq!(code_of(&res).as_deref(), Some("VALIDATION"));
    assert_eq!(res["errors"][0]["extensions"]["field"], "code");
    app.ok(&e.token, "mutation($p: String!) { requestTopupCode(phone: $p) }", json!({ "p": other })).await;
    let code = app.last_code(t.id).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(app.err(Some(&e.token), TOPUP, json!({ "p": other, "a": "10.00", "c": wrong, "k": "o2" })).await, "VALIDATION");
    let ok = app.ok(&e.token, TOPUP, json!({ "p": other, "a": "10.00", "c": code, "k": "o3" })).await;
    assert_eq!(ok["topup"]["operator"], "CHINA_UNICOM");
    // A code works once.
    assert_eq!(app.err(Some(&e.token), TOPUP, json!({ "p": other, "a": "10.00", "c": code, "k": "o4" })).await, "VALIDATION");
    // Guessing is bounded: after five wrong codes even the right one is refused.
    app.ok(&e.token, "mutation($p: String!) { requestTopupCode(phone: $p) }", json!({ "p": other })).await;
    let code = app.last_code(t.id).await;
    for i in 0..5 {
        let guess = format!("{:06}", (code.parse::<u32>().unwrap_or(0) + 1 + i) % 1_000_000);
        app.gql(Some(&e.token), TOPUP, json!({ "p": other, "a": "10.00", "c": guess, "k": format!("g{i}") })).await;
    }
    assert_eq!(app.err(Some(&e.token), TOPUP, json!({ "p": other, "a": "10.00", "c": code, "k": "o5" })).await, "RATE_LIMITED");
    app.assert_verified().await;
});

both!(shared_numbers_and_velocity_go_to_review, |app| {
    let t = app.tenant(2).await;
    app.stock(&t, "1000.00", "500.00").await;
    let (a, b) = (&t.employees[0], &t.employees[1]);
    fill(app, &t, a, "100.00", "fa").await;
    fill(app, &t, b, "100.00", "fb").await;
    // B tops up A's registered number: a code, then review.
    app.ok(&b.token, "mutation($p: String!) { requestTopupCode(phone: $p) }", json!({ "p": own_phone(0) })).await;
    let code = app.last_code(t.id).await;
    let r = app.ok(&b.token, TOPUP, json!({ "p": own_phone(0), "a": "20.00", "c": code, "k": "s1" })).await;
    assert_eq!(r["topup"]["status"], "REVIEW");
    assert!(s(&r["topup"]["reviewReason"]).contains("shared number"));
    let queue = app.ok(&t.finance.token, "{ reviewQueue { id } }", json!({})).await;
    assert_eq!(queue["reviewQueue"].as_array().map(Vec::len), Some(1));
    app.drain(&app.app, 3).await;
    assert_eq!(wallet(app, b).await["held"], "20.00");
    let id = r["topup"]["id"].clone();
    assert_eq!(app.err(Some(&t.hr.token), "mutation($id: ID!) { approveTopup(id: $id) { status } }", json!({ "id": id })).await, "FORBIDDEN");
    let approved = app.ok(&t.finance.token, "mutation($id: ID!) { approveTopup(id: $id) { status } }", json!({ "id": id })).await;
    assert_eq!(approved["approveTopup"]["status"], "PENDING");
    app.drain(&app.app, 5).await;
    assert_eq!(wallet(app, b).await, json!({ "balance": "80.00", "available": "80.00", "held": "0.00" }));
    // Velocity: with at most 3 top-ups an hour, B's fourth (counting the reviewed one)
    // waits for review; rejecting it releases the hold. B's own number is not shared.
    app.ok(&t.owner.token, "mutation { updatePolicy(input: { velocityMaxTopups: 3 }) { velocityMaxTopups } }", json!({})).await;
    app.ok(&b.token, TOPUP, json!({ "p": own_phone(1), "a": "5.00", "k": "v1" })).await;
    app.ok(&b.token, TOPUP, json!({ "p": own_phone(1), "a": "5.00", "k": "v2" })).await;
    let fourth = app.ok(&b.token, TOPUP, json!({ "p": own_phone(1), "a": "5.00", "k": "v3" })).await;
    assert_eq!(fourth["topup"]["status"], "REVIEW");
    assert!(s(&fourth["topup"]["reviewReason"]).contains("velocity"));
    let q = "mutation($id: ID!, $r: String!) { rejectTopup(id: $id, reason: $r) { status failureReason } }";
    let rejected = app.ok(&t.finance.token, q, json!({ "id": fourth["topup"]["id"], "r": "unusual pattern" })).await;
    assert_eq!(rejected["rejectTopup"]["status"], "REJECTED");
    app.drain(&app.app, 5).await;
    assert_eq!(wallet(app, b).await, json!({ "balance": "70.00", "available": "70.00", "held": "0.00" }));
    assert_eq!(wallet(app, a).await["balance"], "100.00");
    app.assert_verified().await;
});

both!(disputes_refund_by_reversal_once, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "500.00").await;
    let e = &t.employees[0];
    fill(app, &t, e, "100.00", "fill").await;
    let top = app.ok(&e.token, TOPUP, json!({ "p": own_phone(0), "a": "25.00", "k": "d1" })).await;
    let open = "mutation($t: ID!) { openDispute(topupId: $t, reason: \"never arrived\") { id status } }";
    assert_eq!(app.err(Some(&e.token), open, json!({ "t": top["topup"]["id"] })).await, "CONFLICT");
    app.drain(&app.app, 5).await;
    let d = app.ok(&e.token, open, json!({ "t": top["topup"]["id"] })).await;
    assert_eq!(app.err(Some(&e.token), open, json!({ "t": top["topup"]["id"] })).await, "CONFLICT");
    let resolve = "mutation($id: ID!, $k: String!) { resolveDispute(id: $id, refund: true, resolution: \"carrier confirmed loss\", idempotencyKey: $k) { status refundEntryId } }";
    assert_eq!(app.err(Some(&e.token), resolve, json!({ "id": d["openDispute"]["id"], "k": "r0" })).await, "FORBIDDEN");
    let done = app.ok(&t.finance.token, resolve, json!({ "id": d["openDispute"]["id"], "k": "r1" })).await;
    assert_eq!(done["resolveDispute"]["status"], "REFUNDED");
    assert_eq!(wallet(app, e).await["balance"], "100.00");
    assert_eq!(app.err(Some(&t.finance.token), resolve, json!({ "id": d["openDispute"]["id"], "k": "r2" })).await, "CONFLICT");
    let history = app.ok(&e.token, "{ disputes { status resolution } }", json!({})).await;
    assert_eq!(history["disputes"][0]["resolution"], "carrier confirmed loss");
    app.assert_verified().await;
});

both!(the_sweep_returns_expired_credit_to_the_pool, |app| {
    let t = app.tenant(2).await;
    app.stock(&t, "1000.00", "500.00").await;
    app.ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": t.employees[0].user_id, "amount": "30.00", "expiresAt": app.in_days(1), "idempotencyKey": "a" } })).await;
    app.ok(&t.hr.token, GRANT, json!({ "i": { "employeeId": t.employees[1].user_id, "amount": "20.00", "expiresAt": app.in_days(5), "idempotencyKey": "b" } })).await;
    let sweep = "mutation { runExpirySweep { lots total } }";
    assert_eq!(app.ok(&t.hr.token, sweep, json!({})).await["runExpirySweep"], json!({ "lots": 0, "total": "0.00" }));
    app.clock.advance(chrono::Duration::days(2));
    let hr = app.login(&t.hr.email, creditloop_tests::PASSWORD).await;
    assert_eq!(app.ok(&hr.token, sweep, json!({})).await["runExpirySweep"], json!({ "lots": 1, "total": "30.00" }));
    assert_eq!(app.ok(&hr.token, sweep, json!({})).await["runExpirySweep"]["lots"], 0);
    assert_eq!(app.balances(&TestTenant { finance: app.login(&t.finance.email, creditloop_tests::PASSWORD).await, ..t.clone() }).await.1, "480.00");
    app.assert_verified().await;
});

both!(allowance_schedules_pay_each_period_once, |app| {
    let t = app.tenant(3).await;
    app.stock(&t, "1000.00", "120.00").await;
    let create = "mutation($i: ScheduleInput!) { createSchedule(input: $i) { id nextRunAt } }";
    let input = json!({ "name": "Monthly phone allowance", "amount": "50.00", "frequency": "MONTHLY", "dayOfMonth": 1, "target": "ALL" });
    let sched = app.ok(&t.hr.token, create, json!({ "i": input })).await;
    let next: chrono::DateTime<chrono::Utc> = s(&sched["createSchedule"]["nextRunAt"]).parse().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(app.app.run_due_schedules().await.unwrap_or(9), 0, "nothing is due yet");
    app.clock.set(next + chrono::Duration::minutes(1));
    // 3 x 50.00 > 120.00: the run fails, changes nothing, and is recorded.
    assert_eq!(app.app.run_due_schedules().await.unwrap_or(9), 0);
    let hr = app.login(&t.hr.email, creditloop_tests::PASSWORD).await;
    let runs = app.ok(&hr.token, "{ schedules { lastError runs { period status error } } }", json!({})).await;
    assert_eq!(runs["schedules"][0]["runs"][0]["status"], "FAILED");
    let finance = app.login(&t.finance.email, creditloop_tests::PASSWORD).await;
    let t = TestTenant { hr: hr.clone(), finance, ..t };
    app.stock(&t, "1000.00", "100.00").await;
    // Retried after 15 minutes; two workers racing pay the period once.
    app.clock.advance(chrono::Duration::minutes(16));
    let (a, b) = tokio::join!(app.app.run_due_schedules(), app.app.run_due_schedules());
    assert_eq!(a.unwrap_or(9) + b.unwrap_or(9), 1);
    assert_eq!(app.app.run_due_schedules().await.unwrap_or(9), 0);
    let runs = app.ok(&t.hr.token, "{ schedules { nextRunAt runs { period status count total } } }", json!({})).await;
    assert_eq!(runs["schedules"][0]["runs"][0]["status"], "DONE");
    assert_eq!(runs["schedules"][0]["runs"][0]["count"], 3);
    assert_eq!(runs["schedules"][0]["runs"][0]["total"], "150.00");
    assert_eq!(app.balances(&t).await.2, "150.00");
    // A paused schedule does not run; the next period is a month later.
    let id = app.ok(&t.hr.token, "{ schedules { id } }", json!({})).await["schedules"][0]["id"].clone();
    app.ok(&t.hr.token, "mutation($id: ID!) { setSchedulePaused(id: $id, paused: true) { paused } }", json!({ "id": id })).await;
    app.clock.advance(chrono::Duration::days(32));
    assert_eq!(app.app.run_due_schedules().await.unwrap_or(9), 0);
    app.assert_verified().await;
});

both!(policy_changes_are_validated, |app| {
    let t = app.tenant(0).await;
    let q = "mutation($i: PolicyInput!) { updatePolicy(input: $i) { topupDailyLimit topupMonthlyLimit } }";
    assert_eq!(app.err(Some(&t.owner.token), q, json!({ "i": { "topupDailyLimit": "600.00" } })).await, "VALIDATION");
    assert_eq!(app.err(Some(&t.hr.token), q, json!({ "i": { "topupMonthlyLimit": "800.00" } })).await, "FORBIDDEN");
    let ok = app.ok(&t.owner.token, q, json!({ "i": { "topupMonthlyLimit": "800.00", "topupDailyLimit": "300.00" } })).await;
    assert_eq!(ok["updatePolicy"], json!({ "topupDailyLimit": "300.00", "topupMonthlyLimit": "800.00" }));
});

// A top-up applied and then retried after its employee was offboarded answers as applied
// (the replay is looked up before the employee is checked); a new one is refused.
both!(a_retried_topup_answers_as_applied_after_offboarding, |app| {
    let t = app.tenant(1).await;
    app.stock(&t, "1000.00", "500.00").await;
    let e = &t.employees[0];
    fill(app, &t, e, "100.00", "fill").await;
    let q = "mutation($e: ID!, $p: String, $a: Money!, $k: String!) { topupFor(employeeId: $e, phone: $p, amount: $a, idempotencyKey: $k) { id amount } }";
    let vars = json!({ "e": e.user_id, "p": own_phone(0), "a": "10.00", "k": "hr-topup-1" });
    let first = app.ok(&t.hr.token, q, vars.clone()).await;
    let off = "mutation($id: ID!, $k: String!) { deactivateUser(id: $id, idempotencyKey: $k) { status } }";
    app.ok(&t.hr.token, off, json!({ "id": e.user_id, "k": "off-1" })).await;
    assert_eq!(app.ok(&t.hr.token, q, vars).await, first);
    let fresh = json!({ "e": e.user_id, "p": own_phone(0), "a": "10.00", "k": "hr-topup-2" });
    assert_eq!(app.err(Some(&t.hr.token), q, fresh).await, "NOT_FOUND");
    app.assert_verified().await;
});
