// The chain's units, shared by the Node.js tools, the e2e suite, the load harness and the
// zombienet steps: token amounts are integers of smallest units, prices and other
// fixed-point values FixedU128/FixedI128 (18 decimals), fractions Perbill.

/** Decimals of `FixedU128`/`FixedI128`: prices (USD per whole token), the oracle's values. */
export const FIXED_DECIMALS = 18;
/** 1.0 in fixed point. */
export const FIXED = 10n ** BigInt(FIXED_DECIMALS);

/** One whole token in smallest units: USDC (6 decimals), BTC (8), ETH (18), CLR (12, fees). */
export const ONE_USDC = 10n ** 6n;
export const ONE_BTC = 10n ** 8n;
export const ONE_ETH = 10n ** 18n;
export const ONE_CLR = 10n ** 12n;

/** `dollars` whole USD as a fixed-point price. */
export const usd = (dollars) => BigInt(dollars) * FIXED;
/** `numerator / denominator` in fixed point, rounded down. */
export const fraction = (numerator, denominator) => (FIXED * BigInt(numerator)) / BigInt(denominator);

/** Parts of a `Perbill`: 100%. */
export const PERBILL = 1_000_000_000;
/** `value` percent (a Number, e.g. 2.5) in Perbill parts. */
export const percent = (value) => Math.round(value * PERBILL / 100);
