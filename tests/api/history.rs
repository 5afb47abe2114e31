//! History check: many clients of every role issue a seeded random mix of requests over HTTP
//! GraphQL at once (funding, grants that drain the pool, batches, top-ups drained by the
//! worker, reversals, replays of idempotency keys with the same and with a different payload,
//! balance reads). Every request and its answer is logged with its start and end time. From
//! the log alone the test then computes what every account must hold (acknowledged effects
//! once per key, refusals nothing) and compares it with the final balances read through the
//! API and with `verify`. Reads taken during the load must lie between what had certainly
//! been applied when they started and what could have been applied when they ended, funding
//! and the wallets that only receive credit never go down between two reads in real-time
//! order, and no balance is ever negative.
//!
//! The choices are seeded: `CREDITLOOP_HISTORY_SEED=<n>` replays a run's choices (the
//! interleaving is up to the machine).

use creditloop_tests::{
    Rng, SeedGuard, TestApp, TestTenant, both, code_of, fen, money, s, seed_from_env,
};
use futures::future::join_all;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const EMPLOYEES: usize = 12;
/// Employees `0..SAVERS` only ever receive credit: their balance can only grow.
const SAVERS: usize = 4;
const HR_CLIENTS: usize = 5;
const FINANCE_CLIENTS: usize = 2;
const AUDITORS: usize = 1;
const OPS_PER_CLIENT: usize = 24;
/// Small enough that the grants drain it and some are refused.
const POOL: &str = "1500.00";
/// Grants made before the load, which finance reverses during it.
const SEED_GRANT_FEN: i64 = 30_00;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Fund {
        key: String,
        amount: i64,
    },
    Grant {
        key: String,
        employee: usize,
        amount: i64,
    },
    Batch {
        key: String,
        items: Vec<(usize, i64)>,
    },
    Topup {
        key: String,
        employee: usize,
        amount: i64,
    },
    Reverse {
        key: String,
        entry: String,
        employee: usize,
        amount: i64,
    },
    ReadTenant,
    ReadWallet {
        employee: usize,
    },
}

impl Op {
    fn name(&self) -> &'static str {
        match self {
            Op::Fund { .. } => "fund",
            Op::Grant { .. } => "grant",
            Op::Batch { .. } => "batch",
            Op::Topup { .. } => "topup",
            Op::Reverse { .. } => "reverse",
            Op::ReadTenant => "read-tenant",
            Op::ReadWallet { .. } => "read-wallet",
        }
    }

    fn key(&self) -> Option<&str> {
        match self {
            Op::Fund { key, .. }
            | Op::Grant { key, .. }
            | Op::Batch { key, .. }
            | Op::Topup { key, .. }
            | Op::Reverse { key, .. } => Some(key),
            Op::ReadTenant | Op::ReadWallet { .. } => None,
        }
    }
}

/// What the client meant by a request with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    /// A new operation (or a shared key other clients may send at the same time).
    Fresh,
    /// The same request again under a key already acknowledged: must answer the same.
    Replay,
    /// A different request under a key already acknowledged: must be `CONFLICT`.
    Conflicting,
}

#[derive(Debug, Clone)]
struct Event {
    #[allow(dead_code, reason = "shown in failure messages")]
    client: String,
    op: Op,
    intent: Intent,
    start: Duration,
    end: Duration,
    response: Value,
}

impl Event {
    fn ok(&self) -> bool {
        self.response.get("errors").is_none()
            && self.response.get("data").is_some_and(|d| !d.is_null())
    }

    fn code(&self) -> Option<String> {
        code_of(&self.response)
    }

