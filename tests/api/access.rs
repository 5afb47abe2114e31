//! The access-control matrix: every query and mutation of the GraphQL API, sent by every kind
//! of principal, and checked against the permission table of `crates/domain/src/role.rs`.
//!
//! Who may do what is never written here per role: each operation names the permission (or
//! the self-service rule) its use-case checks, and the expected answer for a principal is
//! computed with `Role::grants`. When the table changes, this test follows it; when an
//! operation is added to the schema without a row here, the coverage guard fails.

use creditloop_app::users::{Invitation, Profile};
use creditloop_app::Principal;
use creditloop_domain::{Email, Permission, Role};
use creditloop_tests::{both, code_of, s, Login, TestApp, TestTenant, PASSWORD};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The password `changePassword` switches to for a moment before switching back.
const TEMP_PASSWORD: &str = "a-temporary-password-2026";

/// What an operation asks of its caller.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Anyone, even without a token (signing in, accepting an invitation).
    Public,
    /// Any signed-in principal, person or API key.
    SignedIn,
    /// A signed-in person: an API key has no password to change.
    SignedInUser,
    /// Every one of these permissions.
    All(&'static [&'static str]),
    /// The permission, exercised by a person: purchase orders and dispute resolutions record
    /// who requested and who decided them, and self-service acts on the caller's own wallet,
    /// top-ups, disputes and cash-outs (`require_user`); a key is no one.
    UserWith(&'static str),
    /// The permission, or the subject is the caller themself.
    SelfOr(&'static str),
    /// The permission, or an employee (`wallet.own`) whose own wallet the subject is or touches.
    OwnWalletOr(&'static str),
    /// The permission, exercised by a person who is not the subject (the requester of the
    /// purchase order or of the recycle, the employee of the cash-out): "approve or reject
    /// purchase orders (never one's own)", and the same for reviews.
    NotRequesterWith(&'static str),
    /// The permission, by anyone but the subject (the employee whose top-up it is): a person
    /// never reviews their own top-up. The top-up review records no decider, so a key with
    /// the permission may decide too: it has no top-ups of its own.
    NotSubjectWith(&'static str),
    /// All of them with the second permission; with the first (self-service), a person's own.
    MineOr(&'static str, &'static str),
}

impl Rule {
    /// The permission names this rule mentions, so that a typo fails the pure test.
    fn permissions(self) -> Vec<&'static str> {
        match self {
            Rule::Public | Rule::SignedIn | Rule::SignedInUser => vec![],
            Rule::All(names) => names.to_vec(),
            Rule::UserWith(p) | Rule::SelfOr(p) | Rule::NotRequesterWith(p) | Rule::NotSubjectWith(p) => vec![p],
            Rule::OwnWalletOr(p) => vec![p, "wallet.own"],
            Rule::MineOr(own, all) => vec![own, all],
        }
    }
}

/// The objects a request names, created once per test by [`Fixture::build`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// An employee who is none of the principals: the "someone else" of the self rules.
    Bystander,
    /// The caller themself; an API key or an anonymous caller names the bystander instead.
    Myself,
    /// An employee kept for offboarding, so that deactivation disturbs no other row.
    Leaver,
    /// A second owner, whom only an owner may offboard.
    OtherOwner,
    /// A grant entry to the employee principal's own wallet.
    OwnGrantEntry,
    /// A grant entry to the bystander's wallet.
    OtherGrantEntry,
    /// The employee principal's wallet account.
    OwnWallet,
    /// The tenant's pool account.
    Pool,
    /// A small deposit kept for reversal.
    FundEntry,
    /// Purchase orders above the approval threshold, requested by HR and by the owner.
    PurchaseByHr,
    PurchaseByHrToReject,
    PurchaseByOwner,
    PurchaseByOwnerToReject,
    /// An API key that no principal uses, kept for revocation.
    SpareApiKey,
    /// Delivered top-ups of the employee principal: one with an open dispute, one to dispute.
    OwnTopup,
    OwnTopupToDispute,
    /// A delivered top-up of the bystander.
    OtherTopup,
    /// Top-ups of the reviewee to a number another employee registered: in review.
    TopupToApprove,
    TopupToReject,
    /// The open dispute on `OwnTopup`.
    OpenDispute,
    /// An allowance schedule.
    Schedule,
    /// A settled recycle, and the number of its voucher.
    SettledRecycle,
    VoucherNumber,
    /// A quote no one has confirmed yet.
    RecycleQuote,
    /// A recycle held until its settlement, to cancel.
    HeldRecycle,
    /// Recycles above the review threshold, requested by finance and by the owner.
    RecycleByFinance,
    RecycleByFinanceToReject,
    RecycleByOwner,
    RecycleByOwnerToReject,
    /// Cash-outs of the employee principal: two under review, one approved and not yet paid.
    CashoutToApprove,
    CashoutToReject,
    CashoutToPay,
    /// A switched-off webhook endpoint whose receiver answers 200, and a second one to delete.
    WebhookEndpoint,
    WebhookEndpointToDelete,
    /// A delivered test event to `WebhookEndpoint`, to replay.
    WebhookDelivery,
}

/// How to fill one variable of a request.
#[derive(Debug, Clone, Copy)]
enum Arg {
    Id(Target),
    /// A fresh idempotency key: every request is a new one, not a replay.
    Key,
    /// A fresh email address, for invitations.
    FreshEmail,
    OwnerEmail,
    Password,
    TempPassword,
    /// An expiry thirty days ahead.
    Expiry,
    /// A fresh invitation token, from an invitation the system sends just before.
    InvitationToken,
}

/// Which token a user principal sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Session {
    /// Their long-lived session.
    Main,
    /// A session signed in just for this request, because the request ends it (`logout`).
    Fresh,
    /// A fresh session, and afterwards the password is set back and the main session
    /// renewed, because `changePassword` ends every other session of the user.
    FreshRestorePassword,
}

struct Row {
    op: &'static str,
    rule: Rule,
    query: &'static str,
    args: &'static [(&'static str, Arg)],
    session: Session,
}

const fn row(op: &'static str, rule: Rule, query: &'static str, args: &'static [(&'static str, Arg)]) -> Row {
    Row { op, rule, query, args, session: Session::Main }
}

use Arg::*;
use Rule::*;
use Target::*;

