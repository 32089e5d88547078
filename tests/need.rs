//! Demand from need: `[[driver]]` series and a service's `need`, derived by
//! hand; `--set` of a rate moves demand and unmet care by the amount
//! derived; drivers by region; demand.csv; the errors.
//!
//! tests/fixtures/need.toml: 10 health visitors in 2026 and 2027 (no hires,
//! no attrition, salary 1); births [1000, 1200], under-5s [5000, 5000];
//! visiting needs births × 5 contacts ÷ 500 contacts per FTE; unmet care
//! costs 100 per FTE.

use crate::util::*;

/// demand = births × 5 ÷ 500 = [10, 12]; 10 staff ⇒ unmet [0, 2], penalty
/// 200, cash 2 × 10 × 1 = 20, objective 220.
///
/// `--set service.visiting.need.contacts_per_unit=6`: demand = births × 6 ÷
/// 500 = [12, 14.4] (each period up by births ÷ 500 = 2 and 2.4), unmet
/// [2, 4.4]: 4.4 FTE more over the horizon, objective 220 + 440 = 660.
/// The same setting named by the term's id (`need.births.contacts_per_unit`).
#[test]
fn demand_from_births_and_a_rate_that_moves_it() {
    let plan = solve_fixture("need.toml", &[]);
    let model = &plan.model;
    assert_eq!(model.services[0].demand_fte, vec![10.0, 12.0]);
    assert_series(&plan, "unmet(visiting)", &[0.0, 2.0]);
    assert_close_what("objective", plan.objective, 220.0, REL_TOL);

    for path in [
        "service.visiting.need.contacts_per_unit=6",
        "service.visiting.need.births.contacts_per_unit=6",
    ] {
        let more = solve_fixture("need.toml", &[path]);
        assert_eq!(
            more.model.services[0].demand_fte,
            vec![12.0, 14.4],
            "{path}"
        );
        assert_series(&more, "unmet(visiting)", &[2.0, 4.4]);
        assert_close_what(
            "unmet over the horizon moves by births ÷ 500",
            more.total("unmet(visiting)").unwrap() - plan.total("unmet(visiting)").unwrap(),
            1000.0 / 500.0 + 1200.0 / 500.0,
            REL_TOL,
        );
        assert_close_what(path, more.objective, 660.0, REL_TOL);
    }
    // contacts per FTE moves it the other way: 1000 per FTE halves demand.
    let halved = solve_fixture(
        "need.toml",
        &["service.visiting.need.contacts_per_fte=1000"],
    );
    assert_eq!(halved.model.services[0].demand_fte, vec![5.0, 6.0]);
    assert_series(&halved, "unmet(visiting)", &[0.0, 0.0]);
}

/// Two terms: births × 5 ÷ 500 = [10, 12] and under-5s × 0.5 ÷ 1000 =
/// [2.5, 2.5], so demand [12.5, 14.5] and unmet [2.5, 4.5]. Setting the
/// second term's rate to 1 adds 2.5 a year: unmet [5, 7].
#[test]
fn demand_is_the_sum_of_its_terms() {
    let term = r#"need = [
  { driver = "births", contacts_per_unit = 5, contacts_per_fte = 500 },
  { driver = "under5s", contacts_per_unit = 0.5, contacts_per_fte = 1000 },
]"#;
    let text = edited_text(
        "need.toml",
        &[(
            r#"need = { driver = "births", contacts_per_unit = 5, contacts_per_fte = 500 }"#,
            term,
        )],
    );
    let model = load_text("need.toml", &text);
    assert_eq!(model.services[0].demand_fte, vec![12.5, 14.5]);
    assert_eq!(model.services[0].need.len(), 2);
    assert_eq!(model.services[0].need[1].fte, vec![2.5, 2.5]);
    let plan = solve_model(&model, "two terms");
    assert_series(&plan, "unmet(visiting)", &[2.5, 4.5]);

    let path = fixture_path("need.toml");
    let sets = vec!["service.visiting.need.under5s.contacts_per_unit=1".to_string()];
    let more = wfplan::spec::load_str(&text, &path, None, &sets).unwrap();
    let plan = solve_model(&more, "two terms, under5s rate 1");
    assert_series(&plan, "unmet(visiting)", &[5.0, 7.0]);

    // A scenario changes a rate like any parameter.
    let scenario = format!(
        "{text}\n[[scenario]]\nid = \"more_contacts\"\nset = {{ \"service.visiting.need.births.contacts_per_unit\" = 6 }}\n"
    );
    let model = wfplan::spec::load_str(&scenario, &path, Some("more_contacts"), &[]).unwrap();
    assert_eq!(model.services[0].demand_fte, vec![14.5, 16.9]);
    // An unknown term is refused, with the nearest name.
    let sets = vec!["service.visiting.need.under5.contacts_per_unit=1".to_string()];
    let error = wfplan::spec::load_str(&text, &path, None, &sets)
        .err()
        .unwrap();
    assert_mentions(
        &format!("{error:#}"),
        &["no element 'under5'", "did you mean 'under5s'"],
    );
}

