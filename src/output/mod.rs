//! What a build makes besides pages (feeds, sitemaps, robots.txt, redirects, the search
//! index), and the writer: one set of output files, written to disk or kept in memory.

pub mod feeds;
pub mod redirects;
pub mod robots;
pub mod search;
pub mod sitemap;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::content::matter::is_forbidden_in_text;
use crate::diagnostic::Diagnostic;
use crate::site::Site;

/// The file kiosque leaves in its output folder, so it knows the folder is its own.
pub const MARKER: &str = ".kiosque-output";

/// What goes into one output file.
#[derive(Debug, Clone)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// A file copied as it is.
    Copy(PathBuf),
}

/// Every file of a build, by path relative to the output folder.
pub type Files = BTreeMap<String, Contents>;

/// What a write to disk did.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// The files made from the whole site rather than one page: RSS and Atom feeds, the
/// sitemaps, `robots.txt` and `_redirects`. `files` is what the build made so far: a
/// site's own `robots.txt` is kept, its own `_redirects` rules come first.
pub fn emit(site: &Site, files: &Files) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
    let failed = |file: &str, error: std::io::Error| {
        vec![Diagnostic::error(
            Path::new(file),
            1,
            1,
            format!("cannot write {file}: {error}"),
        )]
    };
    let mut emitted = feeds::render(site).map_err(|e| vec![e])?;
    emitted.extend(sitemap::render(site).map_err(|e| failed(sitemap::SITEMAP_FILE, e))?);
    emitted.push((
        sitemap::NEWS_SITEMAP_FILE.to_string(),
        sitemap::render_news(site, site.now).map_err(|e| failed(sitemap::NEWS_SITEMAP_FILE, e))?,
    ));
    if !files.contains_key(robots::ROBOTS_FILE) {
        emitted.push((
            robots::ROBOTS_FILE.to_string(),
            robots::render(&site.config).into_bytes(),
        ));
    }
    let own_redirects = match files.get(redirects::REDIRECTS_FILE) {
        Some(Contents::Copy(source)) => Some(
            fs_err::read_to_string(source)
                .map_err(|e| vec![Diagnostic::error(source, 1, 1, e.to_string())])?,
        ),
        Some(Contents::Bytes(bytes)) => Some(String::from_utf8_lossy(bytes).into_owned()),
        None => None,
    };
    if let Some(text) = redirects::render(site, own_redirects.as_deref()) {
        emitted.push((redirects::REDIRECTS_FILE.to_string(), text.into_bytes()));
    }
    Ok(emitted)
}

/// Text without the characters XML 1.0 forbids (escaping cannot save them).
pub fn xml_text(text: &str) -> String {
    text.chars().filter(|&c| !is_forbidden_in_text(c)).collect()
}

