//! Disputes: an employee says a top-up did not arrive; finance refunds it (a reversal of the
//! top-up's entry, which restores the lots it spent) or rejects it with a reason.

use crate::principal::Principal;
use crate::topups::TopupStatus;
use crate::{outbox, App, AppError, AppResult};
use chrono::{DateTime, Utc};
use creditloop_domain::{EntryId, IdempotencyKey, Permission, UserId};
use creditloop_ledger::engine;
use creditloop_ledger::store::{exec, query_all, query_one};
use sea_orm::QueryResult;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Dispute {
    pub id: Uuid,
    pub topup_id: Uuid,
    pub user_id: UserId,
    pub reason: String,
    pub status: String,
    pub resolution: Option<String>,
    pub refund_entry_id: Option<EntryId>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

impl Dispute {
    fn from_row(row: &QueryResult) -> AppResult<Dispute> {
        Ok(Dispute {
            id: row.try_get("", "id")?,
            topup_id: row.try_get("", "topup_id")?,
            user_id: UserId(row.try_get("", "user_id")?),
            reason: row.try_get("", "reason")?,
            status: row.try_get("", "status")?,
            resolution: row.try_get("", "resolution")?,
            refund_entry_id: row.try_get::<Option<Uuid>>("", "refund_entry_id")?.map(EntryId),
            created_at: row.try_get("", "created_at")?,
            resolved_at: row.try_get("", "resolved_at")?,
        })
    }
}

impl App {
    pub async fn open_dispute(&self, principal: &Principal, topup_id: Uuid, reason: &str) -> AppResult<Dispute> {
        principal.require(Permission::DisputesOwn)?;
        let user = principal.require_user()?;
        let reason = creditloop_domain::text::bounded("reason", reason, 1, 500).map_err(|e| AppError::from(e).at("reason"))?;
        let topup = self.topup(principal, topup_id).await?;
        if topup.user_id != user {
            return Err(AppError::not_found("top-up"));
        }
        if topup.status != TopupStatus::Succeeded {
            return Err(AppError::conflict(format!("only a delivered top-up can be disputed; this one is {}", topup.status.as_str())));
        }
        let now = self.now();
        let id = Uuid::now_v7();
        let tx = self.tx(principal).await?;
        let result = async {
            let open = query_one(
                &*tx,
                "SELECT id FROM disputes WHERE tenant_id = $1 AND topup_id = $2 AND status = 'OPEN'",
                vec![principal.tenant.0.into(), topup_id.into()],
            )
            .await?;
            if open.is_some() {
                return Err(AppError::conflict("this top-up already has an open dispute"));
            }
            exec(
                &*tx,
                "INSERT INTO disputes (id, tenant_id, topup_id, user_id, reason, status, created_at) VALUES ($1, $2, $3, $4, $5, 'OPEN', $6)",
                vec![id.into(), principal.tenant.0.into(), topup_id.into(), user.0.into(), reason.clone().into(), now.into()],
            )
            .await?;
            outbox::enqueue(&*tx, principal.tenant, outbox::Message::DisputeUpdate { dispute_id: id, user_id: user, status: "OPEN".into() }, now).await?;
            Ok(())
        }
        .await;
        self.finish(tx, principal, "disputes.open", Some(format!("topup:{topup_id}")), result).await?;
        self.dispute(principal, id).await
    }

    /// Refunds (reverses the top-up, crediting the wallet back) or rejects with a reason.
    pub async fn resolve_dispute(
        &self,
        principal: &Principal,
        id: Uuid,
        refund: bool,
        resolution: &str,
        key: &IdempotencyKey,
    ) -> AppResult<Dispute> {
        principal.require(Permission::DisputesResolve)?;
        let resolver = principal.require_user()?;
        let resolution = creditloop_domain::text::bounded("resolution", resolution, 1, 500).map_err(|e| AppError::from(e).at("resolution"))?;
        let dispute = self.dispute(principal, id).await?;
        let topup = self.topup(principal, dispute.topup_id).await?;
        let now = self.now();
        let tx = self.tx(principal).await?;
        let request = serde_json::json!({ "dispute": id, "refund": refund, "resolution": resolution });
        let result = crate::funds::idempotent(&tx, principal.tenant, key, "disputes.resolve", &request, now, async {
            let status = if refund { "REFUNDED" } else { "REJECTED" };
            let done = exec(
                &*tx,
                "UPDATE disputes SET status = $1, resolution = $2, resolved_by = $3, resolved_at = $4 \
                 WHERE tenant_id = $5 AND id = $6 AND status = 'OPEN'",
                vec![status.into(), resolution.clone().into(), resolver.0.into(), now.into(), principal.tenant.0.into(), id.into()],
            )
            .await?;
            if done.rows_affected() != 1 {
                return Err(AppError::conflict(format!("this dispute is already {}", dispute.status)));
            }
            if refund {
                let meta = engine::Meta {
                    idempotency_key: key.as_str().to_owned(),
                    created_by: principal.label(),
                    memo: Some(format!("dispute refund: {resolution}")),
                    metadata: None,
                };
                let reversal = engine::reverse(&*tx, principal.tenant, topup.entry_id, now, &meta).await?;
                exec(&*tx, "UPDATE disputes SET refund_entry_id = $1 WHERE id = $2", vec![reversal.entry_id.0.into(), id.into()]).await?;
            }
            outbox::enqueue(&*tx, principal.tenant, outbox::Message::DisputeUpdate { dispute_id: id, user_id: dispute.user_id, status: status.into() }, now).await?;
            Ok(id)
        })
        .await;
        let action = if refund { "disputes.refund" } else { "disputes.reject" };
        self.finish(tx, principal, action, Some(format!("dispute:{id}")), result).await?;
        self.dispute(principal, id).await
    }

    pub async fn dispute(&self, principal: &Principal, id: Uuid) -> AppResult<Dispute> {
        let row = query_one(self.db.conn(), "SELECT * FROM disputes WHERE tenant_id = $1 AND id = $2", vec![principal.tenant.0.into(), id.into()])
            .await?
            .ok_or_else(|| AppError::not_found("dispute"))?;
        let dispute = Dispute::from_row(&row)?;
        if principal.user_id() != Some(dispute.user_id) {
            principal.require(Permission::DisputesRead)?;
        }
        Ok(dispute)
    }

    /// All disputes (disputes.read), or the caller's own.
    pub async fn disputes(&self, principal: &Principal, status: Option<&str>) -> AppResult<Vec<Dispute>> {
        let own = if principal.can(Permission::DisputesRead) {
            None
        } else {
            principal.require(Permission::DisputesOwn)?;
            Some(principal.require_user()?)
        };
        query_all(
            self.db.conn(),
            "SELECT * FROM disputes WHERE tenant_id = $1 AND ($2 IS NULL OR user_id = $2) AND ($3 IS NULL OR status = $3) ORDER BY id DESC LIMIT 500",
            vec![principal.tenant.0.into(), own.map(|u| u.0).into(), status.map(str::to_owned).into()],
        )
        .await?
        .iter()
        .map(Dispute::from_row)
        .collect()
    }
}
