//! The built-in carrier: deterministic, with injectable faults.
//!
//! The simulator exists so that the top-up flow can be exercised against the failures that
//! matter — definite rejections, lost responses and status queries that cannot be answered —
//! and so that a failing run can be replayed exactly. Every random-looking choice is a pure
//! function of `(seed, order id, which call, attempt number of that call for that order)`,
//! hashed with SHA-256; there is no RNG state, so the outcome for an order does not depend
//! on how calls for *other* orders interleave.
//!
//! Semantics of a submit of an order id the simulator has not recorded:
//! - with probability `failure_rate`: recorded `Failed`, answers `Failed` (definite);
//! - with probability `timeout_rate`: a lost response — the order is delivered or not,
//!   50/50, and the caller gets `Err(Timeout)` either way;
//! - otherwise: recorded `Delivered`, answers `Delivered`.
//!
//! A submit of a recorded order id never delivers again; it answers the recorded state. A
//! status query answers the recorded state (or `NotFound`), except that with probability
//! `unknown_rate` it answers `Err(StatusUnknown)`, which is transient.
//!
//! Each call decides at once and only then waits a deterministic latency in
//! `0..=latency_ms` before answering, so a caller that gives up early has lost a real
//! response: the order may already be delivered.

use crate::gateway::{CarrierError, CarrierGateway, CarrierOrder, OrderStatus, SubmitOutcome};
use async_trait::async_trait;
use creditloop_domain::phone::{Operator, PhoneNumber};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Latencies above this are refused: a simulator that sleeps for minutes is a mistake.
pub const LATENCY_MS_MAX: u64 = 60_000;

/// Why a configuration was refused. Shared by the simulator and the HTTP adapter.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} must be a number between 0 and 1, got {value}")]
    Rate { name: &'static str, value: f64 },
    #[error("failure_rate + timeout_rate must not exceed 1 (they split the submits), got {sum}")]
    RatesSum { sum: f64 },
    #[error("latency_ms must be at most {LATENCY_MS_MAX}, got {value}")]
    Latency { value: u64 },
    #[error("invalid carrier base URL: {0}")]
    BaseUrl(String),
    #[error("invalid timeout_ms: {0}")]
    Timeout(String),
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// The simulator's behaviour. Always valid: built only by [`SimConfig::new`] and
/// [`SimConfig::try_new`] (or deserialised through them).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SimConfigPatch")]
pub struct SimConfig {
    seed: u64,
    latency_ms: u64,
    failure_rate: f64,
    timeout_rate: f64,
    unknown_rate: f64,
}

/// A partial change to a [`SimConfig`]: fields left out keep their value. This is the body
/// of `PUT /v1/config`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfigPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_rate: Option<f64>,
}

impl SimConfig {
    /// A carrier that answers at once and always delivers.
    pub fn new(seed: u64) -> SimConfig {
        SimConfig {
            seed,
            latency_ms: 0,
            failure_rate: 0.0,
            timeout_rate: 0.0,
            unknown_rate: 0.0,
        }
    }

    /// Checks that each rate lies in `0..=1`, that failures and timeouts together do not
    /// exceed every submit, and that the latency is sane.
    pub fn try_new(
        seed: u64,
        latency_ms: u64,
        failure_rate: f64,
        timeout_rate: f64,
        unknown_rate: f64,
    ) -> Result<SimConfig, ConfigError> {
        check_rate("failure_rate", failure_rate)?;
        check_rate("timeout_rate", timeout_rate)?;
        check_rate("unknown_rate", unknown_rate)?;
        let sum = failure_rate + timeout_rate;
        if sum > 1.0 {
            return Err(ConfigError::RatesSum { sum });
        }
        if latency_ms > LATENCY_MS_MAX {
            return Err(ConfigError::Latency { value: latency_ms });
        }
        Ok(SimConfig {
            seed,
            latency_ms,
            failure_rate,
            timeout_rate,
            unknown_rate,
        })
    }

