//! The pallet's data: collateral assets, markets, positions, and the reports its runtime API
//! returns.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, EqNoBound, PartialEqNoBound, RuntimeDebugNoBound,
};
use risk_engine::{
	adaptive::{AdaptiveParams, EffectiveFractions, VolatilityParams},
	options::OptionKind,
	portfolio::ScenarioGrid,
	CollateralParams, FundingIndex, JumpBreaker, MarginTier, OpenOrders, Position, Price,
	QuoteAmount,
};
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;
use sp_runtime::RuntimeDebug;

pub use clearing_traits::{MarketId, MarketStatus};

/// How an asset counts as collateral, as registered by the risk origin.
#[derive(
	Clone,
	PartialEq,
	Eq,
	RuntimeDebug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
pub struct CollateralConfig<OracleKey> {
	/// The oracle key of the asset's USD price. `None` only for the settlement asset, which
	/// is the numeraire and counts at par.
	pub oracle_key: Option<OracleKey>,
	/// Decimals and the initial and maintenance haircuts.
	pub params: CollateralParams,
	/// The most of this asset the pallet holds for all accounts together.
	pub deposit_cap: u128,
}

/// What a market trades.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	RuntimeDebug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum Instrument<OracleKey> {
	/// A perpetual future on the market's oracle key: funding keeps it near the index.
	#[default]
	Perpetual,
	/// A European option series on the market's oracle key (the underlying), cash-settled
	/// at expiry against the index. Prices are premiums (USD per whole unit of the
	/// underlying); the mark is Black-76 at the underlying's index and `volatility_key`'s
	/// implied volatility; there is no funding. See [`crate::options`].
	Option {
		/// Call or put.
		kind: OptionKind,
		/// USD per whole unit of the underlying; positive.
		strike: Price,
		/// When it expires (ms since the Unix epoch, the chain's timestamp).
		expiry_ms: u64,
		/// The oracle key of the underlying's implied volatility (a fraction: 0.6 is 60%).
		volatility_key: OracleKey,
	},
}

impl<OracleKey> Instrument<OracleKey> {
	/// Whether this is an option series.
	pub fn is_option(&self) -> bool {
		matches!(self, Instrument::Option { .. })
	}

	/// When an option series expires; `None` for a perpetual.
	pub fn expiry_ms(&self) -> Option<u64> {
		match self {
			Instrument::Option { expiry_ms, .. } => Some(*expiry_ms),
			Instrument::Perpetual => None,
		}
	}
}

/// How an account's cross positions are margined.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	RuntimeDebug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum MarginMode {
	/// Every cross position's tiered (or option) requirement, summed: the default.
	#[default]
	Cross,
	/// One scenario scan over every cross position (see [`crate::portfolio`]); opt-in, for
	/// accounts whose equity is at least [`crate::PortfolioMinimumEquity`].
	Portfolio,
}

/// A market's parameters, as registered by the risk origin.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	RuntimeDebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	serde::Serialize,
	serde::Deserialize,
)]
#[scale_info(skip_type_params(MaxSymbolLen, MaxTiers))]
#[serde(bound(
	serialize = "OracleKey: serde::Serialize",
	deserialize = "OracleKey: serde::Deserialize<'de>"
))]
pub struct MarketParams<
	OracleKey: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxSymbolLen: Get<u32>,
	MaxTiers: Get<u32>,
> {
	/// Ticker, e.g. `BTC-PERP`.
	pub symbol: BoundedVec<u8, MaxSymbolLen>,
	/// The oracle key of the underlying's USD index price.
	pub oracle_key: OracleKey,
	/// Decimals of the size unit: a size of `10^size_decimals` is one whole underlying.
	pub size_decimals: u8,
	/// Prices must be multiples of this.
	pub tick_size: Price,
	/// Sizes must be multiples of this (in size units).
	pub lot_size: u128,
	/// The smallest trade size (in size units).
	pub min_size: u128,
	/// The margin schedule (see [`risk_engine::margin`]).
	pub tiers: BoundedVec<MarginTier, MaxTiers>,
	/// Fee paid by the taker, as a share of the trade's value.
	pub taker_fee: Perbill,
	/// Fee paid by the maker, as a share of the trade's value.
	pub maker_fee: Perbill,
	/// Length of one funding interval (ms).
	pub funding_interval_ms: u64,
	/// The largest funding premium of one interval.
	pub funding_rate_cap: Perbill,
	/// How far the last trade price may pull the mark price away from the index.
	pub mark_price_band: Perbill,
	/// How old (ms) this market's index may be and still be used to add risk or liquidate;
	/// `None` for the pallet-wide [`crate::MaxPriceAge`].
	#[serde(default)]
	pub max_price_age_ms: Option<u64>,
	/// The most open interest (total long size, in size units) the market carries.
	pub open_interest_cap: u128,
	/// Whether it trades.
	pub status: MarketStatus,
	/// A perpetual (the default) or an option series.
	#[serde(default)]
	pub instrument: Instrument<OracleKey>,
	/// How far from the index a trade may print or an order rest: within
	/// `index x (1 ± price_band)` for a perpetual, and within the model's mark
	/// `± price_band x` the underlying's index for an option series. The index is the one in
	/// force, stale or not, so no trade settles at a price the oracle does not support.
	/// A risk parameter, in `(0, `[`crate::MAX_PRICE_BAND`]`]`.
	#[serde(default = "default_price_band")]
	pub price_band: Perbill,
}

