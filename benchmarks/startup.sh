#!/usr/bin/env bash
# What the agent adds to the start-up of a hello-world JVM: median wall time of N runs
# without the agent and with it (a policy with one rule). Build first: mvn -B package -DskipTests
# Usage: benchmarks/startup.sh [RUNS]   (JAVA_HOME selects the JDK; default: java on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
agent=agent/target/toolguard-agent.jar
[ -f "$agent" ] || { echo "build the agent first: mvn -B package -DskipTests" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/Hello.java" <<'JAVA'
public class Hello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
JAVA
"${JAVA_HOME:+$JAVA_HOME/bin/}javac" -d "$work" "$work/Hello.java"
printf 'version: 1\nsandbox: .\ntools:\n  hello:\n    decision: allow\n' > "$work/policy.yaml"

median_ms() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" > /dev/null 2>&1
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'
}

"$java" -cp "$work" Hello > /dev/null # warm the file cache
without=$(median_ms "$java" -cp "$work" Hello)
with=$(median_ms "$java" "-javaagent:$agent=policy=$work/policy.yaml,audit=$work/audit.jsonl" -cp "$work" Hello)
echo "$("$java" -version 2>&1 | head -1), $runs runs each"
echo "without agent: ${without} ms (median)"
echo "with agent:    ${with} ms (median)"
echo "added:         $(( with - without )) ms"
