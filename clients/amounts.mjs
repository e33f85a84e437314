// CAPA amounts as every client here reads and prints them: exact plancks (12 decimals) as
// BigInt, text with all 12 decimals, thousands separators for people.

import { UsageError } from './errors.mjs';

/// Decimals of the token (the runtime's `TOKEN_DECIMALS`).
export const DECIMALS = 12;
/// One CAPA in plancks.
export const UNIT = 10n ** BigInt(DECIMALS);

/// CAPA text ("12", "0.5", "1,000.25" as capa prints it) to plancks, exactly: more than 12
/// decimals is an error.
export function parseCapa(text) {
  const trimmed = String(text).trim();
  // Thousands separators only where capa would print them (groups of three).
  const plain = /^\d{1,3}(,\d{3})+(\.\d*)?$/.test(trimmed) ? trimmed.replaceAll(',', '') : trimmed;
  const match = /^(\d+)(?:\.(\d{0,12}))?$/.exec(plain);
  if (!match) throw new UsageError(`not an amount of CAPA (at most ${DECIMALS} decimals): ${text}`);
  const [, whole, fraction = ''] = match;
  return BigInt(whole) * UNIT + BigInt(fraction.padEnd(DECIMALS, '0'));
}

/// Plancks to CAPA text with all 12 decimals: 1_500_000_000_000n → "1.500000000000".
export function formatCapa(plancks) {
  const value = BigInt(plancks);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / UNIT}.${(abs % UNIT).toString().padStart(DECIMALS, '0')}`;
}

/// "12000000.020000000000" -> "12,000,000.020000000000" (text output only).
export function withSeparators(text) {
  return text.replace(/^(-?)(\d+)(\.\d+)$/, (_, sign, whole, fraction) => {
    return sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + fraction;
  });
}

