//! `wfplan generate --regions R --groups G --services S --periods T --seed N
//! [--age-bands B] [--integer-intakes] --out DIR`: a synthetic regional model (`DIR/model.toml`) and its CSV
//! series (`DIR/data/`), deterministic for a seed (see `synthetic`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::report::{unit, OutputFolder, RunRecord};
use crate::synthetic::{generate, Shape};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Regions (0: a model without regions)
    #[arg(long, default_value_t = 0)]
    pub regions: usize,
    /// Staff groups (each exists in every region)
    #[arg(long, default_value_t = 10)]
    pub groups: usize,
    /// Services (each exists in every region; at most 3 per group)
    #[arg(long, default_value_t = 8)]
    pub services: usize,
    /// Periods
    #[arg(long, default_value_t = 10)]
    pub periods: usize,
    /// Seed: the same seed and sizes give byte-identical files
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Age bands on every group (e.g. 6: u28, 28-35, …, 60plus), with
    /// attrition, ageing and age mixes by band; 0 for none
    #[arg(long, default_value_t = 0, value_name = "BANDS")]
    pub age_bands: usize,
    /// Whole-number course intakes, each course with a minimum cohort and a
    /// fixed cost per run (a MIP)
    #[arg(long)]
    pub integer_intakes: bool,
    /// The folder to write (model.toml, data/*.csv, manifest.json); an
    /// existing folder is replaced only if it is a previous `generate` output
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// Refuse a model estimated to have more decisions (columns) than this
    #[arg(long, value_name = "N", default_value_t = crate::synthetic::MAX_COLUMNS)]
    pub max_columns: u64,
    #[command(flatten)]
    pub output: super::OutputArgs,
}

impl Args {
    pub fn shape(&self) -> Shape {
        Shape {
            regions: self.regions,
            groups: self.groups,
            services: self.services,
            periods: self.periods,
            seed: self.seed,
            age_bands: self.age_bands,
            integer_intakes: self.integer_intakes,
        }
    }
}

/// Refuses an existing, non-empty folder unless its manifest says
/// `generate` wrote it (a `solve` or `compare` output, or any other folder,
/// is not replaced by a model).
fn check_previous_generate(dir: &Path) -> Result<()> {
    let Ok(mut entries) = std::fs::read_dir(dir) else {
        return Ok(()); // missing (or not a folder: OutputFolder::claim says which)
    };
    if entries.next().is_none() {
        return Ok(());
    }
    let command = std::fs::read(dir.join(unit::MANIFEST))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .filter(|value| value.get("wfplan_manifest").is_some())
        .and_then(|value| value["command"].as_str().map(str::to_string));
    if command.as_deref() != Some("generate") {
        bail!(
            "refusing to replace {}: it is not empty and not a previous `wfplan generate` output; choose another --out folder or empty it first",
            dir.display()
        );
    }
    Ok(())
}

pub fn run(args: &Args) -> Result<()> {
    let shape = args.shape();
    if let Err(message) = shape
        .check()
        .and_then(|()| shape.check_columns(args.max_columns))
    {
        bail!("generate: {message}");
    }
    if std::fs::symlink_metadata(&args.out).is_ok_and(|m| m.is_dir()) {
        check_previous_generate(&args.out)?;
    }
    let folder = OutputFolder::claim(&args.out, &[])?;
    // Checked again under the lock: another run may have written it since.
    check_previous_generate(&args.out)?;
    let generated = generate(shape);
    let files = generated.files();
    let record = RunRecord {
        command: "generate".to_string(),
        model: crate::synthetic::MODEL_FILE.to_string(),
        scenarios: Vec::new(),
        sets: Vec::new(),
        options: vec![
            ("regions".to_string(), Some(shape.regions.to_string())),
            ("groups".to_string(), Some(shape.groups.to_string())),
            ("services".to_string(), Some(shape.services.to_string())),
            ("periods".to_string(), Some(shape.periods.to_string())),
            ("seed".to_string(), Some(shape.seed.to_string())),
            ("age_bands".to_string(), Some(shape.age_bands.to_string())),
            (
                "integer_intakes".to_string(),
                Some(shape.integer_intakes.to_string()),
            ),
        ],
        inputs: Vec::new(),
    };
    let written = folder.write(&files, &record)?;
    let model = args.out.join(crate::synthetic::MODEL_FILE);
    if args.output.quiet {
        return Ok(());
    }
    if args.output.json {
        let value = serde_json::json!({
            "model": model.display().to_string(),
            "files": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "regions": shape.regions,
            "groups": shape.groups,
            "services": shape.services,
            "periods": shape.periods,
            "seed": shape.seed,
            "age_bands": shape.age_bands,
            "integer_intakes": shape.integer_intakes,
        });
        return crate::terminal::write_stdout(
            (serde_json::to_string_pretty(&value)? + "\n").as_bytes(),
        );
    }
    crate::terminal::print_text(&format!(
        "wrote {} files to {}; solve it with: wfplan solve {}\n",
        written.len(),
        args.out.display(),
        model.display()
    ))
}
