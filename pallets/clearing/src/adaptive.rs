//! Adaptive margin: requirements that follow each underlying's realized volatility and each
//! market's open interest, and that rise without a cascade.
//!
//! ## The estimate
//! At the end of every block, each guarded price whose price in force (after the jump
//! breaker) was newly observed is folded into its EWMA volatility estimate
//! ([`Volatilities`], [`risk_engine::adaptive::update_volatility`]): time-aware, so the decay
//! depends on the time between observations, and a repeated observation changes nothing.
//! The model ([`VolatilityModelParams`]: the decay `lambda` per reference interval, the
//! longest gap one return stands for, the volatility assumed before the first return) is a
//! risk parameter. A held jump enters the estimate only once the breaker accepts it.
//!
//! ## The fractions
//! Governance turns adaptive margin on per market ([`AdaptiveMargins`],
//! `set_market_adaptive_margin`). The market's first tier then follows
//! [`risk_engine::adaptive::effective_fractions`] with the floors as the base:
//! `initial = clamp(k_initial x volatility x sqrt(horizon), floor, cap)` plus the open-interest
//! add-on, maintenance likewise (below initial). Every higher tier moves by the same amount
//! ([`risk_engine::adaptive::shifted_tiers`]), so the static schedule governance set gives
//! the steps between tiers, and it is in force again when adaptive margin is turned off.
//! The market's stored tiers are always the ones in force: every margin check, the
//! liquidation worker and the runtime API read them as they read a static schedule, at no
//! extra cost.
//!
//! Portfolio margin follows: the scan's price range on an underlying scales as its initial
//! fraction does (in force over static, the largest of its adaptive markets;
//! [`AdaptiveScanScales`]), so a grid whose range is no wider than a market's static initial
//! fraction stays no wider than the adaptive one, and a lone perpetual still needs no more
//! under portfolio margin than under cross.
//!
//! ## The ramp
//! The fractions the engine gives are a *target*. At the end of every block the fractions
//! in force move towards it ([`risk_engine::adaptive::ramp_towards`]): a fall at once, a rise
//! by at most [`MarginRampStep`] of notional per block. A volatility spike therefore raises
//! requirements over several blocks rather than at once, and
//! [`Pallet::adaptive_margin_warnings`] names, before the ramp ends, every account that
//! meets its requirements now but will not at the target.
//!
//! A change applies from the block after it is scheduled, like every risk change; turning
//! adaptive margin on applies a fall at once and leaves a rise to the ramp.

use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, storage::with_transaction};
use risk_engine::adaptive::{
	effective_fractions, ramp_blocks_left, ramp_towards, shifted_tiers, update_volatility,
	AdaptiveParams, EffectiveFractions,
};
use sp_arithmetic::{traits::Saturating, FixedI128, FixedPointNumber, FixedU128, Perbill};
use sp_runtime::TransactionOutcome;

use crate::{pallet::*, AdaptiveMargin, AdaptiveMarginReport, MarketId, RampWarning};

/// The longest reference interval, largest gap and horizon governance may set (ms): 30 days.
pub const MAX_ADAPTIVE_PERIOD_MS: u64 = 30 * 24 * 60 * 60 * 1_000;

/// The largest volatility multiplier governance may set.
pub const MAX_ADAPTIVE_MULTIPLIER: u32 = 20;

impl<T: Config> Pallet<T> {
	/// Folds the price in force for `key`, observed at `observed_at`, into its volatility
	/// estimate. An observation that is not newer than the last changes nothing.
	pub(crate) fn note_volatility(key: T::OracleKey, price: crate::Price, observed_at: u64) {
		if price.is_zero() {
			return;
		}
		let model = VolatilityModelParams::<T>::get();
		let seed = FixedI128::from_perbill(model.seed_volatility);
		let previous = Volatilities::<T>::get(key);
		if previous.is_some_and(|estimate| observed_at <= estimate.last_update_ms) {
			return;
		}
		match update_volatility(
			previous,
			price,
			observed_at,
			seed.saturating_mul(seed),
			&model.params,
		) {
			Ok(estimate) => Volatilities::<T>::insert(key, estimate),
			// Only an overflow on an absurd return gets here: the estimate keeps its last
			// value, and the price itself is judged by the jump breaker and the age limits.
			Err(_) => log::warn!(target: "clearing", "volatility update overflowed"),
		}
	}

