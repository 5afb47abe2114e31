//! The carrier gateway: how held credit reaches a phone.
//!
//! A top-up first holds its amount in the ledger (a pending `TOPUP_HOLD` entry). A worker
//! then asks a carrier to deliver the credit, using **the ledger entry id as the carrier's
//! order id**, which the carrier treats as an idempotency key. A definite success posts the
//! entry and a definite failure voids it. Anything else — a timeout, an unreachable
//! carrier, a status the carrier cannot give — is *not* an outcome: the worker asks for the
//! order's status, and resubmits the same order id only when the carrier says it never saw
//! it. That way every top-up ends, and none is ever delivered twice or voided after its
//! credit arrived.
//!
//! - [`gateway`]: the order, the answers, which answers are definite, and the
//!   [`CarrierGateway`] trait the application holds as `Arc<dyn CarrierGateway>`.
//! - [`mod@deliver`]: the decision rules above as pure functions, and [`deliver()`], a bounded
//!   retry loop over them — the reference for the top-up worker.
//! - [`simulator`]: the built-in, default carrier. Deterministic (every outcome is a hash of
//!   seed, order id and attempt number) so that a failing run replays exactly, with fault
//!   rates that can change at run time.
//! - [`http`]: the adapter for a carrier reached over HTTP; [`wire`] is its protocol.
//! - [`server`]: the simulator behind that protocol, so the HTTP path is tested for real.
//!
//! Invariants: this crate never imports the ledger, sea-orm or async-graphql; it knows the
//! carrier's wire format and no other. No code path here delivers an order id a second
//! time, and no [`CarrierError`] is ever read as a failure.

pub mod deliver;
pub mod gateway;
pub mod http;
pub mod server;
pub mod simulator;
pub mod wire;

pub use deliver::{
    Decision, DeliveryResult, RetryPolicy, Step, decide_after_status, decide_after_submit, deliver,
    deliver_from,
};
pub use gateway::{CarrierError, CarrierGateway, CarrierOrder, OrderStatus, SubmitOutcome};
pub use http::HttpCarrier;
pub use server::{configure, serve};
pub use simulator::{ConfigError, SimConfig, SimConfigPatch, SimStats, Simulator};
