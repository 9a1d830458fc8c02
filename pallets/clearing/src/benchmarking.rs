//! Benchmarks of the clearing pallet's calls and of `Clearing::settle_trade`.
//!
//! Margin checks read every position of an account (one market, one price each), so the
//! calls that check margin are measured against `p` open positions, up to
//! `MaxPositionsPerAccount`.

use super::*;
use crate::pallet::{Config, Pallet};
use crate::{RiskChange, MAX_MARKETS, MAX_PENDING_RISK_CHANGES};
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungibles::Mutate as _, EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use risk_engine::{CollateralParams, MarginTier, Price};
use sp_arithmetic::{traits::Saturating, FixedU128, Perbill};

/// What benchmarks need from the runtime: tokens to deposit and prices to read.
pub trait BenchmarkHelper<AccountId, AssetId, OracleKey> {
	/// A non-settlement asset that can be collateral, and the oracle key of its price.
	fn collateral_asset() -> (AssetId, OracleKey);
	/// The oracle key the benchmark markets use.
	fn market_oracle_key() -> OracleKey;
	/// The oracle key of the implied volatility of `market_oracle_key`'s underlying.
	fn volatility_key() -> OracleKey;
	/// Creates `asset` if needed and gives `who` `amount` of it.
	fn fund(asset: AssetId, who: &AccountId, amount: u128);
	/// Makes `key`'s price `price`, observed now.
	fn set_price(key: OracleKey, price: Price);
	/// Sets the clock (ms since the Unix epoch).
	fn set_now(ms: u64);
	/// Creates a token as a synthetic's must be (see [`crate::synthetics`]): `owner` in
	/// every role, sufficient, a minimum balance of one unit, `decimals` in its metadata.
	/// `index` tells apart the tokens one benchmark creates.
	fn synthetic_token(owner: &AccountId, decimals: u8, index: u32) -> AssetId;
}

const USDC_UNIT: u128 = 1_000_000;

fn usd(dollars: u128) -> Price {
	FixedU128::from_inner(dollars * 1_000_000_000_000_000_000)
}

/// A volatility estimate of 60% with `samples` returns, last at `price` at `at_ms`.
fn volatility_estimate(price: u128, at_ms: u64) -> risk_engine::adaptive::VolatilityEstimate {
	risk_engine::adaptive::VolatilityEstimate {
		variance: sp_arithmetic::FixedI128::from_rational(36, 100),
		last_price: usd(price),
		last_update_ms: at_ms,
		samples: 100,
	}
}

fn market_params<T: Config>() -> MarketParamsOf<T> {
	MarketParams {
		symbol: BoundedVec::truncate_from(b"BENCH-PERP".to_vec()),
		oracle_key: T::BenchmarkHelper::market_oracle_key(),
		size_decimals: 8,
		tick_size: FixedU128::from_rational(1, 10),
		lot_size: 10_000,
		min_size: 10_000,
		tiers: BoundedVec::truncate_from(vec![
			MarginTier {
				notional_floor: 0,
				initial_fraction: Perbill::from_percent(5),
				maintenance_fraction: Perbill::from_percent(3),
			},
			MarginTier {
				notional_floor: 1_000_000 * USDC_UNIT,
				initial_fraction: Perbill::from_percent(10),
				maintenance_fraction: Perbill::from_percent(6),
			},
		]),
		taker_fee: Perbill::from_parts(500_000),
		maker_fee: Perbill::from_parts(200_000),
		funding_interval_ms: 3_600_000,
		funding_rate_cap: Perbill::from_parts(7_500_000),
		mark_price_band: Perbill::from_percent(1),
		max_price_age_ms: None,
		open_interest_cap: u128::MAX / 4,
		status: MarketStatus::Active,
		instrument: Default::default(),
		price_band: Perbill::from_percent(10),
	}
}

fn collateral_config<T: Config>(
	oracle_key: Option<T::OracleKey>,
	decimals: u8,
) -> CollateralConfig<T::OracleKey> {
	CollateralConfig {
		oracle_key,
		params: CollateralParams {
			decimals,
			initial_haircut: Perbill::from_percent(90),
			maintenance_haircut: Perbill::from_percent(95),
		},
		deposit_cap: u128::MAX / 4,
	}
}

/// Registers the settlement asset, a second collateral asset and `markets` markets, all
/// priced.
fn setup<T: Config>(markets: u32) {
	let settlement = T::SettlementAsset::get();
	let mut usdc = collateral_config::<T>(None, T::SettlementDecimals::get());
	usdc.params.initial_haircut = Perbill::one();
	usdc.params.maintenance_haircut = Perbill::one();
	CollateralAssets::<T>::insert(settlement, usdc);
	let (asset, key) = T::BenchmarkHelper::collateral_asset();
	CollateralAssets::<T>::insert(asset, collateral_config::<T>(Some(key), 8));
	T::BenchmarkHelper::set_price(key, usd(60_000));
	T::BenchmarkHelper::set_price(T::BenchmarkHelper::market_oracle_key(), usd(60_000));
	for market in 0..markets {
		Markets::<T>::insert(market, market_params::<T>());
	}
}

/// A trader with `usdc` whole USDC and one whole unit of the second collateral asset in its
/// pool.
fn trader<T: Config>(name: &'static str, index: u32, usdc: u128) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let settlement = T::SettlementAsset::get();
	let (asset, _) = T::BenchmarkHelper::collateral_asset();
	T::BenchmarkHelper::fund(settlement, &who, usdc * USDC_UNIT * 2);
	T::BenchmarkHelper::fund(asset, &who, 200_000_000);
	assert!(Pallet::<T>::deposit(
		RawOrigin::Signed(who.clone()).into(),
		settlement,
		usdc * USDC_UNIT
	)
	.is_ok());
	assert!(Pallet::<T>::deposit(RawOrigin::Signed(who.clone()).into(), asset, 100_000_000).is_ok());
	who
}

