//! Smoke test of the release node: `--dev` produces and finalizes blocks, serves RPC with the
//! chain's token properties, and stops cleanly on SIGINT.

mod common;

use std::time::Duration;

use common::Node;
use serde_json::json;

#[test]
fn dev_node_produces_finalizes_serves_rpc_and_stops_cleanly() {
    let mut node = Node::start("smoke", &["--dev"]);

    let finalized = node.wait_for("a finalized block", Duration::from_secs(120), |n| {
        n.finalized_number().filter(|&number| number >= 1)
    });
    let first_finality = node.started.elapsed();
    println!("measured: node start to first finalized block (#{finalized}): {first_finality:?}");

    let best = node.wait_for("block 3", Duration::from_secs(120), |n| {
        n.best_number().filter(|&number| number >= 3)
    });
    assert!(best >= 3);

    // A header read by hash matches the one read by number.
    let hash = node
        .rpc("chain_getBlockHash", json!([2]))
        .expect("block hash of #2");
    let header = node
        .rpc("chain_getHeader", json!([hash]))
        .expect("header of #2");
    assert_eq!(common::hex_number(&header["number"]), Some(2));
    assert!(header["parentHash"].as_str().unwrap().starts_with("0x"));

    let properties = node
        .rpc("system_properties", json!([]))
        .expect("system_properties");
    assert_eq!(properties["tokenSymbol"], "CAPA");
    assert_eq!(properties["tokenDecimals"], 12);
    assert_eq!(properties["ss58Format"], capacloud_runtime::SS58_PREFIX);

    let chain = node.rpc("system_chain", json!([])).expect("system_chain");
    assert_eq!(chain, "CapaCloud Development");

    let (status, took) = node.interrupt(Duration::from_secs(10));
    println!("measured: exit after SIGINT took {took:?} ({status})");
    assert!(
        status.success(),
        "node exited with {status}; log:\n{}",
        node.log()
    );
    assert!(took < Duration::from_secs(10));
}
