//! Code adapter: fenced code highlighted at build time as CSS classes, with optional
//! attributes after the language: ```` ```rust {title="src/main.rs" hl_lines=[2, 4-6] linenos} ````.
//!
//! tree-sitter grammars (through arborium) split the code into flat tokens, written
//! as `<span class="hl-keyword">`; the theme's stylesheet colours the classes.
//! An unknown or missing language gives plain escaped code.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use arborium::advanced::{CompiledGrammar, GrammarConfig, Span};
use arborium::{GrammarStore, Highlighter};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_html;
use rayon::prelude::*;

use super::Problem;

/// The grammars, compiled once per build and shared by every thread.
#[derive(Clone, Default)]
pub struct CodeHighlighter {
    grammars: Arc<Grammars>,
}

#[derive(Default)]
struct Grammars {
    store: Arc<GrammarStore>,
    /// Whether [`FLAT_RUST`] is in `store`: compiled when Rust is first highlighted.
    flat_rust: OnceLock<bool>,
}

/// The store's name for Rust's grammar without its injection query.
///
/// Rust's grammar injects Rust into the arguments of every macro call, which are then
/// parsed again as a file of their own, error recovery included: ~50 µs a call (a
/// `println!` makes a three-line block cost three times as much), to colour method
/// names inside macro arguments only; their strings, numbers and punctuation are
/// coloured by the first pass. Without the query, its matches are not even looked for
/// (a quarter of the cost of a Rust block). Rust that another language injects keeps
/// the full grammar; the other injections bring another language's colours (CSS and
/// JavaScript in HTML, JSDoc in JavaScript) and are kept.
const FLAT_RUST: &str = "kiosque-rust-without-injections";

impl Grammars {
    /// The name `store` highlights `lang` (lower case) under.
    fn name<'l>(&self, lang: &'l str) -> &'l str {
        if !matches!(lang, "rust" | "rs") {
            return lang;
        }
        let compiled = *self.flat_rust.get_or_init(|| {
            let config = GrammarConfig {
                language: arborium::lang_rust::language().into(),
                highlights_query: arborium::lang_rust::HIGHLIGHTS_QUERY,
                injections_query: "",
                locals_query: arborium::lang_rust::LOCALS_QUERY,
            };
            CompiledGrammar::new(config)
                .map(|grammar| self.store.insert(FLAT_RUST, Arc::new(grammar)))
                .is_ok()
        });
        if compiled { FLAT_RUST } else { lang }
    }
}

impl std::fmt::Debug for CodeHighlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeHighlighter")
    }
}

/// What the info string of a fence asks for.
#[derive(Debug, Default, PartialEq, Eq)]
struct Fence {
    /// The language as written, when it is a plain word.
    lang: Option<String>,
    title: Option<String>,
    /// 1-based line numbers to highlight.
    hl_lines: Vec<usize>,
    linenos: bool,
}

impl CodeHighlighter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Compiles the grammars of the languages that fences in `sources` name, each on
    /// its own thread, before the bodies are rendered in parallel: otherwise two
    /// threads meeting the same language at once both compile it (3–27 ms each).
    pub fn warm<'a>(&self, sources: impl ParallelIterator<Item = &'a str>) {
        let languages: BTreeSet<String> =
            sources
                .map(fence_languages)
                .reduce(BTreeSet::new, |mut all, more| {
                    all.extend(more);
                    all
                });
        languages.par_iter().for_each(|language| {
            self.grammars.store.get(self.grammars.name(language));
        });
    }

    /// One code block as HTML, with the problems of its info string.
    pub fn render_block(&self, info: &str, code: &str) -> (String, Vec<Problem>) {
        let (fence, problems) = parse_fence(info);
        let mut parser = Parser::new(&self.grammars);
        (write_block(&mut parser, &fence, code), problems)
    }

    /// Replaces every code block by its highlighted HTML, in place (a block's events
    /// become one); problems come back with the index of their code block, in document order.
    pub fn adapt(&self, events: &mut Vec<Event<'_>>) -> Vec<(usize, Problem)> {
        let mut problems = Vec::new();
        // One parser for the whole body: it is cheap, and the grammars are shared.
        let mut parser = Parser::new(&self.grammars);
        let mut block: Option<(String, String)> = None;
        let mut index = 0;
        events.retain_mut(|event| match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                block = Some((info, String::new()));
                false
            }
            Event::Text(text) if block.is_some() => {
                if let Some((_, code)) = &mut block {
                    code.push_str(text);
                }
                false
            }
            Event::End(TagEnd::CodeBlock) => {
                let (info, code) = block.take().unwrap_or_default();
                let (fence, fence_problems) = parse_fence(&info);
                problems.extend(fence_problems.into_iter().map(|p| (index, p)));
                *event = Event::Html(CowStr::from(write_block(&mut parser, &fence, &code)));
                index += 1;
                true
            }
            _ => true,
        });
        problems
    }
}

