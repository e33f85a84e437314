//! Providers as the chain treats them: a new account starts at the parameters'
//! `initial_reputation` and may prove liveness from the epoch after it registered; a provider
//! below `min_reputation` is neither paid for compute (`ReputationTooLow`) nor earns
//! availability; each epoch in which it proves every liveness window raises its reputation by
//! `service_reputation_gain` (up to 100%), counted from the next epoch; its availability points
//! are `economics::availability_points` of its verified capacity and reputation; a slash takes
//! `economics::slash`'s share of its bond and reputation and pauses it when the bond left does
//! not cover its capacity.
//!
//! Honest providers are kept in cohorts of identical accounts: those of the scenario's start
//! (at its reputation, eligible at once) and each group that joins later (new accounts).

use crate::scenario::Providers;
use capacloud_economics::{availability_points, slash, Amount, Parameters};
use sp_arithmetic::{traits::Saturating, Perbill, Permill};

/// A provider's standing on the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Its reputation.
    pub reputation: Permill,
    /// The first epoch it may prove liveness in (`NotEligibleYet` before).
    pub eligible_from: u32,
    /// Paused: a slash left its bond below what its capacity requires (neither paid nor live
    /// until it re-bonds, [`Standing::resumed`]).
    pub paused: bool,
}

impl Standing {
    /// An account registering in epoch `epoch` (`register_provider`).
    pub fn registered(params: &Parameters, epoch: u32) -> Self {
        Standing {
            reputation: params.initial_reputation,
            eligible_from: epoch.saturating_add(1),
            paused: false,
        }
    }

    /// A provider already serving, at `reputation`.
    pub fn established(reputation: Permill) -> Self {
        Standing {
            reputation,
            eligible_from: 0,
            paused: false,
        }
    }

    /// Whether it may be paid for compute (`ensure_payable`: active and reputable).
    pub fn payable(&self, params: &Parameters) -> bool {
        !self.paused && self.reputation >= params.min_reputation
    }

    /// A slash of `share` (`slash_provider`) of a provider holding `bond` for `capacity`
    /// verified units: the reputation the economics crate's [`slash`] leaves, paused when the
    /// bond left no longer covers the capacity. Returns the bond left and what was burned.
    pub fn slashed(
        &mut self,
        params: &Parameters,
        bond: Amount,
        capacity: u32,
        share: Perbill,
    ) -> (Amount, Amount) {
        let plan = slash(bond, self.reputation, share);
        self.reputation = plan.reputation;
        if plan.bond < params.required_bond(capacity) {
            self.paused = true;
        }
        (plan.bond, plan.burned)
    }

    /// After it re-bonded in `epoch` (`resume`): active again, paid at once, live from the
    /// next epoch.
    pub fn resumed(&mut self, epoch: u32) {
        self.paused = false;
        self.eligible_from = epoch.saturating_add(1);
    }

    /// The availability points it proves in `epoch` with `capacity` verified units when it
    /// proves every window (`heartbeat`: reputable, eligible, some capacity).
    pub fn live_points(&self, params: &Parameters, epoch: u32, capacity: u32) -> u128 {
        if self.payable(params) && epoch >= self.eligible_from && capacity > 0 {
            availability_points(capacity, self.reputation)
        } else {
            0
        }
    }

    /// After an epoch in which it proved every window (`live_points` was not zero): the
    /// reputation gain, counted from the next epoch.
    pub fn served(&mut self, params: &Parameters) {
        self.reputation = self
            .reputation
            .saturating_add(params.service_reputation_gain);
    }
}

/// Identical honest providers that joined together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cohort {
    /// Its number, in join order (0: the providers of the scenario's start).
    pub id: u32,
    /// How many.
    pub count: u32,
    /// Their standing.
    pub standing: Standing,
}

/// The honest providers: identical capacity, in cohorts; each proves every liveness window of
/// every epoch it may and serves an equal part of the honest demand while it is payable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Honest {
    /// Verified capacity of each.
    pub capacity: u32,
    /// Oldest first.
    pub cohorts: Vec<Cohort>,
    /// Cohorts ever formed (the next one's id): a cohort's accounts are never reused.
    formed: u32,
}

impl Honest {
    /// The scenario's providers at the start: established, at its reputation.
    pub fn new(providers: &Providers) -> Self {
        Honest {
            capacity: providers.capacity,
            cohorts: vec![Cohort {
                id: 0,
                count: providers.count,
                standing: Standing::established(providers.reputation()),
            }],
            formed: 1,
        }
    }

