#!/usr/bin/env bash
# End-to-end test of ngx_http_iamgate_module in Debian's nginx:
#   1. builds libiamgate (release preset) and the dynamic module (build.sh);
#   2. writes a test configuration into a temporary prefix and starts nginx
#      on 127.0.0.1 (two unused ports: the gateway and a backend);
#   3. asserts a table of allow/deny requests with curl (MFA, source IP,
#      time conditions, explicit denies, resources and policy variables,
#      boundary and SCP, principals from an account export);
#   4. reloads: a changed policy file takes effect; a broken one is refused
#      with its position and the running configuration stays;
#   5. load test with wrk on a small static file, access check on and off,
#      plus a run of intended 403s; prints requests/s and the loss.
# Prints "N passed, M failed"; exits non-zero on any failure.
#
# Environment:
#   IAMGATE_WRK_SECONDS   seconds of load per mode (on, off; default 30)
#   IAMGATE_WRK_ROUNDS    the seconds are split into this many slices per
#                         mode, run in pairs (off on, on off, ...) so that
#                         drift on a busy machine hits both modes alike
#                         (default: slices of 2 s)
#   IAMGATE_WRK_CONNECTIONS  wrk connections (default 16; one wrk thread)
#   IAMGATE_NGINX_WORKERS worker_processes (default 1)
#   IAMGATE_MAX_LOSS      fail when the loss exceeds this percentage (default:
#                         report only; timings on shared CI machines are noisy)
#   IAMGATE_KEEP_TMP=1    keep the temporary prefix (config, logs)
#   IAMGATE_SKIP_LIB_BUILD=1, IAMGATE_BUILD_DIR, IAMGATE_NGINX_BUILD: see build.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

