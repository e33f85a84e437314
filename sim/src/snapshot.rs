//! Starting from a live chain: the JSON that `capa snapshot` writes (format
//! `capacloud-snapshot/3`, polkadot.js's plain values: camelCase names, large integers as decimal
//! strings) turned into a run's start: parameters, issuance, emission and controller, and the
//! honest providers it has (their number and average verified capacity).

use crate::run::RunSetup;
use capacloud_economics::{presets, Amount, ControllerState, Parameters};
use serde_json::{Map, Value};
use sp_arithmetic::Perbill;

/// What a snapshot gives a run.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The block it was taken at.
    pub block: u64,
    /// The run's start.
    pub setup: RunSetup,
    /// The controller's memory.
    pub controller: ControllerState,
    /// Providers with verified capacity, and their average verified capacity.
    pub providers: (u32, u32),
}

/// `camelCase` as `snake_case`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A big integer given as a number or a decimal (or hex) string.
fn amount(value: &Value, what: &str) -> Result<Amount, String> {
    match value {
        Value::Number(n) => n
            .as_u64()
            .map(Amount::from)
            .ok_or(format!("{what}: not an integer")),
        Value::String(s) if s.starts_with("0x") => {
            Amount::from_str_radix(&s[2..], 16).map_err(|e| format!("{what}: {e}"))
        }
        Value::String(s) => s.parse().map_err(|e| format!("{what}: {e}")),
        _ => Err(format!("{what}: missing")),
    }
}

/// The chain's parameters from polkadot.js's plain value: field names in snake case, the
/// controller mode's variant in the Rust name, integers as numbers.
fn parameters(value: &Value) -> Result<Parameters, String> {
    let object = value.as_object().ok_or("parameters: not an object")?;
    let mut fields = Map::new();
    for (key, value) in object {
        let value = if key == "mode" {
            let mode = value.as_object().ok_or("mode: not an object")?;
            let mut converted = Map::new();
            for (variant, inner) in mode {
                let mut name = variant.clone();
                name[..1].make_ascii_uppercase();
                let inner = inner
                    .as_object()
                    .map(|o| {
                        Value::Object(
                            o.iter()
                                .map(|(k, v)| (snake(k), v.clone()))
                                .collect::<Map<_, _>>(),
                        )
                    })
                    .unwrap_or(Value::Null);
                converted.insert(name, inner);
            }
            Value::Object(converted)
        } else if let Value::String(_) = value {
            Value::from(amount(value, key)? as u64)
        } else {
            value.clone()
        };
        fields.insert(snake(key), value);
    }
    serde_json::from_value(Value::Object(fields)).map_err(|e| format!("parameters: {e}"))
}

/// A Perbill's parts, as polkadot.js prints them.
fn perbill(value: &Value, name: &str) -> Result<Perbill, String> {
    u32::try_from(amount(value, name)?)
        .ok()
        .filter(|parts| *parts <= 1_000_000_000)
        .map(Perbill::from_parts)
        .ok_or_else(|| format!("{name}: above 100%"))
}

/// Reads a snapshot.
pub fn from_json(text: &str) -> Result<Snapshot, String> {
    let json: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if json["format"] != "capacloud-snapshot/3" {
        return Err(format!(
            "not a capacloud-snapshot/3 file: {}",
            json["format"]
        ));
    }
    let params = parameters(&json["parameters"])?;
    let controller = &json["emission"]["controller"];
    let controller = ControllerState {
        emission_per_block: amount(&controller["emissionPerBlock"], "emissionPerBlock")?,
        choice: amount(&controller["choice"], "choice")?,
        floor: amount(&controller["floor"], "floor")?,
        ceiling: amount(&controller["ceiling"], "ceiling")?,
        scheduled_target: amount(&controller["scheduledTarget"], "scheduledTarget")?,
        smoothed_burn_per_block: amount(
            &controller["smoothedBurnPerBlock"],
            "smoothedBurnPerBlock",
        )?,
        smoothing: perbill(&controller["smoothing"], "smoothing")?,
        legacy_burn_per_block: amount(&controller["legacyBurnPerBlock"], "legacyBurnPerBlock")?,
        legacy_decay: perbill(&controller["legacyDecay"], "legacyDecay")?,
        held_back_per_block: amount(&controller["heldBackPerBlock"], "heldBackPerBlock")?,
    };
    let verified: Vec<u32> = json["providers"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|p| p["verifiedCapacity"].as_u64())
                .filter(|c| *c > 0)
                .map(|c| c as u32)
                .collect()
        })
        .unwrap_or_default();
    let count = verified.len() as u32;
    let average = if count > 0 {
        verified.iter().map(|c| *c as u64).sum::<u64>() / count as u64
    } else {
        0
    };
    Ok(Snapshot {
        block: json["block"].as_u64().unwrap_or(0),
        setup: RunSetup {
            params,
            emission: controller.emission_per_block,
            issuance: amount(&json["totalIssuance"], "totalIssuance")?,
            epochs_per_year: crate::run::epochs_per_year(params.epoch_length),
            controller: Some(controller),
            // Written by `capa snapshot` since it exists (optional: older snapshots have the
            // production delay).
            reward_delay: json["rewardDelay"]
                .as_u64()
                .map_or(
                    Ok(presets::Timing::production().reward_delay),
                    u32::try_from,
                )
                .map_err(|e| format!("rewardDelay: {e}"))?,
            freeze_blocks: json["minUnbondingPeriod"]
                .as_u64()
                .map_or(
                    Ok(presets::Timing::production().min_unbonding_period),
                    u32::try_from,
                )
                .map_err(|e| format!("minUnbondingPeriod: {e}"))?,
        },
        controller,
        providers: (count, average as u32),
    })
}

/// Prepares `scenario` to run from `snapshot`: the snapshot's providers (those with verified
/// capacity, at their average capacity) replace the scenario's at the start (its later changes
/// in number stay). A scenario with `[parameters]` is refused by name: a run from a live chain
/// starts from the chain's parameters, and a change belongs in `[[changes]]` (a referendum).
pub fn apply(snapshot: &Snapshot, scenario: &mut crate::scenario::Scenario) -> Result<(), String> {
    if !scenario.parameters.is_empty() {
        let fields: Vec<&str> = scenario.parameters.keys().map(String::as_str).collect();
        return Err(format!(
            "a run from a snapshot starts from the chain's parameters, so the scenario's \
             [parameters] ({}) would not apply: put them in a [[changes]] entry at epoch 0 (a \
             referendum applied at the first boundary)",
            fields.join(", ")
        ));
    }
    scenario.providers.count = snapshot.providers.0;
    scenario.providers.capacity = snapshot.providers.1;
    Ok(())
}
