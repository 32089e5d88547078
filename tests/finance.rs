//! Finance-ready outputs (issue 10): money that says what it is (cash,
//! real, discounted) from `[finance]`, gross cost / offsets / net by group
//! and category computed by hand, currency from the model everywhere, CSV
//! injection safety, and bad `[finance]` input.

use std::path::Path;

use wfplan::accounts::Basis;
use wfplan::solution::Solution;

use crate::util::{assert_close_what, assert_mentions, wfplan};

/// Two groups, two years. Staff move from `sn` (salary 50,000) to `hv`
/// (salary 100,000, both in 2025/26 prices) at 10,000 a move (a non-pay cost); nobody is
/// hired, nobody leaves. The policy wants 14 `hv` in 2026/27 against 10:
/// the four moves are made as late as possible, in 2026/27 (a move in
/// 2025/26 would pay the dearer salary a year longer).
///
/// Prices rise 10% into 2026/27 and pay 20%, so the real pay factor of
/// 2026/27 is f = 1.2 / 1.1, the price index 1.1, the discount factor
/// 1 / 1.035.
const TWO_GROUPS: &str = r#"
[model]
name = "Two groups"
periods = ["2025/26", "2026/27"]
currency = "GBP"

[finance]
price_base = "2025/26"
inflation = 0.10
pay_uplift = [0.0, 0.20]
discount_rate = 0.035
discount_rate_source = "HM Treasury Green Book (2022): 3.5% a year"

[[group]]
id = "hv"
name = "Health visitors"
opening = 10
salary = 100000
hire_max = 0

[[group]]
id = "sn"
name = "Staff nurses"
opening = 20
salary = 50000
hire_max = 0

[[move]]
from = "sn"
to = "hv"
cost = 10000

[[limit]]
id = "envelope"
name = "Cash envelope"
expr = "cash"
max = 5000000

[[scenario]]
id = "policy"
[[scenario.target]]
id = "hv_growth"
expr = "stock(hv)"
min = 14
at = ["2026/27"]
"#;

fn solve(text: &str, scenario: Option<&str>) -> Solution {
    let model = wfplan::spec::load_str(text, Path::new("models/two_groups.toml"), scenario, &[])
        .unwrap_or_else(|e| panic!("{e:#}"));
    wfplan::solve::solve(&model).unwrap_or_else(|e| panic!("{e:#}"))
}

#[test]
fn price_and_pay_indices_put_pay_in_real_terms() {
    let plan = solve(TWO_GROUPS, None);
    let finance = &plan.model.finance;
    assert_eq!(finance.price_index, vec![1.0, 1.1]);
    assert_close_what("pay index 2026/27", finance.pay_index[1], 1.2, 1e-12);
    // Salary in real terms: 100 as written, then 100 · 1.2 / 1.1.
    assert_close_what(
        "hv salary 2025/26",
        plan.model.groups[0].salary_per_fte[0],
        100000.0,
        1e-12,
    );
    assert_close_what(
        "hv salary 2026/27",
        plan.model.groups[0].salary_per_fte[1],
        100000.0 * 1.2 / 1.1,
        1e-12,
    );
    assert_eq!(plan.model.discount_rate, 0.035);
}

