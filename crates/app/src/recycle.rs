//! Recycling pool credit to cash, employee cash-outs and payouts.
//!
//! A recycle starts with a stored quote that discloses the rate, the fee and the settlement
//! delay. Confirming it holds the face value in `POOL` (`RECYCLE_HOLD`, pending); large ones
//! wait for a finance review first. Settlement posts the held entry after the delay and
//! issues a voucher: a gap-free number per tenant and the SHA-256 of its canonical content.
//!
//! A cash-out converts an employee's wallet credit into `PAYOUT` money at the tenant's
//! cash-out rate (`CASHOUT`, pending, then posted at once or after review); finance pays it
//! through payroll (`PAYOUT`) and marks it paid.
//!
//! `Fen::apply_rate` is the one rounding point (half-up); its remainder is stored with the
//! quote, the recycle and the cash-out, so that `gross + remainder = face * rate` exactly.

use crate::funds::idempotent;
use crate::principal::Principal;
use crate::{policy, App, AppError, AppResult};
use chrono::{DateTime, Datelike, Duration, Utc};
use creditloop_domain::{EntryId, Fen, IdempotencyKey, Permission, Rate, TenantId, UserId};
use creditloop_ledger::store::{exec, query_all, query_one};
use creditloop_ledger::{engine, Template, WriteTx};
use sea_orm::{ConnectionTrait, QueryResult};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long a quote may be confirmed.
pub const QUOTE_VALID_MINUTES: i64 = 15;
/// Recycles settled per transaction-run of [`App::settle_due_recycles`]; the rest wait for
/// the next run.
pub const SETTLE_BATCH_MAX: i64 = 500;
pub const REASON_LEN_MAX: usize = 200;

/// The rounding remainder (1/10000 fen) as yuan with six places, e.g. "-0.005000".
pub fn remainder_string(remainder: i64) -> String {
    let sign = if remainder < 0 { "-" } else { "" };
    let abs = remainder.unsigned_abs();
    format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
}

fn rate_of(row: &QueryResult) -> AppResult<Rate> {
    let bps: i32 = row.try_get("", "rate_bps")?;
    u32::try_from(bps).ok().and_then(Rate::from_bps).ok_or_else(|| AppError::internal(format!("bad rate {bps}")))
}

fn fen_of(row: &QueryResult, column: &str) -> AppResult<Fen> {
    Ok(Fen::new(row.try_get::<i64>("", column)?))
}

fn bps(rate: Rate) -> i32 {
    // A rate is at most 10_000 basis points: it always fits.
    i32::try_from(rate.bps()).unwrap_or(i32::MAX)
}

fn reason_text(reason: &str) -> AppResult<String> {
    creditloop_domain::text::bounded("reason", reason, 1, REASON_LEN_MAX).map_err(|e| AppError::from(e).at("reason"))
}

// ---------------------------------------------------------------------------------------
// Types

#[derive(Debug, Clone)]
pub struct RecycleQuote {
    pub id: Uuid,
    pub face_value: Fen,
    pub rate: Rate,
    pub gross: Fen,
    pub fee: Fen,
    pub net: Fen,
    /// `face * rate - gross` in 1/10000 fen.
    pub rounding_remainder: i64,
    pub settlement_delay_days: i32,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub recycle_id: Option<Uuid>,
}

