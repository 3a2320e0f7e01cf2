//! Related-articles engine: for every article, a short list of the articles
//! most worth reading next.
//!
//! # Pipeline
//!
//! 1. **Analysis.** Title, summary and body are folded (ASCII lower case,
//!    accents and ligatures transliterated by `deunicode`: `Œuvre` → `oeuvre`),
//!    split into words, stripped of French and English stop words and stemmed
//!    with Snowball (French or English, guessed per article from which stop
//!    words it uses). Title and summary words count more than body words.
//! 2. **Indexing.** Each article keeps only its `max_terms` most distinctive
//!    terms (TF-IDF, L2-normalised), which bounds memory and scoring cost.
//!    Inverted indexes (term → articles, tag → articles, …) are compressed
//!    sparse rows of `u32`, sorted by article, hence by date.
//! 3. **Candidates.** For each article, the postings of its `query_terms` best
//!    terms and of its tags, categories and series are walked while a cheap
//!    pre-score is accumulated. Values on more than `max_df_ratio` of the
//!    articles (and more than `max_postings`), or on more than twice
//!    `max_postings` on a large site, are skipped there (too common to
//!    discriminate; they still count in the full score), and a list longer
//!    than `max_postings` is only walked around the article's own date, so
//!    per-article work stays bounded whatever the size of the site: at most
//!    (`query_terms` + tags + categories + series) × `max_postings` visits,
//!    then `candidate_pool` full scores.
//! 4. **Scoring.** The `candidate_pool` best candidates get the full score:
//!    six signals in [0, 1] (tags, categories, text, author, series, recency)
//!    combined with weights normalised to sum to 1, so totals and the
//!    threshold live in [0, 1]. A bounded heap keeps the best `count`.
//!
//! # Determinism
//!
//! A list depends only on the index, which is built identically whatever the
//! number of threads (integer counts, sorted vocabularies), and every float
//! sum runs in a fixed order (query terms by weight, postings by article,
//! merges by id). Ties are broken by article index.

use std::borrow::Cow;
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::LazyLock;

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/// What the scorer needs to know about one article. The caller passes articles
/// sorted newest first (ties by path), and uses the returned indices into that slice.
#[derive(Debug, Clone)]
pub struct RelatedDoc<'a> {
    pub title: &'a str,
    /// Plain text.
    pub summary: &'a str,
    /// Plain text of the body (no markup).
    pub body_text: &'a str,
    pub tags: &'a [String],
    pub categories: &'a [String],
    pub authors: &'a [String],
    pub series: Option<&'a str>,
    pub date: jiff::Timestamp,
    /// Indices of articles pinned by the front matter `related:` (resolved by
    /// the caller), shown first.
    pub pinned: Vec<usize>,
}

/// The `related:` section of `site.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RelatedConfig {
    /// Maximum length of each list, pinned articles included.
    pub count: usize,
    /// Minimum total score, in [0, 1], of a computed (non-pinned) link.
    pub threshold: f64,
    /// Relative importance of each signal; normalised to sum to 1.
    pub weights: RelatedWeights,
    /// Date gap, in days, that halves the recency signal.
    pub recency_half_life_days: f64,
    /// Snowball stemmer: `auto` (guessed per article), `french`, `english`
    /// or `none`.
    pub stemming: Stemming,
    /// Term-frequency multiplier of title words (body words count 1).
    pub title_boost: f64,
    /// Term-frequency multiplier of summary words.
    pub summary_boost: f64,
    /// Terms kept per article for text similarity (its most distinctive).
    pub max_terms: usize,
    /// Terms per article whose postings are walked to find candidates.
    pub query_terms: usize,
    /// A term, tag, category or series on more than this share of the
    /// articles (and on more than `max_postings` of them) finds no
    /// candidates; it still counts in the score of those found otherwise.
    pub max_df_ratio: f64,
    /// Longest stretch of one postings list walked per article; longer lists
    /// are walked around the article's date only.
    pub max_postings: usize,
    /// Candidates per article that get the full score.
    pub candidate_pool: usize,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        Self {
            count: 5,
            threshold: 0.2,
            weights: RelatedWeights::default(),
            recency_half_life_days: 30.0,
            stemming: Stemming::Auto,
            title_boost: 3.0,
            summary_boost: 2.0,
            max_terms: 64,
            query_terms: 16,
            max_df_ratio: 0.2,
            max_postings: 1000,
            candidate_pool: 64,
        }
    }
}

impl RelatedConfig {
    /// Checks the values serde cannot: ranges and consistency. The engine
    /// never panics on a bad value (it clamps), but a site author deserves an
    /// error rather than silently odd lists.
    pub fn validate(&self) -> Result<(), String> {
        let w = &self.weights;
        let weights = [
            ("tags", w.tags),
            ("categories", w.categories),
            ("text", w.text),
            ("author", w.author),
            ("series", w.series),
            ("recency", w.recency),
        ];
        if let Some((name, _)) = weights.iter().find(|(_, v)| !(v.is_finite() && *v >= 0.0)) {
            return Err(format!("related.weights.{name} must be a number >= 0"));
        }
        if weights.iter().map(|(_, v)| v).sum::<f64>() <= 0.0 {
            return Err("related.weights must not all be 0".into());
        }
        let checks = [
            (
                (0.0..=1.0).contains(&self.threshold),
                "threshold must be in [0, 1]",
            ),
            (
                self.recency_half_life_days.is_finite() && self.recency_half_life_days > 0.0,
                "recency_half_life_days must be > 0",
            ),
            (
                self.title_boost.is_finite() && self.title_boost >= 0.0,
                "title_boost must be >= 0",
            ),
            (
                self.summary_boost.is_finite() && self.summary_boost >= 0.0,
                "summary_boost must be >= 0",
            ),
            (self.max_terms >= 1, "max_terms must be >= 1"),
            (self.query_terms >= 1, "query_terms must be >= 1"),
            (
                self.max_df_ratio > 0.0 && self.max_df_ratio <= 1.0,
                "max_df_ratio must be in (0, 1]",
            ),
            (self.max_postings >= 1, "max_postings must be >= 1"),
            (
                self.candidate_pool >= self.count,
                "candidate_pool must be >= count",
            ),
        ];
        match checks.iter().find(|(ok, _)| !ok) {
            Some((_, message)) => Err(format!("related.{message}")),
            None => Ok(()),
        }
    }
}

/// Relative weights of the signals (any scale: they are normalised).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RelatedWeights {
    pub tags: f64,
    pub categories: f64,
    pub text: f64,
    pub author: f64,
    pub series: f64,
    pub recency: f64,
}

impl Default for RelatedWeights {
    fn default() -> Self {
        Self {
            tags: 0.30,
            categories: 0.05,
            text: 0.45,
            author: 0.05,
            series: 0.10,
            recency: 0.05,
        }
    }
}

impl RelatedWeights {
    /// Negative or non-finite weights become 0, then all are scaled to sum to 1.
    fn normalised(&self) -> Self {
        let clean = |x: f64| if x.is_finite() && x > 0.0 { x } else { 0.0 };
        let w = [
            self.tags,
            self.categories,
            self.text,
            self.author,
            self.series,
            self.recency,
        ]
        .map(clean);
        let sum: f64 = w.iter().sum();
        let [tags, categories, text, author, series, recency] =
            w.map(|x| if sum > 0.0 { x / sum } else { 0.0 });
        Self {
            tags,
            categories,
            text,
            author,
            series,
            recency,
        }
    }
}

/// Which Snowball stemmer analyses article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stemming {
    /// French or English, whichever stop words the article uses more.
    #[default]
    Auto,
    #[serde(alias = "fr")]
    French,
    #[serde(alias = "en")]
    English,
    /// No stemming (folding and stop words still apply).
    #[serde(rename = "none", alias = "off")]
    Off,
}

/// One entry of a related list.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Related {
    /// Index into the `docs` slice.
    pub index: usize,
    /// Total score in [0, 1] (also computed for pinned articles).
    pub score: f64,
    pub pinned: bool,
}

/// Why a candidate scored what it did. Parts are already weighted and add up
/// to `total`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Explanation {
    pub index: usize,
    pub total: f64,
    pub tags: f64,
    pub categories: f64,
    pub text: f64,
    pub author: f64,
    pub series: f64,
    pub recency: f64,
    pub pinned: bool,
    /// In the related list: pinned, or passes the threshold within the top k.
    pub kept: bool,
}

