#!/usr/bin/env bash
# End-to-end smoke test of server.mjs using only curl + node.
# Starts two servers (default TTL, and ACCESS_TOKEN_TTL=1 for the expiry
# check), runs every check, exits non-zero if any check failed.
#
#   cd tests/oidc && npm ci && ./smoke.sh      (VERBOSE=1 for more output)
set -uo pipefail

cd "$(dirname "$0")"
[ -d node_modules/oidc-provider ] || npm ci --no-audit --no-fund >&2

WORK=$(mktemp -d)
FAILS=0
PASSES=0
PIDS=()
SERVER_FDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

REDIRECT_URI='http://127.0.0.1/callback'
BASIC_ID='basic-client'; BASIC_SECRET='s3cr:et +/%&= x'
POST_ID='post-client';   POST_SECRET='p@ss w0rd&=+'
PUBLIC_ID='public-client'

log() { [ -n "${VERBOSE:-}" ] && echo "    $*" >&2; return 0; }
pass() { PASSES=$((PASSES + 1)); echo "ok   - $1"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL - $1"; }
# check DESC ACTUAL EXPECTED
check() { if [ "$2" == "$3" ]; then pass "$1"; else fail "$1 (got '$2', expected '$3')"; fi; }
# check_match DESC ACTUAL REGEX
check_match() { if [[ "$2" =~ $3 ]]; then pass "$1"; else fail "$1 (got '$2', no match for /$3/)"; fi; }

# jget FIELD <json  -> prints the field ("" if absent, "null" if null)
jget() {
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v;try{v=JSON.parse(s)[process.argv[1]]}catch{v=undefined}
process.stdout.write(v===undefined?"":v===null?"null":String(v))})' "$1"
}
# form-urlencode one value (what RFC 6749 2.3.1 requires before base64 in Basic auth)
urlenc() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }
# query parameter from a URL
qparam() { node -e 'process.stdout.write(new URL(process.argv[1]).searchParams.get(process.argv[2]) ?? "")' "$1" "$2"; }
basic_header() { printf 'Authorization: Basic %s' "$(printf '%s:%s' "$(urlenc "$1")" "$(urlenc "$2")" | base64 | tr -d '\n')"; }

# start_server NAME [ENV=VAL...]; sets ${NAME}_PORT, ${NAME}_PID, fd for stdin.
start_server() {
  local name=$1; shift
  local fifo="$WORK/$name.stdin"
  mkfifo "$fifo"
  # The child must not inherit the stdin write ends of servers started
  # earlier, or their EOF would never arrive.
  (
    for fd in "${SERVER_FDS[@]}"; do eval "exec $fd>&-"; done
    exec env "$@" node server.mjs <"$fifo" >"$WORK/$name.out" 2>"$WORK/$name.err"
  ) &
  local pid=$!
  PIDS+=("$pid")
  # keep the write end open in this shell: closing it (EOF) stops the server
  eval "exec {${name}_FD}>\"\$fifo\""
  eval "SERVER_FDS+=(\$${name}_FD)"
  local line=""
  for _ in $(seq 1 100); do
    line=$(head -n1 "$WORK/$name.out" 2>/dev/null)
    [ -n "$line" ] && break
    sleep 0.1
  done
  check_match "$name: first stdout line is READY <port>" "$line" '^READY [0-9]+$'
  eval "${name}_PORT=${line#READY }; ${name}_PID=$pid"
}

# http METHOD URL [curl args...] -> sets STATUS, BODY
http() {
  local method=$1 url=$2; shift 2
  STATUS=$(curl -s -o "$WORK/body" -w '%{http_code}' -X "$method" "$@" "$url")
  BODY=$(cat "$WORK/body")
  log "$method $url -> $STATUS $BODY"
}

