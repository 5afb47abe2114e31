//! Per-tenant idempotency keys.
//!
//! The key is claimed *first*, inside the operation's transaction: on PostgreSQL a concurrent
//! request with the same key blocks on the unique index until the first commits, then sees
//! the stored response. So a replay can never run the operation twice, nor fail with an error
//! the original did not get (such as the funds the original just spent).

use crate::store::{exec, query_one};
use crate::LedgerError;
use chrono::{DateTime, Utc};
use creditloop_domain::TenantId;
use sea_orm::ConnectionTrait;
use sha2::{Digest, Sha256};

/// How long keys are kept, at least. The design asks for 30 days; we keep 35.
pub const RETENTION_DAYS: i64 = 35;

#[derive(Debug)]
pub enum Claim {
    /// The key is ours: do the work, then call [`complete`].
    New,
    /// The same request was already applied: here is its response.
    Replay(String),
}

/// A stable fingerprint of a request's parameters.
pub fn request_hash(operation: &str, canonical_request: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(operation.as_bytes());
    hasher.update([0u8]);
    hasher.update(canonical_request.as_bytes());
    hex::encode(hasher.finalize())
}

pub async fn claim<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    key: &str,
    operation: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Claim, LedgerError> {
    let inserted = exec(
        c,
        "INSERT INTO idempotency_keys (tenant_id, key, operation, request_hash, response, created_at) \
         VALUES ($1, $2, $3, $4, '', $5) ON CONFLICT (tenant_id, key) DO NOTHING",
        vec![tenant.0.into(), key.into(), operation.into(), request_hash.into(), now.into()],
    )
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::New);
    }
    let row = query_one(
        c,
        "SELECT operation, request_hash, response FROM idempotency_keys WHERE tenant_id = $1 AND key = $2",
        vec![tenant.0.into(), key.into()],
    )
    .await?
    .ok_or_else(|| LedgerError::Corrupt("idempotency key vanished".into()))?;
    let stored_operation: String = row.try_get("", "operation")?;
    let stored_hash: String = row.try_get("", "request_hash")?;
    if stored_operation != operation || stored_hash != request_hash {
        return Err(LedgerError::IdempotencyConflict);
    }
    Ok(Claim::Replay(row.try_get("", "response")?))
}

/// A key claimed together with its answer, for requests whose answer is known before the
/// work is done (the ids were chosen up front).
pub struct Prepared<'a> {
    pub key: &'a str,
    pub operation: &'a str,
    pub request_hash: &'a str,
    pub response: &'a str,
}

/// Claims many keys in one statement, storing each answer with it. Returns the keys that were
/// free and are now claimed; the others were used before (the caller handles each of those
/// as [`claim`] would: a replay or a conflict). The claims die with the transaction if it
/// rolls back.
pub async fn claim_many<C: ConnectionTrait>(
    c: &C,
    tenant: TenantId,
    claims: &[Prepared<'_>],
    now: DateTime<Utc>,
) -> Result<std::collections::HashSet<String>, LedgerError> {
    const COLUMNS: usize = 6;
    let mut claimed = std::collections::HashSet::with_capacity(claims.len());
    for chunk in claims.chunks(500) {
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * COLUMNS);
        let mut rows = Vec::with_capacity(chunk.len());
        for claim in chunk {
            rows.push(format!("({})", crate::store::placeholders(values.len() + 1, COLUMNS)));
            values.extend([
                sea_orm::Value::from(tenant.0),
                claim.key.into(),
                claim.operation.into(),
                claim.request_hash.into(),
                claim.response.into(),
                now.into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO idempotency_keys (tenant_id, key, operation, request_hash, response, created_at) VALUES {} \
             ON CONFLICT (tenant_id, key) DO NOTHING RETURNING key",
            rows.join(", ")
        );
        for row in crate::store::query_all(c, &sql, values).await? {
            claimed.insert(row.try_get::<String>("", "key")?);
        }
    }
    Ok(claimed)
}

pub async fn complete<C: ConnectionTrait>(c: &C, tenant: TenantId, key: &str, response: &str) -> Result<(), LedgerError> {
    exec(
        c,
        "UPDATE idempotency_keys SET response = $1 WHERE tenant_id = $2 AND key = $3",
        vec![response.into(), tenant.0.into(), key.into()],
    )
    .await?;
    Ok(())
}

/// Forgets keys older than the retention period. Returns how many went.
pub async fn purge<C: ConnectionTrait>(c: &C, now: DateTime<Utc>) -> Result<u64, LedgerError> {
    let cutoff = now - chrono::Duration::days(RETENTION_DAYS);
    Ok(exec(c, "DELETE FROM idempotency_keys WHERE created_at < $1", vec![cutoff.into()]).await?.rows_affected())
}

/// The stored response for a key, if the key was used (a read; claims nothing).
pub async fn lookup<C: ConnectionTrait>(c: &C, tenant: TenantId, key: &str) -> Result<Option<(String, String, String)>, LedgerError> {
    let row = query_one(
        c,
        "SELECT operation, request_hash, response FROM idempotency_keys WHERE tenant_id = $1 AND key = $2",
        vec![tenant.0.into(), key.into()],
    )
    .await?;
    row.map(|r| Ok((r.try_get("", "operation")?, r.try_get("", "request_hash")?, r.try_get("", "response")?))).transpose()
}
