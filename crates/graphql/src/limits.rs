//! Query shape limits beyond depth and complexity: aliases and total fields, counted on the
//! parsed document before anything executes.

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensions, ServerError, ServerResult, Variables};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Limits {
    pub depth_max: usize,
    pub complexity_max: usize,
    pub aliases_max: usize,
    pub fields_max: usize,
    pub introspection: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { depth_max: 12, complexity_max: 2_000, aliases_max: 30, fields_max: 500, introspection: true }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct QueryShapeGuard {
    pub aliases_max: usize,
    pub fields_max: usize,
    /// When false, a query that asks for `__schema` or `__type` is refused outright.
    pub introspection: bool,
}

impl ExtensionFactory for QueryShapeGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

fn count(set: &SelectionSet, doc: &ExecutableDocument, tally: &mut Tally, depth: usize) {
    // Fragment spreads are followed to a bounded depth so a cycle cannot loop forever (the
    // validator rejects cycles anyway).
    if depth > 32 {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                tally.fields += 1;
                if field.node.alias.is_some() {
                    tally.aliases += 1;
                }
                let name = field.node.name.node.as_str();
                if name == "__schema" || name == "__type" {
                    tally.introspection = true;
                }
                count(&field.node.selection_set.node, doc, tally, depth + 1);
            }
            Selection::InlineFragment(fragment) => count(&fragment.node.selection_set.node, doc, tally, depth + 1),
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    count(&fragment.node.selection_set.node, doc, tally, depth + 1);
                }
            }
        }
    }
}

#[derive(Default)]
struct Tally {
    aliases: usize,
    fields: usize,
    introspection: bool,
}

#[async_trait::async_trait]
impl Extension for QueryShapeGuard {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let mut tally = Tally::default();
        for (_, operation) in doc.operations.iter() {
            count(&operation.node.selection_set.node, &doc, &mut tally, 0);
        }
        let (aliases, fields) = (tally.aliases, tally.fields);
        let refuse = |message: String| {
            let err = async_graphql::Error::new(message).extend_with(|_, e| e.set("code", "VALIDATION"));
            Err(err.into_server_error(async_graphql::Pos::default()))
        };
        if tally.introspection && !self.introspection {
            return refuse("introspection is disabled on this server".to_owned());
        }
        if aliases > self.aliases_max {
            return refuse(format!("the query uses {aliases} aliases; at most {} are allowed", self.aliases_max));
        }
        if fields > self.fields_max {
            return refuse(format!("the query selects {fields} fields; at most {} are allowed", self.fields_max));
        }
        Ok(doc)
    }
}

#[allow(dead_code)]
fn _assert_server_error(_: ServerError) {}