/// One row per operation, and a second row where a special rule has two sides (someone
/// else's object and one's own; another person's purchase request and one's own).
const MATRIX: &[Row] = &[
    // Queries.
    row("viewer", SignedIn, "{ viewer { permissions } }", &[]),
    row("tenant", SignedIn, "{ tenant { id } }", &[]),
    row("users", All(&["users.read"]), "{ users(first: 5) { totalCount } }", &[]),
    row("user", SelfOr("users.read"), "query($id: ID!) { user(id: $id) { id } }", &[("id", Id(Bystander))]),
    row("user", SelfOr("users.read"), "query($id: ID!) { user(id: $id) { id } }", &[("id", Id(Myself))]),
    row("myWallet", All(&["wallet.own"]), "{ myWallet { balance } }", &[]),
    row("accounts", All(&["accounts.read"]), "{ accounts(first: 5) { totalCount } }", &[]),
    row("account", OwnWalletOr("accounts.read"), "query($id: ID!) { account(id: $id) { id } }", &[("id", Id(OwnWallet))]),
    row("account", OwnWalletOr("accounts.read"), "query($id: ID!) { account(id: $id) { id } }", &[("id", Id(Pool))]),
    row("entries", All(&["entries.read"]), "{ entries(first: 5) { totalCount } }", &[]),
    row("entry", OwnWalletOr("entries.read"), "query($id: ID!) { entry(id: $id) { id } }", &[("id", Id(OwnGrantEntry))]),
    row("entry", OwnWalletOr("entries.read"), "query($id: ID!) { entry(id: $id) { id } }", &[("id", Id(OtherGrantEntry))]),
    row("apiKeys", All(&["apikeys.manage"]), "{ apiKeys { id } }", &[]),
    row("auditLog", All(&["audit.read"]), "{ auditLog(first: 5) { totalCount } }", &[]),
    row("verify", All(&["ledger.verify"]), "{ verify { ok } }", &[]),
    row("operatorOf", SignedIn, "{ operatorOf(phone: \"13800138000\") { operator } }", &[]),
    row("purchaseOrders", All(&["purchases.read"]), "{ purchaseOrders(first: 5) { id } }", &[]),
    row("purchaseOrder", All(&["purchases.read"]), "query($id: ID!) { purchaseOrder(id: $id) { id } }", &[("id", Id(PurchaseByHr))]),
    // Queries: top-ups, reviews, disputes, schedules, reconciliation.
    row("topups", All(&["topups.read"]), "{ topups(first: 5) { id } }", &[]),
    row("myTopups", UserWith("wallet.own"), "{ myTopups(first: 5) { id } }", &[]),
    row("topupById", SelfOr("topups.read"), "query($id: ID!) { topupById(id: $id) { id } }", &[("id", Id(OwnTopup))]),
    row("topupById", SelfOr("topups.read"), "query($id: ID!) { topupById(id: $id) { id } }", &[("id", Id(OtherTopup))]),
    row("reviewQueue", All(&["reviews.decide"]), "{ reviewQueue { id } }", &[]),
    row("disputes", MineOr("disputes.own", "disputes.read"), "{ disputes { id } }", &[]),
    row("schedules", All(&["schedules.read"]), "{ schedules { id } }", &[]),
    row("reconciliation", All(&["ledger.verify"]), "{ reconciliation { topupId } }", &[]),
    row("csvImportUrl", All(&["imports.run"]), "{ csvImportUrl(kind: \"employees\") }", &[]),
    row("csvExportUrl", All(&["exports.read"]), "{ csvExportUrl(kind: \"entries\", from: \"2026-11-01\", bom: true) }", &[]),
    // Queries: recycling and cash-outs.
    row("recycles", All(&["recycles.read"]), "{ recycles(first: 5) { id } }", &[]),
    row("recycle", All(&["recycles.read"]), "query($id: ID!) { recycle(id: $id) { id } }", &[("id", Id(SettledRecycle))]),
    row("voucher", All(&["recycles.read"]), "query($n: String!) { voucher(number: $n) { number } }", &[("n", Id(VoucherNumber))]),
    row("cashouts", All(&["payouts.read"]), "{ cashouts(first: 5) { id } }", &[]),
    row("myCashouts", UserWith("cashouts.own"), "{ myCashouts(first: 5) { id } }", &[]),
    // Queries: webhooks and notification settings. The event list is static and its resolver
    // reads no principal: it answers without a token, like `login`.
    row("webhookEndpoints", All(&["webhooks.manage"]), "{ webhookEndpoints { id } }", &[]),
    row("webhookEvents", SignedIn, "{ webhookEvents }", &[]),
    row("webhookDeliveries", All(&["webhooks.manage"]), "{ webhookDeliveries(first: 5) { totalCount } }", &[]),
    // One's own mail choices: a key is no one (`require_user`).
    row("myNotificationSettings", UserWith("notifications.own"), "{ myNotificationSettings { kind enabled } }", &[]),
    // Mutations: signing in and out.
    row(
        "login",
        Public,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        &[("e", OwnerEmail), ("p", Password)],
    ),
    Row { session: Session::Fresh, ..row("logout", SignedIn, "mutation { logout }", &[]) },
    Row {
        session: Session::FreshRestorePassword,
        ..row(
            "changePassword",
            SignedInUser,
            "mutation($c: String!, $n: String!) { changePassword(current: $c, new: $n) }",
            &[("c", Password), ("n", TempPassword)],
        )
    },
    row(
        "acceptInvitation",
        Public,
        "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p) { token } }",
        &[("t", InvitationToken), ("p", Password)],
    ),
    // Mutations: people.
    row(
        "inviteUser",
        All(&["users.invite"]),
        "mutation($e: String!) { inviteUser(input: { email: $e, name: \"New Hire\", roles: [EMPLOYEE] }) { id } }",
        &[("e", FreshEmail)],
    ),
    // Staff roles need `roles.manage` on top: HR admins invite employees only.
    row(
        "inviteUser",
        All(&["users.invite", "roles.manage"]),
        "mutation($e: String!) { inviteUser(input: { email: $e, name: \"New Staff\", roles: [FINANCE] }) { id } }",
        &[("e", FreshEmail)],
    ),
    row(
        "updateUser",
        SelfOr("users.update"),
        "mutation($id: ID!) { updateUser(id: $id, input: { department: \"Ops\" }) { id } }",
        &[("id", Id(Bystander))],
    ),
    row(
        "updateUser",
        SelfOr("users.update"),
        "mutation($id: ID!) { updateUser(id: $id, input: { department: \"Ops\" }) { id } }",
        &[("id", Id(Myself))],
    ),
    // The bystander keeps the role they have, so no other row is disturbed.
    row(
        "setUserRoles",
        All(&["roles.manage"]),
        "mutation($id: ID!) { setUserRoles(id: $id, roles: [EMPLOYEE]) { id } }",
        &[("id", Id(Bystander))],
    ),
    row(
        "deactivateUser",
        All(&["users.deactivate"]),
        "mutation($id: ID!, $k: String!) { deactivateUser(id: $id, idempotencyKey: $k) { id } }",
        &[("id", Id(Leaver)), ("k", Key)],
    ),
    // Offboarding an owner takes an owner (`roles.manage`), though HR may offboard employees.
    row(
        "deactivateUser",
        All(&["users.deactivate", "roles.manage"]),
        "mutation($id: ID!, $k: String!) { deactivateUser(id: $id, idempotencyKey: $k) { id } }",
        &[("id", Id(OtherOwner)), ("k", Key)],
    ),
    row("createApiKey", All(&["apikeys.manage"]), "mutation { createApiKey(name: \"k\", roles: [AUDITOR]) { secret } }", &[]),
    row("revokeApiKey", All(&["apikeys.manage"]), "mutation($id: ID!) { revokeApiKey(id: $id) { id } }", &[("id", Id(SpareApiKey))]),
    // Mutations: money.
    row(
        "fund",
        All(&["funding.create"]),
        "mutation($k: String!) { fund(input: { amount: \"1.00\", reference: \"BANK-M\", idempotencyKey: $k }) { id } }",
        &[("k", Key)],
    ),
    row(
        "grant",
        All(&["grants.create"]),
        "mutation($e: ID!, $x: DateTime!, $k: String!) { grant(input: { employeeId: $e, amount: \"1.00\", expiresAt: $x, idempotencyKey: $k }) { entry { id } } }",
        &[("e", Id(Bystander)), ("x", Expiry), ("k", Key)],
    ),
    row(
        "grantBatch",
        All(&["grants.create"]),
        "mutation($e: ID!, $x: DateTime!, $k: String!) { grantBatch(input: { items: [{ employeeId: $e, amount: \"1.00\" }], expiresAt: $x, idempotencyKey: $k }) { count } }",
        &[("e", Id(Bystander)), ("x", Expiry), ("k", Key)],
    ),
    // The first allowed caller reverses the deposit; later ones get CONFLICT (already reversed).
    row(
        "reverseEntry",
        All(&["entries.reverse"]),
        "mutation($id: ID!, $k: String!) { reverseEntry(id: $id, reason: \"matrix\", idempotencyKey: $k) { id } }",
        &[("id", Id(FundEntry)), ("k", Key)],
    ),
    // At or below the approval threshold: approved by policy at once.
    row(
        "requestPurchase",
        UserWith("purchases.request"),
        "mutation($k: String!) { requestPurchase(faceValue: \"10.00\", price: \"9.60\", supplier: \"S\", idempotencyKey: $k) { id } }",
        &[("k", Key)],
    ),
    row(
        "approvePurchase",
        NotRequesterWith("purchases.approve"),
        "mutation($id: ID!, $k: String!) { approvePurchase(id: $id, idempotencyKey: $k) { id } }",
        &[("id", Id(PurchaseByHr)), ("k", Key)],
    ),
    row(
        "approvePurchase",
        NotRequesterWith("purchases.approve"),
        "mutation($id: ID!, $k: String!) { approvePurchase(id: $id, idempotencyKey: $k) { id } }",
        &[("id", Id(PurchaseByOwner)), ("k", Key)],
    ),
    row(
        "rejectPurchase",
        NotRequesterWith("purchases.approve"),
        "mutation($id: ID!) { rejectPurchase(id: $id, reason: \"matrix\") { id } }",
        &[("id", Id(PurchaseByHrToReject))],
    ),
    row(
        "rejectPurchase",
        NotRequesterWith("purchases.approve"),
        "mutation($id: ID!) { rejectPurchase(id: $id, reason: \"matrix\") { id } }",
        &[("id", Id(PurchaseByOwnerToReject))],
    ),
    // Mutations: top-ups. A code is for a number other than one's own (one's own is refused).
    row("requestTopupCode", UserWith("topups.create_own"), "mutation { requestTopupCode(phone: \"18612340000\") }", &[]),
    // The employee principal's own registered number, so no code is needed.
    row(
        "topup",
        UserWith("topups.create_own"),
        "mutation($k: String!) { topup(phone: \"13800000001\", amount: \"1.00\", idempotencyKey: $k) { id } }",
        &[("k", Key)],
    ),
    row(
        "topupFor",
        All(&["topups.create_for"]),
        "mutation($e: ID!, $k: String!) { topupFor(employeeId: $e, amount: \"1.00\", idempotencyKey: $k) { id } }",
        &[("e", Id(Bystander)), ("k", Key)],
    ),
    // The first allowed caller decides; later ones get CONFLICT (no longer in review).
    row("approveTopup", NotSubjectWith("reviews.decide"), "mutation($id: ID!) { approveTopup(id: $id) { id } }", &[("id", Id(TopupToApprove))]),
    row(
        "rejectTopup",
        NotSubjectWith("reviews.decide"),
        "mutation($id: ID!) { rejectTopup(id: $id, reason: \"matrix\") { id } }",
        &[("id", Id(TopupToReject))],
    ),
    row(
        "openDispute",
        UserWith("disputes.own"),
        "mutation($t: ID!) { openDispute(topupId: $t, reason: \"matrix\") { id } }",
        &[("t", Id(OwnTopupToDispute))],
    ),
    row(
        "resolveDispute",
        UserWith("disputes.resolve"),
        "mutation($id: ID!, $k: String!) { resolveDispute(id: $id, refund: false, resolution: \"matrix\", idempotencyKey: $k) { id } }",
        &[("id", Id(OpenDispute)), ("k", Key)],
    ),
    row(
        "createSchedule",
        All(&["schedules.manage"]),
        "mutation { createSchedule(input: { name: \"m\", amount: \"1.00\", frequency: MONTHLY, dayOfMonth: 1, target: ALL }) { id } }",
        &[],
    ),
    row(
        "setSchedulePaused",
        All(&["schedules.manage"]),
        "mutation($id: ID!) { setSchedulePaused(id: $id, paused: true) { id } }",
        &[("id", Id(Schedule))],
    ),
    row("runExpirySweep", All(&["sweeps.run"]), "mutation { runExpirySweep { lots } }", &[]),
    // The policy the fixture set already: nothing else changes.
    row("updatePolicy", All(&["policy.manage"]), "mutation { updatePolicy(input: { cashoutEnabled: true }) { cashoutEnabled } }", &[]),
    // Mutations: recycling and cash-outs.
    row("quoteRecycle", All(&["recycles.manage"]), "mutation { quoteRecycle(faceValue: \"10.00\") { id } }", &[]),
    // The first allowed caller confirms the quote; later ones get CONFLICT (already used).
    row(
        "confirmRecycle",
        All(&["recycles.manage"]),
        "mutation($q: ID!, $k: String!) { confirmRecycle(quoteId: $q, idempotencyKey: $k) { id } }",
        &[("q", Id(RecycleQuote)), ("k", Key)],
    ),
    row("approveRecycle", NotRequesterWith("reviews.decide"), "mutation($id: ID!) { approveRecycle(id: $id) { id } }", &[("id", Id(RecycleByFinance))]),
    row("approveRecycle", NotRequesterWith("reviews.decide"), "mutation($id: ID!) { approveRecycle(id: $id) { id } }", &[("id", Id(RecycleByOwner))]),
    row(
        "rejectRecycle",
        NotRequesterWith("reviews.decide"),
        "mutation($id: ID!) { rejectRecycle(id: $id, reason: \"matrix\") { id } }",
        &[("id", Id(RecycleByFinanceToReject))],
    ),
    row(
        "rejectRecycle",
        NotRequesterWith("reviews.decide"),
        "mutation($id: ID!) { rejectRecycle(id: $id, reason: \"matrix\") { id } }",
        &[("id", Id(RecycleByOwnerToReject))],
    ),
    row(
        "cancelRecycle",
        All(&["recycles.manage"]),
        "mutation($id: ID!) { cancelRecycle(id: $id, reason: \"matrix\") { id } }",
        &[("id", Id(HeldRecycle))],
    ),
    row("settleDueRecycles", All(&["recycles.manage"]), "mutation { settleDueRecycles }", &[]),
    // At or below the review threshold: approved at once.
    row("cashout", UserWith("cashouts.own"), "mutation($k: String!) { cashout(amount: \"1.00\", idempotencyKey: $k) { id } }", &[("k", Key)]),
    row("approveCashout", NotRequesterWith("reviews.decide"), "mutation($id: ID!) { approveCashout(id: $id) { id } }", &[("id", Id(CashoutToApprove))]),
    row(
        "rejectCashout",
        NotRequesterWith("reviews.decide"),
        "mutation($id: ID!) { rejectCashout(id: $id, reason: \"matrix\") { id } }",
        &[("id", Id(CashoutToReject))],
    ),
    row(
        "markCashoutPaid",
        All(&["payouts.manage"]),
        "mutation($id: ID!, $k: String!) { markCashoutPaid(id: $id, idempotencyKey: $k) { id } }",
        &[("id", Id(CashoutToPay)), ("k", Key)],
    ),
    // Mutations: webhooks and notification settings. New endpoints are switched off and point
    // at a closed port: nothing is ever sent to them.
    row(
        "createWebhookEndpoint",
        All(&["webhooks.manage"]),
        "mutation { createWebhookEndpoint(input: { url: \"http://127.0.0.1:9/hook\", active: false }) { endpoint { id } } }",
        &[],
    ),
    row(
        "updateWebhookEndpoint",
        All(&["webhooks.manage"]),
        "mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { description: \"matrix\" }) { id } }",
        &[("id", Id(WebhookEndpoint))],
    ),
    // The first allowed caller deletes it; later ones get NOT_FOUND.
    row(
        "deleteWebhookEndpoint",
        All(&["webhooks.manage"]),
        "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }",
        &[("id", Id(WebhookEndpointToDelete))],
    ),
    // Both send at once (not through the worker), to the fixture's receiver.
    row(
        "replayWebhookDelivery",
        All(&["webhooks.manage"]),
        "mutation($id: ID!) { replayWebhookDelivery(id: $id) { id status } }",
        &[("id", Id(WebhookDelivery))],
    ),
    row(
        "sendTestWebhook",
        All(&["webhooks.manage"]),
        "mutation($e: ID!) { sendTestWebhook(endpointId: $e) { id status } }",
        &[("e", Id(WebhookEndpoint))],
    ),
    // Switching an optional kind on, as it is by default: nothing changes.
    row(
        "updateMyNotificationSettings",
        UserWith("notifications.own"),
        "mutation { updateMyNotificationSettings(settings: [{ kind: \"credit_received\", enabled: true }]) { kind enabled } }",
        &[],
    ),
];

