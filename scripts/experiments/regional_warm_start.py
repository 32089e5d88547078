"""Experiment (issue 7's moonshot): warm start the large model from regional solves.

Not part of wfplan: a record of what was tried, runnable again.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install highspy==1.16.0 numpy scipy
    wfplan generate --regions 42 --groups 40 --services 20 --periods 80 --out /tmp/large
    wfplan export --format mps /tmp/large/model.toml > /tmp/large.mps
    /tmp/venv/bin/python regional_warm_start.py MODE /tmp/large.mps [SIMPLEX_STRATEGY] [REGION_SOLVER]

Regions and linking rows and columns as `regional.py` finds them; the
linking columns are held at 0 in the regional solves.

MODE share: each region gets the linking rows restricted to its columns,
with their bounds split evenly, so the union of regional plans is feasible
for the whole programme (an upper bound). MODE free: linking rows dropped
(the Lagrangian relaxation at price 0, a lower bound). The regional bases
are joined into one (HiGHS repairs it: `alien` basis) and HiGHS's simplex
solves the whole programme from there.
"""

import sys
import time

import highspy
import numpy as np

from regional import joined_basis, read_partitioned, solve_part

mode = sys.argv[1] if len(sys.argv) > 1 else "share"
path = sys.argv[2]
strategy = int(sys.argv[3]) if len(sys.argv) > 3 else 1
region_solver = sys.argv[4] if len(sys.argv) > 4 else "choose"
t0 = time.time()
p = read_partitioned(path)
# Linking columns held at their lower bound (0) in the regional solves.
assert np.all(p.clo[p.linking_cols] == 0)

t1 = time.time()
col_status = np.full(p.ncol, int(highspy.HighsBasisStatus.kLower))
row_status = np.full(p.nrow, int(highspy.HighsBasisStatus.kBasic))
x = np.zeros(p.ncol)
for r in range(p.R):
    cols = np.where(p.col_region == r)[0]
    rows = np.where(p.row_region == r)[0]
    shares = []
    if mode == "share":
        # Each linking row restricted to this region's columns, its bounds
        # split evenly between the regions with a column in it.
        for i in p.linking_rows:
            in_row = p.Ar.indices[p.Ar.indptr[i]:p.Ar.indptr[i + 1]]
            if np.any(p.col_region[in_row] == r):
                shares.append((i, len(set(p.col_region[in_row]) - {-1})))
    part_rows = list(rows) + [i for i, _ in shares]
    lower = np.concatenate([p.rlo[rows], [p.rlo[i] / n for i, n in shares]])
    upper = np.concatenate([p.rup[rows], [p.rup[i] / n for i, n in shares]])
    h = solve_part(p.A, cols, part_rows, p.cost[cols], p.clo[cols], p.cup[cols], lower, upper, region_solver)
    b = h.getBasis()
    col_status[cols] = [int(s) for s in b.col_status]
    row_status[rows] = [int(s) for s in b.row_status[: len(rows)]]
    x[cols] = h.getSolution().col_value
    if r % 10 == 0:
        print(f"  region {r}: {len(cols)} cols {len(part_rows)} rows, {time.time()-t1:.1f}s", flush=True)
print(f"regional solves {time.time()-t1:.1f}s, objective of union {p.cost @ x:.6e}", flush=True)
act = p.A @ x
violation = np.maximum(p.rlo - act, 0) + np.maximum(act - p.rup, 0)
print(f"union's largest row violation {violation.max():.3g} in {np.sum(violation > 1e-6)} rows", flush=True)

t2 = time.time()
p.full.setOptionValue("output_flag", True)
p.full.setOptionValue("log_to_console", True)
p.full.setOptionValue("simplex_strategy", strategy)
print("setBasis", p.full.setBasis(joined_basis(col_status, row_status)), f"{time.time()-t2:.1f}s", flush=True)
p.full.run()
info = p.full.getInfo()
print(f"full warm solve {time.time()-t2:.1f}s, status {p.full.getModelStatus()}, iterations "
      f"{info.simplex_iteration_count}, objective {info.objective_function_value:.10e}")
print(f"total {time.time()-t0:.1f}s")
