//! `export`: the LP and MPS text carry every row, every column and the
//! objective constant, under names that are unique and decode back to
//! wfplan's; HiGHS's own readers (through its C API) read each file back and
//! reach wfplan's optimum.

use std::ffi::{CStr, CString};
use std::path::Path;

use good_lp::{Expression, IntoAffineExpression, ProblemVariables};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use wfplan::lp::export::{self, ExportNames, Format};
use wfplan::lp::{Family, Lp, Vars};

use crate::util::fixture_path;

/// Relative tolerance between HiGHS's optimum of a file and wfplan's own:
/// both solve the same numbers (coefficients are written with enough digits
/// to read back exactly), so only the solvers' own tolerances differ.
const OBJECTIVE_TOL: f64 = 1e-7;

/// HiGHS reading a file through its C API (`Highs_readModel`), as another
/// solver would, then solving it.
mod highs_reader {
    use super::*;
    use highs_sys::*;

    /// What HiGHS made of a file.
    #[derive(Debug)]
    pub struct ReadBack {
        /// `Highs_readModel`'s status: 0 ok, 1 warning, -1 error.
        pub read_status: HighsInt,
        pub model_status: HighsInt,
        pub objective: f64,
        pub row_names: Vec<String>,
        pub column_names: Vec<String>,
    }

    /// The one owner of a HiGHS instance; destroyed on drop.
    struct Instance(*mut std::os::raw::c_void);

    impl Drop for Instance {
        fn drop(&mut self) {
            // SAFETY: the pointer came from Highs_create and is destroyed once.
            unsafe { Highs_destroy(self.0) }
        }
    }

    fn name(highs: &Instance, index: HighsInt, row: bool) -> String {
        let mut buffer = vec![0 as std::os::raw::c_char; kHighsMaximumStringLength as usize];
        // SAFETY: the buffer has the length the C API requires, and the
        // index is below the count HiGHS reported.
        let status = unsafe {
            if row {
                Highs_getRowName(highs.0, index, buffer.as_mut_ptr())
            } else {
                Highs_getColName(highs.0, index, buffer.as_mut_ptr())
            }
        };
        assert_eq!(status, kHighsStatusOk, "name of {index}");
        // SAFETY: HiGHS wrote a NUL-terminated string into the buffer.
        unsafe { CStr::from_ptr(buffer.as_ptr()) }
            .to_str()
            .expect("names are ASCII")
            .to_string()
    }

    /// Reads `path` (format by its extension), solves it quietly, and
    /// returns the status, optimum and names HiGHS holds.
    pub fn read_and_solve(path: &Path) -> ReadBack {
        let file = CString::new(path.to_str().expect("a UTF-8 path")).expect("no NUL");
        let option = CString::new("output_flag").expect("no NUL");
        // SAFETY: Highs_create returns a fresh instance, owned by `highs`;
        // every call below passes it and NUL-terminated strings that outlive
        // the call.
        let highs = Instance(unsafe { Highs_create() });
        assert!(!highs.0.is_null());
        unsafe { Highs_setBoolOptionValue(highs.0, option.as_ptr(), 0) };
        let read_status = unsafe { Highs_readModel(highs.0, file.as_ptr()) };
        let (model_status, objective) = if read_status == kHighsStatusError {
            (MODEL_STATUS_LOAD_ERROR, f64::NAN)
        } else {
            unsafe { Highs_run(highs.0) };
            unsafe {
                (
                    Highs_getModelStatus(highs.0),
                    Highs_getObjectiveValue(highs.0),
                )
            }
        };
        let rows = unsafe { Highs_getNumRow(highs.0) };
        let columns = unsafe { Highs_getNumCol(highs.0) };
        ReadBack {
            read_status,
            model_status,
            objective,
            row_names: (0..rows).map(|row| name(&highs, row, true)).collect(),
            column_names: (0..columns).map(|col| name(&highs, col, false)).collect(),
        }
    }
}

use highs_reader::{read_and_solve, ReadBack};

