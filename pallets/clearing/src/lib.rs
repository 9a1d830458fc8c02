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
//!   weighted up by its liability weight).
//! - **Collateral that earns.** Every listed asset is also a money market ([`lending`]):
//!   a balance is a scaled supply, which earns while it margins, or a scaled borrow, which
//!   pays; interest accrues at the end of every block along each asset's kinked rate
//!   curve, a reserve share going to the insurance fund. Traders
//!   [`borrow`](Pallet::borrow) against their margin within each asset's borrow and
//!   utilisation caps, and [`repay`](Pallet::repay); a borrow counts against margin at its
//!   oracle price times a liability weight (under portfolio margin, at its price, as a
//!   spot short in the scan that nets against positions on its underlying), and is
//!   liquidated by moving it, with collateral for it, to the insurance fund
//!   ([`borrow_liquidation`]), which needs no liquidity.
//! - **Synthetic assets.** Root lists synthetics ([`synthetics`]): `Assets` tokens that
//!   follow an oracle price (or a constant), which a trader mints against its margin
//!   ([`mint_synthetic`](Pallet::mint_synthetic)), a debt of as many tokens margined like a
//!   short of that size in every mode, burns back, and anyone redeems against issuers at
//!   the price less a fee; the token's supply is always the debt outstanding. Unsafe
//!   issuers are liquidated like borrowers, the insurance fund taking the debt over.
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
//! - **Packages.** A venue that settles negotiated trades (the block-trade pallet) calls
//!   [`Clearing::settle_package`]: several legs between one maker and one taker, all or
//!   none, each side's margin checked once after every leg, so the legs net.
//! - **Permissioned pools.** Root creates pools (allow-lists with an administrator) and
//!   restricts markets to them: only members add risk there, from the same collateral
//!   account they trade open markets with, and a pool's own insurance fund pays first for
//!   bad debt in its markets (see [`pools`]).
//! - **Resting orders.** A venue commits each resting order ([`Clearing::commit_order`]) and
//!   releases it as it fills or is cancelled ([`Clearing::release_order`]). The sums per
//!   market and side live in the account's [`PositionRecord`] and count toward its initial
//!   requirement (of the pool, or of the isolated margin in an isolated market) as the
//!   risk engine's open-order margin: what the worse side would need if all of it filled.
//!   Withdrawals, new orders and risk-increasing trades all see it; maintenance does not.
//! - **Adaptive margin.** The risk origin may put a market under adaptive margin: its first
//!   tier follows an EWMA estimate of the underlying's volatility and the market's open
//!   interest, the higher tiers move with it, rises ramp in at most a step a block, and the
//!   portfolio scan's range on the underlying scales with it (see [`adaptive`]).
//! - **Margin.** All figures come from the `risk-engine` crate, the same functions the runtime
//!   API reports with.
//! - **Liquidation.** Accounts below maintenance are liquidated partially, into the insurance
//!   fund, by unsigned transactions that validators' off-chain workers submit (see
//!   [`liquidation`] for the rule and [`offchain`] for the worker), in batches
//!   ([`liquidate_many`](Pallet::liquidate_many)). The liquidation index ([`bands`]) keeps a
//!   safety band for every book that can be liquidated, so that after an oracle update the
//!   worker checks only the books the update can have put below maintenance. When the fund is in
//!   deficit, the opposite positions are deleveraged from the front of the chain's queue,
//!   ordered by entry price (at one mark, the most profit per unit first), each capped at
//!   what it has won (see [`deleverage`]).
//! - **Invariants.** What must always hold (tokens cover the ledger, positions net to zero,
//!   open interest is the longs, the liquidation index hides no book below maintenance) is
//!   code, checked after every test and by `try_state` (see [`invariants`]).
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
//!   `set_volatility_model`, `set_market_adaptive_margin`, `set_margin_ramp_step`,
//!   `set_lending_market` (risk origin: bounded, applied from the next block, see
//!   [`parameters`]);
//! - `register_synthetic` (listing origin); `set_synthetic_terms`, `set_synthetic_minting`,
//!   `set_synthetic_debt_ceiling` (risk origin);
//! - `deposit`, `withdraw`, `borrow`, `repay`, `add_isolated_margin`,
//!   `remove_isolated_margin`, `set_margin_mode`, `mint_synthetic`, `burn_synthetic`,
//!   `redeem_synthetic` (traders; anyone holding a synthetic redeems it);
//! - `create_pool`, `set_pool_admin`, `set_market_pool` (listing origin);
//!   `add_pool_member`, `remove_pool_member` (the pool's administrator, or Root);
//!   `fund_pool_insurance` (anyone, from their settlement balance) (see [`pools`]);
//! - `liquidate_many`, `liquidate`, `liquidate_isolated`, `auto_deleverage` (unsigned, from
//!   the off-chain worker); `settle_expired` (anyone, or unsigned from the worker).
//!
//! ### Other pallets
//! - [`Clearing`] for venues; [`PriceProvider`] is what this pallet needs from an oracle.
//!
//! ## The working set of a call
//! A venue's order call, a liquidation, the worker's scan and every call that checks an
//! account's margin (withdrawals, isolated margin, margin modes, expiry settlement) each run
//! in a working set (`working_set.rs`, [`Pallet::with_working_set`]): market parameters,
//! collateral listings, guarded prices, the maximum price age, the clock and option marks are
//! read once per call, since nothing in the call can change them (writers forget what they
//! change). Positions, settlement balances and market states are never cached: every fill's
//! checks see the state the fills before it left. A venue's call also keeps each account's
//! collateral balances and margin mode, which nothing it reaches writes.
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
pub mod bands;
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
pub mod borrow_liquidation;
mod collateral;
pub mod deleverage;
mod errors;
mod events;
pub mod genesis;
#[cfg(any(feature = "std", feature = "try-runtime"))]
pub mod invariants;
mod ledger;
pub mod lending;
pub mod liquidation;
mod listing;
mod margin;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod offchain;
pub mod options;
pub mod parameters;
pub mod pools;
pub mod portfolio;
mod positions;
mod prices;
mod reports;
mod storage;
pub mod synthetics;
#[cfg(test)]
mod tests;
pub mod traits;
pub mod types;
mod venue;
mod weight_math;
pub mod weights;
mod working_set;

