//! The pallets whose benchmarks `capacloud-node benchmark pallet` can run against this runtime
//! (`scripts/benchmark` runs them all and writes `src/weights/`).

use crate::Runtime;

impl frame_system_benchmarking::Config for Runtime {}
impl frame_benchmarking::baseline::Config for Runtime {}
/// The default setup (the benchmark funds its caller through `OnChargeTransaction`).
impl pallet_transaction_payment::BenchmarkConfig for Runtime {}

frame_benchmarking::define_benchmarks!(
    [frame_benchmarking, BaselineBench::<Runtime>]
    [frame_system, SystemBench::<Runtime>]
    [frame_system_extensions, SystemExtensionsBench::<Runtime>]
    [pallet_balances, Balances]
    [pallet_timestamp, Timestamp]
    [pallet_transaction_payment, TransactionPayment]
    [pallet_sudo, Sudo]
    [pallet_utility, Utility]
    [pallet_burn_mint, BurnMint]
    [pallet_validator_set, ValidatorSet]
    [pallet_preimage, Preimage]
    [pallet_scheduler, Scheduler]
    [pallet_conviction_voting, ConvictionVoting]
    [pallet_referenda, Referenda]
    [pallet_treasury, Treasury]
);
