//! The application error: one code from the closed table, a message safe to show, and for
//! validation errors the input field at fault.

use creditloop_domain::{ErrorCode, MoneyError, TextError};
use creditloop_ledger::LedgerError;

#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct AppError {
    code: ErrorCode,
    message: String,
    field: Option<String>,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError { code, message: message.into(), field: None }
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthenticated, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        AppError { code: ErrorCode::Validation, message: message.into(), field: Some(field.to_owned()) }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    pub fn limit(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::LimitExceeded, message)
    }

    pub fn rate_limited(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::RateLimited, message)
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        // The detail goes to the log; the client sees only that something failed inside.
        tracing::error!(detail = %detail, "internal error");
        Self::new(ErrorCode::Internal, "internal error")
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    pub fn public_message(&self) -> &str {
        &self.message
    }

    /// Names the input field at fault (for errors raised by a parser that does not know it).
    pub fn at(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }
}

impl From<LedgerError> for AppError {
    fn from(err: LedgerError) -> Self {
        match err.code() {
            ErrorCode::Internal => AppError::internal(err),
            code => AppError::new(code, err.to_string()),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::internal(err)
    }
}

impl From<MoneyError> for AppError {
    fn from(err: MoneyError) -> Self {
        AppError::new(ErrorCode::Validation, err.to_string())
    }
}

impl From<TextError> for AppError {
    fn from(err: TextError) -> Self {
        AppError::new(ErrorCode::Validation, err.to_string())
    }
}

impl From<serde_json::Error> for AppError {
    fn from(err: serde_json::Error) -> Self {
        AppError::internal(err)
    }
}