/// Top-k related articles of every article, in the order of `docs`.
pub fn related_lists(docs: &[RelatedDoc<'_>], config: &RelatedConfig) -> Vec<Vec<Related>> {
    if docs.is_empty() || config.count == 0 {
        return vec![Vec::new(); docs.len()];
    }
    let engine = Engine::build(docs, config);
    // One scratch accumulator per rayon job: no locks, no shared state.
    (0..docs.len())
        .into_par_iter()
        .map_init(|| engine.scratch(), |s, i| engine.list(i, s))
        .collect()
}

/// For `explain-related`: every candidate of `target` (the pinned articles,
/// then the scored candidate pool), with the total and each signal's part.
/// The kept entries come first, in list order, then the others best first.
/// Empty if `target` is out of range.
pub fn explain(docs: &[RelatedDoc<'_>], config: &RelatedConfig, target: usize) -> Vec<Explanation> {
    if target >= docs.len() {
        return Vec::new();
    }
    Engine::build(docs, config).explain(target)
}

// ---------------------------------------------------------------------------
// Text analysis
// ---------------------------------------------------------------------------

/// Words longer than this are identifiers, hashes or URLs, not vocabulary.
const MAX_WORD_LEN: usize = 40;

// Folded (ASCII) and sorted, so that duplicates show; one-letter words never
// get this far. Own short lists rather than the `stop-words` crate: its ISO lists
// hold content words of tech news ("computer", "system", "test", "research",
// "nouveau"), and IDF already discounts frequent words, so only the function
// words need removing. "ai" (j'ai) is left out of the French list so that the
// English "AI" survives.
#[rustfmt::skip]
const ENGLISH_STOP_WORDS: &[&str] = &[
    "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "aren", "as", "at", "be", "because", "been", "before", "being", "below", "between",
    "both", "but", "by", "can", "could", "couldn", "did", "didn", "do", "does", "doesn",
    "doing", "don", "down", "during", "each", "either", "few", "for", "from", "further", "had",
    "hadn", "has", "hasn", "have", "haven", "having", "he", "her", "here", "hers", "herself",
    "him", "himself", "his", "how", "however", "if", "in", "into", "is", "isn", "it", "its",
    "itself", "just", "ll", "may", "me", "might", "more", "most", "must", "my", "myself",
    "neither", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other",
    "ought", "our", "ours", "ourselves", "out", "over", "own", "re", "same", "shall", "she",
    "should", "shouldn", "since", "so", "some", "such", "than", "that", "the", "their",
    "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "though",
    "through", "thus", "to", "too", "under", "until", "up", "upon", "ve", "very", "was", "wasn",
    "we", "were", "weren", "what", "when", "where", "whether", "which", "while", "who", "whom",
    "whose", "why", "will", "with", "within", "without", "won", "would", "wouldn", "yet", "you",
    "your", "yours", "yourself", "yourselves",
];
#[rustfmt::skip]
const FRENCH_STOP_WORDS: &[&str] = &[
    "au", "aucun", "aucune", "aujourd", "aussi", "autre", "autres", "aux", "avaient", "avais",
    "avait", "avant", "avec", "avez", "avoir", "avons", "ayant", "ca", "car", "ce", "ceci",
    "cela", "celle", "celles", "celui", "cependant", "certains", "ces", "cet", "cette", "ceux",
    "chaque", "chez", "comme", "comment", "dans", "de", "deja", "depuis", "des", "donc", "dont",
    "du", "elle", "elles", "en", "encore", "entre", "es", "est", "et", "etaient", "etait",
    "etant", "ete", "etre", "eu", "eux", "faire", "fait", "fois", "font", "hui", "il", "ils",
    "je", "la", "le", "les", "leur", "leurs", "lors", "lorsque", "lui", "ma", "mais", "me",
    "meme", "memes", "mes", "moi", "moins", "mon", "ne", "ni", "nos", "notre", "nous", "on",
    "ont", "or", "ou", "par", "parce", "pas", "peu", "peut", "peuvent", "plus", "plusieurs",
    "pour", "pourquoi", "puis", "qu", "quand", "que", "quel", "quelle", "quelles", "quels",
    "qui", "sa", "sans", "se", "selon", "sera", "serait", "seront", "ses", "si", "sien", "soit",
    "son", "sont", "sous", "sur", "ta", "tandis", "te", "tel", "telle", "tes", "toi", "ton",
    "tous", "tout", "toute", "toutes", "tres", "tu", "un", "une", "vers", "via", "voici",
    "voila", "vos", "votre", "vous",
];

/// The lists a stop word is on.
#[derive(Debug, Clone, Copy, Default)]
struct StopWord {
    english: bool,
    french: bool,
}

/// Both lists in one hash map keyed like the stem memo ([`short_word_key`]):
/// the language guess looks up hundreds of words per article, and binary
/// searches over the lists were half the cost of analysing an article.
static STOP_WORDS: LazyLock<FxHashMap<u128, StopWord>> = LazyLock::new(|| {
    let mut map: FxHashMap<u128, StopWord> = FxHashMap::default();
    let key = |word: &str| short_word_key(word.as_bytes(), 0..word.len()).expect("short stop word");
    for &word in ENGLISH_STOP_WORDS {
        map.entry(key(word)).or_default().english = true;
    }
    for &word in FRENCH_STOP_WORDS {
        map.entry(key(word)).or_default().french = true;
    }
    map
});

/// The lists the word with this [`short_word_key`] is on (a longer word is on none).
fn stop_word(key: Option<u128>) -> StopWord {
    key.and_then(|key| STOP_WORDS.get(&key))
        .copied()
        .unwrap_or_default()
}

/// Lower-cases and transliterates `text` to ASCII, turning everything that is
/// not a letter or digit into a space, so words are `split_ascii_whitespace`
/// runs. Punctuation and symbols are dropped before transliteration so that
/// emoji do not turn into words.
fn fold(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    fold_into(text, &mut out);
    String::from_utf8(out).expect("every byte was folded to ASCII")
}

/// [`fold`], appending to a buffer that is reused from article to article.
fn fold_into(text: &str, out: &mut Vec<u8>) {
    // Without branches, so that the compiler folds 16 bytes at once.
    let fold_ascii = |b: u8| {
        let lower = b | 0x20;
        if lower.wrapping_sub(b'a') < 26 {
            lower
        } else if b.wrapping_sub(b'0') < 10 {
            b
        } else {
            b' '
        }
    };
    let bytes = text.as_bytes();
    out.reserve(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        // ASCII, most of any text, goes 16 bytes at a time; a block holding
        // another character goes byte by byte up to it.
        let ascii = match bytes.get(at..at + 16) {
            Some(block) => {
                let block: [u8; 16] = block.try_into().expect("16 bytes");
                let high = u128::from_le_bytes(block) & u128::from_le_bytes([0x80; 16]);
                if high == 0 {
                    out.extend_from_slice(&block.map(fold_ascii));
                    at += 16;
                    continue;
                }
                high.trailing_zeros() as usize / 8
            }
            None => bytes[at..]
                .iter()
                .position(|b| !b.is_ascii())
                .unwrap_or(bytes.len() - at),
        };
        out.extend(bytes[at..at + ascii].iter().map(|&b| fold_ascii(b)));
        at += ascii;
        if let Some(c) = text[at..].chars().next() {
            out.extend(transliterate(c).bytes().map(fold_ascii));
            at += c.len_utf8();
        }
    }
}

/// Characters below this come from a table in [`transliterate`]: Latin
/// letters with accents and the general punctuation French typography adds
/// (apostrophes, quotes, narrow no-break spaces), nearly all the non-ASCII
/// characters of news text.
const TRANSLITERATION_TABLE_LEN: u32 = 0x2070;

/// What [`fold`] turns a non-ASCII character into (before lower-casing): a
/// letter or digit its transliteration, anything else a separator. Ideographs
/// come back as "Bei " with their own separator; a Latin letter such as 'é' as
/// "e", so that words stay whole. The table saves the two searches in Unicode
/// tables that were a twentieth of the analysis.
fn transliterate(c: char) -> &'static str {
    fn search(c: char) -> &'static str {
        if c.is_alphanumeric() {
            deunicode::deunicode_char(c).unwrap_or(" ")
        } else {
            " "
        }
    }
    static TABLE: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        (0..TRANSLITERATION_TABLE_LEN)
            .map(|code| char::from_u32(code).map_or(" ", search))
            .collect()
    });
    TABLE.get(c as usize).copied().unwrap_or_else(|| search(c))
}

/// A folded word worth indexing: not a stop word, not a one-letter word, not a
/// short number (page numbers, days), not an absurdly long token.
fn is_content_word(word: &str) -> bool {
    let len = word.len();
    let short_number = len < 4 && word.bytes().all(|b| b.is_ascii_digit());
    let stop = stop_word(short_word_key(word.as_bytes(), 0..len));
    (2..=MAX_WORD_LEN).contains(&len) && !short_number && !stop.english && !stop.french
}

