//! Purchase orders: HR requests credit from a supplier at a price; finance approves (never
//! their own request) or rejects; approval posts the `PURCHASE` entry. Orders at or below
//! the tenant's threshold are approved by policy at once.

use crate::principal::Principal;
use crate::{outbox, policy, App, AppError, AppResult};
use chrono::{DateTime, Utc};
use creditloop_domain::{EntryId, Fen, IdempotencyKey, Permission, UserId};
use creditloop_ledger::store::{exec, query_all, query_one};
use creditloop_ledger::{engine, Template};
use sea_orm::QueryResult;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PurchaseStatus {
    PendingApproval,
    Approved,
    Rejected,
}

impl PurchaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PurchaseStatus::PendingApproval => "PENDING_APPROVAL",
            PurchaseStatus::Approved => "APPROVED",
            PurchaseStatus::Rejected => "REJECTED",
        }
    }

    pub fn parse(s: &str) -> Option<PurchaseStatus> {
        [PurchaseStatus::PendingApproval, PurchaseStatus::Approved, PurchaseStatus::Rejected]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct PurchaseOrder {
    pub id: Uuid,
    pub face_value: Fen,
    pub price: Fen,
    pub supplier: String,
    pub status: PurchaseStatus,
    pub requested_by: UserId,
    pub decided_by: Option<UserId>,
    pub reason: Option<String>,
    pub entry_id: Option<EntryId>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl PurchaseOrder {
    fn from_row(row: &QueryResult) -> AppResult<PurchaseOrder> {
        let status: String = row.try_get("", "status")?;
        Ok(PurchaseOrder {
            id: row.try_get("", "id")?,
            face_value: Fen::new(row.try_get("", "face_value")?),
            price: Fen::new(row.try_get("", "price")?),
            supplier: row.try_get("", "supplier")?,
            status: PurchaseStatus::parse(&status).ok_or_else(|| AppError::internal(format!("purchase status {status}")))?,
            requested_by: UserId(row.try_get("", "requested_by")?),
            decided_by: row.try_get::<Option<Uuid>>("", "decided_by")?.map(UserId),
            reason: row.try_get("", "reason")?,
            entry_id: row.try_get::<Option<Uuid>>("", "entry_id")?.map(EntryId),
            created_at: row.try_get("", "created_at")?,
            decided_at: row.try_get("", "decided_at")?,
        })
    }
}

impl App {
    pub async fn request_purchase(
        &self,
        principal: &Principal,
        face_value: Fen,
        price: Fen,
        supplier: &str,
        key: &IdempotencyKey,
    ) -> AppResult<PurchaseOrder> {
        principal.require(Permission::PurchasesRequest)?;
        let requester = principal.require_user()?;
        if price >= face_value {
            return Err(AppError::validation("price", "the price must be below the face value (a discount)"));
        }
        let supplier = creditloop_domain::text::bounded("supplier", supplier, 1, 100).map_err(|e| AppError::from(e).at("supplier"))?;
        let now = self.now();
        let tx = self.tx(principal).await?;
        let request = serde_json::json!({ "face": face_value, "price": price, "supplier": supplier });
        let result = crate::funds::idempotent(&tx, principal.tenant, key, "purchases.request", &request, now, async {
            let id = Uuid::now_v7();
            let policy = policy::load(&*tx, principal.tenant).await?;
            let auto = price <= policy.purchase_approval_threshold;
            exec(
                &*tx,
                "INSERT INTO purchase_orders (id, tenant_id, face_value, price, supplier, status, requested_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'PENDING_APPROVAL', $6, $7)",
                vec![id.into(), principal.tenant.0.into(), face_value.get().into(), price.get().into(), supplier.clone().into(), requester.0.into(), now.into()],
            )
            .await?;
            if auto {
                self.post_purchase(&tx, principal, id, None, "approved by policy: at or below the approval threshold", key, now).await?;
            } else {
                outbox::enqueue(
                    &*tx,
                    principal.tenant,
                    outbox::Message::ApprovalRequested { order_id: id, face_value: face_value.to_string(), requested_by: principal.label() },
                    now,
                )
                .await?;
            }
            Ok(id)
        })
        .await;
        let id = self.finish(tx, principal, "purchases.request", Some(format!("face:{face_value} price:{price}")), result).await?;
        self.purchase_order(principal, id).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn post_purchase(
        &self,
        tx: &creditloop_ledger::WriteTx,
        principal: &Principal,
        id: Uuid,
        decided_by: Option<UserId>,
        reason: &str,
        key: &IdempotencyKey,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let order = self.purchase_order_in(&**tx, principal, id).await?;
        let meta = engine::Meta {
            idempotency_key: key.as_str().to_owned(),
            created_by: principal.label(),
            memo: Some(format!("purchase from {}", order.supplier)),
            metadata: Some(serde_json::json!({ "purchase_order": id }).to_string()),
        };
        let template = Template::Purchase { price: order.price, face: order.face_value };
        let recorded = engine::record(&**tx, principal.tenant, now, &template, &meta).await?;
        let done = exec(
            &**tx,
            "UPDATE purchase_orders SET status = 'APPROVED', decided_by = $1, decided_at = $2, reason = $3, entry_id = $4 \
             WHERE tenant_id = $5 AND id = $6 AND status = 'PENDING_APPROVAL'",
            vec![decided_by.map(|u| u.0).into(), now.into(), reason.into(), recorded.entry_id.0.into(), principal.tenant.0.into(), id.into()],
        )
        .await?;
        if done.rows_affected() != 1 {
            return Err(AppError::conflict("this purchase order was already decided"));
        }
        Ok(())
    }

    pub async fn approve_purchase(&self, principal: &Principal, id: Uuid, key: &IdempotencyKey) -> AppResult<PurchaseOrder> {
        principal.require(Permission::PurchasesApprove)?;
        let approver = principal.require_user()?;
        let order = self.purchase_order(principal, id).await?;
        if order.requested_by == approver {
            return Err(AppError::forbidden("you cannot decide your own purchase request"));
        }
        let now = self.now();
        let tx = self.tx(principal).await?;
        let request = serde_json::json!({ "order": id });
        let result = crate::funds::idempotent(&tx, principal.tenant, key, "purchases.approve", &request, now, async {
            if order.status != PurchaseStatus::PendingApproval {
                return Err(AppError::conflict(format!("this purchase order is {}", order.status.as_str())));
            }
            self.post_purchase(&tx, principal, id, Some(approver), "approved", key, now).await?;
            Ok(id)
        })
        .await;
        self.finish(tx, principal, "purchases.approve", Some(format!("purchase:{id}")), result).await?;
        self.purchase_order(principal, id).await
    }

    pub async fn reject_purchase(&self, principal: &Principal, id: Uuid, reason: &str) -> AppResult<PurchaseOrder> {
        principal.require(Permission::PurchasesApprove)?;
        let decider = principal.require_user()?;
        let reason = creditloop_domain::text::bounded("reason", reason, 1, 200).map_err(|e| AppError::from(e).at("reason"))?;
        // Deciding is separated from requesting both ways: nobody rejects their own request.
        if self.purchase_order(principal, id).await?.requested_by == decider {
            return Err(AppError::forbidden("you cannot decide your own purchase request"));
        }
        let now = self.now();
        let tx = self.tx(principal).await?;
        let result = async {
            let done = exec(
                &*tx,
                "UPDATE purchase_orders SET status = 'REJECTED', decided_by = $1, decided_at = $2, reason = $3 \
                 WHERE tenant_id = $4 AND id = $5 AND status = 'PENDING_APPROVAL'",
                vec![decider.0.into(), now.into(), reason.clone().into(), principal.tenant.0.into(), id.into()],
            )
            .await?;
            if done.rows_affected() != 1 {
                self.purchase_order_in(&*tx, principal, id).await?;
                return Err(AppError::conflict("this purchase order was already decided"));
            }
            Ok(())
        }
        .await;
        self.finish(tx, principal, "purchases.reject", Some(format!("purchase:{id}")), result).await?;
        self.purchase_order(principal, id).await
    }

    async fn purchase_order_in<C: sea_orm::ConnectionTrait>(&self, c: &C, principal: &Principal, id: Uuid) -> AppResult<PurchaseOrder> {
        let row = query_one(c, "SELECT * FROM purchase_orders WHERE tenant_id = $1 AND id = $2", vec![principal.tenant.0.into(), id.into()])
            .await?
            .ok_or_else(|| AppError::not_found("purchase order"))?;
        PurchaseOrder::from_row(&row)
    }

    pub async fn purchase_order(&self, principal: &Principal, id: Uuid) -> AppResult<PurchaseOrder> {
        principal.require(Permission::PurchasesRead)?;
        self.purchase_order_in(self.db.conn(), principal, id).await
    }

    pub async fn purchase_orders(&self, principal: &Principal, status: Option<PurchaseStatus>, limit: u64) -> AppResult<Vec<PurchaseOrder>> {
        principal.require(Permission::PurchasesRead)?;
        query_all(
            self.db.conn(),
            "SELECT * FROM purchase_orders WHERE tenant_id = $1 AND ($2 IS NULL OR status = $2) ORDER BY id DESC LIMIT $3",
            vec![principal.tenant.0.into(), status.map(|s| s.as_str().to_owned()).into(), (limit as i64).into()],
        )
        .await?
        .iter()
        .map(PurchaseOrder::from_row)
        .collect()
    }
}
