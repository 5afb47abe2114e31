//! Errors as GraphQL errors with `extensions.code` (and `extensions.field` for validation).

use async_graphql::ErrorExtensions;
use creditloop_app::AppError;

pub fn to_gql_error(err: AppError) -> async_graphql::Error {
    let field = err.field().map(str::to_owned);
    async_graphql::Error::new(err.public_message()).extend_with(|_, e| {
        e.set("code", err.code().as_str());
        if let Some(field) = &field {
            e.set("field", field.as_str());
        }
    })
}

/// Shorthand for resolvers.
pub type GqlResult<T> = async_graphql::Result<T>;

pub trait IntoGql<T> {
    fn gql(self) -> GqlResult<T>;
}

impl<T> IntoGql<T> for Result<T, AppError> {
    fn gql(self) -> GqlResult<T> {
        self.map_err(to_gql_error)
    }
}
