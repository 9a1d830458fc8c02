//! Risk parameters: their bounds, how a change is scheduled and applied, and the impact
//! preview voters read before they vote.
//!
//! ## The rule
//! - **One parameter per change.** A [`RiskChange`] names one parameter of one market, one
//!   collateral asset or the pallet as a whole; the setters (`set_market_margin_tiers`,
//!   `set_market_fees`, …) each build one. The risk origin is Root or, in the runtime, a
//!   referendum on the `risk_parameters` track.
//! - **Checked when scheduled.** A change is checked against the parameters that will be in
//!   force when it applies (today's, with every change already scheduled folded in), and a
//!   bad one fails the call with a typed error and changes nothing.
//! - **Applied from the next block.** A valid change waits in [`PendingRiskChanges`] and is
//!   applied at the start of the next block, before any transaction, so every transaction of
//!   a block sees one set of parameters and the liquidation worker, which judges accounts at
//!   the parent block, never races a change inside a block. Each applied change emits
//!   [`Event::RiskParameterChanged`].
//! - **Previewed before the vote.** [`Pallet::preview_risk_change`] counts the accounts (and
//!   their equity) below maintenance and below initial margin with and without the change,
//!   and names the accounts it would make liquidatable.
//!
//! ## Bounds
//! | parameter | bound |
//! |---|---|
//! | margin tiers | `0 < maintenance < initial <= 100%` per tier, floors rising from zero, fractions not falling; every maintenance fraction above the liquidation penalty |
//! | fees | each at most [`MAX_TRADING_FEE`] (1%) |
//! | funding cap | below the market's lowest maintenance fraction: one interval's funding alone must not take a healthy position to liquidation |
//! | open-interest cap, deposit cap, status | any (a zero cap stops new risk) |
//! | haircuts | `0 < initial <= maintenance <= 100%` |
//! | maximum price age | [`MIN_PRICE_AGE_LIMIT_MS`] (5 s) `<= age <=` [`MAX_PRICE_AGE_LIMIT_MS`] (one hour), pallet-wide and per market |
//! | jump breaker | off (zero bound), or a bound of at least [`MIN_JUMP_BREAKER_BOUND`] (1%) |
//! | liquidation penalty | below every market's lowest maintenance fraction |
//! | worker scan limit | 1 to [`Config::MaxAccountsScannedPerBlock`] accounts |
//! | portfolio scenario grid | a positive range, an odd number of points from 3 to 33, a vol-down shock below 100%, a positive maintenance factor |
//! | correlation of two underlyings | two different keys, a value in `[-1, 1]` |
//! | volatility model | decay below 100%, reference interval and largest gap of 1 s to 30 days, a positive seed volatility |
//! | adaptive margin (per market) | multipliers `0..=20`, horizon 1 ms to 30 days, floor `<=` cap, maintenance floor and cap below the initial ones, maintenance floor above the liquidation penalty, open-interest bounds in order |
//! | ramp step | positive |
//! | price band (per market) | `0 <` band `<=` [`MAX_PRICE_BAND`] (50%) |
//! | mark price band (per market, at listing) | `0 <=` band `<=` [`MAX_MARK_PRICE_BAND`] (10%) |
//! | synthetic terms | `0 < maintenance < initial <= 100%` margin fractions, stability fee at most 50% a year, issuance and redemption fees at most 5%, the liquidation penalty below `maintenance / (1 + maintenance)`; any debt cap (zero stops minting) |
//! | synthetic minting pause, chain-wide synthetic debt ceiling | any |

use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, storage::with_transaction};
use sp_arithmetic::{PerThing, Perbill};
use sp_runtime::TransactionOutcome;

use crate::{pallet::*, CollateralConfig, MarginCensus, MarketId, RiskChange, RiskChangePreview};

/// The highest maker or taker fee a market may charge.
pub const MAX_TRADING_FEE: Perbill = Perbill::from_parts(10_000_000);

/// The longest maximum price age (ms), pallet-wide or per market: one hour.
pub const MAX_PRICE_AGE_LIMIT_MS: u64 = 3_600_000;

/// The shortest maximum price age (ms), pallet-wide or per market: five seconds. A price fed
/// every 3 s block must still be fresh in the next one; a shorter age would make every
/// price stale and freeze the chain.
pub const MIN_PRICE_AGE_LIMIT_MS: u64 = 5_000;

/// The tightest bound the jump breaker may have when on: 1% per update. A tighter one holds
/// ordinary moves and leaves markets in doubt, which freezes them.
pub const MIN_JUMP_BREAKER_BOUND: Perbill = Perbill::from_percent(1);

