//! PROVISIONAL: replaced by the related-articles engine.
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RelatedConfig {
    pub count: usize,
}
impl Default for RelatedConfig {
    fn default() -> Self {
        Self { count: 5 }
    }
}
