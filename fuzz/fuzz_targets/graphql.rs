//! GraphQL inputs: arbitrary documents and variables, parsed by async-graphql's parser and
//! executed against the real schema (with the project's depth, complexity, alias, field and
//! introspection limits) over a real app on a temporary SQLite database with the demo tenant.
//!
//! Input format: the first byte picks the caller (`b'0' + n`, n modulo 5): 0 anonymous,
//! 1 auditor, 2 employee, 3 HR admin, 4 finance. The rest is UTF-8 and either
//! - a JSON request body as the server takes it (one request with `query`, `variables`,
//!   `operationName`, or a batch of 1 to 10), or, when it is not one,
//! - the query text, optionally followed by a NUL byte and the variables as JSON.
//!
//! Checked for every input: no panic; the response serialises; every error carries a code
//! from the closed set (or none, which the server turns into `VALIDATION` for errors raised
//! before a resolver ran) and none is `INTERNAL`: malformed input must be refused as input,
//! never reach the database as a failure. The owner is left out on purpose: webhooks
//! (owner only) would make the fuzzer send HTTP requests.
#![no_main]

use async_graphql::{BatchRequest, BatchResponse, Request, Response, Variables};
use chrono::{TimeZone, Utc};
use creditloop_app::notify::NotifyConfig;
use creditloop_app::{App, AppConfig, Principal};
use creditloop_domain::{ErrorCode, ManualClock};
use creditloop_graphql::{CreditloopSchema, Limits, RequestContext};
use creditloop_ledger::{Db, DbOptions};
use libfuzzer_sys::fuzz_target;
use migration::MigratorTrait;
use std::sync::{Arc, OnceLock};

/// The server's default `graphql_batch_max`.
const BATCH_MAX: usize = 10;

struct Harness {
    runtime: tokio::runtime::Runtime,
    schema: CreditloopSchema,
    /// Indexed by the first input byte: anonymous, auditor, employee, HR admin, finance.
    callers: Vec<Option<Principal>>,
}

static HARNESS: OnceLock<Harness> = OnceLock::new();

fn harness() -> &'static Harness {
    HARNESS.get_or_init(|| match build() {
        Ok(harness) => harness,
        Err(e) => panic!("could not set up the GraphQL fuzz harness: {e}"),
    })
}

fn build() -> Result<Harness, String> {
    let base = std::env::var_os("CREDITLOOP_FUZZ_TMP")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("creditloop-fuzz-graphql-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (schema, callers) = runtime.block_on(async {
        let url = format!("sqlite://{}?mode=rwc", dir.join("fuzz.db").display());
        let db = Db::connect(&DbOptions {
            url,
            pool_max: 4,
            acquire_timeout_ms: 10_000,
        })
        .await
        .map_err(|e| e.to_string())?;
        migration::Migrator::up(db.conn(), None)
            .await
            .map_err(|e| e.to_string())?;
        // A fixed clock, so that an input does the same whenever it is replayed.
        let start = Utc
            .with_ymd_and_hms(2026, 11, 1, 2, 0, 0)
            .single()
            .ok_or("start time")?;
        let clock = Arc::new(ManualClock::new(start));
        let config = AppConfig {
            password_hashing: creditloop_app::auth::PasswordCost::Fast,
            data_dir: dir.clone(),
            notify: NotifyConfig {
                mail_dir: dir.join("mail"),
                ..NotifyConfig::default()
            },
            ..AppConfig::default()
        };
        let app = App::new(db, clock, config);
        app.seed_demo().await.map_err(|e| format!("{e:?}"))?;
        let mut callers = vec![None];
        for who in ["auditor", "emp1", "hr", "finance"] {
            let email = format!("{who}@demo.creditloop.test");
            let session = app
                .login(&email, creditloop_app::demo::DEMO_PASSWORD, None)
                .await
                .map_err(|e| format!("login {email}: {e:?}"))?;
            let principal = app
                .authenticate(&session.token, None)
                .await
                .map_err(|e| format!("{e:?}"))?;
            callers.push(Some(principal));
        }
        let schema = creditloop_graphql::build_schema(app, &Limits::default());
        Ok::<_, String>((schema, callers))
    })?;
    Ok(Harness {
        runtime,
        schema,
        callers,
    })
}

