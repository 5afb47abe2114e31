//! The deterministic simulation.
//!
//! A seeded scheduler drives several tenants, their staff and employees through random
//! operations on the use-cases of [`App`] directly (not HTTP), one step at a time on a
//! current-thread runtime, with a manual clock, the carrier simulator with seeded faults
//! (failures, lost answers, unknown statuses) and injected database faults (a write
//! transaction that cannot begin, that is rolled back instead of committed, or that commits
//! and then reports an error). Beside the application runs a model: its own small ledger
//! (accounts, lots earliest-expiry-first, pending entries, reversals), the risk rules, the
//! one-time codes, the idempotency keys and every lifecycle object. After every step:
//!
//! - `App::verify` finds nothing wrong (entries balance, balances equal their postings, no
//!   internal account below its floor, lots sum to their wallet, one application per key);
//! - the database equals the model, tenant by tenant: every account, every lot, every status,
//!   the number of entries of every idempotency key, the set of claimed keys; a failed call
//!   left it as it was, a call hit by a fault left it as before or fully applied, never in
//!   between;
//! - credit is conserved per tenant (pool + wallets + delivered + recycled = purchased);
//! - the carrier delivered no top-up twice, a succeeded top-up exactly once, a failed,
//!   rejected or reviewed one never; reconciliation finds no mismatch.
//!
//! A failure names its seed and the command that replays it, with the last steps of the
//! trace. The same seed gives the same trace (operations, outcome kinds and amounts), which a
//! test checks. See `docs/simulation.md`.

// Money literals are fen grouped as yuan_fen (`500_00` is 500.00), as in the workspace's lints.
#![allow(clippy::inconsistent_digit_grouping)]

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use creditloop_app::funds::GrantLine;
use creditloop_app::policy::PolicyChange;
use creditloop_app::schedules::{Frequency, ScheduleInput, Target};
use creditloop_app::users::{Invitation, Profile};
use creditloop_app::{Actor, App, AppConfig, AppError, Principal};
use creditloop_carrier::{
    CarrierError, CarrierGateway, CarrierOrder, OrderStatus, SimConfig, Simulator, SubmitOutcome,
};
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::{
    Email, EntryId, Fen, IdempotencyKey, ManualClock, Permission, Rate, Role, RoleSet, TenantId, UserId,
};
use creditloop_ledger::store::{Fault, FaultPoint, query_all};
use creditloop_ledger::{Db, DbOptions};
use creditloop_tests::{Backend, TestDb};
use sea_orm::{ConnectionTrait, QueryResult, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Seeds the default (CI) run covers, split over [`CI_PARTS`] tests that run in parallel.
const CI_SEEDS: u64 = 300;
const CI_PARTS: u64 = 6;
/// Random steps per seed (after each tenant's opening steps).
const DEFAULT_STEPS: usize = 60;
/// Seeds run on PostgreSQL by default.
const PG_SEEDS: u64 = 4;
/// Trace lines a failure prints.
const TRAIL: usize = 30;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().replace('_', "").parse().ok())
}

fn steps_from_env() -> usize {
    env_u64("CREDITLOOP_SIM_STEPS").map_or(DEFAULT_STEPS, |s| s as usize)
}

// ---------------------------------------------------------------------------------------
// Randomness

/// SplitMix64: tiny, seedable, and the same on every platform.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5EED_C0DE_D00D_F00D)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % (n.max(1) as u64)) as usize
    }

    /// In `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo).max(0) as u64 + 1)) as i64
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }

    /// An index chosen with the given weights.
    fn weighted(&mut self, weights: &[usize]) -> usize {
        let total: usize = weights.iter().sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

// ---------------------------------------------------------------------------------------
// Injected database faults

#[derive(Default)]
struct FaultState {
    /// Points still to pass before the fault strikes, and what it does.
    armed: Option<(u32, Fault)>,
    fired: Option<(FaultPoint, Fault)>,
}

/// Consulted by the `Db` at every begin and commit of a write transaction.
#[derive(Default)]
struct FaultPlan(Mutex<FaultState>);

impl FaultPlan {
    fn lock(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn at(&self, point: FaultPoint) -> Fault {
        let mut s = self.lock();
        match s.armed {
            Some((0, kind)) => {
                let kind = if point == FaultPoint::Begin { Fault::Fail } else { kind };
                s.armed = None;
                s.fired = Some((point, kind));
                kind
            }
            Some((n, kind)) => {
                s.armed = Some((n - 1, kind));
                Fault::None
            }
            None => Fault::None,
        }
    }

    fn arm(&self, after: u32, kind: Fault) {
        let mut s = self.lock();
        s.armed = Some((after, kind));
        s.fired = None;
    }

    /// Disarms and tells whether (and how) a fault struck.
    fn disarm(&self) -> Option<(FaultPoint, Fault)> {
        let mut s = self.lock();
        s.armed = None;
        s.fired.take()
    }
}

// ---------------------------------------------------------------------------------------
// The carrier, seen through stable order names

type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The carrier simulator decides each order from `(seed, order id, attempt)`. Order ids are
/// ledger entry ids, fresh UUIDs in every run, so this gateway names each order by its
/// top-up's idempotency key instead (the hold entry carries it): the same seed then meets the
/// same carrier behaviour.
struct NamedCarrier {
    sim: Arc<Simulator>,
    conn: sea_orm::DatabaseConnection,
    names: Mutex<HashMap<String, String>>,
}

impl NamedCarrier {
    async fn name(&self, order_id: &str) -> String {
        if let Some(name) = self.names.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(order_id) {
            return name.clone();
        }
        let Ok(id) = Uuid::parse_str(order_id) else { return format!("raw:{order_id}") };
        let row = query_all(&self.conn, "SELECT idempotency_key FROM entries WHERE id = $1", vec![id.into()]).await;
        let name = match row
            .ok()
            .and_then(|r| r.into_iter().next())
            .and_then(|r| r.try_get::<String>("", "idempotency_key").ok())
        {
            Some(key) => key,
            None => format!("raw:{order_id}"),
        };
        self.names.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(order_id.to_owned(), name.clone());
        name
    }
}

impl CarrierGateway for NamedCarrier {
    fn submit<'life0, 'life1, 'async_trait>(
        &'life0 self,
        order: &'life1 CarrierOrder,
    ) -> BoxFut<'async_trait, Result<SubmitOutcome, CarrierError>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            let mut named = order.clone();
            named.order_id = self.name(&order.order_id).await;
            self.sim.submit(&named).await
        })
    }

    fn status<'life0, 'life1, 'async_trait>(
        &'life0 self,
        order_id: &'life1 str,
    ) -> BoxFut<'async_trait, Result<OrderStatus, CarrierError>>
    where
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            let name = self.name(order_id).await;
            self.sim.status(&name).await
        })
    }

    fn name(&self) -> &str {
        "simulator (named orders)"
    }
}

// ---------------------------------------------------------------------------------------
// The model

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Acct {
    Funding,
    Pool,
    Fees,
    Wallet(usize),
    Payout(usize),
    Bank,
    SupplierCash,
    SupplierCredit,
    Carrier,
    RecyclerCredit,
    RecyclerCash,
    Payroll,
}

impl Acct {
    fn internal(self) -> bool {
        matches!(self, Acct::Funding | Acct::Pool | Acct::Fees | Acct::Wallet(_) | Acct::Payout(_))
    }

    fn name(self) -> String {
        match self {
            Acct::Funding => "FUNDING".into(),
            Acct::Pool => "POOL".into(),
            Acct::Fees => "FEES".into(),
            Acct::Wallet(e) => format!("WALLET:{e}"),
            Acct::Payout(e) => format!("PAYOUT:{e}"),
            Acct::Bank => "EXT:bank:CASH".into(),
            Acct::SupplierCash => "EXT:supplier:CASH".into(),
            Acct::SupplierCredit => "EXT:supplier:CREDIT".into(),
            Acct::Carrier => "EXT:carrier:CREDIT".into(),
            Acct::RecyclerCredit => "EXT:recycler:CREDIT".into(),
            Acct::RecyclerCash => "EXT:recycler:CASH".into(),
            Acct::Payroll => "EXT:payroll:CASH".into(),
        }
    }
}

/// `(posted, pending_out, pending_in)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Bal {
    posted: i64,
    out: i64,
    inn: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Post,
    Hold,
    Commit,
    Release,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EStatus {
    Posted,
    Pending,
    Voided,
}

#[derive(Debug, Clone)]
struct MLot {
    emp: usize,
    expires_at: DateTime<Utc>,
    original: i64,
    remaining: i64,
    held: i64,
}

#[derive(Debug, Clone)]
struct MEntry {
    key: String,
    code: &'static str,
    status: EStatus,
    reversed: bool,
    legs: Vec<(Acct, i64)>,
    /// Lots this entry held or consumed, as `lot_moves` records them.
    moves: Vec<(usize, i64)>,
    created_lot: Option<usize>,
    id: Option<EntryId>,
}

#[derive(Debug, Clone, Copy)]
enum LotFx {
    None,
    Create(usize, DateTime<Utc>),
    Hold(usize),
    ConsumeLot(usize),
    ConsumeAll(usize),
}

#[derive(Debug, Clone)]
struct MTopup {
    key: String,
    emp: usize,
    phone: String,
    amount: i64,
    status: &'static str,
    entry: usize,
    created_at: DateTime<Utc>,
    id: Option<Uuid>,
}

#[derive(Debug, Clone)]
struct MPurchase {
    key: String,
    face: i64,
    price: i64,
    status: &'static str,
    requested_by: Who,
    id: Option<Uuid>,
}

#[derive(Debug, Clone)]
struct MQuote {
    id: Uuid,
    face: i64,
    net: i64,
    fee: i64,
    expires_at: DateTime<Utc>,
    used: bool,
    delay_days: i64,
}

#[derive(Debug, Clone)]
struct MRecycle {
    key: String,
    quote: usize,
    face: i64,
    status: &'static str,
    entry: usize,
    settle_after: Option<DateTime<Utc>>,
    requested_by: Who,
    id: Option<Uuid>,
}

#[derive(Debug, Clone)]
struct MCashout {
    key: String,
    emp: usize,
    credit: i64,
    cash: i64,
    status: &'static str,
    entry: usize,
    id: Option<Uuid>,
}

#[derive(Debug, Clone)]
struct MDispute {
    topup: usize,
    status: &'static str,
    id: Option<Uuid>,
}

#[derive(Debug, Clone)]
enum Sched {
    Once,
    Monthly { day: u32, period_end: bool },
}

#[derive(Debug, Clone)]
struct MSchedule {
    name: String,
    amount: i64,
    kind: Sched,
    expiry_days: i64,
    target: MTarget,
    next_run_at: Option<DateTime<Utc>>,
    retry_after: Option<DateTime<Utc>>,
    /// `period -> DONE | FAILED`.
    runs: BTreeMap<String, &'static str>,
    id: Option<Uuid>,
}

#[derive(Debug, Clone)]
enum MTarget {
    All,
    Department(&'static str),
    List(Vec<usize>),
}

#[derive(Debug, Clone)]
struct MCode {
    emp: usize,
    phone: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    attempts: i32,
    used: bool,
    /// The plain code, read from the outbox once it was sent.
    code: Option<String>,
}

/// One tenant's books and lifecycle objects, as the model expects them.
#[derive(Debug, Clone, Default)]
struct Books {
    accts: BTreeMap<Acct, Bal>,
    lots: Vec<MLot>,
    entries: Vec<MEntry>,
    active: Vec<bool>,
    topups: Vec<MTopup>,
    purchases: Vec<MPurchase>,
    quotes: Vec<MQuote>,
    recycles: Vec<MRecycle>,
    cashouts: Vec<MCashout>,
    disputes: Vec<MDispute>,
    schedules: Vec<MSchedule>,
    codes: Vec<MCode>,
    /// Client keys applied: key -> (operation, request fingerprint).
    keys: BTreeMap<String, (&'static str, String)>,
    vouchers: i64,
    /// Face value of credit bought (net of reversals): what pool, wallets and the outflows
    /// must add up to.
    purchased: i64,
}

type Code = &'static str;

impl Books {
    fn bal(&mut self, a: Acct) -> &mut Bal {
        self.accts.entry(a).or_default()
    }

    fn get(&self, a: Acct) -> Bal {
        self.accts.get(&a).copied().unwrap_or_default()
    }

    fn available(&self, a: Acct) -> i64 {
        let b = self.get(a);
        b.posted - b.out
    }

    /// As the engine's `apply`: one conditional change per leg.
    fn apply(&mut self, legs: &[(Acct, i64)], mode: Mode) -> Result<(), Code> {
        for &(a, amount) in legs {
            let internal = a.internal();
            let b = self.bal(a);
            match (mode, amount < 0) {
                (Mode::Post, true) => {
                    if internal && b.posted - b.out + amount < 0 {
                        return Err("INSUFFICIENT_FUNDS");
                    }
                    b.posted += amount;
                }
                (Mode::Post, false) => b.posted += amount,
                (Mode::Hold, true) => {
                    if internal && b.posted - b.out + amount < 0 {
                        return Err("INSUFFICIENT_FUNDS");
                    }
                    b.out -= amount;
                }
                (Mode::Hold, false) => b.inn += amount,
                (Mode::Commit, true) => {
                    b.out += amount;
                    b.posted += amount;
                }
                (Mode::Commit, false) => {
                    b.inn -= amount;
                    b.posted += amount;
                }
                (Mode::Release, true) => b.out += amount,
                (Mode::Release, false) => b.inn -= amount,
            }
        }
        Ok(())
    }

    /// Unexpired lots of an employee with free credit, earliest expiry first (ties: the
    /// older lot, as UUIDv7 ids order them).
    fn fefo(&self, emp: usize, amount: i64, now: DateTime<Utc>) -> Option<Vec<(usize, i64)>> {
        let mut candidates: Vec<usize> = (0..self.lots.len())
            .filter(|&i| {
                let l = &self.lots[i];
                l.emp == emp && l.expires_at > now && l.remaining > l.held
            })
            .collect();
        candidates.sort_by_key(|&i| (self.lots[i].expires_at, i));
        let mut left = amount;
        let mut moves = Vec::new();
        for i in candidates {
            if left == 0 {
                break;
            }
            let take = (self.lots[i].remaining - self.lots[i].held).min(left);
            moves.push((i, take));
            left -= take;
        }
        (left == 0).then_some(moves)
    }

    fn free_total(&self, emp: usize) -> i64 {
        self.lots.iter().filter(|l| l.emp == emp).map(|l| l.remaining - l.held).sum()
    }

    /// Returns all the free credit of a wallet to the pool (offboarding, and credit released
    /// onto an offboarded wallet afterwards).
    fn reclaim(&mut self, emp: usize, key: &str, now: DateTime<Utc>) -> Result<(), Code> {
        let free = self.free_total(emp);
        if free > 0 {
            let legs = vec![(Acct::Wallet(emp), -free), (Acct::Pool, free)];
            self.record("RECLAIM", key, legs, false, LotFx::ConsumeAll(emp), now)?;
        }
        Ok(())
    }

    /// Releases a hold; on an offboarded employee's wallet the credit goes on to the pool.
    fn release(&mut self, entry: usize, emp: usize, now: DateTime<Utc>) -> Result<(), Code> {
        self.settle(entry, false)?;
        if !self.active[emp] {
            self.reclaim(emp, "sys:reclaim", now)?;
        }
        Ok(())
    }

    /// As `engine::record`.
    fn record(
        &mut self,
        code: Code,
        key: &str,
        legs: Vec<(Acct, i64)>,
        pending: bool,
        fx: LotFx,
        now: DateTime<Utc>,
    ) -> Result<usize, Code> {
        if legs.iter().any(|(_, a)| *a == 0) {
            return Err("VALIDATION");
        }
        self.apply(&legs, if pending { Mode::Hold } else { Mode::Post })?;
        let headline = legs.iter().map(|(_, a)| a.abs()).max().unwrap_or(0);
        let debit = legs.iter().find(|(a, x)| *x < 0 && matches!(a, Acct::Wallet(_))).map(|(_, x)| -x).unwrap_or(0);
        let mut moves = Vec::new();
        let mut created_lot = None;
        match fx {
            LotFx::None => {}
            LotFx::Create(emp, expires_at) => {
                self.lots.push(MLot { emp, expires_at, original: headline, remaining: headline, held: 0 });
                created_lot = Some(self.lots.len() - 1);
            }
            LotFx::Hold(emp) => {
                moves = self.fefo(emp, debit, now).ok_or("INSUFFICIENT_FUNDS")?;
                for &(l, take) in &moves {
                    self.lots[l].held += take;
                }
            }
            LotFx::ConsumeLot(l) => {
                self.lots[l].remaining -= debit;
                moves.push((l, debit));
            }
            LotFx::ConsumeAll(emp) => {
                for (i, l) in self.lots.iter_mut().enumerate() {
                    if l.emp == emp && l.remaining > l.held {
                        moves.push((i, l.remaining - l.held));
                        l.remaining = l.held;
                    }
                }
            }
        }
        let status = if pending { EStatus::Pending } else { EStatus::Posted };
        self.entries.push(MEntry {
            key: key.to_owned(),
            code,
            status,
            reversed: false,
            legs,
            moves,
            created_lot,
            id: None,
        });
        Ok(self.entries.len() - 1)
    }

    /// As `engine::post_pending` / `void_pending`.
    fn settle(&mut self, e: usize, commit: bool) -> Result<(), Code> {
        if self.entries[e].status != EStatus::Pending {
            return Err("CONFLICT");
        }
        let legs = self.entries[e].legs.clone();
        self.apply(&legs, if commit { Mode::Commit } else { Mode::Release })?;
        for &(l, amount) in &self.entries[e].moves.clone() {
            self.lots[l].held -= amount;
            if commit {
                self.lots[l].remaining -= amount;
            }
        }
        self.entries[e].status = if commit { EStatus::Posted } else { EStatus::Voided };
        Ok(())
    }

