//! Recycling pool credit to cash, vouchers, employee cash-outs and payouts.

use crate::connection::page_size;
use crate::error::{GqlResult, IntoGql};
use crate::scalars::{Money, Rate};
use crate::types::*;
use async_graphql::{Context, Enum, Object, ID};
use chrono::{DateTime, Utc};
use creditloop_app::recycle::{self as app_recycle, CashoutStatus as ACashoutStatus, RecycleStatus as ARecycleStatus};
use creditloop_app::AppError;
use creditloop_domain::IdempotencyKey;
use uuid::Uuid;

fn key(text: &str) -> GqlResult<IdempotencyKey> {
    IdempotencyKey::parse(text).map_err(|e| crate::to_gql_error(AppError::from(e).at("idempotencyKey")))
}

fn uuid_id(id: &ID, what: &str, field: &str) -> GqlResult<Uuid> {
    parse_id(id, what, field, |s| Uuid::try_parse(s.trim()).ok())
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum RecycleStatus {
    /// Held, waiting for a finance decision (above the review threshold).
    Review,
    /// Held, waiting for its settlement date.
    Held,
    Settled,
    Rejected,
    Cancelled,
}

impl From<ARecycleStatus> for RecycleStatus {
    fn from(s: ARecycleStatus) -> Self {
        match s {
            ARecycleStatus::Review => RecycleStatus::Review,
            ARecycleStatus::Held => RecycleStatus::Held,
            ARecycleStatus::Settled => RecycleStatus::Settled,
            ARecycleStatus::Rejected => RecycleStatus::Rejected,
            ARecycleStatus::Cancelled => RecycleStatus::Cancelled,
        }
    }
}

impl From<RecycleStatus> for ARecycleStatus {
    fn from(s: RecycleStatus) -> Self {
        match s {
            RecycleStatus::Review => ARecycleStatus::Review,
            RecycleStatus::Held => ARecycleStatus::Held,
            RecycleStatus::Settled => ARecycleStatus::Settled,
            RecycleStatus::Rejected => ARecycleStatus::Rejected,
            RecycleStatus::Cancelled => ARecycleStatus::Cancelled,
        }
    }
}

#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum CashoutStatus {
    /// Credit held, waiting for a finance decision (above the review threshold).
    Review,
    /// Posted: the money is owed to the employee.
    Approved,
    Rejected,
    /// Paid through payroll.
    Paid,
}

impl From<ACashoutStatus> for CashoutStatus {
    fn from(s: ACashoutStatus) -> Self {
        match s {
            ACashoutStatus::Review => CashoutStatus::Review,
            ACashoutStatus::Approved => CashoutStatus::Approved,
            ACashoutStatus::Rejected => CashoutStatus::Rejected,
            ACashoutStatus::Paid => CashoutStatus::Paid,
        }
    }
}

impl From<CashoutStatus> for ACashoutStatus {
    fn from(s: CashoutStatus) -> Self {
        match s {
            CashoutStatus::Review => ACashoutStatus::Review,
            CashoutStatus::Approved => ACashoutStatus::Approved,
            CashoutStatus::Rejected => ACashoutStatus::Rejected,
            CashoutStatus::Paid => ACashoutStatus::Paid,
        }
    }
}

pub struct RecycleQuoteObj(pub app_recycle::RecycleQuote);

#[Object(name = "RecycleQuote")]
impl RecycleQuoteObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The pool credit to sell.
    async fn face_value(&self) -> Money {
        Money(self.0.face_value)
    }
    /// The disclosed recycle rate.
    async fn rate(&self) -> Rate {
        Rate(self.0.rate)
    }
    /// faceValue × rate, rounded half-up to the fen.
    async fn gross(&self) -> Money {
        Money(self.0.gross)
    }
    async fn fee(&self) -> Money {
        Money(self.0.fee)
    }
    /// What the funding account receives at settlement: gross − fee.
    async fn net(&self) -> Money {
        Money(self.0.net)
    }
    /// faceValue × rate − gross, exactly, in yuan with six decimal places.
    async fn rounding_remainder(&self) -> String {
        app_recycle::remainder_string(self.0.rounding_remainder)
    }
    /// Days between confirmation and settlement (0: settled at the next run).
    async fn settlement_delay_days(&self) -> i32 {
        self.0.settlement_delay_days
    }
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn used(&self) -> bool {
        self.0.used_at.is_some()
    }
}

