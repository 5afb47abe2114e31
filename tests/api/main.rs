//! The one integration test binary: every black-box test, on SQLite and PostgreSQL.

mod access;
mod auth;
mod bad_input;
mod concurrency;
mod crash;
mod faults;
mod lifecycle;
mod money;
mod properties;
mod recycle;
mod schema;
