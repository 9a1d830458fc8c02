//! Capital efficiency: each account's book margined as isolated positions, as a cross pool
//! and as one portfolio scan, and the chain's totals. Reports only: cross margin stays the
//! mode in force for cross positions.
//!
//! - *Isolated*: every position margined alone with its market's tiers (the sum of the
//!   position requirements, resting orders included).
//! - *Cross*: one pool behind every cross position with the same tiers (the cross account's
//!   requirements), plus each isolated position's own.
//! - *Portfolio*: every position in one scenario scan per underlying (positions grouped by
//!   their market's oracle key, moved from the mark), combined across underlyings with the
//!   governed [`Correlations`] (see [`risk_engine::portfolio`]).
//!
//! Capital efficiency is the gross notional over the collateral a mode locks (its initial
//! requirement). [`Pallet::simulate`] gives the same report after hypothetical trades.

use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, storage::with_transaction};
use risk_engine::portfolio::{self, Leg, UnderlyingBook};
use sp_arithmetic::{FixedI128, FixedPointNumber, FixedU128};
use sp_runtime::TransactionOutcome;

use crate::{
	pallet::*, ChainEfficiency, MarginReport, ModeRequirement, SimulatedTrade, UnderlyingExposure,
};

/// The most trades one `simulate` call applies.
pub const MAX_SIMULATED_TRADES: u32 = 16;

/// The positions on one underlying, ready for the scan.
struct Underlying<OracleKey> {
	key: OracleKey,
	price: FixedI128,
	legs: Vec<Leg>,
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

	/// The account's book margined every way (see the module docs). Positions without a
	/// price are left out.
	pub fn margin_report(who: &T::AccountId) -> Result<MarginReport<T::OracleKey>, DispatchError> {
		let positions = Self::load_positions(who);
		let cross_margin = Self::cross_figures(who)?.margin;

		let mut gross_notional = 0u128;
		let mut isolated = ModeRequirement::default();
		// Isolated positions keep their own margin under the cross mode too.
		let mut isolated_positions = ModeRequirement::default();
		let mut underlyings: Vec<Underlying<T::OracleKey>> = Vec::new();
		for loaded in &positions {
			let Some(exposure) = loaded.exposure() else { continue };
			let figures = risk_engine::position_margin(&exposure).map_err(Error::<T>::from)?;
			gross_notional = gross_notional.saturating_add(figures.notional);
			isolated.initial_requirement = isolated
				.initial_requirement
				.saturating_add(figures.initial_requirement)
				.saturating_add(figures.open_order_requirement);
			isolated.maintenance_requirement =
				isolated.maintenance_requirement.saturating_add(figures.maintenance_requirement);
			if loaded.record.isolated_margin.is_some() {
				isolated_positions.initial_requirement = isolated_positions
					.initial_requirement
					.saturating_add(figures.initial_requirement)
					.saturating_add(figures.open_order_requirement);
				isolated_positions.maintenance_requirement = isolated_positions
					.maintenance_requirement
					.saturating_add(figures.maintenance_requirement);
			}
			if loaded.record.position.is_flat() {
				continue;
			}
			let size = Self::whole_units(loaded.record.position.size, loaded.params.size_decimals)?;
			let price = FixedI128::from_inner(
				i128::try_from(exposure.mark.into_inner()).map_err(|_| Error::<T>::Overflow)?,
			);
			let key = loaded.params.oracle_key;
			match underlyings.iter_mut().find(|u| u.key == key) {
				Some(underlying) => underlying.legs.push(Leg::Perpetual { size }),
				None => underlyings.push(Underlying {
					key,
					price,
					legs: alloc::vec![Leg::Perpetual { size }],
				}),
			}
		}

		let books: Vec<UnderlyingBook> = underlyings
			.iter()
			.map(|u| UnderlyingBook {
				index: u.price,
				// No options yet: volatility does not move a perpetual.
				volatility: FixedI128::zero(),
				legs: &u.legs,
			})
			.collect();
		let keys: Vec<T::OracleKey> = underlyings.iter().map(|u| u.key).collect();
		let correlations = Self::correlation_matrix(&keys);
		let scan = portfolio::portfolio_margin(
			&PortfolioGridParams::<T>::get(),
			&books,
			&correlations,
			T::SettlementDecimals::get(),
		)
		.map_err(Error::<T>::from)?;

		isolated.capital_efficiency =
			Self::efficiency(gross_notional, isolated.initial_requirement);
		let cross_initial =
			cross_margin.initial_requirement.saturating_add(isolated_positions.initial_requirement);
		let cross = ModeRequirement {
			initial_requirement: cross_initial,
			maintenance_requirement: cross_margin
				.maintenance_requirement
				.saturating_add(isolated_positions.maintenance_requirement),
			capital_efficiency: Self::efficiency(gross_notional, cross_initial),
		};
		let portfolio = ModeRequirement {
			initial_requirement: scan.initial_requirement,
			maintenance_requirement: scan.maintenance_requirement,
			capital_efficiency: Self::efficiency(gross_notional, scan.initial_requirement),
		};
		let underlyings = underlyings
			.iter()
			.zip(&scan.underlyings)
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
			gross_notional,
			equity: cross_margin.equity_initial,
			isolated,
			cross,
			portfolio,
			underlyings,
		})
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
							Self::market_prices(&params, &state).ok_or(Error::<T>::StalePrice)?.mark
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
			totals.locked_in_force =
				totals.locked_in_force.saturating_add(report.cross.initial_requirement);
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
