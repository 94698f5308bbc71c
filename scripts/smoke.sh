#!/usr/bin/env bash
# Smoke test of a running finance-agent API: calls every route of the route table and checks
# the answers. Stops at the first failure with a message saying what was expected.
#
#   scripts/smoke.sh URL TOKEN
#
#   URL    the API's base URL: the stack's ApiUrl output, or http://127.0.0.1:8000 for
#          `finance-agent serve`
#   TOKEN  a bearer token with the agent:actions scope (as the issuer writes it)
#
# It records two collection reminders about the most overdue customer's oldest past-due invoice
# (real reminders: in the action log like any other, and that invoice's last reminder date;
# run again the same day, it finds them already recorded) and asks the chat two questions.
# Needs curl and python3, nothing else.
# Environment: SMOKE_TIMEOUT (seconds per request, default 35), SMOKE_ORIGIN (also check the
# CORS preflight for this origin, which must be allowed).
set -euo pipefail

if [ "$#" -ne 2 ] || [ -z "$1" ] || [ -z "$2" ]; then
  echo "usage: $0 URL TOKEN" >&2
  exit 2
fi
BASE="${1%/}"
TIMEOUT="${SMOKE_TIMEOUT:-35}"
command -v curl >/dev/null || { echo "smoke: curl is needed" >&2; exit 2; }
command -v python3 >/dev/null || { echo "smoke: python3 is needed" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# The token goes to curl in a file, so it never shows in the process list.
printf 'Authorization: Bearer %s\n' "$2" >"$WORK/auth"
RUN="$(date +%s)-$$"
STATUS=""
LABEL=""

fail() {
  echo "smoke: FAIL $LABEL: $1" >&2
  if [ -s "$WORK/body" ]; then
    echo "  response body: $(head -c 400 "$WORK/body")" >&2
  fi
  exit 1
}

# call METHOD PATH [BODY [HEADER...]]: the answer's status in STATUS, body and headers in files.
call() {
  local method="$1" path="$2" body="${3:-}"
  shift $(($# < 3 ? $# : 3))
  LABEL="$method $path"
  local args=(-sS --max-time "$TIMEOUT" -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}'
    -X "$method" -H @"$WORK/auth")
  if [ -n "$body" ]; then
    args+=(-H 'Content-Type: application/json' --data "$body")
  fi
  for header in "$@"; do args+=(-H "$header"); done
  : >"$WORK/body"
  if ! STATUS="$(curl "${args[@]}" "$BASE$path" 2>"$WORK/curl-error")"; then
    STATUS=""
    fail "no answer from $BASE ($(tr -d '\n' <"$WORK/curl-error"))"
  fi
}

expect_status() {
  [ "$STATUS" = "$1" ] || fail "expected status $1, got $STATUS"
}

# holds EXPR: whether a Python expression over b (the JSON body) and h (the headers, names in
# lower case) is true of the last answer.
holds() {
  python3 - "$WORK/body" "$WORK/headers" "$1" <<'PY'
import json, sys
body_path, headers_path, expr = sys.argv[1:4]
raw = open(body_path, encoding="utf-8", errors="replace").read()
try:
    b = json.loads(raw)
except ValueError:
    sys.exit(1)
h = {}
for line in open(headers_path, encoding="latin-1"):
    if line.startswith("HTTP/"):
        h = {}  # a new response (after a 100 Continue): only the last one counts
    name, sep, value = line.partition(":")
    if sep:
        h[name.strip().lower()] = value.strip()
try:
    ok = eval(expr, {"__builtins__": __builtins__}, {"b": b, "h": h})
except Exception:
    ok = False
sys.exit(0 if ok else 1)
PY
}

check() {
  holds "$1" || fail "expected $1"
}

# value EXPR: print a Python expression over b, the JSON body.
value() {
  python3 -c 'import json, sys; b = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
    "$WORK/body" "$1"
}

ok() { echo "ok   $STATUS $LABEL${1:+  ($1)}"; }

# -- authentication ----------------------------------------------------------------------------
LABEL="GET /agent/tools/kpis without a token"
STATUS="$(curl -sS --max-time "$TIMEOUT" -o "$WORK/body" -w '%{http_code}' \
  "$BASE/agent/tools/kpis" 2>"$WORK/curl-error")" \
  || fail "no answer from $BASE ($(tr -d '\n' <"$WORK/curl-error"))"
expect_status 401
ok "refused"

# -- read tools --------------------------------------------------------------------------------
call GET "/agent/tools/kpis?period=last_30d"
expect_status 200
check 'b["period"] == "last_30d" and {"revenue", "gross_margin", "ar_total", "ar_over_60", "currency", "source", "previous"} <= b.keys()'
ok "revenue $(value 'b["revenue"]') $(value 'b["currency"]'), source $(value 'b["source"]')"

call GET "/agent/tools/kpis?period=last_0d"
expect_status 400
check 'b["error"] == "validation_error" and b["details"]'
ok "validation_error, as it should"

call GET "/agent/tools/cashflow?horizon=14"
expect_status 200
check 'b["horizon_days"] == 14 and len(b["points"]) == 14 and "total" in b'
ok "14 days, total $(value 'b["total"]')"

call GET "/agent/tools/anomalies?period=last_60d"
expect_status 200
check 'b["period"] == "last_60d" and isinstance(b["anomalies"], list)'
ok "$(value 'len(b["anomalies"])') unusual days"

call GET "/agent/tools/sales?days=30"
expect_status 200
check 'isinstance(b["days"], list) and len(b["days"]) <= 30'
if [ "$(value 'len(b["days"])')" = "0" ]; then
  fail "no sales in the last 30 days: load or seed data first (docs/deploy.md)"
fi
ok "$(value 'len(b["days"])') days"

call GET "/agent/tools/ar-aging"
expect_status 200
check 'isinstance(b["customers"], list) and b["basis"] == "due_date" and b["as_of"]'
if [ "$(value 'len(b["customers"])')" = "0" ]; then
  fail "no customers in the store: load or seed data first (docs/deploy.md)"
fi
TODAY="$(value 'b["as_of"]')"
ok "$(value 'len(b["customers"])') customers owing, as of $TODAY"

call GET "/agent/tools/ar-aging?min_days_overdue=1&as_of=$TODAY&basis=due_date"
expect_status 200
check "b['as_of'] == '$TODAY' and all(c['total'] > c['current'] for c in b['customers'])"
if [ "$(value 'len(b["customers"])')" = "0" ]; then
  fail "nobody owes anything past due: the reminder checks need a past-due invoice"
fi
CUSTOMER="$(value 'b["customers"][0]["customer_id"]')"
ok "$(value 'len(b["customers"])') customers past due, the most overdue $CUSTOMER"

call GET "/agent/tools/invoices?customer_id=$CUSTOMER&status=overdue&limit=1"
expect_status 200
check 'len(b["invoices"]) == 1 and "next_token" in b and b["invoices"][0]["days_past_due"] > 0'
INVOICE="$(value 'b["invoices"][0]["invoice_id"]')"
ok "oldest past-due invoice $INVOICE, $(value 'b["invoices"][0]["open_balance"]') open"

call GET "/agent/actions?limit=5"
expect_status 200
check 'isinstance(b["items"], list) and len(b["items"]) <= 5 and "next_token" in b'
ok "$(value 'len(b["items"])') actions"

# -- the write route ---------------------------------------------------------------------------
# Run again the same day, a reminder is already recorded: 200 with it, not 201.
expect_recorded() {
  case "$STATUS" in 200 | 201) ;; *) fail "expected status 201, got $STATUS" ;; esac
}
json_text() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }
REMINDER="{\"customer_id\": $(json_text "$CUSTOMER"), \"invoice_id\": $(json_text "$INVOICE")}"
call POST /agent/actions/collection-reminder "$REMINDER"
expect_recorded
check 'b["action"] == "collection_reminder" and b["payload"]["invoices"] and b["performed_by"]'
ACTION_ID="$(value 'b["action_id"]')"
ok "recorded $ACTION_ID for $CUSTOMER, invoice $INVOICE"