fn context(principal: &Option<Principal>) -> RequestContext {
    RequestContext {
        principal: principal.clone(),
        ip: Some("127.0.0.1".to_owned()),
        session_cookie_max_age_secs: 3600,
        ..RequestContext::default()
    }
}

fn check(response: &Response, input: &str) {
    // `CREDITLOOP_FUZZ_PRINT=1` shows what an input gets, e.g. when replaying a seed.
    if std::env::var_os("CREDITLOOP_FUZZ_PRINT").is_some() {
        eprintln!("{}", serde_json::to_string(response).unwrap_or_default());
    }
    if let Err(e) = serde_json::to_string(response) {
        panic!("the response does not serialise ({e}) for {input:?}");
    }
    for error in &response.errors {
        let code = error.extensions.as_ref().and_then(|ext| ext.get("code"));
        let code = match code {
            // Parse, validation, limit and input-coercion errors: the server adds VALIDATION.
            None => continue,
            Some(async_graphql::Value::String(code)) => code.as_str(),
            Some(other) => panic!("a non-string error code {other:?} for {input:?}"),
        };
        assert!(
            ErrorCode::ALL.iter().any(|known| known.as_str() == code),
            "unknown error code {code} ({}) for {input:?}",
            error.message
        );
        assert_ne!(
            code,
            ErrorCode::Internal.as_str(),
            "INTERNAL error \"{}\" for {input:?}",
            error.message
        );
    }
}

/// The stack of a server worker thread (actix and tokio use 2 MiB), so that an input that
/// would overflow the server's stack overflows here too.
const WORKER_STACK: usize = 2 * 1024 * 1024;

fn run(first: u8, text: &str) {
    // The parser alone, as the server's GET handler and metrics label use it: behind the same
    // nesting check.
    let (query_text, variables) = text.split_once('\0').unwrap_or((text, ""));
    if !creditloop_graphql::too_deeply_nested(query_text) {
        let _ = async_graphql::parser::parse_query(query_text);
    }

    let harness = harness();
    let caller = &harness.callers[usize::from(first.wrapping_sub(b'0')) % harness.callers.len()];
    if let Ok(batch) = serde_json::from_str::<BatchRequest>(text) {
        // A request body, as `POST /graphql` reads it. (A body that is not one is refused
        // by the server before the schema sees it; here it is taken as a query instead.)
        if let BatchRequest::Batch(items) = &batch {
            if items.is_empty() || items.len() > BATCH_MAX {
                return;
            }
        }
        let response = harness
            .runtime
            .block_on(harness.schema.execute_batch(batch.data(context(caller))));
        match &response {
            BatchResponse::Single(r) => check(r, text),
            BatchResponse::Batch(rs) => rs.iter().for_each(|r| check(r, text)),
        }
    } else {
        let variables = serde_json::from_str::<serde_json::Value>(variables)
            .map(Variables::from_json)
            .unwrap_or_default();
        let request = Request::new(query_text)
            .variables(variables)
            .data(context(caller));
        let response = harness.runtime.block_on(harness.schema.execute(request));
        check(&response, text);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    // Set up once, on the main thread; each input then runs on a thread like a worker's.
    harness();
    let worker = std::thread::Builder::new().stack_size(WORKER_STACK);
    std::thread::scope(
        |scope| match worker.spawn_scoped(scope, || run(first, text)) {
            Ok(handle) => {
                if let Err(panic) = handle.join() {
                    std::panic::resume_unwind(panic);
                }
            }
            Err(e) => panic!("could not start a worker thread: {e}"),
        },
    );
});
