//! "Nothing lost, nothing mixed, nothing run": output folders written as one
//! unit (staged, swapped in under a lock, with a manifest), folder names
//! from scenario ids, single-file outputs onto links, devices and FIFOs,
//! closed pipes and full disks, exit statuses, control characters on the
//! terminal, reproducible outputs, and `--quiet` / `--json`. Each test runs
//! the built binary as a user would.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const EXAMPLE: &str = "models/two_group_example.toml";

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn command(args: &[&str], folder: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wfplan"));
    command.args(args).current_dir(folder);
    command
}

/// Runs `wfplan args...` in `folder`.
fn run_in(folder: &Path, args: &[&str]) -> Output {
    command(args, folder)
        .output()
        .expect("the wfplan binary runs")
}

/// Runs `wfplan args...` in the project folder.
fn run(args: &[&str]) -> Output {
    run_in(&project(), args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn assert_status(output: &Output, code: i32, what: &str) {
    let err = text(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{what}: exit status; stdout:\n{}\nstderr:\n{err}",
        text(&output.stdout)
    );
    assert!(!err.contains("panicked"), "{what} panicked:\n{err}");
}

#[track_caller]
fn ok(output: Output, what: &str) -> String {
    assert_status(&output, 0, what);
    text(&output.stdout)
}

/// Every file under `folder`, by path relative to it (with `/`), and its bytes.
fn files_under(folder: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, folder: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                let key = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                files.insert(key, fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(folder, folder, &mut files);
    files
}

/// Names in `folder` that start with a dot (staging folders, lock and
/// temporary files).
fn hidden_entries(folder: &Path) -> Vec<String> {
    fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect()
}

/// SHA-256 in lowercase hexadecimal, computed here rather than by wfplan.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", String::from_utf8_lossy(bytes)))
}

/// A small self-contained model with scenarios of the given ids.
fn small_model(name: &str, group_name: &str, scenarios: &[&str]) -> String {
    let mut text = format!(
        "[model]\nname = \"{name}\"\nperiods = [\"2026\", \"2027\"]\n\n[[group]]\nid = \"a\"\nname = \"{group_name}\"\nopening = 10\nattrition = 0.1\nsalary = 5\nhire_cost = 1\n\n[[group]]\nid = \"b\"\nopening = 10\nsalary = 4\nhire_cost = 1\n\n[[service]]\nid = \"s\"\nname = \"Service\"\ndemand = 8\nstaffed_by = {{ a = 1.0 }}\nunmet_penalty = 100\n\n[[target]]\nid = \"grow\"\nexpr = \"stock(a)\"\nmin = 12\nat = [\"2027\"]\n"
    );
    for id in scenarios {
        text.push_str(&format!(
            "\n[[scenario]]\nid = \"{id}\"\nset = {{ \"target.grow.enabled\" = false }}\n"
        ));
    }
    text
}

// ---------------------------------------------------------------- one unit

#[test]
fn a_rerun_replaces_the_folder_whole_and_the_manifest_lists_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let out_arg = out.to_str().unwrap();
    ok(run(&["solve", EXAMPLE, "--out", out_arg]), "first solve");
    // a file of another kind of run is left in the folder
    fs::write(out.join("channels.csv"), "stale table of an earlier run\n").unwrap();
    ok(
        run(&[
            "solve",
            EXAMPLE,
            "--out",
            out_arg,
            "--set",
            "group.staff_nurse.attrition=0.12",
        ]),
        "second solve",
    );
    let files = files_under(&out);
    assert!(
        !files.contains_key("channels.csv"),
        "a file of the earlier run survived the re-run: {:?}",
        files.keys()
    );
    // manifest.json lists every other file with its SHA-256
    let manifest = json(&files["manifest.json"]);
    assert_eq!(manifest["command"], "solve");
    assert_eq!(manifest["model"], EXAMPLE);
    assert_eq!(
        manifest["set"],
        serde_json::json!(["group.staff_nurse.attrition=0.12"])
    );
    let listed: BTreeMap<String, Option<String>> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["path"].as_str().unwrap().to_string(),
                o["sha256"].as_str().map(str::to_string),
            )
        })
        .collect();
    let present: Vec<&String> = files.keys().filter(|k| *k != "manifest.json").collect();
    assert_eq!(
        listed.keys().collect::<Vec<_>>(),
        present,
        "the manifest lists exactly the files written"
    );
    for (path, hash) in &listed {
        if path == "timings.json" {
            assert!(hash.is_none(), "timings.json is listed without a hash");
        } else {
            assert_eq!(
                hash.as_deref(),
                Some(sha256_hex(&files[path]).as_str()),
                "hash of {path}"
            );
        }
    }
    let inputs = manifest["inputs"].as_array().unwrap();
    let model_bytes = fs::read(project().join(EXAMPLE)).unwrap();
    assert_eq!(inputs[0]["path"], "two_group_example.toml");
    assert_eq!(inputs[0]["sha256"], sha256_hex(&model_bytes).as_str());
    assert!(
        inputs
            .iter()
            .all(|i| !Path::new(i["path"].as_str().unwrap()).is_absolute()),
        "{inputs:?}"
    );
    assert!(
        hidden_entries(dir.path()).is_empty(),
        "{:?}",
        hidden_entries(dir.path())
    );
}