	/// The annualized volatility of `key`: the estimate, or the model's seed before one.
	pub fn volatility_of(key: &T::OracleKey) -> FixedI128 {
		Volatilities::<T>::get(key).and_then(|estimate| estimate.volatility().ok()).unwrap_or_else(
			|| FixedI128::from_perbill(VolatilityModelParams::<T>::get().seed_volatility),
		)
	}

	/// The fractions a market's adaptive margin heads for now: its underlying's volatility
	/// and the market's open interest through the engine, the floors as the base.
	fn target_fractions(
		oracle_key: &T::OracleKey,
		market: MarketId,
		params: &AdaptiveParams,
	) -> Option<EffectiveFractions> {
		effective_fractions(
			params.floor_initial,
			params.floor_maintenance,
			Self::volatility_of(oracle_key),
			MarketStates::<T>::get(market).open_interest,
			params,
		)
		.ok()
	}

	/// Writes the schedule in force for a market under adaptive margin: its static schedule
	/// moved to the fractions in force.
	fn put_tiers_in_force(market: MarketId, adaptive: &AdaptiveMarginOf<T>) {
		let Ok(tiers) = shifted_tiers(&adaptive.static_tiers, adaptive.effective) else {
			return;
		};
		Markets::<T>::mutate(market, |params| {
			if let Some(params) = params {
				params.tiers = BoundedVec::truncate_from(tiers);
			}
		});
		Self::forget_market(market);
	}

	/// The portfolio scan's price range for an underlying under adaptive margin: the grid's
	/// `range` scaled as the underlying's initial fraction is (in force over static, the
	/// largest of its adaptive markets), at most 100%. `None` when no market on it is
	/// adaptive.
	pub(crate) fn adaptive_scan_range(key: &T::OracleKey, range: Perbill) -> Option<Perbill> {
		let scale = AdaptiveScanScales::<T>::get(key)?;
		let scaled = scale.saturating_mul_int(u128::from(range.deconstruct()));
		Some(Perbill::from_parts(scaled.min(1_000_000_000) as u32))
	}

	/// How far adaptive margin has moved a market's initial fraction from its static one.
	fn scan_scale(adaptive: &AdaptiveMarginOf<T>) -> FixedU128 {
		let static_initial =
			adaptive.static_tiers.first().map_or(1, |tier| tier.initial_fraction.deconstruct());
		FixedU128::checked_from_rational(
			adaptive.effective.initial.deconstruct(),
			static_initial.max(1),
		)
		.unwrap_or(FixedU128::one())
	}

	/// Moves every adaptive market one block along its ramp, towards the target at the
	/// latest estimate, and scales the portfolio scan's range on each adaptive underlying
	/// with it. Runs at the end of every block.
	pub(crate) fn step_adaptive_margins() {
		let step = MarginRampStep::<T>::get();
		let mut scales: Vec<(T::OracleKey, FixedU128)> = Vec::new();
		for (market, adaptive) in AdaptiveMargins::<T>::iter() {
			let Some(params) = Markets::<T>::get(market) else { continue };
			let Some(target) = Self::target_fractions(&params.oracle_key, market, &adaptive.params)
			else {
				Self::note_scan_scale(&mut scales, params.oracle_key, &adaptive);
				continue;
			};
			let mut stepped = adaptive.clone();
			stepped.effective = ramp_towards(adaptive.effective, target, step);
			stepped.target = target;
			if stepped.effective.initial >= target.initial {
				stepped.ramp_from = stepped.effective.initial;
			}
			Self::note_scan_scale(&mut scales, params.oracle_key, &stepped);
			if stepped == adaptive {
				continue;
			}
			if stepped.effective != adaptive.effective {
				Self::put_tiers_in_force(market, &stepped);
				Self::deposit_event(Event::AdaptiveMarginMoved {
					market,
					initial: stepped.effective.initial,
					maintenance: stepped.effective.maintenance,
					target_initial: target.initial,
					target_maintenance: target.maintenance,
				});
			}
			AdaptiveMargins::<T>::insert(market, stepped);
		}
		for (key, scale) in scales {
			if AdaptiveScanScales::<T>::get(key) != Some(scale) {
				AdaptiveScanScales::<T>::insert(key, scale);
			}
		}
	}

