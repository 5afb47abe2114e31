//! Recycling pool credit to cash (quotes, recycles, vouchers and their per-tenant number
//! sequence) and employee cash-outs. Money in fen, rates in basis points, rounding remainders
//! in 1/10000 fen.

use crate::util::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_recycle"
    }
}

const TABLES: &[&str] = &["cashouts", "voucher_sequences", "vouchers", "recycles", "recycle_quotes"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        recycles(m).await?;
        vouchers(m).await?;
        cashouts(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop(m, TABLES).await
    }
}

async fn recycles(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    // A quote discloses the rate, fee and delay before anything is held. It is used at most
    // once (`used_at`), and only before it expires.
    table(m, "recycle_quotes", vec![
        id("id"),
        uuid("tenant_id"),
        fen("face_value"),
        int("rate_bps"),
        fen("gross"),
        fen("fee"),
        fen("net"),
        // face * rate - gross, in 1/10000 fen: the part of the exact product rounding dropped.
        fen("rounding_remainder"),
        int("settlement_delay_days"),
        at("expires_at"),
        uuid_null("created_by"),
        text("created_label"),
        at("created_at"),
        at_null("used_at"),
        uuid_null("recycle_id"),
    ])
    .await?;
    index(m, "recycle_quotes", "recycle_quotes_tenant_created", &["tenant_id", "created_at"], false).await?;

    table(m, "recycles", vec![
        id("id"),
        uuid("tenant_id"),
        uuid("quote_id"),
        fen("face_value"),
        int("rate_bps"),
        fen("gross"),
        fen("fee"),
        fen("net"),
        fen("rounding_remainder"),
        // REVIEW, HELD, SETTLED, REJECTED or CANCELLED.
        text("status"),
        uuid("entry_id"),
        uuid_null("requested_by"),
        text("requested_label"),
        uuid_null("decided_by"),
        text_null("reason"),
        // Null while under review: the delay starts when the recycle is approved.
        at_null("settle_after"),
        at_null("settled_at"),
        text_null("voucher_number"),
        at("created_at"),
        at_null("decided_at"),
    ])
    .await?;
    index(m, "recycles", "recycles_tenant_status_due", &["tenant_id", "status", "settle_after"], false).await?;
    index(m, "recycles", "recycles_tenant_created", &["tenant_id", "created_at"], false).await?;
    // One recycle per quote, enforced by the database as well as by the quote's `used_at`.
    index(m, "recycles", "recycles_tenant_quote", &["tenant_id", "quote_id"], true).await
}

async fn vouchers(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    table(m, "vouchers", vec![
        id("id"),
        uuid("tenant_id"),
        text("number"),
        uuid("recycle_id"),
        text("content"),
        // SHA-256 of `content`, lower-case hex.
        text("hash"),
        at("issued_at"),
    ])
    .await?;
    index(m, "vouchers", "vouchers_tenant_number", &["tenant_id", "number"], true).await?;
    // One voucher per recycle: a second settlement could not commit even if it got this far.
    index(m, "vouchers", "vouchers_tenant_recycle", &["tenant_id", "recycle_id"], true).await?;

    // The last voucher number issued per tenant, bumped with `UPDATE ... RETURNING` inside
    // the settling transaction: gap-free, because a rollback takes the number back.
    table(m, "voucher_sequences", vec![
        ColumnDef::new("tenant_id").uuid().not_null().primary_key().to_owned(),
        ColumnDef::new("last").big_integer().not_null().default(0).to_owned(),
    ])
    .await
}

async fn cashouts(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    table(m, "cashouts", vec![
        id("id"),
        uuid("tenant_id"),
        uuid("employee_id"),
        fen("credit"),
        int("rate_bps"),
        fen("cash"),
        fen("rounding_remainder"),
        // REVIEW, APPROVED, REJECTED or PAID.
        text("status"),
        uuid("entry_id"),
        uuid_null("payout_entry_id"),
        uuid_null("decided_by"),
        text_null("reason"),
        at_null("decided_at"),
        uuid_null("paid_by"),
        at_null("paid_at"),
        at("created_at"),
    ])
    .await?;
    index(m, "cashouts", "cashouts_tenant_status", &["tenant_id", "status", "created_at"], false).await?;
    index(m, "cashouts", "cashouts_tenant_employee", &["tenant_id", "employee_id", "created_at"], false).await
}
