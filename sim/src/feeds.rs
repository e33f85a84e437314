//! The price feeders, block by block, by the chain's rules: [`Feeders`].
//!
//! The chain sells credits at the price in force, which only the feeders' submissions move
//! (`submit_price`): a submission is stored as reported, a price needs `min_price_feeds` fresh
//! submissions agreeing with their median, and the price in force moves towards that median at
//! most `max_price_change_per_block` a block. Every rule is the economics crate's
//! ([`capacloud_economics::agreed_fresh_median`], [`PriceInForce`]), the ones the pallet calls.
//!
//! The world: every online feeder submits in every block, in feeder order (the honest ones,
//! then the liars); an honest feeder reports the market price and a liar its lie. An epoch's
//! purchases meet the price once it has settled: [`Feeders::epoch`] follows the blocks until
//! one changes nothing, then skips to the next block where something can (an offline feeder's
//! last submission going stale), and reports the blocks the price needed (the lag: a buyer in
//! them met a price between the old market and the new).
//!
//! This is where the feeder search found that a band around the price in force, which
//! submissions had to fall in until spec 115, let two liars and two honest feeders (one honest
//! feeder offline) hold the price 36% above a market that had halved: the honest ones could
//! only submit the band's edge, which agrees with the price in force by construction.

use capacloud_economics::{agreed_fresh_median, within_band, Parameters, PriceInForce};
use sp_arithmetic::FixedU128;

/// What the feeders report during an epoch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reports {
    /// The market price the honest feeders report.
    pub market: FixedU128,
    /// Honest feeders online (the first ones of the set).
    pub honest_online: u32,
    /// The liars (the last ones of the set) and their lie; none: they report the market too.
    pub lie: Option<(u32, FixedU128)>,
}

/// An epoch's feeding, as its buyers met it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settled {
    /// The price the chain sells at once the feeds settled (`current_price`): none when fewer
    /// than `min_price_feeds` fresh submissions agree (sales stop).
    pub price: Option<FixedU128>,
    /// The price in the epoch's first block, after its submissions.
    pub first: Option<FixedU128>,
    /// Blocks from the epoch's first block to the first block at the settled price (0: the
    /// first block's submissions settled it; the epoch's length: it never settled).
    pub lag: u32,
}

/// The feeder set and the chain's memory of their submissions and of the price in force.
#[derive(Clone, Debug)]
pub struct Feeders {
    /// Each feeder's latest submission and its block: `[honest.., liars..]`.
    latest: Vec<Option<(FixedU128, u32)>>,
    /// The price in force (the pallet's `LastPrice`).
    last: Option<PriceInForce<u32>>,
    /// The next block to build.
    block: u32,
}

impl Feeders {
    /// `count` feeders as the chain's genesis leaves them with the initial price `start`: each
    /// feeder's latest submission and the price in force `start` at block 0 (none: nothing
    /// submitted, no price); block 1 is the next.
    pub fn new(count: u32, start: Option<FixedU128>) -> Self {
        Feeders {
            latest: vec![start.map(|price| (price, 0)); count as usize],
            last: start.map(|price| PriceInForce::new(price, 0)),
            block: 1,
        }
    }

    /// The price in force as the chain remembers it.
    pub fn last(&self) -> Option<PriceInForce<u32>> {
        self.last
    }

    /// Each feeder's latest submission and its block.
    pub fn latest(&self) -> &[Option<(FixedU128, u32)>] {
        &self.latest
    }

    /// What feeder `index` submits in a block given `reports`: none when offline; else its
    /// report (a liar's lie, an honest feeder's market).
    pub fn submission(&self, index: u32, reports: &Reports) -> Option<FixedU128> {
        let count = self.latest.len() as u32;
        let liars = reports.lie.map_or(0, |(liars, _)| liars.min(count));
        if index >= count.saturating_sub(liars) {
            Some(reports.lie.map_or(reports.market, |(_, lie)| lie))
        } else {
            (index < reports.honest_online).then_some(reports.market)
        }
    }

    /// Feeder `index` submits `price` in the block being built (`submit_price`), and the price
    /// in force is recomputed.
    pub fn submit(&mut self, index: u32, price: FixedU128, params: &Parameters) {
        let now = self.block;
        if let Some(feed) = self.latest.get_mut(index as usize) {
            *feed = Some((price, now));
        }
        if let Some(median) = self.median(params) {
            let in_force =
                PriceInForce::bounded(self.last, median, now, params.max_price_change_per_block);
            self.last = Some(PriceInForce::after(self.last, in_force, now));
        }
    }

