//! Hostile and careless input: ids that look like paths or hold terminal
//! escapes, names over several lines, scenarios that clash or do more than
//! change a number, conditions that silently vanish, numbers HiGHS reads as
//! infinity, expressions deep enough to blow a stack, empty models, and CSV
//! paths that point at files which are not series. Each was a failure found
//! by trying wfplan as a hostile user would; each must now be a clear error
//! (naming the file, the entity and the field) or work as documented.

use std::path::Path;

use wfplan::spec::{load, load_str};

use crate::util::{assert_mentions, fixture_path, wfplan};

const FILE: &str = "models/hostile.toml";

/// A small valid model with one scenario; each test breaks one thing.
const BASE: &str = r#"
[model]
name = "Hostile on purpose"
periods = ["2025/26", "2026/27", "2027/28"]

[[group]]
id = "staff_nurse"
name = "Staff nurses"
opening = 100
attrition = 0.1
salary = 45000
hire_max = 50

[[group]]
id = "health_visitor"
opening = 30
attrition = 0.09
salary = 58000

[[service]]
id = "health_visiting"
demand = [30, 31, 32]
staffed_by = { health_visitor = 1.0 }
unmet_penalty = 100000

[[target]]
id = "hv_growth"
expr = "stock(health_visitor)"
min = 25
at = ["2027/28"]

[[scenario]]
id = "no_target"
set = { "target.hv_growth.enabled" = false }
"#;

#[track_caller]
fn edited(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "{from:?} must occur once");
    BASE.replacen(from, to, 1)
}

#[track_caller]
fn error_of(text: &str, scenario: Option<&str>, sets: &[&str]) -> String {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match load_str(text, Path::new(FILE), scenario, &sets) {
        Ok(_) => panic!("expected an error, but the model loaded:\n{text}"),
        Err(error) => format!("{error:#}"),
    }
}

// ---------------------------------------------------------------------------
// ids are names, never paths
// ---------------------------------------------------------------------------

