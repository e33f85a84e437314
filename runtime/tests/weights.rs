//! What the runtime's generated weights say about block capacity and about the benchmark
//! targets, and the guarantees that must not regress: hooks independent of the provider count,
//! and the benchmark issue's targets (asserted on the committed weight files).
//! Nothing here is timed: every figure is read from the weight files that `scripts/benchmark`
//! generates.
//!
//! `CAPA_BENCHMARK_REPORT=<file> cargo test --test weights` also writes the figures as a
//! markdown table (`scripts/benchmark` does this to fill BENCHMARKS.md).

use capacloud_runtime::{configs::RuntimeBlockWeights, Runtime};
use frame_support::{dispatch::DispatchClass, traits::Get, weights::Weight};
use pallet_balances::WeightInfo as _;
use pallet_burn_mint::weights::WeightInfo as _;

type BurnMintWeights = <Runtime as pallet_burn_mint::Config>::WeightInfo;
type BalancesWeights = <Runtime as pallet_balances::Config>::WeightInfo;

/// Provider counts at which the hook weights are evaluated.
const PROVIDERS: [u32; 3] = [1, 1_000, 10_000];

/// Price feeders in the worst case (every configured feeder submitted).
fn feeders() -> u32 {
    <Runtime as pallet_burn_mint::Config>::MaxPriceFeeders::get()
}

/// The weight of a signed extrinsic's transaction extensions (the nonce, era, weight and
/// metadata checks, the fee payment, the weight reclaim), from their generated weights
/// (`frame_system_extensions`, `pallet_transaction_payment`): charged to every signed
/// extrinsic next to the base extrinsic weight and the call's, whatever the call.
fn extensions() -> Weight {
    use sp_runtime::traits::TransactionExtension;
    let call =
        capacloud_runtime::RuntimeCall::System(frame_system::Call::remark { remark: Vec::new() });
    capacloud_runtime::signing::tx_extension(0, 0).weight(&call)
}

/// A signed extrinsic's full weight, as a block counts it: the runtime's base extrinsic
/// weight, the transaction extensions' and the call's.
fn as_extrinsic(call: Weight) -> Weight {
    RuntimeBlockWeights::get()
        .get(DispatchClass::Normal)
        .base_extrinsic
        .saturating_add(extensions())
        .saturating_add(call)
}

/// How many extrinsics of `weight` fit in one block's normal-class budget.
fn per_block(weight: Weight) -> u64 {
    let budget = RuntimeBlockWeights::get()
        .get(DispatchClass::Normal)
        .max_total
        .expect("the normal class has a limit");
    budget.ref_time() / weight.ref_time().max(1)
}

fn transfer() -> Weight {
    as_extrinsic(BalancesWeights::transfer_keep_alive())
}

fn micros(w: Weight) -> String {
    format!("{:.1}", w.ref_time() as f64 / 1_000_000.0)
}

/// The normal block's hook as the pallet charges it: its benchmark plus the whitelisted items
/// it reads first in the block.
fn hook(p: u32) -> Weight {
    BurnMintWeights::on_initialize_block(p)
        .saturating_add(pallet_burn_mint::Pallet::<Runtime>::hook_whitelisted_weight(false))
}

/// An epoch boundary's hook as the pallet charges it, `e` pools looked up for expiry.
fn boundary(p: u32, e: u32) -> Weight {
    BurnMintWeights::on_initialize_epoch_boundary(p, e).saturating_add(pallet_burn_mint::Pallet::<
        Runtime,
    >::hook_whitelisted_weight(
        true
    ))
}

#[test]
fn hook_weights_do_not_grow_with_providers() {
    // The boundary in its steady state: one epoch's pools looked up for expiry.
    let steady = |p| boundary(p, 1);
    let hooks: [&dyn Fn(u32) -> Weight; 2] = [&hook, &steady];
    for hook in hooks {
        let few = hook(PROVIDERS[0]);
        let many = hook(PROVIDERS[2]);
        // Reads, writes and proof size are independent of the provider count.
        assert_eq!(few.proof_size(), many.proof_size());
        // The ref-time regression may carry measurement noise, never more than 10%.
        assert!(
            many.ref_time() <= few.ref_time() + few.ref_time() / 10,
            "{} ps at 10,000 providers vs {} ps at 1",
            many.ref_time(),
            few.ref_time()
        );
    }
}

/// One of the benchmark targets, read off the generated weights.
struct Target {
    name: &'static str,
    value: String,
    met: bool,
    /// Asserted by [`benchmark_targets_are_met`]; the others are reported (BENCHMARKS.md)
    /// with the bound that guards them against regression.
    required: bool,
}