/// The widest price band a market may have: trades and resting orders within 50% of the
/// index.
pub const MAX_PRICE_BAND: Perbill = Perbill::from_percent(50);

/// The widest band the mark price may be pulled from the index by the book: 10%.
pub const MAX_MARK_PRICE_BAND: Perbill = Perbill::from_percent(10);

/// The most changes waiting for the next block.
pub const MAX_PENDING_RISK_CHANGES: u32 = 16;

/// The most markets the pallet lists: the liquidation-penalty check reads every one.
pub const MAX_MARKETS: u32 = 64;

/// The highest minimum equity for portfolio margin governance may set, in whole USD.
pub const MAX_PORTFOLIO_MINIMUM_EQUITY_USD: u128 = 100_000_000;

/// A [`RiskChange`] with the pallet's types.
pub type RiskChangeOf<T> =
	RiskChange<<T as Config>::AssetId, <T as Config>::OracleKey, <T as Config>::MaxMarginTiers>;

impl<T: Config> Pallet<T> {
	/// Checks `change` against the parameters in force once the scheduled changes apply, and
	/// schedules it for the start of the next block.
	pub(crate) fn schedule_risk_change(change: RiskChangeOf<T>) -> DispatchResult {
		Self::validate_risk_change(&change)?;
		PendingRiskChanges::<T>::try_append(change)
			.map_err(|_| Error::<T>::TooManyPendingRiskChanges)?;
		Ok(())
	}

	/// [`MAX_PORTFOLIO_MINIMUM_EQUITY_USD`] in settlement units.
	pub fn portfolio_minimum_equity_limit() -> u128 {
		10u128
			.checked_pow(u32::from(T::SettlementDecimals::get()))
			.and_then(|unit| unit.checked_mul(MAX_PORTFOLIO_MINIMUM_EQUITY_USD))
			.unwrap_or(u128::MAX)
	}

	/// Applies every scheduled change, in the order scheduled. Returns how many it applied.
	pub(crate) fn apply_pending_risk_changes() -> u32 {
		let pending = PendingRiskChanges::<T>::take();
		for change in &pending {
			Self::apply_risk_change(change);
			Self::deposit_event(Event::RiskParameterChanged { change: change.clone() });
		}
		// Safety bands are worked out from margin schedules, haircuts, adaptive caps and
		// funding caps: a change of one can make stored bands too wide.
		if pending.iter().any(|change| {
			matches!(
				change,
				RiskChange::MarketMarginTiers { .. }
					| RiskChange::MarketFundingCap { .. }
					| RiskChange::CollateralHaircuts { .. }
					| RiskChange::MarketAdaptiveMargin { .. }
					| RiskChange::LendingMarket { .. }
			)
		}) {
			Self::start_band_rebuild();
		}
		pending.len() as u32
	}

