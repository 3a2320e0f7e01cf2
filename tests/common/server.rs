//! A `kiosque serve` process on 127.0.0.1 and a free port, for HTTP-level tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use super::Site;

/// How long a test waits for a rebuild to be served.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A running dev server; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    /// Lines the server printed (stdout and stderr), as they come.
    lines: Receiver<String>,
    /// Every line received so far.
    pub log: Vec<String>,
}

/// An HTTP answer.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Server {
    /// Starts `kiosque serve --port 0 ARGS` in the site's root and waits until it serves.
    pub fn start(site: &Site, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kiosque"))
            .args(["serve", "--port", "0"])
            .args(args)
            .current_dir(site.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, lines) = channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sender = sender.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if sender.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        let mut server = Self {
            child,
            port: 0,
            lines,
            log: Vec::new(),
        };
        let serving = server
            .wait_line(|l| l.starts_with("Serving "))
            .unwrap_or_else(|| panic!("the server did not start:\n{}", server.log.join("\n")));
        let port = serving
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("no port in {serving}"));
        server.port = port;
        server
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The host header a browser sends to this server.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// GET `path`, with extra headers.
    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let client = reqwest::blocking::Client::new();
        let mut request = client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().unwrap();
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().unwrap(),
        }
    }

    /// GET `path`.
    pub fn get(&self, path: &str) -> Answer {
        self.get_with(path, &[])
    }

    /// Sends `GET <target>` exactly as written (no client normalisation) and returns
    /// the status code.
    pub fn raw_get(&self, target: &str) -> u16 {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.host()
        )
        .unwrap();
        let mut answer = String::new();
        let _ = BufReader::new(stream).read_line(&mut answer);
        answer
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status for {target}: {answer:?}"))
    }

    /// Polls `path` until its body satisfies `test`; whether it did within [`PATIENCE`].
    pub fn wait_for(&self, path: &str, test: impl Fn(&Answer) -> bool) -> bool {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if test(&self.get(path)) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Waits for a printed line satisfying `test`, keeping every line in `log`.
    pub fn wait_line(&mut self, test: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + PATIENCE;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok(line) = self.lines.recv_timeout(left) else {
                break;
            };
            self.log.push(line.clone());
            if test(&line) {
                return Some(line);
            }
        }
        None
    }

    /// Reads what the server printed during `quiet`, then counts its rebuilds so far.
    pub fn builds_after(&mut self, quiet: Duration) -> usize {
        let deadline = Instant::now() + quiet;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => self.log.push(line),
                Err(_) => break,
            }
        }
        self.log.iter().filter(|l| l.starts_with("Build ")).count()
    }

    /// Opens the live-reload channel, with extra headers.
    pub fn events_with(&self, headers: &[(&str, &str)]) -> Events {
        let client = reqwest::blocking::Client::builder()
            .timeout(None)
            .build()
            .unwrap();
        let mut request = client.get(self.url("/__kiosque/events"));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(response).lines().map_while(Result::ok) {
                if let Some(data) = line.strip_prefix("data: ") {
                    let message: serde_json::Value = serde_json::from_str(data).unwrap();
                    if sender.send(message).is_err() {
                        break;
                    }
                }
            }
        });
        Events { status, messages }
    }

    /// Opens the live-reload channel as a page of this server does.
    pub fn events(&self) -> Events {
        self.events_with(&[])
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The live-reload channel as a page sees it.
pub struct Events {
    pub status: u16,
    messages: Receiver<serde_json::Value>,
}

impl Events {
    /// The next message, if one comes within [`PATIENCE`].
    pub fn next(&self) -> Option<serde_json::Value> {
        self.messages.recv_timeout(PATIENCE).ok()
    }

    /// The next message of `kind` ("built" or "failed"), skipping others.
    pub fn next_of(&self, kind: &str) -> Option<serde_json::Value> {
        let deadline = Instant::now() + PATIENCE;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let message = self.messages.recv_timeout(left).ok()?;
            if message["kind"] == kind {
                return Some(message);
            }
        }
        None
    }
}

/// Writes `contents` to `path` the way many editors save: a temporary file, then a rename.
pub fn save_atomically(path: &std::path::Path, contents: &str) {
    let temporary = path.with_extension("md.kiosque-test.tmp");
    fs_err::write(&temporary, contents).unwrap();
    fs_err::rename(&temporary, path).unwrap();
}

/// Writes `contents` to `path` the way vim saves by default: a `4913` probe file,
/// a backup made by renaming the original, a new file, then the backup removed.
pub fn save_like_vim(path: &std::path::Path, contents: &str) {
    let dir = path.parent().unwrap();
    let probe = dir.join("4913");
    fs_err::write(&probe, "").unwrap();
    fs_err::remove_file(&probe).unwrap();
    let mut backup = path.as_os_str().to_owned();
    backup.push("~");
    fs_err::rename(path, &backup).unwrap();
    fs_err::write(path, contents).unwrap();
    fs_err::remove_file(&backup).unwrap();
}

/// Deletes `path`, then writes it again.
pub fn save_by_delete_and_create(path: &std::path::Path, contents: &str) {
    fs_err::remove_file(path).unwrap();
    fs_err::write(path, contents).unwrap();
}

/// The page without the live-reload script the server adds.
pub fn without_script(body: &str) -> String {
    body.replace(
        "<script src=\"/__kiosque/livereload.js\" defer></script>\n",
        "",
    )
}
