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

/// The CSV header: amounts in plancks (10^-12 CAPA) and named so, the price and demand in
/// stable units; per adversary its cumulative profit and what it received from each pool.
pub fn header(adversaries: usize) -> Vec<String> {
    let mut columns: Vec<String> = [
        "epoch",
        "price_stable_per_capa",
        "price_in_force_stable_per_capa",
        "price_lag_blocks",
        "demand_stable",
        "unmet_demand_stable",
        "providers",
        "emission_per_block_plancks",
        "minted_treasury_plancks",
        "minted_usage_plancks",
        "minted_availability_plancks",
        "burned_credits_plancks",
        "burned_fees_plancks",
        "burned_slashes_plancks",
        "burned_forfeited_plancks",
        "unminted_plancks",
        "minted_outside_plancks",
        "total_issuance_plancks",
        "income_per_credit_plancks",
        "income_per_unit_plancks",
        "controller_next_emission_plancks",
        "controller_choice_plancks",
        "controller_floor_plancks",
        "controller_ceiling_plancks",
        "controller_burn_average_plancks",
        "controller_handed_over_plancks",
        "controller_held_back_plancks",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for i in 0..adversaries {
        columns.push(format!("adversary_{i}_profit_plancks"));
        columns.push(format!("adversary_{i}_from_usage_plancks"));
        columns.push(format!("adversary_{i}_from_availability_plancks"));
    }
    columns
}

/// Writes `result` as CSV: one row per epoch ([`header`]).
pub fn write_csv(path: &Path, result: &RunResult) -> Result<(), String> {
    let mut writer =
        csv::Writer::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    writer
        .write_record(header(result.adversaries.len()))
        .map_err(|e| e.to_string())?;
    for r in &result.epochs {
        let c = &r.controller;
        let mut row = vec![
            r.epoch.to_string(),
            r.price.to_string(),
            r.price_in_force.to_string(),
            r.price_lag_blocks.to_string(),
            r.demand.to_string(),
            r.unmet_demand.to_string(),
            r.providers.to_string(),
            r.emission_per_block.to_string(),
            r.minted_treasury.to_string(),
            r.minted_usage.to_string(),
            r.minted_availability.to_string(),
            r.burned_credits.to_string(),
            r.burned_fees.to_string(),
            r.burned_slashes.to_string(),
            r.burned_forfeited.to_string(),
            r.unminted.to_string(),
            r.minted_outside.to_string(),
            r.total_issuance.to_string(),
            r.income_per_credit.to_string(),
            r.income_per_unit.to_string(),
            c.emission_per_block.to_string(),
            c.choice.to_string(),
            c.floor.to_string(),
            c.ceiling.to_string(),
            c.smoothed_burn_per_block.to_string(),
            c.legacy_burn_per_block.to_string(),
            c.held_back_per_block.to_string(),
        ];
        for (i, profit) in r.adversary_profit.iter().enumerate() {
            row.push(profit.to_string());
            row.push(r.adversary_usage[i].to_string());
            row.push(r.adversary_availability[i].to_string());
        }
        writer.write_record(row).map_err(|e| e.to_string())?;
    }
    writer.flush().map_err(|e| e.to_string())
}

/// A line of a chart: its label and its points.
struct Line {
    label: String,
    points: Vec<(f64, f64)>,
}

/// `value` with `decimals` decimals and thousands separated by commas (`1,234,567.5`).
pub fn grouped(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = whole.as_bytes();
    let mut out = String::new();
    for (i, digit) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(*digit as char);
    }
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    if value < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.insert(0, '-');
    }
    out
}

/// Decimals that tell ticks `step` apart.
fn decimals_for(step: f64) -> usize {
    if step <= 0.0 || !step.is_finite() {
        return 2;
    }
    (-step.log10().floor()).clamp(0.0, 6.0) as usize
}

/// An axis's values, scaled to millions when they reach a million (the unit then reads
/// `M <unit>`).
fn scaled(lines: &[Line], unit: &str) -> (f64, String) {
    let largest = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1.abs()))
        .fold(0.0f64, f64::max);
    if largest >= 1e6 {
        (1e6, format!("M {unit}"))
    } else {
        (1.0, unit.to_string())
    }
}

/// The range of `lines`' values (padded), and whether it leaves zero out: an axis that does not
/// start at zero says so in its title. Zero is kept whenever it is near the data, or the data
/// is flat.
fn value_range(lines: &[Line], scale: f64) -> (f64, f64, bool) {
    let (mut lo, mut hi) = (f64::MAX, f64::MIN);
    for &(_, y) in lines.iter().flat_map(|l| l.points.iter()) {
        lo = lo.min(y / scale);
        hi = hi.max(y / scale);
    }
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    let flat = hi - lo <= hi.abs().max(lo.abs()) * 1e-3;
    if lo >= 0.0 && (flat || lo < hi - lo) {
        return (0.0, (hi * 1.05).max(1e-12), false);
    }
    let pad = ((hi - lo) * 0.05).max(1e-12);
    let (lo, hi) = (lo - pad, hi + pad);
    (lo, hi, lo > 0.0)
}

/// One panel of a chart: its title, the unit of its values and its lines.
type Panel<'a> = (&'a str, &'a str, &'a [Line]);

