//! Output latency: a program writes timestamped lines; warren's SSE stream, `warren tail -f`
//! and a raw `tmux -C` client on the same pane observe the same writes at the same time.

use crate::env::Bench;
use crate::stats::{mono_ns, ms, pct};
use base64::Engine as _;
use http_body_util::BodyExt as _;
use std::io::BufRead as _;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;
use warren_client::api::EventsQuery;
use warren_proto::{KeysRequest, SendRequest};

const MARKS: usize = 200;

/// A line observed by one path: the path's name and the line's latency, or a readiness note.
enum Seen {
    Ready,
    Mark(&'static str, f64),
}

/// Splits a byte stream into lines and reports MARK latencies (and the warm-up character).
struct Lines {
    path: &'static str,
    buf: Vec<u8>,
    ready: bool,
    tx: mpsc::Sender<Seen>,
}

impl Lines {
    fn feed(&mut self, bytes: &[u8]) {
        let now = mono_ns();
        self.buf.extend_from_slice(bytes);
        if !self.ready && self.buf.contains(&b'@') {
            self.ready = true;
            let _ = self.tx.send(Seen::Ready);
        }
        while let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=pos).collect();
            let text = String::from_utf8_lossy(&line);
            let mut f = text.trim().split(' ');
            if f.next() == Some("MARK") {
                if let Some(t) = f.nth(1).and_then(|t| t.parse::<u64>().ok()) {
                    let _ = self
                        .tx
                        .send(Seen::Mark(self.path, now.saturating_sub(t) as f64 / 1e6));
                }
            }
        }
    }
}

pub async fn run(sizes: &[usize]) -> anyhow::Result<()> {
    println!("\n### Output latency (write -> subscriber), {MARKS} lines at 10-30 ms gaps\n");
    println!("| live sessions | path | p50 | p99 | lines |");
    println!("|---:|---|---:|---:|---:|");
    for &n in sizes {
        for (path, v) in one(n.max(1)).await? {
            println!(
                "| {n} | {path} | {} | {} | {} |",
                ms(pct(&v, 50.0)),
                ms(pct(&v, 99.0)),
                v.len()
            );
        }
    }
    Ok(())
}

async fn one(n: usize) -> anyhow::Result<Vec<(&'static str, Vec<f64>)>> {
    let b = Bench::start().await?;
    for i in 1..n {
        b.spawn(&format!("f{i}"), vec!["cat".into()]).await?;
    }
    b.spawn(
        "writer",
        vec![
            b.me.to_string_lossy().into_owned(),
            "emit".into(),
            "--count".into(),
            MARKS.to_string(),
        ],
    )
    .await?;
    let (tx, rx) = mpsc::channel();

    // warren: the SSE stream.
    let body = b
        .client
        .events(&EventsQuery {
            session: Some("writer".into()),
            types: Some("output".into()),
            ..EventsQuery::default()
        })
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.into_api()))?;
    let sse_tx = tx.clone();
    let sse = tokio::spawn(async move {
        let mut lines = Lines {
            path: "warren SSE",
            buf: Vec::new(),
            ready: false,
            tx: sse_tx,
        };
        let mut body = body;
        let mut raw = Vec::new();
        while let Some(Ok(frame)) = body.frame().await {
            let Ok(data) = frame.into_data() else {
                continue;
            };
            raw.extend_from_slice(&data);
            while let Some(pos) = raw.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = raw.drain(..pos + 2).collect();
                for l in String::from_utf8_lossy(&block).lines() {
                    let Some(json) = l.strip_prefix("data:") else {
                        continue;
                    };
                    let Ok(ev) = serde_json::from_str::<serde_json::Value>(json.trim()) else {
                        continue;
                    };
                    if let Some(d) = ev["data"].as_str() {
                        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(d) {
                            lines.feed(&bytes);
                        }
                    }
                }
            }
        }
    });

    // The raw baseline: tmux's own control-mode %output on the same pane.
    let mut raw = std::process::Command::new("tmux")
        .arg("-S")
        .arg(b.path().join("tmux.sock"))
        .args(["-C", "attach-session", "-r", "-t", "=writer"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let raw_out = raw.stdout.take().expect("piped");
    let raw_tx = tx.clone();
    std::thread::spawn(move || {
        let mut lines = Lines {
            path: "raw tmux -C %output",
            buf: Vec::new(),
            ready: false,
            tx: raw_tx,
        };
        for l in std::io::BufReader::new(raw_out)
            .split(b'\n')
            .map_while(Result::ok)
        {
            if let Some(rest) = l.strip_prefix(b"%output ") {
                if let Some(sp) = rest.iter().position(|c| *c == b' ') {
                    lines.feed(&unescape(&rest[sp + 1..]));
                }
            }
        }
    });

    // What users watch: `warren tail -f`.
    let mut tail = b
        .cmd()
        .args(["tail", "writer", "-f", "-n", "0"])
        .stdout(Stdio::piped())
        .spawn()?;
    let tail_out = tail.stdout.take().expect("piped");
    let tail_tx = tx.clone();
    std::thread::spawn(move || {
        let mut lines = Lines {
            path: "warren tail -f",
            buf: Vec::new(),
            ready: false,
            tx: tail_tx,
        };
        let mut r = std::io::BufReader::new(tail_out);
        loop {
            let buf = match r.fill_buf() {
                Ok([]) | Err(_) => return,
                Ok(b) => b.to_vec(),
            };
            r.consume(buf.len());
            lines.feed(&buf);
        }
    });
    drop(tx);

    // Warm-up: a character typed without Enter is echoed to every path; start once all saw it.
    let paths = 3;
    let mut ready = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while ready < paths {
        let req = SendRequest {
            text: "@".into(),
            enter: Some(false),
            ..SendRequest::default()
        };
        b.client
            .send("writer", &req)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.into_api()))?;
        while let Ok(Seen::Ready) = rx.recv_timeout(Duration::from_millis(300)) {
            ready += 1;
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "only {ready} of {paths} observers came up"
        );
    }
    let req = KeysRequest {
        keys: vec!["Enter".into()],
    };
    b.client
        .keys("writer", &req)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.into_api()))?;

    let mut out: Vec<(&'static str, Vec<f64>)> = vec![
        ("raw tmux -C %output", vec![]),
        ("warren SSE", vec![]),
        ("warren tail -f", vec![]),
    ];
    let end = std::time::Instant::now() + Duration::from_secs(30 + MARKS as u64 / 20);
    while out.iter().any(|(_, v)| v.len() < MARKS) && std::time::Instant::now() < end {
        if let Ok(Seen::Mark(path, lat)) = rx.recv_timeout(Duration::from_millis(200)) {
            if let Some((_, v)) = out.iter_mut().find(|(p, _)| *p == path) {
                v.push(lat);
            }
        }
    }
    sse.abort();
    let _ = raw.kill();
    let _ = raw.wait();
    let _ = tail.kill();
    let _ = tail.wait();
    Ok(out)
}

fn unescape(d: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(d.len());
    let mut i = 0;
    while i < d.len() {
        if d[i] == b'\\'
            && i + 4 <= d.len()
            && d[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((d[i + 1] - b'0') * 64 + (d[i + 2] - b'0') * 8 + (d[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(d[i]);
            i += 1;
        }
    }
    out
}