    /// The agreed median of the submissions fresh in the block being built.
    fn median(&self, params: &Parameters) -> Option<FixedU128> {
        self.median_at(self.block, params)
    }

    /// The agreed median of the submissions fresh in block `now`.
    fn median_at(&self, now: u32, params: &Parameters) -> Option<FixedU128> {
        let max_age = params.price_max_age;
        agreed_fresh_median(
            self.latest.iter().flatten().copied(),
            |at| now.saturating_sub(at) <= max_age,
            params.max_price_deviation,
            params.min_price_feeds,
        )
    }

    /// The price the chain sells at in the block being built (`current_price`): the price in
    /// force while an agreeing quorum is fresh, else none.
    pub fn current(&self, params: &Parameters) -> Option<FixedU128> {
        self.current_at(self.block, params)
    }

    /// The price on sale in block `now` with the submissions as they are.
    fn current_at(&self, now: u32, params: &Parameters) -> Option<FixedU128> {
        let median = self.median_at(now, params)?;
        Some(self.last.map_or(median, |last| last.price))
    }

    /// Builds one block: every online feeder submits, in order. Returns whether anything a
    /// buyer or the next block sees changed: a submission's price or freshness, the price in
    /// force, or the price on sale (a submission going stale in this block).
    pub fn block(&mut self, reports: &Reports, params: &Parameters) -> bool {
        let (now, max_age) = (self.block, params.price_max_age);
        let stale = |at: u32| now.saturating_sub(at) > max_age;
        // Whether a submission goes stale in this block: the price on sale may change with it
        // (against the end of the block before, whose state this still is).
        let expiring = self
            .latest
            .iter()
            .flatten()
            .any(|(_, at)| at.saturating_add(max_age).saturating_add(1) == now);
        let on_sale = expiring.then(|| self.current_at(now.saturating_sub(1), params));
        let mut changed = false;
        for index in 0..self.latest.len() as u32 {
            let Some(price) = self.submission(index, reports) else {
                continue;
            };
            let before = self.last.map(|last| last.price);
            changed |= self.latest[index as usize].is_none_or(|(p, at)| p != price || stale(at));
            self.submit(index, price, params);
            changed |= self.last.map(|last| last.price) != before;
        }
        if let Some(on_sale) = on_sale {
            changed |= self.current(params) != on_sale;
        }
        self.block = self.block.saturating_add(1);
        changed
    }

    /// The lowest and the highest of the honest feeders' submissions still fresh in the last
    /// block built (their markets; an offline feeder's last report counts while it is fresh):
    /// the `[l, h]` of the threat model's bound. None without a fresh honest submission.
    pub fn honest_range(
        &self,
        reports: &Reports,
        params: &Parameters,
    ) -> Option<(FixedU128, FixedU128)> {
        let count = self.latest.len() as u32;
        let liars = reports.lie.map_or(0, |(liars, _)| liars.min(count));
        let honest = count.saturating_sub(liars) as usize;
        let built = self.block.saturating_sub(1);
        self.latest[..honest]
            .iter()
            .flatten()
            .filter(|(_, at)| built.saturating_sub(*at) <= params.price_max_age)
            .fold(None, |range, (price, _)| match range {
                None => Some((*price, *price)),
                Some((low, high)) => Some((low.min(*price), high.max(*price))),
            })
    }

    /// The block being built.
    pub fn now(&self) -> u32 {
        self.block
    }

    /// An epoch of `length` blocks with `reports`: its blocks followed until the price settles,
    /// the rest skipped (as the chain would build them: the same submissions at later blocks).
    /// Returns the price its buyers meet once settled, the first block's, and the lag. A
    /// buyer in a block meets the price after the block's submissions.
    pub fn epoch(&mut self, length: u32, reports: &Reports, params: &Parameters) -> Settled {
        if let Some(settled) = self.quiet_epoch(length, reports, params) {
            return settled;
        }
        self.epoch_block_by_block(length, reports, params)
    }

    /// [`Feeders::epoch`] without its shortcut: every block followed until none changes.
    pub fn epoch_block_by_block(
        &mut self,
        length: u32,
        reports: &Reports,
        params: &Parameters,
    ) -> Settled {
        let length = length.max(1);
        let (start, end) = (self.block, self.block.saturating_add(length));
        self.block(reports, params);
        let first = self.current(params);
        // The last block that changed anything: from its end on, the price is settled.
        let mut changed_at = start;
        while self.block < end {
            if self.block(reports, params) {
                changed_at = self.block - 1;
                continue;
            }
            // Nothing changed: nothing will until an offline feeder's submission goes stale.
            let next = self.next_expiry(reports, params).unwrap_or(end).min(end);
            self.skip_to(next);
        }
        let lag = if length > 1 && changed_at + 1 == end {
            // Still moving in the epoch's last block.
            length
        } else {
            changed_at - start
        };
        Settled {
            price: self.current(params),
            first,
            lag,
        }
    }

