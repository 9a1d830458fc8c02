// What a risk change changes: for each `RiskChange` variant, the parameter's value in force
// now, read from the chain in the variant's own shape, so that a referendum can be shown
// as "from → to" and the proposal form can start from the current values.

/** A storage value as JSON, an Option unwrapped (None is null). */
function plain(codec) {
  if (codec === null || codec === undefined) return null;
  if (codec.isNone) return null;
  if (codec.isSome) return codec.unwrap().toJSON();
  return codec.toJSON();
}

/** The variants, the subject each is about ('market', 'asset', 'pair' or none). */
export const SUBJECTS = {
  MarketMarginTiers: 'market', MarketFees: 'market', MarketFundingCap: 'market', MarketOpenInterestCap: 'market',
  MarketStatus: 'market', MarketPriceBand: 'market', MarketAdaptiveMargin: 'market',
  CollateralHaircuts: 'asset', CollateralDepositCap: 'asset', LendingMarket: 'asset',
  SyntheticTerms: 'asset', SyntheticMinting: 'asset',
  Correlation: 'pair',
};

/**
 * The fields of `variant` as they stand now: `subject` is the market id, asset id or
 * `{ first, second }` oracle keys the variant needs. Null when the subject does not exist.
 */
export async function currentValue(api, variant, subject) {
  const q = api.query.clearing;
  const market = async () => {
    const params = plain(await q.markets(subject));
    if (!params) return null;
    return params;
  };
  switch (variant) {
    case 'MarketMarginTiers': { const m = await market(); return m && { market: subject, tiers: m.tiers }; }
    case 'MarketFees': { const m = await market(); return m && { market: subject, makerFee: m.makerFee, takerFee: m.takerFee }; }
    case 'MarketFundingCap': { const m = await market(); return m && { market: subject, fundingRateCap: m.fundingRateCap }; }
    case 'MarketOpenInterestCap': { const m = await market(); return m && { market: subject, openInterestCap: m.openInterestCap }; }
    case 'MarketStatus': { const m = await market(); return m && { market: subject, status: m.status }; }
    case 'MarketPriceBand': { const m = await market(); return m && { market: subject, priceBand: m.priceBand }; }
    case 'MarketAdaptiveMargin': {
      const m = await market();
      return m && { market: subject, params: plain(await q.adaptiveMargins(subject))?.params ?? null };
    }
    case 'CollateralHaircuts': {
      const c = plain(await q.collateralAssets(subject));
      return c && { asset: subject, initialHaircut: c.params.initialHaircut, maintenanceHaircut: c.params.maintenanceHaircut };
    }
    case 'CollateralDepositCap': {
      const c = plain(await q.collateralAssets(subject));
      return c && { asset: subject, depositCap: c.depositCap };
    }
    case 'LendingMarket': { const c = plain(await q.lendingMarkets(subject)); return c && { asset: subject, config: c }; }
    case 'SyntheticTerms': { const s = plain(await q.synthetics(subject)); return s && { asset: subject, terms: s.terms }; }
    case 'SyntheticMinting': { const s = plain(await q.synthetics(subject)); return s && { asset: subject, paused: s.mintingPaused }; }
    case 'SyntheticDebtCeiling': return { ceiling: plain(await q.syntheticDebtCeiling()) };
    case 'MaxPriceAge': return { maxPriceAgeMs: plain(await q.maxPriceAge()) };
    case 'JumpBreaker': return { breaker: plain(await q.jumpBreakerParams()) };
    case 'LiquidationParameters': return { penalty: plain(await q.liquidationPenalty()), buffer: plain(await q.liquidationBuffer()) };
    // Unset, the runtime's maximum is in force.
    case 'LiquidationScanLimit': return { accountsPerBlock: plain(await q.liquidationScanLimit()) ?? api.consts.clearing.maxAccountsScannedPerBlock.toNumber() };
    case 'PortfolioGrid': return { grid: plain(await q.portfolioGridParams()) };
    case 'PortfolioMinimumEquity': return { minimum: plain(await q.portfolioMinimumEquity()) };
    case 'VolatilityModel': return { model: plain(await q.volatilityModelParams()) };
    case 'MarginRampStep': return { step: plain(await q.marginRampStep()) };
    case 'Correlation': {
      const { first, second } = subject;
      // A pair never set counts as fully correlated (one).
      return { first, second, correlation: plain(await q.correlations(first, second)) ?? (10n ** 18n).toString() };
    }
    default:
      return null;
  }
}

/** The subject a change is about, read from its own fields (the inverse of `SUBJECTS`). */
export function subjectOf(variant, fields) {
  switch (SUBJECTS[variant]) {
    case 'market': return fields.market;
    case 'asset': return fields.asset;
    case 'pair': return { first: fields.first, second: fields.second };
    default: return null;
  }
}