    /// As `engine::reverse`.
    fn reverse(&mut self, e: usize, key: &str) -> Result<usize, Code> {
        let original = self.entries[e].clone();
        if original.status != EStatus::Posted {
            return Err("CONFLICT");
        }
        if original.code == "REVERSAL" {
            return Err("VALIDATION");
        }
        if original.reversed {
            return Err("CONFLICT");
        }
        let legs: Vec<(Acct, i64)> = original.legs.iter().map(|(a, x)| (*a, -x)).collect();
        self.apply(&legs, Mode::Post)?;
        if let Some(l) = original.created_lot {
            let lot = &mut self.lots[l];
            if lot.remaining - lot.held < lot.original {
                return Err("INSUFFICIENT_FUNDS");
            }
            lot.remaining -= lot.original;
        }
        for &(l, amount) in &original.moves {
            self.lots[l].remaining += amount;
        }
        if original.code == "PURCHASE" {
            self.purchased -= original.legs.iter().find(|(a, _)| *a == Acct::Pool).map_or(0, |(_, x)| *x);
        }
        self.entries[e].reversed = true;
        self.entries.push(MEntry {
            key: key.to_owned(),
            code: "REVERSAL",
            status: EStatus::Posted,
            reversed: false,
            legs,
            moves: Vec::new(),
            created_lot: None,
            id: None,
        });
        Ok(self.entries.len() - 1)
    }

    /// Where a key stands for an operation with this fingerprint.
    fn key(&self, key: &str, op: &'static str, fp: &str) -> KeyState {
        match self.keys.get(key) {
            None => KeyState::New,
            Some((o, f)) if *o == op && f == fp => KeyState::Replay,
            Some(_) => KeyState::Conflict,
        }
    }

