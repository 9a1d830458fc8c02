// Numbers as people read them: the chain's integers (token units, 18-decimal fixed point,
// Perbill parts) as decimal text with thousands separators, and back. Pure functions, no
// JSX: the browser tests import them too.

/** 1.0 in the chain's fixed point (prices, ratios, greeks): 18 decimals. */
export const FIXED_DECIMALS = 18;
/** Parts of a Perbill: 100%. */
export const PERBILL = 1_000_000_000n;

/** A codec, number, hex or decimal string, or bigint as a bigint (null stays null). */
export function big(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string') return BigInt(value);
  if (typeof value.toBigInt === 'function') return value.toBigInt();
  return BigInt(value.toString());
}

/**
 * `value` (an integer of 10^-decimals units) as decimal text with `dp` decimals, rounded
 * half away from zero, thousands separated by commas: decimal(1_234_567n, 3, 2) is "1,234.57".
 */
export function decimal(value, decimals, dp = 2) {
  const v = big(value);
  const negative = v < 0n;
  let magnitude = negative ? -v : v;
  const places = Math.min(dp, decimals);
  const drop = BigInt(decimals - places);
  if (drop > 0n) {
    const unit = 10n ** drop;
    magnitude = (magnitude + unit / 2n) / unit;
  }
  const scale = 10n ** BigInt(places);
  const whole = (magnitude / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = places > 0 ? `.${(magnitude % scale).toString().padStart(places, '0')}` : '';
  const text = `${whole}${fraction}`;
  return negative && magnitude !== 0n ? `-${text}` : text;
}

/** Decimal text (e.g. "0.25", "60000", "1,000") as an integer of 10^-decimals units. */
export function parseDecimal(text, decimals) {
  const match = /^\s*(-?)(\d[\d,]*)?(?:\.(\d*))?\s*$/.exec(String(text));
  if (!match || (!match[2] && !match[3])) throw new Error(`"${text}" is not a number`);
  const [, sign, whole = '0', fraction = ''] = match;
  if (fraction.length > decimals) throw new Error(`"${text}" has more than ${decimals} decimals`);
  const units = BigInt(whole.replaceAll(',', '') || '0') * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  return sign ? -units : units;
}

/** A bigint as a JS number in whole units (for chart geometry only, never for display). */
export function toNumber(value, decimals) {
  return Number(big(value)) / 10 ** decimals;
}

/** `n` as text with thousands separators. */
export const grouped = (n) => big(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A block count as time at 3 s blocks ("2 min 30 s"). */
export function blocksAsTime(blocks, blockMs = 3_000) {
  const seconds = Math.max(0, Math.round(Number(blocks) * blockMs / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
