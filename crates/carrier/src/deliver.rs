//! Driving one order to a definite answer: the reference decision logic for the top-up worker.
//!
//! The rules, which keep "never delivered twice, never lost" true over a carrier that times
//! out and forgets:
//! - A definite answer (`Delivered`, `Failed`) ends the order.
//! - Any error, `Accepted` or `Pending` means "not known": ask for the status next. A
//!   timeout is never a failure.
//! - `NotFound` means the carrier never took the order: submit again, **with the same order
//!   id**, so that a slow original and the resubmission are one order at the carrier.
//! - After `attempts_max` calls without a definite answer the result is
//!   [`DeliveryResult::Undecided`]. The worker keeps the entry held and tries later; it must
//!   never void it, because the credit may already be on the phone.
//!
//! [`decide_after_submit`] and [`decide_after_status`] are pure, so a worker with its own
//! scheduling (one call per job run, state in the database) can reuse them without
//! [`deliver`]'s loop.

use crate::gateway::{CarrierError, CarrierGateway, CarrierOrder, OrderStatus, SubmitOutcome};
use std::time::Duration;

/// How hard [`deliver`] tries before it leaves the order undecided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Calls to the carrier (submits and status queries together) at most.
    pub attempts_max: u32,
    /// Wait before the second call; it doubles for each further call.
    pub backoff_base_ms: u64,
    /// The longest wait between two calls.
    pub backoff_max_ms: u64,
}

impl Default for RetryPolicy {
    /// Six calls spread over about six seconds: enough to ride out a short carrier hiccup
    /// inside one job run, short enough not to hold a worker.
    fn default() -> Self {
        RetryPolicy {
            attempts_max: 6,
            backoff_base_ms: 200,
            backoff_max_ms: 5_000,
        }
    }
}

impl RetryPolicy {
    /// The wait before call number `call` (1-based); no wait before the first call.
    pub fn backoff(&self, call: u32) -> Duration {
        if call <= 1 {
            return Duration::ZERO;
        }
        let doublings = (call - 2).min(63);
        let ms = self
            .backoff_base_ms
            .saturating_mul(1u64 << doublings)
            .min(self.backoff_max_ms);
        Duration::from_millis(ms)
    }
}

/// How one order ended, as far as [`deliver`] could tell.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DeliveryResult {
    /// The credit reached the phone: post the held entry.
    Delivered,
    /// The carrier definitely did not deliver: void the held entry.
    Failed { reason: String },
    /// Still unknown after the retries: keep the entry held and try again later.
    Undecided,
}

/// The call to make next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Submit the order (again, with the same order id).
    Submit,
    /// Ask for the order's status.
    QueryStatus,
}

/// What one carrier answer means for the order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Decision {
    Delivered,
    Failed {
        reason: String,
    },
    /// Not definite yet; make this call next.
    Next(Step),
}

/// What to do after a submit answered `reply`.
pub fn decide_after_submit(reply: &Result<SubmitOutcome, CarrierError>) -> Decision {
    match reply {
        Ok(SubmitOutcome::Delivered) => Decision::Delivered,
        Ok(SubmitOutcome::Failed { reason }) => Decision::Failed {
            reason: reason.clone(),
        },
        Ok(SubmitOutcome::Accepted) | Err(_) => Decision::Next(Step::QueryStatus),
    }
}

/// What to do after a status query answered `reply`.
pub fn decide_after_status(reply: &Result<OrderStatus, CarrierError>) -> Decision {
    match reply {
        Ok(OrderStatus::Delivered) => Decision::Delivered,
        Ok(OrderStatus::Failed { reason }) => Decision::Failed {
            reason: reason.clone(),
        },
        Ok(OrderStatus::NotFound) => Decision::Next(Step::Submit),
        Ok(OrderStatus::Pending) | Err(_) => Decision::Next(Step::QueryStatus),
    }
}

/// Submits `order` and follows up until a definite answer or `policy.attempts_max` calls.
pub async fn deliver(
    gateway: &dyn CarrierGateway,
    order: &CarrierOrder,
    policy: &RetryPolicy,
) -> DeliveryResult {
    deliver_from(gateway, order, policy, Step::Submit).await
}