    /// The id the answer carries (entry, batch or top-up).
    fn id(&self) -> String {
        let d = &self.response["data"];
        match &self.op {
            Op::Fund { .. } => s(&d["fund"]["id"]),
            Op::Grant { .. } => s(&d["grant"]["entry"]["id"]),
            Op::Batch { .. } => s(&d["grantBatch"]["batchId"]),
            Op::Topup { .. } => s(&d["topup"]["id"]),
            Op::Reverse { .. } => s(&d["reverseEntry"]["id"]),
            Op::ReadTenant | Op::ReadWallet { .. } => String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Acct {
    Funding,
    Pool,
    Wallet(usize),
}

struct Ctx<'a> {
    app: &'a TestApp,
    t: &'a TestTenant,
    phones: Vec<String>,
    expires: String,
    /// (entry id, employee, amount) of the grants finance may reverse.
    seed_grants: Vec<(String, usize, i64)>,
    t0: Instant,
    log: Mutex<Vec<Event>>,
}

impl Ctx<'_> {
    /// Sends one request and logs it with its answer.
    async fn send(&self, client: &str, token: &str, op: Op, intent: Intent) -> Event {
        let (query, variables) = self.request(&op);
        let start = self.t0.elapsed();
        let response = self.app.gql(Some(token), query, variables).await;
        let end = self.t0.elapsed();
        let event = Event {
            client: client.to_owned(),
            op,
            intent,
            start,
            end,
            response,
        };
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event.clone());
        event
    }

    fn request(&self, op: &Op) -> (&'static str, Value) {
        let t = self.t;
        match op {
            Op::Fund { key, amount } => (
                "mutation($i: FundInput!) { fund(input: $i) { id } }",
                json!({ "i": { "amount": money(*amount), "reference": format!("WIRE-{key}"), "idempotencyKey": key } }),
            ),
            Op::Grant {
                key,
                employee,
                amount,
            } => (
                "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }",
                json!({ "i": { "employeeId": t.employees[*employee].user_id, "amount": money(*amount), "expiresAt": self.expires, "idempotencyKey": key } }),
            ),
            Op::Batch { key, items } => (
                "mutation($i: BatchGrantInput!) { grantBatch(input: $i) { batchId count total } }",
                json!({ "i": {
                    "items": items.iter().map(|(e, a)| json!({ "employeeId": t.employees[*e].user_id, "amount": money(*a) })).collect::<Vec<_>>(),
                    "expiresAt": self.expires, "idempotencyKey": key } }),
            ),
            Op::Topup {
                key,
                employee,
                amount,
            } => (
                "mutation($p: String!, $a: Money!, $k: String!) { topup(phone: $p, amount: $a, idempotencyKey: $k) { id status } }",
                json!({ "p": self.phones[*employee], "a": money(*amount), "k": key }),
            ),
            Op::Reverse { key, entry, .. } => (
                "mutation($id: ID!, $k: String!) { reverseEntry(id: $id, reason: \"correction\", idempotencyKey: $k) { id } }",
                json!({ "id": entry, "k": key }),
            ),
            Op::ReadTenant => (
                "{ tenant { balances { funding pool granted } } }",
                json!({}),
            ),
            Op::ReadWallet { .. } => ("{ myWallet { balance available held } }", json!({})),
        }
    }

    /// A request under an acknowledged key with one amount changed: a different request.
    fn altered(op: &Op) -> Op {
        match op.clone() {
            Op::Fund { key, amount } => Op::Fund {
                key,
                amount: amount + 1,
            },
            Op::Grant {
                key,
                employee,
                amount,
            } => Op::Grant {
                key,
                employee,
                amount: amount + 1,
            },
            Op::Batch { key, mut items } => {
                items[0].1 += 1;
                Op::Batch { key, items }
            }
            Op::Topup {
                key,
                employee,
                amount,
            } => Op::Topup {
                key,
                employee,
                amount: amount + 1,
            },
            other => other,
        }
    }
}

