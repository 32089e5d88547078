//! The trade-off report of `wfplan sweep`: on the curve derived by hand in
//! tests/sweep.rs the report names the kink where the limit on senior hires
//! starts to bind, and places it where the derivation puts it; on a grid it
//! names each curve's kink.

use std::path::Path;

use wfplan::report::sweep::{sweep_kinks, SweepFacts};

use crate::util::*;

/// pipeline_supervision.toml with a limit on senior hires in 2026 of 2 FTE.
fn capped_model_text() -> String {
    fixture_text("pipeline_supervision.toml")
        + "\n[[limit]]\nid = \"senior_hires\"\nexpr = \"hire(senior, *)\"\nmax = 2\nat = [\"2026\"]\n"
}

fn sweep(dir: &Path, varies: &[&str]) -> std::path::PathBuf {
    let model = dir.join("capped.toml");
    std::fs::write(&model, capped_model_text()).unwrap();
    let out = dir.join("out");
    let mut args = vec!["sweep", model.to_str().unwrap()];
    for vary in varies {
        args.extend(["--vary", vary]);
    }
    args.extend(["--out", out.to_str().unwrap(), "--quiet"]);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_wfplan"))
        .args(&args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

fn facts(paths: &[&str]) -> SweepFacts {
    SweepFacts {
        name: "capped".to_string(),
        paths: paths.iter().map(|p| p.to_string()).collect(),
        kinds: [
            ("junior_2027".to_string(), "target".to_string()),
            ("senior_hires".to_string(), "limit".to_string()),
        ]
        .into(),
        currency: "GBP".to_string(),
        care_units: Default::default(),
    }
}

/// Derivation (tests/sweep.rs): each FTE of the target's min m needs 0.625
/// senior FTE of supervision, hired while hires stay within the limit's 2,
/// i.e. for m ≤ 2 / 0.625 = 3.2, and left unmet beyond. So on m = 0.5, 1.5,
/// ..., 7.5 the binding set is {junior_2027 (2027)} up to m = 2.5 and
/// {junior_2027 (2027), senior_hires (2026)} from m = 3.5: one kink, between
/// 2.5 and 3.5, where the limit starts to bind. The objective's slope is the
/// target's shadow price, 278.75 below the kink and 747.5 above; the two
/// tangents (2000 + 278.75 m and 2892 + 747.5 (m − 3.2)) meet at m = 3.2.
#[test]
fn the_report_names_the_limit_that_starts_to_bind_at_the_hand_derived_kink() {
    let dir = tempfile::tempdir().unwrap();
    let out = sweep(dir.path(), &["target.junior_2027.min=0.5:7.5:1"]);
    let frame =
        wfplan::tables::from_parquet(&std::fs::read(out.join("sweep.parquet")).unwrap()).unwrap();
    let kinks = sweep_kinks(&frame, &facts(&["target.junior_2027.min"])).unwrap();
    assert_eq!(kinks.len(), 1, "{kinks:?}");
    let (curve, kink) = &kinks[0];
    assert_eq!(curve, &None);
    assert_eq!((kink.from.as_str(), kink.to.as_str()), ("2.5", "3.5"));
    assert_close_what("kink", kink.at.expect("a kink position"), 3.2, 1e-9);
    assert_eq!(kink.starts, ["limit `senior_hires` (2026)"]);
    assert!(kink.stops.is_empty());

    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert_mentions(
        &report,
        &[
            "between 2.5 and 3.5 (at ≈ 3.2",
            "limit `senior_hires` (2026) starts to bind",
            "charts/cash.png",
            "charts/care_lost.png",
            "charts/shadow_prices.png",
        ],
    );
    for stem in ["cash", "care_lost", "shadow_prices"] {
        for extension in ["png", "svg"] {
            let path = out.join("charts").join(format!("{stem}.{extension}"));
            assert!(path.is_file(), "{}", path.display());
        }
    }
    // Care lost and shadow prices: a panel per service and per binding
    // condition, each on its own axis from zero and saying so (one axis
    // would flatten the small ones); the kink dots sit in the swept
    // target's panel.
    let svg = |stem: &str| {
        std::fs::read_to_string(out.join("charts").join(format!("{stem}.svg"))).unwrap()
    };
    let note = wfplan::charts::PANEL_SCALE_NOTE;
    let services = capped_model_text().matches("[[service]]").count();
    assert_eq!(svg("care_lost").matches(note).count(), services);
    // Each panel's axis names its service's unit of care (the capped model's
    // services count care in the default unit, FTE), not a generic unit.
    assert!(
        svg("care_lost").matches("unmet demand, FTE-years").count() >= services,
        "{}",
        svg("care_lost")
    );
    assert!(!svg("care_lost").contains("care-years"));
    let prices = svg("shadow_prices");
    assert!(prices.contains("target junior_2027") && prices.contains(note));
    assert!(
        prices.contains("kink 1: limit senior_hires (2026) binds"),
        "{prices}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("senior_hires"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
}

/// A grid (m, h) with h the limit's max in {1, 2}: one curve per h. From the
/// derivation with 2 replaced by h, the limit starts to bind at m = h /
/// 0.625: 1.6 for h = 1 (between 1.5 and 2.5), 3.2 for h = 2 (between 2.5
/// and 3.5).
#[test]
fn a_grid_report_has_one_curve_per_value_of_the_second_path_with_its_kink() {
    let dir = tempfile::tempdir().unwrap();
    let out = sweep(
        dir.path(),
        &[
            "target.junior_2027.min=0.5:7.5:1",
            "limit.senior_hires.max=1,2",
        ],
    );
    let frame =
        wfplan::tables::from_parquet(&std::fs::read(out.join("sweep.parquet")).unwrap()).unwrap();
    let kinks = sweep_kinks(
        &frame,
        &facts(&["target.junior_2027.min", "limit.senior_hires.max"]),
    )
    .unwrap();
    assert_eq!(kinks.len(), 2, "{kinks:?}");
    for ((curve, kink), (h, from, at)) in kinks.iter().zip([("1", "1.5", 1.6), ("2", "2.5", 3.2)]) {
        assert_eq!(
            curve.as_deref(),
            Some(format!("limit.senior_hires.max = {h}").as_str())
        );
        assert_eq!(kink.from, from);
        assert_close_what("kink", kink.at.unwrap(), at, 1e-9);
        assert_eq!(kink.starts, ["limit `senior_hires` (2026)"]);
    }
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert_mentions(
        &report,
        &[
            "limit.senior_hires.max = 1: between 1.5 and 2.5 (at ≈ 1.6",
            "limit.senior_hires.max = 2: between 2.5 and 3.5 (at ≈ 3.2",
        ],
    );
}
