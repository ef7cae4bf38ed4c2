//! A session's attention episode as the handle keeps it: plain data the attention component
//! writes and the session views read.

/// A session's attention episode, kept in memory on its handle (the attention component
/// is its only writer; `ls` and `status` read it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attention {
    /// Why it needs a person (the latest state of the episode).
    pub reason: String,
    /// When it left the states that need a person (ms); `None` while it is in one.
    pub left_ms: Option<i64>,
    /// How long after leaving the episode stays open (ms).
    pub rearm_ms: i64,
}

impl Attention {
    /// Whether the episode still lasts at `now_ms`.
    pub(crate) fn open_at(&self, now_ms: i64) -> bool {
        self.left_ms
            .is_none_or(|left| now_ms - left < self.rearm_ms)
    }
}