	/// Whether `change` is within bounds given the parameters that will be in force when it
	/// applies.
	pub fn validate_risk_change(change: &RiskChangeOf<T>) -> Result<(), Error<T>> {
		use RiskChange::*;
		match change {
			MarketMarginTiers { market, .. }
			| MarketFees { market, .. }
			| MarketFundingCap { market, .. }
			| MarketOpenInterestCap { market, .. }
			| MarketStatus { market, .. }
			| MarketPriceBand { market, .. } => {
				let mut params =
					Self::effective_market(*market).ok_or(Error::<T>::UnknownMarket)?;
				Self::change_market(&mut params, change);
				Self::validate_market(&params)?;
				let (penalty, _) = Self::effective_liquidation_parameters();
				Self::ensure_maintenance_above_penalty(&params, penalty)
			},
			CollateralHaircuts { asset, .. } | CollateralDepositCap { asset, .. } => {
				let mut config =
					Self::effective_collateral(*asset).ok_or(Error::<T>::UnknownCollateral)?;
				Self::change_collateral(&mut config, change);
				Self::validate_collateral(*asset, &config)
			},
			MaxPriceAge { max_price_age_ms } => {
				ensure!(
					(MIN_PRICE_AGE_LIMIT_MS..=MAX_PRICE_AGE_LIMIT_MS).contains(max_price_age_ms),
					Error::<T>::InvalidMaxPriceAge
				);
				Ok(())
			},
			JumpBreaker { breaker } => {
				ensure!(
					breaker.bound.is_zero() || breaker.bound >= MIN_JUMP_BREAKER_BOUND,
					Error::<T>::InvalidJumpBreaker
				);
				Ok(())
			},
			LiquidationParameters { penalty, .. } => {
				let pending = PendingRiskChanges::<T>::get();
				for (market, mut params) in Markets::<T>::iter() {
					Self::fold_into_market(&pending, market, &mut params);
					ensure!(
						Self::lowest_maintenance(&params).is_none_or(|lowest| *penalty < lowest),
						Error::<T>::InvalidLiquidationParameters
					);
					// An adaptive market's maintenance may fall to its floor.
					ensure!(
						Self::effective_adaptive_params(&pending, market)
							.is_none_or(|adaptive| *penalty < adaptive.floor_maintenance),
						Error::<T>::InvalidLiquidationParameters
					);
				}
				for asset in LendingMarkets::<T>::iter_keys() {
					if let Some(config) = Self::effective_lending(&pending, asset) {
						Self::ensure_penalty_below_weight(*penalty, &config)?;
					}
				}
				for asset in Synthetics::<T>::iter_keys() {
					if let Some(terms) = Self::effective_synthetic_terms(&pending, asset) {
						ensure!(
							Self::penalty_below(*penalty, terms.liability_weights().maintenance),
							Error::<T>::InvalidSyntheticTerms
						);
					}
				}
				Ok(())
			},
			LiquidationScanLimit { accounts_per_block } => {
				ensure!(
					(1..=T::MaxAccountsScannedPerBlock::get()).contains(accounts_per_block),
					Error::<T>::InvalidScanLimit
				);
				Ok(())
			},
			PortfolioGrid { grid } => {
				grid.validate().map_err(|_| Error::<T>::InvalidScenarioGrid)?;
				Ok(())
			},
			PortfolioMinimumEquity { minimum } => {
				ensure!(
					*minimum <= Self::portfolio_minimum_equity_limit(),
					Error::<T>::InvalidPortfolioMinimum
				);
				Ok(())
			},
			Correlation { first, second, correlation } => {
				let one = sp_arithmetic::FixedI128::from_inner(1_000_000_000_000_000_000);
				ensure!(
					first != second && *correlation <= one && *correlation >= -one,
					Error::<T>::InvalidCorrelation
				);
				Ok(())
			},
			VolatilityModel { model } => Self::validate_volatility_model(model),
			MarketAdaptiveMargin { market, params } => {
				ensure!(Markets::<T>::contains_key(market), Error::<T>::UnknownMarket);
				match params {
					Some(params) => {
						let (penalty, _) = Self::effective_liquidation_parameters();
						Self::validate_adaptive_params(params, penalty)
					},
					None => Ok(()),
				}
			},
			MarginRampStep { step } => {
				ensure!(!step.is_zero(), Error::<T>::InvalidRampStep);
				Ok(())
			},
			LendingMarket { asset, config } => {
				ensure!(LendingMarkets::<T>::contains_key(asset), Error::<T>::UnknownCollateral);
				config.validate()?;
				let (penalty, _) = Self::effective_liquidation_parameters();
				Self::ensure_penalty_below_weight(penalty, config)
			},
			SyntheticTerms { asset, terms } => {
				ensure!(Synthetics::<T>::contains_key(asset), Error::<T>::UnknownSynthetic);
				let (penalty, _) = Self::effective_liquidation_parameters();
				Self::validate_synthetic_terms(terms, penalty)
			},
			SyntheticMinting { asset, .. } => {
				ensure!(Synthetics::<T>::contains_key(asset), Error::<T>::UnknownSynthetic);
				Ok(())
			},
			SyntheticDebtCeiling { .. } => Ok(()),
		}
	}

	/// A synthetic's terms once the scheduled changes among `pending` apply.
	fn effective_synthetic_terms(
		pending: &[RiskChangeOf<T>],
		asset: T::AssetId,
	) -> Option<risk_engine::synthetics::SyntheticTerms> {
		pending.iter().fold(
			Synthetics::<T>::get(asset).map(|config| config.terms),
			|in_force, change| match change {
				RiskChange::SyntheticTerms { asset: target, terms } if *target == asset => {
					Some(*terms)
				},
				_ => in_force,
			},
		)
	}

	/// Fails unless `penalty < 1 - 1 / maintenance weight` of `config`: a borrow moved with
	/// collateral worth it over `1 - penalty` then always raises health.
	pub(crate) fn ensure_penalty_below_weight(
		penalty: Perbill,
		config: &crate::LendingConfig,
	) -> Result<(), Error<T>> {
		ensure!(
			Self::penalty_below(penalty, config.liability_weights.maintenance),
			Error::<T>::PenaltyAboveLiabilityWeight
		);
		Ok(())
	}

