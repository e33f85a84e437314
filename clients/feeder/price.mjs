// Prices as the chain stores them: FixedU128, an unsigned integer scaled by 10^18 ("inner"
// value). Everything here is exact BigInt arithmetic: a price is parsed from its decimal text,
// never through a float.

export const DECIMALS = 18;
export const ONE = 10n ** BigInt(DECIMALS);
/// The feeder's sanity limit: a price above a billion stable units per CAPA is refused as absurd.
export const MAX_PRICE = 1_000_000_000n * ONE;

/// A source value that is not a usable price.
export class PriceError extends Error {}

const DECIMAL = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/// Parses a decimal price (string, or a JSON number through its string form) into the FixedU128
/// inner value. Accepts `0.5`, `12`, `.25`, `1.5e-3`, surrounding whitespace and a leading `+`.
/// Throws PriceError for anything else: non-numeric text, negative, zero, NaN or Infinity, more
/// than 18 significant decimal places (rejected, never rounded: the chain would not get the
/// price the source gave), or above MAX_PRICE.
export function parsePrice(input) {
  let text;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new PriceError(`not a finite number: ${input}`);
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    throw new PriceError(`not a number: ${describe(input)}`);
  }
  if (text.startsWith('-')) {
    if (DECIMAL.test(text.slice(1)) && /\d/.test(text)) {
      throw new PriceError(`negative: ${text}`);
    }
    throw new PriceError(`not a decimal number: ${describe(text)}`);
  }
  if (text.startsWith('+')) text = text.slice(1);
  const match = DECIMAL.exec(text);
  if (!match || !/\d/.test(match[1] + (match[2] ?? ''))) {
    throw new PriceError(`not a decimal number: ${describe(text)}`);
  }
  const [, whole, fraction = '', exponentText = '0'] = match;
  if (exponentText.length > 6) throw new PriceError(`exponent out of range: ${text}`);
  // digits × 10^(exponent - fraction length), as an exact integer scaled by 10^18.
  let digits = BigInt((whole || '0') + fraction);
  let scale = Number(exponentText) - fraction.length + DECIMALS;
  if (scale < 0) {
    const divisor = 10n ** BigInt(-scale);
    if (digits % divisor !== 0n) {
      throw new PriceError(`more than ${DECIMALS} decimal places: ${text}`);
    }
    digits /= divisor;
    scale = 0;
  }
  if (scale > 60) {
    // Only zero can be that large a scale without being absurd.
    if (digits !== 0n) throw new PriceError(`absurdly large: ${text}`);
    scale = 0;
  }
  const inner = digits * 10n ** BigInt(scale);
  if (inner === 0n) throw new PriceError(`zero: ${text}`);
  if (inner > MAX_PRICE) {
    throw new PriceError(`absurdly large: ${text} (limit ${formatPrice(MAX_PRICE)})`);
  }
  return inner;
}

/// The decimal text of a FixedU128 inner value, without trailing zeros: 5n * 10n ** 17n → "0.5".
export function formatPrice(inner) {
  const whole = inner / ONE;
  const fraction = (inner % ONE).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/// Median of inner values: the middle one, or the mean of the two middle ones (rounded down)
/// for an even count. `undefined` for an empty list.
export function median(values) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2n;
}

/// (max - min) / median as a FixedU128-scaled BigInt (ONE = 100%): how far the sources disagree.
export function spread(values) {
  if (values.length < 2) return 0n;
  let min = values[0];
  let max = values[0];
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return ((max - min) * ONE) / median(values);
}

/// Parses a tolerance such as `0.05` (5%) into the same scale as `spread`. Zero is allowed (all
/// sources must agree exactly).
export function parseTolerance(text) {
  if (/^\s*0*(\.0*)?\s*$/.test(text)) return 0n;
  return parsePrice(text);
}

/// The price to submit from the values of the available sources, or why none:
/// `{ price }` or `{ refusal: 'no_source' | 'disagree', message }`.
export function aggregate(values, { tolerance, minSources = 1 }) {
  if (values.length < minSources) {
    return {
      refusal: 'no_source',
      message: `${values.length} source(s) available, at least ${minSources} required`,
    };
  }
  const disagreement = spread(values);
  if (disagreement > tolerance) {
    return {
      refusal: 'disagree',
      message: `sources disagree by ${percent(disagreement)} > tolerance ${percent(tolerance)}`,
    };
  }
  return { price: median(values) };
}

/// A FixedU128-scaled ratio as a percentage with up to two decimals (rounded down): "12.5%".
export function percent(ratio) {
  const hundredths = (ratio * 10_000n) / ONE;
  const fraction = (hundredths % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return `${hundredths / 100n}${fraction ? `.${fraction}` : ''}%`;
}

function describe(value) {
  const text =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
