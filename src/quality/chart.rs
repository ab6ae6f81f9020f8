//! The radar chart of a round: one axis per area, the round's area scores
//! against the previous round's, and the plane scores and the index in the
//! legend. Plain SVG, drawn from the scores alone.

use std::fmt::Write;

use super::rules::Scores;

const SIZE: f64 = 640.0;
const CENTRE: (f64, f64) = (320.0, 300.0);
const RADIUS: f64 = 190.0;

/// `text` escaped for XML (and HTML).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The point at `share` (0–1) of the radius on axis `n` of `count`, the
/// first pointing up, clockwise.
fn point(n: usize, count: usize, share: f64) -> (f64, f64) {
    let angle = std::f64::consts::TAU * n as f64 / count as f64 - std::f64::consts::FRAC_PI_2;
    (
        CENTRE.0 + RADIUS * share * angle.cos(),
        CENTRE.1 + RADIUS * share * angle.sin(),
    )
}

fn polygon(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn index_text(year: i32, scores: &Scores) -> String {
    let index = scores
        .index
        .map_or_else(|| "—".to_owned(), |i| format!("{i:.1}"));
    let planes: Vec<String> = scores
        .planes
        .iter()
        .map(|p| {
            let s = p
                .score
                .map_or_else(|| "—".to_owned(), |s| format!("{s:.1}"));
            format!("P{}: {s}", p.number)
        })
        .collect();
    format!("{year}: index {index} ({})", planes.join(", "))
}

/// An area's name and score.
type Axis<'a> = (&'a str, Option<f64>);

/// The chart of `current` (of `year`), against `previous` when given: a
/// missing area score is drawn at the centre.
pub fn radar(title: &str, year: i32, current: &Scores, previous: Option<(i32, &Scores)>) -> String {
    let areas: Vec<Axis> = current
        .planes
        .iter()
        .flat_map(|p| p.areas.iter().map(|a| (a.name.as_str(), a.score)))
        .collect();
    let count = areas.len().max(3);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">"##
    );
    let _ = write!(
        svg,
        r##"<title>{0}</title><rect width="100%" height="100%" fill="#ffffff"/><text x="{1}" y="28" text-anchor="middle" font-size="16" font-weight="bold">{0}</text>"##,
        escape(title),
        CENTRE.0
    );
    grid(&mut svg, &areas, count);
    if let Some((_, before)) = previous {
        let by_name: Vec<Axis> = areas
            .iter()
            .map(|(name, _)| {
                let score = before
                    .planes
                    .iter()
                    .flat_map(|p| p.areas.iter())
                    .find(|a| a.name == *name)
                    .and_then(|a| a.score);
                (*name, score)
            })
            .collect();
        let _ = write!(
            svg,
            r##"<polygon class="previous" points="{}" fill="#9e9e9e" fill-opacity="0.25" stroke="#616161" stroke-width="2" stroke-dasharray="6 4"/>"##,
            polygon(&shape(&by_name, count))
        );
    }
    let _ = write!(
        svg,
        r##"<polygon class="current" points="{}" fill="#1565c0" fill-opacity="0.35" stroke="#0d47a1" stroke-width="2"/>"##,
        polygon(&shape(&areas, count))
    );
    legend(&mut svg, year, current, previous);
    svg.push_str("</svg>");
    svg
}

/// The rings at 25, 50, 75 and 100, and each area's axis with its name.
fn grid(svg: &mut String, areas: &[Axis], count: usize) {
    for ring in [0.25, 0.5, 0.75, 1.0] {
        let ring_points: Vec<_> = (0..count).map(|n| point(n, count, ring)).collect();
        let _ = write!(
            svg,
            r##"<polygon points="{}" fill="none" stroke="#cccccc" stroke-width="1"/>"##,
            polygon(&ring_points)
        );
    }
    for (n, (name, _)) in areas.iter().enumerate() {
        let (x, y) = point(n, count, 1.0);
        let (lx, ly) = point(n, count, 1.12);
        let anchor = if (lx - CENTRE.0).abs() < 1.0 {
            "middle"
        } else if lx > CENTRE.0 {
            "start"
        } else {
            "end"
        };
        let lines = wrap(name, LABEL_WIDTH);
        // Above the centre the label grows upwards, beside it both ways,
        // below it downwards: it never covers the chart.
        let height = LINE * (lines.len() as f64 - 1.0);
        let top = if ly < CENTRE.1 - RADIUS / 2.0 {
            ly - height
        } else if ly > CENTRE.1 + RADIUS / 2.0 {
            ly + LINE - 2.0
        } else {
            ly - height / 2.0
        };
        let _ = write!(
            svg,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{x:.1}" y2="{y:.1}" stroke="#cccccc" stroke-width="1"/><text x="{lx:.1}" y="{top:.1}" text-anchor="{anchor}"><title>{}</title>"##,
            CENTRE.0,
            CENTRE.1,
            escape(name)
        );
        for (i, line) in lines.iter().enumerate() {
            let dy = if i == 0 { 0.0 } else { LINE };
            let _ = write!(
                svg,
                r##"<tspan x="{lx:.1}" dy="{dy:.1}">{}</tspan>"##,
                escape(line)
            );
        }
        svg.push_str("</text>");
    }
}

