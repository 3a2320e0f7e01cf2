//! Shortcodes: templates called from Markdown, `{{ name(key="value") }}` in the text and
//! `{% name(key="value") %}` … `{% end %}` around a Markdown body, as Zola writes them.
//!
//! A pass over the source before the Markdown is parsed: every call outside code
//! (pulldown-cmark's own offsets say where code is) is rendered through a
//! [`ShortcodeRenderer`] and replaced by a marker, which becomes raw HTML once the
//! Markdown is parsed. A body stays in the document, so it gets every other adapter
//! (links, code, typography) and keeps its line numbers.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};
use serde_json::{Number, Value};

use super::Problem;

/// The variables a shortcode template receives.
pub type Args = serde_json::Map<String, Value>;

/// Renders shortcode templates; the Markdown stage knows nothing of the template engine.
pub trait ShortcodeRenderer: Sync {
    /// Renders the shortcode `name` with its variables.
    fn render(&self, name: &str, context: &Args) -> Result<String, ShortcodeError>;
}

/// Why a shortcode template could not be rendered.
#[derive(Debug)]
pub enum ShortcodeError {
    /// No template for this name; the names there are.
    Unknown(Vec<String>),
    /// The template failed; the template engine's message, naming the template file.
    Template(String),
}

/// Variables every call receives, besides its own arguments.
const RESERVED: &[&str] = &["body", "nth", "lang", "base_path"];

/// Stands for the body when a body shortcode is rendered; the output is split around it.
const BODY: &str = "KIOSQUE-SHORTCODE-BODY-5e1f";
/// An inline call's output, by index: `\u{E000}N\u{E001}` inside the text.
const INLINE_OPEN: char = '\u{E000}';
const INLINE_CLOSE: char = '\u{E001}';
/// A call alone on its line (and the two ends of a body) becomes an HTML comment,
/// which Markdown keeps as a block of raw HTML of its own.
const BLOCK_PREFIX: &str = "<!--kiosque-shortcode:";
const BLOCK_SUFFIX: &str = "-->";

/// The source with every call replaced by a marker, and what the markers stand for.
#[derive(Debug, Default)]
pub struct Expanded<'s> {
    /// The original source when it calls no shortcode.
    pub source: Cow<'s, str>,
    pieces: Vec<String>,
    edits: Vec<Edit>,
    /// Problems, at byte offsets of the original source.
    pub problems: Vec<(usize, Problem)>,
}

/// One replaced span: where it is in the new source and where it was in the original.
#[derive(Debug)]
struct Edit {
    new: Range<usize>,
    original: Range<usize>,
}

