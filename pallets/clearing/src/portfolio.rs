//! Portfolio margin: the scenario scan over an account's cross positions, the switch between
//! margin modes and the correlations the scan combines underlyings with. The report of each
//! account's book margined every way, and the chain's totals, are in `reports.rs`. The three
//! ways:
//!
//! - *Isolated*: every position margined alone (the sum of the position requirements,
//!   resting orders included): tiers for perpetuals, the standard rule for options.
//! - *Cross*: one pool behind every cross position with the same requirements (the cross
//!   account's), plus each isolated position's own.
//! - *Portfolio*: every cross position in one scenario scan per underlying (positions
//!   grouped by their market's oracle key, moved from the underlying's index, perpetuals
//!   at their mark moved by the same share, options revalued by Black-76), combined across underlyings with the governed [`Correlations`]
//!   (see [`risk_engine::portfolio`]); resting orders keep their own requirement, and
//!   isolated positions theirs. A borrow of a priced asset is a spot short in the scan: a
//!   leg of the size owed on its asset's oracle key, moved with that underlying, so it nets
//!   against the account's perpetuals and options there (a borrowed BTC hedges a long
//!   BTC perpetual); equity then counts the borrow at its market value, the scan carrying
//!   its price risk in place of the liability weight. A settlement debt stays at its
//!   weight: no scenario moves the settlement asset. One risk no scenario moves: the
//!   borrow follows the oracle price, a perpetual its mark, which may sit anywhere within
//!   its band of the index; so the part of a borrow hedged by long perpetuals adds
//!   `2 x mark band x its value` to both requirements (the *basis*). The margin report's
//!   rows per underlying show the scan's figures; the basis is in the requirements only.
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
//! requirement): [`Pallet::margin_report`] gives it for an account,
//! [`Pallet::simulate`] the same report after hypothetical trades.

use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use risk_engine::{
	portfolio::{self, Leg, PortfolioMargin, UnderlyingBook},
	CrossMargin, Price,
};
use sp_arithmetic::{traits::Zero, FixedI128, Perbill};

use crate::{pallet::*, positions::LoadedPosition, Instrument, MarginMode};

/// The positions on one underlying, ready for the scan.
pub(crate) struct Underlying<OracleKey> {
	pub(crate) key: OracleKey,
	/// The underlying's index, USD per whole unit.
	pub(crate) price: FixedI128,
	/// The implied volatility its option series are marked with (zero without options).
	volatility: FixedI128,
	legs: Vec<Leg>,
	/// Whole units of long perpetuals on it, and the widest mark band among them.
	long_perpetuals: (FixedI128, Perbill),
	/// Whole units borrowed of the asset it prices.
	borrowed: FixedI128,
}

impl<OracleKey> Underlying<OracleKey> {
	fn new(key: OracleKey, price: FixedI128) -> Self {
		Self {
			key,
			price,
			volatility: FixedI128::zero(),
			legs: Vec::new(),
			long_perpetuals: (FixedI128::zero(), Perbill::zero()),
			borrowed: FixedI128::zero(),
		}
	}

	/// What the scan cannot see between a borrow and the long perpetuals that hedge it, USD:
	/// the borrow moves with the oracle price, a perpetual with its mark, which may stand
	/// anywhere within its band of it, so the hedged part can lose `2 x band` of its value
	/// while the scan sees a flat book.
	fn basis(&self) -> Result<FixedI128, risk_engine::RiskError> {
		let (long, band) = self.long_perpetuals;
		let hedged = long.min(self.borrowed);
		if hedged <= FixedI128::zero() {
			return Ok(FixedI128::zero());
		}
		let band = FixedI128::from_inner(i128::from(band.deconstruct()) * 2_000_000_000);
		hedged
			.checked_mul(&self.price)
			.and_then(|value| value.checked_mul(&band))
			.ok_or(risk_engine::RiskError::Overflow)
	}
}

impl<OracleKey> Underlying<OracleKey> {
	/// The underlying's net greeks, for reports (no requirement needs them).
	pub(crate) fn greeks(&self) -> Result<risk_engine::portfolio::Greeks, risk_engine::RiskError> {
		portfolio::greeks(&UnderlyingBook {
			index: self.price,
			volatility: self.volatility,
			legs: &self.legs,
			price_range: None,
		})
	}
}

/// A portfolio scan and the underlyings it covered, in the same order.
pub(crate) struct Scan<OracleKey> {
	/// The scan's requirements, the basis between borrows and the perpetuals hedging them
	/// included (see [`Underlying::basis`]).
	pub(crate) margin: PortfolioMargin,
	pub(crate) underlyings: Vec<Underlying<OracleKey>>,
}