#[test]
fn gross_offsets_and_net_match_the_hand_computation() {
    let base = solve(TWO_GROUPS, None);
    let policy = solve(TWO_GROUPS, Some("policy"));
    // The forced plan first: four moves in 2026/27.
    assert_eq!(policy.stock(0), vec![10.0, 14.0]);
    assert_eq!(policy.stock(1), vec![20.0, 16.0]);
    assert_eq!(base.stock(0), vec![10.0, 10.0]);

    let impact = wfplan::compare::compare(&base, &policy, "base", "policy", None).unwrap();
    let finance = &impact.finance;
    let f = 1.2 / 1.1;
    // 2026/27, real: hv salary +4·100,000·f, sn salary −4·50,000·f,
    // moves +4·10,000.
    let gross_real = 400_000.0 * f + 40_000.0;
    let offsets_real = -200_000.0 * f;
    // Cash: real times the price index 1.1 (pay: 400,000·1.2 = 480,000,
    // −240,000; moves 44,000).
    let (gross_cash, offsets_cash) = (480_000.0 + 44_000.0, -240_000.0);
    let discount = 1.0 / 1.035;
    let totals = [
        (Basis::Cash, gross_cash, offsets_cash),
        (Basis::Real, gross_real, offsets_real),
        (
            Basis::Discounted,
            gross_real * discount,
            offsets_real * discount,
        ),
    ];
    for (basis, gross, offsets) in totals {
        let got = finance.gross_net(basis);
        let what = basis.as_str();
        assert_close_what(&format!("gross, {what}"), got.gross, gross, 1e-9);
        assert_close_what(&format!("offsets, {what}"), got.offsets, offsets, 1e-9);
        assert_close_what(&format!("net, {what}"), got.net, gross + offsets, 1e-9);
        // Nothing changes in 2025/26.
        assert_eq!(finance.gross_net_in(0, basis).net, 0.0);
    }
    // Net cash 284,000 = 524,000 − 240,000; net real 258,181.8…
    assert_close_what(
        "net cash",
        finance.gross_net(Basis::Cash).net,
        284_000.0,
        1e-9,
    );

    // By group and category (real, over the horizon).
    let line = |id: &str, category: &str| {
        let line = finance
            .lines
            .iter()
            .find(|l| l.id == id && l.category.as_str() == category)
            .unwrap_or_else(|| panic!("no line {id} {category}"));
        finance.line_total(line, Basis::Real)
    };
    assert_close_what("hv salary", line("hv", "salary"), 400_000.0 * f, 1e-9);
    assert_close_what("sn salary", line("sn", "salary"), -200_000.0 * f, 1e-9);
    assert_close_what("moves into hv", line("hv", "move"), 40_000.0, 1e-9);

    // The tables say the same, and the report shows the arithmetic.
    let tables = wfplan::report::finance::tables(&impact).unwrap();
    let summary = &tables
        .iter()
        .find(|(name, _)| name == "finance_summary.csv")
        .unwrap()
        .1;
    let csv = String::from_utf8(wfplan::tables::to_csv(&mut summary.clone()).unwrap()).unwrap();
    assert!(
        csv.starts_with("measure,period,cash,real,discounted\n"),
        "{csv}"
    );
    assert!(csv.contains("net,total,284000.0"), "{csv}");
    // Cost per extra FTE in 2026/27: net real / 4.
    let per_fte = (gross_real + offsets_real) / 4.0;
    let row = csv
        .lines()
        .find(|l| l.starts_with("cost_per_extra_fte_at_headline,total,"))
        .unwrap();
    let real: f64 = row.split(',').nth(3).unwrap().parse().unwrap();
    assert_close_what("cost per extra FTE, real", real, per_fte, 1e-9);

    let document = wfplan::report::impact::impact_document(&impact).to_markdown();
    assert_mentions(
        &document,
        &[
            "Gross cost of the policy",
            "Offsets",
            "Net cost",
            "2025/26 prices",
            "HM Treasury Green Book",
            "Per extra FTE of Health visitors in post in 2026/27: net £258.2k ÷ 4 = **£64.5k** real; discounted, £249.5k ÷ 4 = £62.4k",
            "Per FTE-year of unmet demand avoided: not defined",
            "Funding envelope 'envelope'",
        ],
    );
    assert!(!document.contains("nominal"), "{document}");

    // The envelope against spend: 5m real is 5.5m cash in 2026/27; policy
    // spend in 2026/27 is 1.4m·f + 0.8m·f + 40,000 real, 2.2m·1.2 + 44,000
    // = 2,684,000 cash; it does not bind (shadow price 0).
    let envelope = &finance.envelopes[0];
    assert_eq!(envelope.periods, vec![0, 1]);
    assert_close_what(
        "spend, real",
        envelope.spend[1],
        2_200_000.0 * f + 40_000.0,
        1e-9,
    );
    assert_close_what(
        "spend, cash",
        envelope.spend[1] * finance.converter.price_index[1],
        2_684_000.0,
        1e-9,
    );
    assert_eq!(envelope.shadow_price, vec![0.0, 0.0]);
}

