//! Mobility: staff moving between regions (`[[move]]` with
//! `between_regions = true`), with retention, cost and caps per pair of
//! regions, from a table keyed `from->to` or a matrix CSV, and `@ a -> b` in
//! expressions. Every optimum here is derived by hand in the comment above
//! its test (the model is tests/fixtures/mobility.toml unless a test says
//! otherwise).
//!
//! The fixture: one period 2026, no attrition, no discounting. Nurses:
//! London 40 in post (salary 120), North 50 (salary 100); care needs 60 in
//! London and 20 in the North (unmet penalty 1000). Hiring costs 200 plus
//! the salary; relocating a nurse costs 50, retention 1.
//!
//! Filling one London FTE costs: a hire 200 + 120 = 320; a relocation from
//! the North's surplus 50 + 120 − 100 = 70 (the North stops paying the
//! mover); leaving it unmet 1000. So London's shortage of 20 is filled by
//! relocation while the North's surplus (50 − 20 = 30) lasts. A move beyond
//! the need costs 70 (North → London) or 50 + 100 − 120 = 30
//! (London → North) and saves nothing.

// The derivations are written as prose with equations, not Markdown lists.
#![allow(clippy::doc_lazy_continuation)]

use std::path::Path;

use crate::util::*;

const FIXTURE: &str = "mobility.toml";

/// The fixture with extra TOML appended (targets, limits).
fn solve_with(extra: &str) -> wfplan::solution::Solution {
    let text = fixture_text(FIXTURE) + extra;
    solve_model(&load_text(FIXTURE, &text), extra)
}

fn column_names(plan: &wfplan::solution::Solution) -> Vec<String> {
    plan.lp.columns.iter().map(|c| c.name.to_string()).collect()
}

/// The lines of a frame written as CSV, split into cells (no cell here
/// holds a comma).
fn csv(frame: anyhow::Result<polars::prelude::DataFrame>) -> Vec<Vec<String>> {
    let mut frame = frame.expect("building the table");
    let bytes = wfplan::tables::to_csv(&mut frame).expect("writing CSV");
    String::from_utf8(bytes)
        .expect("UTF-8")
        .lines()
        .map(|line| line.split(',').map(str::to_string).collect())
        .collect()
}

// ---------------------------------------------------------------------------
// the plan moves the hand-derived number
// ---------------------------------------------------------------------------

/// Derivation (see the module comment): relocation (70 per London FTE) is
/// cheaper than hiring (320), so the plan relocates exactly London's
/// shortage, 60 − 40 = 20, from the North (which keeps 30 ≥ 20 demand), and
/// nobody the other way.
/// Plan: move(relocation @ north -> london) 20, @ london -> north 0; stock
/// London 60, North 30; no hires, no unmet.
/// Costs: salary 60·120 + 30·100 = 7200 + 3000 = 10200; moves 20·50 = 1000.
/// Objective 11200.
/// service_cover[care,london,2026]: one more FTE of London demand is one
/// more relocation (the North has 10 to spare): 70. Finite difference:
/// London demand 61 ⇒ 11270.
#[test]
fn surplus_in_one_region_fills_the_shortage_of_the_other() {
    let plan = solve_fixture(FIXTURE, &[]);
    assert_eq!(plan.model.moves.len(), 2, "one move per ordered pair");
    assert_series(&plan, "move(relocation @ north -> london)", &[20.0]);
    assert_series(&plan, "move(relocation @ london -> north)", &[0.0]);
    assert_series(&plan, "move(relocation)", &[20.0]);
    // the link of groups still selects, and `@ r` alone is the leaving region
    assert_series(&plan, "move(nurse -> nurse)", &[20.0]);
    assert_series(&plan, "move(relocation @ north)", &[20.0]);
    assert_series(&plan, "move(* @ * -> london)", &[20.0]);
    assert_series(&plan, "move(nurse -> * @ north -> *)", &[20.0]);
    assert_series(&plan, "stock(nurse @ london)", &[60.0]);
    assert_series(&plan, "stock(nurse @ north)", &[30.0]);
    assert_series(&plan, "hire(*)", &[0.0]);
    assert_series(&plan, "unmet(*)", &[0.0]);
    assert_series(&plan, "cost.salary", &[10200.0]);
    assert_series(&plan, "cost.move", &[1000.0]);
    assert_close_what("objective", plan.objective, 11200.0, REL_TOL);

    assert_shadow(&plan, "service_cover[care,london,2026]", 70.0);
    let more = solve_edited(
        FIXTURE,
        &[("london = 60, north = 20", "london = 61, north = 20")],
    );
    assert_finite_difference("London demand +1", plan.objective, more.objective, 70.0);

    let columns = column_names(&plan);
    for column in [
        "move[relocation,london,north,2026]",
        "move[relocation,north,london,2026]",
    ] {
        assert!(
            columns.iter().any(|c| c == column),
            "no column {column}: {columns:?}"
        );
    }
}

