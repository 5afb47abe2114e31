//! Property test: random sequences of ledger operations (grants, holds, posts, voids,
//! reversals, expiry, reclaims, time passing) run against the real ledger and against a
//! small in-memory model. After every step the balances and lots must equal the model's and
//! `verify` must find nothing wrong. A failing sequence is printed so it can be replayed.

use chrono::{DateTime, Duration, Utc};
use creditloop_domain::{EntryId, Fen, LotId, TenantId, UserId};
use creditloop_ledger::{account, engine, lots, AccountRef, LedgerError, Template};
use creditloop_tests::{both, TestApp};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

#[derive(Debug, Clone)]
enum Op {
    Grant { employee: usize, fen: i64, days: i64 },
    Hold { employee: usize, fen: i64 },
    Post { pick: usize },
    Void { pick: usize },
    Reverse { pick: usize },
    Advance { hours: i64 },
    Sweep,
    Reclaim { employee: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 1..4_000i64, 1..20i64).prop_map(|(employee, fen, days)| Op::Grant { employee, fen, days }),
        4 => (0..3usize, 1..3_000i64).prop_map(|(employee, fen)| Op::Hold { employee, fen }),
        2 => any::<usize>().prop_map(|pick| Op::Post { pick }),
        1 => any::<usize>().prop_map(|pick| Op::Void { pick }),
        1 => any::<usize>().prop_map(|pick| Op::Reverse { pick }),
        1 => (1..200i64).prop_map(|hours| Op::Advance { hours }),
        1 => Just(Op::Sweep),
        1 => (0..3usize).prop_map(|employee| Op::Reclaim { employee }),
    ]
}

#[derive(Debug, Clone)]
struct MLot {
    id: LotId,
    employee: usize,
    remaining: i64,
    held: i64,
    expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Grant { lot: LotId, amount: i64 },
    Hold { moves: Vec<(LotId, i64)> },
}

#[derive(Debug, Clone)]
struct MEntry {
    id: EntryId,
    kind: Kind,
    pending: bool,
    reversed: bool,
}

#[derive(Debug, Default)]
struct Model {
    pool: i64,
    lots: Vec<MLot>,
    entries: Vec<MEntry>,
}

impl Model {
    fn lot(&mut self, id: LotId) -> &mut MLot {
        match self.lots.iter_mut().find(|l| l.id == id) {
            Some(lot) => lot,
            None => panic!("model has no lot {id}"),
        }
    }

    /// Earliest expiry first over unexpired lots with free credit, as the ledger does.
    fn fefo(&self, employee: usize, amount: i64, now: DateTime<Utc>) -> Option<Vec<(LotId, i64)>> {
        let mut candidates: Vec<&MLot> =
            self.lots.iter().filter(|l| l.employee == employee && l.expires_at > now && l.remaining > l.held).collect();
        candidates.sort_by_key(|l| (l.expires_at, l.id));
        let mut left = amount;
        let mut moves = Vec::new();
        for lot in candidates {
            if left == 0 {
                break;
            }
            let take = (lot.remaining - lot.held).min(left);
            moves.push((lot.id, take));
            left -= take;
        }
        (left == 0).then_some(moves)
    }
}

struct World<'a> {
    app: &'a TestApp,
    tenant: TenantId,
    employees: Vec<UserId>,
    model: Model,
    step: usize,
}

