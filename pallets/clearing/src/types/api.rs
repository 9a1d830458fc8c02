//! What the runtime API returns: account, market, margin and insurance-fund reports,
//! liquidation pages, risk-change previews and adaptive-margin warnings. Read-only views,
//! encoded for the API; nothing here is stored.

use codec::{Decode, Encode};
use risk_engine::{MarginTier, OpenOrders, Price};
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;
use sp_runtime::RuntimeDebug;

use super::*;

/// A collateral line of an [`AccountReport`].
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct CollateralReport<AssetId> {
	/// The asset.
	pub asset: AssetId,
	/// What the account's balance is worth in the asset's units, interest included
	/// (negative: a borrow, what it owes).
	pub balance: i128,
	/// Its market value in settlement units (no haircut, no weight), if priced.
	pub value: Option<i128>,
	/// What it counts for initial margin: a supply at its initial haircut, a borrow at its
	/// initial liability weight (negative; under portfolio margin a borrow of an asset
	/// other than the settlement asset at its market value, the scan carrying its risk).
	pub initial_value: Option<i128>,
	/// What it counts for maintenance margin, likewise.
	pub maintenance_value: Option<i128>,
}

/// An account's stake in one money market, as [`AccountReport`] and [`MarginReport`] list
/// it (see [`crate::lending`]): token amounts in the asset's smallest units, yields annual
/// 18-decimal fractions (`0.05` is 5% a year).
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct LendingLine<AssetId> {
	/// The asset.
	pub asset: AssetId,
	/// Tokens the account supplies to the market (lent out, earning), interest included.
	pub supplied: u128,
	/// Tokens it holds segregated: never lent, earning nothing.
	pub segregated: u128,
	/// Tokens it owes, interest included.
	pub borrowed: u128,
	/// What a supply of the asset earns a year at the rate in force, compounded every
	/// block, after the reserve.
	pub supply_apy: sp_arithmetic::FixedU128,
	/// What a borrow of the asset pays a year at the rate in force, compounded every block.
	pub borrow_apy: sp_arithmetic::FixedU128,
	/// Tokens of interest a day at the rates in force (simple): positive, earned on the
	/// supply; negative, paid on the borrow.
	pub interest_per_day: i128,
	/// Tokens of interest the balance has accrued since it was opened: positive, earned
	/// (net of what it paid while a borrow: a balance that turns from supply to borrow
	/// keeps what it earned); negative, paid. Credits of any kind (the insurance fund's
	/// reserve income included) are not interest. A balance closed at zero starts again.
	/// `None` for a balance stored before interest was tracked (storage version 4), until
	/// the version 5 pass or its next change.
	pub interest_accrued: Option<i128>,
}

/// A position line of an [`AccountReport`].
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct PositionReport {
	/// The market.
	pub market: MarketId,
	/// Signed size in size units.
	pub position_size: i128,
	/// Average entry price.
	pub entry_price: Option<Price>,
	/// The mark price used.
	pub mark_price: Option<Price>,
	/// `|size| x mark` in settlement units.
	pub notional: u128,
	/// Unrealized PnL in settlement units.
	pub unrealized_pnl: i128,
	/// Funding owed since the position last settled (positive: the account pays).
	pub funding_owed: i128,
	/// Initial requirement of the position.
	pub initial_requirement: u128,
	/// Maintenance requirement of the position.
	pub maintenance_requirement: u128,
	/// The account's resting orders in the market, summed per side.
	pub open_orders: OpenOrders,
	/// Initial margin those resting orders need on top of the position's.
	pub open_order_requirement: u128,
	/// The mark at which the account (cross) or the position (isolated) reaches zero health.
	pub liquidation_price: Option<Price>,
	/// The isolated margin, for an isolated position.
	pub isolated_margin: Option<i128>,
	/// The isolated position's health, for an isolated position.
	pub isolated_health: Option<i128>,
}