/// Derivation: with retention 0.8 on the pair north->london (1 on
/// london->north), one relocation delivers 0.8 FTE, so filling London's 20
/// takes 20 / 0.8 = 25 moves (the North has 30 to spare). Per London FTE
/// it costs (50 − 100) / 0.8 + 120 = 57.5, still below hiring (320); a move
/// beyond the need costs 50 − 100 + 0.8·120 = 46 > 0, so there are none.
/// Plan: move 25, stock London 40 + 0.8·25 = 60, North 50 − 25 = 25.
/// Costs: salary 7200 + 2500 = 9700; moves 25·50 = 1250. Objective 10950.
/// flows.csv books the 25 leaving as move_out in the North and the 20
/// arriving as move_in in London.
#[test]
fn retention_below_one_raises_the_number_moved_by_one_over_retention() {
    let plan = solve_edited(
        FIXTURE,
        &[(
            "cost = 50",
            "cost = 50\nretention = { \"north->london\" = 0.8, \"london->north\" = 1 }",
        )],
    );
    assert_series(&plan, "move(relocation @ north -> london)", &[25.0]);
    assert_series(&plan, "move(relocation @ london -> north)", &[0.0]);
    assert_series(&plan, "stock(nurse @ london)", &[60.0]);
    assert_series(&plan, "stock(nurse @ north)", &[25.0]);
    assert_series(&plan, "cost.move", &[1250.0]);
    assert_close_what("objective", plan.objective, 10950.0, REL_TOL);

    let flows = csv(wfplan::tables::flows_frame(&plan));
    let flow = |region: &str, kind: &str| -> f64 {
        flows[1..]
            .iter()
            .filter(|row| row[1] == region && row[3] == kind)
            .filter(|row| row[4] == "relocation@north->london")
            .map(|row| row[5].parse::<f64>().unwrap())
            .sum()
    };
    assert_close_what("London move_in", flow("london", "move_in"), 20.0, REL_TOL);
    assert_close_what("North move_out", flow("north", "move_out"), -25.0, REL_TOL);
    assert_close_what("London move_out", flow("london", "move_out"), 0.0, REL_TOL);
}

// ---------------------------------------------------------------------------
// caps and their shadow prices
// ---------------------------------------------------------------------------

/// Derivation: `max = 15` on every pair. North → London is capped at 15, so
/// London hires the other 5 (320 each, below the unmet penalty 1000).
/// Plan: move 15, hires 5; stock London 60, North 35.
/// Costs: salary 7200 + 3500 = 10700; moves 750; hires 5·200 = 1000.
/// Objective 12450.
/// Shadow price of move_cap[relocation,north,london,2026]: one more move
/// replaces one hire: +50 move − 100 North salary − 200 hire cost = −250
/// (London's stock, and so its salary, is unchanged) ⇒ 250; the cap on
/// london->north does not bind: 0.
/// Finite difference: max 16 ⇒ 16 moves, 4 hires: 7200 + 3400 + 800 + 800
/// = 12200 = 12450 − 250.
#[test]
fn a_cap_on_a_pair_binds_with_the_hand_derived_shadow_price() {
    let base = solve_edited(FIXTURE, &[("cost = 50", "cost = 50\nmax = 15")]);
    assert_series(&base, "move(relocation @ north -> london)", &[15.0]);
    assert_series(&base, "hire(nurse @ london)", &[5.0]);
    assert_series(&base, "stock(nurse @ north)", &[35.0]);
    assert_close_what("objective", base.objective, 12450.0, REL_TOL);
    assert_shadow(&base, "move_cap[relocation,north,london,2026]", 250.0);
    assert_shadow(&base, "move_cap[relocation,london,north,2026]", 0.0);

    let looser = solve_edited(FIXTURE, &[("cost = 50", "cost = 50\nmax = 16")]);
    assert_close_what("objective with max 16", looser.objective, 12200.0, REL_TOL);
    assert_finite_difference("cap 16 -> 15", looser.objective, base.objective, 250.0);
}

