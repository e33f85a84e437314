//! Liveness: the share of its availability points a provider proves in an epoch.
//!
//! An epoch of `L` blocks is cut into `W` liveness windows (the parameters'
//! `liveness_windows`, `1 ≤ W ≤ min(L, MAX_LIVENESS_WINDOWS)`): block `o` of the epoch (`o`
//! counted from 0 at the epoch's first block) lies in window `⌊o·W/L⌋` ([`window_of`]). A
//! provider proves a window live by a heartbeat in one of its blocks; its live points in the
//! epoch are `⌊p·j/W⌋` for the `j` distinct windows it proved and the points `p` its state
//! gives ([`live_points`]). The availability pool is shared pro rata to those live points.
//!
//! ## The bound on a provider that is not there
//!
//! - **One block proves one window.** Every block lies in exactly one window, so a provider
//!   proves at most as many windows as the blocks it sent heartbeats in (at most one a block
//!   counts), and each window spans `⌊L/W⌋` or `⌈L/W⌉` consecutive blocks (`W ≤ L`: none is
//!   empty). Proving `j` windows takes `j` heartbeats in `j` different windows, i.e. being
//!   there at `j` times at least `⌊L/W⌋` blocks apart but one.
//! - **What `j` windows earn.** Against providers whose live points sum to `P` besides it, a
//!   provider with points `p` proving `j` of `W` windows takes `A·⌊p·j/W⌋ / (⌊p·j/W⌋ + P)`
//!   of an availability pool `A`: at most `j/W` of what the same provider proving every
//!   window would take (`x / (x + P)` grows with `x`, and `⌊p·j/W⌋ ≤ p·j/W`), so one heartbeat
//!   an epoch earns at most `1/W` of an honest provider's share of the same points. Rounding
//!   is down, in the protocol's favour.
//!
//! (`liveness::tests::*`, `tests/properties.rs::live_points_never_exceed_the_windows_proven`
//! and the pallet's `pallets/burn-mint/src/tests/liveness.rs`.)

/// The most windows an epoch may be cut into: a provider's proven windows are kept as the bits
/// of a `u32`.
pub const MAX_LIVENESS_WINDOWS: u32 = 32;

/// The window of the block `offset` blocks after the first block of an epoch of
/// `epoch_length` blocks cut into `windows` windows: `⌊offset·windows/epoch_length⌋`, at most
/// `windows − 1` (an offset past the epoch's end, which the pallet never passes, lies in the
/// last window). With zero windows or a zero length, everything lies in window 0.
pub fn window_of(offset: u32, epoch_length: u32, windows: u32) -> u32 {
    if windows == 0 || epoch_length == 0 {
        return 0;
    }
    // u32 × u32 fits in u64.
    let window = (offset as u64) * (windows as u64) / (epoch_length as u64);
    window.min(windows.saturating_sub(1) as u64) as u32
}

/// `proven` with the bit of `window` set (a window at or past [`MAX_LIVENESS_WINDOWS`] sets
/// nothing: the pallet never computes one).
pub fn prove_window(proven: u32, window: u32) -> u32 {
    proven | 1u32.checked_shl(window).unwrap_or(0)
}

/// Every one of `windows` windows proven (the first `windows` bits; all 32 at or past
/// [`MAX_LIVENESS_WINDOWS`]).
pub fn live_windows_all(windows: u32) -> u32 {
    1u32.checked_shl(windows)
        .map_or(u32::MAX, |bit| bit.wrapping_sub(1))
}

/// The number of windows proven in `proven` that exist among `windows` (bits at or past
/// `windows` are not counted).
pub fn windows_proven(proven: u32, windows: u32) -> u32 {
    (proven & live_windows_all(windows)).count_ones()
}

/// The live points of a provider whose state gives `points`, for the windows it proved
/// (`proven`, one bit a window) of `windows`: `⌊points·j/windows⌋`, `j` the windows proven.
/// Zero with zero windows.
pub fn live_points(points: u128, proven: u32, windows: u32) -> u128 {
    if windows == 0 {
        return 0;
    }
    let proven = windows_proven(proven, windows) as u128;
    // points·j ≤ points·32: saturating only past u128::MAX / 32, far above any capacity ×
    // reputation (u32 × 10⁶); the division then rounds down.
    points.saturating_mul(proven) / (windows as u128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_block_of_an_epoch_lies_in_one_window_and_every_window_has_a_block() {
        for length in [1u32, 2, 5, 7, 10, 24, 100, 14_400] {
            for windows in 1..=MAX_LIVENESS_WINDOWS.min(length) {
                let mut sizes = vec![0u32; windows as usize];
                let mut last = 0;
                for offset in 0..length {
                    let w = window_of(offset, length, windows);
                    assert!(w >= last, "windows follow the blocks in order");
                    last = w;
                    sizes[w as usize] += 1;
                }
                let (low, high) = (length / windows, length.div_ceil(windows));
                assert!(
                    sizes.iter().all(|s| *s == low || *s == high),
                    "length {length}, {windows} windows: {sizes:?}"
                );
            }
        }
    }

    #[test]
    fn an_epoch_of_a_day_in_24_windows_has_hourly_windows() {
        assert_eq!(window_of(0, 14_400, 24), 0);
        assert_eq!(window_of(599, 14_400, 24), 0);
        assert_eq!(window_of(600, 14_400, 24), 1);
        assert_eq!(window_of(14_399, 14_400, 24), 23);
        assert_eq!(window_of(20_000, 14_400, 24), 23);
        assert_eq!(window_of(7, 0, 24), 0);
        assert_eq!(window_of(7, 10, 0), 0);
    }

    #[test]
    fn live_points_are_the_share_of_windows_proven_rounded_down() {
        let all = prove_window(prove_window(prove_window(prove_window(0, 0), 1), 2), 3);
        assert_eq!(live_points(1_000_000, all, 4), 1_000_000);
        assert_eq!(live_points(1_000_000, prove_window(0, 3), 4), 250_000);
        // Proving the same window twice counts once.
        assert_eq!(
            live_points(1_000_000, prove_window(prove_window(0, 2), 2), 4),
            250_000
        );
        assert_eq!(live_points(10, prove_window(0, 0), 3), 3);
        assert_eq!(live_points(10, 0, 3), 0);
        assert_eq!(live_points(10, u32::MAX, 0), 0);
        // Bits past the windows in force are not counted.
        assert_eq!(live_points(1_000, u32::MAX, 4), 1_000);
        assert_eq!(windows_proven(u32::MAX, 32), 32);
        assert_eq!(windows_proven(u32::MAX, 40), 32);
        assert_eq!(prove_window(0, 32), 0);
        assert_eq!(live_windows_all(0), 0);
        assert_eq!(live_windows_all(4), 0b1111);
        assert_eq!(live_windows_all(32), u32::MAX);
    }
}