impl Expanded<'_> {
    /// The offset in the original source of an offset in the expanded one.
    pub fn original_offset(&self, offset: usize) -> usize {
        let index = self.edits.partition_point(|e| e.new.start <= offset);
        match index.checked_sub(1).map(|i| &self.edits[i]) {
            None => offset,
            Some(edit) if offset < edit.new.end => edit.original.start,
            Some(edit) => edit.original.end + (offset - edit.new.end),
        }
    }

    fn push_marker(&mut self, piece: String, block: bool) -> String {
        self.pieces.push(piece);
        let index = self.pieces.len() - 1;
        if block {
            format!("{BLOCK_PREFIX}{index}{BLOCK_SUFFIX}")
        } else {
            format!("{INLINE_OPEN}{index}{INLINE_CLOSE}")
        }
    }

    /// Replaces the markers in the parsed events by the HTML they stand for.
    pub fn substitute<'a>(&self, events: Vec<Event<'a>>) -> Vec<Event<'a>> {
        if self.pieces.is_empty() {
            return events;
        }
        let mut out = Vec::with_capacity(events.len());
        let mut in_code = false;
        for event in events {
            match event {
                Event::Start(Tag::CodeBlock(_)) => {
                    in_code = true;
                    out.push(event);
                }
                Event::End(TagEnd::CodeBlock) => {
                    in_code = false;
                    out.push(event);
                }
                Event::Html(html) => match self.block_piece(&html) {
                    Some(piece) => out.push(Event::Html(CowStr::from(piece.to_string()))),
                    None => out.push(Event::Html(self.inline_in_html(html))),
                },
                Event::InlineHtml(html) => out.push(Event::InlineHtml(self.inline_in_html(html))),
                Event::Text(text) if !in_code && text.contains(INLINE_OPEN) => {
                    self.split_inline(&text, &mut out);
                }
                event => out.push(event),
            }
        }
        out
    }

    fn block_piece(&self, html: &str) -> Option<&str> {
        let index = html
            .trim()
            .strip_prefix(BLOCK_PREFIX)?
            .strip_suffix(BLOCK_SUFFIX)?;
        self.pieces
            .get(index.parse::<usize>().ok()?)
            .map(String::as_str)
    }

    /// Calls written inside raw HTML (`<div>{{ badge() }}</div>`) are replaced in place.
    fn inline_in_html<'a>(&self, html: CowStr<'a>) -> CowStr<'a> {
        if !html.contains(INLINE_OPEN) {
            return html;
        }
        let mut events = Vec::new();
        self.split_inline(&html, &mut events);
        let joined: String = events
            .iter()
            .map(|event| match event {
                Event::Text(text) | Event::InlineHtml(text) => text.as_ref(),
                _ => "",
            })
            .collect();
        CowStr::from(joined)
    }

    fn split_inline<'a>(&self, text: &str, out: &mut Vec<Event<'a>>) {
        let mut rest = text;
        while let Some(open) = rest.find(INLINE_OPEN) {
            let after = &rest[open + INLINE_OPEN.len_utf8()..];
            let piece = after.find(INLINE_CLOSE).and_then(|close| {
                let index: usize = after[..close].parse().ok()?;
                Some((self.pieces.get(index)?, close))
            });
            let Some((piece, close)) = piece else {
                // Not one of ours: keep the character as written.
                out.push(Event::Text(CowStr::from(
                    rest[..open + INLINE_OPEN.len_utf8()].to_string(),
                )));
                rest = after;
                continue;
            };
            if open > 0 {
                out.push(Event::Text(CowStr::from(rest[..open].to_string())));
            }
            out.push(Event::InlineHtml(CowStr::from(piece.clone())));
            rest = &after[close + INLINE_CLOSE.len_utf8()..];
        }
        if !rest.is_empty() {
            out.push(Event::Text(CowStr::from(rest.to_string())));
        }
    }
}

/// What a call site needs besides its arguments.
pub struct CallContext<'a> {
    pub renderer: Option<&'a dyn ShortcodeRenderer>,
    pub lang: &'a str,
    pub base_path: &'a str,
}

/// A body shortcode waiting for its `{% end %}`.
struct Open {
    name: String,
    at: usize,
    suffix: String,
}

