//! The referendum tracks of CapaCloud's OpenGov.
//!
//! | id | track                  | origin                | max deciding | decision deposit |
//! |----|------------------------|-----------------------|--------------|------------------|
//! | 0  | `root`                 | Root                  | 1            | 10,000 CAPA      |
//! | 10 | `emission_admin`       | `EmissionAdmin`       | 3            | 2,000 CAPA       |
//! | 11 | `treasurer`            | `Treasurer`           | 5            | 1,000 CAPA       |
//! | 12 | `provider_admin`       | `ProviderAdmin`       | 10           | 500 CAPA         |
//! | 13 | `provider_freezer`     | `ProviderFreezer`     | 10           | 500 CAPA         |
//! | 20 | `referendum_canceller` | `ReferendumCanceller` | 10           | 2,000 CAPA       |
//! | 21 | `referendum_killer`    | `ReferendumKiller`    | 10           | 5,000 CAPA       |
//!
//! Periods (production / `fast-runtime`):
//!
//! | track                  | prepare       | decision       | confirm        | min. enactment |
//! |------------------------|---------------|----------------|----------------|----------------|
//! | `root`                 | 2 h / 2 blocks | 14 d / 10 min | 1 d / 3 blocks | 1 d / 1 block  |
//! | `emission_admin`       | 2 h / 2 blocks | 7 d / 10 min  | 1 d / 3 blocks | 1 d / 1 block  |
//! | `treasurer`            | 2 h / 2 blocks | 7 d / 10 min  | 3 h / 3 blocks | 1 d / 1 block  |
//! | `provider_admin`       | 1 h / 2 blocks | 7 d / 10 min  | 3 h / 3 blocks | 10 min / 1 block |
//! | `provider_freezer`     | 10 min / 1 block | 2 h / 2 blocks | 10 min / 1 block | 1 min / 1 block |
//! | `referendum_canceller` | 1 h / 2 blocks | 7 d / 10 min  | 3 h / 3 blocks | 10 min / 1 block |
//! | `referendum_killer`    | 1 h / 2 blocks | 7 d / 10 min  | 3 h / 3 blocks | 10 min / 1 block |
//!
//! Why these values, for a young chain:
//! - **Few holders, low turnout.** Support (the share of the total issuance that votes aye)
//!   starts high and falls linearly over the decision period to a low floor, so a proposal that
//!   few people care about can still pass late, but only if nobody with weight objects. Approval
//!   (the conviction-weighted aye share of the votes cast) starts at 100% and falls to a floor
//!   that is a majority everywhere and a two-thirds majority for economic parameters.
//! - **Economics move slowly.** `emission_admin` needs the two-thirds approval floor and a
//!   confirmation of a full day; its changes then wait at least a day before enactment and
//!   apply only at the next epoch boundary, where the band in force moves by at most the
//!   governance-set step. Providers always see a change coming a day or more ahead.
//! - **Operations move faster.** Reputation and slashing (`provider_admin`) and cancelling a
//!   bad referendum need short confirmation periods; the killer's large deposit makes frivolous
//!   kills expensive (a killed referendum's deposits are slashed).
//! - **A freeze outruns the rewards.** `provider_freezer` freezes a provider's unclaimed
//!   rewards and bond pending a removal; its whole path (2 h 21 min) plus the time to notice and
//!   submit is what pallet-burn-mint's `RewardDelay` covers (derived from it, checked when the
//!   runtime compiles), so a provider that sees its removal coming cannot claim the rewards of
//!   the epochs it misbehaved in. Two-thirds approval: a freeze is not a cheap griefing tool.
//! - **Root** can do anything (runtime upgrades included), so it decides one referendum at a
//!   time, has the largest deposit and the longest decision period.

use super::origins::Origin;
use crate::{Balance, BlockNumber, OriginCaller, CAPA, DAYS, HOURS, MINUTES};
use alloc::borrow::Cow;
use pallet_referenda::{Curve, Track, TrackInfo};
use sp_runtime::Perbill;

/// The identifier of a track.
pub type TrackId = u16;

