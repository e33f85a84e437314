// Processes and polling shared by the command-line tools and the tests: free loopback ports,
// waiting for a condition, and child processes whose output is kept and which never outlive
// this process.

import { spawn } from 'node:child_process';
import { createServer as createTcpServer } from 'node:net';

/// Where `freePorts` picks: below Linux's ephemeral range (32768-60999 by default), from which
/// the kernel takes the local port of every outgoing connection and of every `listen(0)`. A
/// port picked there could be taken by one of the many connections the tests open between the
/// pick and its use (seen: a feeder's metrics port, picked a minute before use, EADDRINUSE).
const PORTS_FROM = 20_000;
const PORTS_TO = 32_767;
/// Ports this process handed out already: never handed out twice.
const handedOut = new Set();

/// `count` free TCP ports on 127.0.0.1, each checked by listening on it, picked at random in
/// [`PORTS_FROM`, `PORTS_TO`] and never twice in one process.
export async function freePorts(count) {
  const held = [];
  try {
    for (let attempts = 0; held.length < count; attempts += 1) {
      if (attempts > 1_000) throw new Error(`no free port in ${PORTS_FROM}-${PORTS_TO} after 1,000 attempts`);
      const port = PORTS_FROM + Math.floor(Math.random() * (PORTS_TO - PORTS_FROM + 1));
      if (handedOut.has(port)) continue;
      const server = await new Promise((resolve) => {
        const candidate = createTcpServer();
        candidate.once('error', () => resolve(null));
        candidate.listen(port, '127.0.0.1', () => resolve(candidate));
      });
      if (server) {
        held.push(server);
        handedOut.add(port);
      }
    }
    return held.map((s) => s.address().port);
  } finally {
    await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// Polls `check` until it returns a truthy value (returned), or fails after `ms`.
export async function waitFor(description, check, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${ms / 1000} s waiting for ${description}`);
    await sleep(500);
  }
}

// Whatever happens to the test process, its children do not outlive it.
const children = new Set();
process.on('exit', () => {
  for (const child of children) if (child.alive) child.process.kill('SIGKILL');
});

/// A child process whose output lines are kept (the last `keep` of them); `env` replaces the
/// environment it inherits.
export class Child {
  constructor(name, command, args, keep = 2000, { env } = {}) {
    this.name = name;
    this.lines = [];
    this.exit = new Promise((resolve) => {
      this.process = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
      this.process.on('exit', (code, signal) => resolve({ code, signal }));
      children.add(this);
    });
    for (const stream of [this.process.stdout, this.process.stderr]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop();
        this.lines.push(...parts);
        if (this.lines.length > keep) this.lines.splice(0, this.lines.length - keep);
      });
    }
  }

  get alive() {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /// Lines from index `from` on that match `pattern`.
  matching(pattern, from = 0) {
    return this.lines.slice(from).filter((line) => pattern.test(line));
  }

  waitForLine(pattern, ms, from = 0) {
    return waitFor(
      `${this.name} to log ${pattern}`,
      () => {
        if (!this.alive && !this.matching(pattern, from).length) {
          throw new Error(`${this.name} exited:\n${this.lines.slice(-20).join('\n')}`);
        }
        return this.matching(pattern, from)[0];
      },
      ms,
    );
  }

  /// Sends `signal` and resolves with the exit; SIGKILL if it has not exited within `ms`.
  async stop(signal = 'SIGTERM', ms = 10_000) {
    if (!this.alive) return this.exit;
    this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), ms);
    const result = await this.exit;
    clearTimeout(timer);
    return result;
  }

  dump(count = 40) {
    return `--- last lines of ${this.name} ---\n${this.lines.slice(-count).join('\n')}`;
  }
}