/// The term a folded word is indexed under, if any.
fn analyse_word<'w>(word: &'w str, stemmer: Option<&Stemmer>) -> Option<Cow<'w, str>> {
    if !is_content_word(word) {
        return None;
    }
    let stem = stemmer.map_or(Cow::Borrowed(word), |s| s.stem(word));
    (!stem.is_empty()).then_some(stem)
}

/// The indexed terms of a folded text, in order.
#[cfg(test)]
fn stems<'t>(folded: &'t str, stemmer: Option<&Stemmer>) -> impl Iterator<Item = Cow<'t, str>> {
    folded
        .split_ascii_whitespace()
        .filter_map(move |w| analyse_word(w, stemmer))
}

/// Per-job memory of the analysis, reused from article to article so that
/// a warm job allocates nothing per article: the folded texts, a memo of
/// folded word → term id (`None`: not indexed), one map per stemmer choice,
/// the terms met so far, and the counts of the article being analysed.
/// Snowball dominates analysis time and word frequencies are Zipfian, so most
/// words hit. Results do not depend on it.
#[derive(Default)]
struct AnalysisScratch {
    folded: Vec<u8>,
    /// Words of up to 16 bytes, keyed by their bytes ([`short_word_key`]):
    /// a hit hashes and compares one integer rather than a string.
    short_words: [FxHashMap<u128, Option<u32>>; 3],
    long_words: [FxHashMap<Box<str>, Option<u32>>; 3],
    /// Term id → term hash, and back.
    hashes: Vec<u64>,
    ids: TermMap<u32>,
    /// Term id → boosted count in the current article (0 when absent).
    counts: Vec<f32>,
    /// Ids counted in the current article.
    counted: Vec<u32>,
}

/// Bounds the memo; a full one is simply cleared, between two articles.
const STEM_CACHE_CAPACITY: usize = 200_000;

/// Room after the folded texts, so that [`short_word_key`] reads 16 bytes from
/// any word's start in one load.
const KEY_PADDING: usize = 16;

/// The bytes of `text[word]`, if at most 16, as one integer. Words hold no
/// zero byte, so different words give different keys.
fn short_word_key(text: &[u8], word: Range<usize>) -> Option<u128> {
    let len = word.len();
    if len > 16 {
        return None;
    }
    let bytes: [u8; 16] = match text.get(word.start..word.start + 16) {
        Some(bytes) => bytes.try_into().expect("16 bytes"),
        None => {
            let mut bytes = [0; 16];
            bytes[..len].copy_from_slice(&text[word]);
            bytes
        }
    };
    Some(u128::from_le_bytes(bytes) & (u128::MAX >> (8 * (16 - len))))
}

/// The words of `text[range]`, a folded text, as byte ranges of `text`.
fn words(text: &[u8], range: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
    let (mut at, end) = (range.start, range.end);
    std::iter::from_fn(move || {
        while at < end && text[at] == b' ' {
            at += 1;
        }
        let start = at;
        while at < end && text[at] != b' ' {
            at += 1;
        }
        (start < at).then_some(start..at)
    })
}

impl AnalysisScratch {
    fn clear_if_full(&mut self) {
        let full = self.short_words.iter().map(FxHashMap::len);
        if full
            .chain(self.long_words.iter().map(FxHashMap::len))
            .any(|len| len >= STEM_CACHE_CAPACITY)
        {
            self.short_words.iter_mut().for_each(FxHashMap::clear);
            self.long_words.iter_mut().for_each(FxHashMap::clear);
            self.hashes.clear();
            self.ids.clear();
            self.counts.clear();
        }
    }

    /// [`analyse_word`] then [`term_hash`], memoised in map `slot` (one per
    /// stemmer, see [`Analyzer::stemmer`]), as a term id.
    fn term(
        &mut self,
        slot: usize,
        word: &str,
        key: Option<u128>,
        stemmer: Option<&Stemmer>,
    ) -> Option<u32> {
        let cached = match key {
            Some(key) => self.short_words[slot].get(&key),
            None => self.long_words[slot].get(word),
        };
        if let Some(&term) = cached {
            return term;
        }
        let term = analyse_word(word, stemmer).map(|stem| self.id(term_hash(&stem)));
        match key {
            Some(key) => self.short_words[slot].insert(key, term),
            None => self.long_words[slot].insert(word.into(), term),
        };
        term
    }

    fn id(&mut self, hash: u64) -> u32 {
        let Self {
            ids,
            hashes,
            counts,
            ..
        } = self;
        *ids.entry(hash).or_insert_with(|| {
            hashes.push(hash);
            counts.push(0.0);
            (hashes.len() - 1) as u32
        })
    }

    fn count(&mut self, term: u32, boost: f32) {
        let count = &mut self.counts[term as usize];
        if *count == 0.0 {
            self.counted.push(term);
        }
        *count += boost;
    }

    /// The counts of the article, by term hash, in no order; leaves them at 0.
    fn take_counts(&mut self) -> Vec<(u64, f32)> {
        self.counted
            .drain(..)
            .map(|term| {
                let count = std::mem::take(&mut self.counts[term as usize]);
                (self.hashes[term as usize], count)
            })
            .collect()
    }
}

/// Words read to guess an article's language: a few sentences settle it, and
/// reading whole bodies showed up in profiles.
const LANGUAGE_SAMPLE_WORDS: usize = 300;

/// French or English, by which stop words the folded texts (`fields` of
/// `text`) use more (in their first [`LANGUAGE_SAMPLE_WORDS`] words); `None`
/// when undecided (no stemming is safer than the wrong stemmer).
fn guess_language(text: &[u8], fields: &[Range<usize>]) -> Option<Algorithm> {
    let (mut french, mut english) = (0usize, 0usize);
    for word in fields
        .iter()
        .flat_map(|field| words(text, field.clone()))
        .take(LANGUAGE_SAMPLE_WORDS)
    {
        let stop = stop_word(short_word_key(text, word));
        french += usize::from(stop.french);
        english += usize::from(stop.english);
    }
    match french.cmp(&english) {
        Ordering::Greater => Some(Algorithm::French),
        Ordering::Less => Some(Algorithm::English),
        Ordering::Equal => None,
    }
}

/// Turns an article into weighted term counts.
struct Analyzer {
    mode: Stemming,
    french: Stemmer,
    english: Stemmer,
    title_boost: f32,
    summary_boost: f32,
}

impl Analyzer {
    fn new(config: &RelatedConfig) -> Self {
        let boost = |x: f64| {
            if x.is_finite() && x > 0.0 {
                x as f32
            } else {
                0.0
            }
        };
        Self {
            mode: config.stemming,
            french: Stemmer::create(Algorithm::French),
            english: Stemmer::create(Algorithm::English),
            title_boost: boost(config.title_boost),
            summary_boost: boost(config.summary_boost),
        }
    }

    /// The stemmer for an article (its folded texts, `fields` of `text`), with
    /// the slot of its [`AnalysisScratch`] maps: 0 none, 1 French, 2 English.
    fn stemmer(&self, text: &[u8], fields: &[Range<usize>]) -> (Option<&Stemmer>, usize) {
        let algorithm = match self.mode {
            Stemming::Auto => guess_language(text, fields),
            Stemming::French => Some(Algorithm::French),
            Stemming::English => Some(Algorithm::English),
            Stemming::Off => None,
        };
        match algorithm {
            Some(Algorithm::French) => (Some(&self.french), 1),
            Some(_) => (Some(&self.english), 2),
            None => (None, 0),
        }
    }

    /// Boosted term frequencies keyed by term hash, sorted by hash. Sums run
    /// in text order, so they are reproducible.
    fn term_counts(&self, doc: &RelatedDoc<'_>, scratch: &mut AnalysisScratch) -> Vec<(u64, f32)> {
        scratch.clear_if_full();
        let mut folded = std::mem::take(&mut scratch.folded);
        folded.clear();
        // One buffer, fields apart by a space so that no word spans two.
        let fields = [doc.title, doc.summary, doc.body_text].map(|text| {
            let start = folded.len();
            fold_into(text, &mut folded);
            let field = start..folded.len();
            folded.push(b' ');
            field
        });
        folded.resize(folded.len() + KEY_PADDING, b' ');
        let text = std::str::from_utf8(&folded).expect("every byte was folded to ASCII");
        let (stemmer, slot) = self.stemmer(&folded, &fields);
        let boosts = [self.title_boost, self.summary_boost, 1.0];
        for (field, boost) in fields
            .into_iter()
            .zip(boosts)
            .filter(|&(_, boost)| boost > 0.0)
        {
            // Longer words are not indexed (see `is_content_word`).
            for word in words(&folded, field).filter(|word| word.len() <= MAX_WORD_LEN) {
                let key = short_word_key(&folded, word.clone());
                if let Some(term) = scratch.term(slot, &text[word], key, stemmer) {
                    scratch.count(term, boost);
                }
            }
        }
        scratch.folded = folded;
        let mut counts = scratch.take_counts();
        counts.sort_unstable_by_key(|&(hash, _)| hash);
        counts
    }
}

