//! Small text types parsed once at the edge.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("not a valid email address")]
    Email,
    #[error("idempotency key must be 1 to 128 visible ASCII characters")]
    IdempotencyKey,
    #[error("{field} must be between {min} and {max} characters")]
    Length { field: &'static str, min: usize, max: usize },
}

/// A lower-cased email address with a plausible shape. Deliverability is proven by the
/// invitation mail, not by syntax.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Email, TextError> {
        let text = text.trim().to_lowercase();
        let (local, domain) = text.split_once('@').ok_or(TextError::Email)?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && text.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !text.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',');
        if ok { Ok(Email(text)) } else { Err(TextError::Email) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A client-chosen key that makes a value-moving request safe to retry.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const LEN_MAX: usize = 128;

    pub fn parse(text: &str) -> Result<IdempotencyKey, TextError> {
        let ok = !text.is_empty()
            && text.len() <= Self::LEN_MAX
            && text.bytes().all(|b| b.is_ascii_graphic());
        if ok { Ok(IdempotencyKey(text.to_owned())) } else { Err(TextError::IdempotencyKey) }
    }

    /// A key derived by the system for work it starts itself (sweeps, schedules), namespaced
    /// so it can never collide with a client's key.
    pub fn system(parts: &str) -> IdempotencyKey {
        IdempotencyKey(format!("sys:{parts}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Trims `text` and checks its length in characters.
pub fn bounded(field: &'static str, text: &str, min: usize, max: usize) -> Result<String, TextError> {
    let trimmed = text.trim();
    let len = trimmed.chars().count();
    if len < min || len > max || trimmed.chars().any(|c| c.is_control() && c != '\n') {
        return Err(TextError::Length { field, min, max });
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" Ann@Example.COM ").map(|e| e.0), Ok("ann@example.com".into()));
        for bad in ["", "a", "a@b", "@b.c", "a@.c", "a b@c.d", "a@b.c,"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn idempotency_keys() {
        assert!(IdempotencyKey::parse("grant-2026-11-01-0001").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(129)).is_err());
    }
}
