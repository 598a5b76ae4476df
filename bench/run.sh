#!/usr/bin/env bash
# Sentinel reproducible benchmark: backend direct vs nginx vs Sentinel, on loopback,
# in one run, on one machine. See bench/README.md.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"

# ---------------------------------------------------------------- parameters
WARMUP_SECS="${WARMUP_SECS:-30}"              # wrk (HTTP/1.1) warm-up against Sentinel (JIT)
SHORT_WARMUP_SECS="${SHORT_WARMUP_SECS:-5}"   # warm-up for backend/nginx, and h2c warm-up for both proxies
FIXED_WARMUP_SECS="${FIXED_WARMUP_SECS:-15}"  # HTTP/1.1 fixed-rate warm-up of both proxies before the fixed-rate rounds
DURATION_SECS="${DURATION_SECS:-15}"          # length of every measurement
ROUNDS="${ROUNDS:-3}"                         # h1 saturation and fixed-rate rounds, nginx and Sentinel taking turns; medians reported
CONNECTIONS="${CONNECTIONS:-64}"              # connections for the saturation runs (wrk -c, h2load -c)
H2_STREAMS="${H2_STREAMS:-10}"                # h2load -m (concurrent streams per connection) at saturation
FIXED_RPS="${FIXED_RPS:-2000}"                # total request rate of the fixed-rate runs
FIXED_CLIENTS="${FIXED_CLIENTS:-16}"          # connections for the fixed-rate runs (rate per client = FIXED_RPS/FIXED_CLIENTS)
WORKERS="${WORKERS:-1}"                       # nginx worker_processes and Sentinel worker-threads, alike
SENTINEL_START_TIMEOUT="${SENTINEL_START_TIMEOUT:-30}"  # seconds to wait for Sentinel to answer
SKIP_SENTINEL="${SKIP_SENTINEL:-0}"           # 1 = do not start/measure Sentinel (test the harness alone)
SENTINEL_BIN="${SENTINEL_BIN:-$REPO/bin/sentinel.sh}"
NOISE_WARN_CORES="${NOISE_WARN_CORES:-0.25}"  # warn when a run's "other" CPU use exceeds this
SENTINEL_PORT="${SENTINEL_PORT:-18080}"
SENTINEL_METRICS_PORT="${SENTINEL_METRICS_PORT:-18084}"
BACKEND_PORT="${BACKEND_PORT:-18081}"
NGINX_H1_PORT="${NGINX_H1_PORT:-18082}"
NGINX_H2_PORT="${NGINX_H2_PORT:-18083}"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)}"
BODY_BYTES=1024

usage() {
  cat <<EOF
Usage: bench/run.sh [--help]

Benchmarks, on 127.0.0.1 and in a single run, three targets that all serve the
same fixed ${BODY_BYTES}-byte response:
  backend   private nginx on :$BACKEND_PORT (HTTP/1.1), the origin for both proxies
  nginx     private nginx reverse proxy on :$NGINX_H1_PORT (HTTP/1.1) and :$NGINX_H2_PORT (h2c)
  sentinel  $SENTINEL_BIN run -c <tmp>/sentinel.kdl on :$SENTINEL_PORT (HTTP/1.1 + h2c)
and prints req/s, proxy CPU microseconds per request, p50/p99 at saturation and
at a fixed below-saturation rate, plus Sentinel/nginx and Sentinel/backend ratios.
Raw tool output goes to bench/results/<UTC timestamp>/.

Installs nginx, wrk, nghttp2-client (h2load) and curl with apt-get if missing.
Never touches the system nginx service (private instances, own prefix/pid file).

Parameters (environment variables, current value in brackets):
  WARMUP_SECS            wrk warm-up against Sentinel, JIT [$WARMUP_SECS]
  SHORT_WARMUP_SECS      warm-up of backend/nginx and the h2c warm-ups [$SHORT_WARMUP_SECS]
  FIXED_WARMUP_SECS      h1 fixed-rate warm-up of each proxy before the fixed-rate rounds [$FIXED_WARMUP_SECS]
  DURATION_SECS          length of each measurement [$DURATION_SECS]
  ROUNDS                 h1 saturation and h1 fixed-rate rounds, nginx and Sentinel in turn; the table shows medians [$ROUNDS]
  CONNECTIONS            connections at saturation (wrk -c / h2load -c) [$CONNECTIONS]
  H2_STREAMS             h2load -m (streams per connection) at saturation [$H2_STREAMS]
  FIXED_RPS              total request rate of the fixed-rate runs [$FIXED_RPS]
  FIXED_CLIENTS          connections of the fixed-rate runs [$FIXED_CLIENTS]
  WORKERS                nginx worker_processes and Sentinel worker-threads [$WORKERS]
  SENTINEL_START_TIMEOUT seconds to wait for Sentinel to answer [$SENTINEL_START_TIMEOUT]
  SKIP_SENTINEL          1 = skip Sentinel, measure backend and nginx only [$SKIP_SENTINEL]
  SENTINEL_BIN           Sentinel launcher [$SENTINEL_BIN]
  SENTINEL_PORT BACKEND_PORT NGINX_H1_PORT NGINX_H2_PORT  ports [$SENTINEL_PORT $BACKEND_PORT $NGINX_H1_PORT $NGINX_H2_PORT]
  SENTINEL_METRICS_PORT  Sentinel's metrics listener, scraped for the upstream reuse ratio [$SENTINEL_METRICS_PORT]
  NOISE_WARN_CORES       warn when a run's "other" CPU use exceeds this many CPUs [$NOISE_WARN_CORES]
  RESULTS_DIR            where raw outputs go [bench/results/<UTC timestamp>]

Example (quick harness check without Sentinel):
  SKIP_SENTINEL=1 WARMUP_SECS=2 SHORT_WARMUP_SECS=1 FIXED_WARMUP_SECS=1 DURATION_SECS=3 bench/run.sh
EOF
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) echo "run.sh: unknown argument '$1' (parameters are environment variables, see --help)" >&2; exit 2 ;;
esac

