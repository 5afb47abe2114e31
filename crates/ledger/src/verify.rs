//! The ledger's invariants, checked from the stored data alone. Used by `creditloop verify`,
//! by the `verify` query and by tests after every step.

use crate::store::query_all;
use crate::LedgerError;
use creditloop_domain::TenantId;
use sea_orm::{ConnectionTrait, QueryResult, Value};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Which invariant, e.g. `balances_sum_to_zero`.
    pub check: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub entries_checked: i64,
    pub accounts_checked: i64,
    pub violations: Vec<Violation>,
}

struct Check {
    name: &'static str,
    /// `$1` is the tenant filter (NULL for all tenants).
    sql: &'static str,
    describe: fn(&QueryResult) -> Result<String, LedgerError>,
}

fn cols(row: &QueryResult, names: &[&str]) -> Result<String, LedgerError> {
    let mut parts = Vec::with_capacity(names.len());
    for name in names {
        let text = match row.try_get::<Option<i64>>("", name) {
            Ok(v) => v.map(|v| v.to_string()).unwrap_or_else(|| "NULL".into()),
            Err(_) => match row.try_get::<Option<Uuid>>("", name) {
                Ok(v) => v.map(|v| v.to_string()).unwrap_or_else(|| "NULL".into()),
                Err(_) => row.try_get::<Option<String>>("", name)?.unwrap_or_else(|| "NULL".into()),
            },
        };
        parts.push(format!("{name}={text}"));
    }
    Ok(parts.join(" "))
}