/// The cap of the previous test given as a matrix CSV
/// (`from_region,to_region,value`: north,london 15 and london,north 0), as
/// the equivalent inline table, and as a matrix by period that leaves
/// london->north out (so that pair has no move at all) give the same plan:
/// objective 12450 (derivation above). The CSVs are recorded as inputs.
#[test]
fn a_matrix_csv_and_the_equivalent_inline_table_give_the_same_plan() {
    let table = solve_edited(
        FIXTURE,
        &[(
            "cost = 50",
            "cost = 50\nmax = { \"north->london\" = 15, \"london->north\" = 0 }",
        )],
    );
    let matrix = solve_edited(
        FIXTURE,
        &[("cost = 50", "cost = 50\nmax = \"mobility_max.csv\"")],
    );
    let by_period = solve_edited(
        FIXTURE,
        &[(
            "cost = 50",
            "cost = 50\nmax = \"mobility_max_by_period.csv\"",
        )],
    );
    let listed = solve_edited(
        FIXTURE,
        &[(
            "cost = 50",
            "cost = 50\nmax = 15\npairs = [[\"north\", \"london\"]]",
        )],
    );
    assert!(matrix
        .model
        .inputs
        .iter()
        .any(|p| p.ends_with("mobility_max.csv")));
    for (name, plan) in [
        ("table", &table),
        ("matrix", &matrix),
        ("matrix by period", &by_period),
        ("pairs", &listed),
    ] {
        assert_close_what(name, plan.objective, 12450.0, REL_TOL);
        for expr in [
            "move(relocation @ north -> london)",
            "move(relocation)",
            "hire(nurse @ london)",
            "stock(nurse @ north)",
        ] {
            assert_series(plan, expr, &series(&table, expr));
        }
        assert_shadow(plan, "move_cap[relocation,north,london,2026]", 250.0);
    }
    assert_eq!(column_names(&table), column_names(&matrix));
    // a pair the matrix (or `pairs`) leaves out has no move
    for plan in [&by_period, &listed] {
        assert_eq!(plan.model.moves.len(), 1);
        let columns = column_names(plan);
        assert!(!columns
            .iter()
            .any(|c| c == "move[relocation,london,north,2026]"));
        assert!(plan.row("move_cap[relocation,london,north,2026]").is_none());
    }
}

