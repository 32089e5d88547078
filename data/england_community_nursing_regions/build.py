#!/usr/bin/env python3
"""Build the by-region series of models/england_community_nursing_regions.toml.

Every regional figure is split from the national flagship's figure
(data/england_community_nursing/) by one of the published bases below, so
the national sums stay exactly those of the national model (largest
remainder rounding: each region's value is within 1 of national x share).
The published figures behind each basis, with URL, date and grade, are in
sources.csv; NOTES.md explains the choices.

    python3 data/england_community_nursing_regions/build.py

writes shares.csv and the *.csv series in this folder and prints the inline
by-region tables (opening, in_training, caps) used in the model file.
"""
import csv
import os
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
NATIONAL = os.path.join(HERE, "..", "england_community_nursing")

REGIONS = ["north_east", "north_west", "yorkshire_humber", "east_midlands",
           "west_midlands", "east_of_england", "london", "south_east_coast",
           "south_central", "south_west"]

# --- published figures -------------------------------------------------------
# Births projected for the year to mid-2010 by SHA (thousand), ONS 2004-based
# subnational projections, Hansard written answer 28 March 2007.
BIRTHS = dict(zip(REGIONS, [27, 78, 59, 46, 63, 62, 116, 46, 45, 51]))

# Health visitors, headcount by SHA, 30 September 2007 (Hansard 11 Dec 2008).
HV_HEAD_2007 = dict(zip(REGIONS, [698, 1897, 1301, 925, 1269, 1095, 1613, 778, 856, 1137]))

# Health visitors FTE, May 2010 programme baseline (8,092):
#  - NE 481, Y&H 880, E Mids 629 (CYP Now 2011);
#  - NHS England commissioning regions, May 2010 (CYP Now 2014): North 2,759,
#    Midlands and East 2,343, South 1,839, London 1,151.
# NW = North - NE - Y&H; W Mids and East of England share Midlands and East
# less E Mids by their 2007 headcount; SEC, SC and SW share South by theirs.
def hv_may2010():
    hv = {"north_east": 481, "yorkshire_humber": 880, "east_midlands": 629, "london": 1151}
    hv["north_west"] = 2759 - 481 - 880
    hv.update(split(2343 - 629, {r: HV_HEAD_2007[r] for r in ["west_midlands", "east_of_england"]}))
    hv.update(split(1839, {r: HV_HEAD_2007[r] for r in ["south_east_coast", "south_central", "south_west"]}))
    assert sum(hv.values()) == 8092
    return {r: hv[r] for r in REGIONS}

# ONS population by English region, mid-2010 (thousand), as tabled by the
# Lords Public Services Committee, "Ready for Ageing?" (2013). The South East
# region is the South East Coast and South Central SHAs together: split by
# their projected births (46 : 45), as no SHA figure was found.
POP65_GOR = {"north_east": 448.3, "north_west": 1158.9, "yorkshire_humber": 866.6,
             "east_midlands": 768.5, "west_midlands": 937.7, "east_of_england": 1016.6,
             "london": 903.4, "south_east": 1468.9, "south_west": 1034.4}
POP85_GOR = {"north_east": 56.6, "north_west": 149.3, "yorkshire_humber": 115.8,
             "east_midlands": 102.5, "west_midlands": 124.4, "east_of_england": 142.4,
             "london": 131.5, "south_east": 219.9, "south_west": 155.4}
# All ages, mid-2017 (statinvestor.com, from ONS): no mid-2010 regional total
# was found.
POP_2017_GOR = {"north_east": 2644727, "north_west": 7258627, "yorkshire_humber": 5450130,
                "east_midlands": 4771666, "west_midlands": 5860706, "east_of_england": 6168432,
                "london": 8825001, "south_east": 9080825, "south_west": 5559316}


def sha_from_gor(gor):
    out = {r: Fraction(str(gor[r])) for r in REGIONS if r in gor}
    se = Fraction(str(gor["south_east"]))
    b = BIRTHS["south_east_coast"] + BIRTHS["south_central"]
    out["south_east_coast"] = se * BIRTHS["south_east_coast"] / b
    out["south_central"] = se * BIRTHS["south_central"] / b
    return {r: out[r] for r in REGIONS}


def split(total, weights):
    """Largest remainder: integers summing to `total`, each within 1 of total x share."""
    w = {r: Fraction(str(v)) if not isinstance(v, Fraction) else v for r, v in weights.items()}
    s = sum(w.values())
    exact = {r: Fraction(total) * v / s for r, v in w.items()}
    floor = {r: int(x) for r, x in exact.items()}
    left = total - sum(floor.values())
    order = sorted(w, key=lambda r: (-(exact[r] - floor[r]), list(w).index(r)))
    for r in order[:left]:
        floor[r] += 1
    return floor


BASES = {}
BASES["hv_may2010"] = hv_may2010()
BASES["births_2009_10"] = dict(BIRTHS)
BASES["pop65_2010"] = sha_from_gor(POP65_GOR)
BASES["pop85_2010"] = sha_from_gor(POP85_GOR)
BASES["pop_2017"] = sha_from_gor(POP_2017_GOR)