/// Renders every shortcode call of `source` that is outside code.
pub fn expand<'s>(
    source: &'s str,
    options: pulldown_cmark::Options,
    context: &CallContext<'_>,
) -> Expanded<'s> {
    let mut expanded = Expanded::default();
    if !source.contains("{{") && !source.contains("{%") {
        expanded.source = Cow::Borrowed(source);
        return expanded;
    }
    let code = code_ranges(source, options);
    let mut out = String::with_capacity(source.len());
    let mut copied = 0;
    let mut search = 0;
    let mut open: Vec<Open> = Vec::new();
    let mut nth: HashMap<String, usize> = HashMap::new();
    while let Some(found) = find_call_start(&source[search..]) {
        let at = search + found;
        // The ranges come in document order and never overlap.
        let next_code = code.partition_point(|r| r.end <= at);
        if let Some(range) = code.get(next_code).filter(|r| r.start <= at) {
            search = range.end;
            continue;
        }
        let parsed = match parse(source, at) {
            Parsed::NotACall => {
                search = at + 2;
                continue;
            }
            Parsed::Invalid(offset, problem) => {
                expanded.problems.push((offset, problem));
                search = at + 2;
                continue;
            }
            Parsed::Call(call) => call,
        };
        let standalone = alone_on_line(source, at, parsed.end);
        let piece = match &parsed.kind {
            CallKind::Inline { name, args } => {
                let count = nth.entry(name.clone()).or_default();
                *count += 1;
                let vars = variables(args, *count, context, None);
                match render(context, name, &vars) {
                    // A template file's last line break is not part of a call in a sentence.
                    Ok(html) if !standalone => {
                        Some((html.trim_end_matches('\n').to_string(), false))
                    }
                    Ok(html) => Some((html, true)),
                    Err(problem) => {
                        expanded.problems.push((at, problem));
                        Some((String::new(), standalone))
                    }
                }
            }
            CallKind::Body { name, args } => {
                let count = nth.entry(name.clone()).or_default();
                *count += 1;
                if !standalone {
                    expanded.problems.push((at, Problem {
                        message: format!("the body shortcode `{name}` must be alone on its line"),
                        help: format!("put `{{% {name}(…) %}}`, the body and `{{% end %}}` on lines of their own"),
                    }));
                }
                let vars = variables(args, *count, context, Some(BODY));
                let (prefix, suffix) = match render(context, name, &vars) {
                    Ok(html) => split_body(name, &html).unwrap_or_else(|problem| {
                        expanded.problems.push((at, problem));
                        (String::new(), String::new())
                    }),
                    Err(problem) => {
                        expanded.problems.push((at, problem));
                        (String::new(), String::new())
                    }
                };
                open.push(Open {
                    name: name.clone(),
                    at,
                    suffix,
                });
                Some((prefix, true))
            }
            CallKind::End => match open.pop() {
                Some(opened) => {
                    if !standalone {
                        expanded.problems.push((at, Problem {
                            message: format!("the `{{% end %}}` of the shortcode `{}` must be alone on its line", opened.name),
                            help: "put `{% end %}` on a line of its own".into(),
                        }));
                    }
                    Some((opened.suffix, true))
                }
                None => {
                    expanded.problems.push((
                        at,
                        Problem {
                            message: "`{% end %}` closes no shortcode".into(),
                            help: "remove it, or open a body shortcode before it: `{% note() %}`"
                                .into(),
                        },
                    ));
                    None
                }
            },
        };
        let (html, block) = piece.unwrap_or_default();
        out.push_str(&source[copied..at]);
        let marker = expanded.push_marker(html, block);
        expanded.edits.push(Edit {
            new: out.len()..out.len() + marker.len(),
            original: at..parsed.end,
        });
        out.push_str(&marker);
        copied = parsed.end;
        search = parsed.end;
    }
    for opened in open {
        expanded.problems.push((
            opened.at,
            Problem {
                message: format!(
                    "the shortcode `{}` opened here is never closed",
                    opened.name
                ),
                help: "add `{% end %}` on a line of its own after its body".into(),
            },
        ));
    }
    out.push_str(&source[copied..]);
    expanded.source = Cow::Owned(out);
    expanded
}

fn find_call_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(1))
        .find(|&i| bytes[i] == b'{' && matches!(bytes[i + 1], b'{' | b'%'))
}

/// Byte ranges of fenced and indented code blocks and of inline code.
fn code_ranges(source: &str, options: pulldown_cmark::Options) -> Vec<Range<usize>> {
    Parser::new_ext(source, options)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => Some(range),
            _ => None,
        })
        .collect()
}

/// Whether only blanks (or quote markers) share the lines of `source[start..end]`.
fn alone_on_line(source: &str, start: usize, end: usize) -> bool {
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[end..].find('\n').map_or(source.len(), |i| end + i);
    source[line_start..start]
        .chars()
        .all(|c| c == ' ' || c == '\t' || c == '>')
        && source[end..line_end].trim().is_empty()
}

fn variables(args: &Args, nth: usize, context: &CallContext<'_>, body: Option<&str>) -> Args {
    let mut vars = args.clone();
    if super::typography::is_french(context.lang) {
        // Text meant for readers (a caption, a title) has spaces; paths, URLs and ids have none.
        for value in vars.values_mut() {
            if let Value::String(text) = value
                && text.contains(' ')
            {
                *text = super::typography::french_text(text, None);
            }
        }
    }
    vars.insert("nth".into(), Value::from(nth));
    vars.insert("lang".into(), Value::from(context.lang));
    vars.insert("base_path".into(), Value::from(context.base_path));
    if let Some(body) = body {
        vars.insert("body".into(), Value::from(body));
    }
    vars
}

fn render(context: &CallContext<'_>, name: &str, vars: &Args) -> Result<String, Problem> {
    let Some(renderer) = context.renderer else {
        // The templates did not load: that error is reported already.
        return Ok(String::new());
    };
    renderer.render(name, vars).map_err(|error| match error {
        ShortcodeError::Unknown(names) => Problem {
            message: format!("unknown shortcode `{name}`"),
            help: format!(
                "add templates/shortcodes/{name}.html, or use one of: {}",
                if names.is_empty() {
                    "(none)".to_string()
                } else {
                    names.join(", ")
                }
            ),
        },
        ShortcodeError::Template(message) => Problem {
            message: format!("the shortcode `{name}` failed: {message}"),
            help: format!("check the arguments that templates/shortcodes/{name}.html expects"),
        },
    })
}