/// HR: grants (some to the same employee, some under keys other clients share), batches,
/// replays, conflicting replays and balance reads.
async fn hr_client(ctx: &Ctx<'_>, c: usize, seed: u64) {
    let mut rng = Rng::derive(seed, 100 + c as u64);
    let name = format!("hr{c}");
    let token = ctx.t.hr.token.clone();
    let mut acked: Vec<Op> = Vec::new();
    for i in 0..OPS_PER_CLIENT {
        let roll = rng.below(100);
        let (op, intent) = if roll < 40 || (roll < 88 && roll >= 65 && acked.is_empty()) {
            // Every third one to employee 0, so grants pile up on one wallet.
            let employee = if rng.percent(33) {
                0
            } else {
                rng.below(EMPLOYEES as u64) as usize
            };
            (
                Op::Grant {
                    key: format!("h{c}-g{i}"),
                    employee,
                    amount: rng.range(5_00, 60_00),
                },
                Intent::Fresh,
            )
        } else if roll < 55 {
            let items = (0..rng.range(2, 5))
                .map(|_| (rng.below(EMPLOYEES as u64) as usize, rng.range(1_00, 20_00)))
                .collect();
            (
                Op::Batch {
                    key: format!("h{c}-b{i}"),
                    items,
                },
                Intent::Fresh,
            )
        } else if roll < 65 {
            // The same request under the same key from several clients, maybe at once.
            let k = rng.below(4) as usize;
            (
                Op::Grant {
                    key: format!("shared-{k}"),
                    employee: k + 1,
                    amount: (k as i64 + 1) * 3_00,
                },
                Intent::Fresh,
            )
        } else if roll < 80 {
            (rng.pick(&acked).clone(), Intent::Replay)
        } else if roll < 88 {
            (Ctx::altered(rng.pick(&acked)), Intent::Conflicting)
        } else {
            (Op::ReadTenant, Intent::Fresh)
        };
        let event = ctx.send(&name, &token, op, intent).await;
        if event.ok()
            && intent == Intent::Fresh
            && event.op.key().is_some_and(|k| !k.starts_with("shared-"))
        {
            acked.push(event.op);
        }
    }
}

/// Finance: deposits, reversals of the seeded grants (some already spent, some reversed by
/// the other finance client), replays, conflicting replays and balance reads.
async fn finance_client(ctx: &Ctx<'_>, c: usize, seed: u64) {
    let mut rng = Rng::derive(seed, 200 + c as u64);
    let name = format!("finance{c}");
    let token = ctx.t.finance.token.clone();
    let mut acked: Vec<Op> = Vec::new();
    let mut funds: Vec<Op> = Vec::new();
    for i in 0..OPS_PER_CLIENT {
        let roll = rng.below(100);
        let (op, intent) = if roll < 35 || (roll < 78 && roll >= 60 && funds.is_empty()) {
            (
                Op::Fund {
                    key: format!("f{c}-{i}"),
                    amount: rng.range(10_00, 500_00),
                },
                Intent::Fresh,
            )
        } else if roll < 60 {
            let (entry, employee, amount) = rng.pick(&ctx.seed_grants).clone();
            (
                Op::Reverse {
                    key: format!("f{c}-r{i}"),
                    entry,
                    employee,
                    amount,
                },
                Intent::Fresh,
            )
        } else if roll < 70 {
            (rng.pick(&acked).clone(), Intent::Replay)
        } else if roll < 78 {
            (Ctx::altered(rng.pick(&funds)), Intent::Conflicting)
        } else {
            (Op::ReadTenant, Intent::Fresh)
        };
        let event = ctx.send(&name, &token, op, intent).await;
        if event.ok() && intent == Intent::Fresh {
            if matches!(event.op, Op::Fund { .. }) {
                funds.push(event.op.clone());
            }
            acked.push(event.op);
        }
    }
}

async fn auditor_client(ctx: &Ctx<'_>, c: usize) {
    let token = ctx.t.auditor.token.clone();
    for _ in 0..OPS_PER_CLIENT {
        ctx.send(
            &format!("auditor{c}"),
            &token,
            Op::ReadTenant,
            Intent::Fresh,
        )
        .await;
    }
}

