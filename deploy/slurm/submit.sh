#!/usr/bin/env bash
# Submits a sharded wfplan sweep to Slurm: an array of N tasks, then a merge
# that waits for all of them.
#
#   deploy/slurm/submit.sh N MODEL OUT_DIR -- SWEEP ARGUMENTS...
#   deploy/slurm/submit.sh 8 models/england_community_nursing.toml results/hv \
#     -- --scenario pledge --vary target.hv_pledge.min=8000:14000:500
#
# MODEL, OUT_DIR and the partitions (OUT_DIR.parts/) must be on a filesystem
# every node sees. Prints the two job ids. Extra sbatch options (partition,
# account, time) go in SBATCH_* environment variables, e.g.
# SBATCH_PARTITION=short.
set -euo pipefail
if [ $# -lt 4 ] || [ "$4" != "--" ]; then
  echo "usage: $0 N MODEL OUT_DIR -- SWEEP ARGUMENTS..." >&2
  exit 2
fi
shards=$1 model=$2 out=$3
shift 4
here=$(cd "$(dirname "$0")" && pwd)
vary=() rest=()
while [ $# -gt 0 ]; do
  case $1 in
    --vary) vary+=("--vary" "$2"); shift 2 ;;
    --vary=*) vary+=("$1"); shift ;;
    *) rest+=("$1"); shift ;;
  esac
done
export WFPLAN=${WFPLAN:-$(command -v wfplan)}
export WFPLAN_MODEL=$model WFPLAN_SHARDS=$shards WFPLAN_OUT=$out
export WFPLAN_PARTS=$out.parts
export WFPLAN_VARY="${vary[*]}" WFPLAN_ARGS="${rest[*]:-}"
mkdir -p "$WFPLAN_PARTS"
array=$(sbatch --parsable --export=ALL --array=0-$((shards - 1)) "$here/sweep-array.sh")
array=${array%%;*}
merge=$(sbatch --parsable --export=ALL --dependency=afterok:"$array" "$here/merge.sh")
echo "array job $array (tasks 0-$((shards - 1))), merge job ${merge%%;*}"
