# Sourced by bin/sentinel.sh, mvnw and .ci/run: finds a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME, then `java` on PATH, then the newest JDK under /usr/lib/jvm.

SENTINEL_MIN_JAVA=21

# Prints the feature version (17, 21, 25, ...) of the java binary $1, or nothing.
sentinel_java_version() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

sentinel_find_java() {
  local candidate version tried=""
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local jvm
  for jvm in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${jvm%/}"); done

  for candidate in "${candidates[@]}"; do
    [ -x "$candidate/bin/java" ] || continue
    version=$(sentinel_java_version "$candidate/bin/java")
    tried="$tried\n  $candidate (java ${version:-?})"
    if [ -n "$version" ] && [ "$version" -ge "$SENTINEL_MIN_JAVA" ] && [ -x "$candidate/bin/javac" -o -n "${SENTINEL_JRE_OK:-}" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  printf 'sentinel: needs a JDK %s or newer, and found none.\n' "$SENTINEL_MIN_JAVA" >&2
  printf 'Looked at $JAVA_HOME, the java on PATH and /usr/lib/jvm/*:%b\n' "${tried:-\n  (no java found at all)}" >&2
  printf 'Install one (e.g. Temurin 25, or apt-get install openjdk-21-jdk) or point JAVA_HOME at it.\n' >&2
  return 1
}