	/// Whether `penalty < 1 - 1 / weight`: a liability of maintenance `weight` moved to the
	/// fund with collateral over `1 - penalty` raises health.
	pub(crate) fn penalty_below(penalty: Perbill, weight: sp_arithmetic::FixedU128) -> bool {
		// penalty < 1 - 1/w  <=>  (1 - penalty) x w > 1.
		let kept = u128::from(penalty.left_from_one().deconstruct());
		weight.into_inner().saturating_mul(kept)
			> <sp_arithmetic::FixedU128 as sp_arithmetic::FixedPointNumber>::DIV
				.saturating_mul(u128::from(Perbill::ACCURACY))
	}

	/// An asset's money market once the scheduled changes among `pending` apply.
	pub(crate) fn effective_lending(
		pending: &[RiskChangeOf<T>],
		asset: T::AssetId,
	) -> Option<crate::LendingConfig> {
		pending.iter().fold(LendingMarkets::<T>::get(asset), |in_force, change| match change {
			RiskChange::LendingMarket { asset: target, config } if *target == asset => {
				Some(config.clone())
			},
			_ => in_force,
		})
	}

	/// Writes `change` to storage. It was checked when scheduled.
	fn apply_risk_change(change: &RiskChangeOf<T>) {
		use RiskChange::*;
		// A change moves what a working set may hold (markets, collateral, price rules).
		Self::forget_working_set();
		match change {
			MarketMarginTiers { market, .. }
			| MarketFees { market, .. }
			| MarketFundingCap { market, .. }
			| MarketOpenInterestCap { market, .. }
			| MarketStatus { market, .. }
			| MarketPriceBand { market, .. } => {
				Markets::<T>::mutate(market, |params| {
					if let Some(params) = params {
						Self::change_market(params, change);
					}
				});
				if matches!(change, MarketMarginTiers { .. }) {
					Self::apply_static_tiers(*market);
				}
			},
			CollateralHaircuts { asset, .. } | CollateralDepositCap { asset, .. } => {
				CollateralAssets::<T>::mutate(asset, |config| {
					if let Some(config) = config {
						Self::change_collateral(config, change);
					}
				})
			},
			MaxPriceAge { max_price_age_ms } => crate::MaxPriceAge::<T>::put(max_price_age_ms),
			JumpBreaker { breaker } => JumpBreakerParams::<T>::put(breaker),
			LiquidationParameters { penalty, buffer } => {
				LiquidationPenalty::<T>::put(penalty);
				LiquidationBuffer::<T>::put(buffer);
			},
			LiquidationScanLimit { accounts_per_block } => {
				crate::LiquidationScanLimit::<T>::put(accounts_per_block)
			},
			PortfolioGrid { grid } => PortfolioGridParams::<T>::put(grid),
			PortfolioMinimumEquity { minimum } => crate::PortfolioMinimumEquity::<T>::put(minimum),
			Correlation { first, second, correlation } => {
				Correlations::<T>::insert(first, second, correlation);
				Correlations::<T>::insert(second, first, correlation);
			},
			VolatilityModel { model } => VolatilityModelParams::<T>::put(model),
			MarketAdaptiveMargin { market, params } => {
				Self::apply_adaptive_margin(*market, *params)
			},
			MarginRampStep { step } => crate::MarginRampStep::<T>::put(step),
			LendingMarket { asset, config } => LendingMarkets::<T>::insert(asset, config),
			SyntheticTerms { asset, terms } => Synthetics::<T>::mutate(asset, |config| {
				if let Some(config) = config {
					config.terms = *terms;
				}
			}),
			SyntheticMinting { asset, paused } => Synthetics::<T>::mutate(asset, |config| {
				if let Some(config) = config {
					config.minting_paused = *paused;
				}
			}),
			SyntheticDebtCeiling { ceiling } => crate::SyntheticDebtCeiling::<T>::put(ceiling),
		}
	}

	/// A market's adaptive-margin parameters once the scheduled changes among `pending`
	/// apply.
	fn effective_adaptive_params(
		pending: &[RiskChangeOf<T>],
		market: MarketId,
	) -> Option<risk_engine::adaptive::AdaptiveParams> {
		pending.iter().fold(
			AdaptiveMargins::<T>::get(market).map(|adaptive| adaptive.params),
			|in_force, change| match change {
				RiskChange::MarketAdaptiveMargin { market: target, params }
					if *target == market =>
				{
					*params
				},
				_ => in_force,
			},
		)
	}

