//! `capacloud-sim`: runs scenarios, sweeps and the adversary search (see `sim/README.md`).

use capacloud_sim::{
    report,
    run::{run, RunResult, RunSetup},
    scenario::Scenario,
    snapshot,
    sweep::{run_set, search, QuorumStrategy, Summary, Sweep},
};
use clap::{Parser, Subcommand};
use rayon::prelude::*;
use std::{
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
    sync::atomic::{AtomicUsize, Ordering},
    time::Instant,
};

#[derive(Parser)]
#[command(
    name = "capacloud-sim",
    about = "The CapaCloud economy over years, with the chain's own economics code"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs a scenario: a CSV per epoch and SVG charts in --out.
    Run {
        /// The scenario (TOML).
        scenario: PathBuf,
        /// Where to write `<name>.csv` and `<name>-*.svg`.
        #[arg(long, default_value = "sim-out")]
        out: PathBuf,
        /// Start from a live chain's state (`capa snapshot` JSON) instead of the scenario's start.
        #[arg(long)]
        snapshot: Option<PathBuf>,
        /// Simulate this many epochs instead of the scenario's.
        #[arg(long)]
        epochs: Option<u32>,
        /// No charts (CSV only).
        #[arg(long)]
        no_charts: bool,
    },
    /// Runs a sweep: the scenario under many parameter sets, in parallel; a summary table.
    Sweep {
        /// The sweep (TOML).
        sweep: PathBuf,
        /// Where to write `<sweep>-summary.csv`.
        #[arg(long, default_value = "sim-out")]
        out: PathBuf,
        /// Random samples instead of the sweep's.
        #[arg(long)]
        samples: Option<u32>,
        /// Simulate this many epochs instead of the scenario's.
        #[arg(long)]
        epochs: Option<u32>,
        /// For each parameter set, search the self-dealing strategy space (the strategies of
        /// `search`) and report the best return (about 0.8 s per set: use few samples).
        #[arg(long)]
        search: bool,
    },
    /// Searches the self-dealing strategy space of a scenario for the highest return.
    Search {
        /// The scenario (TOML).
        scenario: PathBuf,
        /// Simulate this many epochs instead of the scenario's.
        #[arg(long)]
        epochs: Option<u32>,
    },
}

fn read_scenario(path: &Path, epochs: Option<u32>) -> Result<Scenario, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut scenario =
        Scenario::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(epochs) = epochs {
        scenario.epochs = epochs;
    }
    Ok(scenario)
}

fn capa(plancks: u128) -> String {
    format!(
        "{:.3}",
        plancks as f64 / capacloud_economics::presets::CAPA as f64
    )
}

/// Fails loudly when an adversary got back as much as it burned.
/// Fails on the first adversary that got back as much as it burned, or more than the bound
/// (`Some`: the most a self-dealer may get back per token burned under its run's parameters).
fn check_adversaries(results: &[(String, Option<f64>, Option<f64>)]) -> Result<(), String> {
    for (strategy, ratio, bound) in results {
        if let Some(ratio) = ratio {
            if *ratio >= 1.0 {
                return Err(format!(
                    "an adversary got back {:.1}% of what it burned: {strategy}",
                    ratio * 100.0
                ));
            }
            // The bound is attained exactly (a usage pool bound by its cap pays `c` of the
            // burn): compared with a margin for the float division.
            if let Some(bound) = bound.filter(|b| *ratio > b + 1e-9) {
                return Err(format!(
                    "a self-dealer got back {:.3}% of what it burned, above the bound of {:.3}%: {strategy}",
                    ratio * 100.0,
                    bound * 100.0
                ));
            }
        }
    }
    Ok(())
}

