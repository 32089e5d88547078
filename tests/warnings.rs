//! `validate` warnings: valid models that are probably not what the planner
//! meant, each named by entity and field.

use std::path::Path;

fn warnings(text: &str) -> Vec<String> {
    let model =
        wfplan::spec::load_str(text, Path::new("models/odd.toml"), None, &[]).expect("valid model");
    wfplan::model::warnings(&model)
}

const HEADER: &str = "[model]\nperiods = [\"2026\", \"2027\"]\n";

#[test]
fn a_sound_model_has_no_warnings() {
    let text = format!("{HEADER}[[group]]\nid = \"a\"\nopening = 10\nsalary = 5\n");
    assert!(warnings(&text).is_empty());
}

#[test]
fn a_course_longer_than_the_horizon_is_flagged() {
    let text = format!(
        "{HEADER}[[group]]\nid = \"a\"\nopening = 10\n[[group]]\nid = \"b\"\nopening = 0\n[[pipeline]]\nid = \"long\"\nfrom = \"a\"\nto = \"b\"\nduration = 3\ncost = 100\n"
    );
    let found = warnings(&text);
    assert!(
        found
            .iter()
            .any(|w| w.contains("pipeline 'long', field 'duration'")),
        "{found:?}"
    );
}

#[test]
fn free_training_out_of_a_group_without_exits_is_flagged() {
    let text = format!(
        "{HEADER}[[group]]\nid = \"a\"\nopening = 10\n[[group]]\nid = \"b\"\nopening = 0\n[[pipeline]]\nid = \"free\"\nfrom = \"a\"\nto = \"b\"\nduration = 1\n"
    );
    let found = warnings(&text);
    assert!(
        found
            .iter()
            .any(|w| w.contains("pipeline 'free'") && w.contains("group 'a'")),
        "{found:?}"
    );
}

#[test]
fn an_unstaffable_service_without_unmet_penalty_is_flagged() {
    // (A model needs a group; this one does not staff the ward.)
    let text = format!(
        "{HEADER}[[group]]\nid = \"a\"\nopening = 10\n[[service]]\nid = \"ward\"\ndemand = 5\nstaffed_by = {{}}\n"
    );
    let found = warnings(&text);
    assert!(
        found
            .iter()
            .any(|w| w.contains("service 'ward', field 'staffed_by'")),
        "{found:?}"
    );
}

#[test]
fn a_terminal_value_above_the_cost_of_hiring_is_flagged() {
    let text = format!("{HEADER}[[group]]\nid = \"a\"\nopening = 10\nsalary = 5\nhire_cost = 10\nterminal_value = 100\n");
    let found = warnings(&text);
    assert!(
        found
            .iter()
            .any(|w| w.contains("group 'a', field 'terminal_value'")),
        "{found:?}"
    );
    // ...and the solver then reports an unbounded objective, not a panic.
    let model = wfplan::spec::load_str(&text, Path::new("models/odd.toml"), None, &[]).unwrap();
    let Err(error) = wfplan::solve::solve(&model) else {
        panic!("a terminal value above the cost of hiring makes the objective unbounded");
    };
    let error = format!("{error:#}");
    assert!(
        error.contains("unbounded") && error.contains("terminal_value"),
        "{error}"
    );
}
