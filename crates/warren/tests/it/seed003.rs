//! Seed 003's workflows, with warren's verbs (and its short flags).

use crate::{T, warren};

#[test]
fn quick_python_calculation_with_seed_flags() {
    let w = warren();
    w.ok(&["ls"]);
    w.ok(&["create", "-n", "quick-calc", "--python"]);
    let out = w.ok(&[
        "send",
        "-s",
        "quick-calc",
        "-c",
        "import math; print(math.factorial(100))",
        "-w",
        ">>>",
        "-T",
        "10",
    ]);
    assert!(out.contains("matched"), "{out}");
    let screen = w.ok(&["output", "quick-calc", "-n", "10"]);
    assert!(
        screen.contains(
            "933262154439441526816992388562667004907159682643816214685929638952175999932299"
        ),
        "{screen}"
    );
    w.ok(&["kill", "quick-calc"]);
    let removed = w.json(&["cleanup"]);
    assert_eq!(removed["removed"][0]["name"], "quick-calc");
}

#[test]
fn several_sessions_in_parallel() {
    let w = warren();
    for n in ["loader-session", "analysis-session", "monitor-session"] {
        w.ok(&["new", n, "--python"]);
    }
    std::thread::scope(|s| {
        for (n, expr, want) in [
            ("loader-session", "sum(range(10**6))", "499999500000"),
            (
                "analysis-session",
                "2**100",
                "1267650600228229401496703205376",
            ),
            ("monitor-session", "len('warren')", "6"),
        ] {
            let w = &w;
            s.spawn(move || {
                let out = w.json(&[
                    "send",
                    n,
                    &format!("print({expr})"),
                    "--wait",
                    &format!("^{want}$"),
                    "-T",
                    "20",
                ]);
                assert_eq!(out["matched"], true, "{n}: {out}");
            });
        }
    });
    let ls = w.json(&["ls"]);
    assert_eq!(ls.as_array().map(Vec::len), Some(3));
    w.ok(&["cleanup", "--all", "--yes"]);
    assert_eq!(w.json(&["ls"]).as_array().map(Vec::len), Some(0));
}

#[test]
fn recovering_a_crashed_session() {
    let w = warren();
    w.ok(&["new", "crashed-session", "--python"]);
    w.ok(&[
        "send",
        "crashed-session",
        "print('important state')",
        "--wait",
        "^important state$",
    ]);
    w.ok(&["send", "crashed-session", "import os; os._exit(3)"]);
    w.wait_state("crashed-session", "failed", T);
    assert_eq!(
        w.code(&["health", "-s", "crashed-session", "--format", "text"]),
        1,
        "dead"
    );
    let remaining = w.ok(&["output", "crashed-session", "-n", "200"]);
    assert!(
        remaining.contains("important state"),
        "output is still there after the crash: {remaining}"
    );
    w.ok(&["cleanup"]);
    assert_eq!(
        w.code(&["health", "crashed-session"]),
        2,
        "missing after cleanup"
    );
    w.ok(&["new", "crashed-session-recovery", "--python"]);
    w.ok(&[
        "send",
        "crashed-session-recovery",
        "# Resuming from crash...",
        "-w",
        ">>>",
    ]);
    // The crashed name can be used again once it has ended.
    w.ok(&["new", "crashed-session", "--python"]);
}
