//! Lots: the credit on a wallet, each with its own expiry.
//!
//! A wallet's posted balance always equals the sum of its lots' `remaining`, and its
//! `pending_out` the sum of their `held` (checked by `verify`). Spending holds from unexpired
//! lots earliest-expiry first; the expiry sweep returns each expired lot's free rest.
//! `lot_moves` records which lots each entry touched, so that posting, voiding and reversing
//! touch exactly those.

use crate::store::{exec, placeholders, query_all};
use crate::LedgerError;
use chrono::{DateTime, Utc};
use creditloop_domain::{AccountId, EntryId, Fen, LotId, TenantId};
use sea_orm::{ConnectionTrait, QueryResult, Value};

#[derive(Debug, Clone)]
pub struct Lot {
    pub id: LotId,
    pub account_id: AccountId,
    pub entry_id: EntryId,
    pub original: Fen,
    pub remaining: Fen,
    pub held: Fen,
    pub expires_at: DateTime<Utc>,
    pub memo: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Lot {
    pub fn free(&self) -> Fen {
        Fen::new(self.remaining.get() - self.held.get())
    }

    fn from_row(row: &QueryResult) -> Result<Lot, LedgerError> {
        Ok(Lot {
            id: LotId(row.try_get("", "id")?),
            account_id: AccountId(row.try_get("", "account_id")?),
            entry_id: EntryId(row.try_get("", "entry_id")?),
            original: Fen::new(row.try_get("", "original")?),
            remaining: Fen::new(row.try_get("", "remaining")?),
            held: Fen::new(row.try_get("", "held")?),
            expires_at: row.try_get("", "expires_at")?,
            memo: row.try_get("", "memo")?,
            created_at: row.try_get("", "created_at")?,
        })
    }
}

const LOT_COLUMNS: &str = "id, account_id, entry_id, original, remaining, held, expires_at, memo, created_at";

/// The lots of a wallet, earliest expiry first; empty ones only when asked.
pub async fn of_wallet<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    wallet: AccountId,
    include_empty: bool,
) -> Result<Vec<Lot>, LedgerError> {
    let sql = format!(
        "SELECT {LOT_COLUMNS} FROM lots WHERE tenant_id = $1 AND account_id = $2 {} ORDER BY expires_at, id",
        if include_empty { "" } else { "AND remaining > 0" }
    );
    query_all(c, &sql, vec![tenant.0.into(), wallet.0.into()]).await?.iter().map(Lot::from_row).collect()
}

/// Lots past their expiry with free credit left, oldest first: the sweep's work list.
pub async fn expired<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Lot>, LedgerError> {
    let sql = format!(
        "SELECT {LOT_COLUMNS} FROM lots WHERE tenant_id = $1 AND expires_at <= $2 AND remaining > held \
         ORDER BY expires_at, id LIMIT $3"
    );
    query_all(c, &sql, vec![tenant.0.into(), now.into(), (limit as i64).into()])
        .await?
        .iter()
        .map(Lot::from_row)
        .collect()
}

pub(crate) type NewLot = (LotId, AccountId, EntryId, Fen, DateTime<Utc>, Option<String>);

pub(crate) async fn create<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    lots: &[NewLot],
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    const COLUMNS: usize = 10;
    for chunk in lots.chunks(500) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * COLUMNS);
        let mut rows = Vec::with_capacity(chunk.len());
        for (id, wallet, entry, amount, expires_at, memo) in chunk {
            rows.push(format!("({})", placeholders(values.len() + 1, COLUMNS)));
            values.extend([
                Value::from(id.0),
                tenant.0.into(),
                wallet.0.into(),
                entry.0.into(),
                amount.get().into(),
                amount.get().into(),
                0i64.into(),
                (*expires_at).into(),
                memo.clone().into(),
                now.into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO lots (id, tenant_id, account_id, entry_id, original, remaining, held, expires_at, memo, created_at) \
             VALUES {}",
            rows.join(", ")
        );
        exec(c, &sql, values).await?;
    }
    Ok(())
}

