//! The daemon's life: `run` opens the store, reconciles, starts the components and serves
//! the API until stopped; teardown, the pid lock, the fd limit, the recorder and logging.

use crate::config::Config;
use crate::daemon::Daemon;
use crate::daemon::component::Components;
use crate::paths::Paths;
use crate::runtime::tmux::watchers;
use crate::{api, bus, profiles, reconcile, registry, service, store, tmux, token, watch};
use std::sync::Arc;
use std::time::Instant;
use tokio::net::{TcpListener, UnixListener};

/// Serves until `warren daemon stop` (or SIGTERM/SIGINT). Sessions keep running afterwards
/// unless the stop asked to end them. `mounts` are served beside the API (the binary's MCP
/// endpoint at `/mcp`).
pub async fn run(paths: Paths, config: Config, mounts: api::Mounts) -> anyhow::Result<()> {
    paths.create_dirs()?;
    let _lock = lock_pid_file(&paths)?;
    raise_fd_limit();
    let token = token::load_or_create(&paths.token)?;
    let store = Arc::new(store::Store::open(&paths.db)?);
    let (notice_tx, notice_rx) = tokio::sync::mpsc::unbounded_channel();
    let tmux = tmux::Tmux::new(
        &config.tmux,
        &paths.tmux_socket,
        &paths.tmux_events,
        config.history_limit,
        notice_tx,
    );
    let profiles = profiles::Profiles::new(&config.claude, &config.profiles)?;
    let watcher = watch::Watcher::new(&paths.tmux_events)?;
    let (shutdown, mut shutdown_rx) = tokio::sync::watch::channel(None);
    let tcp_addr = config.tcp.clone().filter(|t| !t.is_empty());
    let d = Arc::new(Daemon {
        bus: bus::EventBus::new(store.clone(), config.event_retention),
        store,
        tmux,
        registry: registry::Registry::default(),
        profiles,
        watcher,
        started: Instant::now(),
        token,
        tcp: std::sync::Mutex::new(None),
        exe: std::env::current_exe()?,
        shutdown,
        paths: paths.clone(),
        config,
    });
    // Subscribed before reconcile, so they see every transition it makes.
    let mut components = Components::default();
    components.add(&d, watchers::TmuxWatchers { notices: notice_rx });
    crate::components::all(&d, &mut components);
    let fresh_recorder = d.start_recorder().await?;
    reconcile::run(&d, fresh_recorder).await?;
    components.start();
    if let Err(e) = d.store.idem_prune(store::now_ms() - 7 * 86_400_000) {
        tracing::warn!("pruning old idempotency keys: {e}");
    }

    let app = api::router(d.clone(), mounts);
    // We hold the pid lock, so a socket file left here is stale.
    let _ = std::fs::remove_file(&paths.socket);
    let uds = UnixListener::bind(&paths.socket)?;
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&paths.socket, std::fs::Permissions::from_mode(0o600))?;
    }
    let uid = nix::unistd::getuid().as_raw();
    let mut servers = tokio::task::JoinSet::new();
    let stop = |mut rx: tokio::sync::watch::Receiver<Option<bool>>| async move {
        let _ = rx.wait_for(Option::is_some).await;
    };
    servers.spawn(
        axum::serve(api::auth::UidListener::new(uds, uid), app.clone())
            .with_graceful_shutdown(stop(shutdown_rx.clone()))
            .into_future(),
    );
    if let Some(addr) = tcp_addr {
        let sock: std::net::SocketAddr = addr
            .parse()
            .map_err(|e| anyhow::anyhow!("tcp address {addr:?}: {e}"))?;
        if !sock.ip().is_loopback() && !d.config.allow_remote_tcp {
            anyhow::bail!(
                "refusing to listen on {addr}: not a loopback address (set allow_remote_tcp, or pass --allow-remote, to force it)"
            );
        }
        let listener = TcpListener::bind(sock).await?;
        *d.tcp
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(listener.local_addr()?.to_string());
        let guarded = app.layer(axum::middleware::from_fn_with_state(
            d.clone(),
            api::auth::tcp_guard,
        ));
        servers.spawn(
            axum::serve(listener, guarded)
                .with_graceful_shutdown(stop(shutdown_rx.clone()))
                .into_future(),
        );
    }
    tracing::info!(pid = std::process::id(), socket = %paths.socket.display(), "warren daemon ready");

    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = shutdown_rx.wait_for(Option::is_some) => {}
        _ = sigterm.recv() => { d.shutdown.send_replace(Some(false)); }
        _ = tokio::signal::ctrl_c() => { d.shutdown.send_replace(Some(false)); }
    }
    let kill_sessions = d.shutdown.borrow().unwrap_or(false);
    if kill_sessions {
        teardown(&d).await;
    }
    components.stop(std::time::Duration::from_secs(1)).await;
    // Answers in flight finish; SSE streams are cut after a moment.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), async {
        while servers.join_next().await.is_some() {}
    })
    .await;
    let _ = std::fs::remove_file(&paths.socket);
    tracing::info!("warren daemon stopped");
    Ok(())
}

/// Ends every session, the private tmux server and the output recorder.
async fn teardown(d: &Arc<Daemon>) {
    for h in d.registry.all() {
        if !h.state().is_terminal() {
            let _ = service::kill::run(d, &h.id, &crate::ops::policy::Caller::person()).await;
        }
    }
    d.tmux.kill_server().await;
    crate::daemon::kill_recorder(&d.paths);
}

fn lock_pid_file(paths: &Paths) -> anyhow::Result<std::fs::File> {
    use std::io::{Read as _, Seek as _, Write as _};
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&paths.pid_file)?;
    if f.try_lock().is_err() {
        let mut pid = String::new();
        let _ = f.read_to_string(&mut pid);
        anyhow::bail!(
            "another warren daemon (pid {}) serves {}",
            pid.trim(),
            paths.home.display()
        );
    }
    f.set_len(0)?;
    f.rewind()?;
    write!(f, "{}", std::process::id())?;
    f.flush()?;
    Ok(f)
}

/// Hundreds of sessions mean hundreds of watched files and sockets.
fn raise_fd_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        if soft < hard {
            let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
        }
    }
}

/// Sets up the daemon's log: a file under the home, `RUST_LOG` overriding the configured level.
pub fn init_logging(
    paths: &Paths,
    config: &Config,
) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.log_level));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&paths.log_file)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