# authorize JAR QUERY -> follows the redirect chain by hand (cookies kept in
# JAR) until the Location points at the client's redirect_uri. Sets CALLBACK
# and HOPS (number of redirects).
authorize() {
  local jar=$1 url="$BASE/auth?$2" headers loc
  CALLBACK=""; HOPS=0
  while [ $HOPS -lt 10 ]; do
    headers=$(curl -s -o /dev/null -D - -c "$jar" -b "$jar" "$url" | tr -d '\r')
    loc=$(printf '%s\n' "$headers" | sed -n 's/^[Ll]ocation: //p')
    [ -z "$loc" ] && { log "no redirect from $url: $headers"; return 1; }
    HOPS=$((HOPS + 1))
    log "hop $HOPS: $(printf '%s\n' "$headers" | head -n1) -> $loc"
    case "$loc" in
      "$REDIRECT_URI"*) CALLBACK=$loc; return 0 ;;
      /*) url="$BASE$loc" ;;
      *) url=$loc ;;
    esac
  done
  return 1
}

pkce_pair() {
  VERIFIER=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))')
  CHALLENGE=$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(process.argv[1]).digest("base64url"))' "$VERIFIER")
}

SCOPE_Q='openid%20offline_access%20api%3Aread'
# "basic-client:s3cr%3Aet%20%2B%2F%25%26%3D%20x" base64-encoded
BASIC_AUTH=$(basic_header "$BASIC_ID" "$BASIC_SECRET")
RU_Q=$(urlenc "$REDIRECT_URI")

# ---------------------------------------------------------------------------
echo "# server (ACCESS_TOKEN_TTL default)"
start_server main
BASE="http://127.0.0.1:$main_PORT"

http GET "$BASE/.well-known/openid-configuration"
check "discovery issuer" "$(jget issuer <<<"$BODY")" "$BASE"
check "discovery token_endpoint" "$(jget token_endpoint <<<"$BODY")" "$BASE/token"
check "discovery revocation_endpoint" "$(jget revocation_endpoint <<<"$BODY")" "$BASE/token/revocation"

echo "# client_credentials"
http POST "$BASE/token" -H "$BASIC_AUTH" -d 'grant_type=client_credentials&scope=api:read'
check "basic (urlencoded+base64) -> 200" "$STATUS" 200
check "basic token_type" "$(jget token_type <<<"$BODY")" Bearer
check "basic scope" "$(jget scope <<<"$BODY")" "api:read"
check "basic expires_in" "$(jget expires_in <<<"$BODY")" 3600
check "basic no refresh_token" "$(jget refresh_token <<<"$BODY")" ""
CC_TOKEN=$(jget access_token <<<"$BODY")

# application/x-www-form-urlencoded flavour ('+' for space, as produced by
# e.g. Rust's form_urlencoded::byte_serialize) is accepted too.
FORM_SECRET=$(node -e 'process.stdout.write(new URLSearchParams({s:process.argv[1]}).toString().slice(2))' "$BASIC_SECRET")
check "form-encoded secret uses '+'" "$FORM_SECRET" 's3cr%3Aet+%2B%2F%25%26%3D+x'
http POST "$BASE/token" -H "Authorization: Basic $(printf '%s:%s' "$BASIC_ID" "$FORM_SECRET" | base64 | tr -d '\n')" \
  -d 'grant_type=client_credentials&scope=api:read'
check "basic ('+' for space) -> 200" "$STATUS" 200

http POST "$BASE/token" -u "$BASIC_ID:$BASIC_SECRET" -d 'grant_type=client_credentials&scope=api:read'
check "basic with raw (not urlencoded) secret -> 400" "$STATUS" 400
check "basic raw secret error" "$(jget error <<<"$BODY")" invalid_request

http POST "$BASE/token" -H "$(basic_header "$BASIC_ID" wrong)" -d 'grant_type=client_credentials'
check "basic wrong secret -> 401" "$STATUS" 401
check "basic wrong secret error" "$(jget error <<<"$BODY")" invalid_client

http POST "$BASE/token" --data-urlencode "client_id=$POST_ID" --data-urlencode "client_secret=$POST_SECRET" \
  -d grant_type=client_credentials --data-urlencode 'scope=api:read api:write'
check "post -> 200" "$STATUS" 200
check "post scope" "$(jget scope <<<"$BODY")" "api:read api:write"
CC_TOKEN2=$(jget access_token <<<"$BODY")

http POST "$BASE/token" -H "$BASIC_AUTH" -H 'content-type: application/json' \
  -d '{"grant_type":"client_credentials"}'
check "JSON body -> 400 invalid_request" "$STATUS:$(jget error <<<"$BODY")" "400:invalid_request"

echo "# /api/me"
http GET "$BASE/api/me" -H "Authorization: Bearer $CC_TOKEN"
check "cc token -> 200" "$STATUS" 200
check "cc token client_id" "$(jget client_id <<<"$BODY")" "$BASIC_ID"
check "cc token sub" "$(jget sub <<<"$BODY")" null
http GET "$BASE/api/me"
check "no token -> 401 invalid_token" "$STATUS:$(jget error <<<"$BODY")" "401:invalid_token"
http GET "$BASE/api/me" -H "Authorization: Bearer nope"
check "unknown token -> 401" "$STATUS" 401

echo "# authorization code, confidential client (basic)"
JAR="$WORK/jar-basic"
authorize "$JAR" "response_type=code&client_id=$BASIC_ID&redirect_uri=$RU_Q&scope=$SCOPE_Q&state=st1&nonce=n1"
check "auto-approved, 3 redirects" "$HOPS" 3
check "callback state" "$(qparam "$CALLBACK" state)" st1
check "callback iss" "$(qparam "$CALLBACK" iss)" "$BASE"
CODE=$(qparam "$CALLBACK" code)
check_match "callback code" "$CODE" '^[A-Za-z0-9_-]{20,}$'

exchange_basic() {
  http POST "$BASE/token" -H "$BASIC_AUTH" \
    -d grant_type=authorization_code --data-urlencode "code=$1" --data-urlencode "redirect_uri=$REDIRECT_URI"
}
exchange_basic "$CODE"
check "code exchange -> 200" "$STATUS" 200
check "code exchange scope" "$(jget scope <<<"$BODY")" "api:read"
check_match "code exchange id_token" "$(jget id_token <<<"$BODY")" '^ey'
AT=$(jget access_token <<<"$BODY")
RT=$(jget refresh_token <<<"$BODY")
check_match "code exchange refresh_token (no prompt=consent)" "$RT" '.+'

http GET "$BASE/api/me" -H "Authorization: Bearer $AT"
check "/api/me auth-code token -> 200" "$STATUS" 200
check "/api/me sub" "$(jget sub <<<"$BODY")" user-1
check "/api/me client_id" "$(jget client_id <<<"$BODY")" "$BASIC_ID"

http POST "$BASE/token" -H "$BASIC_AUTH" -d grant_type=refresh_token --data-urlencode "refresh_token=$RT"
check "refresh -> 200" "$STATUS" 200
RT2=$(jget refresh_token <<<"$BODY")
AT2=$(jget access_token <<<"$BODY")
if [ -n "$RT2" ] && [ "$RT2" != "$RT" ]; then pass "refresh rotated"; else fail "refresh rotated ($RT2)"; fi
http GET "$BASE/api/me" -H "Authorization: Bearer $AT2"
check "/api/me refreshed token -> 200" "$STATUS" 200
http POST "$BASE/token" -H "$BASIC_AUTH" -d grant_type=refresh_token --data-urlencode "refresh_token=$RT2"
check "refresh with rotated token -> 200" "$STATUS" 200
RT3=$(jget refresh_token <<<"$BODY")
http POST "$BASE/token" -H "$BASIC_AUTH" -d grant_type=refresh_token --data-urlencode "refresh_token=$RT"
check "old refresh token -> 400 invalid_grant" "$STATUS:$(jget error <<<"$BODY")" "400:invalid_grant"
http POST "$BASE/token" -H "$BASIC_AUTH" -d grant_type=refresh_token --data-urlencode "refresh_token=$RT3"
check "reuse detection revoked the whole grant (newest RT invalid too)" "$(jget error <<<"$BODY")" invalid_grant

exchange_basic "$CODE"
check "replayed code -> 400 invalid_grant" "$STATUS:$(jget error <<<"$BODY")" "400:invalid_grant"

echo "# authorization code, confidential client (post), fresh cookie jar"
authorize "$WORK/jar-post" "response_type=code&client_id=$POST_ID&redirect_uri=$RU_Q&scope=$SCOPE_Q&state=st2"
check "post-client auto-approved, 3 redirects" "$HOPS" 3
http POST "$BASE/token" --data-urlencode "client_id=$POST_ID" --data-urlencode "client_secret=$POST_SECRET" \
  -d grant_type=authorization_code --data-urlencode "code=$(qparam "$CALLBACK" code)" --data-urlencode "redirect_uri=$REDIRECT_URI"
check "post-client code exchange -> 200" "$STATUS" 200
PAT=$(jget access_token <<<"$BODY")

echo "# same cookie jar again (existing session + grant)"
authorize "$WORK/jar-post" "response_type=code&client_id=$POST_ID&redirect_uri=$RU_Q&scope=$SCOPE_Q&state=st3"
check "existing session+grant: straight to callback (1 redirect)" "$HOPS:$(qparam "$CALLBACK" state)" "1:st3"
authorize "$WORK/jar-post" "response_type=code&client_id=$BASIC_ID&redirect_uri=$RU_Q&scope=$SCOPE_Q&state=st4"
check "existing session, other client: consent-only interaction (3 redirects)" "$HOPS:$(qparam "$CALLBACK" state)" "3:st4"
# The basic-client grant in $JAR was revoked by refresh token reuse above,
# so the session alone is not enough: consent is asked (and approved) again.
authorize "$JAR" "response_type=code&client_id=$BASIC_ID&redirect_uri=$RU_Q&scope=$SCOPE_Q&state=st4b"
check "existing session, revoked grant: consent again (3 redirects)" "$HOPS:$(qparam "$CALLBACK" state)" "3:st4b"

echo "# authorization code + PKCE, public client"
pkce_pair
authorize "$WORK/jar-pub" "response_type=code&client_id=$PUBLIC_ID&redirect_uri=$RU_Q&scope=$SCOPE_Q&state=st5"
check "public client without PKCE -> error redirect" "$(qparam "$CALLBACK" error)" invalid_request
authorize "$WORK/jar-pub" "response_type=code&client_id=$PUBLIC_ID&redirect_uri=$RU_Q&scope=$SCOPE_Q&state=st5&code_challenge=$VERIFIER&code_challenge_method=plain"
check "plain PKCE rejected" "$(qparam "$CALLBACK" error)" invalid_request
authorize "$WORK/jar-pub2" "response_type=code&client_id=$PUBLIC_ID&redirect_uri=$RU_Q&scope=$SCOPE_Q&state=st6&code_challenge=$CHALLENGE&code_challenge_method=S256"
check "public client auto-approved, 3 redirects" "$HOPS" 3
CODE=$(qparam "$CALLBACK" code)
exchange_public() {
  http POST "$BASE/token" -d grant_type=authorization_code -d "client_id=$PUBLIC_ID" --data-urlencode "code=$1" \
    --data-urlencode "redirect_uri=$REDIRECT_URI" ${2:+--data-urlencode "code_verifier=$2"}
}
exchange_public "$CODE" "${VERIFIER}x"
check "wrong code_verifier -> 400 invalid_grant" "$STATUS:$(jget error <<<"$BODY")" "400:invalid_grant"
exchange_public "$CODE" ""
check "missing code_verifier -> 400 invalid_grant" "$STATUS:$(jget error <<<"$BODY")" "400:invalid_grant"
exchange_public "$CODE" "$VERIFIER"
check "right verifier (code not burnt by failed attempts) -> 200" "$STATUS" 200
PUB_AT=$(jget access_token <<<"$BODY")
PUB_RT=$(jget refresh_token <<<"$BODY")
exchange_public "$CODE" "$VERIFIER"
check "public replayed code -> invalid_grant" "$(jget error <<<"$BODY")" invalid_grant
http GET "$BASE/api/me" -H "Authorization: Bearer $PUB_AT"
check "code replay revoked tokens issued from it" "$STATUS" 401

pkce_pair
authorize "$WORK/jar-pub2" "response_type=code&client_id=$PUBLIC_ID&redirect_uri=$RU_Q&scope=$SCOPE_Q&state=st7&code_challenge=$CHALLENGE&code_challenge_method=S256"
exchange_public "$(qparam "$CALLBACK" code)" "$VERIFIER"
check "public exchange #2 -> 200" "$STATUS" 200
PUB_AT=$(jget access_token <<<"$BODY")
PUB_RT=$(jget refresh_token <<<"$BODY")
http GET "$BASE/api/me" -H "Authorization: Bearer $PUB_AT"
check "/api/me public token client_id" "$STATUS:$(jget client_id <<<"$BODY")" "200:$PUBLIC_ID"
http POST "$BASE/token" -d grant_type=refresh_token -d "client_id=$PUBLIC_ID" --data-urlencode "refresh_token=$PUB_RT"
check "public refresh -> 200" "$STATUS" 200
PUB_RT2=$(jget refresh_token <<<"$BODY")
if [ -n "$PUB_RT2" ] && [ "$PUB_RT2" != "$PUB_RT" ]; then pass "public refresh rotated"; else fail "public refresh rotated"; fi
http POST "$BASE/token" -d grant_type=refresh_token -d "client_id=$PUBLIC_ID" --data-urlencode "refresh_token=$PUB_RT"
check "public old refresh token -> invalid_grant" "$STATUS:$(jget error <<<"$BODY")" "400:invalid_grant"

http POST "$BASE/token/introspection" --data-urlencode "client_id=$POST_ID" --data-urlencode "client_secret=$POST_SECRET" \
  --data-urlencode "token=$PAT"
check "introspection active + aud" "$(jget active <<<"$BODY"):$(jget aud <<<"$BODY"):$(jget sub <<<"$BODY")" "true:urn:oidc-test:api:user-1"

echo "# revocation"
http GET "$BASE/api/me" -H "Authorization: Bearer $PAT"
check "post-client token valid before revocation" "$STATUS" 200
http POST "$BASE/token/revocation" --data-urlencode "client_id=$POST_ID" --data-urlencode "client_secret=$POST_SECRET" \
  --data-urlencode "token=$PAT" -d token_type_hint=access_token
check "RFC 7009 /token/revocation -> 200" "$STATUS" 200
http GET "$BASE/api/me" -H "Authorization: Bearer $PAT"
check "/api/me after /token/revocation -> 401" "$STATUS:$(jget error <<<"$BODY")" "401:invalid_token"
http GET "$BASE/api/me" -H "Authorization: Bearer $CC_TOKEN2"
check "cc token valid before /test/revoke" "$STATUS" 200
http POST "$BASE/test/revoke" --data-urlencode "token=$CC_TOKEN2"
check "/test/revoke -> 200 revoked" "$STATUS:$(jget revoked <<<"$BODY")" "200:true"
http GET "$BASE/api/me" -H "Authorization: Bearer $CC_TOKEN2"
check "/api/me after /test/revoke -> 401" "$STATUS" 401

# ---------------------------------------------------------------------------
echo "# server (ACCESS_TOKEN_TTL=1)"
start_server short ACCESS_TOKEN_TTL=1
BASE="http://127.0.0.1:$short_PORT"
http POST "$BASE/token" -H "$BASIC_AUTH" -d 'grant_type=client_credentials&scope=api:read'
check "cc expires_in 1" "$(jget expires_in <<<"$BODY")" 1
SHORT_CC=$(jget access_token <<<"$BODY")
pkce_pair
authorize "$WORK/jar-short" "response_type=code&client_id=$PUBLIC_ID&redirect_uri=$RU_Q&scope=$SCOPE_Q&state=st8&code_challenge=$CHALLENGE&code_challenge_method=S256"
exchange_public "$(qparam "$CALLBACK" code)" "$VERIFIER"
check "auth code expires_in 1" "$(jget expires_in <<<"$BODY")" 1
SHORT_AT=$(jget access_token <<<"$BODY")
SHORT_RT=$(jget refresh_token <<<"$BODY")
sleep 2.1
http GET "$BASE/api/me" -H "Authorization: Bearer $SHORT_CC"
check "expired cc token -> 401" "$STATUS" 401
http GET "$BASE/api/me" -H "Authorization: Bearer $SHORT_AT"
check "expired auth-code token -> 401" "$STATUS" 401
http POST "$BASE/token" -d grant_type=refresh_token -d "client_id=$PUBLIC_ID" --data-urlencode "refresh_token=$SHORT_RT"
check "refresh after access token expiry -> 200" "$STATUS" 200

# ---------------------------------------------------------------------------
echo "# lifecycle"
for name in main short; do
  check "$name: stdout had exactly one line" "$(wc -l <"$WORK/$name.out" | tr -d ' ')" 1
  if [ -s "$WORK/$name.err" ]; then log "$name stderr:"; log "$(cat "$WORK/$name.err")"; fi
done
check "main: stderr empty (no warnings/notices)" "$(cat "$WORK/main.err")" ""
exec {main_FD}>&-   # EOF on the server's stdin
for _ in $(seq 1 50); do kill -0 "$main_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$main_PID" 2>/dev/null; then fail "server exits on stdin EOF"; else pass "server exits on stdin EOF"; fi
exec {short_FD}>&-

echo "# $PASSES passed, $FAILS failed"
[ "$FAILS" -eq 0 ]
