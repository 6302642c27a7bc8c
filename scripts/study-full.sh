#!/usr/bin/env bash
# The full profile on one 2-core machine, as the committed run was made; every step resumes.
#
#   bash scripts/study-full.sh [out-dir] [profile]   (default results/full, full)
#
# 1. claim 7's step timing (the `overhead` experiment) with the machine to itself (the CLI times
#    each replicate in a process of its own, so that replicates share no warm caches or allocator
#    state);
# 2. everything else as two single-threaded shards side by side (two such processes train these
#    small networks faster than one process with two threads); once one shard has finished, the
#    other goes on alone with the default threads;
# 3. the merge, which keeps the overhead runs already in the results file, and the report.
# Keep the machine otherwise idle during step 1; steps 2-3 only need it not to be overloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-results/full}"
PROFILE="${2:-full}"
study=(node --import tsx scripts/study.ts --profile "$PROFILE" --out "$OUT")

overhead_runs() {
  { grep '^{"type":"run"' "$OUT/results.jsonl" 2>/dev/null || true; } | grep -c '"kind":"overhead"' || true
}
planned="$(node --import tsx -e "
  const { expandSpec } = require('./lib/study/spec/plan');
  const { profileSpec } = require('./lib/study/spec/profiles');
  console.log(expandSpec(profileSpec(process.argv[1])).runs.filter((r) => r.config.kind === 'overhead').length);
" "$PROFILE")"
if [ "$(overhead_runs)" -lt "$planned" ]; then
  # The CLI times each overhead run in a child process of its own.
  "${study[@]}" --only-experiments overhead
  [ "$(overhead_runs)" -ge "$planned" ] || { echo "study-full: the overhead runs did not all finish" >&2; exit 1; }
fi

# Two single-threaded shards while both have runs left. When one finishes first, the other is
# stopped right after its current run (its results file gains a line; the runner resumes) and goes
# on alone with TensorFlow's default threads, so that it has both cores; a resumed run in which
# one shard has finished starts that way.
shards_left() { node --import tsx scripts/study-shards-left.ts "$OUT" "$PROFILE" 2; }
lines() { { wc -l < "$OUT/results.shard-$1-of-2.jsonl"; } 2>/dev/null || echo 0; }
before=""
while :; do
  left="$(shards_left)"
  read -r left0 left1 <<< "$left"
  [ "$left" != "$before" ] || { echo "study-full: no shard made progress ($left runs left)" >&2; exit 1; }
  before="$left"
  if [ "$left0" -gt 0 ] && [ "$left1" -gt 0 ]; then
    TF_NUM_INTRAOP_THREADS=1 "${study[@]}" --shard 0/2 --skip-experiments overhead >> "$OUT/shard-0.log" 2>&1 &
    pids=($!)
    TF_NUM_INTRAOP_THREADS=1 "${study[@]}" --shard 1/2 --skip-experiments overhead >> "$OUT/shard-1.log" 2>&1 &
    pids+=($!)
    echo "study-full: two shards running (logs: $OUT/shard-0.log, $OUT/shard-1.log)"
    while kill -0 "${pids[0]}" 2>/dev/null && kill -0 "${pids[1]}" 2>/dev/null; do sleep 5; done
    for shard in 0 1; do
      pid="${pids[$shard]}"
      if kill -0 "$pid" 2>/dev/null; then
        n="$(lines "$shard")"
        while kill -0 "$pid" 2>/dev/null && [ "$(lines "$shard")" -le "$n" ]; do sleep 2; done
        kill "$pid" 2>/dev/null || true
        wait "$pid" || true
      elif ! wait "$pid"; then
        kill "${pids[$((1 - shard))]}" 2>/dev/null || true
        echo "study-full: shard $shard/2 failed (log: $OUT/shard-$shard.log)" >&2
        exit 1
      fi
    done
  elif [ "$left0" -gt 0 ] || [ "$left1" -gt 0 ]; then
    shard=$([ "$left0" -gt 0 ] && echo 0 || echo 1)
    n="left$shard"
    echo "study-full: shard $shard/2 alone with the default threads, ${!n} runs left (log: $OUT/shard-$shard.log)"
    "${study[@]}" --shard "$shard/2" --skip-experiments overhead >> "$OUT/shard-$shard.log" 2>&1 || true
  else
    break
  fi
done
"${study[@]}" --merge "$OUT/results.shard-0-of-2.jsonl" "$OUT/results.shard-1-of-2.jsonl" --details