/// Writes `lp` in both formats to a temporary folder and has HiGHS read and
/// solve each; checks that HiGHS read every row and column under names that
/// decode to wfplan's (rows in order; columns, which HiGHS numbers in order
/// of first use, as a multiset), and returns (format, what HiGHS read).
#[track_caller]
fn round_trip(lp: &Lp, model_name: &str) -> Vec<(&'static str, ReadBack)> {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let mut wfplan_columns: Vec<String> = lp.columns.iter().map(|c| c.name.to_string()).collect();
    wfplan_columns.sort_unstable();
    let wfplan_rows: Vec<String> = lp.rows.iter().map(|r| r.name.to_string()).collect();
    [
        ("lp", Format::Lp, export::to_lp_format(lp, model_name)),
        ("mps", Format::Mps, export::to_mps_format(lp, model_name)),
    ]
    .into_iter()
    .map(|(format, encoding, text)| {
        let names = ExportNames::new(lp, encoding);
        let path = folder.path().join(format!("model.{format}"));
        std::fs::write(&path, &text).expect("writing the export");
        let read = read_and_solve(&path);
        assert_eq!(
            read.read_status, 0,
            "HiGHS read the {format} file with warnings or errors:\n{text}"
        );
        assert_eq!(read.row_names.len(), lp.rows.len(), "{format}: rows read");
        assert_eq!(
            read.column_names.len(),
            lp.columns.len(),
            "{format}: columns read"
        );
        let rows: Vec<String> = read
            .row_names
            .iter()
            .map(|name| {
                names
                    .original(name)
                    .unwrap_or_else(|| panic!("{format}: row {name}"))
            })
            .collect();
        assert_eq!(rows, wfplan_rows, "{format}: row names decode to wfplan's");
        let mut columns: Vec<String> = read
            .column_names
            .iter()
            .map(|name| {
                names
                    .original(name)
                    .unwrap_or_else(|| panic!("{format}: column {name}"))
            })
            .collect();
        columns.sort_unstable();
        assert_eq!(
            columns, wfplan_columns,
            "{format}: column names decode to wfplan's"
        );
        (format, read)
    })
    .collect()
}

#[track_caller]
fn assert_same_optimum(what: &str, reads: &[(&str, ReadBack)], expected: f64) {
    for (format, read) in reads {
        assert_eq!(
            read.model_status,
            highs_sys::MODEL_STATUS_OPTIMAL,
            "{what} ({format}): HiGHS's model status"
        );
        let difference = (read.objective - expected).abs();
        assert!(
            difference <= OBJECTIVE_TOL * expected.abs().max(1.0),
            "{what} ({format}): HiGHS's optimum {} vs wfplan's {expected} (difference {difference})",
            read.objective
        );
    }
}

/// Exports a model, has HiGHS read both files back, and checks that HiGHS
/// reaches wfplan's own optimum (of the first objective, the one written).
#[track_caller]
fn assert_round_trip(what: &str, model: &wfplan::model::Model) -> f64 {
    let lp = wfplan::lp::build(model);
    let solution = wfplan::solve::solve(model).unwrap_or_else(|e| panic!("solving {what}: {e:#}"));
    let optimum = solution.stage_objectives[0];
    let reads = round_trip(&lp, &model.name);
    assert_same_optimum(what, &reads, optimum);
    optimum
}

fn flagship_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/england_community_nursing.toml")
}

/// The flagship has degree cohorts already in training, whose costs are a
/// constant of the objective.
fn programme() -> (wfplan::model::Model, Lp) {
    let model = wfplan::spec::load(&flagship_path(), None, &[]).expect("flagship loads");
    let lp = wfplan::lp::build(&model);
    (model, lp)
}

#[test]
fn lp_format_has_every_row_and_the_objective_constant() {
    let (model, lp) = programme();
    let constant = lp.objectives[0].constant();
    assert!(constant > 0.0, "the flagship's objective has a constant");
    let text = export::to_lp_format(&lp, &model.name);
    let objective_block = text.split("Subject To").next().unwrap_or_default();
    let (_, last) = objective_block.rsplit_once(" + ").expect("a constant term");
    let written: f64 = last.trim().parse().expect("the constant is a number");
    assert!(
        (written - constant).abs() <= 1e-9 * constant.abs(),
        "wrote {written}, constant {constant}"
    );
    let subject_to = text
        .split("Subject To")
        .nth(1)
        .and_then(|s| s.split("Bounds").next())
        .unwrap_or_default();
    let rows = subject_to
        .lines()
        .filter(|l| l.starts_with(' ') && l.contains(':'))
        .count();
    assert_eq!(rows, lp.rows.len());
    assert!(text.contains(" stock_balance(community_staff_nurse,2010~2f11):"));
}

