//! results.json of a simulation shard: every sample's full result (each
//! group's stock and each service's unmet demand in every period, cash and
//! penalty by period, whether each condition held), the base's under
//! `--base`, and the central plan's. samples.csv holds only horizon totals
//! and one period's stock, so `wfplan merge` rebuilds quantiles.csv,
//! conditions.csv, the fan charts and the report from these.
//!
//! Numbers are written as text in Rust's shortest round-trip form and read
//! back with a correctly rounded parse, so every value comes back bit for
//! bit and the merged quantiles are those of the unsharded run.

use anyhow::{anyhow, Context, Result};
use serde::{Deserialize, Serialize};

use super::{Measures, SampleResult};

/// The file in a simulation partition folder.
pub const RESULTS: &str = "results.json";

/// What one shard solved.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardResults {
    /// This shard's samples, in sample order.
    pub samples: Vec<StoredResult>,
    /// The base scenario's result for the same samples (`--base`).
    pub base_samples: Option<Vec<StoredResult>>,
    /// The central plan's result (none when it has no optimum).
    pub central: Option<StoredResult>,
    /// Why the central plan has no optimum.
    pub central_error: Option<String>,
    /// The base scenario's central plan (`--base`).
    pub base_central: Option<StoredResult>,
}

/// A [`SampleResult`] with every number as exact text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredResult {
    pub status: String,
    pub explanation: String,
    pub objective: Option<String>,
    pub cash: Option<String>,
    pub penalty: Option<String>,
    pub cash_outturn: Option<String>,
    pub measures: Option<StoredMeasures>,
}

/// [`Measures`] with every number as exact text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredMeasures {
    pub stock: Vec<Vec<String>>,
    pub unmet: Vec<Vec<String>>,
    pub cash: Vec<String>,
    pub penalty: Vec<String>,
    pub met: Vec<bool>,
}

/// Shortest text that parses back to the same `f64`.
fn text(value: f64) -> String {
    format!("{value:?}")
}

fn number(text: &str) -> Result<f64> {
    text.parse()
        .map_err(|_| anyhow!("expected a number, found '{text}'"))
}

fn texts(values: &[f64]) -> Vec<String> {
    values.iter().copied().map(text).collect()
}

fn numbers(texts: &[String]) -> Result<Vec<f64>> {
    texts.iter().map(|t| number(t)).collect()
}

impl StoredResult {
    pub fn new(result: &SampleResult) -> StoredResult {
        StoredResult {
            status: result.status.clone(),
            explanation: result.explanation.clone(),
            objective: result.objective.map(text),
            cash: result.cash.map(text),
            penalty: result.penalty.map(text),
            cash_outturn: result.cash_outturn.map(text),
            measures: result.measures.as_ref().map(|m| StoredMeasures {
                stock: m.stock.iter().map(|row| texts(row)).collect(),
                unmet: m.unmet.iter().map(|row| texts(row)).collect(),
                cash: texts(&m.cash),
                penalty: texts(&m.penalty),
                met: m.met.clone(),
            }),
        }
    }

    pub fn result(&self) -> Result<SampleResult> {
        let optional = |value: &Option<String>| value.as_deref().map(number).transpose();
        let measures = match &self.measures {
            None => None,
            Some(m) => Some(Measures {
                stock: m
                    .stock
                    .iter()
                    .map(|row| numbers(row))
                    .collect::<Result<_>>()?,
                unmet: m
                    .unmet
                    .iter()
                    .map(|row| numbers(row))
                    .collect::<Result<_>>()?,
                cash: numbers(&m.cash)?,
                penalty: numbers(&m.penalty)?,
                met: m.met.clone(),
            }),
        };
        Ok(SampleResult {
            status: self.status.clone(),
            explanation: self.explanation.clone(),
            objective: optional(&self.objective)?,
            cash: optional(&self.cash)?,
            penalty: optional(&self.penalty)?,
            cash_outturn: optional(&self.cash_outturn)?,
            measures,
        })
    }
}

/// Every stored result read back, with the file named in an error.
pub fn results(stored: &[StoredResult], file: &str) -> Result<Vec<SampleResult>> {
    stored
        .iter()
        .map(|s| s.result())
        .collect::<Result<Vec<_>>>()
        .with_context(|| format!("{file}: a sample's result"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_number_comes_back_bit_for_bit() {
        let values = [
            0.1 + 0.2,
            1.0 / 3.0,
            1e-300,
            123_456_789.123_456_78,
            -0.0,
            5e-324,
        ];
        let result = SampleResult {
            status: "optimal".to_string(),
            explanation: String::new(),
            objective: Some(values[0]),
            cash: Some(values[1]),
            penalty: None,
            cash_outturn: Some(values[3]),
            measures: Some(Measures {
                stock: vec![values.to_vec()],
                unmet: vec![values.to_vec()],
                cash: values.to_vec(),
                penalty: values.to_vec(),
                met: vec![true, false],
            }),
        };
        let json = serde_json::to_string(&StoredResult::new(&result)).unwrap();
        let back: StoredResult = serde_json::from_str(&json).unwrap();
        let back = back.result().unwrap();
        assert_eq!(back, result);
        let bits = |r: &SampleResult| -> Vec<u64> {
            r.measures
                .as_ref()
                .unwrap()
                .cash
                .iter()
                .map(|v| v.to_bits())
                .collect()
        };
        assert_eq!(bits(&back), bits(&result));
    }
}
