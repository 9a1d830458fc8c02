//! Auto-deleveraging: when the insurance fund's net value falls below zero (it paid bad debt it
//! could not afford), the most profitable, most leveraged positions opposite the fund's are
//! reduced against the fund at the bankruptcy price until the deficit is absorbed.
//!
//! ## The rule
//! - **When.** The fund's net value (its settlement balance, the collateral it took over at
//!   market value, and its positions at the mark) is negative, and it holds a position in
//!   the market.
//! - **The price.** The fund's deficit `D` is spread over its whole position `S` in the
//!   market: the bankruptcy price is `mark + D / S` when the fund is long (it sells to the
//!   shorts above the mark) and `mark - D / S` when it is short, rounded so the fund never
//!   recovers less. Closing all of `S` at that price would recover exactly `D`.
//! - **Who.** Opposite positions, ranked by `unrealized PnL x leverage` (leverage = the
//!   account's gross notional over its equity at maintenance), highest first. Validators'
//!   off-chain workers rank every holder off chain and submit the top of the list with an
//!   unsigned [`Pallet::auto_deleverage`]; the chain re-checks that each listed account holds
//!   an opposite position and that the list is in ranking order, and stops as soon as the
//!   deficit is absorbed.
//! - Each reduction is a trade at the bankruptcy price between the fund and the account,
//!   without fees: nothing is created or destroyed, the counterparty gives up
//!   `size x |bankruptcy price - mark|` of its profit to the fund. One
//!   [`Event::AutoDeleveraged`] per account.

use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use risk_engine::Price;
use sp_arithmetic::{traits::Saturating, FixedI128, FixedPointNumber, Rounding};

use crate::{pallet::*, MarketId};

/// The most counterparties one auto-deleveraging transaction lists.
pub const MAX_ADL_COUNTERPARTIES: u32 = 16;

impl<T: Config> Pallet<T> {
	/// The insurance fund's deficit: minus its net value ([`Self::net_value`]) when
	/// negative, else zero.
	pub fn insurance_deficit() -> u128 {
		let value = Self::net_value(&T::InsuranceAccount::get());
		if value < 0 {
			value.unsigned_abs()
		} else {
			0
		}
	}

	/// The ranking score of `who`'s position in `market`: unrealized PnL times the account's
	/// leverage (gross notional / equity at maintenance). `None` when it has no position
	/// there or its figures cannot be computed.
	pub fn deleverage_score(who: &T::AccountId, market: MarketId) -> Option<FixedI128> {
		let report = Self::account_report(who).ok()?;
		let position = report.positions.iter().find(|p| p.market == market)?;
		if position.position_size == 0 {
			return None;
		}
		let gross: u128 = report.positions.iter().map(|p| p.notional).sum();
		let equity = report.equity_maintenance.max(1);
		let leverage = FixedI128::checked_from_rational(gross, equity)?;
		Some(FixedI128::saturating_from_integer(position.unrealized_pnl).saturating_mul(leverage))
	}

	/// Whether an auto-deleveraging of `market` against `counterparties` would do anything:
	/// the fund has a deficit and a position there, and the list is in ranking order of
	/// accounts holding opposite positions.
	pub fn deleverage_applies(market: MarketId, counterparties: &[T::AccountId]) -> bool {
		let fund = T::InsuranceAccount::get();
		let Some(fund_size) = Positions::<T>::get(&fund).get(&market).map(|r| r.position.size)
		else {
			return false;
		};
		if fund_size == 0 || Self::insurance_deficit() == 0 || counterparties.is_empty() {
			return false;
		}
		let mut previous: Option<FixedI128> = None;
		for who in counterparties {
			let size = Positions::<T>::get(who).get(&market).map_or(0, |r| r.position.size);
			if who == &fund || size == 0 || (size > 0) == (fund_size > 0) {
				return false;
			}
			let Some(score) = Self::deleverage_score(who, market) else { return false };
			if previous.is_some_and(|before| score > before) {
				return false;
			}
			previous = Some(score);
		}
		true
	}

	/// Reduces the listed counterparties' positions against the fund at the bankruptcy
	/// price until the fund's deficit is absorbed (see the module docs).
	pub(crate) fn do_auto_deleverage(
		market: MarketId,
		counterparties: &[T::AccountId],
	) -> DispatchResult {
		ensure!(Self::deleverage_applies(market, counterparties), Error::<T>::NothingToDeleverage);
		let fund = T::InsuranceAccount::get();
		let params = Markets::<T>::get(market).ok_or(Error::<T>::UnknownMarket)?;
		let mut state = Self::accrue_funding(market, &params)?;
		let prices = Self::market_prices(market, &params, &state).ok_or(Error::<T>::StalePrice)?;
		ensure!(prices.fresh, Error::<T>::StalePrice);
		let scale = Self::market_scale(&params);
		let fund_size =
			Positions::<T>::get(&fund).get(&market).map_or(0, |record| record.position.size);
		let fund_units = fund_size.unsigned_abs();
		let deficit = Self::insurance_deficit();
		let premium = scale
			.price_of(deficit, fund_units, Rounding::Up)
			.map_err(Error::<T>::from)?
			.unwrap_or_default();
		let bankruptcy: Price = if fund_size > 0 {
			prices.mark.saturating_add(premium)
		} else {
			prices.mark.saturating_sub(premium)
		};
		ensure!(!bankruptcy.is_zero(), Error::<T>::NothingToDeleverage);

		let mut remaining = fund_units;
		let mut reduced: Vec<T::AccountId> = Vec::new();
		for who in counterparties {
			if remaining == 0 || Self::insurance_deficit() == 0 {
				break;
			}
			let size = Positions::<T>::get(who).get(&market).map_or(0, |r| r.position.size);
			let units = size.unsigned_abs().min(remaining);
			if units == 0 || reduced.contains(who) {
				continue;
			}
			let signed = i128::try_from(units).map_err(|_| Error::<T>::Overflow)?;
			// The counterparty's side closes toward zero; the fund's likewise.
			let counterparty_side = if size > 0 { -signed } else { signed };
			Self::trade_with_fund(who, market, &mut state, &scale, counterparty_side, bankruptcy)?;
			remaining -= units;
			reduced.push(who.clone());
			Self::deposit_event(Event::AutoDeleveraged {
				who: who.clone(),
				market,
				reduced_size: counterparty_side,
				price: bankruptcy,
			});
		}
		MarketStates::<T>::insert(market, state);
		Ok(())
	}
}
