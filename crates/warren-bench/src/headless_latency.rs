//! Headless latency: what warren adds to one message over a program that drives the fake
//! stream-json agent directly. Baseline: this process writes a user line to the agent's stdin
//! and reads up to its `result` line. warren: `POST /v1/sessions/{name}/send` (client ->
//! daemon -> holder -> agent -> output log -> daemon parses the result -> answer). The two
//! alternate message by message, so both see the same machine.

use crate::env::{cpu_ticks, ticks_per_s};
use crate::headless::{Direct, TURN_TIMEOUT, Warren, direct_home, fake};
use crate::stats::{ms, pct};
use std::time::Instant;

/// Untimed turns on each path first (page cache, connections, the agent's first init).
const WARM_UP: usize = 20;
/// The target of the issue: p50 overhead at most this (ms).
const TARGET_MS: f64 = 1.0;

pub async fn run(turns: usize) -> anyhow::Result<()> {
    let turns = turns.max(1);
    let fake = fake()?;
    let w = Warren::start(&fake).await?;
    let mut direct = Direct::start(&fake, &direct_home()?)?;
    w.spawn("lat").await?;
    let (holders, agents) = w.holders_and_agents();
    anyhow::ensure!(
        holders.len() == 1 && agents.len() == 1,
        "{} holders and {} agents for one session",
        holders.len(),
        agents.len()
    );
    // CPU over the timed turns: the baseline's agent; warren's agent, holder and daemon.
    let pids = [direct.pid(), agents[0], holders[0], w.daemon_pid()?];
    let mut before = [0u64; 4];

    let (mut raw, mut via) = (Vec::with_capacity(turns), Vec::with_capacity(turns));
    for i in 0..WARM_UP + turns {
        if i == WARM_UP {
            before = pids.map(cpu_ticks);
        }
        let text = format!("m{i}");
        let want = format!("ECHO: {text}");

        let t = Instant::now();
        let got = tokio::time::timeout(TURN_TIMEOUT, direct.turn(&text)).await??;
        let took = t.elapsed().as_secs_f64() * 1e3;
        anyhow::ensure!(got == want, "direct turn {i}: {got:?}, not {want:?}");
        if i >= WARM_UP {
            raw.push(took);
        }

        let t = Instant::now();
        let got = tokio::time::timeout(TURN_TIMEOUT, w.send("lat", &text)).await??;
        let took = t.elapsed().as_secs_f64() * 1e3;
        anyhow::ensure!(got == want, "warren turn {i}: {got:?}, not {want:?}");
        if i >= WARM_UP {
            via.push(took);
        }
    }
    let after = pids.map(cpu_ticks);
    let per_turn: Vec<f64> = after
        .iter()
        .zip(&before)
        .map(|(a, b)| a.saturating_sub(*b) as f64 / ticks_per_s() / turns as f64 * 1e6)
        .collect();
    direct.end().await;

    let overhead = pct(&via, 50.0) - pct(&raw, 50.0);
    println!(
        "\n### Headless latency: one message, write -> result ({turns} turns after {WARM_UP} \
         warm-up, alternating)\n"
    );
    println!("| path | p50 | p90 | p99 | max |");
    println!("|---|---:|---:|---:|---:|");
    for (path, v) in [
        (
            "baseline: fake agent over pipes (stdin line -> `result` line)",
            &raw,
        ),
        (
            "warren: `POST /v1/sessions/{name}/send` (API round trip)",
            &via,
        ),
    ] {
        println!(
            "| {path} | {} | {} | {} | {} |",
            ms(pct(v, 50.0)),
            ms(pct(v, 90.0)),
            ms(pct(v, 99.0)),
            ms(pct(v, 100.0))
        );
    }
    println!(
        "\n| overhead (warren p50 - baseline p50) | target | |\n|---:|---|---|\n| {} | <= {} | {} |",
        ms(overhead),
        ms(TARGET_MS),
        if overhead <= TARGET_MS {
            "PASS"
        } else {
            "FAIL"
        }
    );
    println!(
        "\n| CPU per turn (utime + stime over the timed turns) | baseline | warren |\n|---|---:|---:|"
    );
    println!(
        "| agent (fake-claude-stream) | {:.0} us | {:.0} us |",
        per_turn[0], per_turn[1]
    );
    println!("| holder | - | {:.0} us |", per_turn[2]);
    println!("| daemon | - | {:.0} us |", per_turn[3]);
    Ok(())
}
