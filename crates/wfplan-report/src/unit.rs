//! An output folder written as one unit.
//!
//! `solve --out DIR` and `compare` never write into DIR file by file: a run
//! first takes a lock beside the folder (`.DIR.wfplan-lock`, held with
//! `File::try_lock`, so a killed run leaves no stale lock), checks that DIR
//! may be replaced, writes every file into a fresh hidden sibling
//! (`.DIR.wfplan-staging-PID`) with `manifest.json` last, and then swaps it
//! in: the old folder is renamed aside (`.DIR.wfplan-old-PID`), the staging
//! folder renamed into place, and the old one deleted. A reader therefore
//! sees the old folder or the new one, never a mix; a second run into a
//! locked folder fails at once; and nothing hidden is left beside the folder
//! on success or on error. Staging folders of a killed run are removed by
//! the next run into that folder once their process is gone.
//!
//! An existing folder is replaced only if it is a wfplan output: empty,
//! holding a wfplan `manifest.json`, or (folders written before manifests)
//! holding nothing but files wfplan writes. Anything else is refused.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::json;
use wfplan_text::digest::sha256_hex;

/// The file written last into every output folder.
pub const MANIFEST: &str = "manifest.json";
/// Run timings: the one file that differs between two runs of the same
/// inputs, so it is listed in the manifest without a hash.
pub const TIMINGS: &str = "timings.json";

/// Files wfplan writes into an output folder (and into each scenario's
/// folder of a `compare` report), besides `charts/*.png|svg`.
const KNOWN_FILES: &[&str] = &[
    MANIFEST,
    TIMINGS,
    "summary.json",
    "stocks.csv",
    "flows.csv",
    "deployment.csv",
    "costs.csv",
    "constraints.csv",
    "duals.csv",
    "sweep.csv",
    "sweep.parquet",
    "partition.json",
    "headline.csv",
    "channels.csv",
    "services.csv",
    "groups.csv",
    "finance.csv",
    "costs_by_group.csv",
    "finance_summary.csv",
    "envelope.csv",
    "report.md",
    "report.html",
];

/// One file of a unit: its path relative to the folder, and its bytes.
pub type UnitFile = (PathBuf, Vec<u8>);

/// What produced a folder, for its manifest: never a timestamp, an absolute
/// path or a timing, so two runs of the same inputs write the same bytes.
#[derive(Debug, Clone)]
pub struct RunRecord {
    /// `solve` or `compare`.
    pub command: String,
    /// The model file as given on the command line.
    pub model: String,
    /// Scenario roles and ids, e.g. `[("scenario", None)]` or
    /// `[("base", Some("no_pledge")), ("policy", Some("pledge"))]`.
    pub scenarios: Vec<(String, Option<String>)>,
    /// `--set PATH=VALUE`, in the order given.
    pub sets: Vec<String>,
    /// Other options that change the output (e.g. compare's `--group`).
    pub options: Vec<(String, Option<String>)>,
    /// The files the model was read from, the model file first.
    pub inputs: Vec<PathBuf>,
}

/// A claimed output folder: its lock is held until this is dropped.
#[derive(Debug)]
pub struct OutputFolder {
    /// As given, for messages.
    shown: PathBuf,
    /// The folder's canonical parent joined with its name.
    absolute: PathBuf,
    parent: PathBuf,
    name: OsString,
    lock_path: PathBuf,
    lock: Option<File>,
    staging: PathBuf,
    inputs: Vec<PathBuf>,
}