fn run_command(
    path: &Path,
    out: &Path,
    snapshot_path: Option<&Path>,
    epochs: Option<u32>,
    charts: bool,
) -> Result<(), String> {
    let mut scenario = read_scenario(path, epochs)?;
    let setup = match snapshot_path {
        Some(file) => start_from_snapshot(file, &mut scenario)?,
        None => RunSetup::from_scenario(&scenario)?,
    };
    let started = Instant::now();
    let result = run(&scenario, &setup)?;
    let elapsed = started.elapsed();
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let csv = out.join(format!("{}.csv", scenario.name));
    report::write_csv(&csv, &result)?;
    let last = result.epochs.last().cloned().unwrap_or_default();
    let first_price = result.epochs.first().map_or(0.0, |r| r.price);
    let runs = 1 + result.adversaries.len() + usize::from(result.coalition.is_some());
    println!(
        "{}: {} epochs in {:.1} ms ({runs} run{} with the counterfactuals); final issuance {} CAPA, emission {} CAPA per block, price {first_price:.4} -> {:.4}",
        scenario.name,
        scenario.epochs,
        elapsed.as_secs_f64() * 1e3,
        if runs == 1 { "" } else { "s" },
        capa(last.total_issuance),
        capa(last.emission_per_block),
        last.price
    );
    println!("wrote {}", csv.display());
    if charts {
        for chart in report::write_charts(out, &scenario.name, &result)? {
            println!("wrote {}", chart.display());
        }
    }
    print_adversaries(&result);
    if !result.limit_breaches.is_empty() {
        return Err(format!(
            "hard limits broken: {}",
            result.limit_breaches.join("; ")
        ));
    }
    if !result.impossible.is_none() {
        return Err(format!(
            "the scenario asks for tokens that do not exist ({} epochs of demand cut, {} \
             purchases refused; first: {}): its results are not a world the chain can be in",
            result.impossible.unmet_epochs,
            result.impossible.refused_purchases,
            result.impossible.first.clone().unwrap_or_default()
        ));
    }
    let bound = capacloud_sim::sweep::bound_of(&scenario, &setup.params)?;
    check_adversaries(
        &result
            .adversaries
            .iter()
            .map(|a| (a.strategy.clone(), a.return_ratio, Some(bound)))
            .collect::<Vec<_>>(),
    )
}

/// Applies the snapshot in `file` to `scenario` (the snapshot's providers at the start; a
/// scenario with `[parameters]` is refused by name, see `snapshot::apply`) and says where the
/// run starts; returns the run's setup: the chain's parameters, issuance and controller.
fn start_from_snapshot(file: &Path, scenario: &mut Scenario) -> Result<RunSetup, String> {
    let text = fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let snap = snapshot::from_json(&text)?;
    snapshot::apply(&snap, scenario)?;
    println!(
        "starting from block #{} of a live chain: issuance {} CAPA, emission {} CAPA per block, {} providers of {} units",
        snap.block,
        capa(snap.setup.issuance),
        capa(snap.setup.emission),
        snap.providers.0,
        snap.providers.1
    );
    Ok(snap.setup)
}

/// A line per adversary: what it burned, its profit, what it got back of its burn, and the
/// share of the supply above which a party holding tokens of its own would gain in value.
fn print_adversaries(result: &RunResult) {
    for a in &result.adversaries {
        println!(
            "adversary {}: burned {} CAPA, profit {} CAPA{}{} ({})",
            a.index,
            capa(a.burned),
            if a.gain < 0 {
                format!("-{}", capa(a.gain.unsigned_abs()))
            } else {
                capa(a.gain as u128)
            },
            a.return_ratio
                .map(|r| format!(", got back {:.2}% of its burn", r * 100.0))
                .unwrap_or_default(),
            a.value_threshold()
                .map(|share| format!(
                    "; in value it pays only a party holding {:.2}% of the supply or more",
                    share * 100.0
                ))
                .unwrap_or_default(),
            a.strategy
        );
    }
}

/// Progress of a parallel job, one line per tenth done (on stderr): `what: done/total, time`.
/// (A plain reporter rather than a progress-bar crate: indicatif would give portable-atomic,
/// under once_cell, a feature, and recompile the node's whole dependency tree.)
struct Progress {
    what: &'static str,
    total: usize,
    done: AtomicUsize,
    started: Instant,
}

impl Progress {
    fn new(what: &'static str, total: usize) -> Self {
        Progress {
            what,
            total,
            done: AtomicUsize::new(0),
            started: Instant::now(),
        }
    }

