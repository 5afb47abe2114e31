//! Tenants, people, access, the ledger, idempotency, the audit chain and the outbox.

use crate::util::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

const TABLES: &[&str] = &[
    "purchase_orders",
    "policies",
    "outbox",
    "audit_heads",
    "audit_events",
    "idempotency_keys",
    "lot_moves",
    "lots",
    "postings",
    "entries",
    "accounts",
    "login_throttle",
    "api_keys",
    "sessions",
    "users",
    "tenants",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        access(m).await?;
        ledger(m).await?;
        records(m).await?;
        lifecycle(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop(m, TABLES).await
    }
}

async fn access(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    table(m, "tenants", vec![
        id("id"),
        text("slug"),
        text("name"),
        text("timezone"),
        text("status"),
        at("created_at"),
    ])
    .await?;
    index(m, "tenants", "tenants_slug", &["slug"], true).await?;

    table(m, "users", vec![
        id("id"),
        uuid("tenant_id"),
        text("email"),
        text("name"),
        int("roles"),
        text("status"),
        text_null("password_hash"),
        text_null("employee_no"),
        text_null("phone"),
        text_null("department"),
        text_null("cost_center"),
        text("locale"),
        text_null("invite_token_hash"),
        at_null("invite_expires_at"),
        at("created_at"),
        at("updated_at"),
        at_null("last_login_at"),
        at_null("deactivated_at"),
    ])
    .await?;
    index(m, "users", "users_email", &["email"], true).await?;
    index(m, "users", "users_tenant_employee_no", &["tenant_id", "employee_no"], true).await?;
    index(m, "users", "users_tenant_status", &["tenant_id", "status", "id"], false).await?;
    index(m, "users", "users_invite_token", &["invite_token_hash"], true).await?;

    table(m, "sessions", vec![
        id("id"),
        uuid("tenant_id"),
        uuid("user_id"),
        text("token_hash"),
        text("csrf_token"),
        at("created_at"),
        at("last_seen_at"),
        at("absolute_expires_at"),
        at_null("revoked_at"),
        text_null("ip"),
    ])
    .await?;
    index(m, "sessions", "sessions_token", &["token_hash"], true).await?;
    index(m, "sessions", "sessions_tenant_user", &["tenant_id", "user_id"], false).await?;

    table(m, "api_keys", vec![
        id("id"),
        uuid("tenant_id"),
        text("name"),
        text("prefix"),
        text("key_hash"),
        int("roles"),
        uuid("created_by"),
        at("created_at"),
        at_null("last_used_at"),
        at_null("revoked_at"),
    ])
    .await?;
    index(m, "api_keys", "api_keys_hash", &["key_hash"], true).await?;
    index(m, "api_keys", "api_keys_tenant", &["tenant_id", "created_at"], false).await?;

    // Failed-login counters keyed by (account, client address) and by client address, never
    // by account alone, so that an attacker cannot lock a user out from everywhere.
    table(m, "login_throttle", vec![
        ColumnDef::new("key").text().not_null().primary_key().to_owned(),
        int("failures"),
        at("window_start"),
        at_null("blocked_until"),
    ])
    .await
}

async fn ledger(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    table(m, "accounts", vec![
        id("id"),
        uuid("tenant_id"),
        text("kind"),
        text("asset"),
        text("owner"),
        text("name"),
        fen("posted"),
        fen("pending_out"),
        fen("pending_in"),
        // NULL means unbounded: only EXTERNAL accounts have no floor.
        fen_null("floor"),
        at("created_at"),
    ])
    .await?;
    index(m, "accounts", "accounts_identity", &["tenant_id", "kind", "owner", "asset"], true).await?;

    table(m, "entries", vec![
        id("id"),
        uuid("tenant_id"),
        text("template"),
        text("status"),
        text("idempotency_key"),
        fen("amount"),
        text_null("memo"),
        uuid_null("batch_id"),
        uuid_null("reverses_id"),
        text("created_by"),
        text_null("metadata"),
        at("created_at"),
        at_null("posted_at"),
        at_null("voided_at"),
    ])
    .await?;
    index(m, "entries", "entries_tenant_created", &["tenant_id", "created_at", "id"], false).await?;
    index(m, "entries", "entries_tenant_batch", &["tenant_id", "batch_id"], false).await?;
    index(m, "entries", "entries_tenant_template", &["tenant_id", "template", "created_at"], false).await?;
    // At most one reversal per entry, enforced by the database.
    index(m, "entries", "entries_reverses", &["reverses_id"], true).await?;

    table_with_pk(
        m,
        "postings",
        vec![
            uuid("entry_id"),
            int("seq"),
            uuid("tenant_id"),
            uuid("account_id"),
            text("asset"),
            fen("amount"),
            at("created_at"),
        ],
        &["entry_id", "seq"],
    )
    .await?;
    index(m, "postings", "postings_tenant_account", &["tenant_id", "account_id", "created_at"], false).await?;

    table(m, "lots", vec![
        id("id"),
        uuid("tenant_id"),
        uuid("account_id"),
        uuid("entry_id"),
        fen("original"),
        fen("remaining"),
        fen("held"),
        at("expires_at"),
        text_null("memo"),
        at("created_at"),
    ])
    .await?;
    index(m, "lots", "lots_tenant_account_expiry", &["tenant_id", "account_id", "expires_at"], false).await?;
    index(m, "lots", "lots_tenant_expiry", &["tenant_id", "expires_at"], false).await?;
    index(m, "lots", "lots_entry", &["entry_id"], false).await?;

    // How much of which lot an entry consumed or held, so that post, void and reversal
    // touch exactly the lots the original entry touched.
    table_with_pk(
        m,
        "lot_moves",
        vec![uuid("entry_id"), uuid("lot_id"), uuid("tenant_id"), fen("amount")],
        &["entry_id", "lot_id"],
    )
    .await
}

