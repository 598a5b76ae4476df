#!/usr/bin/env bash
# bench/memory.sh: resident memory (RSS) of Sentinel and of nginx holding N idle keep-alive client
# connections, in the same run, on loopback. Each connection does REQUESTS_PER_CONNECTION GETs (default 2,
# proxied to a backend nginx) and then stays open and idle. Prints RSS before and with the connections, and KB per connection.
#
#   bench/memory.sh                      # N=10000
#   IDLE_CONNECTIONS=2000 bench/memory.sh
#   REQUESTS_PER_CONNECTION=1 bench/memory.sh
#
# Needs nginx, python3, curl, and a file-descriptor limit above N + 1024 (the soft limit is raised to the hard one).
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
N="${IDLE_CONNECTIONS:-10000}"
CONNECT_CONCURRENCY="${CONNECT_CONCURRENCY:-200}"
REQUESTS_PER_CONNECTION="${REQUESTS_PER_CONNECTION:-2}"
SETTLE_SECS="${SETTLE_SECS:-5}"
SENTINEL_PORT="${SENTINEL_PORT:-18090}"
BACKEND_PORT="${BACKEND_PORT:-18091}"
NGINX_PORT="${NGINX_PORT:-18092}"
SENTINEL_BIN="${SENTINEL_BIN:-$REPO/bin/sentinel.sh}"
RESULTS_DIR="${RESULTS_DIR:-$REPO/bench/results/memory-$(date -u +%Y%m%dT%H%M%SZ)}"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

log() { printf '[memory %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in "$NGINX" python3 curl; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
need_fds=$(( N + 1024 ))  # per process: the client, and each proxy, holds N sockets
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) >= need_fds )) || die "open-file limit $(ulimit -n) is below $need_fds; raise it (ulimit -n) or lower IDLE_CONNECTIONS"
ports_free=$(( $(cut -f2 /proc/sys/net/ipv4/ip_local_port_range) - $(cut -f1 /proc/sys/net/ipv4/ip_local_port_range) ))
(( ports_free > N )) || die "only $ports_free ephemeral ports for $N connections"

TMP="$(mktemp -d)"
mkdir -p "$RESULTS_DIR" "$TMP/backend" "$TMP/nginx"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

start_bg() {  # $1 = log file, rest = command; its own process group, whose id is echoed
  local out="$1"; shift
  setsid "$@" >"$out" 2>&1 < /dev/null &
  PIDS+=("$!")
  LAST_PID=$!
}

wait_200() {  # $1 = port, $2 = timeout secs
  local deadline=$(( SECONDS + $2 ))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/")" = 200 ]; do
    (( SECONDS < deadline )) || return 1
    sleep 0.2
  done
}

rss_kb() {  # $1 = pid: VmRSS of it and all its descendants, in KB
  local total=0 pid kb
  for pid in $1 $(pgrep -g "$(ps -o pgid= "$1" | tr -d ' ')" 2>/dev/null | grep -vx "$1" || true); do
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$(( total + ${kb:-0} ))
  done
  echo "$total"
}

BODY="$(head -c 1024 /dev/zero | tr '\0' 'x')"
nginx_conf() {  # $1 = dir, $2 = server block
  cat <<CONF
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile $(( need_fds + 1024 ));
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections $(( 2 * N + 512 )); multi_accept on; }
http {
    access_log off;
    keepalive_timeout 600s;
    keepalive_requests 10000000;
    client_body_temp_path $1/client_body;
    proxy_temp_path $1/proxy;
    fastcgi_temp_path $1/fastcgi;
    uwsgi_temp_path $1/uwsgi;
    scgi_temp_path $1/scgi;
$2
}
CONF
}
nginx_conf "$TMP/backend" "    server { listen 127.0.0.1:$BACKEND_PORT backlog=4096; location / { default_type text/plain; return 200 \"$BODY\"; } }" \
  >"$TMP/backend/nginx.conf"
nginx_conf "$TMP/nginx" "    upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 64; }
    server { listen 127.0.0.1:$NGINX_PORT backlog=4096;
        location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }" \
  >"$TMP/nginx/nginx.conf"
cat >"$TMP/sentinel.kdl" <<KDL
system { worker-threads 0; max-connections $(( 2 * N )) }
listeners {
    listener "bench" {
        address "127.0.0.1:$SENTINEL_PORT"
        protocol "http"
        keepalive-timeout-secs 600
    }
}
limits { max-connections-per-client $(( 2 * N )) }
routes { route "all" { matches { path-prefix "/" }; upstream "backend" } }
upstreams { upstream "backend" { target "127.0.0.1:$BACKEND_PORT" } }
KDL
cp "$TMP/sentinel.kdl" "$TMP/nginx/nginx.conf" "$RESULTS_DIR/"