pub struct RecycleObj(pub app_recycle::Recycle);

#[Object(name = "Recycle")]
impl RecycleObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn quote_id(&self) -> ID {
        ID(self.0.quote_id.to_string())
    }
    async fn face_value(&self) -> Money {
        Money(self.0.face_value)
    }
    async fn rate(&self) -> Rate {
        Rate(self.0.rate)
    }
    async fn gross(&self) -> Money {
        Money(self.0.gross)
    }
    async fn fee(&self) -> Money {
        Money(self.0.fee)
    }
    async fn net(&self) -> Money {
        Money(self.0.net)
    }
    /// faceValue × rate − gross, exactly, in yuan with six decimal places.
    async fn rounding_remainder(&self) -> String {
        app_recycle::remainder_string(self.0.rounding_remainder)
    }
    async fn status(&self) -> RecycleStatus {
        self.0.status.into()
    }
    /// Who confirmed it (a user id or an API key's label).
    async fn requested_by(&self) -> &str {
        &self.0.requested_label
    }
    async fn decided_by(&self, ctx: &Context<'_>) -> GqlResult<Option<UserObj>> {
        match self.0.decided_by {
            Some(id) => Ok(Some(UserObj(app(ctx).user(principal(ctx)?, id).await.gql()?))),
            None => Ok(None),
        }
    }
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// When it becomes due; null while under review.
    async fn settle_after(&self) -> Option<DateTime<Utc>> {
        self.0.settle_after
    }
    async fn settled_at(&self) -> Option<DateTime<Utc>> {
        self.0.settled_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
    /// The RECYCLE_HOLD entry: pending until settlement, voided on rejection or cancellation.
    async fn entry(&self, ctx: &Context<'_>) -> GqlResult<EntryObj> {
        Ok(EntryObj(app(ctx).entry(principal(ctx)?, self.0.entry_id).await.gql()?))
    }
    /// The receipt, once settled.
    async fn voucher(&self, ctx: &Context<'_>) -> GqlResult<Option<VoucherObj>> {
        if self.0.voucher_number.is_none() {
            return Ok(None);
        }
        Ok(app(ctx).voucher_of_recycle(principal(ctx)?, self.0.id).await.gql()?.map(VoucherObj))
    }
}

pub struct VoucherObj(pub app_recycle::Voucher);

#[Object(name = "Voucher")]
impl VoucherObj {
    /// Stable per tenant and gap-free, e.g. "RV-2026-000001".
    async fn number(&self) -> &str {
        &self.0.number
    }
    /// SHA-256 of `content`, lower-case hex.
    async fn hash(&self) -> &str {
        &self.0.hash
    }
    async fn issued_at(&self) -> DateTime<Utc> {
        self.0.issued_at
    }
    /// Canonical `key=value` lines: the bytes the hash covers.
    async fn content(&self) -> &str {
        &self.0.content
    }
    /// Whether the stored content still matches its hash (tamper evidence).
    async fn verified(&self) -> bool {
        self.0.verified()
    }
    async fn recycle_id(&self) -> ID {
        ID(self.0.recycle_id.to_string())
    }
}

pub struct CashoutObj(pub app_recycle::Cashout);