    /// This configuration with the fields of `patch` that are set replaced.
    pub fn try_patch(self, patch: &SimConfigPatch) -> Result<SimConfig, ConfigError> {
        SimConfig::try_new(
            patch.seed.unwrap_or(self.seed),
            patch.latency_ms.unwrap_or(self.latency_ms),
            patch.failure_rate.unwrap_or(self.failure_rate),
            patch.timeout_rate.unwrap_or(self.timeout_rate),
            patch.unknown_rate.unwrap_or(self.unknown_rate),
        )
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn latency_ms(&self) -> u64 {
        self.latency_ms
    }
    pub fn failure_rate(&self) -> f64 {
        self.failure_rate
    }
    pub fn timeout_rate(&self) -> f64 {
        self.timeout_rate
    }
    pub fn unknown_rate(&self) -> f64 {
        self.unknown_rate
    }
}

impl TryFrom<SimConfigPatch> for SimConfig {
    type Error = ConfigError;

    /// A full configuration from a patch; fields left out are those of
    /// `SimConfig::new(0)`.
    fn try_from(patch: SimConfigPatch) -> Result<Self, Self::Error> {
        SimConfig::new(0).try_patch(&patch)
    }
}

fn check_rate(name: &'static str, value: f64) -> Result<(), ConfigError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        // NaN fails `contains` too, so it lands here.
        Err(ConfigError::Rate { name, value })
    }
}

/// Counters for reconciliation and for the "never twice" check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SimStats {
    /// Deliveries performed, over all orders.
    pub deliveries: u64,
    /// Orders recorded (delivered or failed).
    pub orders: u64,
    /// Deliveries beyond the first for any order. Must be 0.
    pub duplicate_deliveries: u64,
}

/// Which call a draw is for; part of the hash input so that calls do not share outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Call {
    Submit,
    Status,
}

impl Call {
    fn tag(self) -> u8 {
        match self {
            Call::Submit => b's',
            Call::Status => b'q',
        }
    }
}

/// The pseudo-random facts of one call, all derived from one SHA-256 digest.
#[derive(Debug, Clone, Copy)]
struct Draw {
    /// Uniform in `[0, 1)`; compared against the configured rates.
    unit: f64,
    /// A fair coin: whether a lost response was lost after delivering.
    coin: bool,
    /// Picks a failure reason.
    pick: u8,
    /// Uniform in `[0, 1)`; scales the latency.
    latency_unit: f64,
}

fn draw(seed: u64, call: Call, attempt: u32, order_id: &str) -> Draw {
    let mut hasher = Sha256::new();
    hasher.update(b"creditloop-carrier-sim\0");
    hasher.update(seed.to_be_bytes());
    hasher.update([call.tag()]);
    hasher.update(attempt.to_be_bytes());
    hasher.update(order_id.as_bytes());
    let digest: [u8; 32] = hasher.finalize().into();
    let word = |at: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&digest[at..at + 8]);
        u64::from_be_bytes(bytes)
    };
    Draw {
        unit: unit_interval(word(0)),
        coin: digest[8] & 1 == 1,
        pick: digest[9],
        latency_unit: unit_interval(word(16)),
    }
}

