//! The pallets whose benchmarks `capacloud-node benchmark pallet` can run against this runtime.

frame_benchmarking::define_benchmarks!(
    [frame_benchmarking, BaselineBench::<Runtime>]
    [frame_system, SystemBench::<Runtime>]
    [frame_system_extensions, SystemExtensionsBench::<Runtime>]
    [pallet_balances, Balances]
    [pallet_timestamp, Timestamp]
    [pallet_sudo, Sudo]
    [pallet_utility, Utility]
    [pallet_burn_mint, BurnMint]
);