/// Everything about an account's margin, in settlement units.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct AccountReport<AssetId> {
	/// Collateral per asset.
	pub collateral: alloc::vec::Vec<CollateralReport<AssetId>>,
	/// Collateral at initial haircuts + cross unrealized PnL - cross funding owed.
	pub equity_initial: i128,
	/// Collateral at maintenance haircuts + cross unrealized PnL - cross funding owed.
	pub equity_maintenance: i128,
	/// Cross initial requirement, resting orders' included.
	pub initial_requirement: u128,
	/// The part of `initial_requirement` that resting orders need.
	pub open_order_requirement: u128,
	/// Cross maintenance requirement.
	pub maintenance_requirement: u128,
	/// `equity_initial - initial_requirement`: what may be withdrawn or used to add risk.
	pub free_collateral: i128,
	/// `equity_maintenance - maintenance_requirement`: below zero, liquidatable.
	pub health: i128,
	/// Every position, cross and isolated.
	pub positions: alloc::vec::Vec<PositionReport>,
	/// Whether some price the report needed was missing or stale (figures then use it anyway
	/// where present, and leave out what has no price).
	pub uses_stale_prices: bool,
	/// Per asset the account supplies, holds segregated or owes: its stake in the money
	/// market, the settlement asset first.
	pub lending: alloc::vec::Vec<LendingLine<AssetId>>,
	/// Per synthetic the account owes: the debt, its value and what it requires. What each
	/// takes from equity (`initial_value`, `maintenance_value`) adds up with the collateral
	/// rows to the equity figures.
	pub synthetics: alloc::vec::Vec<SyntheticDebtLine<AssetId>>,
}

/// An account's debt of one synthetic, as [`AccountReport`] and [`MarginReport`] list it
/// (see [`crate::synthetics`]): settlement units unless said otherwise.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct SyntheticDebtLine<AssetId> {
	/// The synthetic's token.
	pub asset: AssetId,
	/// Tokens owed, in the token's smallest units.
	pub debt: u128,
	/// The synthetic's price (USD per whole token, 18 decimals), if it has one.
	pub price: Option<Price>,
	/// The debt's market value (rounded up), if priced.
	pub value: Option<u128>,
	/// What it requires at initial margin: `value x initial fraction` (cross margin and the
	/// pool beside isolated positions; under portfolio margin the scan carries it instead,
	/// unless the synthetic is pegged to a constant).
	pub initial_requirement: Option<u128>,
	/// What it requires at maintenance: `value x maintenance fraction`, likewise.
	pub maintenance_requirement: Option<u128>,
	/// What it takes from initial equity (negative): its value, plus its initial
	/// requirement where its weight counts it (not in a portfolio scan).
	pub initial_value: Option<i128>,
	/// What it takes from maintenance equity (negative), likewise.
	pub maintenance_value: Option<i128>,
	/// The stability fee owed since the debt last paid, not yet paid: counted in the
	/// settlement row already (it is paid from that balance at the debt's next change).
	pub fee_owed: u128,
}

/// A synthetic as `ClearingApi::synthetics` reports it (see [`crate::synthetics`]).
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct SyntheticReport<AccountId, AssetId, OracleKey> {
	/// The synthetic's token.
	pub asset: AssetId,
	/// What its price follows, its decimals, terms and pause.
	pub config: SyntheticConfig<OracleKey>,
	/// The token's supply, smallest units.
	pub supply: u128,
	/// Tokens owed by all issuers together (always the supply).
	pub total_debt: u128,
	/// The debt cap, tokens (from the terms).
	pub debt_cap: u128,
	/// The price (USD per whole token, 18 decimals) and whether it is fresh, if any.
	pub price: Option<(Price, bool)>,
	/// The debt's value at the price, settlement units.
	pub debt_value: Option<u128>,
	/// The stability fee's cumulative index (settlement value per whole token, 18
	/// decimals).
	pub fee_index: sp_arithmetic::FixedU128,
	/// Issuance and stability fees paid to the insurance fund since listing, settlement
	/// units.
	pub fees_paid: u128,
	/// How many accounts owe it (the insurance fund included).
	pub issuers: u32,
	/// All its issuers together (the insurance fund left out): what they are worth at
	/// market before their synthetic debts (collateral less borrows, positions' PnL and
	/// funding included, no haircut) over what those debts are worth. Above one, the
	/// debt is backed. `None` when no trader owes it.
	pub collateralisation: Option<sp_arithmetic::FixedU128>,
	/// Up to four issuers with the least health (settlement units), least first: whom a
	/// redemption of the token retires first.
	pub least_healthy: alloc::vec::Vec<(AccountId, i128)>,
}

