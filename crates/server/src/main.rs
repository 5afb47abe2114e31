//! The `creditloop` command.

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use creditloop_server::{config::Settings, Application, BuildOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "creditloop", version, about = "Prepaid mobile credit as a company asset")]
struct Cli {
    /// A TOML configuration file (also `CREDITLOOP_CONFIG`).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the HTTP server (applies migrations first).
    Serve {
        /// Skip migrations (when a separate job applies them).
        #[arg(long)]
        no_migrate: bool,
        /// Create the demo tenant if missing and print its logins before serving.
        #[arg(long)]
        demo: bool,
    },
    /// Applies pending migrations and exits.
    Migrate,
    /// Prints the GraphQL schema (SDL), as checked in at schema.graphql.
    Schema,
    /// Prints the permission table, as checked in at docs/permissions.md.
    Permissions,
    /// Checks every ledger invariant and audit chain; exits 1 on any violation.
    Verify,
    /// Creates the demo tenant (once) and prints its logins.
    Demo,
    /// Compares the carrier's view of every top-up with the ledger; exits 1 on any mismatch.
    Reconcile,
    /// Creates a tenant and its owner (a platform operator's task). The owner's password
    /// comes from CREDITLOOP_OWNER_PASSWORD.
    TenantCreate {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "Asia/Shanghai")]
        timezone: String,
        #[arg(long)]
        owner_email: String,
        #[arg(long)]
        owner_name: String,
    },
    /// Exits 0 when the server at the URL answers /healthz (for container health checks).
    Healthcheck {
        #[arg(long, default_value = "http://127.0.0.1:8080/healthz")]
        url: String,
    },
    /// Serves the carrier gateway simulator over HTTP, with fault injection.
    CarrierSim {
        #[arg(long, default_value = "127.0.0.1:9090")]
        listen: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
        #[arg(long, default_value_t = 0.0)]
        failure_rate: f64,
        #[arg(long, default_value_t = 0.0)]
        timeout_rate: f64,
        #[arg(long, default_value_t = 0.0)]
        unknown_rate: f64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(cli.config).context("reading the configuration")?;
    // Held to the end of `run`: dropping it flushes buffered trace spans.
    let _telemetry = creditloop_server::telemetry::init(&settings);
    match cli.command {
        Command::Serve { no_migrate, demo } => {
            let app = Application::build(settings.clone(), BuildOptions { migrate: !no_migrate, ..BuildOptions::default() }).await?;
            if demo {
                print_demo(&app.app.seed_demo().await.map_err(|e| anyhow::anyhow!("{e}"))?, Some(&settings));
            }
            tracing::info!(port = app.port(), "creditloop is listening");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = creditloop_server::connect(&settings).await?;
            creditloop_server::migrate(&db).await?;
            println!("migrations applied");
        }
        Command::Schema => print!("{}", creditloop_graphql::sdl()),
        Command::Permissions => print!("{}", creditloop_domain::role::permission_table_markdown()),
        Command::Verify => return verify(&settings).await,
        Command::Reconcile => {
            let app = offline_app(&settings).await?;
            let mismatches = app.reconcile(None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            for m in &mismatches {
                println!("MISMATCH topup {} (tenant {}): ledger {} / carrier {}", m.topup_id, m.tenant_id, m.ledger, m.carrier);
            }
            println!("reconcile: {} mismatch(es)", mismatches.len());
            return Ok(if mismatches.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) });
        }
        Command::Demo => {
            let app = offline_app(&settings).await?;
            print_demo(&app.seed_demo().await.map_err(|e| anyhow::anyhow!("{e}"))?, None);
        }
        Command::TenantCreate { slug, name, timezone, owner_email, owner_name } => {
            let password = std::env::var("CREDITLOOP_OWNER_PASSWORD").context("set CREDITLOOP_OWNER_PASSWORD")?;
            let app = offline_app(&settings).await?;
            let (tenant, owner) = app
                .create_tenant(&slug, &name, &timezone, &owner_email, &owner_name, &password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("tenant {} ({}) created; owner {owner_email} ({owner})", tenant.slug, tenant.id);
        }
        Command::Healthcheck { url } => {
            let ok = reqwest::Client::new()
                .get(&url)
                .timeout(std::time::Duration::from_secs(3))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            return Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE });
        }
        Command::CarrierSim { listen, seed, latency_ms, failure_rate, timeout_rate, unknown_rate } => {
            let config = creditloop_carrier::SimConfig::try_new(seed, latency_ms, failure_rate, timeout_rate, unknown_rate)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let listener = std::net::TcpListener::bind(&listen).with_context(|| format!("binding {listen}"))?;
            println!("carrier simulator listening on http://{}", listener.local_addr()?);
            creditloop_carrier::serve(listener, Arc::new(creditloop_carrier::Simulator::new(config))).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The application without an HTTP listener, for CLI tasks.
async fn offline_app(settings: &Settings) -> anyhow::Result<creditloop_app::App> {
    let db = creditloop_server::connect(settings).await?;
    creditloop_server::migrate(&db).await?;
    let config = creditloop_server::app_config(settings, creditloop_app::auth::PasswordCost::Owasp)?;
    Ok(creditloop_app::App::new(db, Arc::new(creditloop_domain::SystemClock), config).with_carrier(creditloop_server::carrier(settings)?))
}

async fn verify(settings: &Settings) -> anyhow::Result<ExitCode> {
    let app = offline_app(settings).await?;
    let report = app.verify(None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "checked {} entries, {} accounts, {} audit events",
        report.entries_checked, report.accounts_checked, report.audit_events_checked
    );
    if report.ok() {
        println!("verify: ok — every invariant holds");
        return Ok(ExitCode::SUCCESS);
    }
    for (check, detail) in &report.violations {
        println!("VIOLATION {check}: {detail}");
    }
    println!("verify: {} violation(s)", report.violations.len());
    Ok(ExitCode::from(1))
}

fn print_demo(report: &creditloop_app::demo::DemoReport, settings: Option<&Settings>) {
    let verb = if report.created { "created" } else { "already present" };
    println!("\nDemo tenant {verb}. Sign in with any of these (password: {}):", report.password);
    for login in &report.logins {
        println!("  {:<9} {:<32} {}", login.role, login.email, login.name);
    }
    if let Some(settings) = settings {
        println!("\nOpen http://{}/ in a browser.\n", settings.listen);
    }
}