const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Terms are identified by a 64-bit FNV-1a hash instead of an interned
/// string: no global string table while tokenising in parallel, and a
/// collision (odds about 1e-8 for a million distinct terms) would only merge
/// two words. FNV rather than `DefaultHasher` because its output is fixed
/// forever, so lists stay byte-identical across toolchains.
fn term_hash(term: &str) -> u64 {
    term.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

/// Cheap hasher for the maps keyed by term hash: the key already is a hash and
/// passes through (other keys, which these maps never get, would get FNV-1a).
/// SipHash's DoS resistance is useless here and cost a lot on millions of lookups.
#[derive(Default)]
struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type TermMap<V> = HashMap<u64, V, BuildHasherDefault<PreHashed>>;

// ---------------------------------------------------------------------------
// Index structures
// ---------------------------------------------------------------------------

/// Compressed sparse rows: row `r` is `values[offsets[r]..offsets[r + 1]]`.
/// One allocation per table instead of one per article or per term.
struct Csr<T> {
    offsets: Vec<usize>,
    values: Vec<T>,
}

impl<T: Copy> Csr<T> {
    fn from_rows(rows: Vec<Vec<T>>) -> Self {
        let mut offsets = Vec::with_capacity(rows.len() + 1);
        let mut values = Vec::with_capacity(rows.iter().map(Vec::len).sum());
        offsets.push(0);
        for row in rows {
            values.extend(row);
            offsets.push(values.len());
        }
        Self { offsets, values }
    }

    fn row(&self, r: usize) -> &[T] {
        &self.values[self.offsets[r]..self.offsets[r + 1]]
    }

    /// Inverts rows and columns with a counting sort; as rows are visited in
    /// order, each new row (column of `self`) comes out sorted by old row.
    fn transpose<U: Copy + Default>(
        &self,
        columns: usize,
        column: impl Fn(&T) -> usize,
        entry: impl Fn(u32, &T) -> U,
    ) -> Csr<U> {
        let mut offsets = vec![0usize; columns + 1];
        for value in &self.values {
            offsets[column(value) + 1] += 1;
        }
        for c in 0..columns {
            offsets[c + 1] += offsets[c];
        }
        let mut next = offsets.clone();
        let mut values = vec![U::default(); self.values.len()];
        for r in 0..self.offsets.len() - 1 {
            for value in self.row(r) {
                let slot = &mut next[column(value)];
                values[*slot] = entry(r as u32, value);
                *slot += 1;
            }
        }
        Csr { offsets, values }
    }
}

/// How much sharing a value says, from its document frequency: 1 for a value
/// on only two articles (the rarest that can be shared), falling
/// logarithmically to 0 for a value on every article.
fn rarity(df: usize, n: usize) -> f64 {
    if n <= 2 || df <= 2 {
        return 1.0;
    }
    ((n as f64 / df as f64).ln() / (n as f64 / 2.0).ln()).clamp(0.0, 1.0)
}

/// Calls `f` on each pair of entries with equal keys in two sorted slices.
fn merge_join<A, B>(
    a: &[A],
    b: &[B],
    key_a: impl Fn(&A) -> u32,
    key_b: impl Fn(&B) -> u32,
    mut f: impl FnMut(&A, &B),
) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match key_a(&a[i]).cmp(&key_b(&b[j])) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                f(&a[i], &b[j]);
                i += 1;
                j += 1;
            }
        }
    }
}

/// A set-valued property of articles (tags, categories, authors, series).
struct Facet {
    /// Article → sorted value ids.
    values: Csr<u32>,
    /// Value id → sorted articles.
    docs: Csr<u32>,
    /// Value id → [`rarity`].
    rarity: Vec<f64>,
}

impl Facet {
    /// Values are compared folded (`Sécurité` = `securite`); ids are given in
    /// order of first appearance, so they do not depend on hashing.
    fn build<'v, I>(per_doc: impl Iterator<Item = I>) -> Self
    where
        I: IntoIterator<Item = &'v str>,
    {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let rows: Vec<Vec<u32>> = per_doc
            .map(|values| {
                let mut row: Vec<u32> = values
                    .into_iter()
                    .filter_map(|value| {
                        let key = fold(value)
                            .split_ascii_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ");
                        let next = ids.len() as u32;
                        (!key.is_empty()).then(|| *ids.entry(key).or_insert(next))
                    })
                    .collect();
                row.sort_unstable();
                row.dedup();
                row
            })
            .collect();
        let n = rows.len();
        let values = Csr::from_rows(rows);
        let docs = values.transpose(ids.len(), |&v| v as usize, |doc, _| doc);
        let rarity = (0..ids.len())
            .map(|v| rarity(docs.row(v).len(), n))
            .collect();
        Self {
            values,
            docs,
            rarity,
        }
    }

    /// Noisy-or of the rarities of the shared values: each shared value is
    /// independent evidence, a rare one is strong, a common one barely counts,
    /// and the result stays in [0, 1].
    fn evidence(&self, a: usize, b: usize) -> f64 {
        let mut unexplained = 1.0;
        merge_join(
            self.values.row(a),
            self.values.row(b),
            |&v| v,
            |&v| v,
            |&v, _| {
                unexplained *= 1.0 - self.rarity[v as usize];
            },
        );
        1.0 - unexplained
    }

    fn shares_any(&self, a: usize, b: usize) -> bool {
        let mut any = false;
        merge_join(
            self.values.row(a),
            self.values.row(b),
            |&v| v,
            |&v| v,
            |_, _| any = true,
        );
        any
    }
}

/// TF-IDF vectors truncated to each article's most distinctive terms.
struct TextIndex {
    /// Article → (term id, weight), sorted by term id, L2-normalised.
    vectors: Csr<(u32, f32)>,
    /// Term id → (article, weight of the term in that article), by article.
    postings: Csr<(u32, f32)>,
    /// Term id → site-wide document frequency (before truncation).
    df: Vec<u32>,
}

impl TextIndex {
    fn build(docs: &[RelatedDoc<'_>], config: &RelatedConfig) -> Self {
        let analyzer = Analyzer::new(config);
        let counts: Vec<Vec<(u64, f32)>> = docs
            .par_iter()
            .map_init(AnalysisScratch::default, |scratch, d| {
                analyzer.term_counts(d, scratch)
            })
            .collect();
        let df = document_frequencies(&counts);
        let n = docs.len();
        let max_terms = config.max_terms.max(1);
        let vectors: Vec<Vec<(u64, f32)>> = counts
            .into_par_iter()
            .map(|c| tf_idf_vector(c, &df, n, max_terms))
            .collect();

        // Dense ids only for the terms that survived truncation, in hash
        // order so that id order is as reproducible as the hashes.
        let mut vocabulary: Vec<u64> = vectors.iter().flatten().map(|&(hash, _)| hash).collect();
        vocabulary.par_sort_unstable();
        vocabulary.dedup();
        let id = |hash: u64| vocabulary.binary_search(&hash).expect("term in vocabulary") as u32;
        let rows: Vec<Vec<(u32, f32)>> = vectors
            .into_par_iter()
            .map(|v| v.into_iter().map(|(hash, w)| (id(hash), w)).collect())
            .collect();
        let vectors = Csr::from_rows(rows);
        let postings = vectors.transpose(
            vocabulary.len(),
            |&(t, _)| t as usize,
            |doc, &(_, w)| (doc, w),
        );
        let df = vocabulary.iter().map(|hash| df[hash]).collect();
        Self {
            vectors,
            postings,
            df,
        }
    }

    /// Number of distinct terms (the length of a [`DenseVector`]).
    fn terms(&self) -> usize {
        self.df.len()
    }

    /// Cosine similarity of the article loaded in `a` and article `b` (their
    /// vectors are unit length).
    fn cosine(&self, a: &DenseVector, b: usize) -> f64 {
        a.dot(self.vectors.row(b)).clamp(0.0, 1.0)
    }

    /// The `k` heaviest terms of an article, heaviest first (ties by id).
    fn query(&self, doc: usize, k: usize) -> Vec<(u32, f32)> {
        let heavier = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let mut terms = self.vectors.row(doc).to_vec();
        keep_best(&mut terms, k, heavier);
        terms.sort_unstable_by(heavier);
        terms
    }
}

/// One article's text vector spread over every term id (zero elsewhere), so
/// that its cosine with a candidate costs one lookup per candidate term rather
/// than a merge of two sorted rows: that merge was most of the scoring time.
struct DenseVector(Vec<f32>);

impl DenseVector {
    fn new(terms: usize) -> Self {
        Self(vec![0.0; terms])
    }

