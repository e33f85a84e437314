//! Runtime-level migrations: those that move state between pallets.

use crate::{configs::validators::validator_account, opaque::SessionKeys, AccountId, Runtime};
use alloc::vec::Vec;
use frame_support::{traits::OnRuntimeUpgrade, weights::Weight, BoundedVec};
use sp_runtime::traits::OpaqueKeys;

/// Hands the validators of a chain that ran without `pallet-session` (spec 114 and older:
/// Aura's and GRANDPA's authorities fixed in genesis) to the session and the validator set, so
/// that the upgrade that adds them changes no authority: the `i`-th Aura and the `i`-th GRANDPA
/// authority become one validator, whose account is its Aura key's account
/// ([`validator_account`]), with those two keys as its session keys (registered without a
/// deposit, as `pallet-session` does for keys set from outside).
///
/// Runs once: it does nothing on a chain whose session already has validators (every chain
/// built from a genesis with the session, and this one after the upgrade), and refuses (logs and
/// does nothing) when Aura's and GRANDPA's authority lists differ in length, which no chain built
/// by this repository's presets or `scripts/chain-spec` has: such a chain keeps its authorities,
/// unmanaged, and governance builds the set with `validatorSet.addValidator`.
pub struct SessionFromConsensusAuthorities;

impl SessionFromConsensusAuthorities {
    /// The validators and keys the migration would hand over, or `None` if it has nothing to do.
    fn plan() -> Option<Vec<(AccountId, SessionKeys)>> {
        if !pallet_session::Validators::<Runtime>::get().is_empty() {
            return None;
        }
        let aura = pallet_aura::Authorities::<Runtime>::get();
        let grandpa = pallet_grandpa::Pallet::<Runtime>::grandpa_authorities();
        if aura.is_empty() || aura.len() != grandpa.len() {
            log::error!(
                target: "runtime::migrations",
                "{} Aura and {} GRANDPA authorities: no session set up",
                aura.len(),
                grandpa.len()
            );
            return None;
        }
        Some(
            aura.iter()
                .zip(grandpa)
                .map(|(aura, (grandpa, _))| {
                    let keys = SessionKeys {
                        aura: aura.clone(),
                        grandpa,
                    };
                    (validator_account(aura), keys)
                })
                .collect(),
        )
    }
}

impl OnRuntimeUpgrade for SessionFromConsensusAuthorities {
    fn on_runtime_upgrade() -> Weight {
        let db = <Runtime as frame_system::Config>::DbWeight::get();
        let Some(validators) = Self::plan() else {
            return db.reads(3);
        };
        let n = validators.len() as u64;
        for (account, keys) in &validators {
            pallet_session::NextKeys::<Runtime>::insert(account, keys);
            for id in SessionKeys::key_ids() {
                pallet_session::KeyOwner::<Runtime>::insert(
                    (*id, keys.get_raw(*id).to_vec()),
                    account,
                );
            }
            // Set from outside: no deposit was held and no consumer reference taken, so that
            // `purge_keys` releases none.
            pallet_session::ExternallySetKeys::<Runtime>::insert(account, ());
        }
        let accounts: Vec<AccountId> = validators.iter().map(|(a, _)| a.clone()).collect();
        pallet_session::Validators::<Runtime>::put(&accounts);
        pallet_session::QueuedKeys::<Runtime>::put(validators);
        // At most `MaxAuthorities` (= `MaxValidators`) authorities: nothing is truncated.
        pallet_validator_set::Validators::<Runtime>::put(BoundedVec::truncate_from(accounts));
        db.reads_writes(3, 3 + n * (2 + SessionKeys::key_ids().len() as u64))
    }

    #[cfg(feature = "try-runtime")]
    fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
        use codec::Encode;
        Ok(Self::plan().encode())
    }

    #[cfg(feature = "try-runtime")]
    fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
        use codec::Decode;
        use frame_support::ensure;
        let plan = Option::<Vec<(AccountId, SessionKeys)>>::decode(&mut &state[..])
            .map_err(|_| "pre_upgrade state decodes")?;
        let Some(plan) = plan else { return Ok(()) };
        let accounts: Vec<AccountId> = plan.iter().map(|(a, _)| a.clone()).collect();
        ensure!(
            pallet_session::Validators::<Runtime>::get() == accounts,
            "session validators"
        );
        ensure!(
            pallet_session::QueuedKeys::<Runtime>::get() == plan,
            "queued keys"
        );
        ensure!(
            pallet_validator_set::Validators::<Runtime>::get().into_inner() == accounts,
            "validator set"
        );
        for (account, keys) in &plan {
            ensure!(
                pallet_session::NextKeys::<Runtime>::get(account).as_ref() == Some(keys),
                "next keys"
            );
        }
        Ok(())
    }
}