impl<T: Config> Pallet<T> {
	/// Whole units of an amount with `decimals` decimals, as an 18-decimal number. Assets of
	/// more than 18 decimals (at most 20 can be listed) lose their last digits, the
	/// magnitude rounded up: a leg is never scanned smaller than it is.
	pub(crate) fn whole_units(size: i128, decimals: u8) -> Result<FixedI128, DispatchError> {
		let exponent =
			|digits: u8| 10i128.checked_pow(u32::from(digits)).ok_or(Error::<T>::Overflow);
		let inner = if decimals <= 18 {
			size.checked_mul(exponent(18 - decimals)?).ok_or(Error::<T>::Overflow)?
		} else {
			let divisor = exponent(decimals - 18)?;
			let magnitude = size.unsigned_abs().div_ceil(divisor.unsigned_abs());
			let magnitude = i128::try_from(magnitude).map_err(|_| Error::<T>::Overflow)?;
			if size < 0 {
				-magnitude
			} else {
				magnitude
			}
		};
		Ok(FixedI128::from_inner(inner))
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
		borrows: impl Iterator<Item = (T::OracleKey, &'a risk_engine::LiabilityHolding)>,
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
					// Only an expired series can have its settlement price.
					if Self::is_expired(&loaded.params)
						&& SettlementPrices::<T>::contains_key(loaded.market)
					{
						continue;
					}
					let years = Self::years_to_expiry(expiry_ms);
					// Scenarios are measured from the mark the account's equity counts.
					let mark = Some(Self::signed_price(prices.mark)?);
					let strike = Self::signed_price(strike)?;
					let leg = Leg::Option { kind, strike, years, size, mark };
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
					underlyings.push(Underlying::new(key, index));
					underlyings.last_mut().ok_or(Error::<T>::Overflow)?
				},
			};
			if let (Leg::Perpetual { .. }, true) = (&leg, size > FixedI128::zero()) {
				let (long, band) = underlying.long_perpetuals;
				underlying.long_perpetuals = (
					long.checked_add(&size).ok_or(Error::<T>::Overflow)?,
					band.max(loaded.params.mark_price_band),
				);
			}
			// Series on one underlying share its implied-volatility key in practice; the
			// first one priced sets the volatility the scan shocks.
			if let (Some(volatility), true) = (volatility, underlying.volatility.is_zero()) {
				underlying.volatility = volatility;
			}
			underlying.legs.push(leg);
		}
		// Each borrow: a spot short of what is owed, marked at its oracle price (a position on
		// the same key has set the underlying's index already).
		for (key, borrow) in borrows {
			let owed = i128::try_from(borrow.amount).map_err(|_| Error::<T>::Overflow)?;
			let size = Self::whole_units(-owed, borrow.decimals)?;
			let price = Self::signed_price(borrow.price)?;
			let leg = Leg::Perpetual { size, mark: Some(price) };
			let underlying = match underlyings.iter_mut().position(|u| u.key == key) {
				Some(at) => &mut underlyings[at],
				None => {
					underlyings.push(Underlying::new(key, price));
					underlyings.last_mut().ok_or(Error::<T>::Overflow)?
				},
			};
			underlying.legs.push(leg);
			underlying.borrowed =
				underlying.borrowed.checked_sub(&size).ok_or(Error::<T>::Overflow)?;
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
		let decimals = T::SettlementDecimals::get();
		let mut margin = Self::with_scan_memo(|memo| {
			portfolio::portfolio_margin_with(&grid, &books, &correlations, decimals, memo)
		})
		.map_err(Error::<T>::from)?;
		// The basis between borrows and the perpetuals hedging them, at both levels: the
		// mark band bounds it outright, no scenario needed.
		let mut basis = FixedI128::zero();
		for underlying in &underlyings {
			basis = basis
				.checked_add(&underlying.basis().map_err(Error::<T>::from)?)
				.ok_or(Error::<T>::Overflow)?;
		}
		let basis = Self::settlement_units_up(basis)?;
		margin.initial_requirement =
			margin.initial_requirement.checked_add(basis).ok_or(Error::<T>::Overflow)?;
		margin.maintenance_requirement =
			margin.maintenance_requirement.checked_add(basis).ok_or(Error::<T>::Overflow)?;
		Ok(Scan { margin, underlyings })
	}

	/// A non-negative USD figure in settlement units, rounded up.
	fn settlement_units_up(usd: FixedI128) -> Result<u128, DispatchError> {
		let inner = usd.into_inner().max(0).unsigned_abs();
		let unit = 10u128
			.checked_pow(18u32.saturating_sub(u32::from(T::SettlementDecimals::get())))
			.ok_or(Error::<T>::Overflow)?;
		Ok(inner.div_ceil(unit))
	}

	/// Replaces cross requirements with the portfolio scan's (resting orders keep their own
	/// requirement on top of the initial one) and works out health and free collateral again.
	pub(crate) fn apply_portfolio_requirements(
		margin: &mut CrossMargin,
		scan: &risk_engine::portfolio::PortfolioMargin,
	) -> Result<(), Error<T>> {
		margin.initial_requirement = scan
			.initial_requirement
			.checked_add(margin.open_order_requirement)
			.ok_or(Error::<T>::Overflow)?;
		margin.maintenance_requirement = scan.maintenance_requirement;
		let signed = |value: u128| i128::try_from(value).map_err(|_| Error::<T>::Overflow);
		margin.health = margin
			.equity_maintenance
			.checked_sub(signed(margin.maintenance_requirement)?)
			.ok_or(Error::<T>::Overflow)?;
		margin.free_collateral = margin
			.equity_initial
			.checked_sub(signed(margin.initial_requirement)?)
			.ok_or(Error::<T>::Overflow)?;
		Ok(())
	}

	/// Switches `who`'s cross positions to `mode` (see [`Pallet::set_margin_mode`]).
	pub(crate) fn do_set_margin_mode(who: &T::AccountId, mode: MarginMode) -> DispatchResult {
		ensure!(MarginModes::<T>::get(who) != mode, Error::<T>::MarginModeUnchanged);
		Self::do_settle_expired(who)?;
		match mode {
			MarginMode::Cross => MarginModes::<T>::remove(who),
			MarginMode::Portfolio => MarginModes::<T>::insert(who, mode),
		}
		Self::forget_account(who);
		Self::note_touched(who);
		let figures = Self::cross_figures(who)?;
		ensure!(!figures.stale, Error::<T>::StalePrice);
		figures.ensure_may_add_risk(Error::<T>::BelowInitialMargin)?;
		Self::deposit_event(Event::MarginModeChanged { who: who.clone(), mode });
		Ok(())
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
}