/// An employee: savers only read their wallet; spenders top up (the worker delivers),
/// replay and read.
async fn employee_client(ctx: &Ctx<'_>, e: usize, seed: u64) {
    let mut rng = Rng::derive(seed, 300 + e as u64);
    let name = format!("emp{e}");
    let token = ctx.t.employees[e].token.clone();
    let mut acked: Vec<Op> = Vec::new();
    for i in 0..OPS_PER_CLIENT {
        let roll = rng.below(100);
        let (op, intent) = if e < SAVERS || roll >= 62 {
            (Op::ReadWallet { employee: e }, Intent::Fresh)
        } else if roll < 45 || acked.is_empty() {
            (
                Op::Topup {
                    key: format!("e{e}-t{i}"),
                    employee: e,
                    amount: rng.range(1_00, 8_00),
                },
                Intent::Fresh,
            )
        } else if roll < 55 {
            (rng.pick(&acked).clone(), Intent::Replay)
        } else {
            (Ctx::altered(rng.pick(&acked)), Intent::Conflicting)
        };
        let event = ctx.send(&name, &token, op, intent).await;
        if event.ok() && intent == Intent::Fresh && matches!(event.op, Op::Topup { .. }) {
            acked.push(event.op);
        }
    }
}

/// What one key did to the accounts, and when it can have happened.
#[derive(Debug)]
struct Effect {
    deltas: BTreeMap<Acct, i64>,
    /// The earliest request under the key was sent (nothing can apply before).
    first_start: Duration,
    /// The earliest acknowledgement was received (applied by then), if any.
    acked_end: Option<Duration>,
    /// A top-up: its debit is posted by the worker at a time nobody observes.
    late: bool,
}

