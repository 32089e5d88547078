//! The years the end of the horizon distorts (issue 11: "show the years
//! that are still affected as such in the report"): only courses the end
//! cuts short mark them, not a course kept full to the end.
//!
//! Model (4 years, 2026–2029; no terminal value): 100 nurses lose 10% a
//! year and staff a service of 100 FTE whose unmet care costs 1,000 per FTE,
//! against 100 a year in salary. Two ways in: a 2-year `degree` (capacity
//! 10 a year, cost 1 per trainee) and a 1-year `course` (no capacity, cost
//! 1). A course started in its last d years finishes after the horizon, so
//! a plan gains nothing from it:
//! - `course` (d = 1, no capacity) is cut short in 2029 in every plan;
//! - `degree` (d = 2): with nothing holding it, its intake in 2028 and 2029
//!   is 0 < 10, so it is cut short and the end years are its last two,
//!   2028–2029 (L = 2); with a target holding its intake at 10 every year
//!   (places commissioned by data), it is kept full and only `course`
//!   marks a year: 2029 alone (L = 1). The old rule (the longest course,
//!   whatever the plan does) marked 2028–2029 in both.

use crate::util::{load_text, solve_model};

const MODEL: &str = r#"
[model]
name = "End years"
periods = ["2026", "2027", "2028", "2029"]

[[group]]
id = "nurse"
opening = 100
attrition = 0.1
salary = 100
hire_max = 0

[[pipeline]]
id = "degree"
to = "nurse"
duration = 2
completion = 1
capacity = 10
cost = 1

[[pipeline]]
id = "course"
to = "nurse"
duration = 1
completion = 1
cost = 1

[[service]]
id = "care"
demand = 100
staffed_by = { nurse = 1.0 }
unmet_penalty = 1000
"#;

const HELD: &str = r#"
[[target]]
id = "degree_places"
expr = "intake(degree)"
min = 10
"#;

#[test]
fn a_course_kept_full_to_the_end_marks_no_end_year() {
    let free = solve_model(&load_text("end_years.toml", MODEL), "free degree");
    let held_text = format!("{MODEL}{HELD}");
    let held = solve_model(&load_text("end_years.toml", &held_text), "held degree");

    // The plans do what the derivation says of the degree's last two years.
    let intake =
        |plan: &wfplan::solution::Solution, year: usize| plan.plan.decisions.intake[0][year];
    for year in [2, 3] {
        assert!(
            intake(&free, year).abs() < 1e-6,
            "free degree intake {year}"
        );
        assert!(
            (intake(&held, year) - 10.0).abs() < 1e-6,
            "held degree intake {year}"
        );
    }

    assert_eq!(wfplan::compare::end_lead(&[&free]), 2);
    assert_eq!(wfplan::compare::end_lead(&[&held]), 1);
    // In a comparison, a course cut short in either plan counts.
    assert_eq!(wfplan::compare::end_lead(&[&held, &free]), 2);

    // The plan report says which years, in words.
    let report = |plan: &wfplan::solution::Solution| {
        wfplan::report::plan_report::plan_document(plan).to_markdown()
    };
    assert!(
        report(&held).contains("2029 is the year the end of the horizon distorts"),
        "{}",
        report(&held)
    );
    assert!(
        report(&free).contains("2028–2029 are the years the end of the horizon distorts"),
        "{}",
        report(&free)
    );
}

/// The flagship's nursing degree (3 years) is held at its commissioned
/// places to the end by limit `degree_places_commissioned`, and the
/// terminal values repay a whole training, so the SCPHN and SPQ courses
/// (1 year, no capacity of their own or run full to 2018/19) are the only
/// ones cut short: 2019/20 alone is an end year (it was 2017/18–2019/20
/// under the longest-course rule).
#[test]
fn the_flagships_end_year_is_its_last_alone() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models/england_community_nursing.toml");
    let model = wfplan::spec::load(&path, None, &[]).unwrap();
    let pledge = solve_model(&model, "the flagship");
    assert_eq!(wfplan::compare::end_lead(&[&pledge]), 1);
}