impl World<'_> {
    fn meta(&self) -> engine::Meta {
        engine::Meta { idempotency_key: format!("prop-{}-{}", self.tenant, self.step), created_by: "proptest".into(), memo: None, metadata: None }
    }

    /// Runs one ledger call in its own transaction; commits on success.
    async fn run<T>(&self, f: impl AsyncFnOnce(&sea_orm::DatabaseTransaction) -> Result<T, LedgerError>) -> Result<T, LedgerError> {
        let tx = self.app.app.db.begin_write().await?;
        let out = f(&tx).await;
        if out.is_ok() {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        out
    }

    async fn apply(&mut self, op: &Op) {
        self.step += 1;
        let now = self.app.app.now();
        let (tenant, meta) = (self.tenant, self.meta());
        match *op {
            Op::Grant { employee, fen, days } => {
                let expires_at = now + Duration::days(days);
                let template = Template::Grant { employee: self.employees[employee], amount: Fen::new(fen), expires_at };
                let result = self.run(async |tx| engine::record(tx, tenant, now, &template, &meta).await).await;
                if fen <= self.model.pool {
                    let recorded = result.unwrap_or_else(|e| panic!("grant should succeed: {e}"));
                    let lot = recorded.lot_id.unwrap_or_else(|| panic!("no lot"));
                    self.model.pool -= fen;
                    self.model.lots.push(MLot { id: lot, employee, remaining: fen, held: 0, expires_at });
                    self.model.entries.push(MEntry { id: recorded.entry_id, kind: Kind::Grant { lot, amount: fen }, pending: false, reversed: false });
                } else {
                    assert!(matches!(result, Err(LedgerError::InsufficientFunds { .. })), "grant over the pool: {result:?}");
                }
            }
            Op::Hold { employee, fen } => {
                let template = Template::TopupHold { employee: self.employees[employee], amount: Fen::new(fen) };
                let result = self.run(async |tx| engine::record(tx, tenant, now, &template, &meta).await).await;
                match self.model.fefo(employee, fen, now) {
                    Some(moves) => {
                        let recorded = result.unwrap_or_else(|e| panic!("hold should succeed: {e}"));
                        for (lot, take) in &moves {
                            self.model.lot(*lot).held += take;
                        }
                        self.model.entries.push(MEntry { id: recorded.entry_id, kind: Kind::Hold { moves }, pending: true, reversed: false });
                    }
                    None => assert!(matches!(result, Err(LedgerError::InsufficientFunds { .. })), "hold beyond the wallet: {result:?}"),
                }
            }
            Op::Post { pick } | Op::Void { pick } => {
                let pending: Vec<usize> = (0..self.model.entries.len()).filter(|i| self.model.entries[*i].pending).collect();
                if pending.is_empty() {
                    return;
                }
                let index = pending[pick % pending.len()];
                let entry = self.model.entries[index].clone();
                let post = matches!(op, Op::Post { .. });
                let result = if post {
                    self.run(async |tx| engine::post_pending(tx, tenant, entry.id, now).await).await
                } else {
                    self.run(async |tx| engine::void_pending(tx, tenant, entry.id, now).await).await
                };
                result.unwrap_or_else(|e| panic!("settling a pending entry: {e}"));
                if let Kind::Hold { moves } = &entry.kind {
                    for (lot, take) in moves {
                        let lot = self.model.lot(*lot);
                        lot.held -= take;
                        if post {
                            lot.remaining -= take;
                        }
                    }
                }
                self.model.entries[index].pending = false;
                if !post {
                    // A voided entry is not reversible; mark it so the picker skips it.
                    self.model.entries[index].reversed = true;
                }
                // Settling twice is refused.
                let again = self.run(async |tx| engine::post_pending(tx, tenant, entry.id, now).await).await;
                assert!(matches!(again, Err(LedgerError::WrongStatus { .. })), "{again:?}");
            }
            Op::Reverse { pick } => {
                let open: Vec<usize> =
                    (0..self.model.entries.len()).filter(|i| !self.model.entries[*i].pending && !self.model.entries[*i].reversed).collect();
                if open.is_empty() {
                    return;
                }
                let index = open[pick % open.len()];
                let entry = self.model.entries[index].clone();
                let result = self.run(async |tx| engine::reverse(tx, tenant, entry.id, now, &meta).await).await;
                match &entry.kind {
                    Kind::Grant { lot, amount } => {
                        let l = self.model.lot(*lot).clone();
                        if l.remaining - l.held >= *amount {
                            result.unwrap_or_else(|e| panic!("reversing an unspent grant: {e}"));
                            self.model.lot(*lot).remaining -= amount;
                            self.model.pool += amount;
                            self.model.entries[index].reversed = true;
                        } else {
                            assert!(matches!(result, Err(LedgerError::InsufficientFunds { .. })), "reversing a spent grant: {result:?}");
                        }
                    }
                    Kind::Hold { moves } => {
                        result.unwrap_or_else(|e| panic!("refunding a top-up: {e}"));
                        for (lot, take) in moves {
                            self.model.lot(*lot).remaining += take;
                        }
                        self.model.entries[index].reversed = true;
                    }
                }
            }
            Op::Advance { hours } => self.app.clock.advance(Duration::hours(hours)),
            Op::Sweep => {
                let expired = lots::expired(self.app.app.db.conn(), tenant, now, 1000).await.unwrap_or_else(|e| panic!("{e}"));
                for (i, lot) in expired.iter().enumerate() {
                    let owner = self.model.lots.iter().find(|l| l.id == lot.id).map(|l| l.employee).unwrap_or_else(|| panic!("unknown lot"));
                    let template = Template::Expire { employee: self.employees[owner], lot: lot.id, amount: lot.free() };
                    let meta = engine::Meta { idempotency_key: format!("sweep-{}-{i}", self.step), ..meta.clone() };
                    self.run(async |tx| engine::record(tx, tenant, now, &template, &meta).await).await.unwrap_or_else(|e| panic!("expiring: {e}"));
                    self.model.pool += lot.free().get();
                    self.model.lot(lot.id).remaining -= lot.free().get();
                }
                let model_expired = self.model.lots.iter().filter(|l| l.expires_at <= now && l.remaining > l.held).count();
                assert_eq!(model_expired, 0, "the sweep left expired credit behind");
            }
            Op::Reclaim { employee } => {
                let free: i64 = self.model.lots.iter().filter(|l| l.employee == employee).map(|l| l.remaining - l.held).sum();
                if free == 0 {
                    return;
                }
                let template = Template::Reclaim { employee: self.employees[employee], amount: Fen::new(free) };
                self.run(async |tx| engine::record(tx, tenant, now, &template, &meta).await).await.unwrap_or_else(|e| panic!("reclaiming: {e}"));
                self.model.pool += free;
                for lot in self.model.lots.iter_mut().filter(|l| l.employee == employee) {
                    lot.remaining = lot.held;
                }
            }
        }
    }

    async fn check(&self) {
        let c = self.app.app.db.conn();
        let pool = account::get_by_ref(c, self.tenant, AccountRef::Pool).await.ok().flatten().unwrap_or_else(|| panic!("pool"));
        assert_eq!(pool.posted.get(), self.model.pool, "pool balance");
        for (i, employee) in self.employees.iter().enumerate() {
            let wallet = account::get_by_ref(c, self.tenant, AccountRef::Wallet(*employee)).await.ok().flatten().unwrap_or_else(|| panic!("wallet"));
            let lots_of: Vec<&MLot> = self.model.lots.iter().filter(|l| l.employee == i).collect();
            assert_eq!(wallet.posted.get(), lots_of.iter().map(|l| l.remaining).sum::<i64>(), "wallet {i} posted");
            assert_eq!(wallet.pending_out.get(), lots_of.iter().map(|l| l.held).sum::<i64>(), "wallet {i} held");
            let stored = lots::of_wallet(c, self.tenant, wallet.id, true).await.unwrap_or_else(|e| panic!("{e}"));
            for lot in stored {
                let m = lots_of.iter().find(|l| l.id == lot.id).unwrap_or_else(|| panic!("unexpected lot"));
                assert_eq!((lot.remaining.get(), lot.held.get()), (m.remaining, m.held), "lot {}", lot.id);
            }
        }
        let report = creditloop_ledger::verify::run(c, Some(self.tenant)).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(report.violations.is_empty(), "{:#?}", report.violations);
    }
}