#[Object(name = "Cashout")]
impl CashoutObj {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn employee(&self, ctx: &Context<'_>) -> GqlResult<UserObj> {
        Ok(UserObj(app(ctx).user(principal(ctx)?, self.0.employee).await.gql()?))
    }
    /// The wallet credit converted.
    async fn credit(&self) -> Money {
        Money(self.0.credit)
    }
    /// The disclosed cash-out rate.
    async fn rate(&self) -> Rate {
        Rate(self.0.rate)
    }
    /// The money owed: credit × rate, rounded half-up to the fen.
    async fn cash(&self) -> Money {
        Money(self.0.cash)
    }
    /// credit × rate − cash, exactly, in yuan with six decimal places.
    async fn rounding_remainder(&self) -> String {
        app_recycle::remainder_string(self.0.rounding_remainder)
    }
    async fn status(&self) -> CashoutStatus {
        self.0.status.into()
    }
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
    async fn paid_at(&self) -> Option<DateTime<Utc>> {
        self.0.paid_at
    }
    /// The CASHOUT entry: pending under review, posted when approved.
    async fn entry(&self, ctx: &Context<'_>) -> GqlResult<EntryObj> {
        Ok(EntryObj(app(ctx).entry(principal(ctx)?, self.0.entry_id).await.gql()?))
    }
    /// The PAYOUT entry, once paid.
    async fn payout_entry(&self, ctx: &Context<'_>) -> GqlResult<Option<EntryObj>> {
        match self.0.payout_entry_id {
            Some(id) => Ok(Some(EntryObj(app(ctx).entry(principal(ctx)?, id).await.gql()?))),
            None => Ok(None),
        }
    }
}

#[derive(Default)]
pub struct RecycleQuery;

#[Object]
impl RecycleQuery {
    /// Recycles of pool credit (recycles.read), newest first.
    async fn recycles(&self, ctx: &Context<'_>, status: Option<RecycleStatus>, first: Option<i32>) -> GqlResult<Vec<RecycleObj>> {
        let limit = page_size(first)?;
        let rows = app(ctx).recycles(principal(ctx)?, status.map(Into::into), limit).await.gql()?;
        Ok(rows.into_iter().map(RecycleObj).collect())
    }

    async fn recycle(&self, ctx: &Context<'_>, id: ID) -> GqlResult<RecycleObj> {
        let id = uuid_id(&id, "recycle", "id")?;
        Ok(RecycleObj(app(ctx).recycle(principal(ctx)?, id).await.gql()?))
    }

    /// A settlement voucher by its number (recycles.read); null when there is none.
    async fn voucher(&self, ctx: &Context<'_>, number: String) -> GqlResult<Option<VoucherObj>> {
        Ok(app(ctx).voucher(principal(ctx)?, &number).await.gql()?.map(VoucherObj))
    }

    /// Employee cash-outs (payouts.read), newest first.
    async fn cashouts(&self, ctx: &Context<'_>, status: Option<CashoutStatus>, first: Option<i32>) -> GqlResult<Vec<CashoutObj>> {
        let limit = page_size(first)?;
        let rows = app(ctx).cashouts(principal(ctx)?, status.map(Into::into), limit).await.gql()?;
        Ok(rows.into_iter().map(CashoutObj).collect())
    }

    /// The signed-in employee's cash-outs (cashouts.own), newest first.
    async fn my_cashouts(&self, ctx: &Context<'_>, first: Option<i32>) -> GqlResult<Vec<CashoutObj>> {
        let limit = page_size(first)?;
        let rows = app(ctx).my_cashouts(principal(ctx)?, limit).await.gql()?;
        Ok(rows.into_iter().map(CashoutObj).collect())
    }
}

#[derive(Default)]
pub struct RecycleMutation;

#[Object]
impl RecycleMutation {
    /// Quotes a recycle of pool credit to cash at the disclosed rate and fee, valid for 15
    /// minutes (recycles.manage).
    async fn quote_recycle(&self, ctx: &Context<'_>, face_value: Money) -> GqlResult<RecycleQuoteObj> {
        let p = principal(ctx)?;
        let app = app(ctx);
        let face = positive(face_value, app.config.amount_max, "faceValue")?;
        Ok(RecycleQuoteObj(app.quote_recycle(p, face).await.gql()?))
    }

