//! The use-cases of creditloop.
//!
//! Every public operation takes the acting [`Principal`] first and checks one
//! [`Permission`](creditloop_domain::Permission) before it touches data; the tenant always
//! comes from the principal, never from an argument. Mutations run in one write transaction
//! and finish through [`App::finish`], which appends to the tenant's audit chain and commits,
//! or rolls back and records the failure.
//!
//! Invariants of this crate: it never imports actix or async-graphql (only `notify` uses
//! lettre, to deliver the outbox), and it never builds ledger postings itself (it names
//! templates).

pub mod apikeys;
pub mod audit;
pub mod auth;
pub mod demo;
pub mod disputes;
pub mod error;
pub mod exports;
pub mod funds;
pub mod group;
pub mod imports;
pub mod notify;
pub mod outbox;
pub mod policy;
pub mod principal;
pub mod purchases;
pub mod recycle;
pub mod schedules;
pub mod sweep;
pub mod tenants;
pub mod topups;
pub mod users;
pub mod webhooks;
pub mod worker;

pub use error::{AppError, AppResult};
pub use principal::{Actor, Principal};

use creditloop_domain::{Clock, Fen};
use creditloop_ledger::{Db, WriteTx};
use std::sync::Arc;

/// Settings the use-cases need (the server's configuration maps onto this).
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The largest amount any single operation may move.
    pub amount_max: Fen,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub invitation_days: i64,
    /// Lines per batch grant through the API.
    pub batch_grant_rows_max: usize,
    pub password_hashing: auth::PasswordCost,
    /// Failed logins allowed per (account, address) within the window before it is blocked.
    pub login_failures_max: i64,
    /// Failed logins allowed per address within the window (any account).
    pub login_failures_per_ip_max: i64,
    pub login_window_minutes: i64,
    /// How long a worker's claim on a top-up lasts; after a crash another worker takes over
    /// once it lapses.
    pub topup_lease_seconds: i64,
    /// How often the worker runs schedules, the sweep and settlements.
    pub worker_housekeeping_ms: u64,
    /// Mail and webhook delivery.
    pub notify: notify::NotifyConfig,
    /// Where local files live; background exports are written under `exports/` in it.
    pub data_dir: std::path::PathBuf,
    /// Largest CSV import accepted, in bytes.
    pub import_bytes_max: usize,
    /// Most data rows one CSV import may have.
    pub import_rows_max: usize,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            amount_max: Fen::new(10_000_000_00),
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            invitation_days: 7,
            batch_grant_rows_max: 10_000,
            password_hashing: auth::PasswordCost::Owasp,
            login_failures_max: 5,
            login_failures_per_ip_max: 100,
            login_window_minutes: 15,
            topup_lease_seconds: 120,
            worker_housekeeping_ms: 30_000,
            notify: notify::NotifyConfig::default(),
            data_dir: std::path::PathBuf::from("data"),
            import_bytes_max: 20 * 1024 * 1024,
            import_rows_max: 200_000,
        }
    }
}

/// The application: database, clock, carrier gateway and settings. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<AppConfig>,
    pub carrier: Arc<dyn creditloop_carrier::CarrierGateway>,
    /// The queues of single grants waiting for their group commit.
    pub grants: Arc<group::Grouper>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("db", &self.db).field("carrier", &self.carrier.name()).finish()
    }
}

impl App {
    /// An app with the built-in carrier simulator (no faults); see [`App::with_carrier`].
    pub fn new(db: Db, clock: Arc<dyn Clock>, config: AppConfig) -> App {
        let carrier = Arc::new(creditloop_carrier::Simulator::new(creditloop_carrier::SimConfig::new(1)));
        App { db, clock, config: Arc::new(config), carrier, grants: Arc::default() }
    }

    pub fn with_carrier(mut self, carrier: Arc<dyn creditloop_carrier::CarrierGateway>) -> App {
        self.carrier = carrier;
        self
    }

    /// The current time, at microsecond precision: what both databases store, so that a
    /// value read back equals the value written.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        use chrono::SubsecRound;
        self.clock.now().trunc_subsecs(6)
    }

    /// A write transaction scoped to the principal's tenant (row-level security on PostgreSQL).
    pub async fn tx(&self, principal: &Principal) -> AppResult<WriteTx> {
        Ok(self.db.begin_write_for(principal.tenant.0).await?)
    }

    /// Ends a mutation: on success appends the audit event and commits; on failure rolls
    /// back and records the refusal in the audit chain in its own transaction, so that the
    /// attempt is visible even though it changed nothing.
    pub async fn finish<T>(
        &self,
        tx: WriteTx,
        principal: &Principal,
        action: &str,
        target: Option<String>,
        result: AppResult<T>,
    ) -> AppResult<T> {
        match result {
            Ok(value) => {
                audit::append(&*tx, principal, action, target.as_deref(), "ok", None, self.now()).await?;
                tx.commit().await?;
                Ok(value)
            }
            Err(err) => {
                if let Err(rollback) = tx.rollback().await {
                    tracing::error!(error = %rollback, "rollback failed");
                }
                self.audit_refusal(principal, action, target.as_deref(), &err).await;
                Err(err)
            }
        }
    }

    /// Records a refused or failed mutation. Best effort: a failure to record is logged,
    /// never turned into a different answer to the client.
    pub async fn audit_refusal(&self, principal: &Principal, action: &str, target: Option<&str>, err: &AppError) {
        let outcome = err.code().as_str();
        let detail = serde_json::json!({ "message": err.public_message() }).to_string();
        let recorded = async {
            let tx = self.tx(principal).await?;
            audit::append(&*tx, principal, action, target, outcome, Some(&detail), self.now()).await?;
            tx.commit().await?;
            Ok::<(), AppError>(())
        }
        .await;
        if let Err(e) = recorded {
            tracing::error!(error = %e, action, "could not record a refused mutation in the audit log");
        }
    }
}

/// The result of checking every ledger invariant and the audit chain.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub checked_at: chrono::DateTime<chrono::Utc>,
    pub entries_checked: i64,
    pub accounts_checked: i64,
    pub audit_events_checked: i64,
    /// `(check, detail)` for every violation found.
    pub violations: Vec<(String, String)>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.violations.is_empty()
    }
}

impl App {
    /// Verifies one tenant (for its auditors) or, with `None`, every tenant (the CLI).
    pub async fn verify(&self, scope: Option<&Principal>) -> AppResult<VerifyReport> {
        if let Some(principal) = scope {
            principal.require(creditloop_domain::Permission::LedgerVerify)?;
        }
        let tenant = scope.map(|p| p.tenant);
        let ledger = creditloop_ledger::verify::run(self.db.conn(), tenant).await?;
        let chain = audit::verify(self.db.conn(), tenant).await?;
        let mut violations: Vec<(String, String)> =
            ledger.violations.into_iter().map(|v| (v.check.to_owned(), v.detail)).collect();
        violations.extend(chain.violations.into_iter().map(|v| ("audit_chain".to_owned(), v)));
        Ok(VerifyReport {
            checked_at: self.now(),
            entries_checked: ledger.entries_checked,
            accounts_checked: ledger.accounts_checked,
            audit_events_checked: chain.events_checked,
            violations,
        })
    }
}
