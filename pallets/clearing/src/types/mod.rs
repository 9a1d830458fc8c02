//! The pallet's data: collateral assets, markets, positions, risk changes and adaptive
//! margin as stored, and (in [`api`]) what its runtime API returns.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::{ConstU32, Get},
	BoundedVec, CloneNoBound, EqNoBound, PartialEqNoBound, RuntimeDebugNoBound,
};
use risk_engine::{
	adaptive::{AdaptiveParams, EffectiveFractions, VolatilityParams},
	money_market::{RateSegment, MAX_RATE_SEGMENTS},
	options::OptionKind,
	portfolio::ScenarioGrid,
	CollateralParams, FundingIndex, JumpBreaker, LiabilityWeights, MarginTier, OpenOrders,
	Position, Price, QuoteAmount,
};
use scale_info::TypeInfo;
use sp_arithmetic::Perbill;
use sp_runtime::RuntimeDebug;

pub use clearing_traits::{MarketId, MarketStatus, PackageLeg, PoolId};

pub mod api;
pub use api::*;

/// An account's settlement balance as stored (see [`crate::ledger`]): the scaled balance,
/// and what has been put in and taken out, so that what interest added is the rest.
///
/// Storage version 4 stored the scaled balance alone (an `i128`); such an entry decodes
/// with `principal: None` (the decoder tells it by the input's length, which storage
/// always knows: decode this type only from a whole storage value), and the version 5
/// pass or its next change writes it in full.
#[derive(Clone, Copy, Default, PartialEq, Eq, RuntimeDebug, Encode, TypeInfo, MaxEncodedLen)]
pub struct SettlementRecord {
	/// Scaled units of the settlement asset's money market: positive a supply, negative a
	/// borrow (a debt).
	pub scaled: i128,
	/// What the balance would be worth had it earned and paid no interest: at every change
	/// (PnL, fees, funding, penalties, deposits and withdrawals alike) it moves by the
	/// change in the balance's worth at the indices in force, so that only the indices'
	/// growth between changes is interest (a credit's rounding into scaled units moves it,
	/// not the interest). `None` for an entry stored before interest was tracked, until
	/// the version 5 pass or its next change.
	pub principal: Option<i128>,
}

impl Decode for SettlementRecord {
	fn decode<I: codec::Input>(input: &mut I) -> Result<Self, codec::Error> {
		let scaled = i128::decode(input)?;
		// A version 4 entry ends after the scaled balance.
		let principal = match input.remaining_len()? {
			Some(0) => None,
			_ => Option::<i128>::decode(input)?,
		};
		Ok(Self { scaled, principal })
	}
}

impl SettlementRecord {
	/// Interest the balance has earned (positive) or paid (negative) since it was opened,
	/// in tokens, given what it is worth now; `None` before it was tracked.
	pub fn interest(&self, worth: i128) -> Option<i128> {
		self.principal.map(|principal| worth.saturating_sub(principal))
	}
}

/// How an asset counts as collateral, as listed by the listing origin (Root); the risk origin
/// changes its haircuts and deposit cap.
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

/// What a synthetic's price follows: an oracle key, or a constant (a synthetic pegged to a
/// fixed value, such as a dollar).
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
	serde::Serialize,
	serde::Deserialize,
)]
pub enum SyntheticPeg<OracleKey> {
	/// The oracle's price of this key (USD per whole token), guarded like every price the
	/// pallet uses: stale or held by the jump breaker, it mints nothing.
	Oracle(OracleKey),
	/// A constant price (USD per whole token), never stale: `1` for a dollar.
	Constant(Price),
}

/// A synthetic market as listed (see [`crate::synthetics`]): its token is the `Assets`
/// token it is listed under, which only this pallet mints and burns.
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
#[serde(rename_all = "camelCase")]
pub struct SyntheticConfig<OracleKey> {
	/// What the token's price follows; fixed at listing.
	pub peg: SyntheticPeg<OracleKey>,
	/// Decimals of one whole token, as its metadata says; fixed at listing.
	pub decimals: u8,
	/// Margin fractions, fees and the debt cap (governed on the risk track).
	pub terms: risk_engine::synthetics::SyntheticTerms,
	/// Whether minting is paused (governed on the risk track). Burning and redemption never
	/// pause.
	pub minting_paused: bool,
}

/// What changes in a synthetic market as it is minted, burnt and redeemed.
#[derive(
	Clone,
	Copy,
	Default,
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
#[serde(rename_all = "camelCase")]
pub struct SyntheticState {
	/// Tokens owed by all issuers together (the insurance fund included), in the token's
	/// smallest units: always the token's supply.
	pub total_debt: u128,
	/// The stability fee's cumulative index: settlement value (USD, 18 decimals) per whole
	/// token that a debt held since listing has owed. Moved at the end of every block.
	pub fee_index: sp_arithmetic::FixedU128,
	/// When the index last moved (ms); 0 before its first accrual, which only starts the
	/// clock.
	pub last_accrual_ms: u64,
	/// Stability and issuance fees paid to the insurance fund since listing, in settlement
	/// units.
	pub fees_paid: u128,
}

