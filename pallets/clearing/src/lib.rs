//! # Clearing pallet
//!
//! The clearing house of the clearing chain: one multi-asset collateral account per trader
//! backing all of that trader's positions in perpetuals and option series (cross or
//! portfolio margin), with isolated margin available per position.
//!
//! ## Overview
//! - **Collateral.** Root (the listing origin) registers collateral assets with an oracle
//!   key, initial and maintenance haircuts and a deposit cap. Traders
//!   [`deposit`](Pallet::deposit) and [`withdraw`](Pallet::withdraw) them: tokens move
//!   between the trader and the pallet's account by `fungibles` transfers; the pallet never
//!   mints or burns a trader's tokens. The settlement asset (USDC) is the numeraire: PnL,
//!   fees and funding are booked to its ledger balance, which may go negative (a debt,
//!   weighted up by the liability factor).
//! - **Markets.** Root (the listing origin) registers markets: symbol, oracle key, tick and
//!   lot size, minimum size, a tiered margin schedule, fees, funding interval and cap, a mark
//!   price band, a price band, an open-interest cap, a status and the instrument: a
//!   perpetual, or a European option series (call or put, strike, expiry, implied-volatility key) that is marked with
//!   Black-76 and cash-settled at expiry (see [`options`]).
//! - **Margin modes.** Cross positions are margined together, by default as the sum of their
//!   requirements (`Cross`); an account with at least [`PortfolioMinimumEquity`] may opt
//!   into `Portfolio` margin ([`set_margin_mode`](Pallet::set_margin_mode)): one scenario
//!   scan over the whole book that nets hedges (see [`portfolio`]). Withdrawals, trades,
//!   orders and liquidation all use the account's mode.
//! - **Trades.** Venues (the order book) call [`Clearing::settle_trade`]: both positions
//!   move, fees are booked to the fee account, open interest follows, and both accounts must
//!   end above initial margin when the trade added to their risk (maintenance when it only
//!   reduced it). A failure changes nothing, and one that is the maker's alone is reported
//!   as [`SettleError::Maker`] so the venue can cancel that maker's order and go on.
//! - **Resting orders.** A venue commits each resting order ([`Clearing::commit_order`]) and
//!   releases it as it fills or is cancelled ([`Clearing::release_order`]). The sums per
//!   market and side live in the account's [`PositionRecord`] and count toward its initial
//!   requirement (of the pool, or of the isolated margin in an isolated market) as the
//!   risk engine's open-order margin: what the worse side would need if all of it filled.
//!   Withdrawals, new orders and risk-increasing trades all see it; maintenance does not.
//! - **Margin.** All figures come from the `risk-engine` crate, the same functions the runtime
//!   API reports with.
//! - **Liquidation.** Accounts below maintenance are liquidated partially, into the insurance
//!   fund, by unsigned transactions that validators' off-chain workers submit (see
//!   [`liquidation`] for the rule and [`offchain`] for the worker). When the fund is in
//!   deficit, the most profitable opposite positions are deleveraged, picked by the chain
//!   and each capped at what it has won (see [`deleverage`]).
//! - **Invariants.** What must always hold (tokens cover the ledger, positions net to zero,
//!   open interest is the longs) is code, checked after every test and by `try_state` (see
//!   [`invariants`]).
//! - **Risk parameters.** The risk origin (Root, or a referendum on the runtime's
//!   `risk_parameters` track) changes one parameter per call within fixed bounds; a change
//!   applies from the next block, and [`Pallet::preview_risk_change`] tells voters which
//!   accounts it would make liquidatable (see [`parameters`]).
//! - **Oracle guards.** Oracle values outside `(0, 10^12]` USD are refused at the boundary;
//!   prices older than [`MaxPriceAge`] are stale; the jump breaker ([`JumpBreakerParams`],
//!   [`risk_engine::price_guard`]) holds a price that moves too far in one update, and keeps
//!   its key in doubt (as if stale), until a later update confirms or contradicts it: time
//!   alone never confirms a jump.
//!
//! ### Terminology
//! - *Index price*: the oracle price of the underlying. *Mark price*: the median of the
//!   book's best bid, best ask and the last trade (the last trade alone when the book is
//!   one-sided; the mid before any trade), clamped to the index ± the market's mark band;
//!   the index itself with neither a trade nor a two-sided book. Venues report the book's
//!   top through [`Clearing::note_book_top`].
//! - *Funding*: the premium `clamp((mark - index) / index, ±cap)` per interval; the market's
//!   cumulative index moves by `premium x index` pro rata for the time elapsed, at the
//!   premium that held over that time (the rate stored at the previous accrual; every
//!   perpetual accrues at the end of every block); a position pays
//!   `size x (index now - index at its last settlement)` when it is touched, and every margin
//!   figure counts what it owes up to now.
//! - *Stale price*: older than the market's own maximum age (`max_price_age_ms`) or, for
//!   collateral and markets without one, [`MaxPriceAge`], or *in doubt* (a jump held by the
//!   breaker). Stale prices block what adds risk (trades that increase a position,
//!   withdrawals, removing isolated margin) and liquidation; reducing trades still go, within
//!   the market's price band and only if they leave both accounts above maintenance.
//! - *Price band*: how far from the index in force (stale or not) a trade may print or an
//!   order rest ([`MarketParams::price_band`]).
//!
//! ## Interface
//! ### Dispatchable functions
//! - `register_collateral`, `register_market` ([`Config::ListingOrigin`], Root: at once);
//! - `set_market_margin_tiers`, `set_market_fees`, `set_market_funding_cap`,
//!   `set_market_open_interest_cap`, `set_market_status`, `set_market_price_band`,
//!   `set_collateral_haircuts`, `set_collateral_deposit_cap`, `set_max_price_age`,
//!   `set_jump_breaker`, `set_liquidation_parameters`, `set_liquidation_scan_limit`,
//!   `set_portfolio_grid`, `set_correlation`, `set_portfolio_minimum_equity`,
//!   `set_volatility_model`, `set_market_adaptive_margin`, `set_margin_ramp_step` (risk
//!   origin: bounded, applied from the next block, see [`parameters`]);
//! - `deposit`, `withdraw`, `add_isolated_margin`, `remove_isolated_margin`,
//!   `set_margin_mode` (traders);
//! - `liquidate`, `liquidate_isolated`, `auto_deleverage` (unsigned, from the off-chain
//!   worker); `settle_expired` (anyone, or unsigned from the worker).
//!
//! ### Other pallets
//! - [`Clearing`] for venues; [`PriceProvider`] is what this pallet needs from an oracle.
//!
//! ## Assumptions
//! - Prices are USD per whole unit, 18 decimals; the settlement asset is taken at par.
//! - Every market's `lot_size x tick_size` is a whole number of settlement units
//!   (registration checks it), so every trade's value is exact and no rounding moves money
//!   between traders. Funding rounds against the payer; the remainder stays in the pallet.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod adaptive;
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
mod collateral;
pub mod deleverage;
#[cfg(any(feature = "std", feature = "try-runtime"))]
pub mod invariants;
pub mod liquidation;
mod listing;
mod margin;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod offchain;
pub mod options;
pub mod parameters;
pub mod portfolio;
mod positions;
mod prices;
mod reports;
#[cfg(test)]
mod tests;
pub mod traits;
pub mod types;
mod venue;
mod weight_math;
pub mod weights;

