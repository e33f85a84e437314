//! # capacloud-node
//!
//! The CapaCloud standalone node: Aura block production, GRANDPA finality, ParityDB storage,
//! JSON-RPC for wallets and polkadot.js, and the `benchmark` subcommands that produce the
//! runtime's weights.
//!
//! `capacloud-node --dev` starts a single-authority development chain (Alice) with a temporary
//! database; `capacloud-node --help` lists every subcommand.

#![warn(missing_docs)]

mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;
mod validator_checks;

fn main() -> sc_cli::Result<()> {
    command::run()
}
