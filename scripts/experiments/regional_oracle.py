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

import sys
import time

import highspy
import numpy as np

from regional import joined_basis, read_partitioned, solve_part

path = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 600.0
p = read_partitioned(path)

t1 = time.time()
p.full.setOptionValue("solver", "ipm")
p.full.run()
optimum = p.full.getInfo().objective_function_value
solution = p.full.getSolution()
x_opt = np.array(solution.col_value)
y_opt = np.array(solution.row_dual)
optimal_basis = p.full.getBasis()
print(f"whole programme by IPM {time.time()-t1:.1f}s, objective {optimum:.10e}", flush=True)

# Lagrangian costs c − Σ_{i linking} y_i a_ij; linking columns fixed at
# their optimal values (moved to the row bounds).
priced = p.cost - (p.A[p.linking_rows].T @ y_opt[p.linking_rows])
shift = p.A[:, p.linking_cols] @ x_opt[p.linking_cols]

t2 = time.time()
col_status = np.array([int(s) for s in optimal_basis.col_status])
row_status = np.array([int(s) for s in optimal_basis.row_status])
for r in range(p.R):
    cols = np.where(p.col_region == r)[0]
    rows = np.where(p.row_region == r)[0]
    h = solve_part(p.A, cols, rows, priced[cols], p.clo[cols], p.cup[cols],
                   p.rlo[rows] - shift[rows], p.rup[rows] - shift[rows], "ipm")
    b = h.getBasis()
    col_status[cols] = [int(s) for s in b.col_status]
    row_status[rows] = [int(s) for s in b.row_status]
print(f"regional solves at the optimal prices {time.time()-t2:.1f}s", flush=True)

t3 = time.time()
fresh = highspy.Highs()
fresh.setOptionValue("output_flag", True)
fresh.setOptionValue("log_to_console", True)
fresh.setOptionValue("time_limit", seconds)
fresh.passModel(p.lp)
print("setBasis", fresh.setBasis(joined_basis(col_status, row_status)), f"{time.time()-t3:.1f}s", flush=True)
fresh.run()
info = fresh.getInfo()
print(f"whole programme from the joined basis {time.time()-t3:.1f}s, status {fresh.getModelStatus()}, "
      f"{info.simplex_iteration_count} simplex iterations, objective {info.objective_function_value:.10e} "
      f"(optimum {optimum:.10e})", flush=True)