async fn history(app: &TestApp) {
    let seed = seed_from_env("CREDITLOOP_HISTORY_SEED");
    let _guard = SeedGuard {
        var: "CREDITLOOP_HISTORY_SEED",
        seed,
        label: format!("history check on {:?}", app.backend),
    };
    let started = Instant::now();
    let t = app.tenant(EMPLOYEES).await;
    app.stock(&t, "100000.00", POOL).await;
    app.ok(&t.owner.token, "mutation { updatePolicy(input: { topupSingleMax: \"200.00\", topupDailyLimit: \"10000.00\", topupMonthlyLimit: \"10000.00\", tenantDailyCap: \"100000.00\", velocityMaxTopups: 1000 }) { velocityMaxTopups } }", json!({})).await;
    // Two grants per spender that finance reverses during the load: one expires first, so
    // top-ups spend it first and its reversal may find it spent; the other expires last.
    let mut seed_grants = Vec::new();
    for e in SAVERS..EMPLOYEES {
        for n in 0..2 {
            let data = app
                .ok(&t.hr.token, "mutation($i: GrantInput!) { grant(input: $i) { entry { id } } }",
                    json!({ "i": { "employeeId": t.employees[e].user_id, "amount": money(SEED_GRANT_FEN), "expiresAt": app.in_days(if n == 0 { 10 } else { 60 }), "idempotencyKey": format!("seed-{e}-{n}") } }))
                .await;
            seed_grants.push((s(&data["grant"]["entry"]["id"]), e, SEED_GRANT_FEN));
        }
    }
    let phones: Vec<String> = (0..EMPLOYEES).map(|i| format!("138{:08}", i + 1)).collect();

    // The starting point, read through the API.
    let tenant = app
        .ok(
            &t.finance.token,
            "{ tenant { balances { funding pool granted } } }",
            json!({}),
        )
        .await;
    let mut base: HashMap<Acct, i64> = HashMap::new();
    base.insert(Acct::Funding, fen(&tenant["tenant"]["balances"]["funding"]));
    base.insert(Acct::Pool, fen(&tenant["tenant"]["balances"]["pool"]));
    for (e, login) in t.employees.iter().enumerate() {
        let w = app
            .ok(&login.token, "{ myWallet { balance } }", json!({}))
            .await;
        base.insert(Acct::Wallet(e), fen(&w["myWallet"]["balance"]));
    }

    let ctx = Ctx {
        app,
        t: &t,
        phones,
        expires: app.in_days(30),
        seed_grants,
        t0: Instant::now(),
        log: Mutex::new(Vec::new()),
    };
    let done = AtomicBool::new(false);
    let load = async {
        let mut clients: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + '_>>> =
            Vec::new();
        for c in 0..HR_CLIENTS {
            clients.push(Box::pin(hr_client(&ctx, c, seed)));
        }
        for c in 0..FINANCE_CLIENTS {
            clients.push(Box::pin(finance_client(&ctx, c, seed)));
        }
        for c in 0..AUDITORS {
            clients.push(Box::pin(auditor_client(&ctx, c)));
        }
        for e in 0..EMPLOYEES {
            clients.push(Box::pin(employee_client(&ctx, e, seed)));
        }
        join_all(clients).await;
        done.store(true, Ordering::Release);
    };
    // The worker delivers top-ups while the clients run.
    let worker = async {
        while !done.load(Ordering::Acquire) {
            app.app
                .run_worker_pass()
                .await
                .unwrap_or_else(|e| panic!("worker pass: {e}"));
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::join!(load, worker);
    app.drain(&app.app, 50).await;
    let load_time = ctx.t0.elapsed();
    let log = ctx.log.lock().unwrap_or_else(|e| e.into_inner()).clone();

    // Each key's requests, in log order.
    let mut by_key: BTreeMap<String, Vec<&Event>> = BTreeMap::new();
    for ev in &log {
        if let Some(key) = ev.op.key() {
            by_key.entry(key.to_owned()).or_default().push(ev);
        }
    }
    let mut effects: BTreeMap<String, Effect> = BTreeMap::new();
    let mut reversed: HashMap<String, String> = HashMap::new();
    let (mut acked_total, mut refused_total, mut replays, mut conflicts) =
        (0usize, 0usize, 0usize, 0usize);
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    for (key, events) in &by_key {
        let same: Vec<&&Event> = events
            .iter()
            .filter(|e| e.intent != Intent::Conflicting)
            .collect();
        let original = &same
            .first()
            .unwrap_or_else(|| panic!("key {key}: only conflicting requests"))
            .op;
        assert!(
            same.iter().all(|e| &e.op == original),
            "key {key}: the same-payload requests differ: {same:#?}"
        );
        let ok: Vec<&&&Event> = same.iter().filter(|e| e.ok()).collect();
        // Every acknowledgement under one key is the same answer.
        if let Some(first) = ok.first() {
            assert!(
                ok.iter().all(|e| e.id() == first.id()),
                "key {key} was answered with different ids: {ok:#?}"
            );
        }
        for ev in events.iter() {
            match ev.intent {
                Intent::Conflicting => {
                    conflicts += 1;
                    assert_eq!(
                        ev.code().as_deref(),
                        Some("CONFLICT"),
                        "a different request under the acknowledged key {key}: {ev:#?}"
                    );
                }
                Intent::Replay => {
                    replays += 1;
                    assert!(
                        ev.ok(),
                        "a replay of the acknowledged key {key} was refused: {ev:#?}"
                    );
                }
                Intent::Fresh if ev.ok() => {
                    acked_total += 1;
                    *codes.entry(format!("{} ok", ev.op.name())).or_default() += 1;
                }
                Intent::Fresh => {
                    refused_total += 1;
                    let code = ev
                        .code()
                        .unwrap_or_else(|| panic!("neither data nor an error code: {ev:#?}"));
                    *codes.entry(format!("{} {code}", ev.op.name())).or_default() += 1;
                    let allowed: &[&str] = match ev.op {
                        Op::Grant { .. } | Op::Batch { .. } | Op::Topup { .. } => {
                            &["INSUFFICIENT_FUNDS"]
                        }
                        Op::Reverse { .. } => &["INSUFFICIENT_FUNDS", "CONFLICT"],
                        _ => &[],
                    };
                    assert!(
                        allowed.contains(&code.as_str()),
                        "unexpected refusal {code}: {ev:#?}"
                    );
                }
            }
        }
        let Some(first_ok) = ok.first() else { continue };
        let mut deltas: BTreeMap<Acct, i64> = BTreeMap::new();
        let mut late = false;
        match original {
            Op::Fund { amount, .. } => {
                deltas.insert(Acct::Funding, *amount);
            }
            Op::Grant {
                employee, amount, ..
            } => {
                *deltas.entry(Acct::Pool).or_default() -= amount;
                *deltas.entry(Acct::Wallet(*employee)).or_default() += amount;
            }
            Op::Batch { items, .. } => {
                for (e, a) in items {
                    *deltas.entry(Acct::Pool).or_default() -= a;
                    *deltas.entry(Acct::Wallet(*e)).or_default() += a;
                }
            }
            Op::Reverse {
                entry,
                employee,
                amount,
                ..
            } => {
                if let Some(other) = reversed.insert(entry.clone(), key.clone()) {
                    panic!("entry {entry} was reversed twice: under {other} and under {key}");
                }
                *deltas.entry(Acct::Pool).or_default() += amount;
                *deltas.entry(Acct::Wallet(*employee)).or_default() -= amount;
            }
            Op::Topup {
                employee, amount, ..
            } => {
                // The final state, read through the API after the worker drained the queue.
                let id = first_ok.id();
                let answer = app
                    .ok(
                        &t.finance.token,
                        "query($id: ID!) { topupById(id: $id) { status amount } }",
                        json!({ "id": id }),
                    )
                    .await;
                let status = s(&answer["topupById"]["status"]);
                assert_eq!(fen(&answer["topupById"]["amount"]), *amount, "{answer}");
                match status.as_str() {
                    "SUCCEEDED" => {
                        deltas.insert(Acct::Wallet(*employee), -amount);
                        late = true;
                    }
                    "FAILED" => {}
                    other => {
                        panic!("top-up {id} ({key}) is {other} after the worker drained the queue")
                    }
                }
            }
            Op::ReadTenant | Op::ReadWallet { .. } => {}
        }
        let first_start = same.iter().map(|e| e.start).min().unwrap_or_default();
        let acked_end = ok.iter().map(|e| e.end).min();
        effects.insert(
            key.clone(),
            Effect {
                deltas,
                first_start,
                acked_end,
                late,
            },
        );
    }

    // Final balances: the starting point plus every acknowledged effect, once.
    let mut expected = base.clone();
    for effect in effects.values() {
        for (acct, delta) in &effect.deltas {
            *expected.entry(*acct).or_default() += delta;
        }
    }
    let tenant = app
        .ok(
            &t.finance.token,
            "{ tenant { balances { funding pool granted } } }",
            json!({}),
        )
        .await;
    let b = &tenant["tenant"]["balances"];
    assert_eq!(fen(&b["funding"]), expected[&Acct::Funding], "funding: {b}");
    assert_eq!(fen(&b["pool"]), expected[&Acct::Pool], "pool: {b}");
    let mut granted = 0;
    for (e, login) in t.employees.iter().enumerate() {
        let w = app
            .ok(
                &login.token,
                "{ myWallet { balance available held } }",
                json!({}),
            )
            .await;
        let w = &w["myWallet"];
        assert_eq!(
            fen(&w["balance"]),
            expected[&Acct::Wallet(e)],
            "wallet of employee {e}: {w}"
        );
        assert_eq!(
            (fen(&w["held"]), fen(&w["available"])),
            (0, expected[&Acct::Wallet(e)]),
            "wallet of employee {e}: {w}"
        );
        granted += expected[&Acct::Wallet(e)];
    }
    assert_eq!(fen(&b["granted"]), granted, "granted: {b}");

    // Reads during the load: never negative, and between what was certainly applied when the
    // read was sent and what could have been applied when its answer came.
    let bounds = |acct: Acct, read: &Event| -> (i64, i64) {
        let (mut lo, mut hi) = (base[&acct], base[&acct]);
        for effect in effects.values() {
            let Some(delta) = effect.deltas.get(&acct).copied() else {
                continue;
            };
            let before = effect.acked_end.is_some_and(|end| end < read.start);
            let maybe = effect.first_start < read.end;
            if delta > 0 {
                lo += if before { delta } else { 0 };
                hi += if maybe { delta } else { 0 };
            } else {
                lo += if maybe { delta } else { 0 };
                hi += if before && !effect.late { delta } else { 0 };
            }
        }
        (lo, hi)
    };
    let mut observed: BTreeMap<Acct, Vec<(i64, &Event)>> = BTreeMap::new();
    let (mut reads, mut uncertain) = (0, 0);
    for ev in log.iter().filter(|e| e.op.key().is_none()) {
        reads += 1;
        assert!(ev.ok(), "a read failed: {ev:#?}");
        let values: Vec<(Acct, i64)> = match ev.op {
            Op::ReadTenant => {
                let b = &ev.response["data"]["tenant"]["balances"];
                assert!(fen(&b["granted"]) >= 0, "negative: {ev:#?}");
                vec![
                    (Acct::Funding, fen(&b["funding"])),
                    (Acct::Pool, fen(&b["pool"])),
                ]
            }
            Op::ReadWallet { employee } => {
                let w = &ev.response["data"]["myWallet"];
                let (balance, held, available) =
                    (fen(&w["balance"]), fen(&w["held"]), fen(&w["available"]));
                assert!(
                    held >= 0 && available >= 0 && held <= balance,
                    "a wallet read out of shape: {ev:#?}"
                );
                vec![(Acct::Wallet(employee), balance)]
            }
            _ => vec![],
        };
        for (acct, value) in values {
            assert!(value >= 0, "{acct:?} read negative: {ev:#?}");
            let (lo, hi) = bounds(acct, ev);
            uncertain += usize::from(lo < hi);
            assert!(
                lo <= value && value <= hi,
                "{acct:?} read {} outside [{}, {}]: {ev:#?}",
                money(value),
                money(lo),
                money(hi)
            );
            observed.entry(acct).or_default().push((value, ev));
        }
    }
    // Funding and the savers' wallets only grow: a read that began after another ended
    // never shows less.
    for (acct, seen) in &observed {
        let monotone =
            matches!(acct, Acct::Funding) || matches!(acct, Acct::Wallet(e) if *e < SAVERS);
        if !monotone {
            continue;
        }
        for (a, ea) in seen {
            for (b, eb) in seen {
                if ea.end < eb.start {
                    assert!(
                        b >= a,
                        "{acct:?} went down from {} to {} between two reads in real-time order: {ea:#?} then {eb:#?}",
                        money(*a),
                        money(*b)
                    );
                }
            }
        }
    }

    // The ledger agrees, through the API and in full.
    let report = app
        .ok(
            &t.auditor.token,
            "{ verify { ok violations { check detail } } }",
            json!({}),
        )
        .await;
    assert_eq!(report["verify"]["ok"], true, "{report}");
    app.assert_verified().await;
    println!(
        "history on {:?}: seed {seed}, {} requests from {} clients in {:.1}s ({} acknowledged, {} refused, {} replays, {} conflicting replays, {reads} reads ({uncertain} values read while a write to them was in flight), {} keys applied; {codes:?}); total {:.1}s",
        app.backend,
        log.len(),
        HR_CLIENTS + FINANCE_CLIENTS + AUDITORS + EMPLOYEES,
        load_time.as_secs_f64(),
        acked_total,
        refused_total,
        replays,
        conflicts,
        effects.len(),
        started.elapsed().as_secs_f64()
    );
}

both!(
    final_balances_equal_what_the_acknowledged_history_implies,
    |app| {
        history(app).await;
    }
);
