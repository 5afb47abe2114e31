//! Prometheus metrics: the recorder, and the gauges computed from the database at scrape time
//! (the outbox backlog and its age), so every replica reports the same queue.

use creditloop_app::App;
use creditloop_ledger::store::query_all;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Latency buckets in seconds, from 1 ms to 10 s.
const BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Installs the process-wide recorder once (tests build many apps in one process).
pub fn handle() -> Option<PrometheusHandle> {
    HANDLE
        .get_or_init(|| match PrometheusBuilder::new().set_buckets(BUCKETS).and_then(|b| b.install_recorder()) {
            Ok(handle) => Some(handle),
            Err(e) => {
                tracing::warn!(error = %e, "metrics recorder not installed");
                None
            }
        })
        .clone()
}

/// The metrics page.
pub async fn render(app: &App) -> String {
    let Some(handle) = handle() else { return String::new() };
    if let Err(e) = backlog(app).await {
        tracing::warn!(error = %e, "could not read the outbox backlog");
    }
    handle.render()
}

async fn backlog(app: &App) -> Result<(), creditloop_ledger::DbErr> {
    let now = app.now();
    let rows = query_all(
        app.db.conn(),
        "SELECT kind, COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'PENDING' GROUP BY kind \
         UNION ALL SELECT 'carrier.topup' AS kind, COUNT(*) AS n, MIN(created_at) AS oldest FROM topups WHERE status = 'PENDING'",
        vec![],
    )
    .await?;
    for row in rows {
        let kind: String = row.try_get("", "kind")?;
        let n: i64 = row.try_get("", "n")?;
        let oldest: Option<chrono::DateTime<chrono::Utc>> = row.try_get("", "oldest").ok().flatten();
        let age = oldest.map(|o| (now - o).num_milliseconds() as f64 / 1000.0).unwrap_or(0.0);
        metrics::gauge!("outbox_backlog", "kind" => kind.clone()).set(n as f64);
        metrics::gauge!("outbox_oldest_age_seconds", "kind" => kind).set(age.max(0.0));
    }
    Ok(())
}
