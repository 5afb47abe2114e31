//! The posting engine: the one place where balances change.
//!
//! Each balance change is a conditional `UPDATE` that checks the floor in the same statement
//! (`posted - pending_out + delta >= floor`), so no read-then-write race can overdraw an
//! account on either database: on PostgreSQL the row lock taken by the update orders
//! concurrent writers and the condition is re-evaluated on the latest row version. Accounts
//! are updated in the global lock order (`AccountKind::lock_rank`, then id) so concurrent
//! transactions never deadlock.

use crate::account::{self, AccountKind, AccountRef};
use crate::entry::{self, Entry, EntryStatus};
use crate::lots;
use crate::store::{exec, placeholders, query_all};
use crate::template::{Initial, LotEffect, Template, TemplateCode};
use crate::LedgerError;
use chrono::{DateTime, Utc};
use creditloop_domain::{AccountId, Asset, EntryId, Fen, LotId, TenantId, UserId};
use sea_orm::{ConnectionTrait, Value};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Who and why, recorded on every entry.
#[derive(Debug, Clone)]
pub struct Meta {
    pub idempotency_key: String,
    pub created_by: String,
    pub memo: Option<String>,
    pub metadata: Option<String>,
}

/// The result of recording one entry.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub entry_id: EntryId,
    pub code: TemplateCode,
    pub status: EntryStatus,
    pub amount: Fen,
    pub lot_id: Option<LotId>,
    pub created_at: DateTime<Utc>,
}

/// A leg with its account resolved.
#[derive(Debug, Clone, Copy)]
struct Leg {
    account: AccountId,
    kind: AccountKind,
    asset: Asset,
    amount: i64,
}

/// How a leg changes its account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Straight to `posted`.
    Post,
    /// Reserve: outgoing into `pending_out`, incoming into `pending_in`.
    Hold,
    /// A held leg becomes posted.
    Commit,
    /// A held leg is released.
    Release,
}

/// Records one entry from a template inside the caller's transaction.
pub async fn record<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    now: DateTime<Utc>,
    template: &Template,
    meta: &Meta,
) -> Result<Recorded, LedgerError> {
    let plan = template.plan();
    check_legs(&plan.legs)?;
    let refs: Vec<AccountRef> = plan.legs.iter().map(|(r, _)| *r).collect();
    let ids = account::ensure(c, tenant, &refs, now).await?;
    let legs: Vec<Leg> = plan
        .legs
        .iter()
        .map(|(r, amount)| Leg { account: ids[r], kind: r.kind(), asset: r.asset(), amount: *amount })
        .collect();
    let mode = match plan.initial {
        Initial::Posted => Mode::Post,
        Initial::Pending => Mode::Hold,
    };
    apply(c, tenant, &legs, mode).await?;
    let entry_id = EntryId::generate();
    let amount = headline(&legs);
    let status = match plan.initial {
        Initial::Posted => EntryStatus::Posted,
        Initial::Pending => EntryStatus::Pending,
    };
    insert_entry(c, tenant, entry_id, plan.code, status, amount, None, None, meta, now).await?;
    insert_postings(c, tenant, &[(entry_id, &legs)], now).await?;
    let debit = legs.iter().find(|l| l.amount < 0 && l.kind == AccountKind::Wallet).map(|l| -l.amount);
    let lot_id = match plan.lots {
        LotEffect::None => None,
        LotEffect::Create { employee, expires_at } => {
            let wallet = ids[&AccountRef::Wallet(employee)];
            let lot = LotId::generate();
            lots::create(c, tenant, &[(lot, wallet, entry_id, amount, expires_at, meta.memo.clone())], now).await?;
            Some(lot)
        }
        LotEffect::Hold { employee } => {
            let wallet = ids[&AccountRef::Wallet(employee)];
            lots::hold_fefo(c, tenant, wallet, entry_id, Fen::new(debit.unwrap_or(0)), now).await?;
            None
        }
        LotEffect::ConsumeLot { lot } => {
            lots::consume_lot(c, tenant, lot, entry_id, Fen::new(debit.unwrap_or(0))).await?;
            None
        }
        LotEffect::ConsumeAll { employee } => {
            let wallet = ids[&AccountRef::Wallet(employee)];
            lots::consume_all(c, tenant, wallet, entry_id, Fen::new(debit.unwrap_or(0))).await?;
            None
        }
    };
    metrics::counter!("ledger_entries_total", "template" => plan.code.as_str()).increment(1);
    Ok(Recorded { entry_id, code: plan.code, status, amount, lot_id, created_at: now })
}

