//! CSV imports: the employee roster, distributions (a batch grant) and allowance lists.
//!
//! An upload is decoded, parsed and validated in full — first by pure functions over the
//! bytes (no database), then against the tenant's data — and stored with its report in the
//! `imports` table. Nothing is applied at upload. A commit applies the stored rows in one
//! transaction, all or none, exactly once: the import's status flips from `UPLOADED` to
//! `COMMITTED` with a conditional update, and a partial unique index lets only one upload of
//! the same file bytes (per tenant and kind) ever be committed.
//!
//! Row numbers in reports are spreadsheet rows: the header is row 1, the first data row is
//! row 2 — the number a user sees beside the row in Excel or WPS.

use crate::principal::Principal;
use crate::users::{NewUser, Profile};
use crate::{outbox, App, AppError, AppResult};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use creditloop_domain::phone::PhoneNumber;
use creditloop_domain::{Email, Fen, IdempotencyKey, Permission, Role, RoleSet, TenantId, UserId};
use creditloop_ledger::engine::{self, BatchGrantItem};
use creditloop_ledger::store::{exec, is_unique_violation, placeholders, query_all, query_one};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Limits on one upload. Files past them are refused before any row is looked at.
#[derive(Debug, Clone, Copy)]
pub struct ImportLimits {
    pub bytes_max: usize,
    pub rows_max: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits { bytes_max: 20 * 1024 * 1024, rows_max: 200_000 }
    }
}

/// Row errors reported per upload, at most; a file with more is hopeless anyway and the
/// report must stay small enough to show.
pub const ROW_ERRORS_MAX: usize = 1_000;
/// Employees one allowance list may name (what a schedule accepts).
pub const ALLOWANCE_EMPLOYEES_MAX: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportKind {
    Employees,
    Distributions,
    Allowances,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Employees => "employees",
            ImportKind::Distributions => "distributions",
            ImportKind::Allowances => "allowances",
        }
    }

    pub fn parse(s: &str) -> Option<ImportKind> {
        [ImportKind::Employees, ImportKind::Distributions, ImportKind::Allowances].into_iter().find(|k| k.as_str() == s)
    }

    /// The permission of the data an import of this kind writes (besides `imports.run`).
    pub fn permission(self) -> Permission {
        match self {
            ImportKind::Employees => Permission::UsersInvite,
            ImportKind::Distributions => Permission::GrantsCreate,
            ImportKind::Allowances => Permission::SchedulesManage,
        }
    }

    fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Employees => EMPLOYEE_COLUMNS,
            ImportKind::Distributions => DISTRIBUTION_COLUMNS,
            ImportKind::Allowances => ALLOWANCE_COLUMNS,
        }
    }
}

/// One column of an import file: its canonical name, whether the header must have it, and
/// the Chinese headings accepted for it (so a sheet made by hand in Chinese also works).
#[derive(Debug)]
struct Column {
    name: &'static str,
    required: bool,
    aliases: &'static [&'static str],
}

const fn col(name: &'static str, required: bool, aliases: &'static [&'static str]) -> Column {
    Column { name, required, aliases }
}

const EMPLOYEE_COLUMNS: &[Column] = &[
    col("employee_no", true, &["工号", "员工编号"]),
    col("name", true, &["姓名", "名字"]),
    col("email", true, &["邮箱", "电子邮箱", "邮件"]),
    col("phone", false, &["手机", "手机号", "电话"]),
    col("department", false, &["部门"]),
    col("cost_center", false, &["成本中心"]),
    col("status", false, &["状态"]),
    col("locale", false, &["语言"]),
];

const DISTRIBUTION_COLUMNS: &[Column] = &[
    col("employee_no", false, &["工号", "员工编号"]),
    col("email", false, &["邮箱", "电子邮箱", "邮件"]),
    col("amount", true, &["金额"]),
    col("expires_at", true, &["到期", "到期时间", "有效期至"]),
    col("memo", false, &["备注", "说明"]),
];

const ALLOWANCE_COLUMNS: &[Column] = &[
    col("employee_no", true, &["工号", "员工编号"]),
    col("amount", true, &["金额"]),
    col("name", true, &["名称", "补贴名称"]),
    col("frequency", true, &["频率"]),
    col("day_of_month", false, &["每月几号", "发放日"]),
    col("run_at", false, &["发放时间", "发放日期"]),
    col("expiry_days", false, &["有效天数"]),
];

/// A problem with one cell or row, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

impl RowError {
    fn new(row: usize, column: &str, message: impl Into<String>) -> RowError {
        RowError { row, column: Some(column.to_owned()), message: message.into() }
    }
}

// ---------------------------------------------------------------------------------------
// Pure parsing: bytes -> text -> table -> typed rows.
// ---------------------------------------------------------------------------------------

/// Decodes an upload. Valid UTF-8 (with or without a BOM) is taken as UTF-8; anything else
/// is decoded as GB18030, the superset of GBK that Excel writes on Chinese Windows. NUL
/// bytes and other control characters mean the file is binary (a spreadsheet saved as
/// `.xlsx`, an image), which is refused rather than read as nonsense.
pub fn decode(bytes: &[u8]) -> AppResult<String> {
    if bytes.contains(&0) {
        return Err(AppError::validation(
            "file",
            "the file contains binary data (NUL bytes); save the sheet as CSV (UTF-8 or GBK) and upload that",
        ));
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = match std::str::from_utf8(body) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(body)
            .map(|t| t.into_owned())
            .ok_or_else(|| AppError::validation("file", "the file is neither UTF-8 nor GB18030/GBK text"))?,
    };
    if text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n')) {
        return Err(AppError::validation("file", "the file contains control characters: it is not a CSV text file"));
    }
    Ok(text)
}

/// Picks `;` when the header line has more semicolons than commas outside quotes (what
/// Excel writes where the comma is the decimal separator), and `,` otherwise.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut quoted = false;
    let (mut commas, mut semicolons) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// A parsed file: for every data row, its spreadsheet row number and one value per column
/// of the kind (empty where the file does not have the column).
#[derive(Debug)]
pub struct Table {
    pub kind: ImportKind,
    /// Which of the kind's columns the header had.
    pub present: Vec<bool>,
    pub rows: Vec<(usize, Vec<String>)>,
    pub errors: Vec<RowError>,
}

impl Table {
    fn index(&self, column: &str) -> Option<usize> {
        self.kind.columns().iter().position(|c| c.name == column)
    }

    fn has(&self, column: &str) -> bool {
        self.index(column).is_some_and(|i| self.present[i])
    }
}

fn canonical_column(kind: ImportKind, heading: &str) -> Option<usize> {
    let heading = heading.trim().trim_start_matches('\u{feff}').to_lowercase().replace([' ', '-'], "_");
    kind.columns().iter().position(|c| c.name == heading || c.aliases.contains(&heading.as_str()))
}