    /// Confirms a quote: holds the face value in the pool until settlement (recycles.manage).
    /// Above the review threshold it waits for a finance decision first.
    async fn confirm_recycle(&self, ctx: &Context<'_>, quote_id: ID, idempotency_key: String) -> GqlResult<RecycleObj> {
        let p = principal(ctx)?;
        let quote_id = uuid_id(&quote_id, "recycle quote", "quoteId")?;
        Ok(RecycleObj(app(ctx).confirm_recycle(p, quote_id, &key(&idempotency_key)?).await.gql()?))
    }

    /// Approves a recycle under review (reviews.decide; never one's own).
    async fn approve_recycle(&self, ctx: &Context<'_>, id: ID) -> GqlResult<RecycleObj> {
        let p = principal(ctx)?;
        let id = uuid_id(&id, "recycle", "id")?;
        Ok(RecycleObj(app(ctx).approve_recycle(p, id).await.gql()?))
    }

    /// Rejects a recycle under review; the pool credit is released (reviews.decide; never
    /// one's own).
    async fn reject_recycle(&self, ctx: &Context<'_>, id: ID, reason: String) -> GqlResult<RecycleObj> {
        let p = principal(ctx)?;
        let id = uuid_id(&id, "recycle", "id")?;
        Ok(RecycleObj(app(ctx).reject_recycle(p, id, &reason).await.gql()?))
    }

    /// Cancels a recycle before it settles; the pool credit is released (recycles.manage).
    async fn cancel_recycle(&self, ctx: &Context<'_>, id: ID, reason: String) -> GqlResult<RecycleObj> {
        let p = principal(ctx)?;
        let id = uuid_id(&id, "recycle", "id")?;
        Ok(RecycleObj(app(ctx).cancel_recycle(p, id, &reason).await.gql()?))
    }

    /// Settles the tenant's due recycles now and issues their vouchers (recycles.manage).
    /// Returns how many were settled.
    async fn settle_due_recycles(&self, ctx: &Context<'_>) -> GqlResult<i32> {
        let settled = app(ctx).settle_due_recycles_for(principal(ctx)?).await.gql()?;
        Ok(i32::try_from(settled).unwrap_or(i32::MAX))
    }

    /// Converts the employee's own wallet credit into money paid through payroll, where the
    /// tenant allows it (cashouts.own).
    async fn cashout(&self, ctx: &Context<'_>, amount: Money, idempotency_key: String) -> GqlResult<CashoutObj> {
        let p = principal(ctx)?;
        let app = app(ctx);
        let amount = positive(amount, app.config.amount_max, "amount")?;
        Ok(CashoutObj(app.cashout(p, amount, &key(&idempotency_key)?).await.gql()?))
    }

    /// Approves a cash-out under review and posts it (reviews.decide; never one's own).
    async fn approve_cashout(&self, ctx: &Context<'_>, id: ID) -> GqlResult<CashoutObj> {
        let p = principal(ctx)?;
        let id = uuid_id(&id, "cash-out", "id")?;
        Ok(CashoutObj(app(ctx).approve_cashout(p, id).await.gql()?))
    }

    /// Rejects a cash-out under review; the credit returns to the wallet (reviews.decide;
    /// never one's own).
    async fn reject_cashout(&self, ctx: &Context<'_>, id: ID, reason: String) -> GqlResult<CashoutObj> {
        let p = principal(ctx)?;
        let id = uuid_id(&id, "cash-out", "id")?;
        Ok(CashoutObj(app(ctx).reject_cashout(p, id, &reason).await.gql()?))
    }

    /// Records that an approved cash-out was paid through payroll (payouts.manage).
    async fn mark_cashout_paid(&self, ctx: &Context<'_>, id: ID, idempotency_key: String) -> GqlResult<CashoutObj> {
        let p = principal(ctx)?;
        let id = uuid_id(&id, "cash-out", "id")?;
        Ok(CashoutObj(app(ctx).mark_cashout_paid(p, id, &key(&idempotency_key)?).await.gql()?))
    }
}