/// Refuses output folders that kiosque must never empty.
pub fn check_output_dir(output: &Path, site_root: &Path) -> Result<(), Diagnostic> {
    let refuse = |why: String| {
        Err(Diagnostic::error(output, 1, 1, why)
            .with_help("pass --output with a folder of its own, such as public/"))
    };
    let absolute = absolute(output);
    let root = absolute_dir(site_root);
    if absolute.parent().is_none() {
        return refuse("refusing to write into the file system root".into());
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && absolute == absolute_dir(&home)
    {
        return refuse("refusing to write into your home folder".into());
    }
    if root.starts_with(&absolute) {
        return refuse("refusing to write into the site root or one of its parents".into());
    }
    if absolute.is_file() {
        return refuse("the output path is a file".into());
    }
    if absolute.is_dir() && !absolute.join(MARKER).is_file() {
        let mut entries = fs_err::read_dir(&absolute)
            .map_err(|e| Diagnostic::error(output, 1, 1, e.to_string()))?;
        if entries.next().is_some() {
            return refuse(format!(
                "{} is not empty and was not made by kiosque; nothing was deleted",
                output.display()
            ));
        }
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // Resolve what exists (symbolic links, `..`), keep the rest as written.
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut resolved = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    resolved.extend(rest.into_iter().rev());
    resolved
}

fn absolute_dir(path: &Path) -> PathBuf {
    absolute(path)
}

/// Writes `files` into `output`: only files whose bytes changed, atomically; removes the
/// files the build no longer makes. `output` must have passed [`check_output_dir`].
pub fn write(output: &Path, files: &Files) -> Result<WriteStats, Diagnostic> {
    // A folder made by this build has nothing to compare with, replace or remove.
    if let Some(new) = NewOutput::create(output)? {
        let written = files
            .par_iter()
            .try_for_each(|(relative, contents)| new.write(relative, contents));
        if let Err(error) = written {
            new.discard();
            return Err(error);
        }
        return Ok(WriteStats {
            written: files.len(),
            ..WriteStats::default()
        });
    }
    fs_err::write(output.join(MARKER), MARKER_TEXT).map_err(|e| cannot_write(output, e))?;
    let outcomes: Vec<Result<bool, Diagnostic>> = files
        .par_iter()
        .map(|(relative, contents)| {
            let path = output.join(relative);
            write_one(&path, contents).map_err(|e| cannot_write(&path, e))
        })
        .collect();
    let mut stats = WriteStats::default();
    for outcome in outcomes {
        if outcome? {
            stats.written += 1;
        } else {
            stats.unchanged += 1;
        }
    }
    stats.removed = remove_stale(output, files).map_err(|e| cannot_write(output, e))?;
    Ok(stats)
}

const MARKER_TEXT: &[u8] = b"This folder is written by kiosque; it may be deleted and rebuilt.\n";

fn cannot_write(path: &Path, error: std::io::Error) -> Diagnostic {
    Diagnostic::error(path, 1, 1, format!("cannot write: {error}"))
}

/// An output folder that this build creates. Files go in as soon as they are made:
/// there is nothing to compare with, replace or remove, so no temporary file and
/// rename either. If the build fails, [`NewOutput::discard`] removes the folder, so
/// that no half-written site is left behind.
pub struct NewOutput {
    root: PathBuf,
}

impl NewOutput {
    /// Creates `output` with its marker file; `None` if it already exists. `output`
    /// must have passed [`check_output_dir`].
    pub fn create(output: &Path) -> Result<Option<Self>, Diagnostic> {
        if let Some(parent) = output.parent() {
            fs_err::create_dir_all(parent).map_err(|e| cannot_write(parent, e))?;
        }
        match fs_err::create_dir(output) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(None),
            Err(e) => return Err(cannot_write(output, e)),
        }
        let new = Self {
            root: output.to_path_buf(),
        };
        let marker = output.join(MARKER);
        if let Err(e) = fs_err::write(&marker, MARKER_TEXT) {
            new.discard();
            return Err(cannot_write(&marker, e));
        }
        Ok(Some(new))
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Writes one file at `relative` (each path once).
    pub fn write(&self, relative: &str, contents: &Contents) -> Result<(), Diagnostic> {
        let path = self.root.join(relative);
        write_new(&path, contents).map_err(|e| cannot_write(&path, e))
    }

    /// Removes the folder and everything written into it.
    pub fn discard(self) {
        // Best effort: the build's own error is the one to report.
        let _ = fs_err::remove_dir_all(&self.root);
    }
}

/// The bytes to write: a rendered file, or a content asset read from its source.
fn bytes_of(contents: &Contents) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
    Ok(match contents {
        Contents::Bytes(bytes) => std::borrow::Cow::Borrowed(bytes.as_slice()),
        Contents::Copy(source) => std::borrow::Cow::Owned(fs_err::read(source)?),
    })
}

/// Writes one file unless it already holds these bytes; returns whether it wrote.
/// The bytes go to a temporary file renamed over the old one, so that a server
/// publishing the folder never sends half a page.
fn write_one(path: &Path, contents: &Contents) -> std::io::Result<bool> {
    let bytes = bytes_of(contents)?;
    if holds(path, &bytes) {
        return Ok(false);
    }
    let dir = path.parent().expect("output files live in a folder");
    fs_err::create_dir_all(dir)?;
    let mut temporary = temporary_file().tempfile_in(dir)?;
    std::io::Write::write_all(&mut temporary, &bytes)?;
    temporary.persist(path).map_err(|e| e.error)?;
    Ok(true)
}

/// Writes a file into a folder made by this build: no file to compare with or to
/// replace, so it is written in place: no size check, temporary name or rename.
fn write_new(path: &Path, contents: &Contents) -> std::io::Result<()> {
    let bytes = bytes_of(contents)?;
    fs_err::create_dir_all(path.parent().expect("output files live in a folder"))?;
    let mut options = fs_err::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use fs_err::os::unix::fs::OpenOptionsExt;
        options.mode(0o644);
    }
    std::io::Write::write_all(&mut options.open(path)?, &bytes)
}