for tool in curl wrk python3; do
  command -v "$tool" >/dev/null || { echo "test.sh: $tool missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

so=$("$here/build.sh" | tail -n 1) || { echo "test.sh: build failed" >&2; exit 1; }
[ -f "$so" ] || { echo "test.sh: no module at $so" >&2; exit 1; }

T=$(mktemp -d /tmp/iamgate-nginx.XXXXXX)
chmod 755 "$T" # workers (user nobody when started as root) read www/
master=""
workers=""

# the pids whose parent is $1 (from /proc: no procps needed)
children_of() {
  local parent=$1 f line rest
  for f in /proc/[0-9]*/stat; do
    read -r line <"$f" 2>/dev/null || continue
    rest=${line##*) } # after the command name: state ppid ...
    rest=${rest#* }
    [ "${rest%% *}" = "$parent" ] || continue
    f=${f#/proc/}
    echo "${f%/stat}"
  done
}

stop_nginx() {
  [ -n "$master" ] || return 0
  if kill -0 "$master" 2>/dev/null; then
    workers=$(children_of "$master" | tr '\n' ' ')
    kill -TERM "$master" 2>/dev/null
    for _ in $(seq 100); do
      kill -0 "$master" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$master" 2>/dev/null && kill -KILL "$master" 2>/dev/null
  fi
  for w in $workers; do # workers exit with the master; make sure
    for _ in $(seq 50); do kill -0 "$w" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$w" 2>/dev/null && kill -KILL "$w" 2>/dev/null
  done
  master=""
}

cleanup() {
  stop_nginx
  if [ "${IAMGATE_KEEP_TMP:-0}" = 1 ]; then
    echo "test.sh: kept $T"
  else
    rm -rf "$T"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
port=$(free_port)
backend_port=$(free_port)
while [ "$backend_port" = "$port" ]; do backend_port=$(free_port); done
base="http://127.0.0.1:$port"

# ---- the prefix: policies, the export, static files, the configuration ----
mkdir -p "$T/policies" "$T/www" "$T/tmp" "$T/logs"
cp "$here"/t/policies/*.json "$T/policies/"
cp "$here/t/account-details.json" "$T/"
printf 'hello\n' >"$T/www/hello.txt"
chmod -R a+rX "$T/www"

cat >"$T/reload.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Before", "Effect": "Allow", "Action": "chime:ListUsers", "Resource": "*"}
  ]
}
EOF

workers_n=${IAMGATE_NGINX_WORKERS:-1}
cat >"$T/nginx.conf" <<EOF
load_module $so;

worker_processes $workers_n;
pid $T/nginx.pid;
error_log $T/error.log info;

events {
    worker_connections 1024;
}

http {
    access_log off;
    default_type text/plain;
    keepalive_requests 1000000;
    client_body_temp_path $T/tmp/body;
    proxy_temp_path $T/tmp/proxy;
    fastcgi_temp_path $T/tmp/fastcgi;
    uwsgi_temp_path $T/tmp/uwsgi;
    scgi_temp_path $T/tmp/scgi;

    # method + path -> IAM action (an unmapped request gets "" and is denied)
    map "\$request_method \$uri" \$chime_action {
        default                              "";
        "GET /api/users"                     chime:ListUsers;
        "POST /api/users/invite"             chime:InviteUsers;
        "~^GET /api/users/[^/]+\$"           chime:GetUser;
        "~^PUT /api/users/[^/]+\$"           chime:UpdateUser;
        "~^GET /api/accounts/[^/]+\$"        chime:GetAccount;
        "~^DELETE /api/accounts/[^/]+\$"     chime:DeleteAccount;
        "~^GET /api/meetings/[^/]+\$"        chime:GetMeeting;
        "~^DELETE /api/meetings/[^/]+\$"     chime:DeleteMeeting;
        "GET /load/on/hello.txt"             chime:ListUsers;
        "GET /load/off/hello.txt"            chime:ListUsers;
        "GET /load/deny/hello.txt"           chime:DeleteAccount;
        "~^[A-Z]+ /[a-z/]+/op/(?<iam_op>[A-Za-z]+)\$"  chime:\$iam_op;
    }

    # path -> resource ARN
    map \$uri \$chime_resource {
        default                              "*";
        "~^/api/meetings/(?<meeting>[^/]+)\$"  arn:aws:chime::111122223333:meeting/\$meeting;
        "~^/api/users/(?<user>[^/]+)\$"        arn:aws:chime::111122223333:user/\$user;
    }

    upstream backend {
        server 127.0.0.1:$backend_port;
        keepalive 16;
    }

    server {
        listen 127.0.0.1:$backend_port;
        location / {
            return 200 "backend \$request_method \$request_uri\n";
        }
    }

    server {
        listen 127.0.0.1:$port;
        root $T/www;
        proxy_http_version 1.1;
        proxy_set_header Connection "";

        # what every iamgate location reads (an upstream authenticator would
        # set X-Principal-Arn and X-MFA)
        iamgate_principal \$http_x_principal_arn;
        iamgate_action \$chime_action;
        iamgate_resource \$chime_resource;
        iamgate_context aws:MultiFactorAuthPresent \$http_x_mfa;
        iamgate_context aws:username \$http_x_user;

        location / {
            # one compiled set, shared by the nested locations
            iamgate_policy policies/read.json;
            iamgate_policy policies/mfa.json;
            iamgate_policy policies/deny.json;
            iamgate_policy policies/time.json;
            iamgate_policy policies/ip.json;
            iamgate_policy policies/meetings.json;

            location /api/ {
                iamgate on;
                iamgate_debug on;
                proxy_pass http://backend;
            }
            location /quiet/ {
                iamgate on;
                proxy_pass http://backend;
            }
            location /open/ {
                iamgate off;
                proxy_pass http://backend;
            }
        }

        location /bounded/ {
            iamgate on;
            iamgate_debug on;
            iamgate_policy policies/all.json;
            iamgate_policy policies/boundary.json boundary;
            iamgate_policy policies/scp.json scp;
            proxy_pass http://backend;
        }

        location /acct/ {
            iamgate on;
            iamgate_debug on;
            iamgate_account_details account-details.json;
            iamgate_policy policies/scp.json scp;
            proxy_pass http://backend;
        }

        # on here, policies only in the nested location: the outer
        # location's own requests are denied (fail closed)
        location /nested/ {
            iamgate on;
            proxy_pass http://backend;

            location /nested/inner/ {
                iamgate_policy policies/read.json;
                proxy_pass http://backend;
            }
        }

        location /reload/ {
            iamgate on;
            iamgate_debug on;
            iamgate_policy reload.json;
            proxy_pass http://backend;
        }

        # the load test: a small static file, on and off under one block
        location /load/ {
            alias $T/www/;
            iamgate_policy policies/read.json;
            iamgate_policy policies/deny.json;
            iamgate_resource "*";

            location /load/on/ {
                alias $T/www/;
                iamgate on;
            }
            location /load/off/ {
                alias $T/www/;
                iamgate off;
            }
            location /load/deny/ {
                alias $T/www/;
                iamgate on;
            }
        }
    }
}
EOF

ngx() { "$nginx_bin" -p "$T/" -c "$T/nginx.conf" "$@"; }

if ! ngx -t >"$T/t.out" 2>&1; then
  cat "$T/t.out" >&2
  echo "0 passed, 1 failed (nginx -t)"
  exit 1
fi
ngx || { echo "0 passed, 1 failed (nginx did not start)"; cat "$T/error.log" >&2; exit 1; }
for _ in $(seq 100); do
  [ -s "$T/nginx.pid" ] && curl -s -o /dev/null "$base/open/op/x" && break
  sleep 0.1
done
master=$(cat "$T/nginx.pid" 2>/dev/null)
[ -n "$master" ] || { echo "0 passed, 1 failed (no pid file)"; exit 1; }
echo "nginx $("$nginx_bin" -v 2>&1 | sed 's|.*/||') master $master on 127.0.0.1:$port, module $so"

# ---- the request table ----
pass=0
fail=0
ok() { pass=$((pass + 1)); printf 'ok   %s\n' "$1"; }
ko() { fail=$((fail + 1)); printf 'FAIL %s\n' "$1"; [ -z "${2:-}" ] || printf '     %s\n' "$2"; }

# check NAME STATUS BODY CURL-ARGS...
#   BODY: "" (any), "=TEXT" (exactly TEXT), or TEXT (contains TEXT)
check() {
  local name=$1 want=$2 want_body=$3 code body good=1
  shift 3
  code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 "$@")
  body=$(cat "$T/body" 2>/dev/null)
  [ "$code" = "$want" ] || good=0
  case $want_body in
    "") ;;
    =*) [ "$body" = "${want_body#=}" ] || good=0 ;;
    *) [[ $body == *"$want_body"* ]] || good=0 ;;
  esac
  if [ $good = 1 ]; then ok "$name ($code)"; else ko "$name" "want $want ${want_body:+body ~ $want_body}; got $code: $body"; fi
}

P=(-H "X-Principal-Arn: arn:aws:iam::111122223333:user/tester")
MFA=(-H "X-MFA: true")
NOMFA=(-H "X-MFA: false")

echo "--- identity policies (/api/, debug bodies)"
check "ListUsers (GET /api/users)"                 200 "backend GET" "${P[@]}" "$base/api/users"
check "GetUser (GET /api/users/u1)"                200 "" "${P[@]}" "$base/api/users/u1"
check "GetAccount"                                 200 "" "${P[@]}" "$base/api/accounts/a1"
check "unmapped path: ImplicitDeny"                403 '"decision":"ImplicitDeny","action":""' "${P[@]}" "$base/api/nothing"
check "HEAD is not mapped: ImplicitDeny"           403 "" -I "${P[@]}" "$base/api/users"
echo "--- explicit deny"
check "DeleteAccount with MFA: ExplicitDeny (deny.json)" 403 '"policy":"deny.json","statement":0,"sid":"NoAccountDeletion"' -X DELETE "${P[@]}" "${MFA[@]}" "$base/api/accounts/a1"
check "DeleteAccount without MFA: two denies"      403 '"sid":"MfaForDeletes"},{"policy":"deny.json"' -X DELETE "${P[@]}" "$base/api/accounts/a1"
echo "--- MFA (X-MFA header -> aws:MultiFactorAuthPresent)"
check "InviteUsers, MFA true"                      200 "" -X POST "${P[@]}" "${MFA[@]}" "$base/api/users/invite"
check "InviteUsers, MFA false: ImplicitDeny"       403 '"decision":"ImplicitDeny"' -X POST "${P[@]}" "${NOMFA[@]}" "$base/api/users/invite"
check "InviteUsers, no MFA header: key missing"    403 '"missing":["aws:MultiFactorAuthPresent"]' -X POST "${P[@]}" "$base/api/users/invite"
check "DeleteMeeting, MFA true"                    200 "" -X DELETE "${P[@]}" "${MFA[@]}" "$base/api/meetings/m1"
check "DeleteMeeting, MFA false: ExplicitDeny"     403 '"sid":"MfaForDeletes"' -X DELETE "${P[@]}" "${NOMFA[@]}" "$base/api/meetings/m1"
check "DeleteMeeting, no header: BoolIfExists deny" 403 '"decision":"ExplicitDeny"' -X DELETE "${P[@]}" "$base/api/meetings/m1"
echo "--- resources and policy variables"
check "GetMeeting public-1 (resource ARN)"         200 "" "${P[@]}" "$base/api/meetings/public-1"
check "GetMeeting secret-1: ImplicitDeny"          403 '"resource":"arn:aws:chime::111122223333:meeting/secret-1"' "${P[@]}" "$base/api/meetings/secret-1"
check "UpdateUser bob as bob (\${aws:username})"   200 "" -X PUT -H "X-User: bob" "${P[@]}" "$base/api/users/bob"
check "UpdateUser bob as alice: ImplicitDeny"      403 '"decision":"ImplicitDeny"' -X PUT -H "X-User: alice" "${P[@]}" "$base/api/users/bob"
echo "--- time (aws:CurrentTime, aws:EpochTime)"
check "DateGreaterThan a past date"                200 "" -X POST "${P[@]}" "$base/api/op/CreateMeeting"
check "DateLessThan a future date"                 200 "" -X POST "${P[@]}" "$base/api/op/CreateAttendee"
check "DateLessThan a past date: ImplicitDeny"     403 '"decision":"ImplicitDeny"' -X POST "${P[@]}" "$base/api/op/CreateRoom"
check "DateGreaterThan a future date: ImplicitDeny" 403 '"decision":"ImplicitDeny"' -X POST "${P[@]}" "$base/api/op/CreateChannel"
check "NumericGreaterThan on aws:EpochTime"        200 "" -X POST "${P[@]}" "$base/api/op/CreateBot"
check "a window in the past: ImplicitDeny"         403 '"decision":"ImplicitDeny"' -X POST "${P[@]}" "$base/api/op/UpdateAccount"
echo "--- source IP (aws:SourceIp from \$remote_addr)"
check "IpAddress 127.0.0.1/32 from 127.0.0.1"      200 "" -X POST "${P[@]}" "$base/api/op/CreateRoomMembership"
check "IpAddress 127.0.0.1/32 from 127.0.0.2"      403 '"decision":"ImplicitDeny"' --interface 127.0.0.2 -X POST "${P[@]}" "$base/api/op/CreateRoomMembership"
check "NotIpAddress deny, from 127.0.0.1"          200 "" -X POST "${P[@]}" "$base/api/op/UpdateBot"
check "NotIpAddress deny, from 127.0.0.2"          403 '"sid":"NotFromOtherLoopback"' --interface 127.0.0.2 -X POST "${P[@]}" "$base/api/op/UpdateBot"
check "IpAddress 10.0.0.0/8: ImplicitDeny"         403 '"decision":"ImplicitDeny"' -X POST "${P[@]}" "$base/api/op/CreateProxySession"
echo "--- quiet bodies (/quiet/, iamgate_debug off) and iamgate off (/open/)"
check "ExplicitDeny body"                          403 '={"decision":"ExplicitDeny"}' "${P[@]}" "$base/quiet/op/DeleteAccount"
check "ImplicitDeny body"                          403 '={"decision":"ImplicitDeny"}' "${P[@]}" "$base/quiet/op/CreateRoom"
check "Allow proxies to the backend"               200 "=backend GET /quiet/op/ListUsers" "${P[@]}" "$base/quiet/op/ListUsers"
check "POST with a body, denied"                   403 '={"decision":"ImplicitDeny"}' -X POST --data-binary 'x=1' "${P[@]}" "$base/quiet/op/CreateRoom"
check "iamgate off"                                200 "" "$base/open/op/DeleteAccount"
echo "--- boundary and SCP (/bounded/)"
check "allowed by identity, boundary and SCP"      200 "" "$base/bounded/op/ListUsers"
check "CreateMeeting inside the boundary"          200 "" "$base/bounded/op/CreateMeeting"
check "DeleteAccount outside the boundary"         403 '"decision":"ImplicitDeny"' "$base/bounded/op/DeleteAccount"
check "ListAccounts denied by the SCP"             403 '"policy":"scp.json","statement":1,"sid":"NoAccountListing"' "$base/bounded/op/ListAccounts"
echo "--- policies only in a nested location (/nested/)"
check "nested location with the policies"          200 "" "$base/nested/inner/op/ListUsers"
check "outer location without policies: denied"    403 '={"decision":"ImplicitDeny"}' "$base/nested/op/ListUsers"
echo "--- principals from an account export (/acct/)"
A=(-H "X-Principal-Arn: arn:aws:iam::111122223333:user/alice")
check "alice ListUsers (AmazonChimeReadOnly via Staff)" 200 "" "${A[@]}" "$base/acct/op/ListUsers"
check "alice by bare name"                         200 "" -H "X-Principal-Arn: alice" "$base/acct/op/ListUsers"
check "alice InviteUsers without MFA"              403 '"policy":"AliceMeetings","statement":2,"sid":"MfaForWrites"' "${A[@]}" "$base/acct/op/InviteUsers"
check "alice InviteUsers with MFA"                 200 "" "${A[@]}" "${MFA[@]}" "$base/acct/op/InviteUsers"
check "alice CreateMeeting (aws:PrincipalTag/team)" 200 "" "${A[@]}" "${MFA[@]}" "$base/acct/op/CreateMeeting"
check "alice ListAccounts: the SCP denies"         403 '"sid":"NoAccountListing"' "${A[@]}" "$base/acct/op/ListAccounts"
check "bob CreateMeeting (team red)"               403 '"decision":"ImplicitDeny"' -H "X-Principal-Arn: arn:aws:iam::111122223333:user/bob" "$base/acct/op/CreateMeeting"
check "bob DeleteAccount (managed deny)"           403 '"sid":"NeverDeleteAccounts"' -H "X-Principal-Arn: arn:aws:iam::111122223333:user/bob" "$base/acct/op/DeleteAccount"
check "carol: no policies"                         403 '"decision":"ImplicitDeny"' -H "X-Principal-Arn: arn:aws:iam::111122223333:user/contractors/carol" "$base/acct/op/ListUsers"
S=(-H "X-Principal-Arn: arn:aws:sts::111122223333:assumed-role/ChimeOps/night-shift")
check "ChimeOps session CreateMeeting"             200 "" "${S[@]}" "$base/acct/op/CreateMeeting"
check "ChimeOps session DeleteAccount (boundary)"  403 '"decision":"ImplicitDeny"' "${S[@]}" "$base/acct/op/DeleteAccount"
check "unknown principal"                          403 '"reason":"unknown principal"' -H "X-Principal-Arn: arn:aws:iam::111122223333:user/mallory" "$base/acct/op/ListUsers"
check "a group is not a caller"                    403 '"reason":"unknown principal"' -H "X-Principal-Arn: Staff" "$base/acct/op/ListUsers"
check "no principal header"                        403 '"reason":"unknown principal"' "$base/acct/op/ListUsers"

echo "--- reload"
check "before: ListUsers allowed"                  200 "" "$base/reload/op/ListUsers"
check "before: GetUser denied"                     403 '"decision":"ImplicitDeny"' "$base/reload/op/GetUser"
cat >"$T/reload.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "After", "Effect": "Allow", "Action": ["chime:ListUsers", "chime:GetUser"], "Resource": "*"}
  ]
}
EOF
if ngx -s reload 2>"$T/reload.out"; then ok "nginx -s reload with a changed policy"; else ko "nginx -s reload with a changed policy" "$(cat "$T/reload.out")"; fi
code=""
for _ in $(seq 100); do # the new workers take over asynchronously
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/reload/op/GetUser")
  [ "$code" = 200 ] && break
  sleep 0.1
