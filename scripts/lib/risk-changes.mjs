// Risk-parameter changes as the clearing pallet takes them: the setter of each `RiskChange`
// variant, the preview as plain numbers, and percentages in Perbill parts. Shared by
// scripts/propose-risk-change.mjs, the e2e suite and the desk (scripts/desk/), so it imports
// nothing: it runs in Node.js and in the browser alike.

/** Parts per billion of a percentage string: '4.5' is 45,000,000. */
export function percentToPerbill(text) {
  const match = /^(\d+)(?:\.(\d{1,7}))?%?$/.exec(String(text).trim());
  if (!match) throw new Error(`"${text}" is not a percentage (e.g. 6 or 4.5)`);
  const [, whole, fraction = ''] = match;
  const parts = BigInt(whole) * 10_000_000n + BigInt(fraction.padEnd(7, '0'));
  if (parts > 1_000_000_000n) throw new Error(`"${text}" is above 100%`);
  return Number(parts);
}

/** The setter of each `RiskChange` variant, and how its fields become the call's arguments. */
export const SETTERS = {
  MarketMarginTiers: ['setMarketMarginTiers', (v) => [v.market, v.tiers]],
  MarketFees: ['setMarketFees', (v) => [v.market, v.makerFee, v.takerFee]],
  MarketFundingCap: ['setMarketFundingCap', (v) => [v.market, v.fundingRateCap]],
  MarketOpenInterestCap: ['setMarketOpenInterestCap', (v) => [v.market, v.openInterestCap]],
  MarketStatus: ['setMarketStatus', (v) => [v.market, v.status]],
  CollateralHaircuts: ['setCollateralHaircuts', (v) => [v.asset, v.initialHaircut, v.maintenanceHaircut]],
  CollateralDepositCap: ['setCollateralDepositCap', (v) => [v.asset, v.depositCap]],
  MaxPriceAge: ['setMaxPriceAge', (v) => [v.maxPriceAgeMs]],
  JumpBreaker: ['setJumpBreaker', (v) => [v.breaker.bound]],
  LiquidationParameters: ['setLiquidationParameters', (v) => [v.penalty, v.buffer]],
  LiquidationScanLimit: ['setLiquidationScanLimit', (v) => [v.accountsPerBlock]],
  PortfolioGrid: ['setPortfolioGrid', (v) => [v.grid]],
  PortfolioMinimumEquity: ['setPortfolioMinimumEquity', (v) => [v.minimum]],
  Correlation: ['setCorrelation', (v) => [v.first, v.second, v.correlation]],
  VolatilityModel: ['setVolatilityModel', (v) => [v.model]],
  MarketAdaptiveMargin: ['setMarketAdaptiveMargin', (v) => [v.market, v.params]],
  MarginRampStep: ['setMarginRampStep', (v) => [v.step]],
  MarketPriceBand: ['setMarketPriceBand', (v) => [v.market, v.priceBand]],
  LendingMarket: ['setLendingMarket', (v) => [v.asset, v.config]],
  SyntheticTerms: ['setSyntheticTerms', (v) => [v.asset, v.terms]],
  SyntheticMinting: ['setSyntheticMinting', (v) => [v.asset, v.paused]],
  SyntheticDebtCeiling: ['setSyntheticDebtCeiling', (v) => [v.ceiling]],
};

/** The clearing call that makes `change` (a registry `RiskChange`). */
export function setterCall(api, change) {
  const [setter, args] = SETTERS[change.type];
  const fields = Object.fromEntries([...change.value.entries()]);
  if (change.type === 'JumpBreaker') fields.breaker = Object.fromEntries([...fields.breaker.entries()]);
  return api.tx.clearing[setter](...args(fields));
}

/** The preview as plain numbers and addresses. */
export function previewToJson(preview) {
  const census = (c) => ({
    accountsBelowMaintenance: c.accountsBelowMaintenance.toNumber(),
    equityBelowMaintenance: c.equityBelowMaintenance.toBigInt().toString(),
    accountsBelowInitial: c.accountsBelowInitial.toNumber(),
    equityBelowInitial: c.equityBelowInitial.toBigInt().toString(),
  });
  return {
    accountsChecked: preview.accountsChecked.toNumber(),
    before: census(preview.before),
    after: census(preview.after),
    newlyBelowMaintenance: preview.newlyBelowMaintenance.map((who) => who.toString()),
    newlyBelowInitial: preview.newlyBelowInitial.map((who) => who.toString()),
  };
}

/** The `RiskChange` type's name in the runtime's registry (the preview's argument). */
export function riskChangeType(api) {
  return api.call.clearingApi.previewRiskChange.meta.params[0].type.toString();
}

/**
 * The `RiskChange` (a registry value) that the clearing call `call` makes, or null when
 * `call` is not one of the risk setters: the inverse of `setterCall`, so that a
 * referendum's proposal can be previewed and shown as "which parameter, to what". The
 * call's argument names are the variant's field names, but for `JumpBreaker`, whose one
 * field wraps the bound.
 */
export function changeFromCall(api, call) {
  if (call.section !== 'clearing') return null;
  const entry = Object.entries(SETTERS).find(([, [setter]]) => setter === call.method);
  if (!entry) return null;
  const [variant] = entry;
  const names = call.meta.args.map((arg) => camelCase(arg.name.toString()));
  const fields = Object.fromEntries(names.map((name, i) => [name, call.args[i]]));
  const value = variant === 'JumpBreaker' ? { breaker: { bound: fields.bound } } : fields;
  return api.createType(riskChangeType(api), { [variant]: value });
}

function camelCase(name) {
  return name.replace(/_([a-z0-9])/g, (_, letter) => letter.toUpperCase());
}
