#!/usr/bin/env bash
# The change feed's throughput: changes per second delivered to one reader
# while writes go on, on the release binary.
#
# For each backend (a fresh SQLite file; a fresh PostgreSQL database): wrk
# creates organisations for DURATION seconds (CONNECTIONS connections; each
# create is one change), while one reader follows GET /api/v1/changes from the
# start with `limit=1000&wait=5`. Then a second reader reads the whole log
# again, with nothing else going on. Prints, and writes to
# benches/CHANGE_FEED.md: the write rate, the rate the first reader was
# delivered changes while the writes went on (and whether it kept up), and the
# rate of the read of the whole log (the backlog a reader that was away
# catches up on). Each reader checks it saw every change once, in order.
#
#   benches/change_feed.sh
#   BACKENDS=sqlite DURATION=20 benches/change_feed.sh
# Needs wrk (apt-get install wrk), curl, jq, python3; for PostgreSQL a server
# at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
for tool in wrk curl jq python3; do
  command -v "$tool" > /dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 2; }
done
duration=${DURATION:-10}
connections=${CONNECTIONS:-8}
port=${PORT:-18093}
backends=${BACKENDS:-sqlite postgres}
pg_admin=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
commit=$(git describe --always --dirty 2> /dev/null || echo '?')
cargo build --release --locked --quiet
bin="${CARGO_TARGET_DIR:-$root/target}/release/coopera"
dir=$(mktemp -d)
pid=
pg_db=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2> /dev/null
  [ -n "$pg_db" ] && psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS \"$pg_db\"" > /dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT
export COOPERA_JWT_SECRET="bench-secret-bench-secret-bench-secret-0123"
export COOPERA_LISTEN="127.0.0.1:$port" RUST_LOG=warn
base="http://127.0.0.1:$port"

cat > "$dir/post.lua" << 'LUA'
local n = 0
local id = 0
setup = function(thread) id = id + 1; thread:set("tid", id) end
request = function()
  n = n + 1
  local body = string.format('{"name": "Fundacja Feed %s-%d", "kind": "ngo", "country": "PL"}', tid, n)
  return wrk.format("POST", nil, nil, body)
end
LUA

# The reader: follows the feed until STOP exists and it has caught up.
# Prints "<changes> <seconds>"; fails on a change seen twice or out of order.
cat > "$dir/reader.py" << 'PY'
import json, os, sys, time, urllib.request
base, token, stop = sys.argv[1], sys.argv[2], sys.argv[3]
cursor, last, count = "s0", 0, 0
began = ended = time.monotonic()
while True:
    req = urllib.request.Request(
        f"{base}/api/v1/changes?types=organization&limit=1000&wait=5&after={cursor}",
        headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req) as res:
        page = json.load(res)
    for entry in page["items"]:
        if entry["seq"] <= last:
            sys.exit(f"seq {entry['seq']} after {last}: repeated or out of order")
        last = entry["seq"]
        count += 1
    cursor = page["next_cursor"]
    if not page["items"] and os.path.exists(stop):
        break
    if page["items"]:
        ended = time.monotonic()
print(count, round(ended - began, 3))
PY

summary=()
echo "$(nproc) cores; wrk -t2 -c$connections -d${duration}s creating organisations; $commit"
for backend in $backends; do
  case $backend in
    sqlite) export DATABASE_URL="sqlite://$dir/coopera.db" ;;
    postgres)
      pg_db="coopera_feed_bench_$$"
      psql -q "$pg_admin" -c "CREATE DATABASE \"$pg_db\"" > /dev/null
      export DATABASE_URL="${pg_admin%/*}/$pg_db"
      ;;
  esac
  COOPERA_ADMIN_PASSWORD='bench admin password' "$bin" create-admin --email bench@example.org > /dev/null
  "$bin" > "$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "$base/health/ready" > /dev/null && break; sleep 0.1; done
  token=$(curl -sf "$base/api/v1/auth/token" -d grant_type=password -d username=bench@example.org \
    --data-urlencode 'password=bench admin password' | jq -r .access_token)

  rm -f "$dir/stop"
  python3 "$dir/reader.py" "$base" "$token" "$dir/stop" > "$dir/follow.out" &
  reader=$!
  out=$(wrk -t2 -c"$connections" -d"${duration}s" -s "$dir/post.lua" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    "$base/api/v1/organizations")
  touch "$dir/stop"
  wait "$reader"
  read -r followed follow_secs < "$dir/follow.out"
  writes=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<< "$out")
  [ -z "$bad" ] || { echo "$out" >&2; echo "$bad creates were not 2xx" >&2; exit 1; }

  touch "$dir/stop"
  python3 "$dir/reader.py" "$base" "$token" "$dir/stop" > "$dir/drain.out"
  read -r drained drain_secs < "$dir/drain.out"
  [ "$followed" = "$drained" ] || { echo "the follower saw $followed changes, the log holds $drained" >&2; exit 1; }

  rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
  line="$backend: writes $writes/s; delivered to the following reader while they went on $(rate "$followed" "$follow_secs")/s ($followed changes, each once, in order); the whole log read again $(rate "$drained" "$drain_secs")/s"
  echo "  $line"
  summary+=("$line")
  kill "$pid"; wait "$pid" 2> /dev/null || true; pid=
done

{
  echo "# Change feed throughput"
  echo
  echo "Measured by \`benches/change_feed.sh\` on $(date -u +%Y-%m-%d) at commit $commit,"
  echo "on $(nproc) cores, writers \`wrk -t2 -c$connections -d${duration}s\` creating"
  echo "organisations, one reader following \`GET /api/v1/changes?limit=1000&wait=5\`."
  echo "The following reader is bounded by the write rate: it keeps up when its rate"
  echo "matches the writes'. The machine is shared and noisy."
  echo
  echo "Reproduce: \`BACKENDS=\"$backends\" DURATION=$duration CONNECTIONS=$connections benches/change_feed.sh\`."
  echo
  for s in "${summary[@]}"; do echo "- $s"; done
} > benches/CHANGE_FEED.md
echo "written to benches/CHANGE_FEED.md"