#[test]
fn a_folder_wfplan_did_not_write_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("notes");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "my notes\n").unwrap();
    let output = run(&["solve", EXAMPLE, "--out", out.to_str().unwrap()]);
    assert_status(&output, 1, "solve into a folder of notes");
    let err = text(&output.stderr);
    assert!(
        err.contains("refusing to replace") && err.contains("notes"),
        "{err}"
    );
    assert_eq!(
        files_under(&out).keys().collect::<Vec<_>>(),
        ["notes.txt"],
        "the folder is untouched"
    );
    assert!(
        hidden_entries(dir.path()).is_empty(),
        "{:?}",
        hidden_entries(dir.path())
    );
}

#[test]
fn a_second_run_into_a_locked_folder_fails_at_once_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    // another run holds the folder's lock
    let lock = fs::File::create(dir.path().join(".plan.wfplan-lock")).unwrap();
    lock.try_lock().unwrap();
    let start = Instant::now();
    let output = run(&["solve", EXAMPLE, "--out", out.to_str().unwrap()]);
    assert_status(&output, 1, "solve into a locked folder");
    assert!(start.elapsed() < Duration::from_secs(30));
    let err = text(&output.stderr);
    assert!(
        err.contains(out.to_str().unwrap()) && err.contains("another wfplan run"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written while the folder is locked");
    drop(lock);
    fs::remove_file(dir.path().join(".plan.wfplan-lock")).unwrap();
    ok(
        run(&["solve", EXAMPLE, "--out", out.to_str().unwrap()]),
        "solve once the lock is released",
    );
    assert!(
        hidden_entries(dir.path()).is_empty(),
        "{:?}",
        hidden_entries(dir.path())
    );
}

#[test]
fn concurrent_runs_into_one_folder_never_mix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let out_arg = out.to_str().unwrap();
    let children: Vec<_> = ["0.09", "0.12", "0.15"]
        .iter()
        .map(|rate| {
            command(
                &[
                    "solve",
                    EXAMPLE,
                    "--out",
                    out_arg,
                    "--set",
                    &format!("group.staff_nurse.attrition={rate}"),
                ],
                &project(),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    let mut succeeded = 0;
    for child in children {
        let output = child.wait_with_output().unwrap();
        let err = text(&output.stderr);
        assert!(!err.contains("panicked"), "{err}");
        if output.status.success() {
            succeeded += 1;
        } else {
            assert!(err.contains("another wfplan run"), "{err}");
        }
    }
    assert!(succeeded >= 1);
    // whatever won, the folder is one run's: every file matches its manifest
    let files = files_under(&out);
    let manifest = json(&files["manifest.json"]);
    for output in manifest["outputs"].as_array().unwrap() {
        if let Some(hash) = output["sha256"].as_str() {
            let path = output["path"].as_str().unwrap();
            assert_eq!(sha256_hex(&files[path]), hash, "{path}");
        }
    }
    assert!(
        hidden_entries(dir.path()).is_empty(),
        "{:?}",
        hidden_entries(dir.path())
    );
}

#[test]
fn a_failed_run_leaves_the_previous_folder_and_nothing_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let out_arg = out.to_str().unwrap();
    ok(run(&["solve", EXAMPLE, "--out", out_arg]), "first solve");
    let before = files_under(&out);
    // a staging folder of a killed run (its process is long gone)
    let stale = dir.path().join(".plan.wfplan-staging-4194999");
    fs::create_dir(&stale).unwrap();
    fs::write(stale.join("stocks.csv"), "half written").unwrap();
    let output = run(&[
        "solve",
        EXAMPLE,
        "--out",
        out_arg,
        "--set",
        "group.health_visitor.hire_max=0",
        "--set",
        "target.hv_growth.min=1000",
    ]);
    assert_status(&output, 3, "infeasible solve into an existing folder");
    assert_eq!(files_under(&out), before, "the previous results are intact");
    assert!(
        hidden_entries(dir.path()).is_empty(),
        "staging, lock or temporary files left behind: {:?}",
        hidden_entries(dir.path())
    );
}

#[test]
fn the_model_folder_and_inputs_are_never_an_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models");
    fs::create_dir(&models).unwrap();
    fs::write(models.join("m.toml"), small_model("M", "A", &["other"])).unwrap();
    // the folder above the model's folder holds the model: replacing it
    // would delete the model
    let output = run_in(dir.path(), &["solve", "models/m.toml", "--out", "."]);
    assert_status(&output, 1, "solve --out .");
    assert!(
        text(&output.stderr).contains("refusing"),
        "{}",
        text(&output.stderr)
    );
    let output = run_in(
        dir.path(),
        &[
            "solve",
            "models/m.toml",
            "--out",
            dir.path().to_str().unwrap(),
        ],
    );
    assert_status(&output, 1, "solve --out <the folder above the model>");
    assert_eq!(
        files_under(dir.path()).keys().collect::<Vec<_>>(),
        ["models/m.toml"]
    );
}

#[test]
fn two_runs_of_the_same_inputs_write_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    ok(
        run(&["solve", EXAMPLE, "--out", first.to_str().unwrap()]),
        "first",
    );
    ok(
        run(&["solve", EXAMPLE, "--out", second.to_str().unwrap()]),
        "second",
    );
    let mut first = files_under(&first);
    let mut second = files_under(&second);
    assert!(first.remove("timings.json").is_some());
    assert!(second.remove("timings.json").is_some());
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two runs");
    }
}

