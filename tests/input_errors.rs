//! Bad input: one test per class of mistake a planner can make in a model
//! file, a CSV series, a scenario or a `--set` override.
//!
//! DESIGN.md section 3: "every error names the file, the entity and the field"
//! and says what was expected. Each test asserts those parts of the whole
//! error chain (`{:#}`), the way `wfplan` prints it after `error:`. Nothing
//! here may panic: the last tests feed dozens of broken snippets through the
//! loader and only accept an `Err`.

use std::path::Path;

use wfplan::spec::{load, load_str};

use crate::util::assert_mentions;

/// The name the in-memory model is loaded under; every message must carry it.
const FILE: &str = "models/broken.toml";

/// A small valid model; each test breaks one thing in it.
const BASE: &str = r#"
[model]
name = "Broken on purpose"
periods = ["2025/26", "2026/27", "2027/28"]

[[group]]
id = "staff_nurse"
opening = 100
attrition = 0.1
salary = 45000
hire_max = 50
from_pools = ["newly_qualified"]

[[group]]
id = "health_visitor"
opening = 30
attrition = 0.09
salary = 58000

[[pool]]
id = "newly_qualified"
supply = 40

[[pipeline]]
id = "scphn_hv"
from = "staff_nurse"
to = "health_visitor"
duration = 1
completion = 0.9
capacity = 10
in_training = [5]

[[service]]
id = "health_visiting"
demand = [30, 31, 32]
staffed_by = { health_visitor = 1.0 }
unmet_penalty = 100000

[[target]]
id = "hv_growth"
expr = "stock(health_visitor)"
min = 35
at = ["2027/28"]

[[scenario]]
id = "no_target"
set = { "target.hv_growth.enabled" = false }
"#;

/// BASE with each `(from, to)` applied; `from` must occur exactly once, so an
/// edit can never silently miss.
#[track_caller]
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        let count = text.matches(from).count();
        assert_eq!(
            count, 1,
            "edit {from:?} occurs {count} times in BASE, expected once"
        );
        text = text.replacen(from, to, 1);
    }
    text
}

/// The whole error chain of loading `text` as models/broken.toml.
#[track_caller]
fn load_error(text: &str) -> String {
    load_error_with(text, None, &[])
}

#[track_caller]
fn load_error_with(text: &str, scenario: Option<&str>, sets: &[&str]) -> String {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    match load_str(text, Path::new(FILE), scenario, &sets) {
        Ok(_) => panic!("expected an error, but the model loaded:\n{text}"),
        Err(error) => format!("{error:#}"),
    }
}