/// Two periods (2026, 2027), London's demand growing 60 → 70, the cap on
/// north->london 10 then 15 per period, from a matrix by period with a
/// `move` column (rows of another move ignored; london->north left out, so
/// that pair has no move) and from the table `{ "north->london" = [10, 15] }`.
/// Derivation: 2026: 10 relocations (cap) and 10 hires; London 60, North
/// 40. Salary 7200 + 4000, moves 500, hires 2000: 13700. 2027: London needs
/// 10 more; the North has 40 − 20 = 20 to spare and the cap is 15, so 10
/// relocations; London 70, North 30. Salary 8400 + 3000, moves 500: 11900.
/// Objective 25600.
/// Shadow price of move_cap[relocation,north,london,2026]: one more move in
/// 2026 replaces a hire (−200) and the North pays one salary fewer in both
/// years (−100 − 100), for +50: −350 ⇒ 350 (staff stay moved). Finite
/// difference: a cap of 11 in 2026 ⇒ 25250.
#[test]
fn a_matrix_by_period_with_a_move_column_caps_each_period() {
    let edits = |max: &'static str| {
        vec![
            ("periods = [\"2026\"]", "periods = [\"2026\", \"2027\"]"),
            (
                "demand = { london = 60, north = 20 }",
                "demand = { london = [60, 70], north = 20 }",
            ),
            ("cost = 50", max),
        ]
    };
    let matrix = solve_edited(
        FIXTURE,
        &edits("cost = 50\nmax = \"mobility_max_two_periods.csv\""),
    );
    let table = solve_edited(
        FIXTURE,
        &edits("cost = 50\nmax = { \"north->london\" = [10, 15] }"),
    );
    for (name, plan) in [("matrix", &matrix), ("table", &table)] {
        assert_eq!(plan.model.moves.len(), 1, "{name}: north->london only");
        assert_series(plan, "move(relocation @ north -> london)", &[10.0, 10.0]);
        assert_series(plan, "hire(nurse @ london)", &[10.0, 0.0]);
        assert_series(plan, "stock(nurse @ north)", &[40.0, 30.0]);
        assert_close_what(name, plan.objective, 25600.0, REL_TOL);
        assert_shadow(plan, "move_cap[relocation,north,london,2026]", 350.0);
        assert_shadow(plan, "move_cap[relocation,north,london,2027]", 0.0);
    }
    let looser = solve_edited(
        FIXTURE,
        &edits("cost = 50\nmax = { \"north->london\" = [11, 15] }"),
    );
    assert_close_what("cap 11 in 2026", looser.objective, 25250.0, REL_TOL);
    assert_finite_difference(
        "2026 cap 11 -> 10",
        looser.objective,
        matrix.objective,
        350.0,
    );
}

// ---------------------------------------------------------------------------
// `@ a -> b` in conditions
// ---------------------------------------------------------------------------

/// Derivation: a limit `move(relocation @ north -> london) ≤ 10` binds: 10
/// relocations, 10 London hires. Costs: salary 7200 + 40·100 = 11200;
/// moves 500; hires 2000. Objective 13700. Its shadow price is that of the
/// cap above, 250 (a move replaces a hire); max 11 ⇒ 13450.
/// The same limit on the other direction, london -> north, does not bind
/// (0 ≤ 10): objective 11200, shadow price 0.
/// With `per_region = true`, `move(relocation) ≤ 10` counts in each region
/// the moves leaving it: the North's row binds as above (13700, 250) and
/// London's does not (0).
#[test]
fn a_limit_on_one_direction_binds_where_it_should() {
    let limit = |max: u32, selector: &str, per_region: bool| {
        format!(
            "\n[[limit]]\nid = \"relocations\"\nexpr = \"move(relocation{selector})\"\nmax = {max}\nper_region = {per_region}\n"
        )
    };
    let base = solve_with(&limit(10, " @ north -> london", false));
    assert_series(&base, "move(relocation @ north -> london)", &[10.0]);
    assert_series(&base, "hire(nurse @ london)", &[10.0]);
    assert_close_what("objective", base.objective, 13700.0, REL_TOL);
    assert_shadow(&base, "limit[relocations,2026]", 250.0);
    let looser = solve_with(&limit(11, " @ north -> london", false));
    assert_finite_difference("limit 11 -> 10", looser.objective, base.objective, 250.0);

    let other_way = solve_with(&limit(10, " @ london -> north", false));
    assert_close_what("other direction", other_way.objective, 11200.0, REL_TOL);
    assert_shadow(&other_way, "limit[relocations,2026]", 0.0);

    let per_region = solve_with(&limit(10, "", true));
    assert_close_what("per region", per_region.objective, 13700.0, REL_TOL);
    assert_shadow(&per_region, "limit[relocations,north,2026]", 250.0);
    assert_shadow(&per_region, "limit[relocations,london,2026]", 0.0);
}

// ---------------------------------------------------------------------------
// flows tie out per region
// ---------------------------------------------------------------------------