/// A market as the runtime API reports it.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct MarketReport<OracleKey> {
	/// The market's id.
	pub id: MarketId,
	/// Symbol, as UTF-8 bytes.
	pub symbol: alloc::vec::Vec<u8>,
	/// Oracle key of the index.
	pub oracle_key: OracleKey,
	/// Size decimals.
	pub size_decimals: u8,
	/// Tick size.
	pub tick_size: Price,
	/// Lot size.
	pub lot_size: u128,
	/// Minimum size.
	pub min_size: u128,
	/// Margin schedule.
	pub tiers: alloc::vec::Vec<MarginTier>,
	/// Taker fee.
	pub taker_fee: Perbill,
	/// Maker fee.
	pub maker_fee: Perbill,
	/// Funding interval (ms).
	pub funding_interval_ms: u64,
	/// Funding premium cap per interval.
	pub funding_rate_cap: Perbill,
	/// The maximum index age in force for this market (ms).
	pub max_price_age_ms: u64,
	/// Open-interest cap.
	pub open_interest_cap: u128,
	/// Status.
	pub status: MarketStatus,
	/// A perpetual or an option series.
	pub instrument: Instrument<OracleKey>,
	/// Whether the series has expired (always `false` for a perpetual): it no longer trades
	/// and its positions settle at the index.
	pub expired: bool,
	/// For an option series, the implied volatility its mark uses, if known.
	pub implied_volatility: Option<Price>,
	/// Open interest (total long size).
	pub open_interest: u128,
	/// Cumulative funding index.
	pub funding_index: FundingIndex,
	/// The oracle's latest index price and its timestamp (ms), if any (before the jump
	/// breaker).
	pub index_price: Option<(Price, u64)>,
	/// Whether the index in force is fresh (younger than the maximum price age): when not,
	/// nothing that adds risk trades and nobody is liquidated in this market.
	pub index_fresh: bool,
	/// A jump the breaker is holding, if any: the index in force is the previous price.
	pub held_jump: Option<Price>,
	/// Mark price, if the index is known.
	pub mark_price: Option<Price>,
	/// Last trade price.
	pub last_trade_price: Option<Price>,
	/// Best bid on the book.
	pub best_bid: Option<Price>,
	/// Best ask on the book.
	pub best_ask: Option<Price>,
	/// How far from the index trades may print and orders rest (see
	/// [`MarketParams::price_band`]).
	pub price_band: Perbill,
	/// The lowest and highest price a trade may print at now, if the market has a price.
	pub price_band_bounds: Option<(Price, Price)>,
}

/// An account below maintenance, as the runtime API lists it.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct LiquidatableAccount<AccountId> {
	/// The account.
	pub who: AccountId,
	/// Its cross health (negative when the cross account is liquidatable).
	pub cross_health: i128,
	/// Whether its cross account is liquidatable.
	pub cross: bool,
	/// Its isolated positions that are liquidatable.
	pub isolated_markets: alloc::vec::Vec<MarketId>,
}

/// A page of the liquidatable-accounts scan.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct LiquidatablePage<AccountId> {
	/// The liquidatable accounts among those checked.
	pub accounts: alloc::vec::Vec<LiquidatableAccount<AccountId>>,
	/// The last account checked: pass it as `start_after` for the next page; `None` when the
	/// scan reached the end.
	pub last_checked: Option<AccountId>,
}

/// The insurance fund as the runtime API reports it.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct InsuranceFundReport<AccountId, AssetId> {
	/// The fund's account.
	pub account: AccountId,
	/// Its settlement balance: what it can pay bad debt from.
	pub settlement_balance: i128,
	/// Collateral it took over from bankrupt accounts and reserves it earned, by asset:
	/// what each balance is worth in tokens (negative: a borrow it took over).
	pub collateral: alloc::vec::Vec<(AssetId, i128)>,
	/// Positions it took over from liquidations, by market (signed size).
	pub positions: alloc::vec::Vec<(MarketId, i128)>,
	/// Its net value: settlement balance, collateral at market value and positions at the
	/// mark (settlement units). Below zero, auto-deleveraging recovers the deficit.
	pub net_value: i128,
}