/// Posts a pending entry: its holds become balance changes. Exactly once.
pub async fn post_pending<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    id: EntryId,
    now: DateTime<Utc>,
) -> Result<Entry, LedgerError> {
    settle(c, tenant, id, now, Mode::Commit).await
}

/// Voids a pending entry: its holds are released. Exactly once.
pub async fn void_pending<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    id: EntryId,
    now: DateTime<Utc>,
) -> Result<Entry, LedgerError> {
    settle(c, tenant, id, now, Mode::Release).await
}

async fn settle<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    id: EntryId,
    now: DateTime<Utc>,
    mode: Mode,
) -> Result<Entry, LedgerError> {
    let (to, time_column) = match mode {
        Mode::Commit => (EntryStatus::Posted, "posted_at"),
        _ => (EntryStatus::Voided, "voided_at"),
    };
    // The status flip is the guard: of two concurrent settlements only one changes a row.
    let sql = format!(
        "UPDATE entries SET status = $1, {time_column} = $2 WHERE tenant_id = $3 AND id = $4 AND status = 'PENDING'"
    );
    let flipped = exec(c, &sql, vec![to.as_str().into(), now.into(), tenant.0.into(), id.0.into()]).await?;
    if flipped.rows_affected() != 1 {
        return match entry::get(c, tenant, id).await? {
            None => Err(LedgerError::EntryNotFound),
            Some(e) => Err(LedgerError::WrongStatus { status: e.status.as_str(), expected: "PENDING" }),
        };
    }
    let legs = load_legs(c, tenant, id).await?;
    apply(c, tenant, &legs, mode).await?;
    match mode {
        Mode::Commit => lots::commit_holds(c, tenant, id).await?,
        _ => lots::release_holds(c, tenant, id).await?,
    }
    entry::get(c, tenant, id).await?.ok_or(LedgerError::EntryNotFound)
}

/// Reverses a posted entry with a new entry of opposite postings that points at it. The
/// original is never changed; a unique index allows one reversal per entry.
pub async fn reverse<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    original: EntryId,
    now: DateTime<Utc>,
    meta: &Meta,
) -> Result<Recorded, LedgerError> {
    let entry = entry::get(c, tenant, original).await?.ok_or(LedgerError::EntryNotFound)?;
    if entry.status != EntryStatus::Posted {
        return Err(LedgerError::WrongStatus { status: entry.status.as_str(), expected: "POSTED" });
    }
    if entry.template == TemplateCode::Reversal {
        return Err(LedgerError::Invalid("a reversal cannot itself be reversed".into()));
    }
    if entry::reversal_of(c, tenant, original).await?.is_some() {
        return Err(LedgerError::AlreadyReversed);
    }
    let legs: Vec<Leg> = load_legs(c, tenant, original)
        .await?
        .into_iter()
        .map(|l| Leg { amount: -l.amount, ..l })
        .collect();
    apply(c, tenant, &legs, Mode::Post).await?;
    let id = EntryId::generate();
    let amount = headline(&legs);
    let inserted =
        insert_entry(c, tenant, id, TemplateCode::Reversal, EntryStatus::Posted, amount, None, Some(original), meta, now)
            .await;
    match inserted {
        Err(LedgerError::Db(e)) if crate::store::is_unique_violation(&e) => return Err(LedgerError::AlreadyReversed),
        other => other?,
    }
    insert_postings(c, tenant, &[(id, &legs)], now).await?;
    lots::reverse_effects(c, tenant, original, id).await?;
    metrics::counter!("ledger_entries_total", "template" => TemplateCode::Reversal.as_str()).increment(1);
    Ok(Recorded { entry_id: id, code: TemplateCode::Reversal, status: EntryStatus::Posted, amount, lot_id: None, created_at: now })
}

/// One line of a batch grant.
#[derive(Debug, Clone)]
pub struct BatchGrantItem {
    pub employee: UserId,
    pub amount: Fen,
    pub expires_at: DateTime<Utc>,
    pub memo: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BatchGrant {
    pub batch_id: Uuid,
    pub count: usize,
    pub total: Fen,
    pub entry_ids: Vec<EntryId>,
}

/// Rows per multi-row statement: below both databases' bound-parameter limits.
const BATCH_ROWS: usize = 500;

/// Grants to many wallets from the pool, set-based: the pool is checked and debited once for
/// the total, wallets are credited with multi-row statements, and entries, postings and lots
/// are inserted in chunks. All or nothing, inside the caller's transaction.
pub async fn grant_batch<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    now: DateTime<Utc>,
    items: &[BatchGrantItem],
    meta: &Meta,
) -> Result<BatchGrant, LedgerError> {
    let batch_id = Uuid::now_v7();
    let rows: Vec<GrantRow<'_>> =
        items.iter().map(|item| GrantRow { entry: EntryId::generate(), lot: LotId::generate(), item, meta }).collect();
    let total = grant_rows(c, tenant, now, &rows, Some(batch_id)).await?;
    Ok(BatchGrant { batch_id, count: items.len(), total, entry_ids: rows.iter().map(|r| r.entry).collect() })
}

