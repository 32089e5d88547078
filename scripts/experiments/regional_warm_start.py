"""Experiment (issue 7's moonshot): warm start the large model from regional solves.

Not part of wfplan: a record of what was tried, runnable again.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install highspy==1.16.0 numpy scipy
    wfplan generate --regions 42 --groups 40 --services 20 --periods 80 --out /tmp/large
    wfplan export --format mps /tmp/large/model.toml > /tmp/large.mps
    /tmp/venv/bin/python regional_warm_start.py MODE /tmp/large.mps [SIMPLEX_STRATEGY] [REGION_SOLVER]

A column belongs to a region when its name carries exactly one region id
(r001...); other columns (national courses, moves between regions) link
regions and are held at 0 in the regional solves. A row belongs to a region
when all its regional columns do; other rows link regions.

MODE share: each region gets the linking rows restricted to its columns,
with their bounds split evenly, so the union of regional plans is feasible
for the whole programme (an upper bound). MODE free: linking rows dropped
(the Lagrangian relaxation at price 0, a lower bound). The regional bases
are joined into one (HiGHS repairs it: `alien` basis) and HiGHS's simplex
solves the whole programme from there.
"""
import re
import sys
import time

import highspy
import numpy as np
import scipy.sparse as sp

mode = sys.argv[1] if len(sys.argv) > 1 else "share"
path = sys.argv[2]
t0 = time.time()
full = highspy.Highs()
full.setOptionValue("output_flag", False)
full.readModel(path)
lp = full.getLp()
ncol, nrow = lp.num_col_, lp.num_row_
a = lp.a_matrix_
A = sp.csc_matrix((np.array(a.value_), np.array(a.index_), np.array(a.start_)), shape=(nrow, ncol))
Ar = A.tocsr()
cost = np.array(lp.col_cost_)
clo, cup = np.array(lp.col_lower_), np.array(lp.col_upper_)
rlo, rup = np.array(lp.row_lower_), np.array(lp.row_upper_)
region_re = re.compile(r"[,\[](r\d{3})(?=[,\]])")
regions = {}
col_region = np.full(ncol, -1)
for j, name in enumerate(lp.col_names_):
    found = sorted(set(region_re.findall(name)))
    if len(found) == 1:
        col_region[j] = regions.setdefault(found[0], len(regions))
R = len(regions)
row_region = np.full(nrow, -1)
for i in range(nrow):
    cols = Ar.indices[Ar.indptr[i]:Ar.indptr[i + 1]]
    regs = set(col_region[cols]) - {-1}
    if len(regs) == 1:
        row_region[i] = regs.pop()
linking_rows = np.where(row_region == -1)[0]
linking_cols = np.where(col_region == -1)[0]
print(f"read+partition {time.time()-t0:.1f}s: {R} regions, {len(linking_rows)} linking rows, {len(linking_cols)} linking cols", flush=True)
# Linking columns held at their lower bound (0) in the regional solves.
assert np.all(clo[linking_cols] == 0)

t1 = time.time()
col_status = np.full(ncol, int(highspy.HighsBasisStatus.kLower))
row_status = np.full(nrow, int(highspy.HighsBasisStatus.kBasic))
x = np.zeros(ncol)
for r in range(R):
    cols = np.where(col_region == r)[0]
    rows = np.where(row_region == r)[0]
    extra = []
    if mode == "share":
        # Each linking row restricted to this region's columns, with the
        # bounds split by the number of regions that have a column in it.
        for i in linking_rows:
            lo, hi = Ar.indptr[i], Ar.indptr[i + 1]
            rc = Ar.indices[lo:hi]
            mine = rc[col_region[rc] == r]
            if len(mine):
                n_regions = len(set(col_region[rc]) - {-1})
                extra.append((i, n_regions))
    sub_rows = list(rows) + [i for i, _ in extra]
    S = A[sub_rows][:, cols].tocsc()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("solver", sys.argv[4] if len(sys.argv) > 4 else "choose")
    m = highspy.HighsLp()
    m.num_col_, m.num_row_ = len(cols), len(sub_rows)
    m.col_cost_ = cost[cols]
    m.col_lower_, m.col_upper_ = clo[cols], cup[cols]
    lo = list(rlo[rows]) + [rlo[i] / n if np.isfinite(rlo[i]) else rlo[i] for i, n in extra]
    hi = list(rup[rows]) + [rup[i] / n if np.isfinite(rup[i]) else rup[i] for i, n in extra]
    m.row_lower_, m.row_upper_ = np.array(lo), np.array(hi)
    m.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    m.a_matrix_.start_ = S.indptr
    m.a_matrix_.index_ = S.indices
    m.a_matrix_.value_ = S.data
    m.a_matrix_.num_col_, m.a_matrix_.num_row_ = len(cols), len(sub_rows)
    h.passModel(m)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal, h.getModelStatus()
    b = h.getBasis()
    col_status[cols] = [int(s) for s in b.col_status]
    row_status[rows] = [int(s) for s in b.row_status[: len(rows)]]
    x[cols] = h.getSolution().col_value
    if r % 10 == 0:
        print(f"  region {r}: {len(cols)} cols {len(sub_rows)} rows, {time.time()-t1:.1f}s", flush=True)
print(f"regional solves {time.time()-t1:.1f}s, objective of union {cost @ x:.6e}", flush=True)
act = A @ x
viol = np.maximum(rlo - act, 0) + np.maximum(act - rup, 0)
print(f"union's largest row violation {viol.max():.3g} in {np.sum(viol > 1e-6)} rows", flush=True)

t2 = time.time()
basis = highspy.HighsBasis()
basis.col_status = [highspy.HighsBasisStatus(int(s)) for s in col_status]
basis.row_status = [highspy.HighsBasisStatus(int(s)) for s in row_status]
basis.alien = True
full.setOptionValue("output_flag", True)
full.setOptionValue("log_to_console", True)
strategy = sys.argv[3] if len(sys.argv) > 3 else "1"
full.setOptionValue("simplex_strategy", int(strategy))
print("setBasis", full.setBasis(basis), f"{time.time()-t2:.1f}s", flush=True)
full.run()
info = full.getInfo()
print(f"full warm solve {time.time()-t2:.1f}s, status {full.getModelStatus()}, iterations {info.simplex_iteration_count}, objective {info.objective_function_value:.10e}")
print(f"total {time.time()-t0:.1f}s")
