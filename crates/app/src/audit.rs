//! The audit log: every mutation, who did it, from where, and how it ended.
//!
//! Events are hash-chained per tenant: each event's hash covers its content and the previous
//! event's hash, and the head of the chain lives in `audit_heads`. Appending locks that one
//! row (`UPDATE ... RETURNING`), so the chain has no gaps or forks even with many writers;
//! the append is the last statement of a transaction to keep that lock short.

use crate::{AppError, AppResult, Principal};
use chrono::{DateTime, SubsecRound, Utc};
use creditloop_domain::TenantId;
use creditloop_ledger::store::{exec, placeholders, query_all, query_one, Filter};
use sea_orm::{ConnectionTrait, QueryResult};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub id: Uuid,
    pub tenant_id: TenantId,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub outcome: String,
    pub ip: Option<String>,
    pub details: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEvent {
    fn from_row(row: &QueryResult) -> AppResult<AuditEvent> {
        Ok(AuditEvent {
            id: row.try_get("", "id")?,
            tenant_id: TenantId(row.try_get("", "tenant_id")?),
            seq: row.try_get("", "seq")?,
            at: row.try_get("", "at")?,
            actor: row.try_get("", "actor")?,
            action: row.try_get("", "action")?,
            target: row.try_get("", "target")?,
            outcome: row.try_get("", "outcome")?,
            ip: row.try_get("", "ip")?,
            details: row.try_get("", "details")?,
            prev_hash: row.try_get("", "prev_hash")?,
            hash: row.try_get("", "hash")?,
        })
    }

    /// The hash this event must have, from its content and its predecessor's hash.
    pub fn expected_hash(&self) -> String {
        chain_hash(
            &self.prev_hash,
            self.tenant_id,
            self.seq,
            self.at,
            &self.actor,
            &self.action,
            self.target.as_deref(),
            &self.outcome,
            self.ip.as_deref(),
            self.details.as_deref(),
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn chain_hash(
    prev: &str,
    tenant: TenantId,
    seq: i64,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    target: Option<&str>,
    outcome: &str,
    ip: Option<&str>,
    details: Option<&str>,
) -> String {
    let mut hasher = Sha256::new();
    let at = at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let seq = seq.to_string();
    let tenant = tenant.to_string();
    for field in [prev, &tenant, &seq, &at, actor, action, target.unwrap_or(""), outcome, ip.unwrap_or(""), details.unwrap_or("")]
    {
        hasher.update(field.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(hasher.finalize())
}

/// Starts a tenant's chain.
pub async fn init_chain<C: ConnectionTrait>(c: &C, tenant: TenantId) -> AppResult<()> {
    exec(
        c,
        "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (tenant_id) DO NOTHING",
        vec![tenant.0.into(), GENESIS_HASH.into()],
    )
    .await?;
    Ok(())
}

/// Appends one event to the principal's tenant chain inside the caller's transaction.
pub async fn append<C: ConnectionTrait>(
    c: &C,
    principal: &Principal,
    action: &str,
    target: Option<&str>,
    outcome: &str,
    details: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let event = Event { principal, action, target, outcome, details };
    append_many(c, principal.tenant, std::slice::from_ref(&event), now).await
}

/// One event to append.
pub struct Event<'a> {
    pub principal: &'a Principal,
    pub action: &'a str,
    pub target: Option<&'a str>,
    pub outcome: &'a str,
    pub details: Option<&'a str>,
}

/// Appends events, in order, to one tenant's chain inside the caller's transaction: the head
/// is advanced once for all of them and the events are written with one statement per chunk.
pub async fn append_many<C: ConnectionTrait>(c: &C, tenant: TenantId, events: &[Event<'_>], now: DateTime<Utc>) -> AppResult<()> {
    const COLUMNS: usize = 12;
    if events.is_empty() {
        return Ok(());
    }
    if let Some(stranger) = events.iter().find(|e| e.principal.tenant != tenant) {
        return Err(AppError::internal(format!("an audit event of tenant {} in the chain of {tenant}", stranger.principal.tenant)));
    }
    // Stored times have microsecond precision on PostgreSQL; hash what will be stored.
    let at = now.trunc_subsecs(6);
    let head = query_one(
        c,
        "UPDATE audit_heads SET seq = seq + $1 WHERE tenant_id = $2 RETURNING seq, hash",
        vec![(events.len() as i64).into(), tenant.0.into()],
    )
    .await?
    .ok_or_else(|| AppError::internal(format!("tenant {tenant} has no audit chain")))?;
    let last: i64 = head.try_get("", "seq")?;
    let mut prev: String = head.try_get("", "hash")?;
    let mut seq = last - events.len() as i64;
    for chunk in events.chunks(400) {
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * COLUMNS);
        let mut rows = Vec::with_capacity(chunk.len());
        for event in chunk {
            seq += 1;
            let actor = event.principal.label();
            let ip = event.principal.ip.as_deref();
            let hash = chain_hash(&prev, tenant, seq, at, &actor, event.action, event.target, event.outcome, ip, event.details);
            rows.push(format!("({})", placeholders(values.len() + 1, COLUMNS)));
            values.extend([
                sea_orm::Value::from(Uuid::now_v7()),
                tenant.0.into(),
                seq.into(),
                at.into(),
                actor.into(),
                event.action.into(),
                event.target.map(str::to_owned).into(),
                event.outcome.into(),
                ip.map(str::to_owned).into(),
                event.details.map(str::to_owned).into(),
                std::mem::replace(&mut prev, hash.clone()).into(),
                hash.into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO audit_events (id, tenant_id, seq, at, actor, action, target, outcome, ip, details, prev_hash, hash) \
             VALUES {}",
            rows.join(", ")
        );
        exec(c, &sql, values).await?;
    }
    exec(c, "UPDATE audit_heads SET hash = $1 WHERE tenant_id = $2", vec![prev.into(), tenant.0.into()]).await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_contains: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl AuditFilter {
    fn to_sql(&self, tenant: TenantId) -> Filter {
        let mut f = Filter::new();
        f.and("tenant_id = ?", tenant.0)
            .and_opt("action = ?", self.action.clone())
            .and_opt("actor LIKE ?", self.actor_contains.as_ref().map(|a| format!("%{a}%")))
            .and_opt("at >= ?", self.from)
            .and_opt("at < ?", self.to);
        f
    }
}

/// Newest first; `before` is a sequence number cursor.
pub async fn list<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: u64,
) -> AppResult<Vec<AuditEvent>> {
    let mut f = filter.to_sql(tenant);
    f.and_opt("seq < ?", before);
    let sql = format!("SELECT * FROM audit_events WHERE {} ORDER BY seq DESC LIMIT ${}", f.sql(), f.next_placeholder());
    let mut values = f.into_values();
    values.push((limit as i64).into());
    query_all(c, &sql, values).await?.iter().map(AuditEvent::from_row).collect()
}

pub async fn count<C: ConnectionTrait>(c: &C, tenant: TenantId, filter: &AuditFilter) -> AppResult<i64> {
    let f = filter.to_sql(tenant);
    let sql = format!("SELECT COUNT(*) AS n FROM audit_events WHERE {}", f.sql());
    Ok(query_one(c, &sql, f.into_values()).await?.map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0))
}

#[derive(Debug, Clone, Default)]
pub struct ChainReport {
    pub events_checked: i64,
    pub violations: Vec<String>,
}

/// Walks every chain (or one tenant's) from the start, recomputing each hash and checking
/// that sequence numbers have no gaps and that the head matches the last event.
pub async fn verify<C: ConnectionTrait>(c: &C, tenant: Option<TenantId>) -> AppResult<ChainReport> {
    let mut report = ChainReport::default();
    let heads = query_all(
        c,
        "SELECT tenant_id, seq, hash FROM audit_heads WHERE ($1 IS NULL OR tenant_id = $1) ORDER BY tenant_id",
        vec![tenant.map(|t| t.0).into()],
    )
    .await?;
    for head in heads {
        let tenant = TenantId(head.try_get("", "tenant_id")?);
        let head_seq: i64 = head.try_get("", "seq")?;
        let head_hash: String = head.try_get("", "hash")?;
        let mut prev_hash = GENESIS_HASH.to_owned();
        let mut next_seq = 1i64;
        loop {
            let page = query_all(
                c,
                "SELECT * FROM audit_events WHERE tenant_id = $1 AND seq >= $2 ORDER BY seq LIMIT 1000",
                vec![tenant.0.into(), next_seq.into()],
            )
            .await?;
            if page.is_empty() {
                break;
            }
            for row in &page {
                let event = AuditEvent::from_row(row)?;
                report.events_checked += 1;
                if event.seq != next_seq {
                    report.violations.push(format!("tenant {tenant}: audit sequence jumps from {} to {}", next_seq - 1, event.seq));
                }
                if event.prev_hash != prev_hash {
                    report.violations.push(format!("tenant {tenant}: audit event {} does not link to its predecessor", event.seq));
                }
                if event.expected_hash() != event.hash {
                    report.violations.push(format!("tenant {tenant}: audit event {} was altered (hash mismatch)", event.seq));
                }
                prev_hash = event.hash.clone();
                next_seq = event.seq + 1;
            }
        }
        if next_seq - 1 != head_seq || prev_hash != head_hash {
            report.violations.push(format!(
                "tenant {tenant}: audit head says event {head_seq} but the chain ends at {} (events removed or head altered)",
                next_seq - 1
            ));
        }
    }
    Ok(report)
}