/// In every region, each group's flows (move_in after retention in the
/// arriving region, move_out in the leaving one, channel naming the pair)
/// add up to its stock change, on the base plan, with retention 0.8 and
/// with a cap (so that hires appear too). The national sum of move_out is
/// minus the moves; of move_in, the moves times retention.
#[test]
fn flows_tie_out_per_region() {
    let plans = [
        solve_fixture(FIXTURE, &[]),
        solve_edited(FIXTURE, &[("cost = 50", "cost = 50\nretention = 0.8")]),
        solve_edited(FIXTURE, &[("cost = 50", "cost = 50\nmax = 15")]),
    ];
    for plan in &plans {
        let flows = wfplan::tables::flows(plan);
        let model = &plan.model;
        for (group_index, group) in model.groups.iter().enumerate() {
            let stock = plan.stock(group_index);
            for (t, period) in model.periods.iter().enumerate() {
                let previous = if t == 0 {
                    group.opening_fte
                } else {
                    stock[t - 1]
                };
                let sum: f64 = flows
                    .iter()
                    .filter(|f| f.group == group_index && f.period == t)
                    .map(|f| f.fte)
                    .sum();
                assert_close_what(
                    &format!("flows of {} in {period}", group.key),
                    sum,
                    stock[t] - previous,
                    REL_TOL,
                );
            }
        }
        let moved = series(plan, "move(relocation)")[0];
        let arrived: f64 = model
            .moves
            .iter()
            .zip(&plan.lp.vars.moves)
            .map(|(m, vars)| m.retention_rate[0] * plan.value_of(vars[0]))
            .sum();
        let booked =
            |kind: &str| -> f64 { flows.iter().filter(|f| f.flow == kind).map(|f| f.fte).sum() };
        assert_close_what("move_out", booked("move_out"), -moved, REL_TOL);
        assert_close_what("move_in", booked("move_in"), arrived, REL_TOL);
        assert!(flows
            .iter()
            .filter(|f| f.flow.starts_with("move"))
            .all(|f| f.channel.starts_with("relocation@")));
    }
}

// ---------------------------------------------------------------------------
// listing, and moves within a region unchanged
// ---------------------------------------------------------------------------

/// `validate` lists a move between regions once, with its pairs.
#[test]
fn validate_lists_the_pairs_of_a_move_between_regions() {
    let model = load_fixture(FIXTURE, &[]);
    let text = wfplan::cmd::validate::describe(&model, 0, 0);
    assert!(
        text.contains("1 moves: relocation (between regions: london->north, north->london)"),
        "{text}"
    );
}

/// A move within each region keeps its rows `move[id,region,t]` and may not
/// join a group with itself; beside it, a move between regions of two
/// different groups (nurse in one region to senior in another) exists only
/// for the pairs where both groups exist (senior only in London).
#[test]
fn moves_within_a_region_are_unchanged_beside_moves_between_regions() {
    let text = edited_text(
        FIXTURE,
        &[(
            "[[service]]",
            "[[group]]\nid = \"senior\"\nopening = 0\nsalary = 200\nregions = [\"london\"]\n\n\
             [[move]]\nid = \"promotion\"\nfrom = \"nurse\"\nto = \"senior\"\nregions = [\"london\"]\n\n\
             [[move]]\nid = \"promote_away\"\nfrom = \"nurse\"\nto = \"senior\"\nbetween_regions = true\n\n\
             [[service]]",
        )],
    );
    let model = load_text(FIXTURE, &text);
    let keys: Vec<&str> = model.moves.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "relocation,london,north",
            "relocation,north,london",
            "promotion,london",
            "promote_away,north,london",
        ]
    );
    let promotion = &model.moves[2];
    assert!(promotion.between.is_none());
    assert_eq!(promotion.region, Some(0));
    let plan = solve_model(&model, "model with moves within and between regions");
    assert!(plan
        .lp
        .columns
        .iter()
        .any(|c| c.name.to_string() == "move[promotion,london,2026]"));
    assert_close_what("objective", plan.objective, 11200.0, REL_TOL);

    let circular = fixture_text(FIXTURE).replace("between_regions = true\n", "");
    let message = load_error_text(&circular, FILE);
    assert_mentions(
        &message,
        &[
            FILE,
            "move 'relocation' in region 'london'",
            "field 'to'",
            "two different groups",
        ],
    );
}

