# Sourced by ./faltung, ./run-tests and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME if new enough, the java on PATH, then JDKs installed in the usual places
# (newest first). Fails with a message saying what is missing and how to get it.

faltung_java_major() { # $1 = JDK home; prints its feature version, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

faltung_find_java() {
  local min=21 candidates=() home major best="" best_major=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$home" ] && candidates+=("$home")
  done
  # An explicit JAVA_HOME that is new enough wins; otherwise take the newest JDK found.
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(faltung_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge "$min" ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  for home in "${candidates[@]}"; do
    major=$(faltung_java_major "$home")
    if [ -n "$major" ] && [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
      best="$home"; best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "faltung: no JDK $min or newer found (looked at JAVA_HOME, the java on PATH and /usr/lib/jvm)." >&2
    echo "faltung: install one, e.g. 'apt-get install openjdk-21-jdk' or a Temurin JDK, or set JAVA_HOME." >&2
    return 1
  fi
  echo "$best"
}

if JAVA_HOME=$(faltung_find_java); then
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
else
  unset JAVA_HOME
  return 1 2>/dev/null || exit 1
fi

# Maven 3.8's bundled Guava warns about sun.misc.Unsafe on JDK 24+; the warning is noise.
if [ "$(faltung_java_major "$JAVA_HOME")" -ge 24 ]; then
  case "${MAVEN_OPTS:-}" in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
fi