/// Maps 64 random bits to `[0, 1)` using the top 53, which an `f64` holds exactly.
fn unit_interval(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Reasons a real carrier gives for a definite rejection.
const FAILURE_REASONS: [&str; 4] = [
    "number suspended",
    "number not in service",
    "operator rejected the top-up",
    "amount not accepted for this number",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Recorded {
    Delivered,
    Failed { reason: String },
}

#[derive(Debug, Clone)]
struct SimOrder {
    recorded: Recorded,
    phone: PhoneNumber,
    operator: Operator,
    amount_fen: i64,
    /// How many times credit was sent for this order. The simulator's whole point is that
    /// this never exceeds 1; it is counted rather than assumed so that tests can check it.
    deliveries: u32,
}

impl SimOrder {
    fn status(&self) -> OrderStatus {
        match &self.recorded {
            Recorded::Delivered => OrderStatus::Delivered,
            Recorded::Failed { reason } => OrderStatus::Failed {
                reason: reason.clone(),
            },
        }
    }

    fn submit_outcome(&self) -> SubmitOutcome {
        match &self.recorded {
            Recorded::Delivered => SubmitOutcome::Delivered,
            Recorded::Failed { reason } => SubmitOutcome::Failed {
                reason: reason.clone(),
            },
        }
    }

    fn same_order(&self, order: &CarrierOrder) -> bool {
        self.phone == order.phone
            && self.operator == order.operator
            && self.amount_fen == order.amount_fen
    }
}

#[derive(Debug, Default)]
struct SimState {
    /// Ordered by id so that listings page stably.
    orders: BTreeMap<String, SimOrder>,
    /// Calls seen so far per (call, order id); the attempt number of the next call.
    attempts: HashMap<(Call, String), u32>,
}

impl SimState {
    fn next_attempt(&mut self, call: Call, order_id: &str) -> u32 {
        let counter = self
            .attempts
            .entry((call, order_id.to_string()))
            .or_insert(0);
        *counter = counter.saturating_add(1);
        *counter
    }

    fn record(&mut self, order: &CarrierOrder, recorded: Recorded) {
        let deliveries = u32::from(recorded == Recorded::Delivered);
        self.orders.insert(
            order.order_id.clone(),
            SimOrder {
                recorded,
                phone: order.phone.clone(),
                operator: order.operator,
                amount_fen: order.amount_fen,
                deliveries,
            },
        );
    }
}

/// The deterministic carrier simulator. Cheap to share: hold it in an `Arc`.
#[derive(Debug)]
pub struct Simulator {
    config: Mutex<SimConfig>,
    state: Mutex<SimState>,
}

/// The lock is never held across an await or a call that can panic, so a poisoned lock
/// still guards consistent data and is simply taken over.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Simulator {
    pub fn new(config: SimConfig) -> Simulator {
        Simulator {
            config: Mutex::new(config),
            state: Mutex::new(SimState::default()),
        }
    }

    pub fn config(&self) -> SimConfig {
        *lock(&self.config)
    }

    /// Changes the fault rates (or seed, or latency) from the next call on. Recorded orders
    /// keep their state.
    pub fn set_config(&self, config: SimConfig) {
        tracing::info!(?config, "carrier simulator configuration changed");
        *lock(&self.config) = config;
    }

    /// Applies `patch` to the current configuration in one step, so that two concurrent
    /// changes cannot lose one another.
    pub fn patch_config(&self, patch: &SimConfigPatch) -> Result<SimConfig, ConfigError> {
        let mut config = lock(&self.config);
        let patched = config.try_patch(patch)?;
        *config = patched;
        tracing::info!(config = ?patched, "carrier simulator configuration changed");
        Ok(patched)
    }

    /// How many times credit was sent for this order: 0 or 1, never more.
    pub fn delivered_count(&self, order_id: &str) -> u32 {
        lock(&self.state)
            .orders
            .get(order_id)
            .map_or(0, |order| order.deliveries)
    }

    /// Deliveries over all orders.
    pub fn total_deliveries(&self) -> u64 {
        self.stats().deliveries
    }

    pub fn stats(&self) -> SimStats {
        let state = lock(&self.state);
        let mut stats = SimStats {
            orders: u64::try_from(state.orders.len()).unwrap_or(u64::MAX),
            ..SimStats::default()
        };
        for order in state.orders.values() {
            let deliveries = u64::from(order.deliveries);
            stats.deliveries += deliveries;
            stats.duplicate_deliveries += deliveries.saturating_sub(1);
        }
        stats
    }

    /// Every recorded order as `(order id, status, amount in fen)`, ordered by id.
    pub fn orders(&self) -> Vec<(String, OrderStatus, i64)> {
        self.orders_page(None, usize::MAX)
    }

    /// Up to `limit` recorded orders with ids greater than `after`, ordered by id.
    pub fn orders_page(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Vec<(String, OrderStatus, i64)> {
        let state = lock(&self.state);
        let range = match after {
            Some(after) => state
                .orders
                .range::<str, _>((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded)),
            None => state.orders.range::<str, _>(..),
        };
        range
            .take(limit)
            .map(|(id, order)| (id.clone(), order.status(), order.amount_fen))
            .collect()
    }

    /// Decides a submit under the lock; the latency is waited out afterwards by the caller.
    fn decide_submit(
        &self,
        order: &CarrierOrder,
    ) -> (Result<SubmitOutcome, CarrierError>, Duration) {
        let config = self.config();
        let mut state = lock(&self.state);
        let attempt = state.next_attempt(Call::Submit, &order.order_id);
        let draw = draw(config.seed, Call::Submit, attempt, &order.order_id);
        let latency = latency(&config, &draw);
        if let Some(known) = state.orders.get(&order.order_id) {
            if !known.same_order(order) {
                let message = format!(
                    "order id {} was already used for a different order",
                    order.order_id
                );
                return (Err(CarrierError::Protocol(message)), latency);
            }
            return (Ok(known.submit_outcome()), latency);
        }
        if order.amount_fen <= 0 {
            let reason = "amount must be positive".to_string();
            state.record(
                order,
                Recorded::Failed {
                    reason: reason.clone(),
                },
            );
            return (Ok(SubmitOutcome::Failed { reason }), latency);
        }
        let outcome = if draw.unit < config.failure_rate {
            let reason =
                FAILURE_REASONS[usize::from(draw.pick) % FAILURE_REASONS.len()].to_string();
            state.record(
                order,
                Recorded::Failed {
                    reason: reason.clone(),
                },
            );
            Ok(SubmitOutcome::Failed { reason })
        } else if draw.unit < config.failure_rate + config.timeout_rate {
            // A lost response: the caller cannot know which of the two happened.
            if draw.coin {
                state.record(order, Recorded::Delivered);
            }
            Err(CarrierError::Timeout)
        } else {
            state.record(order, Recorded::Delivered);
            Ok(SubmitOutcome::Delivered)
        };
        (outcome, latency)
    }

    fn decide_status(&self, order_id: &str) -> (Result<OrderStatus, CarrierError>, Duration) {
        let config = self.config();
        let mut state = lock(&self.state);
        let attempt = state.next_attempt(Call::Status, order_id);
        let draw = draw(config.seed, Call::Status, attempt, order_id);
        let latency = latency(&config, &draw);
        if draw.unit < config.unknown_rate {
            return (Err(CarrierError::StatusUnknown), latency);
        }
        let status = state
            .orders
            .get(order_id)
            .map_or(OrderStatus::NotFound, SimOrder::status);
        (Ok(status), latency)
    }
}

fn latency(config: &SimConfig, draw: &Draw) -> Duration {
    // Both factors are small (latency_ms <= LATENCY_MS_MAX), so the product is exact enough
    // and the cast back cannot overflow.
    let ms = (draw.latency_unit * (config.latency_ms as f64 + 1.0)).floor() as u64;
    Duration::from_millis(ms.min(config.latency_ms))
}

async fn wait(latency: Duration) {
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

#[async_trait]
impl CarrierGateway for Simulator {
    async fn submit(&self, order: &CarrierOrder) -> Result<SubmitOutcome, CarrierError> {
        let (outcome, latency) = self.decide_submit(order);
        tracing::debug!(order_id = %order.order_id, ?outcome, "carrier simulator submit");
        wait(latency).await;
        outcome
    }

    async fn status(&self, order_id: &str) -> Result<OrderStatus, CarrierError> {
        let (status, latency) = self.decide_status(order_id);
        tracing::debug!(order_id, ?status, "carrier simulator status");
        wait(latency).await;
        status
    }

    fn name(&self) -> &str {
        "simulator"
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn phone() -> PhoneNumber {
        PhoneNumber::parse("13812345678").unwrap()
    }

    fn order(id: &str) -> CarrierOrder {
        CarrierOrder::new(id, phone(), 5_000)
    }

    fn faulty(seed: u64) -> Simulator {
        Simulator::new(SimConfig::try_new(seed, 0, 0.2, 0.3, 0.25).unwrap())
    }

    /// Submits, then on anything but a definite answer asks for the status and resubmits on
    /// `NotFound`, recording every answer seen.
    async fn drive(sim: &Simulator, id: &str) -> Vec<String> {
        let order = order(id);
        let mut seen = Vec::new();
        for _ in 0..20 {
            let submitted = sim.submit(&order).await;
            seen.push(format!("{submitted:?}"));
            if submitted.is_ok() {
                return seen;
            }
            loop {
                let status = sim.status(id).await;
                seen.push(format!("{status:?}"));
                match status {
                    Ok(OrderStatus::NotFound) => break,
                    Ok(_) => return seen,
                    Err(_) => continue,
                }
            }
        }
        seen
    }

    #[tokio::test]
    async fn same_seed_replays_the_same_answers() {
        let (a, b, c) = (faulty(7), faulty(7), faulty(8));
        let mut differs = false;
        for i in 0..500 {
            let id = format!("order-{i}");
            let seen_a = drive(&a, &id).await;
            assert_eq!(seen_a, drive(&b, &id).await, "order {id}");
            differs |= seen_a != drive(&c, &id).await;
        }
        assert_eq!(a.orders(), b.orders());
        assert!(differs, "another seed must give other answers");
    }

    #[tokio::test]
    async fn answers_do_not_depend_on_other_orders() {
        let (a, b) = (faulty(3), faulty(3));
        for i in 0..200 {
            drive(&a, &format!("noise-{i}")).await;
        }
        for i in 0..200 {
            let id = format!("order-{i}");
            assert_eq!(drive(&a, &id).await, drive(&b, &id).await);
        }
    }

    #[tokio::test]
    async fn rates_are_roughly_respected() {
        let sim = Simulator::new(SimConfig::try_new(42, 0, 0.1, 0.2, 0.3).unwrap());
        let orders_total = 10_000;
        let (mut failed, mut timeouts, mut lost_after_delivery) = (0u32, 0u32, 0u32);
        for i in 0..orders_total {
            let order = order(&format!("rate-{i}"));
            match sim.submit(&order).await {
                Ok(SubmitOutcome::Failed { .. }) => failed += 1,
                Err(CarrierError::Timeout) => {
                    timeouts += 1;
                    lost_after_delivery += sim.delivered_count(&order.order_id);
                }
                Ok(SubmitOutcome::Delivered) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        let mut unknown = 0u32;
        for i in 0..orders_total {
            if sim.status(&format!("rate-{i}")).await == Err(CarrierError::StatusUnknown) {
                unknown += 1;
            }
        }
        let share = |n: u32, of: u32| f64::from(n) / f64::from(of);
        let near = |got: f64, want: f64| (got - want).abs() < 0.02;
        assert!(near(share(failed, orders_total), 0.1), "failed {failed}");
        assert!(
            near(share(timeouts, orders_total), 0.2),
            "timeouts {timeouts}"
        );
        assert!(near(share(unknown, orders_total), 0.3), "unknown {unknown}");
        assert!(
            (share(lost_after_delivery, timeouts) - 0.5).abs() < 0.05,
            "{lost_after_delivery} of {timeouts} lost responses came after delivery"
        );
    }

    #[tokio::test]
    async fn an_order_is_never_delivered_twice() {
        let sim = Simulator::new(SimConfig::try_new(9, 0, 0.1, 0.6, 0.3).unwrap());
        for i in 0..2_000 {
            let order = order(&format!("dup-{i}"));
            // Hammer every order with submits and status queries regardless of answers.
            for _ in 0..6 {
                let _ = sim.submit(&order).await;
                let _ = sim.status(&order.order_id).await;
            }
            assert!(sim.delivered_count(&order.order_id) <= 1);
        }
        let stats = sim.stats();
        assert_eq!(stats.duplicate_deliveries, 0);
        assert!(stats.deliveries > 0);
        let delivered = sim
            .orders()
            .iter()
            .filter(|(_, status, _)| *status == OrderStatus::Delivered)
            .count();
        assert_eq!(u64::try_from(delivered).unwrap(), stats.deliveries);
    }

    #[tokio::test]
    async fn concurrent_submits_of_one_order_deliver_once() {
        let sim = std::sync::Arc::new(Simulator::new(
            SimConfig::try_new(1, 2, 0.0, 0.5, 0.0).unwrap(),
        ));
        for i in 0..50 {
            let id = format!("race-{i}");
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..8 {
                let sim = sim.clone();
                let order = order(&id);
                tasks.spawn(async move { sim.submit(&order).await });
            }
            while tasks.join_next().await.is_some() {}
            assert!(sim.delivered_count(&id) <= 1);
        }
        assert_eq!(sim.stats().duplicate_deliveries, 0);
    }

    #[tokio::test]
    async fn a_recorded_order_answers_its_recorded_state() {
        let sim = Simulator::new(SimConfig::try_new(5, 0, 0.5, 0.0, 0.0).unwrap());
        for i in 0..100 {
            let order = order(&format!("known-{i}"));
            let first = sim.submit(&order).await;
            assert_eq!(sim.submit(&order).await, first);
            let status = sim.status(&order.order_id).await.unwrap();
            match first {
                Ok(SubmitOutcome::Delivered) => assert_eq!(status, OrderStatus::Delivered),
                Ok(SubmitOutcome::Failed { reason }) => {
                    assert_eq!(status, OrderStatus::Failed { reason })
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(
            sim.status("never-submitted").await,
            Ok(OrderStatus::NotFound)
        );
    }

    #[tokio::test]
    async fn a_reused_order_id_is_refused_not_failed() {
        let sim = Simulator::new(SimConfig::new(1));
        let first = order("reused");
        assert_eq!(sim.submit(&first).await, Ok(SubmitOutcome::Delivered));
        let other = CarrierOrder {
            amount_fen: 1,
            ..first.clone()
        };
        assert!(matches!(
            sim.submit(&other).await,
            Err(CarrierError::Protocol(_))
        ));
        assert_eq!(sim.delivered_count("reused"), 1);
    }

    #[tokio::test]
    async fn a_non_positive_amount_fails_definitely() {
        let sim = Simulator::new(SimConfig::new(1));
        let order = CarrierOrder::new("zero", phone(), 0);
        assert!(matches!(
            sim.submit(&order).await,
            Ok(SubmitOutcome::Failed { .. })
        ));
        assert_eq!(sim.total_deliveries(), 0);
    }

    #[tokio::test]
    async fn set_config_changes_faults_from_the_next_call() {
        let sim = Simulator::new(SimConfig::new(1));
        assert_eq!(sim.submit(&order("a")).await, Ok(SubmitOutcome::Delivered));
        let all_fail = sim.config().try_patch(&SimConfigPatch {
            failure_rate: Some(1.0),
            ..SimConfigPatch::default()
        });
        sim.set_config(all_fail.unwrap());
        assert!(matches!(
            sim.submit(&order("b")).await,
            Ok(SubmitOutcome::Failed { .. })
        ));
        // A recorded order keeps its state.
        assert_eq!(sim.submit(&order("a")).await, Ok(SubmitOutcome::Delivered));
    }

    #[test]
    fn config_is_validated() {
        assert!(SimConfig::try_new(0, 0, 0.0, 0.0, 1.0).is_ok());
        assert!(SimConfig::try_new(0, 0, 0.5, 0.5, 0.0).is_ok());
        assert!(matches!(
            SimConfig::try_new(0, 0, 1.5, 0.0, 0.0),
            Err(ConfigError::Rate {
                name: "failure_rate",
                ..
            })
        ));
        assert!(SimConfig::try_new(0, 0, 0.0, -0.1, 0.0).is_err());
        assert!(SimConfig::try_new(0, 0, 0.0, 0.0, f64::NAN).is_err());
        assert!(SimConfig::try_new(0, 0, 0.0, f64::INFINITY, 0.0).is_err());
        assert!(matches!(
            SimConfig::try_new(0, 0, 0.6, 0.6, 0.0),
            Err(ConfigError::RatesSum { .. })
        ));
        assert!(SimConfig::try_new(0, LATENCY_MS_MAX + 1, 0.0, 0.0, 0.0).is_err());
    }

    #[test]
    fn config_deserialises_only_when_valid() {
        let ok: SimConfig = serde_json::from_str(r#"{"seed":3,"failure_rate":0.25}"#).unwrap();
        assert_eq!(ok, SimConfig::try_new(3, 0, 0.25, 0.0, 0.0).unwrap());
        assert!(serde_json::from_str::<SimConfig>(r#"{"failure_rate":2}"#).is_err());
        assert!(serde_json::from_str::<SimConfig>(r#"{"failure":0.1}"#).is_err());
        let round: SimConfig = serde_json::from_str(&serde_json::to_string(&ok).unwrap()).unwrap();
        assert_eq!(round, ok);
    }

    #[test]
    fn latency_stays_within_the_configured_bound() {
        let config = SimConfig::try_new(0, 2, 0.0, 0.0, 0.0).unwrap();
        let mut seen = [false; 3];
        for attempt in 0..200 {
            let latency = latency(&config, &draw(0, Call::Submit, attempt, "x"));
            let ms = usize::try_from(latency.as_millis()).unwrap();
            assert!(ms <= 2);
            seen[ms] = true;
        }
        assert_eq!(seen, [true; 3]);
    }
}
