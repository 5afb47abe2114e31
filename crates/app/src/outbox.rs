//! The transactional outbox. Side effects (mail, webhooks, carrier calls) are written as rows
//! in the same transaction as the event that causes them; workers deliver them afterwards.
//! So an event and its notification commit together or not at all.

use crate::AppResult;
use chrono::{DateTime, Utc};
use creditloop_domain::{TenantId, UserId};
use creditloop_ledger::store::{exec, query_all};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message {
    /// An invitation to set a password. Carries the one-time token: the row is the only
    /// place it is kept, and the email is the only place it goes.
    Invitation { user_id: UserId, email: String, name: String, locale: String, token: String, expires_at: DateTime<Utc> },
    /// A purchase order waits for a finance decision.
    ApprovalRequested { order_id: Uuid, face_value: String, requested_by: String },
    /// A one-time code for topping up a number that is not the employee's own.
    OneTimeCode { user_id: UserId, email: String, locale: String, phone: String, code: String },
    /// Something waits in the review queue.
    ReviewNeeded { kind: String, id: Uuid, reason: String },
    /// A top-up reached its end.
    TopupResult { topup_id: Uuid, user_id: UserId, status: String },
    /// A dispute was opened or resolved.
    DisputeUpdate { dispute_id: Uuid, user_id: UserId, status: String },
    /// Credit arrived in an employee's wallet (a grant, a batch line or an allowance).
    /// `amount` is a money string ("100.00").
    CreditReceived { user_id: UserId, entry_id: Uuid, amount: String, expires_at: DateTime<Utc> },
    /// A lot of an employee's wallet expires within the tenant's notice period (once per lot).
    ExpiringSoon { user_id: UserId, lot_id: Uuid, amount: String, expires_at: DateTime<Utc> },
    /// A recycle settled: the net arrived in the funding account (to finance).
    RecycleSettled { recycle_id: Uuid, net: String, voucher_no: Option<String> },
    /// Finance marked an employee's cash-out paid.
    CashoutPaid { cashout_id: Uuid, user_id: UserId, amount: String },
    /// The pool fell below the tenant's threshold (to finance).
    LowPoolBalance { balance: String, threshold: String },
    /// An export a user asked for can be downloaded.
    ExportReady { export_id: Uuid, user_id: UserId, name: String },
    /// Something changed on the user's account (password, sign-in, API key): always sent.
    SecurityAlert { user_id: UserId, event: String, detail: String },
}

impl Message {
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Invitation { .. } => "email.invitation",
            Message::ApprovalRequested { .. } => "email.approval_requested",
            Message::OneTimeCode { .. } => "email.one_time_code",
            Message::ReviewNeeded { .. } => "email.review_needed",
            Message::TopupResult { .. } => "email.topup_result",
            Message::DisputeUpdate { .. } => "email.dispute_update",
            Message::CreditReceived { .. } => "email.credit_received",
            Message::ExpiringSoon { .. } => "email.expiring_soon",
            Message::RecycleSettled { .. } => "email.recycle_settled",
            Message::CashoutPaid { .. } => "email.cashout_paid",
            Message::LowPoolBalance { .. } => "email.low_pool_balance",
            Message::ExportReady { .. } => "email.export_ready",
            Message::SecurityAlert { .. } => "email.security_alert",
        }
    }
}

pub async fn enqueue<C: ConnectionTrait>(c: &C, tenant: TenantId, message: Message, now: DateTime<Utc>) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    exec(
        c,
        "INSERT INTO outbox (id, tenant_id, kind, payload, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, 'PENDING', 0, $5, $5)",
        vec![id.into(), tenant.0.into(), message.kind().into(), serde_json::to_string(&message)?.into(), now.into()],
    )
    .await?;
    Ok(id)
}

/// Enqueues many messages with multi-row inserts (a batch grant notifies every grantee).
pub async fn enqueue_many<C: ConnectionTrait>(c: &C, tenant: TenantId, messages: &[Message], now: DateTime<Utc>) -> AppResult<()> {
    const COLUMNS: usize = 5;
    for chunk in messages.chunks(500) {
        let mut values: Vec<sea_orm::Value> = Vec::with_capacity(chunk.len() * COLUMNS);
        let mut rows = Vec::with_capacity(chunk.len());
        for message in chunk {
            let n = values.len();
            rows.push(format!("(${}, ${}, ${}, ${}, 'PENDING', 0, ${}, ${})", n + 1, n + 2, n + 3, n + 4, n + 5, n + 5));
            values.extend([
                sea_orm::Value::from(Uuid::now_v7()),
                tenant.0.into(),
                message.kind().into(),
                serde_json::to_string(message)?.into(),
                now.into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO outbox (id, tenant_id, kind, payload, status, attempts, next_attempt_at, created_at) VALUES {}",
            rows.join(", ")
        );
        exec(c, &sql, values).await?;
    }
    Ok(())
}

/// The messages of a tenant, newest first (for tests and operators).
pub async fn recent<C: ConnectionTrait>(c: &C, tenant: TenantId, limit: u64) -> AppResult<Vec<Message>> {
    let rows = query_all(
        c,
        "SELECT payload FROM outbox WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2",
        vec![tenant.0.into(), (limit as i64).into()],
    )
    .await?;
    rows.iter().map(|r| Ok(serde_json::from_str(&r.try_get::<String>("", "payload")?)?)).collect()
}
