//! A run's outputs: one CSV row per epoch and SVG charts (plotters): supply, minted against
//! burned, the emission rate, provider income and adversary profit.

use crate::run::{EpochRecord, RunResult};
use capacloud_economics::presets::CAPA;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// Plancks as CAPA, for charts.
fn capa(plancks: impl Into<f64>) -> f64 {
    plancks.into() / CAPA as f64
}

/// The CSV header.
pub fn header(adversaries: usize) -> Vec<String> {
    let mut columns: Vec<String> = [
        "epoch",
        "price",
        "demand",
        "providers",
        "emission_per_block",
        "minted_treasury",
        "minted_usage",
        "minted_availability",
        "burned_credits",
        "burned_fees",
        "unminted",
        "total_issuance",
        "income_per_credit",
        "income_per_unit",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    columns.extend((0..adversaries).map(|i| format!("adversary_{i}_profit")));
    columns
}

/// Writes `result` as CSV: one row per epoch, amounts in plancks.
pub fn write_csv(path: &Path, result: &RunResult) -> Result<(), String> {
    let mut writer =
        csv::Writer::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    writer
        .write_record(header(result.adversaries.len()))
        .map_err(|e| e.to_string())?;
    for r in &result.epochs {
        let mut row = vec![
            r.epoch.to_string(),
            r.price.to_string(),
            r.demand.to_string(),
            r.providers.to_string(),
            r.emission_per_block.to_string(),
            r.minted_treasury.to_string(),
            r.minted_usage.to_string(),
            r.minted_availability.to_string(),
            r.burned_credits.to_string(),
            r.burned_fees.to_string(),
            r.unminted.to_string(),
            r.total_issuance.to_string(),
            r.income_per_credit.to_string(),
            r.income_per_unit.to_string(),
        ];
        row.extend(r.adversary_profit.iter().map(|p| p.to_string()));
        writer.write_record(row).map_err(|e| e.to_string())?;
    }
    writer.flush().map_err(|e| e.to_string())
}

/// A line of a chart: its label and its points.
struct Line {
    label: String,
    points: Vec<(f64, f64)>,
}

/// Draws `lines` against the epoch into an SVG at `path`.
fn chart(path: &Path, title: &str, y_label: &str, lines: &[Line]) -> Result<(), String> {
    let (mut x_max, mut y_min, mut y_max) = (1.0f64, f64::MAX, f64::MIN);
    for line in lines {
        for &(x, y) in &line.points {
            x_max = x_max.max(x);
            y_min = y_min.min(y);
            y_max = y_max.max(y);
        }
    }
    if y_min > y_max {
        (y_min, y_max) = (0.0, 1.0);
    }
    let pad = ((y_max - y_min) * 0.05).max(y_max.abs() * 1e-6).max(1e-12);
    let root = SVGBackend::new(path, (900, 500)).into_drawing_area();
    let error = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    root.fill(&WHITE).map_err(|e| error(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..x_max, (y_min - pad)..(y_max + pad))
        .map_err(|e| error(&e))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc(y_label)
        .draw()
        .map_err(|e| error(&e))?;
    for (i, line) in lines.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(
                line.points.iter().copied(),
                color.stroke_width(2),
            ))
            .map_err(|e| error(&e))?
            .label(line.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| error(&e))?;
    root.present().map_err(|e| error(&e))
}

fn series(epochs: &[EpochRecord], label: &str, f: impl Fn(&EpochRecord) -> f64) -> Line {
    Line {
        label: label.to_string(),
        points: epochs.iter().map(|r| (r.epoch as f64, f(r))).collect(),
    }
}

/// Writes the charts of `result` into `dir` (named `<name>-<chart>.svg`); returns their paths.
pub fn write_charts(dir: &Path, name: &str, result: &RunResult) -> Result<Vec<PathBuf>, String> {
    let e = &result.epochs;
    // (file, title, unit, lines)
    let mut charts: Vec<(&str, &str, &str, Vec<Line>)> = vec![
        (
            "supply",
            "Total issuance",
            "CAPA",
            vec![series(e, "total issuance", |r| {
                capa(r.total_issuance as f64)
            })],
        ),
        (
            "minted-burned",
            "Minted and burned per epoch",
            "CAPA per epoch",
            vec![
                series(e, "minted", |r| {
                    capa((r.minted_treasury + r.minted_usage + r.minted_availability) as f64)
                }),
                series(e, "burned", |r| {
                    capa((r.burned_credits + r.burned_fees) as f64)
                }),
                series(e, "never minted", |r| capa(r.unminted as f64)),
            ],
        ),
        (
            "emission",
            "Emission rate",
            "CAPA per block",
            vec![series(e, "emission per block", |r| {
                capa(r.emission_per_block as f64)
            })],
        ),
        (
            "provider-income",
            "An honest provider's income",
            "CAPA",
            vec![
                series(e, "per 1,000 credits served", |r| {
                    capa(r.income_per_credit * 1_000.0)
                }),
                series(e, "per capacity unit and epoch", |r| {
                    capa(r.income_per_unit)
                }),
            ],
        ),
    ];
    if !result.adversaries.is_empty() {
        let lines = result
            .adversaries
            .iter()
            .map(|a| {
                series(e, &format!("adversary {}", a.index), |r| {
                    capa(r.adversary_profit[a.index] as f64)
                })
            })
            .collect();
        charts.push((
            "adversary-profit",
            "Adversaries' cumulative profit",
            "CAPA",
            lines,
        ));
    }
    let mut written = Vec::new();
    for (file, title, unit, lines) in charts {
        let path = dir.join(format!("{name}-{file}.svg"));
        chart(&path, title, unit, &lines)?;
        written.push(path);
    }
    Ok(written)
}