pub use pallet::*;
pub use parameters::{
	RiskChangeOf, MAX_MARKETS, MAX_MARK_PRICE_BAND, MAX_PENDING_RISK_CHANGES,
	MAX_PORTFOLIO_MINIMUM_EQUITY_USD, MAX_PRICE_AGE_LIMIT_MS, MAX_PRICE_BAND, MAX_TRADING_FEE,
	MIN_JUMP_BREAKER_BOUND, MIN_PRICE_AGE_LIMIT_MS,
};
pub use reports::MAX_SIMULATED_TRADES;
/// The risk engine this pallet runs on, for its parameter types.
pub use risk_engine;
pub use risk_engine::Price;
pub use traits::{Clearing, MarketRules, OrderSide, PriceProvider, SettleError, TradeReceipt};
pub use types::*;
pub use weights::WeightInfo;

/// The `InvalidTransaction::Custom` code of an unsigned call that its dispatch would refuse
/// (run and rolled back at validation).
pub const INVALID_DISPATCH_WOULD_FAIL: u8 = 1;

/// The most oracle keys the jump breaker watches (every market's and priced collateral's).
pub const MAX_GUARDED_KEYS: u32 = 32;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungibles::{Inspect, Mutate},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use risk_engine::Price;
	use sp_runtime::traits::AccountIdConversion;

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config:
		frame_system::Config<RuntimeEvent: From<Event<Self>>>
		+ frame_system::offchain::CreateBare<Call<Self>>
	{
		/// Identifies a token in `Assets`.
		type AssetId: Member
			+ Parameter
			+ Copy
			+ Ord
			+ MaxEncodedLen
			+ serde::Serialize
			+ serde::de::DeserializeOwned;

		/// The tokens traders deposit (u128 balances in smallest units).
		type Assets: Inspect<Self::AccountId, AssetId = Self::AssetId, Balance = u128>
			+ Mutate<Self::AccountId>;

		/// Identifies what the oracle prices.
		type OracleKey: Member
			+ Parameter
			+ Copy
			+ MaxEncodedLen
			+ serde::Serialize
			+ serde::de::DeserializeOwned;

		/// Where prices come from.
		type PriceProvider: PriceProvider<Self::OracleKey>;

		/// The current time (ms since the Unix epoch), to judge price age and funding.
		type Time: frame_support::traits::Time<Moment = u64>;

		/// The settlement asset (USDC): PnL, fees and funding are paid in it.
		#[pallet::constant]
		type SettlementAsset: Get<Self::AssetId>;

		/// Decimals of the settlement asset.
		#[pallet::constant]
		type SettlementDecimals: Get<u8>;

		/// Who changes risk parameters: each change is bounded, previewed and applied from the
		/// next block (Root, or a referendum on the runtime's `risk_parameters` track).
		type RiskOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Who lists collateral assets and markets, or replaces a listing's parameters. A
		/// listing takes effect at once and sets what no bounded setter may (a market's
		/// margin, band and sizes, an asset's haircuts), so on the chains we ship it is Root
		/// alone, never the risk track.
		type ListingOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The pallet's id; its account holds every deposited token.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The account fees are booked to (in its settlement ledger balance).
		#[pallet::constant]
		type FeeAccount: Get<Self::AccountId>;

		/// The insurance fund's account: it takes over the positions liquidations close (the
		/// backstop), receives liquidation penalties and pays bad debt from its settlement
		/// balance.
		#[pallet::constant]
		type InsuranceAccount: Get<Self::AccountId>;

		/// The most accounts the liquidation off-chain worker checks after one block: the
		/// upper bound of the governed [`LiquidationScanLimit`], and its default.
		#[pallet::constant]
		type MaxAccountsScannedPerBlock: Get<u32>;

		/// The transaction-pool priority of unsigned liquidations.
		#[pallet::constant]
		type LiquidationPriority: Get<TransactionPriority>;

		/// How many blocks an unsigned liquidation stays valid in the pool.
		#[pallet::constant]
		type LiquidationLongevity: Get<TransactionLongevity>;

		/// The most collateral assets the chain lists besides the settlement asset, and so the
		/// most an account (the insurance fund included) may hold at once.
		#[pallet::constant]
		type MaxCollateralAssets: Get<u32>;

		/// The most markets a trader may have positions or resting orders in at once. The
		/// insurance fund is not bound by it: it may hold a position in every listed market
		/// (see [`MAX_MARKETS`]), so that no liquidation or expiry settlement fails for want
		/// of room in its book.
		#[pallet::constant]
		type MaxPositionsPerAccount: Get<u32>;

		/// The most tiers in a market's margin schedule.
		#[pallet::constant]
		type MaxMarginTiers: Get<u32>;

		/// The longest market symbol, in bytes.
		#[pallet::constant]
		type MaxSymbolLength: Get<u32>;

		/// Weights of the calls.
		type WeightInfo: WeightInfo;

		/// Tokens and prices for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::benchmarking::BenchmarkHelper<
			Self::AccountId,
			Self::AssetId,
			Self::OracleKey,
		>;
	}

	/// The storage layout's version (see [`crate::migrations`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// The parameters of a market, as registered.
	pub type MarketParamsOf<T> = MarketParams<
		<T as Config>::OracleKey,
		<T as Config>::MaxSymbolLength,
		<T as Config>::MaxMarginTiers,
	>;

	/// A market's adaptive margin, with the pallet's types.
	pub type AdaptiveMarginOf<T> = AdaptiveMargin<<T as Config>::MaxMarginTiers>;

	/// Collateral assets and how they count, by asset id.
	#[pallet::storage]
	pub type CollateralAssets<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AssetId, CollateralConfig<T::OracleKey>, OptionQuery>;

	/// The total of each collateral asset the pallet holds for all accounts.
	#[pallet::storage]
	pub type TotalDeposits<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AssetId, u128, ValueQuery>;

	/// Each account's settlement-asset ledger balance (may be negative: a debt).
	#[pallet::storage]
	pub type SettlementBalances<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, i128, ValueQuery>;

	/// Each account's non-settlement collateral, by asset.
	#[pallet::storage]
	pub type CollateralBalances<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedBTreeMap<T::AssetId, u128, T::MaxCollateralAssets>,
		ValueQuery,
	>;

	/// Markets by id (at most [`MAX_MARKETS`]).
	#[pallet::storage]
	pub type Markets<T: Config> =
		CountedStorageMap<_, Twox64Concat, MarketId, MarketParamsOf<T>, OptionQuery>;

	/// What changes in each market as it trades: funding index, open interest, last trade.
	#[pallet::storage]
	pub type MarketStates<T: Config> =
		StorageMap<_, Twox64Concat, MarketId, MarketState, ValueQuery>;

	/// Each account's positions, by market: at most [`Config::MaxPositionsPerAccount`] for a
	/// trader, one in every listed market for the insurance fund.
	#[pallet::storage]
	pub type Positions<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PositionsOf, ValueQuery>;

	/// Every trader's open position, by market and side, in deleveraging order: longs from
	/// the lowest entry price, shorts from the highest (see [`crate::deleverage`]). Kept by
	/// every trade; the insurance fund is never in it.
	#[pallet::storage]
	pub type DeleverageQueue<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, MarketId>,
			NMapKey<Twox64Concat, bool>,
			NMapKey<Identity, deleverage::QueueKey>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		(),
		OptionQuery,
	>;

	/// The perpetual markets, which accrue funding at the end of every block: at most
	/// [`MAX_MARKETS`], whatever number of option series has been listed over time.
	#[pallet::storage]
	pub type Perpetuals<T: Config> =
		StorageValue<_, BoundedVec<MarketId, ConstU32<MAX_MARKETS>>, ValueQuery>;

	/// How many option series have settled in full (closed, no position left): they no
	/// longer count against [`MAX_MARKETS`].
	#[pallet::storage]
	pub type SettledSeriesCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// How old (ms) a price may be and still be used to add risk. A risk parameter.
	#[pallet::storage]
	pub type MaxPriceAge<T: Config> = StorageValue<_, u64, ValueQuery, DefaultMaxPriceAge>;

	/// The default maximum price age: one minute.
	#[pallet::type_value]
	pub fn DefaultMaxPriceAge() -> u64 {
		60_000
	}

	/// The weight of a negative settlement balance (a debt) in margin: at least one.
	#[pallet::storage]
	pub type LiabilityFactor<T: Config> =
		StorageValue<_, sp_arithmetic::FixedU128, ValueQuery, DefaultLiabilityFactor>;

	/// The default liability factor: 1.05.
	#[pallet::type_value]
	pub fn DefaultLiabilityFactor() -> sp_arithmetic::FixedU128 {
		sp_arithmetic::FixedU128::from_rational(105, 100)
	}

	/// The share of a liquidated position's value paid to the insurance fund. A risk
	/// parameter, below every market's maintenance fraction.
	#[pallet::storage]
	pub type LiquidationPenalty<T: Config> =
		StorageValue<_, sp_arithmetic::Perbill, ValueQuery, DefaultLiquidationPenalty>;

	/// The default liquidation penalty: 1%.
	#[pallet::type_value]
	pub fn DefaultLiquidationPenalty() -> sp_arithmetic::Perbill {
		sp_arithmetic::Perbill::from_percent(1)
	}

	/// The health a partial liquidation restores, as a share of the maintenance requirement
	/// left. A risk parameter.
	#[pallet::storage]
	pub type LiquidationBuffer<T: Config> =
		StorageValue<_, sp_arithmetic::Perbill, ValueQuery, DefaultLiquidationBuffer>;

	/// The default liquidation buffer: 10% of the maintenance requirement.
	#[pallet::type_value]
	pub fn DefaultLiquidationBuffer() -> sp_arithmetic::Perbill {
		sp_arithmetic::Perbill::from_percent(10)
	}

	/// The block each account (`None`) or isolated position (`Some(market)`) was last
	/// liquidated in: one liquidation of each per block.
	#[pallet::storage]
	pub type LastLiquidation<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		Option<MarketId>,
		BlockNumberFor<T>,
		OptionQuery,
	>;

	/// The jump breaker's bound and hold (see [`risk_engine::price_guard`]). A risk parameter.
	#[pallet::storage]
	pub type JumpBreakerParams<T: Config> =
		StorageValue<_, risk_engine::JumpBreaker, ValueQuery, DefaultJumpBreaker>;

	/// The default jump breaker: a move of more than 20% in one update is held until a later
	/// update confirms it (or returns within 20% of the price in force).
	#[pallet::type_value]
	pub fn DefaultJumpBreaker() -> risk_engine::JumpBreaker {
		risk_engine::JumpBreaker { bound: sp_arithmetic::Perbill::from_percent(20) }
	}

	/// The oracle keys the pallet prices with (every market's and every priced collateral
	/// asset's), whose prices the jump breaker watches.
	#[pallet::storage]
	pub type GuardedKeys<T: Config> =
		StorageValue<_, BoundedVec<T::OracleKey, ConstU32<MAX_GUARDED_KEYS>>, ValueQuery>;

	/// What the jump breaker remembers of each guarded key: the price in force and a held
	/// jump, if any.
	#[pallet::storage]
	pub type PriceGuards<T: Config> =
		StorageMap<_, Blake2_128Concat, T::OracleKey, risk_engine::GuardedPrice, OptionQuery>;

	/// Risk changes scheduled by the risk origin, applied in order at the start of the next
	/// block (see [`crate::parameters`]).
	#[pallet::storage]
	pub type PendingRiskChanges<T: Config> = StorageValue<
		_,
		BoundedVec<RiskChangeOf<T>, ConstU32<{ parameters::MAX_PENDING_RISK_CHANGES }>>,
		ValueQuery,
	>;

	/// How many accounts the liquidation worker checks after each block, when set below
	/// [`Config::MaxAccountsScannedPerBlock`] (the default). A risk parameter.
	#[pallet::storage]
	pub type LiquidationScanLimit<T: Config> = StorageValue<_, u32, OptionQuery>;

	/// Portfolio margin's scenario grid (see [`risk_engine::portfolio`]). A risk parameter.
	#[pallet::storage]
	pub type PortfolioGridParams<T: Config> =
		StorageValue<_, risk_engine::portfolio::ScenarioGrid, ValueQuery, DefaultPortfolioGrid>;

	/// The default grid, [`risk_engine::portfolio::ScenarioGrid::STANDARD`]: moves of up to
	/// 5% in 17 points, volatility 65% up (up to three times that for options within 30 days
	/// of expiry) or 30% down, extreme moves of 3 x 5% counted at 33%, a short-option minimum
	/// of 1% of the index, maintenance at 80% of initial. A range no wider than the markets' lowest initial fraction (5% on the
	/// listed perpetuals) means a perpetual book never needs more under portfolio margin
	/// than under cross (see [`risk_engine::portfolio`]).
	#[pallet::type_value]
	pub fn DefaultPortfolioGrid() -> risk_engine::portfolio::ScenarioGrid {
		risk_engine::portfolio::ScenarioGrid::STANDARD
	}

	/// The correlation of two underlyings (oracle keys), stored both ways round; a pair never
	/// set counts as fully correlated (no offset). A risk parameter.
	#[pallet::storage]
	pub type Correlations<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::OracleKey,
		Blake2_128Concat,
		T::OracleKey,
		sp_arithmetic::FixedI128,
		OptionQuery,
	>;

	/// Accounts that opted into portfolio margin (absent: `Cross`).
	#[pallet::storage]
	pub type MarginModes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, MarginMode, ValueQuery>;

	/// The least equity (initial, settlement units) an account needs to opt into portfolio
	/// margin, and to add risk or withdraw while in it. A risk parameter.
	#[pallet::storage]
	pub type PortfolioMinimumEquity<T: Config> =
		StorageValue<_, u128, ValueQuery, DefaultPortfolioMinimumEquity<T>>;

	/// The default minimum: 10,000 USD.
	#[pallet::type_value]
	pub fn DefaultPortfolioMinimumEquity<T: Config>() -> u128 {
		10u128.saturating_pow(u32::from(T::SettlementDecimals::get())).saturating_mul(10_000)
	}

	/// The index an expired option series settles at, fixed at the first settlement after
	/// its expiry (rounded down to the market's tick) so that every holder settles at the
	/// same price.
	#[pallet::storage]
	pub type SettlementPrices<T: Config> =
		StorageMap<_, Twox64Concat, MarketId, Price, OptionQuery>;

	/// How the volatility of each guarded price is estimated (see [`crate::adaptive`]). A
	/// risk parameter.
	#[pallet::storage]
	pub type VolatilityModelParams<T: Config> =
		StorageValue<_, VolatilityModel, ValueQuery, DefaultVolatilityModel>;

	/// The default model: RiskMetrics' 94%, per hour rather than per day so that the estimate
	/// answers a turn within hours; a gap of at most ten minutes per return; 80% assumed
	/// before the first return.
	#[pallet::type_value]
	pub fn DefaultVolatilityModel() -> VolatilityModel {
		VolatilityModel {
			params: risk_engine::adaptive::VolatilityParams {
				lambda: sp_arithmetic::Perbill::from_percent(94),
				interval_ms: 3_600_000,
				max_gap_ms: 600_000,
			},
			seed_volatility: sp_arithmetic::Perbill::from_percent(80),
		}
	}

	/// The EWMA volatility estimate of each guarded price, updated at the end of every block
	/// in which the price in force was newly observed.
	#[pallet::storage]
	pub type Volatilities<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::OracleKey,
		risk_engine::adaptive::VolatilityEstimate,
		OptionQuery,
	>;

	/// Markets under adaptive margin, with their parameters, static schedule and ramp. The
	/// market's stored tiers are the ones in force (see [`crate::adaptive`]).
	#[pallet::storage]
	pub type AdaptiveMargins<T: Config> =
		CountedStorageMap<_, Twox64Concat, MarketId, AdaptiveMarginOf<T>, OptionQuery>;

	/// How far adaptive margin has scaled each underlying's initial fraction (in force over
	/// static, the largest of its adaptive markets): the portfolio scan's price range on it
	/// scales by the same (see [`crate::adaptive`]).
	#[pallet::storage]
	pub type AdaptiveScanScales<T: Config> =
		StorageMap<_, Blake2_128Concat, T::OracleKey, sp_arithmetic::FixedU128, OptionQuery>;

	/// The most an adaptive fraction rises per block (a share of notional). A risk parameter.
	#[pallet::storage]
	pub type MarginRampStep<T: Config> =
		StorageValue<_, sp_arithmetic::Perbill, ValueQuery, DefaultMarginRampStep>;

	/// The default step: 0.01% of notional a block, so a rise from 5% to 15% takes 1,000
	/// blocks (50 minutes of 3 s blocks): time for a warned trader to act.
	#[pallet::type_value]
	pub fn DefaultMarginRampStep() -> sp_arithmetic::Perbill {
		sp_arithmetic::Perbill::from_parts(100_000)
	}

	/// The pallet's genesis: collateral assets and markets to register.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Collateral assets.
		pub collateral: alloc::vec::Vec<(T::AssetId, CollateralConfig<T::OracleKey>)>,
		/// Markets.
		pub markets: alloc::vec::Vec<(MarketId, MarketParamsOf<T>)>,
		/// Maximum price age (ms); the default when `None`.
		pub max_price_age_ms: Option<u64>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (asset, config) in &self.collateral {
				Pallet::<T>::validate_collateral(*asset, config)
					.expect("genesis collateral must be valid");
				CollateralAssets::<T>::insert(asset, config);
				if let Some(key) = config.oracle_key {
					Pallet::<T>::guard_key(key).expect("genesis keys fit the guard list");
				}
			}
			for (id, params) in &self.markets {
				Pallet::<T>::validate_market(params).expect("genesis market must be valid");
				Markets::<T>::insert(id, params);
				Pallet::<T>::note_perpetual(*id, params).expect("genesis markets fit the list");
				Pallet::<T>::guard_market_keys(params).expect("genesis keys fit the guard list");
			}
			if let Some(age) = self.max_price_age_ms {
				MaxPriceAge::<T>::put(age);
			}
		}
	}

	/// Events. Field names say what each field is; the variant's doc says what happened.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	#[allow(missing_docs)]
	pub enum Event<T: Config> {
		/// A collateral asset was registered or its parameters changed.
		CollateralRegistered { asset: T::AssetId, config: CollateralConfig<T::OracleKey> },
		/// A market was registered or its parameters replaced.
		MarketRegistered { market: MarketId, params: MarketParamsOf<T> },
		/// A risk parameter changed: the change scheduled in the previous block applied at
		/// the start of this one.
		RiskParameterChanged { change: RiskChangeOf<T> },
		/// Tokens moved from an account into its collateral pool.
		Deposited { who: T::AccountId, asset: T::AssetId, amount: u128 },
		/// Tokens moved from an account's collateral pool back to it.
		Withdrawn { who: T::AccountId, asset: T::AssetId, amount: u128 },
		/// Settlement units moved from the pool into an isolated position's margin.
		IsolatedMarginAdded { who: T::AccountId, market: MarketId, amount: u128 },
		/// Settlement units moved from an isolated position's margin back to the pool.
		IsolatedMarginRemoved { who: T::AccountId, market: MarketId, amount: u128 },
		/// A trade was settled: `trade_size` from the taker's side (positive: the taker bought).
		TradeSettled {
			market: MarketId,
			maker: T::AccountId,
			taker: T::AccountId,
			trade_size: i128,
			price: Price,
			maker_fee: u128,
			taker_fee: u128,
			maker_realized_pnl: i128,
			taker_realized_pnl: i128,
		},
		/// Funding was settled into a position (positive `paid`: the account paid).
		FundingSettled { who: T::AccountId, market: MarketId, paid: i128 },
		/// Part of a position was closed by liquidation into the insurance fund at the mark
		/// `price`: `closed_size` from the account's side (negative: a long was sold), the
		/// penalty paid to the insurance fund in settlement units.
		Liquidated {
			who: T::AccountId,
			market: MarketId,
			closed_size: i128,
			price: Price,
			penalty: u128,
			isolated: bool,
		},
		/// A bankrupt account's collateral went to the insurance fund at its market `value`
		/// (settlement units), credited to the account.
		CollateralSeized { who: T::AccountId, asset: T::AssetId, amount: u128, value: i128 },
		/// The insurance fund paid `paid` of an account's (or isolated position's) bad debt;
		/// `uncovered` is what its balance could not pay.
		BadDebtCovered { who: T::AccountId, market: Option<MarketId>, paid: u128, uncovered: u128 },
		/// An oracle price moved more than the jump breaker's bound and is held: the key is in
		/// doubt (nothing adds risk on it, nobody is liquidated) until a later update confirms
		/// the jump or returns within the bound.
		PriceJumpHeld {
			/// The oracle key.
			key: T::OracleKey,
			/// The price still in force (USD per whole unit, 18 decimals).
			accepted: Price,
			/// The price held (USD per whole unit, 18 decimals).
			jumped: Price,
		},
		/// Auto-deleveraging reduced `who`'s position against the insurance fund.
		AutoDeleveraged {
			/// The account whose position was reduced.
			who: T::AccountId,
			/// The market.
			market: MarketId,
			/// The size traded, from the account's side (size units; positive: it bought
			/// back a short).
			reduced_size: i128,
			/// The price (USD per whole unit, 18 decimals): the bankruptcy price, or nearer
			/// the mark where the account's profit or equity capped its loss.
			price: Price,
		},
		/// An account's cross positions are now margined under `mode`.
		MarginModeChanged { who: T::AccountId, mode: MarginMode },
		/// An option series expired and its settlement price was fixed: every position in it
		/// settles at `settlement_price` (the underlying's index), for `payoff` per whole
		/// unit.
		OptionExpired { market: MarketId, settlement_price: Price, payoff: Price },
		/// An expired option position settled in cash: `settled_size` was closed (from the
		/// account's side) at the payoff, realizing `realized_pnl`.
		OptionSettled {
			who: T::AccountId,
			market: MarketId,
			settled_size: i128,
			realized_pnl: i128,
		},
		/// Every position in an expired option series has settled; the market is closed.
		SeriesSettled { market: MarketId },
		/// An adaptive market's first-tier fractions in force moved towards their target
		/// (rises by at most the ramp step a block, falls at once).
		AdaptiveMarginMoved {
			market: MarketId,
			initial: sp_arithmetic::Perbill,
			maintenance: sp_arithmetic::Perbill,
			target_initial: sp_arithmetic::Perbill,
			target_maintenance: sp_arithmetic::Perbill,
		},
		/// A market's cumulative funding index moved.
		FundingAccrued {
			/// The market.
			market: MarketId,
			/// The rate charged (premium per funding interval, signed: positive, longs pay):
			/// the one in force since the previous accrual.
			rate: sp_arithmetic::FixedI128,
			/// The cumulative funding index after it (USD per whole unit, 18 decimals).
			funding_index: sp_arithmetic::FixedI128,
		},
	}

	/// Errors.
	#[pallet::error]
	pub enum Error<T> {
		/// The asset is not registered as collateral.
		UnknownCollateral,
		/// The market does not exist.
		UnknownMarket,
		/// The settlement asset cannot have an oracle key, and every other asset needs one.
		InvalidOracleKey,
		/// Haircuts must satisfy `0 < initial <= maintenance <= 1`.
		InvalidHaircuts,
		/// Too many decimals (at most 20).
		UnsupportedDecimals,
		/// The margin schedule is invalid: empty, first floor above zero, floors not
		/// increasing, fractions decreasing, or maintenance not in `(0, initial)`.
		InvalidMarginTiers,
		/// Tick size, lot size or minimum size is zero, the minimum is not a multiple of the
		/// lot, or `lot x tick` is not a whole number of settlement units.
		InvalidMarketSizes,
		/// The funding interval must be positive.
		InvalidFundingInterval,
		/// A maximum price age (pallet-wide or a market's own) must be from five seconds to one
		/// hour.
		InvalidMaxPriceAge,
		/// A maker or taker fee above 1%.
		InvalidTradingFee,
		/// A market's price band must be positive and at most 50% of the index, and its mark
		/// price band at most 10%.
		InvalidPriceBand,
		/// The funding cap must be below the market's lowest maintenance fraction.
		InvalidFundingCap,
		/// Every maintenance fraction of a market must be above the liquidation penalty.
		MaintenanceNotAbovePenalty,
		/// The pallet lists the most markets it can already.
		TooManyMarkets,
		/// Sixteen risk changes already wait for the next block.
		TooManyPendingRiskChanges,
		/// The worker's scan limit must be between one and the runtime's maximum.
		InvalidScanLimit,
		/// The portfolio grid needs a positive range, an odd number of points from 3 to 33,
		/// a vol-down shock below 100% and a positive maintenance factor.
		InvalidScenarioGrid,
		/// A correlation is between two different underlyings and within `[-1, 1]`.
		InvalidCorrelation,
		/// A simulation applies at most 16 trades.
		TooManySimulatedTrades,
		/// The portfolio minimum equity is at most 100,000,000 USD.
		InvalidPortfolioMinimum,
		/// An option series needs a positive strike on the tick, an expiry in the future and
		/// an implied-volatility key other than its underlying's.
		InvalidOptionTerms,
		/// The option series has expired: it no longer trades, and its positions settle.
		OptionExpired,
		/// The account's cross positions are already margined under that mode.
		MarginModeUnchanged,
		/// Portfolio margin needs equity (initial) of at least the portfolio minimum: to opt
		/// in, and to add risk or withdraw while in it.
		PortfolioEquityBelowMinimum,
		/// The account holds no position in an expired option series (or is the insurance
		/// fund, whose positions net out as the others settle).
		NothingToSettle,
		/// A listed market keeps its size decimals, oracle key, instrument, tick and lot size:
		/// open positions and resting orders are measured in them.
		MarketIdentityFixed,
		/// A listed collateral asset keeps its decimals and oracle key: deposits are counted
		/// and priced by them.
		CollateralIdentityFixed,
		/// The chain lists the most collateral assets it may
		/// ([`Config::MaxCollateralAssets`] besides the settlement asset).
		TooManyCollateralListings,
		/// An amount of zero.
		ZeroAmount,
		/// The deposit would take the pallet's holding of the asset above its cap.
		DepositCapExceeded,
		/// The account does not hold that much of the asset in its pool.
		InsufficientCollateral,
		/// The account would end below its initial margin requirement.
		BelowInitialMargin,
		/// A price this action needs is missing or older than the maximum price age.
		StalePrice,
		/// The account holds too many collateral assets already.
		TooManyCollateralAssets,
		/// The account has positions in too many markets already.
		TooManyPositions,
		/// The market does not accept this trade now (closed, or reduce-only and the trade
		/// adds to a position).
		MarketNotTrading,
		/// The price is zero or not a multiple of the tick size.
		PriceNotOnTick,
		/// The price is outside the market's price band around the index in force (for an
		/// option series, around the model's mark): no trade prints, and no order rests, at a
		/// price the oracle does not support.
		PriceOutsideBand,
		/// The size is zero, not a multiple of the lot size, or below the minimum.
		InvalidSize,
		/// Maker and taker are the same account.
		SelfTrade,
		/// The trade would take open interest above the market's cap.
		OpenInterestCapExceeded,
		/// After the trade the maker would be below its margin requirement.
		MakerMarginInsufficient,
		/// After the trade the taker would be below its margin requirement.
		TakerMarginInsufficient,
		/// The account's resting orders would need more initial margin than it has free.
		OrderMarginInsufficient,
		/// The position is not isolated (margin can only be moved for isolated positions),
		/// or a cross position is open in the market.
		NotIsolated,
		/// The isolated position would end below its initial margin requirement.
		IsolatedMarginInsufficient,
		/// The account (or isolated position) is at or above its maintenance requirement, or
		/// is the insurance fund.
		NotLiquidatable,
		/// The account (or isolated position) was already liquidated in this block.
		AlreadyLiquidatedThisBlock,
		/// The liquidation penalty must be below every market's lowest maintenance fraction.
		InvalidLiquidationParameters,
		/// The insurance fund has no deficit or no position in the market, or no opposite
		/// position is in profit.
		NothingToDeleverage,
		/// The jump breaker's bound, when on, must be at least 1%: a tighter one would hold
		/// every ordinary update and leave markets in doubt.
		InvalidJumpBreaker,
		/// The pallet already prices with the most oracle keys it watches.
		TooManyOracleKeys,
		/// A volatility model needs a decay below 100%, a reference interval and a largest
		/// gap of 1 s to 30 days, and a positive seed volatility.
		InvalidVolatilityModel,
		/// Adaptive margin needs multipliers of at most 20, a horizon of 1 s to 30 days, each
		/// floor at most its cap, maintenance floor and cap below the initial ones, a
		/// maintenance floor above the liquidation penalty, and open-interest bounds in order.
		InvalidAdaptiveMargin,
		/// The ramp step must be positive.
		InvalidRampStep,
		/// An arithmetic overflow.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Applies the risk changes scheduled in the previous block, and accounts for the
		/// jump breaker's end-of-block pass.
		fn on_initialize(_block: BlockNumberFor<T>) -> Weight {
			let applied = Self::apply_pending_risk_changes();
			Self::on_initialize_weight(applied)
		}

		/// Accrues funding in every perpetual at the rate that held over the block, runs each
		/// guarded key's newest oracle observation through the jump breaker and remembers the
		/// outcome (see [`risk_engine::price_guard`]), folds newly observed
		/// prices into their volatility estimates, and moves every adaptive market one block
		/// along its ramp (see [`crate::adaptive`]).
		fn on_finalize(_block: BlockNumberFor<T>) {
			Self::accrue_all_funding();
			Self::update_price_guards();
			Self::step_adaptive_margins();
		}

		/// Checks the pallet's invariants (see [`crate::invariants`]).
		#[cfg(feature = "try-runtime")]
		fn try_state(_block: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		/// Scans a slice of accounts for liquidations (see [`crate::offchain`]).
		fn offchain_worker(_block: BlockNumberFor<T>) {
			if let Some(report) = Self::scan_for_liquidations() {
				if !report.cross.is_empty() || !report.isolated.is_empty() {
					log::info!(
						target: "clearing",
						"liquidation scan: {} accounts checked, {} cross and {} isolated liquidations submitted",
						report.scanned,
						report.cross.len(),
						report.isolated.len(),
					);
				}
			}
		}
	}

	#[pallet::validate_unsigned]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		/// Takes an unsigned liquidation only while the account (or isolated position) is
		/// below maintenance at fresh on-chain prices and was not liquidated in this block,
		/// an auto-deleveraging only while it applies, and an expiry settlement only while
		/// the account holds an expired series; anything else is stale. From the pool (not
		/// in a block) the call is also run once and rolled back, so that a call dispatch
		/// would refuse is never taken, nor included and charged again in every block
		/// ([`INVALID_DISPATCH_WOULD_FAIL`]). One transaction per account (per isolated
		/// position, per deleveraged market) at a time in the pool.
		fn validate_unsigned(source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let (prefix, tag) = Self::check_unsigned(call)?;
			if source != TransactionSource::InBlock && !Self::unsigned_dispatch_succeeds(call) {
				return InvalidTransaction::Custom(INVALID_DISPATCH_WOULD_FAIL).into();
			}
			ValidTransaction::with_tag_prefix(prefix)
				.priority(T::LiquidationPriority::get())
				.and_provides(tag)
				.longevity(T::LiquidationLongevity::get())
				.propagate(true)
				.build()
		}

		/// In a block only the cheap checks run again: the pool already ran the call, and
		/// the block charges its weight whatever the outcome.
		fn pre_dispatch(call: &Self::Call) -> Result<(), TransactionValidityError> {
			Self::check_unsigned(call).map(|_| ())
		}
	}

	impl<T> From<risk_engine::RiskError> for Error<T> {
		fn from(error: risk_engine::RiskError) -> Self {
			use risk_engine::RiskError::*;
			match error {
				UnsupportedDecimals => Error::UnsupportedDecimals,
				NoMarginTiers
				| FirstTierNotAtZero
				| TierFloorsNotIncreasing
				| TierFractionsDecreasing
				| MaintenanceNotBelowInitial => Error::InvalidMarginTiers,
				InvalidHaircuts => Error::InvalidHaircuts,
				Overflow
				| LiabilityFactorBelowOne
				| NoSuchPosition
				| OutOfDomain
				| InvalidScenarioGrid
				| InvalidCorrelations
				| InvalidAdaptiveParams => Error::Overflow,
			}
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Lists `asset` as collateral, or replaces its haircuts and deposit cap (listing
		/// origin: Root).
		///
		/// The settlement asset must have no oracle key; any other asset must have one. A
		/// listed asset keeps its decimals and oracle key, and the chain lists at most
		/// [`Config::MaxCollateralAssets`] assets besides the settlement asset.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_collateral())]
		pub fn register_collateral(
			origin: OriginFor<T>,
			asset: T::AssetId,
			config: CollateralConfig<T::OracleKey>,
		) -> DispatchResult {
			T::ListingOrigin::ensure_origin(origin)?;
			Self::do_register_collateral(asset, config)
		}

		/// Lists market `market`, or replaces its parameters (listing origin: Root). A listed
		/// market keeps its size decimals, oracle key, instrument, tick and lot size; under
		/// adaptive margin its new schedule is the static one, moved to the fractions in
		/// force.
		#[pallet::call_index(1)]
		// The adaptive-margin check: a read, and a market's schedule and ramp rewritten.
		#[pallet::weight(T::WeightInfo::register_market()
			.saturating_add(T::DbWeight::get().reads_writes(1, 2)))]
		pub fn register_market(
			origin: OriginFor<T>,
			market: MarketId,
			params: MarketParamsOf<T>,
		) -> DispatchResult {
			T::ListingOrigin::ensure_origin(origin)?;
			Self::do_register_market(market, params)
		}

		/// Sets a market's status from the next block (risk origin): `Active`, `ReduceOnly`
		/// (only trades that shrink positions) or `Closed` (no trades; liquidations go on).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_market_parameter())]
		pub fn set_market_status(
			origin: OriginFor<T>,
			market: MarketId,
			status: MarketStatus,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::MarketStatus { market, status })
		}

		/// Sets a market's margin schedule from the next block (risk origin). Each tier needs
		/// `0 < maintenance < initial <= 100%`; floors rise from zero and fractions do not
		/// fall; every maintenance fraction stays above the liquidation penalty and the
		/// market's funding cap. Positions are judged by the new schedule from the next
		/// block: [`Pallet::preview_risk_change`] tells which would become liquidatable.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::set_market_parameter())]
		pub fn set_market_margin_tiers(
			origin: OriginFor<T>,
			market: MarketId,
			tiers: BoundedVec<risk_engine::MarginTier, T::MaxMarginTiers>,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::MarketMarginTiers { market, tiers })
		}

		/// Sets a market's maker and taker fees from the next block (risk origin), each at
		/// most 1% of a trade's value.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::set_market_parameter())]
		pub fn set_market_fees(
			origin: OriginFor<T>,
			market: MarketId,
			maker_fee: sp_arithmetic::Perbill,
			taker_fee: sp_arithmetic::Perbill,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::MarketFees { market, maker_fee, taker_fee })
		}

		/// Sets a market's funding cap, the largest premium of one funding interval, from the
		/// next block (risk origin). It must stay below the market's lowest maintenance
		/// fraction.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::set_market_parameter())]
		pub fn set_market_funding_cap(
			origin: OriginFor<T>,
			market: MarketId,
			funding_rate_cap: sp_arithmetic::Perbill,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::MarketFundingCap { market, funding_rate_cap })
		}

		/// Sets a market's open-interest cap (total long size, in size units) from the next
		/// block (risk origin). Below the open interest, it stops trades that add to it.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::set_market_parameter())]
		pub fn set_market_open_interest_cap(
			origin: OriginFor<T>,
			market: MarketId,
			open_interest_cap: u128,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::MarketOpenInterestCap {
				market,
				open_interest_cap,
			})
		}

		/// Sets a collateral asset's haircuts from the next block (risk origin):
		/// `0 < initial <= maintenance <= 100%` of its market value counts toward initial and
		/// maintenance margin.
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::set_collateral_parameter())]
		pub fn set_collateral_haircuts(
			origin: OriginFor<T>,
			asset: T::AssetId,
			initial_haircut: sp_arithmetic::Perbill,
			maintenance_haircut: sp_arithmetic::Perbill,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::CollateralHaircuts {
				asset,
				initial_haircut,
				maintenance_haircut,
			})
		}

		/// Sets the most of a collateral asset the pallet holds for all accounts together,
		/// from the next block (risk origin). Below the current total it stops deposits.
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::set_collateral_parameter())]
		pub fn set_collateral_deposit_cap(
			origin: OriginFor<T>,
			asset: T::AssetId,
			deposit_cap: u128,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::CollateralDepositCap { asset, deposit_cap })
		}

		/// Sets the pallet-wide maximum price age in ms, from five seconds to one hour, from
		/// the next block (risk origin). An older price adds no risk and liquidates nobody.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_global_parameter())]
		pub fn set_max_price_age(origin: OriginFor<T>, max_price_age_ms: u64) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::MaxPriceAge { max_price_age_ms })
		}

		/// Sets the liquidation penalty and buffer from the next block (risk origin). The
		/// penalty must be below every market's lowest maintenance fraction, so that each lot
		/// a liquidation closes leaves the account healthier.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::set_liquidation_parameters())]
		pub fn set_liquidation_parameters(
			origin: OriginFor<T>,
			penalty: sp_arithmetic::Perbill,
			buffer: sp_arithmetic::Perbill,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::LiquidationParameters { penalty, buffer })
		}

		/// Sets the jump breaker from the next block (risk origin): an oracle update moving
		/// more than `bound` from the price in force is held, and the market is in doubt,
		/// until a later update confirms it or returns within the bound. The bound is at
		/// least [`crate::MIN_JUMP_BREAKER_BOUND`] (1%); a zero bound turns the breaker off.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::set_global_parameter())]
		pub fn set_jump_breaker(
			origin: OriginFor<T>,
			bound: sp_arithmetic::Perbill,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			let breaker = risk_engine::JumpBreaker { bound };
			Self::schedule_risk_change(RiskChange::JumpBreaker { breaker })
		}

		/// Sets how many accounts the liquidation worker checks after each block, from one to
		/// the runtime's [`Config::MaxAccountsScannedPerBlock`], from the next block (risk
		/// origin). Fewer accounts per block make a full pass over all accounts slower.
		#[pallet::call_index(19)]
		#[pallet::weight(T::WeightInfo::set_global_parameter())]
		pub fn set_liquidation_scan_limit(
			origin: OriginFor<T>,
			accounts_per_block: u32,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::LiquidationScanLimit { accounts_per_block })
		}

		/// Sets portfolio margin's scenario grid from the next block (risk origin): the
		/// range and number of price moves, the volatility shocks, extreme moves, the
		/// short-option minimum and the maintenance factor (see
		/// [`risk_engine::portfolio`]).
		#[pallet::call_index(20)]
		#[pallet::weight(T::WeightInfo::set_global_parameter())]
		pub fn set_portfolio_grid(
			origin: OriginFor<T>,
			grid: risk_engine::portfolio::ScenarioGrid,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::PortfolioGrid { grid })
		}

		/// Sets the correlation, in `[-1, 1]`, that portfolio margin combines two
		/// underlyings' requirements with, from the next block (risk origin).
		#[pallet::call_index(21)]
		#[pallet::weight(T::WeightInfo::set_global_parameter())]
		pub fn set_correlation(
			origin: OriginFor<T>,
			first: T::OracleKey,
			second: T::OracleKey,
			correlation: sp_arithmetic::FixedI128,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::Correlation { first, second, correlation })
		}

		/// Sets the least equity an account needs for portfolio margin, from the next block
		/// (risk origin): at most 100,000,000 USD.
		#[pallet::call_index(22)]
		#[pallet::weight(T::WeightInfo::set_global_parameter())]
		pub fn set_portfolio_minimum_equity(origin: OriginFor<T>, minimum: u128) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::PortfolioMinimumEquity { minimum })
		}

		/// Sets how the volatility of every guarded price is estimated, from the next block
		/// (risk origin): the EWMA's decay per reference interval, the longest gap one
		/// return stands for, and the volatility assumed before the first return.
		#[pallet::call_index(25)]
		#[pallet::weight(T::WeightInfo::set_global_parameter())]
		pub fn set_volatility_model(
			origin: OriginFor<T>,
			model: VolatilityModel,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::VolatilityModel { model })
		}

		/// Turns a market's adaptive margin on with `params`, changes them, or turns it off
		/// (`None`: the static schedule is in force again), from the next block (risk
		/// origin). Falls apply at once; rises ramp in (see [`crate::adaptive`]).
		#[pallet::call_index(26)]
		#[pallet::weight(T::WeightInfo::set_market_parameter())]
		pub fn set_market_adaptive_margin(
			origin: OriginFor<T>,
			market: MarketId,
			params: Option<risk_engine::adaptive::AdaptiveParams>,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::MarketAdaptiveMargin { market, params })
		}

		/// Sets the most an adaptive margin fraction may rise in one block, from the next
		/// block (risk origin): positive, a share of notional.
		#[pallet::call_index(27)]
		#[pallet::weight(T::WeightInfo::set_global_parameter())]
		pub fn set_margin_ramp_step(
			origin: OriginFor<T>,
			step: sp_arithmetic::Perbill,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::MarginRampStep { step })
		}

		/// Sets how far from the index a market's trades may print and its orders rest, from
		/// the next block (risk origin): positive and at most 50% of the index (for an option
		/// series, around the model's mark, as a share of the underlying's index).
		#[pallet::call_index(28)]
		#[pallet::weight(T::WeightInfo::set_market_parameter())]
		pub fn set_market_price_band(
			origin: OriginFor<T>,
			market: MarketId,
			price_band: sp_arithmetic::Perbill,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::MarketPriceBand { market, price_band })
		}

		/// Margins the caller's cross positions under `mode` from now on.
		///
		/// `Portfolio` needs equity (initial) of at least [`PortfolioMinimumEquity`]; either
		/// way the account must meet the new mode's initial requirement at fresh prices, so
		/// that switching never makes an account liquidatable.
		#[pallet::call_index(23)]
		#[pallet::weight(T::WeightInfo::set_margin_mode(T::MaxPositionsPerAccount::get()))]
		pub fn set_margin_mode(origin: OriginFor<T>, mode: MarginMode) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_margin_mode(&who, mode)
		}

		/// Settles `who`'s positions in expired option series in cash at the series'
		/// settlement price (fixed at the first settlement after expiry, from a fresh index).
		/// Anyone may call it (signed), and validators' off-chain workers submit it unsigned
		/// for the accounts they scan.
		#[pallet::call_index(24)]
		#[pallet::weight(T::WeightInfo::settle_expired(T::MaxPositionsPerAccount::get()))]
		pub fn settle_expired(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			if ensure_none(origin.clone()).is_err() {
				ensure_signed(origin)?;
			}
			let settled = Self::do_settle_expired(&who)?;
			ensure!(settled > 0, Error::<T>::NothingToSettle);
			Ok(())
		}

		/// Liquidates `who`'s cross account: closes the fewest lots that bring it back above
		/// maintenance plus the buffer, into the insurance fund at the mark, with the penalty
		/// paid to the fund; a bankrupt account's collateral and bad debt go to the fund.
		/// Unsigned: submitted by validators' off-chain workers, checked by
		/// `validate_unsigned`.
		///
		/// A portfolio-margined account is liquidated pro rata (see [`liquidation`]); its
		/// weight adds three portfolio checks. It is charged for the most positions an account
		/// holds, and refunded down to the positions this one held and its mode.
		#[pallet::call_index(9)]
		#[pallet::weight(Pallet::<T>::liquidate_weight(
			MarginMode::Portfolio,
			T::MaxPositionsPerAccount::get()
		))]
		pub fn liquidate(origin: OriginFor<T>, who: T::AccountId) -> DispatchResultWithPostInfo {
			ensure_none(origin)?;
			let mode = MarginModes::<T>::get(&who);
			// The benchmark closes every position; an account with fewer costs less.
			let positions = (Positions::<T>::get(&who).len() as u32).max(1);
			Self::do_liquidate(&who)?;
			Ok(Some(Self::liquidate_weight(mode, positions)).into())
		}

		/// Liquidates `who`'s isolated position in `market` against its own margin.
		/// Unsigned, like [`Pallet::liquidate`].
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::liquidate_isolated())]
		pub fn liquidate_isolated(
			origin: OriginFor<T>,
			who: T::AccountId,
			market: MarketId,
		) -> DispatchResult {
			ensure_none(origin)?;
			Self::do_liquidate_isolated(&who, market)
		}

		/// Reduces the most profitable positions opposite the insurance fund's in `market`
		/// against the fund, each by no more than it has won, until the market's share of
		/// the fund's deficit is absorbed (see [`crate::deleverage`]): the chain picks them,
		/// in the order of its deleveraging queue. Unsigned: submitted by validators'
		/// off-chain workers while the fund is in deficit. Charged for the most positions
		/// one call reduces, refunded to those it did.
		#[pallet::call_index(12)]
		#[pallet::weight(Pallet::<T>::auto_deleverage_weight(deleverage::MAX_ADL_COUNTERPARTIES))]
		pub fn auto_deleverage(
			origin: OriginFor<T>,
			market: MarketId,
		) -> DispatchResultWithPostInfo {
			ensure_none(origin)?;
			let reduced = Self::do_auto_deleverage(market)?;
			Ok(Some(Self::auto_deleverage_weight(reduced)).into())
		}

		/// Moves `amount` of `asset` from the caller into their collateral pool.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::deposit())]
		pub fn deposit(origin: OriginFor<T>, asset: T::AssetId, amount: u128) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deposit(who, asset, amount)
		}

		/// Moves `amount` of `asset` from the caller's pool back to them. The account must stay
		/// at or above its initial margin requirement (under its margin mode), at fresh
		/// prices. Positions in expired option series settle first, so their payoff can be
		/// withdrawn. The weight charged covers both; what did not happen (no portfolio
		/// check for a cross account, no settlement) is refunded.
		#[pallet::call_index(5)]
		#[pallet::weight(Pallet::<T>::withdraw_weight(MarginMode::Portfolio, true))]
		pub fn withdraw(
			origin: OriginFor<T>,
			asset: T::AssetId,
			amount: u128,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let settled = Self::do_withdraw(&who, asset, amount)?;
			Ok(Some(Self::withdraw_weight(MarginModes::<T>::get(&who), settled > 0)).into())
		}

		/// Moves `amount` settlement units from the caller's pool into the margin of their
		/// isolated position in `market`, making the position isolated if it has no size yet.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::add_isolated_margin(T::MaxPositionsPerAccount::get())
			.saturating_add(T::WeightInfo::set_margin_mode(T::MaxPositionsPerAccount::get())))]
		pub fn add_isolated_margin(
			origin: OriginFor<T>,
			market: MarketId,
			amount: u128,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_add_isolated_margin(who, market, amount)
		}

		/// Moves `amount` settlement units from the margin of the caller's isolated position
		/// in `market` back to their pool. The position must stay at or above its initial
		/// requirement at a fresh price.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::remove_isolated_margin())]
		pub fn remove_isolated_margin(
			origin: OriginFor<T>,
			market: MarketId,
			amount: u128,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_isolated_margin(who, market, amount)
		}
	}

	impl<T: Config> Pallet<T> {
		/// The pallet's account: it holds every deposited token.
		pub fn account_id() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// The current time in ms.
		pub fn now() -> u64 {
			<T::Time as frame_support::traits::Time>::now()
		}
	}
}
