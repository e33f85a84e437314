// Errors every client here shares, in a module with no dependency so that the browser
// dashboard (dashboard/) can import what uses them (amounts.mjs) without polkadot.js's Node
// entry points.

/// A mistake in how a command was called (exit code 2), as opposed to what the chain answered.
export class UsageError extends Error {}
