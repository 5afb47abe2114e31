//! The database schema, one set of migrations for SQLite and PostgreSQL.
//!
//! Conventions: every tenant-owned table has `tenant_id` leading its indexes (tenants are the
//! unit of sharding); money is `BIGINT` fen; ids are application-generated UUIDv7; times are
//! UTC timestamps. Migrations are forward-only in production; `down` exists for development.

pub use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_topups;
mod m0003_recycle;
mod m0004_csv;
mod m0005_notify;
mod m0006_security;
mod m0007_export_jobs;
mod util;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_topups::Migration),
            Box::new(m0003_recycle::Migration),
            Box::new(m0004_csv::Migration),
            Box::new(m0005_notify::Migration),
            Box::new(m0006_security::Migration),
            Box::new(m0007_export_jobs::Migration),
        ]
    }
}
