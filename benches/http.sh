#!/usr/bin/env bash
# HTTP benchmarks of the release binary on this machine, against its own limits.
#
# For each backend (a fresh SQLite file; a fresh PostgreSQL database), with wrk
# (-t2, CONNECTIONS connections, DURATION seconds each):
#   4. POST /api/v1/organizations, /people and /projects/{id}/activities, signed
#      in, every body validated: creates for DURATION s each, which also loads
#      the data the reads run on (tens of thousands of records)
#   5. POST /api/v1/calls/{id}/applications: applications to an open call (a
#      quota of 1000, then the waitlist), each decided under the call's lock
#   1. GET /health/live                      the framework's ceiling here
#   2. GET /api/v1/organizations/{id}        a record by id, signed in
#   3a. GET /api/v1/organizations?kind=ngo&q=bench&limit=50  a filtered page
#   3b. GET /api/v1/projects/{id}/activities?limit=50         a page of one project's
# and on PostgreSQL pgbench with the same primary-key SELECT as (2), at the
# same concurrency: the database's own ceiling. Prints requests per second and
# p50/p99 latency, the ratios (2)/(1), (2)/pgbench and (3a)/(2), the service's
# idle memory, and writes them all to benches/RESULTS.md. The machine is shared
# and noisy: compare the ratios of one run, not numbers across runs.
#
#   benches/http.sh                                  # both backends, 10 s each
#   BACKENDS=sqlite DURATION=30 CONNECTIONS=32 benches/http.sh
# Needs wrk (apt-get install wrk), curl, jq, and for PostgreSQL a server at
# BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) and pgbench.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
for tool in wrk curl jq; do
  command -v "$tool" > /dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 2; }
done
duration=${DURATION:-10}
connections=${CONNECTIONS:-16}
port=${PORT:-18092}
backends=${BACKENDS:-sqlite postgres}
pg_admin=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
# The commit measured (taken before anything here writes a file).
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
# One address sends every application: a limit it never reaches, so that the
# limiter's database count is part of what (5) measures.
export COOPERA_PUBLIC_RATE_LIMIT=1000000
base="http://127.0.0.1:$port"
results="$dir/results.md"

start() {
  "$bin" > "$dir/log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "$base/health/ready" > /dev/null && return; sleep 0.1; done
  echo "the service did not start" >&2; cat "$dir/log" >&2; exit 1
}
stop() { kill "$pid"; wait "$pid" 2> /dev/null || true; pid=; }

# A wrk script that POSTs JSON bodies, each with a fresh number in it.
cat > "$dir/post.lua" << 'LUA'
local n = 0
local id = 0
setup = function(thread) id = id + 1; thread:set("tid", id) end
request = function()
  n = n + 1
  local body = string.gsub(template, "{n}", tid .. "-" .. n)
  return wrk.format("POST", nil, nil, body)
end
LUA

# measure LABEL URL [wrk options...]: one wrk run; a result line and a table row.
measure() {
  local label=$1 url=$2 out
  shift 2
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$@" "$url")
  local rps p50 p99 bad
  rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
  p50=$(awk '$1 == "50%" {print $2}' <<< "$out")
  p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<< "$out")
  printf '  %-46s %10s req/s   p50 %8s   p99 %8s   %s\n' "$label" "$rps" "$p50" "$p99" \
    "${bad:+non-2xx: $bad}"
  printf '| %s | %s | %s | %s | %s | %s |\n' "$backend" "$label" "$rps" "$p50" "$p99" "${bad:-0}" \
    >> "$results"
  echo "$rps" > "$dir/$backend-${label%% *}.rps"
  if [ -n "$bad" ]; then echo "$out" >&2; echo "$label: $bad answers were not 2xx" >&2; exit 1; fi
}