#[test]
fn ids_outside_the_id_rule_are_refused_and_shown_escaped() {
    for bad in [
        "staff/nurse",
        "../x",
        "/tmp/abs",
        "a b",
        "a.b",
        "-leading_hyphen",
        "\u{1b}[31mred",
        "é",
        &"x".repeat(65),
    ] {
        let text = edited(
            r#"id = "staff_nurse""#,
            &format!("id = {}", toml::Value::String(bad.to_string())),
        );
        let message = error_of(&text, None, &[]);
        assert_mentions(
            &message,
            &[FILE, "group #1", "field 'id'", "not a valid id", "ASCII"],
        );
        assert!(!message.contains('\u{1b}'), "raw escape in: {message:?}");
    }
    for good in ["staff-nurse", "_x", "A1", &"x".repeat(64)] {
        let text = edited(r#"id = "staff_nurse""#, &format!("id = \"{good}\""));
        load_str(&text, Path::new(FILE), None, &[]).unwrap_or_else(|e| panic!("{good}: {e:#}"));
    }
}

#[test]
fn scenario_ids_that_are_paths_are_refused() {
    for bad in ["../x", "/some/absolute/path", "models/x", "..", "a\\b"] {
        let text = edited(
            r#"id = "no_target""#,
            &format!("id = {}", toml::Value::String(bad.to_string())),
        );
        let message = error_of(&text, None, &[]);
        assert_mentions(
            &message,
            &[FILE, "scenario #1", "field 'id'", "not a valid id"],
        );
    }
}

#[test]
fn the_scenario_id_base_is_reserved() {
    let text = edited(r#"id = "no_target""#, r#"id = "base""#);
    let message = error_of(&text, None, &[]);
    assert_mentions(&message, &[FILE, "scenario 'base'", "reserved"]);
}

#[test]
fn duplicate_scenario_ids_are_refused() {
    let text = format!("{BASE}\n[[scenario]]\nid = \"no_target\"\nset = {{ \"group.staff_nurse.attrition\" = 0.2 }}\n");
    let message = error_of(&text, Some("no_target"), &[]);
    assert_mentions(&message, &[FILE, "two scenarios", "'no_target'"]);
    // ... and not only when that scenario is asked for.
    error_of(&text, None, &[]);
}

#[test]
fn names_with_control_characters_are_refused() {
    let text = edited(r#"name = "Staff nurses""#, "name = \"Staff\\nnurses\"");
    let message = error_of(&text, None, &[]);
    assert_mentions(
        &message,
        &[
            FILE,
            "group 'staff_nurse'",
            "field 'name'",
            "control character",
        ],
    );
    let text = edited(
        r#"name = "Hostile on purpose""#,
        "name = \"\"\"Two\nlines\"\"\"",
    );
    let message = error_of(&text, None, &[]);
    assert_mentions(&message, &[FILE, "[model]", "field 'name'"]);
    let text = edited(r#"name = "Staff nurses""#, "name = \"\\u001b[31mred\"");
    let message = error_of(&text, None, &[]);
    assert!(!message.contains('\u{1b}'), "raw escape in: {message:?}");
}

// ---------------------------------------------------------------------------
// conditions that silently vanished or doubled
// ---------------------------------------------------------------------------

#[test]
fn an_empty_at_list_is_an_error_not_a_dropped_target() {
    let text = edited(r#"at = ["2027/28"]"#, "at = []");
    let message = error_of(&text, None, &[]);
    assert_mentions(
        &message,
        &[
            FILE,
            "target 'hv_growth'",
            "field 'at'",
            "at least one period",
        ],
    );
}

#[test]
fn a_period_listed_twice_in_at_is_an_error() {
    let text = edited(
        r#"at = ["2027/28"]"#,
        r#"at = ["2027/28", "2026/27", "2027/28"]"#,
    );
    let message = error_of(&text, None, &[]);
    assert_mentions(
        &message,
        &[
            FILE,
            "target 'hv_growth'",
            "field 'at'",
            "'2027/28'",
            "twice",
        ],
    );
}

#[test]
fn a_model_with_no_group_is_refused() {
    let text = r#"
[model]
periods = ["2025"]

[[service]]
id = "care"
demand = 1
staffed_by = {}
unmet_penalty = 10
"#;
    let message = error_of(text, None, &[]);
    assert_mentions(&message, &[FILE, "no [[group]]"]);
}

// ---------------------------------------------------------------------------
// scenarios do what the design says
// ---------------------------------------------------------------------------

/// Williams' manpower problem as shipped minimises cost (£498,677.29); its
/// `min_redundancy` scenario changes the objective and reaches the published
/// minimum redundancy of 841.8 (exits 442.97 + 166.33 + 232.5, derived in
/// known_optimum.rs).
#[test]
fn a_scenario_can_change_the_objective() {
    let path = fixture_path("williams_manpower.toml");
    let cost = wfplan::solve::solve(&load(&path, None, &[]).unwrap()).unwrap();
    assert!(
        (cost.objective - 498_677.29).abs() < 0.01,
        "{}",
        cost.objective
    );
    let model = load(&path, Some("min_redundancy"), &[]).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(model.objectives.len(), 1);
    assert_eq!(model.objectives[0].text, "exit(*)");
    let plan = wfplan::solve::solve(&model).unwrap();
    assert!(
        (plan.objective - 841.796875).abs() < 1e-6,
        "{}",
        plan.objective
    );
    // The same from the command line, lexicographic: redundancy, then cost.
    let sets = vec![r#"objective.minimise=["exit(*)", "cost"]"#.to_string()];
    let model = load(&path, None, &sets).unwrap_or_else(|e| panic!("{e:#}"));
    let plan = wfplan::solve::solve(&model).unwrap();
    assert!((plan.stage_objectives[0] - 841.796875).abs() < 1e-6);
    // 1,441,389.80 with redundancy held exactly at its minimum, 1,441,388.56
    // with the stage tolerance of 1e-7 relative (known_optimum.rs).
    assert!(
        (plan.stage_objectives[1] - 1_441_388.56).abs() < 0.01,
        "{:?}",
        plan.stage_objectives
    );
}

#[test]
fn a_scenario_can_add_a_target_and_a_limit() {
    let text = format!(
        "{BASE}
[[scenario]]
id = \"pledge\"

[[scenario.target]]
id = \"hv_pledge\"
expr = \"stock(health_visitor)\"
min = 40
at = [\"2027/28\"]

[[scenario.limit]]
id = \"no_late_hires\"
expr = \"hire(health_visitor)\"
max = 0
at = [\"2027/28\"]
"
    );
    let base = load_str(&text, Path::new(FILE), None, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(base.conditions.iter().all(|c| c.id != "hv_pledge"));
    let pledge =
        load_str(&text, Path::new(FILE), Some("pledge"), &[]).unwrap_or_else(|e| panic!("{e:#}"));
    let ids: Vec<&str> = pledge.conditions.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["hv_growth", "hv_pledge", "no_late_hires"]);
    // Both are really in force: without them the plan staffs the 32 FTE of
    // demand in 2027/28 (salary 58,000 < unmet penalty 100,000) and hires to
    // get there; with them it holds 40 and hires nobody in 2027/28.
    let base_plan = wfplan::solve::solve(&base).unwrap();
    let pledge_plan = wfplan::solve::solve(&pledge).unwrap();
    let last = |plan: &wfplan::solution::Solution, text: &str| plan.value(text).unwrap()[2];
    assert!((last(&base_plan, "stock(health_visitor)") - 32.0).abs() < 1e-6);
    assert!(last(&base_plan, "hire(health_visitor)") > 1.0);
    assert!((last(&pledge_plan, "stock(health_visitor)") - 40.0).abs() < 1e-6);
    assert!(last(&pledge_plan, "hire(health_visitor)").abs() < 1e-9);

    let clash = text.replace("id = \"hv_pledge\"", "id = \"hv_growth\"");
    let message = error_of(&clash, Some("pledge"), &[]);
    assert_mentions(
        &message,
        &[
            FILE,
            "scenario 'pledge'",
            "already has a target 'hv_growth'",
        ],
    );
}

// ---------------------------------------------------------------------------
// numbers HiGHS would read as infinity
// ---------------------------------------------------------------------------

#[test]
fn numbers_of_1e20_and_more_are_refused_naming_entity_and_field() {
    for (from, to, entity, field) in [
        (
            "salary = 45000",
            "salary = 1e20",
            "group 'staff_nurse'",
            "field 'salary'",
        ),
        (
            "opening = 30",
            "opening = 1e300",
            "group 'health_visitor'",
            "field 'opening'",
        ),
        (
            "demand = [30, 31, 32]",
            "demand = [30, 1e308, 32]",
            "service 'health_visiting'",
            "field 'demand'",
        ),
        (
            "min = 25",
            "min = -1e21",
            "target 'hv_growth'",
            "field 'min'",
        ),
        (
            "unmet_penalty = 100000",
            "unmet_penalty = 2e20",
            "service 'health_visiting'",
            "field 'unmet_penalty'",
        ),
    ] {
        let message = error_of(&edited(from, to), None, &[]);
        assert_mentions(&message, &[FILE, entity, field, "1e20"]);
    }
    for expression in [
        "1e999 * stock(health_visitor)",
        "1e20 * stock(health_visitor)",
        "1e15 * 1e15 * stock(health_visitor)",
        "stock(health_visitor) - 1e10 * 1e10",
    ] {
        let text = edited(
            r#"expr = "stock(health_visitor)""#,
            &format!("expr = \"{expression}\""),
        );
        let message = error_of(&text, None, &[]);
        assert_mentions(
            &message,
            &[FILE, "target 'hv_growth'", "field 'expr'", "1e20"],
        );
    }
    let message = error_of(BASE, None, &["group.staff_nurse.salary=1e20"]);
    assert_mentions(&message, &[FILE, "group 'staff_nurse'", "field 'salary'"]);
}

/// Below 1e-9 a non-zero number is noise to HiGHS (its feasibility and
/// optimality tolerances are 1e-7 to 1e-9): refused, naming entity and field;
/// an exact 0 is fine.
#[test]
fn non_zero_numbers_below_1e_9_are_refused_naming_entity_and_field() {
    for (from, to, entity, field) in [
        (
            "salary = 45000",
            "salary = 1e-12",
            "group 'staff_nurse'",
            "field 'salary'",
        ),
        (
            "attrition = 0.09",
            "attrition = [0.09, 5e-10, 0.09]",
            "group 'health_visitor'",
            "field 'attrition'",
        ),
        (
            "demand = [30, 31, 32]",
            "demand = [30, -1e-15, 32]",
            "service 'health_visiting'",
            "field 'demand'",
        ),
    ] {
        let message = error_of(&edited(from, to), None, &[]);
        assert_mentions(&message, &[FILE, entity, field, "1e-9"]);
    }
    let text = edited(
        r#"expr = "stock(health_visitor)""#,
        r#"expr = "1e-6 * 1e-6 * stock(health_visitor)""#,
    );
    let message = error_of(&text, None, &[]);
    assert_mentions(
        &message,
        &[FILE, "target 'hv_growth'", "field 'expr'", "1e-9"],
    );
    load_str(
        &edited("salary = 45000", "salary = 0"),
        Path::new(FILE),
        None,
        &[],
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
    load_str(
        &edited("salary = 45000", "salary = 1e-9"),
        Path::new(FILE),
        None,
        &[],
    )
    .unwrap_or_else(|e| panic!("{e:#}"));
}

// ---------------------------------------------------------------------------
// expressions that used to overflow the stack
// ---------------------------------------------------------------------------

#[test]
fn deeply_nested_expressions_are_refused_from_the_file_and_from_set() {
    let deep = format!(
        "{}stock(health_visitor){}",
        "(".repeat(20_000),
        ")".repeat(20_000)
    );
    let text = edited(
        r#"expr = "stock(health_visitor)""#,
        &format!("expr = \"{deep}\""),
    );
    let message = error_of(&text, None, &[]);
    assert_mentions(
        &message,
        &[FILE, "target 'hv_growth'", "field 'expr'", "nested"],
    );
    assert!(
        message.len() < 1_000,
        "the message quotes the whole expression"
    );
    let set = format!("target.hv_growth.expr={deep}");
    let message = error_of(BASE, None, &[&set]);
    assert_mentions(&message, &["target 'hv_growth'", "nested"]);
    // 100,000 unary minuses are counted, not recursed: an even number is +.
    let signs = format!(
        "target.hv_growth.expr={}stock(health_visitor)",
        "-".repeat(100_000)
    );
    let model = load_str(BASE, Path::new(FILE), None, &[signs]).unwrap();
    assert_eq!(model.conditions[0].expression.terms[0].0, 1.0);
}

// ---------------------------------------------------------------------------
// errors never echo a file that is not a series
// ---------------------------------------------------------------------------

#[test]
fn a_csv_error_names_the_file_and_header_but_never_echoes_its_contents() {
    let dir = tempfile::tempdir().unwrap();
    let secret = "root:$y$SECRET-HASH:19000:0:99999:7:::";
    for (name, contents) in [
        ("shadow", format!("{secret}\ndaemon:*:19000:0:99999:7:::\n")),
        ("three_columns.csv", format!("{secret},b,c\n1,2,3\n")),
        ("binary.csv", "\u{0}\u{1}SECRET-HASH\u{ff}".to_string()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &contents).unwrap();
        let model_path = dir.path().join("model.toml");
        std::fs::write(
            &model_path,
            edited("demand = [30, 31, 32]", &format!("demand = \"{name}\"")),
        )
        .unwrap();
        let message = match load(&model_path, None, &[]) {
            Ok(_) => panic!("{name} loaded as a series"),
            Err(error) => format!("{error:#}"),
        };
        assert!(!message.contains("SECRET"), "{name}: echoed: {message}");
        assert_mentions(
            &message,
            &[
                "model.toml",
                "service 'health_visiting'",
                "field 'demand'",
                name,
                "period",
            ],
        );
    }
}

// ---------------------------------------------------------------------------
// validate, as a user runs it
// ---------------------------------------------------------------------------

#[test]
fn validate_lists_the_scenarios_and_prints_each_warning_once() {
    let output = wfplan(&["validate", "models/england_community_nursing.toml"]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find(|l| l.trim_start().contains("scenarios:"))
        .unwrap_or_else(|| panic!("no scenarios line in:\n{stdout}"));
    for id in ["no_pledge", "pledge", "pledge_phased", "pledge_unfunded"] {
        assert!(line.contains(id), "{id} missing from {line}");
    }

    // A free training course out of a group without exit cost is warned about.
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("warn.toml");
    std::fs::write(
        &model,
        format!(
            "{BASE}\n[[pipeline]]\nid = \"free_course\"\nfrom = \"staff_nurse\"\nto = \"health_visitor\"\nduration = 1\n"
        ),
    )
    .unwrap();
    let output = wfplan(&["validate", model.to_str().unwrap()]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    let mut unique = warnings.clone();
    unique.dedup();
    assert_eq!(unique, warnings);
}