#[test]
fn mps_format_has_every_row_and_the_objective_constant() {
    let (model, lp) = programme();
    let text = export::to_mps_format(&lp, &model.name);
    let rows_section = text
        .split("ROWS\n")
        .nth(1)
        .and_then(|s| s.split("COLUMNS").next())
        .unwrap_or_default();
    assert_eq!(
        rows_section.lines().count(),
        lp.rows.len() + 1,
        "every row plus the objective"
    );
    assert!(
        text.contains(" rhs obj "),
        "objective constant written as the RHS of the objective row"
    );
    assert!(text.contains(" E stock_balance[community_staff_nurse,2010/11]\n"));
}

#[test]
fn fixtures_export_without_error() {
    for name in [
        "williams_manpower.toml",
        "pull.toml",
        "pipeline_supervision.toml",
    ] {
        let model = wfplan::spec::load(&fixture_path(name), None, &[]).expect("fixture loads");
        let lp = wfplan::lp::build(&model);
        assert!(export::to_mps_format(&lp, &model.name).ends_with("ENDATA\n"));
        assert!(export::to_lp_format(&lp, &model.name).ends_with("End\n"));
    }
}

/// A MIP exports its whole numbers (LP `General`, MPS `INTORG` markers):
/// HiGHS reads the files back to the MIP's optimum (600, 920 and 945 with
/// whole-number intakes, unbounded above; see tests/whole_numbers.rs), not
/// to the relaxation's (420, 840, 866⅔).
#[test]
fn highs_reads_a_mip_back_to_its_whole_number_optimum() {
    let integer_intake = vec![
        "service.care.demand=[0, 12]".to_string(),
        "pipeline.course.completion=0.9".to_string(),
        "pipeline.course.integer=true".to_string(),
    ];
    for (sets, expected) in [
        (vec![], 600.0),
        (vec!["service.care.demand=[0, 12]".to_string()], 920.0),
        (integer_intake, 945.0),
    ] {
        let model = wfplan::spec::load(&fixture_path("minimum_cohort.toml"), None, &sets)
            .expect("fixture loads");
        let optimum = assert_round_trip(&format!("minimum cohort {sets:?}"), &model);
        assert!((optimum - expected).abs() < 1e-6, "{optimum}");
    }
}

#[test]
fn highs_reads_the_flagship_back_to_the_same_optimum() {
    for scenario in [None, Some("pledge")] {
        let model = wfplan::spec::load(&flagship_path(), scenario, &[]).expect("flagship loads");
        assert_round_trip(&format!("flagship, scenario {scenario:?}"), &model);
    }
}

#[test]
fn highs_reads_williams_back_to_the_published_optimum() {
    let model = wfplan::spec::load(&fixture_path("williams_manpower.toml"), None, &[])
        .expect("Williams loads");
    let optimum = assert_round_trip("Williams 12.5", &model);
    assert!(
        (optimum - 498_677.29).abs() < 0.01,
        "published minimum cost 498,677.29; wfplan {optimum}"
    );
}

/// Ids `staff_nurse` and `staff-nurse` (once both written `staff_nurse`),
/// and period labels with `/`, spaces, `,`, brackets, `~` and non-ASCII.
const LOOKALIKES: &str = r#"
[model]
name = "Two kinds of staff nurse"
periods = ["2014/15", "Q1 2025", "a,b[c] (~x)", "£é"]

[[group]]
id = "staff_nurse"
opening = 100
attrition = 0.1
salary = 50
hire_cost = 5

[[group]]
id = "staff-nurse"
opening = 100
attrition = 0.2
salary = 40
hire_cost = 7
exit_cost = 3

[[service]]
id = "ward"
demand = 150
staffed_by = { staff_nurse = 1.0, "staff-nurse" = 1.0 }
unmet_penalty = 100

[[target]]
id = "t-1"
expr = "stock(staff-nurse)"
min = 60
max = 200
at = ["Q1 2025"]
"#;