done
if [ "$code" = 200 ]; then ok "after reload: GetUser allowed (200)"; else ko "after reload: GetUser allowed" "got $code"; fi
check "after reload: CreateRoom still denied" 403 '"decision":"ImplicitDeny"' "$base/reload/op/CreateRoom"

# a broken policy: a missing ',' at line 4, column 72
cat >"$T/reload.json" <<'EOF'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["chime:ListUsers", "chime:GetUser"] "Resource": "*"}
  ]
}
EOF
want_err="reload.json:4:72: expected ',' or '}' after object member (at /Statement/0/Action)"
if ngx -t >"$T/t.out" 2>&1; then
  ko "nginx -t rejects the broken policy" "it passed"
elif grep -qF "$want_err" "$T/t.out"; then
  ok "nginx -t rejects the broken policy with its position"
else
  ko "nginx -t rejects the broken policy with its position" "$(cat "$T/t.out")"
fi
if ngx -s reload >"$T/reload.out" 2>&1; then
  ko "nginx -s reload refuses the broken policy" "it succeeded"
else
  ok "nginx -s reload refuses the broken policy"
fi
# the running master re-reads the configuration on SIGHUP (what -s reload
# sends): it must log the positioned error and keep its configuration
errors_before=$(grep -cF "$want_err" "$T/error.log")
kill -HUP "$master"
found=0
for _ in $(seq 100); do
  [ "$(grep -cF "$want_err" "$T/error.log")" -gt "$errors_before" ] && { found=1; break; }
  sleep 0.1
