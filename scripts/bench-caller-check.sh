#!/usr/bin/env bash
# What confirming every token's caller against the database costs a read by id.
#
# Starts the release binary on a fresh SQLite database with the demo data and
# measures, with wrk, the requests per second and latency of
#   1. GET /health/live                      (no token: the framework's ceiling)
#   2. GET /api/v1/projects/{id}, signed in, COOPERA_ACCESS_RECHECK_SECS=2
#      (the default: the caller is read from the database once per token every 2 s)
#   3. the same with COOPERA_ACCESS_RECHECK_SECS=0 (the caller is read on every request)
# and prints (2)/(1) and (3)/(2). The machine is shared and noisy: compare the
# ratios of one run, not numbers across runs.
#
#   scripts/bench-caller-check.sh            # 10 s per measurement
#   DURATION=30 CONNECTIONS=32 scripts/bench-caller-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk > /dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
duration=${DURATION:-10}
connections=${CONNECTIONS:-16}
port=${PORT:-18089}
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/coopera"
dir=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2> /dev/null; rm -rf "$dir"; }
trap cleanup EXIT
export DATABASE_URL="sqlite://$dir/coopera.db"
export COOPERA_JWT_SECRET="bench-secret-bench-secret-bench-secret-0123"
export COOPERA_LISTEN="127.0.0.1:$port" RUST_LOG=warn
"$bin" seed-demo > /dev/null
base="http://127.0.0.1:$port"

start() {
  COOPERA_ACCESS_RECHECK_SECS=$1 "$bin" > "$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "$base/health/live" > /dev/null && return; sleep 0.1; done
  echo "the service did not start" >&2; cat "$dir/log" >&2; exit 1
}
stop() { kill "$pid"; wait "$pid" 2> /dev/null || true; pid=; }
rps() { awk '/Requests\/sec/ {print $2}'; }
measure() { # name, url, [token]
  local out
  if [ -n "${3:-}" ]; then
    out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $3" "$2")
  else
    out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$2")
  fi
  printf '%-44s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$(rps <<< "$out")" \
    "$(awk '$1 == "50%" {print $2}' <<< "$out")" "$(awk '$1 == "99%" {print $2}' <<< "$out")"
  rps <<< "$out" > "$dir/$1.rps"
}

start 2
token=$(curl -sf "$base/api/v1/auth/token" -d grant_type=password \
  -d username=admin@coopera.example -d password=admin-demo-password |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
project=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/projects?limit=1" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
echo "$(nproc) cores, wrk -t2 -c$connections -d${duration}s"
measure live "$base/health/live"
measure recheck-2s "$base/api/v1/projects/$project" "$token"
stop
start 0
measure recheck-every-request "$base/api/v1/projects/$project" "$token"
stop
python3 - "$dir" << 'EOF'
import sys
d = sys.argv[1]
r = {n: float(open(f"{d}/{n}.rps").read()) for n in ("live", "recheck-2s", "recheck-every-request")}
print(f"read by id / live:                       {r['recheck-2s'] / r['live']:.2f}")
print(f"read by id, checked every request / 2 s: {r['recheck-every-request'] / r['recheck-2s']:.2f}")
EOF