    /// The common epoch at once, when it is certain: every feeder online and honest, every
    /// latest submission the price in force `p`, and the market `m` within a block's move of
    /// `p` and the agreement band of `p`. Then the first block settles it at `m`: every feeder
    /// submits `m`, each median along the way lies between `p` and `m` (so the price in force
    /// never leaves that range), the last is `m`, the price moves to it in one step, and the
    /// next block changes nothing. `None` otherwise.
    fn quiet_epoch(
        &mut self,
        length: u32,
        reports: &Reports,
        params: &Parameters,
    ) -> Option<Settled> {
        let count = self.latest.len() as u32;
        let last = self.last?;
        let market = reports.market;
        let quiet = reports.lie.is_none()
            && reports.honest_online >= count
            && count > 0
            && self
                .latest
                .iter()
                .all(|f| f.is_some_and(|(p, _)| p == last.price))
            && last.at < self.block
            && within_band(market, last.price, params.max_price_deviation)
            && within_band(market, last.price, params.max_price_change_per_block);
        if !quiet {
            return None;
        }
        let end = self.block.saturating_add(length.max(1));
        let last_built = end - 1;
        for feed in &mut self.latest {
            *feed = Some((market, last_built));
        }
        self.last = Some(PriceInForce {
            price: market,
            at: last_built,
            // The price the block before the last computed: the market too, but for an epoch
            // of one block (then the price before it).
            base: if last_built > self.block {
                market
            } else {
                last.price
            },
            base_at: if last_built > self.block {
                last_built - 1
            } else {
                last.at
            },
        });
        self.block = end;
        Some(Settled {
            price: Some(market),
            first: Some(market),
            lag: 0,
        })
    }

    /// The first block in which an offline feeder's fresh submission is stale.
    fn next_expiry(&self, reports: &Reports, params: &Parameters) -> Option<u32> {
        (0..self.latest.len() as u32)
            .filter(|index| self.submission(*index, reports).is_none())
            .filter_map(|index| self.latest[index as usize])
            .map(|(_, at)| at.saturating_add(params.price_max_age).saturating_add(1))
            .filter(|expiry| *expiry >= self.block)
            .min()
    }

    /// Skips to block `to` after a block that changed nothing, as the chain would build the
    /// blocks in between: the online feeders submit the same prices again and the price in
    /// force is recomputed to the same value (its memory moves on: base and price equal).
    fn skip_to(&mut self, to: u32) {
        let (built, last_built) = (self.block.saturating_sub(1), to.saturating_sub(1));
        if to <= self.block {
            return;
        }
        for (_, at) in self.latest.iter_mut().flatten() {
            if *at == built {
                *at = last_built;
            }
        }
        if let Some(last) = &mut self.last {
            if last.at == built {
                *last = PriceInForce {
                    price: last.price,
                    at: last_built,
                    base: last.price,
                    base_at: last_built.saturating_sub(1),
                };
            }
        }
        self.block = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::defaults;
    use sp_arithmetic::Perbill;

    /// The presets' bounds (a band of 10%, 1% a block, an hour's freshness), `quorum` of the
    /// set.
    fn params(quorum: u32) -> Parameters {
        Parameters {
            min_price_feeds: quorum,
            ..defaults().0
        }
    }

    fn fixed(x: f64) -> FixedU128 {
        FixedU128::from_float(x)
    }

    #[test]
    fn the_quiet_shortcut_is_the_epoch_built_block_by_block() {
        // Markets drifting within a block's move and jumping beyond the band, a lie, an
        // outage, for sets of 1, 3 and 5: the shortcut leaves every feed, the price in force
        // and its memory where the blocks leave them.
        let mut market = 2.0;
        let mut seed = 7u64;
        for (count, quorum) in [(1, 1), (3, 2), (5, 3)] {
            let params = params(quorum);
            let mut quick = Feeders::new(count, Some(fixed(market)));
            let mut slow = quick.clone();
            for epoch in 0..400u32 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let step = (seed >> 33) as f64 / (1u64 << 31) as f64;
                market *= match epoch % 50 {
                    17 => 0.5,
                    31 => 1.3,
                    _ => 0.995 + step * 0.01,
                };
                let reports = Reports {
                    market: fixed(market),
                    honest_online: if epoch % 97 == 5 { 0 } else { count },
                    lie: (count > 1 && epoch % 61 < 3).then_some((1, fixed(market * 2.0))),
                };
                let length = if epoch % 13 == 0 { 1 } else { 700 };
                let a = quick.epoch(length, &reports, &params);
                let b = slow.epoch_block_by_block(length, &reports, &params);
                assert_eq!(a, b, "{count} feeders, epoch {epoch}");
                assert_eq!(
                    (quick.latest(), quick.last(), quick.now()),
                    (slow.latest(), slow.last(), slow.now()),
                    "{count} feeders, epoch {epoch}"
                );
            }
        }
    }

