#!/usr/bin/env bash
# Joins the partitions of deploy/slurm/sweep-array.sh into one sweep folder;
# submitted by submit.sh with --dependency=afterok:<array job>, so it runs
# only when every task succeeded (merge would refuse a missing shard anyway).
#
# Environment: WFPLAN, WFPLAN_PARTS, WFPLAN_SHARDS as for the array, and
#   WFPLAN_OUT    the merged sweep folder
#SBATCH --job-name=wfplan-merge
#SBATCH --cpus-per-task=1
#SBATCH --output=wfplan-merge-%j.out
set -euo pipefail
: "${WFPLAN_PARTS:?}" "${WFPLAN_SHARDS:?}" "${WFPLAN_OUT:?set WFPLAN_OUT}"
parts=()
for index in $(seq 1 "$WFPLAN_SHARDS"); do
  parts+=("$WFPLAN_PARTS/$index")
done
exec "${WFPLAN:-wfplan}" merge "${parts[@]}" --out "$WFPLAN_OUT"
