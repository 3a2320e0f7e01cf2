//! Dates as authors write them in front matter.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// Parses RFC 3339, `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM[:SS] [+hh:mm]`.
///
/// A date or date-time without an offset is read in the site's time zone.
pub fn parse(text: &str, site_zone: &TimeZone) -> Result<Zoned, String> {
    let text = text.trim();
    let joined = join_offset(text);
    if let Ok(timestamp) = joined.parse::<Timestamp>() {
        return Ok(timestamp.to_zoned(offset_zone(&joined).unwrap_or_else(|| site_zone.clone())));
    }
    if let Ok(datetime) = text.parse::<DateTime>() {
        return datetime
            .to_zoned(site_zone.clone())
            .map_err(|e| e.to_string());
    }
    if let Ok(date) = text.parse::<Date>() {
        return date.to_zoned(site_zone.clone()).map_err(|e| e.to_string());
    }
    Err(format!("`{text}` is not a date"))
}

/// A date-time with its offset and whole seconds, such as `2026-11-18T09:30:00+01:00`
/// (RFC 3339), as feeds, sitemaps, Open Graph and new front matter write it.
pub fn rfc3339(date: &Zoned) -> String {
    date.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// The date at the start of a Jekyll-style file name (`2026-11-17-titre.md`).
pub fn from_file_name(stem: &str) -> Option<&str> {
    let prefix = stem.get(..10)?;
    let rest = &stem[10..];
    (rest.is_empty() || rest.starts_with('-'))
        .then_some(prefix)
        .filter(|p| p.parse::<Date>().is_ok())
}

/// `2026-11-17 10:00 +01:00` → `2026-11-17 10:00+01:00`, which jiff reads.
fn join_offset(text: &str) -> String {
    match text.rsplit_once(' ') {
        Some((head, offset))
            if (offset.starts_with('+') || offset.starts_with('-') || offset == "Z")
                && head.contains(':') =>
        {
            format!("{head}{offset}")
        }
        _ => text.to_string(),
    }
}

/// The fixed offset written at the end of a date-time, to keep the author's wall time.
fn offset_zone(text: &str) -> Option<TimeZone> {
    let pieces = jiff::fmt::temporal::Pieces::parse(text).ok()?;
    pieces.to_numeric_offset().map(TimeZone::fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    #[test]
    fn rfc3339_keeps_the_offset_and_whole_seconds() {
        let summer = parse("2026-07-01 09:30:15.25", &paris()).unwrap();
        assert_eq!(rfc3339(&summer), "2026-07-01T09:30:15+02:00");
        let written = rfc3339(&parse("2026-11-18T09:30:00+01:00", &paris()).unwrap());
        assert_eq!(written, "2026-11-18T09:30:00+01:00");
        assert_eq!(
            parse(&written, &paris()).unwrap().to_string(),
            "2026-11-18T09:30:00+01:00[+01:00]"
        );
    }

    #[test]
    fn reads_the_accepted_forms() {
        let z = parse("2023-11-17T19:45:00+01:00", &paris()).unwrap();
        assert_eq!(z.timestamp().to_string(), "2023-11-17T18:45:00Z");
        let z = parse("2023-11-17", &paris()).unwrap();
        assert_eq!(z.timestamp().to_string(), "2023-11-16T23:00:00Z");
        let z = parse("2023-11-17 19:45", &paris()).unwrap();
        assert_eq!(z.timestamp().to_string(), "2023-11-17T18:45:00Z");
        let z = parse("2023-11-17 19:45:10 +02:00", &paris()).unwrap();
        assert_eq!(z.timestamp().to_string(), "2023-11-17T17:45:10Z");
        assert_eq!(z.hour(), 19);
        let z = parse("2023-11-17T19:45:00Z", &paris()).unwrap();
        assert_eq!(z.hour(), 19);
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        assert!(parse("hier", &paris()).is_err());
        assert!(parse("2023-13-45", &paris()).is_err());
    }

    #[test]
    fn file_name_dates() {
        assert_eq!(from_file_name("2023-11-17-openai"), Some("2023-11-17"));
        assert_eq!(from_file_name("2023-11-17"), Some("2023-11-17"));
        assert_eq!(from_file_name("2023-11-1x-openai"), None);
        assert_eq!(from_file_name("openai"), None);
    }
}