fn canonical(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Refuses an output folder that holds one of the inputs (the model file or
/// a CSV series it reads) at any depth: replacing the folder would delete it.
pub fn check_not_input(out_dir: &Path, inputs: &[PathBuf]) -> Result<()> {
    let out = canonical(out_dir);
    for input in inputs {
        let input = canonical(input);
        if input.starts_with(&out) {
            let what = if input.extension().is_some_and(|e| e == "toml") {
                "the model file"
            } else {
                "one of the model's inputs"
            };
            bail!(
                "refusing to write results into {}: it holds {what} {}; choose another --out folder",
                out_dir.display(),
                input.display()
            );
        }
    }
    Ok(())
}

impl OutputFolder {
    /// Claims `target` for this run: checks that it may be written (not an
    /// input's folder, not a symbolic link or a file, not the current
    /// folder, and — if it exists — a wfplan output), takes its lock, and
    /// removes staging folders left by killed runs.
    pub fn claim(target: &Path, inputs: &[PathBuf]) -> Result<Self> {
        if target.as_os_str().is_empty() {
            bail!("the output folder is empty; give a folder name to --out");
        }
        // `.`, `..` and `/` have no name: use the folder they stand for.
        let named = match target.file_name() {
            Some(_) => target.to_path_buf(),
            None => fs::canonicalize(target)
                .with_context(|| format!("cannot find the output folder {}", target.display()))?,
        };
        let name = named
            .file_name()
            .ok_or_else(|| {
                anyhow!(
                    "refusing to write results into {}: it is the root folder",
                    target.display()
                )
            })?
            .to_os_string();
        let parent = named
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let existing_parent = fs::canonicalize(&parent).ok();
        let absolute = existing_parent
            .clone()
            .unwrap_or_else(|| parent.clone())
            .join(&name);
        if let Ok(metadata) = fs::symlink_metadata(&absolute) {
            if metadata.file_type().is_symlink() {
                bail!(
                    "refusing to write results into {}: it is a symbolic link; give the folder it points to, or another --out folder",
                    target.display()
                );
            }
            if !metadata.is_dir() {
                bail!(
                    "refusing to write results into {}: it is a file, not a folder; choose another --out folder",
                    target.display()
                );
            }
        }
        check_not_input(&absolute, inputs)?;
        if let Ok(current) = std::env::current_dir() {
            if canonical(&current).starts_with(&absolute) {
                bail!(
                    "refusing to write results into {}: it is the current folder or holds it, and an output folder is replaced as a whole; choose a folder inside it",
                    target.display()
                );
            }
        }
        if existing_parent.is_none() {
            fs::create_dir_all(&parent)
                .with_context(|| format!("cannot create folder {}", parent.display()))?;
        }
        let parent = canonical(&parent);
        let absolute = parent.join(&name);
        let hidden = |what: &str| {
            let mut file_name = OsString::from(".");
            file_name.push(&name);
            file_name.push(what);
            parent.join(file_name)
        };
        let lock_path = hidden(".wfplan-lock");
        let staging = hidden(&format!(".wfplan-staging-{}", std::process::id()));
        let mut folder = OutputFolder {
            shown: target.to_path_buf(),
            absolute,
            parent,
            name,
            lock_path,
            lock: None,
            staging,
            inputs: inputs.to_vec(),
        };
        folder.lock()?;
        folder.check_replaceable()?;
        folder.remove_stale();
        Ok(folder)
    }

    /// The folder as given on the command line.
    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// Takes the lock beside the folder, failing at once if another run
    /// holds it. The lock file is removed when the run ends; a run that
    /// locked a file just removed by the run before it locks again.
    fn lock(&mut self) -> Result<()> {
        for _ in 0..10 {
            let file = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&self.lock_path)
                .with_context(|| {
                    format!(
                        "cannot create the lock file {} for {}",
                        self.lock_path.display(),
                        self.shown.display()
                    )
                })?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => bail!(
                    "{}: another wfplan run is writing this folder (it holds {}); wait for it to finish or choose another --out folder",
                    self.shown.display(),
                    self.lock_path.display()
                ),
                Err(fs::TryLockError::Error(error)) => {
                    return Err(error).with_context(|| {
                        format!("cannot lock {} for {}", self.lock_path.display(), self.shown.display())
                    })
                }
            }
            if same_file(&file, &self.lock_path) {
                self.lock = Some(file);
                return Ok(());
            }
        }
        bail!(
            "{}: cannot take the lock {}: it keeps being replaced",
            self.shown.display(),
            self.lock_path.display()
        )
    }

    /// Refuses to replace an existing folder that wfplan did not write.
    fn check_replaceable(&self) -> Result<()> {
        if !self.absolute.exists() {
            return Ok(());
        }
        let manifest = self.absolute.join(MANIFEST);
        if manifest.is_file() {
            let ours = fs::read(&manifest)
                .ok()
                .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
                .filter(|value| value.get("wfplan_manifest").is_some());
            if let Some(value) = ours {
                return self.check_no_unlisted_files(&value);
            }
        } else if only_wfplan_files(&self.absolute, 0) {
            return Ok(());
        }
        bail!(
            "refusing to replace {}: it is not a wfplan output folder (it is not empty and has no wfplan manifest.json); choose another --out folder or empty it first",
            self.shown.display()
        )
    }

    /// Refuses to replace a wfplan output folder that holds files its
    /// manifest does not list and wfplan does not write (a user's notes, a
    /// spreadsheet saved into it): replacing the folder would delete them
    /// without a word. Files of another kind of wfplan run are replaced.
    fn check_no_unlisted_files(&self, manifest: &serde_json::Value) -> Result<()> {
        let listed: BTreeSet<String> = manifest
            .get("outputs")
            .and_then(serde_json::Value::as_array)
            .map(|outputs| {
                outputs
                    .iter()
                    .filter_map(|output| output.get("path")?.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let mut unlisted = Vec::new();
        let mut seen = 0;
        unlisted_files(&self.absolute, "", &listed, &mut unlisted, &mut seen);
        if unlisted.is_empty() {
            return Ok(());
        }
        const SHOWN: usize = 5;
        let mut names: Vec<String> = unlisted
            .iter()
            .take(SHOWN)
            .map(|name| wfplan_text::terminal::excerpt(name))
            .collect();
        if unlisted.len() > SHOWN {
            names.push(format!("and {} more", unlisted.len() - SHOWN));
        }
        bail!(
            "refusing to replace {}: it holds files no wfplan run wrote there (not in its manifest.json), which replacing the folder would delete: {}; move them out of the folder or choose another --out folder",
            self.shown.display(),
            names.join(", ")
        )
    }

    /// Removes `.NAME.wfplan-staging-PID` and `.NAME.wfplan-old-PID`
    /// folders whose process is gone (a killed run). The lock is held, so
    /// no live run of wfplan is writing them.
    fn remove_stale(&self) {
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return;
        };
        let mut prefix = OsString::from(".");
        prefix.push(&self.name);
        let prefix = prefix.to_string_lossy().into_owned();
        for entry in entries.flatten() {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let Some(rest) = file_name.strip_prefix(&prefix) else {
                continue;
            };
            let pid = rest
                .strip_prefix(".wfplan-staging-")
                .or_else(|| rest.strip_prefix(".wfplan-old-"))
                .and_then(|pid| pid.parse::<u32>().ok());
            if let Some(pid) = pid {
                if pid != std::process::id() && !process_alive(pid) {
                    let _ = remove_tree(&entry.path());
                }
            }
        }
    }

    /// Writes `files` (paths relative to the folder) and the manifest into a
    /// staging folder, then swaps it in for the folder. Returns the paths of
    /// the files written, manifest included.
    pub fn write(self, files: &[UnitFile], record: &RunRecord) -> Result<Vec<PathBuf>> {
        self.write_with(files, |files| manifest_json(record, files))
    }

    /// As [`OutputFolder::write`], with the manifest made by `manifest`
    /// from the files (`merge` writes the manifest of the run it joins).
    pub fn write_with(
        self,
        files: &[UnitFile],
        manifest: impl FnOnce(&[UnitFile]) -> Result<String>,
    ) -> Result<Vec<PathBuf>> {
        let mut seen = BTreeSet::new();
        for (relative, _) in files {
            let plain = relative
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
            if !plain || relative.as_os_str().is_empty() {
                bail!(
                    "internal error: output path {} is not a plain relative path",
                    relative.display()
                );
            }
            if relative == Path::new(MANIFEST) || !seen.insert(relative.clone()) {
                bail!(
                    "two outputs of this run would be written to {}; give the scenarios different ids",
                    self.shown.join(relative).display()
                );
            }
            super::refuse_input(&self.absolute.join(relative), &self.inputs)?;
        }
        if self.staging.exists() {
            fs::remove_dir_all(&self.staging)
                .with_context(|| format!("cannot remove {}", self.staging.display()))?;
        }
        fs::create_dir(&self.staging)
            .with_context(|| format!("cannot create folder {}", self.staging.display()))?;
        for (relative, bytes) in files {
            write_new_file(&self.staging.join(relative), bytes)?;
        }
        write_new_file(&self.staging.join(MANIFEST), manifest(files)?.as_bytes())?;
        self.swap()?;
        let mut written: Vec<PathBuf> = files
            .iter()
            .map(|(relative, _)| self.shown.join(relative))
            .collect();
        written.push(self.shown.join(MANIFEST));
        Ok(written)
    }

    /// Renames the old folder aside, the staging folder into place, and
    /// deletes the old one.
    fn swap(&self) -> Result<()> {
        let mut aside_name = OsString::from(".");
        aside_name.push(&self.name);
        aside_name.push(format!(".wfplan-old-{}", std::process::id()));
        let aside = self.parent.join(aside_name);
        let had_old = self.absolute.exists();
        if had_old {
            fs::rename(&self.absolute, &aside).with_context(|| {
                format!("cannot move the previous {} aside", self.shown.display())
            })?;
        }
        if let Err(error) = fs::rename(&self.staging, &self.absolute) {
            if had_old {
                let _ = fs::rename(&aside, &self.absolute);
            }
            return Err(error).with_context(|| {
                format!("cannot move the new results into {}", self.shown.display())
            });
        }
        if had_old {
            // The new results are in place: a previous folder that cannot
            // be removed is a warning (the next run into the folder tries
            // again), not a failed run.
            if let Err(error) = remove_tree(&aside) {
                wfplan_text::terminal::eprint_line(&format!(
                    "warning: wrote {}, but cannot remove the previous results in {}: {error}; the next run into {} removes them, or remove them by hand",
                    self.shown.display(),
                    aside.display(),
                    self.shown.display()
                ));
            }
        }
        Ok(())
    }
}

impl Drop for OutputFolder {
    fn drop(&mut self) {
        if self.staging.exists() {
            let _ = fs::remove_dir_all(&self.staging);
        }
        if let Some(lock) = self.lock.take() {
            // Removed while still held, so no other run can lock this file
            // between its removal and the unlock.
            let _ = fs::remove_file(&self.lock_path);
            drop(lock);
        }
    }
}

/// Removes a folder and everything in it; if that fails (a folder made
/// read-only), makes every folder in it writable by its owner and tries
/// once more.
fn remove_tree(folder: &Path) -> std::io::Result<()> {
    if fs::remove_dir_all(folder).is_ok() || !folder.exists() {
        return Ok(());
    }
    make_writable(folder);
    fs::remove_dir_all(folder)
}

/// Adds the owner's write permission to `folder` and every folder in it
/// (links are not followed).
fn make_writable(folder: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = fs::symlink_metadata(folder) {
            if metadata.is_dir() {
                let mut permissions = metadata.permissions();
                permissions.set_mode(permissions.mode() | 0o700);
                let _ = fs::set_permissions(folder, permissions);
            }
        }
    }
    if let Ok(entries) = fs::read_dir(folder) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                make_writable(&entry.path());
            }
        }
    }
}

