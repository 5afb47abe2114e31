//! The CSV import readers: `decode` → `sniff_delimiter` → `read_table` → `parse_employees`,
//! `parse_distributions` and `parse_allowances`, on arbitrary bytes, for each import kind.
//!
//! Checked for every input: no panic; every refusal is a `VALIDATION` error; decoding keeps
//! plain UTF-8 text as it is and lets no control character through; a table's row numbers
//! are spreadsheet rows (2 and up, increasing, never past the file's last line) and each row
//! is either read or reported, never both; the row-error list stays within its cap; and each
//! parser accounts for every row: good rows plus rows with errors equal the table's rows, a
//! good row has no error, and what a good row holds is valid (emails, phones, amounts within
//! the maximum, expiries in the future).
#![no_main]

use chrono::{DateTime, Duration, TimeZone, Utc};
use creditloop_app::AppError;
use creditloop_app::imports::{
    ImportKind, ImportLimits, ROW_ERRORS_MAX, RowError, RowRules, Table, decode, parse_allowances,
    parse_distributions, parse_employees, read_table, sniff_delimiter,
};
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::{Email, ErrorCode, Fen};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeSet;

const ROWS_MAX: usize = 200;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 2, 0, 0)
        .single()
        .unwrap_or_default()
}

fn rules() -> RowRules {
    RowRules {
        tz: chrono_tz::Asia::Shanghai,
        now: now(),
        amount_max: Fen::new(10_000_000_00),
    }
}

fn refused(what: &str, err: &AppError) {
    assert_eq!(err.code(), ErrorCode::Validation, "{what}: {err:?}");
    assert!(!err.public_message().is_empty());
}

/// Properties of the table itself; returns the set of its row numbers (read or reported).
fn check_table(text: &str, table: &Table) -> BTreeSet<usize> {
    // A record after the header needs at least one line break before it.
    let line_breaks = text.bytes().filter(|b| *b == b'\n' || *b == b'\r').count();
    let last_row = line_breaks + 1;
    assert!(
        !table.rows.is_empty() || !table.errors.is_empty(),
        "an accepted table has rows or errors"
    );
    assert!(table.rows.len() <= ROWS_MAX);
    assert!(table.errors.len() <= ROW_ERRORS_MAX);
    let mut previous = 1;
    for (row, values) in &table.rows {
        assert!(
            *row > previous && *row <= last_row,
            "row {row} after {previous}, last {last_row}"
        );
        assert_eq!(values.len(), table.present.len());
        for (value, present) in values.iter().zip(&table.present) {
            assert!(
                *present || value.is_empty(),
                "a value for a column the header does not have"
            );
            assert_eq!(value.trim(), value);
        }
        previous = *row;
    }
    let read: BTreeSet<usize> = table.rows.iter().map(|(row, _)| *row).collect();
    for error in &table.errors {
        assert!(
            error.row >= 2 && error.row <= last_row,
            "{error:?}, last row {last_row}"
        );
        assert!(
            error.column.is_none(),
            "the reader reports whole rows: {error:?}"
        );
        assert!(
            !read.contains(&error.row),
            "row {} is both read and reported",
            error.row
        );
    }
    read.union(&table.errors.iter().map(|e| e.row).collect())
        .copied()
        .collect()
}

/// What every parser promises: its errors start with the table's, every reported row is a
/// row of the table, and good rows plus rows with new errors account for every read row.
fn check_accounting(
    table: &Table,
    all_rows: &BTreeSet<usize>,
    errors: &[RowError],
    good: &[usize],
) {
    assert!(errors.len() <= ROW_ERRORS_MAX);
    assert!(
        errors.starts_with(&table.errors),
        "the table's own errors come first"
    );
    for error in errors {
        assert!(
            all_rows.contains(&error.row),
            "{error:?} is not a row of the table"
        );
        assert!(!error.message.is_empty());
    }
    let good_set: BTreeSet<usize> = good.iter().copied().collect();
    assert_eq!(good_set.len(), good.len(), "a row is parsed twice");
    if errors.len() < ROW_ERRORS_MAX {
        let new_errors: BTreeSet<usize> =
            errors[table.errors.len()..].iter().map(|e| e.row).collect();
        assert!(good_set.is_disjoint(&new_errors), "a good row has an error");
        assert_eq!(
            good_set.len() + new_errors.len(),
            table.rows.len(),
            "rows lost or invented"
        );
    }
}