/// Reads the CSV text into a table of the kind's columns. Header problems (unknown, missing
/// or repeated columns) and too many rows refuse the whole file; a row with the wrong
/// number of cells is a row error.
pub fn read_table(text: &str, kind: ImportKind, limits: ImportLimits) -> AppResult<Table> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(AppError::validation("file", format!("the header row cannot be read: {e}"))),
        None => return Err(AppError::validation("file", "the file is empty")),
    };
    let columns = kind.columns();
    let mut positions: Vec<Option<usize>> = Vec::with_capacity(header.len());
    let mut present = vec![false; columns.len()];
    for heading in header.iter() {
        if heading.trim().is_empty() {
            positions.push(None);
            continue;
        }
        let Some(i) = canonical_column(kind, heading) else {
            let known: Vec<&str> = columns.iter().map(|c| c.name).collect();
            return Err(AppError::validation(
                "file",
                format!("unknown column \"{}\"; the columns of a {} file are: {}", heading.trim(), kind.as_str(), known.join(", ")),
            ));
        };
        if present[i] {
            return Err(AppError::validation("file", format!("the column {} appears twice in the header", columns[i].name)));
        }
        present[i] = true;
        positions.push(Some(i));
    }
    let missing: Vec<&str> = columns.iter().zip(&present).filter(|(c, p)| c.required && !**p).map(|(c, _)| c.name).collect();
    if !missing.is_empty() {
        return Err(AppError::validation("file", format!("missing column(s): {}", missing.join(", "))));
    }
    let mut table = Table { kind, present, rows: Vec::new(), errors: Vec::new() };
    for (i, record) in records.enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                push_error(&mut table.errors, RowError { row, column: None, message: format!("this row cannot be read: {e}") });
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            // Spreadsheets often leave blank rows at the end; they are not data.
            continue;
        }
        if table.rows.len() >= limits.rows_max {
            return Err(AppError::validation(
                "file",
                format!("the file has more than {} rows; split it into smaller files", limits.rows_max),
            ));
        }
        if record.len() != header.len() {
            push_error(
                &mut table.errors,
                RowError { row, column: None, message: format!("this row has {} cells but the header has {}", record.len(), header.len()) },
            );
            continue;
        }
        let mut values = vec![String::new(); columns.len()];
        for (field, position) in record.iter().zip(&positions) {
            if let Some(i) = position {
                values[*i] = field.trim().to_owned();
            }
        }
        table.rows.push((row, values));
    }
    if table.rows.is_empty() && table.errors.is_empty() {
        return Err(AppError::validation("file", "the file has a header but no data rows"));
    }
    Ok(table)
}

fn push_error(errors: &mut Vec<RowError>, error: RowError) {
    if errors.len() < ROW_ERRORS_MAX {
        errors.push(error);
    }
}

/// Reads an instant: RFC 3339, or a date (`2026-12-31`, `2026/12/31`) meaning the end of that
/// day in the tenant's time zone.
pub fn parse_instant(text: &str, tz: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let date = ["%Y-%m-%d", "%Y/%m/%d"].iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok())?;
    let end = date.and_hms_opt(23, 59, 59)?;
    tz.from_local_datetime(&end).latest().map(|d| d.with_timezone(&Utc))
}

fn optional(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

fn bounded_cell(errors: &mut Vec<RowError>, row: usize, column: &'static str, value: &str, max: usize) -> Option<String> {
    match creditloop_domain::text::bounded(column, value, 1, max) {
        Ok(v) => Some(v),
        Err(_) => {
            push_error(errors, RowError::new(row, column, format!("must be 1 to {max} characters of text")));
            None
        }
    }
}

/// One roster row, parsed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmployeeRow {
    pub row: usize,
    pub employee_no: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub department: Option<String>,
    pub cost_center: Option<String>,
    pub active: bool,
    pub locale: Option<String>,
    /// Filled in against the database: what the commit will do with the row.
    #[serde(default)]
    pub action: EmployeeAction,
    #[serde(default)]
    pub user_id: Option<UserId>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmployeeAction {
    #[default]
    New,
    Update,
    Deactivate,
    /// Nothing to do (e.g. a deactivated employee listed as deactivated).
    Skip,
}

/// Parses roster rows. Duplicate employee numbers or emails refuse the whole file: which of
/// the two rows is meant cannot be guessed.
pub fn parse_employees(table: &Table) -> AppResult<(Vec<EmployeeRow>, Vec<RowError>)> {
    let mut errors = table.errors.clone();
    let mut rows = Vec::with_capacity(table.rows.len());
    let at = |name: &str| table.index(name).unwrap_or(0);
    let (no_i, name_i, email_i, phone_i, dept_i, cc_i, status_i, locale_i) =
        (at("employee_no"), at("name"), at("email"), at("phone"), at("department"), at("cost_center"), at("status"), at("locale"));
    let mut seen_no: HashMap<String, usize> = HashMap::new();
    let mut seen_email: HashMap<String, usize> = HashMap::new();
    for (row, v) in &table.rows {
        let row = *row;
        let before = errors.len();
        let employee_no = bounded_cell(&mut errors, row, "employee_no", &v[no_i], 64);
        let name = bounded_cell(&mut errors, row, "name", &v[name_i], 100);
        let email = match Email::parse(&v[email_i]) {
            Ok(e) => Some(e.as_str().to_owned()),
            Err(_) => {
                push_error(&mut errors, RowError::new(row, "email", format!("\"{}\" is not a valid email address", v[email_i])));
                None
            }
        };
        let phone = match optional(&v[phone_i]).map(|p| PhoneNumber::parse(&p)) {
            None => None,
            Some(Ok(p)) => Some(p.as_str().to_owned()),
            Some(Err(e)) => {
                push_error(&mut errors, RowError::new(row, "phone", e.to_string()));
                None
            }
        };
        let department = optional(&v[dept_i]).and_then(|d| bounded_cell(&mut errors, row, "department", &d, 100));
        let cost_center = optional(&v[cc_i]).and_then(|d| bounded_cell(&mut errors, row, "cost_center", &d, 100));
        let active = match v[status_i].to_uppercase().as_str() {
            "" | "ACTIVE" | "在职" => true,
            "DEACTIVATED" | "离职" => false,
            other => {
                push_error(&mut errors, RowError::new(row, "status", format!("\"{other}\" is not a status; use ACTIVE or DEACTIVATED")));
                true
            }
        };
        let locale = match v[locale_i].as_str() {
            "" => None,
            "zh-CN" | "zh_CN" | "zh" => Some("zh-CN".to_owned()),
            "en" | "en-US" => Some("en".to_owned()),
            other => {
                push_error(&mut errors, RowError::new(row, "locale", format!("\"{other}\" is not a language; use zh-CN or en")));
                None
            }
        };
        if let Some(no) = &employee_no {
            if let Some(first) = seen_no.insert(no.clone(), row) {
                return Err(AppError::validation(
                    "employee_no",
                    format!("employee number {no} appears twice, on rows {first} and {row}; each employee must be listed once"),
                ));
            }
        }
        if let Some(email) = &email {
            if let Some(first) = seen_email.insert(email.clone(), row) {
                return Err(AppError::validation(
                    "email",
                    format!("the email {email} appears twice, on rows {first} and {row}; each employee must be listed once"),
                ));
            }
        }
        if errors.len() > before {
            continue;
        }
        if let (Some(employee_no), Some(name), Some(email)) = (employee_no, name, email) {
            rows.push(EmployeeRow {
                row,
                employee_no,
                name,
                email,
                phone,
                department,
                cost_center,
                active,
                locale,
                action: EmployeeAction::New,
                user_id: None,
            });
        }
    }
    Ok((rows, errors))
}

/// Who a distribution or allowance row is for, before it is looked up.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Who {
    EmployeeNo(String),
    Email(String),
}

