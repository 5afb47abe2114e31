//! The creditloop server: configuration, the one startup path, and the HTTP surface
//! (`/graphql`, health, the web app).
//!
//! Invariants of this crate: it holds no business rules; `main` and every integration test
//! build the application through [`Application::build`].

pub mod config;
mod http;
pub mod telemetry;

pub use config::{Mode, Settings};

use anyhow::Context as _;
use creditloop_app::{App, AppConfig};
use creditloop_domain::{Clock, Fen};
use creditloop_ledger::{Db, DbOptions};
use migration::MigratorTrait;
use std::net::TcpListener;
use std::sync::Arc;

/// A built application: bound, migrated, not yet running.
pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    pub app: App,
}

/// Opens the database named in the settings, creating the SQLite directory if needed.
pub async fn connect(settings: &Settings) -> anyhow::Result<Db> {
    if settings.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating the data directory {}", settings.data_dir.display()))?;
    }
    let db = Db::connect(&DbOptions {
        url: settings.database_url.clone(),
        pool_max: settings.db_pool_max,
        acquire_timeout_ms: settings.db_acquire_timeout_ms,
    })
    .await
    .context("connecting to the database")?;
    Ok(db)
}

pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    migration::Migrator::up(db.conn(), None).await.context("applying migrations")
}

/// Maps settings to the use-cases' configuration.
pub fn app_config(settings: &Settings, password_cost: creditloop_app::auth::PasswordCost) -> anyhow::Result<AppConfig> {
    let amount_max = Fen::parse(&settings.amount_max).map_err(|e| anyhow::anyhow!("amount_max: {e}"))?;
    Ok(AppConfig {
        amount_max,
        session_idle_minutes: settings.session_idle_minutes,
        session_absolute_hours: settings.session_absolute_hours,
        batch_grant_rows_max: settings.batch_grant_rows_max,
        password_hashing: password_cost,
        ..AppConfig::default()
    })
}

/// Options a test harness may change; `main` uses the defaults.
pub struct BuildOptions {
    pub clock: Arc<dyn Clock>,
    pub password_cost: creditloop_app::auth::PasswordCost,
    pub migrate: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            clock: Arc::new(creditloop_domain::SystemClock),
            password_cost: creditloop_app::auth::PasswordCost::Owasp,
            migrate: true,
        }
    }
}

impl Application {
    pub async fn build(settings: Settings, options: BuildOptions) -> anyhow::Result<Application> {
        if settings.mode == Mode::Production && options.password_cost != creditloop_app::auth::PasswordCost::Owasp {
            anyhow::bail!("production mode requires OWASP password hashing");
        }
        let db = connect(&settings).await?;
        if options.migrate {
            migrate(&db).await?;
        }
        let app = App::new(db, options.clock, app_config(&settings, options.password_cost)?);
        let listener = TcpListener::bind(&settings.listen).with_context(|| format!("binding {}", settings.listen))?;
        let port = listener.local_addr()?.port();
        let server = http::run(listener, app.clone(), &settings)?;
        Ok(Application { port, server, app })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until stopped (SIGINT/SIGTERM trigger a graceful shutdown).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn into_server(self) -> actix_web::dev::Server {
        self.server
    }
}