// ---------------------------------------------------------------------------
// errors name the file, the entity and the field
// ---------------------------------------------------------------------------

const FILE: &str = "models/mobility.toml";

#[track_caller]
fn load_error_text(text: &str, file: &str) -> String {
    match wfplan::spec::load_str(text, Path::new(file), None, &[]) {
        Ok(_) => panic!("expected an error, but the model loaded:\n{text}"),
        Err(error) => format!("{error:#}"),
    }
}

#[track_caller]
fn load_error(edits: &[(&str, &str)]) -> String {
    load_error_text(&edited_text(FIXTURE, edits), FILE)
}

#[test]
fn an_unknown_region_in_a_pair_is_named() {
    let message = load_error(&[("cost = 50", "cost = 50\npairs = [[\"north\", \"lodnon\"]]")]);
    assert_mentions(
        &message,
        &[
            FILE,
            "move 'relocation'",
            "field 'pairs'",
            "no region 'lodnon'",
            "did you mean 'london'",
        ],
    );
    let message = load_error(&[("cost = 50", "cost = { \"nroth->london\" = 50 }")]);
    assert_mentions(
        &message,
        &[
            FILE,
            "move 'relocation'",
            "field 'cost'",
            "no region 'nroth'",
            "did you mean 'north'",
        ],
    );
}

#[test]
fn a_pair_of_a_region_with_itself_is_refused() {
    let message = load_error(&[("cost = 50", "cost = 50\npairs = [[\"north\", \"north\"]]")]);
    assert_mentions(
        &message,
        &[
            FILE,
            "move 'relocation'",
            "field 'pairs'",
            "'north->north'",
            "with itself",
        ],
    );
    let message = load_error(&[(
        "cost = 50",
        "cost = 50\nmax = { \"london->london\" = 5, \"north->london\" = 5 }",
    )]);
    assert_mentions(
        &message,
        &[FILE, "move 'relocation'", "field 'max'", "with itself"],
    );
}

/// A matrix CSV whose header is `from,to,value` is refused naming the
/// model file, the move, the field, the CSV file and the header expected
/// (suggesting nothing it would have to echo from the file).
#[test]
fn a_matrix_csv_with_a_bad_header_is_named() {
    let text = edited_text(
        FIXTURE,
        &[("cost = 50", "cost = 50\nmax = \"mobility_bad_header.csv\"")],
    );
    let model_file = fixture_path(FIXTURE);
    let message = match wfplan::spec::load_str(&text, &model_file, None, &[]) {
        Ok(_) => panic!("expected an error"),
        Err(error) => format!("{error:#}"),
    };
    assert_mentions(
        &message,
        &[
            &model_file.display().to_string(),
            "move 'relocation'",
            "field 'max'",
            "mobility_bad_header.csv",
            "no column 'from_region'",
            "period,from_region,to_region,value",
        ],
    );
}

/// More mistakes, each named: a table pair that is not in `pairs`, a pair
/// missing from a second table, a key that is a region not a pair, a pair
/// written with one region, `between_regions` without regions, and a
/// direction that does not exist in an expression.
/// One text edit of the fixture: (from, to).
type Edit<'a> = Vec<(&'a str, &'a str)>;

