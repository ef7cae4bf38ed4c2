//! The agent's exit, seen through the holder's `exit.json`, and the state it leaves.

use super::*;

impl Actor {
    /// Whether the holder wrote the agent's exit (and if so, settles the session).
    pub(super) async fn check_exit_file(&mut self) -> bool {
        if let Some(exit) = holder::read_exit(&self.h.dir) {
            Box::pin(self.read()).await;
            self.finish_exit(Some(exit)).await;
            return true;
        }
        false
    }

    /// Whether the agent has exited, or its holder is gone (and if so, settles the session).
    pub(super) async fn check_exit(&mut self) -> bool {
        if self.check_exit_file().await {
            return true;
        }
        // No exit file: is the holder itself still there?
        let holder_alive = holder::read_info(&self.h.dir).is_some_and(|i| {
            nix::sys::signal::kill(nix::unistd::Pid::from_raw(i.pid as i32), None).is_ok()
        });
        if !holder_alive && !self.connect().await {
            Box::pin(self.read()).await;
            if let Some(exit) = holder::read_exit(&self.h.dir) {
                self.finish_exit(Some(exit)).await;
            } else {
                // The holder died without writing the exit: end an orphaned agent too.
                if let Some(pid) = self.pid {
                    let _ = nix::sys::signal::killpg(
                        nix::unistd::Pid::from_raw(pid as i32),
                        nix::sys::signal::Signal::SIGKILL,
                    );
                }
                self.finish_exit(None).await;
            }
            return true;
        }
        false
    }

    pub(super) async fn finish_exit(&mut self, exit: Option<holder::ExitInfo>) {
        if self.h.ended() || self.exited {
            return;
        }
        self.exited = true;
        self.client = None;
        let code = exit.and_then(|e| e.code);
        let signal = exit.and_then(|e| e.signal);
        if let Some(t) = self.open.take() {
            let why = match &self.ending {
                Some(Ending::Killed) => "killed during the turn".to_string(),
                Some(Ending::Limit(m)) => m.clone(),
                Some(Ending::Watchdog(m)) => m.clone(),
                _ => format!(
                    "the agent exited during the turn ({})",
                    describe(code, signal)
                ),
            };
            let status = t
                .breach
                .unwrap_or(if matches!(self.ending, Some(Ending::Killed)) {
                    "interrupted"
                } else {
                    "failed"
                });
            let i = warren_proto::Interaction {
                seq: t.seq,
                prompt: t.prompt.clone(),
                status: status.into(),
                duration_ms: t.started.elapsed().as_millis() as u64,
                tools: t.tools.clone(),
                errors: vec![why],
                started_at: crate::store::rfc3339(t.started_ms),
                ..Default::default()
            };
            if let Err(e) = self.d.store.finish_interaction(&self.h.id, &i, now_ms()) {
                tracing::error!("storing interaction: {e}");
            }
            self.h.turn_ended(t.seq);
        }
        if let Some(mut row) = self.h.headless() {
            if let Some(since) = self.active_since.take() {
                row.active_ms += since.elapsed().as_millis() as i64;
            }
            if matches!(self.ending, Some(Ending::Stop { done: true })) {
                row.done = true;
            }
            if let Err(e) = self.d.store.save_headless(&row) {
                tracing::error!(session = %self.h.name, "storing the headless row at exit: {e}");
            }
            self.h.set_headless(|h| *h = row);
        }
        if let Err(e) = self.d.store.set_exit(&self.h.id, code) {
            tracing::error!(session = %self.h.name, "storing exit: {e}");
        }
        self.h.update(|r| {
            r.exit_code = code;
            r.kill_pending = false;
        });
        if let Err(e) = self.d.store.set_kill_pending(&self.h.id, false) {
            tracing::error!(session = %self.h.name, "clearing the kill intent: {e}");
        }
        let (to, sig, detail) = match self.ending.clone() {
            Some(Ending::Stop { done: true }) => (
                SessionState::Completed,
                Signal::Warren("finish".into()),
                "finished".to_string(),
            ),
            Some(Ending::Stop { done: false }) => (
                SessionState::Stopped,
                Signal::ProcessExit,
                "stopped; resumable".to_string(),
            ),
            Some(Ending::Killed) => (
                SessionState::Killed,
                Signal::Warren("kill".into()),
                "killed by request".to_string(),
            ),
            Some(Ending::Limit(m)) => (
                SessionState::Killed,
                Signal::Warren("limit".into()),
                format!("safety net: {m}"),
            ),
            Some(Ending::Watchdog(m)) => {
                (SessionState::Stuck, Signal::Warren("watchdog".into()), m)
            }
            None if code == Some(0) => (
                SessionState::Stopped,
                Signal::ProcessExit,
                "the agent exited; resumable".to_string(),
            ),
            // It died while the daemon was away: nobody can say it failed a turn of ours, and
            // its conversation is on disk, so it is stopped and resumable either way.
            None if self.recovering => {
                let tail = holder::stderr_tail(&self.h.dir, 2000);
                let mut d = format!(
                    "the agent exited while warren was not watching ({}); resumable",
                    describe(code, signal)
                );
                if !tail.is_empty() {
                    d.push_str(": ");
                    d.push_str(&tail);
                }
                (SessionState::Stopped, Signal::Reconcile, d)
            }
            None => {
                let tail = holder::stderr_tail(&self.h.dir, 2000);
                let mut d = format!("the agent exited ({})", describe(code, signal));
                if !tail.is_empty() {
                    d.push_str(": ");
                    d.push_str(&tail);
                }
                (SessionState::Failed, Signal::ProcessExit, d)
            }
        };
        self.to(to, sig, &detail);
        self.d.publish_exit(&self.h, code, signal);
    }
}
