//! Portfolio margin and capital efficiency: each account's book margined as isolated
//! positions, as a cross pool and as one portfolio scan, and the chain's totals.
//!
//! - *Isolated*: every position margined alone (the sum of the position requirements,
//!   resting orders included): tiers for perpetuals, the standard rule for options.
//! - *Cross*: one pool behind every cross position with the same requirements (the cross
//!   account's), plus each isolated position's own.
//! - *Portfolio*: every cross position in one scenario scan per underlying (positions
//!   grouped by their market's oracle key, moved from the underlying's index, perpetuals
//!   at their mark moved by the same share, options revalued by Black-76), combined across underlyings with the governed [`Correlations`]
//!   (see [`risk_engine::portfolio`]); resting orders keep their own requirement, and
//!   isolated positions theirs.
//!
//! An account's cross positions are margined under its [`MarginMode`]: `Cross` unless it
//! opted into `Portfolio` with [`Pallet::set_margin_mode`], which needs equity of at least
//! [`PortfolioMinimumEquity`]. Under portfolio margin the scan's requirements replace the
//! cross ones everywhere: withdrawals, trades and orders need free collateral against the
//! scan's initial requirement (and equity at the minimum), and the account is liquidatable
//! below the scan's maintenance requirement, pro rata across its book (see
//! [`crate::liquidation`]).
//!
//! Capital efficiency is the gross notional over the collateral a mode locks (its initial
//! requirement). [`Pallet::simulate`] gives the same report after hypothetical trades.

use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, storage::with_transaction};
use risk_engine::{
	portfolio::{self, Leg, PortfolioMargin, UnderlyingBook},
	Price,
};
use sp_arithmetic::{traits::Zero, FixedI128, FixedPointNumber, FixedU128};
use sp_runtime::TransactionOutcome;

use crate::{
	margin::LoadedPosition, pallet::*, ChainEfficiency, Instrument, MarginMode, MarginReport,
	ModeRequirement, SimulatedTrade, UnderlyingExposure,
};

/// The most trades one `simulate` call applies.
pub const MAX_SIMULATED_TRADES: u32 = 16;

/// The positions on one underlying, ready for the scan.
pub(crate) struct Underlying<OracleKey> {
	key: OracleKey,
	/// The underlying's index, USD per whole unit.
	price: FixedI128,
	/// The implied volatility its option series are marked with (zero without options).
	volatility: FixedI128,
	legs: Vec<Leg>,
}

/// A portfolio scan and the underlyings it covered, in the same order.
pub(crate) struct Scan<OracleKey> {
	pub(crate) margin: PortfolioMargin,
	pub(crate) underlyings: Vec<Underlying<OracleKey>>,
}

impl<T: Config> Pallet<T> {
	/// `gross_notional / locked` as a ratio, `None` when nothing is locked.
	fn efficiency(gross_notional: u128, locked: u128) -> Option<FixedU128> {
		(locked > 0).then(|| FixedU128::saturating_from_rational(gross_notional, locked))
	}

	/// Whole units of a market's size units, as an 18-decimal number.
	fn whole_units(size: i128, size_decimals: u8) -> Result<FixedI128, DispatchError> {
		let factor = 10i128
			.checked_pow(u32::from(18u8.saturating_sub(size_decimals)))
			.ok_or(Error::<T>::Overflow)?;
		Ok(FixedI128::from_inner(size.checked_mul(factor).ok_or(Error::<T>::Overflow)?))
	}

	/// A price as a signed 18-decimal number.
	pub(crate) fn signed_price(price: Price) -> Result<FixedI128, DispatchError> {
		Ok(FixedI128::from_inner(
			i128::try_from(price.into_inner()).map_err(|_| Error::<T>::Overflow)?,
		))
	}