const CHECKS: &[Check] = &[
    Check {
        name: "balances_sum_to_zero",
        sql: "SELECT tenant_id, asset, CAST(SUM(posted) AS BIGINT) AS posted, CAST(SUM(pending_out) AS BIGINT) AS pending_out, \
              CAST(SUM(pending_in) AS BIGINT) AS pending_in FROM accounts WHERE ($1 IS NULL OR tenant_id = $1) \
              GROUP BY tenant_id, asset HAVING SUM(posted) <> 0 OR SUM(pending_out) <> SUM(pending_in)",
        describe: |r| cols(r, &["tenant_id", "asset", "posted", "pending_out", "pending_in"]),
    },
    Check {
        name: "no_account_below_floor",
        sql: "SELECT id, tenant_id, kind, posted, pending_out, pending_in FROM accounts WHERE ($1 IS NULL OR tenant_id = $1) \
              AND (pending_out < 0 OR pending_in < 0 OR (floor IS NOT NULL AND posted - pending_out < floor))",
        describe: |r| cols(r, &["id", "tenant_id", "kind", "posted", "pending_out", "pending_in"]),
    },
    Check {
        name: "entries_balance",
        sql: "SELECT entry_id, asset, CAST(SUM(amount) AS BIGINT) AS total FROM postings WHERE ($1 IS NULL OR tenant_id = $1) \
              GROUP BY entry_id, asset HAVING SUM(amount) <> 0",
        describe: |r| cols(r, &["entry_id", "asset", "total"]),
    },
    Check {
        name: "entries_have_postings",
        sql: "SELECT e.id FROM entries e WHERE ($1 IS NULL OR e.tenant_id = $1) \
              AND NOT EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = e.id)",
        describe: |r| cols(r, &["id"]),
    },
    Check {
        name: "balances_match_postings",
        sql: "SELECT a.id, a.kind, a.posted, a.pending_out, a.pending_in, \
                COALESCE(x.posted, 0) AS from_postings, COALESCE(x.held_out, 0) AS held_out, COALESCE(x.held_in, 0) AS held_in \
              FROM accounts a LEFT JOIN ( \
                SELECT p.account_id, \
                  CAST(SUM(CASE WHEN e.status = 'POSTED' THEN p.amount ELSE 0 END) AS BIGINT) AS posted, \
                  CAST(SUM(CASE WHEN e.status = 'PENDING' AND p.amount < 0 THEN -p.amount ELSE 0 END) AS BIGINT) AS held_out, \
                  CAST(SUM(CASE WHEN e.status = 'PENDING' AND p.amount > 0 THEN p.amount ELSE 0 END) AS BIGINT) AS held_in \
                FROM postings p JOIN entries e ON e.id = p.entry_id WHERE ($1 IS NULL OR p.tenant_id = $1) \
                GROUP BY p.account_id) x ON x.account_id = a.id \
              WHERE ($1 IS NULL OR a.tenant_id = $1) AND (a.posted <> COALESCE(x.posted, 0) \
                OR a.pending_out <> COALESCE(x.held_out, 0) OR a.pending_in <> COALESCE(x.held_in, 0))",
        describe: |r| cols(r, &["id", "kind", "posted", "from_postings", "pending_out", "held_out", "pending_in", "held_in"]),
    },
    Check {
        name: "lots_sum_to_wallet",
        sql: "SELECT a.id, a.posted, a.pending_out, COALESCE(l.remaining, 0) AS lots_remaining, COALESCE(l.held, 0) AS lots_held \
              FROM accounts a LEFT JOIN (SELECT account_id, CAST(SUM(remaining) AS BIGINT) AS remaining, \
                CAST(SUM(held) AS BIGINT) AS held FROM lots WHERE ($1 IS NULL OR tenant_id = $1) GROUP BY account_id) l \
                ON l.account_id = a.id \
              WHERE ($1 IS NULL OR a.tenant_id = $1) AND a.kind = 'WALLET' \
                AND (a.posted <> COALESCE(l.remaining, 0) OR a.pending_out <> COALESCE(l.held, 0))",
        describe: |r| cols(r, &["id", "posted", "lots_remaining", "pending_out", "lots_held"]),
    },
    Check {
        name: "lots_well_formed",
        sql: "SELECT id, original, remaining, held FROM lots WHERE ($1 IS NULL OR tenant_id = $1) \
              AND (held < 0 OR remaining < held OR remaining > original)",
        describe: |r| cols(r, &["id", "original", "remaining", "held"]),
    },
    Check {
        name: "idempotency_key_applied_once",
        sql: "SELECT tenant_id, idempotency_key, COUNT(*) AS entries FROM entries \
              WHERE ($1 IS NULL OR tenant_id = $1) AND batch_id IS NULL \
              GROUP BY tenant_id, idempotency_key HAVING COUNT(*) > 1",
        describe: |r| cols(r, &["tenant_id", "idempotency_key", "entries"]),
    },
    Check {
        name: "idempotency_key_one_batch",
        sql: "SELECT tenant_id, idempotency_key, COUNT(DISTINCT batch_id) AS batches FROM entries \
              WHERE ($1 IS NULL OR tenant_id = $1) AND batch_id IS NOT NULL \
              GROUP BY tenant_id, idempotency_key HAVING COUNT(DISTINCT batch_id) > 1",
        describe: |r| cols(r, &["tenant_id", "idempotency_key", "batches"]),
    },
    Check {
        name: "reversals_point_at_posted_entries",
        sql: "SELECT r.id, r.reverses_id, o.status FROM entries r LEFT JOIN entries o ON o.id = r.reverses_id \
              WHERE ($1 IS NULL OR r.tenant_id = $1) AND r.reverses_id IS NOT NULL \
              AND (o.id IS NULL OR o.status <> 'POSTED' OR o.tenant_id <> r.tenant_id)",
        describe: |r| cols(r, &["id", "reverses_id", "status"]),
    },
];

/// Runs every check, for one tenant or (with `None`) for all.
pub async fn run<C: ConnectionTrait>(c: &C, tenant: Option<TenantId>) -> Result<Report, LedgerError> {
    let scope = || -> Vec<Value> { vec![tenant.map(|t| t.0).into()] };
    let mut report = Report::default();
    for check in CHECKS {
        for row in query_all(c, check.sql, scope()).await? {
            report.violations.push(Violation { check: check.name, detail: (check.describe)(&row)? });
        }
    }
    let count = |sql: &'static str| async move {
        let rows = query_all(c, sql, scope()).await?;
        Ok::<i64, LedgerError>(rows.first().map(|r| r.try_get::<i64>("", "n")).transpose()?.unwrap_or(0))
    };
    report.entries_checked = count("SELECT COUNT(*) AS n FROM entries WHERE ($1 IS NULL OR tenant_id = $1)").await?;
    report.accounts_checked = count("SELECT COUNT(*) AS n FROM accounts WHERE ($1 IS NULL OR tenant_id = $1)").await?;
    Ok(report)
}