/// Holds `amount` from the wallet's unexpired lots, earliest expiry first. The caller has
/// already locked the wallet account row, which serialises concurrent holds on it.
pub(crate) async fn hold_fefo<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    wallet: AccountId,
    entry: EntryId,
    amount: Fen,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let rows = query_all(
        c,
        "SELECT id, remaining - held AS free FROM lots WHERE tenant_id = $1 AND account_id = $2 \
         AND expires_at > $3 AND remaining > held ORDER BY expires_at, id",
        vec![tenant.0.into(), wallet.0.into(), now.into()],
    )
    .await?;
    let mut left = amount.get();
    let mut moves: Vec<(LotId, i64)> = Vec::new();
    let mut available = 0i64;
    for row in &rows {
        let free: i64 = row.try_get("", "free")?;
        available += free;
        if left > 0 {
            let take = free.min(left);
            moves.push((LotId(row.try_get("", "id")?), take));
            left -= take;
        }
    }
    if left > 0 {
        // The account had the balance but part of it sits in expired lots awaiting the sweep.
        return Err(LedgerError::InsufficientFunds {
            kind: "WALLET",
            available: Fen::new(available),
            required: amount,
        });
    }
    for (lot, take) in &moves {
        let done = exec(
            c,
            "UPDATE lots SET held = held + $1 WHERE tenant_id = $2 AND id = $3 AND remaining - held >= $1",
            vec![(*take).into(), tenant.0.into(), lot.0.into()],
        )
        .await?;
        if done.rows_affected() != 1 {
            return Err(LedgerError::Corrupt(format!("lot {lot} changed under a locked wallet")));
        }
    }
    insert_moves(c, tenant, entry, &moves).await
}

/// Consumes `amount` of one lot's free rest (the expiry of that lot).
pub(crate) async fn consume_lot<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    lot: LotId,
    entry: EntryId,
    amount: Fen,
) -> Result<(), LedgerError> {
    let done = exec(
        c,
        "UPDATE lots SET remaining = remaining - $1 WHERE tenant_id = $2 AND id = $3 AND remaining - held >= $1",
        vec![amount.get().into(), tenant.0.into(), lot.0.into()],
    )
    .await?;
    if done.rows_affected() != 1 {
        return Err(LedgerError::InsufficientFunds { kind: "WALLET", available: Fen::ZERO, required: amount });
    }
    insert_moves(c, tenant, entry, &[(lot, amount.get())]).await
}

/// Consumes the free rest of every lot of a wallet; it must add up to `amount`.
pub(crate) async fn consume_all<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    wallet: AccountId,
    entry: EntryId,
    amount: Fen,
) -> Result<(), LedgerError> {
    let rows = query_all(
        c,
        "SELECT id, remaining - held AS free FROM lots WHERE tenant_id = $1 AND account_id = $2 AND remaining > held",
        vec![tenant.0.into(), wallet.0.into()],
    )
    .await?;
    let mut moves = Vec::with_capacity(rows.len());
    for row in &rows {
        moves.push((LotId(row.try_get("", "id")?), row.try_get::<i64>("", "free")?));
    }
    if moves.iter().map(|(_, f)| f).sum::<i64>() != amount.get() {
        return Err(LedgerError::Corrupt("wallet lots changed while the wallet was locked".into()));
    }
    exec(
        c,
        "UPDATE lots SET remaining = held WHERE tenant_id = $1 AND account_id = $2 AND remaining > held",
        vec![tenant.0.into(), wallet.0.into()],
    )
    .await?;
    insert_moves(c, tenant, entry, &moves).await
}

/// The free credit of a wallet across all its lots (expired or not).
pub async fn free_total<C: ConnectionTrait>(c: &C, tenant: TenantId, wallet: AccountId) -> Result<Fen, LedgerError> {
    let row = crate::store::query_one(
        c,
        "SELECT CAST(COALESCE(SUM(remaining - held), 0) AS BIGINT) AS free FROM lots WHERE tenant_id = $1 AND account_id = $2",
        vec![tenant.0.into(), wallet.0.into()],
    )
    .await?;
    Ok(Fen::new(row.map(|r| r.try_get::<i64>("", "free")).transpose()?.unwrap_or(0)))
}