impl Who {
    fn column(&self) -> &'static str {
        match self {
            Who::EmployeeNo(_) => "employee_no",
            Who::Email(_) => "email",
        }
    }

    fn describe(&self) -> String {
        match self {
            Who::EmployeeNo(no) => format!("employee number {no}"),
            Who::Email(email) => format!("email {email}"),
        }
    }
}

/// One distribution row, parsed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DistributionRow {
    pub row: usize,
    pub who: Who,
    pub amount: Fen,
    pub expires_at: DateTime<Utc>,
    pub memo: Option<String>,
    #[serde(default)]
    pub user_id: Option<UserId>,
}

/// What a distribution needs to know to check a row without the database.
#[derive(Debug, Clone, Copy)]
pub struct RowRules {
    pub tz: chrono_tz::Tz,
    pub now: DateTime<Utc>,
    pub amount_max: Fen,
}

fn who_of(table: &Table, v: &[String], row: usize, errors: &mut Vec<RowError>) -> Option<Who> {
    let no = table.index("employee_no").filter(|_| table.has("employee_no")).map(|i| v[i].as_str()).unwrap_or("");
    let email = table.index("email").filter(|_| table.has("email")).map(|i| v[i].as_str()).unwrap_or("");
    if !no.is_empty() {
        return Some(Who::EmployeeNo(no.to_owned()));
    }
    if !email.is_empty() {
        return match Email::parse(email) {
            Ok(e) => Some(Who::Email(e.as_str().to_owned())),
            Err(_) => {
                push_error(errors, RowError::new(row, "email", format!("\"{email}\" is not a valid email address")));
                None
            }
        };
    }
    push_error(errors, RowError::new(row, "employee_no", "give the employee number or the email of the employee"));
    None
}

fn amount_cell(errors: &mut Vec<RowError>, row: usize, value: &str, max: Fen) -> Option<Fen> {
    match Fen::parse_positive(value, max) {
        Ok(a) => Some(a),
        Err(e) => {
            push_error(errors, RowError::new(row, "amount", format!("\"{value}\": {e}")));
            None
        }
    }
}

/// Parses distribution rows: who, how much, until when.
pub fn parse_distributions(table: &Table, rules: RowRules) -> AppResult<(Vec<DistributionRow>, Vec<RowError>)> {
    if !table.has("employee_no") && !table.has("email") {
        return Err(AppError::validation("file", "a distribution file needs an employee_no or an email column"));
    }
    let mut errors = table.errors.clone();
    let mut rows = Vec::with_capacity(table.rows.len());
    let at = |name: &str| table.index(name).unwrap_or(0);
    let (amount_i, expires_i, memo_i) = (at("amount"), at("expires_at"), at("memo"));
    for (row, v) in &table.rows {
        let row = *row;
        let before = errors.len();
        let who = who_of(table, v, row, &mut errors);
        let amount = amount_cell(&mut errors, row, &v[amount_i], rules.amount_max);
        let expires_at = match parse_instant(&v[expires_i], rules.tz) {
            None => {
                push_error(&mut errors, RowError::new(row, "expires_at", "give a date (2026-12-31) or a time (2026-12-31T18:00:00+08:00)"));
                None
            }
            Some(at) if at <= rules.now => {
                push_error(&mut errors, RowError::new(row, "expires_at", "the expiry must be in the future"));
                None
            }
            Some(at) if at > rules.now + Duration::days(crate::funds::GRANT_EXPIRY_DAYS_MAX) => {
                push_error(&mut errors, RowError::new(row, "expires_at", "the expiry must be within five years"));
                None
            }
            Some(at) => Some(at),
        };
        let memo = if table.has("memo") {
            optional(&v[memo_i]).and_then(|m| bounded_cell(&mut errors, row, "memo", &m, crate::funds::MEMO_LEN_MAX))
        } else {
            None
        };
        if errors.len() > before {
            continue;
        }
        if let (Some(who), Some(amount), Some(expires_at)) = (who, amount, expires_at) {
            rows.push(DistributionRow { row, who, amount, expires_at, memo, user_id: None });
        }
    }
    Ok((rows, errors))
}

/// The schedule an allowance list creates: every row of the file must describe the same one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowanceSpec {
    pub name: String,
    pub amount: Fen,
    /// `ONCE` or `MONTHLY`.
    pub frequency: String,
    pub day_of_month: Option<u32>,
    pub run_at: Option<DateTime<Utc>>,
    /// Empty for a monthly allowance: the credit then expires at the end of the month.
    pub expiry_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AllowanceRow {
    pub row: usize,
    pub employee_no: String,
    #[serde(default)]
    pub user_id: Option<UserId>,
}

fn allowance_spec(v: &[String], table: &Table, row: usize, rules: RowRules, errors: &mut Vec<RowError>) -> Option<AllowanceSpec> {
    let at = |name: &str| table.index(name).filter(|i| table.present[*i]).map(|i| v[i].as_str()).unwrap_or("");
    let before = errors.len();
    let name = bounded_cell(errors, row, "name", at("name"), 100);
    let amount = amount_cell(errors, row, at("amount"), rules.amount_max);
    let frequency = at("frequency").to_uppercase();
    let (mut day_of_month, mut run_at, mut expiry_days) = (None, None, None);
    if !at("expiry_days").is_empty() {
        match at("expiry_days").parse::<i64>() {
            Ok(d) if (1..=366).contains(&d) => expiry_days = Some(d),
            _ => push_error(errors, RowError::new(row, "expiry_days", "give the credit's life in whole days, 1 to 366")),
        }
    }
    match frequency.as_str() {
        "MONTHLY" => match at("day_of_month").parse::<u32>() {
            Ok(d) if (1..=31).contains(&d) => day_of_month = Some(d),
            _ => push_error(errors, RowError::new(row, "day_of_month", "a monthly allowance needs a day of the month, 1 to 31")),
        },
        "ONCE" => {
            match parse_instant(at("run_at"), rules.tz) {
                Some(t) if t > rules.now => run_at = Some(t),
                _ => push_error(errors, RowError::new(row, "run_at", "a one-off allowance needs a run time in the future")),
            }
            if expiry_days.is_none() && at("expiry_days").is_empty() {
                push_error(errors, RowError::new(row, "expiry_days", "a one-off allowance needs the credit's life in days"));
            }
        }
        _ => push_error(errors, RowError::new(row, "frequency", "the frequency must be ONCE or MONTHLY")),
    }
    if errors.len() > before {
        return None;
    }
    Some(AllowanceSpec { name: name?, amount: amount?, frequency, day_of_month, run_at, expiry_days })
}