/// A market's adaptive margin, as [`crate::Pallet::adaptive_margin_report`] reports it.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct AdaptiveMarginReport {
	/// The market.
	pub market: MarketId,
	/// The underlying's annualized volatility estimate (0.6 is 60%); the model's seed
	/// before any return was seen.
	pub volatility: sp_arithmetic::FixedI128,
	/// Returns folded into the estimate so far.
	pub samples: u32,
	/// When the estimate last moved (ms); zero before the first price.
	pub last_update_ms: u64,
	/// The parameters.
	pub params: AdaptiveParams,
	/// The static schedule's first-tier initial fraction.
	pub static_initial: Perbill,
	/// The static schedule's first-tier maintenance fraction.
	pub static_maintenance: Perbill,
	/// The initial fraction the ramp heads for.
	pub target_initial: Perbill,
	/// The maintenance fraction the ramp heads for.
	pub target_maintenance: Perbill,
	/// The initial fraction in force.
	pub effective_initial: Perbill,
	/// The maintenance fraction in force.
	pub effective_maintenance: Perbill,
	/// The most a fraction rises per block.
	pub ramp_step: Perbill,
	/// Blocks until the fractions in force reach the target (zero when there).
	pub ramp_blocks_left: u32,
	/// How far the ramp has come: the share of the rise from the fractions in force when
	/// the target last rose, 100% when there is nothing left to rise.
	pub ramp_progress: Perbill,
}

/// An account that meets its requirements now but would not once every adaptive market's
/// ramp reaches its target: warned before it happens, with time to add collateral.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct RampWarning<AccountId> {
	/// The account.
	pub who: AccountId,
	/// Cross equity at maintenance haircuts plus every isolated position's equity.
	pub equity: i128,
	/// The cross maintenance requirement in force.
	pub maintenance_now: u128,
	/// The cross maintenance requirement at the targets.
	pub maintenance_at_target: u128,
	/// The cross initial requirement in force.
	pub initial_now: u128,
	/// The cross initial requirement at the targets.
	pub initial_at_target: u128,
	/// At the targets the account (or an isolated position of it) is below maintenance:
	/// liquidatable unless it adds collateral or reduces risk.
	pub liquidatable_at_target: bool,
	/// Blocks until the slowest ramp reaches its target: the time left to act.
	pub blocks_left: u32,
}

/// How many accounts are below their margin requirements, and how much equity they hold.
#[derive(Clone, Copy, PartialEq, Eq, RuntimeDebug, Default, Encode, Decode, TypeInfo)]
pub struct MarginCensus {
	/// Accounts whose cross account or some isolated position is below maintenance: the
	/// liquidatable ones.
	pub accounts_below_maintenance: u32,
	/// Their equity (cross at maintenance haircuts plus isolated), in settlement units.
	pub equity_below_maintenance: i128,
	/// Accounts whose cross account or some isolated position is below initial margin: they
	/// can add no risk and withdraw nothing.
	pub accounts_below_initial: u32,
	/// Their equity, in settlement units.
	pub equity_below_initial: i128,
}

/// What a risk change would do to the accounts that hold positions, as
/// [`crate::Pallet::preview_risk_change`] reports it: the census under the parameters that
/// will be in force (changes already scheduled included) and under the same with `change`.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct RiskChangePreview<AccountId> {
	/// Accounts checked (every account holding positions or resting orders).
	pub accounts_checked: u32,
	/// Without the change.
	pub before: MarginCensus,
	/// With the change.
	pub after: MarginCensus,
	/// Accounts the change would take below maintenance: liquidatable once it applies.
	pub newly_below_maintenance: alloc::vec::Vec<AccountId>,
	/// Accounts the change would take below initial margin (but not maintenance).
	pub newly_below_initial: alloc::vec::Vec<AccountId>,
}

