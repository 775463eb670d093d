#!/usr/bin/env bash
# What the kernel sandbox adds to each process a tool starts: ProcessStartBenchmark with the agent
# attached, exec_sandbox off and then kernel (Landlock; JDK 22+ on Linux), inside the tool and
# outside tools. Build first: mvn -B package -DskipTests. Usage: benchmarks/exec-sandbox.sh [JMH
# options]; without options: one fork, 2 warm-up and 5 measured iterations of 1 s each.
# (JAVA_HOME selects the JDK; default: java on the PATH.)
set -euo pipefail
cd "$(dirname "$0")/.."
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
agent=$PWD/agent/target/toolguard-agent.jar
benchmarks=$PWD/benchmarks/target/toolguard-benchmarks.jar
for jar in "$agent" "$benchmarks"; do
  [ -f "$jar" ] || { echo "build first: mvn -B package -DskipTests ($jar is missing)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sandbox/data" "$work/sandbox/out"
[ $# -gt 0 ] || set -- -f 1 -wi 2 -w 1 -i 5 -r 1
"$java" -version 2>&1 | head -1
for mode in '"off"' kernel; do
  cat > "$work/policy.yaml" <<YAML
version: 1
sandbox: sandbox
exec_sandbox: $mode
tools:
  bench:
    decision: allow
    risk: LOW
    files:
      read: ["data/**"]
      write: ["out/**"]
    exec: ["true"]
YAML
  echo "== exec_sandbox: $mode"
  "$java" -jar "$benchmarks" ProcessStartBenchmark \
    -jvmArgsAppend "-javaagent:$agent=policy=$work/policy.yaml,audit=$work/audit.jsonl,reload=0" "$@"
done