#[test]
fn highs_reads_lookalike_ids_and_free_text_periods_apart() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("lookalikes.toml");
    std::fs::write(&path, LOOKALIKES).expect("writing the model");
    let mut model = wfplan::spec::load(&path, None, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    // A model name over several lines whose second line is `End` (set here,
    // as validation may refuse it in the file): it must stay a comment.
    model.name = "Two kinds of staff nurse\nEnd\nMinimize\n obj: 0".to_string();
    let lp = wfplan::lp::build(&model);
    let names = ExportNames::new(&lp, Format::Lp);
    assert!(names.side_table.is_empty(), "{:?}", names.side_table);
    for row in [
        "stock_balance(staff~2dnurse,2014~2f15)",
        "stock_balance(staff_nurse,2014~2f15)",
        "target(t~2d1,Q1~202025,min)",
        "capacity(staff_nurse,a,b(c)~20~28~7ex~29)",
        "capacity(staff~2dnurse,~c2~a3~c3~a9)",
    ] {
        assert!(names.rows.iter().any(|name| name == row), "{row}");
    }
    let names = ExportNames::new(&lp, Format::Mps);
    assert!(names.side_table.is_empty(), "{:?}", names.side_table);
    for row in [
        "stock_balance[staff-nurse,2014/15]",
        "target[t-1,Q1~202025,min]",
        "capacity[staff_nurse,a,b[c]~20(~7ex)]",
        "capacity[staff-nurse,~c2~a3~c3~a9]",
    ] {
        assert!(names.rows.iter().any(|name| name == row), "{row}");
    }
    let lp_text = export::to_lp_format(&lp, &model.name);
    assert!(
        lp_text.starts_with(
            "\\ wfplan model: \"Two kinds of staff nurse\\nEnd\\nMinimize\\n obj: 0\"\nMinimize\n"
        ),
        "{lp_text}"
    );
    let mps_text = export::to_mps_format(&lp, &model.name);
    assert!(mps_text.contains("\nNAME Two~20kinds~20of~20staff~20nurse~0aEnd~0a"));
    assert_round_trip("lookalike ids", &model);
}

/// A programme built by hand, outside what validation lets through.
fn empty_lp() -> Lp {
    Lp {
        variables: ProblemVariables::new(),
        columns: Vec::new(),
        column_variables: Vec::new(),
        column_index: Default::default(),
        rows: Vec::new(),
        vars: Vars::default(),
        objectives: Vec::new(),
        period_labels: Vec::new(),
    }
}

/// Ids that validation would refuse (`/`, a space, brackets), a period label
/// whose encoding is too long, a repeated row name, and columns that are
/// free, bounded on both sides, or in no row and no objective. Returns the
/// programme and its optimum.
fn awkward_lp() -> (Lp, f64) {
    let mut lp = empty_lp();
    let long_label = "période ".repeat(30);
    let periods = ["2014/15".to_string(), long_label];
    let mut objective = Expression::from(2.5);
    let mut optimum = 2.5;
    for (index, id) in [
        "staff_nurse",
        "staff-nurse",
        "staff/nurse",
        "staff nurse",
        "x(y)",
    ]
    .iter()
    .enumerate()
    {
        lp.period_labels = periods.iter().map(|p| p.as_str().into()).collect();
        let series = lp.add_series("stock", id);
        for (variable, period) in series.iter().zip(&periods) {
            let floor = 1.0 + index as f64;
            lp.add_at_least(
                Family::StockBalance,
                format!("stock_balance[{id},{period}]").into(),
                Expression::from(*variable),
                floor,
            );
            objective += *variable;
            optimum += floor;
        }
    }
    // The same name twice: both rows must be written, under different names.
    let first = lp.column_variables[0];
    lp.add_at_most(
        Family::Limit,
        "limit[cap,2014/15]".into(),
        Expression::from(first),
        100.0,
    );
    lp.add_at_most(
        Family::Limit,
        "limit[cap,2014/15]".into(),
        Expression::from(first),
        99.0,
    );
    let free = lp.add_column("free".into(), f64::NEG_INFINITY, f64::INFINITY);
    lp.add_equality(Family::Target, "end".into(), Expression::from(free), -4.0);
    let boxed = lp.add_column("1st[E1,obj]".into(), -3.0, 7.0);
    objective += boxed;
    optimum -= 3.0;
    lp.add_column("unused".into(), 0.0, f64::INFINITY);
    lp.objectives.push(objective);
    (lp, optimum)
}