/// Parses an allowance list. Every row names the same schedule; the rows say who receives it.
pub fn parse_allowances(table: &Table, rules: RowRules) -> AppResult<(Option<AllowanceSpec>, Vec<AllowanceRow>, Vec<RowError>)> {
    let mut errors = table.errors.clone();
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut spec: Option<(usize, AllowanceSpec)> = None;
    let no_i = table.index("employee_no").unwrap_or(0);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, v) in &table.rows {
        let row = *row;
        let before = errors.len();
        let employee_no = bounded_cell(&mut errors, row, "employee_no", &v[no_i], 64);
        if let Some(this) = allowance_spec(v, table, row, rules, &mut errors) {
            match &spec {
                None => spec = Some((row, this)),
                Some((first, s)) if *s != this => push_error(
                    &mut errors,
                    RowError {
                        row,
                        column: None,
                        message: format!(
                            "every row of an allowance file describes the same allowance; this row's name, amount, \
                             frequency, day, run time or expiry differs from row {first}'s"
                        ),
                    },
                ),
                Some(_) => {}
            }
        }
        if let Some(no) = &employee_no {
            if let Some(first) = seen.insert(no.clone(), row) {
                push_error(&mut errors, RowError::new(row, "employee_no", format!("employee number {no} is already listed on row {first}")));
            }
        }
        if errors.len() > before {
            continue;
        }
        if let Some(employee_no) = employee_no {
            rows.push(AllowanceRow { row, employee_no, user_id: None });
        }
    }
    if rows.len() > ALLOWANCE_EMPLOYEES_MAX {
        return Err(AppError::validation("file", format!("an allowance list may name at most {ALLOWANCE_EMPLOYEES_MAX} employees")));
    }
    Ok((spec.map(|(_, s)| s), rows, errors))
}

/// A downloadable template: UTF-8 with a BOM (so that Excel on Chinese Windows opens it as
/// UTF-8), the header and one example row.
pub fn template(kind: ImportKind) -> Vec<u8> {
    let (header, example) = match kind {
        ImportKind::Employees => (
            "employee_no,name,email,phone,department,cost_center,status,locale",
            "E0001,张三,zhangsan@example.com,13800138000,销售部,CC-100,ACTIVE,zh-CN",
        ),
        ImportKind::Distributions => ("employee_no,email,amount,expires_at,memo", "E0001,,50.00,2030-12-31,十二月话费"),
        ImportKind::Allowances => (
            "employee_no,amount,name,frequency,day_of_month,run_at,expiry_days",
            "E0001,50.00,每月话费补贴,MONTHLY,1,,",
        ),
    };
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(example.as_bytes());
    out.extend_from_slice(b"\r\n");
    out
}

// ---------------------------------------------------------------------------------------
// The report, storage and commit.
// ---------------------------------------------------------------------------------------

/// What an upload answers: the stored import's id and its validation report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportReport {
    pub id: Uuid,
    pub kind: ImportKind,
    pub status: String,
    pub rows: usize,
    pub errors: Vec<RowError>,
    pub totals: serde_json::Map<String, serde_json::Value>,
}

/// Options given with an upload.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct ImportOptions {
    /// Roster only: deactivate the roster's employees that the file does not list.
    pub deactivate_missing: bool,
}

/// The validated content of an upload, as stored.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Stored {
    Employees { rows: Vec<EmployeeRow>, deactivate: Vec<(UserId, String)> },
    Distributions { rows: Vec<DistributionRow> },
    Allowances { spec: Option<AllowanceSpec>, rows: Vec<AllowanceRow> },
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A user of the tenant as far as an import cares.
#[derive(Debug, Clone)]
struct Known {
    id: UserId,
    email: String,
    employee_no: Option<String>,
    roles: RoleSet,
    deactivated: bool,
}

