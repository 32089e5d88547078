#!/usr/bin/env bash
# One shard of a wfplan sweep as a Slurm job-array task.
#
# Submit the whole run with deploy/slurm/submit.sh, which starts the array
# (sbatch --array=0-(N-1)) and a merge job that waits for every task
# (--dependency=afterok). Each task solves shard (SLURM_ARRAY_TASK_ID + 1)
# of N -- wfplan numbers shards from 1 -- into $WFPLAN_PARTS/<index>.
#
# Environment (set by submit.sh, or with sbatch --export):
#   WFPLAN        the wfplan binary (default: wfplan on PATH)
#   WFPLAN_MODEL  the model file, on a filesystem every node sees
#   WFPLAN_VARY   the --vary arguments, e.g. "--vary target.hv_pledge.min=8000:14000:500"
#   WFPLAN_ARGS   any other sweep arguments (--scenario S, --set ..., solver options)
#   WFPLAN_PARTS  the folder of the partitions (shared)
#   WFPLAN_SHARDS N, the number of array tasks
#SBATCH --job-name=wfplan-sweep
#SBATCH --cpus-per-task=1
#SBATCH --output=wfplan-sweep-%A_%a.out
set -euo pipefail
: "${WFPLAN_MODEL:?set WFPLAN_MODEL}" "${WFPLAN_VARY:?set WFPLAN_VARY}"
: "${WFPLAN_PARTS:?set WFPLAN_PARTS}" "${WFPLAN_SHARDS:?set WFPLAN_SHARDS}"
: "${SLURM_ARRAY_TASK_ID:?run as an array task: sbatch --array=0-$((WFPLAN_SHARDS - 1))}"
index=$((SLURM_ARRAY_TASK_ID + 1))
# shellcheck disable=SC2086  # WFPLAN_VARY and WFPLAN_ARGS are word lists
exec "${WFPLAN:-wfplan}" sweep "$WFPLAN_MODEL" $WFPLAN_VARY ${WFPLAN_ARGS:-} \
  --shard "$index/$WFPLAN_SHARDS" --jobs "${SLURM_CPUS_PER_TASK:-1}" \
  --out "$WFPLAN_PARTS/$index" --quiet
