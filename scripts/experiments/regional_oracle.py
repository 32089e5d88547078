"""Experiment: how good can a regional decomposition be, given the answer?

Solves the whole programme (interior point, crossover) to get its optimal
linking values and prices, then solves each region alone with the linking
columns fixed at their optimal values and the linking rows priced at their
optimal duals (the Lagrangian subproblem at the optimal prices), joins the
regional bases with the optimum's own statuses for the linking rows and
columns, and times HiGHS's simplex from that joined basis. The time of
that last step is a floor for any decomposition that ends with a solve of
the whole programme: price discovery comes on top.
"""
import re
import sys
import time

import highspy
import numpy as np
import scipy.sparse as sp

path = sys.argv[1]
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

t1 = time.time()
full.setOptionValue("solver", "ipm")
full.run()
optimum = full.getInfo().objective_function_value
solution = full.getSolution()
x_opt = np.array(solution.col_value)
y_opt = np.array(solution.row_dual)
optimal_basis = full.getBasis()
opt_col_status = [int(s) for s in optimal_basis.col_status]
opt_row_status = [int(s) for s in optimal_basis.row_status]
print(f"whole programme by IPM {time.time()-t1:.1f}s, objective {optimum:.10e}", flush=True)

# Lagrangian costs: c − Σ_{i linking} y_i a_ij.
priced = cost - (A[linking_rows].T @ y_opt[linking_rows])
shift = A[:, linking_cols] @ x_opt[linking_cols]

t2 = time.time()
col_status = np.array(opt_col_status)
row_status = np.array(opt_row_status)
for r in range(R):
    cols = np.where(col_region == r)[0]
    rows = np.where(row_region == r)[0]
    S = A[rows][:, cols].tocsc()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "ipm")
    m = highspy.HighsLp()
    m.num_col_, m.num_row_ = len(cols), len(rows)
    m.col_cost_ = priced[cols]
    m.col_lower_, m.col_upper_ = clo[cols], cup[cols]
    m.row_lower_, m.row_upper_ = rlo[rows] - shift[rows], rup[rows] - shift[rows]
    m.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    m.a_matrix_.start_ = S.indptr
    m.a_matrix_.index_ = S.indices
    m.a_matrix_.value_ = S.data
    m.a_matrix_.num_col_, m.a_matrix_.num_row_ = len(cols), len(rows)
    h.passModel(m)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal, h.getModelStatus()
    b = h.getBasis()
    col_status[cols] = [int(s) for s in b.col_status]
    row_status[rows] = [int(s) for s in b.row_status]
print(f"regional solves at the optimal prices {time.time()-t2:.1f}s", flush=True)

t3 = time.time()
fresh = highspy.Highs()
fresh.setOptionValue("output_flag", True)
fresh.setOptionValue("log_to_console", True)
fresh.setOptionValue("time_limit", float(sys.argv[2]) if len(sys.argv) > 2 else 600.0)
fresh.passModel(lp)
basis = highspy.HighsBasis()
basis.col_status = [highspy.HighsBasisStatus(int(s)) for s in col_status]
basis.row_status = [highspy.HighsBasisStatus(int(s)) for s in row_status]
basis.alien = True
print("setBasis", fresh.setBasis(basis), f"{time.time()-t3:.1f}s", flush=True)
fresh.run()
info = fresh.getInfo()
print(f"whole programme from the joined basis {time.time()-t3:.1f}s, status {fresh.getModelStatus()}, "
      f"{info.simplex_iteration_count} simplex iterations, objective {info.objective_function_value:.10e} "
      f"(optimum {optimum:.10e})", flush=True)
