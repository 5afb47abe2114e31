//! Pure domain types of creditloop.
//!
//! Wire input becomes these types once, at the edge (GraphQL, CSV, CLI), and nothing deeper
//! re-checks a raw string. This crate has no I/O: it never imports sea-orm, actix, async-graphql
//! or tokio.

pub mod clock;
pub mod error;
pub mod ids;
pub mod money;
pub mod phone;
pub mod role;
pub mod text;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::ErrorCode;
pub use ids::{AccountId, ApiKeyId, EntryId, LotId, TenantId, UserId};
pub use money::{Asset, Fen, MoneyError, Rate};
pub use role::{Permission, Role, RoleSet};
pub use text::{Email, IdempotencyKey, TextError};