#[test]
fn names_that_cannot_be_written_as_themselves_go_to_the_side_table() {
    let (lp, _) = awkward_lp();
    for format in [Format::Lp, Format::Mps] {
        let names = ExportNames::new(&lp, format);
        let aliases: Vec<&str> = names.side_table.iter().map(|(a, _)| a.as_str()).collect();
        // The long-label rows and columns, and the second `limit[cap,2014/15]`.
        assert_eq!(
            aliases,
            ["~r1", "~r3", "~r5", "~r7", "~r9", "~r11", "~v1", "~v3", "~v5", "~v7", "~v9"]
        );
        assert!(names
            .rows
            .iter()
            .chain(&names.columns)
            .all(|name| name.len() <= export::MAX_NAME_LENGTH));
    }
    let text = export::to_lp_format(&lp, "awkward");
    assert!(
        text.contains("\\ ~r11 = \"limit[cap,2014/15]\"\n"),
        "{text}"
    );
    let text = export::to_mps_format(&lp, "awkward");
    assert!(text.contains("* ~r11 = \"limit[cap,2014/15]\"\n"), "{text}");
}

#[test]
fn highs_reads_a_hand_built_programme_with_awkward_names() {
    let (lp, optimum) = awkward_lp();
    let reads = round_trip(&lp, "awkward\r\nEnd");
    assert_same_optimum("hand-built programme", &reads, optimum);
}

#[test]
fn an_empty_programme_exports_and_reads_back() {
    // No columns, no rows, no objective.
    let lp = empty_lp();
    for (format, read) in round_trip(&lp, "") {
        assert!(
            [
                highs_sys::MODEL_STATUS_OPTIMAL,
                highs_sys::MODEL_STATUS_MODEL_EMPTY
            ]
            .contains(&read.model_status),
            "{format}: status {}",
            read.model_status
        );
    }
    // Rows but no columns, and an objective that is only a constant.
    let mut lp = empty_lp();
    lp.add_at_least(
        Family::Limit,
        "limit[a,1]".into(),
        Expression::from(0.0),
        -1.0,
    );
    lp.add_at_most(
        Family::Limit,
        "limit[b,1]".into(),
        Expression::from(0.0),
        1.0,
    );
    lp.objectives.push(Expression::from(5.0));
    let text = export::to_lp_format(&lp, "no columns");
    assert!(text.contains(" obj: 0 + 5\n"), "{text}");
    round_trip(&lp, "no columns");
    // Columns but no rows, and an objective with no terms.
    let mut lp = empty_lp();
    lp.add_column("stock[a,1]".into(), 1.0, 2.0);
    lp.objectives.push(Expression::from(0.0));
    let reads = round_trip(&lp, "no rows");
    assert_same_optimum("no rows", &reads, 0.0);
}

/// 24 cases (set PROPTEST_CASES for a longer hunt); failing cases are kept in
/// tests/proptest-regressions/export.txt and replayed first.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/export.txt",
        ))),
        ..ProptestConfig::default()
    }
}

/// An id that validation allows.
fn id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_][A-Za-z0-9_-]{0,63}"
}

/// A period label: any printable text, often with the characters the
/// encoding treats specially.
fn period_label() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof!["[ ,\\[\\]()~_:/\\\\-]", "[a-zA-Z0-9]", "\\PC"],
        1..12,
    )
    .prop_map(|pieces| pieces.concat())
}

/// One column and one row per (id, period), named as wfplan names them.
fn programme_of(ids: &[String], periods: &[String]) -> Lp {
    let mut lp = empty_lp();
    let mut objective = Expression::from(0.0);
    for id in ids {
        lp.period_labels = periods.iter().map(|p| p.as_str().into()).collect();
        for (variable, period) in lp.add_series("stock", id).into_iter().zip(periods) {
            lp.add_at_least(
                Family::StockBalance,
                format!("stock_balance[{id},{period}]").into(),
                Expression::from(variable),
                1.0,
            );
            objective += variable;
        }
    }
    lp.objectives.push(objective);
    lp
}

/// The row names written in an LP file's constraints, and every name in it
/// that is not a number, an operator or a keyword (the columns used).
fn lp_file_names(text: &str) -> (Vec<String>, Vec<String>) {
    let body: Vec<&str> = text
        .lines()
        .filter(|line| !line.starts_with('\\'))
        .collect();
    let rows = body
        .iter()
        .skip_while(|line| **line != "Subject To")
        .skip(1)
        .take_while(|line| **line != "Bounds")
        .filter_map(|line| line.strip_prefix(' ').and_then(|l| l.split_once(':')))
        .map(|(name, _)| name.to_string())
        .collect();
    let mut columns: Vec<String> = body
        .iter()
        .flat_map(|line| {
            let line = line.split_once(':').map_or(*line, |(_, rest)| rest);
            line.split_whitespace()
        })
        .filter(|token| {
            ![
                "Minimize", "Subject", "To", "Bounds", "End", "free", "+", "-", "<=", ">=", "=",
            ]
            .contains(token)
                && token.parse::<f64>().is_err()
        })
        .map(str::to_string)
        .collect();
    columns.sort_unstable();
    columns.dedup();
    (rows, columns)
}