/// Draws `panels`, stacked, against the epoch into an SVG at `path`.
fn chart(path: &Path, panels: &[Panel]) -> Result<(), String> {
    let error = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let height = 500 * panels.len() as u32;
    let root = SVGBackend::new(path, (900, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| error(&e))?;
    for (area, (title, unit, lines)) in root.split_evenly((panels.len(), 1)).iter().zip(panels) {
        draw(area, title, unit, lines).map_err(|e| error(&e))?;
    }
    root.present().map_err(|e| error(&e))
}

/// Draws one panel: `lines` against the epoch, values in `unit` (in millions when they reach
/// a million), ticks with thousands separators, an axis cut above zero said in the title.
fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    unit: &str,
    lines: &[Line],
) -> Result<(), String> {
    let error = |e: &dyn std::fmt::Display| e.to_string();
    let x_max = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .fold(1.0f64, f64::max);
    let (scale, unit) = scaled(lines, unit);
    let (lo, hi, cut) = value_range(lines, scale);
    let y_decimals = decimals_for((hi - lo) / 10.0);
    let title = if cut {
        format!(
            "{title} (the axis starts at {} {unit})",
            grouped(lo, y_decimals)
        )
    } else {
        title.to_string()
    };
    let mut chart = ChartBuilder::on(area)
        .caption(&title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..x_max, lo..hi)
        .map_err(|e| error(&e))?;
    let y_format = |v: &f64| grouped(*v, y_decimals);
    let x_format = |v: &f64| grouped(*v, 0);
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc(&unit)
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .draw()
        .map_err(|e| error(&e))?;
    for (i, line) in lines.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(
                line.points.iter().map(|&(x, y)| (x, y / scale)),
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
    Ok(())
}

fn series(epochs: &[EpochRecord], label: &str, f: impl Fn(&EpochRecord) -> f64) -> Line {
    Line {
        label: label.to_string(),
        points: epochs.iter().map(|r| (r.epoch as f64, f(r))).collect(),
    }
}

/// Writes the charts of `result` into `dir` (named `<name>-<chart>.svg`, titled with the
/// scenario's name); returns their paths.
pub fn write_charts(dir: &Path, name: &str, result: &RunResult) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::new();
    for (file, title, unit, lines, below) in charts(result) {
        let path = dir.join(format!("{name}-{file}.svg"));
        let title = format!("{name}: {title}");
        let mut panels: Vec<Panel> = vec![(&title, unit, &lines)];
        let below_title;
        if let Some((below, below_unit, below_lines)) = &below {
            below_title = format!("{name}: {below}");
            panels.push((&below_title, below_unit, below_lines));
        }
        chart(&path, &panels)?;
        written.push(path);
    }
    Ok(written)
}

/// A chart: its file name's suffix, title, unit, lines, and a second panel below it (title,
/// unit, lines).
type Chart = (
    &'static str,
    &'static str,
    &'static str,
    Vec<Line>,
    Option<(&'static str, &'static str, Vec<Line>)>,
);

/// The charts of a run: supply, minted and burned, emission, an honest provider's income, price
/// and demand, and (with adversaries) their cumulative profit.
fn charts(result: &RunResult) -> Vec<Chart> {
    let mut charts = supply_charts(&result.epochs);
    charts.extend(market_charts(&result.epochs));
    charts.extend(adversary_chart(result));
    charts
}

/// The supply side: total issuance, minted and burned per epoch, the emission rate.
fn supply_charts(e: &[EpochRecord]) -> Vec<Chart> {
    vec![
        (
            "supply",
            "Total issuance",
            "CAPA",
            vec![series(e, "total issuance", |r| {
                capa(r.total_issuance as f64)
            })],
            None,
        ),
        (
            "minted-burned",
            "Minted and burned per epoch",
            "CAPA per epoch",
            vec![
                series(e, "minted", |r| {
                    capa(
                        (r.minted_treasury
                            + r.minted_usage
                            + r.minted_availability
                            + r.minted_outside) as f64,
                    )
                }),
                series(e, "burned", |r| {
                    capa(
                        (r.burned_credits + r.burned_fees + r.burned_slashes + r.burned_forfeited)
                            as f64,
                    )
                }),
                series(e, "never minted", |r| capa(r.unminted as f64)),
            ],
            None,
        ),
        (
            "emission",
            "Emission rate",
            "CAPA per block",
            vec![series(e, "emission per block", |r| {
                capa(r.emission_per_block as f64)
            })],
            None,
        ),
    ]
}

/// The market side: an honest provider's income, the token price over compute demand.
fn market_charts(e: &[EpochRecord]) -> Vec<Chart> {
    vec![
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
            None,
        ),
        (
            "price-demand",
            "Token price",
            "stable units per CAPA",
            vec![series(e, "token price", |r| r.price)],
            Some((
                "Compute demand",
                "stable units per epoch",
                vec![series(e, "compute demand", |r| r.demand)],
            )),
        ),
    ]
}

/// The adversaries' cumulative profit, one line each (none without adversaries).
fn adversary_chart(result: &RunResult) -> Option<Chart> {
    if result.adversaries.is_empty() {
        return None;
    }
    let e = &result.epochs;
    let lines = result
        .adversaries
        .iter()
        .map(|a| series(e, &a.label, |r| capa(r.adversary_profit[a.index] as f64)))
        .collect();
    Some((
        "adversary-profit",
        "Adversaries' cumulative profit",
        "CAPA",
        lines,
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(100_000_000.0, 0), "100,000,000");
        assert_eq!(grouped(1_234.5, 1), "1,234.5");
        assert_eq!(grouped(-1_234_567.25, 2), "-1,234,567.25");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(0.0005, 3), "0.001");
        assert_eq!(grouped(-0.0001, 2), "0.00");
    }
}
