//! Archives by year and by month, newest first.

use std::collections::BTreeMap;

use crate::content::Article;

/// Where the archives live.
pub const ARCHIVES_PATH: &str = "/archives/";

/// One year of articles, and its months.
#[derive(Debug, Clone)]
pub struct YearArchive {
    pub year: i16,
    pub permalink: String,
    /// Indices into [`super::Site::articles`], newest first.
    pub articles: Vec<usize>,
    /// Newest first.
    pub months: Vec<MonthArchive>,
}

/// One month of articles.
#[derive(Debug, Clone)]
pub struct MonthArchive {
    pub year: i16,
    pub month: i8,
    pub permalink: String,
    pub articles: Vec<usize>,
}

/// Groups articles (newest first) by the year and month of their date, as written: the
/// same year and month as their permalinks.
pub fn index(articles: &[Article]) -> Vec<YearArchive> {
    let mut years: BTreeMap<i16, BTreeMap<i8, Vec<usize>>> = BTreeMap::new();
    for (index, article) in articles.iter().enumerate() {
        years
            .entry(article.date.year())
            .or_default()
            .entry(article.date.month())
            .or_default()
            .push(index);
    }
    years
        .into_iter()
        .rev()
        .map(|(year, months)| {
            let months: Vec<MonthArchive> = months
                .into_iter()
                .rev()
                .map(|(month, articles)| MonthArchive {
                    year,
                    month,
                    permalink: month_path(year, month),
                    articles,
                })
                .collect();
            let mut articles: Vec<usize> = months
                .iter()
                .flat_map(|m| m.articles.iter().copied())
                .collect();
            articles.sort_unstable();
            YearArchive {
                year,
                permalink: year_path(year),
                articles,
                months,
            }
        })
        .collect()
}

/// `/archives/2026/`
pub fn year_path(year: i16) -> String {
    format!("{ARCHIVES_PATH}{year:04}/")
}

/// `/archives/2026/11/`
pub fn month_path(year: i16, month: i8) -> String {
    format!("{ARCHIVES_PATH}{year:04}/{month:02}/")
}
