//! Capacity verification: the capacity that `k` of the verifiers agree on.
//!
//! Each capacity verifier attests (votes for) a number of capacity units of a provider; a
//! verifier that has not attested counts as a vote for zero. The capacity the provider is
//! verified for is the **`k`-th largest vote** ([`agreed_capacity`]), `k` being the
//! parameters' `min_capacity_attestations`: the largest `c` such that at least `k` verifiers
//! attested `c` or more. A change up takes `k` verifiers attesting the new value or more; a
//! change down takes `n − k + 1` verifiers attesting less.
//!
//! ## The bound on a colluding minority
//!
//! Let `n` verifiers vote, `m ≤ k − 1` of them colluding (any votes), the others honest, each
//! honest one attesting the provider's true capacity `h` (or not at all). Let `A` be the
//! agreed capacity.
//!
//! - **No raise**: `A ≤ h`. At least `k` votes are `≥ A`; at most `k − 1` of them are the
//!   colluders', so one is honest, and every honest vote is at most `h`.
//! - **No cut while enough honest verifiers have attested**: if at least `k` honest verifiers
//!   attested `h`, then `A ≥ h`, since `k` votes are `≥ h` whatever the colluders vote. With
//!   `k` a majority (`n/2 < k ≤ n`, what the pallet enforces), `n − m ≥ n − k + 1`, which is
//!   at least `k` when `n ≥ 2k − 1`: for an odd `n` and `k = (n + 1)/2` every honest verifier
//!   attesting makes the cut impossible; otherwise the colluders can at most withhold (vote
//!   zero), which lowers `A` only down to the `k`-th largest honest vote.
//!
//! So `k − 1` colluding verifiers never verify a provider above what an honest verifier
//! attested (they cannot inflate their own or a friend's availability points), and they
//! can lower one only by withholding where fewer than `k` honest verifiers attested. One
//! verifier alone (`k ≥ 2`) changes nothing. The pallet applies every agreed change from the
//! next epoch on, so even an agreed cut never removes points a provider has proven in the
//! open epoch. (`verification::tests::a_minority_never_verifies_above_the_largest_honest_vote`,
//! `tests/properties.rs::colluding_minority_of_verifiers_is_bounded_by_the_honest_votes`, and
//! the pallet's `pallets/burn-mint/src/tests/verifiers.rs`.)

/// The `k`-th largest of `votes` (a missing vote counts as zero): the capacity at least `k`
/// voters attested, at most. Zero when fewer than `k` votes are positive or `k` is zero.
/// O(n log n) in the number of votes.
pub fn agreed_capacity(votes: impl IntoIterator<Item = u32>, quorum: u32) -> u32 {
    if quorum == 0 {
        return 0;
    }
    let mut sorted: alloc::vec::Vec<u32> = votes.into_iter().collect();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.get(quorum as usize - 1).copied().unwrap_or(0)
}

/// Why a quorum is not a reachable majority of its set ([`check_majority`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QuorumError {
    /// Not more than half of the set: a minority could decide alone.
    TooSmall,
    /// Above the set's size (an empty set included): nothing could ever be decided again.
    Unreachable,
}

/// Whether `quorum` is a majority of a set of `members` that they can reach: `members / 2 <
/// quorum ≤ members`. The rule of both the capacity verifiers' quorum
/// (`min_capacity_attestations`) and the price feeders' (`min_price_feeds`); a quorum that is
/// too small is reported first.
pub fn check_majority(quorum: u32, members: usize) -> Result<(), QuorumError> {
    let quorum = quorum as usize;
    if quorum.saturating_mul(2) <= members {
        return Err(QuorumError::TooSmall);
    }
    if quorum > members {
        return Err(QuorumError::Unreachable);
    }
    Ok(())
}

/// The smallest majority of a set of `members`: the quorum `scripts/chain-spec` and the
/// benchmarks choose ([`check_majority`] accepts it for every `members ≥ 1`).
pub const fn smallest_majority(members: u32) -> u32 {
    members / 2 + 1
}

/// Whether `quorum` is a majority of `members` that they can reach ([`check_majority`]).
pub fn is_reachable_majority(quorum: u32, members: usize) -> bool {
    check_majority(quorum, members).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_majority_is_a_majority_and_one_less_is_not() {
        for members in 1..=64u32 {
            let quorum = smallest_majority(members);
            assert_eq!(check_majority(quorum, members as usize), Ok(()));
            assert_eq!(
                check_majority(quorum - 1, members as usize),
                Err(QuorumError::TooSmall)
            );
        }
    }

    #[test]
    fn the_agreed_capacity_is_the_kth_largest_vote() {
        assert_eq!(agreed_capacity([10, 30, 20], 1), 30);
        assert_eq!(agreed_capacity([10, 30, 20], 2), 20);
        assert_eq!(agreed_capacity([10, 30, 20], 3), 10);
        // Fewer votes than the quorum: nothing is agreed.
        assert_eq!(agreed_capacity([10, 30], 3), 0);
        assert_eq!(agreed_capacity([], 1), 0);
        assert_eq!(agreed_capacity([5], 0), 0);
        // Ties count once each.
        assert_eq!(agreed_capacity([7, 7, 3], 2), 7);
    }

    #[test]
    fn a_majority_must_be_reachable() {
        assert!(is_reachable_majority(1, 1));
        assert!(!is_reachable_majority(1, 2));
        assert!(is_reachable_majority(2, 2));
        assert!(is_reachable_majority(2, 3));
        assert!(!is_reachable_majority(4, 3));
        assert!(!is_reachable_majority(1, 0));
        assert!(!is_reachable_majority(0, 0));
        assert_eq!(check_majority(1, 2), Err(QuorumError::TooSmall));
        assert_eq!(check_majority(0, 0), Err(QuorumError::TooSmall));
        assert_eq!(check_majority(1, 0), Err(QuorumError::Unreachable));
        assert_eq!(check_majority(4, 3), Err(QuorumError::Unreachable));
        assert_eq!(check_majority(3, 5), Ok(()));
    }

    #[test]
    fn a_minority_never_verifies_above_the_largest_honest_vote() {
        // 5 verifiers, quorum 3: two colluders vote the maximum, three honest ones vote 40.
        let votes = [u32::MAX, u32::MAX, 40, 40, 40];
        assert_eq!(agreed_capacity(votes, 3), 40);
        // The colluders vote zero: three honest attestations still carry 40.
        assert_eq!(agreed_capacity([0, 0, 40, 40, 40], 3), 40);
        // Only two honest verifiers attested: withholding lowers it to zero, never below.
        assert_eq!(agreed_capacity([0, 0, 40, 40, 0], 3), 0);
        // One verifier alone with quorum 2 of 3 changes nothing.
        assert_eq!(agreed_capacity([1_000, 0, 0], 2), 0);
    }
}
