//! The flagship's calibration (data/england_community_nursing/NOTES.md §3,
//! §6 and §9), recomputed by hand from the published figures: the age bands
//! reproduce the 8.5% leaver rate of 2010/11, need from births and the 80+
//! population gives the 2010/11 service, and training no longer stops
//! before the horizon's last year.

use crate::util::*;

const FLAGSHIP: &str = "models/england_community_nursing.toml";

fn load(scenario: Option<&str>) -> wfplan::model::Model {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FLAGSHIP);
    wfplan::spec::load(&path, scenario, &[]).expect("the flagship loads")
}

/// Leavers in 2010/11 ÷ opening = Σ_b share_b × a_b = 0.085 (NOTES §3):
/// health visitors 0.202·0.0515 + 0.415·0.0515 + 0.182·0.0715 +
/// 0.136·0.1515 + 0.065·0.3015 = 0.08499; district and school nurses
/// 0.28·0.0562 + 0.39·0.0562 + 0.157·0.0762 + 0.117·0.1562 + 0.056·0.3062
/// = 0.08504.
#[test]
fn age_bands_reproduce_the_leaver_rate_of_2010_11() {
    let model = load(None);
    for (id, expected) in [
        ("health_visitor", 0.08499),
        ("school_nurse", 0.08504),
        ("district_nurse", 0.08504),
    ] {
        let group = model.groups.iter().find(|g| g.id == id).unwrap();
        let age = group.age.as_ref().expect("age bands");
        let leavers: f64 = (0..age.bands.len())
            .map(|b| age.opening[b] * age.attrition[b][0])
            .sum();
        assert_close_what(id, leavers / group.opening_fte, expected, 1e-3);
        // Retirement is concentrated in the oldest bands: 60+ leave at
        // more than three times the rate of those under 50.
        assert!(age.attrition[4][0] > 3.0 * age.attrition[0][0], "{id}");
    }
}

/// Health visiting: 723,165 births (2010) × 5 contacts ÷ 453.85 contacts per
/// FTE = 7,967.0 FTE, the 2010/11 service; no_pledge in 2014/15: 695,233 ×
/// 5 ÷ 453.85 = 7,659.3; the pledge's full offer then: 695,233 × 7.83 ÷
/// 453.85 = 11,994.3. District nursing: 2,435,000 people aged 80+ × 9.873
/// ÷ 1,500 = 16,027.7 DN-equivalents.
#[test]
fn need_gives_the_2010_11_service() {
    let (pledge, no_pledge) = (load(None), load(Some("no_pledge")));
    for (what, model, service, period, expected) in [
        (
            "health visiting 2010/11",
            &pledge,
            "health_visiting",
            0,
            7967.0,
        ),
        (
            "no-pledge health visiting 2014/15",
            &no_pledge,
            "health_visiting",
            4,
            7659.3,
        ),
        (
            "the full offer in 2014/15",
            &pledge,
            "health_visiting",
            4,
            11994.3,
        ),
        (
            "district nursing 2010/11",
            &pledge,
            "district_nursing",
            0,
            16027.7,
        ),
    ] {
        let service = model.services.iter().find(|s| s.id == service).unwrap();
        assert_close_what(what, service.demand_fte[period], expected, 1e-4);
    }
}

/// The end of the horizon (NOTES §9): with terminal values that repay a
/// qualified nurse's training, the pledge fills the 600 health visitor
/// places of 2017/18 and 2018/19 and the 566 SPQ places of 2018/19 (before
/// issue 11 none of them was used).
#[test]
fn training_runs_until_the_last_year() {
    let plan = wfplan::solve::solve(&load(None)).expect("the pledge solves");
    let places = plan
        .value(
            "intake(scphn_hv_from_staff_nurse) + intake(scphn_hv_from_adult) + intake(scphn_hv_from_other)",
        )
        .unwrap();
    let spq = plan.value("intake(district_nurse_spq)").unwrap();
    for (t, year) in [(7, "2017/18"), (8, "2018/19")] {
        assert_close_what(
            &format!("health visitor places {year}"),
            places[t],
            600.0,
            1e-6,
        );
        assert_close_what(&format!("SPQ intake {year}"), spq[t], 566.0, 1e-6);
    }
}