#[test]
fn costs_by_group_sum_to_costs_by_category() {
    let plan = solve(TWO_GROUPS, Some("policy"));
    let lines = wfplan::accounts::cost_lines(&plan);
    for category in wfplan::model::CostCategory::ALL {
        for period in 0..2 {
            let by_group: f64 = lines
                .iter()
                .filter(|l| l.category == category)
                .map(|l| l.real[period])
                .sum();
            assert_close_what(
                &format!("{} in period {period}", category.as_str()),
                by_group,
                plan.cost(category, period),
                1e-9,
            );
        }
    }
}

#[test]
fn a_price_base_outside_the_periods_extends_the_index_years() {
    let text = TWO_GROUPS
        .replace("price_base = \"2025/26\"", "price_base = \"2023/24\"")
        .replace("pay_uplift = [0.0, 0.20]", "pay_uplift = 0.10");
    let plan = solve(&text, None);
    let finance = &plan.model.finance;
    assert_eq!(
        finance.years,
        vec!["2023/24", "2024/25", "2025/26", "2026/27"]
    );
    assert_close_what("2025/26 price index", finance.price_index[0], 1.21, 1e-12);
    assert_close_what("2026/27 price index", finance.price_index[1], 1.331, 1e-12);
}

#[test]
fn bad_finance_input_is_named() {
    let load = |text: &str| {
        wfplan::spec::load_str(text, Path::new("models/two_groups.toml"), None, &[])
            .map(|_| ())
            .unwrap_err()
    };
    let error = format!(
        "{:#}",
        load(&TWO_GROUPS.replace("price_base = \"2025/26\"", "price_base = \"next year\""))
    );
    assert_mentions(
        &error,
        &[
            "models/two_groups.toml",
            "[finance]",
            "price_base",
            "'next year'",
            "2025/26, 2026/27",
        ],
    );
    let error = format!(
        "{:#}",
        load(&TWO_GROUPS.replace("inflation = 0.10", "inflation = [0.0, -1.5]"))
    );
    assert_mentions(
        &error,
        &["[finance]", "inflation", "−100%", "-1.5", "2026/27"],
    );
    let error = format!(
        "{:#}",
        load(&TWO_GROUPS.replace("inflation = 0.10", "inflation = [0.1, 0.1, 0.1]"))
    );
    assert_mentions(&error, &["[finance]", "inflation", "expected 2 values"]);
    let error = format!(
        "{:#}",
        load(&TWO_GROUPS.replace("price_base = \"2025/26\"\n", ""))
    );
    assert_mentions(&error, &["[finance]", "price_base", "expected the year"]);
}