fn check_employees(table: &Table, all_rows: &BTreeSet<usize>) {
    let (rows, errors) = match parse_employees(table) {
        Ok(parsed) => parsed,
        Err(e) => return refused("parse_employees", &e),
    };
    for row in &rows {
        assert!(
            !row.employee_no.is_empty() && row.employee_no.chars().count() <= 64,
            "{row:?}"
        );
        assert!(
            !row.name.is_empty() && row.name.chars().count() <= 100,
            "{row:?}"
        );
        assert_eq!(
            Email::parse(&row.email)
                .map(|e| e.as_str().to_owned())
                .as_deref(),
            Ok(row.email.as_str())
        );
        if let Some(phone) = &row.phone {
            assert_eq!(
                PhoneNumber::parse(phone)
                    .map(|p| p.as_str().to_owned())
                    .as_deref(),
                Ok(phone.as_str())
            );
        }
    }
    let numbers: BTreeSet<&str> = rows.iter().map(|r| r.employee_no.as_str()).collect();
    assert_eq!(numbers.len(), rows.len(), "an employee number twice");
    let good: Vec<usize> = rows.iter().map(|r| r.row).collect();
    check_accounting(table, all_rows, &errors, &good);
}

fn check_distributions(table: &Table, all_rows: &BTreeSet<usize>) {
    let rules = rules();
    let (rows, errors) = match parse_distributions(table, rules) {
        Ok(parsed) => parsed,
        Err(e) => return refused("parse_distributions", &e),
    };
    for row in &rows {
        assert!(
            row.amount.is_positive() && row.amount <= rules.amount_max,
            "{row:?}"
        );
        assert!(
            row.expires_at > rules.now && row.expires_at <= rules.now + Duration::days(5 * 366),
            "{row:?}"
        );
    }
    let good: Vec<usize> = rows.iter().map(|r| r.row).collect();
    check_accounting(table, all_rows, &errors, &good);
}

fn check_allowances(table: &Table, all_rows: &BTreeSet<usize>) {
    let rules = rules();
    let (spec, rows, errors) = match parse_allowances(table, rules) {
        Ok(parsed) => parsed,
        Err(e) => return refused("parse_allowances", &e),
    };
    if let Some(spec) = &spec {
        assert!(
            spec.amount.is_positive() && spec.amount <= rules.amount_max,
            "{spec:?}"
        );
        assert!(
            spec.frequency == "ONCE" || spec.frequency == "MONTHLY",
            "{spec:?}"
        );
        assert!(
            spec.day_of_month.is_none_or(|d| (1..=31).contains(&d)),
            "{spec:?}"
        );
        assert!(
            spec.expiry_days.is_none_or(|d| (1..=366).contains(&d)),
            "{spec:?}"
        );
        assert!(spec.run_at.is_none_or(|t| t > rules.now), "{spec:?}");
    }
    // Once the error list is full, further errors are dropped and cannot stop a row.
    if errors.len() < ROW_ERRORS_MAX {
        assert!(
            rows.is_empty() || spec.is_some(),
            "rows without the allowance they receive"
        );
        let numbers: BTreeSet<&str> = rows.iter().map(|r| r.employee_no.as_str()).collect();
        assert_eq!(numbers.len(), rows.len(), "an employee listed twice");
    }
    let good: Vec<usize> = rows.iter().map(|r| r.row).collect();
    check_accounting(table, all_rows, &errors, &good);
}

fuzz_target!(|data: &[u8]| {
    let text = match decode(data) {
        Ok(text) => text,
        Err(e) => return refused("decode", &e),
    };
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
    );
    let body = data.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(data);
    if let Ok(utf8) = std::str::from_utf8(body) {
        assert_eq!(text, utf8, "UTF-8 text is taken as it is");
    }
    assert!(matches!(sniff_delimiter(&text), b',' | b';'));
    let limits = ImportLimits {
        bytes_max: 1024 * 1024,
        rows_max: ROWS_MAX,
    };
    for kind in [
        ImportKind::Employees,
        ImportKind::Distributions,
        ImportKind::Allowances,
    ] {
        let table = match read_table(&text, kind, limits) {
            Ok(table) => table,
            Err(e) => {
                refused("read_table", &e);
                continue;
            }
        };
        assert_eq!(table.kind, kind);
        let all_rows = check_table(&text, &table);
        match kind {
            ImportKind::Employees => check_employees(&table, &all_rows),
            ImportKind::Distributions => check_distributions(&table, &all_rows),
            ImportKind::Allowances => check_allowances(&table, &all_rows),
        }
    }
});