/// Cases per backend: a few dozen in the test command; `CREDITLOOP_PROPTEST_CASES` asks for more.
fn cases() -> u32 {
    std::env::var("CREDITLOOP_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
}

both!(random_ledger_operations_keep_every_invariant, |app| {
    let t = app.tenant(3).await;
    app.stock(&t, "10000.00", "200.00").await;
    let employees: Vec<UserId> = t.employees.iter().map(|e| UserId::parse(&e.user_id).unwrap_or_else(|| panic!("id"))).collect();
    let mut runner = TestRunner::new(Config { cases: cases(), ..Config::default() });
    let strategy = proptest::collection::vec(op(), 1..40);
    // Each case continues on the same tenant: the state grows richer as cases go on, and
    // the model carries over with it.
    let mut world = World { app, tenant: t.id, employees, model: Model { pool: 200_00, ..Model::default() }, step: 0 };
    for case in 0..cases() {
        let ops = strategy.new_tree(&mut runner).unwrap_or_else(|e| panic!("{e}")).current();
        for (i, op) in ops.iter().enumerate() {
            let outcome = futures::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(async {
                world.apply(op).await;
                world.check().await;
            }))
            .await;
            if let Err(panic) = outcome {
                eprintln!("case {case} failed at step {i}: {op:?}\nsequence: {ops:#?}");
                std::panic::resume_unwind(panic);
            }
        }
    }
});
