//! Requests to external links: a few at a time, each with a timeout, each URL once.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ureq::Agent;

/// The URLs that failed, with what went wrong; `concurrency` requests run at once.
pub fn check<'a>(
    urls: &[&'a str],
    concurrency: usize,
    timeout: Duration,
) -> Vec<(&'a str, String)> {
    let agent: Agent = Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!("kiosque-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..concurrency.clamp(1, urls.len().max(1)) {
            scope.spawn(|| {
                while let Some(&url) = urls.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let Err(failure) = request(&agent, url) {
                        failures
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push((url, failure));
                    }
                }
            });
        }
    });
    let mut failures = failures
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    failures.sort();
    failures
}

/// HEAD first; servers that refuse it get a GET (whose body is never read).
fn request(agent: &Agent, url: &str) -> Result<(), String> {
    let status = |request: Result<ureq::http::Response<ureq::Body>, ureq::Error>| {
        request
            .map(|response| response.status().as_u16())
            .map_err(|error| format!("cannot be reached: {error}"))
    };
    let mut code = status(agent.head(url).call())?;
    if matches!(code, 403 | 405 | 501) {
        code = status(agent.get(url).call())?;
    }
    if code >= 400 {
        Err(format!("answers HTTP {code}"))
    } else {
        Ok(())
    }
}