    #[test]
    fn a_halved_market_is_followed_one_percent_a_block_and_sold_lagging_for_68_blocks() {
        // 0.99^68 = 0.5048 > 1/2 > 0.99^69: the price falls 1% a block towards the honest
        // feeder's report for 68 blocks, and the 69th block reaches the market.
        let params = params(1);
        let mut feeders = Feeders::new(1, Some(fixed(2.0)));
        let settled = feeders.epoch(
            14_400,
            &Reports {
                market: fixed(1.0),
                honest_online: 1,
                lie: None,
            },
            &params,
        );
        let one_step =
            FixedU128::from_inner(Perbill::from_percent(99).mul_floor(2 * 10u128.pow(18)));
        assert_eq!(
            settled,
            Settled {
                price: Some(fixed(1.0)),
                first: Some(one_step),
                lag: 68,
            }
        );
    }

    #[test]
    fn a_lying_minority_with_the_honest_feeders_online_moves_nothing() {
        // Two of five report ten times the market; the median is
        // an honest report: the price stays the market's.
        let params = params(3);
        let mut feeders = Feeders::new(5, Some(fixed(2.0)));
        let reports = Reports {
            market: fixed(2.0),
            honest_online: 3,
            lie: Some((2, fixed(20.0))),
        };
        let settled = feeders.epoch(14_400, &reports, &params);
        assert_eq!(settled.price, Some(fixed(2.0)));
        assert_eq!(settled.lag, 0);
    }

    #[test]
    fn after_a_crash_two_liars_and_two_honest_feeders_cannot_hold_the_price() {
        // The market halves to 0.25; two of five feeders lie, one honest feeder is offline
        // (its last report, 0.5, fresh for an hour). Until spec 115 the honest ones could only
        // submit the band's edge and the liars held the price at 0.3409, 36% above the market
        // (the feeder search found it). Reported as they are, a lie of 1.5x agrees with no
        // honest report: sales stop (the denial a minority has against fewer than a quorum of
        // honest feeds); a lie of 1.08x agrees, and the price settles at the mean of the two
        // middle reports, 0.26, inside the bound of 1/0.9 the market.
        let params = params(3);
        let reports = |lie: f64| Reports {
            market: fixed(0.25),
            honest_online: 2,
            lie: Some((2, fixed(lie))),
        };
        let mut feeders = Feeders::new(5, Some(fixed(0.5)));
        let settled = feeders.epoch(14_400, &reports(0.375), &params);
        assert_eq!((settled.price, settled.first), (None, None));
        let mut feeders = Feeders::new(5, Some(fixed(0.5)));
        let settled = feeders.epoch(14_400, &reports(0.27), &params);
        let mean = (fixed(0.25).into_inner() + fixed(0.27).into_inner()) / 2;
        assert_eq!(settled.price, Some(FixedU128::from_inner(mean)));
    }

    #[test]
    fn an_offline_feeders_last_report_counts_as_honest_while_it_is_fresh() {
        // Three feeders, one honest offline since genesis (its report 2.0 at block 0, fresh
        // for 600 blocks): after an epoch of 100 blocks at a market of 1.9 the honest reports
        // are 1.9 and its 2.0; after another 600 blocks only 1.9.
        let params = params(2);
        let mut feeders = Feeders::new(3, Some(fixed(2.0)));
        let reports = Reports {
            market: fixed(1.9),
            honest_online: 2,
            lie: None,
        };
        feeders.epoch(100, &reports, &params);
        assert_eq!(
            feeders.honest_range(&reports, &params),
            Some((fixed(1.9), fixed(2.0)))
        );
        feeders.epoch(600, &reports, &params);
        assert_eq!(
            feeders.honest_range(&reports, &params),
            Some((fixed(1.9), fixed(1.9)))
        );
    }
}
