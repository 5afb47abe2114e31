//! Group commit for single grants.
//!
//! Every mutation of a tenant advances the tenant's audit head, and every grant debits the
//! tenant's pool: both are one row each, so concurrent grants of a tenant queue on those row
//! locks, one commit (one fsync) at a time. Instead, a grant joins its tenant's queue; one
//! task per tenant with work takes everything waiting (up to [`GROUP_MAX`]) and writes it as
//! one transaction: one multi-row claim of the idempotency keys (with the answers, whose ids
//! are chosen up front), one conditional debit of the pool for the total, multi-row inserts of
//! the entries, postings, lots, mails and audit events, and one commit. Each grant is still
//! its own entry with its own key, exactly as if it had been written alone.
//!
//! Whatever the group cannot settle for everyone (a key used before, a pool that cannot cover
//! the total, any error) is redone grant by grant through the ordinary single-grant path, in
//! arrival order, so each request gets precisely the answer it would have got alone.

use crate::funds::{GrantOutcome, notify_grants};
use crate::{App, AppError, AppResult, Principal, audit};
use chrono::{DateTime, Utc};
use creditloop_domain::{EntryId, Fen, IdempotencyKey, LotId, TenantId, UserId};
use creditloop_ledger::engine::{self, BatchGrantItem, GroupedGrant};
use creditloop_ledger::idempotency::{self, Prepared};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use tokio::sync::oneshot;

/// The most grants one transaction takes.
pub const GROUP_MAX: usize = 256;

/// A checked single grant, waiting for its group.
struct Job {
    principal: Principal,
    employee: UserId,
    amount: Fen,
    expires_at: DateTime<Utc>,
    memo: Option<String>,
    key: IdempotencyKey,
    reply: oneshot::Sender<AppResult<GrantOutcome>>,
}

impl Job {
    /// What the idempotency key fingerprints: the same as the single path.
    fn request(&self) -> serde_json::Value {
        crate::funds::grant_request(self.employee, self.amount, self.expires_at, &self.memo)
    }

    fn audit_target(&self) -> String {
        format!("user:{} amount:{}", self.employee, self.amount)
    }
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    running: bool,
}

/// The per-tenant queues. Shared by every clone of the [`App`].
#[derive(Default)]
pub struct Grouper {
    queues: Mutex<HashMap<TenantId, Queue>>,
}

impl std::fmt::Debug for Grouper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grouper").finish_non_exhaustive()
    }
}

impl Grouper {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TenantId, Queue>> {
        // A poisoned lock only means a panic elsewhere while holding it; the queue itself is
        // always in a consistent state (pushes and drains are single operations).
        self.queues.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes the next group of a tenant, or marks the tenant idle when nothing waits.
    fn next_group(&self, tenant: TenantId) -> Vec<Job> {
        let mut queues = self.lock();
        let Some(queue) = queues.get_mut(&tenant) else { return Vec::new() };
        let take = queue.jobs.len().min(GROUP_MAX);
        let jobs: Vec<Job> = queue.jobs.drain(..take).collect();
        if jobs.is_empty() {
            queues.remove(&tenant);
        }
        jobs
    }
}

/// Marks a tenant's queue idle and fails what is left if its task ends abnormally (a panic),
/// so that no request waits forever and the next grant starts a new task.
struct RunningGuard<'a> {
    grouper: &'a Grouper,
    tenant: TenantId,
    finished: bool,
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        if !self.finished {
            // Dropping the jobs drops their reply senders: each waiting request gets an error.
            self.grouper.lock().remove(&self.tenant);
        }
    }
}

impl App {
    /// Queues a checked grant for its tenant's next group and waits for its answer.
    pub(crate) async fn submit_grant(
        &self,
        principal: Principal,
        employee: UserId,
        amount: Fen,
        expires_at: DateTime<Utc>,
        memo: Option<String>,
        key: IdempotencyKey,
    ) -> AppResult<GrantOutcome> {
        let tenant = principal.tenant;
        let (reply, answer) = oneshot::channel();
        let job = Job { principal, employee, amount, expires_at, memo, key, reply };
        let start = {
            let mut queues = self.grants.lock();
            let queue = queues.entry(tenant).or_default();
            queue.jobs.push_back(job);
            !std::mem::replace(&mut queue.running, true)
        };
        if start {
            // Its own task: a client that goes away must not stop the group it leads.
            let app = self.clone();
            tokio::spawn(async move { app.run_groups(tenant).await });
        }
        answer.await.map_err(|_| AppError::internal("the grant's group ended without an answer"))?
    }