    /// How many there are.
    pub fn count(&self) -> u32 {
        self.cohorts.iter().map(|c| c.count).sum()
    }

    /// Makes them `count` in `epoch`: those who join are new accounts (a new cohort, returned
    /// as joined); those who leave are the newest first (returned as `(cohort id, how many)`).
    pub fn adjust(
        &mut self,
        count: u32,
        params: &Parameters,
        epoch: u32,
    ) -> (Option<Cohort>, Vec<(u32, u32)>) {
        let now = self.count();
        let mut joined = None;
        if count > now {
            let cohort = Cohort {
                id: self.formed,
                count: count - now,
                standing: Standing::registered(params, epoch),
            };
            self.cohorts.push(cohort);
            self.formed = self.formed.saturating_add(1);
            joined = Some(cohort);
        }
        let mut left = Vec::new();
        let mut excess = now.saturating_sub(count);
        while excess > 0 {
            let Some(newest) = self.cohorts.last_mut() else {
                break;
            };
            let gone = excess.min(newest.count);
            newest.count -= gone;
            excess -= gone;
            left.push((newest.id, gone));
            if newest.count == 0 {
                self.cohorts.pop();
            }
        }
        (joined, left)
    }

    /// How many may be paid for compute.
    pub fn payable(&self, params: &Parameters) -> u32 {
        self.cohorts
            .iter()
            .filter(|c| c.standing.payable(params))
            .map(|c| c.count)
            .sum()
    }

    /// The live points of a provider of `cohort` in `epoch`.
    pub fn points_of(&self, cohort: &Cohort, params: &Parameters, epoch: u32) -> u128 {
        cohort.standing.live_points(params, epoch, self.capacity)
    }

    /// Their live points together in `epoch`.
    pub fn live_points(&self, params: &Parameters, epoch: u32) -> u128 {
        self.cohorts
            .iter()
            .map(|c| {
                self.points_of(c, params, epoch)
                    .saturating_mul(c.count as u128)
            })
            .fold(0, u128::saturating_add)
    }

    /// After `epoch`: the reputation gain of every cohort that proved its liveness.
    pub fn after_epoch(&mut self, params: &Parameters, epoch: u32) {
        let capacity = self.capacity;
        for cohort in &mut self.cohorts {
            if cohort.standing.live_points(params, epoch, capacity) > 0 {
                cohort.standing.served(params);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::defaults;

    #[test]
    fn a_new_account_waits_an_epoch_and_earns_reputation_by_service() {
        let (params, _) = defaults();
        let mut standing = Standing::registered(&params, 10);
        assert_eq!(standing.reputation, Permill::from_percent(20));
        assert_eq!(
            standing.live_points(&params, 10, 100),
            0,
            "not eligible yet"
        );
        assert_eq!(
            standing.live_points(&params, 11, 100),
            availability_points(100, Permill::from_percent(20))
        );
        // 16 epochs of service from 20% to 100% at 5% an epoch, then no more.
        for _ in 0..20 {
            standing.served(&params);
        }
        assert_eq!(standing.reputation, Permill::one());
        // Below the minimum: neither paid nor live.
        let low = Standing::established(Permill::from_percent(10));
        assert!(!low.payable(&params));
        assert_eq!(low.live_points(&params, 5, 100), 0);
    }

    #[test]
    fn joiners_are_new_accounts_and_leavers_the_newest() {
        let (params, _) = defaults();
        let mut honest = Honest::new(&Providers {
            count: 10,
            capacity: 100,
            reputation: 1.0,
            changes: vec![],
        });
        let (joined, left) = honest.adjust(15, &params, 4);
        assert_eq!(joined.map(|c| (c.id, c.count)), Some((1, 5)));
        assert!(left.is_empty());
        assert_eq!(honest.cohorts.len(), 2);
        assert_eq!(honest.cohorts[1].standing, Standing::registered(&params, 4));
        let full = availability_points(100, Permill::one());
        let new = availability_points(100, Permill::from_percent(20));
        assert_eq!(honest.live_points(&params, 4), 10 * full);
        assert_eq!(honest.live_points(&params, 5), 10 * full + 5 * new);
        honest.after_epoch(&params, 5);
        assert_eq!(
            honest.cohorts[1].standing.reputation,
            Permill::from_percent(25)
        );
        let (joined, left) = honest.adjust(8, &params, 6);
        assert_eq!((joined, left), (None, vec![(1, 5), (0, 2)]));
        assert_eq!(honest.cohorts.len(), 1);
        assert_eq!(honest.count(), 8);
        assert_eq!(honest.payable(&params), 8);
    }
}