#[test]
fn the_base_model_is_valid() {
    let model = load_str(BASE, Path::new(FILE), None, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(model.groups.len(), 2);
    load_str(BASE, Path::new(FILE), Some("no_target"), &[]).unwrap_or_else(|e| panic!("{e:#}"));
}

// ---------------------------------------------------------------------------
// ids and fields
// ---------------------------------------------------------------------------

#[test]
fn unknown_id_suggests_the_nearest_id() {
    let message = load_error(&edited(&[(
        r#"from_pools = ["newly_qualified"]"#,
        r#"from_pools = ["newly_qualifed"]"#,
    )]));
    assert_mentions(
        &message,
        &[
            FILE,
            "group 'staff_nurse'",
            "'from_pools'",
            "pool 'newly_qualifed'",
            "did you mean 'newly_qualified'",
        ],
    );
}

#[test]
fn unknown_id_in_a_pipeline_destination_suggests_the_nearest_id() {
    let message = load_error(&edited(&[(
        r#"to = "health_visitor""#,
        r#"to = "health_visiter""#,
    )]));
    assert_mentions(
        &message,
        &[
            FILE,
            "pipeline 'scphn_hv'",
            "'to'",
            "'health_visiter'",
            "did you mean 'health_visitor'",
        ],
    );
}

#[test]
fn unknown_field_is_named_with_the_fields_expected() {
    let message = load_error(&edited(&[("attrition = 0.1\n", "atrition = 0.1\n")]));
    assert_mentions(
        &message,
        &[FILE, "group 'staff_nurse'", "'atrition'", "expected"],
    );
    // the list of what is expected includes the field the planner meant
    assert_mentions(&message, &["`attrition`"]);
}

#[test]
fn wrong_type_string_where_a_number_is_expected() {
    let message = load_error(&edited(&[("opening = 100", r#"opening = "a hundred""#)]));
    assert_mentions(
        &message,
        &[
            FILE,
            "group 'staff_nurse'",
            "'opening'",
            "expected",
            "a hundred",
        ],
    );
}

#[test]
fn wrong_type_string_in_a_parameter_is_neither_a_number_nor_a_csv_file() {
    // a numeric parameter may be a CSV path, so a word is read as one
    let message = load_error(&edited(&[("attrition = 0.1\n", "attrition = \"high\"\n")]));
    assert_mentions(
        &message,
        &[
            FILE,
            "group 'staff_nurse'",
            "'attrition'",
            "expected a number",
            "'high'",
        ],
    );
}

#[test]
fn wrong_type_boolean_in_a_parameter() {
    let message = load_error(&edited(&[("salary = 45000", "salary = true")]));
    // what was given (a boolean) and what was expected (a number, a list or a CSV path)
    assert_mentions(
        &message,
        &[
            FILE,
            "group 'staff_nurse'",
            "'salary'",
            "expected",
            "a number",
        ],
    );
}

// ---------------------------------------------------------------------------
// values out of range
// ---------------------------------------------------------------------------

#[test]
fn negative_fte_is_rejected() {
    let message = load_error(&edited(&[("opening = 100", "opening = -5")]));
    assert_mentions(
        &message,
        &[
            FILE,
            "group 'staff_nurse'",
            "'opening'",
            "non-negative",
            "-5",
        ],
    );
}

#[test]
fn rate_outside_zero_one_is_rejected() {
    let message = load_error(&edited(&[("attrition = 0.1\n", "attrition = 1.5\n")]));
    assert_mentions(
        &message,
        &[FILE, "group 'staff_nurse'", "'attrition'", "[0, 1]", "1.5"],
    );
}

#[test]
fn negative_rate_is_rejected() {
    let message = load_error(&edited(&[("completion = 0.9", "completion = -0.1")]));
    assert_mentions(
        &message,
        &[
            FILE,
            "pipeline 'scphn_hv'",
            "'completion'",
            "non-negative",
            "-0.1",
        ],
    );
}

#[test]
fn series_of_the_wrong_length_is_rejected() {
    let message = load_error(&edited(&[("demand = [30, 31, 32]", "demand = [30, 31]")]));
    assert_mentions(
        &message,
        &[
            FILE,
            "service 'health_visiting'",
            "'demand'",
            "expected 3 values",
            "got 2",
        ],
    );
}

#[test]
fn min_above_max_is_rejected() {
    let message = load_error(&edited(&[("min = 35", "min = 40\nmax = 30")]));
    assert_mentions(
        &message,
        &[FILE, "target 'hv_growth'", "min", "max", "40", "30"],
    );
    // the field: either bound may be the mistake, so the message should name
    // one of them as a field, as every other message does
    assert!(
        message.contains("'min'") || message.contains("'max'"),
        "the error message should name the field 'min' or 'max'\n  got: {message}"
    );
}

// ---------------------------------------------------------------------------
// CSV series
// ---------------------------------------------------------------------------

/// Writes `model.toml` (BASE with the service demand read from `demand.csv`)
/// and `demand.csv` into a temporary folder and loads it.
#[track_caller]
fn csv_error(csv: Option<&str>, demand_path: &str) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let model_path = dir.path().join("model.toml");
    let text = edited(&[(
        "demand = [30, 31, 32]",
        &format!("demand = \"{demand_path}\""),
    )]);
    std::fs::write(&model_path, text).expect("write model");
    if let Some(csv) = csv {
        std::fs::write(dir.path().join("demand.csv"), csv).expect("write csv");
    }
    match load(&model_path, None, &[]) {
        Ok(_) => panic!("expected an error, but the model loaded with demand.csv:\n{csv:?}"),
        Err(error) => (format!("{error:#}"), dir),
    }
}

#[test]
fn csv_series_is_read_when_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    let model_path = dir.path().join("model.toml");
    std::fs::write(
        &model_path,
        edited(&[("demand = [30, 31, 32]", "demand = \"demand.csv\"")]),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("demand.csv"),
        "period,service,value\n2025/26,health_visiting,30\n2026/27,health_visiting,31\n2027/28,health_visiting,32\n",
    )
    .unwrap();
    let model = load(&model_path, None, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(model.services[0].demand_fte, vec![30.0, 31.0, 32.0]);
}

#[test]
fn csv_with_a_missing_period_is_rejected() {
    let (message, dir) = csv_error(
        Some("period,service,value\n2025/26,health_visiting,30\n2026/27,health_visiting,31\n"),
        "demand.csv",
    );
    let model_file = dir.path().join("model.toml").display().to_string();
    assert_mentions(
        &message,
        &[
            &model_file,
            "demand.csv",
            "service 'health_visiting'",
            "'demand'",
            "missing period",
            "2027/28",
        ],
    );
}

#[test]
fn csv_with_a_non_numeric_value_is_rejected() {
    let (message, dir) = csv_error(
        Some("period,service,value\n2025/26,health_visiting,30\n2026/27,health_visiting,lots\n2027/28,health_visiting,32\n"),
        "demand.csv",
    );
    let model_file = dir.path().join("model.toml").display().to_string();
    assert_mentions(
        &message,
        &[
            &model_file,
            "demand.csv",
            "service 'health_visiting'",
            "'demand'",
            "line 3",
            "'lots'",
            "not a number",
        ],
    );
}

#[test]
fn csv_with_an_unknown_period_is_rejected() {
    let (message, _dir) = csv_error(
        Some("period,service,value\n2025/26,health_visiting,30\n2026/27,health_visiting,31\n2028/29,health_visiting,32\n"),
        "demand.csv",
    );
    assert_mentions(
        &message,
        &[
            "service 'health_visiting'",
            "'demand'",
            "line 4",
            "'2028/29'",
            "not one of",
        ],
    );
}

#[test]
fn csv_path_that_does_not_exist_is_rejected() {
    let (message, dir) = csv_error(None, "no_such_demand.csv");
    let model_file = dir.path().join("model.toml").display().to_string();
    assert_mentions(
        &message,
        &[
            &model_file,
            "service 'health_visiting'",
            "'demand'",
            "no_such_demand.csv",
            "not a file",
            "expected",
        ],
    );
}

// ---------------------------------------------------------------------------
// expressions
// ---------------------------------------------------------------------------

#[test]
fn expression_that_does_not_parse_reports_the_column() {
    let message = load_error(&edited(&[(
        r#"expr = "stock(health_visitor)""#,
        r#"expr = "stock(hv""#,
    )]));
    assert_mentions(
        &message,
        &[
            FILE,
            "target 'hv_growth'",
            "'expr'",
            "column 9",
            "expected ')'",
        ],
    );
}

#[test]
fn nonlinear_expression_reports_the_column() {
    let message = load_error(&edited(&[(
        r#"expr = "stock(health_visitor)""#,
        r#"expr = "stock(health_visitor) * stock(staff_nurse)""#,
    )]));
    assert_mentions(
        &message,
        &[FILE, "target 'hv_growth'", "'expr'", "column 23", "linear"],
    );
}

#[test]
fn unknown_quantity_in_an_expression_is_named_with_a_suggestion() {
    let message = load_error(&edited(&[(
        r#"expr = "stock(health_visitor)""#,
        r#"expr = "stok(health_visitor)""#,
    )]));
    assert_mentions(
        &message,
        &[
            FILE,
            "target 'hv_growth'",
            "'expr'",
            "unknown quantity 'stok'",
            "did you mean 'stock'",
            "expected one of",
        ],
    );
}

#[test]
fn unknown_id_in_an_expression_is_named_with_a_suggestion() {
    let message = load_error(&edited(&[(
        r#"expr = "stock(health_visitor)""#,
        r#"expr = "stock(health_visiter)""#,
    )]));
    assert_mentions(
        &message,
        &[
            FILE,
            "target 'hv_growth'",
            "'expr'",
            "column 1",
            "group 'health_visiter'",
            "did you mean 'health_visitor'",
        ],
    );
}

#[test]
fn unknown_objective_expression_is_named() {
    let message = load_error(&format!(
        "{BASE}\n[objective]\nminimise = [\"cost\", \"exits(*)\"]\n"
    ));
    assert_mentions(
        &message,
        &[
            FILE,
            "[objective]",
            "minimise[1]",
            "unknown quantity 'exits'",
            "did you mean 'exit'",
        ],
    );
}

#[test]
fn unknown_at_period_is_rejected_with_a_suggestion() {
    let message = load_error(&edited(&[(r#"at = ["2027/28"]"#, r#"at = ["2027/2028"]"#)]));
    assert_mentions(
        &message,
        &[
            FILE,
            "target 'hv_growth'",
            "'at'",
            "'2027/2028'",
            "not a period",
            "did you mean '2027/28'",
        ],
    );
}

// ---------------------------------------------------------------------------
// pipelines
// ---------------------------------------------------------------------------

#[test]
fn circular_pipeline_is_rejected() {
    let message = load_error(&edited(&[(
        r#"to = "health_visitor""#,
        r#"to = "staff_nurse""#,
    )]));
    assert_mentions(
        &message,
        &[
            FILE,
            "pipeline 'scphn_hv'",
            "'to'",
            "circular",
            "staff_nurse",
        ],
    );
}

#[test]
fn pipeline_duration_zero_is_rejected() {
    let message = load_error(&edited(&[("duration = 1", "duration = 0")]));
    assert_mentions(
        &message,
        &[FILE, "pipeline 'scphn_hv'", "'duration'", "≥ 1", "got 0"],
    );
}

#[test]
fn too_many_in_training_cohorts_are_rejected() {
    let message = load_error(&edited(&[("in_training = [5]", "in_training = [5, 6]")]));
    assert_mentions(
        &message,
        &[
            FILE,
            "pipeline 'scphn_hv'",
            "'in_training'",
            "2 opening cohorts",
            "at most 1",
        ],
    );
}

#[test]
fn circular_move_is_rejected() {
    let message = load_error(&format!(
        "{BASE}\n[[move]]\nfrom = \"staff_nurse\"\nto = \"staff_nurse\"\n"
    ));
    assert_mentions(
        &message,
        &[
            FILE,
            "move 'staff_nurse->staff_nurse'",
            "'to'",
            "two different groups",
        ],
    );
}

// ---------------------------------------------------------------------------
// scenarios and --set
// ---------------------------------------------------------------------------

#[test]
fn unknown_scenario_suggests_the_nearest() {
    let message = load_error_with(BASE, Some("no_targt"), &[]);
    assert_mentions(
        &message,
        &[FILE, "scenario 'no_targt'", "did you mean 'no_target'"],
    );
}

/// `base` names the model as written (`compare --base base`), and no model
/// may define a scenario with that id, so `--scenario base` is the model as
/// written rather than an unknown scenario.
#[test]
fn scenario_base_is_the_model_as_written() {
    let as_written = load_str(BASE, Path::new(FILE), None, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    let base =
        load_str(BASE, Path::new(FILE), Some("base"), &[]).unwrap_or_else(|e| panic!("{e:#}"));
    assert_eq!(base.scenario, None);
    assert_eq!(base.conditions.len(), as_written.conditions.len());
    assert_eq!(base.conditions.len(), 1, "hv_growth is in force as written");
    // A model still may not define it.
    let message = load_error(&edited(&[(r#"id = "no_target""#, r#"id = "base""#)]));
    assert_mentions(&message, &[FILE, "field 'id'", "'base' is reserved"]);
}

#[test]
fn bad_set_path_names_the_entity_with_a_suggestion() {
    let message = load_error_with(BASE, None, &["group.staff_nurce.attrition=0.2"]);
    assert_mentions(
        &message,
        &[
            FILE,
            "--set group.staff_nurce.attrition=0.2",
            "group 'staff_nurce'",
            "did you mean 'staff_nurse'",
        ],
    );
}

#[test]
fn bad_set_kind_names_the_kinds() {
    let message = load_error_with(BASE, None, &["groop.staff_nurse.attrition=0.2"]);
    assert_mentions(&message, &[FILE, "'groop'", "did you mean 'group'"]);
}

#[test]
fn bad_set_field_is_an_unknown_field() {
    let message = load_error_with(BASE, None, &["group.staff_nurse.atrition=0.2"]);
    assert_mentions(
        &message,
        &[FILE, "group 'staff_nurse'", "'atrition'", "expected"],
    );
}

#[test]
fn set_without_a_value_says_what_is_expected() {
    let message = load_error_with(BASE, None, &["group.staff_nurse.attrition"]);
    assert_mentions(&message, &["group.staff_nurse.attrition", "PATH=VALUE"]);
}

#[test]
fn set_value_out_of_range_is_checked_like_the_file() {
    let message = load_error_with(BASE, None, &["group.staff_nurse.attrition=2"]);
    assert_mentions(
        &message,
        &[FILE, "group 'staff_nurse'", "'attrition'", "[0, 1]"],
    );
}

// ---------------------------------------------------------------------------
// the file as a whole
// ---------------------------------------------------------------------------

#[test]
fn toml_syntax_error_reports_the_line() {
    // line 6 of BASE (it opens with a newline) is `[[group]]`
    let text = edited(&[(
        "[[group]]\nid = \"staff_nurse\"",
        "[[group]\nid = \"staff_nurse\"",
    )]);
    let message = load_error(&text);
    assert_mentions(&message, &[FILE, "line 6"]);
}

#[test]
fn toml_syntax_error_in_a_value_reports_the_line() {
    let text = edited(&[("opening = 100", "opening = 100 100")]);
    let message = load_error(&text);
    assert_mentions(&message, &[FILE, "line 8"]);
}

#[test]
fn missing_model_section_is_rejected() {
    let text = edited(&[("[model]\n", "[modle]\n")]);
    let message = load_error(&text);
    assert_mentions(&message, &[FILE, "'modle'", "did you mean 'model'"]);
    let text = edited(&[(
        "[model]\nname = \"Broken on purpose\"\nperiods = [\"2025/26\", \"2026/27\", \"2027/28\"]\n",
        "",
    )]);
    let message = load_error(&text);
    assert_mentions(&message, &[FILE, "missing [model]", "periods"]);
}

#[test]
fn missing_required_field_is_named() {
    let message = load_error(&edited(&[("opening = 100\n", "")]));
    assert_mentions(&message, &[FILE, "group 'staff_nurse'", "opening"]);
}

#[test]
fn duplicate_ids_are_rejected() {
    let message = load_error(&edited(&[(
        r#"id = "health_visitor""#,
        r#"id = "staff_nurse""#,
    )]));
    assert_mentions(&message, &[FILE, "two groups", "'staff_nurse'"]);
}

// ---------------------------------------------------------------------------
// infeasible models
// ---------------------------------------------------------------------------

/// health_visitor: opening 100, attrition 0.1, no hires, no pipeline, so the
/// most it can have in 2026/27 is 100 · 0.9 · 0.9 = 81; a hard target of 100
/// is short by 19.
const INFEASIBLE: &str = r#"
[model]
name = "Unreachable target"
periods = ["2025/26", "2026/27"]

[[group]]
id = "health_visitor"
opening = 100
attrition = 0.1
salary = 58000
hire_max = 0

[[service]]
id = "health_visiting"
demand = 50
staffed_by = { health_visitor = 1.0 }
unmet_penalty = 100000

[[target]]
id = "hv_pledge"
expr = "stock(health_visitor)"
min = 100
at = ["2026/27"]
"#;

#[test]
fn infeasible_model_names_the_target_and_the_shortfall() {
    let model =
        load_str(INFEASIBLE, Path::new(FILE), None, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    let error = match wfplan::solve::solve(&model) {
        Ok(solution) => panic!("expected infeasible, got objective {}", solution.objective),
        Err(error) => error,
    };
    let message = format!("{error:#}");
    assert_mentions(&message, &[FILE, "infeasible", "hv_pledge", "81", "19"]);
    let infeasible = error
        .downcast_ref::<wfplan::solve::Infeasible>()
        .unwrap_or_else(|| panic!("the error should downcast to Infeasible: {message}"));
    assert_eq!(infeasible.relaxations.len(), 1, "{message}");
    assert!(
        infeasible.relaxations[0].description.contains("hv_pledge"),
        "{message}"
    );
    assert!(
        (infeasible.relaxations[0].amount - 19.0).abs() < 1e-6,
        "{message}"
    );
}

#[test]
fn infeasible_demand_without_unmet_penalty_is_explained() {
    let text = INFEASIBLE
        .replace("unmet_penalty = 100000\n", "")
        .replace("demand = 50", "demand = 120")
        .replace("min = 100", "min = 0");
    let model = load_str(&text, Path::new(FILE), None, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    let error = wfplan::solve::solve(&model)
        .err()
        .expect("expected infeasible");
    let message = format!("{error:#}");
    assert!(
        error.downcast_ref::<wfplan::solve::Infeasible>().is_some(),
        "{message}"
    );
    // 2025/26: 90 in post for 120 demand, 2026/27: 81
    assert_mentions(
        &message,
        &[FILE, "health_visiting", "30", "39", "unmet_penalty"],
    );
}

// ---------------------------------------------------------------------------
// never a panic
// ---------------------------------------------------------------------------

/// Snippets broken in every way we could think of; each must give an `Err`.
fn broken_snippets() -> Vec<String> {
    let base = |edits: &[(&str, &str)]| edited(edits);
    let mut snippets: Vec<String> = vec![
        String::new(),
        "\u{0}\u{1}\u{2}".to_string(),
        "this is not toml".to_string(),
        "[model]".to_string(),
        "[model]\nperiods = []".to_string(),
        "[model]\nperiods = \"2025\"".to_string(),
        "[model]\nperiods = [\"2025\", \"2025\"]".to_string(),
        "[model]\nperiods = [\"2025\"]\ndiscount_rate = nan".to_string(),
        "[model]\nperiods = [\"2025\"]\ndiscount_rate = 1.0".to_string(),
        "model = 5".to_string(),
        "[model]\nperiods = [\"2025\"]\ngroup = 5".to_string(),
        "[model]\nperiods = [\"2025\"]\ngroup = [1, 2]".to_string(),
        "[model]\nperiods = [\"2025\"]\n[[group]]\n".to_string(),
        "[model]\nperiods = [\"2025\"]\n[[group]]\nid = \"\"\nopening = 1".to_string(),
        "[model]\nperiods = [\"2025\"]\n[[group]]\nid = \"a\"\nopening = nan".to_string(),
        "[model]\nperiods = [\"2025\"]\n[[group]]\nid = \"a\"\nopening = inf".to_string(),
        "[model]\nperiods = [\"2025\"]\n[[group]]\nid = \"a\"\nopening = 1\nsalary = [inf]".to_string(),
        "[model]\nperiods = [\"2025\"]\n[[group]]\nid = \"a\"\nopening = 1\nsalary = [[1]]".to_string(),
        "[model]\nperiods = [\"2025\"]\n[[group]]\nid = \"a\"\nopening = 1\nsalary = {}".to_string(),
        "[model]\nperiods = [\"2025\"]\n[[group]]\nid = \"a\"\nopening = 1\nsalary = \"\"".to_string(),
        "[model]\nperiods = [\"2025\"]\n[[group]]\nid = \"a\"\nopening = 1\nsalary = \"/\"".to_string(),
        "[model]\nperiods = [\"2025\"]\n[[group]]\nid = \"a\"\nopening = 1\n[[pool]]\nid = \"a\"".to_string(),
        base(&[("opening = 30", "opening = -0.001")]),
        base(&[("attrition = 0.09", "attrition = [0.1, 0.2, nan]")]),
        base(&[("attrition = 0.09", "attrition = [0.1, 0.2, 0.3, 0.4]")]),
        base(&[("duration = 1", "duration = -3")]),
        base(&[("duration = 1", "duration = 1.5")]),
        base(&[("in_training = [5]", "in_training = [-5]")]),
        base(&[("completion = 0.9", "completion = 0")]),
        base(&[("completion = 0.9", "completion = [0.9, 1.1, 0.9]")]),
        base(&[("capacity = 10", "capacity = -1")]),
        base(&[(r#"from = "staff_nurse""#, r#"from = "nobody""#)]),
        base(&[("staffed_by = { health_visitor = 1.0 }", "staffed_by = { health_visitor = 0 }")]),
        base(&[("staffed_by = { health_visitor = 1.0 }", "staffed_by = { health_visitor = nan }")]),
        base(&[("staffed_by = { health_visitor = 1.0 }", "staffed_by = { nobody = 1.0 }")]),
        base(&[(
            "staffed_by = { health_visitor = 1.0 }",
            "staffed_by = { health_visitor = 1.0 }\nmin_share = { staff_nurse = 0.5 }",
        )]),
        base(&[(
            "staffed_by = { health_visitor = 1.0 }",
            "staffed_by = { health_visitor = 1.0 }\nmin_share = { health_visitor = 1.5 }",
        )]),
        base(&[("unmet_penalty = 100000", "unmet_penalty = -1")]),
        base(&[("min = 35", "min = nan")]),
        base(&[("min = 35", "min = [1, 2]")]),
        base(&[("min = 35", "penalty = -5")]),
        base(&[("min = 35\n", "")]),
        base(&[("min = 35", "min = 35\ntotal = true")]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = """#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "(((""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = ")""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "stock()""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "stock(a, b, c)""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "move(a -> b)""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "move(nobody)""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "stock(health_visitor -> x)""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "cost.nothing""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "cost(x)""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "1e999 * é(ü)""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "stock(health_visitor) / 2""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "1.2.3""#)]),
        base(&[(r#"expr = "stock(health_visitor)""#, r#"expr = "stock(health_visitor).""#)]),
        format!("{BASE}\n[objective]\nminimise = []\n"),
        format!("{BASE}\n[objective]\nminimise = 5\n"),
        format!("{BASE}\n[[limit]]\nid = \"l\"\nexpr = \"exit(*)\"\n"),
        format!("{BASE}\n[[move]]\nfrom = \"staff_nurse\"\nto = \"nobody\"\n"),
        format!("{BASE}\n[[move]]\nfrom = \"staff_nurse\"\nto = \"health_visitor\"\nretention = 2\n"),
        format!("{BASE}\n[[pool]]\nid = \"agency\"\nkind = \"temporary\"\nserves = [\"health_visiting\"]\n"),
        format!("{BASE}\n[[pool]]\nid = \"agency\"\nkind = \"weird\"\n"),
        format!("{BASE}\n[[pool]]\nid = \"agency\"\nserves = [\"health_visiting\"]\n"),
        format!("{BASE}\n[[group]]\nid = \"x\"\nopening = 1\nexit_max = 5\n"),
        format!("{BASE}\n[[group]]\nid = \"x\"\nopening = 1\nreduced_hours = {{ max = 5, output = 2 }}\n"),
        format!("{BASE}\n[[unknown]]\nid = \"x\"\n"),
    ];
    snippets.push(base(&[("[[scenario]]", "[[scenario]]\nbad = 1")]));
    snippets
}

#[test]
fn broken_snippets_give_errors_not_panics() {
    let snippets = broken_snippets();
    assert!(snippets.len() >= 30);
    let mut loaded = Vec::new();
    for (index, snippet) in snippets.iter().enumerate() {
        let result = std::panic::catch_unwind(|| load_str(snippet, Path::new(FILE), None, &[]));
        match result {
            Err(_) => panic!("snippet #{index} panicked:\n{snippet}"),
            Ok(Ok(_)) => loaded.push(index),
            Ok(Err(error)) => {
                let message = format!("{error:#}");
                assert!(
                    message.contains(FILE),
                    "snippet #{index}: the message should name the file: {message}"
                );
            }
        }
    }
    assert!(
        loaded.is_empty(),
        "these snippets loaded without an error: {loaded:?}"
    );
}

#[test]
fn broken_scenarios_and_settings_give_errors_not_panics() {
    let cases: Vec<(Option<&str>, Vec<&str>)> = vec![
        (Some(""), vec![]),
        (Some("nope"), vec![]),
        (None, vec![""]),
        (None, vec!["="]),
        (None, vec!["=5"]),
        (None, vec!["model=5"]),
        (None, vec!["model.periods=5"]),
        (None, vec!["group=5"]),
        (None, vec!["group.=5"]),
        (None, vec!["group.staff_nurse=5"]),
        (None, vec!["group.staff_nurse.=5"]),
        (None, vec!["group.staff_nurse.attrition.x=5"]),
        (None, vec!["group.staff_nurse.attrition=[1, 2"]),
        (None, vec!["group.staff_nurse.attrition=nan"]),
        (None, vec!["move.a->b.max=5"]),
        (None, vec!["limit.x.max=5"]),
        (None, vec!["target.hv_growth.expr=stock("]),
        (None, vec!["target.hv_growth.enabled=maybe"]),
        (None, vec!["pipeline.scphn_hv.duration=0.5"]),
        (None, vec!["service.health_visiting.demand=[1]"]),
    ];
    for (scenario, sets) in cases {
        let owned: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        let result = std::panic::catch_unwind(|| load_str(BASE, Path::new(FILE), scenario, &owned));
        match result {
            Err(_) => panic!("scenario {scenario:?} with --set {sets:?} panicked"),
            Ok(Ok(_)) => {
                panic!("scenario {scenario:?} with --set {sets:?} loaded without an error")
            }
            Ok(Err(_)) => {}
        }
    }
}

#[test]
fn broken_csv_files_give_errors_not_panics() {
    let contents: [&[u8]; 12] = [
        b"",
        b"\n",
        b"period,service,value\n",
        b"period,value\n2025/26,1\n2025/26,2\n2026/27,3\n2027/28,4\n",
        b"period,service,value\n2025/26,health_visiting\n",
        b"period,service,value\n2025/26,health_visiting,1,2,3\n",
        b"a,b,c\n1,2,3\n",
        b"period,service,value\n2025/26,someone_else,1\n2026/27,someone_else,1\n2027/28,someone_else,1\n",
        b"period,service,value\n2025/26,health_visiting,\n2026/27,health_visiting,1\n2027/28,health_visiting,1\n",
        b"period,service,value\n2025/26,health_visiting,inf\n2026/27,health_visiting,1\n2027/28,health_visiting,1\n",
        b"period,service,value\n2025/26,health_visiting,-1\n2026/27,health_visiting,1\n2027/28,health_visiting,1\n",
        b"\xff\xfe\x00binary\x00\n\x01,\x02\n",
    ];
    let dir = tempfile::tempdir().unwrap();
    let model_path = dir.path().join("model.toml");
    std::fs::write(
        &model_path,
        edited(&[("demand = [30, 31, 32]", "demand = \"demand.csv\"")]),
    )
    .unwrap();
    for (index, content) in contents.iter().enumerate() {
        std::fs::write(dir.path().join("demand.csv"), content).unwrap();
        let result = std::panic::catch_unwind(|| load(&model_path, None, &[]));
        match result {
            Err(_) => panic!(
                "CSV #{index} panicked: {:?}",
                String::from_utf8_lossy(content)
            ),
            Ok(Ok(_)) => panic!(
                "CSV #{index} loaded without an error: {:?}",
                String::from_utf8_lossy(content)
            ),
            Ok(Err(error)) => {
                let message = format!("{error:#}");
                assert_mentions(&message, &["service 'health_visiting'", "'demand'"]);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// per_region conditions with an empty instance
// ---------------------------------------------------------------------------

/// Two regions; health visitors exist only in London, so a `per_region`
/// condition on them has an empty instance in the North (hand-built).
const TWO_REGIONS: &str = r#"
[model]
name = "Health visitors in London only"
periods = ["2026", "2027"]

[[region]]
id = "london"

[[region]]
id = "north"

[[group]]
id = "nurse"
opening = 50
salary = 100
hire_cost = 10

[[group]]
id = "hv"
regions = ["london"]
opening = 10
salary = 100
hire_cost = 10
"#;

fn with_condition(condition: &str) -> String {
    format!("{TWO_REGIONS}\n{condition}")
}

/// `stock(hv) ≥ 20` in each region reads `0 ≥ 20` in the North, which no
/// plan can meet: refused at validation (not left to the solver's
/// infeasibility), naming the file, the condition, the field and the region.
#[test]
fn a_per_region_instance_that_selects_nothing_and_breaks_its_bound_is_refused() {
    let message = load_error(&with_condition(
        "[[target]]\nid = \"grow\"\nexpr = \"stock(hv)\"\nmin = 20\nper_region = true\n",
    ));
    assert_mentions(
        &message,
        &[
            FILE,
            "target 'grow'",
            "field 'min'",
            "region 'north'",
            "selects nothing",
            "0 ≥ 20 in 2026",
        ],
    );
    assert!(!message.contains("'london'"), "{message}");
    // Soft, it would be a penalty no plan can avoid: refused alike.
    let message = load_error(&with_condition(
        "[[target]]\nid = \"grow\"\nexpr = \"stock(hv)\"\nmin = 20\nper_region = true\npenalty = 1000\n",
    ));
    assert_mentions(&message, &[FILE, "target 'grow'", "region 'north'"]);
    // A constant breaking a max, on the total over the horizon (5 a period,
    // 10 over two periods, above 8).
    let message = load_error(&with_condition(
        "[[limit]]\nid = \"cap\"\nexpr = \"stock(hv) + 5\"\nmax = 8\ntotal = true\nper_region = true\n",
    ));
    assert_mentions(
        &message,
        &[
            FILE,
            "limit 'cap'",
            "field 'max'",
            "region 'north'",
            "10 ≤ 8 over the horizon",
        ],
    );
}

/// An empty instance whose bound holds always holds: it is kept, and a
/// bound by region lets the empty region's bound be one it can meet.
#[test]
fn a_per_region_instance_that_selects_nothing_but_holds_is_kept() {
    for condition in [
        "[[limit]]\nid = \"cap\"\nexpr = \"stock(hv)\"\nmax = 100\nper_region = true\n",
        "[[target]]\nid = \"grow\"\nexpr = \"stock(hv)\"\nmin = { london = 20, north = 0 }\nper_region = true\n",
        "[[target]]\nid = \"grow\"\nexpr = \"stock(hv) + stock(nurse)\"\nmin = 20\nper_region = true\n",
    ] {
        let text = with_condition(condition);
        let model = load_str(&text, Path::new(FILE), None, &[])
            .unwrap_or_else(|e| panic!("{condition}: {e:#}"));
        assert_eq!(model.conditions.len(), 1);
    }
}
