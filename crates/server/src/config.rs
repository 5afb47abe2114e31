//! Configuration: defaults, then an optional TOML file (`--config` or `CREDITLOOP_CONFIG`),
//! then environment variables `CREDITLOOP_<KEY>` (e.g. `CREDITLOOP_DATABASE_URL`).

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://data/creditloop.db?mode=rwc` (default) or `postgres://user@host/db`.
    pub database_url: String,
    /// Address and port to listen on.
    pub listen: String,
    /// `production` turns off introspection and demands secure cookies.
    pub mode: Mode,
    /// Where the SQLite database and other local files live (background exports are written
    /// under `exports/` in it; replicas must share it).
    pub data_dir: PathBuf,
    /// The built web app (`frontend/dist`); served at `/` when it exists.
    pub frontend_dir: PathBuf,
    pub log_format: LogFormat,
    /// A tracing filter, e.g. `info` or `creditloop=debug,info`.
    pub log_level: String,
    pub db_pool_max: u32,
    pub db_acquire_timeout_ms: u64,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// Largest request body accepted, in bytes.
    pub body_bytes_max: usize,
    pub graphql_depth_max: usize,
    pub graphql_complexity_max: usize,
    pub graphql_aliases_max: usize,
    pub graphql_batch_max: usize,
    /// GraphQL introspection; defaults to on in development and off in production.
    pub introspection: Option<bool>,
    /// Largest amount one operation may move, e.g. "10000000.00".
    pub amount_max: String,
    /// Lines per batch grant through the API.
    pub batch_grant_rows_max: usize,
    /// Seconds a graceful shutdown waits for requests in flight.
    pub shutdown_timeout_secs: u64,
    /// Run the background worker (top-ups, schedules, sweeps) in this process.
    pub workers: bool,
    /// The carrier gateway's base URL (`creditloop carrier-sim` speaks its protocol). Unset:
    /// the built-in simulator.
    pub carrier_url: Option<String>,
    /// How long one carrier call may take before it counts as a timeout.
    pub carrier_timeout_ms: u64,
    /// A worker's lease on a top-up; a crashed worker's work is taken over after it.
    pub topup_lease_secs: i64,
    /// How often the worker runs schedules, the expiry sweep and recycle settlement.
    pub worker_housekeeping_ms: u64,
    /// The SMTP server: `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://...`
    /// or plain `smtp://host:25`. A secret: it may carry the password. Unset: mail is written
    /// to `mail_dir` as `.eml` files.
    pub smtp_url: Option<String>,
    /// The `From` of every mail.
    pub mail_from: String,
    /// Where mail goes when no `smtp_url` is set.
    pub mail_dir: PathBuf,
    /// The web app's address, for links in mail (invitations).
    pub public_url: String,
    /// "Expiring soon" mail goes out this many days before a lot expires.
    pub expiry_notice_days: i64,
    /// How long one webhook call may take.
    pub webhook_timeout_ms: u64,
    /// Requests per minute from one client address to the API (0: no limit).
    pub rate_limit_per_ip_per_minute: u32,
    /// Requests per minute with one API key (0: no limit).
    pub rate_limit_per_key_per_minute: u32,
    /// Origins allowed to call the API from a browser, comma-separated; empty turns CORS off.
    pub cors_origins: String,
    /// An OpenTelemetry collector's OTLP/HTTP base URL (e.g. `http://otel-collector:4318`);
    /// unset: no trace export.
    pub otel_endpoint: Option<String>,
    /// Largest CSV import accepted, in bytes (the file itself; the multipart framing around
    /// it is allowed on top).
    pub import_bytes_max: usize,
    /// Most data rows one CSV import may have.
    pub import_rows_max: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "sqlite://data/creditloop.db?mode=rwc".into(),
            listen: "127.0.0.1:8080".into(),
            mode: Mode::Development,
            data_dir: PathBuf::from("data"),
            frontend_dir: PathBuf::from("frontend/dist"),
            log_format: LogFormat::Pretty,
            log_level: "info".into(),
            db_pool_max: 16,
            db_acquire_timeout_ms: 10_000,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            body_bytes_max: 1024 * 1024,
            graphql_depth_max: 12,
            graphql_complexity_max: 2_000,
            graphql_aliases_max: 30,
            graphql_batch_max: 10,
            introspection: None,
            amount_max: "10000000.00".into(),
            batch_grant_rows_max: 10_000,
            shutdown_timeout_secs: 30,
            workers: true,
            carrier_url: None,
            carrier_timeout_ms: 5_000,
            topup_lease_secs: 120,
            worker_housekeeping_ms: 30_000,
            smtp_url: None,
            mail_from: "creditloop <noreply@creditloop.localhost>".into(),
            mail_dir: PathBuf::from("./data/mail"),
            public_url: "http://127.0.0.1:8080".into(),
            expiry_notice_days: 7,
            webhook_timeout_ms: 10_000,
            rate_limit_per_ip_per_minute: 1_200,
            rate_limit_per_key_per_minute: 6_000,
            cors_origins: String::new(),
            otel_endpoint: None,
            import_bytes_max: 20 * 1024 * 1024,
            import_rows_max: 200_000,
        }
    }
}

/// `CREDITLOOP_*` variables that are not settings: the CLI's own (`CONFIG`, `OWNER_PASSWORD`)
/// and the browser tests' server address (`URL`)...
const NOT_SETTINGS: &[&str] = &["config", "owner_password", "url"];
/// ...and the test, simulation, crash, history, property and fuzzing tools' knobs, so that a
/// seed exported to replay one test never stops a server another test starts.
const NOT_SETTINGS_PREFIXES: &[&str] = &["test_", "sim_", "crash_", "history_", "proptest_", "fuzz_"];

impl Settings {
    pub fn load(file: Option<PathBuf>) -> Result<Settings, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        let file = file.or_else(|| std::env::var_os("CREDITLOOP_CONFIG").map(PathBuf::from));
        if let Some(path) = file {
            figment = figment.merge(Toml::file_exact(path));
        }
        figment
            // Variables that belong to other tools (the CLI's owner password, the test
            // harness) share the prefix but are not settings.
            .merge(Env::prefixed("CREDITLOOP_").filter(|key| {
                // Keys keep the variable's case (`TEST_RUN_ID`): compare without it.
                let key = key.as_str().to_ascii_lowercase();
                !NOT_SETTINGS.contains(&key.as_str()) && !NOT_SETTINGS_PREFIXES.iter().any(|p| key.starts_with(p))
            }))
            .extract()
            .map_err(Box::new)
    }

    pub fn introspection_enabled(&self) -> bool {
        self.introspection.unwrap_or(self.mode == Mode::Development)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_of_other_tools_are_not_settings() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CREDITLOOP_TEST_RUN_ID", "123");
            jail.set_env("CREDITLOOP_SIM_SEED", "7");
            jail.set_env("CREDITLOOP_CRASH_SEED", "7");
            jail.set_env("CREDITLOOP_HISTORY_SEED", "7");
            jail.set_env("CREDITLOOP_OWNER_PASSWORD", "x");
            jail.set_env("CREDITLOOP_LISTEN", "127.0.0.1:9999");
            let settings = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(settings.listen, "127.0.0.1:9999");
            Ok(())
        });
    }

    #[test]
    fn an_unknown_setting_stops_the_start() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("CREDITLOOP_LISTN", "127.0.0.1:9999");
            assert!(Settings::load(None).is_err());
            Ok(())
        });
    }
}
