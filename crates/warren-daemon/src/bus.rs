//! The event bus: a state change is written to the store before its event is published, so
//! the stored log and what subscribers saw never disagree. Output events are live only.
//!
//! Every stored event also goes, in order and without loss, to each component's inbox
//! ([`EventBus::subscribe_stored`]); the live channel may drop events for a slow reader.

use crate::store::{Store, now_ms, rfc3339};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{broadcast, mpsc};
use warren_proto::{Event, EventKind};

/// Capacity of the live channel; a subscriber further behind is told it lagged.
const LIVE_CAPACITY: usize = 8192;
/// Prune the stored log every this many inserts.
const PRUNE_EVERY: u64 = 1000;

/// Publishes events.
pub(crate) struct EventBus {
    store: Arc<Store>,
    live: broadcast::Sender<Arc<Event>>,
    retention: u64,
    inserted: AtomicU64,
    stored: Mutex<Vec<Inbox>>,
}

/// A component's inbox: its name (for the log), which events it wants, and the sending end.
type Inbox = (
    &'static str,
    fn(&EventKind) -> bool,
    mpsc::UnboundedSender<Arc<Event>>,
);

impl EventBus {
    /// A bus over `store`, keeping `retention` stored events.
    pub(crate) fn new(store: Arc<Store>, retention: u64) -> Self {
        let (live, _) = broadcast::channel(LIVE_CAPACITY);
        Self {
            store,
            live,
            retention,
            inserted: AtomicU64::new(0),
            stored: Mutex::new(Vec::new()),
        }
    }

    /// Stores then publishes a lifecycle or state event; returns it with its id.
    pub(crate) fn publish(
        &self,
        session_id: &str,
        session: &str,
        kind: EventKind,
    ) -> anyhow::Result<Arc<Event>> {
        let at_ms = now_ms();
        let payload = serde_json::to_string(&kind)?;
        let id = self
            .store
            .insert_event(at_ms, session_id, session, kind.type_name(), &payload)?;
        // Prune as often as the retention is small, at most every PRUNE_EVERY inserts.
        let every = PRUNE_EVERY.min(self.retention.max(1));
        if self.inserted.fetch_add(1, Ordering::Relaxed) % every == every - 1 {
            self.store.prune_events(self.retention)?;
        }
        let ev = Arc::new(Event {
            id: Some(id),
            at: rfc3339(at_ms),
            session_id: session_id.into(),
            session: session.into(),
            kind,
        });
        self.deliver_stored(&ev);
        let _ = self.live.send(ev.clone());
        Ok(ev)
    }

    /// Every event stored from now on that `wants` takes, in order, none dropped (a
    /// component's inbox).
    pub(crate) fn subscribe_stored(
        &self,
        name: &'static str,
        wants: fn(&EventKind) -> bool,
    ) -> mpsc::UnboundedReceiver<Arc<Event>> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.stored
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((name, wants, tx));
        rx
    }

    /// Hands a stored event to every inbox; an inbox whose component ended is forgotten.
    fn deliver_stored(&self, ev: &Arc<Event>) {
        let mut inboxes = self.stored.lock().unwrap_or_else(PoisonError::into_inner);
        inboxes.retain(|(name, wants, tx)| {
            if !wants(&ev.kind) {
                return !tx.is_closed();
            }
            let open = tx.send(ev.clone()).is_ok();
            if !open {
                tracing::debug!("component {name} ended; no more events for it");
            }
            open
        });
    }

    /// Publishes a live-only event (output).
    pub(crate) fn publish_live(&self, session_id: &str, session: &str, kind: EventKind) {
        if self.live.receiver_count() == 0 {
            return;
        }
        let ev = Event {
            id: None,
            at: rfc3339(now_ms()),
            session_id: session_id.into(),
            session: session.into(),
            kind,
        };
        let _ = self.live.send(Arc::new(ev));
    }

    /// A live subscription (subscribe before reading the stored backlog).
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.live.subscribe()
    }

    /// Whether anyone listens live (output is not encoded for nobody).
    pub(crate) fn has_subscribers(&self) -> bool {
        self.live.receiver_count() > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bus(retention: u64) -> (tempfile::TempDir, EventBus) {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("w.db")).unwrap());
        (dir, EventBus::new(store, retention))
    }

    fn warning(i: usize) -> EventKind {
        EventKind::Warning {
            message: format!("m{i}"),
        }
    }

    #[test]
    fn a_component_inbox_loses_nothing_where_the_live_channel_lags() {
        let (_dir, bus) = bus(100_000);
        let mut live = bus.subscribe();
        let mut inbox = bus.subscribe_stored("test", |_| true);
        // More than the live channel holds, and nobody reads while they are published.
        let n = LIVE_CAPACITY + 500;
        for i in 0..n {
            bus.publish("id", "s", warning(i)).unwrap();
        }
        assert!(
            matches!(
                live.try_recv(),
                Err(broadcast::error::TryRecvError::Lagged(_))
            ),
            "the live channel drops events for a slow reader"
        );
        let mut last = 0;
        for i in 0..n {
            let ev = inbox
                .try_recv()
                .unwrap_or_else(|e| panic!("event {i} of {n} never reached the inbox: {e}"));
            let id = ev.id.expect("stored events have ids");
            assert!(id > last, "in the order stored");
            last = id;
            assert_eq!(ev.kind, warning(i));
        }
        assert!(inbox.try_recv().is_err(), "nothing more than was stored");
    }

    #[test]
    fn live_only_events_and_ended_components_are_not_delivered() {
        let (_dir, bus) = bus(100);
        let mut inbox = bus.subscribe_stored("kept", |_| true);
        drop(bus.subscribe_stored("ended", |_| true));
        let mut warnings_only = bus.subscribe_stored(
            "filtered",
            |k| matches!(k, EventKind::Warning { message } if message == "m1"),
        );
        bus.publish_live("id", "s", warning(0));
        assert!(inbox.try_recv().is_err(), "output events are live only");
        bus.publish("id", "s", warning(1)).unwrap();
        bus.publish("id", "s", warning(2)).unwrap();
        assert_eq!(inbox.try_recv().unwrap().kind, warning(1));
        assert_eq!(inbox.try_recv().unwrap().kind, warning(2));
        assert_eq!(warnings_only.try_recv().unwrap().kind, warning(1));
        assert!(
            warnings_only.try_recv().is_err(),
            "an event it does not want never reaches it"
        );
        let inboxes = bus.stored.lock().unwrap();
        assert_eq!(
            inboxes.iter().map(|(n, _, _)| *n).collect::<Vec<_>>(),
            ["kept", "filtered"],
            "an inbox whose component ended is forgotten at the next event"
        );
    }
}
