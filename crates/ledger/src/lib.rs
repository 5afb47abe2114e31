//! The double-entry ledger of creditloop.
//!
//! Accounts hold posted and pending balances with a floor; journal entries move value between
//! them through named [`template`]s only; wallet credit lives in [`lots`] with an expiry and is
//! spent earliest-expiry first; every value-moving operation is guarded by an
//! [`idempotency`] key; [`verify`] checks every invariant.
//!
//! Invariants of this crate: it never imports actix, async-graphql or lettre; no code outside
//! it builds postings; every balance change is a conditional `UPDATE` that fails rather than
//! overdraw, taken in the global lock order of [`account::AccountKind::lock_rank`].

pub mod account;
pub mod engine;
pub mod entry;
pub mod idempotency;
pub mod lots;
pub mod store;
pub mod template;
pub mod verify;

pub use account::{Account, AccountKind, AccountRef, Counterparty};
pub use engine::{BatchGrant, BatchGrantItem, GroupedGrant, Recorded};
pub use entry::{Entry, EntryFilter, EntryStatus, Posting};
pub use store::{Db, DbOptions, WriteTx};
pub use template::{Template, TemplateCode};

use creditloop_domain::{ErrorCode, Fen};

/// Re-exported so callers need not depend on sea-orm for the error type.
pub use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("insufficient funds in the {kind} account: {available} available, {required} required")]
    InsufficientFunds { kind: &'static str, available: Fen, required: Fen },
    #[error("entry not found")]
    EntryNotFound,
    #[error("account not found")]
    AccountNotFound,
    #[error("entry is {status}, not {expected}")]
    WrongStatus { status: &'static str, expected: &'static str },
    #[error("entry has already been reversed")]
    AlreadyReversed,
    #[error("{0}")]
    Invalid(String),
    #[error("idempotency key was already used for a different request")]
    IdempotencyConflict,
    /// A broken invariant: a bug, never an operating condition.
    #[error("ledger invariant broken: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

impl LedgerError {
    pub fn code(&self) -> ErrorCode {
        match self {
            LedgerError::InsufficientFunds { .. } => ErrorCode::InsufficientFunds,
            LedgerError::EntryNotFound | LedgerError::AccountNotFound => ErrorCode::NotFound,
            LedgerError::WrongStatus { .. } | LedgerError::AlreadyReversed | LedgerError::IdempotencyConflict => {
                ErrorCode::Conflict
            }
            LedgerError::Invalid(_) => ErrorCode::Validation,
            LedgerError::Corrupt(_) | LedgerError::Db(_) => ErrorCode::Internal,
        }
    }
}