/// Like [`deliver`], but starting with `first`. A worker resuming an order it left
/// [`DeliveryResult::Undecided`] can start with [`Step::QueryStatus`]; starting with a
/// submit is also safe, because the carrier is idempotent on the order id.
pub async fn deliver_from(
    gateway: &dyn CarrierGateway,
    order: &CarrierOrder,
    policy: &RetryPolicy,
    first: Step,
) -> DeliveryResult {
    let mut step = first;
    for call in 1..=policy.attempts_max {
        let wait = policy.backoff(call);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        let decision = match step {
            Step::Submit => {
                let reply = gateway.submit(order).await;
                tracing::debug!(order_id = %order.order_id, call, ?reply, "carrier submit");
                decide_after_submit(&reply)
            }
            Step::QueryStatus => {
                let reply = gateway.status(&order.order_id).await;
                tracing::debug!(order_id = %order.order_id, call, ?reply, "carrier status");
                decide_after_status(&reply)
            }
        };
        match decision {
            Decision::Delivered => return DeliveryResult::Delivered,
            Decision::Failed { reason } => return DeliveryResult::Failed { reason },
            Decision::Next(next) => step = next,
        }
    }
    tracing::warn!(
        order_id = %order.order_id,
        gateway = gateway.name(),
        attempts_max = policy.attempts_max,
        "carrier outcome still unknown; leaving the order undecided"
    );
    DeliveryResult::Undecided
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use creditloop_domain::phone::PhoneNumber;
    use proptest::prelude::*;
    use std::collections::VecDeque;
    use std::sync::Mutex;

    /// One scripted carrier answer.
    #[derive(Debug, Clone)]
    enum Reply {
        Submit(Result<SubmitOutcome, CarrierError>),
        Status(Result<OrderStatus, CarrierError>),
    }

    /// A gateway that plays back a script and fails the test if the call kind differs.
    struct Scripted {
        replies: Mutex<VecDeque<Reply>>,
        calls: Mutex<Vec<Step>>,
    }

    impl Scripted {
        fn new(replies: Vec<Reply>) -> Scripted {
            Scripted {
                replies: Mutex::new(replies.into()),
                calls: Mutex::new(Vec::new()),
            }
        }

        fn calls(&self) -> Vec<Step> {
            self.calls.lock().unwrap().clone()
        }

        fn next(&self, step: Step) -> Reply {
            self.calls.lock().unwrap().push(step);
            self.replies
                .lock()
                .unwrap()
                .pop_front()
                .expect("script ran out")
        }
    }

    #[async_trait]
    impl CarrierGateway for Scripted {
        async fn submit(&self, _: &CarrierOrder) -> Result<SubmitOutcome, CarrierError> {
            match self.next(Step::Submit) {
                Reply::Submit(reply) => reply,
                other => panic!("expected a status query, got a submit for {other:?}"),
            }
        }

        async fn status(&self, _: &str) -> Result<OrderStatus, CarrierError> {
            match self.next(Step::QueryStatus) {
                Reply::Status(reply) => reply,
                other => panic!("expected a submit, got a status query for {other:?}"),
            }
        }

        fn name(&self) -> &str {
            "scripted"
        }
    }

    fn order() -> CarrierOrder {
        CarrierOrder::new("o-1", PhoneNumber::parse("18912345678").unwrap(), 1_000)
    }

    const FAST: RetryPolicy = RetryPolicy {
        attempts_max: 10,
        backoff_base_ms: 0,
        backoff_max_ms: 0,
    };

    use Reply::{Status, Submit};

    #[tokio::test]
    async fn a_timeout_is_followed_by_a_status_query() {
        let gateway = Scripted::new(vec![
            Submit(Err(CarrierError::Timeout)),
            Status(Err(CarrierError::StatusUnknown)),
            Status(Ok(OrderStatus::Delivered)),
        ]);
        assert_eq!(
            deliver(&gateway, &order(), &FAST).await,
            DeliveryResult::Delivered
        );
        assert_eq!(
            gateway.calls(),
            [Step::Submit, Step::QueryStatus, Step::QueryStatus]
        );
    }

    #[tokio::test]
    async fn not_found_resubmits_the_same_order() {
        let gateway = Scripted::new(vec![
            Submit(Err(CarrierError::Unavailable("503".into()))),
            Status(Ok(OrderStatus::NotFound)),
            Submit(Ok(SubmitOutcome::Failed {
                reason: "number suspended".into(),
            })),
        ]);
        assert_eq!(
            deliver(&gateway, &order(), &FAST).await,
            DeliveryResult::Failed {
                reason: "number suspended".into()
            }
        );
    }

    #[tokio::test]
    async fn an_accepted_order_is_polled_until_definite() {
        let gateway = Scripted::new(vec![
            Submit(Ok(SubmitOutcome::Accepted)),
            Status(Ok(OrderStatus::Pending)),
            Status(Err(CarrierError::Protocol("garbled".into()))),
            Status(Ok(OrderStatus::Pending)),
            Status(Ok(OrderStatus::Delivered)),
        ]);
        assert_eq!(
            deliver(&gateway, &order(), &FAST).await,
            DeliveryResult::Delivered
        );
    }

    #[tokio::test]
    async fn exhausted_retries_leave_the_order_undecided() {
        let policy = RetryPolicy {
            attempts_max: 3,
            ..FAST
        };
        let gateway = Scripted::new(vec![
            Submit(Err(CarrierError::Timeout)),
            Status(Err(CarrierError::StatusUnknown)),
            Status(Ok(OrderStatus::Pending)),
        ]);
        assert_eq!(
            deliver(&gateway, &order(), &policy).await,
            DeliveryResult::Undecided
        );
        assert_eq!(gateway.calls().len(), 3);
    }

    #[tokio::test]
    async fn resuming_can_start_with_a_status_query() {
        let gateway = Scripted::new(vec![Status(Ok(OrderStatus::Delivered))]);
        let result = deliver_from(&gateway, &order(), &FAST, Step::QueryStatus).await;
        assert_eq!(result, DeliveryResult::Delivered);
    }

    #[tokio::test]
    async fn zero_attempts_make_no_call() {
        let gateway = Scripted::new(vec![]);
        let policy = RetryPolicy {
            attempts_max: 0,
            ..FAST
        };
        assert_eq!(
            deliver(&gateway, &order(), &policy).await,
            DeliveryResult::Undecided
        );
        assert!(gateway.calls().is_empty());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_without_overflow() {
        let policy = RetryPolicy {
            attempts_max: 100,
            backoff_base_ms: 100,
            backoff_max_ms: 1_000,
        };
        let waits: Vec<u128> = (1..=7)
            .map(|call| policy.backoff(call).as_millis())
            .collect();
        assert_eq!(waits, [0, 100, 200, 400, 800, 1_000, 1_000]);
        assert_eq!(policy.backoff(u32::MAX).as_millis(), 1_000);
        let huge = RetryPolicy {
            backoff_base_ms: u64::MAX,
            backoff_max_ms: u64::MAX,
            ..policy
        };
        assert_eq!(huge.backoff(70), Duration::from_millis(u64::MAX));
    }

    fn any_error() -> impl Strategy<Value = CarrierError> {
        prop_oneof![
            Just(CarrierError::Timeout),
            Just(CarrierError::StatusUnknown),
            Just(CarrierError::Unavailable("down".into())),
            Just(CarrierError::Protocol("garbled".into())),
        ]
    }

    fn any_submit_reply() -> impl Strategy<Value = Result<SubmitOutcome, CarrierError>> {
        prop_oneof![
            Just(Ok(SubmitOutcome::Delivered)),
            Just(Ok(SubmitOutcome::Failed { reason: "r".into() })),
            Just(Ok(SubmitOutcome::Accepted)),
            any_error().prop_map(Err),
        ]
    }

    fn any_status_reply() -> impl Strategy<Value = Result<OrderStatus, CarrierError>> {
        prop_oneof![
            Just(Ok(OrderStatus::Delivered)),
            Just(Ok(OrderStatus::Failed { reason: "r".into() })),
            Just(Ok(OrderStatus::Pending)),
            Just(Ok(OrderStatus::NotFound)),
            any_error().prop_map(Err),
        ]
    }

    proptest! {
        /// Only a definite carrier answer ends an order; no error is ever taken for one.
        #[test]
        fn only_definite_answers_decide(
            submit in any_submit_reply(),
            status in any_status_reply(),
        ) {
            let after_submit = decide_after_submit(&submit);
            match &submit {
                Ok(SubmitOutcome::Delivered) => prop_assert_eq!(after_submit, Decision::Delivered),
                Ok(SubmitOutcome::Failed { .. }) => {
                    let failed = matches!(after_submit, Decision::Failed { .. });
                    prop_assert!(failed)
                }
                _ => prop_assert_eq!(after_submit, Decision::Next(Step::QueryStatus)),
            }
            let after_status = decide_after_status(&status);
            match &status {
                Ok(s) if s.is_definite() => {
                    prop_assert!(!matches!(after_status, Decision::Next(_)))
                }
                Ok(OrderStatus::NotFound) => {
                    prop_assert_eq!(after_status, Decision::Next(Step::Submit))
                }
                _ => prop_assert_eq!(after_status, Decision::Next(Step::QueryStatus)),
            }
        }
    }
}
