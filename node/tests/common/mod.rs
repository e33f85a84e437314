//! Helpers for tests that run the real `capacloud-node` binary: free ports, a temporary base
//! path, a minimal JSON-RPC client over HTTP and a clean SIGINT stop.

#![allow(dead_code)]

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::PathBuf,
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind an ephemeral port")
        .local_addr()
        .unwrap()
        .port()
}

/// A running node; killed (if still running) and its base path removed on drop.
pub struct Node {
    pub child: Child,
    pub rpc_port: u16,
    pub base_path: PathBuf,
    pub log_path: PathBuf,
    pub started: Instant,
}

impl Node {
    /// Starts `capacloud-node` with `args` on free ports and a fresh temporary base path.
    pub fn start(name: &str, args: &[&str]) -> Node {
        let rpc_port = free_port();
        let p2p_port = free_port();
        let base_path = std::env::temp_dir().join(format!(
            "capacloud-{name}-{}-{}",
            std::process::id(),
            rpc_port
        ));
        let _ = std::fs::remove_dir_all(&base_path);
        std::fs::create_dir_all(&base_path).unwrap();
        let log_path = base_path.with_extension("log");
        let log = std::fs::File::create(&log_path).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_capacloud-node"))
            .args(args)
            .arg("--base-path")
            .arg(&base_path)
            .args(["--rpc-port", &rpc_port.to_string()])
            .args(["--port", &p2p_port.to_string()])
            .args(["--no-prometheus", "--no-telemetry", "--no-mdns"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start capacloud-node");
        Node {
            child,
            rpc_port,
            base_path,
            log_path,
            started: Instant::now(),
        }
    }

    /// The node's log so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// One JSON-RPC call; `Err` when the node does not answer or answers with an error.
    pub fn rpc(&self, method: &str, params: Value) -> Result<Value, String> {
        let body =
            json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
        let mut stream =
            TcpStream::connect(("127.0.0.1", self.rpc_port)).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let request = format!(
			"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
			body.len(),
			body
		);
        stream
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .map_err(|e| e.to_string())?;
        let json_start = response.find("\r\n\r\n").ok_or("no HTTP body")? + 4;
        let value: Value = serde_json::from_str(response[json_start..].trim())
            .map_err(|e| format!("bad JSON ({e}): {response}"))?;
        match value.get("result") {
            Some(result) => Ok(result.clone()),
            None => Err(format!("RPC error: {value}")),
        }
    }

    /// Polls `check` every 250 ms until it returns `Some` or `timeout` passes.
    pub fn wait_for<T>(
        &mut self,
        what: &str,
        timeout: Duration,
        mut check: impl FnMut(&Node) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(value) = check(self) {
                return value;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "node exited ({status}) while waiting for {what}; log:\n{}",
                    self.log()
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out after {timeout:?} waiting for {what}; log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Number of the best block, if the node answers.
    pub fn best_number(&self) -> Option<u64> {
        let header = self.rpc("chain_getHeader", json!([])).ok()?;
        hex_number(header.get("number")?)
    }

    /// Number of the last finalized block, if the node answers.
    pub fn finalized_number(&self) -> Option<u64> {
        let hash = self.rpc("chain_getFinalizedHead", json!([])).ok()?;
        let header = self.rpc("chain_getHeader", json!([hash])).ok()?;
        hex_number(header.get("number")?)
    }

    /// Sends SIGINT and waits up to `timeout` for the process to exit.
    pub fn interrupt(&mut self, timeout: Duration) -> (ExitStatus, Duration) {
        let sent = Instant::now();
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -INT failed");
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, sent.elapsed());
            }
            if sent.elapsed() > timeout {
                let _ = self.child.kill();
                panic!(
                    "node did not exit within {timeout:?} of SIGINT; log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.base_path);
        let _ = std::fs::remove_file(&self.log_path);
    }
}

/// Parses a `0x`-prefixed hex block number.
pub fn hex_number(value: &Value) -> Option<u64> {
    u64::from_str_radix(value.as_str()?.trim_start_matches("0x"), 16).ok()
}