    /// Spreads out `row`; [`DenseVector::clear`] it before loading another.
    fn load(&mut self, row: &[(u32, f32)]) {
        for &(term, weight) in row {
            self.0[term as usize] = weight;
        }
    }

    fn clear(&mut self, row: &[(u32, f32)]) {
        for &(term, _) in row {
            self.0[term as usize] = 0.0;
        }
    }

    /// Dot product with a row. Terms the loaded article lacks add exactly
    /// zero, so the sum is the one a merge of the two rows gives, bit for bit.
    fn dot(&self, row: &[(u32, f32)]) -> f64 {
        row.iter()
            .map(|&(term, weight)| f64::from(self.0[term as usize]) * f64::from(weight))
            .fold(0.0, |dot, x| dot + x)
    }
}

/// Number of articles using each term. Integer sums commute, so the rayon
/// reduction order does not matter.
fn document_frequencies(counts: &[Vec<(u64, f32)>]) -> TermMap<u32> {
    counts
        .par_iter()
        .fold(TermMap::default, |mut df, terms| {
            for &(hash, _) in terms {
                *df.entry(hash).or_insert(0) += 1;
            }
            df
        })
        .reduce(TermMap::default, |a, b| {
            let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (hash, count) in small {
                *big.entry(hash).or_insert(0) += count;
            }
            big
        })
}

/// Weights terms by `ln(1 + tf) · ln(n / df)`, keeps the `max_terms`
/// heaviest and normalises them. Terms on a single article are dropped: they
/// can match nothing and would only shrink every cosine of that article.
fn tf_idf_vector(
    counts: Vec<(u64, f32)>,
    df: &TermMap<u32>,
    n: usize,
    max_terms: usize,
) -> Vec<(u64, f32)> {
    let mut terms: Vec<(u64, f64)> = counts
        .into_iter()
        .filter_map(|(hash, tf)| {
            let df = df[&hash];
            let weight = f64::from(tf).ln_1p() * (n as f64 / f64::from(df)).ln();
            (df >= 2 && weight > 0.0).then_some((hash, weight))
        })
        .collect();
    keep_best(&mut terms, max_terms, |a, b| {
        b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
    });
    terms.sort_unstable_by_key(|&(hash, _)| hash);
    let norm = terms.iter().map(|&(_, w)| w * w).sum::<f64>().sqrt();
    terms
        .into_iter()
        .map(|(hash, w)| (hash, (w / norm) as f32))
        .collect()
}

/// Truncates `items` to its `k` first elements in `order`, in O(len); the
/// survivors are left unsorted.
fn keep_best<T>(items: &mut Vec<T>, k: usize, order: impl FnMut(&T, &T) -> Ordering) {
    if items.len() > k {
        items.select_nth_unstable_by(k, order);
        items.truncate(k);
    }
}

/// The part of a postings list (sorted by article, so by date) worth walking
/// for article `doc`: all of it, or the `max_len` entries nearest in date.
fn near<T>(postings: &[T], doc: u32, max_len: usize, doc_of: impl Fn(&T) -> u32) -> &[T] {
    if postings.len() <= max_len {
        return postings;
    }
    let at = postings.partition_point(|p| doc_of(p) < doc);
    let start = at.saturating_sub(max_len / 2).min(postings.len() - max_len);
    &postings[start..start + max_len]
}

// ---------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------

/// A candidate in a ranking: higher score first, then lower index.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    score: f64,
    index: u32,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.index.cmp(&self.index))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

/// Weighted signals of one pair; they sum to the total.
#[derive(Debug, Clone, Copy)]
struct Parts {
    tags: f64,
    categories: f64,
    text: f64,
    author: f64,
    series: f64,
    recency: f64,
}

impl Parts {
    /// Always summed in this order, so totals are reproducible.
    fn total(&self) -> f64 {
        self.tags + self.categories + self.text + self.author + self.series + self.recency
    }
}

/// Per-job working memory: the candidate accumulator, a dense array
/// (cheaper than a hash map for thousands of hits) plus the slots touched, in
/// order (`touched[..touched_len]`, room for every article and one more), and
/// the text vector of the article being scored.
struct Scratch {
    pre_score: Vec<f32>,
    touched: Vec<u32>,
    touched_len: usize,
    /// The touched candidates ranked, best first once sorted (see [`Engine::pool`]).
    ranked: Vec<Reverse<u64>>,
    text: DenseVector,
}

impl Scratch {
    fn new(articles: usize, terms: usize) -> Self {
        Self {
            pre_score: vec![0.0; articles],
            touched: vec![0; articles + 1],
            touched_len: 0,
            ranked: Vec::new(),
            text: DenseVector::new(terms),
        }
    }
}

/// The config with values made safe to compute with.
struct Params {
    count: usize,
    threshold: f64,
    weights: RelatedWeights,
    /// 0 disables recency.
    half_life_days: f64,
    query_terms: usize,
    /// Document frequency above which a value finds no candidates: on more
    /// than `max_df_ratio` of the site *and* longer than `max_postings`. On a
    /// small site walking every list is cheap, so nothing is skipped and the
    /// threshold alone judges.
    max_df: f64,
    max_postings: usize,
    pool: usize,
}

impl Params {
    fn new(config: &RelatedConfig, n: usize) -> Self {
        let half_life = config.recency_half_life_days;
        Self {
            count: config.count,
            threshold: config.threshold,
            weights: config.weights.normalised(),
            half_life_days: if half_life.is_finite() && half_life > 0.0 {
                half_life
            } else {
                0.0
            },
            query_terms: config.query_terms,
            max_df: (config.max_df_ratio * n as f64)
                .min(MAX_DF_POSTINGS * config.max_postings as f64)
                .max(config.max_postings as f64),
            max_postings: config.max_postings.max(1),
            pool: config.candidate_pool.max(config.count),
        }
    }
}

/// However large the site, a value on more than this many times `max_postings`
/// articles finds no candidates: a list that long says little about any one
/// article, and walking more such lists per article is what made the step grow
/// faster than the site (50,000 articles: 3.7 s against 0.5 s for 10,000, where
/// the ratio alone gives the same limit, 2,000).
const MAX_DF_POSTINGS: f64 = 2.0;

struct Engine<'d, 'a> {
    docs: &'d [RelatedDoc<'a>],
    params: Params,
    text: TextIndex,
    tags: Facet,
    categories: Facet,
    authors: Facet,
    series: Facet,
    days: Vec<f64>,
}