    fn inc(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let step = (self.total / 10).max(1);
        if done % step == 0 || done == self.total {
            let elapsed = self.started.elapsed().as_secs_f64();
            let left = elapsed / done as f64 * (self.total - done) as f64;
            eprintln!(
                "{}: {done}/{} ({:.0}%), {elapsed:.1} s, about {left:.1} s left",
                self.what,
                self.total,
                done as f64 * 100.0 / self.total.max(1) as f64
            );
        }
    }
}

fn summary_table(summaries: &[Summary]) {
    let accepted = summaries.iter().filter(|s| s.invalid.is_none()).count();
    let valid: Vec<&Summary> = summaries
        .iter()
        .filter(|s| s.invalid.is_none() && s.impossible.is_none())
        .collect();
    println!(
        "{} parameter sets, {} valid, {} refused by validation, {} asking for tokens that do not \
         exist (counted apart)",
        summaries.len(),
        valid.len(),
        summaries.len() - accepted,
        accepted - valid.len()
    );
    if let Some(example) = summaries.iter().find_map(|s| s.impossible.as_ref()) {
        println!("  for example: {example}");
    }
    if valid.is_empty() {
        return;
    }
    let stat = |f: &dyn Fn(&Summary) -> f64| {
        let mut values: Vec<f64> = valid.iter().map(|s| f(s)).collect();
        values.sort_by(|a, b| a.total_cmp(b));
        (
            values[0],
            values[values.len() / 2],
            values[values.len() - 1],
        )
    };
    let rows: [(&str, (f64, f64, f64)); 7] = [
        (
            "final supply (M CAPA)",
            stat(&|s| s.final_supply as f64 / 1e18),
        ),
        (
            "final price (stable units per CAPA)",
            stat(&|s| s.final_price),
        ),
        (
            "worst annual inflation (%)",
            stat(&|s| s.worst_inflation * 100.0),
        ),
        (
            "worst annual deflation (%)",
            stat(&|s| s.worst_deflation * 100.0),
        ),
        (
            "provider income, lowest (CAPA/unit/epoch)",
            stat(&|s| s.income_range.0 / 1e12),
        ),
        (
            "provider income, highest (CAPA/unit/epoch)",
            stat(&|s| s.income_range.1 / 1e12),
        ),
        (
            "best adversary return (%)",
            stat(&|s| s.best_return.unwrap_or(0.0) * 100.0),
        ),
    ];
    println!("{:<44} {:>14} {:>14} {:>14}", "", "min", "median", "max");
    for (name, (lo, mid, hi)) in rows {
        println!("{name:<44} {lo:>14.4} {mid:>14.4} {hi:>14.4}");
    }
    let best = valid
        .iter()
        .filter_map(|s| s.best_return.map(|r| (r, s)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((ratio, summary)) = best {
        println!(
            "best adversary: got back {:.3}% of its burn with {} under {{ {} }}",
            ratio * 100.0,
            summary.best_strategy.as_deref().unwrap_or("?"),
            summary.set.to_string().trim().replace('\n', ", ")
        );
    }
}

fn write_summaries(path: &Path, summaries: &[Summary]) -> Result<(), String> {
    let mut writer =
        csv::Writer::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    writer
        .write_record([
            "set",
            "invalid",
            "final_supply",
            "worst_inflation",
            "worst_deflation",
            "income_low",
            "income_high",
            "best_return",
            "breaches",
            "final_price",
            "impossible",
        ])
        .map_err(|e| e.to_string())?;
    for s in summaries {
        writer
            .write_record([
                s.set.to_string().replace('\n', "; "),
                s.invalid.clone().unwrap_or_default(),
                s.final_supply.to_string(),
                s.worst_inflation.to_string(),
                s.worst_deflation.to_string(),
                s.income_range.0.to_string(),
                s.income_range.1.to_string(),
                s.best_return.map(|r| r.to_string()).unwrap_or_default(),
                s.breaches.to_string(),
                s.final_price.to_string(),
                s.impossible.clone().unwrap_or_default(),
            ])
            .map_err(|e| e.to_string())?;
    }
    writer.flush().map_err(|e| e.to_string())
}

fn sweep_command(
    path: &Path,
    out: &Path,
    samples: Option<u32>,
    epochs: Option<u32>,
    with_search: bool,
) -> Result<(), String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut sweep: Sweep = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if samples.is_some() {
        sweep.samples = samples;
    }
    let scenario_path = path
        .parent()
        .unwrap_or(Path::new("."))
        .join(&sweep.scenario);
    let scenario = read_scenario(&scenario_path, epochs)?;
    let sets = sweep.sets()?;
    let started = Instant::now();
    let progress = Progress::new("sweep", sets.len());
    let summaries: Vec<Summary> = sets
        .par_iter()
        .map(|set| {
            let mut summary = run_set(&scenario, set);
            if with_search && summary.invalid.is_none() {
                // The adversary's best strategy under this set replaces the scenario's own.
                let best = search(&scenario, set)
                    .into_iter()
                    .filter_map(|(strategy, s)| s.best_return.map(|r| (r, strategy, s.bound)))
                    .max_by(|a, b| (a.0 - a.2).total_cmp(&(b.0 - b.2)));
                if let Some((ratio, strategy, bound)) = best {
                    if summary.best_return.is_none_or(|r| ratio > r) {
                        summary.best_return = Some(ratio);
                        summary.best_strategy = Some(strategy.to_string());
                        summary.bound = bound;
                    }
                }
            }
            progress.inc();
            summary
        })
        .collect();
    println!(
        "{} sets x {} epochs of `{}` in {:.1} s on {} threads",
        sets.len(),
        scenario.epochs,
        scenario.name,
        started.elapsed().as_secs_f64(),
        rayon::current_num_threads()
    );
    summary_table(&summaries);
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("sweep");
    let csv = out.join(format!("{stem}-summary.csv"));
    write_summaries(&csv, &summaries)?;
    println!("wrote {}", csv.display());
    let breaches: usize = summaries.iter().map(|s| s.breaches).sum();
    if breaches > 0 {
        return Err(format!("{breaches} hard-limit breaches"));
    }
    check_adversaries(
        &summaries
            .iter()
            .map(|s| {
                (
                    format!("{:?} under {}", s.best_strategy, s.set),
                    s.best_return,
                    // Only self-dealers burn, so a return is a self-dealer's.
                    Some(s.bound),
                )
            })
            .collect::<Vec<_>>(),
    )
}

fn search_command(path: &Path, epochs: Option<u32>) -> Result<(), String> {
    let scenario = read_scenario(path, epochs)?;
    let started = Instant::now();
    let strategies = capacloud_sim::sweep::strategies(scenario.epochs).len();
    println!(
        "searching {strategies} self-dealing strategies in `{}` (volume, timing, group, capacity, \
         when it spends, the referendum it times its burns around, the honest demand, \
         coalitions)",
        scenario.name
    );
    let mut results = search(&scenario, &toml::Table::new());
    let refused = results.iter().filter(|(_, s)| s.invalid.is_some()).count();
    // Closest to its bound first.
    let margin = |s: &Summary| s.best_return.map_or(f64::MIN, |r| r - s.bound);
    results.sort_by(|a, b| margin(&b.1).total_cmp(&margin(&a.1)));
    println!(
        "in {:.1} s ({refused} strategies' referendums refused by `validate`); the five closest to the bound:",
        started.elapsed().as_secs_f64()
    );
    let above = results.iter().filter(|(_, s)| margin(s) > 0.0).count();
    for (strategy, summary) in results.iter().take(5.max(above)) {
        println!(
            "  got back {:>8.3}% of its burn (bound {:.1}%): {strategy}",
            summary.best_return.unwrap_or(0.0) * 100.0,
            summary.bound * 100.0
        );
    }
    if above > 0 {
        println!("{above} strategies got back more than the bound");
    }
    check_adversaries(
        &results
            .iter()
            .map(|(a, s)| (a.to_string(), s.best_return, Some(s.bound)))
            .collect::<Vec<_>>(),
    )?;
    quorum_search_command(&scenario)?;
    feeder_search_command(&scenario)
}

/// A signed amount of plancks as CAPA: "-1,234.500 CAPA".
fn signed_capa(plancks: i128) -> String {
    let sign = if plancks < 0 { "-" } else { "" };
    format!("{sign}{} CAPA", capa(plancks.unsigned_abs()))
}

/// The verifier-quorum search ([`capacloud_sim::sweep::quorum_search`]): fails when a lie
/// answered in time gains anything.
fn quorum_search_command(scenario: &Scenario) -> Result<(), String> {
    let setup = RunSetup::from_scenario(scenario)?;
    let started = Instant::now();
    let results = capacloud_sim::sweep::quorum_search(scenario, &setup)?;
    let delay = setup.reward_delay;
    let (in_time, late): (Vec<_>, Vec<_>) = results
        .iter()
        .partition(|(strategy, _)| strategy.answered_in_time(delay));
    let best = |set: &[&(QuorumStrategy, i128)]| set.iter().map(|(_, gain)| *gain).max();
    let signed = |gain: Option<i128>| gain.map_or("none".into(), signed_capa);
    println!(
        "searched {} verifier-quorum lies in {:.1} s (rewards locked {delay} epochs): answered within {} epochs of the lie, the best gain is {}; answered later or never, {}",
        results.len(),
        started.elapsed().as_secs_f64(),
        delay + 1,
        signed(best(&in_time)),
        signed(best(&late)),
    );
    let gaining: Vec<String> = in_time
        .iter()
        .filter(|(_, gain)| *gain > 0)
        .map(|(strategy, gain)| format!("{strategy}: {}", signed(Some(*gain))))
        .collect();
    if gaining.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "a lie answered in time gained: {}",
            gaining.join("; ")
        ))
    }
}

