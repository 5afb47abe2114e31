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

/// How deeply `{`, `[` and `(` may nest in a document. async-graphql's parser recurses once per
/// level and limits only selection sets, so a request of a few kilobytes of nested list or
/// object values (`[[[…` or `{a:{a:…`) would overflow a worker thread's stack and abort the
/// whole server. Real queries stay far below this: selections are limited to `depth_max`.
pub const NESTING_MAX: usize = 64;

/// Whether brackets nest deeper than [`NESTING_MAX`] anywhere in `query`, outside strings and
/// comments. A scan without recursion, for use *before* anything parses the document.
pub fn too_deeply_nested(query: &str) -> bool {
    let bytes = query.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > NESTING_MAX {
                    return true;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                // A block string ends at the next `"""` that is not escaped as `\"""`.
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 2;
            }
            b'"' => {
                // A string ends at an unescaped `"` or, being invalid then, at the line's end.
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n' | b'\r') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
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
        let refuse = |message: String| {
            let err = async_graphql::Error::new(message).extend_with(|_, e| e.set("code", "VALIDATION"));
            Err(err.into_server_error(async_graphql::Pos::default()))
        };
        if too_deeply_nested(query) {
            return refuse(format!("the query nests brackets more than {NESTING_MAX} deep"));
        }
        let doc = next.run(ctx, query, variables).await?;
        let mut tally = Tally::default();
        for (_, operation) in doc.operations.iter() {
            count(&operation.node.selection_set.node, &doc, &mut tally, 0);
        }
        let (aliases, fields) = (tally.aliases, tally.fields);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, close: &str, levels: usize) -> String {
        format!("{{ users(filter: {}1{}) {{ totalCount }} }}", open.repeat(levels), close.repeat(levels))
    }

    #[test]
    fn deep_values_are_caught_before_parsing() {
        // Found by the `graphql` fuzz target: 2,000 levels of `{a:` crashed the server.
        assert!(too_deeply_nested(&nested("{a:", "}", 2_000)));
        assert!(too_deeply_nested(&nested("[", "]", 100_000)));
        assert!(too_deeply_nested(&"(".repeat(NESTING_MAX + 1)));
        assert!(!too_deeply_nested(&nested("[", "]", NESTING_MAX - 3)));
        assert!(!too_deeply_nested("{ viewer { user { wallet { lots { remaining } } } } }"));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let many = "[{(".repeat(NESTING_MAX);
        assert!(!too_deeply_nested(&format!("{{ voucher(number: \"{many}\") {{ number }} }}")));
        assert!(!too_deeply_nested(&format!("{{ voucher(number: \"\\\"{many}\") {{ number }} }}")));
        assert!(!too_deeply_nested(&format!("{{ voucher(number: \"\"\"a\\\"\"\"\"{many}\"\"\") {{ number }} }}")));
        assert!(!too_deeply_nested(&format!("# {many}\n{{ viewer {{ permissions }} }}")));
        // A quote inside a comment opens no string, and a string ends at its line's end.
        assert!(too_deeply_nested(&format!("# \"\n{}", "[".repeat(NESTING_MAX + 1))));
        assert!(too_deeply_nested(&format!("{{ a(b: \"x\n{}", "[".repeat(NESTING_MAX + 1))));
    }
}