	/// One portfolio scan over `positions` (see the module docs). Positions without a price
	/// are left out; so is a settled series' payoff, which no scenario moves.
	pub(crate) fn portfolio_scan<'a>(
		positions: impl Iterator<Item = &'a LoadedPosition<T>>,
	) -> Result<Scan<T::OracleKey>, DispatchError>
	where
		T: 'a,
	{
		let mut underlyings: Vec<Underlying<T::OracleKey>> = Vec::new();
		for loaded in positions {
			let Some(prices) = loaded.prices else { continue };
			if loaded.record.position.is_flat() {
				continue;
			}
			let size = Self::whole_units(loaded.record.position.size, loaded.params.size_decimals)?;
			let (leg, volatility) = match loaded.params.instrument {
				Instrument::Perpetual => {
					(Leg::Perpetual { size, mark: Some(Self::signed_price(prices.mark)?) }, None)
				},
				Instrument::Option { kind, strike, expiry_ms, volatility_key } => {
					if SettlementPrices::<T>::contains_key(loaded.market) {
						continue;
					}
					let years = Self::years_to_expiry(expiry_ms);
					let leg =
						Leg::Option { kind, strike: Self::signed_price(strike)?, years, size };
					let max_age = Self::market_max_price_age(&loaded.params);
					let volatility = Self::oracle_price_within(&volatility_key, max_age)
						.map(|(volatility, _)| Self::signed_price(volatility))
						.transpose()?;
					(leg, volatility)
				},
			};
			let key = loaded.params.oracle_key;
			let index = Self::signed_price(prices.index)?;
			let underlying = match underlyings.iter_mut().position(|u| u.key == key) {
				Some(at) => &mut underlyings[at],
				None => {
					underlyings.push(Underlying {
						key,
						price: index,
						volatility: FixedI128::zero(),
						legs: Vec::new(),
					});
					underlyings.last_mut().ok_or(Error::<T>::Overflow)?
				},
			};
			// Series on one underlying share its implied-volatility key in practice; the
			// first one priced sets the volatility the scan shocks.
			if let (Some(volatility), true) = (volatility, underlying.volatility.is_zero()) {
				underlying.volatility = volatility;
			}
			underlying.legs.push(leg);
		}
		let grid = PortfolioGridParams::<T>::get();
		let books: Vec<UnderlyingBook> = underlyings
			.iter()
			.map(|u| UnderlyingBook {
				index: u.price,
				volatility: u.volatility,
				legs: &u.legs,
				price_range: Self::adaptive_scan_range(&u.key, grid.price_range),
			})
			.collect();
		let keys: Vec<T::OracleKey> = underlyings.iter().map(|u| u.key).collect();
		let correlations = Self::correlation_matrix(&keys);
		let margin =
			portfolio::portfolio_margin(&grid, &books, &correlations, T::SettlementDecimals::get())
				.map_err(Error::<T>::from)?;
		Ok(Scan { margin, underlyings })
	}

	/// The account's book margined every way (see the module docs). Positions without a
	/// price are left out.
	pub fn margin_report(who: &T::AccountId) -> Result<MarginReport<T::OracleKey>, DispatchError> {
		let (figures, positions, scan) = Self::cross_figures_with_inputs(who)?;

		let mut gross_notional = 0u128;
		let mut isolated = ModeRequirement::default();
		// Isolated positions keep their own margin under the cross mode too.
		let mut isolated_positions = ModeRequirement::default();
		let mut tiered_cross = ModeRequirement::default();
		for loaded in &positions {
			let Some(exposure) = loaded.exposure() else { continue };
			let position = risk_engine::position_margin(&exposure).map_err(Error::<T>::from)?;
			// An option's exposure is the underlying it covers, not its premium.
			let notional = match exposure.option {
				Some(option) => exposure
					.scale
					.value(
						exposure.position.size.unsigned_abs(),
						option.underlying,
						sp_arithmetic::Rounding::Up,
					)
					.map_err(Error::<T>::from)?,
				None => position.notional,
			};
			gross_notional = gross_notional.saturating_add(notional);
			let initial =
				position.initial_requirement.saturating_add(position.open_order_requirement);
			isolated.initial_requirement = isolated.initial_requirement.saturating_add(initial);
			isolated.maintenance_requirement =
				isolated.maintenance_requirement.saturating_add(position.maintenance_requirement);
			let bucket = if loaded.record.isolated_margin.is_some() {
				&mut isolated_positions
			} else {
				&mut tiered_cross
			};
			bucket.initial_requirement = bucket.initial_requirement.saturating_add(initial);
			bucket.maintenance_requirement =
				bucket.maintenance_requirement.saturating_add(position.maintenance_requirement);
		}

		// Under portfolio margin the figures already hold the scan.
		let scan = match scan {
			Some(scan) => scan,
			None => Self::portfolio_scan(
				positions.iter().filter(|p| p.record.isolated_margin.is_none()),
			)?,
		};
		let open_orders = figures.margin.open_order_requirement;
		isolated.capital_efficiency =
			Self::efficiency(gross_notional, isolated.initial_requirement);
		let mode_total = |initial: u128, maintenance: u128| {
			let initial = initial.saturating_add(isolated_positions.initial_requirement);
			ModeRequirement {
				initial_requirement: initial,
				maintenance_requirement: maintenance
					.saturating_add(isolated_positions.maintenance_requirement),
				capital_efficiency: Self::efficiency(gross_notional, initial),
			}
		};
		let cross =
			mode_total(tiered_cross.initial_requirement, tiered_cross.maintenance_requirement);
		let portfolio = mode_total(
			scan.margin.initial_requirement.saturating_add(open_orders),
			scan.margin.maintenance_requirement,
		);
		let underlyings = scan
			.underlyings
			.iter()
			.zip(&scan.margin.underlyings)
			.map(|(u, risk)| UnderlyingExposure {
				oracle_key: u.key,
				price: FixedU128::from_inner(u.price.into_inner().max(0) as u128),
				delta: risk.delta,
				gamma: risk.gamma,
				vega: risk.vega,
				worst_loss: risk.worst_loss,
				worst_move: risk.worst_move,
			})
			.collect();
		Ok(MarginReport {
			mode: figures.mode,
			gross_notional,
			equity: figures.margin.equity_initial,
			isolated,
			cross,
			portfolio,
			underlyings,
		})
	}

	/// Switches `who`'s cross positions to `mode` (see [`Pallet::set_margin_mode`]).
	pub(crate) fn do_set_margin_mode(who: &T::AccountId, mode: MarginMode) -> DispatchResult {
		ensure!(MarginModes::<T>::get(who) != mode, Error::<T>::MarginModeUnchanged);
		Self::do_settle_expired(who)?;
		match mode {
			MarginMode::Cross => MarginModes::<T>::remove(who),
			MarginMode::Portfolio => MarginModes::<T>::insert(who, mode),
		}
		let figures = Self::cross_figures(who)?;
		ensure!(!figures.stale, Error::<T>::StalePrice);
		figures.ensure_may_add_risk(Error::<T>::BelowInitialMargin)?;
		Self::deposit_event(Event::MarginModeChanged { who: who.clone(), mode });
		Ok(())
	}

	/// The account's [`MarginReport`] after `trades`, a pre-trade check: each trade is
	/// applied to the account's side as a taker (funding settled, the taker fee charged) at
	/// its price or the mark, in a storage layer that is rolled back, so nothing is
	/// written. At most [`MAX_SIMULATED_TRADES`] trades; each needs a listed market, a size
	/// in whole lots and a price (given or marked).
	pub fn simulate(
		who: &T::AccountId,
		trades: &[SimulatedTrade],
	) -> Result<MarginReport<T::OracleKey>, DispatchError> {
		ensure!(trades.len() <= MAX_SIMULATED_TRADES as usize, Error::<T>::TooManySimulatedTrades);
		with_transaction(|| {
			let outcome = (|| {
				for trade in trades {
					let params =
						Markets::<T>::get(trade.market).ok_or(Error::<T>::UnknownMarket)?;
					let units = trade.trade_size.unsigned_abs();
					ensure!(units > 0 && units % params.lot_size == 0, Error::<T>::InvalidSize);
					let state = Self::accrue_funding(trade.market, &params)?;
					let price = match trade.price {
						Some(price) => price,
						None => {
							Self::market_prices(trade.market, &params, &state)
								.ok_or(Error::<T>::StalePrice)?
								.mark
						},
					};
					Self::apply_side(
						who,
						trade.market,
						&state,
						&Self::market_scale(&params),
						trade.trade_size,
						price,
						params.taker_fee,
					)?;
				}
				Self::margin_report(who)
			})();
			TransactionOutcome::Rollback(outcome)
		})
	}

	/// The correlation matrix (row-major) of `keys`: ones on the diagonal, governed values
	/// elsewhere, one for pairs never set.
	pub fn correlation_matrix(keys: &[T::OracleKey]) -> Vec<FixedI128> {
		let one = FixedI128::one();
		let n = keys.len();
		(0..n * n)
			.map(|k| {
				let (i, j) = (k / n, k % n);
				if i == j {
					one
				} else {
					Correlations::<T>::get(keys[i], keys[j]).unwrap_or(one)
				}
			})
			.collect()
	}

	/// Gross notional and locked collateral over every account holding positions, under
	/// cross margin (in force) and under portfolio margin.
	pub fn capital_efficiency() -> ChainEfficiency {
		let mut totals = ChainEfficiency::default();
		for who in Positions::<T>::iter_keys() {
			let Ok(report) = Self::margin_report(&who) else { continue };
			totals.accounts = totals.accounts.saturating_add(1);
			totals.gross_notional = totals.gross_notional.saturating_add(report.gross_notional);
			let in_force = match report.mode {
				MarginMode::Cross => report.cross.initial_requirement,
				MarginMode::Portfolio => report.portfolio.initial_requirement,
			};
			totals.locked_in_force = totals.locked_in_force.saturating_add(in_force);
			totals.locked_portfolio =
				totals.locked_portfolio.saturating_add(report.portfolio.initial_requirement);
		}
		totals.efficiency_in_force =
			Self::efficiency(totals.gross_notional, totals.locked_in_force);
		totals.efficiency_portfolio =
			Self::efficiency(totals.gross_notional, totals.locked_portfolio);
		totals
	}
}