# post LABEL PATH TEMPLATE: creates for DURATION s; {n} in TEMPLATE is numbered.
post() {
  local template=$3
  sed "1i template = [[$template]]" "$dir/post.lua" > "$dir/post-run.lua"
  measure "$1" "$base$2" -s "$dir/post-run.lua" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

{
  echo "| backend | measurement | req/s | p50 | p99 | non-2xx |"
  echo "| --- | --- | ---: | ---: | ---: | ---: |"
} > "$results"
summary=()
echo "$(nproc) cores; wrk -t2 -c$connections -d${duration}s; $commit"
for backend in $backends; do
  echo "$backend:"
  case $backend in
    sqlite) export DATABASE_URL="sqlite://$dir/coopera.db" ;;
    postgres)
      pg_db="coopera_bench_$$"
      psql -q "$pg_admin" -c "CREATE DATABASE \"$pg_db\"" > /dev/null
      export DATABASE_URL="${pg_admin%/*}/$pg_db"
      ;;
  esac
  COOPERA_ADMIN_PASSWORD='bench admin password' "$bin" create-admin --email bench@example.org > /dev/null
  start
  token=$(curl -sf "$base/api/v1/auth/token" -d grant_type=password -d username=bench@example.org \
    --data-urlencode 'password=bench admin password' | jq -r .access_token)
  auth=(-H "Authorization: Bearer $token")
  project=$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' "$base/api/v1/projects" \
    -d '{"code": "BENCH", "title": "Benchmark"}' | jq -r .id)

  post "4 create organisation" /api/v1/organizations \
    '{"name": "Fundacja Bench {n}", "kind": "ngo", "country": "PL", "city": "Zgorzelec", "email": "biuro@example.org"}'
  post "4 create person" /api/v1/people \
    '{"full_name": "Anna Bench {n}", "email": "anna.{n}@example.org", "position": "koordynatorka"}'
  post "4 create activity" "/api/v1/projects/$project/activities" \
    '{"type": "workshop", "title": "Warsztat {n}", "held_on": "2026-11-09", "place": "Zgorzelec", "attendance": 20}'
  call=$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' "$base/api/v1/calls" -d "{
    \"project_id\": \"$project\", \"title\": \"Bench call\", \"regulations\": \"R\",
    \"opens_at\": \"2026-01-01T00:00:00Z\", \"closes_at\": \"2099-01-01T00:00:00Z\",
    \"categories\": [{\"code\": \"ngo\", \"name\": \"NGO\", \"quota\": 1000}],
    \"questions\": [{\"code\": \"why\", \"label\": \"Why?\", \"kind\": \"text\", \"required\": true}]}" \
    | jq -r .id)
  curl -sf "${auth[@]}" -X POST "$base/api/v1/calls/$call/open" > /dev/null
  post "5 apply to an open call (public)" "/api/v1/calls/$call/applications" \
    '{"category": "ngo", "name": "Ana Bench", "email": "ana.{n}@example.org", "answers": {"why": "Chcę się uczyć."}, "consents": ["personal_data"]}'
  org=$(curl -sf "${auth[@]}" "$base/api/v1/organizations?q=bench&limit=1" | jq -r '.items[0].id')
  if [ "$backend" = postgres ]; then
    # Statistics for the tables just filled, as autovacuum would gather them
    # within a minute or so (the planner picks list plans from them).
    psql -q "$DATABASE_URL" -c ANALYZE
  fi
  echo "  (loaded by the creates above; the reads below run on them)"

  measure "1 GET /health/live" "$base/health/live"
  measure "2 GET /api/v1/organizations/{id}" "$base/api/v1/organizations/$org" "${auth[@]}"
  measure "3a GET /api/v1/organizations?kind=ngo&q=bench&limit=50" \
    "$base/api/v1/organizations?kind=ngo&q=bench&limit=50" "${auth[@]}"
  measure "3b GET /api/v1/projects/{id}/activities?limit=50" \
    "$base/api/v1/projects/$project/activities?limit=50" "${auth[@]}"
  sleep 2
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  live=$(cat "$dir/$backend-1.rps"); byid=$(cat "$dir/$backend-2.rps"); list=$(cat "$dir/$backend-3a.rps")
  line="$backend: (2)/(1) $(ratio "$byid" "$live"), (3a)/(2) $(ratio "$list" "$byid"), (3b)/(2) $(ratio "$(cat "$dir/$backend-3b.rps")" "$byid"), idle RSS $((rss / 1024)) MB"
  if [ "$backend" = postgres ]; then
    echo "SELECT * FROM organizations WHERE id = :id;" > "$dir/select.sql"
    out=$(pgbench -n -c"$connections" -j2 -T"$duration" -D "id='$org'" -f "$dir/select.sql" "$DATABASE_URL" 2>&1)
    tps=$(awk '/^tps/ {print $3; exit}' <<< "$out")
    lat=$(awk '/latency average/ {print $4 " " $5}' <<< "$out")
    printf '  %-46s %10s req/s   mean %s\n' "pgbench: the same SELECT by id" "$tps" "$lat"
    printf '| %s | pgbench, the same SELECT by id | %s | mean %s | | |\n' "$backend" "$tps" "$lat" >> "$results"
    line="$line, (2)/pgbench $(ratio "$byid" "$tps")"
  fi
  echo "  $line"
  summary+=("$line")
  stop
done

{
  echo "# Benchmark results"
  echo
  echo "Measured by \`benches/http.sh\` on $(date -u +%Y-%m-%d) at commit"
  echo "$commit, on $(nproc) cores"
  echo "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), with"
  echo "\`wrk -t2 -c$connections -d${duration}s --latency\` (and \`pgbench -n -c$connections -j2 -T$duration\`)."
  echo "The machine is shared and noisy: the ratios of one run say more than its numbers."
  echo
  echo "Reproduce: \`BACKENDS=\"$backends\" DURATION=$duration CONNECTIONS=$connections benches/http.sh\`."
  echo
  for s in "${summary[@]}"; do echo "- $s"; done
  echo
  cat "$results"
} > benches/RESULTS.md
echo "written to benches/RESULTS.md"