/// Births by region from a CSV with a region column: north [1000, 1200],
/// south [500, 600], so demand north [10, 12], south [5, 6]; 10 staff in
/// each region ⇒ unmet only in the north in 2027 (2 FTE).
#[test]
fn drivers_by_region() {
    let plan = solve_fixture("need_regions.toml", &[]);
    let demand: Vec<(&str, Vec<f64>)> = plan
        .model
        .services
        .iter()
        .map(|s| (plan.model.region_id(s.region), s.demand_fte.clone()))
        .collect();
    assert_eq!(
        demand,
        vec![("north", vec![10.0, 12.0]), ("south", vec![5.0, 6.0])]
    );
    assert_series(&plan, "unmet(visiting @ north)", &[0.0, 2.0]);
    assert_series(&plan, "unmet(visiting @ south)", &[0.0, 0.0]);
    assert!(wfplan::model::warnings(&plan.model).is_empty());

    // demand.csv: one row per service, region, period and term.
    let files = wfplan::report::solve_outputs(std::path::Path::new(""), &plan).unwrap();
    let (_, bytes) = files
        .iter()
        .find(|(path, _)| path.ends_with("demand.csv"))
        .expect("demand.csv");
    let csv = String::from_utf8(bytes.clone()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "service,region,period,term,driver,driver_unit,driver_value,contacts_per_unit,contacts_per_fte,demand_fte,fte_per_contact_per_unit"
    );
    assert_eq!(
        lines[2],
        "visiting,north,2027,births,births,units,1200.0,5.0,500.0,12.0,2.4"
    );
    assert_eq!(lines.len(), 5);

    // A model without `need` writes no demand.csv.
    let plain = solve_fixture("shared_pool.toml", &[]);
    let files = wfplan::report::solve_outputs(std::path::Path::new(""), &plain).unwrap();
    assert!(!files.iter().any(|(path, _)| path.ends_with("demand.csv")));
}

/// A driver given once for every region in a model with regions is read by
/// each region alike, with a warning.
#[test]
fn a_driver_without_regions_in_a_regional_model_is_warned_about() {
    let text = edited_text(
        "need_regions.toml",
        &[("values = \"need_births.csv\"", "values = [1000, 1200]")],
    );
    let model = load_text("need_regions.toml", &text);
    assert_eq!(model.services[1].demand_fte, vec![10.0, 12.0]);
    let warnings = wfplan::model::warnings(&model);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_mentions(
        &warnings[0],
        &[
            "driver 'births'",
            "field 'values'",
            "one series for every region",
        ],
    );
}

#[track_caller]
fn error_of(name: &str, text: &str) -> String {
    match wfplan::spec::load_str(text, &fixture_path(name), None, &[]) {
        Ok(_) => panic!("should be refused:\n{text}"),
        Err(error) => format!("{error:#}"),
    }
}

#[test]
fn a_driver_missing_for_a_region_or_a_period_is_refused() {
    let folder = tempfile::tempdir().unwrap();
    let model_path = folder.path().join("model.toml");
    std::fs::write(&model_path, fixture_text("need_regions.toml")).unwrap();
    // No rows for the south.
    std::fs::write(
        folder.path().join("need_births.csv"),
        "period,region,driver,value\n2026,north,births,1000\n2027,north,births,1200\n",
    )
    .unwrap();
    let error = format!(
        "{:#}",
        wfplan::spec::load(&model_path, None, &[]).err().unwrap()
    );
    assert_mentions(
        &error,
        &[
            "model.toml",
            "service 'visiting' in region 'south'",
            "field 'need.driver'",
            "driver 'births', field 'values'",
            "no value for region 'south'",
        ],
    );
    // No 2027 for the south.
    std::fs::write(
        folder.path().join("need_births.csv"),
        "period,region,driver,value\n2026,north,births,1000\n2027,north,births,1200\n2026,south,births,500\n",
    )
    .unwrap();
    let error = format!(
        "{:#}",
        wfplan::spec::load(&model_path, None, &[]).err().unwrap()
    );
    assert_mentions(
        &error,
        &[
            "driver 'births'",
            "field 'values'",
            "need_births.csv",
            "missing period(s) 2027 for 'births' in region 'south'",
        ],
    );
}

#[test]
fn contacts_per_fte_of_zero_is_refused() {
    let error = error_of(
        "need.toml",
        &edited_text(
            "need.toml",
            &[("contacts_per_fte = 500", "contacts_per_fte = 0")],
        ),
    );
    assert_mentions(
        &error,
        &[
            "need.toml",
            "service 'visiting'",
            "field 'need.contacts_per_fte'",
            "expected a positive number",
            "got 0 in 2026",
        ],
    );
}

#[test]
fn an_unknown_driver_and_demand_given_twice_or_not_at_all_are_refused() {
    let error = error_of(
        "need.toml",
        &edited_text(
            "need.toml",
            &[(
                "driver = \"births\", contacts",
                "driver = \"birth\", contacts",
            )],
        ),
    );
    assert_mentions(
        &error,
        &[
            "service 'visiting'",
            "field 'need.driver'",
            "no driver 'birth'",
            "did you mean 'births'",
        ],
    );
    let error = error_of(
        "need.toml",
        &edited_text(
            "need.toml",
            &[("staffed_by = { hv", "demand = 3\nstaffed_by = { hv")],
        ),
    );
    assert_mentions(&error, &["service 'visiting'", "field 'need'", "not both"]);
    let error = error_of(
        "need.toml",
        &edited_text(
            "need.toml",
            &[(
                r#"need = { driver = "births", contacts_per_unit = 5, contacts_per_fte = 500 }"#,
                "",
            )],
        ),
    );
    assert_mentions(
        &error,
        &["service 'visiting'", "missing field 'demand'", "need"],
    );
    let error = error_of(
        "need.toml",
        &edited_text(
            "need.toml",
            &[(
                "contacts_per_fte = 500 }",
                "contacts_per_fte = 500, per = 1 }",
            )],
        ),
    );
    assert_mentions(&error, &["service 'visiting'", "unknown field `per`"]);
}