pub use liquidation::{LiquidationOutcome, LiquidationReach};
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

use frame_support::pallet_macros::import_section;

#[import_section(storage::storage)]
#[import_section(events::events)]
#[import_section(errors::errors)]
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
			+ Mutate<Self::AccountId>
			+ frame_support::traits::fungibles::roles::Inspect<Self::AccountId>
			+ frame_support::traits::fungibles::metadata::Inspect<Self::AccountId>;

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

		/// How long a safety band holds (ms): it allows for funding at its cap and option
		/// time over this horizon, and is renewed before it ends (see [`crate::bands`]).
		/// Longer horizons hold back more health for funding; shorter ones renew more
		/// bands a block.
		#[pallet::constant]
		type BandHorizonMs: Get<u64>;

		/// The most flagged scopes the liquidation worker checks after one block, beside
		/// its sweep (see [`crate::offchain`]).
		#[pallet::constant]
		type MaxFlaggedChecksPerBlock: Get<u32>;

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

		/// The most synthetics the chain lists, and so the most an account may owe at once
		/// (see [`crate::synthetics`]).
		#[pallet::constant]
		type MaxSynthetics: Get<u32>;

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
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(5);

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

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Applies the risk changes scheduled in the previous block, and charges for the
		/// end-of-block passes (funding accrual, the jump breaker, adaptive margin; see
		/// [`Pallet::on_initialize_weight`]).
		fn on_initialize(_block: BlockNumberFor<T>) -> Weight {
			let applied = Self::apply_pending_risk_changes();
			Self::on_initialize_weight(applied)
		}

		/// Carries the settlement money market's set-up pass on (see
		/// [`crate::migrations::v4`]), then renews flagged safety bands and carries a
		/// rebuild of every band on, with the weight the block has left (see
		/// [`crate::bands`]).
		fn on_idle(_block: BlockNumberFor<T>, remaining_weight: Weight) -> Weight {
			let setup = Self::continue_lending_setup(remaining_weight);
			let left = remaining_weight.saturating_sub(setup);
			let principals = Self::continue_principal_setup(left);
			let left = left.saturating_sub(principals);
			setup
				.saturating_add(principals)
				.saturating_add(Self::with_working_set(|| Self::refresh_bands(left)))
		}

		/// Accrues interest in every money market (see [`crate::lending`]), funding in
		/// every perpetual and every synthetic's stability fee (see [`crate::synthetics`])
		/// at the rates that held over the block, runs each
		/// guarded key's newest oracle observation through the jump breaker and remembers the
		/// outcome (see [`risk_engine::price_guard`]), folds newly observed
		/// prices into their volatility estimates, and moves every adaptive market one block
		/// along its ramp (see [`crate::adaptive`]).
		fn on_finalize(_block: BlockNumberFor<T>) {
			Self::accrue_all_lending();
			Self::accrue_all_funding();
			Self::accrue_all_synthetic_fees();
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
			// One worker run reads one block's state: its prices and markets, once.
			let started = sp_io::offchain::timestamp();
			if let Some(report) = Self::with_working_set(Self::scan_for_liquidations) {
				let took = sp_io::offchain::timestamp().diff(&started).millis();
				if report.flagged > 0 || !report.cross.is_empty() || !report.isolated.is_empty() {
					log::info!(
						target: "clearing",
						"liquidation scan: {} flagged and {} swept accounts checked, {} cross and {} isolated liquidations submitted in {} ms",
						report.flagged,
						report.scanned,
						report.cross.len(),
						report.isolated.len(),
						took,
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
		///
		/// A batched liquidation ([`Pallet::liquidate_many`]) is taken only while every
		/// target, each named once, can be liquidated; it provides one tag per target, so
		/// it never shares a target with another liquidation in the pool. It skips what
		/// no longer applies when it runs, so it is not run at validation.
		fn validate_unsigned(source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			let (prefix, tags) = Self::check_unsigned(call)?;
			let batched = matches!(call, Call::liquidate_many { .. });
			if source != TransactionSource::InBlock
				&& !batched && !Self::unsigned_dispatch_succeeds(call)
			{
				return InvalidTransaction::Custom(INVALID_DISPATCH_WOULD_FAIL).into();
			}
			let mut transaction = ValidTransaction::with_tag_prefix(prefix)
				.priority(T::LiquidationPriority::get())
				.longevity(T::LiquidationLongevity::get())
				.propagate(true);
			for tag in tags {
				transaction = transaction.and_provides(tag);
			}
			transaction.build()
		}

		/// In a block only the cheap checks run again: the pool already ran the call, and
		/// the block charges its weight whatever the outcome. A batch needs one target that
		/// still applies: it skips the others.
		fn pre_dispatch(call: &Self::Call) -> Result<(), TransactionValidityError> {
			if let Call::liquidate_many { targets } = call {
				return match targets.iter().any(Self::target_applies) {
					true => Ok(()),
					false => Err(InvalidTransaction::Stale.into()),
				};
			}
			Self::check_unsigned(call).map(|_| ())
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
			Self::with_working_set(|| Self::do_set_margin_mode(&who, mode))
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
			let settled = Self::with_working_set(|| Self::do_settle_expired(&who))?;
			ensure!(settled > 0, Error::<T>::NothingToSettle);
			Ok(())
		}

		/// Liquidates `who`'s cross account: closes the fewest lots that bring it back above
		/// maintenance plus the buffer, into the insurance fund at the mark, with the penalty
		/// paid to the fund; a bankrupt account's collateral and bad debt go to the fund.
		/// Unsigned: submitted by validators' off-chain workers, checked by
		/// `validate_unsigned`.
		///
		/// A portfolio-margined account is liquidated pro rata (see [`liquidation`]); closing
		/// its whole book adds three portfolio checks to the worst cross liquidation. It is
		/// charged for that with the most positions an account holds and every market's
		/// state written, and refunded down to the positions this one held, its mode, how
		/// far the liquidation went, the market states it wrote, the borrow moves it made and,
		/// under portfolio margin, the rounds that read its borrows again
		/// ([`Pallet::liquidate_weight`]).
		#[pallet::call_index(9)]
		#[pallet::weight(Pallet::<T>::max_liquidate_weight())]
		pub fn liquidate(origin: OriginFor<T>, who: T::AccountId) -> DispatchResultWithPostInfo {
			ensure_none(origin)?;
			let mode = MarginModes::<T>::get(&who);
			// The benchmarks close a share of, or every, position; fewer cost less. Under
			// portfolio margin each asset owed is a leg of the scan too.
			let positions =
				Self::scan_legs(&who, mode, Positions::<T>::get(&who).len() as u32).max(1);
			let outcome = Self::with_working_set(|| {
				Self::do_liquidate(&who, Self::borrow_move_budget(mode))
			})?;
			Ok(Some(Self::liquidate_weight(mode, positions, outcome)).into())
		}

		/// Liquidates `who`'s isolated position in `market` against its own margin.
		/// Unsigned, like [`Pallet::liquidate`]. Its benchmark closes into a fund that takes the
		/// position over, which leaves the market's state as it was; the write of a state that
		/// did change (funding accrued, open interest moved) is charged on top.
		#[pallet::call_index(10)]
		#[pallet::weight(Pallet::<T>::liquidate_isolated_weight())]
		pub fn liquidate_isolated(
			origin: OriginFor<T>,
			who: T::AccountId,
			market: MarketId,
		) -> DispatchResult {
			ensure_none(origin)?;
			Self::with_working_set(|| Self::do_liquidate_isolated(&who, market))
		}

		/// Liquidates every target below maintenance: cross books as
		/// [`Pallet::liquidate`] does, isolated positions as
		/// [`Pallet::liquidate_isolated`] does, each in its own storage layer. Unsigned,
		/// from validators' off-chain workers, up to [`MAX_LIQUIDATION_BATCH`] targets at
		/// once: a crash that puts a thousand accounts under fits a few transactions.
		///
		/// A target that no longer applies when the batch runs (healthy again, liquidated
		/// earlier in the block, holding more positions than its witness, portfolio-margined
		/// without the witness saying so) is skipped, and a failed liquidation changes
		/// nothing; the others go on. The batch is charged every target at its witness
		/// ([`Pallet::liquidate_many_weight`]: the whole book closed in the mode it may be
		/// in) and refunded to the checks it ran and the liquidations it did.
		///
		/// An operational call: liquidations are what keeps the clearing house solvent, so
		/// they may use the whole block, not only the share normal transactions (orders)
		/// may fill; a crash's liquidations never wait behind trading.
		#[pallet::call_index(29)]
		#[pallet::weight((Pallet::<T>::liquidate_many_weight(targets), DispatchClass::Operational))]
		pub fn liquidate_many(
			origin: OriginFor<T>,
			targets: BoundedVec<LiquidationTarget<T::AccountId>, ConstU32<MAX_LIQUIDATION_BATCH>>,
		) -> DispatchResultWithPostInfo {
			ensure_none(origin)?;
			let used = Self::with_working_set(|| Self::do_liquidate_many(&targets));
			Ok(Some(used).into())
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
			let reduced = Self::with_working_set(|| Self::do_auto_deleverage(market))?;
			Ok(Some(Self::auto_deleverage_weight(reduced)).into())
		}

		/// Moves `amount` of `asset` from the caller into their collateral pool.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::deposit().saturating_add(Pallet::<T>::principal_weight(1)))]
		pub fn deposit(origin: OriginFor<T>, asset: T::AssetId, amount: u128) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::with_working_set(|| Self::do_deposit(who, asset, amount))
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
			let settled = Self::with_working_set(|| Self::do_withdraw(&who, asset, amount))?;
			Ok(Some(Self::withdraw_weight(MarginModes::<T>::get(&who), settled > 0)).into())
		}

		/// Sets a collateral asset's money market, from the next block (risk origin): its
		/// borrow-rate curve (at most four segments, kinks within 1%..=99%, at most 500% a
		/// year at full utilisation), reserve factor (at most 50%), borrow cap (0: no
		/// borrowing), utilisation cap (10%..=99%) and liability weights
		/// (`1 < maintenance <= initial <= 2`, the liquidation penalty below
		/// `1 - 1 / maintenance`). Bands are rebuilt: the weights and the top rate bound them.
		#[pallet::call_index(32)]
		#[pallet::weight(T::WeightInfo::set_lending_market())]
		pub fn set_lending_market(
			origin: OriginFor<T>,
			asset: T::AssetId,
			config: LendingConfig,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::LendingMarket { asset, config })
		}

		/// Borrows `amount` of `asset` from the pool and pays it to the caller (see
		/// [`crate::lending`]). What the caller supplies of the asset goes first; the rest
		/// is borrowed, at the asset's borrow rate, and counts against margin at the asset's
		/// oracle price times its liability weight (under portfolio margin, at its price, a
		/// spot short in the scan). The asset's borrow cap must be above
		/// zero and hold after the borrow, as must its utilisation cap; the pool must hold
		/// the tokens; and the account must stay at or above its initial margin
		/// requirement at fresh prices. Expired option positions settle first.
		#[pallet::call_index(30)]
		#[pallet::weight(Pallet::<T>::borrow_weight(MarginMode::Portfolio, true))]
		pub fn borrow(
			origin: OriginFor<T>,
			asset: T::AssetId,
			amount: u128,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let settled = Self::with_working_set(|| Self::do_borrow(&who, asset, amount))?;
			Ok(Some(Self::borrow_weight(MarginModes::<T>::get(&who), settled > 0)).into())
		}

		/// Repays up to `amount` of what the caller owes of `asset` from the tokens it holds
		/// (`u128::MAX`: all of it). A deposit also repays first; this call never supplies.
		#[pallet::call_index(31)]
		#[pallet::weight(T::WeightInfo::repay().saturating_add(Pallet::<T>::principal_weight(1)))]
		pub fn repay(origin: OriginFor<T>, asset: T::AssetId, amount: u128) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::with_working_set(|| Self::do_repay(&who, asset, amount)).map(|_| ())
		}

		/// Opts the caller's balance of the collateral asset `asset` out of lending
		/// (`segregated`: true) or back in (false). A segregated asset's tokens are held
		/// apart: never lent, earning nothing, and withdrawable whatever the market's
		/// utilisation (the pool always holds every segregated token). Opting out moves the
		/// caller's supply out of the market at its value (rounded down), and needs the same
		/// utilisation headroom a withdrawal of it would; a borrow of the asset stays a
		/// borrow. Opting in supplies the holding. The settlement asset cannot be segregated.
		#[pallet::call_index(33)]
		#[pallet::weight(T::WeightInfo::set_segregated().saturating_add(Pallet::<T>::principal_weight(1)))]
		pub fn set_segregated(
			origin: OriginFor<T>,
			asset: T::AssetId,
			segregated: bool,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::with_working_set(|| Self::do_set_segregated(&who, asset, segregated)).map(|_| ())
		}

		/// Lists a synthetic under `asset`, an existing `Assets` token, or replaces its
		/// listing (terms and pause; the peg and decimals are fixed), at once (listing
		/// origin). The token must have this pallet's account as owner, issuer, admin and
		/// freezer, a minimum balance of one unit, its metadata's decimals equal to
		/// `config.decimals` and, when first listed, no supply (see [`crate::synthetics`]).
		#[pallet::call_index(34)]
		#[pallet::weight(Pallet::<T>::register_synthetic_weight())]
		pub fn register_synthetic(
			origin: OriginFor<T>,
			asset: T::AssetId,
			config: SyntheticConfig<T::OracleKey>,
		) -> DispatchResult {
			T::ListingOrigin::ensure_origin(origin)?;
			Self::do_register_synthetic(asset, config)
		}

		/// Sets a synthetic's margin fractions, fees and debt cap, from the next block (risk
		/// origin): `0 < maintenance < initial <= 100%`, a stability fee of at most 50% a
		/// year, issuance and redemption fees of at most 5%, and the liquidation penalty
		/// below `maintenance / (1 + maintenance)`.
		#[pallet::call_index(35)]
		#[pallet::weight(T::WeightInfo::set_collateral_parameter())]
		pub fn set_synthetic_terms(
			origin: OriginFor<T>,
			asset: T::AssetId,
			terms: risk_engine::synthetics::SyntheticTerms,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::SyntheticTerms { asset, terms })
		}

		/// Pauses a synthetic's minting (`paused`: true) or resumes it, from the next block
		/// (risk origin). Burning and redemption never pause.
		#[pallet::call_index(36)]
		#[pallet::weight(T::WeightInfo::set_collateral_parameter())]
		pub fn set_synthetic_minting(
			origin: OriginFor<T>,
			asset: T::AssetId,
			paused: bool,
		) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::SyntheticMinting { asset, paused })
		}

		/// Sets the most all synthetic debt together may be worth once a mint adds to it
		/// (settlement units), from the next block (risk origin).
		#[pallet::call_index(37)]
		#[pallet::weight(T::WeightInfo::set_global_parameter())]
		pub fn set_synthetic_debt_ceiling(origin: OriginFor<T>, ceiling: u128) -> DispatchResult {
			T::RiskOrigin::ensure_origin(origin)?;
			Self::schedule_risk_change(RiskChange::SyntheticDebtCeiling { ceiling })
		}

		/// Mints `amount` of the synthetic `asset` to the caller's wallet and adds as many
		/// tokens to its debt of it (see [`crate::synthetics`]). The synthetic's minting must
		/// not be paused, its price fresh (not stale, not held by the jump breaker), its
		/// debt cap and the chain-wide ceiling must hold after the mint, the issuance fee is
		/// paid to the insurance fund, and the account must stay at or above its initial
		/// requirement with the debt counted like a short of its size. Expired option
		/// positions settle first.
		#[pallet::call_index(38)]
		#[pallet::weight(Pallet::<T>::mint_synthetic_weight(MarginMode::Portfolio, true))]
		pub fn mint_synthetic(
			origin: OriginFor<T>,
			asset: T::AssetId,
			amount: u128,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let settled = Self::with_working_set(|| Self::do_mint_synthetic(&who, asset, amount))?;
			Ok(Some(Self::mint_synthetic_weight(MarginModes::<T>::get(&who), settled > 0)).into())
		}

		/// Burns `amount` of the synthetic `asset` from the caller's wallet and takes it off
		/// the caller's debt of it (at most what it owes), paying the stability fee owed.
		/// Works whatever the price or pause.
		#[pallet::call_index(39)]
		#[pallet::weight(Pallet::<T>::burn_synthetic_weight())]
		pub fn burn_synthetic(
			origin: OriginFor<T>,
			asset: T::AssetId,
			amount: u128,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::with_working_set(|| Self::do_burn_synthetic(&who, asset, amount))
		}

		/// Redeems `amount` of the synthetic `asset` from the caller's wallet at its price
		/// (fresh) less the redemption fee, against `issuers` (each named once, not the
		/// caller): the insurance fund first, then the least healthy. Each issuer's debt
		/// falls by the tokens it retires and it pays their value less the fee, which is
		/// credited to the caller's settlement balance. The issuers named must owe at least
		/// `amount` together. Never paused.
		#[pallet::call_index(40)]
		#[pallet::weight(Pallet::<T>::redeem_synthetic_weight(issuers.len() as u32))]
		pub fn redeem_synthetic(
			origin: OriginFor<T>,
			asset: T::AssetId,
			amount: u128,
			issuers: BoundedVec<T::AccountId, ConstU32<{ synthetics::MAX_REDEMPTION_ISSUERS }>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::with_working_set(|| Self::do_redeem_synthetic(&who, asset, amount, &issuers))
				.map(|_| ())
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
			Self::with_working_set(|| Self::do_add_isolated_margin(who, market, amount))
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
			Self::with_working_set(|| Self::do_remove_isolated_margin(who, market, amount))
		}

		/// Creates a permissioned pool (listing origin: Root): an allow-list of accounts that
		/// `admin` (or Root) administers, with its own insurance fund when `insurance_fund`
		/// (see [`crate::pools`]). Pools are numbered from 0 in order of creation.
		#[pallet::call_index(41)]
		#[pallet::weight(T::WeightInfo::create_pool())]
		pub fn create_pool(
			origin: OriginFor<T>,
			admin: PoolAdmin<T::AccountId>,
			insurance_fund: bool,
		) -> DispatchResult {
			T::ListingOrigin::ensure_origin(origin)?;
			Self::do_create_pool(admin, insurance_fund)
		}

		/// Hands `pool`'s administration to `admin` (listing origin: Root).
		#[pallet::call_index(42)]
		#[pallet::weight(T::WeightInfo::set_pool_admin())]
		pub fn set_pool_admin(
			origin: OriginFor<T>,
			pool: PoolId,
			admin: PoolAdmin<T::AccountId>,
		) -> DispatchResult {
			T::ListingOrigin::ensure_origin(origin)?;
			Self::do_set_pool_admin(pool, admin)
		}

		/// Adds `who` to `pool` (the pool's administrator, or Root): it may then add risk in
		/// the pool's restricted markets.
		#[pallet::call_index(43)]
		#[pallet::weight(T::WeightInfo::add_pool_member())]
		pub fn add_pool_member(
			origin: OriginFor<T>,
			pool: PoolId,
			who: T::AccountId,
		) -> DispatchResult {
			Self::ensure_pool_admin(origin, pool)?;
			Self::do_add_pool_member(pool, who)
		}

		/// Removes `who` from `pool` (the pool's administrator, or Root): in the pool's
		/// restricted markets it may then only reduce its positions.
		#[pallet::call_index(44)]
		#[pallet::weight(T::WeightInfo::remove_pool_member())]
		pub fn remove_pool_member(
			origin: OriginFor<T>,
			pool: PoolId,
			who: T::AccountId,
		) -> DispatchResult {
			Self::ensure_pool_admin(origin, pool)?;
			Self::do_remove_pool_member(pool, who)
		}

		/// Restricts `market` to `pool`, or opens it to all with `None` (listing origin:
		/// Root). Positions held by non-members stay, to be reduced.
		#[pallet::call_index(45)]
		#[pallet::weight(T::WeightInfo::set_market_pool())]
		pub fn set_market_pool(
			origin: OriginFor<T>,
			market: MarketId,
			pool: Option<PoolId>,
		) -> DispatchResult {
			T::ListingOrigin::ensure_origin(origin)?;
			Self::do_set_market_pool(market, pool)
		}

		/// Pays `amount` settlement units from the caller's settlement balance into `pool`'s
		/// insurance fund, for good: the balance must cover it and the caller stay at or
		/// above initial margin at fresh prices (anyone; a default-fund contribution).
		#[pallet::call_index(46)]
		#[pallet::weight(Pallet::<T>::withdraw_weight(MarginMode::Portfolio, false))]
		pub fn fund_pool_insurance(
			origin: OriginFor<T>,
			pool: PoolId,
			amount: u128,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::with_working_set(|| Self::do_fund_pool_insurance(&who, pool, amount))
		}
	}

	impl<T: Config> Pallet<T> {
		/// The pallet's account: it holds every deposited token.
		pub fn account_id() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}
	}
}
