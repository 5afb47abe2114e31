//! Ledger accounts: `(tenant, kind, owner, asset)` with posted and pending balances.

use crate::store::{exec, query_all};
use crate::LedgerError;
use chrono::{DateTime, Utc};
use creditloop_domain::{AccountId, Asset, Fen, TenantId, UserId};
use sea_orm::{ConnectionTrait, QueryResult, Value};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountKind {
    /// The tenant's escrowed money (CASH).
    Funding,
    /// Credit bought and not yet given out (CREDIT).
    Pool,
    /// One per employee (CREDIT).
    Wallet,
    /// Money owed to an employee from cash-outs (CASH).
    Payout,
    /// Platform fees (CASH).
    Fees,
    /// The world outside: bank, supplier, carrier, recycler, payroll. May go negative.
    External,
}

impl AccountKind {
    pub const ALL: [AccountKind; 6] = [
        AccountKind::Funding,
        AccountKind::Pool,
        AccountKind::Wallet,
        AccountKind::Payout,
        AccountKind::Fees,
        AccountKind::External,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Funding => "FUNDING",
            AccountKind::Pool => "POOL",
            AccountKind::Wallet => "WALLET",
            AccountKind::Payout => "PAYOUT",
            AccountKind::Fees => "FEES",
            AccountKind::External => "EXTERNAL",
        }
    }

    pub fn parse(s: &str) -> Option<AccountKind> {
        AccountKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The global lock order. Every transaction locks accounts in ascending
    /// `(rank, id)`, so two transactions can never wait on each other in a cycle: the hot
    /// tenant accounts come first, so batches that touch many wallets are serialised by
    /// the pool before they touch any wallet.
    pub(crate) fn lock_rank(self) -> u8 {
        match self {
            AccountKind::Pool => 0,
            AccountKind::Funding => 1,
            AccountKind::Wallet => 2,
            AccountKind::Payout => 3,
            AccountKind::Fees => 4,
            AccountKind::External => 5,
        }
    }
}

/// The outside parties an `EXTERNAL` account stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Counterparty {
    Bank,
    Supplier,
    Carrier,
    Recycler,
    Payroll,
}

impl Counterparty {
    pub fn as_str(self) -> &'static str {
        match self {
            Counterparty::Bank => "bank",
            Counterparty::Supplier => "supplier",
            Counterparty::Carrier => "carrier",
            Counterparty::Recycler => "recycler",
            Counterparty::Payroll => "payroll",
        }
    }
}

/// Names an account without knowing its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountRef {
    Funding,
    Pool,
    Fees,
    Wallet(UserId),
    Payout(UserId),
    External(Counterparty, Asset),
}

impl AccountRef {
    pub fn kind(self) -> AccountKind {
        match self {
            AccountRef::Funding => AccountKind::Funding,
            AccountRef::Pool => AccountKind::Pool,
            AccountRef::Fees => AccountKind::Fees,
            AccountRef::Wallet(_) => AccountKind::Wallet,
            AccountRef::Payout(_) => AccountKind::Payout,
            AccountRef::External(..) => AccountKind::External,
        }
    }

    pub fn asset(self) -> Asset {
        match self {
            AccountRef::Funding | AccountRef::Fees | AccountRef::Payout(_) => Asset::Cash,
            AccountRef::Pool | AccountRef::Wallet(_) => Asset::Credit,
            AccountRef::External(_, asset) => asset,
        }
    }

    /// The stored owner: a user id, a counterparty name, or "" for tenant singletons.
    pub fn owner(self) -> String {
        match self {
            AccountRef::Funding | AccountRef::Pool | AccountRef::Fees => String::new(),
            AccountRef::Wallet(user) | AccountRef::Payout(user) => user.to_string(),
            AccountRef::External(party, _) => party.as_str().to_owned(),
        }
    }

    /// Internal accounts may not go below zero; external ones have no floor.
    pub fn floor(self) -> Option<i64> {
        match self {
            AccountRef::External(..) => None,
            _ => Some(0),
        }
    }

    fn default_name(self) -> String {
        match self {
            AccountRef::Funding => "Funding".into(),
            AccountRef::Pool => "Credit pool".into(),
            AccountRef::Fees => "Fees".into(),
            AccountRef::Wallet(_) => "Wallet".into(),
            AccountRef::Payout(_) => "Payout".into(),
            AccountRef::External(party, asset) => format!("External {} {}", party.as_str(), asset.as_str()),
        }
    }
}

/// A snapshot of one account row.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: AccountId,
    pub tenant_id: TenantId,
    pub kind: AccountKind,
    pub asset: Asset,
    pub owner: String,
    pub name: String,
    pub posted: Fen,
    pub pending_out: Fen,
    pub pending_in: Fen,
    pub floor: Option<Fen>,
    pub created_at: DateTime<Utc>,
}

impl Account {
    pub fn available(&self) -> Fen {
        Fen::new(self.posted.get().saturating_sub(self.pending_out.get()))
    }

    pub(crate) fn from_row(row: &QueryResult) -> Result<Account, LedgerError> {
        let kind: String = row.try_get("", "kind")?;
        let asset: String = row.try_get("", "asset")?;
        Ok(Account {
            id: AccountId(row.try_get("", "id")?),
            tenant_id: TenantId(row.try_get("", "tenant_id")?),
            kind: AccountKind::parse(&kind).ok_or_else(|| LedgerError::Corrupt(format!("account kind {kind}")))?,
            asset: Asset::parse(&asset).ok_or_else(|| LedgerError::Corrupt(format!("asset {asset}")))?,
            owner: row.try_get("", "owner")?,
            name: row.try_get("", "name")?,
            posted: Fen::new(row.try_get("", "posted")?),
            pending_out: Fen::new(row.try_get("", "pending_out")?),
            pending_in: Fen::new(row.try_get("", "pending_in")?),
            floor: row.try_get::<Option<i64>>("", "floor")?.map(Fen::new),
            created_at: row.try_get("", "created_at")?,
        })
    }
}

