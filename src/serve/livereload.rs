//! Live reload: what the server tells open pages after a rebuild (server-sent events),
//! and the small script that listens in every HTML page.

use serde::Serialize;

use crate::diagnostic::Diagnostic;

/// The path of the event stream.
pub const EVENTS_PATH: &str = "/__kiosque/events";
/// The path of the script injected into HTML pages.
pub const SCRIPT_PATH: &str = "/__kiosque/livereload.js";

/// Beyond this many changed pages, open pages are told to reload whatever they show.
const MAX_LISTED: usize = 500;

/// One message to open pages.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Message {
    /// A rebuild succeeded: pages showing one of `paths` (site paths such as `/2026/11/x/`)
    /// reload; with `all`, every page does; with `css`, stylesheets are fetched again.
    Built {
        build: u64,
        paths: Vec<String>,
        all: bool,
        css: bool,
    },
    /// A rebuild failed: pages show these errors over the last good version.
    Failed { build: u64, errors: Vec<ErrorView> },
    /// A new search index is served (files under `pagefind/`); pages keep what they show.
    Indexed { files: usize },
}

/// A diagnostic as the overlay shows it; the script inserts it as text, never as HTML.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorView {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

impl From<&Diagnostic> for ErrorView {
    fn from(diagnostic: &Diagnostic) -> Self {
        Self {
            file: diagnostic.file.display().to_string(),
            line: diagnostic.line,
            column: diagnostic.column,
            message: diagnostic.message.clone(),
            help: diagnostic.help.clone(),
        }
    }
}

impl Message {
    /// A successful rebuild that changed the files at `outputs` (paths below the output folder).
    pub fn built(build: u64, outputs: &[String], everything: bool, css: bool) -> Self {
        let all = everything || outputs.len() > MAX_LISTED;
        Self::Built {
            build,
            paths: if all {
                Vec::new()
            } else {
                outputs.iter().map(|o| site_path(o)).collect()
            },
            all,
            css,
        }
    }

    /// A failed rebuild.
    pub fn failed(build: u64, errors: &[Diagnostic]) -> Self {
        Self::Failed {
            build,
            errors: errors.iter().map(ErrorView::from).collect(),
        }
    }

    /// The message as a server-sent event's data.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("messages serialize")
    }
}

/// The address a browser shows for an output file: `2026/11/x/index.html` → `/2026/11/x/`.
fn site_path(output: &str) -> String {
    match output.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{output}"),
    }
}

/// The script: listens to the event stream, reloads the page when it changed, swaps
/// stylesheets when only CSS changed, and shows build errors in an overlay.
pub const SCRIPT: &str = r#"(() => {
  "use strict";
  const here = decodeURI(location.pathname);
  let failed = false;
  const overlayId = "kiosque-error-overlay";
  function clearOverlay() {
    const old = document.getElementById(overlayId);
    if (old) old.remove();
  }
  function showOverlay(errors) {
    clearOverlay();
    const box = document.createElement("div");
    box.id = overlayId;
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,0,0,.92);color:#fff;font:15px/1.5 ui-monospace,monospace;padding:2em";
    const title = document.createElement("h2");
    title.textContent = "kiosque: the build failed; this page is the last good version";
    box.appendChild(title);
    for (const error of errors) {
      const item = document.createElement("pre");
      item.className = "kiosque-error";
      item.style.whiteSpace = "pre-wrap";
      item.textContent = error.file + ":" + error.line + ":" + error.column + ": " +
        error.message + (error.help ? "\n  help: " + error.help : "");
      box.appendChild(item);
    }
    document.body.appendChild(box);
  }
  function refreshStyles() {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("kiosque", Date.now());
      link.href = url.toString();
    }
  }
  const events = new EventSource("/__kiosque/events");
  // Lets tests (and the curious) see that the page listens.
  events.addEventListener("open", () => { document.documentElement.dataset.kiosqueLive = "1"; });
  events.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.kind !== "failed" && message.kind !== "built") return;
    if (message.kind === "failed") {
      failed = true;
      showOverlay(message.errors);
      return;
    }
    if (failed) {
      failed = false;
      clearOverlay();
      location.reload();
      return;
    }
    if (message.all || message.paths.includes(here)) {
      location.reload();
    } else if (message.css) {
      refreshStyles();
    }
  });
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_become_the_addresses_pages_are_seen_at() {
        assert_eq!(site_path("2026/11/x/index.html"), "/2026/11/x/");
        assert_eq!(site_path("index.html"), "/");
        assert_eq!(site_path("404.html"), "/404.html");
    }

    #[test]
    fn many_changes_reload_everything() {
        let many: Vec<String> = (0..=MAX_LISTED)
            .map(|i| format!("{i}/index.html"))
            .collect();
        let Message::Built { all, paths, .. } = Message::built(1, &many, false, false) else {
            unreachable!()
        };
        assert!(all && paths.is_empty());
    }
}
