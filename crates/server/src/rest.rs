//! The REST endpoints beside GraphQL: CSV imports and exports.

use actix_web::web;

/// Mounts `/api/...` routes.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
