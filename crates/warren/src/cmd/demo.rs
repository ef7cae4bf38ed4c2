//! `warren demo`: the main job for a newcomer, no agent needed. Starts the daemon, spawns a
//! Python session, sends a computation, waits for the answer, shows `ls`, `status` and the
//! output, and cleans up after itself.

use crate::ctx::Ctx;
use std::time::Duration;
use warren_proto::{
    ApiError, CleanupRequest, ErrorCode, NewRequest, SendRequest, SessionName, exit,
};

pub async fn run(ctx: &Ctx) -> Result<i32, ApiError> {
    step("starting the daemon (it runs in the background from now on)");
    let client = ctx.client().await?;
    let name = SessionName::new(&format!("demo-{}", std::process::id()))?;
    let cwd = std::env::current_dir().unwrap_or_else(|_| "/".into());
    step(&format!("warren new {name} --python"));
    let req = NewRequest {
        name: Some(name.clone()),
        profile: Some("python".into()),
        cwd: Some(cwd.to_string_lossy().into_owned()),
        env: std::env::vars().collect(),
        wait_ready_ms: Some(30_000),
        ..Default::default()
    };
    let info = client.create(&req).await?;
    println!(
        "  {} is {} ({}: {})",
        info.name, info.state, info.signal, info.detail
    );
    let result = tour(ctx, &name).await;
    step(&format!(
        "cleaning up: warren kill {name} && warren cleanup"
    ));
    let _ = client.kill(name.as_str()).await;
    let _ = client.cleanup(&CleanupRequest::default()).await;
    result?;
    step(
        "done. The daemon keeps running; `warren daemon stop` stops it. Try `warren new calc --python` yourself.",
    );
    Ok(exit::OK)
}

async fn tour(ctx: &Ctx, name: &SessionName) -> Result<(), ApiError> {
    let code = "import math; print(math.factorial(100))";
    step(&format!("warren send {name} '{code}' --wait '^>>> '"));
    let req = SendRequest {
        text: code.into(),
        enter: Some(true),
        wait: Some("^>>> ".into()),
        timeout_ms: Some(Duration::from_secs(30).as_millis() as u64),
        ..SendRequest::default()
    };
    let ans = ctx.client().await?.send(name.as_str(), &req).await?;
    println!(
        "  input {:?}; the prompt came back: {}",
        ans.ack,
        ans.matched == Some(true)
    );
    if ans.matched != Some(true) {
        return Err(ApiError::new(
            ErrorCode::Internal,
            "python did not answer within 30 s",
        ));
    }
    step("warren ls");
    let all = ctx.client().await?.sessions(None).await?;
    for s in all {
        println!("  {}  {}  {}  {}", s.name, s.state, s.signal, s.profile);
    }
    step(&format!("warren status {name}"));
    let s = ctx.client().await?.status(name.as_str()).await?;
    println!(
        "  state {} ({}: {}), pid {}, {} transitions recorded",
        s.state,
        s.signal,
        s.detail,
        s.pid.unwrap_or(0),
        s.transitions.len()
    );
    step(&format!("warren output {name} -n 5"));
    let out = ctx.client().await?.screen(name.as_str(), 5).await?;
    for line in String::from_utf8_lossy(&out).lines() {
        println!("  | {line}");
    }
    Ok(())
}

fn step(s: &str) {
    println!("==> {s}");
}
