//! Top-ups (which are also the carrier work queue), one-time codes, allowance schedules and
//! their runs, and disputes.

use crate::util::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0002_topups"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A top-up row is written in the same transaction as its hold, so it is also the
        // outbox of the carrier call: workers claim due rows with a lease (`locked_until`).
        table(m, "topups", vec![
            id("id"),
            uuid("tenant_id"),
            uuid("user_id"),
            text("phone"),
            text("operator"),
            fen("amount"),
            text("status"),
            uuid("entry_id"),
            text_null("review_reason"),
            text_null("failure_reason"),
            text("created_by"),
            int("attempts"),
            at("next_attempt_at"),
            at_null("locked_until"),
            at("created_at"),
            at_null("completed_at"),
        ])
        .await?;
        index(m, "topups", "topups_due", &["status", "next_attempt_at"], false).await?;
        index(m, "topups", "topups_tenant_user_created", &["tenant_id", "user_id", "created_at"], false).await?;
        index(m, "topups", "topups_tenant_phone", &["tenant_id", "phone", "created_at"], false).await?;
        index(m, "topups", "topups_tenant_status", &["tenant_id", "status", "created_at"], false).await?;
        index(m, "topups", "topups_entry", &["entry_id"], true).await?;

        table(m, "one_time_codes", vec![
            id("id"),
            uuid("tenant_id"),
            uuid("user_id"),
            text("phone"),
            text("code_hash"),
            int("attempts"),
            at("expires_at"),
            at_null("used_at"),
            at("created_at"),
        ])
        .await?;
        index(m, "one_time_codes", "one_time_codes_user", &["tenant_id", "user_id", "phone", "created_at"], false).await?;

        table(m, "allowance_schedules", vec![
            id("id"),
            uuid("tenant_id"),
            text("name"),
            fen("amount"),
            text("frequency"),
            int_null("day_of_month"),
            int_null("day_of_week"),
            text("target"),
            text_null("department"),
            text_null("employee_ids"),
            int_null("expiry_days"),
            bool("expire_at_period_end", true),
            bool("paused", false),
            at_null("next_run_at"),
            at_null("retry_after"),
            text_null("last_error"),
            text("created_by"),
            at("created_at"),
        ])
        .await?;
        index(m, "allowance_schedules", "allowance_schedules_due", &["paused", "next_run_at"], false).await?;
        index(m, "allowance_schedules", "allowance_schedules_tenant", &["tenant_id", "created_at"], false).await?;

        // One row per schedule and period: the unique index is what makes a period impossible
        // to pay twice, across restarts and replicas.
        table(m, "allowance_runs", vec![
            id("id"),
            uuid("tenant_id"),
            uuid("schedule_id"),
            text("period"),
            text("status"),
            int("count"),
            fen("total"),
            uuid_null("batch_id"),
            text_null("error"),
            at("started_at"),
            at_null("finished_at"),
        ])
        .await?;
        index(m, "allowance_runs", "allowance_runs_period", &["schedule_id", "period"], true).await?;
        index(m, "allowance_runs", "allowance_runs_tenant", &["tenant_id", "started_at"], false).await?;

        table(m, "disputes", vec![
            id("id"),
            uuid("tenant_id"),
            uuid("topup_id"),
            uuid("user_id"),
            text("reason"),
            text("status"),
            text_null("resolution"),
            uuid_null("resolved_by"),
            uuid_null("refund_entry_id"),
            at("created_at"),
            at_null("resolved_at"),
        ])
        .await?;
        index(m, "disputes", "disputes_tenant_status", &["tenant_id", "status", "created_at"], false).await?;
        index(m, "disputes", "disputes_topup", &["tenant_id", "topup_id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop(m, &["disputes", "allowance_runs", "allowance_schedules", "one_time_codes", "topups"]).await
    }
}
