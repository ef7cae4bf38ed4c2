//! Benchmarks of warren against a raw baseline (tmux; for headless sessions, the agent over its
//! pipes), each measured in the same run.
//!
//! `warren-bench all` (or `latency`, `spawn`, `scale`, `flood`, `headless-latency`,
//! `headless-scale`) prints markdown tables; the results and the command are recorded in
//! docs/BENCHMARKS.md. It runs warren (and, for the headless parts, the fake stream-json agent
//! `fake-claude-stream`) from the same target directory, on a temporary home, and ends
//! everything it started.

mod emit;
mod env;
mod flood;
mod headless;
mod headless_latency;
mod headless_scale;
mod hooks;
mod latency;
mod scale;
mod spawn;
mod stats;

use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let what = args.first().map(String::as_str).unwrap_or("all");
    if what == "emit" {
        emit::run(&args[1..]);
        return;
    }
    let sizes: Vec<usize> = flag(&args, "--sessions")
        .map(|s| s.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 100, 500]);
    let turns = |default: usize| {
        flag(&args, "--turns")
            .and_then(|t| t.parse().ok())
            .unwrap_or(default)
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let work = async {
        match what {
            "latency" => latency::run(&sizes).await,
            "spawn" => {
                spawn::run(
                    flag(&args, "--runs")
                        .and_then(|r| r.parse().ok())
                        .unwrap_or(10),
                )
                .await
            }
            "scale" => scale::run(*sizes.iter().max().unwrap_or(&500)).await,
            "flood" => {
                flood::run(
                    flag(&args, "--mb")
                        .and_then(|m| m.parse().ok())
                        .unwrap_or(200),
                )
                .await
            }
            "headless-latency" => headless_latency::run(turns(500)).await,
            "hook-latency" => hooks::run(turns(30)).await,
            "headless-scale" => {
                headless_scale::run(
                    flag(&args, "--sessions")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(50),
                    turns(100),
                )
                .await
            }
            "all" => {
                latency::run(&sizes).await?;
                spawn::run(10).await?;
                scale::run(*sizes.iter().max().unwrap_or(&500)).await?;
                flood::run(200).await?;
                headless_latency::run(500).await?;
                headless_scale::run(50, 100).await
            }
            other => anyhow::bail!(
                "unknown benchmark {other:?}: use latency, spawn, scale, flood, \
                 headless-latency, headless-scale, hook-latency or all"
            ),
        }
    };
    // SIGINT or SIGTERM drops the benchmark, whose destructors end the daemon, its sessions
    // and the agents. The handlers are in place before any work starts.
    let result = rt.block_on(async {
        use tokio::signal::unix::{SignalKind, signal};
        let (mut int, mut term) = (
            signal(SignalKind::interrupt())?,
            signal(SignalKind::terminate())?,
        );
        tokio::select! {
            r = work => r,
            _ = int.recv() => Err(anyhow::anyhow!("interrupted")),
            _ = term.recv() => Err(anyhow::anyhow!("terminated")),
        }
    });
    rt.shutdown_timeout(Duration::from_secs(1));
    if let Err(e) = result {
        eprintln!("warren-bench: {e:#}");
        std::process::exit(1);
    }
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}
