//! Flood: one session writes N MB as fast as it can. Every byte must be in its output log
//! (SHA-256 against the source), and `warren ls` must stay fast meanwhile.

use crate::env::Bench;
use crate::stats::{ms, pct};
use sha2::{Digest as _, Sha256};
use std::io::Write as _;
use std::time::{Duration, Instant};

pub async fn run(mb: u64) -> anyhow::Result<()> {
    let b = Bench::start().await?;
    let total = mb * 1024 * 1024;
    // Printable lines from a fixed generator: what the program writes, byte for byte.
    let src = b.path().join("flood.txt");
    let mut hash = Sha256::new();
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&src)?);
        let mut seed: u64 = 42;
        let mut written = 0u64;
        let mut line = Vec::with_capacity(128);
        while written < total {
            line.clear();
            for _ in 0..99 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                line.push(b'!' + (seed % 90) as u8);
            }
            line.push(b'\n');
            let take = line.len().min((total - written) as usize);
            f.write_all(&line[..take])?;
            hash.update(&line[..take]);
            written += take as u64;
        }
    }
    let want = hash.finalize();
    // -opost: the terminal passes the bytes unchanged (no \n -> \r\n), so the log equals the file.
    let script = "stty -opost -echo; cat \"$1\"; exec sleep 3600".to_string();
    let t0 = Instant::now();
    b.spawn(
        "flood",
        vec![
            "sh".into(),
            "-c".into(),
            script,
            "sh".into(),
            src.to_string_lossy().into_owned(),
        ],
    )
    .await?;
    let mut ls = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(600);
    let took = loop {
        let t = Instant::now();
        let out = b.cmd().args(["ls", "--json"]).output()?;
        ls.push(t.elapsed().as_secs_f64() * 1e3);
        let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
        let offset = all
            .iter()
            .find(|s| s["name"] == "flood")
            .and_then(|s| s["output_offset"].as_u64())
            .unwrap_or(0);
        if offset >= total {
            break t0.elapsed();
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {offset} of {total} bytes recorded after 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Read the log back across its rotated segments, by global offset.
    let mut got = Sha256::new();
    let mut length = 0u64;
    let dir = std::fs::read_dir(b.path().join("sessions"))?
        .flatten()
        .next()
        .map(|e| e.path())
        .ok_or_else(|| anyhow::anyhow!("no session dir"))?;
    let mut segments: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("output.log."))
        })
        .collect();
    segments.sort();
    segments.push(dir.join("output.log"));
    for s in &segments {
        let bytes = std::fs::read(s)?;
        got.update(&bytes);
        length += bytes.len() as u64;
    }
    let same = got.finalize() == want;
    println!("\n### Flood: one session writes {mb} MB as fast as it can\n");
    println!("| measure | result | target |");
    println!("|---|---:|---|");
    println!(
        "| recorded bytes / written | {length} / {total} ({} segments) | all |",
        segments.len()
    );
    println!(
        "| SHA-256 of the log = SHA-256 of what was written | {} | yes |",
        if same { "yes" } else { "NO" }
    );
    println!(
        "| time until recorded (throughput) | {:.1} s ({:.0} MB/s) | |",
        took.as_secs_f64(),
        mb as f64 / took.as_secs_f64()
    );
    println!(
        "| `warren ls --json` meanwhile p50 / p99 ({} calls) | {} / {} | p99 < 100 ms |",
        ls.len(),
        ms(pct(&ls, 50.0)),
        ms(pct(&ls, 99.0))
    );
    anyhow::ensure!(
        same && length == total,
        "the log does not equal what was written"
    );
    Ok(())
}