	/// Sets the market parameter `change` names; other changes leave `params` alone.
	fn change_market(params: &mut MarketParamsOf<T>, change: &RiskChangeOf<T>) {
		match change {
			RiskChange::MarketMarginTiers { tiers, .. } => params.tiers = tiers.clone(),
			RiskChange::MarketFees { maker_fee, taker_fee, .. } => {
				params.maker_fee = *maker_fee;
				params.taker_fee = *taker_fee;
			},
			RiskChange::MarketFundingCap { funding_rate_cap, .. } => {
				params.funding_rate_cap = *funding_rate_cap
			},
			RiskChange::MarketOpenInterestCap { open_interest_cap, .. } => {
				params.open_interest_cap = *open_interest_cap
			},
			RiskChange::MarketStatus { status, .. } => params.status = *status,
			RiskChange::MarketPriceBand { price_band, .. } => params.price_band = *price_band,
			_ => {},
		}
	}

	/// Sets the collateral parameter `change` names; other changes leave `config` alone.
	fn change_collateral(config: &mut CollateralConfig<T::OracleKey>, change: &RiskChangeOf<T>) {
		match change {
			RiskChange::CollateralHaircuts { initial_haircut, maintenance_haircut, .. } => {
				config.params.initial_haircut = *initial_haircut;
				config.params.maintenance_haircut = *maintenance_haircut;
			},
			RiskChange::CollateralDepositCap { deposit_cap, .. } => {
				config.deposit_cap = *deposit_cap
			},
			_ => {},
		}
	}

	/// Folds the changes of `market` among `pending` into `params`.
	fn fold_into_market(
		pending: &[RiskChangeOf<T>],
		market: MarketId,
		params: &mut MarketParamsOf<T>,
	) {
		for change in pending.iter().filter(|change| Self::market_of(change) == Some(market)) {
			Self::change_market(params, change);
		}
	}

	/// The market a change is about, if it is about one.
	fn market_of(change: &RiskChangeOf<T>) -> Option<MarketId> {
		use RiskChange::*;
		match change {
			MarketMarginTiers { market, .. }
			| MarketFees { market, .. }
			| MarketFundingCap { market, .. }
			| MarketOpenInterestCap { market, .. }
			| MarketStatus { market, .. }
			| MarketPriceBand { market, .. } => Some(*market),
			_ => None,
		}
	}

	/// A market's parameters once the scheduled changes apply.
	pub fn effective_market(market: MarketId) -> Option<MarketParamsOf<T>> {
		let mut params = Markets::<T>::get(market)?;
		Self::fold_into_market(&PendingRiskChanges::<T>::get(), market, &mut params);
		Some(params)
	}

	/// A collateral asset's configuration once the scheduled changes apply.
	fn effective_collateral(asset: T::AssetId) -> Option<CollateralConfig<T::OracleKey>> {
		let mut config = CollateralAssets::<T>::get(asset)?;
		for change in PendingRiskChanges::<T>::get() {
			match &change {
				RiskChange::CollateralHaircuts { asset: target, .. }
				| RiskChange::CollateralDepositCap { asset: target, .. }
					if *target == asset =>
				{
					Self::change_collateral(&mut config, &change)
				},
				_ => {},
			}
		}
		Some(config)
	}

	/// The liquidation penalty and buffer once the scheduled changes apply.
	pub(crate) fn effective_liquidation_parameters() -> (Perbill, Perbill) {
		PendingRiskChanges::<T>::get().iter().fold(
			(LiquidationPenalty::<T>::get(), LiquidationBuffer::<T>::get()),
			|in_force, change| match change {
				RiskChange::LiquidationParameters { penalty, buffer } => (*penalty, *buffer),
				_ => in_force,
			},
		)
	}

	/// The lowest maintenance fraction of a market's schedule.
	pub(crate) fn lowest_maintenance(params: &MarketParamsOf<T>) -> Option<Perbill> {
		params.tiers.iter().map(|tier| tier.maintenance_fraction).min()
	}

	/// Fails unless every maintenance fraction of the market is above the liquidation
	/// penalty, so that each lot a liquidation closes leaves the account healthier.
	pub(crate) fn ensure_maintenance_above_penalty(
		params: &MarketParamsOf<T>,
		penalty: Perbill,
	) -> Result<(), Error<T>> {
		ensure!(
			Self::lowest_maintenance(params).is_none_or(|lowest| penalty < lowest),
			Error::<T>::MaintenanceNotAbovePenalty
		);
		Ok(())
	}

