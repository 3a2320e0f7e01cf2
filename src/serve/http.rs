//! The HTTP side: answers from the built site in memory (and the files the build copies
//! as they are), never from anywhere else; refuses foreign hosts and origins.

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::percent_decode_str;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};
use tower_http::set_header::SetResponseHeaderLayer;

use super::livereload::{EVENTS_PATH, SCRIPT, SCRIPT_PATH};
use super::state::{ServedFile, Shared};

/// The routes: the live-reload channel and script, then the site.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(script))
        .fallback(site_file)
        .layer(middleware::from_fn(refuse_foreign_requests))
        // A preview must never be cached: the next rebuild changes it.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(shared)
}

/// Refuses requests whose `Host` is a domain name (DNS rebinding: a foreign page whose
/// domain now resolves to 127.0.0.1) and requests from another origin.
async fn refuse_foreign_requests(request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let Some(host) = host.filter(|host| is_local_host(host)) else {
        return forbidden("this preview answers only to an IP address or localhost");
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = origin
            .to_str()
            .is_ok_and(|o| o.eq_ignore_ascii_case(&format!("http://{host}")));
        if !same {
            return forbidden("requests from other sites are refused");
        }
    }
    next.run(request).await
}

fn forbidden(why: &'static str) -> Response {
    (StatusCode::FORBIDDEN, why).into_response()
}

/// `localhost` or an IP address, with or without a port.
fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        // [::1]:1111
        Some(rest) => rest.split_once(']').map(|(ip, _)| ip),
        None => Some(host.rsplit_once(':').map_or(host, |(name, _)| name)),
    };
    name.is_some_and(|name| {
        name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok()
    })
}

/// The event stream: the last failure first (for pages opened since), then every rebuild.
async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let updates = BroadcastStream::new(shared.events.subscribe());
    let failure = shared
        .served
        .read()
        .expect("no panic while serving")
        .failure
        .clone();
    let stream = tokio_stream::iter(failure)
        .chain(updates.filter_map(Result::ok))
        .map(|message| Ok(Event::default().data(message.to_json())));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

/// A file of the built site, or its 404 page.
async fn site_file(
    State(shared): State<Arc<Shared>>,
    method: Method,
    request: Request,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let raw = request.uri().path();
    let Some(path) = output_path(raw) else {
        return not_found(&shared).await;
    };
    let found = {
        let served = shared.served.read().expect("no panic while serving");
        match served.files.get(&path) {
            Some(file) => Found::File(file.clone()),
            // `/2026/11/x` → `/2026/11/x/`, as static hosts do.
            None if served.files.contains_key(&format!("{path}/index.html")) => Found::Folder,
            None => Found::Nothing,
        }
    };
    match found {
        Found::File(file) => match read(file).await {
            Some(bytes) => respond(&path, StatusCode::OK, bytes),
            None => not_found(&shared).await,
        },
        Found::Folder => (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, format!("{raw}/"))],
        )
            .into_response(),
        Found::Nothing => not_found(&shared).await,
    }
}

enum Found {
    File(ServedFile),
    Folder,
    Nothing,
}

/// The output path a request path names: `/2026/11/x/` → `2026/11/x/index.html`.
/// `None` for anything that is not a plain path inside the site (`..`, `.`,
/// backslashes, NUL, invalid UTF-8), whether sent as is or percent-encoded.
fn output_path(raw: &str) -> Option<String> {
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    let inside = decoded.strip_prefix('/')?;
    let plain = |part: &str| part != ".." && part != "." && !part.contains(['\\', '\0']);
    if !inside.split('/').all(plain) {
        return None;
    }
    if inside.is_empty() || inside.ends_with('/') {
        Some(format!("{inside}index.html"))
    } else {
        Some(inside.to_string())
    }
}

/// The bytes of a served file; a copied file is read now, and never through a link.
async fn read(file: ServedFile) -> Option<Bytes> {
    match file {
        ServedFile::Bytes(bytes) => Some(bytes),
        ServedFile::Copy(path) => tokio::task::spawn_blocking(move || {
            let metadata = fs_err::symlink_metadata(&path).ok()?;
            if !metadata.is_file() {
                return None;
            }
            fs_err::read(&path).ok().map(Bytes::from)
        })
        .await
        .ok()
        .flatten(),
    }
}

async fn not_found(shared: &Shared) -> Response {
    let page = shared
        .served
        .read()
        .expect("no panic while serving")
        .files
        .get("404.html")
        .cloned();
    match page {
        Some(page) => match read(page).await {
            Some(bytes) => respond("404.html", StatusCode::NOT_FOUND, bytes),
            None => StatusCode::NOT_FOUND.into_response(),
        },
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

/// Answers with a file; HTML pages get the live-reload script.
fn respond(path: &str, status: StatusCode, bytes: Bytes) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let content_type = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    let body = if is_html {
        Body::from(with_script(&bytes))
    } else {
        Body::from(bytes)
    };
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// The page with the live-reload script before `</body>` (or at the end).
fn with_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" defer></script>\n");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut page = Vec::with_capacity(html.len() + tag.len());
    page.extend_from_slice(&html[..at]);
    page.extend_from_slice(tag.as_bytes());
    page.extend_from_slice(&html[at..]);
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_output_files() {
        assert_eq!(output_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            output_path("/2026/11/x/").as_deref(),
            Some("2026/11/x/index.html")
        );
        assert_eq!(
            output_path("/tags/s%C3%A9curit%C3%A9/").as_deref(),
            Some("tags/sécurité/index.html")
        );
        assert_eq!(
            output_path("/css/style.css").as_deref(),
            Some("css/style.css")
        );
    }

    #[test]
    fn escaping_paths_are_refused() {
        for raw in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/a/..%5c..%5cetc",
            "/a\\..\\b",
            "/./index.html",
            "/a%00b",
            "/%ff",
            "relative",
        ] {
            assert_eq!(output_path(raw), None, "{raw}");
        }
    }

    #[test]
    fn only_ip_addresses_and_localhost_are_local() {
        for host in [
            "127.0.0.1:1111",
            "localhost:1111",
            "[::1]:1111",
            "192.168.1.5",
            "LOCALHOST",
        ] {
            assert!(is_local_host(host), "{host}");
        }
        for host in [
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.nip.io:80",
            "",
        ] {
            assert!(!is_local_host(host), "{host}");
        }
    }

    #[test]
    fn the_script_goes_before_the_body_end() {
        let page = with_script(b"<html><body><p>x</p></body></html>");
        let page = String::from_utf8(page).unwrap();
        assert!(page.ends_with("defer></script>\n</body></html>"), "{page}");
    }
}