/// The price band of a market that does not set its own: 10% around the index.
pub const DEFAULT_PRICE_BAND: Perbill = Perbill::from_percent(10);

/// [`DEFAULT_PRICE_BAND`], for genesis configurations that leave `price_band` out.
pub fn default_price_band() -> Perbill {
	DEFAULT_PRICE_BAND
}

/// What changes in a market as it trades.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	RuntimeDebug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct MarketState {
	/// Cumulative funding index (USD per whole unit; positive accruals are paid by longs).
	pub funding_index: FundingIndex,
	/// When funding last accrued (ms).
	pub last_funding_ms: u64,
	/// Total long size (equal to total short size), in size units.
	pub open_interest: u128,
	/// The price of the last trade, if any.
	pub last_trade_price: Option<Price>,
	/// The best bid resting on the market's book, as the venue last reported it.
	pub best_bid: Option<Price>,
	/// The best ask resting on the market's book, as the venue last reported it.
	pub best_ask: Option<Price>,
	/// The funding rate in force since `last_funding_ms`: the premium of the mark over the
	/// index (capped) when funding last accrued. The time until the next accrual is charged
	/// at it, because it is the premium that held over that time.
	pub funding_rate: sp_arithmetic::FixedI128,
	/// The index (USD per whole unit) `funding_rate` applies to.
	pub funding_rate_index: Price,
}

/// An account's position in a market and, for an isolated position, its own margin.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	RuntimeDebug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct PositionRecord {
	/// Size, cost and funding checkpoint.
	pub position: Position,
	/// `Some(margin)` for an isolated position (settlement units set aside for it alone);
	/// `None` for a cross position backed by the account's whole pool.
	pub isolated_margin: Option<QuoteAmount>,
	/// The account's resting orders in the market, summed per side: they count toward the
	/// initial requirement of the pool (cross) or of the isolated margin.
	pub open_orders: OpenOrders,
}

impl PositionRecord {
	/// Whether the record holds nothing: flat, without isolated margin or resting orders.
	pub fn is_empty(&self) -> bool {
		self.position.is_flat()
			&& self.isolated_margin.unwrap_or(0) == 0
			&& self.open_orders.is_empty()
	}
}

/// An account's positions by market, as stored: room for one in every listed market (the
/// insurance fund's book); a trader's is held to [`crate::Config::MaxPositionsPerAccount`].
pub type PositionsOf = frame_support::BoundedBTreeMap<
	MarketId,
	PositionRecord,
	frame_support::traits::ConstU32<{ crate::MAX_MARKETS }>,
>;

/// A collateral line of an [`AccountReport`].
#[derive(Clone, PartialEq, Eq, RuntimeDebug, Encode, Decode, TypeInfo)]
pub struct CollateralReport<AssetId> {
	/// The asset.
	pub asset: AssetId,
	/// The balance held for the account (negative only for a settlement-asset debt).
	pub balance: i128,
	/// Its market value in settlement units (no haircut), if priced.
	pub value: Option<i128>,
	/// Its value at initial haircuts.
	pub initial_value: Option<i128>,
	/// Its value at maintenance haircuts.
	pub maintenance_value: Option<i128>,
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
	/// Collateral it took over from bankrupt accounts.
	pub collateral: alloc::vec::Vec<(AssetId, u128)>,
	/// Positions it took over from liquidations, by market (signed size).
	pub positions: alloc::vec::Vec<(MarketId, i128)>,
	/// Its net value: settlement balance, collateral at market value and positions at the
	/// mark (settlement units). Below zero, auto-deleveraging recovers the deficit.
	pub net_value: i128,
}

/// One change of a risk parameter, as the risk origin (Root or a `risk_parameters`
/// referendum) schedules it and as [`crate::Pallet::preview_risk_change`] previews it. Each
/// names one parameter of one market, one collateral asset, or the pallet as a whole;
/// everything else stays as it is.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	RuntimeDebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxTiers))]
pub enum RiskChange<
	AssetId: Clone + PartialEq + Eq + core::fmt::Debug,
	OracleKey: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxTiers: Get<u32>,