impl App {
    /// Validates an upload in full and stores it with its report. Applies nothing.
    pub async fn upload_import(
        &self,
        principal: &Principal,
        kind: ImportKind,
        bytes: &[u8],
        options: ImportOptions,
        limits: ImportLimits,
    ) -> AppResult<ImportReport> {
        principal.require(Permission::ImportsRun)?;
        principal.require(kind.permission())?;
        if options.deactivate_missing {
            principal.require(Permission::UsersDeactivate)?;
        }
        if bytes.len() > limits.bytes_max {
            return Err(AppError::validation("file", format!("the file is larger than {} MiB", limits.bytes_max / (1024 * 1024))));
        }
        let sha = sha256_hex(bytes);
        self.refuse_committed_file(principal.tenant, kind, &sha).await?;
        let text = decode(bytes)?;
        let table = read_table(&text, kind, limits)?;
        drop(text);
        let tenant = self.tenant(principal).await?;
        let rules = RowRules {
            tz: tenant.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai),
            now: self.now(),
            amount_max: self.config.amount_max,
        };
        let (stored, errors, totals) = match kind {
            ImportKind::Employees => self.check_employees(principal, &table, options).await?,
            ImportKind::Distributions => self.check_distributions(principal, &table, rules).await?,
            ImportKind::Allowances => self.check_allowances(principal, &table, rules).await?,
        };
        let row_count = table.rows.len() + errors.iter().filter(|e| e.column.is_none()).count();
        drop(table);
        let id = Uuid::now_v7();
        let report = ImportReport { id, kind, status: "UPLOADED".into(), rows: row_count, errors, totals };
        let now = self.now();
        let tx = self.db.begin_write().await?;
        let result = exec(
            &*tx,
            "INSERT INTO imports (id, tenant_id, kind, status, sha256, row_count, totals, rows, errors, options, result, \
             created_by, created_at, committed_at) VALUES ($1, $2, $3, 'UPLOADED', $4, $5, $6, $7, $8, $9, NULL, $10, $11, NULL)",
            vec![
                id.into(),
                principal.tenant.0.into(),
                kind.as_str().into(),
                sha.clone().into(),
                i32::try_from(row_count).unwrap_or(i32::MAX).into(),
                serde_json::to_string(&report.totals)?.into(),
                serde_json::to_string(&stored)?.into(),
                serde_json::to_string(&report.errors)?.into(),
                serde_json::to_string(&options)?.into(),
                principal.label().into(),
                now.into(),
            ],
        )
        .await
        .map(|_| report)
        .map_err(AppError::from);
        let target = format!("import:{id} kind:{} rows:{row_count} errors:{} sha256:{sha}", kind.as_str(), errors_len(&result));
        self.finish(tx, principal, "imports.upload", Some(target), result).await
    }

    async fn refuse_committed_file(&self, tenant: TenantId, kind: ImportKind, sha: &str) -> AppResult<()> {
        let row = query_one(
            self.db.conn(),
            "SELECT id, committed_at FROM imports WHERE tenant_id = $1 AND kind = $2 AND sha256 = $3 AND status = 'COMMITTED'",
            vec![tenant.0.into(), kind.as_str().into(), sha.into()],
        )
        .await?;
        if let Some(row) = row {
            let id: Uuid = row.try_get("", "id")?;
            let at: Option<DateTime<Utc>> = row.try_get("", "committed_at")?;
            let at = at.map(|a| a.to_rfc3339()).unwrap_or_default();
            return Err(AppError::conflict(format!(
                "this exact file was already imported (import {id}, committed {at}); it cannot be applied twice"
            )));
        }
        Ok(())
    }

    /// Every user of the tenant, keyed by employee number, plus the emails in use anywhere.
    async fn known_users(&self, tenant: TenantId) -> AppResult<Vec<Known>> {
        let rows = query_all(
            self.db.conn(),
            "SELECT id, email, employee_no, roles, status FROM users WHERE tenant_id = $1",
            vec![tenant.0.into()],
        )
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("", "status")?;
                Ok(Known {
                    id: UserId(r.try_get("", "id")?),
                    email: r.try_get("", "email")?,
                    employee_no: r.try_get("", "employee_no")?,
                    roles: RoleSet::from_bits(u8::try_from(r.try_get::<i32>("", "roles")?).unwrap_or(0)),
                    deactivated: status == "DEACTIVATED",
                })
            })
            .collect()
    }

    /// Emails among `emails` that belong to users of other tenants (emails are unique
    /// across tenants, so such a row could never be invited).
    async fn emails_elsewhere(&self, tenant: TenantId, emails: &[String]) -> AppResult<HashSet<String>> {
        let mut taken = HashSet::new();
        for chunk in emails.chunks(500) {
            let mut values: Vec<sea_orm::Value> = vec![tenant.0.into()];
            values.extend(chunk.iter().map(|e| sea_orm::Value::from(e.clone())));
            let sql = format!("SELECT email FROM users WHERE tenant_id <> $1 AND email IN ({})", placeholders(2, chunk.len()));
            for row in query_all(self.db.conn(), &sql, values).await? {
                taken.insert(row.try_get::<String>("", "email")?);
            }
        }
        Ok(taken)
    }

    async fn check_employees(
        &self,
        principal: &Principal,
        table: &Table,
        options: ImportOptions,
    ) -> AppResult<(Stored, Vec<RowError>, serde_json::Map<String, serde_json::Value>)> {
        let (mut rows, mut errors) = parse_employees(table)?;
        let known = self.known_users(principal.tenant).await?;
        let by_no: HashMap<&str, &Known> = known.iter().filter_map(|k| k.employee_no.as_deref().map(|n| (n, k))).collect();
        let by_email: HashMap<&str, &Known> = known.iter().map(|k| (k.email.as_str(), k)).collect();
        let emails: Vec<String> = rows.iter().map(|r| r.email.clone()).collect();
        let elsewhere = self.emails_elsewhere(principal.tenant, &emails).await?;
        let mut kept = Vec::with_capacity(rows.len());
        for mut r in rows.drain(..) {
            let problem = match by_no.get(r.employee_no.as_str()) {
                Some(k) => {
                    r.user_id = Some(k.id);
                    r.action = match (k.deactivated, r.active) {
                        (true, true) => EmployeeAction::Skip,
                        (true, false) => EmployeeAction::Skip,
                        (false, true) => EmployeeAction::Update,
                        (false, false) => EmployeeAction::Deactivate,
                    };
                    if k.deactivated && r.active {
                        Some(RowError::new(r.row, "status", format!(
                            "employee {} is deactivated; reactivating is not done by import — invite them again or change the status to DEACTIVATED",
                            r.employee_no
                        )))
                    } else if k.email != r.email {
                        Some(RowError::new(r.row, "email", format!(
                            "employee {} is on file with the email {}; an import does not change sign-in emails",
                            r.employee_no, k.email
                        )))
                    } else if r.action == EmployeeAction::Deactivate && Some(k.id) == principal.user_id() {
                        Some(RowError::new(r.row, "status", "you cannot deactivate yourself"))
                    } else if r.action == EmployeeAction::Deactivate && k.roles.contains(Role::Owner) {
                        Some(RowError::new(r.row, "status", "an owner cannot be deactivated by import"))
                    } else {
                        None
                    }
                }
                None if !r.active => {
                    r.action = EmployeeAction::Skip;
                    None
                }
                None => {
                    r.action = EmployeeAction::New;
                    if by_email.contains_key(r.email.as_str()) || elsewhere.contains(&r.email) {
                        Some(RowError::new(r.row, "email", format!("the email {} already belongs to another user", r.email)))
                    } else {
                        None
                    }
                }
            };
            match problem {
                Some(e) => push_error(&mut errors, e),
                None => kept.push(r),
            }
        }
        errors.sort_by_key(|e| e.row);
        let listed: HashSet<&str> = kept.iter().map(|r| r.employee_no.as_str()).collect();
        let listed_all: HashSet<&str> = table.rows.iter().filter_map(|(_, v)| v.first().map(String::as_str)).collect();
        let deactivate: Vec<(UserId, String)> = if options.deactivate_missing {
            known
                .iter()
                .filter(|k| !k.deactivated && is_plain_employee(k.roles) && Some(k.id) != principal.user_id())
                .filter_map(|k| k.employee_no.as_deref().map(|n| (k.id, n)))
                .filter(|(_, n)| !listed.contains(n) && !listed_all.contains(n))
                .map(|(id, n)| (id, n.to_owned()))
                .collect()
        } else {
            Vec::new()
        };
        let count = |a: EmployeeAction| kept.iter().filter(|r| r.action == a).count();
        let mut totals = serde_json::Map::new();
        totals.insert("rows".into(), table.rows.len().into());
        totals.insert("new".into(), count(EmployeeAction::New).into());
        totals.insert("updated".into(), count(EmployeeAction::Update).into());
        totals.insert("deactivated".into(), (count(EmployeeAction::Deactivate) + deactivate.len()).into());
        totals.insert("skipped".into(), count(EmployeeAction::Skip).into());
        Ok((Stored::Employees { rows: kept, deactivate }, errors, totals))
    }

    /// Active employees of the tenant by employee number and by email.
    async fn active_employees(&self, tenant: TenantId) -> AppResult<(HashMap<String, UserId>, HashMap<String, UserId>)> {
        let (mut by_no, mut by_email) = (HashMap::new(), HashMap::new());
        for k in self.known_users(tenant).await? {
            if k.deactivated || !k.roles.contains(Role::Employee) {
                continue;
            }
            if let Some(no) = k.employee_no {
                by_no.insert(no, k.id);
            }
            by_email.insert(k.email, k.id);
        }
        Ok((by_no, by_email))
    }

    async fn check_distributions(
        &self,
        principal: &Principal,
        table: &Table,
        rules: RowRules,
    ) -> AppResult<(Stored, Vec<RowError>, serde_json::Map<String, serde_json::Value>)> {
        let (mut rows, mut errors) = parse_distributions(table, rules)?;
        let (by_no, by_email) = self.active_employees(principal.tenant).await?;
        let mut total = Fen::ZERO;
        let mut employees = HashSet::new();
        rows.retain_mut(|r| {
            let found = match &r.who {
                Who::EmployeeNo(no) => by_no.get(no),
                Who::Email(email) => by_email.get(email),
            };
            match found {
                Some(id) => {
                    r.user_id = Some(*id);
                    employees.insert(*id);
                    true
                }
                None => {
                    push_error(&mut errors, RowError::new(r.row, r.who.column(), format!("no active employee has the {}", r.who.describe())));
                    false
                }
            }
        });
        for r in &rows {
            total = total.checked_add(r.amount).ok_or_else(|| AppError::validation("amount", "the file's total is too large"))?;
        }
        errors.sort_by_key(|e| e.row);
        let mut totals = serde_json::Map::new();
        totals.insert("rows".into(), table.rows.len().into());
        totals.insert("employees".into(), employees.len().into());
        totals.insert("amount".into(), total.to_string().into());
        Ok((Stored::Distributions { rows }, errors, totals))
    }

    async fn check_allowances(
        &self,
        principal: &Principal,
        table: &Table,
        rules: RowRules,
    ) -> AppResult<(Stored, Vec<RowError>, serde_json::Map<String, serde_json::Value>)> {
        let (spec, mut rows, mut errors) = parse_allowances(table, rules)?;
        let (by_no, _) = self.active_employees(principal.tenant).await?;
        rows.retain_mut(|r| match by_no.get(&r.employee_no) {
            Some(id) => {
                r.user_id = Some(*id);
                true
            }
            None => {
                push_error(&mut errors, RowError::new(r.row, "employee_no", format!("no active employee has the employee number {}", r.employee_no)));
                false
            }
        });
        errors.sort_by_key(|e| e.row);
        let mut totals = serde_json::Map::new();
        totals.insert("rows".into(), table.rows.len().into());
        totals.insert("employees".into(), rows.len().into());
        if let Some(spec) = &spec {
            totals.insert("name".into(), spec.name.clone().into());
            totals.insert("frequency".into(), spec.frequency.clone().into());
            totals.insert("amount".into(), spec.amount.to_string().into());
            let per_run = i64::try_from(rows.len()).ok().and_then(|n| spec.amount.get().checked_mul(n)).map(Fen::new);
            totals.insert("total".into(), per_run.map(|f| f.to_string()).unwrap_or_default().into());
        }
        Ok((Stored::Allowances { spec, rows }, errors, totals))
    }

    /// Applies a validated import, all rows or none, exactly once.
    pub async fn commit_import(&self, principal: &Principal, id: Uuid, key: &IdempotencyKey) -> AppResult<serde_json::Value> {
        principal.require(Permission::ImportsRun)?;
        let row = query_one(
            self.db.conn(),
            "SELECT kind, status, errors, totals FROM imports WHERE tenant_id = $1 AND id = $2",
            vec![principal.tenant.0.into(), id.into()],
        )
        .await?
        .ok_or_else(|| AppError::not_found("import"))?;
        let kind_text: String = row.try_get("", "kind")?;
        let kind = ImportKind::parse(&kind_text).ok_or_else(|| AppError::internal(format!("import kind {kind_text}")))?;
        principal.require(kind.permission())?;
        let errors: Vec<RowError> = serde_json::from_str(&row.try_get::<String>("", "errors")?)?;
        if !errors.is_empty() {
            return Err(AppError::validation(
                "import",
                format!("the import has {} error(s); fix the file and upload it again", errors.len()),
            ));
        }
        let totals: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&row.try_get::<String>("", "totals")?)?;
        match kind {
            ImportKind::Allowances => self.commit_allowances(principal, id, key, totals).await,
            _ => self.commit_in_one_transaction(principal, id, kind, key, totals).await,
        }
    }

    /// Roster and distributions: the status flip and every change in one transaction.
    async fn commit_in_one_transaction(
        &self,
        principal: &Principal,
        id: Uuid,
        kind: ImportKind,
        key: &IdempotencyKey,
        totals: serde_json::Map<String, serde_json::Value>,
    ) -> AppResult<serde_json::Value> {
        let now = self.now();
        let tx = self.db.begin_write().await?;
        let request = serde_json::json!({ "import": id });
        let result = crate::funds::idempotent(&tx, principal.tenant, key, "imports.commit", &request, now, async {
            claim_import(&*tx, principal.tenant, id, now).await?;
            let stored = load_stored(&*tx, principal.tenant, id).await?;
            let mut out = totals.clone();
            match stored {
                Stored::Employees { rows, deactivate } => {
                    if !deactivate.is_empty() || rows.iter().any(|r| r.action == EmployeeAction::Deactivate) {
                        principal.require(Permission::UsersDeactivate)?;
                    }
                    let done = self.apply_roster(&tx, principal, id, rows, deactivate, now).await?;
                    out.insert("new".into(), done.0.into());
                    out.insert("updated".into(), done.1.into());
                    out.insert("deactivated".into(), done.2.into());
                }
                Stored::Distributions { rows } => {
                    let batch = self.apply_distribution(&tx, principal, key, rows, now).await?;
                    out.insert("batchId".into(), batch.batch_id.to_string().into());
                    out.insert("count".into(), batch.count.into());
                    out.insert("amount".into(), batch.total.to_string().into());
                }
                Stored::Allowances { .. } => return Err(AppError::internal("allowances commit in the wrong path")),
            }
            out.insert("id".into(), id.to_string().into());
            out.insert("status".into(), "COMMITTED".into());
            let value = serde_json::Value::Object(out);
            record_result(&*tx, principal.tenant, id, &value).await?;
            Ok(value)
        })
        .await;
        self.finish(tx, principal, "imports.commit", Some(format!("import:{id} kind:{}", kind.as_str())), result).await
    }

    /// Creates, updates and deactivates employees. Returns (new, updated, deactivated).
    async fn apply_roster(
        &self,
        tx: &creditloop_ledger::WriteTx,
        principal: &Principal,
        import: Uuid,
        rows: Vec<EmployeeRow>,
        deactivate: Vec<(UserId, String)>,
        now: DateTime<Utc>,
    ) -> AppResult<(usize, usize, usize)> {
        let (mut new, mut updated, mut deactivated) = (0, 0, 0);
        let employee = RoleSet::empty().with(Role::Employee);
        for r in rows {
            match (r.action, r.user_id) {
                (EmployeeAction::New, _) => {
                    self.invite_in(tx, principal, &r, employee, now).await.map_err(|e| row_failure(r.row, e))?;
                    new += 1;
                }
                (EmployeeAction::Update, Some(user)) => {
                    update_profile(&**tx, principal.tenant, user, &r, now).await?;
                    updated += 1;
                }
                (EmployeeAction::Deactivate, Some(user)) => {
                    update_profile(&**tx, principal.tenant, user, &r, now).await?;
                    deactivated += usize::from(deactivate_in(&**tx, principal, import, user, now).await?);
                }
                _ => {}
            }
        }
        for (user, _) in deactivate {
            deactivated += usize::from(deactivate_in(&**tx, principal, import, user, now).await?);
        }
        Ok((new, updated, deactivated))
    }

    /// What [`App::invite_user`] does for one person, inside the import's transaction.
    async fn invite_in(
        &self,
        tx: &creditloop_ledger::WriteTx,
        principal: &Principal,
        r: &EmployeeRow,
        roles: RoleSet,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let id = UserId::generate();
        let token = crate::auth::new_secret("inv_");
        let expires = now + Duration::days(self.config.invitation_days);
        let email = Email::parse(&r.email).map_err(|e| AppError::from(e).at("email"))?;
        let phone = r.phone.as_deref().map(PhoneNumber::parse).transpose().map_err(|e| AppError::validation("phone", e.to_string()))?;
        let locale = r.locale.clone().unwrap_or_else(|| "zh-CN".into());
        let profile = Profile {
            employee_no: Some(r.employee_no.clone()),
            phone,
            department: r.department.clone(),
            cost_center: r.cost_center.clone(),
        };
        crate::users::insert_user(
            &**tx,
            NewUser {
                id,
                tenant: principal.tenant,
                email,
                name: r.name.clone(),
                roles,
                status: "INVITED",
                password_hash: None,
                profile,
                locale: locale.clone(),
                invite_token_hash: Some(crate::auth::secret_hash(&token)),
                invite_expires_at: Some(expires),
            },
            now,
        )
        .await?;
        outbox::enqueue(
            &**tx,
            principal.tenant,
            outbox::Message::Invitation { user_id: id, email: r.email.clone(), name: r.name.clone(), locale, token, expires_at: expires },
            now,
        )
        .await?;
        Ok(())
    }

    /// One set-based batch grant for the whole file.
    async fn apply_distribution(
        &self,
        tx: &creditloop_ledger::WriteTx,
        principal: &Principal,
        key: &IdempotencyKey,
        rows: Vec<DistributionRow>,
        now: DateTime<Utc>,
    ) -> AppResult<engine::BatchGrant> {
        // The employees were checked at upload; one may have been deactivated since.
        let (_, by_email) = self.active_employees(principal.tenant).await?;
        let active: HashSet<UserId> = by_email.into_values().collect();
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            let user = r.user_id.ok_or_else(|| AppError::internal("a stored distribution row has no employee"))?;
            if !active.contains(&user) {
                return Err(AppError::validation("employee_no", format!("row {}: the {} is no longer an active employee", r.row, r.who.describe())));
            }
            if r.expires_at <= now {
                return Err(AppError::validation("expires_at", format!("row {}: the expiry has passed since the upload", r.row)));
            }
            items.push(BatchGrantItem { employee: user, amount: r.amount, expires_at: r.expires_at, memo: r.memo });
        }
        let meta = engine::Meta {
            idempotency_key: key.as_str().to_owned(),
            created_by: principal.label(),
            memo: Some("CSV distribution".into()),
            metadata: None,
        };
        let batch = engine::grant_batch(&**tx, principal.tenant, now, &items, &meta).await?;
        let notes: Vec<_> = items.iter().zip(&batch.entry_ids).map(|(i, e)| (i.employee, *e, i.amount, i.expires_at)).collect();
        crate::funds::notify_grants(&**tx, principal.tenant, &notes, now).await?;
        Ok(batch)
    }

    /// Allowances: a schedule is created by [`App::create_schedule`], which runs its own
    /// transaction. The import is claimed first (so a second commit can never create a
    /// second schedule), and released again if the schedule cannot be created.
    async fn commit_allowances(
        &self,
        principal: &Principal,
        id: Uuid,
        key: &IdempotencyKey,
        totals: serde_json::Map<String, serde_json::Value>,
    ) -> AppResult<serde_json::Value> {
        let now = self.now();
        let tx = self.db.begin_write().await?;
        let request = serde_json::json!({ "import": id });
        let mut fresh = false;
        let claimed = crate::funds::idempotent(&tx, principal.tenant, key, "imports.commit", &request, now, async {
            fresh = true;
            claim_import(&*tx, principal.tenant, id, now).await?;
            Ok(serde_json::json!({ "id": id, "status": "COMMITTING" }))
        })
        .await;
        match claimed {
            Ok(_) if fresh => tx.commit().await?,
            Ok(stored) => {
                tx.rollback().await?;
                // A replay: the stored answer, once the first commit has finished.
                if stored.get("status").and_then(|s| s.as_str()) == Some("COMMITTING") {
                    return Err(AppError::conflict("this import is being committed right now; try again in a moment"));
                }
                return Ok(stored);
            }
            Err(e) => return self.finish(tx, principal, "imports.commit", Some(format!("import:{id} kind:allowances")), Err(e)).await,
        }
        let created = async {
            let Stored::Allowances { spec: Some(spec), rows } = load_stored(self.db.conn(), principal.tenant, id).await? else {
                return Err(AppError::internal("an allowance import without its allowance"));
            };
            let employees: Vec<UserId> = rows.iter().filter_map(|r| r.user_id).collect();
            let frequency = crate::schedules::Frequency::parse(&spec.frequency)
                .ok_or_else(|| AppError::internal(format!("frequency {}", spec.frequency)))?;
            let input = crate::schedules::ScheduleInput {
                name: spec.name.clone(),
                amount: spec.amount,
                frequency,
                day_of_month: spec.day_of_month,
                day_of_week: None,
                run_at: spec.run_at,
                target: crate::schedules::Target::List(employees),
                expiry_days: spec.expiry_days,
                expire_at_period_end: spec.expiry_days.is_none(),
            };
            self.create_schedule(principal, input).await
        }
        .await;
        let tx = self.db.begin_write().await?;
        let result = match created {
            Ok(schedule) => async {
                let mut out = totals;
                out.insert("id".into(), id.to_string().into());
                out.insert("status".into(), "COMMITTED".into());
                out.insert("scheduleId".into(), schedule.id.to_string().into());
                let value = serde_json::Value::Object(out);
                record_result(&*tx, principal.tenant, id, &value).await?;
                creditloop_ledger::idempotency::complete(&*tx, principal.tenant, key.as_str(), &value.to_string()).await?;
                Ok(value)
            }
            .await,
            Err(e) => {
                // Give the import and the key back, so that fixing the cause and committing
                // again works; the schedule was not created.
                release_import(&*tx, principal.tenant, id, key).await?;
                tx.commit().await?;
                let tx = self.db.begin_write().await?;
                return self.finish(tx, principal, "imports.commit", Some(format!("import:{id} kind:allowances")), Err(e)).await;
            }
        };
        self.finish(tx, principal, "imports.commit", Some(format!("import:{id} kind:allowances")), result).await
    }
}