/// Track ids; the order of [`TRACKS`] must follow them.
pub mod ids {
    use super::TrackId;
    /// `root`: any call, dispatched as Root.
    pub const ROOT: TrackId = 0;
    /// `emission_admin`: pallet-burn-mint's parameters and price-feeder set.
    pub const EMISSION_ADMIN: TrackId = 10;
    /// `treasurer`: spends from the ecosystem treasury.
    pub const TREASURER: TrackId = 11;
    /// `provider_admin`: provider reputation and slashing.
    pub const PROVIDER_ADMIN: TrackId = 12;
    /// `provider_freezer`: freezes a provider's rewards and bond pending its removal.
    pub const PROVIDER_FREEZER: TrackId = 13;
    /// `referendum_canceller`: cancels a referendum.
    pub const REFERENDUM_CANCELLER: TrackId = 20;
    /// `referendum_killer`: kills a referendum.
    pub const REFERENDUM_KILLER: TrackId = 21;
}

/// Block counts of a track's periods: production values by default, minutes-scale values
/// with `fast-runtime` so that a whole referendum passes in a few minutes on a dev chain.
struct Periods {
    prepare: BlockNumber,
    decision: BlockNumber,
    confirm: BlockNumber,
    enactment: BlockNumber,
}

/// The periods of every track but `provider_freezer` with `fast-runtime`: 2 blocks of
/// preparation, a 10-minute (100-block) decision period, 3 blocks of confirmation and enactment
/// one block after approval, so that a whole referendum passes in a few minutes on a dev chain.
const FAST: Periods = Periods {
    prepare: 2,
    decision: 100,
    confirm: 3,
    enactment: 1,
};

/// `production` in a production build, `fast` with `fast-runtime`.
const fn periods_or(production: Periods, fast: Periods) -> Periods {
    prod_or_fast!(production, fast)
}

/// A track's periods in blocks, given as their production values: prepare, decision, confirm,
/// minimum enactment ([`FAST`] with `fast-runtime`).
const fn periods(
    prepare: BlockNumber,
    decision: BlockNumber,
    confirm: BlockNumber,
    enactment: BlockNumber,
) -> Periods {
    periods_or(
        Periods {
            prepare,
            decision,
            confirm,
            enactment,
        },
        FAST,
    )
}

/// A curve that falls linearly from `ceil` at the start of the decision period to `floor` at
/// its end.
const fn linear(ceil: u32, floor: u32) -> Curve {
    Curve::LinearDecreasing {
        length: Perbill::one(),
        floor: Perbill::from_percent(floor),
        ceil: Perbill::from_percent(ceil),
    }
}

/// A track's name as the fixed-size byte array referenda stores.
const fn name(s: &str) -> [u8; 25] {
    let bytes = s.as_bytes();
    let mut out = [0u8; 25];
    let mut i = 0;
    while i < bytes.len() && i < out.len() {
        out[i] = bytes[i];
        i += 1;
    }
    out
}

/// Builds one track.
const fn track(
    id: TrackId,
    track_name: &str,
    max_deciding: u32,
    decision_deposit: Balance,
    p: Periods,
    min_approval: Curve,
    min_support: Curve,
) -> Track<TrackId, Balance, BlockNumber> {
    Track {
        id,
        info: TrackInfo {
            name: name(track_name),
            max_deciding,
            decision_deposit,
            prepare_period: p.prepare,
            decision_period: p.decision,
            confirm_period: p.confirm,
            min_enactment_period: p.enactment,
            min_approval,
            min_support,
        },
    }
}

/// The longest a referendum on track `id` takes from submission to enactment once it is
/// deciding: prepare + decision + confirm + minimum enactment (zero for an unknown track). A
/// referendum may also wait for a deciding slot before that (`max_deciding`), which no bound
/// covers; the provider unbonding period adds a margin for it.
pub const fn longest_path(id: TrackId) -> BlockNumber {
    let mut i = 0;
    while i < TRACKS.len() {
        let info = &TRACKS[i].info;
        if TRACKS[i].id == id {
            return info.prepare_period
                + info.decision_period
                + info.confirm_period
                + info.min_enactment_period;
        }
        i += 1;
    }
    0
}