	/// Remembers `adaptive`'s scan scale for `key`, keeping the largest of a key's markets.
	fn note_scan_scale(
		scales: &mut Vec<(T::OracleKey, FixedU128)>,
		key: T::OracleKey,
		adaptive: &AdaptiveMarginOf<T>,
	) {
		let scale = Self::scan_scale(adaptive);
		match scales.iter_mut().find(|(noted, _)| *noted == key) {
			Some((_, noted)) => *noted = (*noted).max(scale),
			None => scales.push((key, scale)),
		}
	}

	/// Applies a scheduled `MarketAdaptiveMargin` change. Turning it on starts from the
	/// static schedule's first tier, lowered at once to the target if that is lower (a rise
	/// is left to the ramp); turning it off puts the static schedule back in force.
	pub(crate) fn apply_adaptive_margin(market: MarketId, params: Option<AdaptiveParams>) {
		Self::forget_market(market);
		let Some(market_params) = Markets::<T>::get(market) else { return };
		let Some(params) = params else {
			if let Some(adaptive) = AdaptiveMargins::<T>::take(market) {
				Markets::<T>::mutate(market, |stored| {
					if let Some(stored) = stored {
						stored.tiers = adaptive.static_tiers;
					}
				});
				// The end of the block notes the scale again if another market on the
				// underlying is still adaptive.
				AdaptiveScanScales::<T>::remove(market_params.oracle_key);
			}
			return;
		};
		let mut adaptive = AdaptiveMargins::<T>::get(market).unwrap_or_else(|| {
			let first = market_params.tiers.first().copied().unwrap_or(risk_engine::MarginTier {
				notional_floor: 0,
				initial_fraction: Perbill::one(),
				maintenance_fraction: Perbill::from_parts(999_999_999),
			});
			let in_force = EffectiveFractions {
				initial: first.initial_fraction,
				maintenance: first.maintenance_fraction,
			};
			AdaptiveMargin {
				params,
				static_tiers: market_params.tiers.clone(),
				target: in_force,
				effective: in_force,
				ramp_from: in_force.initial,
			}
		});
		adaptive.params = params;
		if let Some(target) = Self::target_fractions(&market_params.oracle_key, market, &params) {
			// A zero step: falls apply now, rises wait for the end-of-block ramp.
			adaptive.effective = ramp_towards(adaptive.effective, target, Perbill::zero());
			adaptive.target = target;
			adaptive.ramp_from = adaptive.effective.initial;
		}
		Self::put_tiers_in_force(market, &adaptive);
		AdaptiveMargins::<T>::insert(market, adaptive);
	}

	/// Applies a scheduled margin schedule to a market under adaptive margin: it becomes the
	/// static schedule, and the one in force is it moved to the fractions in force.
	pub(crate) fn apply_static_tiers(market: MarketId) {
		AdaptiveMargins::<T>::mutate(market, |adaptive| {
			let Some(adaptive) = adaptive else { return };
			let Some(params) = Markets::<T>::get(market) else { return };
			adaptive.static_tiers = params.tiers;
			Self::put_tiers_in_force(market, adaptive);
		});
	}

	/// Checks adaptive-margin parameters for a market, with `penalty` the liquidation penalty
	/// in force when they apply: the engine's bounds, multipliers of at most
	/// [`MAX_ADAPTIVE_MULTIPLIER`], a horizon of at most [`MAX_ADAPTIVE_PERIOD_MS`], and a
	/// maintenance floor above the penalty (every lot a liquidation closes must leave the
	/// account healthier, as for a static schedule).
	pub(crate) fn validate_adaptive_params(
		params: &AdaptiveParams,
		penalty: Perbill,
	) -> Result<(), Error<T>> {
		let most = FixedI128::saturating_from_integer(MAX_ADAPTIVE_MULTIPLIER);
		ensure!(
			params.validate().is_ok()
				&& params.k_initial <= most
				&& params.k_maintenance <= most
				&& params.horizon_ms <= MAX_ADAPTIVE_PERIOD_MS
				&& params.floor_maintenance > penalty,
			Error::<T>::InvalidAdaptiveMargin
		);
		Ok(())
	}