# National openings of the flagship and the basis that splits each.
OPENING = {"health_visitor": (8092, "hv_may2010"),
           "school_nurse": (3026, "births_2009_10"),
           "district_nurse": (7740, "pop85_2010"),
           "community_staff_nurse": (12000, "pop85_2010"),
           "adult_nurse": (169897, "pop65_2010"),
           "mental_health_nurse": (40849, "pop_2017"),
           "practice_nurse": (14695, "pop_2017")}
OPENINGS = {g: split(v, BASES[b]) for g, (v, b) in OPENING.items()}
# Modelled nursing staff by region (the seven openings): splits the pools.
BASES["staff_2010"] = {r: sum(OPENINGS[g][r] for g in OPENING) for r in REGIONS}

SERVICE_BASIS = {"health_visiting": "hv_may2010", "school_nursing": "births_2009_10",
                 "district_nursing": "pop85_2010", "acute_adult": "pop65_2010",
                 "mental_health": "pop_2017", "general_practice_nursing": "pop_2017"}
DRIVER_BASIS = {"births": "hv_may2010", "population_80plus": "pop85_2010"}
POOL_BASIS = {"return_to_practice": "staff_2010", "experienced": "staff_2010",
              # international: used only by the sensitivity in NOTES.md section 6
              "international": "staff_2010",
              "agency": "staff_2010"}


def fmt(x):
    return f"{float(x):.6f}".rstrip("0").rstrip(".")


def read_series(name):
    with open(os.path.join(NATIONAL, name)) as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write_regional(name, out_name, basis_of):
    header, rows = read_series(name)
    kind = header[1]
    out = [["period", "region", kind, "value"]]
    for period, entity, value in rows:
        if entity not in basis_of:
            continue
        v = float(value)
        assert v == int(v), (name, entity, value)
        parts = split(int(v), BASES[basis_of[entity]])
        for r in REGIONS:
            out.append([period, r, entity, str(parts[r])])
    with open(os.path.join(HERE, out_name), "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(out)


def main():
    with open(os.path.join(HERE, "shares.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["basis", "region", "figure", "share"])
        for b, fig in BASES.items():
            tot = sum(Fraction(str(v)) if not isinstance(v, Fraction) else v for v in fig.values())
            for r in REGIONS:
                v = fig[r] if isinstance(fig[r], Fraction) else Fraction(str(fig[r]))
                w.writerow([b, r, fmt(v), f"{float(v / tot):.8f}"])
    # Health visiting and district nursing are derived from need (births,
    # the population aged 80+): their drivers are split by the bases their
    # demand had, so each region's demand is the national need × its share.
    write_regional("demand.csv", "demand.csv", SERVICE_BASIS)
    write_regional("drivers.csv", "drivers.csv", DRIVER_BASIS)
    write_regional("pool_supply.csv", "pool_supply.csv", POOL_BASIS)
    write_regional("degree_places.csv", "degree_places.csv", {"pre_registration": "staff_2010"})

    def table(total, basis):
        parts = split(total, BASES[basis])
        return "{ " + ", ".join(f"{r} = {parts[r]}" for r in REGIONS) + " }"

    def cohorts(values, basis):
        parts = [split(v, BASES[basis]) for v in values]
        return "{ " + ", ".join(f"{r} = [{', '.join(str(p[r]) for p in parts)}]" for r in REGIONS) + " }"

    print("# openings")
    for g, (v, b) in OPENING.items():
        print(f"{g}: opening = {table(v, b)}")
    print("# caps and cohorts")
    for what, v, b in [("hv hire_max", 100, "hv_may2010"), ("sn hire_max", 350, "births_2009_10"),
                       ("dn hire_max", 150, "pop85_2010"),
                       ("scphn_hv capacity", 3000, "hv_may2010"), ("scphn_hv_other capacity", 300, "hv_may2010"),
                       ("scphn_sn capacity", 300, "births_2009_10"), ("spq capacity", 566, "pop85_2010"),
                       ("move sn->hv 150", 150, "births_2009_10"), ("move sn->hv 50", 50, "births_2009_10"),
                       ("move csn->dn 200", 200, "pop85_2010"), ("move dn->csn 100", 100, "pop85_2010"),
                       ("move pn->csn 200", 200, "pop_2017"), ("move adult->csn 1000", 1000, "pop65_2010")]:
        print(f"{what}: {table(v, b)}")
    for what, vals, b in [("pre_registration in_training", [20092] * 3, "staff_2010"),
                          ("hv_from_staff_nurse in_training", [250], "hv_may2010"),
                          ("hv_from_adult in_training", [150], "hv_may2010"),
                          ("hv_from_other in_training", [100], "hv_may2010"),
                          ("scphn_sn in_training", [150], "births_2009_10"),
                          ("spq in_training", [450], "pop85_2010")]:
        print(f"{what}: {cohorts(vals, b)}")


if __name__ == "__main__":
    main()