/// Every track, sorted by id.
pub const TRACKS: [Track<TrackId, Balance, BlockNumber>; 7] = [
    track(
        ids::ROOT,
        "root",
        1,
        10_000 * CAPA,
        periods(2 * HOURS, 14 * DAYS, DAYS, DAYS),
        linear(100, 50),
        linear(50, 5),
    ),
    track(
        ids::EMISSION_ADMIN,
        "emission_admin",
        3,
        2_000 * CAPA,
        periods(2 * HOURS, 7 * DAYS, DAYS, DAYS),
        linear(100, 66),
        linear(30, 3),
    ),
    track(
        ids::TREASURER,
        "treasurer",
        5,
        1_000 * CAPA,
        periods(2 * HOURS, 7 * DAYS, 3 * HOURS, DAYS),
        linear(100, 50),
        linear(20, 2),
    ),
    track(
        ids::PROVIDER_ADMIN,
        "provider_admin",
        10,
        500 * CAPA,
        periods(HOURS, 7 * DAYS, 3 * HOURS, 10 * MINUTES),
        linear(100, 50),
        linear(10, 1),
    ),
    // Freezing a provider decides nothing final (a `provider_admin` or `root` referendum
    // removes, slashes or lifts the freeze): it must land within hours, before the rewards of
    // the epoch a misbehaviour was seen in unlock. A two-thirds approval and a support floor
    // above `provider_admin`'s keep it from being a cheap griefing tool; the worst a wrong
    // freeze does is delay a provider's claims and bond until lifted.
    track(
        ids::PROVIDER_FREEZER,
        "provider_freezer",
        10,
        500 * CAPA,
        // Short with `fast-runtime` too (5 blocks in all): its path bounds `RewardDelay`,
        // and a development chain keeps its one-epoch delay.
        periods_or(
            Periods {
                prepare: 10 * MINUTES,
                decision: 2 * HOURS,
                confirm: 10 * MINUTES,
                enactment: MINUTES,
            },
            Periods {
                prepare: 1,
                decision: 2,
                confirm: 1,
                enactment: 1,
            },
        ),
        linear(100, 66),
        linear(20, 5),
    ),
    track(
        ids::REFERENDUM_CANCELLER,
        "referendum_canceller",
        10,
        2_000 * CAPA,
        periods(HOURS, 7 * DAYS, 3 * HOURS, 10 * MINUTES),
        linear(100, 50),
        linear(10, 1),
    ),
    track(
        ids::REFERENDUM_KILLER,
        "referendum_killer",
        10,
        5_000 * CAPA,
        periods(HOURS, 7 * DAYS, 3 * HOURS, 10 * MINUTES),
        linear(100, 50),
        linear(10, 1),
    ),
];

/// The runtime's [`pallet_referenda::TracksInfo`]: [`TRACKS`], and which origin goes on which.
pub struct TracksInfo;

impl pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
    type Id = TrackId;
    type RuntimeOrigin = OriginCaller;

    fn tracks() -> impl Iterator<Item = Cow<'static, Track<TrackId, Balance, BlockNumber>>> {
        TRACKS.iter().map(Cow::Borrowed)
    }

    fn track_for(origin: &OriginCaller) -> Result<TrackId, ()> {
        match origin {
            OriginCaller::system(frame_system::RawOrigin::Root) => Ok(ids::ROOT),
            OriginCaller::Origins(custom) => Ok(match custom {
                Origin::EmissionAdmin => ids::EMISSION_ADMIN,
                Origin::Treasurer => ids::TREASURER,
                Origin::ProviderAdmin => ids::PROVIDER_ADMIN,
                Origin::ReferendumCanceller => ids::REFERENDUM_CANCELLER,
                Origin::ReferendumKiller => ids::REFERENDUM_KILLER,
                Origin::ProviderFreezer => ids::PROVIDER_FREEZER,
            }),
            _ => Err(()),
        }
    }
}