declare -A RESULT
measure() {  # $1 = label, $2 = port, $3 = pid
  local label="$1" port="$2" pid="$3" base with line open failed
  for _ in 1 2 3 4 5; do curl -s -o /dev/null "http://127.0.0.1:$port/"; done
  base=$(rss_kb "$pid")
  log "$label: RSS $(( base / 1024 )) MB before; opening $N idle keep-alive connections"
  mkfifo "$TMP/$label.in"
  python3 "$REPO/bench/idle_clients.py" 127.0.0.1 "$port" "$N" "$CONNECT_CONCURRENCY" "$REQUESTS_PER_CONNECTION" \
    <"$TMP/$label.in" >"$TMP/$label.out" 2>"$RESULTS_DIR/$label.client.log" &
  local client=$!
  exec 3>"$TMP/$label.in"
  local deadline=$(( SECONDS + 600 ))
  until grep -q '^READY' "$TMP/$label.out" 2>/dev/null; do
    kill -0 "$client" 2>/dev/null || die "$label: client exited: $(cat "$RESULTS_DIR/$label.client.log")"
    (( SECONDS < deadline )) || die "$label: connections not established within 600 s"
    sleep 0.5
  done
  read -r _ open failed < <(grep '^READY' "$TMP/$label.out")
  sleep "$SETTLE_SECS"   # let the server finish its per-connection work (buffers released when idle)
  with=$(rss_kb "$pid")
  echo >&3
  deadline=$(( SECONDS + 30 ))
  until grep -q '^OPEN' "$TMP/$label.out"; do (( SECONDS < deadline )) || break; sleep 0.2; done
  local still
  still=$(awk '/^OPEN/ { print $2 }' "$TMP/$label.out")
  exec 3>&-
  wait "$client" || true
  RESULT[$label]="$base $with $open $failed ${still:-n/a}"
  log "$label: RSS $(( with / 1024 )) MB with $open connections ($failed failed, ${still:-?} still open at the end)"
}

log "results: $RESULTS_DIR"
start_bg "$RESULTS_DIR/backend.log" "$NGINX" -p "$TMP/backend" -c "$TMP/backend/nginx.conf" -e "$TMP/backend/error.log"
wait_200 "$BACKEND_PORT" 10 || die "backend nginx did not start"

start_bg "$RESULTS_DIR/nginx.log" "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log"
NGINX_PID=$LAST_PID
wait_200 "$NGINX_PORT" 10 || die "comparison nginx did not start"
measure nginx "$NGINX_PORT" "$NGINX_PID"
kill -TERM -- "-$NGINX_PID" 2>/dev/null || true

start_bg "$RESULTS_DIR/sentinel.log" "$SENTINEL_BIN" run -c "$TMP/sentinel.kdl"
SENTINEL_PID=$LAST_PID
wait_200 "$SENTINEL_PORT" 60 || { tail -20 "$RESULTS_DIR/sentinel.log" >&2; die "Sentinel did not start"; }
measure sentinel "$SENTINEL_PORT" "$SENTINEL_PID"

{
  echo
  echo "RSS at $N idle keep-alive connections ($(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%M:%SZ); Sentinel JAVA_OPTS: ${JAVA_OPTS:-defaults of bin/sentinel.sh})"
  printf '%-9s %12s %12s %14s %8s %8s %11s\n' target "RSS before" "RSS with" "KB/connection" open failed "still open"
  for t in nginx sentinel; do
    read -r base with open failed still <<<"${RESULT[$t]:-0 0 0 0 n/a}"
    per=$(awk -v b="$base" -v w="$with" -v n="$open" 'BEGIN { if (n > 0) printf "%.1f", (w - b) / n; else print "n/a" }')
    printf '%-9s %9.1f MB %9.1f MB %14s %8s %8s %11s\n' "$t" "$(awk -v k="$base" 'BEGIN{print k/1024}')" \
      "$(awk -v k="$with" 'BEGIN{print k/1024}')" "$per" "$open" "$failed" "$still"
  done
  echo "KB/connection = (RSS with - RSS before) / open connections; nginx: master + worker."
} | tee "$RESULTS_DIR/summary.txt"
