//! The pixel size of lead images and the logo, for social cards and structured data.
//!
//! Only the header of each file is read: PNG, JPEG, GIF and WebP through `imagesize`,
//! SVG from the `width`/`height` (else `viewBox`) of its root element.

use std::collections::HashMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use rayon::prelude::*;

use crate::config::Config;
use crate::content::Article;

/// Width and height in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSize {
    pub width: u32,
    pub height: u32,
}

/// The size of every lead image (and the site logo) that is a local file, by its path as
/// written in front matter or `site.yaml`.
pub fn measure(config: &Config, articles: &[Article]) -> HashMap<String, ImageSize> {
    let images = articles
        .iter()
        .filter_map(|a| a.image.as_deref())
        .chain(config.logo.as_deref());
    measure_paths(config, images)
}

/// The size of each of `images` (site paths as written) that is a local file.
pub fn measure_paths<'a>(
    config: &Config,
    images: impl IntoIterator<Item = &'a str>,
) -> HashMap<String, ImageSize> {
    let mut images: Vec<&str> = images.into_iter().collect();
    images.sort_unstable();
    images.dedup();
    images
        .par_iter()
        .filter_map(|&image| {
            let file = local_file(config, image)?;
            size_of(&file).map(|size| (image.to_string(), size))
        })
        .collect()
}

/// The file behind a site path such as `/images/a.png`: under `content/`, else the theme's
/// `static/`. External URLs have none.
fn local_file(config: &Config, image: &str) -> Option<PathBuf> {
    if image.contains("://") || image.starts_with("//") {
        return None;
    }
    let path = image.split(['?', '#']).next().unwrap_or(image);
    let relative = percent_encoding::percent_decode_str(path.trim_start_matches('/'))
        .decode_utf8()
        .ok()?;
    [config.content_dir(), config.theme_dir().join("static")]
        .into_iter()
        .map(|dir| dir.join(relative.as_ref()))
        .find(|file| file.is_file())
}

fn size_of(file: &Path) -> Option<ImageSize> {
    if file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
    {
        return svg_size(file);
    }
    let size = imagesize::size(file).ok()?;
    Some(ImageSize {
        width: u32::try_from(size.width).ok()?,
        height: u32::try_from(size.height).ok()?,
    })
}

/// `width` and `height` of the root `<svg>` in pixels (unitless or `px`), else its `viewBox`.
fn svg_size(file: &Path) -> Option<ImageSize> {
    let reader = BufReader::new(fs_err::File::open(file).ok()?);
    let mut reader = Reader::from_reader(reader);
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer).ok()? {
            Event::Start(element) | Event::Empty(element) => {
                if element.local_name().as_ref() != b"svg" {
                    return None;
                }
                let attribute = |name: &str| -> Option<String> {
                    let value = element.try_get_attribute(name).ok()??;
                    let value = value
                        .decoded_and_normalized_value(XmlVersion::Implicit1_0, reader.decoder())
                        .ok()?;
                    Some(value.into_owned())
                };
                let pixels = |name: &str| attribute(name).and_then(|v| pixels(&v));
                if let (Some(width), Some(height)) = (pixels("width"), pixels("height")) {
                    return Some(ImageSize { width, height });
                }
                let view_box = attribute("viewBox")?;
                let numbers: Vec<f64> = view_box
                    .split([' ', ','])
                    .filter(|s| !s.is_empty())
                    .filter_map(|s| s.parse().ok())
                    .collect();
                let [_, _, width, height] = numbers[..] else {
                    return None;
                };
                return Some(ImageSize {
                    width: round(width)?,
                    height: round(height)?,
                });
            }
            Event::Eof => return None,
            _ => buffer.clear(),
        }
    }
}

fn pixels(value: &str) -> Option<u32> {
    let number = value.trim().strip_suffix("px").unwrap_or(value.trim());
    round(number.parse().ok()?)
}

fn round(value: f64) -> Option<u32> {
    (value.is_finite() && value >= 1.0 && value <= f64::from(u32::MAX))
        .then(|| value.round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(text: &str) -> Option<ImageSize> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.svg");
        fs_err::write(&file, text).unwrap();
        svg_size(&file)
    }

    #[test]
    fn svg_sizes_come_from_attributes_or_the_view_box() {
        let size = |width, height| Some(ImageSize { width, height });
        assert_eq!(
            svg(
                r#"<?xml version="1.0"?><!-- c --><svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675px"/>"#
            ),
            size(1200, 675)
        );
        assert_eq!(
            svg(r#"<svg width="100%" viewBox="0 0 640.4 360"><g/></svg>"#),
            size(640, 360)
        );
        assert_eq!(svg(r#"<svg width="10em"></svg>"#), None);
        assert_eq!(svg("<html></html>"), None);
    }

    #[test]
    fn png_sizes_come_from_the_header() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.png");
        // The signature and IHDR chunk of a 3×2 PNG.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&3u32.to_be_bytes());
        png.extend_from_slice(&2u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        fs_err::write(&file, png).unwrap();
        assert_eq!(
            size_of(&file),
            Some(ImageSize {
                width: 3,
                height: 2
            })
        );
    }
}