async fn records(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    table_with_pk(
        m,
        "idempotency_keys",
        vec![
            uuid("tenant_id"),
            text("key"),
            text("operation"),
            text("request_hash"),
            text("response"),
            at("created_at"),
        ],
        &["tenant_id", "key"],
    )
    .await?;
    index(m, "idempotency_keys", "idempotency_keys_created", &["created_at"], false).await?;

    table(m, "audit_events", vec![
        id("id"),
        uuid("tenant_id"),
        ColumnDef::new("seq").big_integer().not_null().to_owned(),
        at("at"),
        text("actor"),
        text("action"),
        text_null("target"),
        text("outcome"),
        text_null("ip"),
        text_null("details"),
        text("prev_hash"),
        text("hash"),
    ])
    .await?;
    index(m, "audit_events", "audit_events_tenant_seq", &["tenant_id", "seq"], true).await?;
    index(m, "audit_events", "audit_events_tenant_action", &["tenant_id", "action", "seq"], false).await?;

    // The head of each tenant's audit hash chain. Appending locks this one row, which orders
    // the chain without a global lock.
    table(m, "audit_heads", vec![
        ColumnDef::new("tenant_id").uuid().not_null().primary_key().to_owned(),
        ColumnDef::new("seq").big_integer().not_null().to_owned(),
        text("hash"),
    ])
    .await?;

    // The transactional outbox: side effects (mail, webhooks, carrier calls) written in the
    // same transaction as the event that causes them, and delivered by workers.
    table(m, "outbox", vec![
        id("id"),
        uuid("tenant_id"),
        text("kind"),
        text("payload"),
        text("status"),
        int("attempts"),
        at("next_attempt_at"),
        at_null("locked_until"),
        text_null("last_error"),
        at("created_at"),
        at_null("done_at"),
    ])
    .await?;
    index(m, "outbox", "outbox_due", &["status", "next_attempt_at"], false).await?;
    index(m, "outbox", "outbox_tenant_kind", &["tenant_id", "kind", "created_at"], false).await
}

async fn lifecycle(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    // One row per tenant: its risk policy and limits. Money in fen, rates in basis points.
    table(m, "policies", vec![
        ColumnDef::new("tenant_id").uuid().not_null().primary_key().to_owned(),
        fen("topup_daily_limit"),
        fen("topup_monthly_limit"),
        fen("topup_single_max"),
        fen("tenant_daily_cap"),
        fen("purchase_approval_threshold"),
        fen("recycle_review_threshold"),
        fen("cashout_review_threshold"),
        int("velocity_max_topups"),
        int("velocity_window_minutes"),
        int("recycle_rate_bps"),
        fen("recycle_fee"),
        int("settlement_delay_days"),
        bool("cashout_enabled", false),
        int("cashout_rate_bps"),
        fen("low_pool_threshold"),
        at("updated_at"),
    ])
    .await?;

    table(m, "purchase_orders", vec![
        id("id"),
        uuid("tenant_id"),
        fen("face_value"),
        fen("price"),
        text("supplier"),
        text("status"),
        uuid("requested_by"),
        uuid_null("decided_by"),
        text_null("reason"),
        uuid_null("entry_id"),
        at("created_at"),
        at_null("decided_at"),
    ])
    .await?;
    index(m, "purchase_orders", "purchase_orders_tenant_status", &["tenant_id", "status", "created_at"], false).await
}