done
if [ $found = 1 ]; then
  ok "SIGHUP: the error log has the positioned error"
  grep -F "$want_err" "$T/error.log" | tail -n 1 | sed 's/^/     /'
else
  ko "SIGHUP: the error log has the positioned error" "$(tail -n 5 "$T/error.log")"
fi
sleep 0.5
check "old configuration kept: GetUser still allowed" 200 "" "$base/reload/op/GetUser"
check "old configuration kept: CreateRoom still denied" 403 '"decision":"ImplicitDeny"' "$base/reload/op/CreateRoom"
if kill -0 "$master" 2>/dev/null && [ "$(cat "$T/nginx.pid")" = "$master" ]; then
  ok "the master ($master) still runs"
else
  ko "the master ($master) still runs"
fi

# ---- configuration errors (nginx -t on small configurations) ----
echo "--- configuration errors"
# conf_check NAME EXPECTED-TEXT LOCATION-BODY
conf_check() {
  local name=$1 want=$2 body=$3
  cat >"$T/bad.conf" <<EOF
load_module $so;
pid $T/bad.pid;
error_log $T/bad.log;
events { worker_connections 64; }
http {
    server {
        listen 127.0.0.1:$backend_port;
        location / {
            $body
        }
    }
}
EOF
  if "$nginx_bin" -p "$T/" -c "$T/bad.conf" -t >"$T/bad.out" 2>&1; then
    ko "$name" "nginx -t passed"
  elif grep -qF -- "$want" "$T/bad.out"; then
    ok "$name"
  else
    ko "$name" "$(grep -v 'test failed' "$T/bad.out")"
  fi
}
sed 's/"Effect": "Deny"/"Effect": "Permit"/' "$T/account-details.json" >"$T/bad-export.json"
printf '{"UserDetailList": [{"UserName": 5}]}' >"$T/bad-export2.json"
conf_check "unknown policy kind" 'invalid policy kind "superuser"' 'iamgate_policy policies/read.json superuser;'
conf_check "iamgate on without policies" '"iamgate on" needs iamgate_policy' 'iamgate on; iamgate_action x;'
conf_check "iamgate on without iamgate_action" '"iamgate on" needs iamgate_action' 'iamgate on; iamgate_policy policies/read.json;'
conf_check "a missing policy file" 'open() "'"$T"'/policies/nope.json" failed' 'iamgate_policy policies/nope.json;'
conf_check "not a policy (an export as a policy)" 'invalid policy' 'iamgate_policy account-details.json;'
conf_check "a bad policy inside the export, placed in the export" \
  'invalid policy "AliceMeetings" of "alice": '"$T"'/bad-export.json:30:43: Effect must be "Allow" or "Deny"' \
  'iamgate_account_details bad-export.json;'
