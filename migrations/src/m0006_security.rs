//! Row-level security on PostgreSQL: a second line of tenant isolation under the
//! application's own tenant filters.
//!
//! Every table with a `tenant_id` column gets a policy that, when the transaction has set
//! `creditloop.tenant` (with `set_config(..., true)`: local to the transaction, so it can
//! never leak to the next user of a pooled connection), hides every other tenant's rows,
//! even from a query that forgets its `WHERE tenant_id = ...`. Platform work (workers that
//! claim jobs across tenants, the CLI's `verify`) runs without the setting. The policy is
//! FORCEd so it holds for the table owner too; PostgreSQL superusers and roles with
//! BYPASSRLS are never subject to it, so production runs the server as an ordinary role (see
//! docs/operations.md). SQLite has no row-level security: this migration does nothing there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_security"
    }
}

const POLICY: &str = "CASE WHEN COALESCE(current_setting('creditloop.tenant', true), '') = '' THEN true \
                      ELSE tenant_id = current_setting('creditloop.tenant', true)::uuid END";

async fn tenant_tables(m: &SchemaManager<'_>) -> Result<Vec<String>, DbErr> {
    let rows = m
        .get_connection()
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() \
             AND column_name = 'tenant_id' ORDER BY table_name",
        ))
        .await?;
    rows.iter().map(|r| r.try_get::<String>("", "table_name")).collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let c = m.get_connection();
        for table in tenant_tables(m).await? {
            c.execute_unprepared(&format!("ALTER TABLE \"{table}\" ENABLE ROW LEVEL SECURITY")).await?;
            c.execute_unprepared(&format!("ALTER TABLE \"{table}\" FORCE ROW LEVEL SECURITY")).await?;
            c.execute_unprepared(&format!(
                "CREATE POLICY tenant_isolation ON \"{table}\" USING ({POLICY}) WITH CHECK ({POLICY})"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let c = m.get_connection();
        for table in tenant_tables(m).await? {
            c.execute_unprepared(&format!("DROP POLICY IF EXISTS tenant_isolation ON \"{table}\"")).await?;
            c.execute_unprepared(&format!("ALTER TABLE \"{table}\" NO FORCE ROW LEVEL SECURITY")).await?;
            c.execute_unprepared(&format!("ALTER TABLE \"{table}\" DISABLE ROW LEVEL SECURITY")).await?;
        }
        Ok(())
    }
}