/// The most characters of an area's label on one line, and the height of
/// a line: labels beside the chart have about 100 pixels to the edge.
const LABEL_WIDTH: usize = 16;
const LINE: f64 = 13.0;

/// `text` in lines of at most `width` characters, broken between words (a
/// longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// The points of `areas`' scores, a missing one at the centre.
fn shape(areas: &[Axis], count: usize) -> Vec<(f64, f64)> {
    areas
        .iter()
        .enumerate()
        .map(|(n, (_, s))| point(n, count, s.unwrap_or(0.0) / 100.0))
        .collect()
}

/// The key: each round's year, index and plane scores.
fn legend(svg: &mut String, year: i32, current: &Scores, previous: Option<(i32, &Scores)>) {
    let y = SIZE - 44.0;
    let _ = write!(
        svg,
        r##"<rect x="24" y="{:.1}" width="14" height="14" fill="#1565c0" fill-opacity="0.35" stroke="#0d47a1"/><text x="44" y="{y:.1}">{}</text>"##,
        y - 11.0,
        escape(&index_text(year, current))
    );
    if let Some((year, before)) = previous {
        let _ = write!(
            svg,
            r##"<rect x="24" y="{:.1}" width="14" height="14" fill="#9e9e9e" fill-opacity="0.25" stroke="#616161" stroke-dasharray="3 2"/><text x="44" y="{:.1}">{}</text>"##,
            y + 9.0,
            y + 20.0,
            escape(&index_text(year, before))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::rules::{AreaScore, PlaneScore};

    fn scores(values: &[Option<f64>]) -> Scores {
        Scores {
            index: Some(55.5),
            planes: vec![PlaneScore {
                number: 1,
                name: "Płaszczyzna".into(),
                score: Some(55.5),
                areas: values
                    .iter()
                    .enumerate()
                    .map(|(n, s)| AreaScore {
                        code: format!("a{n}"),
                        name: format!("Obszar {n} — współpraca & „konsultacje”"),
                        score: *s,
                        indicators: Vec::new(),
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn the_chart_names_every_area_and_escapes_its_text() {
        let svg = radar(
            "Gmina Zgorzelec <2026>",
            2026,
            &scores(&[Some(100.0), Some(50.0), None, Some(0.0)]),
            Some((2025, &scores(&[Some(50.0), None, None, None]))),
        );
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("Gmina Zgorzelec &lt;2026&gt;"));
        assert!(svg.contains("<title>Obszar 0 — współpraca &amp; „konsultacje”</title>"));
        assert!(svg.contains(">Obszar 0 —</tspan><tspan"), "{svg}");
        assert_eq!(svg.matches("class=\"current\"").count(), 1);
        assert_eq!(svg.matches("class=\"previous\"").count(), 1);
        assert!(svg.contains("2026: index 55.5 (P1: 55.5)"));
        // Labels break between words; none is cut.
        assert_eq!(
            wrap("Consulting draft acts and other undertakings", 16),
            ["Consulting draft", "acts and other", "undertakings"]
        );
        assert_eq!(wrap("Współdziałanie", 5), ["Współdziałanie"]);
        assert!(wrap("  ", 16).is_empty());
        // The first area at 100 points straight up to the rim.
        assert!(svg.contains("class=\"current\" points=\"320.0,110.0 "));
    }
}