conf_check "a malformed export" 'invalid account details: '"$T"'/bad-export2.json:1:34: ' 'iamgate_account_details bad-export2.json;'
conf_check "the export needs iamgate_principal" 'iamgate_account_details needs iamgate_principal' 'iamgate on; iamgate_action x; iamgate_account_details account-details.json;'

# ---- load test ----
seconds=${IAMGATE_WRK_SECONDS:-30}
rounds=${IAMGATE_WRK_ROUNDS:-$(( seconds >= 4 ? seconds / 2 : 1 ))}
conns=${IAMGATE_WRK_CONNECTIONS:-16}
[ "$rounds" -ge 1 ] || rounds=1
slice=$(( seconds / rounds ))
[ "$slice" -ge 1 ] || slice=1
echo "--- load: wrk -t1 -c$conns, ${seconds}s per mode as $rounds alternating off/on slices of ${slice}s, $workers_n worker(s), GET /load/{on,off}/hello.txt"

# CPU ticks (user + system) of the workers so far: nginx's own cost per
# request, which the other load on a shared machine disturbs far less than
# the throughput
worker_ticks() {
  local t=0 pid stat
  for pid in $(children_of "$master"); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    # fields after the command: state is 1, utime 12, stime 13
    t=$(( t + $(echo "$stat" | awk '{ print $12 + $13 }') ))
  done
  echo "$t"
}
hz=$(getconf CLK_TCK)