/// The parser of one body, made when a block needs it.
struct Parser<'g> {
    grammars: &'g Grammars,
    highlighter: Option<Highlighter>,
}

impl<'g> Parser<'g> {
    fn new(grammars: &'g Grammars) -> Self {
        Self {
            grammars,
            highlighter: None,
        }
    }

    /// The spans of `code` in `lang` (lower case), following injections.
    fn spans(&mut self, lang: &str, code: &str) -> Option<Vec<Span>> {
        let name = self.grammars.name(lang);
        self.highlighter
            .get_or_insert_with(|| Highlighter::with_store(Arc::clone(&self.grammars.store)))
            .highlight_spans(name, code)
            .ok()
    }
}

/// The languages named by the fences of a Markdown text, lower case. A line scan is
/// enough: a wrong guess only compiles a grammar early or not at all.
fn fence_languages(markdown: &str) -> BTreeSet<String> {
    markdown
        .lines()
        .filter_map(|line| {
            let line = line.trim_start();
            line.strip_prefix("```")
                .or_else(|| line.strip_prefix("~~~"))
        })
        .filter_map(|info| {
            info.split(|c: char| c.is_whitespace() || c == '{' || c == '`')
                .next()
        })
        .filter(|language| !language.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// `<figure class="code">`, an optional caption, and the code, one token class at a time.
fn write_block(parser: &mut Parser, fence: &Fence, code: &str) -> String {
    let mut html = String::with_capacity(code.len() * 3 + 128);
    html.push_str("<figure class=\"code");
    if fence.linenos {
        html.push_str(" numbered");
    }
    html.push('"');
    if let Some(lang) = &fence.lang {
        html.push_str(" data-lang=\"");
        push_escaped(&mut html, lang);
        html.push('"');
    }
    html.push_str(">\n");
    if let Some(title) = &fence.title {
        html.push_str("<figcaption class=\"code-title\">");
        push_escaped(&mut html, title);
        html.push_str("</figcaption>\n");
    }
    html.push_str("<pre><code");
    if let Some(lang) = &fence.lang {
        html.push_str(" class=\"language-");
        push_escaped(&mut html, lang);
        html.push('"');
    }
    html.push('>');
    let code = code.strip_suffix('\n').unwrap_or(code);
    let diff = matches!(
        fence
            .lang
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("diff" | "patch")
    );
    let tokens = fence
        .lang
        .as_deref()
        .map(str::to_ascii_lowercase)
        .and_then(|lang| parser.spans(&lang, code))
        .map(|spans| arborium_highlight::spans_to_flat_tokens(code, spans))
        .unwrap_or_default();
    write_lines(&mut html, code, &tokens, fence, diff);
    html.push_str("</code></pre>\n</figure>\n");
    html
}

/// Writes the code, a line at a time when lines are numbered or highlighted, so that
/// no token span crosses a line's wrapper.
fn write_lines(
    html: &mut String,
    code: &str,
    tokens: &[arborium_highlight::FlatToken],
    fence: &Fence,
    diff: bool,
) {
    let wrap = fence.linenos || !fence.hl_lines.is_empty();
    let mut tokens = tokens.iter().peekable();
    let mut offset = 0;
    for (number, line) in code.split_inclusive('\n').enumerate() {
        let text = line.strip_suffix('\n').unwrap_or(line);
        if wrap {
            let marked = fence.hl_lines.contains(&(number + 1));
            html.push_str(if marked {
                "<span class=\"line hl\">"
            } else {
                "<span class=\"line\">"
            });
        }
        let end = offset + text.len();
        let mut at = offset;
        while at < end {
            // Skip tokens that ended before this point.
            while tokens.next_if(|t| (t.end as usize) <= at).is_some() {}
            match tokens.peek() {
                Some(token) if (token.start as usize) <= at => {
                    let stop = (token.end as usize).min(end);
                    match class_name(token.tag, diff) {
                        Some(name) => {
                            html.push_str("<span class=\"hl-");
                            html.push_str(name);
                            html.push_str("\">");
                            push_escaped(html, &code[at..stop]);
                            html.push_str("</span>");
                        }
                        None => push_escaped(html, &code[at..stop]),
                    }
                    at = stop;
                }
                Some(token) => {
                    let stop = (token.start as usize).min(end);
                    push_escaped(html, &code[at..stop]);
                    at = stop;
                }
                None => {
                    push_escaped(html, &code[at..end]);
                    at = end;
                }
            }
        }
        if wrap {
            html.push_str("</span>");
        }
        if line.ends_with('\n') {
            html.push('\n');
        }
        offset += line.len();
    }
}

/// The class of a token. The diff grammar marks added lines as strings and removed
/// ones as keywords ("arbitrary", says its query): give them the diff classes.
fn class_name(tag: &str, diff: bool) -> Option<&'static str> {
    match (tag, diff) {
        ("s", true) => Some("diff-add"),
        ("k", true) => Some("diff-delete"),
        _ => arborium_theme::highlights::tag_to_name(tag),
    }
}

fn push_escaped(html: &mut String, text: &str) {
    // Writing to a String cannot fail.
    let _ = escape_html(html, text);
}

/// Reads `LANG {key=value …}`; anything odd is a problem, never markup.
fn parse_fence(info: &str) -> (Fence, Vec<Problem>) {
    let mut fence = Fence::default();
    let mut problems = Vec::new();
    let (lang, attributes) = match info.find('{') {
        Some(open) => (&info[..open], Some(&info[open + 1..])),
        None => (info, None),
    };
    let lang = lang.split_whitespace().next().unwrap_or("");
    if !lang.is_empty() {
        if lang
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '_' | '.' | '#'))
        {
            fence.lang = Some(lang.to_string());
        } else {
            problems.push(Problem {
                message: format!(
                    "`{lang}` is not a language name; the code is shown without highlighting"
                ),
                help: "write a language such as rust, python or bash after the opening fence"
                    .into(),
            });
        }
    }
    let Some(attributes) = attributes else {
        return (fence, problems);
    };
    let Some(attributes) = attributes.trim_end().strip_suffix('}') else {
        problems.push(attribute_problem(
            "the attributes after the language are not closed by `}`",
        ));
        return (fence, problems);
    };
    for (key, value) in split_attributes(attributes) {
        match (key.as_str(), value) {
            ("title", Some(value)) => fence.title = Some(value),
            ("linenos", None) => fence.linenos = true,
            ("linenos", Some(value)) if value == "true" || value == "false" => {
                fence.linenos = value == "true"
            }
            ("hl_lines", Some(value)) => match parse_lines(&value) {
                Some(lines) => fence.hl_lines = lines,
                None => problems.push(attribute_problem(&format!(
                    "hl_lines=`{value}` is not a list of lines"
                ))),
            },
            (key, _) => problems.push(attribute_problem(&format!(
                "unknown or incomplete code block attribute `{key}`"
            ))),
        }
    }
    (fence, problems)
}