/// The row names of an MPS file's ROWS section (without the objective), and
/// the column names of its COLUMNS section in order.
fn mps_file_names(text: &str) -> (Vec<String>, Vec<String>) {
    let section = |start: &str, end: &str| -> Vec<Vec<String>> {
        text.lines()
            .skip_while(|line| *line != start)
            .skip(1)
            .take_while(|line| *line != end)
            .map(|line| line.split_whitespace().map(str::to_string).collect())
            .collect()
    };
    let rows = section("ROWS", "COLUMNS")
        .into_iter()
        .skip(1)
        .map(|tokens| {
            assert_eq!(tokens.len(), 2, "{tokens:?}");
            tokens[1].clone()
        })
        .collect();
    let mut columns: Vec<String> = section("COLUMNS", "RHS")
        .into_iter()
        .map(|tokens| {
            assert_eq!(tokens.len(), 3, "{tokens:?}");
            tokens[0].clone()
        })
        .collect();
    columns.dedup();
    (rows, columns)
}

fn is_unique(names: &[String]) -> bool {
    let mut sorted = names.to_vec();
    sorted.sort_unstable();
    sorted.windows(2).all(|pair| pair[0] != pair[1])
}

proptest! {
    #![proptest_config(config())]

    /// Allowed ids and free-text period labels: the names written are unique,
    /// hold no whitespace and decode to wfplan's, in LP and in MPS; and HiGHS
    /// reads as many rows and columns as there are.
    #[test]
    fn exported_names_are_unique_and_decode_back(
        ids in prop::collection::hash_set(id(), 1..4),
        periods in prop::collection::vec(period_label(), 1..4),
    ) {
        let ids: Vec<String> = ids.into_iter().collect();
        let lp = programme_of(&ids, &periods);
        let wfplan_rows: Vec<String> = lp.rows.iter().map(|r| r.name.to_string()).collect();
        let mut wfplan_columns: Vec<String> =
            lp.columns.iter().map(|c| c.name.to_string()).collect();
        wfplan_columns.sort_unstable();

        let (lp_rows, lp_columns) = lp_file_names(&export::to_lp_format(&lp, "property"));
        let (mps_rows, mps_columns) = mps_file_names(&export::to_mps_format(&lp, "property"));
        for (format, rows, columns) in [(Format::Lp, lp_rows, lp_columns), (Format::Mps, mps_rows, mps_columns)] {
            let names = ExportNames::new(&lp, format);
            prop_assert!(is_unique(&rows), "{:?}: rows {:?}", format, rows);
            prop_assert!(is_unique(&columns), "{:?}: columns {:?}", format, columns);
            prop_assert_eq!(rows.len(), lp.rows.len());
            prop_assert_eq!(columns.len(), lp.columns.len());
            for name in rows.iter().chain(&columns) {
                prop_assert!(!name.chars().any(char::is_whitespace), "{:?}: {:?}", format, name);
                prop_assert!(name.is_ascii(), "{:?}: {:?}", format, name);
            }
            let decoded_rows: Vec<String> = rows.iter().map(|n| names.original(n).unwrap_or_default()).collect();
            prop_assert_eq!(&decoded_rows, &wfplan_rows);
            let mut decoded_columns: Vec<String> = columns.iter().map(|n| names.original(n).unwrap_or_default()).collect();
            decoded_columns.sort_unstable();
            prop_assert_eq!(&decoded_columns, &wfplan_columns);
        }
        // HiGHS agrees (round_trip asserts the counts and names).
        let reads = round_trip(&lp, "property");
        assert_same_optimum("property", &reads, lp.rows.len() as f64);
    }

    /// decode inverts encode for any text at all, in both formats.
    #[test]
    fn decode_inverts_encode(name in any::<String>()) {
        for format in [Format::Lp, Format::Mps] {
            let encoded = export::encode_name(&name, format);
            prop_assert!(encoded.chars().all(|c| c.is_ascii_graphic()), "{:?}", encoded);
            prop_assert_eq!(export::decode_name(&encoded, format), Some(name.clone()));
        }
    }
}
