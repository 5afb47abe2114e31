//! Notifications: who has received which outbox mail, users' notification preferences, the
//! "expiring soon" bookkeeping, and ERP webhooks (endpoints and their deliveries).

use crate::util::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_notify"
    }
}

const TABLES: &[&str] = &[
    "webhook_deliveries",
    "webhook_endpoints",
    "notify_jobs",
    "expiry_notices",
    "notification_preferences",
    "outbox_sends",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        mail(m).await?;
        webhooks(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop(m, TABLES).await
    }
}

async fn mail(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    // One row per (outbox message, recipient) that the mail server accepted, written right
    // after it did: a retry of the message skips these recipients, so a message that reached
    // some recipients before a failure is not sent to them again.
    table_with_pk(
        m,
        "outbox_sends",
        vec![uuid("outbox_id"), text("recipient"), uuid("tenant_id"), text("message_id"), at("sent_at")],
        &["outbox_id", "recipient"],
    )
    .await?;

    // Only the choices a user made are stored; a missing row means the default (on).
    table_with_pk(
        m,
        "notification_preferences",
        vec![uuid("tenant_id"), uuid("user_id"), text("kind"), bool("enabled", true), at("updated_at")],
        &["tenant_id", "user_id", "kind"],
    )
    .await?;

    // A lot gets its "expiring soon" mail once: the primary key is the guard.
    table_with_pk(m, "expiry_notices", vec![uuid("lot_id"), uuid("tenant_id"), at("created_at")], &["lot_id"]).await?;

    // Periodic notification jobs claim their run with a conditional update of this row, so
    // that replicas do not run a daily job twice.
    table_with_pk(m, "notify_jobs", vec![text("name"), at("last_run_at")], &["name"]).await
}

async fn webhooks(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    table(m, "webhook_endpoints", vec![
        id("id"),
        uuid("tenant_id"),
        text("url"),
        // Kept in the clear: it is the HMAC key every delivery is signed with.
        text("secret"),
        // Comma-separated event names; empty means every event.
        text("events"),
        text_null("description"),
        bool("active", true),
        text("created_by"),
        at("created_at"),
        at("updated_at"),
    ])
    .await?;
    index(m, "webhook_endpoints", "webhook_endpoints_tenant", &["tenant_id", "created_at"], false).await?;

    table(m, "webhook_deliveries", vec![
        id("id"),
        uuid("tenant_id"),
        uuid("endpoint_id"),
        // The outbox message this delivery fans out from; NULL for test events.
        uuid_null("outbox_id"),
        text("event"),
        text("payload"),
        text("status"),
        int("attempts"),
        at("next_attempt_at"),
        at_null("locked_until"),
        int_null("last_status_code"),
        text_null("last_error"),
        at("created_at"),
        at_null("delivered_at"),
    ])
    .await?;
    // One delivery per (endpoint, message): fanning out again after a crash inserts nothing.
    index(m, "webhook_deliveries", "webhook_deliveries_endpoint_outbox", &["endpoint_id", "outbox_id"], true).await?;
    index(m, "webhook_deliveries", "webhook_deliveries_due", &["status", "next_attempt_at"], false).await?;
    index(m, "webhook_deliveries", "webhook_deliveries_tenant", &["tenant_id", "id"], false).await
}
