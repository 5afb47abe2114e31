//! Relay-style cursor connections. Cursors are opaque (base64 of the row's sort key).

use async_graphql::SimpleObject;
use base64::Engine;

pub const PAGE_DEFAULT: i32 = 50;
pub const PAGE_MAX: i32 = 200;

#[derive(SimpleObject, Debug, Clone)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

pub fn encode_cursor(key: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.as_bytes())
}

pub fn decode_cursor(cursor: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor.as_bytes()).ok()?;
    String::from_utf8(bytes).ok()
}

/// The page size asked for, checked: 1..=200, default 50.
pub fn page_size(first: Option<i32>) -> async_graphql::Result<u64> {
    match first.unwrap_or(PAGE_DEFAULT) {
        n if (1..=PAGE_MAX).contains(&n) => Ok(n as u64),
        _ => Err(crate::to_gql_error(creditloop_app::AppError::validation(
            "first",
            format!("first must be between 1 and {PAGE_MAX}"),
        ))),
    }
}

macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty) => {
        #[derive(async_graphql::SimpleObject, Debug, Clone)]
        pub struct $edge {
            pub cursor: String,
            pub node: $node,
        }

        #[derive(async_graphql::SimpleObject, Debug, Clone)]
        pub struct $conn {
            pub edges: Vec<$edge>,
            pub page_info: $crate::connection::PageInfo,
            pub total_count: i64,
        }

        impl $conn {
            /// Builds a page from `limit + 1` fetched rows: the extra row only tells whether
            /// there is a next page.
            pub fn from_rows(mut rows: Vec<$node>, limit: u64, total: i64, key: impl Fn(&$node) -> String) -> Self {
                let has_next_page = rows.len() as u64 > limit;
                rows.truncate(limit as usize);
                let edges: Vec<$edge> = rows
                    .into_iter()
                    .map(|node| $edge { cursor: $crate::connection::encode_cursor(&key(&node)), node })
                    .collect();
                let end_cursor = edges.last().map(|e| e.cursor.clone());
                $conn { edges, page_info: $crate::connection::PageInfo { has_next_page, end_cursor }, total_count: total }
            }
        }
    };
}

pub(crate) use connection;
