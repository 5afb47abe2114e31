//! m0004_csv: CSV imports. An upload is validated in full and stored with its report; a
//! commit applies the stored rows, all or nothing.

use crate::util::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_csv"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        table(m, "imports", vec![
            id("id"),
            uuid("tenant_id"),
            // employees, distributions or allowances.
            text("kind"),
            // UPLOADED, then COMMITTED exactly once.
            text("status"),
            // SHA-256 of the uploaded bytes, lower-case hex: the same file cannot be applied twice.
            text("sha256"),
            int("row_count"),
            // JSON: the report's totals, the normalised rows, the row errors, upload options.
            text("totals"),
            text("rows"),
            text("errors"),
            text("options"),
            // JSON: what the commit did (returned again to a replay with the same key).
            text_null("result"),
            text("created_by"),
            at("created_at"),
            at_null("committed_at"),
        ])
        .await?;
        index(m, "imports", "imports_tenant_file", &["tenant_id", "kind", "sha256"], false).await?;
        index(m, "imports", "imports_tenant_created", &["tenant_id", "created_at"], false).await?;
        // A partial unique index: of all uploads of one file, only one may ever be committed,
        // even when two uploads of it are committed at the same moment. Both databases
        // support partial indexes, which the schema builder cannot express.
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX imports_committed_file ON imports (tenant_id, kind, sha256) WHERE status = 'COMMITTED'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop(m, &["imports"]).await
    }
}