call POST /agent/actions/collection-reminder "$REMINDER"
expect_status 200
check "b['action_id'] == '$ACTION_ID'"
ok "the same reminder again: the recorded one"

call GET "/agent/tools/invoices?customer_id=$CUSTOMER&status=overdue&limit=1"
expect_status 200
check "b['invoices'][0]['last_reminder_date'] == '$TODAY'"
ok "$INVOICE shows the reminder as its last"

KEY="smoke-$RUN"
TOMORROW="$(python3 -c 'import datetime as d, sys
print(d.date.fromisoformat(sys.argv[1]) + d.timedelta(days=1))' "$TODAY")"
REMINDER2="{\"customer_id\": $(json_text "$CUSTOMER"), \"invoice_id\": $(json_text "$INVOICE"),
  \"remind_date\": \"$TOMORROW\"}"
call POST /agent/actions/collection-reminder "$REMINDER2" "Idempotency-Key: $KEY"
expect_recorded
KEYED_STATUS="$STATUS"
KEYED_ID="$(value 'b["action_id"]')"
ok "with Idempotency-Key"
call POST /agent/actions/collection-reminder "$REMINDER2" "Idempotency-Key: $KEY"
expect_status "$KEYED_STATUS"
check "b['action_id'] == '$KEYED_ID' and h.get('idempotent-replayed') == 'true'"
ok "retried with the same Idempotency-Key: replayed"