/// The HTML before and after the body, from a rendering where the body was [`BODY`].
fn split_body(name: &str, html: &str) -> Result<(String, String), Problem> {
    match html.split_once(BODY) {
        Some((before, after)) if !after.contains(BODY) => Ok((
            before.trim_end().to_string(),
            after.trim_start().to_string(),
        )),
        _ => Err(Problem {
            message: format!(
                "the shortcode `{name}` was given a body, but its template does not show it once"
            ),
            help: format!(
                "write `{{{{ body | safe }}}}` once in templates/shortcodes/{name}.html, or call it inline: `{{{{ {name}(…) }}}}`"
            ),
        }),
    }
}

enum Parsed {
    /// `{{` or `{%` that does not start a call: left as text.
    NotACall,
    /// Looks like a call but is malformed: where, and what is wrong.
    Invalid(usize, Problem),
    Call(Call),
}

struct Call {
    kind: CallKind,
    /// The offset just after the closing `}}` or `%}`.
    end: usize,
}

enum CallKind {
    Inline { name: String, args: Args },
    Body { name: String, args: Args },
    End,
}

/// Reads the call starting at `at` (`{{ name(…) }}`, `{% name(…) %}` or `{% end %}`).
fn parse(source: &str, at: usize) -> Parsed {
    let mut cursor = Cursor {
        source,
        pos: at + 2,
    };
    let body = source[at..].starts_with("{%");
    let close = if body { "%}" } else { "}}" };
    cursor.skip_blanks();
    let name = cursor.identifier();
    if name.is_empty() {
        return Parsed::NotACall;
    }
    cursor.skip_blanks();
    if body && name == "end" && cursor.eat(close) {
        return Parsed::Call(Call {
            kind: CallKind::End,
            end: cursor.pos,
        });
    }
    if !cursor.eat("(") {
        return Parsed::NotACall;
    }
    let invalid = |offset: usize, what: String| {
        let example = if body {
            format!("{{% {name}(key=\"text\") %}} … {{% end %}}")
        } else {
            format!("{{{{ {name}(key=\"text\", number=3, flag=true) }}}}")
        };
        Parsed::Invalid(
            offset,
            Problem {
                message: format!("shortcode `{name}`: {what}"),
                help: format!(
                    "arguments are key=value pairs separated by commas, values are \"text\", numbers, true/false or [lists]: {example}"
                ),
            },
        )
    };
    let args = match cursor.arguments() {
        Ok(args) => args,
        Err((offset, what)) => return invalid(offset, what),
    };
    if let Some(reserved) = args.keys().find(|k| RESERVED.contains(&k.as_str())) {
        return invalid(
            at,
            format!("`{reserved}` is set by kiosque and cannot be an argument"),
        );
    }
    cursor.skip_blanks();
    if !cursor.eat(close) {
        return invalid(
            cursor.pos,
            format!("expected `{close}` after the arguments"),
        );
    }
    let name = name.to_string();
    let kind = if body {
        CallKind::Body { name, args }
    } else {
        CallKind::Inline { name, args }
    };
    Parsed::Call(Call {
        kind,
        end: cursor.pos,
    })
}