// ---------------------------------------------------------------------------------------
// The coverage guard: no server, just the checked-in schema and the table above.
// ---------------------------------------------------------------------------------------

/// The field names of `type <name> { ... }` in SDL: the identifier at the start of each field
/// line, skipping doc strings and the lines of multi-line argument lists.
fn root_fields(sdl: &str, type_name: &str) -> BTreeSet<String> {
    let header = format!("type {type_name} {{");
    let mut lines = sdl.lines().map(str::trim).skip_while(|l| *l != header);
    assert!(lines.next().is_some(), "schema.graphql has no `{header}` block");
    let mut fields = BTreeSet::new();
    let mut in_doc = false;
    let mut depth = 0i32;
    let mut closed = false;
    for line in lines {
        let quotes = line.matches("\"\"\"").count();
        if in_doc {
            // Inside a block string: an odd number of `"""` ends it.
            in_doc = quotes % 2 == 0;
            continue;
        }
        if quotes > 0 {
            // Either a one-line `"""doc"""` or the start of a block string.
            in_doc = quotes % 2 == 1;
            continue;
        }
        if line.starts_with('"') || line.starts_with('#') || line.is_empty() {
            continue;
        }
        if depth == 0 && line == "}" {
            closed = true;
            break;
        }
        if depth == 0 {
            let name: String = line.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            assert!(!name.is_empty(), "cannot read a field name in `type {type_name}` from: {line}");
            fields.insert(name);
        }
        depth += line.matches('(').count() as i32 - line.matches(')').count() as i32;
    }
    assert!(closed, "the `type {type_name}` block of schema.graphql never closes");
    fields
}