/// Creates `path` (and its folder) and writes `bytes` to it.
fn write_new_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(folder) = path.parent() {
        fs::create_dir_all(folder)
            .with_context(|| format!("cannot create folder {}", folder.display()))?;
    }
    let mut file =
        File::create_new(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.sync_all()
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Whether the open file is the file now at `path` (not one removed since).
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(now)) => open.dev() == now.dev() && open.ino() == now.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// Whether a process with this id is running. Without `/proc`, every
/// process is taken to be alive (nothing is removed).
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Whether `folder` holds only files wfplan writes: the known names,
/// `charts/` with PNG and SVG files, and (at the top) scenario folders
/// holding the same.
fn only_wfplan_files(folder: &Path, depth: usize) -> bool {
    let Ok(entries) = fs::read_dir(folder) else {
        return false;
    };
    for entry in entries {
        let Ok(entry) = entry else {
            return false;
        };
        let Ok(kind) = entry.file_type() else {
            return false;
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let fits = if kind.is_file() {
            KNOWN_FILES.contains(&name.as_ref())
        } else if kind.is_dir() && name == "charts" {
            charts_only(&entry.path())
        } else if kind.is_dir() && depth == 0 {
            only_wfplan_files(&entry.path(), 1)
        } else {
            false
        };
        if !fits {
            return false;
        }
    }
    true
}

/// Adds to `unlisted` the files and links under `folder` (`prefix` is its
/// path in the output folder, with `/`) that are not `listed`, not the
/// manifest and not of a name wfplan writes ([`KNOWN_FILES`], charts); it
/// looks at no more than 100,000 entries (`seen`), enough for any output.
fn unlisted_files(
    folder: &Path,
    prefix: &str,
    listed: &BTreeSet<String>,
    unlisted: &mut Vec<String>,
    seen: &mut usize,
) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        *seen += 1;
        if *seen > 100_000 {
            return;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{prefix}{name}");
        let is_folder = entry.file_type().is_ok_and(|kind| kind.is_dir());
        if is_folder {
            unlisted_files(&entry.path(), &format!("{path}/"), listed, unlisted, seen);
            continue;
        }
        let known = KNOWN_FILES.contains(&name.as_str())
            || (prefix.ends_with("charts/")
                && Path::new(&name)
                    .extension()
                    .is_some_and(|e| e == "png" || e == "svg"));
        if !listed.contains(&path) && !known {
            unlisted.push(path);
        }
    }
}