impl<'d, 'a> Engine<'d, 'a> {
    fn build(docs: &'d [RelatedDoc<'a>], config: &RelatedConfig) -> Self {
        assert!(
            u32::try_from(docs.len()).is_ok(),
            "too many articles for u32 ids"
        );
        let strs = |list: &'a [String]| list.iter().map(String::as_str);
        Self {
            docs,
            params: Params::new(config, docs.len()),
            text: TextIndex::build(docs, config),
            tags: Facet::build(docs.iter().map(|d| strs(d.tags))),
            categories: Facet::build(docs.iter().map(|d| strs(d.categories))),
            authors: Facet::build(docs.iter().map(|d| strs(d.authors))),
            series: Facet::build(docs.iter().map(|d| d.series)),
            days: docs
                .iter()
                .map(|d| d.date.as_second() as f64 / 86_400.0)
                .collect(),
        }
    }

    /// Valid pins of `doc`, in order, without duplicates or itself, at most `count`.
    fn pins(&self, doc: usize) -> Vec<u32> {
        let mut pins: Vec<u32> = Vec::new();
        for &p in &self.docs[doc].pinned {
            if pins.len() == self.params.count {
                break;
            }
            if p != doc && p < self.docs.len() && !pins.contains(&(p as u32)) {
                pins.push(p as u32);
            }
        }
        pins
    }

    fn passes(&self, score: f64) -> bool {
        score > 0.0 && score >= self.params.threshold
    }

    fn scratch(&self) -> Scratch {
        Scratch::new(self.docs.len(), self.text.terms())
    }

    fn list(&self, doc: usize, scratch: &mut Scratch) -> Vec<Related> {
        let terms = self.text.vectors.row(doc);
        scratch.text.load(terms);
        let pins = self.pins(doc);
        let room = self.params.count - pins.len();
        let mut list: Vec<Related> = pins
            .iter()
            .map(|&p| Related {
                index: p as usize,
                score: self.parts(doc, p as usize, &scratch.text).total(),
                pinned: true,
            })
            .collect();
        if room > 0 {
            list.extend(
                self.best(doc, room, &pins, scratch)
                    .into_iter()
                    .map(|r| Related {
                        index: r.index as usize,
                        score: r.score,
                        pinned: false,
                    }),
            );
        }
        scratch.text.clear(terms);
        list
    }

    /// The `k` best candidates above the threshold, best first, via a
    /// min-heap of size `k` whose top is the weakest kept.
    fn best(&self, doc: usize, k: usize, pins: &[u32], scratch: &mut Scratch) -> Vec<Ranked> {
        let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(k + 1);
        for candidate in self.pool(doc, pins, scratch) {
            let score = self.parts(doc, candidate as usize, &scratch.text).total();
            if !self.passes(score) {
                continue;
            }
            heap.push(Reverse(Ranked {
                score,
                index: candidate,
            }));
            if heap.len() > k {
                heap.pop();
            }
        }
        let mut best: Vec<Ranked> = heap.into_iter().map(|Reverse(r)| r).collect();
        best.sort_unstable_by(|a, b| b.cmp(a));
        best
    }

    /// Candidates worth the full score: the `pool` best by pre-score, minus
    /// the pins (already in the list), in no particular order.
    fn pool(&self, doc: usize, pins: &[u32], scratch: &mut Scratch) -> Vec<u32> {
        self.accumulate(doc, scratch);
        // Each candidate as one integer that sorts like its `Ranked`: pre-scores
        // are positive, so their bits sort like them, and the inverted index
        // puts the lower index first among equals. A linear selection then
        // finds the best: on a large site thousands of articles are touched.
        let ranked = &mut scratch.ranked;
        ranked.clear();
        for &c in &scratch.touched[..scratch.touched_len] {
            let score = std::mem::take(&mut scratch.pre_score[c as usize]);
            if !pins.contains(&c) {
                ranked.push(Reverse(u64::from(score.to_bits()) << 32 | u64::from(!c)));
            }
        }
        scratch.touched_len = 0;
        keep_best(ranked, self.params.pool, Ord::cmp);
        ranked.iter().map(|&Reverse(key)| !(key as u32)).collect()
    }

    /// Walks the postings of the article's distinctive terms and of its tags,
    /// categories and series, adding to each other article met the part of
    /// its score those values explain.
    fn accumulate(&self, doc: usize, scratch: &mut Scratch) {
        let me = doc as u32;
        let w = &self.params.weights;
        let max_len = self.params.max_postings;
        let mut add = |other: u32, x: f32| {
            // Only positive additions, so a zero slot means "not touched yet".
            if other == me || x <= 0.0 {
                return;
            }
            let slot = &mut scratch.pre_score[other as usize];
            // Without a branch: whether an article is met for the first time is
            // unpredictable, and mispredictions were most of the walk's cost.
            scratch.touched[scratch.touched_len] = other;
            scratch.touched_len += usize::from(*slot == 0.0);
            *slot += x;
        };
        if w.text > 0.0 {
            for (term, weight) in self.text.query(doc, self.params.query_terms) {
                if self.too_common(self.text.df[term as usize] as usize) {
                    continue;
                }
                let x = w.text as f32 * weight;
                for &(other, w_other) in
                    near(self.text.postings.row(term as usize), me, max_len, |p| p.0)
                {
                    add(other, x * w_other);
                }
            }
        }
        for (facet, weight) in [
            (&self.tags, w.tags),
            (&self.categories, w.categories),
            (&self.series, w.series),
        ] {
            for &value in facet.values.row(doc) {
                let docs = facet.docs.row(value as usize);
                if weight <= 0.0 || self.too_common(docs.len()) {
                    continue;
                }
                let x = (weight * facet.rarity[value as usize]) as f32;
                for &other in near(docs, me, max_len, |&d| d) {
                    add(other, x);
                }
            }
        }
    }

    fn too_common(&self, df: usize) -> bool {
        df as f64 > self.params.max_df
    }

    /// The full score of `other` as a related article of `doc`, whose text
    /// vector is loaded in `doc_text`.
    fn parts(&self, doc: usize, other: usize, doc_text: &DenseVector) -> Parts {
        let w = &self.params.weights;
        let flag = |b: bool| f64::from(u8::from(b));
        Parts {
            tags: w.tags * self.tags.evidence(doc, other),
            categories: w.categories * self.categories.evidence(doc, other),
            text: w.text * self.text.cosine(doc_text, other),
            author: w.author * flag(self.authors.shares_any(doc, other)),
            series: w.series * flag(self.series.shares_any(doc, other)),
            recency: w.recency * self.recency(doc, other),
        }
    }

    /// 1 for the same day, halving every `half_life_days` apart, in either
    /// direction: an old article's list may gain newer articles.
    fn recency(&self, doc: usize, other: usize) -> f64 {
        if self.params.half_life_days <= 0.0 {
            return 0.0;
        }
        let gap = (self.days[doc] - self.days[other]).abs();
        (-gap / self.params.half_life_days).exp2()
    }

    fn explanation(
        &self,
        doc: usize,
        other: usize,
        pinned: bool,
        doc_text: &DenseVector,
    ) -> Explanation {
        let parts = self.parts(doc, other, doc_text);
        Explanation {
            index: other,
            total: parts.total(),
            tags: parts.tags,
            categories: parts.categories,
            text: parts.text,
            author: parts.author,
            series: parts.series,
            recency: parts.recency,
            pinned,
            // Pins are always in the list; `explain` marks the others.
            kept: pinned,
        }
    }

    fn explain(&self, doc: usize) -> Vec<Explanation> {
        let pins = self.pins(doc);
        let mut room = self.params.count - pins.len();
        let mut scratch = self.scratch();
        scratch.text.load(self.text.vectors.row(doc));
        let mut others: Vec<Explanation> = self
            .pool(doc, &pins, &mut scratch)
            .into_iter()
            .map(|c| self.explanation(doc, c as usize, false, &scratch.text))
            .collect();
        let rank = |e: &Explanation| Ranked {
            score: e.total,
            index: e.index as u32,
        };
        others.sort_unstable_by_key(|e| Reverse(rank(e)));
        // Same rule as `best`: the first `room` that pass, best first.
        for e in &mut others {
            if room == 0 || !self.passes(e.total) {
                break;
            }
            e.kept = true;
            room -= 1;
        }
        let mut all: Vec<Explanation> = pins
            .iter()
            .map(|&p| self.explanation(doc, p as usize, true, &scratch.text))
            .collect();
        all.extend(others);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::{SignedDuration, Timestamp};

    /// An owned article, viewed as a [`RelatedDoc`].
    #[derive(Debug, Clone)]
    struct Article {
        title: String,
        summary: String,
        body: String,
        tags: Vec<String>,
        categories: Vec<String>,
        authors: Vec<String>,
        series: Option<String>,
        date: Timestamp,
        pinned: Vec<usize>,
    }

    impl Article {
        fn new(title: &str, body: &str, tags: &[&str]) -> Self {
            Self {
                title: title.into(),
                summary: String::new(),
                body: body.into(),
                tags: strings(tags),
                categories: Vec::new(),
                authors: Vec::new(),
                series: None,
                date: "2026-10-03T08:00:00Z".parse().unwrap(),
                pinned: Vec::new(),
            }
        }

        fn view(&self) -> RelatedDoc<'_> {
            RelatedDoc {
                title: &self.title,
                summary: &self.summary,
                body_text: &self.body,
                tags: &self.tags,
                categories: &self.categories,
                authors: &self.authors,
                series: self.series.as_deref(),
                date: self.date,
                pinned: self.pinned.clone(),
            }
        }
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn views(articles: &[Article]) -> Vec<RelatedDoc<'_>> {
        articles.iter().map(Article::view).collect()
    }

    fn indices(list: &[Related]) -> Vec<usize> {
        list.iter().map(|r| r.index).collect()
    }

    /// splitmix64: tiny, seedable, good enough for synthetic corpora.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn unit(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn chance(&mut self, p: f64) -> bool {
            self.unit() < p
        }
    }

    /// Ranks drawn with probability ∝ 1 / rank^s.
    struct Zipf {
        cdf: Vec<f64>,
    }

    impl Zipf {
        fn new(n: usize, s: f64) -> Self {
            let mut total = 0.0;
            let mut cdf: Vec<f64> = (1..=n)
                .map(|rank| {
                    total += (rank as f64).powf(-s);
                    total
                })
                .collect();
            cdf.iter_mut().for_each(|c| *c /= total);
            Self { cdf }
        }

        fn sample(&self, rng: &mut Rng) -> usize {
            let u = rng.unit();
            self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1)
        }
    }

    /// A distinct pronounceable non-word per `k` (four syllables).
    fn pseudo_word(k: usize) -> String {
        const SYLLABLES: [&str; 20] = [
            "ka", "lo", "mi", "ne", "ru", "sa", "te", "vi", "zo", "pa", "bu", "do", "fe", "go",
            "hi", "jo", "ku", "li", "mo", "nu",
        ];
        (0..4)
            .map(|i| SYLLABLES[(k / 20usize.pow(i)) % 20])
            .collect()
    }

    /// Word soup: each article belongs to a topic whose words it uses a
    /// quarter of the time; the rest is Zipf noise over 20k words. Tags are
    /// Zipf too, plus "tech" on 49 % of the articles and a topic tag on 60 %.
    /// Dates go back from 2026-10-01 so that index 0 is the newest.
    fn soup(n: usize, body_words: usize, seed: u64) -> Vec<Article> {
        const VOCABULARY: usize = 20_000;
        let words: Vec<String> = (0..VOCABULARY).map(pseudo_word).collect();
        let word_zipf = Zipf::new(VOCABULARY, 1.05);
        let tag_zipf = Zipf::new(3_000, 1.0);
        let category_zipf = Zipf::new(12, 1.0);
        let topics = (n / 25).max(4);
        let newest: Timestamp = "2026-10-01T06:00:00Z".parse().unwrap();
        let step = SignedDuration::from_secs(3 * 365 * 86_400 / n.max(1) as i64);
        (0..n)
            .into_par_iter()
            .map(|i| {
                let mut rng = Rng(seed ^ (i as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
                let topic = rng.below(topics);
                let mut topic_rng = Rng(seed ^ 0x5eed ^ topic as u64);
                let topic_words: Vec<&str> = (0..40)
                    .map(|_| words[2_000 + topic_rng.below(VOCABULARY - 2_000)].as_str())
                    .collect();
                let mut text = |len: usize, topical: f64| {
                    let mut out = String::with_capacity(len * 9);
                    for _ in 0..len {
                        let word = if rng.chance(topical) {
                            topic_words[rng.below(topic_words.len())]
                        } else {
                            &words[word_zipf.sample(&mut rng)]
                        };
                        out.push_str(word);
                        out.push(' ');
                    }
                    out
                };
                let (title, summary, body) = (text(8, 0.5), text(25, 0.3), text(body_words, 0.25));
                let mut tags = vec![
                    format!("tag{}", tag_zipf.sample(&mut rng)),
                    format!("tag{}", tag_zipf.sample(&mut rng)),
                ];
                if rng.chance(0.49) {
                    tags.push("tech".into());
                }
                if rng.chance(0.6) {
                    tags.push(format!("topic-{topic}"));
                }
                let mut categories = vec![format!("cat{}", category_zipf.sample(&mut rng))];
                if rng.chance(0.49) {
                    categories.push("actualite".into());
                }
                let series = rng
                    .chance(0.02)
                    .then(|| format!("series-{topic}-{}", rng.below(3)));
                let pinned = if rng.chance(0.01) {
                    vec![rng.below(n), rng.below(n), i]
                } else {
                    Vec::new()
                };
                Article {
                    title,
                    summary,
                    body,
                    tags,
                    categories,
                    authors: vec![format!("author{}", rng.below(60))],
                    series,
                    date: newest - step * i as i32,
                    pinned,
                }
            })
            .collect()
    }

    /// Three topics of six articles with distinct vocabularies, all tagged
    /// "tech" and filed under "news", sharing filler words, same author pool.
    fn clusters() -> Vec<Article> {
        let topics: [(&str, &[&str]); 3] = [
            (
                "gpu",
                &[
                    "graphics",
                    "card",
                    "shader",
                    "vram",
                    "nvidia",
                    "radeon",
                    "frame",
                    "raytracing",
                ],
            ),
            (
                "ransomware",
                &[
                    "ransom",
                    "encryption",
                    "hospital",
                    "attack",
                    "gang",
                    "bitcoin",
                    "backup",
                    "extortion",
                ],
            ),
            (
                "phone",
                &[
                    "smartphone",
                    "camera",
                    "battery",
                    "android",
                    "iphone",
                    "screen",
                    "launch",
                    "charging",
                ],
            ),
        ];
        let filler = [
            "market", "company", "report", "week", "price", "users", "version", "today",
        ];
        let mut rng = Rng(7);
        let mut articles = Vec::new();
        for k in 0..6 {
            for (name, vocabulary) in topics {
                let mut pick = |list: &[&str], count: usize| -> String {
                    (0..count)
                        .map(|_| list[rng.below(list.len())])
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let title = pick(vocabulary, 4);
                let body = format!(
                    "{} {} {}",
                    pick(vocabulary, 30),
                    pick(&filler, 30),
                    pick(vocabulary, 20)
                );
                let mut article = Article::new(&title, &body, &["tech", name]);
                article.categories = strings(&["news"]);
                article.authors = vec![format!("author{}", (k + articles.len()) % 4)];
                article.date -= SignedDuration::from_hours(12 * articles.len() as i64);
                articles.push(article);
            }
        }
        articles
    }

    /// Caps small enough that a few hundred articles go through both bounded
    /// paths of candidate generation: values on more than 30 % of them
    /// ("tech") are skipped, lists of 41 to 30 % are walked around the date.
    fn tight() -> RelatedConfig {
        RelatedConfig {
            max_postings: 40,
            max_df_ratio: 0.3,
            candidate_pool: 20,
            ..RelatedConfig::default()
        }
    }

    fn topic_of(article: &Article) -> &str {
        &article.tags[1]
    }

    #[test]
    fn stop_word_lists_are_sorted_and_folded() {
        for list in [ENGLISH_STOP_WORDS, FRENCH_STOP_WORDS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]));
            assert!(list.iter().all(|w| fold(w).trim() == *w));
        }
    }

    #[test]
    fn tokenizer_folds_accents_and_drops_stop_words() {
        let folded = fold("L'Élection «présidentielle» ÉTÉ 2026 — Œuvre naïve; Straße, 🎉 北京");
        let words: Vec<&str> = folded.split_ascii_whitespace().collect();
        assert_eq!(
            words,
            [
                "l",
                "election",
                "presidentielle",
                "ete",
                "2026",
                "oeuvre",
                "naive",
                "strasse",
                "bei",
                "jing"
            ]
        );

        let kept: Vec<Cow<'_, str>> = stems(&folded, None).collect();
        assert_eq!(
            kept,
            [
                "election",
                "presidentielle",
                "2026",
                "oeuvre",
                "naive",
                "strasse",
                "bei",
                "jing"
            ]
        );

        let text = fold("The AI Act: l'IA et les données, page 12 of the report");
        let kept: Vec<Cow<'_, str>> = stems(&text, None).collect();
        assert_eq!(kept, ["ai", "act", "ia", "donnees", "page", "report"]);
    }

    #[test]
    fn stemming_merges_inflections_and_accent_variants() {
        let analyse = |text: &str, algorithm: Algorithm| -> Vec<String> {
            let stemmer = Stemmer::create(algorithm);
            stems(&fold(text), Some(&stemmer))
                .map(Cow::into_owned)
                .collect()
        };
        assert_eq!(
            analyse("Sécurité des processeurs", Algorithm::French),
            analyse("SECURITE DU PROCESSEUR", Algorithm::French)
        );
        assert_eq!(
            analyse("Running processors", Algorithm::English),
            analyse("run the processor", Algorithm::English)
        );
    }

    #[test]
    fn language_is_guessed_from_stop_words() {
        let guess = |text: &str| {
            let folded = fold(text);
            let whole = 0..folded.len();
            guess_language(folded.as_bytes(), std::slice::from_ref(&whole))
        };
        assert_eq!(
            guess("Le rançongiciel a paralysé les urgences de la ville"),
            Some(Algorithm::French)
        );
        assert_eq!(
            guess("The ransomware crippled the city's emergency ward"),
            Some(Algorithm::English)
        );
        assert_eq!(guess("Nvidia RTX 5090"), None);
    }

    #[test]
    fn rarity_is_one_for_a_pair_and_zero_for_everyone() {
        assert_eq!(rarity(2, 1000), 1.0);
        assert_eq!(rarity(1000, 1000), 0.0);
        assert!(rarity(10, 1000) > rarity(490, 1000));
    }

    #[test]
    fn clusters_stay_apart_despite_a_common_tag() {
        let articles = clusters();
        let lists = related_lists(&views(&articles), &RelatedConfig::default());
        for (article, list) in articles.iter().zip(&lists) {
            assert!(!list.is_empty(), "{} has no related article", article.title);
            for r in list {
                assert_eq!(topic_of(&articles[r.index]), topic_of(article), "{list:?}");
            }
        }
    }

    #[test]
    fn a_rare_shared_tag_beats_a_common_one() {
        // No shared words at all: only tags can relate these articles.
        let mut articles: Vec<Article> = (0..20)
            .map(|i| {
                let body: Vec<String> = (0..30).map(|k| pseudo_word(1_000 * i + k)).collect();
                let mut article = Article::new("", &body.join(" "), &[]);
                article.authors = vec![format!("author{i}")];
                article
            })
            .collect();
        articles[0].tags = strings(&["rare", "common"]);
        articles[1].tags = strings(&["rare"]);
        for article in &mut articles[2..16] {
            article.tags = strings(&["common"]);
        }
        let docs = views(&articles);
        let config = RelatedConfig::default();

        let explained = explain(&docs, &config, 0);
        let part = |index: usize| explained.iter().find(|e| e.index == index).map(|e| e.tags);
        assert!(part(1).unwrap() > 2.0 * part(2).unwrap(), "{explained:?}");
        assert_eq!(explained[0].index, 1);
        assert_eq!(indices(&related_lists(&docs, &config)[0]), [1]);
    }

    #[test]
    fn pins_come_first_in_order_deduplicated_and_never_self() {
        let mut articles = clusters();
        articles[0].pinned = vec![5, 5, 0, 999, 4];
        let docs = views(&articles);
        let config = RelatedConfig {
            count: 4,
            ..RelatedConfig::default()
        };
        let list = &related_lists(&docs, &config)[0];
        assert_eq!(indices(&list[..2]), [5, 4]);
        assert!(list[..2].iter().all(|r| r.pinned));
        assert!(
            list[2..]
                .iter()
                .all(|r| !r.pinned && r.index != 5 && r.index != 4)
        );
        assert!(list.len() <= 4 && !indices(list).contains(&0));

        let short = RelatedConfig {
            count: 1,
            ..RelatedConfig::default()
        };
        assert_eq!(
            related_lists(&docs, &short)[0],
            [Related {
                index: 5,
                score: list[0].score,
                pinned: true
            }]
        );
    }

    #[test]
    fn threshold_keeps_out_an_article_sharing_only_common_things() {
        let mut articles = clusters();
        let mut picnic = Article::new(
            "Company picnic by the river",
            "Sandwiches, lemonade, frisbee and a sack race on the lawn; bring sunscreen and blankets.",
            &["tech", "picnic"],
        );
        picnic.categories = strings(&["news"]);
        picnic.authors = strings(&["author1"]);
        articles.push(picnic);
        let lists = related_lists(&views(&articles), &RelatedConfig::default());
        let picnic = articles.len() - 1;
        assert!(lists[picnic].is_empty(), "{:?}", lists[picnic]);
        assert!(lists.iter().all(|list| !indices(list).contains(&picnic)));
    }

    #[test]
    fn lists_are_bounded_unique_and_never_contain_self() {
        let articles = soup(300, 120, 1);
        let config = tight();
        let lists = related_lists(&views(&articles), &config);
        for (i, list) in lists.iter().enumerate() {
            let mut seen = indices(list);
            assert!(list.len() <= config.count);
            assert!(!seen.contains(&i));
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), list.len());
            assert!(
                list.windows(2).all(|w| w[0].pinned || !w[1].pinned),
                "pins first"
            );
        }
        assert!(
            lists.iter().filter(|l| !l.is_empty()).count() > 150,
            "soup topics should relate"
        );
    }

    #[test]
    fn same_lists_whatever_the_number_of_threads() {
        let articles = soup(400, 150, 2);
        let docs = views(&articles);
        let config = tight();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let lists = pool.install(|| related_lists(&docs, &config));
            lists
                .iter()
                .map(|list| {
                    list.iter()
                        .map(|r| (r.index, r.score.to_bits(), r.pinned))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        };
        let one = run(1);
        assert_eq!(one, run(4));
        assert!(one.iter().map(Vec::len).sum::<usize>() > 0);
    }

    #[test]
    fn explanation_parts_sum_to_total_and_kept_match_the_list() {
        let articles = soup(300, 120, 3);
        let docs = views(&articles);
        let config = tight();
        let lists = related_lists(&docs, &config);
        for target in (0..docs.len()).step_by(7) {
            let explained = explain(&docs, &config, target);
            for e in &explained {
                let sum = e.tags + e.categories + e.text + e.author + e.series + e.recency;
                assert!((sum - e.total).abs() < 1e-12, "{e:?}");
                assert!((0.0..=1.0).contains(&e.total));
                assert_ne!(e.index, target);
            }
            let kept: Vec<(usize, bool)> = explained
                .iter()
                .filter(|e| e.kept)
                .map(|e| (e.index, e.pinned))
                .collect();
            let listed: Vec<(usize, bool)> =
                lists[target].iter().map(|r| (r.index, r.pinned)).collect();
            assert_eq!(kept, listed, "target {target}");
        }
        assert!(explain(&docs, &config, docs.len()).is_empty());
    }

    #[test]
    fn a_long_postings_list_is_walked_around_the_article() {
        let postings: Vec<u32> = (0..100).map(|d| d * 2).collect();
        assert_eq!(near(&postings, 100, 10, |&d| d), &postings[45..55]);
        assert_eq!(near(&postings, 0, 10, |&d| d), &postings[..10]);
        assert_eq!(near(&postings, 500, 10, |&d| d), &postings[90..]);
        assert_eq!(near(&postings[..5], 3, 10, |&d| d).len(), 5);
    }

    #[test]
    fn values_too_common_to_find_candidates_stay_bounded_on_large_sites() {
        let config = RelatedConfig::default();
        let max_df = |articles| Params::new(&config, articles).max_df;
        // Small sites walk every list; then a fifth of the site, up to 2,000.
        assert_eq!(max_df(500), 1000.0);
        assert_eq!(max_df(1_000), 1000.0);
        assert_eq!(max_df(7_500), 1500.0);
        assert_eq!(max_df(10_000), 2000.0);
        assert_eq!(max_df(50_000), 2000.0);
    }

    #[test]
    fn config_has_defaults_and_rejects_unknown_or_bad_values() {
        let config: RelatedConfig = serde_yaml::from_str("count: 3\nweights: { text: 2 }").unwrap();
        assert_eq!(config.count, 3);
        assert_eq!(config.weights.text, 2.0);
        assert_eq!(config.weights.tags, RelatedWeights::default().tags);
        assert_eq!(config.threshold, RelatedConfig::default().threshold);
        assert!(config.validate().is_ok());
        assert!(RelatedConfig::default().validate().is_ok());

        assert!(serde_yaml::from_str::<RelatedConfig>("cout: 3").is_err());
        assert!(serde_yaml::from_str::<RelatedConfig>("weights: { tag: 1 }").is_err());
        let stemming: RelatedConfig = serde_yaml::from_str("stemming: fr").unwrap();
        assert_eq!(stemming.stemming, Stemming::French);

        let bad = RelatedConfig {
            threshold: 1.5,
            ..RelatedConfig::default()
        };
        assert!(bad.validate().unwrap_err().contains("threshold"));
        let weightless = RelatedConfig {
            weights: RelatedWeights {
                tags: 0.0,
                categories: 0.0,
                text: 0.0,
                author: 0.0,
                series: 0.0,
                recency: 0.0,
            },
            ..RelatedConfig::default()
        };
        assert!(weightless.validate().is_err());
        assert!(
            related_lists(&views(&clusters()), &weightless)
                .iter()
                .all(Vec::is_empty)
        );
    }

    #[test]
    fn empty_input_single_article_and_zero_count() {
        assert!(related_lists(&[], &RelatedConfig::default()).is_empty());
        let alone = [Article::new("Alone", "nothing to compare with", &["tech"])];
        assert_eq!(
            related_lists(&views(&alone), &RelatedConfig::default()),
            [[]]
        );
        assert!(explain(&views(&alone), &RelatedConfig::default(), 0).is_empty());
        let articles = clusters();
        let none = RelatedConfig {
            count: 0,
            ..RelatedConfig::default()
        };
        assert!(
            related_lists(&views(&articles), &none)
                .iter()
                .all(Vec::is_empty)
        );
    }
}