/// Whether `query` really calls `op` as a field (not merely contains the letters).
fn calls(query: &str, op: &str) -> bool {
    query.match_indices(op).any(|(at, _)| {
        let before = query[..at].chars().next_back();
        let after = query[at + op.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') && matches!(after, Some('(' | ' ' | '{'))
    })
}

#[test]
fn matrix_covers_exactly_the_operations_of_the_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let sdl = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let mut schema = root_fields(&sdl, "Query");
    let mutations = root_fields(&sdl, "Mutation");
    assert!(schema.is_disjoint(&mutations), "a field name is both a query and a mutation");
    schema.extend(mutations);
    let matrix: BTreeSet<String> = MATRIX.iter().map(|r| r.op.to_owned()).collect();
    let missing: Vec<_> = schema.difference(&matrix).collect();
    let stale: Vec<_> = matrix.difference(&schema).collect();
    assert!(missing.is_empty(), "operations in schema.graphql without a row in the access matrix: {missing:?}");
    assert!(stale.is_empty(), "rows in the access matrix for operations schema.graphql no longer has: {stale:?}");
    // The table must be sound too: each document calls its operation, and each rule names
    // permissions that exist.
    for r in MATRIX {
        assert!(calls(r.query, r.op), "the document of row `{}` does not call it: {}", r.op, r.query);
        for p in r.rule.permissions() {
            assert!(Permission::parse(p).is_some(), "row `{}` names an unknown permission {p}", r.op);
        }
    }
}

#[test]
fn schema_scan_reads_multi_line_arguments_and_doc_strings() {
    // The scanner must not take argument names or doc text for fields.
    let sdl = "type Query {\n\t\"\"\"\n\tA doc(with: parens)\n\t\"\"\"\n\ta(x: Int): Int\n\t\"\"\"one line\"\"\"\n\tb(\n\t\tfirst: Int,\n\t\t\"\"\"\n\t\targ doc\n\t\t\"\"\"\n\t\tafter: String\n\t): Int!\n\tc: Int\n}\n";
    assert_eq!(root_fields(sdl, "Query"), ["a", "b", "c"].into_iter().map(str::to_owned).collect());
}

// ---------------------------------------------------------------------------------------
// Principals and the expected answer.
// ---------------------------------------------------------------------------------------

/// One caller of the matrix.
struct Who {
    label: &'static str,
    /// None: no token at all.
    token: Option<String>,
    roles: Vec<Role>,
    /// The person behind the token; None for API keys and anonymous callers.
    user: Option<Login>,
}

impl Who {
    fn person(label: &'static str, login: &Login, role: Role) -> Who {
        Who { label, token: Some(login.token.clone()), roles: vec![role], user: Some(login.clone()) }
    }

    fn key(label: &'static str, secret: String, role: Role) -> Who {
        Who { label, token: Some(secret), roles: vec![role], user: None }
    }

    fn anonymous() -> Who {
        Who { label: "no token", token: None, roles: vec![], user: None }
    }

    fn user_id(&self) -> Option<&str> {
        self.user.as_ref().map(|u| u.user_id.as_str())
    }

    /// Does the permission table give this caller the permission?
    fn can(&self, name: &str) -> bool {
        let permission = Permission::parse(name).unwrap_or_else(|| panic!("unknown permission {name}"));
        self.roles.iter().any(|r| r.grants(permission))
    }

    /// May this caller do what `rule` asks, on an object whose subject (its person: the
    /// user named, the wallet's owner, the purchase's requester) is `subject`?
    fn allowed(&self, rule: Rule, subject: Option<&str>) -> bool {
        let person = self.user_id().is_some();
        let is_subject = person && self.user_id() == subject;
        match rule {
            Public => true,
            SignedIn => self.token.is_some(),
            SignedInUser => person,
            All(names) => names.iter().all(|p| self.can(p)),
            UserWith(p) => person && self.can(p),
            SelfOr(p) => is_subject || self.can(p),
            OwnWalletOr(p) => (is_subject && self.can("wallet.own")) || self.can(p),
            NotRequesterWith(p) => person && !is_subject && self.can(p),
            NotSubjectWith(p) => !is_subject && self.can(p),
            MineOr(own, all) => self.can(all) || (person && self.can(own)),
        }
    }

    /// The code a refused request must carry.
    fn refusal(&self) -> &'static str {
        if self.token.is_some() { "FORBIDDEN" } else { "UNAUTHENTICATED" }
    }
}

/// The callers of one tenant: its five people, then one API key per role a key may carry.
async fn callers(app: &TestApp, t: &TestTenant) -> Vec<Who> {
    let mut whos = vec![
        Who::person("owner", &t.owner, Role::Owner),
        Who::person("hr", &t.hr, Role::HrAdmin),
        Who::person("finance", &t.finance, Role::Finance),
        Who::person("auditor", &t.auditor, Role::Auditor),
        Who::person("employee", &t.employees[0], Role::Employee),
    ];
    for (label, role) in [("api key HR_ADMIN", Role::HrAdmin), ("api key FINANCE", Role::Finance), ("api key AUDITOR", Role::Auditor)] {
        assert!(role.assignable_to_api_key());
        whos.push(Who::key(label, api_key(app, t, role.as_str()).await.1, role));
    }
    whos
}

/// Creates an API key as the owner: (id, secret).
async fn api_key(app: &TestApp, t: &TestTenant, role: &str) -> (String, String) {
    let q = format!("mutation {{ createApiKey(name: \"key {role}\", roles: [{role}]) {{ secret apiKey {{ id }} }} }}");
    let data = app.ok(&t.owner.token, &q, json!({})).await;
    (s(&data["createApiKey"]["apiKey"]["id"]), s(&data["createApiKey"]["secret"]))
}

fn fresh(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

const GRANT: &str = "mutation($e: ID!, $a: Money!, $x: DateTime!, $k: String!) { grant(input: { employeeId: $e, amount: $a, expiresAt: $x, idempotencyKey: $k }) { entry { id } } }";
const BIG_PURCHASE: &str = "mutation($k: String!) { requestPurchase(faceValue: \"20000.00\", price: \"19200.00\", supplier: \"S\", idempotencyKey: $k) { id status } }";
const POOL_ID: &str = "{ accounts(kind: POOL) { edges { node { id } } } }";

async fn grant(app: &TestApp, by: &Login, to: &Login, amount: &str) -> String {
    let vars = json!({ "e": to.user_id, "a": amount, "x": app.in_days(30), "k": fresh("g") });
    s(&app.ok(&by.token, GRANT, vars).await["grant"]["entry"]["id"])
}

/// A purchase order above the approval threshold, so it waits for a decision.
async fn pending_purchase(app: &TestApp, by: &Login) -> String {
    let data = app.ok(&by.token, BIG_PURCHASE, json!({ "k": fresh("po") })).await;
    assert_eq!(data["requestPurchase"]["status"], "PENDING_APPROVAL", "the fixture needs an order that waits");
    s(&data["requestPurchase"]["id"])
}

/// Employee `i` of a test tenant registered this phone number.
fn own_phone(i: usize) -> String {
    format!("138{:08}", i + 1)
}

/// A top-up of 1.00 by an employee (to their own number: no code needed): (id, status).
async fn topup(app: &TestApp, employee: &Login, phone: &str) -> (String, String) {
    let q = "mutation($p: String!, $k: String!) { topup(phone: $p, amount: \"1.00\", idempotencyKey: $k) { id status } }";
    let data = app.ok(&employee.token, q, json!({ "p": phone, "k": fresh("t") })).await;
    (s(&data["topup"]["id"]), s(&data["topup"]["status"]))
}

/// A top-up of 1.00 on an employee's behalf, to the given number: (id, status).
async fn topup_for(app: &TestApp, by: &Login, employee: &Login, phone: &str) -> (String, String) {
    let q = "mutation($e: ID!, $p: String, $k: String!) { topupFor(employeeId: $e, phone: $p, amount: \"1.00\", idempotencyKey: $k) { id status } }";
    let data = app.ok(&by.token, q, json!({ "e": employee.user_id, "p": phone, "k": fresh("tf") })).await;
    (s(&data["topupFor"]["id"]), s(&data["topupFor"]["status"]))
}

async fn set_policy(app: &TestApp, t: &TestTenant, change: Value) {
    app.ok(&t.owner.token, "mutation($i: PolicyInput!) { updatePolicy(input: $i) { cashoutEnabled } }", json!({ "i": change })).await;
}

async fn quote(app: &TestApp, by: &Login, face: &str) -> String {
    let data = app.ok(&by.token, "mutation($f: Money!) { quoteRecycle(faceValue: $f) { id } }", json!({ "f": face })).await;
    s(&data["quoteRecycle"]["id"])
}

/// A recycle quoted and confirmed by `by`, which must land in `status`.
async fn recycle(app: &TestApp, by: &Login, face: &str, status: &str) -> String {
    let q = "mutation($q: ID!, $k: String!) { confirmRecycle(quoteId: $q, idempotencyKey: $k) { id status } }";
    let data = app.ok(&by.token, q, json!({ "q": quote(app, by, face).await, "k": fresh("rc") })).await;
    assert_eq!(data["confirmRecycle"]["status"], status, "the fixture needs a recycle that is {status}");
    s(&data["confirmRecycle"]["id"])
}

/// A cash-out by an employee, which must land in `status`.
async fn cashout(app: &TestApp, employee: &Login, amount: &str, status: &str) -> String {
    let q = "mutation($a: Money!, $k: String!) { cashout(amount: $a, idempotencyKey: $k) { id status } }";
    let data = app.ok(&employee.token, q, json!({ "a": amount, "k": fresh("co") })).await;
    assert_eq!(data["cashout"]["status"], status, "the fixture needs a cash-out that is {status}");
    s(&data["cashout"]["id"])
}

async fn wallet_account(app: &TestApp, employee: &Login) -> String {
    s(&app.ok(&employee.token, "{ myWallet { accountId } }", json!({})).await["myWallet"]["accountId"])
}

async fn pool_account(app: &TestApp, t: &TestTenant) -> String {
    s(&app.ok(&t.owner.token, POOL_ID, json!({})).await["accounts"]["edges"][0]["node"]["id"])
}

/// An HTTP receiver on a free port that answers every `POST /hook` with 200; returns its URL.
/// It lives as long as the test's runtime.
fn webhook_receiver() -> String {
    use actix_web::{web, App as ActixApp, HttpResponse, HttpServer};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("bind: {e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_else(|e| panic!("{e}"));
    let server = HttpServer::new(|| ActixApp::new().route("/hook", web::post().to(|| async { HttpResponse::Ok().body("ok") })))
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap_or_else(|e| panic!("listen: {e}"))
        .run();
    tokio::spawn(server);
    format!("http://127.0.0.1:{port}/hook")
}

/// A switched-off webhook endpoint created by the owner (so no outbox event fans out to it;
/// tests and replays still reach it): its id.
async fn create_webhook_endpoint(app: &TestApp, t: &TestTenant, url: &str) -> String {
    let q = "mutation($u: String!) { createWebhookEndpoint(input: { url: $u, active: false }) { endpoint { id } } }";
    s(&app.ok(&t.owner.token, q, json!({ "u": url })).await["createWebhookEndpoint"]["endpoint"]["id"])
}

/// A test event sent to the endpoint, which its receiver must have accepted: the delivery's id.
async fn send_test_webhook(app: &TestApp, t: &TestTenant, endpoint: &str) -> String {
    let q = "mutation($e: ID!) { sendTestWebhook(endpointId: $e) { id status } }";
    let data = app.ok(&t.owner.token, q, json!({ "e": endpoint })).await;
    assert_eq!(data["sendTestWebhook"]["status"], "DELIVERED", "the fixture's receiver should accept the test event");
    s(&data["sendTestWebhook"]["id"])
}

// ---------------------------------------------------------------------------------------
// The matrix.
// ---------------------------------------------------------------------------------------

struct Fixture {
    t: TestTenant,
    bystander: Login,
    leaver: Login,
    other_owner: Login,
    own_grant_entry: String,
    other_grant_entry: String,
    own_wallet: String,
    pool: String,
    fund_entry: String,
    purchase_by_hr: String,
    purchase_by_hr_to_reject: String,
    purchase_by_owner: String,
    purchase_by_owner_to_reject: String,
    spare_api_key: String,
    /// The employee whose top-ups wait for review.
    reviewee: Login,
    own_topup: String,
    own_topup_to_dispute: String,
    other_topup: String,
    topup_to_approve: String,
    topup_to_reject: String,
    open_dispute: String,
    schedule: String,
    settled_recycle: String,
    voucher_number: String,
    recycle_quote: String,
    held_recycle: String,
    recycle_by_finance: String,
    recycle_by_finance_to_reject: String,
    recycle_by_owner: String,
    recycle_by_owner_to_reject: String,
    cashout_to_approve: String,
    cashout_to_reject: String,
    cashout_to_pay: String,
    webhook_endpoint: String,
    webhook_endpoint_to_delete: String,
    webhook_delivery: String,
}

impl Fixture {
    async fn build(app: &TestApp) -> Fixture {
        // employees[0] is the employee principal, [1] the bystander, [2] the leaver, [3] the
        // reviewee.
        let t = app.tenant(4).await;
        // Enough money for the stock, two approvals of 19,200.00 and the small purchases.
        app.stock(&t, "100000.00", "20000.00").await;
        let own_grant_entry = grant(app, &t.hr, &t.employees[0], "50.00").await;
        let other_grant_entry = grant(app, &t.hr, &t.employees[1], "50.00").await;
        let fund = "mutation($k: String!) { fund(input: { amount: \"1.00\", reference: \"BANK-R\", idempotencyKey: $k }) { id } }";
        let fund_entry = s(&app.ok(&t.finance.token, fund, json!({ "k": fresh("f") })).await["fund"]["id"]);
        let other_owner = app.invite(&t.owner, t.id, &format!("{}@owners.test", fresh("owner")), &["OWNER"], json!({})).await;
        let (employee, bystander, reviewee) = (&t.employees[0], &t.employees[1], t.employees[3].clone());
        grant(app, &t.hr, &reviewee, "10.00").await;

        // Recycles above 100.00 and cash-outs above 5.00 wait for review, cash-out is on, and
        // for a moment recycles settle at once: one settles now and issues its voucher.
        let review_and_cashout = json!({ "recycleReviewThreshold": "100.00", "cashoutEnabled": true, "cashoutReviewThreshold": "5.00" });
        set_policy(app, &t, review_and_cashout).await;
        set_policy(app, &t, json!({ "settlementDelayDays": 0 })).await;
        let settled_recycle = recycle(app, &t.finance, "10.00", "HELD").await;
        let (own_topup, _) = topup(app, employee, &own_phone(0)).await;
        let (own_topup_to_dispute, _) = topup(app, employee, &own_phone(0)).await;
        let (other_topup, _) = topup(app, bystander, &own_phone(1)).await;
        // One worker pass delivers the top-ups (the built-in simulator) and settles the recycle.
        app.drain(&app.app, 5).await;
        set_policy(app, &t, json!({ "settlementDelayDays": 1 })).await;
        let settled = app.ok(&t.finance.token, "query($id: ID!) { recycle(id: $id) { status voucher { number } } }", json!({ "id": settled_recycle })).await;
        assert_eq!(settled["recycle"]["status"], "SETTLED", "the fixture needs a settled recycle");
        let voucher_number = s(&settled["recycle"]["voucher"]["number"]);
        let open = "mutation($t: ID!) { openDispute(topupId: $t, reason: \"fixture\") { id } }";
        let open_dispute = s(&app.ok(&employee.token, open, json!({ "t": own_topup })).await["openDispute"]["id"]);

        // The reviewee's top-ups to the leaver's registered number: a shared number, so review.
        let mut in_review = Vec::new();
        for _ in 0..2 {
            let (id, status) = topup_for(app, &t.hr, &reviewee, &own_phone(2)).await;
            assert_eq!(status, "REVIEW", "the fixture needs top-ups in review");
            in_review.push(id);
        }
        let schedule_input = json!({ "name": "Fixture", "amount": "1.00", "frequency": "MONTHLY", "dayOfMonth": 1, "target": "ALL" });
        let create = "mutation($i: ScheduleInput!) { createSchedule(input: $i) { id } }";
        let schedule = s(&app.ok(&t.hr.token, create, json!({ "i": schedule_input })).await["createSchedule"]["id"]);
        let receiver = webhook_receiver();
        let webhook_endpoint = create_webhook_endpoint(app, &t, &receiver).await;
        let webhook_delivery = send_test_webhook(app, &t, &webhook_endpoint).await;
        Fixture {
            webhook_endpoint_to_delete: create_webhook_endpoint(app, &t, &receiver).await,
            webhook_endpoint,
            webhook_delivery,
            topup_to_approve: in_review[0].clone(),
            topup_to_reject: in_review[1].clone(),
            own_topup,
            own_topup_to_dispute,
            other_topup,
            open_dispute,
            schedule,
            settled_recycle,
            voucher_number,
            recycle_quote: quote(app, &t.finance, "10.00").await,
            held_recycle: recycle(app, &t.finance, "10.00", "HELD").await,
            recycle_by_finance: recycle(app, &t.finance, "200.00", "REVIEW").await,
            recycle_by_finance_to_reject: recycle(app, &t.finance, "200.00", "REVIEW").await,
            recycle_by_owner: recycle(app, &t.owner, "200.00", "REVIEW").await,
            recycle_by_owner_to_reject: recycle(app, &t.owner, "200.00", "REVIEW").await,
            cashout_to_approve: cashout(app, employee, "10.00", "REVIEW").await,
            cashout_to_reject: cashout(app, employee, "10.00", "REVIEW").await,
            cashout_to_pay: cashout(app, employee, "1.00", "APPROVED").await,
            reviewee,
            other_owner,
            bystander: t.employees[1].clone(),
            leaver: t.employees[2].clone(),
            own_wallet: wallet_account(app, &t.employees[0]).await,
            pool: pool_account(app, &t).await,
            purchase_by_hr: pending_purchase(app, &t.hr).await,
            purchase_by_hr_to_reject: pending_purchase(app, &t.hr).await,
            purchase_by_owner: pending_purchase(app, &t.owner).await,
            purchase_by_owner_to_reject: pending_purchase(app, &t.owner).await,
            spare_api_key: api_key(app, &t, "AUDITOR").await.0,
            own_grant_entry,
            other_grant_entry,
            fund_entry,
            t,
        }
    }

    /// The id a target names for this caller, and the person it is about (see `Who::allowed`).
    fn target(&self, target: Target, who: &Who) -> (String, Option<String>) {
        let employee = Some(self.t.employees[0].user_id.clone());
        match target {
            Bystander => (self.bystander.user_id.clone(), Some(self.bystander.user_id.clone())),
            Myself => {
                let id = who.user_id().unwrap_or(&self.bystander.user_id).to_owned();
                (id.clone(), Some(id))
            }
            Leaver => (self.leaver.user_id.clone(), Some(self.leaver.user_id.clone())),
            OtherOwner => (self.other_owner.user_id.clone(), Some(self.other_owner.user_id.clone())),
            OwnGrantEntry => (self.own_grant_entry.clone(), employee),
            OtherGrantEntry => (self.other_grant_entry.clone(), Some(self.bystander.user_id.clone())),
            OwnWallet => (self.own_wallet.clone(), employee),
            Pool => (self.pool.clone(), None),
            FundEntry => (self.fund_entry.clone(), None),
            PurchaseByHr => (self.purchase_by_hr.clone(), Some(self.t.hr.user_id.clone())),
            PurchaseByHrToReject => (self.purchase_by_hr_to_reject.clone(), Some(self.t.hr.user_id.clone())),
            PurchaseByOwner => (self.purchase_by_owner.clone(), Some(self.t.owner.user_id.clone())),
            PurchaseByOwnerToReject => (self.purchase_by_owner_to_reject.clone(), Some(self.t.owner.user_id.clone())),
            SpareApiKey => (self.spare_api_key.clone(), None),
            OwnTopup => (self.own_topup.clone(), employee),
            OwnTopupToDispute => (self.own_topup_to_dispute.clone(), employee),
            OtherTopup => (self.other_topup.clone(), Some(self.bystander.user_id.clone())),
            TopupToApprove => (self.topup_to_approve.clone(), Some(self.reviewee.user_id.clone())),
            TopupToReject => (self.topup_to_reject.clone(), Some(self.reviewee.user_id.clone())),
            OpenDispute => (self.open_dispute.clone(), employee),
            Schedule => (self.schedule.clone(), None),
            SettledRecycle => (self.settled_recycle.clone(), Some(self.t.finance.user_id.clone())),
            VoucherNumber => (self.voucher_number.clone(), None),
            RecycleQuote => (self.recycle_quote.clone(), None),
            HeldRecycle => (self.held_recycle.clone(), Some(self.t.finance.user_id.clone())),
            RecycleByFinance => (self.recycle_by_finance.clone(), Some(self.t.finance.user_id.clone())),
            RecycleByFinanceToReject => (self.recycle_by_finance_to_reject.clone(), Some(self.t.finance.user_id.clone())),
            RecycleByOwner => (self.recycle_by_owner.clone(), Some(self.t.owner.user_id.clone())),
            RecycleByOwnerToReject => (self.recycle_by_owner_to_reject.clone(), Some(self.t.owner.user_id.clone())),
            CashoutToApprove => (self.cashout_to_approve.clone(), employee),
            CashoutToReject => (self.cashout_to_reject.clone(), employee),
            CashoutToPay => (self.cashout_to_pay.clone(), employee),
            WebhookEndpoint => (self.webhook_endpoint.clone(), None),
            WebhookEndpointToDelete => (self.webhook_endpoint_to_delete.clone(), None),
            WebhookDelivery => (self.webhook_delivery.clone(), None),
        }
    }

    /// A fresh invitation, sent by the system rather than by a principal, so that preparing
    /// a request never depends on a session the matrix may have ended.
    async fn invitation(&self, app: &TestApp) -> String {
        let email = format!("{}@invited.test", fresh("inv"));
        let invitation = Invitation {
            email: Email::parse(&email).expect("a valid email"),
            name: "Invited".into(),
            roles: [Role::Employee].into_iter().collect(),
            profile: Profile::default(),
            locale: "EN".into(),
        };
        app.app.invite_user(&Principal::system(self.t.id), invitation).await.unwrap_or_else(|e| panic!("invite: {e}"));
        app.invitation_token(self.t.id, &email).await
    }
}

/// Sends one row as one caller: the answer and the row's subject for this caller.
async fn send(app: &TestApp, fx: &Fixture, who: &mut Who, r: &Row) -> (Value, Option<String>) {
    let mut subject = None;
    let mut vars = serde_json::Map::new();
    for (name, arg) in r.args {
        let value = match *arg {
            Id(target) => {
                let (id, about) = fx.target(target, who);
                subject = subject.or(about);
                json!(id)
            }
            Key => json!(fresh("k")),
            FreshEmail => json!(format!("{}@matrix.test", fresh("new"))),
            OwnerEmail => json!(fx.t.owner.email),
            Password => json!(PASSWORD),
            TempPassword => json!(TEMP_PASSWORD),
            Expiry => json!(app.in_days(30)),
            InvitationToken => json!(fx.invitation(app).await),
        };
        vars.insert((*name).to_owned(), value);
    }
    let token = match (&who.user, r.session) {
        (Some(user), Session::Fresh | Session::FreshRestorePassword) => Some(app.login(&user.email, PASSWORD).await.token),
        _ => who.token.clone(),
    };
    let res = app.gql(token.as_deref(), r.query, Value::Object(vars)).await;
    if r.session == Session::FreshRestorePassword && res.get("errors").is_none() {
        // The password changed and every other session of this person ended: set it back
        // and renew the main session, so later rows still speak for them.
        let user = who.user.clone().expect("only a person can change a password");
        let back = "mutation($c: String!, $n: String!) { changePassword(current: $c, new: $n) }";
        app.ok(token.as_deref().unwrap_or_default(), back, json!({ "c": TEMP_PASSWORD, "n": PASSWORD })).await;
        who.token = Some(app.login(&user.email, PASSWORD).await.token);
    }
    (res, subject)
}

/// Checks one answer against the rule: `Err` describes the mismatch.
fn judge(res: &Value, op: &str, who: &Who, allowed: bool) -> Result<(), String> {
    let code = code_of(res);
    let errors = res.get("errors").is_some();
    if allowed {
        match code.as_deref() {
            // Replays, validation and shortfalls are legitimate answers to an allowed caller.
            None if !errors => Ok(()),
            Some(c) if !matches!(c, "FORBIDDEN" | "UNAUTHENTICATED" | "INTERNAL") => Ok(()),
            _ => Err(format!("{op} as {}: should be allowed, got {res}", who.label)),
        }
    } else {
        let leaked = res["data"].get(op).is_some_and(|v| !v.is_null());
        match code.as_deref() {
            Some(c) if c == who.refusal() && !leaked => Ok(()),
            _ => Err(format!("{op} as {}: should be refused with {}, got {res}", who.label, who.refusal())),
        }
    }
}

both!(every_operation_follows_the_permission_table, |app| {
    let fx = Fixture::build(app).await;
    let mut whos = callers(app, &fx.t).await;
    whos.push(Who::anonymous());
    let mut failures = Vec::new();
    let mut sent = 0;
    for (i, r) in MATRIX.iter().enumerate() {
        let mut succeeded = false;
        for who in whos.iter_mut() {
            let (res, subject) = send(app, &fx, who, r).await;
            sent += 1;
            succeeded |= res.get("errors").is_none();
            let allowed = who.allowed(r.rule, subject.as_deref());
            if let Err(failure) = judge(&res, r.op, who, allowed) {
                failures.push(format!("row {i}: {failure}"));
            }
        }
        // A document that no one can run (a typo, a missing argument) would make every
        // refusal above meaningless: some allowed caller must succeed outright.
        if !succeeded {
            failures.push(format!("row {i} ({}): no caller succeeded; is its document valid? {}", r.op, r.query));
        }
    }
    assert_eq!(sent, MATRIX.len() * whos.len());
    assert!(failures.is_empty(), "{} access failures:\n{}", failures.len(), failures.join("\n"));
    app.assert_verified().await;
});

// ---------------------------------------------------------------------------------------
// Tenant isolation.
// ---------------------------------------------------------------------------------------

/// The ids in a list answer: a connection's nodes or a plain list.
fn ids_in(data: &Value, op: &str) -> BTreeSet<String> {
    let list = &data[op];
    let items: Vec<&Value> = match list.get("edges") {
        Some(edges) => edges.as_array().into_iter().flatten().map(|e| &e["node"]).collect(),
        None => list.as_array().into_iter().flatten().collect(),
    };
    items.into_iter().map(|n| s(&n["id"])).collect()
}

/// Work of one employee in a tenant with at least two employees: a delivered top-up with an
/// open dispute, a top-up in review (to another employee's registered number), two cash-outs
/// (one in review, one approved), and on the company side a schedule, an unconfirmed quote, a
/// recycle in review and a held one, and a switched-off webhook endpoint with one delivered
/// test event.
struct Activity {
    topup: String,
    topup_in_review: String,
    dispute: String,
    schedule: String,
    quote: String,
    recycle_in_review: String,
    held_recycle: String,
    cashout_in_review: String,
    approved_cashout: String,
    webhook_endpoint: String,
    webhook_delivery: String,
}

async fn activity(app: &TestApp, t: &TestTenant, e: usize, shared: usize) -> Activity {
    let employee = &t.employees[e];
    let review_and_cashout = json!({ "recycleReviewThreshold": "100.00", "cashoutEnabled": true, "cashoutReviewThreshold": "5.00" });
    set_policy(app, t, review_and_cashout).await;
    grant(app, &t.hr, employee, "50.00").await;
    let (topup_id, _) = topup(app, employee, &own_phone(e)).await;
    app.drain(&app.app, 5).await;
    let open = "mutation($t: ID!) { openDispute(topupId: $t, reason: \"fixture\") { id } }";
    let dispute = s(&app.ok(&employee.token, open, json!({ "t": topup_id })).await["openDispute"]["id"]);
    let (topup_in_review, status) = topup_for(app, &t.hr, employee, &own_phone(shared)).await;
    assert_eq!(status, "REVIEW", "the fixture needs a top-up in review");
    let schedule_input = json!({ "name": "Fixture", "amount": "1.00", "frequency": "MONTHLY", "dayOfMonth": 1, "target": "ALL" });
    let create = "mutation($i: ScheduleInput!) { createSchedule(input: $i) { id } }";
    let schedule = s(&app.ok(&t.hr.token, create, json!({ "i": schedule_input })).await["createSchedule"]["id"]);
    let webhook_endpoint = create_webhook_endpoint(app, t, &webhook_receiver()).await;
    let webhook_delivery = send_test_webhook(app, t, &webhook_endpoint).await;
    Activity {
        webhook_endpoint,
        webhook_delivery,
        topup: topup_id,
        topup_in_review,
        dispute,
        schedule,
        quote: quote(app, &t.finance, "10.00").await,
        recycle_in_review: recycle(app, &t.finance, "200.00", "REVIEW").await,
        held_recycle: recycle(app, &t.finance, "10.00", "HELD").await,
        cashout_in_review: cashout(app, employee, "10.00", "REVIEW").await,
        approved_cashout: cashout(app, employee, "1.00", "APPROVED").await,
    }
}

/// What tenant A's owner sees of the work above, to compare before and after.
async fn snapshot(app: &TestApp, t: &TestTenant) -> Value {
    let q = "{ topups(first: 200) { id status } disputes { id status } schedules { id paused } \
             recycles(first: 200) { id status } cashouts(first: 200) { id status } \
             webhookEndpoints { id url description active } \
             webhookDeliveries(first: 100) { totalCount edges { node { id status attempts } } } }";
    app.ok(&t.owner.token, q, json!({})).await
}

const LISTS: &[(&str, Rule, &str)] = &[
    ("users", All(&["users.read"]), "{ users(first: 200) { edges { node { id } } } }"),
    ("entries", All(&["entries.read"]), "{ entries(first: 200) { edges { node { id } } } }"),
    ("accounts", All(&["accounts.read"]), "{ accounts(first: 200) { edges { node { id } } } }"),
    ("auditLog", All(&["audit.read"]), "{ auditLog(first: 200) { edges { node { id } } } }"),
    ("purchaseOrders", All(&["purchases.read"]), "{ purchaseOrders(first: 200) { id } }"),
    ("topups", All(&["topups.read"]), "{ topups(first: 200) { id } }"),
    ("myTopups", UserWith("wallet.own"), "{ myTopups(first: 200) { id } }"),
    ("reviewQueue", All(&["reviews.decide"]), "{ reviewQueue { id } }"),
    ("disputes", MineOr("disputes.own", "disputes.read"), "{ disputes { id } }"),
    ("schedules", All(&["schedules.read"]), "{ schedules { id } }"),
    ("recycles", All(&["recycles.read"]), "{ recycles(first: 200) { id } }"),
    ("cashouts", All(&["payouts.read"]), "{ cashouts(first: 200) { id } }"),
    ("myCashouts", UserWith("cashouts.own"), "{ myCashouts(first: 200) { id } }"),
    ("webhookEndpoints", All(&["webhooks.manage"]), "{ webhookEndpoints { id } }"),
    ("webhookDeliveries", All(&["webhooks.manage"]), "{ webhookDeliveries(first: 100) { edges { node { id } } } }"),
];

both!(another_tenant_can_neither_see_nor_touch_by_id, |app| {
    // Tenant A holds the data; tenant B's people and keys try to reach it by id.
    let a = app.tenant(3).await;
    app.stock(&a, "50000.00", "20000.00").await;
    let a_entry = grant(app, &a.hr, &a.employees[0], "25.00").await;
    let a_wallet = wallet_account(app, &a.employees[0]).await;
    let a_pool = pool_account(app, &a).await;
    let a_order = pending_purchase(app, &a.hr).await;
    let (a_key, a_secret) = api_key(app, &a, "AUDITOR").await;
    let a_employee = a.employees[0].clone();
    let a_leaver = a.employees[1].clone();
    // A's top-ups, disputes, recycles and cash-outs are a third employee's, so that A's
    // employee's wallet stays as granted.
    let a_work = activity(app, &a, 2, 0).await;
    let a_before = snapshot(app, &a).await;
    // B has data of its own, so that its lists are not trivially empty.
    let b = app.tenant(2).await;
    app.stock(&b, "50000.00", "20000.00").await;
    grant(app, &b.hr, &b.employees[0], "5.00").await;
    pending_purchase(app, &b.hr).await;
    activity(app, &b, 0, 1).await;
    let whos = callers(app, &b).await;

    let by_id: Vec<(&str, Rule, &str, Value)> = vec![
        ("user", SelfOr("users.read"), "query($id: ID!) { user(id: $id) { id email } }", json!({ "id": a_employee.user_id })),
        ("entry", OwnWalletOr("entries.read"), "query($id: ID!) { entry(id: $id) { id amount } }", json!({ "id": a_entry })),
        ("account", OwnWalletOr("accounts.read"), "query($id: ID!) { account(id: $id) { id posted } }", json!({ "id": a_wallet })),
        ("account", OwnWalletOr("accounts.read"), "query($id: ID!) { account(id: $id) { id posted } }", json!({ "id": a_pool })),
        ("purchaseOrder", All(&["purchases.read"]), "query($id: ID!) { purchaseOrder(id: $id) { id faceValue } }", json!({ "id": a_order })),
        (
            "grant",
            All(&["grants.create"]),
            "mutation($e: ID!, $x: DateTime!, $k: String!) { grant(input: { employeeId: $e, amount: \"1.00\", expiresAt: $x, idempotencyKey: $k }) { entry { id } } }",
            json!({ "e": a_employee.user_id, "x": app.in_days(30), "k": "cross-grant" }),
        ),
        (
            "grantBatch",
            All(&["grants.create"]),
            "mutation($e: ID!, $x: DateTime!, $k: String!) { grantBatch(input: { items: [{ employeeId: $e, amount: \"1.00\" }], expiresAt: $x, idempotencyKey: $k }) { count } }",
            json!({ "e": a_employee.user_id, "x": app.in_days(30), "k": "cross-batch" }),
        ),
        (
            "reverseEntry",
            All(&["entries.reverse"]),
            "mutation($id: ID!, $k: String!) { reverseEntry(id: $id, reason: \"cross\", idempotencyKey: $k) { id } }",
            json!({ "id": a_entry, "k": "cross-reverse" }),
        ),
        (
            "approvePurchase",
            NotRequesterWith("purchases.approve"),
            "mutation($id: ID!, $k: String!) { approvePurchase(id: $id, idempotencyKey: $k) { id } }",
            json!({ "id": a_order, "k": "cross-approve" }),
        ),
        (
            "rejectPurchase",
            NotRequesterWith("purchases.approve"),
            "mutation($id: ID!) { rejectPurchase(id: $id, reason: \"cross\") { id } }",
            json!({ "id": a_order }),
        ),
        (
            "updateUser",
            SelfOr("users.update"),
            "mutation($id: ID!) { updateUser(id: $id, input: { name: \"Hijacked\" }) { id } }",
            json!({ "id": a_employee.user_id }),
        ),
        (
            "setUserRoles",
            All(&["roles.manage"]),
            "mutation($id: ID!) { setUserRoles(id: $id, roles: [HR_ADMIN, EMPLOYEE]) { id } }",
            json!({ "id": a_employee.user_id }),
        ),
        (
            "deactivateUser",
            All(&["users.deactivate"]),
            "mutation($id: ID!) { deactivateUser(id: $id, idempotencyKey: \"cross-deactivate\") { id } }",
            json!({ "id": a_leaver.user_id }),
        ),
        ("revokeApiKey", All(&["apikeys.manage"]), "mutation($id: ID!) { revokeApiKey(id: $id) { id } }", json!({ "id": a_key })),
        ("topupById", SelfOr("topups.read"), "query($id: ID!) { topupById(id: $id) { id phone } }", json!({ "id": a_work.topup })),
        (
            "topupFor",
            All(&["topups.create_for"]),
            "mutation($e: ID!) { topupFor(employeeId: $e, amount: \"1.00\", idempotencyKey: \"cross-topup\") { id } }",
            json!({ "e": a_employee.user_id }),
        ),
        ("approveTopup", NotSubjectWith("reviews.decide"), "mutation($id: ID!) { approveTopup(id: $id) { id } }", json!({ "id": a_work.topup_in_review })),
        (
            "rejectTopup",
            NotSubjectWith("reviews.decide"),
            "mutation($id: ID!) { rejectTopup(id: $id, reason: \"cross\") { id } }",
            json!({ "id": a_work.topup_in_review }),
        ),
        (
            "openDispute",
            UserWith("disputes.own"),
            "mutation($t: ID!) { openDispute(topupId: $t, reason: \"cross\") { id } }",
            json!({ "t": a_work.topup }),
        ),
        (
            "resolveDispute",
            UserWith("disputes.resolve"),
            "mutation($id: ID!) { resolveDispute(id: $id, refund: true, resolution: \"cross\", idempotencyKey: \"cross-resolve\") { id } }",
            json!({ "id": a_work.dispute }),
        ),
        (
            "setSchedulePaused",
            All(&["schedules.manage"]),
            "mutation($id: ID!) { setSchedulePaused(id: $id, paused: true) { id } }",
            json!({ "id": a_work.schedule }),
        ),
        ("recycle", All(&["recycles.read"]), "query($id: ID!) { recycle(id: $id) { id faceValue } }", json!({ "id": a_work.recycle_in_review })),
        (
            "confirmRecycle",
            All(&["recycles.manage"]),
            "mutation($q: ID!) { confirmRecycle(quoteId: $q, idempotencyKey: \"cross-confirm\") { id } }",
            json!({ "q": a_work.quote }),
        ),
        (
            "approveRecycle",
            NotRequesterWith("reviews.decide"),
            "mutation($id: ID!) { approveRecycle(id: $id) { id } }",
            json!({ "id": a_work.recycle_in_review }),
        ),
        (
            "rejectRecycle",
            NotRequesterWith("reviews.decide"),
            "mutation($id: ID!) { rejectRecycle(id: $id, reason: \"cross\") { id } }",
            json!({ "id": a_work.recycle_in_review }),
        ),
        (
            "cancelRecycle",
            All(&["recycles.manage"]),
            "mutation($id: ID!) { cancelRecycle(id: $id, reason: \"cross\") { id } }",
            json!({ "id": a_work.held_recycle }),
        ),
        (
            "approveCashout",
            NotRequesterWith("reviews.decide"),
            "mutation($id: ID!) { approveCashout(id: $id) { id } }",
            json!({ "id": a_work.cashout_in_review }),
        ),
        (
            "rejectCashout",
            NotRequesterWith("reviews.decide"),
            "mutation($id: ID!) { rejectCashout(id: $id, reason: \"cross\") { id } }",
            json!({ "id": a_work.cashout_in_review }),
        ),
        (
            "markCashoutPaid",
            All(&["payouts.manage"]),
            "mutation($id: ID!) { markCashoutPaid(id: $id, idempotencyKey: \"cross-paid\") { id } }",
            json!({ "id": a_work.approved_cashout }),
        ),
        (
            "updateWebhookEndpoint",
            All(&["webhooks.manage"]),
            "mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { url: \"http://127.0.0.1:9/stolen\", active: true }) { id url } }",
            json!({ "id": a_work.webhook_endpoint }),
        ),
        (
            "sendTestWebhook",
            All(&["webhooks.manage"]),
            "mutation($e: ID!) { sendTestWebhook(endpointId: $e) { id payload } }",
            json!({ "e": a_work.webhook_endpoint }),
        ),
        (
            "replayWebhookDelivery",
            All(&["webhooks.manage"]),
            "mutation($id: ID!) { replayWebhookDelivery(id: $id) { id payload } }",
            json!({ "id": a_work.webhook_delivery }),
        ),
        (
            "deleteWebhookEndpoint",
            All(&["webhooks.manage"]),
            "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }",
            json!({ "id": a_work.webhook_endpoint }),
        ),
    ];
    let mut failures = Vec::new();
    for (op, rule, query, vars) in &by_id {
        for who in &whos {
            let res = app.gql(who.token.as_deref(), query, vars.clone()).await;
            // A caller the rule would let through on its own tenant's object must be told the
            // object does not exist. One the permission gate stops first may be told FORBIDDEN
            // instead: that answer is the same whatever the id, so it reveals nothing either.
            let permitted = who.allowed(*rule, None);
            let code = code_of(&res).unwrap_or_default();
            let leaked = res["data"].get(*op).is_some_and(|v| !v.is_null()) || res.to_string().contains(&a_employee.email);
            let fine = code == "NOT_FOUND" || (!permitted && code == "FORBIDDEN");
            if leaked || !fine {
                let wanted = if permitted { "NOT_FOUND" } else { "NOT_FOUND or FORBIDDEN" };
                failures.push(format!("{op} on tenant A's id as B's {}: want {wanted}, got {res}", who.label));
            }
        }
    }

    // Nothing of A changed.
    let user = app.ok(&a.owner.token, "query($id: ID!) { user(id: $id) { name roles } }", json!({ "id": a_employee.user_id })).await;
    assert_ne!(user["user"]["name"], "Hijacked", "another tenant renamed A's employee");
    assert_eq!(user["user"]["roles"], json!(["EMPLOYEE"]), "another tenant changed A's roles");
    let leaver = app.ok(&a.owner.token, "query($id: ID!) { user(id: $id) { status } }", json!({ "id": a_leaver.user_id })).await;
    assert_eq!(leaver["user"]["status"], "ACTIVE", "another tenant offboarded A's employee");
    let order = app.ok(&a.owner.token, "query($id: ID!) { purchaseOrder(id: $id) { status } }", json!({ "id": a_order })).await;
    assert_eq!(order["purchaseOrder"]["status"], "PENDING_APPROVAL", "another tenant decided A's purchase order");
    let entry = app.ok(&a.owner.token, "query($id: ID!) { entry(id: $id) { reversedById } }", json!({ "id": a_entry })).await;
    assert!(entry["entry"]["reversedById"].is_null(), "another tenant reversed A's entry");
    assert_eq!(app.wallet_balance(&a_employee).await, "25.00", "another tenant granted into A's wallet");
    assert_eq!(snapshot(app, &a).await, a_before, "another tenant changed A's top-ups, disputes, schedules, recycles, cash-outs or webhooks");
    app.ok(&a_secret, "{ viewer { permissions } }", json!({})).await;

    // Lists: A's rows never appear in B's, while B's own rows do.
    let mut a_ids = BTreeSet::new();
    let a_owner = Who::person("owner", &a.owner, Role::Owner);
    for (op, rule, query) in LISTS {
        if !a_owner.allowed(*rule, None) {
            // An employee's own list: its rows are in the tenant-wide list too.
            continue;
        }
        let data = app.ok(&a.owner.token, query, json!({})).await;
        let ids = ids_in(&data, op);
        assert!(!ids.is_empty(), "tenant A has no {op} to look for");
        a_ids.extend(ids);
    }
    for (op, rule, query) in LISTS {
        for who in &whos {
            let res = app.gql(who.token.as_deref(), query, json!({})).await;
            if who.allowed(*rule, None) {
                let ids = ids_in(&res["data"], op);
                if res.get("errors").is_some() || ids.is_empty() {
                    failures.push(format!("{op} as B's {}: B's own rows are missing: {res}", who.label));
                }
                let foreign: Vec<_> = ids.intersection(&a_ids).collect();
                if !foreign.is_empty() {
                    failures.push(format!("{op} as B's {} lists tenant A's rows {foreign:?}", who.label));
                }
            } else if code_of(&res).as_deref() != Some("FORBIDDEN") || res.to_string().contains(&a_employee.user_id) {
                failures.push(format!("{op} as B's {}: should be FORBIDDEN, got {res}", who.label));
            }
        }
    }
    assert!(failures.is_empty(), "{} isolation failures:\n{}", failures.len(), failures.join("\n"));
    app.assert_verified().await;
});
