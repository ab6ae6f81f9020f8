#!/usr/bin/env bash
# The peak memory of a large streamed export, on the release binary.
#
# For each backend (a fresh SQLite file; a fresh PostgreSQL database): loads
# ROWS organisations through the bulk import (5,000 rows a request, which is
# itself timed), then reads the service's resident memory, resets its peak
# (/proc/PID/clear_refs) and streams GET /api/v1/exports/organizations as
# NDJSON and as CSV, each to its end. Prints, and writes to
# benches/EXPORT_MEMORY.md: the import rate, each export's rate and size, and
# the process's peak resident memory during each export next to its resident
# memory before it — an export that held the collection would grow by about
# its size. Checks that each export holds every row.
#
#   benches/export_memory.sh
#   BACKENDS=sqlite ROWS=20000 benches/export_memory.sh
# Needs curl, jq, python3, Linux /proc; for PostgreSQL a server at
# BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rows=${ROWS:-100000}
port=${PORT:-18094}
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
export COOPERA_LISTEN="127.0.0.1:$port" RUST_LOG=warn COOPERA_BODY_LIMIT=$((16 * 1024 * 1024))
base="http://127.0.0.1:$port"
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

summary=()
echo "$(nproc) cores; $rows organisations; $commit"
for backend in $backends; do
  case $backend in
    sqlite) export DATABASE_URL="sqlite://$dir/coopera.db" ;;
    postgres)
      pg_db="coopera_export_bench_$$"
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
  auth=(-H "Authorization: Bearer $token")

  began=$(date +%s.%N)
  for ((start = 0; start < rows; start += 5000)); do
    n=$((rows - start < 5000 ? rows - start : 5000))
    python3 -c "
import json, sys
start, n = int(sys.argv[1]), int(sys.argv[2])
print(json.dumps([{'name': f'Fundacja Eksport {i}', 'kind': 'ngo', 'country': 'PL',
                   'city': 'Kraków', 'email': f'biuro{i}@example.org'} for i in range(start, start + n)]))
" "$start" "$n" > "$dir/rows.json"
    created=$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' --data-binary @"$dir/rows.json" \
      "$base/api/v1/imports/organizations" | jq .created)
    [ "$created" = "$n" ] || { echo "an import created $created of $n rows" >&2; exit 1; }
  done
  import_secs=$(awk -v b="$began" -v e="$(date +%s.%N)" 'BEGIN { print e - b }')

  results=()
  for format in ndjson csv; do
    rss=$(kib "$pid" VmRSS)
    echo 5 > "/proc/$pid/clear_refs"
    began=$(date +%s.%N)
    curl -sf "${auth[@]}" "$base/api/v1/exports/organizations?format=$format" -o "$dir/export.$format"
    secs=$(awk -v b="$began" -v e="$(date +%s.%N)" 'BEGIN { print e - b }')
    peak=$(kib "$pid" VmHWM)
    lines=$(wc -l < "$dir/export.$format")
    [ "$format" = csv ] && expected=$((rows + 1)) || expected=$rows
    [ "$lines" = "$expected" ] || { echo "$format export: $lines lines, expected $expected" >&2; exit 1; }
    size=$(stat -c %s "$dir/export.$format")
    results+=("$format $(awk -v n="$rows" -v s="$secs" 'BEGIN { printf "%.0f rows/s", n / s }'), $(mib $((size / 1024))) sent; resident before $(mib "$rss"), peak during $(mib "$peak") (+$(mib $((peak - rss))))")
  done
  line="$backend: imported $rows rows at $(awk -v n="$rows" -v s="$import_secs" 'BEGIN { printf "%.0f", n / s }') rows/s; export ${results[0]}; export ${results[1]}"
  echo "  $line"
  summary+=("$line")
  kill "$pid"; wait "$pid" 2> /dev/null || true; pid=
done

{
  echo "# Peak memory of a large export"
  echo
  echo "Measured by \`benches/export_memory.sh\` on $(date -u +%Y-%m-%d) at commit $commit,"
  echo "on $(nproc) cores: $rows organisations loaded through the bulk import, then"
  echo "\`GET /api/v1/exports/organizations\` streamed to its end as NDJSON and as CSV."
  echo "\"Peak during\" is the service's peak resident memory (VmHWM, reset before each"
  echo "export); an export that held the collection in memory would grow by about its"
  echo "size. The machine is shared and noisy."
  echo
  echo "Reproduce: \`BACKENDS=\"$backends\" ROWS=$rows benches/export_memory.sh\`."
  echo
  for s in "${summary[@]}"; do echo "- $s"; done
} > benches/EXPORT_MEMORY.md
echo "written to benches/EXPORT_MEMORY.md"
