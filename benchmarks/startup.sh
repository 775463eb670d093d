#!/usr/bin/env bash
# What the agent adds to the start-up of a JVM, in paired runs (without the agent, then with it, N times),
# wall time and peak RSS, min / median / max:
#   floor      a hello-world main; B: a -javaagent whose premain does nothing (what the JVM itself charges
#              for -javaagent: java.instrument, the archived module graph given up, the jar opened)
#   hello      a hello-world main; the agent with a one-rule policy (its woven JDK classes kept beside its jar
#              by the warm-up run, as by any earlier start: see the README's "The woven JDK kept beside the jar")
#   hello, woven_jdk=off   the same with -Dtoolguard.woven_jdk=off: every JDK class woven, as at a first start
#   approvals  the same; the agent's policy also turns on the approval web page and a webhook (both idle)
#   example floor   the LangChain4j example; B: the -javaagent that does nothing (what the JVM itself
#              charges this application for -javaagent); only when the example is built
#   example    the LangChain4j example (scripted model, 3 tool calls), its own policy; only when built
#              (mvn -B package -DskipTests in examples/langchain4j)
#   cds        hello world and the example with a dynamic CDS archive of the application
#              (-XX:ArchiveClassesAtExit, made without the agent) on the B side, without the agent on both
#              sides, then with it on both; then the share of the archive's gain kept with the agent
#   aot        JDK 24+: hello world and the example with an AOT cache (JEP 483) on the B side, each
#              trained as it runs (without the agent; with it, in which run toolguard refuses every
#              tool); then the share of the cache's gain kept with the agent
# Build first: mvn -B package -DskipTests.
# Usage: benchmarks/startup.sh [RUNS]   (default 15; JDKS="jdk-home ..." selects the JDKs, default: the
# JDK 17 and JDK 25 of the CI machine when present, else JAVA_HOME or java on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
root=$PWD
agent=$root/agent/target/toolguard-agent.jar
example=$root/examples/langchain4j/target/toolguard-example-langchain4j.jar
[ -f "$agent" ] || { echo "build the agent first: mvn -B package -DskipTests" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time) for peak RSS" >&2; exit 1; }

if [ -z "${JDKS:-}" ]; then
  for jdk in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -x "$jdk/bin/java" ] && JDKS="${JDKS:-} $jdk"
  done
  JDKS=${JDKS:-${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}}
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sandbox" "$work/example"
mkdir -p "$work/noop"
cat > "$work/noop/NoopAgent.java" <<'JAVA'
public class NoopAgent {
  public static void premain(String options, java.lang.instrument.Instrumentation instrumentation) {}
}
JAVA
printf 'Premain-Class: NoopAgent\nCan-Retransform-Classes: true\n' > "$work/noop/manifest.txt"
cat > "$work/Hello.java" <<'JAVA'
public class Hello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
JAVA
printf 'version: 1\nsandbox: sandbox\ntools:\n  hello:\n    decision: allow\n' > "$work/policy.yaml"
printf 'version: 1\nsandbox: sandbox\napproval:\n  web:\n    port: 0\n  webhook:\n    url: http://127.0.0.1:9/approve\n    secret_env: TOOLGUARD_BENCH_SECRET\ntools:\n  hello:\n    decision: allow\n' \
  > "$work/approvals.yaml"
export TOOLGUARD_BENCH_SECRET=benchmark-only-secret
sed 's#^sandbox: .*#sandbox: workspace#' "$root/examples/langchain4j/policy.yaml" > "$work/example/policy.yaml"

# one_run OUT CMD...: appends "wall_ms rss_kib" of one run of CMD (its output discarded) to OUT
one_run() {
  local out=$1 start end; shift
  start=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$work/rss" "$@" > /dev/null 2> "$work/stderr" || {
    echo "failed: $*" >&2; cat "$work/stderr" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(tail -1 "$work/rss")" >> "$out"
}

