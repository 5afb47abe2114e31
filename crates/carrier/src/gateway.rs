//! What a carrier gateway is: an order, the answers a carrier can give, and the trait.
//!
//! The types here draw one line that the whole top-up flow depends on: which answers are
//! *definite*. Only a definite answer may end a top-up. A definite `Delivered` posts the held
//! ledger entry; a definite `Failed` voids it. Everything else — every [`CarrierError`],
//! `Accepted`, `Pending`, `NotFound` — means "not known yet", and the caller must ask again
//! (see [`crate::deliver()`]). Treating an unknown outcome as a failure would void an entry
//! whose credit was in fact delivered, giving away credit; treating it as a success would
//! charge a wallet for credit that never arrived.

use async_trait::async_trait;
use creditloop_domain::phone::{Operator, PhoneNumber};
use serde::{Deserialize, Serialize};

/// One top-up as the carrier sees it.
///
/// `order_id` is the carrier-side idempotency key: the ledger entry id of the held top-up.
/// Submitting the same `order_id` again never delivers again; it returns what became of the
/// first submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierOrder {
    pub order_id: String,
    pub phone: PhoneNumber,
    /// Usually `phone.operator()`, but kept apart because a ported number (携号转网) is
    /// served by another operator than the one its segment was allocated to.
    pub operator: Operator,
    /// Face value to deliver, in fen. The carrier rejects amounts that are not positive.
    pub amount_fen: i64,
}

impl CarrierOrder {
    /// An order for `phone`'s own segment operator.
    pub fn new(order_id: impl Into<String>, phone: PhoneNumber, amount_fen: i64) -> CarrierOrder {
        let operator = phone.operator();
        CarrierOrder {
            order_id: order_id.into(),
            phone,
            operator,
            amount_fen,
        }
    }
}

/// What the carrier says about an order when asked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OrderStatus {
    /// Definite: the credit reached the phone. Post the entry.
    Delivered,
    /// Definite: the credit was not and will not be delivered. Void the entry.
    Failed { reason: String },
    /// Not definite: the carrier accepted the order and is still working on it. Ask later.
    Pending,
    /// Not definite: the carrier has no order with this id *now*. After a submit whose
    /// answer was lost this means the submit never took effect, so it is safe to submit
    /// again **with the same order id**; it is not a failure, because a slow original
    /// request may still arrive and the carrier's idempotency on the order id is what makes
    /// the resubmission harmless.
    NotFound,
}

impl OrderStatus {
    /// True for `Delivered` and `Failed`, the two answers that may end a top-up.
    pub fn is_definite(&self) -> bool {
        matches!(self, OrderStatus::Delivered | OrderStatus::Failed { .. })
    }
}

/// What the carrier answers to a submit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SubmitOutcome {
    /// Definite: delivered (now, or by an earlier submit of the same order id).
    Delivered,
    /// Definite: rejected (now, or by an earlier submit of the same order id).
    Failed { reason: String },
    /// Not definite: an asynchronous carrier took the order; poll [`CarrierGateway::status`].
    Accepted,
}

/// A call to the carrier that did not produce an answer.
///
/// **None of these is definite.** Whatever the variant, the order may or may not have been
/// delivered, and the only way to learn which is to ask for its status (or resubmit the same
/// order id). A caller must never void a held entry because of a `CarrierError`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarrierError {
    /// No answer in time. The request may have reached the carrier and been carried out,
    /// with only the response lost.
    #[error("the carrier did not answer in time; the order may or may not have been delivered")]
    Timeout,
    /// The carrier could not be reached or refused service (HTTP 5xx). Usually nothing was
    /// done, but a proxy in between may have forwarded the request, so it is not definite.
    #[error("the carrier is unavailable: {0}")]
    Unavailable(String),
    /// A status query that the carrier could not answer for now.
    #[error("the carrier could not say what became of the order")]
    StatusUnknown,
    /// An answer that could not be understood, or a request the carrier would not take
    /// (for example an order id reused for a different order). Needs a person if it persists.
    #[error("unexpected carrier answer: {0}")]
    Protocol(String),
}

/// A way to deliver credit to phones.
///
/// Implementations must be idempotent on `order_id`: a second submit of an order id never
/// delivers a second time. The application holds one as `Arc<dyn CarrierGateway>`.
#[async_trait]
pub trait CarrierGateway: Send + Sync {
    /// Asks the carrier to deliver `order`, or returns what became of an earlier submit of
    /// the same `order.order_id`.
    async fn submit(&self, order: &CarrierOrder) -> Result<SubmitOutcome, CarrierError>;

    /// Asks what became of the order with this id.
    async fn status(&self, order_id: &str) -> Result<OrderStatus, CarrierError>;

    /// A short name for logs and metrics, e.g. `simulator`.
    fn name(&self) -> &str;
}