# wrk_run NAME URL SECONDS: appends "requests seconds non2xx socket_errors ticks"
wrk_run() {
  local name=$1 url=$2 secs=$3 out t0 t1
  t0=$(worker_ticks)
  out=$(timeout $((secs + 30)) wrk -t1 -c"$conns" -d"${secs}s" "${P[@]}" "$url" 2>&1)
  t1=$(worker_ticks)
  echo "$out" >>"$T/wrk.$name.log"
  echo "$out" | awk -v ticks=$((t1 - t0)) '
    / requests in / { req = $1; d = $4; sub(/s,?$/, "", d); if (d ~ /m$/) { sub(/m$/, "", d); d *= 60 } }
    /Non-2xx or 3xx responses:/ { non2xx = $5 }
    /Socket errors:/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
    END { printf "%d %s %d %d %d\n", req, d, non2xx, err, ticks }' >>"$T/wrk.$name"
}

# warm up both locations (first requests fault pages in)
wrk_run warm "$base/load/off/hello.txt" 1
wrk_run warm "$base/load/on/hello.txt" 1
for r in $(seq "$rounds"); do # off on, on off, off on...: neither mode always goes first
  if [ $((r % 2)) = 1 ]; then
    wrk_run off "$base/load/off/hello.txt" "$slice"
    wrk_run on "$base/load/on/hello.txt" "$slice"
  else
    wrk_run on "$base/load/on/hello.txt" "$slice"
    wrk_run off "$base/load/off/hello.txt" "$slice"
  fi