/// A model in New Zealand dollars, solved and compared through the
/// command line: no "£" anywhere in the report, its charts or its tables.
#[test]
fn a_report_in_another_currency_never_shows_pounds() {
    let folder = tempfile::tempdir().unwrap();
    let model = folder.path().join("nzd.toml");
    std::fs::write(
        &model,
        TWO_GROUPS.replace("currency = \"GBP\"", "currency = \"NZD\""),
    )
    .unwrap();
    let out = folder.path().join("report");
    let output = wfplan(&[
        "compare",
        model.to_str().unwrap(),
        "--base",
        "base",
        "--policy",
        "policy",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains('£'), "{stdout}");
    let mut checked = 0;
    for entry in walk(&out) {
        let name = entry.display().to_string();
        if name.ends_with(".png") {
            continue;
        }
        let text = std::fs::read_to_string(&entry).unwrap();
        assert!(!text.contains('£'), "{name} holds '£'");
        assert!(!text.contains("nominal"), "{name} says 'nominal'");
        checked += 1;
    }
    assert!(checked > 20, "only {checked} files checked");
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert_mentions(&report, &["NZD", "NZD million"]);
}

fn walk(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Every CSV of a `solve --out` and a `compare` of a model whose names,
/// period labels and expressions start with formula characters: no cell
/// would run as a formula in a spreadsheet, the hostile text is there
/// behind a `'`, and negative numbers are still plain numbers.
#[test]
fn no_csv_cell_runs_as_a_formula() {
    let hostile = TWO_GROUPS
        .replace("\"2025/26\", \"2026/27\"", "\"=1+1\", \"@SUM(A1)\"")
        .replace("price_base = \"2025/26\"", "price_base = \"=1+1\"")
        .replace("at = [\"2026/27\"]", "at = [\"@SUM(A1)\"]")
        .replace(
            "name = \"Health visitors\"",
            "name = \"=HYPERLINK(\\\"http://x\\\")\"",
        )
        .replace("name = \"Staff nurses\"", "name = \"+cmd|' /C calc'!A0\"")
        .replace(
            "expr = \"stock(hv)\"",
            "expr = \"-1 * stock(sn) + 2 * stock(hv) + stock(sn)\"",
        )
        .replace("min = 14", "min = 28");
    let folder = tempfile::tempdir().unwrap();
    let model = folder.path().join("hostile.toml");
    std::fs::write(&model, &hostile).unwrap();
    let out = folder.path().join("report");
    let output = wfplan(&[
        "compare",
        model.to_str().unwrap(),
        "--base",
        "base",
        "--policy",
        "policy",
        // The target's expression names both groups, so the report asks
        // which one it is for.
        "--group",
        "hv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut escaped = 0;
    let mut negative = 0;
    let csvs: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    assert!(csvs.len() >= 15, "{csvs:?}");
    for path in csvs {
        let text = std::fs::read_to_string(&path).unwrap();
        for cell in csv_cells(&text) {
            assert!(
                !wfplan::csv_safety::is_formula_like(&cell),
                "{}: cell {cell:?} would run as a formula",
                path.display()
            );
            if cell.starts_with("'=") || cell.starts_with("'@") || cell.starts_with("'-") {
                escaped += 1;
            }
            if cell.starts_with('-') && cell.parse::<f64>().is_ok() {
                negative += 1;
            }
        }
    }
    assert!(escaped > 10, "only {escaped} escaped cells");
    assert!(negative > 0, "no negative numbers");
}

/// The cells of a CSV text (quoted cells unquoted).
fn csv_cells(text: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' | '\n' if !quoted => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    if !cell.is_empty() {
        cells.push(cell);
    }
    cells
}

/// Inflation read from a CSV series like any other, over the years from a
/// price base before the periods: the price index of each period is the
/// product of the growth since the price base.
#[test]
fn inflation_is_a_series_over_the_index_years() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(folder.path().join("models")).unwrap();
    std::fs::create_dir_all(folder.path().join("data")).unwrap();
    std::fs::write(
        folder.path().join("data/inflation.csv"),
        "period,value\n2024/25,0.0\n2025/26,0.02\n2026/27,0.05\n",
    )
    .unwrap();
    let text = TWO_GROUPS
        .replace("price_base = \"2025/26\"", "price_base = \"2024/25\"")
        .replace("inflation = 0.10", "inflation = \"data/inflation.csv\"")
        .replace("pay_uplift = [0.0, 0.20]\n", "");
    let model_path = folder.path().join("models/series.toml");
    std::fs::write(&model_path, &text).unwrap();
    let model = wfplan::spec::load(&model_path, None, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    assert_close_what("2025/26", model.finance.price_index[0], 1.02, 1e-12);
    assert_close_what("2026/27", model.finance.price_index[1], 1.02 * 1.05, 1e-12);
    // Pay rises with prices (no pay_uplift): salaries stay as written.
    assert_eq!(model.groups[0].salary_per_fte, vec![100000.0, 100000.0]);
    assert!(model
        .inputs
        .iter()
        .any(|p| p.ends_with("data/inflation.csv")));

    // A series that misses a year of the index is an error naming it.
    std::fs::write(
        folder.path().join("data/inflation.csv"),
        "period,value\n2025/26,0.02\n2026/27,0.05\n",
    )
    .unwrap();
    let error = format!(
        "{:#}",
        wfplan::spec::load(&model_path, None, &[]).unwrap_err()
    );
    assert_mentions(
        &error,
        &["[finance]", "inflation", "inflation.csv", "2024/25"],
    );
}

/// `solve --xlsx`: one workbook with the plan's tables, money stated.
#[test]
fn solve_writes_a_workbook() {
    use calamine::{Data, Reader, Xlsx};
    let folder = tempfile::tempdir().unwrap();
    let model = folder.path().join("two.toml");
    std::fs::write(&model, TWO_GROUPS).unwrap();
    let book = folder.path().join("plan.xlsx");
    let output = wfplan(&[
        "solve",
        model.to_str().unwrap(),
        "--scenario",
        "policy",
        "--xlsx",
        book.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut workbook: Xlsx<_> = calamine::open_workbook(&book).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        [
            "about",
            "stocks",
            "flows",
            "deployment",
            "costs",
            "costs_by_group",
            "constraints"
        ]
    );
    let header = crate::util::sheet_header(&mut workbook, "costs_by_group");
    let costs = workbook.worksheet_range("costs_by_group").unwrap();
    assert_eq!(
        header,
        [
            "holder",
            "id",
            "category",
            "period",
            "cash (GBP, cash)",
            "real (GBP, real)",
            "discounted (GBP, discounted)"
        ]
    );
    // hv's salary in 2026/27: 14 FTE at 100,000 · 1.2 in cash.
    let row = costs
        .rows()
        .find(|r| {
            r[1] == Data::String("hv".into())
                && r[2] == Data::String("salary".into())
                && r[3] == Data::String("2026/27".into())
        })
        .unwrap();
    let Data::Float(cash) = row[4] else {
        panic!("{:?} is not a number", row[4]);
    };
    assert_close_what("hv salary 2026/27, cash", cash, 14.0 * 120_000.0, 1e-12);
    let about = workbook.worksheet_range("about").unwrap();
    let text: Vec<String> = about.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(
        text.iter().any(|t| t.contains("2025/26 prices")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.contains("HM Treasury Green Book")),
        "{text:?}"
    );
}

/// A soft envelope on cash that the forced plan overspends in 2026/27: each
/// real pound over it costs its penalty of 1, discounted with its period, so
/// its shadow price is 1 / 1.035 per real pound, and one more pound of cash
/// envelope (a real pound is 1.1 cash pounds there) is worth 1 / 1.035 / 1.1
/// = 0.878 of value.
#[test]
fn a_binding_envelope_reads_as_value_per_extra_pound() {
    let text = TWO_GROUPS.replace(
        "max = 5000000\n",
        "max = [5000000, 2000000]\npenalty = 1.0\n",
    );
    let base = solve(&text, None);
    let policy = solve(&text, Some("policy"));
    assert_eq!(policy.stock(0), vec![10.0, 14.0]);
    let impact = wfplan::compare::compare(&base, &policy, "base", "policy", None).unwrap();
    let envelope = &impact.finance.envelopes[0];
    assert!(envelope.soft);
    assert_eq!(envelope.shadow_price[0], 0.0);
    assert_close_what(
        "shadow price 2026/27",
        envelope.shadow_price[1],
        1.0 / 1.035,
        1e-9,
    );
    let document = wfplan::report::impact::impact_document(&impact).to_markdown();
    assert_mentions(
        &document,
        &[
            "| 2026/27 | £2.2m | £2.7m | −£484.0k | £0.88 of value per extra £1 |",
            "| 2025/26 | £5.0m | £2.0m | £3.0m | £0.00 of value per extra £1 |",
        ],
    );
}

/// One group of 10 at 1,000 a year in 2024/25 prices for three years;
/// prices rise 10% into 2025/26 and 5% into 2026/27 and pay with them, so
/// the price index is 1, 1.1, 1.155 and real pay stays 1,000.
const THREE_YEARS: &str = r#"
[model]
name = "Three years"
periods = ["2024/25", "2025/26", "2026/27"]
currency = "GBP"

[finance]
price_base = "2024/25"
inflation = [0.0, 0.10, 0.05]

[[group]]
id = "nurse"
opening = 10
attrition = 0
salary = 1000
hire_max = 0

[[service]]
id = "ward"
demand = 10
staffed_by = { nurse = 1.0 }
"#;

/// The column `name` of a plan's costs_by_group table.
fn plan_cost_column(plan: &Solution, name: &str) -> Vec<f64> {
    let frame = wfplan::report::finance::plan_costs_frame(plan).unwrap();
    frame
        .column(name)
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

/// Real totals are cash deflated by the price index, and restating real
/// amounts in another year's prices (`real_prices`) changes no decision.
/// By hand: the salary bill is 10 × 1,000 = 10,000 real a year; cash is
/// 10,000 · (1, 1.1, 1.155) = 10,000, 11,000, 11,550 (32,550 in all);
/// deflated, 10,000 + 11,000 / 1.1 + 11,550 / 1.155 = 30,000 real. In
/// 2026/27 prices every year's real bill is 10,000 × 1.155 = 11,550
/// (34,650 in all).
#[test]
fn real_totals_are_cash_deflated_and_restating_them_changes_no_plan() {
    let plan = solve(THREE_YEARS, None);
    let cash = plan_cost_column(&plan, "cash");
    let real = plan_cost_column(&plan, "real");
    for (t, expected) in [10_000.0, 11_000.0, 11_550.0].iter().enumerate() {
        assert_close_what("cash", cash[t], *expected, 1e-12);
    }
    assert_close_what("cash total", cash.iter().sum(), 32_550.0, 1e-12);
    assert_close_what(
        "real total",
        real.iter().sum(),
        10_000.0 + 11_000.0 / 1.1 + 11_550.0 / 1.155,
        1e-12,
    );
    assert_close_what("real total", real.iter().sum(), 30_000.0, 1e-12);

    let restated = solve(
        &THREE_YEARS.replace(
            "price_base = \"2024/25\"",
            "price_base = \"2024/25\"\nreal_prices = \"2026/27\"",
        ),
        None,
    );
    assert_eq!(restated.stock(0), plan.stock(0));
    assert_eq!(restated.objective, plan.objective);
    assert_eq!(plan_cost_column(&restated, "cash"), cash);
    let real_2026 = plan_cost_column(&restated, "real");
    for value in &real_2026 {
        assert_close_what("real, 2026/27 prices", *value, 11_550.0, 1e-12);
    }
    assert_close_what("total", real_2026.iter().sum(), 34_650.0, 1e-12);
    // Discounted amounts stay in the price base (the objective's money).
    assert_eq!(
        plan_cost_column(&restated, "discounted"),
        plan_cost_column(&plan, "discounted")
    );

    // A year outside the index is named.
    let error = format!(
        "{:#}",
        wfplan::spec::load_str(
            &THREE_YEARS.replace(
                "price_base = \"2024/25\"",
                "price_base = \"2024/25\"\nreal_prices = \"2030/31\""
            ),
            Path::new("models/three.toml"),
            None,
            &[]
        )
        .unwrap_err()
    );
    assert_mentions(
        &error,
        &[
            "models/three.toml",
            "[finance]",
            "real_prices",
            "'2030/31'",
            "2024/25, 2025/26, 2026/27",
        ],
    );
}

/// The flagship's plan in 2010/11 prices is its plan in 2024/25 prices:
/// the same stocks and objective, cash the same, real restated.
#[test]
fn the_flagship_plan_does_not_depend_on_the_prices_it_is_shown_in() {
    let flagship =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("models/england_community_nursing.toml");
    let solve_with = |sets: &[String]| {
        let model = wfplan::spec::load(&flagship, None, sets).unwrap_or_else(|e| panic!("{e:#}"));
        wfplan::solve::solve(&model).unwrap_or_else(|e| panic!("{e:#}"))
    };
    let as_written = solve_with(&[]);
    let in_2010 = solve_with(&["finance.real_prices=2010/11".to_string()]);
    assert_eq!(
        as_written.model.finance.price_base.as_deref(),
        Some("2024/25")
    );
    assert_eq!(as_written.objective, in_2010.objective);
    for g in 0..as_written.model.groups.len() {
        assert_eq!(as_written.stock(g), in_2010.stock(g));
    }
    // The pay series against an independent figure: the DH impact
    // assessment costed an extra health visitor at about £40k a year in
    // 2010 prices (sources.csv, M). The model's 2010/11 cash cost of one is
    // its real salary times the price index (the 2024/25 salary of 52,926
    // deflated by the pay awards): within 5% of it.
    let health_visitor = &as_written.model.groups[0];
    assert_eq!(health_visitor.id, "health_visitor");
    let cash_2010 = health_visitor.salary_per_fte[0] * as_written.model.finance.price_index[0];
    assert!(
        (cash_2010 - 40_000.0).abs() <= 0.05 * 40_000.0,
        "a health visitor's 2010/11 cash cost {cash_2010}"
    );
    let factor = in_2010.model.finance.real_factor;
    // 2010/11 prices are the first period's: its real amounts are its cash.
    assert_eq!(factor, in_2010.model.finance.price_index[0]);
    let (cash, real, real_2010) = (
        plan_cost_column(&as_written, "cash"),
        plan_cost_column(&as_written, "real"),
        plan_cost_column(&in_2010, "real"),
    );
    assert_eq!(plan_cost_column(&in_2010, "cash"), cash);
    for (row, (r, r2010)) in real.iter().zip(&real_2010).enumerate() {
        assert_close_what(&format!("row {row}"), *r2010, r * factor, 1e-9);
    }
    let periods = as_written.model.periods.len();
    for (row, (c, r2010)) in cash.iter().zip(&real_2010).enumerate() {
        if row % periods == 0 {
            assert_close_what(&format!("2010/11 row {row}"), *r2010, *c, 1e-9);
        }
    }
}

/// The string cells of a frame's column.
fn text_column(frame: &polars::prelude::DataFrame, name: &str) -> Vec<String> {
    frame
        .column(name)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|cell| cell.unwrap_or_default().to_string())
        .collect()
}

/// The rows of a costs_by_group frame as (id, region, category) → value
/// of column `value` (one period).
fn by_region(
    frame: &polars::prelude::DataFrame,
    value: &str,
) -> std::collections::BTreeMap<(String, String, String), f64> {
    let ids = text_column(frame, "id");
    let regions = text_column(frame, "region");
    let categories = text_column(frame, "category");
    let values: Vec<f64> = frame
        .column(value)
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    ids.into_iter()
        .zip(regions)
        .zip(categories)
        .zip(values)
        .map(|(((id, region), category), v)| ((id, region, category), v))
        .collect()
}

/// costs_by_group with regions, on tests/fixtures/two_regions.toml (one
/// period, no [finance], no discounting: cash = real = discounted). The
/// plan (tests/regions.rs): London hires 20 and holds 60 nurses at 120,
/// the North hires the pool's last 10 and holds 28 at 100; a hire costs 10.
/// By hand: London salary 60·120 = 7,200 and hiring 20·10 = 200; North
/// salary 28·100 = 2,800 and hiring 100; the national rows (region `all`)
/// 10,000 and 300, the sums of the regions'. With a pool of 32 the North
/// hires 12 and holds 30: its salary 3,000 (+200) and hiring 120 (+20),
/// London unchanged, so the national change is +200 and +20, and the
/// report's ranked table puts the North's salary first.
#[test]
fn costs_by_group_split_by_region_sum_to_the_national_rows() {
    let base = crate::util::solve_fixture("two_regions.toml", &[]);
    let frame = wfplan::report::finance::plan_costs_frame(&base).unwrap();
    let columns: Vec<&str> = frame
        .get_column_names()
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(
        columns,
        [
            "holder",
            "id",
            "region",
            "category",
            "period",
            "cash",
            "real",
            "discounted"
        ]
    );
    let rows = by_region(&frame, "cash");
    let key = |region: &str, category: &str| {
        (
            "nurse".to_string(),
            region.to_string(),
            category.to_string(),
        )
    };
    let expected = [
        (key("london", "salary"), 7_200.0),
        (key("london", "hire"), 200.0),
        (key("north", "salary"), 2_800.0),
        (key("north", "hire"), 100.0),
        (key("all", "salary"), 10_000.0),
        (key("all", "hire"), 300.0),
    ];
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    for (key, value) in &expected {
        assert_close_what(&format!("{key:?}"), rows[key], *value, 1e-9);
    }

    let policy = crate::util::solve_fixture("two_regions.toml", &["pool.grads.supply=32"]);
    let impact = wfplan::compare::compare(&base, &policy, "base", "policy", None).unwrap();
    let tables = wfplan::report::finance::tables(&impact).unwrap();
    let costs = &tables
        .iter()
        .find(|(name, _)| name == "costs_by_group.csv")
        .unwrap()
        .1;
    let change = by_region(costs, "change_real");
    for (key, value) in [
        (key("london", "salary"), 0.0),
        (key("london", "hire"), 0.0),
        (key("north", "salary"), 200.0),
        (key("north", "hire"), 20.0),
        (key("all", "salary"), 200.0),
        (key("all", "hire"), 20.0),
    ] {
        assert_close_what(&format!("{key:?}"), change[&key], value, 1e-9);
    }
    // Gross is taken over the national lines: 200 + 20.
    assert_close_what(
        "gross",
        impact.finance.gross_net(Basis::Real).gross,
        220.0,
        1e-9,
    );

    // The workbook's sheet is the same table: a region column, and the
    // North's salary change on its row.
    {
        use calamine::{Data, Reader, Xlsx};
        let bytes = wfplan::report::workbook::compare_workbook(&impact, &base, &policy).unwrap();
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = workbook.worksheet_range("costs_by_group").unwrap();
        let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
        assert_eq!(rows[0][2], Data::String("region".to_string()));
        let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
        let change = header
            .iter()
            .position(|h| h.starts_with("change_real"))
            .unwrap();
        let north_salary = rows
            .iter()
            .find(|r| r[2] == "north" && r[3] == "salary")
            .expect("a North salary row");
        assert_eq!(north_salary[change], Data::Float(200.0));
    }

    let mut document = wfplan::report::document::Document::new("finance");
    wfplan::report::finance::section(&mut document, &impact);
    let text = document.to_markdown();
    let ranked = text
        .find("by region, staff group (or pool) and category")
        .unwrap_or_else(|| panic!("no regional table:\n{text}"));
    let table = &text[ranked..];
    let north = table.find("| North |").expect("a North row");
    assert!(
        !table.contains("| London |"),
        "London does not change:\n{table}"
    );
    let (salaries, hiring) = (table.find("| Salaries |"), table.find("| Hiring |"));
    assert!(
        north < salaries.unwrap() && salaries < hiring,
        "ranked, largest first:\n{table}"
    );
}
