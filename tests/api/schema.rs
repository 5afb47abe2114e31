//! Generated files must match the code they come from.

#[test]
fn schema_graphql_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == creditloop_graphql::sdl(),
        "schema.graphql is stale: run `cargo run -q -p creditloop-server -- schema > schema.graphql`"
    );
}

#[test]
fn permissions_doc_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/permissions.md");
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        checked_in == creditloop_domain::role::permission_table_markdown(),
        "docs/permissions.md is stale: run `cargo run -q -p creditloop-server -- permissions > docs/permissions.md`"
    );
}