done
wrk_run deny "$base/load/deny/hello.txt" "$(( slice * rounds < 10 ? slice * rounds : 10 ))"

# totals: requests seconds non2xx errors requests/s CPU-µs/request
sum() {
  awk -v hz="$hz" '{ r += $1; s += $2; n += $3; e += $4; t += $5 }
    END { printf "%d %.2f %d %d %.1f %.2f\n", r, s, n, e, (s > 0 ? r / s : 0), (r > 0 ? t * 1e6 / hz / r : 0) }' "$T/wrk.$1"
}
read -r off_req off_s off_non off_err off_rps off_cpu < <(sum off)
read -r on_req on_s on_non on_err on_rps on_cpu < <(sum on)
read -r deny_req deny_s deny_non deny_err deny_rps deny_cpu < <(sum deny)
loss=$(awk -v a="$off_rps" -v b="$on_rps" 'BEGIN { printf "%.2f", (a > 0 ? (a - b) * 100 / a : 0) }')
cpu_cost=$(awk -v a="$off_cpu" -v b="$on_cpu" 'BEGIN { printf "%.2f", (a > 0 ? (b - a) * 100 / a : 0) }')
# the median of the paired slices' losses (each pair ran back to back)
median_loss=$(paste -d' ' "$T/wrk.off" "$T/wrk.on" |
  awk '{ off = $1 / $2; on = $6 / $7; print (off > 0 ? (off - on) * 100 / off : 0) }' | sort -g |
  awk '{ v[NR] = $1 } END { if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m }')
