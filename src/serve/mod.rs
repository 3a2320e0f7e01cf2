//! `kiosque serve`: builds the site into memory, serves it over HTTP, watches the sources,
//! rebuilds what changed and reloads the open pages.
//!
//! Three parts: the [`watcher`] turns file events into [`watcher::Changes`]; the
//! rebuild thread owns the [`state::SiteState`] and applies them one at a time (never
//! two rebuilds at once); the [`http`] handlers answer from [`state::Shared`], which
//! holds the last good pages and the [`livereload`] channel.

mod carried;
pub mod http;
pub mod livereload;
pub mod search;
pub mod state;
pub mod watcher;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use crate::build::BuildOptions;
use crate::diagnostic::Diagnostic;
use state::{Outcome, Report, Shared, SiteState};
use watcher::{Changes, Next, Watcher};

/// Quick rebuilds reuse the related lists; they are computed again, on another thread,
/// once the author has paused this long (on a large site that takes seconds)...
const SETTLE_RELATED_AFTER: std::time::Duration = std::time::Duration::from_millis(1000);
/// ...and the server looks this often whether they are done.
const POLL_RELATED: std::time::Duration = std::time::Duration::from_millis(50);

/// What `kiosque serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// 0 picks a free port.
    pub port: u16,
    pub bind: IpAddr,
    /// Show drafts and articles dated in the future.
    pub drafts: bool,
    /// Open the site in the default browser.
    pub open: bool,
}

/// Why the server could not start (content errors never stop it).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot start the server's runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot find the site folder {}: {source}", root.display())]
    Root {
        root: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot watch the site's files: {0}")]
    Watch(#[from] notify::Error),
}

/// Runs the dev server until the process is stopped.
pub fn run(options: &ServeOptions) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let requested = SocketAddr::new(options.bind, options.port);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(requested))
        .map_err(|source| ServeError::Bind {
            address: requested,
            source,
        })?;
    let address = listener.local_addr().map_err(|source| ServeError::Bind {
        address: requested,
        source,
    })?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can see the preview, drafts included",
            options.bind
        );
    }
    let url = site_url(address);
    let root = fs_err::canonicalize(&options.root).map_err(|source| ServeError::Root {
        root: options.root.clone(),
        source,
    })?;

    let shared = Arc::new(Shared::new());
    let build_options = BuildOptions {
        root: options.root.clone(),
        drafts: options.drafts,
        future: options.drafts,
        base_url: Some(url.clone()),
        ..BuildOptions::default()
    };
    let mut state = SiteState::new(build_options, Arc::clone(&shared));
    let mut watcher = Watcher::new(&root)?;
    let everything = Changes {
        config: true,
        ..Changes::default()
    };
    print_report(&state.rebuild(&everything), &everything);

    let app = http::router(shared);
    runtime.spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("error: the server stopped: {error}");
            std::process::exit(1);
        }
    });
    println!(
        "Serving {} at {url} (Ctrl-C to stop)",
        options.root.display()
    );
    if options.open
        && let Err(error) = opener::open(&url)
    {
        eprintln!("warning: cannot open a browser: {error}");
    }
    loop {
        let quiet = if state.is_settling() {
            Some(POLL_RELATED)
        } else {
            state.needs_settling().then_some(SETTLE_RELATED_AFTER)
        };
        match watcher.next_changes(state.theme().unwrap_or_default(), quiet) {
            Next::Changes(changes) => {
                let report = state.rebuild(&changes);
                print_report(&report, &changes);
            }
            Next::Quiet if !state.is_settling() => state.start_settling(),
            Next::Quiet => {}
            Next::Stopped => return Ok(()),
        }
        if let Some(report) = state.settled() {
            print_settled(&report);
        }
    }
}

/// The address pages link to: a wildcard bind is reached through the loopback address.
fn site_url(address: SocketAddr) -> String {
    let ip = match address.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => IpAddr::from([127, 0, 0, 1]),
        ip if ip.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, address.port()))
}

fn print_report(report: &Report, changes: &Changes) {
    print_diagnostics(&report.warnings);
    let what = describe(changes);
    match &report.outcome {
        Outcome::Served { rendered, changed } => {
            let served = changes
                .since
                .map(|since| format!(", {} ms from the file event", since.elapsed().as_millis()))
                .unwrap_or_default();
            println!(
                "Build {} ({what}): {rendered} pages rendered, {} files changed in {} ms{served} ({})",
                report.build,
                changed.len(),
                report.elapsed.as_millis(),
                stages(report),
            );
        }
        Outcome::Failed(errors) => {
            print_diagnostics(errors);
            eprintln!(
                "Build {} ({what}) failed with {} error(s); the last good pages are still served.",
                report.build,
                errors.len()
            );
        }
    }
}

fn print_settled(report: &Report) {
    match &report.outcome {
        Outcome::Served { rendered, changed } => println!(
            "Related articles updated: {rendered} pages rendered, {} files changed in {} ms ({})",
            changed.len(),
            report.elapsed.as_millis(),
            stages(report),
        ),
        Outcome::Failed(errors) => {
            print_diagnostics(errors);
            eprintln!(
                "Related articles: {} error(s); the last good pages are still served.",
                errors.len()
            );
        }
    }
}

/// The time of each stage of a rebuild: `read 3, index 7, …`.
fn stages(report: &Report) -> String {
    report
        .timings
        .iter()
        .map(|timing| format!("{} {}", timing.stage, timing.wall.as_millis()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe(changes: &Changes) -> String {
    if changes.config {
        return "everything".to_string();
    }
    let mut parts: Vec<String> = changes
        .content
        .iter()
        .map(|path| format!("content/{path}"))
        .collect();
    if changes.templates {
        parts.push("templates".to_string());
    }
    parts.extend(changes.theme_static.iter().map(|p| format!("static/{p}")));
    if parts.len() > 3 {
        format!("{} and {} more", parts[..3].join(", "), parts.len() - 3)
    } else {
        parts.join(", ")
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}");
    }
}
