//! What the archive templates see: years and months with their links and counts.

use serde::Serialize;

use crate::site::Site;
use crate::site::archives::{MonthArchive, YearArchive};

/// `archive` in `archive.html`: one year or one month.
#[derive(Serialize)]
pub struct ArchiveView {
    /// `year` or `month`.
    pub kind: &'static str,
    pub year: i16,
    /// 1 to 12 on a month's page, else null.
    pub month: Option<i8>,
    /// The first day of the period, for the `date` filter (`format="MMMM y"`).
    pub date: String,
    pub url: String,
    pub count: usize,
    /// The year's page.
    pub year_url: String,
    /// The months of the year, newest first.
    pub months: Vec<MonthLink>,
}

/// A year in `archives.html`.
#[derive(Serialize)]
pub struct YearLink {
    pub year: i16,
    pub url: String,
    pub count: usize,
    pub months: Vec<MonthLink>,
}

/// A month, linked.
#[derive(Serialize)]
pub struct MonthLink {
    pub year: i16,
    pub month: i8,
    pub date: String,
    pub url: String,
    pub count: usize,
}

impl ArchiveView {
    pub fn new(site: &Site, year: &YearArchive, month: Option<&MonthArchive>) -> Self {
        let config = &site.config;
        let (permalink, count) = match month {
            Some(m) => (&m.permalink, m.articles.len()),
            None => (&year.permalink, year.articles.len()),
        };
        Self {
            kind: if month.is_some() { "month" } else { "year" },
            year: year.year,
            month: month.map(|m| m.month),
            date: first_day(site, year.year, month.map_or(1, |m| m.month)),
            url: config.link(permalink),
            count,
            year_url: config.link(&year.permalink),
            months: months(site, year),
        }
    }
}

/// Every year, newest first, with its months.
pub fn years(site: &Site) -> Vec<YearLink> {
    site.archives
        .iter()
        .map(|year| YearLink {
            year: year.year,
            url: site.config.link(&year.permalink),
            count: year.articles.len(),
            months: months(site, year),
        })
        .collect()
}

fn months(site: &Site, year: &YearArchive) -> Vec<MonthLink> {
    year.months
        .iter()
        .map(|m| MonthLink {
            year: m.year,
            month: m.month,
            date: first_day(site, m.year, m.month),
            url: site.config.link(&m.permalink),
            count: m.articles.len(),
        })
        .collect()
}

/// Midnight on the first day of a month, in the site's time zone.
fn first_day(site: &Site, year: i16, month: i8) -> String {
    jiff::civil::date(year, month, 1)
        .to_zoned(site.config.time_zone.clone())
        .map(|date| date.to_string())
        .unwrap_or_default()
}