pub(crate) const ACCOUNT_COLUMNS: &str =
    "id, tenant_id, kind, asset, owner, name, posted, pending_out, pending_in, floor, created_at";

/// Resolves account references to ids, creating the accounts that do not exist yet.
/// Creation races are settled by the unique `(tenant, kind, owner, asset)` index.
pub async fn ensure<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    refs: &[AccountRef],
    now: DateTime<Utc>,
) -> Result<HashMap<AccountRef, AccountId>, LedgerError> {
    let mut found = lookup(c, tenant, refs).await?;
    let missing: Vec<AccountRef> = refs.iter().copied().filter(|r| !found.contains_key(r)).collect();
    if missing.is_empty() {
        return Ok(found);
    }
    for account in &missing {
        exec(
            c,
            "INSERT INTO accounts (id, tenant_id, kind, asset, owner, name, posted, pending_out, pending_in, floor, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, $7, $8) \
             ON CONFLICT (tenant_id, kind, owner, asset) DO NOTHING",
            vec![
                AccountId::generate().0.into(),
                tenant.0.into(),
                account.kind().as_str().into(),
                account.asset().as_str().into(),
                account.owner().into(),
                account.default_name().into(),
                account.floor().into(),
                now.into(),
            ],
        )
        .await?;
    }
    found.extend(lookup(c, tenant, &missing).await?);
    match refs.iter().find(|r| !found.contains_key(r)) {
        Some(r) => Err(LedgerError::Corrupt(format!("account {r:?} could not be created"))),
        None => Ok(found),
    }
}

/// Finds existing accounts by reference, without creating any.
pub async fn lookup<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    refs: &[AccountRef],
) -> Result<HashMap<AccountRef, AccountId>, LedgerError> {
    let mut found = HashMap::with_capacity(refs.len());
    // One query per kind keeps the statement small and index-friendly.
    let mut by_kind: HashMap<AccountKind, Vec<AccountRef>> = HashMap::new();
    for r in refs {
        by_kind.entry(r.kind()).or_default().push(*r);
    }
    for (kind, group) in by_kind {
        for chunk in group.chunks(500) {
            let mut values: Vec<Value> = vec![tenant.0.into(), kind.as_str().into()];
            values.extend(chunk.iter().map(|r| Value::from(r.owner())));
            let sql = format!(
                "SELECT id, owner, asset FROM accounts WHERE tenant_id = $1 AND kind = $2 AND owner IN ({})",
                crate::store::placeholders(3, chunk.len())
            );
            for row in query_all(c, &sql, values).await? {
                let owner: String = row.try_get("", "owner")?;
                let asset: String = row.try_get("", "asset")?;
                if let Some(r) = chunk.iter().find(|r| r.owner() == owner && r.asset().as_str() == asset) {
                    found.insert(*r, AccountId(row.try_get("", "id")?));
                }
            }
        }
    }
    Ok(found)
}

pub async fn get<C: ConnectionTrait>(c: &C, tenant: TenantId, id: AccountId) -> Result<Option<Account>, LedgerError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = $1 AND id = $2");
    crate::store::query_one(c, &sql, vec![tenant.0.into(), id.0.into()])
        .await?
        .map(|row| Account::from_row(&row))
        .transpose()
}

pub async fn get_by_ref<C: ConnectionTrait>(c: &C, tenant: TenantId, r: AccountRef) -> Result<Option<Account>, LedgerError> {
    let sql = format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = $1 AND kind = $2 AND owner = $3 AND asset = $4"
    );
    crate::store::query_one(
        c,
        &sql,
        vec![tenant.0.into(), r.kind().as_str().into(), r.owner().into(), r.asset().as_str().into()],
    )
    .await?
    .map(|row| Account::from_row(&row))
    .transpose()
}

/// A page of a tenant's accounts in id order, optionally of one kind.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    kind: Option<AccountKind>,
    after: Option<AccountId>,
    limit: u64,
) -> Result<Vec<Account>, LedgerError> {
    let sql = format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = $1 AND ($2 IS NULL OR kind = $2) \
         AND ($3 IS NULL OR id > $3) ORDER BY id LIMIT $4"
    );
    let rows = query_all(
        c,
        &sql,
        vec![
            tenant.0.into(),
            kind.map(|k| k.as_str().to_owned()).into(),
            after.map(|a| a.0).into(),
            (limit as i64).into(),
        ],
    )
    .await?;
    rows.iter().map(Account::from_row).collect()
}

pub async fn count<C: ConnectionTrait>(c: &C, tenant: TenantId, kind: Option<AccountKind>) -> Result<i64, LedgerError> {
    let row = crate::store::query_one(
        c,
        "SELECT COUNT(*) AS n FROM accounts WHERE tenant_id = $1 AND ($2 IS NULL OR kind = $2)",
        vec![tenant.0.into(), kind.map(|k| k.as_str().to_owned()).into()],
    )
    .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0))
}

/// Renames an account (e.g. a wallet to its employee's name). Names are labels only.
pub async fn rename<C: ConnectionTrait>(c: &C, tenant: TenantId, r: AccountRef, name: &str) -> Result<(), LedgerError> {
    exec(
        c,
        "UPDATE accounts SET name = $1 WHERE tenant_id = $2 AND kind = $3 AND owner = $4 AND asset = $5",
        vec![name.into(), tenant.0.into(), r.kind().as_str().into(), r.owner().into(), r.asset().as_str().into()],
    )
    .await?;
    Ok(())
}
