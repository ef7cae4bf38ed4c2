//! Spawn: `warren new NAME --python` until the session is ready, against `tmux new-session -d`
//! plus polling `capture-pane` every 5 ms until the same ready pattern (`>>> `) shows.

use crate::env::Bench;
use crate::stats::{ms, pct};
use std::time::{Duration, Instant};

pub async fn run(runs: usize) -> anyhow::Result<()> {
    let b = Bench::start().await?;
    let base_sock = b.path().join("baseline.sock");
    let tmux = |args: &[&str]| {
        std::process::Command::new("tmux")
            .arg("-S")
            .arg(&base_sock)
            .args(args)
            .output()
    };
    // One of each untimed, so python's files are in the page cache for both.
    let _ = b.cmd().args(["new", "warm", "--python"]).output()?;
    let _ = tmux(&["-f", "/dev/null", "new-session", "-d", "-s", "keep", "cat"])?;
    let (mut w, mut t) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let name = format!("sp{i}");
        let t0 = Instant::now();
        let out = b
            .cmd()
            .args(["new", &name, "--python", "--json"])
            .output()?;
        let took = t0.elapsed();
        let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        anyhow::ensure!(
            info["state"] == "idle",
            "warren new did not reach idle: {info} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        w.push(took.as_secs_f64() * 1e3);
        let _ = b.cmd().args(["kill", &name]).output()?;

        let t0 = Instant::now();
        let made = tmux(&[
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "200",
            "-y",
            "50",
            "-e",
            "PYTHON_BASIC_REPL=1",
            "python3",
        ])?;
        anyhow::ensure!(
            made.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&made.stderr)
        );
        loop {
            let cap = tmux(&["capture-pane", "-p", "-t", &format!("={name}:")])?;
            let screen = String::from_utf8_lossy(&cap.stdout);
            let last = screen
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            if last.trim_end() == ">>>" {
                break;
            }
            anyhow::ensure!(
                t0.elapsed() < Duration::from_secs(20),
                "the baseline python never showed >>>"
            );
            pause(Duration::from_millis(5));
        }
        t.push(t0.elapsed().as_secs_f64() * 1e3);
        let _ = tmux(&["kill-session", "-t", &format!("={name}")]);
    }
    let _ = tmux(&["kill-server"]);
    println!("\n### Spawn until ready (python, {runs} runs)\n");
    println!("| path | p50 | p90 | ratio of p50 |");
    println!("|---|---:|---:|---:|");
    println!(
        "| raw tmux new-session -d + capture-pane poll (5 ms) | {} | {} | 1.00 |",
        ms(pct(&t, 50.0)),
        ms(pct(&t, 90.0))
    );
    println!(
        "| warren new --python (CLI, until idle) | {} | {} | {:.2} |",
        ms(pct(&w, 50.0)),
        ms(pct(&w, 90.0)),
        pct(&w, 50.0) / pct(&t, 50.0)
    );
    Ok(())
}

#[allow(
    clippy::disallowed_methods,
    reason = "the baseline's polling interval is what is measured"
)]
fn pause(d: Duration) {
    std::thread::sleep(d);
}
