//! Work the caller need not wait for.

/// Drops `value` on a rayon thread. Freeing a build's articles and template values
/// is tens of milliseconds on one thread at 10,000 articles, after everything else;
/// a command-line build exits without waiting for it.
pub fn drop_later<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}
