//! `health`, as seed 003's pane-health: healthy, dead (exited), missing, zombie (registered,
//! but its tmux session is gone).

use crate::daemon::Daemon;
use crate::session::TmuxCmd;
use std::sync::Arc;
use warren_proto::{Health, HealthAnswer, SessionState};

/// Checks the registry against tmux.
pub(crate) async fn run(d: &Arc<Daemon>, key: &str) -> HealthAnswer {
    let Some(h) = d.registry.resolve(key) else {
        return HealthAnswer {
            name: key.into(),
            health: Health::Missing,
            state: None,
            exit_code: None,
            detail: format!("no session named {key}"),
        };
    };
    let row = h.row();
    let answer = |health, detail: String| HealthAnswer {
        name: h.name.to_string(),
        health,
        state: Some(h.state()),
        exit_code: h.row().exit_code,
        detail,
    };
    match row.state {
        SessionState::Lost => {
            return answer(
                Health::Zombie,
                format!("registered, but its tmux session is gone: {}", row.detail),
            );
        }
        s if s.is_terminal() => return answer(Health::Dead, format!("{s}: {}", row.detail)),
        _ => {}
    }
    let Some(sid) = row.tmux_session.clone() else {
        return answer(Health::Healthy, "starting".into());
    };
    let panes = d.tmux.list_panes().await.unwrap_or_default();
    match panes
        .iter()
        .find(|p| p.session_id == sid && p.warren_id == row.id)
    {
        None => {
            h.tmux()
                .map(|t| t.send(TmuxCmd::Vanished("its tmux session vanished".into())));
            answer(
                Health::Zombie,
                "registered, but its tmux session is gone".into(),
            )
        }
        Some(p) if p.dead => {
            h.tmux().map(|t| {
                t.send(TmuxCmd::Exited {
                    code: p.dead_status,
                    signal: p.dead_signal,
                })
            });
            HealthAnswer {
                exit_code: p.dead_status,
                ..answer(Health::Dead, "its process exited".into())
            }
        }
        Some(p) => answer(
            Health::Healthy,
            format!("pid {} running {}", p.pane_pid, p.command),
        ),
    }
}
