//! The expiry sweep: every lot past its expiry gives its unspent rest back to the pool.
//! Credit held by a top-up in flight stays until that top-up settles; if it is then released,
//! the next sweep returns it.

use crate::principal::Principal;
use crate::{audit, App, AppResult};
use creditloop_domain::{Fen, LotId, Permission, TenantId, UserId};
use creditloop_ledger::store::{exec, query_all};
use creditloop_ledger::{engine, Template};

/// Lots per transaction: one pool lock per batch, not per lot.
pub const SWEEP_BATCH: i64 = 500;

#[derive(Debug, Clone, Copy, Default)]
pub struct SweepReport {
    pub lots: usize,
    pub total: Fen,
}

impl App {
    /// Sweeps the principal's tenant now (sweeps.run).
    pub async fn sweep_expired_for(&self, principal: &Principal) -> AppResult<SweepReport> {
        principal.require(Permission::SweepsRun)?;
        self.sweep_tenant(principal.tenant).await
    }

    /// Sweeps every tenant (the background worker).
    pub async fn sweep_expired(&self) -> AppResult<SweepReport> {
        let rows = query_all(
            self.db.conn(),
            "SELECT DISTINCT tenant_id FROM lots WHERE expires_at <= $1 AND remaining > held",
            vec![self.now().into()],
        )
        .await?;
        let mut report = SweepReport::default();
        for row in rows {
            let one = self.sweep_tenant(TenantId(row.try_get("", "tenant_id")?)).await?;
            report.lots += one.lots;
            report.total = Fen::new(report.total.get() + one.total.get());
        }
        Ok(report)
    }

    async fn sweep_tenant(&self, tenant: TenantId) -> AppResult<SweepReport> {
        let mut report = SweepReport::default();
        let system = Principal::system(tenant);
        loop {
            let now = self.now();
            let tx = self.tx(&system).await?;
            // The pool first, in the global lock order, once for the whole batch.
            exec(&*tx, "UPDATE accounts SET posted = posted WHERE tenant_id = $1 AND kind = 'POOL'", vec![tenant.0.into()]).await?;
            let lots = query_all(
                &*tx,
                "SELECT l.id, a.owner, l.remaining - l.held AS free FROM lots l JOIN accounts a ON a.id = l.account_id \
                 WHERE l.tenant_id = $1 AND l.expires_at <= $2 AND l.remaining > l.held ORDER BY l.expires_at, l.id LIMIT $3",
                vec![tenant.0.into(), now.into(), SWEEP_BATCH.into()],
            )
            .await?;
            let mut batch = SweepReport::default();
            for row in &lots {
                let lot = LotId(row.try_get("", "id")?);
                let owner: String = row.try_get("", "owner")?;
                let employee = UserId::parse(&owner).ok_or_else(|| crate::AppError::internal(format!("wallet owner {owner}")))?;
                let amount = Fen::new(row.try_get("", "free")?);
                let meta = engine::Meta {
                    idempotency_key: format!("sys:expire:{lot}:{}", uuid::Uuid::now_v7()),
                    created_by: system.label(),
                    memo: Some("expired".into()),
                    metadata: None,
                };
                engine::record(&*tx, tenant, now, &Template::Expire { employee, lot, amount }, &meta).await?;
                batch.lots += 1;
                batch.total = Fen::new(batch.total.get() + amount.get());
            }
            if batch.lots > 0 {
                let detail = format!("lots:{} total:{}", batch.lots, batch.total);
                audit::append(&*tx, &system, "sweeps.expire", Some(&detail), "ok", None, now).await?;
            }
            tx.commit().await?;
            report.lots += batch.lots;
            report.total = Fen::new(report.total.get() + batch.total.get());
            if (lots.len() as i64) < SWEEP_BATCH {
                return Ok(report);
            }
        }
    }
}