	/// Checks a volatility model: a decay below 100%, an interval and a largest gap of 1 s to
	/// [`MAX_ADAPTIVE_PERIOD_MS`], and a positive seed.
	pub(crate) fn validate_volatility_model(
		model: &crate::VolatilityModel,
	) -> Result<(), Error<T>> {
		let period = 1_000..=MAX_ADAPTIVE_PERIOD_MS;
		ensure!(
			model.params.validate().is_ok()
				&& period.contains(&model.params.interval_ms)
				&& period.contains(&model.params.max_gap_ms)
				&& !model.seed_volatility.is_zero(),
			Error::<T>::InvalidVolatilityModel
		);
		Ok(())
	}

	/// A market's adaptive margin: the estimate, the static, target and in-force fractions,
	/// and the ramp's progress. `None` when the market is not under adaptive margin.
	pub fn adaptive_margin_report(market: MarketId) -> Option<AdaptiveMarginReport> {
		let adaptive = AdaptiveMargins::<T>::get(market)?;
		let params = Markets::<T>::get(market)?;
		let estimate = Volatilities::<T>::get(params.oracle_key);
		let first = adaptive.static_tiers.first().copied()?;
		let step = MarginRampStep::<T>::get();
		let rise =
			adaptive.target.initial.deconstruct().saturating_sub(adaptive.ramp_from.deconstruct());
		let done = adaptive
			.effective
			.initial
			.deconstruct()
			.saturating_sub(adaptive.ramp_from.deconstruct());
		Some(AdaptiveMarginReport {
			market,
			volatility: Self::volatility_of(&params.oracle_key),
			samples: estimate.map_or(0, |estimate| estimate.samples),
			last_update_ms: estimate.map_or(0, |estimate| estimate.last_update_ms),
			params: adaptive.params,
			static_initial: first.initial_fraction,
			static_maintenance: first.maintenance_fraction,
			target_initial: adaptive.target.initial,
			target_maintenance: adaptive.target.maintenance,
			effective_initial: adaptive.effective.initial,
			effective_maintenance: adaptive.effective.maintenance,
			ramp_step: step,
			ramp_blocks_left: ramp_blocks_left(adaptive.effective, adaptive.target, step),
			ramp_progress: if adaptive.effective.initial >= adaptive.target.initial {
				Perbill::one()
			} else {
				Perbill::from_rational(done, rise.max(1))
			},
		})
	}

	/// Every account holding positions that meets its requirements in force but would not
	/// once every adaptive market's fractions reach their targets: its cross requirements now
	/// and at the targets, and whether it would be liquidatable. The targets are applied in a
	/// storage layer that is rolled back; nothing is written.
	pub fn adaptive_margin_warnings() -> Vec<RampWarning<T::AccountId>> {
		let step = MarginRampStep::<T>::get();
		let blocks_left = AdaptiveMargins::<T>::iter_values()
			.map(|adaptive| ramp_blocks_left(adaptive.effective, adaptive.target, step))
			.max()
			.unwrap_or(0);
		if blocks_left == 0 {
			return Vec::new();
		}
		let requirements = |who: &T::AccountId| {
			Self::cross_figures(who).map_or((0, 0), |figures| {
				(figures.margin.maintenance_requirement, figures.margin.initial_requirement)
			})
		};
		let now: Vec<_> = Self::margin_standing_of_all()
			.into_iter()
			.map(|(who, standing)| {
				let required = requirements(&who);
				(who, standing, required)
			})
			.collect();
		with_transaction(|| {
			for (market, mut adaptive) in AdaptiveMargins::<T>::iter() {
				adaptive.effective = adaptive.target;
				Self::put_tiers_in_force(market, &adaptive);
			}
			let at_target = Self::margin_standing_of_all();
			let warnings = now
				.into_iter()
				.zip(at_target)
				.filter(|((_, was, _), (_, will))| {
					(will.below_maintenance && !was.below_maintenance)
						|| (will.below_initial && !was.below_initial)
				})
				.map(|((who, was, (maintenance_now, initial_now)), (_, will))| {
					let (maintenance_at_target, initial_at_target) = requirements(&who);
					RampWarning {
						who,
						equity: was.equity,
						maintenance_now,
						maintenance_at_target,
						initial_now,
						initial_at_target,
						liquidatable_at_target: will.below_maintenance,
						blocks_left,
					}
				})
				.collect();
			TransactionOutcome::Rollback(Ok::<_, DispatchError>(warnings))
		})
		.unwrap_or_default()
	}
}