/// Temporary files are private (0600) by default; what a web server publishes must be
/// readable by it: 0644, as files created in place would be.
fn temporary_file() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder
}

/// Whether the file at `path` already holds exactly `bytes`; its size is checked
/// first so that most changed files are never read.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|existing| existing == bytes)
}

/// Removes files under `output` that are not in `files`, then empty folders.
fn remove_stale(output: &Path, files: &Files) -> std::io::Result<usize> {
    let keep: HashSet<PathBuf> = files.keys().map(|relative| output.join(relative)).collect();
    let mut removed = 0;
    let mut folders = Vec::new();
    for entry in walkdir::WalkDir::new(output)
        .min_depth(1)
        .contents_first(true)
    {
        let entry = entry.map_err(std::io::Error::other)?;
        let path = entry.path();
        if entry.file_type().is_dir() {
            folders.push(path.to_path_buf());
        } else if path != output.join(MARKER) && !keep.contains(path) {
            fs_err::remove_file(path)?;
            removed += 1;
        }
    }
    // Only folders that hold none of the files kept may have become empty.
    let holding: HashSet<&Path> = keep
        .iter()
        .flat_map(|path| path.ancestors().skip(1))
        .collect();
    for folder in folders
        .iter()
        .filter(|folder| !holding.contains(folder.as_path()))
    {
        // Fails when the folder still has files, such as ones kiosque did not make.
        let _ = std::fs::remove_dir(folder);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_foreign_folders_and_parents() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        fs_err::create_dir_all(&root).unwrap();
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(dir.path(), &root).is_err());
        assert!(check_output_dir(Path::new("/"), &root).is_err());
        let foreign = dir.path().join("photos");
        fs_err::create_dir_all(&foreign).unwrap();
        fs_err::write(foreign.join("a.jpg"), b"x").unwrap();
        assert!(check_output_dir(&foreign, &root).is_err());
        assert!(check_output_dir(&root.join("public"), &root).is_ok());
    }

    #[test]
    fn writes_only_changes_and_removes_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let mut files = Files::new();
        files.insert("a/index.html".into(), Contents::Bytes(b"a".to_vec()));
        files.insert("b/index.html".into(), Contents::Bytes(b"b".to_vec()));
        let first = write(&out, &files).unwrap();
        assert_eq!(first.written, 2);
        let again = write(&out, &files).unwrap();
        assert_eq!((again.written, again.unchanged, again.removed), (0, 2, 0));
        files.remove("b/index.html");
        files.insert("c/index.html".into(), Contents::Bytes(b"c".to_vec()));
        files.insert("a/index.html".into(), Contents::Bytes(b"A".to_vec()));
        let third = write(&out, &files).unwrap();
        assert_eq!((third.written, third.removed), (2, 1));
        assert!(!out.join("b").exists());
        assert_eq!(fs_err::read(out.join("a/index.html")).unwrap(), b"A");
        assert!(out.join(MARKER).is_file());
        // Pages replaced (a), added to the folder (c), or written into a new folder:
        // all readable by the web server.
        let fresh = dir.path().join("fresh");
        write(&fresh, &files).unwrap();
        #[cfg(unix)]
        for page in [
            out.join("a/index.html"),
            out.join("c/index.html"),
            fresh.join("a/index.html"),
        ] {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs_err::metadata(&page).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o644,
                "{}: web servers must be able to read it",
                page.display()
            );
        }
    }
}
