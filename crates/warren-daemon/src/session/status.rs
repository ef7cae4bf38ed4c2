//! The status engine's rules: an observation and the current state give the next state and
//! the signal that caused it. Pure, so every rule has a unit test.

use crate::profiles::{Profile, ScreenClass};
use warren_proto::{SessionState as S, Signal};

/// Something the session actor saw.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Observation {
    /// The screen was read after output settled; the class a pattern gave, if any.
    Screen(Option<(ScreenClass, &'static str)>),
    /// No output for the quiescence interval.
    Quiet,
    /// Busy with no output for the stuck threshold.
    NoProgress,
    /// Input was sent with Enter.
    InputSent,
    /// The process exited.
    Exited {
        /// Exit status.
        code: Option<i32>,
        /// Signal number.
        signal: Option<i32>,
    },
    /// The tmux session (or server) disappeared without warren ending it.
    Vanished(String),
    /// warren ended it.
    Killed(String),
}

/// A transition to make.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Next {
    /// New state.
    pub to: S,
    /// What caused it.
    pub signal: Signal,
    /// Why.
    pub detail: String,
}

fn next(to: S, signal: Signal, detail: impl Into<String>) -> Option<Next> {
    Some(Next {
        to,
        signal,
        detail: detail.into(),
    })
}

/// The next state, or `None` to stay.
pub(crate) fn step(state: S, obs: &Observation, profile: &Profile) -> Option<Next> {
    if state.is_terminal() {
        return None;
    }
    let n = match obs {
        Observation::Killed(why) => next(S::Killed, Signal::Warren("kill".into()), why.clone()),
        Observation::Vanished(why) => next(S::Lost, Signal::Reconcile, why.clone()),
        Observation::Exited { code, signal } => match (code, signal) {
            (Some(0), _) => next(S::Completed, Signal::ProcessExit, "exit status 0"),
            (Some(c), _) => next(S::Failed, Signal::ProcessExit, format!("exit status {c}")),
            (None, Some(s)) => next(
                S::Failed,
                Signal::ProcessExit,
                format!("killed by signal {s}"),
            ),
            (None, None) => next(S::Failed, Signal::ProcessExit, "exited (status unknown)"),
        },
        Observation::Screen(Some((class, pattern))) => {
            let signal = Signal::Screen((*pattern).into());
            match class {
                ScreenClass::Waiting => {
                    next(S::WaitingInput, signal, "the screen asks for an answer")
                }
                ScreenClass::Busy => next(S::Running, signal, "the screen shows it busy"),
                ScreenClass::Ready => next(S::Idle, signal, "the screen shows it ready for input"),
            }
        }
        Observation::Screen(None) => match state {
            S::Idle | S::WaitingInput | S::Stuck | S::Unknown if profile.running_on_output => {
                next(S::Running, Signal::Output, "output arrived")
            }
            _ => None,
        },
        Observation::Quiet => match state {
            S::Starting | S::Running | S::Stuck | S::Unknown if profile.idle_on_quiescence => next(
                S::Idle,
                Signal::Quiescence,
                "no output for the quiescence interval",
            ),
            _ => None,
        },
        Observation::NoProgress => match state {
            S::Running => next(
                S::Stuck,
                Signal::Quiescence,
                "busy with no output past the stuck threshold",
            ),
            _ => None,
        },
        Observation::InputSent => match state {
            S::Idle | S::WaitingInput | S::Unknown | S::Stuck => {
                next(S::Running, Signal::Warren("input".into()), "input sent")
            }
            _ => None,
        },
    };
    n.filter(|n| n.to != state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::Profiles;

    fn profiles() -> Profiles {
        Profiles::new("claude", &Default::default()).unwrap()
    }

    #[test]
    fn exits_map_to_completed_or_failed() {
        let p = profiles();
        let sh = p.get("shell").unwrap();
        let done = step(
            S::Idle,
            &Observation::Exited {
                code: Some(0),
                signal: None,
            },
            sh,
        )
        .unwrap();
        assert_eq!((done.to, done.signal), (S::Completed, Signal::ProcessExit));
        let fail = step(
            S::Running,
            &Observation::Exited {
                code: Some(7),
                signal: None,
            },
            sh,
        )
        .unwrap();
        assert_eq!(
            (fail.to, fail.detail.as_str()),
            (S::Failed, "exit status 7")
        );
        let sig = step(
            S::Running,
            &Observation::Exited {
                code: None,
                signal: Some(15),
            },
            sh,
        )
        .unwrap();
        assert_eq!(sig.detail, "killed by signal 15");
    }

    #[test]
    fn terminal_states_absorb_everything() {
        let p = profiles();
        let sh = p.get("shell").unwrap();
        assert_eq!(
            step(
                S::Killed,
                &Observation::Exited {
                    code: Some(0),
                    signal: None
                },
                sh
            ),
            None
        );
        assert_eq!(step(S::Lost, &Observation::Quiet, sh), None);
    }

    #[test]
    fn quiescence_only_where_the_profile_trusts_it() {
        let p = profiles();
        assert_eq!(
            step(S::Running, &Observation::Quiet, p.get("shell").unwrap()).map(|n| n.to),
            Some(S::Idle)
        );
        assert_eq!(
            step(S::Running, &Observation::Quiet, p.get("python").unwrap()),
            None,
            "a silent computation is not idle"
        );
        assert_eq!(
            step(S::Running, &Observation::Quiet, p.get("claude").unwrap()),
            None
        );
    }

    #[test]
    fn screen_patterns_carry_their_name() {
        let p = profiles();
        let c = p.get("claude").unwrap();
        let n = step(
            S::Idle,
            &Observation::Screen(Some((ScreenClass::Busy, "busy"))),
            c,
        )
        .unwrap();
        assert_eq!(
            (n.to, n.signal.name()),
            (S::Running, "screen:busy".to_string())
        );
        assert_eq!(
            step(S::Idle, &Observation::Screen(None), c),
            None,
            "claude redraws are not activity"
        );
        assert_eq!(
            step(
                S::Idle,
                &Observation::Screen(None),
                p.get("python").unwrap()
            )
            .map(|n| n.to),
            Some(S::Running)
        );
    }

    #[test]
    fn input_makes_an_idle_session_running_and_no_progress_makes_it_stuck() {
        let p = profiles();
        let py = p.get("python").unwrap();
        assert_eq!(
            step(S::Idle, &Observation::InputSent, py).map(|n| n.to),
            Some(S::Running)
        );
        assert_eq!(
            step(S::Running, &Observation::NoProgress, py).map(|n| n.to),
            Some(S::Stuck)
        );
        assert_eq!(step(S::Starting, &Observation::InputSent, py), None);
    }
}
