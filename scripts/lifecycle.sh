#!/usr/bin/env bash
# Drives the whole credit lifecycle against a running creditloop server and prints each step:
# fund -> purchase -> approve -> allowance run -> top-up -> expiry sweep -> recycle ->
# settlement -> voucher. Then checks every ledger invariant with `creditloop verify`.
#
#   bash scripts/lifecycle.sh            # starts its own server on a fresh SQLite database
#   CREDITLOOP_URL=http://127.0.0.1:8080 CREDITLOOP_DATABASE_URL=... bash scripts/lifecycle.sh
#                                        # against a server you run (with the demo tenant)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

PASSWORD=demo-password-2026
work=$(mktemp -d)
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

cargo build --quiet -p creditloop-server
if [ -z "${CREDITLOOP_URL:-}" ]; then
  port=18777
  export CREDITLOOP_DATABASE_URL="sqlite://$work/lifecycle.db?mode=rwc"
  CREDITLOOP_DATA_DIR="$work" CREDITLOOP_LISTEN="127.0.0.1:$port" CREDITLOOP_LOG_LEVEL=warn \
    CREDITLOOP_WORKER_HOUSEKEEPING_MS=1000 target/debug/creditloop serve --demo >"$work/server.log" 2>&1 &
  server_pid=$!
  CREDITLOOP_URL="http://127.0.0.1:$port"
  wait_for "$CREDITLOOP_URL/readyz" 60
fi
URL="$CREDITLOOP_URL/graphql"

