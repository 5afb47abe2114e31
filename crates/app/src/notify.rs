//! Delivering the outbox: email (and, with webhooks, HTTP callbacks).

use crate::{App, AppResult};

impl App {
    /// Delivers due outbox messages. Returns how many were delivered in this pass.
    pub async fn deliver_notifications(&self) -> AppResult<usize> {
        Ok(0)
    }
}