/// Opens `asset`'s money market for borrowing: the listing default with a two-segment
/// curve (5% a year at the 80% kink, 65% at full use) and a cap no benchmark reaches.
fn lend<T: Config>(asset: T::AssetId) {
	let mut config = crate::LendingConfig::listing_default();
	config.borrow_cap = u128::MAX / 4;
	config.rate_segments = BoundedVec::truncate_from(vec![
		risk_engine::money_market::RateSegment {
			from: Perbill::from_percent(0),
			slope: FixedU128::from_rational(625, 10_000),
		},
		risk_engine::money_market::RateSegment {
			from: Perbill::from_percent(80),
			slope: FixedU128::from_u32(3),
		},
	]);
	LendingMarkets::<T>::insert(asset, config);
	if !LendingIndices::<T>::contains_key(asset) {
		LendingIndices::<T>::insert(asset, risk_engine::money_market::Indices::new());
	}
}

/// A market in `asset` that lends: a supplier's unit of it, and a borrower that spent its
/// own unit and borrowed half a unit more.
fn lending_market<T: Config>(asset: T::AssetId) -> T::AccountId {
	lend::<T>(asset);
	trader::<T>("supplier", 0, 1_000);
	let borrower = trader::<T>("borrower", 0, 1_000_000);
	assert!(
		Pallet::<T>::borrow(RawOrigin::Signed(borrower.clone()).into(), asset, 150_000_000).is_ok()
	);
	borrower
}

/// The clock the lending benchmarks run at (ms).
const LENDING_BENCH_START_MS: u64 = 1_700_000_000_000;

/// Opens a 0.01 BTC-sized position between `maker` and `taker` in each of markets
/// `first..first + count`.
fn open_positions<T: Config>(maker: &T::AccountId, taker: &T::AccountId, first: u32, count: u32) {
	for market in first..first + count {
		assert!(Pallet::<T>::settle_trade(maker, taker, market, 1_000_000, usd(60_000)).is_ok());
	}
}

/// The clock the option benchmarks start at (ms).
const OPTION_BENCH_START_MS: u64 = 1_700_000_000_000;
/// Thirty days (ms).
const THIRTY_DAYS_MS: u64 = 30 * 86_400_000;

/// Lists `count` call series on the benchmark underlying, from market `first`, struck from
/// 50,000 up in steps of 1,000 and expiring in 30 days, and prices the implied volatility.
fn list_option_series<T: Config>(first: u32, count: u32) {
	T::BenchmarkHelper::set_now(OPTION_BENCH_START_MS);
	// Prices observed before the clock moved would be stale now.
	let (_, collateral_key) = T::BenchmarkHelper::collateral_asset();
	T::BenchmarkHelper::set_price(collateral_key, usd(60_000));
	T::BenchmarkHelper::set_price(T::BenchmarkHelper::market_oracle_key(), usd(60_000));
	T::BenchmarkHelper::set_price(
		T::BenchmarkHelper::volatility_key(),
		FixedU128::from_rational(6, 10),
	);
	for index in 0..count {
		let mut params = market_params::<T>();
		params.lot_size = 1_000_000;
		params.min_size = 1_000_000;
		params.tiers = BoundedVec::truncate_from(vec![MarginTier {
			notional_floor: 0,
			initial_fraction: Perbill::from_percent(15),
			maintenance_fraction: Perbill::from_parts(75_000_000),
		}]);
		params.instrument = Instrument::Option {
			kind: risk_engine::options::OptionKind::Call,
			strike: usd(50_000 + 1_000 * index as u128),
			expiry_ms: OPTION_BENCH_START_MS + THIRTY_DAYS_MS,
			volatility_key: T::BenchmarkHelper::volatility_key(),
		};
		Markets::<T>::insert(first + index, params);
	}
}

/// `who` sells `units` (1,000,000 is one lot, 0.01) of each of `count` series from market
/// `first` to `counterparty`, at its mark rounded down to the tick.
fn sell_options<T: Config>(
	who: &T::AccountId,
	counterparty: &T::AccountId,
	first: u32,
	count: u32,
	units: i128,
) {
	for market in first..first + count {
		let state = MarketStates::<T>::get(market);
		let params = Markets::<T>::get(market).expect("listed");
		let mark = Pallet::<T>::market_prices(market, &params, &state).expect("priced").mark;
		let tick = params.tick_size.into_inner();
		let price = FixedU128::from_inner(mark.into_inner() / tick * tick);
		assert!(Pallet::<T>::settle_trade(who, counterparty, market, units, price).is_ok());
	}
}

/// A synthetic on the benchmark markets' oracle key, listed under a token created for it:
/// 20% initial and 10% maintenance margin, every fee charged, no cap any benchmark reaches.
fn synthetic<T: Config>(index: u32) -> T::AssetId {
	let asset = T::BenchmarkHelper::synthetic_token(&Pallet::<T>::account_id(), 8, index);
	assert!(Pallet::<T>::list_synthetic(asset, synthetic_config::<T>()).is_ok());
	asset
}