/// One grant of a group commit: a request of its own (its own idempotency key, author and
/// memo) whose entry and lot ids the caller chose, so that it could store the answer first.
#[derive(Debug, Clone)]
pub struct GroupedGrant {
    pub entry_id: EntryId,
    pub lot_id: LotId,
    pub item: BatchGrantItem,
    pub meta: Meta,
}

/// Records independent single grants of one tenant together: one entry per grant, exactly as
/// [`record`] would write them one by one, but with one conditional debit of the pool for the
/// total and multi-row statements for the rest. All or nothing, inside the caller's
/// transaction: if the pool cannot cover the total, nothing is written and the caller decides
/// grant by grant. Returns the total.
pub async fn grant_group<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    now: DateTime<Utc>,
    grants: &[GroupedGrant],
) -> Result<Fen, LedgerError> {
    let rows: Vec<GrantRow<'_>> =
        grants.iter().map(|g| GrantRow { entry: g.entry_id, lot: g.lot_id, item: &g.item, meta: &g.meta }).collect();
    grant_rows(c, tenant, now, &rows, None).await
}

/// One grant as the set-based writers see it.
struct GrantRow<'a> {
    entry: EntryId,
    lot: LotId,
    item: &'a BatchGrantItem,
    meta: &'a Meta,
}

async fn grant_rows<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    now: DateTime<Utc>,
    rows: &[GrantRow<'_>],
    batch_id: Option<Uuid>,
) -> Result<Fen, LedgerError> {
    if rows.is_empty() {
        return Ok(Fen::ZERO);
    }
    let mut total = Fen::ZERO;
    for row in rows {
        if !row.item.amount.is_positive() {
            return Err(LedgerError::Invalid("every grant amount must be positive".into()));
        }
        total = total.checked_add(row.item.amount).ok_or_else(|| LedgerError::Invalid("batch total overflows".into()))?;
    }
    let mut refs: Vec<AccountRef> = rows.iter().map(|r| AccountRef::Wallet(r.item.employee)).collect();
    refs.sort_unstable();
    refs.dedup();
    refs.push(AccountRef::Pool);
    let ids = account::ensure(c, tenant, &refs, now).await?;
    let pool = ids[&AccountRef::Pool];

    // The pool first: the lock order, and the one check that can fail.
    apply(c, tenant, &[Leg { account: pool, kind: AccountKind::Pool, asset: Asset::Credit, amount: -total.get() }], Mode::Post)
        .await?;
    let mut per_wallet: BTreeMap<AccountId, i64> = BTreeMap::new();
    for row in rows {
        *per_wallet.entry(ids[&AccountRef::Wallet(row.item.employee)]).or_default() += row.item.amount.get();
    }
    credit_many(c, tenant, &per_wallet).await?;

    for chunk in rows.chunks(BATCH_ROWS) {
        insert_grant_entries(c, tenant, batch_id, chunk, now).await?;
        let legs: Vec<[Leg; 2]> = chunk
            .iter()
            .map(|row| {
                let wallet = ids[&AccountRef::Wallet(row.item.employee)];
                [
                    Leg { account: pool, kind: AccountKind::Pool, asset: Asset::Credit, amount: -row.item.amount.get() },
                    Leg { account: wallet, kind: AccountKind::Wallet, asset: Asset::Credit, amount: row.item.amount.get() },
                ]
            })
            .collect();
        let postings: Vec<(EntryId, &[Leg])> = chunk.iter().map(|r| r.entry).zip(legs.iter().map(|l| &l[..])).collect();
        insert_postings(c, tenant, &postings, now).await?;
        let new_lots: Vec<_> = chunk
            .iter()
            .map(|row| {
                let wallet = ids[&AccountRef::Wallet(row.item.employee)];
                (row.lot, wallet, row.entry, row.item.amount, row.item.expires_at, row.item.memo.clone())
            })
            .collect();
        lots::create(c, tenant, &new_lots, now).await?;
    }
    metrics::counter!("ledger_entries_total", "template" => TemplateCode::Grant.as_str()).increment(rows.len() as u64);
    Ok(total)
}

