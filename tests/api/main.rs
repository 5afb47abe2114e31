//! The one integration test binary: every black-box test, on SQLite and PostgreSQL.

mod access;
mod auth;
mod bad_input;
mod concurrency;
mod money;
mod properties;
mod schema;
