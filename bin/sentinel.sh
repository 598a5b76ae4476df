#!/usr/bin/env bash
# Sentinel control script.
#
#   bin/sentinel.sh run    [-c FILE]   serve in the foreground (builds first if lib/ is empty)
#   bin/sentinel.sh start  [-c FILE]   serve in the background; pid in logs/sentinel.pid, output in logs/
#   bin/sentinel.sh stop               graceful stop (SIGTERM), waits for in-flight requests
#   bin/sentinel.sh status             is it running? (exit 0 yes, 3 no)
#   bin/sentinel.sh reload             re-read the config (SIGHUP); a bad config is refused and logged
#   bin/sentinel.sh test   [-c FILE]   validate the config and exit (0 valid, 1 invalid)
#   bin/sentinel.sh plugins            list the plugin types on offer: built-ins and plugins/*.jar
#
# Environment: JAVA_HOME (a JDK/JRE >= 21; found by itself otherwise), JAVA_OPTS (added after the
# defaults below, so they win), SENTINEL_CONFIG (default config file), SENTINEL_PID_FILE.
# Remote JMX (docs/jmx.md): SENTINEL_JMX_PORT enables it; SENTINEL_JMX_HOST (127.0.0.1),
# SENTINEL_JMX_AUTH (true; needs etc/jmxremote.password, mode 600), SENTINEL_JMX_SSL (false).
set -euo pipefail

SENTINEL_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$SENTINEL_HOME/bin/java-env.sh"

MAIN_CLASS=dev.sentinel.server.server.Main
LOG_DIR="$SENTINEL_HOME/logs"
PID_FILE="${SENTINEL_PID_FILE:-$LOG_DIR/sentinel.pid}"
CONFIG="${SENTINEL_CONFIG:-$SENTINEL_HOME/etc/sentinel.kdl}"

# A proxy wants a bounded, predictable footprint and a fast exit on memory exhaustion rather than
# limping on. Override any of these through JAVA_OPTS.
DEFAULT_JVM_OPTS=(
  -Xms256m -Xmx1g
  -XX:MaxDirectMemorySize=512m
  -XX:+UseG1GC
  -XX:+ExitOnOutOfMemoryError
  -XX:+PerfDisableSharedMem
  -Dfile.encoding=UTF-8
)
# Huge pages for the heap where the kernel gives them on request: fewer TLB misses and page-table entries
# per request (bench/README.md, "Transparent huge pages"). Where it does not, the JVM would only warn.
THP_MODE_FILE=/sys/kernel/mm/transparent_hugepage/enabled
if [ -r "$THP_MODE_FILE" ] && grep -q '\[madvise\]' "$THP_MODE_FILE"; then
  DEFAULT_JVM_OPTS+=(-XX:+UseTransparentHugePages)
fi

usage() {
  # The comment block at the top of this file, without its '#' marks.
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "${BASH_SOURCE[0]}"
}

die() {
  echo "sentinel: $*" >&2
  exit 1
}

have_jars() {
  compgen -G "$SENTINEL_HOME/lib/sentinel-server-*.jar" >/dev/null
}

# A checkout is its own distribution: on first use, build lib/ with the Maven wrapper.
ensure_built() {
  have_jars && return 0
  [ -x "$SENTINEL_HOME/mvnw" ] && [ -f "$SENTINEL_HOME/pom.xml" ] \
    || die "lib/ holds no Sentinel jars, and this is not a source checkout to build them from"
  echo "sentinel: lib/ is empty; building Sentinel once (./mvnw package, tests skipped)..." >&2
  (cd "$SENTINEL_HOME" && ./mvnw -q -B -DskipTests package) || die "the build failed; see the output above"
  have_jars || die "the build finished but lib/ is still empty"
}