fn attribute_problem(message: &str) -> Problem {
    Problem {
        message: message.to_string(),
        help: "code block attributes are title=\"file name\", hl_lines=[2, 4-6] and linenos: ```rust {title=\"main.rs\" hl_lines=[2] linenos}".into(),
    }
}

/// `key=value` pairs separated by blanks or commas; values may be "quoted" or [listed].
fn split_attributes(text: &str) -> Vec<(String, Option<String>)> {
    let mut pairs = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == ',').is_some() {}
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| !c.is_whitespace() && !matches!(c, '=' | ',')) {
            key.push(c);
        }
        if key.is_empty() {
            return pairs;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next_if_eq(&'=').is_none() {
            pairs.push((key, None));
            continue;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        match chars.peek() {
            Some('"') => {
                chars.next();
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    value.push(c);
                }
            }
            Some('[') => {
                for c in chars.by_ref() {
                    value.push(c);
                    if c == ']' {
                        break;
                    }
                }
            }
            _ => {
                while let Some(c) = chars.next_if(|c| !c.is_whitespace() && *c != ',') {
                    value.push(c);
                }
            }
        }
        pairs.push((key, Some(value)));
    }
}

/// `[2, 4-6]` (brackets optional) into `[2, 4, 5, 6]`.
fn parse_lines(value: &str) -> Option<Vec<usize>> {
    let inner = value.trim().trim_start_matches('[').trim_end_matches(']');
    let mut lines = Vec::new();
    for part in inner.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
        match part.trim().split_once('-') {
            Some((from, to)) => {
                let (from, to): (usize, usize) =
                    (from.trim().parse().ok()?, to.trim().parse().ok()?);
                // A range is the author's count of lines: never more than a code block holds.
                if from == 0 || to < from || to - from > 10_000 {
                    return None;
                }
                lines.extend(from..=to);
            }
            None => lines.push(part.trim().parse().ok().filter(|n| *n > 0)?),
        }
    }
    Some(lines)
}

