//! The one integration test binary: every black-box test, on SQLite and PostgreSQL.

mod access;
mod auth;
mod bad_input;
mod concurrency;
mod crash;
mod csv;
mod faults;
mod hardening;
mod history;
mod lifecycle;
mod mail;
mod money;
mod properties;
mod recycle;
mod schema;
mod security;
mod sim;
mod webhooks;
