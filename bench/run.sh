#!/usr/bin/env bash
# Fathom against the floor and its peers, in one run, on this machine:
#   (a) a C loop over one reused libcurl easy handle, and the multi interface with 4 in flight;
#   (b) curl -K with the same requests, and curl --parallel --parallel-max 4;
#   (c) fathom run on a native collection of N request files (3 assertions each, JUnit on),
#       sequential and --parallel 4; its peak memory at N and at BIG requests;
#   (d) Tavern and gabbi (from PyPI) on the first 1,000 of the same requests;
# plus fathom --version, and loading N native files and an N-request Postman collection.
# The server is nginx on 127.0.0.1 answering a canned Sonar-like GraphQL response.
#
# plus a 50 MB response (JSON with path assertions, and binary), five times over, against
# Python's json.load of the same file: memory bounded by one response, not grown by repeats.
# Usage: bench/run.sh [N] [BIG]     (defaults 10000 and 100000; BIG=0 skips the big run)
#        bench/run.sh large         (only the 50 MB response)
# Installs nginx and GNU time (Debian) and a virtualenv with tavern, pytest<9 and gabbi under
# ~/.cache/fathom-bench on first use. Prints one table; docs/performance.md keeps one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
only_large=0
if [ "${1:-}" = large ]; then only_large=1; shift; fi
n=${1:-10000}
big=${2:-100000}
token=bench-token-0123456789
cache=${XDG_CACHE_HOME:-$HOME/.cache}/fathom-bench
work=$(mktemp -d)
nginx_pid=
cleanup() { [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

log() { printf '%s\n' "$*" >&2; }

# --- what the benchmark needs -----------------------------------------------------
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  log "installing nginx-light"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light) >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x /usr/bin/time ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time) >/dev/null
fi
if ! pkg-config --exists libcurl; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcurl4-openssl-dev) >/dev/null
fi
if [ ! -x "$cache/venv/bin/gabbi-run" ] || [ ! -x "$cache/venv/bin/pytest" ]; then
  log "installing tavern, pytest<9 and gabbi into $cache/venv"
  mkdir -p "$cache"
  python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install -q "pytest<9" tavern gabbi
fi
log "building fathom (release, Swift runtime linked statically as it ships) and the C loops"
swift build -c release --product fathom --static-swift-stdlib >/dev/null 2>&1
fathom=$root/.build/release/fathom
gcc -O2 -o "$work/loop" bench/loop.c $(pkg-config --cflags --libs libcurl)

# --- the server -------------------------------------------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
mkdir -p "$work/nginx"
response=$(tr -d '\n' < bench/response.json | sed "s/'/\\\\'/g")
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:$port;
    location /large/ {
      root $work/www;
      types { application/json json; application/octet-stream bin; }
    }
    location = /api/graphql {
      default_type application/json;
      add_header X-Request-Cost 1 always;
      return 200 '$response';
    }
  }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null "$base/api/graphql" && break; sleep 0.1; done

if [ "$only_large" = 0 ]; then
log "writing $n requests in every runner's format"
python3 bench/make.py "$work/in" "$n" "$base" "$token"
fi
m=$(( n < 1000 ? n : 1000 ))

# --- measurements: "label requests wall rss status" lines ---------------------------
results=$work/results.txt
: > "$results"
measure() { # label requests cmd...
  local label=$1 count=$2; shift 2
  local out
  out=$(python3 bench/measure.py "$@")
  log "  $label: $out"
  echo "$label|$count|$out" >> "$results"
}
best_of() { # rounds label requests cmd... (best wall, its rss)
  local rounds=$1 label=$2 count=$3; shift 3
  local best= line
  for _ in $(seq "$rounds"); do
    line=$(python3 bench/measure.py "$@")
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if float('${line%% *}') < float('${best%% *}') else 1)"; then best=$line; fi
  done
  log "  $label: $best"
  echo "$label|$count|$best" >> "$results"
}

