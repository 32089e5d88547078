//! `wfplan compare MODEL --base S --policy S [--out DIR]`: the system-wide
//! impact of a policy scenario against a base scenario.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The model file (TOML)
    pub model: PathBuf,
    /// The base scenario (e.g. no_pledge); "base" means the model as written
    #[arg(long)]
    pub base: String,
    /// The policy scenario (e.g. pledge)
    #[arg(long)]
    pub policy: String,
    /// Change one parameter in both scenarios, e.g. --set group.hv.attrition=0.12
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// The group the policy targets (default: the group in the policy's new targets)
    #[arg(long)]
    pub group: Option<String>,
    /// Output folder (default reports/<model>/<policy>-vs-<base>/)
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub solver: super::SolverArgs,
}

fn scenario(name: &str) -> Option<&str> {
    (name != "base").then_some(name)
}

pub fn run(args: &Args) -> Result<()> {
    let options = args.solver.options()?;
    let base_model = crate::spec::load(&args.model, scenario(&args.base), &args.sets)?;
    let policy_model = crate::spec::load(&args.model, scenario(&args.policy), &args.sets)?;
    let base = crate::solve::solve_with(&base_model, &options)
        .with_context(|| format!("solving the base scenario '{}'", args.base))?;
    let policy = crate::solve::solve_with(&policy_model, &options)
        .with_context(|| format!("solving the policy scenario '{}'", args.policy))?;
    let impact = crate::compare::compare(
        &base,
        &policy,
        &args.base,
        &args.policy,
        args.group.as_deref(),
    )?;
    let out_dir = match &args.out {
        Some(dir) => dir.clone(),
        None => {
            let stem = args
                .model
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_else(|| "model".into());
            Path::new("reports")
                .join(stem)
                .join(format!("{}-vs-{}", args.policy, args.base))
        }
    };
    crate::report::check_not_input(&out_dir, std::slice::from_ref(&args.model))?;
    // Everything is built first and checked against the inputs, then written.
    let mut files = crate::report::solve_outputs(&out_dir.join(&args.base), &base)?;
    files.extend(crate::report::solve_outputs(
        &out_dir.join(&args.policy),
        &policy,
    )?);
    files.extend(crate::report::impact::impact_files(&out_dir, &impact)?);
    let mut inputs = base.model.inputs.clone();
    inputs.extend(policy.model.inputs.iter().cloned());
    crate::report::write_all(&files, &inputs)?;
    for line in crate::compare::narrative(&impact) {
        println!("{line}");
    }
    println!("\nreport: {}", out_dir.join("report.html").display());
    Ok(())
}
