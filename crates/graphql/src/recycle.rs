//! recycle queries and mutations.

use crate::error::GqlResult;
use crate::types::*;
use async_graphql::{Context, Object};

#[derive(Default)]
pub struct RecycleQuery;

#[Object]
impl RecycleQuery {
    /// The tenant's risk policy and limits.
    async fn policy_recycle_placeholder(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        principal(ctx)?;
        Ok(true)
    }
}

#[derive(Default)]
pub struct RecycleMutation;

#[Object]
impl RecycleMutation {
    async fn noop_recycle_placeholder(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        principal(ctx)?;
        Ok(true)
    }
}