if [ "$only_large" = 0 ]; then
log "measuring"
url=$base/api/graphql
# The throughput runners take turns, round after round, and each keeps its best
# round: a burst of load on a shared machine then costs every runner a round
# alike, instead of falling on whichever runner happened to be measured then.
rounds=${BENCH_ROUNDS:-5}
runner_cmd() { # index -> the command of that runner
  case $1 in
    0) echo "C: one easy handle|$work/loop $url $token $work/in/bodies.txt" ;;
    1) echo "C: multi, 4 in flight|$work/loop $url $token $work/in/bodies.txt 4" ;;
    2) echo "curl -K|curl -s -K $work/in/curl.cfg" ;;
    3) echo "curl --parallel-max 4|curl -s --parallel --parallel-max 4 -K $work/in/curl.cfg" ;;
    4) echo "fathom run|$fathom run $work/in/native --secret token=$token -r junit --reports-dir $work/reports" ;;
    5) echo "fathom run --parallel 4|$fathom run $work/in/native --secret token=$token -r junit --reports-dir $work/reports --parallel 4" ;;
  esac
}
rounds_file=$work/rounds.txt
: > "$rounds_file"
for round in $(seq "$rounds"); do
  for i in 0 1 2 3 4 5; do
    spec=$(runner_cmd $i)
    # shellcheck disable=SC2086 # the paths are mktemp's and the repository's, without spaces
    line=$(python3 bench/measure.py ${spec#*|})
    log "  round $round, ${spec%%|*}: $line"
    echo "${spec%%|*}|$line" >> "$rounds_file"
  done
done
python3 - "$rounds_file" "$n" >> "$results" <<'PY'
import sys
rounds = {}
for line in open(sys.argv[1]):
    label, rest = line.rstrip("\n").split("|")
    wall, rss, status, cpu = rest.split()
    rounds.setdefault(label, []).append((float(wall), int(rss), int(status), float(cpu)))
for label, rs in rounds.items():
    # The best wall and the least CPU of the rounds that succeeded (a failed one
    # never counts), and the highest peak memory of them all.
    ok = [r for r in rs if r[2] == 0]
    wall, status, cpu = (min(r[0] for r in ok), 0, min(r[3] for r in ok)) if ok else (rs[0][0], rs[0][2], rs[0][3])
    print(f"{label}|{sys.argv[2]}|{wall:.4f} {max(r[1] for r in rs)} {status} {cpu:.2f}")
PY
measure "tavern (pytest)" "$m" "$cache/venv/bin/pytest" -q -p no:cacheprovider "$work/in/tavern/test_bench.tavern.yaml"
measure "gabbi-run" "$m" "$cache/venv/bin/gabbi-run" "127.0.0.1:$port" -- "$work/in/gabbi/bench.yaml"
best_of 10 "fathom --version" 0 "$fathom" --version
best_of 3 "fathom validate: $n native files" 0 "$fathom" validate "$work/in/native"
best_of 3 "fathom validate: $n-request Postman file" 0 "$fathom" validate "$work/in/postman.json"
if [ "$big" -gt 0 ]; then
  log "writing $big requests"
  rm -rf "$work/in/native"
  python3 bench/make.py "$work/big" "$big" "$base" "$token"
  measure "fathom run, $big requests" "$big" "$fathom" run "$work/big/native" --secret "token=$token" -r junit --reports-dir "$work/reports"
fi
fi

# --- a 50 MB response ------------------------------------------------------------------
# Path assertions need the body parsed whole; the figure to watch is that five of them
# in a row peak where one does, and that a body no assertion reads is not kept.
log "writing a 50 MB JSON response and a 50 MB binary one"
mkdir -p "$work/www/large"
# nginx's workers run as another user: they must be able to reach the files.
chmod a+rx "$work" "$work/www" "$work/www/large"
python3 - "$work/www/large" "$base" "$work/large" <<'PY'
import json, os, sys
www, base, out = sys.argv[1:]
items = [{"id": i, "name": f"Account {i}", "status": "ACTIVE", "balance": i * 1.5, "tags": ["a", "b"]} for i in range(490_000)]
open(os.path.join(www, "response.json"), "w").write(json.dumps(items))
open(os.path.join(www, "response.bin"), "wb").write(os.urandom(50 * 1024 * 1024))
for name in ("response.json", "response.bin"): os.chmod(os.path.join(www, name), 0o644)
for name, request in [
    ("json", {"url": "{{instance}}/large/response.json", "assert": [
        {"status": 200}, {"header": "Content-Type", "contains": "json"},
        {"path": "$[0].id", "equals": 0}, {"path": "$[489999].status", "equals": "ACTIVE"}]}),
    ("bin", {"url": "{{instance}}/large/response.bin", "assert": [{"status": 200}, {"header": "Content-Length", "equals": str(50 * 1024 * 1024)}]}),
]:
    os.makedirs(os.path.join(out, name), exist_ok=True)
    json.dump({"fathom": 1, "name": f"Large {name}", "variables": {"instance": base}}, open(os.path.join(out, name, "collection.json"), "w"))
    json.dump(request, open(os.path.join(out, name, "01-large.json"), "w"))
PY
log "measuring the 50 MB responses"
measure "python3 json.load, 50 MB JSON" 0 python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$work/www/large/response.json"
measure "curl, 50 MB JSON ×5" 5 curl -s -o /dev/null "$base/large/response.json" "$base/large/response.json" "$base/large/response.json" "$base/large/response.json" "$base/large/response.json"
measure "fathom run, 50 MB JSON ×1" 1 "$fathom" run "$work/large/json" -r junit,json --reports-dir "$work/reports"
measure "fathom run, 50 MB JSON ×5" 5 "$fathom" run "$work/large/json" -n 5 -r junit,json --reports-dir "$work/reports"
measure "fathom run, 50 MB binary ×5" 5 "$fathom" run "$work/large/bin" -n 5 -r junit,json --reports-dir "$work/reports"

python3 - "$results" <<'PY'
import math, sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
def parse(r):
    label, count, rest = r
    wall, rss, status, cpu = rest.split()
    return label, int(count), float(wall), int(rss) / 1024, int(status), float(cpu)
rows = [parse(r) for r in rows]
by = {r[0]: r for r in rows}
def rate(label):
    if label not in by: return float("nan")
    l, c, w, _, s, _ = by[label]
    return c / w if c and not math.isnan(w) and s == 0 else float("nan")
easy, multi, curlk, curlp = rate("C: one easy handle"), rate("C: multi, 4 in flight"), rate("curl -K"), rate("curl --parallel-max 4")
# CPU µs per request: user plus system time of the runner's process (not the server's).
print(f"{'runner':42} {'requests':>8} {'wall s':>8} {'req/s':>8} {'peak MiB':>9} {'× C easy':>9} {'× curl -K':>10} {'CPU µs/req':>10} {'status':>6}")
for label, count, wall, mib, status, cpu in rows:
    r = count / wall if count and not math.isnan(wall) else float("nan")
    ratio_easy = r / easy if count else float("nan")
    ratio_curl = r / curlk if count else float("nan")
    per = cpu / count * 1e6 if count and not math.isnan(cpu) else float("nan")
    w = "n/a" if math.isnan(wall) else f"{wall:.3f}"
    fmt = lambda x, spec: "" if math.isnan(x) else format(x, spec)
    print(f"{label:42} {count or '':>8} {w:>8} {fmt(r, '8.0f'):>8} {mib:9.1f} {fmt(ratio_easy, '9.2f'):>9} {fmt(ratio_curl, '10.2f'):>10} {fmt(per, '10.0f'):>10} {status if status >= 0 else 'n/a':>6}")
print()
fr = rate("fathom run")
if "fathom run" in by: print(f"targets: sequential ≥ 0.70× C easy ({fr / easy:.2f}×) and ≥ 2× curl -K ({fr / curlk:.2f}×); "
      f"--parallel 4 ≥ curl --parallel ({rate('fathom run --parallel 4') / curlp:.2f}×) and ≥ 0.70× C multi ({rate('fathom run --parallel 4') / multi:.2f}×)")
PY
