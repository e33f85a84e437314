//! # capacloud-sim
//!
//! The CapaCloud economy over years, with adversaries, parameter sweeps and charts, running the
//! chain's own code: the epoch boundary is [`capacloud_economics::plan_epoch_close`], the
//! parameters are the chain's [`capacloud_economics::Parameters`] (the defaults are
//! [`capacloud_economics::presets`]), credits are priced, pools closed and shares settled by the
//! economics crate's functions. This crate adds the world around the chain (demand, a token
//! market, honest providers, adversaries, governance) and the pallet's bookkeeping between those
//! calls ([`model`]); it has no formula of its own.
//!
//! | module | what it does |
//! | --- | --- |
//! | [`executor`] | what a run asks of the chain, as extrinsics: the simulator's model and the pallet's equivalence test execute the same calls |
//! | [`feeds`] | the price feeders block by block by the chain's rules: the price in force, its lag, a lying minority |
//! | [`model`] | the chain's state between epochs and one epoch run and closed as the pallet does |
//! | [`providers`] | providers as the chain treats them: reputation, eligibility, who is paid, honest cohorts |
//! | [`scenario`] | scenario files (TOML): demand, a token market, providers, adversaries, outages, changes |
//! | [`run`] | a scenario run epoch by epoch; adversaries measured against their counterfactual |
//! | [`snapshot`] | a run's start from `capa snapshot`'s JSON of a live chain |
//! | `report` | CSV and SVG charts (feature `cli`) |
//! | `sweep` | parameter sweeps and the adversary search (feature `cli`) |
//!
//! See `sim/README.md` for the command line, the shipped scenarios and what they show.

pub mod executor;
pub mod feeds;
pub mod model;
pub mod providers;
#[cfg(feature = "cli")]
pub mod report;
pub mod run;
pub mod scenario;
pub mod snapshot;
#[cfg(feature = "cli")]
pub mod sweep;
