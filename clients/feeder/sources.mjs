// Price sources, given on the command line as `--source SPEC`:
//
//   fixed:0.5                         a constant (development chains)
//   file:/path/to/price.txt           a file holding one decimal number; stale when its mtime is
//                                     older than --source-max-age seconds
//   http(s)://host:port/path#a.b.c    GET returning JSON; the fragment is a dotted path to the
//                                     value (array indices are numbers: `data.0.price`; no
//                                     fragment: the whole body is the value)
//   http(s)://...#a.b.c@a.time        the same, with the path of a Unix timestamp in seconds
//                                     after `@`: stale when older than --source-max-age
//
// Reading a source never throws: it resolves with `{ value }` (FixedU128 inner value) or
// `{ error }` (why the source is unavailable, for the log).

import { readFile, stat } from 'node:fs/promises';

import { PriceError, parsePrice } from './price.mjs';

export const HTTP_TIMEOUT_MS = 3000;

/// Parses one `--source` spec; throws an Error with a usage message for a malformed one.
export function parseSource(spec) {
  if (spec.startsWith('fixed:')) {
    let value;
    try {
      value = parsePrice(spec.slice('fixed:'.length));
    } catch (e) {
      throw new Error(`--source ${spec}: ${e.message}`);
    }
    return { kind: 'fixed', label: spec, value };
  }
  if (spec.startsWith('file:')) {
    const path = spec.slice('file:'.length);
    if (!path) throw new Error(`--source ${spec}: a file path is required`);
    return { kind: 'file', label: spec, path };
  }
  if (/^https?:\/\//.test(spec)) {
    let url;
    try {
      url = new URL(spec);
    } catch {
      throw new Error(`--source ${spec}: not a valid URL`);
    }
    let fragment;
    try {
      fragment = decodeURIComponent(url.hash.slice(1));
    } catch {
      throw new Error(`--source ${spec}: malformed escape in the JSON path`);
    }
    url.hash = '';
    const at = fragment.lastIndexOf('@');
    const valuePath = at < 0 ? fragment : fragment.slice(0, at);
    const timePath = at < 0 ? undefined : fragment.slice(at + 1);
    if (timePath === '') throw new Error(`--source ${spec}: empty timestamp path after '@'`);
    // Never log credentials that a URL may carry.
    const shown = new URL(spec);
    if (shown.username || shown.password) {
      shown.username = '***';
      shown.password = '';
    }
    return {
      kind: 'http',
      label: shown.toString(),
      url: url.toString(),
      valuePath: splitPath(valuePath),
      timePath: timePath === undefined ? undefined : splitPath(timePath),
    };
  }
  throw new Error(
    `--source ${spec}: expected fixed:<price>, file:<path> or http(s)://<url>#<json.path>`,
  );
}

function splitPath(path) {
  return path === '' ? [] : path.split('.');
}

/// The value at a dotted path (already split) in parsed JSON, or `undefined`.
export function extractPath(json, path) {
  let node = json;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(key)) return undefined;
      node = node[Number(key)];
    } else {
      if (!Object.hasOwn(node, key)) return undefined;
      node = node[key];
    }
  }
  return node;
}

/// Reads a source. `maxAgeSeconds`: staleness limit for files and timestamped HTTP sources;
/// `now`: the current time in milliseconds (for tests).
export async function readSource(
  source,
  { maxAgeSeconds, now = Date.now(), timeoutMs = HTTP_TIMEOUT_MS } = {},
) {
  try {
    switch (source.kind) {
      case 'fixed':
        return { value: source.value };
      case 'file':
        return await readFileSource(source, maxAgeSeconds, now);
      case 'http':
        return await readHttpSource(source, maxAgeSeconds, now, timeoutMs);
      default:
        return { error: `unknown source kind ${source.kind}` };
    }
  } catch (e) {
    return { error: e instanceof PriceError ? `invalid price: ${e.message}` : e.message };
  }
}

async function readFileSource(source, maxAgeSeconds, now) {
  let info;
  try {
    info = await stat(source.path);
  } catch (e) {
    return { error: e.code === 'ENOENT' ? 'no such file' : e.message };
  }
  const age = (now - info.mtimeMs) / 1000;
  if (maxAgeSeconds !== undefined && age > maxAgeSeconds) {
    return { error: `stale: modified ${Math.round(age)} s ago (max ${maxAgeSeconds} s)` };
  }
  return { value: parsePrice(await readFile(source.path, 'utf8')) };
}

async function readHttpSource(source, maxAgeSeconds, now, timeoutMs) {
  let response;
  try {
    response = await fetch(source.url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
    });
  } catch (e) {
    if (e.name === 'TimeoutError') return { error: `no answer within ${timeoutMs} ms` };
    return { error: `request failed: ${e.cause?.message ?? e.message}` };
  }
  let body;
  try {
    body = await response.text();
  } catch (e) {
    return { error: `reading the answer failed: ${e.message}` };
  }
  if (!response.ok) return { error: `HTTP ${response.status} ${response.statusText}`.trim() };
  let json;
  try {
    json = JSON.parse(body);
  } catch {
    return { error: 'the answer is not JSON' };
  }
  const raw = extractPath(json, source.valuePath);
  if (raw === undefined) return { error: `no value at ${pathName(source.valuePath)}` };
  if (source.timePath) {
    const time = extractPath(json, source.timePath);
    const seconds = typeof time === 'string' && /^\d+(\.\d+)?$/.test(time) ? Number(time) : time;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
      return { error: `no Unix timestamp (seconds) at ${pathName(source.timePath)}` };
    }
    const age = now / 1000 - seconds;
    if (maxAgeSeconds !== undefined && age > maxAgeSeconds) {
      return { error: `stale: timestamp ${Math.round(age)} s old (max ${maxAgeSeconds} s)` };
    }
  }
  return { value: parsePrice(raw) };
}

function pathName(path) {
  return path.length ? path.join('.') : '(the whole answer)';
}
