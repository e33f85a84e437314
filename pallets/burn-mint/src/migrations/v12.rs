//! Storage version 11 -> 12: what is settled out of the reward pools is kept apart from the
//! pools (spec 118).
//!
//! Version 11 kept each closed epoch's reward pool whole in [`crate::RewardPools`], with what
//! had been settled out of it (`claimed`): every settlement of a provider's work wrote its
//! pool, a write of its own in every call that settled. Version 12 keeps what each pool minted
//! in [`crate::RewardPools`] ([`crate::economics::PoolFunds`], written once when the pool is
//! created) and what has been settled out of all of them in one small value,
//! [`crate::PoolClaims`], whose write the block hook charges once a block.
//!
//! The migration rewrites every pool without its `claimed` and puts the claims, by epoch
//! ascending, into [`crate::PoolClaims`]. Nothing is paid, forfeited or moved: every pool
//! holds, pays and expires as before ([`crate::Pallet::reward_pool`] gives back the version 11
//! value exactly). Its work is one read and one write per pool (at most the claim window's
//! 30), and one write.

use crate::{
    economics::RewardPool,
    types::{PoolClaim, PoolClaimsOf, MAX_REWARD_POOLS},
    Config, Pallet, PoolClaims, RewardPools,
};
use alloc::vec::Vec;
use frame_support::{
    migrations::VersionedMigration,
    traits::{Get, UncheckedOnRuntimeUpgrade},
    weights::Weight,
};

/// Version 11 -> 12, run only when the on-chain storage version is 11.
pub type MigrateV11ToV12<T> = VersionedMigration<
    11,
    12,
    UncheckedMigrateV11ToV12<T>,
    Pallet<T>,
    <T as frame_system::Config>::DbWeight,
>;

/// The migration itself; use [`MigrateV11ToV12`], which checks the storage version.
pub struct UncheckedMigrateV11ToV12<T>(core::marker::PhantomData<T>);

/// The storage layout of version 11, as it was.
pub mod v11 {
    use crate::{economics::RewardPool, Config, Pallet};
    use frame_support::{storage_alias, Twox64Concat};

    /// [`crate::RewardPools`] in the version 11 layout: each pool whole, with what was
    /// settled out of it.
    #[storage_alias]
    pub type RewardPools<T: Config> = StorageMap<Pallet<T>, Twox64Concat, u32, RewardPool>;
}

/// Splits version 11's pools (any order) into the claims, by epoch ascending: every entry if
/// they fit in [`MAX_REWARD_POOLS`] (a chain never keeps more pools than its claim window,
/// which the pallet's integrity test holds to that bound).
pub fn claims_of(pools: &[(u32, RewardPool)]) -> Result<PoolClaimsOf, PoolClaimsOf> {
    let mut claims: Vec<PoolClaim> = pools
        .iter()
        .map(|(epoch, pool)| PoolClaim {
            epoch: *epoch,
            claimed: pool.claimed,
        })
        .collect();
    claims.sort_by_key(|c| c.epoch);
    let fits = claims.len() <= MAX_REWARD_POOLS as usize;
    let bounded = PoolClaimsOf::truncate_from(claims);
    if fits {
        Ok(bounded)
    } else {
        Err(bounded)
    }
}

impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateV11ToV12<T> {
    fn on_runtime_upgrade() -> Weight {
        let mut pools: Vec<(u32, RewardPool)> = Vec::new();
        RewardPools::<T>::translate::<RewardPool, _>(|epoch, pool| {
            pools.push((epoch, pool));
            Some(pool.funds())
        });
        let claims = claims_of(&pools).unwrap_or_else(|kept| {
            // Unreachable (`pre_upgrade` refuses such a state): the pools past the bound
            // would pay nothing and expire whole.
            log::error!(
                target: "runtime::burn-mint",
                "v12: {} reward pools, more than MAX_REWARD_POOLS; the claims of the newest \
                 {} are not kept",
                pools.len(),
                pools.len().saturating_sub(kept.len()),
            );
            kept
        });
        PoolClaims::<T>::put(claims);
        let count = pools.len() as u64;
        T::DbWeight::get().reads_writes(count, count.saturating_add(1))
    }

    #[cfg(feature = "try-runtime")]
    fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
        use codec::Encode;
        use frame_support::ensure;
        let keys = v11::RewardPools::<T>::iter_keys().count();
        let pools: Vec<(u32, RewardPool)> = v11::RewardPools::<T>::iter().collect();
        ensure!(
            pools.len() == keys,
            "pallet-burn-mint v12: a stored reward pool does not decode in the version 11 \
             layout; the migration would drop it"
        );
        ensure!(
            claims_of(&pools).is_ok(),
            "pallet-burn-mint v12: more reward pools than MAX_REWARD_POOLS"
        );
        ensure!(
            !PoolClaims::<T>::exists(),
            "pallet-burn-mint v12: PoolClaims already holds a value"
        );
        log::info!(
            target: "runtime::burn-mint",
            "v12 pre-upgrade: {} reward pools",
            pools.len(),
        );
        Ok(pools.encode())
    }

    #[cfg(feature = "try-runtime")]
    fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
        use codec::Decode;
        use frame_support::ensure;
        let before: Vec<(u32, RewardPool)> =
            Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
        ensure!(
            before.len() == RewardPools::<T>::iter_keys().count()
                && before.len() == PoolClaims::<T>::get().len(),
            "a reward pool or its claims entry was added or dropped"
        );
        for (epoch, pool) in before {
            ensure!(
                Pallet::<T>::reward_pool(epoch) == Some(pool),
                "a reward pool changed"
            );
        }
        ensure!(
            PoolClaims::<T>::get()
                .windows(2)
                .all(|pair| pair[0].epoch < pair[1].epoch),
            "the pools' claims are not by epoch ascending"
        );
        // The pallet's invariants are the current code's: they hold once every migration has
        // run, and `try-runtime on-runtime-upgrade` checks them then.
        Ok(())
    }
}
