#!/usr/bin/env bash
# The full profile on one 2-core machine, as the committed run was made; every step resumes.
#
#   bash scripts/study-full.sh [out-dir] [profile]   (default results/full, full)
#
# 1. claim 7's step timing (the `overhead` experiment) with the machine to itself, each replicate
#    in a process of its own (so that replicates share no warm caches or allocator state);
# 2. everything else as two single-threaded shards side by side (two such processes train these
#    small networks faster than one process with two threads); when a resumed run finds one shard
#    finished, the other runs alone with the default threads;
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
while [ "$(overhead_runs)" -lt "$planned" ]; do
  before="$(overhead_runs)"
  "${study[@]}" --only-experiments overhead --max-runs 1
  [ "$(overhead_runs)" -gt "$before" ] || { echo "study-full: an overhead run did not finish" >&2; exit 1; }
done

# A resumed run in which one shard has finished gives the other both cores (one process with two
# threads beats one single-threaded process left alone).
left="$(node --import tsx scripts/study-shards-left.ts "$OUT" "$PROFILE" 2)"
read -r left0 left1 <<< "$left"
if [ "$left0" -gt 0 ] && [ "$left1" -gt 0 ]; then
  TF_NUM_INTRAOP_THREADS=1 "${study[@]}" --shard 0/2 --skip-experiments overhead > "$OUT/shard-0.log" 2>&1 &
  first=$!
  TF_NUM_INTRAOP_THREADS=1 "${study[@]}" --shard 1/2 --skip-experiments overhead > "$OUT/shard-1.log" 2>&1 &
  second=$!
  echo "study-full: two shards running (logs: $OUT/shard-0.log, $OUT/shard-1.log)"
  wait "$first"
  wait "$second"
else
  for shard in 0 1; do
    n="left$shard"
    [ "${!n}" -gt 0 ] || continue
    echo "study-full: shard $shard/2 alone with the default threads, ${!n} runs left (log: $OUT/shard-$shard.log)"
    "${study[@]}" --shard "$shard/2" --skip-experiments overhead >> "$OUT/shard-$shard.log" 2>&1
  done
fi
"${study[@]}" --merge "$OUT/results.shard-0-of-2.jsonl" "$OUT/results.shard-1-of-2.jsonl" --details