/// An account's requirement under one margin mode.
#[derive(Clone, Copy, PartialEq, Eq, RuntimeDebug, Default, Encode, Decode, TypeInfo)]
pub struct ModeRequirement {
	/// Initial requirement, settlement units.
	pub initial_requirement: u128,
	/// Maintenance requirement, settlement units.
	pub maintenance_requirement: u128,
	/// Gross notional over the initial requirement (the collateral the mode locks): how
	/// much exposure each unit of locked collateral carries. `None` with nothing locked.
	pub capital_efficiency: Option<sp_arithmetic::FixedU128>,
}

/// One underlying of an account's book, as portfolio margin sees it.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct UnderlyingExposure<OracleKey> {
	/// The underlying's oracle key.
	pub oracle_key: OracleKey,
	/// The price the scan moves from (the mark of its markets), USD per whole unit.
	pub price: Price,
	/// Net delta, whole units of the underlying (perpetuals count their size).
	pub delta: sp_arithmetic::FixedI128,
	/// Net gamma.
	pub gamma: sp_arithmetic::FixedI128,
	/// Net vega, USD per unit of volatility.
	pub vega: sp_arithmetic::FixedI128,
	/// The worst scenario loss, USD.
	pub worst_loss: sp_arithmetic::FixedI128,
	/// The price move of the worst scenario, as a signed share of the price.
	pub worst_move: sp_arithmetic::FixedI128,
}

/// An account's book margined every way, as `ClearingApi::margin_report` returns it.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct MarginReport<OracleKey, AssetId> {
	/// The mode in force for the account's cross positions.
	pub mode: MarginMode,
	/// `|size| x mark` summed over every perpetual and `|size| x index` over every option
	/// (the underlying it covers), settlement units.
	pub gross_notional: u128,
	/// Collateral at initial haircuts plus unrealized PnL less funding owed (the cross
	/// account's initial equity), settlement units.
	pub equity: i128,
	/// Every position margined alone, as if isolated.
	pub isolated: ModeRequirement,
	/// Every position in one pool with tiered requirements (cross margin; the mode in
	/// force for cross positions).
	pub cross: ModeRequirement,
	/// Every cross position in one scenario scan (portfolio margin), plus each isolated
	/// position's own requirement.
	pub portfolio: ModeRequirement,
	/// Per underlying: net greeks and the scan's worst loss.
	pub underlyings: alloc::vec::Vec<UnderlyingExposure<OracleKey>>,
	/// Per asset the account supplies, holds segregated or owes: its stake in the money
	/// market (what its collateral earns, what its borrows cost).
	pub lending: alloc::vec::Vec<LendingLine<AssetId>>,
	/// Per synthetic the account owes: the debt, its value and what it requires.
	pub synthetics: alloc::vec::Vec<SyntheticDebtLine<AssetId>>,
}

/// How much of one collateral asset is earning, as [`ChainEfficiency`] lists it: token
/// amounts in the asset's smallest units.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct CollateralYield<AssetId> {
	/// The asset.
	pub asset: AssetId,
	/// Everything deposited: supplied plus segregated, interest included.
	pub deposited: u128,
	/// Of it, supplied to the money market.
	pub supplied: u128,
	/// Of it, held segregated (never lent).
	pub segregated: u128,
	/// Lent out to borrowers: the productive part.
	pub borrowed: u128,
	/// `borrowed / deposited`: the share of the deposits that is lent out and earns.
	pub productive_share: Perbill,
	/// What the deposits earn a year on average at the rate in force (simple):
	/// `supply_rate x supplied / deposited`, segregated tokens counting as earning nothing.
	pub average_yield: sp_arithmetic::FixedU128,
	/// The deposits' value at the oracle price, settlement units (`None`: no price).
	pub value: Option<u128>,
}