printf '  iamgate off: %9.1f requests/s  %5.2f us CPU/request  (%d requests in %ss, %d non-2xx, %d socket errors)\n' "$off_rps" "$off_cpu" "$off_req" "$off_s" "$off_non" "$off_err"
printf '  iamgate on:  %9.1f requests/s  %5.2f us CPU/request  (%d requests in %ss, %d non-2xx, %d socket errors)\n' "$on_rps" "$on_cpu" "$on_req" "$on_s" "$on_non" "$on_err"
printf '  loss with the check on: %s%% of requests/s (median of the %d paired slices: %s%%); worker CPU per request: %+.2f%%\n' "$loss" "$rounds" "$median_loss" "$cpu_cost"
printf '  denied (403 JSON): %9.1f requests/s  %5.2f us CPU/request  (%d requests in %ss, %d non-2xx, %d socket errors)\n' "$deny_rps" "$deny_cpu" "$deny_req" "$deny_s" "$deny_non" "$deny_err"
paste -d' ' "$T/wrk.off" "$T/wrk.on" | awk '{ printf "  slice %d: off %.0f req/s, on %.0f req/s\n", NR, $1 / $2, $6 / $7 }'

if [ "$off_req" -gt 0 ] && [ "$off_non" = 0 ] && [ "$off_err" = 0 ]; then ok "load off: $off_req requests, no errors"; else ko "load off: no errors" "$off_req requests, $off_non non-2xx, $off_err socket errors"; fi
if [ "$on_req" -gt 0 ] && [ "$on_non" = 0 ] && [ "$on_err" = 0 ]; then ok "load on: $on_req requests, no errors"; else ko "load on: no errors" "$on_req requests, $on_non non-2xx, $on_err socket errors"; fi
if [ "$deny_req" -gt 0 ] && [ "$deny_non" = "$deny_req" ] && [ "$deny_err" = 0 ]; then ok "load deny: $deny_req requests, all intended 403s"; else ko "load deny: all intended 403s" "$deny_req requests, $deny_non non-2xx, $deny_err socket errors"; fi
status_403=$(curl -s -o /dev/null -w '%{http_code}' "${P[@]}" "$base/load/deny/hello.txt")
if [ "$status_403" = 403 ]; then ok "load deny path answers 403"; else ko "load deny path answers 403" "got $status_403"; fi
if [ -n "${IAMGATE_MAX_LOSS:-}" ]; then
  if awk -v l="$loss" -v m="$IAMGATE_MAX_LOSS" 'BEGIN { exit !(l <= m) }'; then ok "loss $loss% <= $IAMGATE_MAX_LOSS%"; else ko "loss $loss% <= $IAMGATE_MAX_LOSS%"; fi
fi
if grep -E '\[(alert|crit|emerg)\]' "$T/error.log" | grep -vF "$want_err" | grep -q .; then
  ko "no alerts in the error log" "$(grep -E '\[(alert|crit|emerg)\]' "$T/error.log" | grep -vF "$want_err" | head -n 5)"
else
  ok "no alerts in the error log (besides the intended policy error)"
fi

stop_nginx
left=""
for w in $workers; do kill -0 "$w" 2>/dev/null && left="$left $w"; done
if [ -n "$left" ]; then ko "nginx stopped" "processes left:$left"; else ok "nginx stopped (master and workers gone)"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