/// An account's debt of one synthetic.
#[derive(
	Clone,
	Copy,
	Default,
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
#[serde(rename_all = "camelCase")]
pub struct SyntheticDebt {
	/// Tokens owed, in the token's smallest units.
	pub amount: u128,
	/// The fee index the debt has paid its stability fee up to.
	pub fee_index: sp_arithmetic::FixedU128,
}

/// How an asset's money market runs: its borrow-rate curve, the reserve's share, caps and
/// the weights a borrow of it counts with (see [`crate::lending`]). Governed on the risk
/// track; every listed collateral asset has one.
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
#[serde(rename_all = "camelCase")]
pub struct LendingConfig {
	/// The annual borrow rate at zero utilisation (`0.02` is 2% a year).
	pub base_rate: sp_arithmetic::FixedU128,
	/// The curve's segments: from each segment's start, its slope per unit of utilisation
	/// (see [`risk_engine::money_market`]).
	pub rate_segments: BoundedVec<RateSegment, ConstU32<{ MAX_RATE_SEGMENTS }>>,
	/// The share of interest the insurance fund takes (at most 50%).
	pub reserve_factor: Perbill,
	/// The most of the asset that may be borrowed from the pool, in its smallest units
	/// (0: borrowing disabled). Settlement debts from losses, fees and funding are borrows
	/// that no cap refuses.
	pub borrow_cap: u128,
	/// The highest utilisation (borrowed over lendable supply) a borrow or a withdrawal
	/// may leave, 10% to 99%.
	pub utilisation_cap: Perbill,
	/// How a borrow of the asset counts against margin (for the settlement asset: a
	/// negative balance).
	pub liability_weights: LiabilityWeights,
}

impl LendingConfig {
	/// The curve and shares' checks, and the weights'.
	pub fn validate(&self) -> Result<(), risk_engine::RiskError> {
		risk_engine::money_market::validate_rate_curve(self.base_rate, &self.rate_segments)?;
		risk_engine::money_market::validate_lending_shares(
			self.reserve_factor,
			self.utilisation_cap,
		)?;
		self.liability_weights.validate()
	}

	/// The settlement asset's market when listed without one: as
	/// [`Self::listing_default`], its debt weighed at 1.05 at both levels (the weight a
	/// settlement debt always had).
	pub fn settlement_default() -> Self {
		Self {
			liability_weights: LiabilityWeights::uniform(sp_arithmetic::FixedU128::from_rational(
				105, 100,
			)),
			..Self::listing_default()
		}
	}

	/// The market an asset starts with when listed without one: no interest, no
	/// borrowing, a tenth of interest to the reserve, a 90% utilisation cap, and a borrow
	/// weighed at 1.10 initially and 1.05 at maintenance.
	pub fn listing_default() -> Self {
		Self {
			base_rate: Default::default(),
			rate_segments: Default::default(),
			reserve_factor: Perbill::from_percent(10),
			borrow_cap: 0,
			utilisation_cap: Perbill::from_percent(90),
			liability_weights: LiabilityWeights {
				initial: sp_arithmetic::FixedU128::from_rational(110, 100),
				maintenance: sp_arithmetic::FixedU128::from_rational(105, 100),
			},
		}
	}
}

/// An asset's money market as it stands: scaled totals and cumulative counters. Every
/// balance change writes it; so does the end-of-block accrual.
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
pub struct PoolTotals {
	/// Every account's supply of the asset, in scaled units (the insurance fund's reserve
	/// included).
	pub scaled_supply: u128,
	/// Every account's borrow of the asset, in scaled units.
	pub scaled_borrow: u128,
	/// Interest borrowers have paid since the market opened, in the asset's smallest units.
	pub interest: u128,
	/// Of it, what suppliers earned.
	pub supplier_interest: u128,
	/// Of it, what the reserve (the insurance fund) took.
	pub reserve: u128,
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

/// A market's parameters, as listed by the listing origin (Root); the risk origin changes
/// its risk parameters.
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

/// The most scopes one [`crate::Pallet::liquidate_many`] liquidates.
pub const MAX_LIQUIDATION_BATCH: u32 = 64;

/// One scope a batched liquidation names, with the witness its weight is charged from.
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
)]
pub struct LiquidationTarget<AccountId> {
	/// The account.
	pub who: AccountId,
	/// Its cross book (`None`) or its isolated position in a market.
	pub market: Option<MarketId>,
	/// Witness: how many positions the account holds at most. A cross target holding more
	/// when the call runs is skipped: its liquidation would cost more than was charged.
	pub positions: u32,
	/// Witness: whether the account may be portfolio-margined. A portfolio account named
	/// without it is skipped.
	pub portfolio: bool,
	/// Witness: how many assets the account owes at most (its [`crate::Borrowers`]
	/// entry). A target that owes more is skipped; one that owes any is charged the
	/// borrow moves its liquidation may make (see [`crate::borrow_liquidation`]).
	pub borrows: u32,
}

