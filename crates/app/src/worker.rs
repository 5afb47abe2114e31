//! The background worker: one loop per process that drives top-ups to the carrier, pays due
//! allowance periods, sweeps expired lots, settles due recycles and forgets old idempotency
//! keys. Every piece
//! claims its work in the database (leases, unique run rows, conditional status updates), so
//! any number of replicas may run it at once.

use crate::App;
use std::time::Duration;
use tokio::sync::watch;

/// How often the worker looks for top-ups (everything else: `worker_housekeeping_ms`).
pub const TOPUP_TICK: Duration = Duration::from_millis(250);

#[derive(Debug, Default, Clone, Copy)]
pub struct PassReport {
    pub topups_settled: usize,
    pub periods_paid: usize,
    pub lots_expired: usize,
    pub recycles_settled: usize,
    pub exports_written: usize,
}

impl App {
    /// One pass of everything (the tests and the lifecycle script drive this directly).
    pub async fn run_worker_pass(&self) -> crate::AppResult<PassReport> {
        let topups_settled = self.process_due_topups().await?;
        let periods_paid = self.run_due_schedules().await?;
        let lots_expired = self.sweep_expired().await?.lots;
        let recycles_settled = self.settle_due_recycles().await?;
        let exports_written = self.run_export_jobs().await?;
        self.deliver_notifications().await?;
        Ok(PassReport { topups_settled, periods_paid, lots_expired, recycles_settled, exports_written })
    }

    /// Runs until `stop` turns true. Errors are logged and retried on the next tick: a
    /// database blip must not end the worker.
    pub async fn run_worker(&self, mut stop: watch::Receiver<bool>) {
        let mut topups = tokio::time::interval(TOPUP_TICK);
        let mut housekeeping = tokio::time::interval(Duration::from_millis(self.config.worker_housekeeping_ms.max(100)));
        topups.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        housekeeping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Background exports can take minutes: they run beside the loop (one pass at a time
        // per process), so top-ups and mail do not wait for them.
        let exporting = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        loop {
            tokio::select! {
                _ = stop.changed() => {
                    if *stop.borrow() { return; }
                }
                _ = topups.tick() => {
                    if let Err(e) = self.process_due_topups().await {
                        tracing::warn!(error = %e, "top-up worker pass failed");
                    }
                    if let Err(e) = self.deliver_notifications().await {
                        tracing::warn!(error = %e, "notification delivery pass failed");
                    }
                }
                _ = housekeeping.tick() => {
                    if let Err(e) = self.run_due_schedules().await {
                        tracing::warn!(error = %e, "allowance scheduler pass failed");
                    }
                    if let Err(e) = self.sweep_expired().await {
                        tracing::warn!(error = %e, "expiry sweep failed");
                    }
                    if let Err(e) = self.settle_due_recycles().await {
                        tracing::warn!(error = %e, "recycle settlement failed");
                    }
                    if !exporting.swap(true, std::sync::atomic::Ordering::AcqRel) {
                        let (app, exporting) = (self.clone(), exporting.clone());
                        tokio::spawn(async move {
                            if let Err(e) = app.run_export_jobs().await {
                                tracing::warn!(error = %e, "background export pass failed");
                            }
                            exporting.store(false, std::sync::atomic::Ordering::Release);
                        });
                    }
                    match creditloop_ledger::idempotency::purge(self.db.conn(), self.now()).await {
                        Ok(n) if n > 0 => tracing::info!(keys = n, "forgot expired idempotency keys"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "idempotency purge failed"),
                    }
                }
            }
        }
    }
}