#[cfg(test)]
mod tests {

    #[test]
    fn fence_languages_are_read_from_fence_lines() {
        let languages = fence_languages(
            "Texte\n\n```Rust {hl_lines=[1]}\nfn x() {}\n```\n\n  ~~~bash\nls\n~~~\n```\nplain\n```\n",
        );
        assert_eq!(languages.into_iter().collect::<Vec<_>>(), ["bash", "rust"]);
    }

    use super::*;

    fn block(info: &str, code: &str) -> String {
        CodeHighlighter::new().render_block(info, code).0
    }

    #[test]
    fn every_promised_language_is_highlighted() {
        let samples = [
            ("rust", "fn main() {}"),
            ("python", "def f(): return 1"),
            ("javascript", "const a = 1;"),
            ("typescript", "let a: number = 1;"),
            ("go", "func main() {}"),
            ("c", "int main(void) { return 0; }"),
            ("cpp", "class A { public: int x; };"),
            ("java", "class A { void f() {} }"),
            ("bash", "echo \"$HOME\""),
            ("shell", "if true; then echo x; fi"),
            ("sh", "export A=1"),
            ("json", "{\"a\": 1}"),
            ("yaml", "a: 1"),
            ("toml", "a = 1"),
            ("sql", "SELECT a FROM b;"),
            ("html", "<p class=\"x\">a</p>"),
            ("css", "a { color: red; }"),
            ("diff", "+added\n-removed"),
            ("dockerfile", "FROM debian\nRUN echo x"),
            ("Dockerfile", "FROM debian"),
        ];
        for (lang, code) in samples {
            let html = block(lang, code);
            assert!(
                html.contains("<span class=\"hl-"),
                "{lang} not highlighted: {html}"
            );
        }
    }

