//! The read side of journal entries and postings.

use crate::account::AccountKind;
use crate::store::{placeholders, query_all, query_one, Filter};
use crate::template::TemplateCode;
use crate::LedgerError;
use chrono::{DateTime, Utc};
use creditloop_domain::{AccountId, Asset, EntryId, Fen, TenantId};
use sea_orm::{ConnectionTrait, QueryResult, Value};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryStatus {
    Pending,
    Posted,
    Voided,
}

impl EntryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Pending => "PENDING",
            EntryStatus::Posted => "POSTED",
            EntryStatus::Voided => "VOIDED",
        }
    }

    pub fn parse(s: &str) -> Option<EntryStatus> {
        match s {
            "PENDING" => Some(EntryStatus::Pending),
            "POSTED" => Some(EntryStatus::Posted),
            "VOIDED" => Some(EntryStatus::Voided),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: EntryId,
    pub tenant_id: TenantId,
    pub template: TemplateCode,
    pub status: EntryStatus,
    pub idempotency_key: String,
    pub amount: Fen,
    pub memo: Option<String>,
    pub batch_id: Option<Uuid>,
    pub reverses_id: Option<EntryId>,
    pub created_by: String,
    pub metadata: Option<String>,
    pub created_at: DateTime<Utc>,
    pub posted_at: Option<DateTime<Utc>>,
    pub voided_at: Option<DateTime<Utc>>,
}

pub(crate) const ENTRY_COLUMNS: &str = "id, tenant_id, template, status, idempotency_key, amount, memo, batch_id, \
     reverses_id, created_by, metadata, created_at, posted_at, voided_at";

impl Entry {
    pub(crate) fn from_row(row: &QueryResult) -> Result<Entry, LedgerError> {
        let template: String = row.try_get("", "template")?;
        let status: String = row.try_get("", "status")?;
        Ok(Entry {
            id: EntryId(row.try_get("", "id")?),
            tenant_id: TenantId(row.try_get("", "tenant_id")?),
            template: TemplateCode::parse(&template)
                .ok_or_else(|| LedgerError::Corrupt(format!("template {template}")))?,
            status: EntryStatus::parse(&status).ok_or_else(|| LedgerError::Corrupt(format!("status {status}")))?,
            idempotency_key: row.try_get("", "idempotency_key")?,
            amount: Fen::new(row.try_get("", "amount")?),
            memo: row.try_get("", "memo")?,
            batch_id: row.try_get("", "batch_id")?,
            reverses_id: row.try_get::<Option<Uuid>>("", "reverses_id")?.map(EntryId),
            created_by: row.try_get("", "created_by")?,
            metadata: row.try_get("", "metadata")?,
            created_at: row.try_get("", "created_at")?,
            posted_at: row.try_get("", "posted_at")?,
            voided_at: row.try_get("", "voided_at")?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Posting {
    pub entry_id: EntryId,
    pub seq: i32,
    pub account_id: AccountId,
    pub account_kind: AccountKind,
    pub account_name: String,
    pub account_owner: String,
    pub asset: Asset,
    pub amount: Fen,
}

#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub template: Option<TemplateCode>,
    pub status: Option<EntryStatus>,
    pub account_id: Option<AccountId>,
    pub batch_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl EntryFilter {
    fn to_sql(&self, tenant: TenantId) -> Filter {
        let mut f = Filter::new();
        f.and("tenant_id = ?", tenant.0)
            .and_opt("template = ?", self.template.map(|t| t.as_str().to_owned()))
            .and_opt("status = ?", self.status.map(|s| s.as_str().to_owned()))
            .and_opt("batch_id = ?", self.batch_id)
            .and_opt("created_at >= ?", self.from)
            .and_opt("created_at < ?", self.to);
        if let Some(account) = self.account_id {
            f.and_many(
                "id IN (SELECT entry_id FROM postings WHERE tenant_id = ? AND account_id = ?)",
                vec![tenant.0.into(), account.0.into()],
            );
        }
        f
    }
}

pub async fn get<C: ConnectionTrait>(c: &C, tenant: TenantId, id: EntryId) -> Result<Option<Entry>, LedgerError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE tenant_id = $1 AND id = $2");
    query_one(c, &sql, vec![tenant.0.into(), id.0.into()]).await?.map(|r| Entry::from_row(&r)).transpose()
}

/// Newest first; `before` is the cursor (an entry id: ids are time-ordered UUIDv7).
pub async fn list<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    filter: &EntryFilter,
    before: Option<EntryId>,
    limit: u64,
) -> Result<Vec<Entry>, LedgerError> {
    let mut f = filter.to_sql(tenant);
    f.and_opt("id < ?", before.map(|b| b.0));
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM entries WHERE {} ORDER BY id DESC LIMIT ${}",
        f.sql(),
        f.next_placeholder()
    );
    let mut values = f.into_values();
    values.push((limit as i64).into());
    query_all(c, &sql, values).await?.iter().map(Entry::from_row).collect()
}

pub async fn count<C: ConnectionTrait>(c: &C, tenant: TenantId, filter: &EntryFilter) -> Result<i64, LedgerError> {
    let f = filter.to_sql(tenant);
    let sql = format!("SELECT COUNT(*) AS n FROM entries WHERE {}", f.sql());
    let row = query_one(c, &sql, f.into_values()).await?;
    Ok(row.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0))
}

/// The postings of several entries at once, in entry and sequence order.
pub async fn postings<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    entries: &[EntryId],
) -> Result<Vec<Posting>, LedgerError> {
    let mut out = Vec::new();
    for chunk in entries.chunks(500) {
        let mut values: Vec<Value> = vec![tenant.0.into()];
        values.extend(chunk.iter().map(|e| Value::from(e.0)));
        let sql = format!(
            "SELECT p.entry_id, p.seq, p.account_id, p.asset, p.amount, a.kind, a.name, a.owner \
             FROM postings p JOIN accounts a ON a.id = p.account_id \
             WHERE p.tenant_id = $1 AND p.entry_id IN ({}) ORDER BY p.entry_id, p.seq",
            placeholders(2, chunk.len())
        );
        for row in query_all(c, &sql, values).await? {
            let asset: String = row.try_get("", "asset")?;
            let kind: String = row.try_get("", "kind")?;
            out.push(Posting {
                entry_id: EntryId(row.try_get("", "entry_id")?),
                seq: row.try_get("", "seq")?,
                account_id: AccountId(row.try_get("", "account_id")?),
                account_kind: AccountKind::parse(&kind).ok_or_else(|| LedgerError::Corrupt(kind.clone()))?,
                account_name: row.try_get("", "name")?,
                account_owner: row.try_get("", "owner")?,
                asset: Asset::parse(&asset).ok_or_else(|| LedgerError::Corrupt(asset.clone()))?,
                amount: Fen::new(row.try_get("", "amount")?),
            });
        }
    }
    Ok(out)
}

/// The reversal of an entry, if it has one.
pub async fn reversal_of<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    id: EntryId,
) -> Result<Option<EntryId>, LedgerError> {
    let row = query_one(
        c,
        "SELECT id FROM entries WHERE tenant_id = $1 AND reverses_id = $2",
        vec![tenant.0.into(), id.0.into()],
    )
    .await?;
    Ok(row.map(|r| r.try_get::<Uuid>("", "id")).transpose()?.map(EntryId))
}