fn check_legs(legs: &[(AccountRef, i64)]) -> Result<(), LedgerError> {
    if legs.iter().any(|(_, amount)| *amount == 0) {
        return Err(LedgerError::Invalid("amounts must be greater than zero".into()));
    }
    let mut sums: HashMap<Asset, i128> = HashMap::new();
    for (r, amount) in legs {
        *sums.entry(r.asset()).or_default() += i128::from(*amount);
    }
    if sums.values().any(|s| *s != 0) {
        // A template that does not balance is a bug in this crate, never bad input.
        return Err(LedgerError::Corrupt(format!("unbalanced legs {legs:?}")));
    }
    Ok(())
}

fn headline(legs: &[Leg]) -> Fen {
    Fen::new(legs.iter().map(|l| l.amount.saturating_abs()).max().unwrap_or(0))
}

/// Applies legs in the global lock order. Fails with `InsufficientFunds` (and changes
/// nothing the caller will commit) when a floor would be crossed.
async fn apply<C: ConnectionTrait>(c: &C, tenant: TenantId, legs: &[Leg], mode: Mode) -> Result<(), LedgerError> {
    let mut ordered: Vec<Leg> = legs.to_vec();
    ordered.sort_by_key(|l| (l.kind.lock_rank(), l.account));
    for leg in ordered {
        let (sql, checked) = update_sql(mode, leg.amount < 0);
        let done = exec(c, sql, vec![leg.amount.into(), tenant.0.into(), leg.account.0.into()]).await?;
        if done.rows_affected() == 1 {
            continue;
        }
        if !checked {
            return Err(LedgerError::AccountNotFound);
        }
        let current = account::get(c, tenant, leg.account).await?.ok_or(LedgerError::AccountNotFound)?;
        return Err(LedgerError::InsufficientFunds {
            kind: leg.kind.as_str(),
            available: current.available(),
            required: Fen::new(-leg.amount),
        });
    }
    Ok(())
}

/// The update for one leg. `$1` is the signed amount. Returns whether it checks the floor.
fn update_sql(mode: Mode, outgoing: bool) -> (&'static str, bool) {
    match (mode, outgoing) {
        (Mode::Post, true) => (
            "UPDATE accounts SET posted = posted + $1 WHERE tenant_id = $2 AND id = $3 \
             AND (floor IS NULL OR posted - pending_out + $1 >= floor)",
            true,
        ),
        (Mode::Post, false) => ("UPDATE accounts SET posted = posted + $1 WHERE tenant_id = $2 AND id = $3", false),
        (Mode::Hold, true) => (
            "UPDATE accounts SET pending_out = pending_out - $1 WHERE tenant_id = $2 AND id = $3 \
             AND (floor IS NULL OR posted - pending_out + $1 >= floor)",
            true,
        ),
        (Mode::Hold, false) => {
            ("UPDATE accounts SET pending_in = pending_in + $1 WHERE tenant_id = $2 AND id = $3", false)
        }
        (Mode::Commit, true) => (
            "UPDATE accounts SET pending_out = pending_out + $1, posted = posted + $1 WHERE tenant_id = $2 AND id = $3",
            false,
        ),
        (Mode::Commit, false) => (
            "UPDATE accounts SET pending_in = pending_in - $1, posted = posted + $1 WHERE tenant_id = $2 AND id = $3",
            false,
        ),
        (Mode::Release, true) => {
            ("UPDATE accounts SET pending_out = pending_out + $1 WHERE tenant_id = $2 AND id = $3", false)
        }
        (Mode::Release, false) => {
            ("UPDATE accounts SET pending_in = pending_in - $1 WHERE tenant_id = $2 AND id = $3", false)
        }
    }
}

/// Credits many accounts in one statement per chunk (no floor: credits cannot overdraw).
async fn credit_many<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    amounts: &BTreeMap<AccountId, i64>,
) -> Result<(), LedgerError> {
    let rows: Vec<(&AccountId, &i64)> = amounts.iter().collect();
    for chunk in rows.chunks(BATCH_ROWS) {
        let mut values: Vec<Value> = vec![tenant.0.into()];
        let mut cases = String::new();
        for (account, amount) in chunk {
            values.push(account.0.into());
            values.push((**amount).into());
            cases.push_str(&format!(" WHEN ${} THEN ${}", values.len() - 1, values.len()));
        }
        let ids: Vec<String> = (0..chunk.len()).map(|i| format!("${}", 2 + 2 * i)).collect();
        let sql = format!(
            "UPDATE accounts SET posted = posted + (CASE id{cases} ELSE 0 END) WHERE tenant_id = $1 AND id IN ({})",
            ids.join(", ")
        );
        let done = exec(c, &sql, values).await?;
        if done.rows_affected() != chunk.len() as u64 {
            return Err(LedgerError::AccountNotFound);
        }
    }
    Ok(())
}

