#!/usr/bin/env bash
# The real-Kafka oracle (issue 15): replays scenario files on a real Apache Kafka 4.4.0 KRaft
# cluster (separate JVMs on 127.0.0.1) and compares Kafka's end state with `kplay run`'s, field
# by field. Usage: tests/oracle/run.sh [SCENARIO.json ...]   (default: tests/oracle/scenarios/*.json)
# Exit 0 when every difference is explained in tests/oracle/explained.json; 1 otherwise.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
args=(); for f in "$@"; do args+=("$(realpath "$f")"); done; set -- "${args[@]}"
cd "$repo"

command -v java >/dev/null || { echo "oracle: java not found (JDK 17 or newer needed)" >&2; exit 2; }
jv="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
[ "${jv:-0}" -ge 17 ] || { echo "oracle: Java $jv found, Kafka 4.4 needs 17 or newer" >&2; exit 2; }
command -v mvn >/dev/null || { echo "oracle: mvn not found (Maven resolves Kafka 4.4.0 from Maven Central)" >&2; exit 2; }

if [ "$#" -eq 0 ]; then set -- "$here"/scenarios/*.json; fi
out="${ORACLE_OUT:-$repo/target/oracle}"
rm -rf "$out"; mkdir -p "$out/plans" "$out/real"
work="$(mktemp -d /tmp/kplay-oracle.XXXXXX)"
# Every broker and controller JVM carries its work folder on its command line: whatever happened
# to the harness (even a SIGKILL from timeout), none of them outlives this script.
cleanup() {
  pkill -KILL -f -- "-Dkplay.logs=$work" 2>/dev/null || true
  [ -n "${KEEP_ORACLE_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

echo "oracle: building the harness (Maven resolves org.apache.kafka:kafka_2.13:4.4.0 once)" >&2
mvn -q -B -f "$here/pom.xml" -DskipTests package >&2
cargo build -q --release -p kplay-cli
kplay="$repo/target/release/kplay"

plans=()
for f in "$@"; do
  name="$(basename "$f" .json)"
  "$kplay" oracle-plan "$f" > "$out/plans/$name.json"
  plans+=("$out/plans/$name.json")
done

cp="$here/target/kplay-oracle-1.jar:$(cat "$here/target/classpath.txt")"
# Bounded: the whole layer stops after ORACLE_TIMEOUT seconds, and the harness's shutdown hook
# stops every broker it started (SIGTERM from timeout reaches the JVM).
timeout --signal=TERM --kill-after=20 "${ORACLE_TIMEOUT:-600}" \
  java -Xmx256m -cp "$cp" kplay.oracle.Oracle --out "$out/real" --work "$work" "${plans[@]}"

# The table is written to a file first: a status set inside `{ …; } | tee` would be set in a
# subshell and lost (until 2026-12-07 an unexplained difference did not fail the layer).
status=0
table="$out/table.md"
{
  echo "| scenario | field | kplay | Kafka 4.4.0 | verdict |"
  echo "|---|---|---|---|---|"
} > "$table"
for f in "$@"; do
  name="$(basename "$f" .json)"
  "$kplay" oracle-diff "$f" "$out/real/$name.real.json" --explained "$here/explained.json" >> "$table" || status=1
done
cat "$table"
[ "$status" -eq 0 ] || echo "oracle: unexplained differences (see the table above)" >&2
exit $status