# stats FILE COLUMN: "min median max" of a column
stats() {
  cut -d' ' -f"$2" "$1" | sort -n | awk '{a[NR]=$1} END {
    m = (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2); print a[1], m, a[NR]}'
}

# pair NAME "CMD WITHOUT" "CMD WITH": N interleaved runs of each, then one table row
pair() {
  local name=$1 without=$2 with=$3
  rm -f "$work/a" "$work/b"
  eval "$without" > /dev/null 2>&1 || true # warm the file cache
  eval "$with" > /dev/null 2>&1 || true
  for _ in $(seq "$runs"); do
    eval "one_run $work/a $without"
    eval "one_run $work/b $with"
  done
  read -r a_min a_med a_max <<< "$(stats "$work/a" 1)"
  read -r b_min b_med b_max <<< "$(stats "$work/b" 1)"
  read -r _ ra_med _ <<< "$(stats "$work/a" 2)"
  read -r _ rb_med _ <<< "$(stats "$work/b" 2)"
  last_gain=$((a_med - b_med)) # what B saves over A, for the AOT rows' "gain kept"
  awk -v v="$version" -v n="$name" -v a="$a_min $a_med $a_max" -v b="$b_min $b_med $b_max" \
    -v ra="$ra_med" -v rb="$rb_med" 'BEGIN {
      split(a, x, " "); split(b, y, " ")
      printf "| %s | %s | %d / %d / %d | %d / %d / %d | %+d ms | %.2f× | %.1f | %.1f | %+.1f |\n",
        v, n, x[1], x[2], x[3], y[1], y[2], y[3], y[2] - x[2], y[2] / x[2], ra / 1024, rb / 1024,
        (rb - ra) / 1024 }'
}

# kept_share PLAIN_GAIN GAIN: GAIN as a share of PLAIN_GAIN (ms), for the rows' "gain kept"; none
# where the gain without the agent is under 10 ms, within the noise of a start
kept_share() {
  awk -v p="$1" -v g="$2" 'BEGIN {
    if (p >= 10) printf "%d%%", 100 * g / p; else printf "n/a (%d ms without the agent)", p }'
}

# archive_gain KIND NAME "APP ARGS" "AGENT OPTION": two rows, the gain of what KIND names on the B
# side without the agent, then with the agent on both sides, and the share kept, added to $cds_kept
# or $aot_kept. KIND cds: a dynamic CDS archive of the application (JDK 13+) made without the agent
# (on JDK 24 and later the one used with the agent is made with java.instrument, which -javaagent
# adds and an archive must have been made with; JDK 17 dumps one with an agent in the JVM only with
# -XX:+AllowArchivingWithJavaAgent, a flag for testing: see the README). KIND aot (JDK 24+): an AOT
# cache (JEP 483), trained without the agent for the runs without it and with the agent (in which
# run toolguard refuses every tool) for the runs with it.
archive_gain() {
  local kind=$1 name=$2 args=$3 agent_option=$4 plain_gain
  local make_plain make_agent use_plain use_agent a_side b_plain b_agent
  if [ "$kind" = cds ]; then
    make_plain="-XX:ArchiveClassesAtExit=$work/$name-plain.jsa"
    make_agent="-XX:ArchiveClassesAtExit=$work/$name-agent.jsa $modules"
    use_plain="-XX:SharedArchiveFile=$work/$name-plain.jsa"
    use_agent="-XX:SharedArchiveFile=$work/$name-agent.jsa"
    a_side="default CDS"
    b_plain="+ app CDS archive"
    b_agent="+ app CDS archive"
  else
    make_plain="-XX:AOTCacheOutput=$work/$name-plain.aot"
    make_agent="-XX:AOTCacheOutput=$work/$name-agent.aot $agent_option"
    use_plain="-XX:AOTCache=$work/$name-plain.aot"
    use_agent="-XX:AOTCache=$work/$name-agent.aot"
    a_side="no AOT cache"
    b_plain="AOT cache"
    b_agent="AOT cache trained with the agent"
  fi
  "$java" $make_plain $args > /dev/null 2>&1 || {
    echo "$kind: making $name's archive without the agent failed" >&2; exit 1; }
  "$java" $make_agent $args > /dev/null 2>&1 || {
    echo "$kind: making $name's archive for the agent's runs failed" >&2; exit 1; }
  pair "$name, no agent; A: $a_side, B: $b_plain" "$java $args" "$java $use_plain $args"
  plain_gain=$last_gain
  pair "$name, agent on both; A: $a_side, B: $b_agent" "$java $agent_option $args" \
    "$java $use_agent $agent_option $args"
  if [ "$kind" = cds ]; then
    cds_kept="$cds_kept $name: $(kept_share "$plain_gain" "$last_gain")"
  else
    aot_kept="$aot_kept $name: $(kept_share "$plain_gain" "$last_gain")"
  fi
}

