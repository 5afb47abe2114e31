//! The carrier's HTTP wire format, shared by the adapter and the simulator server so that
//! the two cannot drift apart.
//!
//! ```text
//! POST /v1/orders            {order_id, phone, operator, amount_fen} -> 200 OrderReply
//! GET  /v1/orders/{order_id} -> 200 OrderReply | 404 {"error":"not_found"}
//!                               | 503 {"error":"status_unknown"}
//! GET  /v1/orders?after=&limit= -> 200 OrderPage     (reconciliation)
//! GET  /v1/stats             -> 200 SimStats
//! GET  /v1/config            -> 200 SimConfig
//! PUT  /v1/config            SimConfigPatch -> 200 SimConfig | 400
//! ```
//!
//! A lost response (the simulator's timeout outcome) is answered `504 {"error":"timeout"}`;
//! other unavailability is `503`; a refused request is `400` or `409`.

use creditloop_domain::phone::{Operator, PhoneNumber};
use serde::{Deserialize, Serialize};

use crate::gateway::OrderStatus;

/// Order ids longer than this are refused at the wire. Ledger entry ids are far shorter.
pub const ORDER_ID_CHARS_MAX: usize = 128;
/// Request bodies the simulator server accepts, at most.
pub const REQUEST_BYTES_MAX: usize = 16 * 1024;
/// Orders per page of `GET /v1/orders`, by default and at most.
pub const ORDERS_PAGE_DEFAULT: usize = 1_000;
pub const ORDERS_PAGE_MAX: usize = 10_000;

/// The error code in a 503 that means "the carrier could not say".
pub const ERROR_STATUS_UNKNOWN: &str = "status_unknown";
pub const ERROR_NOT_FOUND: &str = "not_found";
pub const ERROR_TIMEOUT: &str = "timeout";
pub const ERROR_UNAVAILABLE: &str = "unavailable";
pub const ERROR_CONFLICT: &str = "conflict";
pub const ERROR_BAD_REQUEST: &str = "bad_request";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRequest {
    pub order_id: String,
    pub phone: PhoneNumber,
    pub operator: Operator,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WireStatus {
    Delivered,
    Failed,
    Pending,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReply {
    pub order_id: String,
    pub status: WireStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl OrderReply {
    /// The reply for a known order; `None` for `NotFound`, which has no reply body.
    pub fn from_status(order_id: &str, status: &OrderStatus) -> Option<OrderReply> {
        let (status, reason) = match status {
            OrderStatus::Delivered => (WireStatus::Delivered, None),
            OrderStatus::Failed { reason } => (WireStatus::Failed, Some(reason.clone())),
            OrderStatus::Pending => (WireStatus::Pending, None),
            OrderStatus::NotFound => return None,
        };
        Some(OrderReply {
            order_id: order_id.to_string(),
            status,
            reason,
        })
    }

    pub fn order_status(&self) -> OrderStatus {
        match self.status {
            WireStatus::Delivered => OrderStatus::Delivered,
            WireStatus::Failed => OrderStatus::Failed {
                reason: self.reason.clone().unwrap_or_default(),
            },
            WireStatus::Pending => OrderStatus::Pending,
        }
    }
}

/// One order in a reconciliation listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderListItem {
    pub order_id: String,
    pub status: WireStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    pub orders: Vec<OrderListItem>,
    /// Pass as `after` to get the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_after: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ErrorBody {
    pub fn new(error: &str, message: Option<String>) -> ErrorBody {
        ErrorBody {
            error: error.to_string(),
            message,
        }
    }
}