    /// Sweeps every expired lot with free credit.
    fn sweep(&mut self, now: DateTime<Utc>) -> usize {
        let due: Vec<usize> = (0..self.lots.len())
            .filter(|&i| self.lots[i].expires_at <= now && self.lots[i].remaining > self.lots[i].held)
            .collect();
        for &l in &due {
            let emp = self.lots[l].emp;
            let free = self.lots[l].remaining - self.lots[l].held;
            let legs = vec![(Acct::Wallet(emp), -free), (Acct::Pool, free)];
            // Cannot fail: the wallet holds at least this lot's free credit.
            let _ = self.record("EXPIRE", "sys:expire", legs, false, LotFx::ConsumeLot(l), now);
        }
        due.len()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyState {
    New,
    Replay,
    Conflict,
}

/// What the model expects of a call: the state after each transaction that commits, in
/// order (the last is the final state), and the answer.
struct Pred {
    stages: Vec<Books>,
    result: Result<(), Code>,
    /// Another answer that is as right (see [`Pred::before_key`]); it changes nothing either.
    alt: Option<Code>,
}

impl Pred {
    fn err(code: Code) -> Pred {
        Pred { stages: Vec::new(), result: Err(code), alt: None }
    }

    fn ok(b: Books) -> Pred {
        Pred { stages: vec![b], result: Ok(()), alt: None }
    }

    /// A check made before the key (an expiry passed since, an employee offboarded since)
    /// refuses the request. For a new key that is the answer; for a key already applied with
    /// the same request the stored answer is due, and with another request a `CONFLICT`. An
    /// application that checks first still answers the refusal: both are accepted, and either
    /// way nothing changes.
    fn before_key(b: &Books, state: KeyState, refusal: Option<Code>) -> Option<Pred> {
        let refusal = refusal?;
        Some(match state {
            KeyState::New => Pred::err(refusal),
            KeyState::Replay => Pred { stages: vec![b.clone()], result: Ok(()), alt: Some(refusal) },
            KeyState::Conflict => Pred { stages: Vec::new(), result: Err("CONFLICT"), alt: Some(refusal) },
        })
    }

    fn from(r: Result<Books, Code>) -> Pred {
        match r {
            Ok(b) => Pred::ok(b),
            Err(c) => Pred::err(c),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Tenants as the simulation sees them

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Owner,
    Hr,
    Finance,
    Auditor,
    Emp(usize),
}

#[derive(Debug, Clone)]
struct Pol {
    single: i64,
    daily: i64,
    monthly: i64,
    cap: i64,
    purchase_threshold: i64,
    recycle_review: i64,
    cashout_review: i64,
    velocity_max: i64,
    velocity_minutes: i64,
    recycle_bps: u32,
    recycle_fee: i64,
    delay_days: i64,
    cashout_enabled: bool,
    cashout_bps: u32,
}

struct Emp {
    id: UserId,
    phone: String,
    dept: &'static str,
    principal: Principal,
}

struct Tenant {
    id: TenantId,
    offset: FixedOffset,
    pol: Pol,
    owner: Principal,
    hr: Principal,
    finance: Principal,
    auditor: Principal,
    emps: Vec<Emp>,
    by_user: HashMap<String, usize>,
    /// Numbers that are nobody's own, for top-ups that need a one-time code.
    other_phones: Vec<String>,
}

impl Tenant {
    fn principal(&self, who: Who) -> &Principal {
        match who {
            Who::Owner => &self.owner,
            Who::Hr => &self.hr,
            Who::Finance => &self.finance,
            Who::Auditor => &self.auditor,
            Who::Emp(e) => &self.emps[e].principal,
        }
    }
}

fn user_principal(tenant: TenantId, id: UserId, email: &str, roles: &[Role]) -> Principal {
    Principal {
        tenant,
        actor: Actor::User { id, email: email.to_owned(), name: email.to_owned() },
        roles: roles.iter().copied().collect(),
        ip: None,
        csrf_token: None,
    }
}

/// Local midnight of a date in a fixed-offset zone (every zone the simulation uses has no
/// daylight saving time).
fn midnight(off: FixedOffset, date: NaiveDate) -> DateTime<Utc> {
    off.from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map_or_else(|| date.and_time(chrono::NaiveTime::MIN).and_utc(), |d| d.with_timezone(&Utc))
}

fn first_of_next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d)
}

fn next_monthly(day: u32, off: FixedOffset, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let today = from.with_timezone(&off).date_naive();
    let mut month = today.with_day(1)?;
    for _ in 0..3 {
        let last = first_of_next_month(month).pred_opt()?.day();
        let at = midnight(off, month.with_day(day.min(last))?);
        if at >= from {
            return Some(at);
        }
        month = first_of_next_month(month);
    }
    None
}

fn money(fen: i64) -> String {
    Fen::new(fen).to_string()
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

// ---------------------------------------------------------------------------------------
// Snapshots: the database and the model, projected onto the same comparable shape

#[derive(Debug, Default, PartialEq, Eq)]
struct Snap {
    accounts: BTreeMap<String, (i64, i64, i64)>,
    lots: Vec<(usize, i64, i64, i64, i64)>,
    active: Vec<bool>,
    topups: BTreeMap<String, String>,
    purchases: BTreeMap<String, String>,
    recycles: BTreeMap<String, String>,
    cashouts: BTreeMap<String, String>,
    disputes: Vec<(String, String)>,
    schedules: BTreeMap<String, (Option<i64>, Option<i64>)>,
    runs: BTreeMap<(String, String), String>,
    codes: Vec<(usize, String, i32, bool)>,
    entry_keys: BTreeMap<String, i64>,
    idem_keys: BTreeSet<String>,
    vouchers: i64,
}

impl Snap {
    fn diff(&self, other: &Snap) -> String {
        let mut out = Vec::new();
        macro_rules! field {
            ($f:ident) => {
                if self.$f != other.$f {
                    out.push(format!(
                        "  {}:\n    database: {:?}\n    model:    {:?}",
                        stringify!($f),
                        self.$f,
                        other.$f
                    ));
                }
            };
        }
        field!(accounts);
        field!(lots);
        field!(active);
        field!(topups);
        field!(purchases);
        field!(recycles);
        field!(cashouts);
        field!(disputes);
        field!(schedules);
        field!(runs);
        field!(codes);
        field!(entry_keys);
        field!(idem_keys);
        field!(vouchers);
        out.join("\n")
    }
}

impl Books {
    fn snap(&self) -> Snap {
        let mut s = Snap::default();
        for (a, b) in &self.accts {
            if *b != Bal::default() {
                s.accounts.insert(a.name(), (b.posted, b.out, b.inn));
            }
        }
        let mut lots: Vec<(usize, i64, usize, i64, i64, i64)> = self
            .lots
            .iter()
            .enumerate()
            .map(|(i, l)| (l.emp, micros(l.expires_at), i, l.original, l.remaining, l.held))
            .collect();
        lots.sort();
        s.lots = lots.into_iter().map(|(e, x, _, o, r, h)| (e, x, o, r, h)).collect();
        s.active = self.active.clone();
        s.topups = self.topups.iter().map(|t| (t.key.clone(), t.status.to_owned())).collect();
        s.purchases = self.purchases.iter().map(|p| (p.key.clone(), p.status.to_owned())).collect();
        s.recycles = self.recycles.iter().map(|r| (r.key.clone(), r.status.to_owned())).collect();
        s.cashouts = self.cashouts.iter().map(|c| (c.key.clone(), c.status.to_owned())).collect();
        s.disputes = self.disputes.iter().map(|d| (self.topups[d.topup].key.clone(), d.status.to_owned())).collect();
        s.disputes.sort();
        for sc in &self.schedules {
            s.schedules.insert(sc.name.clone(), (sc.next_run_at.map(micros), sc.retry_after.map(micros)));
            for (period, status) in &sc.runs {
                s.runs.insert((sc.name.clone(), period.clone()), (*status).to_owned());
            }
        }
        let mut codes: Vec<(i64, usize, String, i32, bool)> =
            self.codes.iter().map(|c| (micros(c.created_at), c.emp, c.phone.clone(), c.attempts, c.used)).collect();
        codes.sort();
        s.codes = codes.into_iter().map(|(_, e, p, a, u)| (e, p, a, u)).collect();
        for e in &self.entries {
            if !e.key.starts_with("sys:") {
                *s.entry_keys.entry(e.key.clone()).or_default() += 1;
            }
        }
        s.idem_keys = self.keys.keys().cloned().collect();
        s.vouchers = self.vouchers;
        s
    }
}

// ---------------------------------------------------------------------------------------
// Calls that carry an idempotency key (and so can be replayed)

#[derive(Debug, Clone)]
enum Call {
    Fund {
        t: usize,
        who: Who,
        amount: i64,
        key: String,
    },
    Purchase {
        t: usize,
        who: Who,
        face: i64,
        price: i64,
        key: String,
    },
    Approve {
        t: usize,
        who: Who,
        purchase: usize,
        key: String,
    },
    Grant {
        t: usize,
        who: Who,
        emp: usize,
        amount: i64,
        expires: DateTime<Utc>,
        key: String,
    },
    Batch {
        t: usize,
        who: Who,
        lines: Vec<(usize, i64, Option<DateTime<Utc>>)>,
        expires: DateTime<Utc>,
        key: String,
    },
    /// `own`: by the employee (a code when the number is not theirs); else HR on their behalf.
    Topup {
        t: usize,
        who: Who,
        emp: usize,
        phone: Option<String>,
        amount: i64,
        code: Option<String>,
        key: String,
    },
    Deactivate {
        t: usize,
        who: Who,
        emp: usize,
        key: String,
    },
    Reverse {
        t: usize,
        who: Who,
        entry: usize,
        key: String,
    },
    Resolve {
        t: usize,
        who: Who,
        dispute: usize,
        refund: bool,
        key: String,
    },
    Confirm {
        t: usize,
        who: Who,
        quote: usize,
        key: String,
    },
    Cashout {
        t: usize,
        emp: usize,
        amount: i64,
        key: String,
    },
    Paid {
        t: usize,
        who: Who,
        cashout: usize,
        key: String,
    },
}

impl Call {
    fn tenant(&self) -> usize {
        match self {
            Call::Fund { t, .. }
            | Call::Purchase { t, .. }
            | Call::Approve { t, .. }
            | Call::Grant { t, .. }
            | Call::Batch { t, .. }
            | Call::Topup { t, .. }
            | Call::Deactivate { t, .. }
            | Call::Reverse { t, .. }
            | Call::Resolve { t, .. }
            | Call::Confirm { t, .. }
            | Call::Cashout { t, .. }
            | Call::Paid { t, .. } => *t,
        }
    }

    fn key_mut(&mut self) -> &mut String {
        match self {
            Call::Fund { key, .. }
            | Call::Purchase { key, .. }
            | Call::Approve { key, .. }
            | Call::Grant { key, .. }
            | Call::Batch { key, .. }
            | Call::Topup { key, .. }
            | Call::Deactivate { key, .. }
            | Call::Reverse { key, .. }
            | Call::Resolve { key, .. }
            | Call::Confirm { key, .. }
            | Call::Cashout { key, .. }
            | Call::Paid { key, .. } => key,
        }
    }

    /// The operation its key is claimed for.
    fn op(&self) -> &'static str {
        match self {
            Call::Fund { .. } => "funding.create",
            Call::Purchase { .. } => "purchases.request",
            Call::Approve { .. } => "purchases.approve",
            Call::Grant { .. } => "grants.create",
            Call::Batch { .. } => "grants.batch",
            Call::Topup { .. } => "topups.create",
            Call::Deactivate { .. } => "users.deactivate",
            Call::Reverse { .. } => "entries.reverse",
            Call::Resolve { .. } => "disputes.resolve",
            Call::Confirm { .. } => "recycles.confirm",
            Call::Cashout { .. } => "cashouts.create",
            Call::Paid { .. } => "payouts.mark_paid",
        }
    }

    /// The same call with a different request under the same key.
    fn changed(&self) -> Call {
        let mut c = self.clone();
        match &mut c {
            Call::Fund { amount, .. }
            | Call::Grant { amount, .. }
            | Call::Topup { amount, .. }
            | Call::Cashout { amount, .. } => *amount += 1,
            Call::Purchase { face, .. } => *face += 100,
            Call::Batch { lines, .. } => {
                if let Some(l) = lines.first_mut() {
                    l.1 += 1;
                }
            }
            Call::Resolve { refund, .. } => *refund = !*refund,
            Call::Approve { purchase, .. } => *purchase += 1,
            Call::Deactivate { emp, .. } => *emp += 1,
            Call::Reverse { entry, .. } => *entry += 1,
            Call::Confirm { quote, .. } => *quote += 1,
            Call::Paid { cashout, .. } => *cashout += 1,
        }
        c
    }

    /// Whether the objects the call names exist in the model.
    fn valid(&self, b: &Books, emps: usize) -> bool {
        match self {
            Call::Approve { purchase, .. } => *purchase < b.purchases.len(),
            Call::Deactivate { emp, .. } => *emp < emps,
            Call::Reverse { entry, .. } => *entry < b.entries.len() && b.entries[*entry].id.is_some(),
            Call::Confirm { quote, .. } => *quote < b.quotes.len(),
            Call::Paid { cashout, .. } => *cashout < b.cashouts.len(),
            Call::Resolve { dispute, .. } => *dispute < b.disputes.len(),
            _ => true,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The simulation

struct Sim {
    seed: u64,
    rng: Rng,
    app: App,
    clock: Arc<ManualClock>,
    carrier: Arc<Simulator>,
    faults: Arc<FaultPlan>,
    fault_percent: usize,
    tenants: Vec<Tenant>,
    books: Vec<Books>,
    history: Vec<Call>,
    trace: Vec<String>,
    step: usize,
    keys: u64,
    /// For unique expiries and schedule names.
    counter: i64,
    steps: usize,
    backend: Backend,
    /// Replays are not themselves replayed: the history holds each key's first request.
    replaying: bool,
}

type R<T = ()> = Result<T, String>;

fn code(e: &AppError) -> Code {
    e.code().as_str()
}

/// What the trace says about an answer.
fn outcome<T>(r: &Result<T, AppError>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => code(e).to_owned(),
    }
}

impl Sim {
    fn now(&self) -> DateTime<Utc> {
        self.app.now()
    }

    fn key(&mut self, t: usize) -> String {
        self.keys += 1;
        format!("s{}-t{t}-k{}", self.seed, self.keys)
    }

    fn who_name(&self, who: Who) -> String {
        match who {
            Who::Owner => "owner".into(),
            Who::Hr => "hr".into(),
            Who::Finance => "finance".into(),
            Who::Auditor => "auditor".into(),
            Who::Emp(e) => format!("e{e}"),
        }
    }

    /// Mostly one of the actors who may do it; sometimes anyone (who must then be refused).
    fn actor(&mut self, t: usize, allowed: &[Who]) -> Who {
        if self.rng.percent(90) {
            return self.rng.pick(allowed);
        }
        let n = self.tenants[t].emps.len();
        let mut all = vec![Who::Owner, Who::Hr, Who::Finance, Who::Auditor];
        all.push(Who::Emp(self.rng.below(n)));
        self.rng.pick(&all)
    }

    fn p(&self, t: usize, who: Who) -> Principal {
        self.tenants[t].principal(who).clone()
    }

    fn can(&self, t: usize, who: Who, perm: Permission) -> bool {
        self.tenants[t].principal(who).can(perm)
    }

    /// An expiry `lo..=hi` days ahead that no other lot shares.
    fn unique_expiry(&mut self, lo: i64, hi: i64) -> DateTime<Utc> {
        let days = self.rng.range(lo, hi);
        self.counter += 1;
        self.now()
            + Duration::days(days)
            + Duration::seconds(self.rng.range(0, 3600))
            + Duration::microseconds(self.counter)
    }

    fn log(&mut self, line: String) {
        self.trace.push(format!("#{} {line}", self.step));
    }

    fn fail(&self, what: &str) -> String {
        let start = self.trace.len().saturating_sub(TRAIL);
        let trail: Vec<&str> = self.trace[start..].iter().map(String::as_str).collect();
        format!(
            "deterministic simulation: seed {seed} failed at step {step}{on}:\n{what}\n\nreplay with:\n  \
             CREDITLOOP_SIM_SEED={seed} CREDITLOOP_SIM_STEPS={steps}{pg} cargo test -p creditloop-tests --test api -- sim::replay --nocapture\n\n\
             last {n} steps:\n  {trail}",
            seed = self.seed,
            step = self.step,
            on = if self.backend == Backend::Postgres { " on PostgreSQL" } else { "" },
            pg = if self.backend == Backend::Postgres { " CREDITLOOP_SIM_PG=1" } else { "" },
            steps = self.steps,
            n = trail.len(),
            trail = trail.join("\n  ")
        )
    }

    /// Arms a fault for this step with the seed's probability.
    fn maybe_arm(&mut self) {
        if self.rng.percent(self.fault_percent) {
            let after = self.rng.below(4) as u32;
            let kind = if self.rng.percent(55) { Fault::Fail } else { Fault::FailAfterCommit };
            self.faults.arm(after, kind);
        }
    }

    async fn rows(&self, sql: &str, values: Vec<Value>) -> R<Vec<QueryResult>> {
        query_all(self.app.db.conn(), sql, values).await.map_err(|e| self.fail(&format!("query failed: {e}\n{sql}")))
    }

    // -- reading the database ------------------------------------------------------------

    async fn db_snap(&self, t: usize) -> R<Snap> {
        let tn = &self.tenants[t];
        let tid: Value = tn.id.0.into();
        let emp_of = |owner: &str| tn.by_user.get(owner).copied();
        let g = |r: &QueryResult, c: &str| -> R<i64> { r.try_get::<i64>("", c).map_err(|e| format!("{c}: {e}")) };
        let gs =
            |r: &QueryResult, c: &str| -> R<String> { r.try_get::<String>("", c).map_err(|e| format!("{c}: {e}")) };
        let mut s = Snap::default();
        for r in self
            .rows(
                "SELECT kind, owner, asset, posted, pending_out, pending_in FROM accounts WHERE tenant_id = $1",
                vec![tid.clone()],
            )
            .await?
        {
            let (kind, owner, asset) = (gs(&r, "kind")?, gs(&r, "owner")?, gs(&r, "asset")?);
            let v = (g(&r, "posted")?, g(&r, "pending_out")?, g(&r, "pending_in")?);
            if v == (0, 0, 0) {
                continue;
            }
            let name = match kind.as_str() {
                "WALLET" | "PAYOUT" => format!("{kind}:{}", emp_of(&owner).map_or(owner.clone(), |e| e.to_string())),
                "EXTERNAL" => format!("EXT:{owner}:{asset}"),
                _ => kind,
            };
            s.accounts.insert(name, v);
        }
        let mut lots = Vec::new();
        for r in self
            .rows(
                "SELECT a.owner, l.id, l.expires_at, l.original, l.remaining, l.held FROM lots l JOIN accounts a ON a.id = l.account_id \
                 WHERE l.tenant_id = $1",
                vec![tid.clone()],
            )
            .await?
        {
            let owner = gs(&r, "owner")?;
            let id: Uuid = r.try_get("", "id").map_err(|e| e.to_string())?;
            let expires: DateTime<Utc> = r.try_get("", "expires_at").map_err(|e| e.to_string())?;
            lots.push((emp_of(&owner).unwrap_or(usize::MAX), micros(expires), id, g(&r, "original")?, g(&r, "remaining")?, g(&r, "held")?));
        }
        lots.sort();
        s.lots = lots.into_iter().map(|(e, x, _, o, r, h)| (e, x, o, r, h)).collect();
        s.active = vec![true; tn.emps.len()];
        for r in self.rows("SELECT id, status FROM users WHERE tenant_id = $1", vec![tid.clone()]).await? {
            let id: Uuid = r.try_get("", "id").map_err(|e| e.to_string())?;
            if let Some(e) = emp_of(&id.to_string()) {
                s.active[e] = gs(&r, "status")? != "DEACTIVATED";
            }
        }
        let keyed = |table: &str| {
            format!(
                "SELECT e.idempotency_key AS k, x.status FROM {table} x JOIN entries e ON e.id = x.entry_id WHERE x.tenant_id = $1"
            )
        };
        for r in self.rows(&keyed("topups"), vec![tid.clone()]).await? {
            s.topups.insert(gs(&r, "k")?, gs(&r, "status")?);
        }
        for r in self.rows(&keyed("recycles"), vec![tid.clone()]).await? {
            s.recycles.insert(gs(&r, "k")?, gs(&r, "status")?);
        }
        for r in self.rows(&keyed("cashouts"), vec![tid.clone()]).await? {
            s.cashouts.insert(gs(&r, "k")?, gs(&r, "status")?);
        }
        let mut order_keys: HashMap<Uuid, String> = HashMap::new();
        for r in self
            .rows("SELECT key, operation, response FROM idempotency_keys WHERE tenant_id = $1", vec![tid.clone()])
            .await?
        {
            let key = gs(&r, "key")?;
            if gs(&r, "operation")? == "purchases.request"
                && let Ok(id) = serde_json::from_str::<Uuid>(&gs(&r, "response")?)
            {
                order_keys.insert(id, key.clone());
            }
            s.idem_keys.insert(key);
        }
        for r in self.rows("SELECT id, status FROM purchase_orders WHERE tenant_id = $1", vec![tid.clone()]).await? {
            let id: Uuid = r.try_get("", "id").map_err(|e| e.to_string())?;
            let key = order_keys.get(&id).cloned().unwrap_or_else(|| format!("(no key) {id}"));
            s.purchases.insert(key, gs(&r, "status")?);
        }
        for r in self
            .rows(
                "SELECT e.idempotency_key AS k, d.status FROM disputes d JOIN topups t ON t.id = d.topup_id \
                 JOIN entries e ON e.id = t.entry_id WHERE d.tenant_id = $1",
                vec![tid.clone()],
            )
            .await?
        {
            s.disputes.push((gs(&r, "k")?, gs(&r, "status")?));
        }
        s.disputes.sort();
        for r in self
            .rows(
                "SELECT name, next_run_at, retry_after FROM allowance_schedules WHERE tenant_id = $1",
                vec![tid.clone()],
            )
            .await?
        {
            let next: Option<DateTime<Utc>> = r.try_get("", "next_run_at").map_err(|e| e.to_string())?;
            let retry: Option<DateTime<Utc>> = r.try_get("", "retry_after").map_err(|e| e.to_string())?;
            s.schedules.insert(gs(&r, "name")?, (next.map(micros), retry.map(micros)));
        }
        for r in self
            .rows(
                "SELECT s.name, r.period, r.status FROM allowance_runs r JOIN allowance_schedules s ON s.id = r.schedule_id \
                 WHERE r.tenant_id = $1",
                vec![tid.clone()],
            )
            .await?
        {
            s.runs.insert((gs(&r, "name")?, gs(&r, "period")?), gs(&r, "status")?);
        }
        let mut codes = Vec::new();
        for r in self
            .rows(
                "SELECT user_id, phone, attempts, used_at, created_at FROM one_time_codes WHERE tenant_id = $1",
                vec![tid.clone()],
            )
            .await?
        {
            let user: Uuid = r.try_get("", "user_id").map_err(|e| e.to_string())?;
            let used: Option<DateTime<Utc>> = r.try_get("", "used_at").map_err(|e| e.to_string())?;
            let created: DateTime<Utc> = r.try_get("", "created_at").map_err(|e| e.to_string())?;
            let attempts: i32 = r.try_get("", "attempts").map_err(|e| e.to_string())?;
            codes.push((
                micros(created),
                emp_of(&user.to_string()).unwrap_or(usize::MAX),
                gs(&r, "phone")?,
                attempts,
                used.is_some(),
            ));
        }
        codes.sort();
        s.codes = codes.into_iter().map(|(_, e, p, a, u)| (e, p, a, u)).collect();
        for r in self
            .rows(
                "SELECT idempotency_key AS k, COUNT(*) AS n FROM entries WHERE tenant_id = $1 GROUP BY idempotency_key",
                vec![tid.clone()],
            )
            .await?
        {
            let k = gs(&r, "k")?;
            if !k.starts_with("sys:") {
                s.entry_keys.insert(k, g(&r, "n")?);
            }
        }
        for r in self.rows("SELECT COUNT(*) AS n FROM vouchers WHERE tenant_id = $1", vec![tid]).await? {
            s.vouchers = g(&r, "n")?;
        }
        Ok(s)
    }

    /// The database must equal one of the candidate states of tenant `t`; that one becomes
    /// the model.
    async fn adopt(&mut self, t: usize, candidates: Vec<Books>, what: &str) -> R {
        let db = self.db_snap(t).await.map_err(|e| self.fail(&e))?;
        let mut last = None;
        for c in candidates.iter().rev() {
            let model = c.snap();
            if model == db {
                self.books[t] = c.clone();
                return self.resolve(t).await;
            }
            last.get_or_insert(model);
        }
        let Some(model) = last else { return Err(self.fail("no candidate state")) };
        let mut message = format!("tenant {t}: after {what}, the database does not equal the model");
        if candidates.len() > 1 {
            message.push_str(&format!(
                " (nor any of {} partial states: a call hit by a fault must apply fully or not at all)",
                candidates.len() - 1
            ));
        }
        message.push_str(&format!(" (shown: the fully applied state)\n{}", db.diff(&model)));
        Err(self.fail(&message))
    }

    /// Fills in the database ids of what the model knows only by key.
    async fn resolve(&mut self, t: usize) -> R {
        let tid: Value = self.tenants[t].id.0.into();
        let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, e) in self.books[t].entries.iter().enumerate() {
            if e.id.is_none() && !e.key.starts_with("sys:") {
                by_key.entry(e.key.clone()).or_default().push(i);
            }
        }
        for (key, idx) in by_key {
            let rows = self
                .rows(
                    "SELECT id FROM entries WHERE tenant_id = $1 AND idempotency_key = $2 ORDER BY id",
                    vec![tid.clone(), key.clone().into()],
                )
                .await?;
            for (i, r) in idx.into_iter().zip(rows) {
                let id: Uuid = r.try_get("", "id").map_err(|e| e.to_string())?;
                self.books[t].entries[i].id = Some(EntryId(id));
            }
        }
        for i in 0..self.books[t].topups.len() {
            if self.books[t].topups[i].id.is_none() {
                let key = self.books[t].topups[i].key.clone();
                let rows = self
                    .rows(
                        "SELECT t.id FROM topups t JOIN entries e ON e.id = t.entry_id WHERE t.tenant_id = $1 AND e.idempotency_key = $2",
                        vec![tid.clone(), key.into()],
                    )
                    .await?;
                self.books[t].topups[i].id = rows.first().and_then(|r| r.try_get::<Uuid>("", "id").ok());
            }
        }
        for i in 0..self.books[t].purchases.len() {
            if self.books[t].purchases[i].id.is_none() {
                let key = self.books[t].purchases[i].key.clone();
                let rows = self
                    .rows(
                        "SELECT response FROM idempotency_keys WHERE tenant_id = $1 AND key = $2",
                        vec![tid.clone(), key.into()],
                    )
                    .await?;
                self.books[t].purchases[i].id = rows
                    .first()
                    .and_then(|r| r.try_get::<String>("", "response").ok())
                    .and_then(|s| serde_json::from_str(&s).ok());
            }
        }
        for (table, which) in [("recycles", 0), ("cashouts", 1)] {
            let n = if which == 0 { self.books[t].recycles.len() } else { self.books[t].cashouts.len() };
            for i in 0..n {
                let (missing, key) = if which == 0 {
                    (self.books[t].recycles[i].id.is_none(), self.books[t].recycles[i].key.clone())
                } else {
                    (self.books[t].cashouts[i].id.is_none(), self.books[t].cashouts[i].key.clone())
                };
                if !missing {
                    continue;
                }
                let sql = format!(
                    "SELECT x.id FROM {table} x JOIN entries e ON e.id = x.entry_id WHERE x.tenant_id = $1 AND e.idempotency_key = $2"
                );
                let rows = self.rows(&sql, vec![tid.clone(), key.into()]).await?;
                let id = rows.first().and_then(|r| r.try_get::<Uuid>("", "id").ok());
                if which == 0 {
                    self.books[t].recycles[i].id = id;
                } else {
                    self.books[t].cashouts[i].id = id;
                }
            }
        }
        let mut seen: HashMap<usize, usize> = HashMap::new();
        for i in 0..self.books[t].disputes.len() {
            let topup = self.books[t].disputes[i].topup;
            let nth = *seen.entry(topup).and_modify(|n| *n += 1).or_insert(0);
            if self.books[t].disputes[i].id.is_none() {
                let Some(topup_id) = self.books[t].topups[topup].id else { continue };
                let rows = self
                    .rows(
                        "SELECT id FROM disputes WHERE tenant_id = $1 AND topup_id = $2 ORDER BY id",
                        vec![tid.clone(), topup_id.into()],
                    )
                    .await?;
                self.books[t].disputes[i].id = rows.get(nth).and_then(|r| r.try_get::<Uuid>("", "id").ok());
            }
        }
        for i in 0..self.books[t].schedules.len() {
            if self.books[t].schedules[i].id.is_none() {
                let name = self.books[t].schedules[i].name.clone();
                let rows = self
                    .rows(
                        "SELECT id FROM allowance_schedules WHERE tenant_id = $1 AND name = $2",
                        vec![tid.clone(), name.into()],
                    )
                    .await?;
                self.books[t].schedules[i].id = rows.first().and_then(|r| r.try_get::<Uuid>("", "id").ok());
            }
        }
        // Plain codes of codes sent but not yet read (a call that failed after sending).
        if self.books[t].codes.iter().any(|c| c.code.is_none()) {
            self.read_codes(t).await?;
        }
        Ok(())
    }

    /// Pairs sent one-time codes with the model's codes, newest first per employee.
    async fn read_codes(&mut self, t: usize) -> R {
        let messages = creditloop_app::outbox::recent(self.app.db.conn(), self.tenants[t].id, 500)
            .await
            .map_err(|e| e.to_string())?;
        let mut sent: HashMap<usize, Vec<(String, String)>> = HashMap::new();
        for m in messages {
            if let creditloop_app::outbox::Message::OneTimeCode { user_id, phone, code, .. } = m
                && let Some(e) = self.tenants[t].by_user.get(&user_id.to_string())
            {
                sent.entry(*e).or_default().push((phone, code));
            }
        }
        let mut order: Vec<usize> = (0..self.books[t].codes.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.books[t].codes[i].created_at));
        let mut taken: HashMap<usize, usize> = HashMap::new();
        for i in order {
            let emp = self.books[t].codes[i].emp;
            let n = taken.entry(emp).or_insert(0);
            if let Some((_, code)) = sent.get(&emp).and_then(|v| v.get(*n)) {
                self.books[t].codes[i].code = Some(code.clone());
            }
            *n += 1;
        }
        Ok(())
    }

    /// Compares a call's answer with the prediction and the database with the candidate
    /// states. Returns whether a fault struck.
    async fn conclude<T>(&mut self, t: usize, desc: String, pred: Pred, actual: Result<T, AppError>) -> R<bool> {
        let fired = self.faults.disarm();
        let current = self.books[t].clone();
        let fault_note = fired.map(|(p, f)| format!(" [fault {f:?} at {p:?}]")).unwrap_or_default();
        self.log(format!("{desc} => {}{fault_note}", outcome(&actual)));
        let final_state = pred.stages.last().cloned().unwrap_or_else(|| current.clone());
        let expected = match &pred.result {
            Ok(()) => "ok".to_owned(),
            Err(c) => (*c).to_owned(),
        };
        let got = outcome(&actual);
        let expected = if pred.alt == Some(got.as_str()) { got.clone() } else { expected };
        let candidates = match fired {
            None => {
                if got != expected {
                    let detail = actual.as_ref().err().map(|e| format!(" ({e})")).unwrap_or_default();
                    return Err(self.fail(&format!(
                        "tenant {t}: {desc}: the model expects {expected}, the app answered {got}{detail}"
                    )));
                }
                vec![final_state]
            }
            Some(_) => {
                if actual.is_ok() {
                    if pred.result.is_err() {
                        return Err(self
                            .fail(&format!("tenant {t}: {desc}: the model expects {expected}, the app answered ok")));
                    }
                    vec![final_state]
                } else {
                    if got != expected && got != "INTERNAL" {
                        return Err(self.fail(&format!(
                            "tenant {t}: {desc}: under a fault the app answered {got}; expected {expected} or INTERNAL"
                        )));
                    }
                    let mut all = vec![current];
                    all.extend(pred.stages);
                    all
                }
            }
        };
        self.adopt(t, candidates, &desc).await?;
        Ok(fired.is_some())
    }

    // -- setup ---------------------------------------------------------------------------

    async fn setup(&mut self) -> R {
        let tenants = 3 + (self.seed % 2) as usize;
        let zones =
            [("Asia/Shanghai", 8 * 3600), ("UTC", 0), ("Asia/Kolkata", 5 * 3600 + 1800), ("Asia/Shanghai", 8 * 3600)];
        for (t, (zone, offset)) in zones.into_iter().enumerate().take(tenants) {
            let slug = format!("sim{}-{t}-{}", self.seed, Uuid::now_v7().simple().to_string().get(24..).unwrap_or("x"));
            let owner_email = format!("owner@{slug}.test");
            let (tenant, owner_id) = self
                .app
                .create_tenant(&slug, &format!("Sim {t}"), zone, &owner_email, "Owner", creditloop_tests::PASSWORD)
                .await
                .map_err(|e| self.fail(&format!("create tenant: {e}")))?;
            let owner = user_principal(tenant.id, owner_id, &owner_email, &[Role::Owner]);
            let invite = |email: String, roles: &[Role], profile: Profile| Invitation {
                email: Email::parse(&email).unwrap_or_else(|e| panic!("{email}: {e}")),
                name: email.split('@').next().unwrap_or("x").to_owned(),
                roles: roles.iter().copied().collect::<RoleSet>(),
                profile,
                locale: "en".into(),
            };
            let mut staff = Vec::new();
            for (name, role) in [("hr", Role::HrAdmin), ("finance", Role::Finance), ("auditor", Role::Auditor)] {
                let email = format!("{name}@{slug}.test");
                let user = self
                    .app
                    .invite_user(&owner, invite(email.clone(), &[role], Profile::default()))
                    .await
                    .map_err(|e| self.fail(&format!("invite: {e}")))?;
                staff.push(user_principal(tenant.id, user.id, &email, &[role]));
            }
            let hr = staff[0].clone();
            let count = 3 + self.rng.below(3);
            let mut emps = Vec::new();
            let mut by_user = HashMap::new();
            for i in 0..count {
                let email = format!("e{i}@{slug}.test");
                let phone = format!("138{t}{i:02}{:05}", self.seed % 100_000);
                let dept = if i % 2 == 0 { "Sales" } else { "Ops" };
                let profile = Profile {
                    employee_no: Some(format!("E{i}")),
                    phone: Some(PhoneNumber::parse(&phone).map_err(|e| format!("{phone}: {e}"))?),
                    department: Some(dept.into()),
                    cost_center: None,
                };
                let user = self
                    .app
                    .invite_user(&hr, invite(email.clone(), &[Role::Employee], profile))
                    .await
                    .map_err(|e| self.fail(&format!("invite: {e}")))?;
                by_user.insert(user.id.to_string(), i);
                emps.push(Emp {
                    id: user.id,
                    phone,
                    dept,
                    principal: user_principal(tenant.id, user.id, &email, &[Role::Employee]),
                });
            }
            let pol = match t % 3 {
                0 => Pol {
                    single: 200_00,
                    daily: 200_00,
                    monthly: 500_00,
                    cap: 100_000_00,
                    purchase_threshold: 10_000_00,
                    recycle_review: 50_000_00,
                    cashout_review: 500_00,
                    velocity_max: 5,
                    velocity_minutes: 60,
                    recycle_bps: 9_000,
                    recycle_fee: 0,
                    delay_days: 1,
                    cashout_enabled: false,
                    cashout_bps: 8_500,
                },
                1 => Pol {
                    single: 300_00,
                    daily: 1_000_00,
                    monthly: 3_000_00,
                    cap: 5_000_00,
                    purchase_threshold: 1_000_00,
                    recycle_review: 2_000_00,
                    cashout_review: 100_00,
                    velocity_max: 3,
                    velocity_minutes: 30,
                    recycle_bps: 8_765,
                    recycle_fee: 1_00,
                    delay_days: 0,
                    cashout_enabled: true,
                    cashout_bps: 8_333,
                },
                _ => Pol {
                    single: 500_00,
                    daily: 2_000_00,
                    monthly: 10_000_00,
                    cap: 3_000_00,
                    purchase_threshold: 5_000_00,
                    recycle_review: 1_000_00,
                    cashout_review: 50_00,
                    velocity_max: 8,
                    velocity_minutes: 120,
                    recycle_bps: 9_500,
                    recycle_fee: 50,
                    delay_days: 2,
                    cashout_enabled: true,
                    cashout_bps: 9_000,
                },
            };
            let change = PolicyChange {
                topup_daily_limit: Some(Fen::new(pol.daily)),
                topup_monthly_limit: Some(Fen::new(pol.monthly)),
                topup_single_max: Some(Fen::new(pol.single)),
                tenant_daily_cap: Some(Fen::new(pol.cap)),
                purchase_approval_threshold: Some(Fen::new(pol.purchase_threshold)),
                recycle_review_threshold: Some(Fen::new(pol.recycle_review)),
                cashout_review_threshold: Some(Fen::new(pol.cashout_review)),
                velocity_max_topups: Some(pol.velocity_max as i32),
                velocity_window_minutes: Some(pol.velocity_minutes as i32),
                recycle_rate: Rate::from_bps(pol.recycle_bps),
                recycle_fee: Some(Fen::new(pol.recycle_fee)),
                settlement_delay_days: Some(pol.delay_days as i32),
                cashout_enabled: Some(pol.cashout_enabled),
                cashout_rate: Rate::from_bps(pol.cashout_bps),
                low_pool_threshold: None,
            };
            self.app.update_policy(&owner, change).await.map_err(|e| self.fail(&format!("policy: {e}")))?;
            let other_phones = (0..3).map(|k| format!("139{t}{k:02}{:05}", (self.seed / 7) % 100_000)).collect();
            self.tenants.push(Tenant {
                id: tenant.id,
                offset: FixedOffset::east_opt(offset).ok_or("bad zone offset")?,
                pol,
                owner,
                hr,
                finance: staff[1].clone(),
                auditor: staff[2].clone(),
                emps,
                by_user,
                other_phones,
            });
            self.books.push(Books { active: vec![true; count], ..Books::default() });
        }
        for t in 0..tenants {
            let snap = self.db_snap(t).await.map_err(|e| self.fail(&e))?;
            if snap != self.books[t].snap() {
                return Err(
                    self.fail(&format!("tenant {t} does not start empty:\n{}", snap.diff(&self.books[t].snap())))
                );
            }
        }
        Ok(())
    }

    // -- the keyed calls: prediction and execution ----------------------------------------

    fn predict(&self, call: &Call) -> Pred {
        let t = call.tenant();
        let tn = &self.tenants[t];
        let now = self.now();
        let mut b = self.books[t].clone();
        match call {
            Call::Fund { who, amount, key, .. } => {
                if !self.can(t, *who, Permission::FundingCreate) {
                    return Pred::err("FORBIDDEN");
                }
                match b.key(key, "funding.create", &amount.to_string()) {
                    KeyState::Replay => return Pred::ok(b),
                    KeyState::Conflict => return Pred::err("CONFLICT"),
                    KeyState::New => {}
                }
                Pred::from(
                    b.record(
                        "FUND",
                        key,
                        vec![(Acct::Bank, -amount), (Acct::Funding, *amount)],
                        false,
                        LotFx::None,
                        now,
                    )
                    .map(|_| {
                        b.keys.insert(key.clone(), ("funding.create", amount.to_string()));
                        b
                    }),
                )
            }
            Call::Purchase { who, face, price, key, .. } => {
                if !self.can(t, *who, Permission::PurchasesRequest) {
                    return Pred::err("FORBIDDEN");
                }
                if price >= face {
                    return Pred::err("VALIDATION");
                }
                let fp = format!("{face}|{price}");
                match b.key(key, "purchases.request", &fp) {
                    KeyState::Replay => return Pred::ok(b),
                    KeyState::Conflict => return Pred::err("CONFLICT"),
                    KeyState::New => {}
                }
                let mut status = "PENDING_APPROVAL";
                if *price <= tn.pol.purchase_threshold {
                    if let Err(c) = b.record("PURCHASE", key, purchase_legs(*price, *face), false, LotFx::None, now) {
                        return Pred::err(c);
                    }
                    b.purchased += face;
                    status = "APPROVED";
                }
                b.purchases.push(MPurchase {
                    key: key.clone(),
                    face: *face,
                    price: *price,
                    status,
                    requested_by: *who,
                    id: None,
                });
                b.keys.insert(key.clone(), ("purchases.request", fp));
                Pred::ok(b)
            }
            Call::Approve { who, purchase, key, .. } => {
                if !self.can(t, *who, Permission::PurchasesApprove) {
                    return Pred::err("FORBIDDEN");
                }
                let Some(po) = b.purchases.get(*purchase).cloned() else { return Pred::err("NOT_FOUND") };
                if po.requested_by == *who {
                    return Pred::err("FORBIDDEN");
                }
                let fp = po.key.clone();
                match b.key(key, "purchases.approve", &fp) {
                    KeyState::Replay => return Pred::ok(b),
                    KeyState::Conflict => return Pred::err("CONFLICT"),
                    KeyState::New => {}
                }
                if po.status != "PENDING_APPROVAL" {
                    return Pred::err("CONFLICT");
                }
                if let Err(c) = b.record("PURCHASE", key, purchase_legs(po.price, po.face), false, LotFx::None, now) {
                    return Pred::err(c);
                }
                b.purchased += po.face;
                b.purchases[*purchase].status = "APPROVED";
                b.keys.insert(key.clone(), ("purchases.approve", fp));
                Pred::ok(b)
            }
            Call::Grant { who, emp, amount, expires, key, .. } => {
                if !self.can(t, *who, Permission::GrantsCreate) {
                    return Pred::err("FORBIDDEN");
                }
                let fp = format!("{emp}|{amount}|{}", micros(*expires));
                let refusal = if *expires <= now || *expires > now + Duration::days(5 * 366) {
                    Some("VALIDATION")
                } else if !b.active[*emp] {
                    Some("NOT_FOUND")
                } else {
                    None
                };
                if let Some(p) = Pred::before_key(&b, b.key(key, "grants.create", &fp), refusal) {
                    return p;
                }
                match b.key(key, "grants.create", &fp) {
                    KeyState::Replay => return Pred::ok(b),
                    KeyState::Conflict => return Pred::err("CONFLICT"),
                    KeyState::New => {}
                }
                let legs = vec![(Acct::Pool, -amount), (Acct::Wallet(*emp), *amount)];
                Pred::from(b.record("GRANT", key, legs, false, LotFx::Create(*emp, *expires), now).map(|_| {
                    b.keys.insert(key.clone(), ("grants.create", fp));
                    b
                }))
            }
            Call::Batch { who, lines, expires, key, .. } => {
                if !self.can(t, *who, Permission::GrantsCreate) {
                    return Pred::err("FORBIDDEN");
                }
                let bad = |x: DateTime<Utc>| x <= now || x > now + Duration::days(5 * 366);
                let fp = lines
                    .iter()
                    .map(|l| format!("{}:{}:{}", l.0, l.1, micros(l.2.unwrap_or(*expires))))
                    .collect::<Vec<_>>()
                    .join(",");
                let refusal = if bad(*expires) || lines.iter().any(|l| l.2.is_some_and(bad)) {
                    Some("VALIDATION")
                } else if lines.iter().any(|l| !b.active[l.0]) {
                    Some("NOT_FOUND")
                } else {
                    None
                };
                if let Some(p) = Pred::before_key(&b, b.key(key, "grants.batch", &fp), refusal) {
                    return p;
                }
                match b.key(key, "grants.batch", &fp) {
                    KeyState::Replay => return Pred::ok(b),
                    KeyState::Conflict => return Pred::err("CONFLICT"),
                    KeyState::New => {}
                }
                let total: i64 = lines.iter().map(|l| l.1).sum();
                if b.available(Acct::Pool) < total {
                    return Pred::err("INSUFFICIENT_FUNDS");
                }
                for l in lines {
                    let legs = vec![(Acct::Pool, -l.1), (Acct::Wallet(l.0), l.1)];
                    if let Err(c) =
                        b.record("GRANT", key, legs, false, LotFx::Create(l.0, l.2.unwrap_or(*expires)), now)
                    {
                        return Pred::err(c);
                    }
                }
                b.keys.insert(key.clone(), ("grants.batch", fp));
                Pred::ok(b)
            }
            Call::Topup { who, emp, phone, amount, code, key, .. } => {
                self.predict_topup(t, b, *who, *emp, phone.clone(), *amount, code.clone(), key)
            }
            Call::Deactivate { who, emp, key, .. } => {
                if !self.can(t, *who, Permission::UsersDeactivate) {
                    return Pred::err("FORBIDDEN");
                }
                if *emp >= tn.emps.len() {
                    return Pred::err("NOT_FOUND");
                }
                if *who == Who::Emp(*emp) {
                    return Pred::err("CONFLICT");
                }
                let fp = emp.to_string();
                match b.key(key, "users.deactivate", &fp) {
                    KeyState::Replay => return Pred::ok(b),
                    KeyState::Conflict => return Pred::err("CONFLICT"),
                    KeyState::New => {}
                }
                b.active[*emp] = false;
                if let Err(c) = b.reclaim(*emp, key, now) {
                    return Pred::err(c);
                }
                b.keys.insert(key.clone(), ("users.deactivate", fp));
                Pred::ok(b)
            }
            Call::Reverse { who, entry, key, .. } => {
                if !self.can(t, *who, Permission::EntriesReverse) {
                    return Pred::err("FORBIDDEN");
                }
                let fp = entry.to_string();
                match b.key(key, "entries.reverse", &fp) {
                    KeyState::Replay => return Pred::ok(b),
                    KeyState::Conflict => return Pred::err("CONFLICT"),
                    KeyState::New => {}
                }
                Pred::from(b.reverse(*entry, key).map(|_| {
                    b.keys.insert(key.clone(), ("entries.reverse", fp));
                    b
                }))
            }
            Call::Resolve { who, dispute, refund, key, .. } => {
                if !self.can(t, *who, Permission::DisputesResolve) {
                    return Pred::err("FORBIDDEN");
                }
                let Some(d) = b.disputes.get(*dispute).cloned() else { return Pred::err("NOT_FOUND") };
                let fp = format!("{dispute}|{refund}");
                match b.key(key, "disputes.resolve", &fp) {
                    KeyState::Replay => return Pred::ok(b),
                    KeyState::Conflict => return Pred::err("CONFLICT"),
                    KeyState::New => {}
                }
                if d.status != "OPEN" {
                    return Pred::err("CONFLICT");
                }
                b.disputes[*dispute].status = if *refund { "REFUNDED" } else { "REJECTED" };
                if *refund {
                    let entry = b.topups[d.topup].entry;
                    if let Err(c) = b.reverse(entry, key) {
                        return Pred::err(c);
                    }
                }
                b.keys.insert(key.clone(), ("disputes.resolve", fp));
                Pred::ok(b)
            }
            Call::Confirm { who, quote, key, .. } => {
                if !self.can(t, *who, Permission::RecyclesManage) {
                    return Pred::err("FORBIDDEN");
                }
                let fp = quote.to_string();
                match b.key(key, "recycles.confirm", &fp) {
                    KeyState::Replay => return Pred::ok(b),
                    KeyState::Conflict => return Pred::err("CONFLICT"),
                    KeyState::New => {}
                }
                let Some(q) = b.quotes.get(*quote).cloned() else { return Pred::err("NOT_FOUND") };
                if q.used || q.expires_at <= now {
                    return Pred::err("CONFLICT");
                }
                let mut legs = vec![
                    (Acct::Pool, -q.face),
                    (Acct::RecyclerCredit, q.face),
                    (Acct::RecyclerCash, -q.net),
                    (Acct::Funding, q.net),
                ];
                if q.fee > 0 {
                    legs.extend([(Acct::RecyclerCash, -q.fee), (Acct::Fees, q.fee)]);
                }
                let entry = match b.record("RECYCLE_HOLD", key, legs, true, LotFx::None, now) {
                    Ok(e) => e,
                    Err(c) => return Pred::err(c),
                };
                b.quotes[*quote].used = true;
                let review = q.face > tn.pol.recycle_review;
                b.recycles.push(MRecycle {
                    key: key.clone(),
                    quote: *quote,
                    face: q.face,
                    status: if review { "REVIEW" } else { "HELD" },
                    entry,
                    settle_after: (!review).then(|| now + Duration::days(q.delay_days)),
                    requested_by: *who,
                    id: None,
                });
                b.keys.insert(key.clone(), ("recycles.confirm", fp));
                Pred::ok(b)
            }
            Call::Cashout { emp, amount, key, .. } => {
                let fp = amount.to_string();
                match b.key(key, "cashouts.create", &fp) {
                    KeyState::Replay => return Pred::ok(b),
                    KeyState::Conflict => return Pred::err("CONFLICT"),
                    KeyState::New => {}
                }
                if !tn.pol.cashout_enabled {
                    return Pred::err("FORBIDDEN");
                }
                let (cash, _) = Fen::new(*amount).apply_rate(Rate::from_bps(tn.pol.cashout_bps).unwrap_or(Rate::ZERO));
                if !cash.is_positive() {
                    return Pred::err("VALIDATION");
                }
                let cash = cash.get();
                let legs = vec![
                    (Acct::Wallet(*emp), -amount),
                    (Acct::RecyclerCredit, *amount),
                    (Acct::RecyclerCash, -cash),
                    (Acct::Payout(*emp), cash),
                ];
                let entry = match b.record("CASHOUT", key, legs, true, LotFx::Hold(*emp), now) {
                    Ok(e) => e,
                    Err(c) => return Pred::err(c),
                };
                let review = *amount > tn.pol.cashout_review;
                if !review && let Err(c) = b.settle(entry, true) {
                    return Pred::err(c);
                }
                b.cashouts.push(MCashout {
                    key: key.clone(),
                    emp: *emp,
                    credit: *amount,
                    cash,
                    status: if review { "REVIEW" } else { "APPROVED" },
                    entry,
                    id: None,
                });
                b.keys.insert(key.clone(), ("cashouts.create", fp));
                Pred::ok(b)
            }
            Call::Paid { who, cashout, key, .. } => {
                if !self.can(t, *who, Permission::PayoutsManage) {
                    return Pred::err("FORBIDDEN");
                }
                let fp = cashout.to_string();
                match b.key(key, "payouts.mark_paid", &fp) {
                    KeyState::Replay => return Pred::ok(b),
                    KeyState::Conflict => return Pred::err("CONFLICT"),
                    KeyState::New => {}
                }
                let Some(c) = b.cashouts.get(*cashout).cloned() else { return Pred::err("NOT_FOUND") };
                if c.status != "APPROVED" {
                    return Pred::err("CONFLICT");
                }
                if let Err(code) = b.record(
                    "PAYOUT",
                    key,
                    vec![(Acct::Payout(c.emp), -c.cash), (Acct::Payroll, c.cash)],
                    false,
                    LotFx::None,
                    now,
                ) {
                    return Pred::err(code);
                }
                b.cashouts[*cashout].status = "PAID";
                b.keys.insert(key.clone(), ("payouts.mark_paid", fp));
                Pred::ok(b)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn predict_topup(
        &self,
        t: usize,
        mut b: Books,
        who: Who,
        emp: usize,
        phone: Option<String>,
        amount: i64,
        code: Option<String>,
        key: &str,
    ) -> Pred {
        let tn = &self.tenants[t];
        let now = self.now();
        let staff = who != Who::Emp(emp);
        if staff {
            if !self.can(t, who, Permission::TopupsCreateFor) {
                return Pred::err("FORBIDDEN");
            }
        } else if !self.can(t, who, Permission::TopupsCreateOwn) {
            return Pred::err("FORBIDDEN");
        }
        let phone = phone.unwrap_or_else(|| tn.emps[emp].phone.clone());
        let own = phone == tn.emps[emp].phone;
        let fp = format!("{emp}|{phone}|{amount}");
        if let Some(p) = Pred::before_key(&b, b.key(key, "topups.create", &fp), (!b.active[emp]).then_some("NOT_FOUND"))
        {
            return p;
        }
        match b.key(key, "topups.create", &fp) {
            KeyState::Replay => return Pred::ok(b),
            KeyState::Conflict => return Pred::err("CONFLICT"),
            KeyState::New => {}
        }
        let mut stages = Vec::new();
        if !own && !staff {
            let Some(given) = code.filter(|c| !c.trim().is_empty()) else { return Pred::err("VALIDATION") };
            let newest = (0..b.codes.len())
                .filter(|&i| {
                    b.codes[i].emp == emp
                        && b.codes[i].phone == phone
                        && !b.codes[i].used
                        && b.codes[i].expires_at > now
                })
                .max_by_key(|&i| b.codes[i].created_at);
            let Some(i) = newest else { return Pred::err("VALIDATION") };
            if b.codes[i].attempts >= creditloop_app::topups::CODE_ATTEMPTS_MAX {
                return Pred::err("RATE_LIMITED");
            }
            if b.codes[i].code.as_deref() != Some(given.trim()) {
                b.codes[i].attempts += 1;
                return Pred { stages: vec![b], result: Err("VALIDATION"), alt: None };
            }
            b.codes[i].used = true;
            stages.push(b.clone());
        }
        let fail = |stages: Vec<Books>, c: Code| Pred { stages, result: Err(c), alt: None };
        let p = &tn.pol;
        if amount > p.single {
            return fail(stages, "LIMIT_EXCEEDED");
        }
        let local = now.with_timezone(&tn.offset).date_naive();
        let day = midnight(tn.offset, local);
        let month = midnight(tn.offset, local.with_day(1).unwrap_or(local));
        let live = |x: &MTopup| matches!(x.status, "REVIEW" | "PENDING" | "SUCCEEDED");
        let sum = |since: DateTime<Utc>, only: Option<usize>| -> i64 {
            b.topups
                .iter()
                .filter(|x| live(x) && x.created_at >= since && only.is_none_or(|e| x.emp == e))
                .map(|x| x.amount)
                .sum()
        };
        if sum(day, Some(emp)) + amount > p.daily
            || sum(month, Some(emp)) + amount > p.monthly
            || sum(day, None) + amount > p.cap
        {
            return fail(stages, "LIMIT_EXCEEDED");
        }
        let window = now - Duration::minutes(p.velocity_minutes);
        let recent = b.topups.iter().filter(|x| x.emp == emp && x.created_at >= window).count() as i64;
        let shared = tn.emps.iter().enumerate().any(|(i, e)| i != emp && e.phone == phone)
            || b.topups.iter().any(|x| x.emp != emp && x.phone == phone && x.created_at >= now - Duration::days(30));
        let review = recent >= p.velocity_max || shared;
        let legs = vec![(Acct::Wallet(emp), -amount), (Acct::Carrier, amount)];
        let entry = match b.record("TOPUP_HOLD", key, legs, true, LotFx::Hold(emp), now) {
            Ok(e) => e,
            Err(c) => return fail(stages, c),
        };
        b.topups.push(MTopup {
            key: key.to_owned(),
            emp,
            phone,
            amount,
            status: if review { "REVIEW" } else { "PENDING" },
            entry,
            created_at: now,
            id: None,
        });
        b.keys.insert(key.to_owned(), ("topups.create", fp));
        stages.push(b);
        Pred { stages, result: Ok(()), alt: None }
    }

    fn describe(&self, call: &Call) -> String {
        match call {
            Call::Fund { t, who, amount, .. } => format!("t{t} {} fund {}", self.who_name(*who), money(*amount)),
            Call::Purchase { t, who, face, price, .. } => {
                format!("t{t} {} purchase face {} price {}", self.who_name(*who), money(*face), money(*price))
            }
            Call::Approve { t, who, purchase, .. } => {
                format!("t{t} {} approve purchase #{purchase}", self.who_name(*who))
            }
            Call::Grant { t, who, emp, amount, .. } => {
                format!("t{t} {} grant e{emp} {}", self.who_name(*who), money(*amount))
            }
            Call::Batch { t, who, lines, .. } => {
                let l: Vec<String> = lines.iter().map(|l| format!("e{}:{}", l.0, money(l.1))).collect();
                format!("t{t} {} batch [{}]", self.who_name(*who), l.join(" "))
            }
            Call::Topup { t, who, emp, phone, amount, code, .. } => {
                let to = match phone {
                    None => "own number".to_owned(),
                    Some(p) if *p == self.tenants[*t].emps[*emp].phone => "own number".to_owned(),
                    Some(_) => format!("another number{}", if code.is_some() { " with a code" } else { "" }),
                };
                format!("t{t} {} top-up e{emp} {} to {to}", self.who_name(*who), money(*amount))
            }
            Call::Deactivate { t, who, emp, .. } => format!("t{t} {} offboard e{emp}", self.who_name(*who)),
            Call::Reverse { t, who, entry, .. } => {
                let e = self.books[*t].entries.get(*entry);
                format!("t{t} {} reverse entry #{entry} ({})", self.who_name(*who), e.map_or("?", |e| e.code))
            }
            Call::Resolve { t, who, dispute, refund, .. } => {
                format!("t{t} {} {} dispute #{dispute}", self.who_name(*who), if *refund { "refund" } else { "reject" })
            }
            Call::Confirm { t, who, quote, .. } => {
                format!("t{t} {} confirm recycle quote #{quote}", self.who_name(*who))
            }
            Call::Cashout { t, emp, amount, .. } => format!("t{t} e{emp} cash-out {}", money(*amount)),
            Call::Paid { t, who, cashout, .. } => format!("t{t} {} mark cash-out #{cashout} paid", self.who_name(*who)),
        }
    }

    async fn execute(&self, call: &Call) -> R<Result<(), AppError>> {
        let t = call.tenant();
        let app = self.app.clone();
        let key_of = |k: &str| IdempotencyKey::parse(k).map_err(|e| format!("{k}: {e}"));
        let b = &self.books[t];
        Ok(match call {
            Call::Fund { who, amount, key, .. } => {
                app.fund(&self.p(t, *who), Fen::new(*amount), "BANK-SIM", &key_of(key)?).await.map(drop)
            }
            Call::Purchase { who, face, price, key, .. } => app
                .request_purchase(&self.p(t, *who), Fen::new(*face), Fen::new(*price), "Supplier", &key_of(key)?)
                .await
                .map(drop),
            Call::Approve { who, purchase, key, .. } => {
                let id = b.purchases[*purchase].id.ok_or("purchase without id")?;
                app.approve_purchase(&self.p(t, *who), id, &key_of(key)?).await.map(drop)
            }
            Call::Grant { who, emp, amount, expires, key, .. } => {
                let line = GrantLine {
                    employee: self.tenants[t].emps[*emp].id,
                    amount: Fen::new(*amount),
                    expires_at: Some(*expires),
                    memo: None,
                };
                app.grant(&self.p(t, *who), line, &key_of(key)?).await.map(drop)
            }
            Call::Batch { who, lines, expires, key, .. } => {
                let lines = lines
                    .iter()
                    .map(|l| GrantLine {
                        employee: self.tenants[t].emps[l.0].id,
                        amount: Fen::new(l.1),
                        expires_at: l.2,
                        memo: None,
                    })
                    .collect();
                app.grant_batch(&self.p(t, *who), lines, *expires, Some("sim batch"), &key_of(key)?).await.map(drop)
            }
            Call::Topup { who, emp, phone, amount, code, key, .. } => {
                let parse = |p: &str| PhoneNumber::parse(p).map_err(|e| format!("{p}: {e}"));
                if *who == Who::Emp(*emp) {
                    let phone = parse(phone.as_deref().unwrap_or(&self.tenants[t].emps[*emp].phone))?;
                    app.topup_own(&self.p(t, *who), phone, Fen::new(*amount), code.clone(), &key_of(key)?)
                        .await
                        .map(drop)
                } else {
                    let phone = phone.as_deref().map(parse).transpose()?;
                    app.topup_for(
                        &self.p(t, *who),
                        self.tenants[t].emps[*emp].id,
                        phone,
                        Fen::new(*amount),
                        &key_of(key)?,
                    )
                    .await
                    .map(drop)
                }
            }
            Call::Deactivate { who, emp, key, .. } => {
                app.deactivate_user(&self.p(t, *who), self.tenants[t].emps[*emp].id, &key_of(key)?).await.map(drop)
            }
            Call::Reverse { who, entry, key, .. } => {
                let id = b.entries[*entry].id.ok_or("entry without id")?;
                app.reverse_entry(&self.p(t, *who), id, "simulated correction", &key_of(key)?).await.map(drop)
            }
            Call::Resolve { who, dispute, refund, key, .. } => {
                let id = b.disputes[*dispute].id.ok_or("dispute without id")?;
                app.resolve_dispute(&self.p(t, *who), id, *refund, "simulated resolution", &key_of(key)?)
                    .await
                    .map(drop)
            }
            Call::Confirm { who, quote, key, .. } => {
                app.confirm_recycle(&self.p(t, *who), b.quotes[*quote].id, &key_of(key)?).await.map(drop)
            }
            Call::Cashout { emp, amount, key, .. } => {
                app.cashout(&self.p(t, Who::Emp(*emp)), Fen::new(*amount), &key_of(key)?).await.map(drop)
            }
            Call::Paid { who, cashout, key, .. } => {
                let id = b.cashouts[*cashout].id.ok_or("cash-out without id")?;
                app.mark_cashout_paid(&self.p(t, *who), id, &key_of(key)?).await.map(drop)
            }
        })
    }

    /// Runs a keyed call (maybe under a fault); after a fault, usually retries it at once
    /// with the same key, which must then apply it exactly once.
    async fn keyed(&mut self, call: Call, arm: bool) -> R {
        let t = call.tenant();
        if !self.replaying {
            self.history.push(call.clone());
        }
        let mut retry = false;
        loop {
            let pred = self.predict(&call);
            let desc = format!("{}{}", if retry { "retry: " } else { "" }, self.describe(&call));
            if arm && !retry {
                self.maybe_arm();
            }
            let actual = self.execute(&call).await.map_err(|e| self.fail(&e))?;
            let faulted = self.conclude(t, desc, pred, actual).await?;
            if !(faulted && self.rng.percent(80)) {
                return Ok(());
            }
            retry = true;
        }
    }
}

fn purchase_legs(price: i64, face: i64) -> Vec<(Acct, i64)> {
    vec![(Acct::Funding, -price), (Acct::SupplierCash, price), (Acct::SupplierCredit, -face), (Acct::Pool, face)]
}

// ---------------------------------------------------------------------------------------
// Calls without an idempotency key, the worker, time

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Work {
    Topups,
    Schedules,
    Sweep,
    Recycles,
    Outbox,
    Full,
}

/// The period a schedule run at `at` pays, and when it ends.
fn period_of(s: &MSchedule, off: FixedOffset, at: DateTime<Utc>) -> (String, DateTime<Utc>) {
    match s.kind {
        Sched::Once => ("once".into(), at + Duration::days(s.expiry_days)),
        Sched::Monthly { .. } => {
            let date = at.with_timezone(&off).date_naive();
            let end = midnight(off, first_of_next_month(date.with_day(1).unwrap_or(date)));
            (format!("{:04}-{:02}", date.year(), date.month()), end)
        }
    }
}

impl Sim {
    async fn reject_purchase(&mut self, t: usize) -> R {
        let Some(i) = self.pick_index(
            self.books[t].purchases.len(),
            |s: &Self, i| s.books[t].purchases[i].status == "PENDING_APPROVAL",
            t,
        ) else {
            return Ok(());
        };
        let Some(id) = self.books[t].purchases[i].id else { return Ok(()) };
        let who = self.actor(t, &[Who::Finance, Who::Owner]);
        let mut b = self.books[t].clone();
        let pred = if !self.can(t, who, Permission::PurchasesApprove) || b.purchases[i].requested_by == who {
            Pred::err("FORBIDDEN")
        } else if b.purchases[i].status != "PENDING_APPROVAL" {
            Pred::err("CONFLICT")
        } else {
            b.purchases[i].status = "REJECTED";
            Pred::ok(b)
        };
        self.maybe_arm();
        let actual = self.app.reject_purchase(&self.p(t, who), id, "simulated rejection").await;
        let desc = format!("t{t} {} reject purchase #{i}", self.who_name(who));
        self.conclude(t, desc, pred, actual).await.map(drop)
    }

    /// An index in `0..n`, preferring those `prefer` accepts.
    fn pick_index(&mut self, n: usize, prefer: impl Fn(&Self, usize) -> bool, _t: usize) -> Option<usize> {
        if n == 0 {
            return None;
        }
        let good: Vec<usize> = (0..n).filter(|&i| prefer(self, i)).collect();
        if !good.is_empty() && self.rng.percent(85) {
            return Some(self.rng.pick(&good));
        }
        Some(self.rng.below(n))
    }

    async fn decide_topup(&mut self, t: usize) -> R {
        let Some(i) =
            self.pick_index(self.books[t].topups.len(), |s: &Self, i| s.books[t].topups[i].status == "REVIEW", t)
        else {
            return Ok(());
        };
        let Some(id) = self.books[t].topups[i].id else { return Ok(()) };
        let who = self.actor(t, &[Who::Finance, Who::Owner]);
        let approve = self.rng.percent(60);
        let now = self.now();
        let mut b = self.books[t].clone();
        let topup = b.topups[i].clone();
        let pred = if !self.can(t, who, Permission::ReviewsDecide) || who == Who::Emp(topup.emp) {
            Pred::err("FORBIDDEN")
        } else if topup.status != "REVIEW" {
            Pred::err("CONFLICT")
        } else if approve {
            b.topups[i].status = "PENDING";
            Pred::ok(b)
        } else {
            b.topups[i].status = "REJECTED";
            Pred::from(b.release(topup.entry, topup.emp, now).map(|()| b))
        };
        self.maybe_arm();
        let reason = (!approve).then_some("simulated review");
        let actual = self.app.decide_topup(&self.p(t, who), id, approve, reason).await;
        let desc = format!(
            "t{t} {} {} review of top-up #{i} ({})",
            self.who_name(who),
            if approve { "approve" } else { "reject" },
            money(topup.amount)
        );
        self.conclude(t, desc, pred, actual).await.map(drop)
    }

    /// Asks for a one-time code; returns the employee and number when one was sent.
    async fn request_code(&mut self, t: usize) -> R<Option<(usize, String)>> {
        let emp = self.rng.below(self.tenants[t].emps.len());
        let mut phones = self.tenants[t].other_phones.clone();
        phones.push(self.tenants[t].emps[(emp + 1) % self.tenants[t].emps.len()].phone.clone());
        if self.rng.percent(5) {
            phones = vec![self.tenants[t].emps[emp].phone.clone()];
        }
        let phone = self.rng.pick(&phones);
        let who = if self.rng.percent(95) { Who::Emp(emp) } else { Who::Hr };
        let now = self.now();
        let mut b = self.books[t].clone();
        let pred = if !self.can(t, who, Permission::TopupsCreateOwn) {
            Pred::err("FORBIDDEN")
        } else if phone == self.tenants[t].emps[emp].phone {
            Pred::err("VALIDATION")
        } else if b.codes.iter().filter(|c| c.emp == emp && c.created_at > now - Duration::hours(1)).count() as i64
            >= creditloop_app::topups::CODES_PER_HOUR_MAX
        {
            Pred::err("RATE_LIMITED")
        } else {
            b.codes.push(MCode {
                emp,
                phone: phone.clone(),
                created_at: now,
                expires_at: now + Duration::minutes(10),
                attempts: 0,
                used: false,
                code: None,
            });
            Pred::ok(b)
        };
        let parsed = PhoneNumber::parse(&phone).map_err(|e| e.to_string())?;
        self.maybe_arm();
        let actual = self.app.request_topup_code(&self.p(t, who), &parsed).await;
        let desc =
            format!("t{t} {} asks for a code for e{emp} to phone {}", self.who_name(who), self.phone_name(t, &phone));
        let sent = actual.is_ok();
        self.conclude(t, desc, pred, actual).await?;
        Ok(sent.then_some((emp, phone)))
    }

    fn phone_name(&self, t: usize, phone: &str) -> String {
        if let Some(k) = self.tenants[t].other_phones.iter().position(|p| p == phone) {
            return format!("other{k}");
        }
        match self.tenants[t].emps.iter().position(|e| e.phone == phone) {
            Some(e) => format!("of e{e}"),
            None => "?".into(),
        }
    }

    /// Opens a dispute; returns its index when one was opened.
    async fn open_dispute(&mut self, t: usize) -> R<Option<usize>> {
        let Some(i) =
            self.pick_index(self.books[t].topups.len(), |s: &Self, i| s.books[t].topups[i].status == "SUCCEEDED", t)
        else {
            return Ok(None);
        };
        let Some(id) = self.books[t].topups[i].id else { return Ok(None) };
        let topup = self.books[t].topups[i].clone();
        let who = if self.rng.percent(92) {
            Who::Emp(topup.emp)
        } else {
            Who::Emp((topup.emp + 1) % self.tenants[t].emps.len())
        };
        let mut b = self.books[t].clone();
        let pred = if who != Who::Emp(topup.emp) {
            Pred::err("FORBIDDEN")
        } else if topup.status != "SUCCEEDED" || b.disputes.iter().any(|d| d.topup == i && d.status == "OPEN") {
            Pred::err("CONFLICT")
        } else {
            b.disputes.push(MDispute { topup: i, status: "OPEN", id: None });
            Pred::ok(b)
        };
        self.maybe_arm();
        let actual = self.app.open_dispute(&self.p(t, who), id, "it did not arrive").await;
        let desc = format!("t{t} {} disputes top-up #{i} ({})", self.who_name(who), money(topup.amount));
        let opened = actual.is_ok();
        self.conclude(t, desc, pred, actual).await?;
        Ok(opened.then(|| self.books[t].disputes.len() - 1))
    }

    async fn quote(&mut self, t: usize) -> R {
        let who = self.actor(t, &[Who::Finance, Who::Owner]);
        let face = if self.rng.percent(5) { 1 } else { self.rng.range(50_00, 3_000_00) };
        let pol = self.tenants[t].pol.clone();
        let (gross, _) = Fen::new(face).apply_rate(Rate::from_bps(pol.recycle_bps).unwrap_or(Rate::ZERO));
        let pred = if !self.can(t, who, Permission::RecyclesManage) {
            Pred::err("FORBIDDEN")
        } else if pol.recycle_fee >= gross.get() {
            Pred::err("VALIDATION")
        } else {
            Pred::ok(self.books[t].clone())
        };
        self.maybe_arm();
        let actual = self.app.quote_recycle(&self.p(t, who), Fen::new(face)).await;
        let quote = actual.as_ref().ok().map(|q| MQuote {
            id: q.id,
            face,
            net: q.net.get(),
            fee: q.fee.get(),
            expires_at: q.expires_at,
            used: false,
            delay_days: i64::from(q.settlement_delay_days),
        });
        let desc = format!("t{t} {} quote recycling {}", self.who_name(who), money(face));
        self.conclude(t, desc, pred, actual).await?;
        if let Some(q) = quote {
            if q.net != gross.get() - pol.recycle_fee || q.fee != pol.recycle_fee || q.delay_days != pol.delay_days {
                return Err(self.fail(&format!(
                    "quote of {} at {} bps: net {} fee {}, expected gross {gross} less fee {}",
                    money(face),
                    pol.recycle_bps,
                    money(q.net),
                    money(q.fee),
                    money(pol.recycle_fee)
                )));
            }
            self.books[t].quotes.push(q);
            if self.rng.percent(70) {
                let quote = self.books[t].quotes.len() - 1;
                let key = self.key(t);
                self.keyed(Call::Confirm { t, who, quote, key }, true).await?;
            }
        }
        Ok(())
    }

    async fn decide_recycle(&mut self, t: usize) -> R {
        let Some(i) = self.pick_index(
            self.books[t].recycles.len(),
            |s: &Self, i| matches!(s.books[t].recycles[i].status, "REVIEW" | "HELD"),
            t,
        ) else {
            return Ok(());
        };
        let Some(id) = self.books[t].recycles[i].id else { return Ok(()) };
        let r = self.books[t].recycles[i].clone();
        let action = self.rng.below(3);
        let who = self.actor(t, &[Who::Finance, Who::Owner]);
        let now = self.now();
        let mut b = self.books[t].clone();
        let pred = match action {
            0 => {
                if !self.can(t, who, Permission::ReviewsDecide) || r.requested_by == who {
                    Pred::err("FORBIDDEN")
                } else if r.status != "REVIEW" {
                    Pred::err("CONFLICT")
                } else {
                    b.recycles[i].status = "HELD";
                    b.recycles[i].settle_after = Some(now + Duration::days(b.quotes[r.quote].delay_days));
                    Pred::ok(b)
                }
            }
            1 => {
                if !self.can(t, who, Permission::ReviewsDecide) || r.requested_by == who {
                    Pred::err("FORBIDDEN")
                } else if r.status != "REVIEW" {
                    Pred::err("CONFLICT")
                } else {
                    b.recycles[i].status = "REJECTED";
                    Pred::from(b.settle(r.entry, false).map(|()| b))
                }
            }
            _ => {
                if !self.can(t, who, Permission::RecyclesManage) {
                    Pred::err("FORBIDDEN")
                } else if !matches!(r.status, "REVIEW" | "HELD") {
                    Pred::err("CONFLICT")
                } else {
                    b.recycles[i].status = "CANCELLED";
                    Pred::from(b.settle(r.entry, false).map(|()| b))
                }
            }
        };
        self.maybe_arm();
        let p = self.p(t, who);
        let actual = match action {
            0 => self.app.approve_recycle(&p, id).await,
            1 => self.app.reject_recycle(&p, id, "simulated").await,
            _ => self.app.cancel_recycle(&p, id, "simulated").await,
        };
        let verb = ["approve", "reject", "cancel"][action];
        let desc = format!("t{t} {} {verb} recycle #{i} ({})", self.who_name(who), money(r.face));
        self.conclude(t, desc, pred, actual).await.map(drop)
    }

    async fn decide_cashout(&mut self, t: usize, which: Option<usize>) -> R {
        let Some(i) = which.or_else(|| {
            self.pick_index(self.books[t].cashouts.len(), |s: &Self, i| s.books[t].cashouts[i].status == "REVIEW", t)
        }) else {
            return Ok(());
        };
        let Some(id) = self.books[t].cashouts[i].id else { return Ok(()) };
        let c = self.books[t].cashouts[i].clone();
        let approve = self.rng.percent(60);
        let who = self.actor(t, &[Who::Finance, Who::Owner]);
        let now = self.now();
        let mut b = self.books[t].clone();
        let pred = if !self.can(t, who, Permission::ReviewsDecide) || who == Who::Emp(c.emp) {
            Pred::err("FORBIDDEN")
        } else if c.status != "REVIEW" {
            Pred::err("CONFLICT")
        } else {
            b.cashouts[i].status = if approve { "APPROVED" } else { "REJECTED" };
            let settled = if approve { b.settle(c.entry, true) } else { b.release(c.entry, c.emp, now) };
            Pred::from(settled.map(|()| b))
        };
        self.maybe_arm();
        let p = self.p(t, who);
        let actual = if approve {
            self.app.approve_cashout(&p, id).await
        } else {
            self.app.reject_cashout(&p, id, "simulated").await
        };
        let desc = format!(
            "t{t} {} {} cash-out #{i} ({})",
            self.who_name(who),
            if approve { "approve" } else { "reject" },
            money(c.credit)
        );
        self.conclude(t, desc, pred, actual).await.map(drop)
    }

    async fn create_schedule(&mut self, t: usize) -> R {
        if self.books[t].schedules.len() >= 3 {
            return Ok(());
        }
        let who = self.actor(t, &[Who::Hr, Who::Owner]);
        let now = self.now();
        self.counter += 1;
        let name = format!("sched-{}", self.counter);
        let amount = self.rng.range(5_00, 60_00);
        let has_monthly = self.books[t].schedules.iter().any(|s| matches!(s.kind, Sched::Monthly { .. }));
        let expiry_days = self.rng.range(1, 45);
        let kind = if has_monthly || self.rng.percent(50) {
            Sched::Once
        } else {
            Sched::Monthly { day: self.rng.range(1, 31) as u32, period_end: self.rng.percent(50) }
        };
        let run_at =
            now + Duration::minutes(self.rng.range(5, 8 * 60)) + Duration::microseconds(self.rng.range(1, 999_999));
        let n = self.tenants[t].emps.len();
        let target = match self.rng.below(3) {
            0 => MTarget::All,
            1 => MTarget::Department(if self.rng.percent(50) { "Sales" } else { "Ops" }),
            _ => {
                let mut list: Vec<usize> = (0..n).filter(|_| self.rng.percent(50)).collect();
                if list.is_empty() {
                    list.push(0);
                }
                MTarget::List(list)
            }
        };
        let off = self.tenants[t].offset;
        let (frequency, day, period_end) = match kind {
            Sched::Once => (Frequency::Once, None, false),
            Sched::Monthly { day, period_end } => (Frequency::Monthly, Some(day), period_end),
        };
        let next_run_at = match kind {
            Sched::Once => Some(run_at),
            Sched::Monthly { day, .. } => next_monthly(day, off, now),
        };
        let mut b = self.books[t].clone();
        let pred = if !self.can(t, who, Permission::SchedulesManage) {
            Pred::err("FORBIDDEN")
        } else {
            b.schedules.push(MSchedule {
                name: name.clone(),
                amount,
                kind: kind.clone(),
                expiry_days,
                target: target.clone(),
                next_run_at,
                retry_after: None,
                runs: BTreeMap::new(),
                id: None,
            });
            Pred::ok(b)
        };
        let input = ScheduleInput {
            name: name.clone(),
            amount: Fen::new(amount),
            frequency,
            day_of_month: day,
            day_of_week: None,
            run_at: (frequency == Frequency::Once).then_some(run_at),
            target: match &target {
                MTarget::All => Target::All,
                MTarget::Department(d) => Target::Department((*d).to_owned()),
                MTarget::List(l) => Target::List(l.iter().map(|e| self.tenants[t].emps[*e].id).collect()),
            },
            expiry_days: Some(expiry_days),
            expire_at_period_end: period_end,
        };
        self.maybe_arm();
        let actual = self.app.create_schedule(&self.p(t, who), input).await;
        let desc =
            format!("t{t} {} creates schedule {name}: {kind:?} {} to {target:?}", self.who_name(who), money(amount));
        self.conclude(t, desc, pred, actual).await.map(drop)
    }

    async fn sweep_tenant(&mut self, t: usize) -> R {
        let who = self.actor(t, &[Who::Hr, Who::Owner]);
        let now = self.now();
        let mut b = self.books[t].clone();
        let pred = if !self.can(t, who, Permission::SweepsRun) {
            Pred::err("FORBIDDEN")
        } else {
            b.sweep(now);
            Pred::ok(b)
        };
        self.maybe_arm();
        let actual = self.app.sweep_expired_for(&self.p(t, who)).await;
        let desc = format!("t{t} {} runs the expiry sweep", self.who_name(who));
        self.conclude(t, desc, pred, actual).await.map(drop)
    }

    /// Applies the top-up outcomes the worker recorded, checking each against the carrier.
    async fn observe_topups(&self, t: usize, b: &mut Books) -> R<Vec<String>> {
        let mut notes = Vec::new();
        let rows = self
            .rows(
                "SELECT e.idempotency_key AS k, x.status FROM topups x JOIN entries e ON e.id = x.entry_id WHERE x.tenant_id = $1",
                vec![self.tenants[t].id.0.into()],
            )
            .await?;
        let db: HashMap<String, String> = rows
            .iter()
            .filter_map(|r| Some((r.try_get::<String>("", "k").ok()?, r.try_get::<String>("", "status").ok()?)))
            .collect();
        for i in 0..b.topups.len() {
            if b.topups[i].status != "PENDING" {
                continue;
            }
            let key = b.topups[i].key.clone();
            let delivered = self.carrier.delivered_count(&key);
            let status = match db.get(&key).map(String::as_str) {
                Some("SUCCEEDED") => {
                    if delivered != 1 {
                        return Err(self.fail(&format!(
                            "tenant {t}: top-up {key} SUCCEEDED but the carrier delivered it {delivered} times"
                        )));
                    }
                    "SUCCEEDED"
                }
                Some("FAILED") => {
                    if delivered != 0 {
                        return Err(self.fail(&format!("tenant {t}: top-up {key} FAILED but the carrier delivered it")));
                    }
                    "FAILED"
                }
                Some("PENDING") => continue,
                other => {
                    return Err(
                        self.fail(&format!("tenant {t}: top-up {key} went from PENDING to {other:?} in a worker pass"))
                    );
                }
            };
            let (entry, emp) = (b.topups[i].entry, b.topups[i].emp);
            let now = self.now();
            let settled = if status == "SUCCEEDED" { b.settle(entry, true) } else { b.release(entry, emp, now) };
            settled.map_err(|c| self.fail(&format!("model cannot settle top-up {key}: {c}")))?;
            b.topups[i].status = status;
            notes.push(format!("t{t} top-up #{i} (e{emp} {}) {status}", money(b.topups[i].amount)));
            if status == "FAILED" && !b.active[emp] {
                notes.push(format!("t{t} the failed top-up of offboarded e{emp} went back to the pool"));
            }
        }
        Ok(notes)
    }

    /// Applies the schedule runs of a pass. Without a fault every due schedule must have run
    /// as the model expects (paid, or failed for want of pool credit).
    async fn observe_schedules(&self, t: usize, b: &mut Books, strict: bool) -> R {
        let now = self.now();
        let off = self.tenants[t].offset;
        let tid: Value = self.tenants[t].id.0.into();
        let mut runs: HashMap<(String, String), String> = HashMap::new();
        for r in self
            .rows(
                "SELECT s.name, r.period, r.status FROM allowance_runs r JOIN allowance_schedules s ON s.id = r.schedule_id WHERE r.tenant_id = $1",
                vec![tid.clone()],
            )
            .await?
        {
            let get = |c: &str| r.try_get::<String>("", c).map_err(|e| e.to_string());
            runs.insert((get("name")?, get("period")?), get("status")?);
        }
        let mut retries: HashMap<String, Option<DateTime<Utc>>> = HashMap::new();
        for r in self.rows("SELECT name, retry_after FROM allowance_schedules WHERE tenant_id = $1", vec![tid]).await? {
            let name: String = r.try_get("", "name").map_err(|e| e.to_string())?;
            retries.insert(name, r.try_get("", "retry_after").map_err(|e| e.to_string())?);
        }
        let mut due: Vec<usize> = (0..b.schedules.len())
            .filter(|&i| {
                let s = &b.schedules[i];
                s.next_run_at.is_some_and(|at| at <= now) && s.retry_after.is_none_or(|r| r <= now)
            })
            .collect();
        due.sort_by_key(|&i| b.schedules[i].next_run_at);
        for i in due {
            let s = b.schedules[i].clone();
            let Some(at) = s.next_run_at else { continue };
            let (period, period_end) = period_of(&s, off, at);
            let targets: Vec<usize> = (0..self.tenants[t].emps.len())
                .filter(|&e| {
                    b.active[e]
                        && match &s.target {
                            MTarget::All => true,
                            MTarget::Department(d) => self.tenants[t].emps[e].dept == *d,
                            MTarget::List(l) => l.contains(&e),
                        }
                })
                .collect();
            let expires = match s.kind {
                Sched::Monthly { period_end: true, .. } => period_end,
                _ => now + Duration::days(s.expiry_days),
            };
            let mut paid = b.clone();
            let total = s.amount * targets.len() as i64;
            let can_pay = paid.available(Acct::Pool) >= total;
            if can_pay {
                for &e in &targets {
                    let legs = vec![(Acct::Pool, -s.amount), (Acct::Wallet(e), s.amount)];
                    paid.record(
                        "GRANT",
                        &format!("sys:allowance:{}", s.name),
                        legs,
                        false,
                        LotFx::Create(e, expires),
                        now,
                    )
                    .map_err(|c| self.fail(&format!("model cannot pay schedule {}: {c}", s.name)))?;
                }
                let sc = &mut paid.schedules[i];
                sc.runs.insert(period.clone(), "DONE");
                sc.retry_after = None;
                sc.next_run_at = match s.kind {
                    Sched::Once => None,
                    Sched::Monthly { day, .. } => next_monthly(day, off, period_end.max(at + Duration::hours(1))),
                };
            }
            let ran = runs.get(&(s.name.clone(), period.clone())).map(String::as_str) == Some("DONE")
                && s.runs.get(&period) != Some(&"DONE");
            let failed_now = retries.get(&s.name).copied().flatten() == Some(now + Duration::minutes(15))
                && s.retry_after != Some(now + Duration::minutes(15));
            if ran {
                if !can_pay {
                    return Err(self.fail(&format!(
                        "tenant {t}: schedule {} paid {} though the pool has {}",
                        s.name,
                        money(total),
                        money(b.available(Acct::Pool))
                    )));
                }
                *b = paid;
            } else if failed_now {
                if strict && can_pay {
                    return Err(self.fail(&format!(
                        "tenant {t}: schedule {} failed though the pool covers {}",
                        s.name,
                        money(total)
                    )));
                }
                b.schedules[i].runs.insert(period, "FAILED");
                b.schedules[i].retry_after = Some(now + Duration::minutes(15));
            } else if strict {
                return Err(self.fail(&format!("tenant {t}: schedule {} was due at {at} and did not run", s.name)));
            }
        }
        Ok(())
    }

    /// Applies the settlements of a pass. Without a fault every due recycle must settle.
    async fn observe_recycles(&self, t: usize, cands: &mut [Books], strict: bool) -> R {
        let now = self.now();
        let rows = self
            .rows(
                "SELECT e.idempotency_key AS k, x.status FROM recycles x JOIN entries e ON e.id = x.entry_id WHERE x.tenant_id = $1",
                vec![self.tenants[t].id.0.into()],
            )
            .await?;
        let db: HashMap<String, String> = rows
            .iter()
            .filter_map(|r| Some((r.try_get::<String>("", "k").ok()?, r.try_get::<String>("", "status").ok()?)))
            .collect();
        for b in cands.iter_mut() {
            for i in 0..b.recycles.len() {
                let r = b.recycles[i].clone();
                if r.status != "HELD" || r.settle_after.is_none_or(|s| s > now) {
                    continue;
                }
                match db.get(&r.key).map(String::as_str) {
                    Some("SETTLED") => {
                        b.settle(r.entry, true)
                            .map_err(|c| self.fail(&format!("model cannot settle recycle {}: {c}", r.key)))?;
                        b.recycles[i].status = "SETTLED";
                        b.vouchers += 1;
                    }
                    Some("HELD") if !strict => {}
                    other => {
                        return Err(self.fail(&format!(
                            "tenant {t}: recycle {} due at {:?} is {other:?} after the settlement run",
                            r.key, r.settle_after
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    async fn worker(&mut self, work: Work) -> R {
        self.maybe_arm();
        let app = self.app.clone();
        let result: Result<String, AppError> = match work {
            Work::Topups => app.process_due_topups().await.map(|n| format!("{n} top-ups settled")),
            Work::Schedules => app.run_due_schedules().await.map(|n| format!("{n} periods paid")),
            Work::Sweep => app.sweep_expired().await.map(|r| format!("{} lots expired ({})", r.lots, r.total)),
            Work::Recycles => app.settle_due_recycles().await.map(|n| format!("{n} recycles settled")),
            Work::Outbox => app.deliver_notifications().await.map(|n| format!("{n} mails")),
            Work::Full => app.run_worker_pass().await.map(|r| {
                format!(
                    "{} top-ups, {} periods, {} lots, {} recycles",
                    r.topups_settled, r.periods_paid, r.lots_expired, r.recycles_settled
                )
            }),
        };
        let fired = self.faults.disarm();
        let note = fired.map(|(p, f)| format!(" [fault {f:?} at {p:?}]")).unwrap_or_default();
        let shown = match &result {
            Ok(s) => s.clone(),
            Err(e) => code(e).to_owned(),
        };
        self.log(format!("worker {work:?} => {shown}{note}"));
        if fired.is_none()
            && let Err(e) = &result
        {
            return Err(self.fail(&format!("worker {work:?} failed without an injected fault: {e}")));
        }
        let strict = fired.is_none();
        let now = self.now();
        for t in 0..self.tenants.len() {
            let mut b = self.books[t].clone();
            if matches!(work, Work::Topups | Work::Full) {
                for note in self.observe_topups(t, &mut b).await? {
                    self.log(format!("  {note}"));
                }
            }
            if matches!(work, Work::Schedules | Work::Full) {
                self.observe_schedules(t, &mut b, strict).await?;
            }
            let mut cands = vec![b];
            if matches!(work, Work::Sweep | Work::Full) {
                let mut swept = cands[0].clone();
                swept.sweep(now);
                cands = if strict { vec![swept] } else { vec![cands[0].clone(), swept] };
            }
            if matches!(work, Work::Recycles | Work::Full) {
                self.observe_recycles(t, &mut cands, strict).await?;
            }
            self.adopt(t, cands, &format!("worker {work:?}")).await?;
        }
        Ok(())
    }

    async fn reconcile(&mut self) -> R {
        let mismatches = self.app.reconcile(None).await.map_err(|e| self.fail(&format!("reconcile: {e}")))?;
        self.log(format!("reconcile => {} mismatches", mismatches.len()));
        if !mismatches.is_empty() {
            return Err(self.fail(&format!("the ledger and the carrier disagree:\n{mismatches:#?}")));
        }
        Ok(())
    }

    async fn advance(&mut self) {
        let by = match self.rng.below(100) {
            0..60 => Duration::minutes(self.rng.range(1, 120)),
            60..85 => Duration::hours(self.rng.range(1, 30)),
            _ => Duration::days(self.rng.range(1, 20)),
        };
        self.clock.advance(by);
        self.log(format!("clock +{}s", by.num_seconds()));
    }

    async fn replay(&mut self) -> R {
        if self.history.is_empty() {
            return Ok(());
        }
        let original = self.rng.pick(&self.history);
        let t = original.tenant();
        let branch = self.rng.below(100);
        let call = match branch {
            0..55 => original.clone(),
            55..85 => original.changed(),
            _ => {
                let mut c = Call::Fund { t, who: Who::Finance, amount: 12_34, key: String::new() };
                if matches!(original, Call::Fund { .. }) {
                    c = Call::Deactivate { t, who: Who::Hr, emp: 0, key: String::new() };
                }
                *c.key_mut() = original.clone().key_mut().clone();
                c
            }
        };
        let same = branch < 55 || !call.valid(&self.books[t], self.tenants[t].emps.len());
        let call = if same { original } else { call };
        let applied =
            same && self.books[t].keys.get(call.clone().key_mut().as_str()).is_some_and(|(op, _)| *op == call.op());
        self.log("replay of an earlier key:".into());
        let before = self.trace.len();
        self.replaying = true;
        let result = self.keyed(call, true).await;
        self.replaying = false;
        result?;
        // The contract: a replay of an applied request answers what the original answered.
        // Checks made before the key (permission, expiry, the employee still active) can
        // answer otherwise; the model expects that, and the trace notes it.
        if applied
            && self.trace.get(before).is_some_and(|line| !line.contains("=> ok") && !line.contains("=> INTERNAL"))
        {
            self.log(format!("t{t} note: a replay of an applied request was refused instead of answered"));
        }
        Ok(())
    }

    // -- one step --------------------------------------------------------------------------

    async fn step(&mut self) -> R {
        self.step += 1;
        self.clock.advance(Duration::seconds(self.rng.range(1, 20)));
        let t = self.rng.below(self.tenants.len());
        let n = self.tenants[t].emps.len();
        let weights = [
            5,  // 0 fund
            5,  // 1 purchase
            4,  // 2 approve purchase
            2,  // 3 reject purchase
            9,  // 4 grant
            4,  // 5 batch
            10, // 6 top-up own number
            4,  // 7 top-up by HR
            5,  // 8 request a code (+ top-up with it)
            2,  // 9 top-up another number
            4,  // 10 decide a review
            14, // 11 worker
            7,  // 12 clock
            2,  // 13 offboard
            3,  // 14 dispute
            3,  // 15 resolve dispute
            4,  // 16 reverse
            3,  // 17 quote (+ confirm)
            2,  // 18 confirm an old quote
            2,  // 19 decide a recycle
            4,  // 20 cash-out
            2,  // 21 decide a cash-out
            2,  // 22 mark paid
            2,  // 23 schedule
            1,  // 24 sweep one tenant
            7,  // 25 replay
            1,  // 26 reconcile
        ];
        match self.rng.weighted(&weights) {
            0 => {
                let who = self.actor(t, &[Who::Finance, Who::Owner]);
                let amount = self.rng.range(100_00, 30_000_00);
                let key = self.key(t);
                self.keyed(Call::Fund { t, who, amount, key }, true).await
            }
            1 => {
                let who = self.actor(t, &[Who::Hr, Who::Owner]);
                let face = self.rng.range(200_00, 12_000_00);
                let price = if self.rng.percent(4) { face } else { face * self.rng.range(90, 98) / 100 };
                let key = self.key(t);
                self.keyed(Call::Purchase { t, who, face, price, key }, true).await
            }
            2 => {
                let Some(i) = self.pick_index(
                    self.books[t].purchases.len(),
                    |s: &Self, i| s.books[t].purchases[i].status == "PENDING_APPROVAL",
                    t,
                ) else {
                    return self.check().await;
                };
                if self.books[t].purchases[i].id.is_none() {
                    return self.check().await;
                }
                let who = self.actor(t, &[Who::Finance, Who::Owner]);
                let key = self.key(t);
                self.keyed(Call::Approve { t, who, purchase: i, key }, true).await
            }
            3 => self.reject_purchase(t).await,
            4 => {
                let who = self.actor(t, &[Who::Hr, Who::Owner]);
                let emp = self.rng.below(n);
                let amount = self.rng.range(5_00, 400_00);
                let expires = match self.rng.below(100) {
                    0..4 => self.now() - Duration::minutes(1),
                    4..25 => {
                        self.now()
                            + Duration::minutes(self.rng.range(30, 600))
                            + Duration::microseconds(self.rng.range(1, 999_999))
                    }
                    _ => self.unique_expiry(1, 60),
                };
                let key = self.key(t);
                self.keyed(Call::Grant { t, who, emp, amount, expires, key }, true).await
            }
            5 => {
                let who = self.actor(t, &[Who::Hr, Who::Owner]);
                let lines = (0..self.rng.range(1, 4))
                    .map(|_| {
                        let e = self.rng.below(n);
                        let amount = self.rng.range(5_00, 150_00);
                        let exp = if self.rng.percent(50) { Some(self.unique_expiry(1, 40)) } else { None };
                        (e, amount, exp)
                    })
                    .collect();
                let expires = self.unique_expiry(1, 40);
                let key = self.key(t);
                self.keyed(Call::Batch { t, who, lines, expires, key }, true).await
            }
            6 => {
                let emp = self.rng.below(n);
                let who = if self.rng.percent(95) { Who::Emp(emp) } else { self.actor(t, &[Who::Auditor]) };
                let amount =
                    if self.rng.percent(8) { self.rng.range(200_00, 600_00) } else { self.rng.range(1_00, 120_00) };
                let key = self.key(t);
                self.keyed(Call::Topup { t, who, emp, phone: None, amount, code: None, key }, true).await
            }
            7 => {
                let emp = self.rng.below(n);
                let who = self.actor(t, &[Who::Hr, Who::Owner]);
                let phone = if self.rng.percent(25) {
                    Some(self.rng.pick(&self.tenants[t].other_phones.clone()))
                } else {
                    None
                };
                let amount = self.rng.range(1_00, 150_00);
                let key = self.key(t);
                self.keyed(Call::Topup { t, who, emp, phone, amount, code: None, key }, true).await
            }
            8 => {
                // Usually the employee then tops up with the code just mailed (or mistypes it).
                let Some((emp, phone)) = self.request_code(t).await? else { return self.check().await };
                if self.rng.percent(25) {
                    return self.check().await;
                }
                let sent = self.books[t]
                    .codes
                    .iter()
                    .rev()
                    .find(|c| c.emp == emp && c.phone == phone)
                    .and_then(|c| c.code.clone());
                let code = match sent {
                    Some(c) if self.rng.percent(85) => c,
                    _ => "000000".to_owned(),
                };
                let amount = self.rng.range(1_00, 100_00);
                let key = self.key(t);
                self.keyed(
                    Call::Topup { t, who: Who::Emp(emp), emp, phone: Some(phone), amount, code: Some(code), key },
                    true,
                )
                .await
            }
            9 => {
                let emp = self.rng.below(n);
                let mut phones = self.tenants[t].other_phones.clone();
                phones.push(self.tenants[t].emps[(emp + 1) % n].phone.clone());
                let known: Vec<(String, Option<String>)> = self.books[t]
                    .codes
                    .iter()
                    .filter(|c| c.emp == emp)
                    .map(|c| (c.phone.clone(), c.code.clone()))
                    .collect();
                let (phone, code) = match known.last() {
                    Some((phone, Some(code))) if self.rng.percent(80) => {
                        let code = if self.rng.percent(80) {
                            code.clone()
                        } else {
                            let last = code.chars().last().and_then(|c| c.to_digit(10)).unwrap_or(0);
                            format!("{}{}", &code[..code.len().saturating_sub(1)], (last + 1) % 10)
                        };
                        (phone.clone(), Some(code))
                    }
                    _ => (self.rng.pick(&phones), if self.rng.percent(50) { Some("000000".to_owned()) } else { None }),
                };
                let amount = self.rng.range(1_00, 100_00);
                let key = self.key(t);
                self.keyed(Call::Topup { t, who: Who::Emp(emp), emp, phone: Some(phone), amount, code, key }, true)
                    .await
            }
            10 => self.decide_topup(t).await,
            11 => {
                let work = match self.rng.below(100) {
                    0..45 => Work::Topups,
                    45..70 => Work::Full,
                    70..82 => Work::Schedules,
                    82..90 => Work::Sweep,
                    90..96 => Work::Recycles,
                    _ => Work::Outbox,
                };
                self.worker(work).await
            }
            12 => {
                self.advance().await;
                Ok(())
            }
            13 => {
                let who = self.actor(t, &[Who::Hr, Who::Owner]);
                let emp = self.rng.below(n);
                let key = self.key(t);
                self.keyed(Call::Deactivate { t, who, emp, key }, true).await
            }
            14 => {
                let Some(dispute) = self.open_dispute(t).await? else { return self.check().await };
                if self.rng.percent(40) || self.books[t].disputes[dispute].id.is_none() {
                    return self.check().await;
                }
                let who = self.actor(t, &[Who::Finance, Who::Owner]);
                let refund = self.rng.percent(70);
                let key = self.key(t);
                self.keyed(Call::Resolve { t, who, dispute, refund, key }, true).await
            }
            15 => {
                let Some(i) = self.pick_index(
                    self.books[t].disputes.len(),
                    |s: &Self, i| s.books[t].disputes[i].status == "OPEN",
                    t,
                ) else {
                    return self.check().await;
                };
                if self.books[t].disputes[i].id.is_none() {
                    return self.check().await;
                }
                let who = self.actor(t, &[Who::Finance, Who::Owner]);
                let refund = self.rng.percent(70);
                let key = self.key(t);
                self.keyed(Call::Resolve { t, who, dispute: i, refund, key }, true).await
            }
            16 => {
                let known: Vec<usize> =
                    (0..self.books[t].entries.len()).filter(|&i| self.books[t].entries[i].id.is_some()).collect();
                if known.is_empty() {
                    return self.check().await;
                }
                let entry = self.rng.pick(&known);
                let who = self.actor(t, &[Who::Finance, Who::Owner]);
                let key = self.key(t);
                self.keyed(Call::Reverse { t, who, entry, key }, true).await
            }
            17 => self.quote(t).await,
            18 => {
                if self.books[t].quotes.is_empty() {
                    return self.check().await;
                }
                let quote = self.rng.below(self.books[t].quotes.len());
                let who = self.actor(t, &[Who::Finance, Who::Owner]);
                let key = self.key(t);
                self.keyed(Call::Confirm { t, who, quote, key }, true).await
            }
            19 => self.decide_recycle(t).await,
            20 => {
                let emp = self.rng.below(n);
                let amount = self.rng.range(1_00, 150_00);
                let key = self.key(t);
                self.keyed(Call::Cashout { t, emp, amount, key: key.clone() }, true).await?;
                // Finance often decides at once; an approved cash-out is often paid at once.
                let Some(i) = self.books[t].cashouts.iter().position(|c| c.key == key) else {
                    return self.check().await;
                };
                if self.books[t].cashouts[i].status == "REVIEW"
                    && self.rng.percent(50)
                    && self.books[t].cashouts[i].id.is_some()
                {
                    self.decide_cashout(t, Some(i)).await?;
                }
                if self.books[t].cashouts[i].status == "APPROVED"
                    && self.rng.percent(40)
                    && self.books[t].cashouts[i].id.is_some()
                {
                    let who = self.actor(t, &[Who::Finance, Who::Owner]);
                    let key = self.key(t);
                    self.keyed(Call::Paid { t, who, cashout: i, key }, true).await?;
                }
                Ok(())
            }
            21 => self.decide_cashout(t, None).await,
            22 => {
                let Some(i) = self.pick_index(
                    self.books[t].cashouts.len(),
                    |s: &Self, i| s.books[t].cashouts[i].status == "APPROVED",
                    t,
                ) else {
                    return self.check().await;
                };
                if self.books[t].cashouts[i].id.is_none() {
                    return self.check().await;
                }
                let who = self.actor(t, &[Who::Finance, Who::Owner]);
                let key = self.key(t);
                self.keyed(Call::Paid { t, who, cashout: i, key }, true).await
            }
            23 => self.create_schedule(t).await,
            24 => self.sweep_tenant(t).await,
            25 => self.replay().await,
            _ => self.reconcile().await,
        }?;
        self.check().await
    }

    /// The invariants that must hold after every step.
    async fn check(&mut self) -> R {
        let report = self.app.verify(None).await.map_err(|e| self.fail(&format!("verify failed to run: {e}")))?;
        if !report.ok() {
            return Err(self.fail(&format!("the ledger invariants are broken:\n{:#?}", report.violations)));
        }
        let stats = self.carrier.stats();
        if stats.duplicate_deliveries != 0 {
            return Err(self.fail(&format!("the carrier delivered a top-up twice: {stats:?}")));
        }
        for t in 0..self.tenants.len() {
            for x in &self.books[t].topups {
                let delivered = self.carrier.delivered_count(&x.key);
                let ok = match x.status {
                    "SUCCEEDED" => delivered == 1,
                    "PENDING" => delivered <= 1,
                    _ => delivered == 0,
                };
                if !ok {
                    return Err(self.fail(&format!(
                        "tenant {t}: top-up {} is {} and the carrier delivered it {delivered} times",
                        x.key, x.status
                    )));
                }
            }
        }
        // Credit is conserved: what was bought is in the pool, in wallets, or went out to a
        // phone or a recycler.
        let mut credit: HashMap<Uuid, (i64, i64)> = HashMap::new();
        for r in self.rows("SELECT tenant_id, owner, kind, posted FROM accounts WHERE asset = 'CREDIT'", vec![]).await?
        {
            let tenant: Uuid = r.try_get("", "tenant_id").map_err(|e| e.to_string())?;
            let owner: String = r.try_get("", "owner").map_err(|e| e.to_string())?;
            let kind: String = r.try_get("", "kind").map_err(|e| e.to_string())?;
            let posted: i64 = r.try_get("", "posted").map_err(|e| e.to_string())?;
            let c = credit.entry(tenant).or_default();
            if kind == "EXTERNAL" && owner == "supplier" {
                c.1 -= posted;
            } else {
                c.0 += posted;
            }
        }
        for t in 0..self.tenants.len() {
            let (held, bought) = credit.get(&self.tenants[t].id.0).copied().unwrap_or_default();
            let purchased = self.books[t].purchased;
            if held != purchased || bought != purchased {
                return Err(self.fail(&format!(
                    "tenant {t}: credit is not conserved: bought {} per the supplier account, {} in pool, wallets and outflows, the model bought {}",
                    money(bought),
                    money(held),
                    money(purchased)
                )));
            }
        }
        if self.step.is_multiple_of(10) {
            for t in 0..self.tenants.len() {
                let model = self.books[t].clone();
                self.adopt(t, vec![model], "the periodic full comparison").await?;
            }
        }
        Ok(())
    }

    /// The opening of each tenant: money in, credit bought, a first grant to everyone.
    async fn open(&mut self) -> R {
        for t in 0..self.tenants.len() {
            self.step += 1;
            let key = self.key(t);
            self.keyed(Call::Fund { t, who: Who::Finance, amount: 100_000_00, key }, false).await?;
            let key = self.key(t);
            self.keyed(Call::Purchase { t, who: Who::Hr, face: 8_000_00, price: 7_680_00, key }, false).await?;
            if self.books[t].purchases[0].status == "PENDING_APPROVAL" {
                let key = self.key(t);
                self.keyed(Call::Approve { t, who: Who::Finance, purchase: 0, key }, false).await?;
            }
            let lines = (0..self.tenants[t].emps.len()).map(|e| (e, 150_00, None)).collect();
            let expires = self.unique_expiry(30, 30);
            let key = self.key(t);
            self.keyed(Call::Batch { t, who: Who::Hr, lines, expires, key }, false).await?;
            self.check().await?;
        }
        Ok(())
    }

    /// The end: the worker drains every top-up in flight, and the ledger and the carrier
    /// must then agree on every one.
    async fn close(&mut self) -> R {
        self.step += 1;
        self.faults.disarm();
        for _ in 0..40 {
            let pending = self.books.iter().flat_map(|b| &b.topups).filter(|x| x.status == "PENDING").count();
            if pending == 0 {
                break;
            }
            self.clock.advance(Duration::minutes(10));
            self.log("clock +600s (drain)".into());
            let before = self.fault_percent;
            self.fault_percent = 0;
            let r = self.worker(Work::Topups).await;
            self.fault_percent = before;
            r?;
        }
        let pending = self.books.iter().flat_map(|b| &b.topups).filter(|x| x.status == "PENDING").count();
        if pending != 0 {
            return Err(self.fail(&format!("{pending} top-ups still in flight after 40 worker passes")));
        }
        self.reconcile().await?;
        let succeeded: u64 =
            self.books.iter().flat_map(|b| &b.topups).filter(|x| x.status == "SUCCEEDED").count() as u64;
        let stats = self.carrier.stats();
        if stats.deliveries != succeeded {
            return Err(self.fail(&format!(
                "the carrier delivered {} orders, the ledger has {succeeded} succeeded top-ups",
                stats.deliveries
            )));
        }
        for t in 0..self.tenants.len() {
            let model = self.books[t].clone();
            self.adopt(t, vec![model], "the final comparison").await?;
        }
        self.check().await
    }
}

// ---------------------------------------------------------------------------------------
// Running seeds

/// A migrated SQLite database, copied for each seed (migrating takes longer than a seed).
static TEMPLATE: tokio::sync::OnceCell<std::path::PathBuf> = tokio::sync::OnceCell::const_new();

fn scratch_base() -> std::path::PathBuf {
    // Memory-backed where there is one: the simulation commits thousands of times.
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() }
}

fn scratch_dir() -> std::path::PathBuf {
    scratch_base().join(format!("creditloop-sim-{}-{}", std::process::id(), Uuid::new_v4().simple()))
}

/// Removes what earlier test processes left behind (their template, a seed they were killed
/// in): directories named after a process that no longer runs.
fn remove_stale_scratch() {
    let proc = std::path::Path::new("/proc");
    if !proc.is_dir() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(scratch_base()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("creditloop-sim-").and_then(|rest| rest.split('-').next()) else { continue };
        if pid.parse::<u32>().is_ok() && !proc.join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

async fn template() -> R<std::path::PathBuf> {
    TEMPLATE
        .get_or_try_init(|| async {
            use migration::MigratorTrait;
            remove_stale_scratch();
            let dir = scratch_dir();
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let path = dir.join("template.db");
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let db = Db::connect(&DbOptions { url, pool_max: 1, acquire_timeout_ms: 30_000 })
                .await
                .map_err(|e| e.to_string())?;
            migration::Migrator::up(db.conn(), None).await.map_err(|e| e.to_string())?;
            db.conn().execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.map_err(|e| e.to_string())?;
            db.close().await.map_err(|e| e.to_string())?;
            Ok::<_, String>(path)
        })
        .await
        .cloned()
}

/// Where one seed's database lives, and how to get rid of it.
enum Store {
    Sqlite(std::path::PathBuf),
    Postgres(TestDb),
}

impl Store {
    async fn create(backend: Backend) -> R<(Store, String)> {
        match backend {
            Backend::Sqlite => {
                let template = template().await?;
                let dir = scratch_dir();
                std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
                let path = dir.join("sim.db");
                std::fs::copy(&template, &path).map_err(|e| e.to_string())?;
                Ok((Store::Sqlite(dir), format!("sqlite://{}?mode=rwc", path.display())))
            }
            Backend::Postgres => {
                use migration::MigratorTrait;
                let db = TestDb::create(Backend::Postgres).await.map_err(|e| e.to_string())?;
                let url = db.url.clone();
                let conn = Db::connect(&DbOptions { url: url.clone(), pool_max: 2, acquire_timeout_ms: 30_000 })
                    .await
                    .map_err(|e| e.to_string())?;
                migration::Migrator::up(conn.conn(), None).await.map_err(|e| e.to_string())?;
                conn.close().await.map_err(|e| e.to_string())?;
                Ok((Store::Postgres(db), url))
            }
        }
    }

    async fn remove(self) {
        match self {
            Store::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Store::Postgres(db) => db.drop_db().await,
        }
    }
}

/// Runs one seed; returns its trace, or the failure (with the replay command).
async fn run_seed(seed: u64, steps: usize, backend: Backend) -> R<Vec<String>> {
    let (store, url) = Store::create(backend).await?;
    let result = run_seed_in(seed, steps, backend, &url, &store).await;
    store.remove().await;
    result
}

async fn run_seed_in(seed: u64, steps: usize, backend: Backend, url: &str, store: &Store) -> R<Vec<String>> {
    // The injected faults make the application log errors by design: keep them out of the test
    // output (this thread only), unless asked for.
    let _quiet = std::env::var_os("CREDITLOOP_SIM_LOG")
        .is_none()
        .then(|| tracing::subscriber::set_default(tracing::subscriber::NoSubscriber::default()));
    let mut rng = Rng::new(seed);
    let faults = Arc::new(FaultPlan::default());
    let hook = {
        let faults = faults.clone();
        Arc::new(move |point| faults.at(point)) as Arc<dyn Fn(FaultPoint) -> Fault + Send + Sync>
    };
    let db = Db::connect(&DbOptions { url: url.to_owned(), pool_max: 4, acquire_timeout_ms: 30_000 })
        .await
        .map_err(|e| e.to_string())?
        .with_faults(hook);
    let start = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").map_err(|e| e.to_string())?.with_timezone(&Utc)
        + Duration::hours((seed % (24 * 400)) as i64)
        + Duration::minutes((seed % 53) as i64);
    let clock = Arc::new(ManualClock::new(start));
    let dir = match store {
        Store::Sqlite(dir) => dir.clone(),
        Store::Postgres(_) => scratch_dir(),
    };
    let mut config = AppConfig {
        password_hashing: creditloop_app::auth::PasswordCost::Fast,
        data_dir: dir.join("data"),
        ..AppConfig::default()
    };
    config.notify.mail_dir = dir.join("mail");
    let failure = rng.below(25) as f64 / 100.0;
    let timeout = rng.below(30) as f64 / 100.0;
    let unknown = rng.below(40) as f64 / 100.0;
    let carrier =
        Arc::new(Simulator::new(SimConfig::try_new(seed, 0, failure, timeout, unknown).map_err(|e| e.to_string())?));
    let named =
        Arc::new(NamedCarrier { sim: carrier.clone(), conn: db.conn().clone(), names: Mutex::new(HashMap::new()) });
    let app = App::new(db.clone(), clock.clone(), config).with_carrier(named);
    let fault_percent = 8 + rng.below(10);
    let mut sim = Sim {
        seed,
        rng,
        app,
        clock,
        carrier,
        faults,
        fault_percent,
        tenants: Vec::new(),
        books: Vec::new(),
        history: Vec::new(),
        trace: Vec::new(),
        step: 0,
        keys: 0,
        counter: 0,
        steps,
        backend,
        replaying: false,
    };
    sim.log(format!(
        "seed {seed}: carrier failures {failure:.2}, lost answers {timeout:.2}, unknown statuses {unknown:.2}; database faults in {fault_percent}% of steps"
    ));
    let outcome = async {
        sim.setup().await?;
        sim.open().await?;
        for _ in 0..steps {
            sim.step().await?;
        }
        sim.close().await
    }
    .await;
    let _ = db.close().await;
    if let Store::Postgres(_) = store {
        let _ = std::fs::remove_dir_all(dir);
    }
    outcome.map(|()| sim.trace)
}

async fn run_range(seeds: std::ops::Range<u64>, steps: usize, backend: Backend) {
    for seed in seeds {
        if let Err(e) = run_seed(seed, steps, backend).await {
            panic!("{e}");
        }
    }
}

fn ci_range(part: u64) -> std::ops::Range<u64> {
    let start = env_u64("CREDITLOOP_SIM_START").unwrap_or(0);
    let per = CI_SEEDS / CI_PARTS;
    start + part * per..start + (part + 1) * per
}

#[tokio::test]
async fn ci_0() {
    run_range(ci_range(0), steps_from_env(), Backend::Sqlite).await;
}

#[tokio::test]
async fn ci_1() {
    run_range(ci_range(1), steps_from_env(), Backend::Sqlite).await;
}

#[tokio::test]
async fn ci_2() {
    run_range(ci_range(2), steps_from_env(), Backend::Sqlite).await;
}

#[tokio::test]
async fn ci_3() {
    run_range(ci_range(3), steps_from_env(), Backend::Sqlite).await;
}

#[tokio::test]
async fn ci_4() {
    run_range(ci_range(4), steps_from_env(), Backend::Sqlite).await;
}

#[tokio::test]
async fn ci_5() {
    run_range(ci_range(5), steps_from_env(), Backend::Sqlite).await;
}

/// A few seeds on PostgreSQL (row locks, `SKIP LOCKED`, row-level security).
#[tokio::test]
async fn postgres() {
    let start = env_u64("CREDITLOOP_SIM_START").unwrap_or(0);
    run_range(1_000_000 + start..1_000_000 + start + PG_SEEDS, steps_from_env(), Backend::Postgres).await;
}

/// The same seed gives the same trace: operations, answers, amounts, faults.
#[tokio::test]
async fn same_seed_same_trace() {
    for seed in [7, 1234] {
        let first = run_seed(seed, 30, Backend::Sqlite).await.unwrap_or_else(|e| panic!("{e}"));
        let second = run_seed(seed, 30, Backend::Sqlite).await.unwrap_or_else(|e| panic!("{e}"));
        if first != second {
            let at = first.iter().zip(&second).position(|(a, b)| a != b).unwrap_or(first.len().min(second.len()));
            panic!(
                "seed {seed} did not replay exactly; first difference at trace line {at}:\n  first:  {:?}\n  second: {:?}",
                first.get(at),
                second.get(at)
            );
        }
    }
}

/// Regression, found by the simulation (seed 53: an employee offboarded while a top-up was in
/// flight; the carrier then refused it): credit held when an employee is offboarded — by a
/// top-up in flight, a top-up in review, a cash-out in review — goes back to the pool when the
/// hold is released, not onto the closed wallet, from which only the lot's expiry would ever
/// have returned it.
#[tokio::test]
async fn credit_released_after_offboarding_returns_to_the_pool() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if let Err(e) = released_after_offboarding(backend).await {
            panic!("{backend:?}: {e}");
        }
    }
}

async fn released_after_offboarding(backend: Backend) -> R {
    fn s(e: impl std::fmt::Display) -> String {
        e.to_string()
    }
    let (store, url) = Store::create(backend).await?;
    let dir = scratch_dir();
    let result = async {
        let db = Db::connect(&DbOptions { url, pool_max: 4, acquire_timeout_ms: 30_000 }).await.map_err(s)?;
        let mut config = AppConfig {
            password_hashing: creditloop_app::auth::PasswordCost::Fast,
            data_dir: dir.join("data"),
            ..AppConfig::default()
        };
        config.notify.mail_dir = dir.join("mail");
        // A carrier that refuses every order.
        let carrier = Arc::new(Simulator::new(SimConfig::try_new(1, 0, 1.0, 0.0, 0.0).map_err(s)?));
        let app = App::new(db.clone(), Arc::new(ManualClock::new(Utc::now())), config).with_carrier(carrier);
        let slug = format!("offboard-{}", Uuid::new_v4().simple().to_string().get(..12).unwrap_or("x"));
        let email = format!("owner@{slug}.test");
        let (tenant, owner_id) =
            app.create_tenant(&slug, "Offboarding", "UTC", &email, "Owner", creditloop_tests::PASSWORD).await.map_err(s)?;
        let owner = user_principal(tenant.id, owner_id, &email, &[Role::Owner]);
        let change = PolicyChange {
            cashout_enabled: Some(true),
            cashout_review_threshold: Some(Fen::new(10_00)),
            velocity_max_topups: Some(1),
            ..PolicyChange::default()
        };
        app.update_policy(&owner, change).await.map_err(s)?;
        let mut emps = Vec::new();
        for i in 0..3 {
            let email = format!("e{i}@{slug}.test");
            let profile = Profile { phone: Some(PhoneNumber::parse(&format!("1380000000{i}")).map_err(s)?), ..Profile::default() };
            let invitation = Invitation {
                email: Email::parse(&email).map_err(s)?,
                name: format!("e{i}"),
                roles: [Role::Employee].into_iter().collect(),
                profile,
                locale: "en".into(),
            };
            let user = app.invite_user(&owner, invitation).await.map_err(s)?;
            emps.push(user_principal(tenant.id, user.id, &email, &[Role::Employee]));
        }
        let mut n = 0;
        let mut key = || {
            n += 1;
            IdempotencyKey::parse(&format!("offboard-{n}")).map_err(s)
        };
        app.fund(&owner, Fen::new(1_000_00), "BANK", &key()?).await.map_err(s)?;
        app.request_purchase(&owner, Fen::new(600_00), Fen::new(576_00), "Supplier", &key()?).await.map_err(s)?;
        for e in &emps {
            let user = e.user_id().ok_or("no user")?;
            let line = GrantLine { employee: user, amount: Fen::new(100_00), expires_at: Some(app.now() + Duration::days(30)), memo: None };
            app.grant(&owner, line, &key()?).await.map_err(s)?;
        }
        let phone = |i: usize| PhoneNumber::parse(&format!("1380000000{i}")).map_err(s);
        let in_flight = app.topup_own(&emps[0], phone(0)?, Fen::new(30_00), None, &key()?).await.map_err(s)?;
        app.topup_own(&emps[1], phone(1)?, Fen::new(10_00), None, &key()?).await.map_err(s)?;
        let reviewed = app.topup_own(&emps[1], phone(1)?, Fen::new(20_00), None, &key()?).await.map_err(s)?;
        let cashout = app.cashout(&emps[2], Fen::new(40_00), &key()?).await.map_err(s)?;
        let statuses = (in_flight.status.as_str(), reviewed.status.as_str(), cashout.status.as_str());
        if statuses != ("PENDING", "REVIEW", "REVIEW") {
            return Err(format!("unexpected set-up: {statuses:?}"));
        }
        for e in &emps {
            app.deactivate_user(&owner, e.user_id().ok_or("no user")?, &key()?).await.map_err(s)?;
        }
        let balances = app.tenant_balances(&owner).await.map_err(s)?;
        // 600 bought, 300 granted; offboarding took back the free 70 + 70 + 60.
        if (balances.pool, balances.granted) != (Fen::new(500_00), Fen::new(100_00)) {
            return Err(format!("after offboarding: pool {} granted {}", balances.pool, balances.granted));
        }
        app.process_due_topups().await.map_err(s)?;
        app.decide_topup(&owner, reviewed.id, false, Some("left the company")).await.map_err(s)?;
        app.reject_cashout(&owner, cashout.id, "left the company").await.map_err(s)?;
        let balances = app.tenant_balances(&owner).await.map_err(s)?;
        if (balances.pool, balances.granted) != (Fen::new(600_00), Fen::ZERO) {
            return Err(format!(
                "credit released after offboarding stayed on the closed wallets: pool {} (expected 600.00), wallets {} (expected 0.00)",
                balances.pool, balances.granted
            ));
        }
        let report = app.verify(None).await.map_err(s)?;
        if !report.ok() {
            return Err(format!("{:#?}", report.violations));
        }
        db.close().await.map_err(s)?;
        Ok(())
    }
    .await;
    store.remove().await;
    let _ = std::fs::remove_dir_all(dir);
    result
}

/// `CREDITLOOP_SIM_SEED=n` replays one seed and prints its whole trace
/// (`CREDITLOOP_SIM_PG=1` on PostgreSQL).
#[tokio::test]
async fn replay() {
    let Some(seed) = env_u64("CREDITLOOP_SIM_SEED") else { return };
    let backend = if env_u64("CREDITLOOP_SIM_PG") == Some(1) { Backend::Postgres } else { Backend::Sqlite };
    match run_seed(seed, steps_from_env(), backend).await {
        Ok(trace) => println!("seed {seed} passed:\n  {}", trace.join("\n  ")),
        Err(e) => panic!("{e}"),
    }
}

/// `CREDITLOOP_SIM_SEEDS=n` runs n seeds (from `CREDITLOOP_SIM_START`) on all cores
/// (`CREDITLOOP_SIM_THREADS`), and reports every failing seed.
#[test]
fn many() {
    let Some(count) = env_u64("CREDITLOOP_SIM_SEEDS") else { return };
    let start = env_u64("CREDITLOOP_SIM_START").unwrap_or(0);
    let steps = steps_from_env();
    let threads = env_u64("CREDITLOOP_SIM_THREADS")
        .map_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()), |n| n as usize);
    let next = Arc::new(std::sync::atomic::AtomicU64::new(start));
    let failures = Arc::new(Mutex::new(Vec::<(u64, String)>::new()));
    let done = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let began = std::time::Instant::now();
    let workers: Vec<_> = (0..threads.max(1))
        .map(|_| {
            let (next, failures, done) = (next.clone(), failures.clone(), done.clone());
            std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
                loop {
                    let seed = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if seed >= start + count {
                        return;
                    }
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rt.block_on(run_seed(seed, steps, Backend::Sqlite))));
                    let failure = match outcome {
                        Ok(Ok(_)) => None,
                        Ok(Err(e)) => Some(e),
                        Err(panic) => Some(format!(
                            "seed {seed} panicked: {}\nreplay with CREDITLOOP_SIM_SEED={seed} CREDITLOOP_SIM_STEPS={steps} cargo test -p creditloop-tests --test api -- sim::replay --nocapture",
                            panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned())).unwrap_or_default()
                        )),
                    };
                    if let Some(f) = failure {
                        eprintln!("{f}\n");
                        failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((seed, f));
                    }
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    if n % 100 == 0 {
                        eprintln!("simulation: {n}/{count} seeds in {:.0?}", began.elapsed());
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    let failures = failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    println!(
        "simulation: {count} seeds from {start}, {steps} steps each, {threads} threads, {:.1?}: {} failed",
        began.elapsed(),
        failures.len()
    );
    if !failures.is_empty() {
        let seeds: Vec<u64> = failures.iter().map(|(s, _)| *s).collect();
        panic!("{} of {count} seeds failed: {seeds:?}\nfirst failure:\n{}", failures.len(), failures[0].1);
    }
}