echo "$runs paired runs each; wall ms min / median / max; peak RSS MiB, medians"
echo
echo "| JDK | run | A: without agent (ms) | B: with agent (ms) | added | B/A | RSS A | RSS B | added RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
notes=""
for jdk in $JDKS; do
  java=$jdk/bin/java
  version=$("$java" -version 2>&1 | head -1 | sed -E 's/.*version "([^"]*)".*/\1/')
  feature=${version%%.*}
  "$jdk/bin/javac" -d "$work/classes-$feature" "$work/Hello.java"
  # A jar: an AOT cache takes application classes only from jars.
  "$jdk/bin/jar" cf "$work/hello-$feature.jar" -C "$work/classes-$feature" .
  app="-cp $work/hello-$feature.jar Hello"
  hello="$java $app"
  with="-javaagent:$agent=policy=$work/policy.yaml,audit=$work/audit.jsonl"
  "$jdk/bin/javac" -d "$work/noop/classes-$feature" "$work/noop/NoopAgent.java"
  "$jdk/bin/jar" cfm "$work/noop-$feature.jar" "$work/noop/manifest.txt" -C "$work/noop/classes-$feature" .
  noop="-javaagent:$work/noop-$feature.jar"
  pair "floor: B: a -javaagent that does nothing" "$hello" "$java $noop $app"
  pair hello "$hello" "$java $with $app"
  pair "hello, woven_jdk=off: B weaves the JDK at every start" "$hello" \
    "$java -Dtoolguard.woven_jdk=off $with $app"
  pair approvals "$hello" \
    "$java -javaagent:$agent=policy=$work/approvals.yaml,audit=$work/audit.jsonl $app"
  example_args="-jar $example $work/example/workspace"
  example_agent="-javaagent:$agent=policy=$work/example/policy.yaml,audit=$work/audit.jsonl"
  if [ -f "$example" ]; then
    mkdir -p "$work/example/workspace"
    pair "example floor: B: a -javaagent that does nothing" "$java $example_args" \
      "$java $noop $example_args"
    pair example "$java $example_args" "$java $example_agent $example_args"
  fi
  # The app CDS archive's and (JDK 24+) the AOT cache's gain, without the agent and with it, for
  # hello world and the example; the share of each gain the agent's runs keep goes under the table.
  modules=""
  [ "$feature" -ge 24 ] && modules="--add-modules java.instrument"
  cds_kept=""
  aot_kept=""
  kinds=cds
  if [ "$feature" -ge 24 ]; then
    kinds="cds aot"
  fi
  for kind in $kinds; do
    archive_gain "$kind" hello "$app" "$with"
    if [ -f "$example" ]; then
      archive_gain "$kind" example "$example_args" "$example_agent"
    fi
  done
  notes="$notes
JDK $version, app CDS archive's wall-time gain (median) kept with the agent:$cds_kept"
  if [ "$feature" -ge 24 ]; then
    notes="$notes
JDK $version, AOT cache's wall-time gain (median) kept with the agent:$aot_kept"
  fi
done
[ -z "$notes" ] || echo "$notes"