/// The feeder search ([`capacloud_sim::sweep::feeder_search`]): fails when a settled price
/// leaves the band of the honest reports (the threat model's bound for a minority).
fn feeder_search_command(scenario: &Scenario) -> Result<(), String> {
    let setup = RunSetup::from_scenario(scenario)?;
    let started = Instant::now();
    let results = capacloud_sim::sweep::feeder_search(scenario, &setup)?;
    let (count, quorum) = capacloud_sim::sweep::SEARCH_FEEDERS;
    let best = results.iter().max_by_key(|o| o.friend_gain);
    let high = results
        .iter()
        .map(|o| o.price_range.0)
        .fold(f64::MIN, f64::max);
    let low = results
        .iter()
        .map(|o| o.price_range.1)
        .fold(f64::MAX, f64::min);
    let burn = results.iter().min_by_key(|o| o.burn_change);
    let stopping = results.iter().filter(|o| o.stopped.0 > o.stopped.1).count();
    println!(
        "searched {} feeder lies ({} feeders, a quorum of {quorum}) in {:.1} s: the price in force stayed within {:.4}x to {:.4}x the market (band {:.4}x to {:.4}x); {stopping} lies stopped sales",
        results.len(),
        count,
        started.elapsed().as_secs_f64(),
        low,
        high,
        1.0 - setup.params.max_price_deviation.deconstruct() as f64 / 1e9,
        1.0 / (1.0 - setup.params.max_price_deviation.deconstruct() as f64 / 1e9),
    );
    if let Some(best) = best {
        println!(
            "  the friend's best gain: {} ({}); the largest change in the tokens burned for credits: {}",
            signed_capa(best.friend_gain),
            best.strategy,
            burn.map_or("none".into(), |o| format!(
                "{} ({})",
                signed_capa(o.burn_change),
                o.strategy
            )),
        );
    }
    let breaches: Vec<String> = results
        .iter()
        .flat_map(|o| {
            o.breaches
                .iter()
                .map(move |b| format!("{}: {b}", o.strategy))
        })
        .collect();
    if breaches.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "a feeder lie moved the price beyond the band: {}",
            breaches.join("; ")
        ))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Run {
            scenario,
            out,
            snapshot,
            epochs,
            no_charts,
        } => run_command(scenario, out, snapshot.as_deref(), *epochs, !no_charts),
        Command::Sweep {
            sweep,
            out,
            samples,
            epochs,
            search,
        } => sweep_command(sweep, out, *samples, *epochs, *search),
        Command::Search { scenario, epochs } => search_command(scenario, *epochs),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("capacloud-sim: {e}");
            ExitCode::FAILURE
        }
    }
}