/// The postings of an entry, as legs.
async fn load_legs<C: ConnectionTrait>(c: &C, tenant: TenantId, id: EntryId) -> Result<Vec<Leg>, LedgerError> {
    let rows = query_all(
        c,
        "SELECT p.account_id, p.asset, p.amount, a.kind FROM postings p JOIN accounts a ON a.id = p.account_id \
         WHERE p.tenant_id = $1 AND p.entry_id = $2 ORDER BY p.seq",
        vec![tenant.0.into(), id.0.into()],
    )
    .await?;
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get("", "kind")?;
            let asset: String = row.try_get("", "asset")?;
            Ok(Leg {
                account: AccountId(row.try_get("", "account_id")?),
                kind: AccountKind::parse(&kind).ok_or_else(|| LedgerError::Corrupt(kind.clone()))?,
                asset: Asset::parse(&asset).ok_or_else(|| LedgerError::Corrupt(asset.clone()))?,
                amount: row.try_get("", "amount")?,
            })
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn insert_entry<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    id: EntryId,
    code: TemplateCode,
    status: EntryStatus,
    amount: Fen,
    batch_id: Option<Uuid>,
    reverses: Option<EntryId>,
    meta: &Meta,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let posted_at = (status == EntryStatus::Posted).then_some(now);
    exec(
        c,
        "INSERT INTO entries (id, tenant_id, template, status, idempotency_key, amount, memo, batch_id, reverses_id, \
         created_by, metadata, created_at, posted_at, voided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL)",
        vec![
            id.0.into(),
            tenant.0.into(),
            code.as_str().into(),
            status.as_str().into(),
            meta.idempotency_key.clone().into(),
            amount.get().into(),
            meta.memo.clone().into(),
            batch_id.into(),
            reverses.map(|r| r.0).into(),
            meta.created_by.clone().into(),
            meta.metadata.clone().into(),
            now.into(),
            posted_at.into(),
        ],
    )
    .await?;
    Ok(())
}

async fn insert_grant_entries<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    batch_id: Option<Uuid>,
    rows: &[GrantRow<'_>],
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    const COLUMNS: usize = 10;
    let mut values: Vec<Value> = Vec::with_capacity(rows.len() * COLUMNS);
    let mut tuples: Vec<String> = Vec::with_capacity(rows.len());
    for row in rows {
        tuples.push(format!("({}, 'GRANT', 'POSTED', NULL)", placeholders(values.len() + 1, COLUMNS)));
        values.extend([
            Value::from(row.entry.0),
            tenant.0.into(),
            row.meta.idempotency_key.clone().into(),
            row.item.amount.get().into(),
            row.item.memo.clone().or_else(|| row.meta.memo.clone()).into(),
            batch_id.into(),
            row.meta.created_by.clone().into(),
            row.meta.metadata.clone().into(),
            now.into(),
            now.into(),
        ]);
    }
    let sql = format!(
        "INSERT INTO entries (id, tenant_id, idempotency_key, amount, memo, batch_id, created_by, metadata, \
         created_at, posted_at, template, status, reverses_id) VALUES {}",
        tuples.join(", ")
    );
    exec(c, &sql, values).await?;
    Ok(())
}

async fn insert_postings<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    entries: &[(EntryId, &[Leg])],
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    const COLUMNS: usize = 7;
    let all: Vec<(EntryId, i32, &Leg)> = entries
        .iter()
        .flat_map(|(id, legs)| legs.iter().enumerate().map(move |(seq, leg)| (*id, seq as i32, leg)))
        .collect();
    for chunk in all.chunks(BATCH_ROWS * 2) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * COLUMNS);
        let mut rows: Vec<String> = Vec::with_capacity(chunk.len());
        for (entry, seq, leg) in chunk {
            rows.push(format!("({})", placeholders(values.len() + 1, COLUMNS)));
            values.extend([
                Value::from(entry.0),
                (*seq).into(),
                tenant.0.into(),
                leg.account.0.into(),
                leg.asset.as_str().into(),
                leg.amount.into(),
                now.into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO postings (entry_id, seq, tenant_id, account_id, asset, amount, created_at) VALUES {}",
            rows.join(", ")
        );
        exec(c, &sql, values).await?;
    }
    Ok(())
}
