//! The creditloop server: configuration, the one startup path, and the HTTP surface
//! (`/graphql`, health, the web app).
//!
//! Invariants of this crate: it holds no business rules; `main` and every integration test
//! build the application through [`Application::build`].

pub mod config;
mod guard;
mod http;
mod rest;
pub mod telemetry;
mod telemetry_metrics;

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
    worker: Option<tokio::sync::watch::Sender<bool>>,
}

/// The carrier gateway named in the settings.
pub fn carrier(settings: &Settings) -> anyhow::Result<Arc<dyn creditloop_carrier::CarrierGateway>> {
    Ok(match &settings.carrier_url {
        Some(url) => Arc::new(
            creditloop_carrier::HttpCarrier::try_new(url, settings.carrier_timeout_ms).map_err(|e| anyhow::anyhow!("carrier_url: {e}"))?,
        ),
        None => Arc::new(creditloop_carrier::Simulator::new(creditloop_carrier::SimConfig::new(1))),
    })
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
        topup_lease_seconds: settings.topup_lease_secs.max(1),
        worker_housekeeping_ms: settings.worker_housekeeping_ms,
        notify: notify_config(settings)?,
        data_dir: settings.data_dir.clone(),
        import_bytes_max: settings.import_bytes_max.max(1),
        import_rows_max: settings.import_rows_max.max(1),
        ..AppConfig::default()
    })
}

/// Mail and webhook settings, checked so that a typo fails the start rather than every mail.
fn notify_config(settings: &Settings) -> anyhow::Result<creditloop_app::notify::NotifyConfig> {
    let config = creditloop_app::notify::NotifyConfig {
        smtp_url: settings.smtp_url.clone().filter(|u| !u.is_empty()).map(creditloop_app::notify::SmtpUrl::new),
        mail_from: settings.mail_from.clone(),
        mail_dir: settings.mail_dir.clone(),
        public_url: settings.public_url.clone(),
        expiry_notice_days: settings.expiry_notice_days,
        webhook_timeout_ms: settings.webhook_timeout_ms,
        webhook_https_only: settings.mode == Mode::Production,
        ..Default::default()
    };
    config.check().map_err(|e| anyhow::anyhow!(e))?;
    Ok(config)
}

/// Options a test harness may change; `main` uses the defaults.
pub struct BuildOptions {
    pub clock: Arc<dyn Clock>,
    pub password_cost: creditloop_app::auth::PasswordCost,
    pub migrate: bool,
    /// Tests drive the worker by hand for determinism.
    pub workers: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            clock: Arc::new(creditloop_domain::SystemClock),
            password_cost: creditloop_app::auth::PasswordCost::Owasp,
            migrate: true,
            workers: true,
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
        let app = App::new(db, options.clock, app_config(&settings, options.password_cost)?).with_carrier(carrier(&settings)?);
        let listener = TcpListener::bind(&settings.listen).with_context(|| format!("binding {}", settings.listen))?;
        let port = listener.local_addr()?.port();
        let server = http::run(listener, app.clone(), &settings)?;
        let worker = (settings.workers && options.workers).then(|| {
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let worker_app = app.clone();
            tokio::spawn(async move { worker_app.run_worker(stopped).await });
            stop
        });
        Ok(Application { port, server, app, worker })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until stopped (SIGINT/SIGTERM trigger a graceful shutdown), then stops the
    /// worker.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        if let Some(stop) = self.worker {
            let _ = stop.send(true);
        }
        result
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn into_server(self) -> actix_web::dev::Server {
        self.server
    }
}