	/// The liquidation worker's limit in force: accounts checked after each block.
	pub fn liquidation_scan_limit() -> u32 {
		crate::LiquidationScanLimit::<T>::get()
			.unwrap_or_else(T::MaxAccountsScannedPerBlock::get)
			.min(T::MaxAccountsScannedPerBlock::get())
	}

	/// What `change` would do to the accounts holding positions: how many, with how much
	/// equity, would be below maintenance and below initial margin with and without it, and
	/// which it would take below each. Both sides include the changes already scheduled.
	/// Prices are the on-chain ones in force, stale or not. Nothing is written: the changes
	/// are applied in a storage layer that is rolled back.
	pub fn preview_risk_change(
		change: RiskChangeOf<T>,
	) -> Result<RiskChangePreview<T::AccountId>, DispatchError> {
		Self::validate_risk_change(&change)?;
		with_transaction(|| {
			for pending in PendingRiskChanges::<T>::take() {
				Self::apply_risk_change(&pending);
			}
			let before = Self::margin_standing_of_all();
			Self::apply_risk_change(&change);
			let after = Self::margin_standing_of_all();

			let mut preview = RiskChangePreview {
				accounts_checked: before.len() as u32,
				before: MarginCensus::default(),
				after: MarginCensus::default(),
				newly_below_maintenance: Vec::new(),
				newly_below_initial: Vec::new(),
			};
			for ((who, was), (_, is)) in before.into_iter().zip(after) {
				was.count_into(&mut preview.before);
				is.count_into(&mut preview.after);
				if is.below_maintenance && !was.below_maintenance {
					preview.newly_below_maintenance.push(who);
				} else if is.below_initial && !was.below_initial && !is.below_maintenance {
					preview.newly_below_initial.push(who);
				}
			}
			TransactionOutcome::Rollback(Ok(preview))
		})
	}

	/// Every account holding positions or resting orders, then every borrower holding
	/// neither, in storage order, with where it stands against its requirements.
	pub(crate) fn margin_standing_of_all() -> Vec<(T::AccountId, MarginStanding)> {
		let borrowers_only = Borrowers::<T>::iter_keys()
			.filter(|who| !Positions::<T>::contains_key(who))
			.map(|who| (who, Default::default()));
		Positions::<T>::iter()
			.chain(borrowers_only)
			.map(|(who, positions)| {
				let mut standing = MarginStanding::default();
				if let Ok(figures) = Self::cross_figures(&who) {
					let has_cross = positions.values().any(|record| {
						record.isolated_margin.is_none() && !record.position.is_flat()
					});
					standing.equity = figures.margin.equity_maintenance;
					if has_cross || Self::may_owe(&who) {
						standing.below_maintenance |= figures.margin.health < 0;
					}
					standing.below_initial |= figures.margin.free_collateral < 0;
				}
				for (market, record) in positions.iter() {
					if record.isolated_margin.is_none() {
						continue;
					}
					let Some(params) = Markets::<T>::get(market) else { continue };
					if let Ok(figures) = Self::isolated_figures(*market, &params, record, false) {
						standing.equity = standing.equity.saturating_add(figures.equity);
						if !record.position.is_flat() {
							standing.below_maintenance |= figures.health < 0;
						}
						standing.below_initial |= figures.free_margin < 0;
					}
				}
				standing.below_initial |= standing.below_maintenance;
				(who, standing)
			})
			.collect()
	}
}

/// Where one account stands against its margin requirements.
#[derive(Clone, Copy, Default)]
pub(crate) struct MarginStanding {
	/// Cross equity at maintenance haircuts plus every isolated position's equity.
	pub(crate) equity: i128,
	/// The cross account or an isolated position is below maintenance.
	pub(crate) below_maintenance: bool,
	/// The cross account or an isolated position is below initial margin.
	pub(crate) below_initial: bool,
}

impl MarginStanding {
	fn count_into(&self, census: &mut MarginCensus) {
		if self.below_maintenance {
			census.accounts_below_maintenance += 1;
			census.equity_below_maintenance =
				census.equity_below_maintenance.saturating_add(self.equity);
		}
		if self.below_initial {
			census.accounts_below_initial += 1;
			census.equity_below_initial = census.equity_below_initial.saturating_add(self.equity);
		}
	}
}