// ------------------------------------------------------ folder names

/// compare with one scenario id that must not name a folder.
fn compare_with_scenario(id: &str, out: &str) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    fs::create_dir_all(work.join("models")).unwrap();
    fs::write(work.join("models/m.toml"), small_model("M", "A", &[id])).unwrap();
    let output = run_in(
        &work,
        &[
            "compare",
            "models/m.toml",
            "--base",
            id,
            "--policy",
            "base",
            "--out",
            out,
        ],
    );
    (dir, output)
}

#[test]
fn a_scenario_id_climbing_out_of_the_folder_is_refused() {
    let (dir, output) = compare_with_scenario("../x", "out");
    assert_status(&output, 1, "compare --base ../x");
    let err = text(&output.stderr);
    assert!(
        err.contains("models/m.toml") && err.contains("../x"),
        "{err}"
    );
    assert!(!dir.path().join("work/x").exists(), "wrote outside --out");
    assert!(!dir.path().join("work/out").exists());
}

#[test]
fn an_absolute_scenario_id_is_refused() {
    let target = tempfile::tempdir().unwrap();
    let absolute = target.path().join("abs");
    let (_dir, output) = compare_with_scenario(absolute.to_str().unwrap(), "out");
    assert_status(&output, 1, "compare --base /…/abs");
    assert!(!absolute.exists(), "wrote to an absolute path");
    let (_dir, output) = compare_with_scenario("/tmp/abs", "out");
    assert_status(&output, 1, "compare --base /tmp/abs");
    assert!(
        text(&output.stderr).contains("cannot name an output folder"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn a_scenario_named_like_the_model_folder_never_writes_into_it() {
    let (dir, output) = compare_with_scenario("models", ".");
    assert_status(&output, 1, "compare --base models --out .");
    let work = dir.path().join("work");
    assert_eq!(
        files_under(&work).keys().collect::<Vec<_>>(),
        ["models/m.toml"],
        "nothing written beside the model"
    );
    assert!(
        hidden_entries(&work).is_empty(),
        "{:?}",
        hidden_entries(&work)
    );
}

#[test]
fn compare_group_error_names_the_model_file() {
    let output = run(&[
        "compare",
        "tests/fixtures/pull.toml",
        "--base",
        "no_target",
        "--policy",
        "base",
        "--group",
        "nobody",
        "--out",
        tempfile::tempdir()
            .unwrap()
            .path()
            .join("r")
            .to_str()
            .unwrap(),
    ]);
    assert_status(&output, 1, "compare --group nobody");
    let err = text(&output.stderr);
    assert!(
        err.starts_with("error: tests/fixtures/pull.toml: ") && err.contains("'nobody'"),
        "{err}"
    );
}

// ------------------------------------------------------ single files

#[cfg(unix)]
#[test]
fn export_refuses_to_replace_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.lp");
    fs::write(&real, "keep me\n").unwrap();
    let link = dir.path().join("link.lp");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let output = run(&[
        "export",
        EXAMPLE,
        "--format",
        "lp",
        "--out",
        link.to_str().unwrap(),
    ]);
    assert_status(&output, 1, "export onto a symbolic link");
    assert!(
        text(&output.stderr).contains("symbolic link"),
        "{}",
        text(&output.stderr)
    );
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_to_string(&real).unwrap(), "keep me\n");
    assert!(hidden_entries(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn export_writes_into_a_fifo_without_replacing_it() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let output = run(&[
        "export",
        EXAMPLE,
        "--format",
        "lp",
        "--out",
        fifo.to_str().unwrap(),
    ]);
    assert_status(&output, 0, "export into a FIFO");
    // checked before waiting for the reader: had the FIFO been replaced by a
    // file, the reader would wait for a writer forever
    assert!(
        fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO was replaced"
    );
    let received = reader.join().unwrap();
    assert!(received.contains("Subject To"), "{received}");
    assert!(hidden_entries(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn export_writes_into_a_character_device_without_replacing_it() {
    use std::os::unix::fs::FileTypeExt;
    // a private copy of /dev/null (needs root to make; otherwise /dev/null
    // itself, which the fix keeps safe)
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("null");
    let made = Command::new("mknod")
        .arg(&private)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let device = if made {
        private
    } else {
        PathBuf::from("/dev/null")
    };
    let output = run(&[
        "export",
        EXAMPLE,
        "--format",
        "lp",
        "--out",
        device.to_str().unwrap(),
    ]);
    assert_status(&output, 0, "export into a character device");
    assert!(fs::metadata(&device).unwrap().file_type().is_char_device());
    assert_eq!(fs::metadata(&device).unwrap().len(), 0);
    assert!(hidden_entries(dir.path()).is_empty());
}

#[test]
fn export_out_dash_is_standard_output() {
    let plain = ok(run(&["export", EXAMPLE, "--format", "lp"]), "export");
    let dashed = ok(
        run(&["export", EXAMPLE, "--format", "lp", "--out", "-"]),
        "export --out -",
    );
    assert!(plain.contains("Subject To"));
    assert_eq!(plain, dashed);
    assert!(!project().join("-").exists(), "no file named '-'");
}

// ------------------------------------------------ closed pipe, full disk

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    // the flagship's LP is larger than a pipe's buffer, so the writer meets
    // the closed pipe
    let mut child = command(
        &[
            "export",
            "models/england_community_nursing.toml",
            "--format",
            "lp",
        ],
        &project(),
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty());
    let output = child.wait_with_output().unwrap();
    let err = text(&output.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.is_empty(), "no message on a closed pipe: {err}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert!(
            output.status.code() == Some(0) || output.status.signal() == Some(13),
            "{:?}",
            output.status
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_on_standard_output_is_an_error_not_a_panic() {
    for args in [
        &["export", EXAMPLE, "--format", "lp"][..],
        &["solve", EXAMPLE][..],
        &["solve", EXAMPLE, "--json"][..],
    ] {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = command(args, &project())
            .stdout(Stdio::from(full))
            .output()
            .unwrap();
        assert_status(&output, 1, &format!("{args:?} > /dev/full"));
        let err = text(&output.stderr);
        assert!(
            err.starts_with("error: cannot write to standard output: "),
            "{args:?}: {err}"
        );
    }
}

// ------------------------------------------------------ exit statuses

#[test]
fn an_infeasible_model_exits_with_3() {
    let output = run(&["solve", "tests/fixtures/infeasible_target.toml"]);
    assert_status(&output, 3, "solve infeasible_target.toml");
    assert!(text(&output.stderr).contains("infeasible"));
}

#[test]
fn an_unbounded_model_exits_with_4() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("unbounded.toml");
    // each FTE in post at the end is credited 100, hiring one costs 15
    fs::write(
        &model,
        "[model]\nperiods = [\"2026\", \"2027\"]\n[[group]]\nid = \"a\"\nopening = 10\nsalary = 5\nhire_cost = 10\nterminal_value = 100\n",
    )
    .unwrap();
    let output = run(&["solve", model.to_str().unwrap()]);
    assert_status(&output, 4, "solve an unbounded model");
    assert!(text(&output.stderr).contains("unbounded"));
}

#[test]
fn a_usage_error_exits_with_2() {
    let output = run(&["solve", EXAMPLE, "--no-such-flag"]);
    assert_status(&output, 2, "solve --no-such-flag");
    let output = run(&["solve", EXAMPLE, "--quiet", "--json"]);
    assert_status(&output, 2, "solve --quiet --json");
}

#[test]
fn help_lists_the_exit_statuses() {
    let help = ok(run(&["--help"]), "--help");
    for line in [
        "3  the model is infeasible",
        "4  the model is unbounded",
        "2  usage error",
    ] {
        assert!(help.contains(line), "--help should say {line:?}:\n{help}");
    }
}

// ------------------------------------------------------ terminal safety

/// A name holding a terminal escape is refused at validation, and the error
/// shows it escaped; free text that may span lines (a scenario's
/// description) is printed with its control characters escaped.
#[test]
fn control_characters_from_the_model_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("ansi.toml");
    fs::write(
        &model,
        small_model(
            "Red\\u001b[31m model",
            "Nurses\\u001b[31m red",
            &["no_grow"],
        ),
    )
    .unwrap();
    let model = model.to_str().unwrap();
    let output = run(&["solve", model]);
    assert_status(&output, 1, "solve of a model whose name holds an escape");
    let err = text(&output.stderr);
    assert!(!err.contains('\x1b'), "raw ESC in the error:\n{err}");
    assert!(err.contains("Red\\u{1b}[31m model"), "{err}");

    let described = dir.path().join("described.toml");
    fs::write(
        &described,
        small_model("Plain", "Nurses", &[])
            + "\n[[scenario]]\nid = \"red\"\ndescription = \"Red\\u001b[31m scenario\"\nset = { \"target.grow.enabled\" = false }\n",
    )
    .unwrap();
    let stdout = ok(run(&["validate", described.to_str().unwrap()]), "validate");
    assert!(
        !stdout.contains('\x1b'),
        "raw ESC in validate output:\n{stdout}"
    );
    assert!(stdout.contains("Red\\u{1b}[31m scenario"), "{stdout}");
}

#[test]
fn control_characters_from_the_command_line_are_escaped_in_errors() {
    let output = run(&["solve", EXAMPLE, "--scenario", "x\x1b[31m"]);
    assert_status(&output, 1, "solve --scenario with an escape");
    let err = text(&output.stderr);
    assert!(!err.contains('\x1b'), "raw ESC in the error:\n{err}");
    assert!(err.contains("x\\u{1b}[31m"), "{err}");
}

// ------------------------------------------------------ --quiet, --json

#[test]
fn quiet_prints_nothing_and_keeps_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let output = run(&["solve", EXAMPLE, "--quiet"]);
    assert_status(&output, 0, "solve --quiet");
    assert!(output.stdout.is_empty());
    let output = run(&["solve", EXAMPLE, "-q", "--out", out.to_str().unwrap()]);
    assert_status(&output, 0, "solve -q --out");
    assert!(output.stdout.is_empty());
    assert!(out.join("summary.json").is_file());
    let report = dir.path().join("report");
    let output = run(&[
        "compare",
        "tests/fixtures/pull.toml",
        "--base",
        "no_target",
        "--policy",
        "base",
        "--quiet",
        "--out",
        report.to_str().unwrap(),
    ]);
    assert_status(&output, 0, "compare --quiet");
    assert!(output.stdout.is_empty());
    assert!(report.join("report.html").is_file());
    let output = run(&["solve", "tests/fixtures/infeasible_target.toml", "--quiet"]);
    assert_status(&output, 3, "solve --quiet an infeasible model");
    assert!(output.stdout.is_empty());
    assert!(text(&output.stderr).starts_with("error: "));
}

#[test]
fn solve_json_is_the_summary_and_matches_the_csv_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("williams");
    let output = run(&[
        "solve",
        "tests/fixtures/williams_manpower.toml",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = ok(output, "solve --json");
    let value = json(stdout.as_bytes());
    assert_eq!(value["status"], "optimal");
    let objective = value["objective"].as_f64().unwrap();
    assert!(
        (objective - 498_677.29).abs() < 0.005,
        "Williams' published optimum is 498,677.29; got {objective}"
    );
    assert_eq!(value["out"], out.to_str().unwrap());
    // the same document as summary.json
    let summary = json(&fs::read(out.join("summary.json")).unwrap());
    let mut without_out = value.clone();
    without_out.as_object_mut().unwrap().remove("out");
    assert_eq!(without_out, summary);
    // staff by group agree with stocks.csv
    let stocks = fs::read_to_string(out.join("stocks.csv")).unwrap();
    let mut lines = stocks.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (group, period, stock) = (column("group"), column("period"), column("stock_fte"));
    let periods: Vec<&str> = value["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let mut checked = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let entry = value["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["id"] == cells[group])
            .unwrap();
        let t = periods.iter().position(|p| *p == cells[period]).unwrap();
        let from_json = entry["stock_fte"][t].as_f64().unwrap();
        let from_csv: f64 = cells[stock].parse().unwrap();
        assert!((from_json - from_csv).abs() < 1e-6, "{line}: {from_json}");
        checked += 1;
    }
    assert!(checked > 0);
    // cash by category adds up to the cash in costs.csv
    let categories = value["cash_by_category"].as_array().unwrap();
    assert!(!categories.is_empty());
    assert!(value["conditions"].is_array());
}

#[test]
fn compare_json_has_the_headline_figures_of_headline_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let stdout = ok(
        run(&[
            "compare",
            "tests/fixtures/pull.toml",
            "--base",
            "no_target",
            "--policy",
            "base",
            "--json",
            "--out",
            out.to_str().unwrap(),
        ]),
        "compare --json",
    );
    let value = json(stdout.as_bytes());
    assert_eq!(value["target_group"]["id"], "hv");
    assert_eq!(value["headline_period"], "2028");
    assert_eq!(value["out"], out.to_str().unwrap());
    assert_eq!(value["report"], out.join("report.html").to_str().unwrap());
    let policy_fte = value["target_group_fte"]["policy"].as_f64().unwrap();
    assert!((policy_fte - 120.0).abs() < 1e-6, "{policy_fte}");
    let headline = fs::read_to_string(out.join("headline.csv")).unwrap();
    let change = |measure: &str| -> f64 {
        let line = headline
            .lines()
            .find(|l| l.starts_with(&format!("{measure},")))
            .unwrap_or_else(|| panic!("{measure} in headline.csv:\n{headline}"));
        line.split(',').nth(3).unwrap().parse().unwrap()
    };
    for (measure, pointer) in [
        ("target_group_fte_at_headline", "/target_group_fte/change"),
        ("cash_total", "/cash/change"),
        ("cash_discounted_total", "/cash_discounted/change"),
        (
            "cost_per_extra_fte_at_headline",
            "/cost_per_extra_fte_at_headline",
        ),
    ] {
        let from_json = value.pointer(pointer).unwrap().as_f64().unwrap();
        let from_csv = change(measure);
        assert!(
            (from_json - from_csv).abs() <= 1e-9 * from_csv.abs().max(1.0),
            "{measure}: JSON {from_json}, CSV {from_csv}"
        );
    }
    // the target's shadow price, and district nursing loses care
    assert!(value["shadow_prices"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "hv_target" && c["shadow_price"].as_f64().unwrap() > 0.0));
    assert!(value["service_losses"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == "district_nursing"
            && s["delivered_change_fte_years"].as_f64().unwrap() < 0.0));
}
