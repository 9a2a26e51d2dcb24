#!/usr/bin/env bash
# Regenerates src/test/resources/upgrade/ (StateUpgradeIT's golden data) with the PREVIOUS
# release, the last that writes key-state format 1:
#
#   git worktree add /tmp/gru-old f10c9d0
#   (cd /tmp/gru-old && mvn -B -q package -Dmaven.test.skip=true)
#   src/test/upgrade/generate.sh /tmp/gru-old
#
# It runs the old application through its own command line on an in-process broker:
#   1. topics (as topics/ declares them, but kept forever: the events are dated 2026-01-01),
#      the seeded model published effective from the epoch;
#   2. run A on the first FIRST events of every key, stopped with SIGTERM (a clean shutdown, as
#      before an in-place upgrade); its state store's changelog is what an upgrade finds;
#   3. run B, another application id with outputs of its own, on every event uninterrupted: the
#      outputs and final per-key states the new build must reach from A's state.
# Deterministic: every run writes the same files (the changelog is dumped compacted, the last
# record of each key, which does not depend on when A committed).
set -euo pipefail
old="$(cd "${1:?usage: generate.sh OLD_CHECKOUT [OUT_DIR]}" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(mkdir -p "${2:-$here/../resources/upgrade}" && cd "${2:-$here/../resources/upgrade}" && pwd)"
jar="$old/target/gru-streams.jar"
[ -f "$jar" ] || {
  echo "no $jar: build the old checkout first (mvn -B -q package -Dmaven.test.skip=true)" >&2
  exit 1
}
work="$(mktemp -d)"
pids=()
cleanup() {
  # The runs first, then the broker (pids[0]), each waited for before its files are removed.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

gru() { java -Xmx512m -jar "$jar" "$@"; }
# For `gru_bg ... &`: exec makes the background subshell the JVM itself, so $! is the JVM's pid
# and a signal sent to it reaches the application (not only a shell around it).
# RunCommand at info: its "stopped, Kafka Streams closed" line is how a clean stop is told.
gru_bg() {
  exec java -Xmx512m -Dorg.slf4j.simpleLogger.log.io.grustreams.app.cli.RunCommand=info -jar "$jar" "$@"
}
tool() { java -Xmx256m -cp "$jar" "$here/UpgradeGolden.java" "$@"; }

# The constants of UpgradeGolden.java (StateUpgradeIT repeats them).
keys=3 steps=125 first=77

echo "workload and broker..." >&2
tool workload "$work"
gru_bg broker --port 0 --dir "$work/broker" >"$work/broker.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  grep -q '^bootstrap.servers=' "$work/broker.log" 2>/dev/null && break
  sleep 0.2
done
bootstrap="$(sed -n 's/^bootstrap.servers=//p' "$work/broker.log")"
[ -n "$bootstrap" ] || { cat "$work/broker.log" >&2; exit 1; }

# Topic files as the old release ships them, with time retention off: outputs carry the events'
# 2026-01-01 timestamps, which a 7-day retention would delete while the run is still going.
mkdir "$work/topics"
for f in "$old"/topics/*.properties; do
  sed 's/^config\.retention\.ms=.*/config.retention.ms=-1/' "$f" >"$work/topics/$(basename "$f")"
done

# The gru.* settings StateUpgradeIT uses (StateUpgradeIT.settings): anomaly windows short enough
# that the spikes open alerts, a long window whose half exceeds the short means of the run (see the README there).
config() { # NAME APPLICATION_ID [extra lines]
  local file="$work/$1.properties"
  {
    echo "bootstrap.servers=$bootstrap"
    echo "application.id=$2"
    echo "state.dir=$work/state-$1"
    echo "gru.http.port=$(tool free-port)"
    cat <<EOF
gru.features=value
gru.ring.size=32
gru.anomaly.residual-warmup=5
gru.anomaly.short-window=3
gru.anomaly.long-window=240
gru.anomaly.learning-period=20
gru.anomaly.open-threshold=0.85
gru.anomaly.open-after=1
gru.anomaly.resolve-threshold=0.5
gru.anomaly.resolve-after=3
gru.anomaly.cooldown=5
EOF
    shift 2
    for line in "$@"; do echo "$line"; done
  } >"$file"
  echo "$file"
}

run_until() { # CONFIG TOPIC COUNT: runs the old app until TOPIC holds COUNT committed records, then SIGTERM
  gru_bg run --config "$1" --topics "$work/topics" >>"$work/run.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  tool await "$bootstrap" "$2" "$3"
  kill -TERM "$pid"
  # 143 = 128 + SIGTERM: the old run's exit status once it has closed Kafka Streams.
  local status=0
  wait "$pid" || status=$?
  if [ "$status" -ne 143 ] || ! grep -q 'stopped, Kafka Streams closed' "$work/run.log"; then
    echo "the old run did not stop cleanly (exit $status)" >&2
    tail -50 "$work/run.log" >&2
    exit 1
  fi
  : >"$work/run.log"
}

a="$(config a upgrade-old)"
b="$(config b upgrade-whole gru.topic.forecasts=forecasts-whole gru.topic.alerts=alerts-whole \
  gru.topic.dead-letters=dead-letters-whole)"
gru topics apply --config "$a" --dir "$work/topics" >&2
gru topics apply --config "$b" --dir "$work/topics" >&2
gru model publish --config "$a" --effective-from 1970-01-01T00:00:00Z "$work/model.json" >&2

echo "run A: the first $first events of each key, then SIGTERM..." >&2
gru produce --config "$a" --topic events --input "$work/first.csv" >&2
run_until "$a" forecasts $((keys * first))
tool changelog "$bootstrap" upgrade-old-gru-state-changelog "$out/changelog-v1.txt"
tool outputs "$bootstrap" forecasts "$work/forecasts-a.jsonl"

echo "run B: all $steps events of each key, uninterrupted..." >&2
gru produce --config "$a" --topic events --input "$work/rest.csv" >&2
run_until "$b" forecasts-whole $((keys * steps))
tool outputs "$bootstrap" forecasts-whole "$work/forecasts.jsonl"
tool outputs "$bootstrap" alerts-whole "$out/alerts.jsonl"
tool changelog "$bootstrap" upgrade-whole-gru-state-changelog "$out/states-end-v1.txt"
tool await "$bootstrap" dead-letters-whole 0
# A stopped and B uninterrupted agree on A's part: the stop lost and repeated nothing.
tool prefix "$work/forecasts.jsonl" "$work/forecasts-a.jsonl" "$first"

tool record "$bootstrap" models "$out/model-record.txt"
cp "$work/events.csv" "$out/events.csv"
gzip -9n <"$work/forecasts.jsonl" >"$out/forecasts.jsonl.gz"
echo "wrote $(ls "$out" | tr '\n' ' ')to $out" >&2