fn errors_len(result: &AppResult<ImportReport>) -> usize {
    result.as_ref().map(|r| r.errors.len()).unwrap_or(0)
}

/// Staff accounts (owner, HR, finance, auditor) are never deactivated by a roster file.
fn is_plain_employee(roles: RoleSet) -> bool {
    roles == RoleSet::empty().with(Role::Employee)
}

/// Names the row a commit-time failure came from.
fn row_failure(row: usize, err: AppError) -> AppError {
    let field = err.field().unwrap_or("row").to_owned();
    AppError::new(err.code(), format!("row {row}: {}", err.public_message())).at(&field)
}

/// Flips the import to `COMMITTED`. The condition is the guard against a second commit; the
/// partial unique index is the guard against committing a second upload of the same file.
async fn claim_import<C: sea_orm::ConnectionTrait>(c: &C, tenant: TenantId, id: Uuid, now: DateTime<Utc>) -> AppResult<()> {
    let flipped = exec(
        c,
        "UPDATE imports SET status = 'COMMITTED', committed_at = $1 WHERE tenant_id = $2 AND id = $3 AND status = 'UPLOADED'",
        vec![now.into(), tenant.0.into(), id.into()],
    )
    .await;
    match flipped {
        Ok(done) if done.rows_affected() == 1 => Ok(()),
        Ok(_) => Err(AppError::conflict("this import was already committed; it cannot be applied twice")),
        Err(e) if is_unique_violation(&e) => {
            Err(AppError::conflict("another upload of this exact file was already committed; it cannot be applied twice"))
        }
        Err(e) => Err(e.into()),
    }
}