/// A small reader over the source for the argument syntax.
struct Cursor<'a> {
    source: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.source[self.pos..]
    }

    fn skip_blanks(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn identifier(&mut self) -> &'a str {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        let starts_well = rest
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        if !starts_well {
            return "";
        }
        self.pos += len;
        &rest[..len]
    }

    /// `key=value, …` up to and including the closing `)`.
    fn arguments(&mut self) -> Result<Args, (usize, String)> {
        let mut args = Args::new();
        loop {
            self.skip_blanks();
            if self.eat(")") {
                return Ok(args);
            }
            let key_at = self.pos;
            let key = self.identifier();
            if key.is_empty() {
                return Err((self.pos, "expected an argument name or `)`".into()));
            }
            self.skip_blanks();
            if !self.eat("=") {
                return Err((self.pos, format!("expected `=` after `{key}`")));
            }
            self.skip_blanks();
            let value = self.value()?;
            if args.insert(key.to_string(), value).is_some() {
                return Err((key_at, format!("the argument `{key}` is given twice")));
            }
            self.skip_blanks();
            if !self.eat(",") && !self.rest().starts_with(')') {
                return Err((self.pos, "expected `,` or `)` after a value".into()));
            }
        }
    }

    fn value(&mut self) -> Result<Value, (usize, String)> {
        let at = self.pos;
        let rest = self.rest();
        match rest.chars().next() {
            Some(quote @ ('"' | '\'')) => self.string(quote).map(Value::from),
            Some('[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_blanks();
                    if self.eat("]") {
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value()?);
                    self.skip_blanks();
                    if !self.eat(",") && !self.rest().starts_with(']') {
                        return Err((self.pos, "expected `,` or `]` in a list".into()));
                    }
                }
            }
            _ => {
                let len = rest
                    .find(|c: char| {
                        !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
                    })
                    .unwrap_or(rest.len());
                let word = &rest[..len];
                self.pos += len;
                match word {
                    "" => Err((at, "expected a value after `=`".into())),
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    _ => {
                        if let Ok(n) = word.parse::<i64>() {
                            Ok(Value::from(n))
                        } else if let Some(n) = word.parse::<f64>().ok().and_then(Number::from_f64)
                        {
                            Ok(Value::Number(n))
                        } else {
                            Err((
                                at,
                                format!("`{word}` is not a value; put text between double quotes"),
                            ))
                        }
                    }
                }
            }
        }
    }

    fn string(&mut self, quote: char) -> Result<String, (usize, String)> {
        let at = self.pos;
        self.pos += 1;
        let mut text = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => text.push('\n'),
                    Some((_, escaped)) => text.push(escaped),
                    None => break,
                },
                c if c == quote => {
                    self.pos += i + 1;
                    return Ok(text);
                }
                c => text.push(c),
            }
        }
        Err((at, format!("this text is never closed by {quote}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Options;

    /// Renders `name(a=…, b=…)` as `[name a=… b=…]`, the body marker as `|`.
    struct Echo;

    impl ShortcodeRenderer for Echo {
        fn render(&self, name: &str, context: &Args) -> Result<String, ShortcodeError> {
            match name {
                "missing" => Err(ShortcodeError::Unknown(vec!["echo".into(), "box".into()])),
                "broken" => Err(ShortcodeError::Template("Variable `src` not found".into())),
                "box" => Ok(format!(
                    "<div class=\"box\">{}</div>",
                    context["body"].as_str().unwrap()
                )),
                "nobody" => Ok("<div></div>".into()),
                _ => {
                    let args: Vec<String> = context
                        .iter()
                        .filter(|(k, _)| !RESERVED.contains(&k.as_str()) || *k == "nth")
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect();
                    Ok(format!("<span>[{name} {}]</span>", args.join(" ")))
                }
            }
        }
    }

    fn html(markdown: &str) -> (String, Vec<(usize, Problem)>) {
        let context = CallContext {
            renderer: Some(&Echo),
            lang: "fr",
            base_path: "/",
        };
        let options = Options::ENABLE_TABLES;
        let expanded = expand(markdown, options, &context);
        let events: Vec<_> = Parser::new_ext(&expanded.source, options).collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, expanded.substitute(events).into_iter());
        (html, expanded.problems)
    }

    #[test]
    fn inline_calls_render_with_typed_arguments() {
        let (html, problems) =
            html("Voir {{ echo(s=\"a, b\", n=3, f=1.5, ok=true, l=[1, 'x']) }} ici.\n");
        assert!(problems.is_empty());
        assert_eq!(
            html,
            "<p>Voir <span>[echo f=1.5 l=[1,\"x\"] n=3 nth=1 ok=true s=\"a, b\"]</span> ici.</p>\n"
        );
    }

    #[test]
    fn a_call_alone_on_its_line_is_a_block_not_a_paragraph() {
        let (html, _) = html("Avant.\n\n{{ echo(a=1) }}\n\nAprès.\n");
        assert_eq!(
            html,
            "<p>Avant.</p>\n<span>[echo a=1 nth=1]</span>\n<p>Après.</p>\n"
        );
    }

    #[test]
    fn body_shortcodes_keep_their_markdown() {
        let (html, problems) = html("{% box() %}\nDu **gras** et `{{ echo() }}`.\n{% end %}\n");
        assert!(problems.is_empty());
        assert_eq!(
            html,
            "<div class=\"box\">\n<p>Du <strong>gras</strong> et <code>{{ echo() }}</code>.</p>\n</div>"
        );
    }

    #[test]
    fn code_is_never_a_shortcode() {
        let (html, problems) =
            html("`{{ echo() }}`\n\n```\n{{ echo() }}\n{% box() %}\n```\n\n    {{ echo() }}\n");
        assert!(problems.is_empty());
        assert!(!html.contains("[echo"), "{html}");
        assert_eq!(html.matches("{{ echo() }}").count(), 3, "{html}");
    }

    #[test]
    fn text_that_is_not_a_call_stays() {
        let (html, problems) = html("Des {{ accolades }} et {% pourcents %} et {{ 3 }}.\n");
        assert!(problems.is_empty());
        assert_eq!(
            html,
            "<p>Des {{ accolades }} et {% pourcents %} et {{ 3 }}.</p>\n"
        );
    }

    #[test]
    fn french_text_arguments_get_french_typography_paths_do_not() {
        let (html, _) = html("{{ echo(caption=\"Enfin : oui\", src=\"/images/l'été.png\") }}\n");
        assert!(html.contains("caption=\"Enfin\u{A0}: oui\""), "{html}");
        assert!(html.contains("src=\"/images/l'été.png\""), "{html}");
    }

    #[test]
    fn calls_inside_raw_html_are_rendered_in_place() {
        let (html, problems) =
            html("<div class=\"x\">{{ echo(a=1) }}</div>\n\nTexte <b>{{ echo(b=2) }}</b>.\n");
        assert!(problems.is_empty());
        assert_eq!(
            html,
            "<div class=\"x\"><span>[echo a=1 nth=1]</span></div>\n<p>Texte <b><span>[echo b=2 nth=2]</span></b>.</p>\n"
        );
    }

    #[test]
    fn nth_counts_calls_of_each_name() {
        let (html, _) = html("{{ echo() }} {{ echo() }}\n");
        assert!(html.contains("nth=1") && html.contains("nth=2"), "{html}");
    }

    #[test]
    fn problems_are_located_and_named() {
        let source = "Un {{ missing() }}.\n\n{{ broken(src=) }}\n\n{{ echo(a=\"x\", a=1) }}\n\n{% box() %}\nx\n";
        let (_, problems) = html(source);
        let found: Vec<(usize, &str)> = problems
            .iter()
            .map(|(at, p)| (*at, p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (3, "unknown shortcode `missing`"),
                (
                    source.find("src=").unwrap() + 4,
                    "shortcode `broken`: expected a value after `=`"
                ),
                (
                    source.find("a=1").unwrap(),
                    "shortcode `echo`: the argument `a` is given twice"
                ),
                (
                    source.find("{% box").unwrap(),
                    "the shortcode `box` opened here is never closed"
                ),
            ]
        );
        assert!(problems[0].1.help.contains("echo, box"));
    }

    #[test]
    fn body_problems() {
        let (_, problems) =
            html("{% end %}\n\nTexte {% box() %} x\n{% end %}\n\n{% nobody() %}\nx\n{% end %}\n");
        let messages: Vec<&str> = problems.iter().map(|(_, p)| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`{% end %}` closes no shortcode",
                "the body shortcode `box` must be alone on its line",
                "the shortcode `nobody` was given a body, but its template does not show it once",
            ]
        );
    }

    #[test]
    fn template_errors_carry_the_engine_message() {
        let (_, problems) = html("{{ broken() }}\n");
        assert_eq!(
            problems[0].1.message,
            "the shortcode `broken` failed: Variable `src` not found"
        );
    }

    #[test]
    fn offsets_map_back_to_the_original_source() {
        let context = CallContext {
            renderer: Some(&Echo),
            lang: "fr",
            base_path: "/",
        };
        let source = "ab {{ echo(x=\"long argument\") }} cd\n";
        let expanded = expand(source, Options::empty(), &context);
        let cd_new = expanded.source.find("cd").unwrap();
        assert_eq!(expanded.original_offset(cd_new), source.find("cd").unwrap());
        assert_eq!(expanded.original_offset(1), 1);
        assert_eq!(expanded.original_offset(4), 3);
    }
}