for v in WARMUP_SECS SHORT_WARMUP_SECS FIXED_WARMUP_SECS DURATION_SECS ROUNDS CONNECTIONS H2_STREAMS FIXED_RPS \
         FIXED_CLIENTS WORKERS SENTINEL_START_TIMEOUT SENTINEL_PORT BACKEND_PORT NGINX_H1_PORT NGINX_H2_PORT \
         SENTINEL_METRICS_PORT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "run.sh: $v must be a non-negative integer, got '${!v}'" >&2; exit 2; }
done
[[ "$NOISE_WARN_CORES" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "run.sh: NOISE_WARN_CORES must be a number, got '$NOISE_WARN_CORES'" >&2; exit 2; }
(( DURATION_SECS > 0 && ROUNDS > 0 && CONNECTIONS > 0 && FIXED_CLIENTS > 0 && FIXED_RPS > 0 && WORKERS > 0 )) \
  || { echo "run.sh: DURATION_SECS, ROUNDS, CONNECTIONS, FIXED_CLIENTS, FIXED_RPS, WORKERS must be > 0" >&2; exit 2; }

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- tools
ensure_tools() {
  local missing=() 
  command -v nginx  >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v wrk    >/dev/null 2>&1 || missing+=(wrk)
  command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
  command -v curl   >/dev/null 2>&1 || missing+=(curl)
  if ((${#missing[@]})); then
    [ "$(id -u)" -eq 0 ] || die "missing packages ${missing[*]} and not root; install them: apt-get install -y ${missing[*]}"
    log "installing ${missing[*]} (apt-get)"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >&2
  fi
  command -v getconf >/dev/null 2>&1 || die "getconf not found"
  command -v setsid  >/dev/null 2>&1 || die "setsid (util-linux) not found"
  command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) not found"
}
ensure_tools
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
CLK_TCK="$(getconf CLK_TCK)"

# ---------------------------------------------------------------- processes / cleanup
TMP="$(mktemp -d /tmp/sentinel-bench.XXXXXX)"
chmod 755 "$TMP"       # nginx workers may run as 'nobody' when started as root
STARTED_PIDS=()        # each started with setsid: pid == process group id

stop_group() {  # $1 = pid/pgid of something we started
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in "${STARTED_PIDS[@]:-}"; do
    [ -n "$pid" ] && stop_group "$pid"
  done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_bg() {  # $1 = log file, rest = command; prints pid (== pgid)
  local logf="$1"; shift
  setsid "$@" >"$logf" 2>&1 </dev/null &
  local pid=$!
  STARTED_PIDS+=("$pid")
  LAST_PID=$pid
}

# pid and all its descendants that are alive now
proc_tree() {
  local root="$1" f line rest pid ppid p
  local -A kids=()
  for f in /proc/[0-9]*/stat; do
    { read -r line <"$f"; } 2>/dev/null || continue
    pid="${line%% *}"
    rest="${line##*) }"
    read -r _ ppid _ <<<"$rest"
    kids[$ppid]+=" $pid"
  done
  local queue=("$root") out=()
  while ((${#queue[@]})); do
    p="${queue[0]}"; queue=("${queue[@]:1}")
    [ -e "/proc/$p/stat" ] || continue
    out+=("$p")
    # shellcheck disable=SC2206
    queue+=(${kids[$p]:-})
  done
  echo "${out[*]}"
}

# sum of utime+stime (clock ticks) of the given pids
cpu_ticks() {
  local total=0 pid line rest
  local -a f
  for pid in "$@"; do
    { read -r line <"/proc/$pid/stat"; } 2>/dev/null || continue
    rest="${line##*) }"
    read -r -a f <<<"$rest"
    total=$((total + f[11] + f[12]))   # fields 14 (utime) and 15 (stime)
  done
  echo "$total"
}

wait_http() {  # $1 = url, $2 = timeout secs, $3 = pid that must stay alive, [$4 = curl extra arg]
  local url="$1" secs="$2" pid="$3" extra="${4:-}" deadline code=""
  deadline=$(( $(date +%s) + secs ))
  while (( $(date +%s) < deadline )); do
    kill -0 "$pid" 2>/dev/null || return 2
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 ${extra:+"$extra"} "$url" 2>/dev/null || true)
    [ "$code" = 200 ] && return 0
    sleep 0.2
  done
  log "no 200 from $url within ${secs}s (last HTTP status: ${code:-none}, 000 = no connection)"
  return 1
}

check_body() {  # $1 = url, [$2 = curl extra arg]; verifies status 200, 1024-byte body, expected protocol
  local out
  rm -f "$TMP/check.body"
  out=$(curl -s -o "$TMP/check.body" -w '%{http_code} %{http_version}' --max-time 5 ${2:+"$2"} "$1" 2>/dev/null || true)
  local size; size=$(stat -c %s "$TMP/check.body" 2>/dev/null || echo 0)
  if [ "${out%% *}" = 200 ] && [ "$size" = "$BODY_BYTES" ] && cmp -s "$TMP/check.body" "$TMP/body.txt"; then
    return 0
  fi
  log "check failed for $1 ${2:-}: status/version='$out' body=${size} bytes"
  return 1
}

# ---------------------------------------------------------------- configs
mkdir -p "$RESULTS_DIR"
RESULTS_DIR="$(cd "$RESULTS_DIR" && pwd)"
BODY="$(head -c "$BODY_BYTES" /dev/zero | tr '\0' 'x')"
printf '%s' "$BODY" >"$TMP/body.txt"

nginx_common() {  # $1 = instance dir
  cat <<EOF
daemon off;
master_process on;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 8192; multi_accept on; }
EOF
}
nginx_http_common() {  # $1 = instance dir
  cat <<EOF
    access_log off;
    keepalive_timeout 75s;
    keepalive_requests 10000000;
    client_body_temp_path $1/client_body;
    proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fastcgi;
    uwsgi_temp_path $1/uwsgi;
    scgi_temp_path $1/scgi;
EOF
}

mkdir -p "$TMP/backend" "$TMP/nginx"
{
  echo "worker_processes 1;"
  nginx_common "$TMP/backend"
  echo "http {"
  nginx_http_common "$TMP/backend"
  cat <<EOF
    server {
        listen 127.0.0.1:$BACKEND_PORT backlog=4096;
        location / {
            default_type text/plain;
            return 200 "$BODY";
        }
    }
}
EOF
} >"$TMP/backend/nginx.conf"

{
  echo "worker_processes $WORKERS;"
  nginx_common "$TMP/nginx"
  echo "http {"
  nginx_http_common "$TMP/nginx"
  cat <<EOF
    upstream backend {
        server 127.0.0.1:$BACKEND_PORT;
        keepalive 64;
        keepalive_requests 10000000;
    }
    server {
        listen 127.0.0.1:$NGINX_H1_PORT backlog=4096;
        listen 127.0.0.1:$NGINX_H2_PORT http2 backlog=4096;
        http2_max_concurrent_streams 128;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
} >"$TMP/nginx/nginx.conf"

cat >"$TMP/sentinel.kdl" <<EOF
system { worker-threads $WORKERS }
listeners {
    listener "bench" {
        address "127.0.0.1:$SENTINEL_PORT"
        protocol "http"
        keepalive-max-requests 10000000
    }
}
routes {
    route "all" {
        matches { path-prefix "/" }
        upstream "backend"
    }
}
upstreams {
    upstream "backend" {
        target "127.0.0.1:$BACKEND_PORT"
    }
}
observability { metrics { address "127.0.0.1:$SENTINEL_METRICS_PORT"; path "/metrics" } }
EOF
cp "$TMP/backend/nginx.conf" "$RESULTS_DIR/backend-nginx.conf"
cp "$TMP/nginx/nginx.conf" "$RESULTS_DIR/proxy-nginx.conf"
cp "$TMP/sentinel.kdl" "$RESULTS_DIR/sentinel.kdl"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm)"
  echo "cpus: $(nproc)"
  echo "nginx: $("$NGINX" -v 2>&1)"
  echo "wrk: $(wrk -v 2>&1 | head -n 1)"
  echo "h2load: $(h2load --version 2>&1 | head -n 1)"
  echo "repo commit: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  for v in WARMUP_SECS SHORT_WARMUP_SECS FIXED_WARMUP_SECS DURATION_SECS ROUNDS CONNECTIONS H2_STREAMS FIXED_RPS \
           FIXED_CLIENTS WORKERS SKIP_SENTINEL SENTINEL_BIN; do echo "$v=${!v}"; done
  echo "JAVA_OPTS=${JAVA_OPTS:-}"
} >"$RESULTS_DIR/env.txt"

# ---------------------------------------------------------------- result store
declare -A R=()          # R[target|proto|metric]
FAILED=()
declare -A ROOT=()       # target -> root pid of its process tree (CPU accounting)

put() { R["$1|$2|$3"]="$4"; }
get() { echo "${R["$1|$2|$3"]:-n/a}"; }

# Sentinel's upstream counters for the backend: "attempts opened" (sentinel_upstream_*_total).
upstream_counts() {
  curl -s --max-time 5 "http://127.0.0.1:$SENTINEL_METRICS_PORT/metrics" | awk '
    /^sentinel_upstream_attempts_total\{upstream="backend"\}/ { a = $2 }
    /^sentinel_upstream_connections_opened_total\{upstream="backend"\}/ { o = $2 }
    END { printf "%d %d\n", a, o }'
}
upstream_reuse() {  # $1, $2 = upstream_counts before and after the h1 saturation run
  local a0 o0 a1 o1
  read -r a0 o0 <<<"$1"
  read -r a1 o1 <<<"$2"
  put sentinel h1 attempts $(( a1 - a0 ))
  put sentinel h1 opened $(( o1 - o0 ))
  put sentinel h1 reuse "$(awk -v a=$(( a1 - a0 )) -v o=$(( o1 - o0 )) 'BEGIN { if (a > 0) printf "%.4f", 1 - o / a; else print "n/a" }')"
}

to_ms() {  # wrk latency like 512.00us / 1.23ms / 1.02s -> ms
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else printf "n/a" }'
}

# percentiles (ms) of 2xx rows of an h2load --log-file: prints "p50 p99"
log_percentiles() {
  local logfile="$1"
  [ -s "$logfile" ] || { echo "n/a n/a"; return; }
  awk -F'\t' '$2 >= 200 && $2 < 300 { print $3 }' "$logfile" | sort -n | awk '
    { a[NR] = $1 }
    END {
      if (NR == 0) { print "n/a n/a"; exit }
      i50 = int(0.50 * NR); if (i50 < 0.50 * NR) i50++; if (i50 < 1) i50 = 1
      i99 = int(0.99 * NR); if (i99 < 0.99 * NR) i99++; if (i99 < 1) i99 = 1
      printf "%.3f %.3f\n", a[i50] / 1000, a[i99] / 1000
    }'
}

cpu_us_per_req() {  # $1 = delta ticks, $2 = requests
  awk -v t="$1" -v n="$2" -v hz="$CLK_TCK" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else printf "n/a" }'
}

# utime+stime of this shell's waited-for children (fields 16, 17): covers the load generator
child_ticks() {
  local line rest
  local -a f
  read -r line <"/proc/$$/stat"
  rest="${line##*) }"
  read -r -a f <<<"$rest"
  echo $((f[13] + f[14]))
}

# whole-machine busy ticks (user+nice+system+irq+softirq) and steal ticks, from /proc/stat
host_ticks() {
  local _cpu u n sy _idle _iow irq sirq steal _rest
  read -r _cpu u n sy _idle _iow irq sirq steal _rest </proc/stat
  echo "$((u + n + sy + irq + sirq)) $steal"
}

# runs a load generator command with CPU accounting of a target's process tree.
# $1 = target, $2 = output file, rest = command.
# Sets CPU_DELTA (target ticks), CORES (target CPU / wall time), GEN_CORES (generator CPU / wall time).
measured() {
  local target="$1" out="$2"; shift 2
  local pids bpids="" before after bbefore=0 bafter=0 gbefore gafter hbefore hafter t0 t1 rc=0
  pids=$(proc_tree "${ROOT[$target]}")
  [ "$target" = backend ] || bpids=$(proc_tree "${ROOT[backend]}")
  # shellcheck disable=SC2086
  [ -z "$bpids" ] || bbefore=$(cpu_ticks $bpids)
  # shellcheck disable=SC2086
  before=$(cpu_ticks $pids)
  gbefore=$(child_ticks)
  hbefore=$(host_ticks)
  t0=$(date +%s%N)
  "$@" >"$out" 2>&1 || rc=$?
  t1=$(date +%s%N)
  hafter=$(host_ticks)
  gafter=$(child_ticks)
  # shellcheck disable=SC2086
  after=$(cpu_ticks $pids)
  # shellcheck disable=SC2086
  [ -z "$bpids" ] || bafter=$(cpu_ticks $bpids)
  CPU_DELTA=$((after - before))
  CORES=$(awk -v t="$CPU_DELTA" -v hz="$CLK_TCK" -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", t / hz / (ns / 1e9) }')
  GEN_CORES=$(awk -v t=$((gafter - gbefore)) -v hz="$CLK_TCK" -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", t / hz / (ns / 1e9) }')
  HOST_CORES=$(awk -v t=$(( ${hafter%% *} - ${hbefore%% *} )) -v hz="$CLK_TCK" -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", t / hz / (ns / 1e9) }')
  STEAL_CORES=$(awk -v t=$(( ${hafter##* } - ${hbefore##* } )) -v hz="$CLK_TCK" -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", t / hz / (ns / 1e9) }')
  # busy CPU not charged to the target, the backend or the generator: kernel threads (softirq), other work
  OTHER_CORES=$(awk -v h=$(( ${hafter%% *} - ${hbefore%% *} )) -v t="$CPU_DELTA" -v b=$((bafter - bbefore)) \
    -v g=$((gafter - gbefore)) -v hz="$CLK_TCK" -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", (h - t - b - g) / hz / (ns / 1e9) }')
  echo "# target pids: $pids  target cpu ticks: $CPU_DELTA (CLK_TCK $CLK_TCK)  wall: $(( (t1 - t0) / 1000000 )) ms  target cores: $CORES  generator cores: $GEN_CORES  backend cores (proxy runs): $(awk -v t=$((bafter - bbefore)) -v hz="$CLK_TCK" -v ns=$((t1 - t0)) 'BEGIN { printf "%.2f", t / hz / (ns / 1e9) }')  machine busy cores: $HOST_CORES  other: $OTHER_CORES  steal cores: $STEAL_CORES  exit: $rc" >>"$out"
  return 0
}

run_wrk_sat() {  # $1 = target, $2 = port, $3 = round: values go to metrics "r<round>_sat_*" (see median_rounds)
  local t="$1" port="$2" r="r$3_" out="$RESULTS_DIR/$1-h1-saturation.r$3.wrk.txt"
  log "$t h1 saturation, round $3: wrk -t1 -c$CONNECTIONS -d${DURATION_SECS}s"
  measured "$t" "$out" timeout $((DURATION_SECS + 30)) \
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION_SECS}s" --latency "http://127.0.0.1:$port/"
  local reqs rps p50 p99 non2xx sockerr
  reqs=$(awk '/requests in/ { print $1; exit }' "$out")
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2; exit }' "$out")
  p50=$(awk '$1 == "50%" { print $2; exit }' "$out")
  p99=$(awk '$1 == "99%" { print $2; exit }' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF; exit }' "$out")
  sockerr=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10; exit }' "$out")
  put "$t" h1 "${r}sat_rps" "${rps:-n/a}"
  put "$t" h1 "${r}sat_p50" "$( [ -n "$p50" ] && to_ms "$p50" || echo n/a)"
  put "$t" h1 "${r}sat_p99" "$( [ -n "$p99" ] && to_ms "$p99" || echo n/a)"
  put "$t" h1 "${r}sat_err" $(( ${non2xx:-0} + ${sockerr:-0} ))
  put "$t" h1 "${r}sat_cpu" "$(cpu_us_per_req "$CPU_DELTA" "${reqs:-0}")"
  put "$t" h1 "${r}sat_cores" "$CORES"
  put "$t" h1 "${r}sat_gen" "$GEN_CORES"
  put "$t" h1 "${r}sat_host" "$HOST_CORES"
  put "$t" h1 "${r}sat_steal" "$STEAL_CORES"
  put "$t" h1 "${r}sat_other" "$OTHER_CORES"
}

# h1 metrics of target $1 in mode $2 (sat|fixed): each the median over the rounds measured (the upper one of
# an even count)
median_rounds() {
  local t="$1" mode="$2" m r v
  for m in rps p50 p99 err cpu cores gen host steal other; do
    m="${mode}_$m"
    v=$(for ((r = 1; r <= ROUNDS; r++)); do get "$t" h1 "r${r}_$m"; echo; done \
      | { grep -Ev '^(n/a)?$' || true; } | sort -g \
      | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else print v[int(NR / 2) + 1] }')
    put "$t" h1 "$m" "$v"
  done
}

# "0.52 0.58 0.55": Sentinel/nginx ratio of h1 saturation metric $1, round by round
round_ratios() {
  local r out=""
  for ((r = 1; r <= ROUNDS; r++)); do
    out+="$(ratio "$(get sentinel h1 "r${r}_$1")" "$(get nginx h1 "r${r}_$1")") "
  done
  echo "${out% }"
}

# h2load run; $1 = target, $2 = proto (h1|h2c), $3 = mode (sat|fixed), $4 = port, $5 = round (optional): with
# a round, values go to metrics "r<round>_<mode>_*" (see median_rounds)
run_h2load() {
  local t="$1" proto="$2" mode="$3" port="$4" round="${5:-}"
  local base="$RESULTS_DIR/$t-$proto-$mode${round:+.r$round}" m="${round:+r${round}_}$3"
  local -a args=(-t1 -D "$DURATION_SECS" --log-file="$base.requests.tsv")
  [ "$proto" = h1 ] && args+=(--h1)
  if [ "$mode" = sat ]; then
    args+=(-c "$CONNECTIONS" -m "$H2_STREAMS")
  else
    local per_client
    per_client=$(awk -v r="$FIXED_RPS" -v c="$FIXED_CLIENTS" 'BEGIN { printf "%.4f", r / c }')
    if [ "$proto" = h1 ]; then args+=(-m 1); else args+=(-m "$H2_STREAMS"); fi
    args+=(-c "$FIXED_CLIENTS" --rps "$per_client")
  fi
  log "$t $proto $mode${round:+, round $round}: h2load ${args[*]}"
  measured "$t" "$base.h2load.txt" timeout $((DURATION_SECS + 30)) \
    h2load "${args[@]}" "http://127.0.0.1:$port/"
  local out="$base.h2load.txt" rps ndone ok2xx pct
  rps=$(awk '/^finished in/ { gsub(",", "", $4); printf "%.0f", $4; exit }' "$out")
  # "requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout"
  ndone=$(awk '/^requests:/ { print $6; exit }' "$out")
  ok2xx=$(awk '/^status codes:/ { print $3; exit }' "$out")
  pct=$(log_percentiles "$base.requests.tsv")
  put "$t" "$proto" "${m}_rps" "${rps:-n/a}"
  put "$t" "$proto" "${m}_p50" "${pct%% *}"
  put "$t" "$proto" "${m}_p99" "${pct##* }"
  put "$t" "$proto" "${m}_err" $(( ${ndone:-0} - ${ok2xx:-0} ))   # completed but not 2xx (incl. failed)
  put "$t" "$proto" "${m}_cpu" "$(cpu_us_per_req "$CPU_DELTA" "${ndone:-0}")"
  put "$t" "$proto" "${m}_cores" "$CORES"
  put "$t" "$proto" "${m}_gen" "$GEN_CORES"
  put "$t" "$proto" "${m}_host" "$HOST_CORES"
  put "$t" "$proto" "${m}_steal" "$STEAL_CORES"
  put "$t" "$proto" "${m}_other" "$OTHER_CORES"
  # the per-request log is large; keep it compressed
  gzip -f "$base.requests.tsv" 2>/dev/null || true
}

warmup_wrk() {  # $1 = label, $2 = port, $3 = secs
  (( $3 > 0 )) || return 0
  log "warm-up $1 (h1): wrk ${3}s"
  timeout $(( $3 + 30 )) wrk -t1 -c"$CONNECTIONS" -d"${3}s" "http://127.0.0.1:$2/" \
    >"$RESULTS_DIR/warmup-$1-h1.wrk.txt" 2>&1 || true
}
warmup_fixed() {  # $1 = label, $2 = port, $3 = secs: h1 at the fixed rate, so that the JIT has compiled the low-load paths
  (( $3 > 0 )) || return 0
  log "warm-up $1 (h1, fixed rate): h2load ${3}s"
  timeout $(( $3 + 30 )) h2load -t1 --h1 -m1 -c"$FIXED_CLIENTS" \
    --rps "$(awk -v r="$FIXED_RPS" -v c="$FIXED_CLIENTS" 'BEGIN { printf "%.4f", r / c }')" -D "$3" \
    "http://127.0.0.1:$2/" >"$RESULTS_DIR/warmup-$1-h1-fixed.h2load.txt" 2>&1 || true
}
warmup_h2() {  # $1 = label, $2 = port, $3 = secs
  (( $3 > 0 )) || return 0
  log "warm-up $1 (h2c): h2load ${3}s"
  timeout $(( $3 + 30 )) h2load -t1 -c"$CONNECTIONS" -m"$H2_STREAMS" -D "$3" "http://127.0.0.1:$2/" \
    >"$RESULTS_DIR/warmup-$1-h2c.h2load.txt" 2>&1 || true
}

# ---------------------------------------------------------------- run
log "results: $RESULTS_DIR"
LOADAVG_START="$(cut -d' ' -f1-3 /proc/loadavg)"
h0=$(host_ticks); sleep 1; h1=$(host_ticks)
BUSY_START=$(awk -v t=$(( ${h1%% *} - ${h0%% *} )) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')
echo "loadavg at start: $LOADAVG_START; busy CPUs over 1 s before start: $BUSY_START" >>"$RESULTS_DIR/env.txt"
if awk -v b="$BUSY_START" 'BEGIN { exit !(b > 0.2) }'; then
  log "WARNING: $BUSY_START CPUs were busy (1 s sample) before the benchmark started; other work on this machine will skew the numbers"
fi
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=("$BACKEND_PORT" "$NGINX_H1_PORT" "$NGINX_H2_PORT")
[ "$SKIP_SENTINEL" = 1 ] || ports+=("$SENTINEL_PORT" "$SENTINEL_METRICS_PORT")
for port in "${ports[@]}"; do
  ! port_in_use "$port" || die "127.0.0.1:$port is already in use (a leftover server?); stop it or change the *_PORT variables"
done
log "starting backend nginx on 127.0.0.1:$BACKEND_PORT"
start_bg "$RESULTS_DIR/backend-nginx.log" "$NGINX" -p "$TMP/backend" -c "$TMP/backend/nginx.conf" -e "$TMP/backend/error.log"
ROOT[backend]=$LAST_PID
wait_http "http://127.0.0.1:$BACKEND_PORT/" 10 "$LAST_PID" \
  || { cat "$TMP/backend/error.log" "$RESULTS_DIR/backend-nginx.log" >&2 2>/dev/null || true; die "backend nginx did not come up (port $BACKEND_PORT busy?)"; }
check_body "http://127.0.0.1:$BACKEND_PORT/" || die "backend serves a wrong response"

log "starting comparison nginx on 127.0.0.1:$NGINX_H1_PORT (h1) / $NGINX_H2_PORT (h2c), $WORKERS worker(s)"
start_bg "$RESULTS_DIR/proxy-nginx.log" "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log"
ROOT[nginx]=$LAST_PID
wait_http "http://127.0.0.1:$NGINX_H1_PORT/" 10 "$LAST_PID" \
  || { cat "$TMP/nginx/error.log" "$RESULTS_DIR/proxy-nginx.log" >&2 2>/dev/null || true; die "comparison nginx did not come up"; }
check_body "http://127.0.0.1:$NGINX_H1_PORT/" --http1.1 || die "nginx h1 serves a wrong response"
check_body "http://127.0.0.1:$NGINX_H2_PORT/" --http2-prior-knowledge || die "nginx h2c serves a wrong response"

# --- backend direct (HTTP/1.1 only)
warmup_wrk backend "$BACKEND_PORT" "$SHORT_WARMUP_SECS"
run_wrk_sat backend "$BACKEND_PORT" 1
run_h2load backend h1 fixed "$BACKEND_PORT"

# --- nginx
warmup_wrk nginx "$NGINX_H1_PORT" "$SHORT_WARMUP_SECS"
warmup_h2 nginx "$NGINX_H2_PORT" "$SHORT_WARMUP_SECS"
run_h2load nginx h2c sat "$NGINX_H2_PORT"
run_h2load nginx h2c fixed "$NGINX_H2_PORT"
cp "$TMP/nginx/error.log" "$RESULTS_DIR/proxy-nginx.error.log" 2>/dev/null || true

# --- Sentinel
SENTINEL_STATUS="skipped (SKIP_SENTINEL=1)"
if [ "$SKIP_SENTINEL" != 1 ]; then
  SENTINEL_STATUS="failed"
  if [ ! -x "$SENTINEL_BIN" ]; then
    log "Sentinel launcher $SENTINEL_BIN not found or not executable"
    FAILED+=("sentinel: launcher missing")
  else
    if ! compgen -G "$REPO/lib/sentinel-server-*.jar" >/dev/null; then
      log "WARNING: $REPO/lib holds no sentinel-server jar; the launcher will build first, which may exceed SENTINEL_START_TIMEOUT=${SENTINEL_START_TIMEOUT}s (build first: ./mvnw -DskipTests package)"
    fi
    log "starting Sentinel: $SENTINEL_BIN run -c $TMP/sentinel.kdl${JAVA_OPTS:+ (JAVA_OPTS=$JAVA_OPTS)}"
    start_bg "$RESULTS_DIR/sentinel.log" "$SENTINEL_BIN" run -c "$TMP/sentinel.kdl"
    ROOT[sentinel]=$LAST_PID
    wait_rc=0
    wait_http "http://127.0.0.1:$SENTINEL_PORT/" "$SENTINEL_START_TIMEOUT" "$LAST_PID" || wait_rc=$?
    if [ "$wait_rc" -ne 0 ]; then
      if [ "$wait_rc" -eq 2 ]; then log "Sentinel exited during startup"; else log "Sentinel did not answer 200 within ${SENTINEL_START_TIMEOUT}s"; fi
      tail -n 30 "$RESULTS_DIR/sentinel.log" >&2 || true
      FAILED+=("sentinel: not ready")
    else
      log "Sentinel ready; process tree: $(proc_tree "${ROOT[sentinel]}")"
      h1_ok=1; h2_ok=1
      check_body "http://127.0.0.1:$SENTINEL_PORT/" --http1.1 || { h1_ok=0; FAILED+=("sentinel: h1 response check"); }
      check_body "http://127.0.0.1:$SENTINEL_PORT/" --http2-prior-knowledge || { h2_ok=0; FAILED+=("sentinel: h2c response check"); }
      if ((h1_ok)); then
        warmup_wrk sentinel "$SENTINEL_PORT" "$WARMUP_SECS"
      fi
      if ((h2_ok)); then
        warmup_h2 sentinel "$SENTINEL_PORT" "$SHORT_WARMUP_SECS"
      fi
      if ((h2_ok)); then
        run_h2load sentinel h2c sat "$SENTINEL_PORT"
      fi
      if ((h2_ok)); then
        run_h2load sentinel h2c fixed "$SENTINEL_PORT"
      fi
      kill -0 "${ROOT[sentinel]}" 2>/dev/null || FAILED+=("sentinel: process died during the run")
      if ((h1_ok && h2_ok)); then SENTINEL_STATUS="measured"; else SENTINEL_STATUS="partly measured"; fi
    fi
  fi
fi

# --- h1 saturation: nginx and Sentinel take turns, so that a slow spell of the machine hits both
SENTINEL_H1=$([ "${h1_ok:-0}" = 1 ] && kill -0 "${ROOT[sentinel]:-0}" 2>/dev/null && echo 1 || echo 0)
((SENTINEL_H1)) && upstream_before=$(upstream_counts)
for ((round = 1; round <= ROUNDS; round++)); do
  run_wrk_sat nginx "$NGINX_H1_PORT" "$round"
  ((SENTINEL_H1)) && run_wrk_sat sentinel "$SENTINEL_PORT" "$round"
done
((SENTINEL_H1)) && upstream_reuse "$upstream_before" "$(upstream_counts)"

# --- h1 fixed rate: the same turns, after a warm-up at that rate (the JIT compiles paths that only low load takes)
warmup_fixed nginx "$NGINX_H1_PORT" "$FIXED_WARMUP_SECS"
((SENTINEL_H1)) && warmup_fixed sentinel "$SENTINEL_PORT" "$FIXED_WARMUP_SECS"
for ((round = 1; round <= ROUNDS; round++)); do
  run_h2load nginx h1 fixed "$NGINX_H1_PORT" "$round"
  ((SENTINEL_H1)) && run_h2load sentinel h1 fixed "$SENTINEL_PORT" "$round"
done
for t in backend nginx sentinel; do median_rounds "$t" sat; done
for t in nginx sentinel; do median_rounds "$t" fixed; done

# ---------------------------------------------------------------- report
ratio() {  # $1 / $2 with 2 decimals, n/a if either missing
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (a == "n/a" || b == "n/a" || a == "" || b == "" || b + 0 == 0) { print "n/a"; exit }
    printf "%.2f", a / b }'
}

center() {  # $1 = width, $2 = text: text centred in a line of dashes
  awk -v w="$1" -v t=" $2 " 'BEGIN { l = int((w - length(t)) / 2); r = w - length(t) - l
    s = ""; for (i = 0; i < l; i++) s = s "-"; s = s t; for (i = 0; i < r; i++) s = s "-"; print s }'
}

report() {
  local fmt='%-9s %-5s| %8s %9s %5s %5s %5s %8s %8s %6s | %7s %9s %8s %8s %6s\n'
  echo
  echo "Sentinel benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(nproc) CPUs  ${DURATION_SECS}s per run  workers per proxy: $WORKERS  busy CPUs before start: $BUSY_START"
  echo "saturation: h1 = wrk -t1 -c$CONNECTIONS (median of $ROUNDS rounds, nginx and Sentinel in turn), h2c = h2load -t1 -c$CONNECTIONS -m$H2_STREAMS;" \
       "fixed rate: h2load -c$FIXED_CLIENTS --rps $(awk -v r="$FIXED_RPS" -v c="$FIXED_CLIENTS" 'BEGIN{printf "%g", r/c}') per connection (= $FIXED_RPS req/s;" \
       "h1: median of $ROUNDS rounds in turn, after ${FIXED_WARMUP_SECS}s at that rate)"
  echo "CPUus/req: utime+stime of the target's processes per request (backend row: backend nginx; proxy rows: the proxy only)"
  echo "cores: CPU of the target / wall time; gen: CPU of the load generator / wall time"
  echo "other: busy CPUs not charged to target, backend or generator (kernel softirq threads, other work on the host: high = noisy run)"
  echo
  # shellcheck disable=SC2059
  printf '%-15s| %-63s | %-42s\n' "" "$(center 63 'saturation (closed loop)')" "$(center 42 "fixed rate ($FIXED_RPS req/s)")"
  # shellcheck disable=SC2059
  printf "$fmt" target proto "req/s" "CPUus/req" cores gen other "p50 ms" "p99 ms" errors "req/s" "CPUus/req" "p50 ms" "p99 ms" errors
  local t p
  for t in backend nginx sentinel; do
    for p in h1 h2c; do
      [ "$t" = backend ] && [ "$p" = h2c ] && continue
      # shellcheck disable=SC2059
      printf "$fmt" "$t" "$p" \
        "$(get $t $p sat_rps)" "$(get $t $p sat_cpu)" "$(get $t $p sat_cores)" "$(get $t $p sat_gen)" "$(get $t $p sat_other)" \
        "$(get $t $p sat_p50)" "$(get $t $p sat_p99)" "$(get $t $p sat_err)" \
        "$(get $t $p fixed_rps)" "$(get $t $p fixed_cpu)" "$(get $t $p fixed_p50)" "$(get $t $p fixed_p99)" "$(get $t $p fixed_err)"
    done
  done
  echo
  echo "Ratios (Sentinel status: $SENTINEL_STATUS)"
  printf '%-50s %6s %6s\n' "" h1 h2c
  printf '%-50s %6s %6s\n' "Sentinel/nginx throughput (req/s, higher=better)" \
    "$(ratio "$(get sentinel h1 sat_rps)" "$(get nginx h1 sat_rps)")" "$(ratio "$(get sentinel h2c sat_rps)" "$(get nginx h2c sat_rps)")"
  printf '%-50s %6s %6s\n' "Sentinel/nginx CPU per request (lower=better)" \
    "$(ratio "$(get sentinel h1 sat_cpu)" "$(get nginx h1 sat_cpu)")" "$(ratio "$(get sentinel h2c sat_cpu)" "$(get nginx h2c sat_cpu)")"
  printf '%-50s %6s %6s\n' "Sentinel/nginx p99 at fixed rate (lower=better)" \
    "$(ratio "$(get sentinel h1 fixed_p99)" "$(get nginx h1 fixed_p99)")" "$(ratio "$(get sentinel h2c fixed_p99)" "$(get nginx h2c fixed_p99)")"
  printf '%-50s %6s %6s\n' "Sentinel/backend-direct throughput (h1)" \
    "$(ratio "$(get sentinel h1 sat_rps)" "$(get backend h1 sat_rps)")" "-"
  printf '%-50s %6s %6s\n' "nginx/backend-direct throughput (h1)" \
    "$(ratio "$(get nginx h1 sat_rps)" "$(get backend h1 sat_rps)")" "-"
  echo
  echo "h1 saturation round by round, Sentinel/nginx: throughput $(round_ratios sat_rps); CPU per request $(round_ratios sat_cpu)"
  echo "h1 fixed rate round by round, Sentinel/nginx: p99 $(round_ratios fixed_p99); CPU per request $(round_ratios fixed_cpu)"
  echo "Sentinel upstream connection reuse during the h1 saturation runs: $(get sentinel h1 reuse)" \
       "(1 - opened/attempts: $(get sentinel h1 opened) connections opened for $(get sentinel h1 attempts) requests)"
  local k noisy=""
  for k in "${!R[@]}"; do
    case "$k" in
      *_other) awk -v o="${R[$k]}" -v m="$NOISE_WARN_CORES" 'BEGIN { exit !(o != "n/a" && o + 0 > m + 0) }' \
                 && noisy+="$(IFS='|' read -r a b c <<<"${k%_other}"; echo "$a $b ${c}=${R[$k]}")"$'\n' ;;
    esac
  done
  noisy=$(printf '%s' "$noisy" | sort | paste -sd ',' - | sed 's/,/, /g')
  if [ -n "$noisy" ]; then
    echo
    echo "WARNING: CPUs busy with something other than target, backend and generator (> $NOISE_WARN_CORES) in: $noisy"
    echo "         other work on this machine probably skewed these runs; repeat the benchmark on a quiet machine."
  fi
  if ((${#FAILED[@]})); then
    echo
    echo "PROBLEMS: ${FAILED[*]}"
  fi
  echo
  echo "raw outputs: $RESULTS_DIR"
}

{
  report
} | tee "$RESULTS_DIR/summary.txt"

# machine-readable copy
{
  echo "target,proto,metric,value"
  for k in "${!R[@]}"; do
    IFS='|' read -r a b c <<<"$k"
    echo "$a,$b,$c,${R[$k]}"
  done | sort
} >"$RESULTS_DIR/results.csv"

((${#FAILED[@]} == 0)) || exit 1