fn synthetic_config<T: Config>() -> crate::SyntheticConfig<T::OracleKey> {
	crate::SyntheticConfig {
		peg: crate::SyntheticPeg::Oracle(T::BenchmarkHelper::market_oracle_key()),
		decimals: 8,
		terms: risk_engine::synthetics::SyntheticTerms {
			initial_fraction: Perbill::from_percent(20),
			maintenance_fraction: Perbill::from_percent(10),
			stability_fee: Perbill::from_percent(5),
			issuance_fee: Perbill::from_parts(3_000_000),
			redemption_fee: Perbill::from_parts(5_000_000),
			debt_cap: u128::MAX / 4,
		},
		minting_paused: false,
	}
}

/// `who` mints `amount` of `asset` and pays some stability fee on the next change: the
/// fee index has moved since.
fn mint_with_fee_due<T: Config>(who: &T::AccountId, asset: T::AssetId, amount: u128) {
	assert!(
		Pallet::<T>::mint_synthetic(RawOrigin::Signed(who.clone()).into(), asset, amount).is_ok()
	);
	SyntheticStates::<T>::mutate(asset, |state| {
		state.fee_index = state.fee_index.saturating_add(usd(1));
	});
}

/// Fills the queue of scheduled risk changes with `count` changes of market 0's margin
/// schedule: each later check folds them all in.
fn schedule_market_changes<T: Config>(count: u32) {
	let change = RiskChange::MarketMarginTiers { market: 0, tiers: market_params::<T>().tiers };
	PendingRiskChanges::<T>::put(BoundedVec::truncate_from(vec![change; count as usize]));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_collateral() -> Result<(), BenchmarkError> {
		let origin =
			T::ListingOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (asset, key) = T::BenchmarkHelper::collateral_asset();
		let config = collateral_config::<T>(Some(key), 8);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, asset, config.clone());
		assert_eq!(CollateralAssets::<T>::get(asset), Some(config));
		Ok(())
	}

	#[benchmark]
	fn register_market() -> Result<(), BenchmarkError> {
		let origin =
			T::ListingOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = market_params::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 7, params.clone());
		assert_eq!(Markets::<T>::get(7), Some(params));
		Ok(())
	}

	/// A market parameter checked against a queue of scheduled changes of the same market,
	/// one short of full: the costliest of the market setters (all charge this).
	#[benchmark]
	fn set_market_parameter() -> Result<(), BenchmarkError> {
		setup::<T>(1);
		schedule_market_changes::<T>(MAX_PENDING_RISK_CHANGES - 1);
		let origin =
			T::RiskOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let tiers = market_params::<T>().tiers;
		#[extrinsic_call]
		set_market_margin_tiers(origin as T::RuntimeOrigin, 0, tiers);
		assert_eq!(PendingRiskChanges::<T>::decode_len(), Some(MAX_PENDING_RISK_CHANGES as usize));
		Ok(())
	}

	/// A collateral parameter behind a queue one short of full.
	#[benchmark]
	fn set_collateral_parameter() -> Result<(), BenchmarkError> {
		setup::<T>(1);
		schedule_market_changes::<T>(MAX_PENDING_RISK_CHANGES - 1);
		let origin =
			T::RiskOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (asset, _) = T::BenchmarkHelper::collateral_asset();
		#[extrinsic_call]
		set_collateral_haircuts(
			origin as T::RuntimeOrigin,
			asset,
			Perbill::from_percent(80),
			Perbill::from_percent(85),
		);
		assert_eq!(PendingRiskChanges::<T>::decode_len(), Some(MAX_PENDING_RISK_CHANGES as usize));
		Ok(())
	}

	/// A money market's config (a four-segment curve, the most validation can meet) behind
	/// a queue one short of full.
	#[benchmark]
	fn set_lending_market() -> Result<(), BenchmarkError> {
		setup::<T>(1);
		schedule_market_changes::<T>(MAX_PENDING_RISK_CHANGES - 1);
		let origin =
			T::RiskOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (asset, _) = T::BenchmarkHelper::collateral_asset();
		let mut config = crate::LendingConfig::listing_default();
		config.borrow_cap = 1_000 * 100_000_000;
		let segment = |from: u32, slope_permille: u128| risk_engine::money_market::RateSegment {
			from: Perbill::from_percent(from),
			slope: FixedU128::from_rational(slope_permille, 1_000),
		};
		config.rate_segments = BoundedVec::truncate_from(vec![
			segment(0, 50),
			segment(25, 100),
			segment(50, 200),
			segment(80, 3_000),
		]);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, asset, config);
		assert_eq!(PendingRiskChanges::<T>::decode_len(), Some(MAX_PENDING_RISK_CHANGES as usize));
		Ok(())
	}

	/// A pallet-wide parameter (maximum price age, jump breaker, scan limit) behind a queue
	/// one short of full.
	#[benchmark]
	fn set_global_parameter() -> Result<(), BenchmarkError> {
		schedule_market_changes::<T>(MAX_PENDING_RISK_CHANGES - 1);
		let origin =
			T::RiskOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		set_jump_breaker(origin as T::RuntimeOrigin, Perbill::from_percent(15));
		assert_eq!(PendingRiskChanges::<T>::decode_len(), Some(MAX_PENDING_RISK_CHANGES as usize));
		Ok(())
	}

	/// The liquidation penalty, checked against every one of the most markets the pallet
	/// lists, each with the scheduled changes folded in.
	#[benchmark]
	fn set_liquidation_parameters() -> Result<(), BenchmarkError> {
		setup::<T>(MAX_MARKETS);
		schedule_market_changes::<T>(MAX_PENDING_RISK_CHANGES - 1);
		let origin =
			T::RiskOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let (penalty, buffer) = (Perbill::from_percent(2), Perbill::from_percent(20));
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, penalty, buffer);
		assert_eq!(PendingRiskChanges::<T>::decode_len(), Some(MAX_PENDING_RISK_CHANGES as usize));
		Ok(())
	}

	/// Applying one scheduled change at the start of a block (a margin schedule, the
	/// largest). `on_initialize` charges it once per change.
	#[benchmark]
	fn apply_risk_change() {
		setup::<T>(1);
		schedule_market_changes::<T>(1);
		#[block]
		{
			assert_eq!(Pallet::<T>::apply_pending_risk_changes(), 1);
		}
		assert!(PendingRiskChanges::<T>::get().is_empty());
	}

	#[benchmark]
	fn deposit() {
		setup::<T>(0);
		let who: T::AccountId = whitelisted_caller();
		let (asset, _) = T::BenchmarkHelper::collateral_asset();
		T::BenchmarkHelper::fund(asset, &who, 200_000_000);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), asset, 100_000_000);
		assert_eq!(CollateralBalances::<T>::get(&who).get(&asset), Some(&100_000_000));
	}

	/// Withdrawing settlement units from an account with `p` cross positions, each in its
	/// own market, and collateral to price.
	#[benchmark]
	fn withdraw(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(p);
		let who = trader::<T>("taker", 0, 1_000_000);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		open_positions::<T>(&counterparty, &who, 0, p);
		let settlement = T::SettlementAsset::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), settlement, USDC_UNIT);
		assert!(SettlementBalances::<T>::get(&who).scaled < (1_000_000 * USDC_UNIT) as i128);
	}

	/// Borrowing the second collateral asset for an account with `p` cross positions: its
	/// own supply spent, the rest borrowed, the market's caps and the margin checked.
	#[benchmark]
	fn borrow(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(p);
		let (asset, _) = T::BenchmarkHelper::collateral_asset();
		lending_market::<T>(asset);
		let who = trader::<T>("taker", 0, 1_000_000);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		open_positions::<T>(&counterparty, &who, 0, p);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), asset, 110_000_000);
		assert!(Pallet::<T>::balance_of(&who, asset) < 0);
	}

	/// Repaying all of a borrow from the wallet.
	#[benchmark]
	fn repay() {
		setup::<T>(0);
		let (asset, _) = T::BenchmarkHelper::collateral_asset();
		let who = lending_market::<T>(asset);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), asset, u128::MAX);
		assert_eq!(Pallet::<T>::balance_of(&who, asset), 0);
	}

	/// Opting a supply out of lending in a market that lends (its caps checked).
	#[benchmark]
	fn set_segregated() {
		setup::<T>(0);
		let (asset, _) = T::BenchmarkHelper::collateral_asset();
		lending_market::<T>(asset);
		let who = trader::<T>("taker", 0, 1_000);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), asset, true);
		assert_eq!(Pallet::<T>::segregated_of(&who, asset), Some(100_000_000));
	}

	/// One money market's end-of-block accrual a day after the last: interest on its
	/// borrows, the reserve credited to the insurance fund, the next rate set.
	#[benchmark]
	fn accrue_lending() {
		T::BenchmarkHelper::set_now(LENDING_BENCH_START_MS);
		setup::<T>(0);
		let (asset, _) = T::BenchmarkHelper::collateral_asset();
		lending_market::<T>(asset);
		// The first accrual starts the market's clock and sets its rate.
		Pallet::<T>::accrue_all_lending();
		T::BenchmarkHelper::set_now(LENDING_BENCH_START_MS + 86_400_000);
		let config = LendingMarkets::<T>::get(asset).expect("the market is open");
		#[block]
		{
			assert!(Pallet::<T>::accrue_lending(asset, &config, Pallet::<T>::now()).is_ok());
		}
		assert!(LendingTotals::<T>::get(asset).interest > 0);
	}

	/// Moving margin into a new isolated position while `p - 1` cross positions are open.
	#[benchmark]
	fn add_isolated_margin(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(p);
		let who = trader::<T>("taker", 0, 1_000_000);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		open_positions::<T>(&counterparty, &who, 1, p - 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 0, 1_000 * USDC_UNIT);
		assert_eq!(
			Positions::<T>::get(&who).get(&0).and_then(|r| r.isolated_margin),
			Some((1_000 * USDC_UNIT) as i128)
		);
	}

	/// Taking margin out of an open isolated position (its initial check runs).
	#[benchmark]
	fn remove_isolated_margin() {
		setup::<T>(1);
		let who = trader::<T>("taker", 0, 1_000_000);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		assert!(Pallet::<T>::add_isolated_margin(
			RawOrigin::Signed(who.clone()).into(),
			0,
			10_000 * USDC_UNIT
		)
		.is_ok());
		open_positions::<T>(&counterparty, &who, 0, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 0, USDC_UNIT);
		assert_eq!(
			Positions::<T>::get(&who)
				.get(&0)
				.and_then(|r| r.isolated_margin)
				.map(|m| m < (10_000 * USDC_UNIT) as i128),
			Some(true)
		);
	}

	/// Settling a risk-increasing trade between two accounts that each hold `p` positions
	/// (the traded market's and `p - 1` others): both sides' funding, positions, fees, open
	/// interest and full cross-margin checks.
	#[benchmark]
	fn settle_trade(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(p);
		let taker = trader::<T>("taker", 0, 1_000_000);
		let maker = trader::<T>("maker", 0, 1_000_000);
		open_positions::<T>(&maker, &taker, 0, p);
		#[block]
		{
			assert!(Pallet::<T>::settle_trade(&maker, &taker, 0, 1_000_000, usd(60_000)).is_ok());
		}
		assert_eq!(Positions::<T>::get(&taker).get(&0).map(|r| r.position.size), Some(2_000_000));
	}

	/// The jump breaker's end-of-block work for one key with a new observation, the costlier
	/// of its two paths: accepted and folded into the key's volatility estimate (a logarithm,
	/// an exponential and a square root), rather than held with an event (measured at 21 µs
	/// before the estimate existed). `on_initialize` charges it once per watched key.
	#[benchmark]
	fn update_price_guard() {
		let key = T::BenchmarkHelper::market_oracle_key();
		T::BenchmarkHelper::set_now(1_700_000_000_000);
		T::BenchmarkHelper::set_price(key, usd(30_000));
		GuardedKeys::<T>::kill();
		assert!(Pallet::<T>::guard_key(key).is_ok());
		// What was in force was observed long ago at 31,000: the new 30,000 is accepted.
		PriceGuards::<T>::insert(
			key,
			risk_engine::GuardedPrice { accepted: usd(31_000), observed_at: 0, held: None },
		);
		Volatilities::<T>::insert(key, volatility_estimate(31_000, 1));
		#[block]
		{
			Pallet::<T>::update_price_guards();
		}
		assert!(PriceGuards::<T>::get(key).is_some_and(|guard| guard.accepted == usd(30_000)));
		assert!(Volatilities::<T>::get(key).is_some_and(|estimate| estimate.samples == 101));
	}

	/// One adaptive market's end-of-block ramp step, the costliest case: volatility is high
	/// (200%), so the target is above the fractions in force, which rise by a step; the
	/// schedule in force is rewritten and an event emitted. `on_initialize` charges it once
	/// per adaptive market.
	#[benchmark]
	fn step_adaptive_margin() {
		setup::<T>(1);
		let key = T::BenchmarkHelper::market_oracle_key();
		T::BenchmarkHelper::set_now(1_700_000_000_000);
		Volatilities::<T>::insert(key, {
			let mut estimate = volatility_estimate(60_000, 1_700_000_000_000);
			estimate.variance = sp_arithmetic::FixedI128::from_u32(4);
			estimate
		});
		let params = risk_engine::adaptive::AdaptiveParams {
			k_initial: sp_arithmetic::FixedI128::from_u32(3),
			k_maintenance: sp_arithmetic::FixedI128::from_u32(2),
			horizon_ms: 86_400_000,
			floor_initial: Perbill::from_percent(2),
			cap_initial: Perbill::from_percent(50),
			floor_maintenance: Perbill::from_percent(2) - Perbill::from_parts(1),
			cap_maintenance: Perbill::from_percent(30),
			open_interest_lower: 1,
			open_interest_upper: 2,
			open_interest_add: Perbill::zero(),
		};
		Pallet::<T>::apply_adaptive_margin(0, Some(params));
		let before = AdaptiveMargins::<T>::get(0).map(|adaptive| adaptive.effective);
		#[block]
		{
			Pallet::<T>::step_adaptive_margins();
		}
		let after = AdaptiveMargins::<T>::get(0).map(|adaptive| adaptive.effective);
		assert!(after.zip(before).is_some_and(|(after, before)| after.initial > before.initial));
	}

	/// Auto-deleveraging that needs `n` counterparties: the fund is long `n` x 0.1 BTC from
	/// `n` shorts at 60,000 on too little margin, and BTC falls to 50,000; each short's
	/// 1,000 USDC profit covers its 600 share of the deficit.
	#[benchmark]
	fn auto_deleverage(n: Linear<1, { crate::deleverage::MAX_ADL_COUNTERPARTIES }>) {
		setup::<T>(1);
		let settlement = T::SettlementAsset::get();
		let fund = T::InsuranceAccount::get();
		T::BenchmarkHelper::fund(settlement, &fund, 1_000 * USDC_UNIT * n as u128);
		assert!(Pallet::<T>::deposit(
			RawOrigin::Signed(fund.clone()).into(),
			settlement,
			400 * USDC_UNIT * n as u128
		)
		.is_ok());
		for i in 0..n {
			let who = trader::<T>("short", i, 10_000 + 1_000 * i as u128);
			assert!(Pallet::<T>::settle_trade(&who, &fund, 0, 10_000_000, usd(60_000)).is_ok());
		}
		T::BenchmarkHelper::set_price(T::BenchmarkHelper::market_oracle_key(), usd(50_000));
		let (_, key) = T::BenchmarkHelper::collateral_asset();
		T::BenchmarkHelper::set_price(key, usd(50_000));
		assert!(Pallet::<T>::deleverage_applies(0));
		#[extrinsic_call]
		_(RawOrigin::None, 0);
		assert_eq!(Pallet::<T>::insurance_deficit(), 0);
	}

	/// The worst liquidation: an account with `p` cross positions and collateral so far under
	/// water that every position closes in full, its collateral is seized and the fund pays
	/// bad debt.
	#[benchmark]
	fn liquidate(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(p);
		// 100 USDC per position and 0.001 BTC: each 0.02 BTC position needs 60 of initial
		// margin at 60,000 and loses 594 when the price halves.
		let victim: T::AccountId = account("victim", 0, 0);
		let settlement = T::SettlementAsset::get();
		let (asset, key) = T::BenchmarkHelper::collateral_asset();
		T::BenchmarkHelper::fund(settlement, &victim, 100 * USDC_UNIT * p as u128);
		T::BenchmarkHelper::fund(asset, &victim, 100_000);
		assert!(Pallet::<T>::deposit(
			RawOrigin::Signed(victim.clone()).into(),
			settlement,
			100 * USDC_UNIT * p as u128
		)
		.is_ok());
		assert!(
			Pallet::<T>::deposit(RawOrigin::Signed(victim.clone()).into(), asset, 100_000).is_ok()
		);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		let insurance = T::InsuranceAccount::get();
		T::BenchmarkHelper::fund(T::SettlementAsset::get(), &insurance, 2_000_000 * USDC_UNIT);
		assert!(Pallet::<T>::deposit(
			RawOrigin::Signed(insurance.clone()).into(),
			T::SettlementAsset::get(),
			1_000_000 * USDC_UNIT
		)
		.is_ok());
		for market in 0..p {
			assert!(Pallet::<T>::settle_trade(
				&counterparty,
				&victim,
				market,
				2_000_000,
				usd(60_000)
			)
			.is_ok());
		}
		// Every market follows the same index: a crash to 30,000.
		T::BenchmarkHelper::set_price(T::BenchmarkHelper::market_oracle_key(), usd(30_000));
		T::BenchmarkHelper::set_price(key, usd(30_000));
		assert!(Pallet::<T>::cross_liquidatable(&victim));
		#[extrinsic_call]
		_(RawOrigin::None, victim.clone());
		assert!(Positions::<T>::get(&victim).is_empty());
		assert!(CollateralBalances::<T>::get(&victim).get(&asset).is_none());
	}

	/// Opting into portfolio margin with `p` short option positions on one underlying: the
	/// scan revalues every series by Black-76 in every scenario. This is also the price of
	/// one portfolio margin check, which other calls add when the account is in that mode.
	#[benchmark]
	fn set_margin_mode(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(0);
		list_option_series::<T>(0, p);
		let who = trader::<T>("taker", 0, 1_000_000);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		sell_options::<T>(&who, &counterparty, 0, p, 1_000_000);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), MarginMode::Portfolio);
		assert_eq!(MarginModes::<T>::get(&who), MarginMode::Portfolio);
	}

	/// One portfolio margin check of an account holding `p` short option positions on one
	/// underlying, worked out from storage in a working set: every series' mark, the scan's
	/// revaluation of every series in every scenario, the requirements. Calls that check an
	/// account in portfolio margin add it (`Pallet::check_surcharge` and the weights of
	/// withdrawals and liquidations).
	#[benchmark]
	fn portfolio_check(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(0);
		list_option_series::<T>(0, p);
		let who = trader::<T>("taker", 0, 1_000_000);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		sell_options::<T>(&who, &counterparty, 0, p, 1_000_000);
		MarginModes::<T>::insert(&who, MarginMode::Portfolio);
		// Assigned in the measured block, read after it.
		#[allow(unused_assignments)]
		let mut figures = None;
		#[block]
		{
			figures = Some(Pallet::<T>::with_working_set(|| Pallet::<T>::cross_figures(&who)));
		}
		assert!(figures.is_some_and(|f| f.is_ok_and(|f| f.mode == MarginMode::Portfolio)));
	}

	/// Liquidating a portfolio-margined account of `p` short option series (0.1 BTC each)
	/// pro rata after a rally took it just below maintenance: the same share of every series
	/// closes into the fund and the account is above maintenance again. The call's two
	/// portfolio checks are inside (before and after the closes): the marks and scenario
	/// premiums the first works out serve the second (the working set). A liquidation that closes the whole book is charged the worst cross
	/// liquidation and three checks instead (`Pallet::liquidate_weight`).
	#[benchmark]
	fn liquidate_portfolio(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(0);
		list_option_series::<T>(0, p);
		PortfolioMinimumEquity::<T>::put(0);
		let settlement = T::SettlementAsset::get();
		let victim: T::AccountId = account("victim", 0, 0);
		T::BenchmarkHelper::fund(settlement, &victim, 1_000_000 * USDC_UNIT);
		assert!(Pallet::<T>::deposit(
			RawOrigin::Signed(victim.clone()).into(),
			settlement,
			1_000_000 * USDC_UNIT
		)
		.is_ok());
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		// Ten lots of each, so that a share of every series can close.
		sell_options::<T>(&victim, &counterparty, 0, p, 10_000_000);
		MarginModes::<T>::insert(&victim, MarginMode::Portfolio);
		// Down to the scan's initial requirement...
		let free = Pallet::<T>::cross_figures(&victim).expect("priced").margin.free_collateral;
		assert!(Pallet::<T>::withdraw(
			RawOrigin::Signed(victim.clone()).into(),
			settlement,
			u128::try_from(free).expect("free collateral")
		)
		.is_ok());
		// ...then the underlying rallies half a percent at a time until the short calls have
		// lost it the margin above maintenance.
		let mut index = 60_000;
		while !Pallet::<T>::cross_liquidatable(&victim) {
			index += 300;
			assert!(index < 90_000, "the book never became liquidatable");
			T::BenchmarkHelper::set_price(T::BenchmarkHelper::market_oracle_key(), usd(index));
		}
		#[extrinsic_call]
		liquidate(RawOrigin::None, victim.clone());
		assert_eq!(Positions::<T>::get(&victim).len() as u32, p, "a share of every series");
		assert!(!Pallet::<T>::cross_liquidatable(&victim));
	}

	/// Settling `p` positions in `p` expired series, each fixing its settlement price.
	#[benchmark]
	fn settle_expired(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(0);
		list_option_series::<T>(0, p);
		let who = trader::<T>("taker", 0, 1_000_000);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		sell_options::<T>(&who, &counterparty, 0, p, 1_000_000);
		T::BenchmarkHelper::set_now(OPTION_BENCH_START_MS + THIRTY_DAYS_MS);
		let (_, collateral_key) = T::BenchmarkHelper::collateral_asset();
		T::BenchmarkHelper::set_price(collateral_key, usd(61_000));
		T::BenchmarkHelper::set_price(T::BenchmarkHelper::market_oracle_key(), usd(61_000));
		assert!(Pallet::<T>::has_expired_positions(&who));
		#[extrinsic_call]
		_(RawOrigin::None, who.clone());
		assert!(!Pallet::<T>::has_expired_positions(&who));
	}

	/// Liquidating an isolated position in full, with its bad debt paid by the fund.
	#[benchmark]
	fn liquidate_isolated() {
		setup::<T>(1);
		let victim = trader::<T>("victim", 0, 100_000);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		assert!(Pallet::<T>::add_isolated_margin(
			RawOrigin::Signed(victim.clone()).into(),
			0,
			1_000 * USDC_UNIT
		)
		.is_ok());
		// 0.3 BTC needs 900 of its 1,000 margin and loses 8,910 when the price halves.
		assert!(
			Pallet::<T>::settle_trade(&counterparty, &victim, 0, 30_000_000, usd(60_000)).is_ok()
		);
		T::BenchmarkHelper::set_price(T::BenchmarkHelper::market_oracle_key(), usd(30_000));
		assert!(Pallet::<T>::isolated_liquidatable(&victim, 0));
		#[extrinsic_call]
		_(RawOrigin::None, victim.clone(), 0);
		assert!(!Pallet::<T>::isolated_liquidatable(&victim, 0));
	}

	/// Working out an account's safety bands with `p` cross positions and a collateral
	/// holding, when none is stored: the worst a touch does (every record and index entry
	/// written). Trades, deposits and withdrawals run it when their call ends, so their own
	/// benchmarks include it; this is its price alone, and what `on_idle` pays to renew one.
	#[benchmark]
	fn reband(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(p);
		let who = trader::<T>("taker", 0, 1_000_000);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		open_positions::<T>(&counterparty, &who, 0, p);
		Pallet::<T>::remove_bands(&who);
		#[block]
		{
			Pallet::<T>::reband(&who);
		}
		assert!(Bands::<T>::get(&who, None::<crate::MarketId>).is_some());
	}

	/// The worker's check of one account with `p` cross positions: is it below maintenance
	/// at fresh prices (it is not: every position is read and valued).
	#[benchmark]
	fn check_account(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(p);
		let who = trader::<T>("taker", 0, 1_000_000);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		open_positions::<T>(&counterparty, &who, 0, p);
		let below;
		#[block]
		{
			below = Pallet::<T>::cross_liquidatable(&who);
		}
		assert!(!below);
	}

	/// A batch of `n` one-position accounts, each taken through the whole path (its
	/// position closed, its collateral seized, its bad debt paid by the fund).
	#[benchmark]
	fn liquidate_many(n: Linear<1, { crate::MAX_LIQUIDATION_BATCH }>) {
		setup::<T>(1);
		let settlement = T::SettlementAsset::get();
		let (asset, key) = T::BenchmarkHelper::collateral_asset();
		let counterparty = trader::<T>("maker", 0, 10_000_000);
		let insurance = T::InsuranceAccount::get();
		T::BenchmarkHelper::fund(settlement, &insurance, 2_000_000 * USDC_UNIT);
		assert!(Pallet::<T>::deposit(
			RawOrigin::Signed(insurance.clone()).into(),
			settlement,
			1_000_000 * USDC_UNIT
		)
		.is_ok());
		let mut targets = Vec::new();
		for index in 0..n {
			// As in `liquidate`: 100 USDC and 0.001 BTC behind 0.02 BTC.
			let victim: T::AccountId = account("victim", index, 0);
			T::BenchmarkHelper::fund(settlement, &victim, 100 * USDC_UNIT);
			T::BenchmarkHelper::fund(asset, &victim, 100_000);
			assert!(Pallet::<T>::deposit(
				RawOrigin::Signed(victim.clone()).into(),
				settlement,
				100 * USDC_UNIT
			)
			.is_ok());
			assert!(Pallet::<T>::deposit(RawOrigin::Signed(victim.clone()).into(), asset, 100_000)
				.is_ok());
			assert!(Pallet::<T>::settle_trade(&counterparty, &victim, 0, 2_000_000, usd(60_000))
				.is_ok());
			targets.push(crate::LiquidationTarget {
				who: victim,
				market: None,
				positions: 1,
				portfolio: false,
				borrows: 0,
			});
		}
		T::BenchmarkHelper::set_price(T::BenchmarkHelper::market_oracle_key(), usd(30_000));
		T::BenchmarkHelper::set_price(key, usd(30_000));
		let first = targets[0].who.clone();
		#[extrinsic_call]
		_(RawOrigin::None, BoundedVec::truncate_from(targets));
		assert!(Positions::<T>::get(&first).is_empty());
	}

	/// Listing a synthetic: its token's roles, minimum balance, metadata and supply read,
	/// its key guarded, its terms checked.
	#[benchmark]
	fn register_synthetic() -> Result<(), BenchmarkError> {
		let origin =
			T::ListingOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		setup::<T>(0);
		let asset = T::BenchmarkHelper::synthetic_token(&Pallet::<T>::account_id(), 8, 0);
		let config = synthetic_config::<T>();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, asset, config.clone());
		assert_eq!(Synthetics::<T>::get(asset), Some(config));
		Ok(())
	}

	/// Minting for an account with `p` cross positions that owes the synthetic already
	/// (its stability fee paid first): the cap and the ceiling over every listed synthetic,
	/// the issuance fee, the tokens minted and the margin checked.
	#[benchmark]
	fn mint_synthetic(p: Linear<1, { T::MaxPositionsPerAccount::get() }>) {
		setup::<T>(p);
		let asset = synthetic::<T>(0);
		let who = trader::<T>("taker", 0, 1_000_000);
		let counterparty = trader::<T>("maker", 0, 1_000_000);
		open_positions::<T>(&counterparty, &who, 0, p);
		mint_with_fee_due::<T>(&who, asset, 1_000_000);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), asset, 10_000_000);
		assert_eq!(Pallet::<T>::synthetic_debt_of(&who, asset).amount, 11_000_000);
	}

	/// Burning part of a debt, its stability fee paid first.
	#[benchmark]
	fn burn_synthetic() {
		setup::<T>(0);
		let asset = synthetic::<T>(0);
		let who = trader::<T>("taker", 0, 1_000_000);
		mint_with_fee_due::<T>(&who, asset, 10_000_000);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), asset, 5_000_000);
		assert_eq!(Pallet::<T>::synthetic_debt_of(&who, asset).amount, 5_000_000);
	}

	/// Redeeming against `n` issuers, each holding `MaxPositionsPerAccount` cross positions
	/// (its health worked out to order them) and retiring its whole debt but the last's.
	#[benchmark]
	fn redeem_synthetic(n: Linear<1, { crate::synthetics::MAX_REDEMPTION_ISSUERS }>) {
		let positions = T::MaxPositionsPerAccount::get();
		setup::<T>(positions);
		let asset = synthetic::<T>(0);
		let counterparty = trader::<T>("maker", 0, 10_000_000);
		let mut issuers = Vec::new();
		for index in 0..n {
			let issuer = trader::<T>("issuer", index, 1_000_000);
			open_positions::<T>(&counterparty, &issuer, 0, positions);
			mint_with_fee_due::<T>(&issuer, asset, 10_000_000);
			assert!(T::Assets::transfer(
				asset,
				&issuer,
				&counterparty,
				10_000_000,
				frame_support::traits::tokens::Preservation::Expendable
			)
			.is_ok());
			issuers.push(issuer);
		}
		let amount = 10_000_000 * u128::from(n) - 1;
		#[extrinsic_call]
		_(
			RawOrigin::Signed(counterparty.clone()),
			asset,
			amount,
			BoundedVec::truncate_from(issuers),
		);
		assert_eq!(SyntheticStates::<T>::get(asset).total_debt, 1);
	}

	/// A pool with its own insurance fund, created by the listing origin.
	#[benchmark]
	fn create_pool() -> Result<(), BenchmarkError> {
		let origin =
			T::ListingOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let admin: T::AccountId = account("admin", 0, 0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, PoolAdmin::Account(admin), true);
		assert!(Pools::<T>::get(0).is_some_and(|pool| pool.insurance_fund.is_some()));
		Ok(())
	}

	#[benchmark]
	fn set_pool_admin() -> Result<(), BenchmarkError> {
		let origin =
			T::ListingOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let admin: T::AccountId = account("admin", 0, 0);
		assert!(Pallet::<T>::do_create_pool(PoolAdmin::Account(admin), true).is_ok());
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 0, PoolAdmin::RiskOrigin);
		assert!(Pools::<T>::get(0).is_some_and(|pool| pool.admin == PoolAdmin::RiskOrigin));
		Ok(())
	}

	/// The pool's administrator (a signed account: its check reads the pool) adds a member.
	#[benchmark]
	fn add_pool_member() {
		let admin: T::AccountId = account("admin", 0, 0);
		let member: T::AccountId = account("member", 0, 0);
		assert!(Pallet::<T>::do_create_pool(PoolAdmin::Account(admin.clone()), true).is_ok());
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), 0, member.clone());
		assert!(PoolMembers::<T>::contains_key(0, &member));
	}

	#[benchmark]
	fn remove_pool_member() {
		let admin: T::AccountId = account("admin", 0, 0);
		let member: T::AccountId = account("member", 0, 0);
		assert!(Pallet::<T>::do_create_pool(PoolAdmin::Account(admin.clone()), true).is_ok());
		assert!(Pallet::<T>::do_add_pool_member(0, member.clone()).is_ok());
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), 0, member.clone());
		assert!(!PoolMembers::<T>::contains_key(0, &member));
	}

	/// A market moved from one pool to another: both pools' counts change.
	#[benchmark]
	fn set_market_pool() -> Result<(), BenchmarkError> {
		setup::<T>(1);
		let origin =
			T::ListingOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let admin: T::AccountId = account("admin", 0, 0);
		assert!(Pallet::<T>::do_create_pool(PoolAdmin::Account(admin.clone()), true).is_ok());
		assert!(Pallet::<T>::do_create_pool(PoolAdmin::Account(admin), true).is_ok());
		assert!(Pallet::<T>::do_set_market_pool(0, Some(0)).is_ok());
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 0, Some(1));
		assert_eq!(MarketPools::<T>::get(0), Some(1));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
