//! Splitting a content file into its front matter and its body.

/// The language of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Between `---` lines.
    Yaml,
    /// Between `+++` lines, as Zola and Hugo write it.
    Toml,
}

/// A content file cut in two. Line numbers are 1-based, from the start of the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    /// The text between the fences.
    pub matter: &'a str,
    /// The line the front matter text starts on (the line after the opening fence).
    pub matter_line: usize,
    /// Byte offset of `matter` in the file.
    pub matter_offset: usize,
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Why a file could not be split.
#[derive(Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The file holds nothing but white space.
    Empty,
    /// The first line is not a `---` or `+++` fence.
    NoFence,
    /// The opening fence on line 1 is never closed.
    Unclosed,
}

/// Cuts `text` (a byte-order mark and CRLF already removed) into front matter and body.
///
/// The fence line may carry trailing spaces or tabs.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let first_line_end = text.find('\n').unwrap_or(text.len());
    let fence = text[..first_line_end].trim_end();
    let format = match fence {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ => return Err(SplitError::NoFence),
    };
    let matter_offset = (first_line_end + 1).min(text.len());
    let mut offset = matter_offset;
    for line in text[matter_offset..].split_inclusive('\n') {
        if line.trim_end() == fence {
            return Ok(Split {
                format,
                matter: &text[matter_offset..offset],
                matter_line: 2,
                matter_offset,
                body: &text[offset + line.len()..],
                body_offset: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unclosed)
}

/// Removes a byte-order mark and turns CRLF line ends into LF; line numbers do not move.
pub fn normalize(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_and_body() {
        let s = split("---\ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(s.format, Format::Yaml);
        assert_eq!(s.matter, "title: x\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn tolerates_trailing_spaces_on_fences_and_toml() {
        let s = split("+++  \ntitle = 'x'\n+++\t\nbody").unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(s.matter, "title = 'x'\n");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn bom_and_crlf_are_normalized() {
        let text = normalize("\u{feff}---\r\ntitle: x\r\n---\r\nbody\r\n");
        let s = split(&text).unwrap();
        assert_eq!(s.matter, "title: x\n");
        assert_eq!(s.body, "body\n");
    }

    #[test]
    fn reports_empty_unfenced_and_unclosed() {
        assert_eq!(split(" \n"), Err(SplitError::Empty));
        assert_eq!(split("# title\n"), Err(SplitError::NoFence));
        assert_eq!(split("---\ntitle: x\n"), Err(SplitError::Unclosed));
    }

    #[test]
    fn a_fence_inside_yaml_text_must_be_a_whole_line() {
        let s = split("---\ntitle: \"a --- b\"\n---\n").unwrap();
        assert_eq!(s.matter, "title: \"a --- b\"\n");
        assert_eq!(s.body, "");
    }
}
