//! topups queries and mutations.

use crate::error::GqlResult;
use crate::types::*;
use async_graphql::{Context, Object};

#[derive(Default)]
pub struct TopupQuery;

#[Object]
impl TopupQuery {
    /// The tenant's risk policy and limits.
    async fn policy_topups_placeholder(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        principal(ctx)?;
        Ok(true)
    }
}

#[derive(Default)]
pub struct TopupMutation;

#[Object]
impl TopupMutation {
    async fn noop_topups_placeholder(&self, ctx: &Context<'_>) -> GqlResult<bool> {
        principal(ctx)?;
        Ok(true)
    }
}