    #[test]
    fn injections_colour_embedded_languages_but_not_rust_macro_arguments() {
        fn coloured(html: &str, class: &str) -> Vec<String> {
            let selector = scraper::Selector::parse(&format!("span.{class}")).unwrap();
            scraper::Html::parse_fragment(html)
                .select(&selector)
                .map(|span| span.text().collect())
                .collect()
        }
        // CSS inside HTML gets CSS colours, through the HTML grammar's injection.
        let html = block("html", "<style>a { color: red; }</style>");
        assert_eq!(coloured(&html, "hl-property"), ["color"], "{html}");
        // A macro's string argument keeps its colour without re-parsing the arguments.
        let html = block("rust", "fn main() { println!(\"ok {}\", total.len()); }");
        assert_eq!(coloured(&html, "hl-string"), ["\"ok {}\""], "{html}");
    }

    #[test]
    fn unknown_or_missing_language_is_plain_escaped_code() {
        assert_eq!(
            block("brainfuck", "<a>&"),
            "<figure class=\"code\" data-lang=\"brainfuck\">\n<pre><code class=\"language-brainfuck\">&lt;a&gt;&amp;</code></pre>\n</figure>\n"
        );
        assert_eq!(
            block("", "x\n"),
            "<figure class=\"code\">\n<pre><code>x</code></pre>\n</figure>\n"
        );
    }

    #[test]
    fn a_hostile_info_string_never_produces_markup() {
        let (html, problems) = CodeHighlighter::new().render_block(
            "a\"><script>x</script> {title=\"<img src=x onerror=alert(1)>\"}",
            "1 < 2",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert_eq!(problems.len(), 1);
        assert!(
            html.starts_with("<figure class=\"code\">\n<figcaption"),
            "{html}"
        );
    }

    #[test]
    fn attributes_title_highlighted_lines_and_numbers() {
        let html = block(
            "rust {title=\"src/main.rs\", hl_lines=[2, 4-5] linenos}",
            "a\nb\nc\nd\ne\n",
        );
        assert!(html.starts_with("<figure class=\"code numbered\" data-lang=\"rust\">\n<figcaption class=\"code-title\">src/main.rs</figcaption>\n"), "{html}");
        let lines: Vec<&str> = html
            .lines()
            .filter(|l| l.contains("class=\"line"))
            .collect();
        assert_eq!(lines.len(), 5, "{html}");
        let marked: Vec<bool> = lines.iter().map(|l| l.contains("line hl")).collect();
        assert_eq!(marked, [false, true, false, true, true]);
    }

    #[test]
    fn tokens_never_cross_line_wrappers() {
        let html = block("rust {linenos}", "/* one\ntwo */ fn x() {}\n");
        assert!(html.contains("<span class=\"line\"><span class=\"hl-comment\">/* one</span></span>\n<span class=\"line\"><span class=\"hl-comment\">two */</span>"), "{html}");
    }

    #[test]
    fn diff_lines_get_diff_classes() {
        let html = block("diff", "-old\n+new\n same\n");
        assert!(
            html.contains("<span class=\"hl-diff-delete\">-old</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-diff-add\">+new</span>"),
            "{html}"
        );
    }

    #[test]
    fn bad_attributes_are_reported() {
        let (fence, problems) = parse_fence("rust {hl_line=[2] hl_lines=[x] linenos}");
        assert!(fence.linenos);
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown or incomplete code block attribute `hl_line`",
                "hl_lines=`[x]` is not a list of lines"
            ]
        );
        let (_, problems) = parse_fence("rust {title=\"x\"");
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn fence_events_become_one_html_block() {
        use pulldown_cmark::Parser;
        let mut events: Vec<_> =
            Parser::new("```python\nprint(1)\n```\n\n    indented\n").collect();
        let problems = CodeHighlighter::new().adapt(&mut events);
        assert!(problems.is_empty());
        let html: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                Event::Html(h) => Some(h.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(html.len(), 2);
        assert!(
            html[0].contains("hl-function") && html[0].contains("data-lang=\"python\""),
            "{}",
            html[0]
        );
        assert!(
            html[1].contains("<pre><code>indented</code></pre>"),
            "{}",
            html[1]
        );
    }
}