/// `a` as a multiple of `of` (ref time), `a <= tenths / 10 × of`.
fn within(name: &'static str, a: Weight, of: Weight, tenths: u64, required: bool) -> Target {
    Target {
        name,
        value: format!("{:.2}x", a.ref_time() as f64 / of.ref_time() as f64),
        met: 10 * a.ref_time() <= tenths * of.ref_time(),
        required,
    }
}

/// `extrinsic` fits at least `tenths / 10` as many times in a block as a signed transfer.
fn per_block_at_least(
    name: &'static str,
    extrinsic: Weight,
    tenths: u64,
    required: bool,
) -> Target {
    let (n, transfers) = (per_block(extrinsic), per_block(transfer()));
    Target {
        name,
        value: format!("{n} vs {transfers} ({:.2}x)", n as f64 / transfers as f64),
        met: 10 * n >= tenths * transfers,
        required,
    }
}

/// The targets of the benchmark issue (issue 26), each asserted where the weights meet it;
/// the one not met, `claim_rewards` <= 2x, is reported next to the looser bound that guards it
/// against regression. Its benchmarked worst case pays a departed provider and removes its
/// record, writing four keys of that provider alone (its record, its account, its history, its
/// attestations), which no per-block charge can cover: 4 writes and 4 reads are 232 µs, and
/// the balance transfer inside it alone measures at least 62.9 µs (`transfer_keep_alive`'s
/// fastest run), together 294.9 µs against the 266.6 µs of 2x.
///
/// "Signed" weights are what a block counts for a signed extrinsic: the base extrinsic weight,
/// the transaction extensions' and the call's ([`as_extrinsic`]); the load test's blocks
/// (`scripts/load`) hold exactly as many transfers as this predicts.
///
/// Payments are charged their open-epoch weight after dispatch unless they settle a
/// provider's closed-epoch work (once per provider and epoch at most): a block of payments
/// fits as many as the open-epoch weight allows, less one worst case per provider paid for
/// the first time in the epoch; both are reported.
fn targets() -> Vec<Target> {
    let signed_transfer = transfer();
    let transfer_call = BalancesWeights::transfer_keep_alive();
    let f = feeders();
    let pay = BurnMintWeights::pay_for_compute(f);
    let pay_open = BurnMintWeights::pay_for_compute_open_epoch(f);
    // The steady state: the pool that left the claim window expires (catching up with a
    // lowered window costs more, for a few boundaries, and is reported below).
    let steady_boundary = boundary(PROVIDERS[2], 1);
    vec![
        per_block_at_least(
            "pay_for_compute (open epoch) per block >= 0.9x transfer_keep_alive per block",
            as_extrinsic(pay_open),
            9,
            true,
        ),
        per_block_at_least(
            "buy_credits per block >= 0.9x transfer_keep_alive per block",
            as_extrinsic(BurnMintWeights::buy_credits(f)),
            9,
            true,
        ),
        per_block_at_least(
            "pay_for_compute (settling a closed epoch) per block >= 0.9x transfer_keep_alive per block",
            as_extrinsic(pay),
            9,
            true,
        ),
        within(
            "pay_for_compute call <= 1.5x transfer_keep_alive call",
            pay,
            transfer_call,
            15,
            true,
        ),
        within(
            "spend_credits call <= 1.5x transfer_keep_alive call",
            BurnMintWeights::spend_credits(),
            transfer_call,
            15,
            true,
        ),
        within(
            "spend_credits (open epoch) call <= 1.5x transfer_keep_alive call",
            BurnMintWeights::spend_credits_open_epoch(),
            transfer_call,
            15,
            true,
        ),
        within(
            "heartbeat call <= 1.5x transfer_keep_alive call",
            BurnMintWeights::heartbeat(),
            transfer_call,
            15,
            true,
        ),
        within(
            "claim_rewards call <= 2x transfer_keep_alive call",
            BurnMintWeights::claim_rewards(),
            transfer_call,
            20,
            false,
        ),
        within(
            "claim_rewards call <= 4x transfer_keep_alive call",
            BurnMintWeights::claim_rewards(),
            transfer_call,
            40,
            true,
        ),
        within(
            "on_initialize (normal block) <= 0.5x transfer_keep_alive",
            hook(PROVIDERS[2]),
            signed_transfer,
            5,
            true,
        ),
        within(
            "on_initialize (epoch boundary) <= 2x transfer_keep_alive",
            steady_boundary,
            signed_transfer,
            20,
            true,
        ),
    ]
}

#[test]
fn benchmark_targets_are_met() {
    let missed: Vec<String> = targets()
        .into_iter()
        .filter(|t| t.required && !t.met)
        .map(|t| format!("{}: {}", t.name, t.value))
        .collect();
    assert!(missed.is_empty(), "targets missed: {missed:#?}");
}

