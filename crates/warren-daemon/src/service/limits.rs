//! `limits`: changes a session's safety net. A session may tighten anyone's limits but not
//! raise its own or an ancestor's.

use crate::daemon::Daemon;
use crate::ops::limits::apply;
use crate::ops::policy::Caller;
use crate::session::{HeadlessCmd, TmuxCmd};
use std::sync::Arc;
use warren_proto::{ApiError, LimitsRequest, SessionInfo};

/// Applies the change and answers the session's status.
pub(crate) fn run(
    d: &Arc<Daemon>,
    key: &str,
    req: LimitsRequest,
    caller: &Caller,
) -> Result<SessionInfo, ApiError> {
    let h = d.lookup(key)?;
    let Some(mut row) = h.headless() else {
        // A tmux session: its time limits.
        let old = h.limits();
        let new = crate::ops::limits::tmux_limits(apply(&old, &req), h.profile.status.hooks())?;
        caller.may_set_limits(d, &h, &old, &new)?;
        d.store
            .set_session_limits(&h.id, &new)
            .map_err(ApiError::internal)?;
        if let Some(t) = h.tmux() {
            t.set_limits(new);
            t.send(TmuxCmd::LimitsChanged);
        }
        return crate::ops::view::one(d, &h.id);
    };
    let old = row.limits.clone();
    let new = apply(&old, &req);
    crate::ops::limits::validate_limits(&new)?;
    caller.may_set_limits(d, &h, &old, &new)?;
    row.limits = new;
    d.store.save_headless(&row).map_err(ApiError::internal)?;
    h.set_headless(|x| *x = row);
    crate::runtime::headless::strict::refresh_guard(d, &h)?;
    if let Some(x) = h.headless_ctl() {
        x.send(HeadlessCmd::LimitsChanged);
    }
    crate::ops::view::one(d, &h.id)
}