/// A posted hold spends what it held.
pub(crate) async fn commit_holds<C: ConnectionTrait>(c: &C, tenant: TenantId, entry: EntryId) -> Result<(), LedgerError> {
    exec(
        c,
        "UPDATE lots SET \
           remaining = remaining - (SELECT m.amount FROM lot_moves m WHERE m.entry_id = $1 AND m.lot_id = lots.id), \
           held = held - (SELECT m.amount FROM lot_moves m WHERE m.entry_id = $1 AND m.lot_id = lots.id) \
         WHERE tenant_id = $2 AND id IN (SELECT lot_id FROM lot_moves WHERE entry_id = $1)",
        vec![entry.0.into(), tenant.0.into()],
    )
    .await?;
    Ok(())
}

/// A voided hold gives back what it held.
pub(crate) async fn release_holds<C: ConnectionTrait>(c: &C, tenant: TenantId, entry: EntryId) -> Result<(), LedgerError> {
    exec(
        c,
        "UPDATE lots SET held = held - (SELECT m.amount FROM lot_moves m WHERE m.entry_id = $1 AND m.lot_id = lots.id) \
         WHERE tenant_id = $2 AND id IN (SELECT lot_id FROM lot_moves WHERE entry_id = $1)",
        vec![entry.0.into(), tenant.0.into()],
    )
    .await?;
    Ok(())
}

/// Undoes the lot effects of `original` as part of its reversal: a lot it created gives its
/// credit back (only if none of it was spent or held), and lots it consumed are restored.
pub(crate) async fn reverse_effects<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    original: EntryId,
    reversal: EntryId,
) -> Result<(), LedgerError> {
    let created = query_all(
        c,
        "SELECT id, original, remaining - held AS free FROM lots WHERE tenant_id = $1 AND entry_id = $2",
        vec![tenant.0.into(), original.0.into()],
    )
    .await?;
    let mut moves = Vec::new();
    for row in &created {
        let lot = LotId(row.try_get("", "id")?);
        let amount: i64 = row.try_get("", "original")?;
        let done = exec(
            c,
            "UPDATE lots SET remaining = remaining - $1 WHERE tenant_id = $2 AND id = $3 AND remaining - held >= $1",
            vec![amount.into(), tenant.0.into(), lot.0.into()],
        )
        .await?;
        if done.rows_affected() != 1 {
            return Err(LedgerError::InsufficientFunds {
                kind: "WALLET",
                available: Fen::new(row.try_get("", "free")?),
                required: Fen::new(amount),
            });
        }
        moves.push((lot, amount));
    }
    let consumed = query_all(
        c,
        "SELECT lot_id, amount FROM lot_moves WHERE tenant_id = $1 AND entry_id = $2",
        vec![tenant.0.into(), original.0.into()],
    )
    .await?;
    for row in &consumed {
        let lot = LotId(row.try_get("", "lot_id")?);
        let amount: i64 = row.try_get("", "amount")?;
        exec(
            c,
            "UPDATE lots SET remaining = remaining + $1 WHERE tenant_id = $2 AND id = $3",
            vec![amount.into(), tenant.0.into(), lot.0.into()],
        )
        .await?;
        moves.push((lot, -amount));
    }
    insert_moves(c, tenant, reversal, &moves).await
}

async fn insert_moves<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    entry: EntryId,
    moves: &[(LotId, i64)],
) -> Result<(), LedgerError> {
    for chunk in moves.chunks(500) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
        let mut rows = Vec::with_capacity(chunk.len());
        for (lot, amount) in chunk {
            rows.push(format!("({})", placeholders(values.len() + 1, 4)));
            values.extend([Value::from(entry.0), lot.0.into(), tenant.0.into(), (*amount).into()]);
        }
        let sql = format!("INSERT INTO lot_moves (entry_id, lot_id, tenant_id, amount) VALUES {}", rows.join(", "));
        exec(c, &sql, values).await?;
    }
    Ok(())
}
