//! m0007_export_jobs: background exports. A request stores a job; a worker claims it with a
//! lease, writes the CSV file under `data_dir/exports/{tenant}/{id}.csv` and marks it done,
//! and the requester is told by mail (the outbox) when it can be downloaded.

use crate::util::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0007_export_jobs"
    }
}

/// The same tenant-isolation policy as m0006 gave every tenant table that existed then.
const POLICY: &str = "CASE WHEN COALESCE(current_setting('creditloop.tenant', true), '') = '' THEN true \
                      ELSE tenant_id = current_setting('creditloop.tenant', true)::uuid END";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        table(m, "export_jobs", vec![
            id("id"),
            uuid("tenant_id"),
            // entries, statements, balances, payouts, settlements, audit or reconciliation.
            text("kind"),
            // JSON: the filters as the client sent them and the request time (`as_of`).
            text("params"),
            // PENDING, RUNNING (claimed under a lease), DONE or FAILED.
            text("status"),
            uuid("requested_by"),
            // The download's file name (`creditloop-entries-20261101-20261130.csv`).
            text("file_name"),
            fen_null("byte_size"),
            fen_null("row_count"),
            text_null("error"),
            int("attempts"),
            // The claim: a worker's token and how long it holds.
            uuid_null("lease"),
            at_null("locked_until"),
            at("created_at"),
            at_null("started_at"),
            at_null("finished_at"),
            at_null("expires_at"),
        ])
        .await?;
        index(m, "export_jobs", "export_jobs_tenant_created", &["tenant_id", "created_at"], false).await?;
        index(m, "export_jobs", "export_jobs_status", &["status", "locked_until"], false).await?;
        if m.get_database_backend() == DbBackend::Postgres {
            let c = m.get_connection();
            c.execute_unprepared("ALTER TABLE \"export_jobs\" ENABLE ROW LEVEL SECURITY").await?;
            c.execute_unprepared("ALTER TABLE \"export_jobs\" FORCE ROW LEVEL SECURITY").await?;
            c.execute_unprepared(&format!(
                "CREATE POLICY tenant_isolation ON \"export_jobs\" USING ({POLICY}) WITH CHECK ({POLICY})"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop(m, &["export_jobs"]).await
    }
}
