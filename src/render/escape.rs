//! HTML escaping of printed values, the same as Tera's but faster.

use std::io::{self, Write};

/// Escapes the five characters Tera's [`tera::escape_html`] escapes, with the
/// same entities, but writes the runs between them whole: Tera's writes every
/// byte through `dyn Write`, which was a tenth of the render stage.
pub fn escape_html(input: &str, output: &mut dyn Write) -> io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let entity: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        output.write_all(&bytes[start..i])?;
        output.write_all(entity)?;
        start = i + 1;
    }
    output.write_all(&bytes[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(input: &str, escape: tera::EscapeFn) -> String {
        let mut output = Vec::new();
        escape(input, &mut output).unwrap();
        String::from_utf8(output).unwrap()
    }

    #[test]
    fn escapes_exactly_as_tera_does() {
        for input in [
            "",
            "plain",
            "l'IA « locale » & <b>\"gras\"</b>",
            "<<>>&&''\"\"",
            "fin &",
            "é/è — 北京 🎉 a=1&b=2",
        ] {
            assert_eq!(
                escaped(input, escape_html),
                escaped(input, tera::escape_html),
                "{input}"
            );
        }
    }
}
