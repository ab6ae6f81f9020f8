//! A certificate as a printable PDF (A4, landscape) in DejaVu Sans, embedded,
//! so that Polish and Romanian names and titles keep their diacritics; the
//! text is real text (with its Unicode mapping), so it can be searched,
//! copied and read back.

use printpdf::{Color, Line, Mm, PdfDocument, Point, Rgb};

use crate::error::ApiError;

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-subset.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold-subset.ttf");

/// What a certificate says.
#[derive(Debug, Clone)]
pub struct CertificateText<'a> {
    pub number: &'a str,
    pub holder_name: &'a str,
    pub programme_name: &'a str,
    pub project_name: &'a str,
    /// The day it was issued, as `YYYY-MM-DD`.
    pub issued_on: &'a str,
    /// Where anyone can check it.
    pub verify_at: &'a str,
    /// Set once it is revoked: printed across it.
    pub revoked: bool,
}

/// Splits `text` into at most `max` lines of at most `width` characters, at
/// spaces (a word longer than a line is cut); what does not fit ends in `…`.
fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines = wrap_all(text, width);
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            let kept: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{kept}…");
        }
    }
    lines
}

fn wrap_all(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let words = text.split_whitespace().flat_map(|w| {
        let chars: Vec<char> = w.chars().collect();
        chars
            .chunks(width.max(1))
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
    });
    for word in words {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Renders the certificate.
pub fn render(c: &CertificateText<'_>) -> Result<Vec<u8>, ApiError> {
    let (doc, page, layer) = PdfDocument::new(
        format!("Certificate {}", c.number),
        Mm(297.0),
        Mm(210.0),
        "certificate",
    );
    let regular = doc.add_external_font(REGULAR).map_err(ApiError::internal)?;
    let bold = doc.add_external_font(BOLD).map_err(ApiError::internal)?;
    let layer = doc.get_page(page).get_layer(layer);

    // A frame.
    let frame = |inset: f32, thickness: f32| {
        layer.set_outline_thickness(thickness);
        layer.add_line(Line {
            points: vec![
                (Point::new(Mm(inset), Mm(inset)), false),
                (Point::new(Mm(297.0 - inset), Mm(inset)), false),
                (Point::new(Mm(297.0 - inset), Mm(210.0 - inset)), false),
                (Point::new(Mm(inset), Mm(210.0 - inset)), false),
            ],
            is_closed: true,
        });
    };
    layer.set_outline_color(Color::Rgb(Rgb::new(0.12, 0.30, 0.45, None)));
    frame(10.0, 2.0);
    frame(14.0, 0.5);

    let x = Mm(30.0);
    let mut y = 165.0;
    layer.use_text("CERTIFICATE OF COMPLETION", 30.0, x, Mm(y), &bold);
    y -= 10.0;
    layer.use_text(format!("No. {}", c.number), 13.0, x, Mm(y), &regular);
    y -= 22.0;
    layer.use_text("This certifies that", 14.0, x, Mm(y), &regular);
    y -= 14.0;
    for line in wrap(c.holder_name, 40, 2) {
        layer.use_text(line, 26.0, x, Mm(y), &bold);
        y -= 11.0;
    }
    y -= 3.0;
    layer.use_text(
        "has completed the training programme",
        14.0,
        x,
        Mm(y),
        &regular,
    );
    y -= 11.0;
    for line in wrap(c.programme_name, 60, 3) {
        layer.use_text(line, 18.0, x, Mm(y), &bold);
        y -= 8.5;
    }
    y -= 3.0;
    for line in wrap(&format!("in the project {}", c.project_name), 90, 2) {
        layer.use_text(line, 12.0, x, Mm(y), &regular);
        y -= 6.0;
    }
    layer.use_text(
        format!("Issued on {}", c.issued_on),
        12.0,
        x,
        Mm(32.0),
        &regular,
    );
    layer.use_text(
        format!("Check it at {}", c.verify_at),
        9.0,
        x,
        Mm(25.0),
        &regular,
    );
    if c.revoked {
        layer.set_fill_color(Color::Rgb(Rgb::new(0.75, 0.1, 0.1, None)));
        layer.use_text("REVOKED", 40.0, Mm(190.0), Mm(170.0), &bold);
    }
    doc.save_to_bytes().map_err(ApiError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_at_spaces() {
        assert_eq!(
            wrap("Szkolenia z modelu współpracy JST i NGO", 20, 3),
            vec!["Szkolenia z modelu", "współpracy JST i NGO"]
        );
        assert_eq!(wrap("  ", 10, 3), Vec::<String>::new());
        // Never more than `max` lines, nor longer than `width`.
        let long = "Ștefan ".repeat(50) + &"x".repeat(100);
        let lines = wrap(&long, 40, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.chars().count() <= 40));
        assert!(lines[1].ends_with('…'));
        assert_eq!(
            wrap(&"y".repeat(45), 40, 2),
            vec!["y".repeat(40), "y".repeat(5)]
        );
    }

    #[test]
    fn a_certificate_renders_as_a_pdf() {
        let pdf = render(&CertificateText {
            number: "CT-ABCD-EFGH-JKMN",
            holder_name: "Ștefan Łukasiewicz-Țăranu",
            programme_name: "Szkolenia z modelu współpracy",
            project_name: "Model współpracy",
            issued_on: "2026-12-01",
            verify_at: "/api/v1/public/certificates/CT-ABCD-EFGH-JKMN",
            revoked: false,
        })
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // The subsets keep a certificate small.
        assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
    }
}