async fn release_import<C: sea_orm::ConnectionTrait>(c: &C, tenant: TenantId, id: Uuid, key: &IdempotencyKey) -> AppResult<()> {
    exec(
        c,
        "UPDATE imports SET status = 'UPLOADED', committed_at = NULL WHERE tenant_id = $1 AND id = $2 AND result IS NULL",
        vec![tenant.0.into(), id.into()],
    )
    .await?;
    exec(c, "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2", vec![tenant.0.into(), key.as_str().into()]).await?;
    Ok(())
}

async fn load_stored<C: sea_orm::ConnectionTrait>(c: &C, tenant: TenantId, id: Uuid) -> AppResult<Stored> {
    let row = query_one(c, "SELECT rows FROM imports WHERE tenant_id = $1 AND id = $2", vec![tenant.0.into(), id.into()])
        .await?
        .ok_or_else(|| AppError::not_found("import"))?;
    Ok(serde_json::from_str(&row.try_get::<String>("", "rows")?)?)
}

async fn record_result<C: sea_orm::ConnectionTrait>(c: &C, tenant: TenantId, id: Uuid, value: &serde_json::Value) -> AppResult<()> {
    exec(
        c,
        "UPDATE imports SET result = $1 WHERE tenant_id = $2 AND id = $3",
        vec![value.to_string().into(), tenant.0.into(), id.into()],
    )
    .await?;
    Ok(())
}

