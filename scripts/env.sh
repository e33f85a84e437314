# Shared settings for every script (sourced, not run).
#
# One feature set and one profile for everything a run builds: the node that `scripts/run-dev`
# starts, the tests, the end-to-end node and the benchmarks. Any other set would compile the
# whole dependency tree a second time.
#   runtime-benchmarks  the `benchmark pallet|overhead|extrinsic` subcommands work
#   try-runtime         `try_state` invariants can run after every runtime test
#   fast-runtime        short epochs and governance periods for dev chains and demos
# Override with CAPA_FEATURES="" for a production-like build.

CAPA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CAPA_ROOT
export CAPA_TEST_FEATURES=runtime-benchmarks,try-runtime,fast-runtime
export CAPA_FEATURES="${CAPA_FEATURES-$CAPA_TEST_FEATURES}"
export CAPA_PROFILE="${CAPA_PROFILE:-release}"

# Keep build artifacts outside the clone so that repeated runs (and CI runs on the same machine)
# are incremental. Another feature set builds into a directory of its own (the production build,
# CAPA_FEATURES="", into target-production), so that it never overwrites the test node nor makes
# the next test run compile everything again. Override CARGO_TARGET_DIR to build elsewhere.
capa_target_name=target
if [ "$CAPA_FEATURES" != "$CAPA_TEST_FEATURES" ]; then
	capa_target_name="target-${CAPA_FEATURES//,/-}"
	[ -n "$CAPA_FEATURES" ] || capa_target_name=target-production
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/capacloud/$capa_target_name}"
unset capa_target_name
# The wasm builder must find this workspace's Cargo.lock when the target dir is elsewhere.
export WASM_BUILD_WORKSPACE_HINT="$CAPA_ROOT"
# frame-benchmarking-cli's dependency frame-storage-access-test-runtime builds a wasm runtime of
# its own in every build (a wasm dependency tree of its own: 900 MB of the target dir, minutes of
# a cold build) for one thing only: `benchmark storage` in its block-validation mode, which no
# script here runs (`scripts/benchmark` runs `benchmark pallet`, `overhead` and `extrinsic`).
# Skipped; the node then says "You need to build the WASM binaries" should that mode be asked for.
export SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1
export CAPA_NODE_BIN="$CARGO_TARGET_DIR/$CAPA_PROFILE/capacloud-node"
# The compiled runtime that the same build produces (what `benchmark pallet` runs).
export CAPA_RUNTIME_WASM="$CARGO_TARGET_DIR/$CAPA_PROFILE/wbuild/capacloud-runtime/capacloud_runtime.compact.compressed.wasm"
# The production runtime (no test features) that every workspace build also compiles
# (runtime/production): what scripts/ops-test checks a Live spec and a validator with.
export CAPA_PRODUCTION_RUNTIME_WASM="$CARGO_TARGET_DIR/$CAPA_PROFILE/wbuild/capacloud-runtime-production/capacloud_runtime_production.compact.compressed.wasm"

# The upgrade rehearsal's runtime (runtime/next: spec_version one higher, a pallet-burn-mint
# migration) that every workspace build also compiles: what clients/test/upgrade.test.mjs enacts.
export CAPA_NEXT_RUNTIME_WASM="$CARGO_TARGET_DIR/$CAPA_PROFILE/wbuild/capacloud-runtime-next/capacloud_runtime_next.compact.compressed.wasm"

# Runs scripts/install-deps once per run: the first script that needs the build dependencies
# installs them and exports CAPA_DEPS_INSTALLED=1, so the scripts it starts (scripts/test starts
# scripts/benchmark, which starts scripts/build-node, ...) skip the check.
capa_install_deps() {
	if [ "${CAPA_DEPS_INSTALLED:-}" != 1 ]; then
		"$CAPA_ROOT/scripts/install-deps"
		export CAPA_DEPS_INSTALLED=1
	fi
}

capa_cargo_flags() {
	local flags=(--locked --profile "$CAPA_PROFILE")
	if [ -n "$CAPA_FEATURES" ]; then
		local f features=""
		IFS=',' read -ra f <<<"$CAPA_FEATURES"
		for x in "${f[@]}"; do features+="capacloud-node/$x,"; done
		flags+=(--features "${features%,}")
	fi
	printf '%s\n' "${flags[@]}"
}

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# Installs the Node.js packages of clients/ (polkadot.js, pinned by clients/package-lock.json)
# with `npm ci`, again only when the lock file changed since the last install: a copy of the lock
# that npm ci installed is kept in node_modules/ as a stamp (npm's own node_modules/.package-lock.json
# never equals the lock file byte for byte). `capa_npm_install DIR` does the same for another
# package of the repository (dashboard/).
capa_npm_install() {
	local dir="$1"
	if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.capacloud-installed-lock.json" 2>/dev/null; then
		log "npm ci ($(basename "$dir"))"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
		cp "$dir/package-lock.json" "$dir/node_modules/.capacloud-installed-lock.json"
	fi
}
capa_clients_install() { capa_npm_install "$CAPA_ROOT/clients"; }

# Installs the dashboard's packages (dashboard/package-lock.json) and builds the page into
# dashboard/dist (`vite build`, under a second).
capa_dashboard_build() {
	capa_npm_install "$CAPA_ROOT/dashboard"
	log "vite build (dashboard)"
	(cd "$CAPA_ROOT/dashboard" && node node_modules/vite/bin/vite.js build --logLevel warn >&2)
}