# Remote JMX only when asked for, bound to loopback and with authentication unless switched off.
jmx_opts() {
  JMX_OPTS=()
  [ -n "${SENTINEL_JMX_PORT:-}" ] || return 0
  local host="${SENTINEL_JMX_HOST:-127.0.0.1}" auth="${SENTINEL_JMX_AUTH:-true}" ssl="${SENTINEL_JMX_SSL:-false}"
  local passwords="${SENTINEL_JMX_PASSWORD_FILE:-$SENTINEL_HOME/etc/jmxremote.password}"
  local access="${SENTINEL_JMX_ACCESS_FILE:-$SENTINEL_HOME/etc/jmxremote.access}"
  JMX_OPTS=(
    "-Dcom.sun.management.jmxremote.port=$SENTINEL_JMX_PORT"
    "-Dcom.sun.management.jmxremote.rmi.port=$SENTINEL_JMX_PORT"
    "-Dcom.sun.management.jmxremote.host=$host"
    "-Djava.rmi.server.hostname=$host"
    "-Dcom.sun.management.jmxremote.ssl=$ssl"
    "-Dcom.sun.management.jmxremote.registry.ssl=$ssl"
    "-Dcom.sun.management.jmxremote.authenticate=$auth"
  )
  if [ "$auth" = "true" ]; then
    [ -f "$passwords" ] || die "SENTINEL_JMX_PORT is set but $passwords does not exist; create it with lines
'<role> <password>' for the roles in $access, then chmod 600 it (or set SENTINEL_JMX_AUTH=false, not advised)"
    [ "$(stat -c %a "$passwords")" = "600" ] || [ "$(stat -c %a "$passwords")" = "400" ] \
      || die "$passwords must be readable by its owner only (chmod 600 $passwords)"
    JMX_OPTS+=("-Dcom.sun.management.jmxremote.password.file=$passwords"
      "-Dcom.sun.management.jmxremote.access.file=$access")
  fi
}

# Sets JAVA_CMD, an array so that paths with spaces survive; JAVA_OPTS is split on purpose.
java_cmd() {
  JMX_OPTS=()
  # `test` must not bind the JMX port a running instance may hold.
  if [ "$cmd" = run ] || [ "$cmd" = start ]; then
    jmx_opts
  fi
  # sentinel.home tells the server where plugins/ is.
  # shellcheck disable=SC2206
  JAVA_CMD=("$JAVA_HOME/bin/java" "${DEFAULT_JVM_OPTS[@]}" "-Dsentinel.home=$SENTINEL_HOME" "${JMX_OPTS[@]}"
    ${JAVA_OPTS:-} -cp "$SENTINEL_HOME/etc:$SENTINEL_HOME/lib/*" "$MAIN_CLASS")
}

running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid=$(cat "$PID_FILE")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

cmd="${1:-}"
[ $# -gt 0 ] && shift
while [ $# -gt 0 ]; do
  case "$1" in
    -c|--config) [ $# -ge 2 ] || die "$1 needs a file"; CONFIG="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unexpected argument '$1' (see bin/sentinel.sh --help)" ;;
  esac
done

case "$cmd" in
  run)
    ensure_built
    sentinel_find_java || exit 1
    java_cmd
    exec "${JAVA_CMD[@]}" run -c "$CONFIG"
    ;;
  test)
    ensure_built
    sentinel_find_java || exit 1
    java_cmd
    exec "${JAVA_CMD[@]}" test -c "$CONFIG"
    ;;
  plugins)
    ensure_built
    sentinel_find_java || exit 1
    java_cmd
    exec "${JAVA_CMD[@]}" plugins
    ;;
  start)
    ensure_built
    sentinel_find_java || exit 1
    if pid=$(running_pid); then
      die "already running (pid $pid)"
    fi
    mkdir -p "$LOG_DIR"
    out="$LOG_DIR/sentinel.out"
    : >"$out"
    java_cmd
    # setsid, not nohup: nohup leaves SIGHUP ignored, and the JVM then never sees `reload`.
    setsid "${JAVA_CMD[@]}" run -c "$CONFIG" >>"$out" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_FILE"
    for _ in $(seq 1 300); do
      if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$PID_FILE"
        tail -n 20 "$out" >&2
        die "failed to start; output above and in $out"
      fi
      if grep -q "started:" "$out"; then
        echo "sentinel: started (pid $pid), output in $out"
        exit 0
      fi
      sleep 0.1
    done
    die "still starting after 30 s (pid $pid); see $out"
    ;;
  stop)
    pid=$(running_pid) || { echo "sentinel: not running"; rm -f "$PID_FILE"; exit 0; }
    kill -TERM "$pid"
    for _ in $(seq 1 600); do
      if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$PID_FILE"
        echo "sentinel: stopped"
        exit 0
      fi
      sleep 0.1
    done
    die "pid $pid did not stop within 60 s; run 'kill -KILL $pid' to force it"
    ;;
  status)
    if pid=$(running_pid); then
      echo "sentinel: running (pid $pid)"
    else
      echo "sentinel: not running"
      exit 3
    fi
    ;;
  reload)
    pid=$(running_pid) || die "not running"
    kill -HUP "$pid"
    echo "sentinel: reload requested (pid $pid); the result is in the log"
    ;;
  ""|-h|--help|help)
    usage
    [ -n "$cmd" ] || exit 2
    ;;
  *)
    die "unknown command '$cmd' (see bin/sentinel.sh --help)"
    ;;
esac
