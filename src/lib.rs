//! kiosque: a static site generator for tech news sites.
//!
//! Data flows one way: [`config`] and [`content`] are loaded, [`markdown`] renders
//! bodies, [`site`] indexes the articles, [`render`] produces pages through Tera,
//! and [`output`] writes them along with feeds and sitemaps. [`build`] strings the stages
//! together; [`check`] looks for broken links in a build; [`serve`] re-runs the stages
//! on what changed, for the dev server.

pub mod background;
pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod timings;