#[test]
fn other_mobility_mistakes_are_named() {
    // (edit of the fixture, what the message names besides file and move)
    let cases: Vec<(Edit, Vec<&str>)> = vec![
        (
            vec![(
                "cost = 50",
                "cost = { \"london->north\" = 50 }\npairs = [[\"north\", \"london\"]]",
            )],
            vec!["field 'cost'", "'london->north' is not one of the move's pairs"],
        ),
        (
            vec![(
                "cost = 50",
                "cost = { \"north->london\" = 50 }\nmax = { \"london->north\" = 5, \"north->london\" = 5 }",
            )],
            vec!["field 'max'", "'london->north' is not one of the move's pairs"],
        ),
        (
            vec![(
                "cost = 50",
                "cost = { \"north->london\" = 50, \"london->north\" = 50 }\nmax = { \"north->london\" = 5 }",
            )],
            vec!["field 'max'", "no value for the pair 'london->north'"],
        ),
        (
            vec![("cost = 50", "cost = { north = 50, london = 50 }")],
            vec!["field 'cost'", "is not a pair of regions"],
        ),
        (
            vec![("cost = 50", "cost = 50\npairs = [[\"north\"]]")],
            vec!["field 'pairs'", "[\"from_region\", \"to_region\"]"],
        ),
    ];
    for (edits, parts) in cases {
        let message = load_error(&edits);
        let mut expected = vec![FILE, "move 'relocation'"];
        expected.extend(parts);
        assert_mentions(&message, &expected);
    }

    let without_regions =
        "[model]\nperiods = [\"2026\"]\n\n[[group]]\nid = \"nurse\"\nopening = 1\n\n\
        [[move]]\nid = \"relocation\"\nfrom = \"nurse\"\nto = \"nurse\"\nbetween_regions = true\n";
    let message = load_error_text(without_regions, FILE);
    assert_mentions(
        &message,
        &[
            FILE,
            "move 'relocation'",
            "field 'between_regions'",
            "no [[region]]",
        ],
    );

    let limit = |expr: &str| {
        fixture_text(FIXTURE) + &format!("\n[[limit]]\nid = \"odd\"\nexpr = \"{expr}\"\nmax = 1\n")
    };
    for (expr, part) in [
        ("move(relocation @ north -> nroth)", "no region 'nroth'"),
        ("stock(nurse @ north -> london)", "stock takes '@ region'"),
    ] {
        let message = load_error_text(&limit(expr), FILE);
        assert_mentions(&message, &[FILE, "limit 'odd'", "field 'expr'", part]);
    }
    let text = edited_text(
        FIXTURE,
        &[("cost = 50", "cost = 50\npairs = [[\"north\", \"london\"]]")],
    )
        + "\n[[limit]]\nid = \"odd\"\nexpr = \"move(relocation @ london -> north)\"\nmax = 1\n";
    let message = load_error_text(&text, FILE);
    assert_mentions(
        &message,
        &[
            FILE,
            "limit 'odd'",
            "field 'expr'",
            "no move 'relocation' between regions from 'london' to 'north'",
        ],
    );
}

/// The impact report names a move between regions by the group and the
/// region staff come from or go to. Without relocation, London (demand 60,
/// 40 nurses) hires 20 at 200 + 120 = 320 each; with it, 20 of the North's 30
/// spare nurses move (50 + 120 − 100 = 70 each, as above): London's channels
/// are "moves from nurse in North" +20 and no hires; the North's "moves to
/// nurse in London" −20.
#[test]
fn compare_names_moves_between_regions_by_group_and_region() {
    let text = fixture_text(FIXTURE)
        + "\n[[scenario]]\nid = \"no_relocation\"\nset = { \"move.relocation.max\" = 0 }\n";
    let path = fixture_path(FIXTURE);
    let base = solve_model(
        &wfplan::spec::load_str(&text, &path, Some("no_relocation"), &[]).unwrap(),
        "no_relocation",
    );
    let policy = solve_model(&load_text(FIXTURE, &text), "as written");
    let impact = wfplan::compare::compare(
        &base,
        &policy,
        "no_relocation",
        "base",
        Some("nurse@london"),
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    let labels: Vec<(String, f64)> = impact
        .channels
        .iter()
        .filter(|c| c.change_to_headline.abs() > 1e-9)
        .map(|c| (c.label.clone(), c.change_to_headline))
        .collect();
    let moved = labels
        .iter()
        .find(|(label, _)| label == "moves from nurse in North")
        .unwrap_or_else(|| panic!("no labelled move channel in {labels:?}"));
    assert!((moved.1 - 20.0).abs() < 1e-6, "{labels:?}");
    let north =
        wfplan::compare::compare(&base, &policy, "no_relocation", "base", Some("nurse@north"))
            .unwrap();
    assert!(
        north
            .channels
            .iter()
            .any(|c| c.label == "moves to nurse in London"
                && (c.change_to_headline + 20.0).abs() < 1e-6),
        "{:?}",
        north
            .channels
            .iter()
            .map(|c| (&c.label, c.change_to_headline))
            .collect::<Vec<_>>()
    );
}
