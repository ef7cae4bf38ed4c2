//! The lifecycle every long-running part of the daemon shares. A component is subscribed to
//! the stored events when the daemon starts (before reconcile, so it misses none), runs once
//! the sessions are reconciled, and ends when it is told to stop.
//!
//! Its inbox is lossless: every event the bus stores (each state change among them, after it
//! is in the store) reaches every component in order, however far behind it is. The live
//! broadcast the API streams from drops events for a slow reader; a component must not.

use super::Daemon;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use warren_proto::{Event, EventKind};

/// Stored events, in the order they were stored.
pub(crate) type Inbox = mpsc::UnboundedReceiver<Arc<Event>>;

/// What a component gets when it starts.
pub(crate) struct Ctx {
    /// The daemon.
    pub d: Arc<Daemon>,
    /// Every stored event it wants since the component was added.
    pub inbox: Inbox,
    stop: watch::Receiver<bool>,
}

impl Ctx {
    /// Resolves once the daemon tells its components to stop.
    pub(crate) async fn stopped(&mut self) {
        let _ = self.stop.wait_for(|s| *s).await;
    }

    /// The next stored event; `None` once the component should stop.
    pub(crate) async fn next(&mut self) -> Option<Arc<Event>> {
        tokio::select! {
            biased;
            _ = self.stop.wait_for(|s| *s) => None,
            ev = self.inbox.recv() => ev,
        }
    }
}

/// A long-running part of the daemon (see docs/ARCHITECTURE.md, "Components").
pub(crate) trait Component: Send + 'static {
    /// Its name, in the daemon's log.
    const NAME: &'static str;
    /// Which stored events it reads (all by default); the others never reach its inbox, so
    /// one that reads none (`false` for every kind) has an inbox that never grows.
    fn wants(_kind: &EventKind) -> bool {
        true
    }
    /// Runs until [`Ctx::next`] says stop (or [`Ctx::stopped`] resolves).
    fn run(self, ctx: Ctx) -> impl Future<Output = ()> + Send + 'static;
}

type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The daemon's components: added (subscribed) first, started together, stopped together.
pub(crate) struct Components {
    stop: watch::Sender<bool>,
    pending: Vec<(&'static str, Task)>,
    running: tokio::task::JoinSet<()>,
}

impl Default for Components {
    fn default() -> Self {
        Self {
            stop: watch::channel(false).0,
            pending: Vec::new(),
            running: tokio::task::JoinSet::new(),
        }
    }
}

impl Components {
    /// Subscribes `c` to the stored events now; it runs from [`Components::start`].
    pub(crate) fn add<C: Component>(&mut self, d: &Arc<Daemon>, c: C) {
        let ctx = Ctx {
            d: d.clone(),
            inbox: d.bus.subscribe_stored(C::NAME, C::wants),
            stop: self.stop.subscribe(),
        };
        self.pending.push((C::NAME, Box::pin(c.run(ctx))));
    }

    /// Starts every component added so far.
    pub(crate) fn start(&mut self) {
        for (name, task) in self.pending.drain(..) {
            tracing::debug!("starting component {name}");
            self.running.spawn(async move {
                task.await;
                tracing::debug!("component {name} stopped");
            });
        }
    }

    /// Tells every component to stop and waits up to `within` for them to end; the ones
    /// still running then are aborted.
    pub(crate) async fn stop(mut self, within: Duration) {
        self.stop.send_replace(true);
        let all = async { while self.running.join_next().await.is_some() {} };
        if tokio::time::timeout(within, all).await.is_err() {
            tracing::warn!("components still running after {within:?}; aborting them");
            self.running.abort_all();
        }
    }
}