impl RecycleQuote {
    fn from_row(row: &QueryResult) -> AppResult<RecycleQuote> {
        Ok(RecycleQuote {
            id: row.try_get("", "id")?,
            face_value: fen_of(row, "face_value")?,
            rate: rate_of(row)?,
            gross: fen_of(row, "gross")?,
            fee: fen_of(row, "fee")?,
            net: fen_of(row, "net")?,
            rounding_remainder: row.try_get("", "rounding_remainder")?,
            settlement_delay_days: row.try_get("", "settlement_delay_days")?,
            expires_at: row.try_get("", "expires_at")?,
            created_at: row.try_get("", "created_at")?,
            used_at: row.try_get("", "used_at")?,
            recycle_id: row.try_get("", "recycle_id")?,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecycleStatus {
    /// Held, waiting for a finance decision (above the review threshold).
    Review,
    /// Held, waiting for its settlement date.
    Held,
    Settled,
    Rejected,
    Cancelled,
}

impl RecycleStatus {
    pub const ALL: [RecycleStatus; 5] =
        [RecycleStatus::Review, RecycleStatus::Held, RecycleStatus::Settled, RecycleStatus::Rejected, RecycleStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            RecycleStatus::Review => "REVIEW",
            RecycleStatus::Held => "HELD",
            RecycleStatus::Settled => "SETTLED",
            RecycleStatus::Rejected => "REJECTED",
            RecycleStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(s: &str) -> Option<RecycleStatus> {
        RecycleStatus::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct Recycle {
    pub id: Uuid,
    pub quote_id: Uuid,
    pub face_value: Fen,
    pub rate: Rate,
    pub gross: Fen,
    pub fee: Fen,
    pub net: Fen,
    pub rounding_remainder: i64,
    pub status: RecycleStatus,
    pub entry_id: EntryId,
    pub requested_by: Option<UserId>,
    pub requested_label: String,
    pub decided_by: Option<UserId>,
    pub reason: Option<String>,
    pub settle_after: Option<DateTime<Utc>>,
    pub settled_at: Option<DateTime<Utc>>,
    pub voucher_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl Recycle {
    fn from_row(row: &QueryResult) -> AppResult<Recycle> {
        let status: String = row.try_get("", "status")?;
        Ok(Recycle {
            id: row.try_get("", "id")?,
            quote_id: row.try_get("", "quote_id")?,
            face_value: fen_of(row, "face_value")?,
            rate: rate_of(row)?,
            gross: fen_of(row, "gross")?,
            fee: fen_of(row, "fee")?,
            net: fen_of(row, "net")?,
            rounding_remainder: row.try_get("", "rounding_remainder")?,
            status: RecycleStatus::parse(&status).ok_or_else(|| AppError::internal(format!("recycle status {status}")))?,
            entry_id: EntryId(row.try_get("", "entry_id")?),
            requested_by: row.try_get::<Option<Uuid>>("", "requested_by")?.map(UserId),
            requested_label: row.try_get("", "requested_label")?,
            decided_by: row.try_get::<Option<Uuid>>("", "decided_by")?.map(UserId),
            reason: row.try_get("", "reason")?,
            settle_after: row.try_get("", "settle_after")?,
            settled_at: row.try_get("", "settled_at")?,
            voucher_number: row.try_get("", "voucher_number")?,
            created_at: row.try_get("", "created_at")?,
            decided_at: row.try_get("", "decided_at")?,
        })
    }
}

/// The receipt of one settlement.
#[derive(Debug, Clone)]
pub struct Voucher {
    pub number: String,
    pub recycle_id: Uuid,
    /// Canonical `key=value` lines; the hash covers exactly these bytes.
    pub content: String,
    /// SHA-256 of `content`, lower-case hex.
    pub hash: String,
    pub issued_at: DateTime<Utc>,
}

impl Voucher {
    fn from_row(row: &QueryResult) -> AppResult<Voucher> {
        Ok(Voucher {
            number: row.try_get("", "number")?,
            recycle_id: row.try_get("", "recycle_id")?,
            content: row.try_get("", "content")?,
            hash: row.try_get("", "hash")?,
            issued_at: row.try_get("", "issued_at")?,
        })
    }

    /// Recomputes the hash over the stored content: false means the voucher was altered.
    pub fn verified(&self) -> bool {
        content_hash(&self.content) == self.hash
    }
}

pub fn content_hash(content: &str) -> String {
    hex::encode(Sha256::digest(content.as_bytes()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CashoutStatus {
    /// Credit held, waiting for a finance decision (above the review threshold).
    Review,
    /// Posted: the money is owed to the employee in `PAYOUT`.
    Approved,
    Rejected,
    /// Paid through payroll.
    Paid,
}

impl CashoutStatus {
    pub const ALL: [CashoutStatus; 4] =
        [CashoutStatus::Review, CashoutStatus::Approved, CashoutStatus::Rejected, CashoutStatus::Paid];

    pub fn as_str(self) -> &'static str {
        match self {
            CashoutStatus::Review => "REVIEW",
            CashoutStatus::Approved => "APPROVED",
            CashoutStatus::Rejected => "REJECTED",
            CashoutStatus::Paid => "PAID",
        }
    }

    pub fn parse(s: &str) -> Option<CashoutStatus> {
        CashoutStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct Cashout {
    pub id: Uuid,
    pub employee: UserId,
    /// The wallet credit converted.
    pub credit: Fen,
    pub rate: Rate,
    /// The money owed: `credit * rate`, rounded half-up.
    pub cash: Fen,
    pub rounding_remainder: i64,
    pub status: CashoutStatus,
    pub entry_id: EntryId,
    pub payout_entry_id: Option<EntryId>,
    pub decided_by: Option<UserId>,
    pub reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub paid_by: Option<UserId>,
    pub paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Cashout {
    fn from_row(row: &QueryResult) -> AppResult<Cashout> {
        let status: String = row.try_get("", "status")?;
        Ok(Cashout {
            id: row.try_get("", "id")?,
            employee: UserId(row.try_get("", "employee_id")?),
            credit: fen_of(row, "credit")?,
            rate: rate_of(row)?,
            cash: fen_of(row, "cash")?,
            rounding_remainder: row.try_get("", "rounding_remainder")?,
            status: CashoutStatus::parse(&status).ok_or_else(|| AppError::internal(format!("cash-out status {status}")))?,
            entry_id: EntryId(row.try_get("", "entry_id")?),
            payout_entry_id: row.try_get::<Option<Uuid>>("", "payout_entry_id")?.map(EntryId),
            decided_by: row.try_get::<Option<Uuid>>("", "decided_by")?.map(UserId),
            reason: row.try_get("", "reason")?,
            decided_at: row.try_get("", "decided_at")?,
            paid_by: row.try_get::<Option<Uuid>>("", "paid_by")?.map(UserId),
            paid_at: row.try_get("", "paid_at")?,
            created_at: row.try_get("", "created_at")?,
        })
    }
}

/// The amounts of a recycle, computed once at quote time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecycleAmounts {
    pub gross: Fen,
    pub net: Fen,
    pub remainder: i64,
}

/// `gross = face * rate` (half-up, the one rounding point) and `net = gross - fee`. The fee
/// must be below the gross, so that something is left to credit.
pub fn recycle_amounts(face: Fen, rate: Rate, fee: Fen) -> AppResult<RecycleAmounts> {
    let (gross, remainder) = face.apply_rate(rate);
    if fee >= gross {
        return Err(AppError::validation(
            "faceValue",
            format!("at a rate of {rate} this face value yields {gross}, which does not cover the fee of {fee}"),
        ));
    }
    let net = gross.checked_sub(fee).ok_or_else(|| AppError::internal("net amount overflowed"))?;
    Ok(RecycleAmounts { gross, net, remainder })
}

// ---------------------------------------------------------------------------------------
// Recycling to cash

impl App {
    /// Quotes a recycle of pool credit: the disclosed rate, fee, net and delay, valid for
    /// [`QUOTE_VALID_MINUTES`].
    pub async fn quote_recycle(&self, principal: &Principal, face_value: Fen) -> AppResult<RecycleQuote> {
        principal.require(Permission::RecyclesManage)?;
        if !face_value.is_positive() {
            return Err(AppError::validation("faceValue", "amount must be greater than zero"));
        }
        let now = self.now();
        let id = Uuid::now_v7();
        let tx = self.tx(principal).await?;
        let result = async {
            let policy = policy::load(&*tx, principal.tenant).await?;
            let amounts = recycle_amounts(face_value, policy.recycle_rate, policy.recycle_fee)?;
            exec(
                &*tx,
                "INSERT INTO recycle_quotes (id, tenant_id, face_value, rate_bps, gross, fee, net, rounding_remainder, \
                 settlement_delay_days, expires_at, created_by, created_label, created_at, used_at, recycle_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, NULL)",
                vec![
                    id.into(),
                    principal.tenant.0.into(),
                    face_value.get().into(),
                    bps(policy.recycle_rate).into(),
                    amounts.gross.get().into(),
                    policy.recycle_fee.get().into(),
                    amounts.net.get().into(),
                    amounts.remainder.into(),
                    policy.settlement_delay_days.into(),
                    (now + Duration::minutes(QUOTE_VALID_MINUTES)).into(),
                    principal.user_id().map(|u| u.0).into(),
                    principal.label().into(),
                    now.into(),
                ],
            )
            .await?;
            Ok(())
        }
        .await;
        self.finish(tx, principal, "recycles.quote", Some(format!("face:{face_value}")), result).await?;
        self.recycle_quote_in(self.db.conn(), principal.tenant, id).await
    }

    /// Confirms an unexpired, unused quote: holds the face value in the pool. Above the
    /// review threshold the recycle waits for a finance decision; otherwise it settles after
    /// the quoted delay (T+0: at the next settlement run).
    pub async fn confirm_recycle(&self, principal: &Principal, quote_id: Uuid, key: &IdempotencyKey) -> AppResult<Recycle> {
        principal.require(Permission::RecyclesManage)?;
        let now = self.now();
        let tx = self.tx(principal).await?;
        let request = serde_json::json!({ "quote": quote_id });
        let result = idempotent(&tx, principal.tenant, key, "recycles.confirm", &request, now, async {
            let id = Uuid::now_v7();
            let quote = self.use_quote(&tx, principal.tenant, quote_id, id, now).await?;
            let policy = policy::load(&*tx, principal.tenant).await?;
            let meta = engine::Meta {
                idempotency_key: key.as_str().to_owned(),
                created_by: principal.label(),
                memo: Some(format!("recycle {} of pool credit at {}", quote.face_value, quote.rate)),
                metadata: Some(serde_json::json!({ "recycle": id, "quote": quote_id }).to_string()),
            };
            let template = Template::RecycleHold { face: quote.face_value, net: quote.net, fee: quote.fee };
            let recorded = engine::record(&*tx, principal.tenant, now, &template, &meta).await?;
            let (status, settle_after) = if quote.face_value > policy.recycle_review_threshold {
                (RecycleStatus::Review, None)
            } else {
                (RecycleStatus::Held, Some(now + Duration::days(i64::from(quote.settlement_delay_days))))
            };
            exec(
                &*tx,
                "INSERT INTO recycles (id, tenant_id, quote_id, face_value, rate_bps, gross, fee, net, rounding_remainder, \
                 status, entry_id, requested_by, requested_label, settle_after, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                vec![
                    id.into(),
                    principal.tenant.0.into(),
                    quote_id.into(),
                    quote.face_value.get().into(),
                    bps(quote.rate).into(),
                    quote.gross.get().into(),
                    quote.fee.get().into(),
                    quote.net.get().into(),
                    quote.rounding_remainder.into(),
                    status.as_str().into(),
                    recorded.entry_id.0.into(),
                    principal.user_id().map(|u| u.0).into(),
                    principal.label().into(),
                    settle_after.into(),
                    now.into(),
                ],
            )
            .await?;
            Ok(id)
        })
        .await;
        let id = self.finish(tx, principal, "recycles.confirm", Some(format!("quote:{quote_id}")), result).await?;
        self.recycle_in(self.db.conn(), principal.tenant, id).await
    }

    /// Marks a quote used, if it is this tenant's, unexpired and unused. The conditional
    /// update is the guard: of two confirmations only one changes the row.
    async fn use_quote(&self, tx: &WriteTx, tenant: TenantId, quote_id: Uuid, recycle: Uuid, now: DateTime<Utc>) -> AppResult<RecycleQuote> {
        let done = exec(
            &**tx,
            "UPDATE recycle_quotes SET used_at = $1, recycle_id = $2 \
             WHERE tenant_id = $3 AND id = $4 AND used_at IS NULL AND expires_at > $1",
            vec![now.into(), recycle.into(), tenant.0.into(), quote_id.into()],
        )
        .await?;
        let quote = self.recycle_quote_in(&**tx, tenant, quote_id).await.map_err(|e| e.at("quoteId"))?;
        if done.rows_affected() == 1 {
            return Ok(quote);
        }
        if quote.used_at.is_some() {
            return Err(AppError::conflict("this quote was already confirmed; ask for a new quote"));
        }
        Err(AppError::conflict(format!("this quote expired at {}; ask for a new quote", quote.expires_at.to_rfc3339())))
    }

    /// Approves a recycle under review (reviews.decide; never one's own). Its settlement
    /// delay starts now.
    pub async fn approve_recycle(&self, principal: &Principal, id: Uuid) -> AppResult<Recycle> {
        principal.require(Permission::ReviewsDecide)?;
        let approver = principal.require_user()?;
        let recycle = self.recycle_in(self.db.conn(), principal.tenant, id).await?;
        if recycle.requested_by == Some(approver) {
            return Err(AppError::forbidden("you cannot decide your own recycle"));
        }
        let now = self.now();
        let tx = self.tx(principal).await?;
        let result = async {
            let quote = self.recycle_quote_in(&*tx, principal.tenant, recycle.quote_id).await?;
            let settle_after = now + Duration::days(i64::from(quote.settlement_delay_days));
            let done = exec(
                &*tx,
                "UPDATE recycles SET status = 'HELD', decided_by = $1, decided_at = $2, settle_after = $3 \
                 WHERE tenant_id = $4 AND id = $5 AND status = 'REVIEW'",
                vec![approver.0.into(), now.into(), settle_after.into(), principal.tenant.0.into(), id.into()],
            )
            .await?;
            self.expect_transition(&*tx, principal.tenant, id, done.rows_affected(), "approved").await
        }
        .await;
        self.finish(tx, principal, "recycles.approve", Some(format!("recycle:{id}")), result).await?;
        self.recycle_in(self.db.conn(), principal.tenant, id).await
    }

    /// Rejects a recycle under review (reviews.decide; never one's own); its hold on the pool
    /// is released.
    pub async fn reject_recycle(&self, principal: &Principal, id: Uuid, reason: &str) -> AppResult<Recycle> {
        principal.require(Permission::ReviewsDecide)?;
        let decider = principal.require_user()?;
        let reason = reason_text(reason)?;
        // Deciding is separated from requesting both ways: nobody rejects their own recycle.
        if self.recycle_in(self.db.conn(), principal.tenant, id).await?.requested_by == Some(decider) {
            return Err(AppError::forbidden("you cannot decide your own recycle"));
        }
        self.end_recycle(principal, id, Some(decider), &reason, RecycleEnd::Reject).await
    }

    /// Cancels a recycle before it settles (recycles.manage); its hold is released.
    pub async fn cancel_recycle(&self, principal: &Principal, id: Uuid, reason: &str) -> AppResult<Recycle> {
        principal.require(Permission::RecyclesManage)?;
        let reason = reason_text(reason)?;
        self.end_recycle(principal, id, principal.user_id(), &reason, RecycleEnd::Cancel).await
    }

    async fn end_recycle(
        &self,
        principal: &Principal,
        id: Uuid,
        decider: Option<UserId>,
        reason: &str,
        end: RecycleEnd,
    ) -> AppResult<Recycle> {
        let (to, from, action) = match end {
            RecycleEnd::Reject => ("REJECTED", "status = 'REVIEW'", "recycles.reject"),
            RecycleEnd::Cancel => ("CANCELLED", "status IN ('REVIEW', 'HELD')", "recycles.cancel"),
        };
        let now = self.now();
        let tx = self.tx(principal).await?;
        let result = async {
            let sql = format!(
                "UPDATE recycles SET status = '{to}', decided_by = $1, decided_at = $2, reason = $3 \
                 WHERE tenant_id = $4 AND id = $5 AND {from}"
            );
            let done = exec(&*tx, &sql, vec![decider.map(|u| u.0).into(), now.into(), reason.into(), principal.tenant.0.into(), id.into()])
                .await?;
            self.expect_transition(&*tx, principal.tenant, id, done.rows_affected(), to).await?;
            let recycle = self.recycle_in(&*tx, principal.tenant, id).await?;
            engine::void_pending(&*tx, principal.tenant, recycle.entry_id, now).await?;
            Ok(())
        }
        .await;
        self.finish(tx, principal, action, Some(format!("recycle:{id}")), result).await?;
        self.recycle_in(self.db.conn(), principal.tenant, id).await
    }

    /// Turns a conditional update that changed nothing into the right error.
    async fn expect_transition<C: ConnectionTrait>(&self, c: &C, tenant: TenantId, id: Uuid, rows: u64, to: &str) -> AppResult<()> {
        if rows == 1 {
            return Ok(());
        }
        let current = self.recycle_in(c, tenant, id).await?;
        Err(AppError::conflict(format!("this recycle is {} and cannot be {}", current.status.as_str(), to.to_lowercase())))
    }

    /// Settles every due recycle of every tenant: system work (the scheduler calls it),
    /// audited as the system of each tenant. Safe to run on several workers at once.
    pub async fn settle_due_recycles(&self) -> AppResult<usize> {
        let due = query_all(
            self.db.conn(),
            "SELECT tenant_id, id FROM recycles WHERE status = 'HELD' AND settle_after <= $1 ORDER BY settle_after, id LIMIT $2",
            vec![self.now().into(), SETTLE_BATCH_MAX.into()],
        )
        .await?;
        let mut settled = 0;
        for row in due {
            let tenant = TenantId(row.try_get("", "tenant_id")?);
            let id: Uuid = row.try_get("", "id")?;
            settled += usize::from(self.settle_recycle_logged(&Principal::system(tenant), id).await);
        }
        Ok(settled)
    }

    /// Settles the due recycles of the principal's tenant now (recycles.manage).
    pub async fn settle_due_recycles_for(&self, principal: &Principal) -> AppResult<usize> {
        principal.require(Permission::RecyclesManage)?;
        let due = query_all(
            self.db.conn(),
            "SELECT id FROM recycles WHERE tenant_id = $1 AND status = 'HELD' AND settle_after <= $2 \
             ORDER BY settle_after, id LIMIT $3",
            vec![principal.tenant.0.into(), self.now().into(), SETTLE_BATCH_MAX.into()],
        )
        .await?;
        let mut settled = 0;
        for row in due {
            settled += usize::from(self.settle_recycle_logged(principal, row.try_get("", "id")?).await);
        }
        Ok(settled)
    }

    /// One settlement; a failure is audited (by `finish`) and logged, and leaves the recycle
    /// HELD for the next run, so that one bad recycle does not stop the others.
    async fn settle_recycle_logged(&self, principal: &Principal, id: Uuid) -> bool {
        match self.settle_recycle(principal, id).await {
            Ok(settled) => settled,
            Err(e) => {
                tracing::error!(error = %e, recycle = %id, "could not settle a recycle");
                false
            }
        }
    }

    /// Claims one recycle with a conditional status update, posts its held entry and issues
    /// its voucher, all in one transaction. Returns false when another worker got it first
    /// (on PostgreSQL the update waits for that worker's commit and then matches nothing).
    async fn settle_recycle(&self, principal: &Principal, id: Uuid) -> AppResult<bool> {
        let now = self.now();
        let tenant = principal.tenant;
        let tx = self.tx(principal).await?;
        let claimed = exec(
            &*tx,
            "UPDATE recycles SET status = 'SETTLED', settled_at = $1 \
             WHERE tenant_id = $2 AND id = $3 AND status = 'HELD' AND settle_after <= $1",
            vec![now.into(), tenant.0.into(), id.into()],
        )
        .await;
        match claimed {
            Ok(done) if done.rows_affected() == 1 => {}
            Ok(_) => {
                tx.rollback().await?;
                return Ok(false);
            }
            Err(e) => {
                tx.rollback().await?;
                return Err(e.into());
            }
        }
        let result = async {
            let recycle = self.recycle_in(&*tx, tenant, id).await?;
            let entry = engine::post_pending(&*tx, tenant, recycle.entry_id, now).await?;
            let number = next_voucher_number(&tx, tenant, now).await?;
            let content = voucher_content(tenant, &number, &recycle, entry.id, now);
            exec(
                &*tx,
                "INSERT INTO vouchers (id, tenant_id, number, recycle_id, content, hash, issued_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                vec![
                    Uuid::now_v7().into(),
                    tenant.0.into(),
                    number.clone().into(),
                    id.into(),
                    content.clone().into(),
                    content_hash(&content).into(),
                    now.into(),
                ],
            )
            .await?;
            exec(
                &*tx,
                "UPDATE recycles SET voucher_number = $1 WHERE tenant_id = $2 AND id = $3",
                vec![number.clone().into(), tenant.0.into(), id.into()],
            )
            .await?;
            let settled = crate::outbox::Message::RecycleSettled { recycle_id: id, net: recycle.net.to_string(), voucher_no: Some(number.clone()) };
            crate::outbox::enqueue(&*tx, tenant, settled, now).await?;
            Ok(number)
        }
        .await;
        self.finish(tx, principal, "recycles.settle", Some(format!("recycle:{id}")), result).await?;
        Ok(true)
    }

    async fn recycle_quote_in<C: ConnectionTrait>(&self, c: &C, tenant: TenantId, id: Uuid) -> AppResult<RecycleQuote> {
        let row = query_one(c, "SELECT * FROM recycle_quotes WHERE tenant_id = $1 AND id = $2", vec![tenant.0.into(), id.into()])
            .await?
            .ok_or_else(|| AppError::not_found("recycle quote"))?;
        RecycleQuote::from_row(&row)
    }

    async fn recycle_in<C: ConnectionTrait>(&self, c: &C, tenant: TenantId, id: Uuid) -> AppResult<Recycle> {
        let row = query_one(c, "SELECT * FROM recycles WHERE tenant_id = $1 AND id = $2", vec![tenant.0.into(), id.into()])
            .await?
            .ok_or_else(|| AppError::not_found("recycle"))?;
        Recycle::from_row(&row)
    }

    pub async fn recycle(&self, principal: &Principal, id: Uuid) -> AppResult<Recycle> {
        principal.require(Permission::RecyclesRead)?;
        self.recycle_in(self.db.conn(), principal.tenant, id).await
    }

    /// Recycles of the tenant (recycles.read), newest first.
    pub async fn recycles(&self, principal: &Principal, status: Option<RecycleStatus>, limit: u64) -> AppResult<Vec<Recycle>> {
        principal.require(Permission::RecyclesRead)?;
        query_all(
            self.db.conn(),
            "SELECT * FROM recycles WHERE tenant_id = $1 AND ($2 IS NULL OR status = $2) ORDER BY id DESC LIMIT $3",
            vec![principal.tenant.0.into(), status.map(|s| s.as_str().to_owned()).into(), i64::try_from(limit).unwrap_or(i64::MAX).into()],
        )
        .await?
        .iter()
        .map(Recycle::from_row)
        .collect()
    }

    /// A voucher by its number (recycles.read).
    pub async fn voucher(&self, principal: &Principal, number: &str) -> AppResult<Option<Voucher>> {
        principal.require(Permission::RecyclesRead)?;
        query_one(
            self.db.conn(),
            "SELECT * FROM vouchers WHERE tenant_id = $1 AND number = $2",
            vec![principal.tenant.0.into(), number.trim().into()],
        )
        .await?
        .as_ref()
        .map(Voucher::from_row)
        .transpose()
    }

    /// The voucher of a settled recycle (recycles.read).
    pub async fn voucher_of_recycle(&self, principal: &Principal, recycle: Uuid) -> AppResult<Option<Voucher>> {
        principal.require(Permission::RecyclesRead)?;
        query_one(
            self.db.conn(),
            "SELECT * FROM vouchers WHERE tenant_id = $1 AND recycle_id = $2",
            vec![principal.tenant.0.into(), recycle.into()],
        )
        .await?
        .as_ref()
        .map(Voucher::from_row)
        .transpose()
    }
}

#[derive(Debug, Clone, Copy)]
enum RecycleEnd {
    Reject,
    Cancel,
}

/// The next voucher number of a tenant, e.g. `RV-2026-000001`: one sequence per tenant,
/// bumped in the settling transaction, so numbers have no gaps. The year is the settlement's
/// in the tenant's time zone.
async fn next_voucher_number(tx: &WriteTx, tenant: TenantId, now: DateTime<Utc>) -> AppResult<String> {
    exec(
        &**tx,
        "INSERT INTO voucher_sequences (tenant_id, last) VALUES ($1, 0) ON CONFLICT (tenant_id) DO NOTHING",
        vec![tenant.0.into()],
    )
    .await?;
    let row = query_one(
        &**tx,
        "UPDATE voucher_sequences SET last = last + 1 WHERE tenant_id = $1 RETURNING last",
        vec![tenant.0.into()],
    )
    .await?
    .ok_or_else(|| AppError::internal("voucher sequence vanished"))?;
    let seq: i64 = row.try_get("", "last")?;
    let timezone: Option<String> = query_one(&**tx, "SELECT timezone FROM tenants WHERE id = $1", vec![tenant.0.into()])
        .await?
        .map(|r| r.try_get("", "timezone"))
        .transpose()?;
    let year = match timezone.and_then(|tz| tz.parse::<chrono_tz::Tz>().ok()) {
        Some(tz) => now.with_timezone(&tz).year(),
        None => now.year(),
    };
    Ok(format!("RV-{year}-{seq:06}"))
}

/// The canonical content of a voucher: fixed keys in a fixed order, one `key=value` per line,
/// amounts as decimal strings. The hash covers exactly these bytes.
fn voucher_content(tenant: TenantId, number: &str, r: &Recycle, entry: EntryId, settled_at: DateTime<Utc>) -> String {
    let lines = [
        ("voucher", number.to_owned()),
        ("tenant", tenant.to_string()),
        ("recycle", r.id.to_string()),
        ("face_value", r.face_value.to_string()),
        ("rate", r.rate.to_string()),
        ("gross", r.gross.to_string()),
        ("fee", r.fee.to_string()),
        ("net", r.net.to_string()),
        ("rounding_remainder", remainder_string(r.rounding_remainder)),
        ("entry", entry.to_string()),
        ("settled_at", settled_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
    ];
    lines.iter().map(|(k, v)| format!("{k}={v}\n")).collect()
}

// ---------------------------------------------------------------------------------------
// Employee cash-outs and payouts

impl App {
    /// Converts the employee's own wallet credit into money owed through payroll, at the
    /// tenant's cash-out rate. At or below the review threshold (compared on the credit) it
    /// is posted at once; above it, it waits for finance.
    pub async fn cashout(&self, principal: &Principal, amount: Fen, key: &IdempotencyKey) -> AppResult<Cashout> {
        principal.require(Permission::CashoutsOwn)?;
        let employee = principal.require_user()?;
        if !amount.is_positive() {
            return Err(AppError::validation("amount", "amount must be greater than zero"));
        }
        let now = self.now();
        let tx = self.tx(principal).await?;
        let request = serde_json::json!({ "amount": amount });
        let result = idempotent(&tx, principal.tenant, key, "cashouts.create", &request, now, async {
                let policy = policy::load(&*tx, principal.tenant).await?;
                if !policy.cashout_enabled {
                    return Err(AppError::forbidden("cash-out is not enabled for this company"));
                }
                let (cash, remainder) = amount.apply_rate(policy.cashout_rate);
                if !cash.is_positive() {
                    return Err(AppError::validation("amount", format!("at a rate of {} this amount yields nothing", policy.cashout_rate)));
                }
                let id = Uuid::now_v7();
                let meta = engine::Meta {
                    idempotency_key: key.as_str().to_owned(),
                    created_by: principal.label(),
                    memo: Some(format!("cash-out of {amount} credit at {}", policy.cashout_rate)),
                    metadata: Some(serde_json::json!({ "cashout": id }).to_string()),
                };
                let template = Template::Cashout { employee, credit: amount, cash };
                let recorded = engine::record(&*tx, principal.tenant, now, &template, &meta).await?;
                let status = if amount > policy.cashout_review_threshold {
                    CashoutStatus::Review
                } else {
                    engine::post_pending(&*tx, principal.tenant, recorded.entry_id, now).await?;
                    CashoutStatus::Approved
                };
                exec(
                    &*tx,
                    "INSERT INTO cashouts (id, tenant_id, employee_id, credit, rate_bps, cash, rounding_remainder, status, \
                     entry_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    vec![
                        id.into(),
                        principal.tenant.0.into(),
                        employee.0.into(),
                        amount.get().into(),
                        bps(policy.cashout_rate).into(),
                        cash.get().into(),
                        remainder.into(),
                        status.as_str().into(),
                        recorded.entry_id.0.into(),
                        now.into(),
                    ],
                )
                .await?;
                Ok(id)
            })
            .await;
        let id = self.finish(tx, principal, "cashouts.create", Some(format!("amount:{amount}")), result).await?;
        self.cashout_in(self.db.conn(), principal.tenant, id).await
    }

    /// Approves a cash-out under review and posts it (reviews.decide; never one's own).
    pub async fn approve_cashout(&self, principal: &Principal, id: Uuid) -> AppResult<Cashout> {
        principal.require(Permission::ReviewsDecide)?;
        let approver = principal.require_user()?;
        let cashout = self.cashout_in(self.db.conn(), principal.tenant, id).await?;
        if cashout.employee == approver {
            return Err(AppError::forbidden("you cannot decide your own cash-out"));
        }
        self.decide_cashout(principal, &cashout, approver, None).await
    }

    /// Rejects a cash-out under review (reviews.decide; never one's own); the credit is
    /// released back to the wallet.
    pub async fn reject_cashout(&self, principal: &Principal, id: Uuid, reason: &str) -> AppResult<Cashout> {
        principal.require(Permission::ReviewsDecide)?;
        let decider = principal.require_user()?;
        let reason = reason_text(reason)?;
        let cashout = self.cashout_in(self.db.conn(), principal.tenant, id).await?;
        if cashout.employee == decider {
            return Err(AppError::forbidden("you cannot decide your own cash-out"));
        }
        self.decide_cashout(principal, &cashout, decider, Some(reason)).await
    }

    /// Approval (no reason) posts the held entry; rejection (a reason) voids it.
    async fn decide_cashout(&self, principal: &Principal, cashout: &Cashout, decider: UserId, rejection: Option<String>) -> AppResult<Cashout> {
        let (to, action) = match rejection {
            None => (CashoutStatus::Approved, "cashouts.approve"),
            Some(_) => (CashoutStatus::Rejected, "cashouts.reject"),
        };
        let now = self.now();
        let tx = self.tx(principal).await?;
        let result = async {
            if rejection.is_some() {
                // The released credit may go on to the pool (an offboarded employee): the pool first.
                crate::users::lock_pool(&*tx, principal.tenant).await?;
            }
            let done = exec(
                &*tx,
                "UPDATE cashouts SET status = $1, decided_by = $2, decided_at = $3, reason = $4 \
                 WHERE tenant_id = $5 AND id = $6 AND status = 'REVIEW'",
                vec![
                    to.as_str().into(),
                    decider.0.into(),
                    now.into(),
                    rejection.clone().into(),
                    principal.tenant.0.into(),
                    cashout.id.into(),
                ],
            )
            .await?;
            if done.rows_affected() != 1 {
                let current = self.cashout_in(&*tx, principal.tenant, cashout.id).await?;
                return Err(AppError::conflict(format!("this cash-out is {}, not under review", current.status.as_str())));
            }
            match to {
                CashoutStatus::Approved => engine::post_pending(&*tx, principal.tenant, cashout.entry_id, now).await?,
                _ => {
                    let voided = engine::void_pending(&*tx, principal.tenant, cashout.entry_id, now).await?;
                    let cause = format!("cashout:{}", cashout.id);
                    crate::users::reclaim_if_offboarded(&*tx, principal.tenant, cashout.employee, &cause, now).await?;
                    voided
                }
            };
            Ok(())
        }
        .await;
        self.finish(tx, principal, action, Some(format!("cashout:{}", cashout.id)), result).await?;
        self.cashout_in(self.db.conn(), principal.tenant, cashout.id).await
    }

    /// Records that an approved cash-out was paid through payroll (payouts.manage): posts
    /// `PAYOUT -> EXTERNAL:payroll`.
    pub async fn mark_cashout_paid(&self, principal: &Principal, id: Uuid, key: &IdempotencyKey) -> AppResult<Cashout> {
        principal.require(Permission::PayoutsManage)?;
        let now = self.now();
        let tx = self.tx(principal).await?;
        let request = serde_json::json!({ "cashout": id });
        let result = idempotent(&tx, principal.tenant, key, "payouts.mark_paid", &request, now, async {
            let cashout = self.cashout_in(&*tx, principal.tenant, id).await?;
            let meta = engine::Meta {
                idempotency_key: key.as_str().to_owned(),
                created_by: principal.label(),
                memo: Some(format!("payroll payout of cash-out {id}")),
                metadata: Some(serde_json::json!({ "cashout": id }).to_string()),
            };
            // The status flip first: it is the guard against paying twice under two keys.
            let done = exec(
                &*tx,
                "UPDATE cashouts SET status = 'PAID', paid_by = $1, paid_at = $2 \
                 WHERE tenant_id = $3 AND id = $4 AND status = 'APPROVED'",
                vec![principal.user_id().map(|u| u.0).into(), now.into(), principal.tenant.0.into(), id.into()],
            )
            .await?;
            if done.rows_affected() != 1 {
                return Err(AppError::conflict(format!("this cash-out is {}, not approved and unpaid", cashout.status.as_str())));
            }
            let template = Template::Payout { employee: cashout.employee, cash: cashout.cash };
            let recorded = engine::record(&*tx, principal.tenant, now, &template, &meta).await?;
            exec(
                &*tx,
                "UPDATE cashouts SET payout_entry_id = $1 WHERE tenant_id = $2 AND id = $3",
                vec![recorded.entry_id.0.into(), principal.tenant.0.into(), id.into()],
            )
            .await?;
            let paid = crate::outbox::Message::CashoutPaid { cashout_id: id, user_id: cashout.employee, amount: cashout.cash.to_string() };
            crate::outbox::enqueue(&*tx, principal.tenant, paid, now).await?;
            Ok(id)
        })
        .await;
        self.finish(tx, principal, "payouts.mark_paid", Some(format!("cashout:{id}")), result).await?;
        self.cashout_in(self.db.conn(), principal.tenant, id).await
    }

    async fn cashout_in<C: ConnectionTrait>(&self, c: &C, tenant: TenantId, id: Uuid) -> AppResult<Cashout> {
        let row = query_one(c, "SELECT * FROM cashouts WHERE tenant_id = $1 AND id = $2", vec![tenant.0.into(), id.into()])
            .await?
            .ok_or_else(|| AppError::not_found("cash-out"))?;
        Cashout::from_row(&row)
    }

    /// One cash-out: finance (payouts.read) or the employee who made it.
    pub async fn cashout_by_id(&self, principal: &Principal, id: Uuid) -> AppResult<Cashout> {
        let cashout = self.cashout_in(self.db.conn(), principal.tenant, id).await?;
        if principal.user_id() != Some(cashout.employee) {
            principal.require(Permission::PayoutsRead)?;
        }
        Ok(cashout)
    }

    /// Cash-outs of the tenant (payouts.read), newest first.
    pub async fn cashouts(&self, principal: &Principal, status: Option<CashoutStatus>, limit: u64) -> AppResult<Vec<Cashout>> {
        principal.require(Permission::PayoutsRead)?;
        query_all(
            self.db.conn(),
            "SELECT * FROM cashouts WHERE tenant_id = $1 AND ($2 IS NULL OR status = $2) ORDER BY id DESC LIMIT $3",
            vec![principal.tenant.0.into(), status.map(|s| s.as_str().to_owned()).into(), i64::try_from(limit).unwrap_or(i64::MAX).into()],
        )
        .await?
        .iter()
        .map(Cashout::from_row)
        .collect()
    }

    /// The signed-in employee's cash-outs (cashouts.own), newest first.
    pub async fn my_cashouts(&self, principal: &Principal, limit: u64) -> AppResult<Vec<Cashout>> {
        principal.require(Permission::CashoutsOwn)?;
        let employee = principal.require_user()?;
        query_all(
            self.db.conn(),
            "SELECT * FROM cashouts WHERE tenant_id = $1 AND employee_id = $2 ORDER BY id DESC LIMIT $3",
            vec![principal.tenant.0.into(), employee.0.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()],
        )
        .await?
        .iter()
        .map(Cashout::from_row)
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_a_fen_rounds_up_and_the_remainder_is_kept() {
        let rate = Rate::from_bps(9_000).unwrap_or(Rate::ZERO);
        let amounts = recycle_amounts(Fen::new(123_45), rate, Fen::ZERO).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(amounts.gross, Fen::new(111_11));
        assert_eq!(amounts.remainder, -5_000);
        assert_eq!(remainder_string(amounts.remainder), "-0.005000");
        assert_eq!(remainder_string(12_345_678), "12.345678");
    }

    #[test]
    fn the_fee_must_leave_something() {
        let rate = Rate::from_bps(9_000).unwrap_or(Rate::ZERO);
        assert!(recycle_amounts(Fen::new(1_00), rate, Fen::new(90)).is_err());
        assert_eq!(recycle_amounts(Fen::new(1_00), rate, Fen::new(89)).map(|a| a.net).ok(), Some(Fen::new(1)));
    }

    #[test]
    fn a_changed_voucher_no_longer_verifies() {
        let mut v = Voucher {
            number: "RV-2026-000001".into(),
            recycle_id: Uuid::nil(),
            content: "voucher=RV-2026-000001\nnet=1.00\n".into(),
            hash: String::new(),
            issued_at: Utc::now(),
        };
        v.hash = content_hash(&v.content);
        assert!(v.verified());
        v.content = v.content.replace("1.00", "9.00");
        assert!(!v.verified());
    }
}
