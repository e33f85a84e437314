//! Command-line interface of the node.

/// Subcommands of `capacloud-node`; without one, the node runs.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
    /// Key management utilities (generate, inspect, insert keys).
    #[command(subcommand)]
    Key(sc_cli::KeySubcommand),

    /// Build a chain specification (deprecated upstream in favour of `export-chain-spec`).
    BuildSpec(BuildSpecCmd),

    /// Export the chain specification of `--chain` as JSON (plain or `--raw`).
    ExportChainSpec(sc_cli::ExportChainSpecCmd),

    /// Validate blocks.
    CheckBlock(sc_cli::CheckBlockCmd),

    /// Export blocks.
    ExportBlocks(sc_cli::ExportBlocksCmd),

    /// Export the state of a given block into a chain spec.
    ExportState(sc_cli::ExportStateCmd),

    /// Import blocks.
    ImportBlocks(sc_cli::ImportBlocksCmd),

    /// Remove the whole chain.
    PurgeChain(sc_cli::PurgeChainCmd),

    /// Revert the chain to a previous state.
    Revert(sc_cli::RevertCmd),

    /// Benchmarks: `pallet`, `overhead`, `extrinsic`, `storage`, `machine`, `block`.
    /// `pallet`, `overhead` and `extrinsic` need a node built with `--features runtime-benchmarks`.
    #[command(subcommand)]
    Benchmark(frame_benchmarking_cli::BenchmarkCmd),

    /// Database meta columns information.
    ChainInfo(sc_cli::ChainInfoCmd),
}

/// The node's command line: an optional subcommand, otherwise the flags of `sc_cli::RunCmd`.
#[derive(Debug, clap::Parser)]
pub struct Cli {
    /// The subcommand to run, if any.
    #[command(subcommand)]
    pub subcommand: Option<Subcommand>,

    /// Flags for running the node.
    #[clap(flatten)]
    pub run: sc_cli::RunCmd,
}

/// `build-spec`: sc-cli's command, and `--runtime FILE` to build `--chain dev` or `--chain local`
/// with another runtime than the node's own (its genesis preset, its code).
#[derive(Debug, clap::Parser)]
pub struct BuildSpecCmd {
    #[allow(missing_docs)]
    #[clap(flatten)]
    pub inner: sc_cli::BuildSpecCmd,

    /// The runtime (a `.wasm` file, compressed or not) to build the spec with instead of the one
    /// built into this node: e.g. the production runtime, whose genesis preset has the
    /// production parameters, with a node built for tests.
    #[arg(long, value_name = "FILE")]
    pub runtime: Option<std::path::PathBuf>,
}