> {
	/// A market's margin schedule.
	MarketMarginTiers {
		/// The market.
		market: MarketId,
		/// The new schedule (see [`risk_engine::margin`]).
		tiers: BoundedVec<MarginTier, MaxTiers>,
	},
	/// A market's trading fees.
	MarketFees {
		/// The market.
		market: MarketId,
		/// Fee paid by the maker, as a share of the trade's value.
		maker_fee: Perbill,
		/// Fee paid by the taker, as a share of the trade's value.
		taker_fee: Perbill,
	},
	/// A market's funding cap: the largest funding premium of one interval.
	MarketFundingCap {
		/// The market.
		market: MarketId,
		/// The new cap.
		funding_rate_cap: Perbill,
	},
	/// A market's open-interest cap (total long size, in size units).
	MarketOpenInterestCap {
		/// The market.
		market: MarketId,
		/// The new cap.
		open_interest_cap: u128,
	},
	/// A market's status.
	MarketStatus {
		/// The market.
		market: MarketId,
		/// The new status.
		status: MarketStatus,
	},
	/// A collateral asset's haircuts.
	CollateralHaircuts {
		/// The asset.
		asset: AssetId,
		/// Share of the value that counts toward initial margin, in (0, 1].
		initial_haircut: Perbill,
		/// Share of the value that counts toward maintenance margin, in [initial, 1].
		maintenance_haircut: Perbill,
	},
	/// A collateral asset's deposit cap (smallest units, all accounts together).
	CollateralDepositCap {
		/// The asset.
		asset: AssetId,
		/// The new cap.
		deposit_cap: u128,
	},
	/// The pallet-wide maximum price age (ms).
	MaxPriceAge {
		/// The new age.
		max_price_age_ms: u64,
	},
	/// The jump breaker.
	JumpBreaker {
		/// The new bound.
		breaker: JumpBreaker,
	},
	/// The liquidation penalty and buffer.
	LiquidationParameters {
		/// Share of a liquidated position's value paid to the insurance fund.
		penalty: Perbill,
		/// The health a partial liquidation restores, as a share of the maintenance
		/// requirement left.
		buffer: Perbill,
	},
	/// How many accounts the liquidation worker checks after each block.
	LiquidationScanLimit {
		/// The new limit, at most [`crate::Config::MaxAccountsScannedPerBlock`].
		accounts_per_block: u32,
	},
	/// The least equity (initial, settlement units) an account needs to opt into, and to add
	/// risk or withdraw under, portfolio margin.
	PortfolioMinimumEquity {
		/// The new minimum.
		minimum: u128,
	},
	/// Portfolio margin's scenario grid (see [`risk_engine::portfolio`]).
	PortfolioGrid {
		/// The new grid.
		grid: ScenarioGrid,
	},
	/// The correlation portfolio margin combines two underlyings' requirements with.
	Correlation {
		/// One underlying's oracle key.
		first: OracleKey,
		/// The other's.
		second: OracleKey,
		/// In `[-1, 1]`; pairs never set count as fully correlated (1: no offset).
		correlation: sp_arithmetic::FixedI128,
	},
	/// How the chain estimates each price's volatility (see [`crate::adaptive`]).
	VolatilityModel {
		/// The new model.
		model: VolatilityModel,
	},
	/// A market's adaptive margin: on with these parameters, or off (`None`, the static
	/// schedule back in force).
	MarketAdaptiveMargin {
		/// The market.
		market: MarketId,
		/// The parameters, or `None` to turn it off.
		params: Option<AdaptiveParams>,
	},
	/// The most an adaptive margin fraction may rise in one block.
	MarginRampStep {
		/// The new step, a share of notional per block.
		step: Perbill,
	},
	/// A market's price band: how far from the index trades print and orders rest.
	MarketPriceBand {
		/// The market.
		market: MarketId,
		/// The new band, a share of the index.
		price_band: Perbill,
	},
}

/// How the chain estimates the volatility of each price it guards (a pallet-wide risk
/// parameter; see [`crate::adaptive`]).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	RuntimeDebug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct VolatilityModel {
	/// The EWMA's decay per reference interval and the longest gap one return stands for.
	pub params: VolatilityParams,
	/// The annualized volatility assumed until the first return is seen.
	pub seed_volatility: Perbill,
}

/// A market's adaptive margin: its parameters, the static schedule it moves, and where the
/// ramp stands.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	RuntimeDebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxTiers))]
pub struct AdaptiveMargin<MaxTiers: Get<u32>> {
	/// How volatility and open interest move the first tier.
	pub params: AdaptiveParams,
	/// The schedule governance set; the one in force is this, moved to `effective`.
	pub static_tiers: BoundedVec<MarginTier, MaxTiers>,
	/// Where the fractions are heading: the engine's fractions at the latest estimate.
	pub target: EffectiveFractions,
	/// The first tier's fractions in force.
	pub effective: EffectiveFractions,
	/// The initial fraction in force when the current rise began (the ramp's start, for
	/// its progress).
	pub ramp_from: Perbill,
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
pub struct MarginReport<OracleKey> {
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
}

/// Capital efficiency across the chain, as `ClearingApi::capital_efficiency` returns it.
#[derive(Clone, Copy, PartialEq, Eq, RuntimeDebug, Default, Encode, Decode, TypeInfo)]
pub struct ChainEfficiency {
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
