"""Shared by the regional experiments: read an MPS file written by
`wfplan export`, split its columns and rows by region, and solve one
region's part alone.

A column belongs to a region when its name carries exactly one region id
(r001...); other columns (national courses, moves between regions) link
regions. A row belongs to a region when all its regional columns do; other
rows link regions.
"""
import re
import time
from types import SimpleNamespace

import highspy
import numpy as np
import scipy.sparse as sp

REGION_ID = re.compile(r"[,\[](r\d{3})(?=[,\]])")


def read_partitioned(path):
    """The whole programme (a Highs instance holding it, its arrays) and
    each column's and row's region (-1 for the ones that link regions)."""
    started = time.time()
    full = highspy.Highs()
    full.setOptionValue("output_flag", False)
    full.readModel(path)
    lp = full.getLp()
    ncol, nrow = lp.num_col_, lp.num_row_
    a = lp.a_matrix_
    A = sp.csc_matrix((np.array(a.value_), np.array(a.index_), np.array(a.start_)), shape=(nrow, ncol))
    Ar = A.tocsr()
    regions = {}
    col_region = np.full(ncol, -1)
    for j, name in enumerate(lp.col_names_):
        found = sorted(set(REGION_ID.findall(name)))
        if len(found) == 1:
            col_region[j] = regions.setdefault(found[0], len(regions))
    row_region = np.full(nrow, -1)
    for i in range(nrow):
        cols = Ar.indices[Ar.indptr[i]:Ar.indptr[i + 1]]
        found = set(col_region[cols]) - {-1}
        if len(found) == 1:
            row_region[i] = found.pop()
    p = SimpleNamespace(
        full=full, lp=lp, ncol=ncol, nrow=nrow, A=A, Ar=Ar,
        cost=np.array(lp.col_cost_),
        clo=np.array(lp.col_lower_), cup=np.array(lp.col_upper_),
        rlo=np.array(lp.row_lower_), rup=np.array(lp.row_upper_),
        col_region=col_region, row_region=row_region, R=len(regions),
        linking_rows=np.where(row_region == -1)[0],
        linking_cols=np.where(col_region == -1)[0],
    )
    print(f"read+partition {time.time()-started:.1f}s: {p.R} regions, {len(p.linking_rows)} linking rows, "
          f"{len(p.linking_cols)} linking cols", flush=True)
    return p


def solve_part(A, cols, rows, cost, col_lower, col_upper, row_lower, row_upper, solver="choose"):
    """Solves the part of A on `rows` × `cols` with the given costs and
    bounds; returns the Highs instance, checked optimal. (No `threads`
    option: HiGHS fixes its thread count at the first run in a process.)"""
    S = A[rows][:, cols].tocsc()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", solver)
    m = highspy.HighsLp()
    m.num_col_, m.num_row_ = len(cols), len(rows)
    m.col_cost_ = cost
    m.col_lower_, m.col_upper_ = col_lower, col_upper
    m.row_lower_, m.row_upper_ = row_lower, row_upper
    m.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    m.a_matrix_.start_ = S.indptr
    m.a_matrix_.index_ = S.indices
    m.a_matrix_.value_ = S.data
    m.a_matrix_.num_col_, m.a_matrix_.num_row_ = len(cols), len(rows)
    h.passModel(m)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal, h.getModelStatus()
    return h


def joined_basis(col_status, row_status):
    """A HiGHS basis from integer statuses, marked alien so HiGHS repairs it."""
    basis = highspy.HighsBasis()
    basis.col_status = [highspy.HighsBasisStatus(int(s)) for s in col_status]
    basis.row_status = [highspy.HighsBasisStatus(int(s)) for s in row_status]
    basis.alien = True
    return basis
