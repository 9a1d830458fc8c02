// Option series as the clearing pallet lists them: a market whose instrument is
// `Option { kind, strike, expiryMs, volatilityKey }` on an underlying's index.
// Shared by scripts/list-option-series.mjs and the e2e suite.
import { FIXED, ONE_BTC, ONE_ETH } from './units.mjs';

/** Size decimals, lots and tick of a series on each underlying (lots of 0.01 BTC / 0.1 ETH). */
export const UNDERLYINGS = {
  BTC: { sizeDecimals: 8, lot: ONE_BTC / 100n, tick: FIXED / 10n },
  ETH: { sizeDecimals: 18, lot: ONE_ETH / 10n, tick: FIXED / 100n },
};

/**
 * `MarketParams` for a European option series: `kind` 'Call' or 'Put', `strike` in whole
 * USD, `expiryMs` the chain time it expires at. Margin by the standard rule at 15% initial
 * and 7.5% maintenance of the index; no funding (the fields are present but unused).
 */
export function optionSeriesParams({ underlying = 'BTC', kind, strike, expiryMs, symbol }) {
  const unit = UNDERLYINGS[underlying];
  if (!unit) throw new Error(`unknown underlying ${underlying}: expected ${Object.keys(UNDERLYINGS).join(', ')}`);
  if (kind !== 'Call' && kind !== 'Put') throw new Error(`kind must be Call or Put, not ${kind}`);
  const days = Math.round((Number(expiryMs) - Date.now()) / 86_400_000);
  const letter = kind === 'Call' ? 'C' : 'P';
  // Symbols hold at most 16 bytes: drop the dashes when they do not fit.
  const dashed = `${underlying}-${days}D-${strike}-${letter}`;
  const fallback = dashed.length <= 16 ? dashed : `${underlying}${days}D${strike}${letter}`;
  if ((symbol ?? fallback).length > 16) throw new Error(`symbol ${symbol ?? fallback} is longer than 16 bytes; pass --symbol`);
  return {
    symbol: symbol ?? fallback,
    oracleKey: { Price: underlying },
    sizeDecimals: unit.sizeDecimals,
    tickSize: unit.tick,
    lotSize: unit.lot,
    minSize: unit.lot,
    tiers: [{ notionalFloor: 0, initialFraction: 150_000_000, maintenanceFraction: 75_000_000 }],
    takerFee: 500_000,
    makerFee: 200_000,
    fundingIntervalMs: 3_600_000,
    fundingRateCap: 1_000_000,
    markPriceBand: 5_000_000,
    maxPriceAgeMs: null,
    openInterestCap: 1_000n * 10n ** BigInt(unit.sizeDecimals),
    status: 'Active',
    instrument: {
      Option: {
        kind,
        strike: BigInt(strike) * FIXED,
        expiryMs,
        volatilityKey: { ImpliedVolatility: underlying },
      },
    },
    // Trades and orders within 10% of the underlying's index around the model's mark.
    priceBand: 100_000_000,
  };
}

/** `price` (18 decimals) rounded down to a multiple of `tick`. */
export const onTick = (price, tick) => (price / tick) * tick;