async fn update_profile<C: sea_orm::ConnectionTrait>(c: &C, tenant: TenantId, user: UserId, r: &EmployeeRow, now: DateTime<Utc>) -> AppResult<()> {
    exec(
        c,
        "UPDATE users SET name = $1, phone = COALESCE($2, phone), department = COALESCE($3, department), \
         cost_center = COALESCE($4, cost_center), locale = COALESCE($5, locale), updated_at = $6 WHERE tenant_id = $7 AND id = $8",
        vec![
            r.name.clone().into(),
            r.phone.clone().into(),
            r.department.clone().into(),
            r.cost_center.clone().into(),
            r.locale.clone().into(),
            now.into(),
            tenant.0.into(),
            user.0.into(),
        ],
    )
    .await?;
    creditloop_ledger::account::rename(c, tenant, creditloop_ledger::AccountRef::Wallet(user), &format!("Wallet · {}", r.name)).await?;
    Ok(())
}

/// What [`App::deactivate_user`] does, inside the import's transaction: end the sessions and
/// return the wallet's free credit to the pool. Each reclaim gets its own derived key, so
/// every entry keeps a distinct idempotency key. Returns whether the user changed.
async fn deactivate_in<C: sea_orm::ConnectionTrait>(
    c: &C,
    principal: &Principal,
    import: Uuid,
    user: UserId,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let done = exec(
        c,
        "UPDATE users SET status = 'DEACTIVATED', deactivated_at = $1, invite_token_hash = NULL, updated_at = $1 \
         WHERE tenant_id = $2 AND id = $3 AND status <> 'DEACTIVATED'",
        vec![now.into(), principal.tenant.0.into(), user.0.into()],
    )
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    exec(c, "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL", vec![now.into(), user.0.into()]).await?;
    let key = IdempotencyKey::system(&format!("import:{import}:deactivate:{user}"));
    crate::users::reclaim_wallet(c, principal, user, &key, now).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolons_outside_quotes() {
        assert_eq!(sniff_delimiter("a;b;c\n1,2;3"), b';');
        assert_eq!(sniff_delimiter("\"a;b;c\",d\n"), b',');
    }

    #[test]
    fn decodes_gbk_and_bom() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("工号,姓名\n");
        assert_eq!(decode(&gbk).ok().as_deref(), Some("工号,姓名\n"));
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").ok().as_deref(), Some("a,b"));
        assert!(decode(b"PK\x03\x04\x00\x00").is_err());
    }

    #[test]
    fn dates_mean_end_of_day_in_the_tenant_zone() {
        let at = parse_instant("2030-01-31", chrono_tz::Asia::Shanghai).map(|d| d.to_rfc3339());
        assert_eq!(at.as_deref(), Some("2030-01-31T15:59:59+00:00"));
    }
}