fn charts_only(folder: &Path) -> bool {
    let Ok(entries) = fs::read_dir(folder) else {
        return false;
    };
    entries.into_iter().all(|entry| {
        entry.is_ok_and(|entry| {
            entry.file_type().is_ok_and(|kind| kind.is_file())
                && Path::new(&entry.file_name())
                    .extension()
                    .is_some_and(|e| e == "png" || e == "svg")
        })
    })
}

/// A path with `/` between its parts, whatever the platform.
fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `to` relative to the folder `from` (both made canonical), e.g.
/// `../data/x/demand.csv`; never absolute.
fn relative_to(from: &Path, to: &Path) -> String {
    let from = canonical(from);
    let to = canonical(to);
    let from_parts: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from_parts
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_string(); from_parts.len() - common];
    parts.extend(
        to_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// manifest.json: what was run and the SHA-256 of every input and output.
pub fn manifest_json(record: &RunRecord, files: &[UnitFile]) -> Result<String> {
    let model_folder = record
        .inputs
        .first()
        .and_then(|model| canonical(model).parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let mut inputs = Vec::new();
    for input in &record.inputs {
        let bytes = fs::read(input)
            .with_context(|| format!("cannot read the input {} to hash it", input.display()))?;
        inputs.push(json!({
            "path": relative_to(&model_folder, input),
            "sha256": sha256_hex(&bytes),
        }));
    }
    let outputs = outputs_json(files);
    let pairs = |list: &[(String, Option<String>)]| {
        serde_json::Value::Object(
            list.iter()
                .map(|(key, value)| (key.clone(), json!(value)))
                .collect(),
        )
    };
    let value = json!({
        "wfplan_manifest": 1,
        "wfplan_version": env!("CARGO_PKG_VERSION"),
        "command": record.command,
        "model": record.model,
        "scenarios": pairs(&record.scenarios),
        "options": pairs(&record.options),
        "set": record.sets,
        "inputs": inputs,
        "inputs_relative_to": "the model file's folder",
        "outputs": outputs,
    });
    Ok(serde_json::to_string_pretty(&value)? + "\n")
}

/// A manifest's `outputs`: each file's path and SHA-256 (timings.json
/// listed without one), sorted by path.
pub fn outputs_json(files: &[UnitFile]) -> serde_json::Value {
    let mut outputs: Vec<(String, Option<String>)> = files
        .iter()
        .map(|(relative, bytes)| {
            let hash = (relative != Path::new(TIMINGS)).then(|| sha256_hex(bytes));
            (slash_path(relative), hash)
        })
        .collect();
    outputs.sort();
    outputs
        .into_iter()
        .map(|(path, hash)| match hash {
            Some(hash) => json!({ "path": path, "sha256": hash }),
            None => {
                json!({ "path": path, "note": "run timings; not hashed, they differ between runs" })
            }
        })
        .collect::<Vec<_>>()
        .into()
}