/// Capital efficiency across the chain, as `ClearingApi::capital_efficiency` returns it.
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct ChainEfficiency<AssetId> {
	/// Accounts holding positions.
	pub accounts: u32,
	/// Their gross notional, settlement units.
	pub gross_notional: u128,
	/// What their mode in force locks.
	pub locked_in_force: u128,
	/// What portfolio margin would lock for the same books.
	pub locked_portfolio: u128,
	/// `gross_notional / locked_in_force`.
	pub efficiency_in_force: Option<sp_arithmetic::FixedU128>,
	/// `gross_notional / locked_portfolio`.
	pub efficiency_portfolio: Option<sp_arithmetic::FixedU128>,
	/// Per collateral asset: what is deposited, supplied, segregated and lent out, and what
	/// it earns.
	pub collateral: alloc::vec::Vec<CollateralYield<AssetId>>,
	/// Over every priced collateral asset, by value: the share of deposits lent out and
	/// earning (`None`: nothing deposited, or nothing priced).
	pub productive_share: Option<Perbill>,
	/// Over every priced collateral asset, by value: what collateral earns a year on
	/// average at the rates in force, idle and segregated collateral included at zero.
	pub average_yield: Option<sp_arithmetic::FixedU128>,
}

impl<AssetId> Default for ChainEfficiency<AssetId> {
	fn default() -> Self {
		Self {
			accounts: 0,
			gross_notional: 0,
			locked_in_force: 0,
			locked_portfolio: 0,
			efficiency_in_force: None,
			efficiency_portfolio: None,
			collateral: alloc::vec::Vec::new(),
			productive_share: None,
			average_yield: None,
		}
	}
}

/// A trade `ClearingApi::simulate` applies to an account's book before reporting it.
#[derive(Clone, Copy, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct SimulatedTrade {
	/// The market.
	pub market: MarketId,
	/// Size units from the account's side: positive buys, negative sells.
	pub trade_size: i128,
	/// The price; `None` for the market's mark.
	pub price: Option<Price>,
}

/// One asset's money market, as `ClearingApi::money_market` returns it (see
/// [`crate::lending`]). Token amounts are in the asset's smallest units; rates and yields
/// are annual, 18-decimal fractions (`0.05` is 5% a year).
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct MoneyMarketReport<AssetId> {
	/// The asset.
	pub asset: AssetId,
	/// What suppliers are owed, interest included.
	pub supplied: u128,
	/// What borrowers owe, interest included (settlement debts among them).
	pub borrowed: u128,
	/// The tokens the pool holds for the asset (its cash): what can leave now.
	pub cash: u128,
	/// Of the cash, the tokens accounts hold segregated: never lent, always there for
	/// their owners.
	pub segregated: u128,
	/// Borrowed over supplied.
	pub utilisation: Perbill,
	/// The borrow rate in force until the end of this block.
	pub borrow_rate: sp_arithmetic::FixedU128,
	/// What suppliers earn at this utilisation, after the reserve.
	pub supply_rate: sp_arithmetic::FixedU128,
	/// The borrow rate compounded every block over a year.
	pub borrow_apy: sp_arithmetic::FixedU128,
	/// The supply rate compounded every block over a year.
	pub supply_apy: sp_arithmetic::FixedU128,
	/// Tokens one scaled unit of supply is worth.
	pub supply_index: sp_arithmetic::FixedU128,
	/// Tokens one scaled unit of borrow owes.
	pub borrow_index: sp_arithmetic::FixedU128,
	/// The market as governed: curve, reserve factor, caps, liability weights.
	pub config: LendingConfig,
	/// Interest borrowers have paid since the market opened.
	pub interest: u128,
	/// Of it, what suppliers earned.
	pub supplier_interest: u128,
	/// Of it, what the reserve (the insurance fund) took.
	pub reserve: u128,
	/// When the market last accrued (ms).
	pub last_accrual_ms: u64,
}

/// A permissioned pool as the runtime API reports it (see [`crate::pools`]).
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct PoolReport<AccountId> {
	/// The pool.
	pub pool: PoolId,
	/// Who administers its membership (Root always may).
	pub admin: PoolAdmin<AccountId>,
	/// Its members.
	pub members: alloc::vec::Vec<AccountId>,
	/// The markets restricted to it: only members add risk there.
	pub restricted_markets: alloc::vec::Vec<MarketId>,
	/// Its insurance fund's account, if it has one.
	pub insurance_fund: Option<AccountId>,
	/// The fund's settlement balance (settlement units): what it can pay first for bad debt
	/// in the pool's markets. Zero without a fund.
	pub insurance_balance: i128,
}