# gql TOKEN QUERY [VARIABLES-JSON] -> prints `data` as JSON, fails loudly on errors.
gql() {
  local token=$1 query=$2 vars=${3:-'{}'}
  local body
  body=$(python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}))' "$query" "$vars")
  curl -sS "$URL" -H 'content-type: application/json' ${token:+-H "authorization: Bearer $token"} -d "$body" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); (print("GraphQL error:", json.dumps(r["errors"], ensure_ascii=False), file=sys.stderr), sys.exit(1)) if r.get("errors") else print(json.dumps(r["data"], ensure_ascii=False))'
}
pick() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d = d[int(k)] if k.isdigit() else d[k]
print(d if not isinstance(d,(dict,list)) else json.dumps(d, ensure_ascii=False))' "$1"; }
login() { gql "" 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }' "{\"e\":\"$1\",\"p\":\"$PASSWORD\"}" | pick login.token; }
key() { echo "lifecycle-$1-$(date +%s%N)"; }
later() { python3 -c 'import datetime,sys; print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(seconds=int(sys.argv[1]))).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$1"; }
step() { printf '\n\033[1m%s\033[0m\n' "$*"; }
balances() { gql "$FIN" '{ tenant { balances { funding pool granted } } }' | pick tenant.balances; }

OWNER=$(login owner@demo.creditloop.test); HR=$(login hr@demo.creditloop.test)
FIN=$(login finance@demo.creditloop.test); EMP=$(login emp1@demo.creditloop.test)
echo "signed in as owner, HR, finance and an employee at $CREDITLOOP_URL"; echo "balances: $(balances)"

step "1. Fund: finance records a bank deposit of 50,000.00"
gql "$FIN" 'mutation($k: String!) { fund(input: { amount: "50000.00", reference: "WIRE-LIFECYCLE", idempotencyKey: $k }) { template amount status } }' "{\"k\":\"$(key fund)\"}" | pick fund
echo "balances: $(balances)"

step "2. Purchase: HR requests 30,000.00 of credit at 96% (28,800.00)"
PO=$(gql "$HR" 'mutation($k: String!) { requestPurchase(faceValue: "30000.00", price: "28800.00", supplier: "China Mobile Wholesale", idempotencyKey: $k) { id status } }' "{\"k\":\"$(key po)\"}" | pick requestPurchase)
echo "$PO"

step "3. Approve: finance approves the order (the requester could not)"
gql "$FIN" 'mutation($id: ID!, $k: String!) { approvePurchase(id: $id, idempotencyKey: $k) { status entry { template postings { accountName amount } } } }' \
  "{\"id\":\"$(echo "$PO" | pick id)\",\"k\":\"$(key approve)\"}" | pick approvePurchase
echo "balances: $(balances)"

step "4. Allowance run: 20.00 to every active employee, paid once by the scheduler"
gql "$HR" 'mutation($at: DateTime!) { createSchedule(input: { name: "Lifecycle allowance", amount: "20.00", frequency: ONCE, runAt: $at, target: ALL, expiryDays: 30, expireAtPeriodEnd: false }) { id nextRunAt } }' "{\"at\":\"$(later 3)\"}" | pick createSchedule
for _ in $(seq 1 60); do
  RUN=$(gql "$HR" '{ schedules { name runs { period status count total } } }' | python3 -c 'import json,sys; s=[x for x in json.load(sys.stdin)["schedules"] if x["name"]=="Lifecycle allowance"]; r=s[0]["runs"] if s else []; print(json.dumps(r[0]) if r and r[0]["status"]=="DONE" else "")')
  [ -n "$RUN" ] && break; sleep 1
done
[ -n "$RUN" ] || { echo "the allowance run did not happen" >&2; exit 1; }
echo "run: $RUN"; echo "balances: $(balances)"

step "5. Top-up: an employee sends 10.00 to their own phone; the worker delivers it"
PHONE=$(gql "$EMP" '{ viewer { user { phone } } }' | pick viewer.user.phone)
gql "$EMP" 'mutation($p: String!, $k: String!) { topup(phone: $p, amount: "10.00", idempotencyKey: $k) { id status operator } }' "{\"p\":\"$PHONE\",\"k\":\"$(key topup)\"}" | pick topup
for _ in $(seq 1 60); do
  STATUS=$(gql "$EMP" '{ myTopups(first: 1) { status } }' | pick myTopups.0.status)
  [ "$STATUS" = SUCCEEDED ] || [ "$STATUS" = FAILED ] && break; sleep 0.5
done
echo "top-up: $STATUS"; echo "wallet: $(gql "$EMP" '{ myWallet { balance available nextExpiry } }' | pick myWallet)"

step "6. Expiry sweep: a 5.00 grant that expires in 2 seconds returns to the pool"
EMP2=$(gql "$HR" '{ users(filter: { role: EMPLOYEE }, first: 2) { edges { node { id } } } }' | pick users.edges.1.node.id)
gql "$HR" 'mutation($e: ID!, $x: DateTime!, $k: String!) { grant(input: { employeeId: $e, amount: "5.00", expiresAt: $x, memo: "short-lived", idempotencyKey: $k }) { lot { remaining expiresAt } } }' \
  "{\"e\":\"$EMP2\",\"x\":\"$(later 2)\",\"k\":\"$(key short)\"}" | pick grant.lot
sleep 3
# The worker sweeps on its own; an on-demand sweep catches whatever it has not reached yet.
echo "on-demand sweep: $(gql "$HR" 'mutation { runExpirySweep { lots total } }' | pick runExpirySweep)"
gql "$HR" '{ entries(filter: { template: EXPIRE }, first: 1) { edges { node { template amount memo postings { accountName amount } } } } }' | pick entries.edges.0.node

step "7. Recycle: finance sells 1,000.00 of pool credit at the disclosed rate (T+0)"
gql "$OWNER" 'mutation { updatePolicy(input: { settlementDelayDays: 0 }) { settlementDelayDays recycleRate recycleFee } }' | pick updatePolicy
QUOTE=$(gql "$FIN" 'mutation { quoteRecycle(faceValue: "1000.00") { id faceValue rate gross fee net expiresAt } }' | pick quoteRecycle)
echo "quote: $QUOTE"
gql "$FIN" 'mutation($q: ID!, $k: String!) { confirmRecycle(quoteId: $q, idempotencyKey: $k) { status net settleAfter } }' "{\"q\":\"$(echo "$QUOTE" | pick id)\",\"k\":\"$(key recycle)\"}" | pick confirmRecycle

step "8. Settlement: FUNDING is credited with the net amount"
echo "settled: $(gql "$FIN" 'mutation { settleDueRecycles }' | pick settleDueRecycles)"
echo "balances: $(balances)"

step "9. Voucher: a stable number and a content hash, verified"
NUMBER=$(gql "$FIN" '{ recycles(first: 1) { voucher { number } } }' | pick recycles.0.voucher.number)
gql "$FIN" 'query($n: String!) { voucher(number: $n) { number hash verified content } }' "{\"n\":\"$NUMBER\"}" | pick voucher

step "10. Verify: every ledger invariant and the audit chain"
gql "$OWNER" '{ verify { ok entriesChecked auditEventsChecked violations { check detail } } }' | pick verify
if [ -n "$server_pid" ]; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; fi
CREDITLOOP_LOG_LEVEL=error target/debug/creditloop verify