    async fn run_groups(&self, tenant: TenantId) {
        let mut guard = RunningGuard { grouper: &self.grants, tenant, finished: false };
        loop {
            let jobs = self.grants.next_group(tenant);
            if jobs.is_empty() {
                guard.finished = true;
                return;
            }
            metrics::histogram!("ledger_group_commit_size").record(jobs.len() as f64);
            self.run_group(tenant, jobs).await;
        }
    }

    async fn run_group(&self, tenant: TenantId, jobs: Vec<Job>) {
        // A key twice in one group: the later request waits for the first's answer (a replay
        // or a conflict), so it goes the single way after the group.
        let mut seen = HashSet::new();
        let (group, mut alone): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|j| seen.insert(j.key.as_str().to_owned()));
        let mut later = Vec::new();
        match self.write_group(tenant, &group).await {
            Ok(done) => {
                for (job, outcome) in group.into_iter().zip(done) {
                    match outcome {
                        Some(outcome) => {
                            let _ = job.reply.send(Ok(outcome));
                        }
                        None => later.push(job),
                    }
                }
            }
            Err(err) => {
                tracing::debug!(error = %err, size = group.len(), "a grant group went the single way");
                later = group;
            }
        }
        later.append(&mut alone);
        for job in later {
            let result = self.grant_alone(&job.principal, job.employee, job.amount, job.expires_at, job.memo.clone(), &job.key).await;
            let _ = job.reply.send(result);
        }
    }

    /// Writes the group in one transaction. Returns each grant's outcome, or `None` for a
    /// grant whose key was used before (it goes the single way); an error means nothing was
    /// written.
    async fn write_group(&self, tenant: TenantId, jobs: &[Job]) -> AppResult<Vec<Option<GrantOutcome>>> {
        let now = self.now();
        let outcomes: Vec<GrantOutcome> =
            jobs.iter().map(|_| GrantOutcome { entry_id: EntryId::generate(), lot_id: LotId::generate() }).collect();
        let hashes: Vec<String> =
            jobs.iter().map(|j| idempotency::request_hash("grants.create", &j.request().to_string())).collect();
        let responses: Vec<String> = outcomes.iter().map(serde_json::to_string).collect::<Result<_, _>>()?;
        let claims: Vec<Prepared<'_>> = jobs
            .iter()
            .zip(&hashes)
            .zip(&responses)
            .map(|((job, hash), response)| Prepared {
                key: job.key.as_str(),
                operation: "grants.create",
                request_hash: hash,
                response,
            })
            .collect();
        let tx = self.db.begin_write_for(tenant.0).await?;
        let written = async {
            let claimed = idempotency::claim_many(&*tx, tenant, &claims, now).await?;
            let fresh: Vec<bool> = jobs.iter().map(|j| claimed.contains(j.key.as_str())).collect();
            let grants: Vec<GroupedGrant> = jobs
                .iter()
                .zip(&outcomes)
                .zip(&fresh)
                .filter(|(_, fresh)| **fresh)
                .map(|((job, outcome), _)| GroupedGrant {
                    entry_id: outcome.entry_id,
                    lot_id: outcome.lot_id,
                    item: BatchGrantItem {
                        employee: job.employee,
                        amount: job.amount,
                        expires_at: job.expires_at,
                        memo: job.memo.clone(),
                    },
                    meta: engine::Meta {
                        idempotency_key: job.key.as_str().to_owned(),
                        created_by: job.principal.label(),
                        memo: job.memo.clone(),
                        metadata: None,
                    },
                })
                .collect();
            if grants.is_empty() {
                return Ok(fresh);
            }
            engine::grant_group(&*tx, tenant, now, &grants).await?;
            let notes: Vec<_> =
                grants.iter().map(|g| (g.item.employee, g.entry_id, g.item.amount, g.item.expires_at)).collect();
            notify_grants(&*tx, tenant, &notes, now).await?;
            let targets: Vec<String> = jobs.iter().map(Job::audit_target).collect();
            let events: Vec<audit::Event<'_>> = jobs
                .iter()
                .zip(&targets)
                .zip(&fresh)
                .filter(|(_, fresh)| **fresh)
                .map(|((job, target), _)| audit::Event {
                    principal: &job.principal,
                    action: "grants.create",
                    target: Some(target),
                    outcome: "ok",
                    details: None,
                })
                .collect();
            audit::append_many(&*tx, tenant, &events, now).await?;
            Ok::<_, AppError>(fresh)
        }
        .await;
        match written {
            Ok(fresh) => {
                tx.commit().await?;
                Ok(outcomes.into_iter().zip(fresh).map(|(outcome, fresh)| fresh.then_some(outcome)).collect())
            }
            Err(err) => {
                if let Err(rollback) = tx.rollback().await {
                    tracing::error!(error = %rollback, "rollback failed");
                }
                Err(err)
            }
        }
    }
}
