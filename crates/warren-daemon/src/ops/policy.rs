//! Who is asking: a person (no identity token) or a session (its token). The daemon refuses a
//! session's attempts to raise its own or an ancestor's limits, or to end an ancestor.

use crate::daemon::Daemon;
use crate::session::SessionHandle;
use std::sync::Arc;
use warren_proto::{ApiError, ErrorCode, Limits};

/// The caller of a request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Caller {
    /// The session making the request, when it came from inside one.
    pub session_id: Option<String>,
}

impl Caller {
    /// A person at the CLI or an outside client.
    pub(crate) fn person() -> Self {
        Self::default()
    }

    /// Resolves an identity token (as sent in the header) to its session.
    pub(crate) fn from_token(d: &Daemon, token: Option<&str>) -> Result<Self, ApiError> {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Ok(Self::person());
        };
        match d.store.session_by_token(&hash(token)) {
            Ok(Some(id)) => Ok(Self {
                session_id: Some(id),
            }),
            Ok(None) => Err(ApiError::new(
                ErrorCode::Forbidden,
                "the session identity token is not known",
            )
            .with_hint("requests from inside a session carry its token; outside one, unset WARREN_SESSION_TOKEN")),
            Err(e) => Err(ApiError::internal(e)),
        }
    }

    /// The calling session's handle.
    pub(crate) fn session(&self, d: &Daemon) -> Option<Arc<SessionHandle>> {
        self.session_id
            .as_deref()
            .and_then(|id| d.registry.resolve(id))
    }

    /// Whether `target` is the caller itself or one of its ancestors.
    pub(crate) fn is_self_or_ancestor(&self, d: &Daemon, target: &SessionHandle) -> bool {
        let Some(mut cur) = self.session_id.clone() else {
            return false;
        };
        for _ in 0..64 {
            if cur == target.id {
                return true;
            }
            match d
                .registry
                .resolve(&cur)
                .and_then(|h| h.headless())
                .and_then(|r| r.parent_id)
            {
                Some(p) => cur = p,
                None => return false,
            }
        }
        false
    }

    /// Refuses ending an ancestor (ending itself is allowed).
    pub(crate) fn may_end(&self, d: &Daemon, target: &SessionHandle) -> Result<(), ApiError> {
        if self.session_id.as_deref() != Some(target.id.as_str())
            && self.is_self_or_ancestor(d, target)
        {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                format!("a session may not end its ancestor {}", target.name),
            ));
        }
        Ok(())
    }

    /// Refuses raising the limits of itself or an ancestor.
    pub(crate) fn may_set_limits(
        &self,
        d: &Daemon,
        target: &SessionHandle,
        old: &Limits,
        new: &Limits,
    ) -> Result<(), ApiError> {
        if self.is_self_or_ancestor(d, target) && raises(old, new) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                format!(
                    "a session may not raise the limits of {} (itself or an ancestor)",
                    target.name
                ),
            )
            .with_hint("ask a person to run `warren limits` for it"));
        }
        Ok(())
    }
}

fn looser<T: PartialOrd>(old: Option<T>, new: Option<T>) -> bool {
    match (old, new) {
        (Some(_), None) => true,
        (Some(o), Some(n)) => n > o,
        _ => false,
    }
}

/// Whether `new` is looser than `old` anywhere.
pub(crate) fn raises(old: &Limits, new: &Limits) -> bool {
    looser(old.max_cost, new.max_cost)
        || looser(old.max_turns, new.max_turns)
        || looser(old.max_time_secs, new.max_time_secs)
        || looser(old.max_total_time_secs, new.max_total_time_secs)
        || old.protect.iter().any(|p| !new.protect.contains(p))
        || (old.strict && !new.strict)
}

/// How a token is stored: its SHA-256, hex. The token itself is never stored or logged.
pub(crate) fn hash(token: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new random identity token.
pub(crate) fn new_token() -> String {
    let mut b = [0u8; 24];
    let _ = getrandom::fill(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raising_is_any_loosening() {
        let l = Limits {
            max_cost: Some(1.0),
            max_turns: Some(10),
            protect: vec![".env".into()],
            strict: true,
            ..Limits::default()
        };
        assert!(!raises(&l, &l));
        assert!(raises(
            &l,
            &Limits {
                max_cost: Some(2.0),
                ..l.clone()
            }
        ));
        assert!(raises(
            &l,
            &Limits {
                max_cost: None,
                ..l.clone()
            }
        ));
        assert!(raises(
            &l,
            &Limits {
                protect: vec![],
                ..l.clone()
            }
        ));
        assert!(raises(
            &l,
            &Limits {
                strict: false,
                ..l.clone()
            }
        ));
        assert!(!raises(
            &l,
            &Limits {
                max_turns: Some(5),
                ..l.clone()
            }
        ));
        assert!(
            !raises(&Limits::default(), &l),
            "adding limits is tightening"
        );
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 48);
        assert_ne!(hash(&a), a);
        assert_eq!(hash(&a), hash(&a));
    }
}