# The action list reads an index that DynamoDB updates within a moment: a few tries.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  call GET "/agent/actions?limit=100"
  expect_status 200
  if holds "'$ACTION_ID' in [a['action_id'] for a in b['items']]"; then
    break
  fi
  [ "$attempt" = 10 ] && fail "the reminder $ACTION_ID is not in the action list"
  sleep 1
done
ok "lists the new reminder"

# -- the chat ----------------------------------------------------------------------------------
call POST /agent/chat '{"message": "What are our KPIs for the last 30 days?"}'
expect_status 200
check 'b["reply"].strip() and b["session_id"] and b["provider"] and isinstance(b["tools_used"], list)'
SESSION="$(value 'b["session_id"]')"
ok "provider $(value 'b["provider"]'), tools $(value '",".join(b["tools_used"]) or "none"')"

call POST /agent/chat "{\"message\": \"And over the last 7 days?\", \"session_id\": \"$SESSION\"}"
expect_status 200
check "b['session_id'] == '$SESSION' and b['reply'].strip()"
ok "follow-up in the same session"

# -- CORS preflight (optional) -----------------------------------------------------------------
if [ -n "${SMOKE_ORIGIN:-}" ]; then
  LABEL="OPTIONS /agent/actions/collection-reminder from $SMOKE_ORIGIN"
  STATUS="$(curl -sS --max-time "$TIMEOUT" -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' \
    -X OPTIONS -H "Origin: $SMOKE_ORIGIN" -H 'Access-Control-Request-Method: POST' \
    -H 'Access-Control-Request-Headers: authorization,content-type,idempotency-key' \
    "$BASE/agent/actions/collection-reminder")" || fail "no answer"
  case "$STATUS" in 200 | 204) ;; *) fail "expected status 200 or 204, got $STATUS" ;; esac
  grep -qi "^access-control-allow-origin: \(\*\|$SMOKE_ORIGIN\)" "$WORK/headers" \
    || fail "the origin is not allowed (access-control-allow-origin missing)"
  grep -qi '^access-control-allow-headers:.*idempotency-key' "$WORK/headers" \
    || fail "Idempotency-Key is not an allowed header"
  ok "preflight allowed"
fi

echo "smoke: all checks passed against $BASE"
