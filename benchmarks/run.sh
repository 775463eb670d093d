#!/usr/bin/env bash
# What toolguard adds to file operations, hand-offs, reads of settings and calls of code born in
# tools, measured with JMH in three configurations:
#   none     no agent
#   outside  agent attached, no tool running
#   inside   agent attached, inside a tool whose grant matches
# and OpenCostBenchmark once more inside a tool with the pinning of opens turned off.
# Build first: mvn -B package -DskipTests. Usage: benchmarks/run.sh [JMH options]; without options: one
# fork, 3 warm-up and 5 measured iterations of 1 s each (what the README's table used).
# (JAVA_HOME selects the JDK; default: java on the PATH). Prints one JMH result table per configuration.
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
mkdir -p "$work/sandbox"
cat > "$work/policy.yaml" <<YAML
version: 1
sandbox: sandbox
tools:
  bench:
    decision: allow
    risk: LOW
    files:
      read: ["data/**"]
      write: ["data/**"]
    env:
      variables: ["HOME"]
      properties: ["toolguard.bench.dir"]
YAML
bench=(-Dtoolguard.bench.dir="$work/sandbox")
with_agent="-javaagent:$agent=policy=$work/policy.yaml,audit=$work/audit.jsonl,reload=0"

# measured in all three configurations; the rest need the agent
measured="FileAccessBenchmark|HandOffBenchmark|EnvReadBenchmark|BornCodeBenchmark|OpenCostBenchmark"
[ $# -gt 0 ] || set -- -f 1 -wi 3 -w 1 -i 5 -r 1
"$java" -version 2>&1 | head -1
echo "== none: no agent"
"$java" -jar "$benchmarks" "$measured" -p where=outside -jvmArgsAppend "${bench[*]}" "$@"
echo "== outside: agent attached, no tool running"
"$java" -jar "$benchmarks" -p where=outside -jvmArgsAppend "${bench[*]} $with_agent" "$@"
echo "== inside: agent attached, inside a tool with a matching grant"
"$java" -jar "$benchmarks" "$measured" -p where=inside -jvmArgsAppend "${bench[*]} $with_agent" "$@"
echo "== inside, not pinned: as inside, with -Dtoolguard.pinned_opens=off (the same as inside before JDK 22)"
"$java" -jar "$benchmarks" OpenCostBenchmark -p where=inside \
  -jvmArgsAppend "${bench[*]} -Dtoolguard.pinned_opens=off $with_agent" "$@"