/// Prints (and with `CAPA_BENCHMARK_REPORT` writes) the table for BENCHMARKS.md.
#[test]
fn report() {
    let transfer = transfer();
    let mut rows = vec![(
        "balances.transfer_keep_alive (signed extrinsic)".to_string(),
        transfer,
    )];
    let calls = [
        ("register_provider", BurnMintWeights::register_provider()),
        ("update_capacity", BurnMintWeights::update_capacity()),
        ("pause", BurnMintWeights::pause()),
        ("resume", BurnMintWeights::resume()),
        ("leave", BurnMintWeights::leave()),
        ("withdraw_bond", BurnMintWeights::withdraw_bond()),
        ("set_reputation", BurnMintWeights::set_reputation()),
        ("slash_provider", BurnMintWeights::slash_provider()),
        (
            "buy_credits (16 feeders)",
            BurnMintWeights::buy_credits(feeders()),
        ),
        ("spend_credits", BurnMintWeights::spend_credits()),
        (
            "pay_for_compute (16 feeders)",
            BurnMintWeights::pay_for_compute(feeders()),
        ),
        (
            "pay_for_compute, open epoch (16 feeders)",
            BurnMintWeights::pay_for_compute_open_epoch(feeders()),
        ),
        (
            "spend_credits, open epoch",
            BurnMintWeights::spend_credits_open_epoch(),
        ),
        ("claim_rewards", BurnMintWeights::claim_rewards()),
        ("submit_price", BurnMintWeights::submit_price()),
        (
            "set_price_feeders (16)",
            BurnMintWeights::set_price_feeders(feeders()),
        ),
        ("set_parameters", BurnMintWeights::set_parameters()),
        ("heartbeat", BurnMintWeights::heartbeat()),
        ("attest_capacity", BurnMintWeights::attest_capacity()),
        (
            "set_capacity_verifiers (16)",
            BurnMintWeights::set_capacity_verifiers(16),
        ),
        ("bond_extra", BurnMintWeights::bond_extra()),
        ("remove_provider", BurnMintWeights::remove_provider()),
        ("freeze_provider", BurnMintWeights::freeze_provider()),
        ("unfreeze_provider", BurnMintWeights::unfreeze_provider()),
        ("bond_verifier", BurnMintWeights::bond_verifier()),
        (
            "withdraw_verifier_bond",
            BurnMintWeights::withdraw_verifier_bond(),
        ),
        ("slash_verifier", BurnMintWeights::slash_verifier()),
        ("forget_history", BurnMintWeights::forget_history()),
    ];
    for (name, w) in calls {
        rows.push((
            format!("burnMint.{name} (signed extrinsic)"),
            as_extrinsic(w),
        ));
    }
    for p in PROVIDERS {
        rows.push((
            format!("on_initialize, normal block, {p} providers"),
            hook(p),
        ));
        rows.push((
            format!("on_initialize, epoch boundary, {p} providers"),
            boundary(p, 1),
        ));
    }
    let most = pallet_burn_mint::MAX_POOLS_EXPIRED_PER_BOUNDARY;
    rows.push((
        format!(
            "on_initialize, epoch boundary catching up a lowered claim window ({most} pools), {} providers",
            PROVIDERS[2]
        ),
        boundary(PROVIDERS[2], most),
    ));
    let mut table = String::from(
        "| weight | ref time (µs) | proof (bytes) | x transfer | per block |\n|---|---:|---:|---:|---:|\n",
    );
    for (name, w) in rows {
        table.push_str(&format!(
            "| {name} | {} | {} | {:.2} | {} |\n",
            micros(w),
            w.proof_size(),
            w.ref_time() as f64 / transfer.ref_time() as f64,
            per_block(w),
        ));
    }
    table.push_str("\n| target | value | status |\n|---|---|---|\n");
    for target in targets() {
        table.push_str(&format!(
            "| {} | {} | {}{} |\n",
            target.name,
            target.value,
            if target.met { "met" } else { "missed" },
            if target.required { ", asserted" } else { "" }
        ));
    }
    let normal = RuntimeBlockWeights::get()
        .get(DispatchClass::Normal)
        .clone();
    table.push_str(&format!(
        "\nBase extrinsic weight {} µs; transaction extensions {} µs; normal-class block budget {} µs.\n",
        micros(normal.base_extrinsic),
        micros(extensions()),
        micros(normal.max_total.unwrap_or_default()),
    ));
    println!("{table}");
    if let Ok(path) = std::env::var("CAPA_BENCHMARK_REPORT") {
        std::fs::write(&path, &table).expect("the report file is writable");
    }
    // BENCHMARKS.md shows these very figures: regenerated weights without a regenerated
    // BENCHMARKS.md (or a hand-edited table) fail here.
    let committed = include_str!("../../BENCHMARKS.md");
    assert!(
        committed.contains(table.trim_end()),
        "BENCHMARKS.md does not show the committed weights; the generated table is:\n{table}"
    );
}