/// Accounts a load-test chain starts with, generated at genesis instead of listed (see
/// [`crate::genesis`]): account `i` (of [`crate::Pallet::seeded_account`]) holds
/// `margin_min + i x margin_step` settlement units and is long `size` in `market`, opened at
/// `entry`; `house` holds the opposite side. Their liquidation prices thus spread evenly,
/// so a load test picks the share of accounts a price shock puts below maintenance.
#[derive(
	Clone,
	PartialEq,
	Eq,
	RuntimeDebug,
	Encode,
	Decode,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct SeededBook<AccountId> {
	/// How many accounts.
	pub accounts: u32,
	/// The perpetual every account is long in.
	pub market: MarketId,
	/// Each account's long size, in the market's size units.
	pub size: u128,
	/// The price every position was opened at, and the index the bands are worked out at.
	pub entry: Price,
	/// The first account's settlement balance (settlement units).
	pub margin_min: u128,
	/// How much more each next account holds (settlement units).
	pub margin_step: u128,
	/// Who holds the short side of every seeded position.
	pub house: AccountId,
	/// The house's settlement balance (settlement units).
	pub house_margin: u128,
	/// The chain time (ms since the epoch) the bands start from, such as the load test's
	/// start: they hold for the band horizon after it.
	pub bands_from_ms: u64,
}

/// The most oracle keys one scope's band bounds: two per position (an option series'
/// underlying and implied volatility) and one per collateral asset, with room to spare. A
/// scope that depends on more is checked at every update instead.
pub const MAX_BAND_KEYS: u32 = 40;

/// One key's edges in a scope's safety band (see [`crate::bands`]): the scope needs a check
/// once the key's price in force is at or below `floor`, or at or above `ceiling`.
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
pub struct BandEdge<OracleKey> {
	/// The oracle key.
	pub key: OracleKey,
	/// USD per whole unit (or the volatility, for an implied-volatility key): at or below
	/// it, the scope needs a check.
	pub floor: Price,
	/// At or above it, the scope needs a check.
	pub ceiling: Price,
}

/// A scope's safety band as stored (see [`crate::bands`]): while every key's price in force
/// is strictly between its edges and the time is before `valid_until_ms`, the scope cannot
/// be below maintenance.
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
)]
pub struct BandRecord<OracleKey> {
	/// Each key the scope depends on, with its edges.
	pub edges: BoundedVec<BandEdge<OracleKey>, frame_support::traits::ConstU32<MAX_BAND_KEYS>>,
	/// The band's horizon (ms since the epoch): funding and option time it allowed for end
	/// there.
	pub valid_until_ms: u64,
}

/// Which of an account's books a band covers: its cross book (`None`) or its isolated
/// position in a market.
pub type BandScope = Option<MarketId>;

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
	/// A collateral asset's money market: its rate curve, reserve factor, borrow and
	/// utilisation caps and liability weights (see [`crate::lending`]).
	LendingMarket {
		/// The asset.
		asset: AssetId,
		/// The new market.
		config: LendingConfig,
	},
	/// A synthetic's margin fractions, fees and debt cap (see [`crate::synthetics`]).
	SyntheticTerms {
		/// The synthetic's token.
		asset: AssetId,
		/// The new terms.
		terms: risk_engine::synthetics::SyntheticTerms,
	},
	/// Pauses a synthetic's minting, or resumes it. Burning and redemption never pause.
	SyntheticMinting {
		/// The synthetic's token.
		asset: AssetId,
		/// `true` pauses minting.
		paused: bool,
	},
	/// The most all synthetic debt together may be worth when a mint adds to it, in
	/// settlement units.
	SyntheticDebtCeiling {
		/// The new ceiling.
		ceiling: u128,
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

/// Who administers a permissioned pool's membership, besides Root (which always may).
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
)]
pub enum PoolAdmin<AccountId> {
	/// One account's signature: a multisig's account (its members approve each change
	/// through `pallet-multisig`), or a single keyed administrator.
	Account(AccountId),
	/// The risk origin: a referendum on the runtime's `risk_parameters` track.
	RiskOrigin,
}

/// A permissioned pool as stored (see [`crate::pools`]).
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
)]
pub struct PoolInfo<AccountId> {
	/// Who adds and removes members.
	pub admin: PoolAdmin<AccountId>,
	/// How many accounts are members.
	pub members: u32,
	/// How many markets are restricted to the pool.
	pub restricted_markets: u32,
	/// The pool's own insurance fund, if it has one: an account whose settlement balance
	/// pays bad debt from the pool's restricted markets before the chain's fund does.
	pub insurance_fund: Option<AccountId>,
}
