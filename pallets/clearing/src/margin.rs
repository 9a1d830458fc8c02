//! Cross and isolated margin: an account's collateral and positions read once, handed to
//! the risk engine, and the figures and checks that withdrawals, orders and trades use
//! (under portfolio margin, with the scan's requirements; see [`crate::portfolio`]).

use alloc::vec::Vec;
use frame_support::pallet_prelude::*;
use risk_engine::{
	CollateralHolding, CrossAccount, CrossMargin, IsolatedMargin, IsolatedPosition,
	LiabilityHolding, PerpExposure,
};

use crate::{
	pallet::*, portfolio::Scan, positions::LoadedPosition, MarginMode, MarketId, PositionRecord,
};

/// What an account owes besides its settlement balance.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Owed<AssetId> {
	/// A borrow of a collateral asset from its money market.
	Borrow(AssetId),
	/// A debt of a synthetic's tokens (see [`crate::synthetics`]).
	Synthetic(AssetId),
}

impl<AssetId: Copy> Owed<AssetId> {
	/// The asset owed: the asset borrowed, or the synthetic's token.
	pub(crate) fn asset(&self) -> AssetId {
		match self {
			Owed::Borrow(asset) | Owed::Synthetic(asset) => *asset,
		}
	}
}

/// What cross margin reads from storage for one account.
pub(crate) struct CrossInputs<T: Config> {
	/// The settlement balance's worth (negative: a debt), settlement units.
	pub(crate) settlement_balance: i128,
	/// Each non-settlement asset supplied, with its worth in tokens and, when priced, the
	/// engine's holding.
	pub(crate) collateral: Vec<(T::AssetId, u128, Option<CollateralHolding>)>,
	/// Each non-settlement asset borrowed and each synthetic owed, with what it owes in
	/// tokens and, when priced, the engine's liability.
	pub(crate) liabilities: Vec<(Owed<T::AssetId>, u128, Option<LiabilityHolding>)>,
	/// The priced liabilities, as the engine takes them, in the order of `liabilities`.
	pub(crate) liability_holdings: Vec<LiabilityHolding>,
	/// The oracle key each priced liability moves with, in the order of
	/// `liability_holdings`: the underlying of its spot short in a portfolio scan. `None`
	/// for a synthetic pegged to a constant, which no scenario moves (it keeps its weight).
	pub(crate) liability_keys: Vec<Option<T::OracleKey>>,
	/// Every position, cross and isolated.
	pub(crate) positions: Vec<LoadedPosition<T>>,
	/// Whether a price the cross figures need is missing or stale.
	pub(crate) stale: bool,
}

impl<T: Config> CrossInputs<T> {
	pub(crate) fn holdings(&self) -> Vec<CollateralHolding> {
		self.collateral.iter().filter_map(|(_, _, holding)| *holding).collect()
	}

	/// The priced liabilities as a portfolio account's equity counts them: those the scan
	/// moves (with an oracle key) at their market value, no weight, the scan carrying their
	/// price risk (see [`crate::portfolio`]); a constant-pegged synthetic at its weight.
	pub(crate) fn liabilities_at_market(&self) -> Vec<LiabilityHolding> {
		let one = sp_arithmetic::FixedU128::from_u32(1);
		self.liability_holdings
			.iter()
			.zip(self.liability_keys.iter())
			.map(|(holding, key)| match key {
				Some(_) => LiabilityHolding {
					weights: risk_engine::LiabilityWeights { initial: one, maintenance: one },
					..*holding
				},
				None => *holding,
			})
			.collect()
	}

	/// Each priced liability the scan moves, with its oracle key: the scan's spot short
	/// legs (borrows and synthetic debts alike).
	pub(crate) fn borrow_legs(&self) -> impl Iterator<Item = (T::OracleKey, &LiabilityHolding)> {
		self.liability_keys
			.iter()
			.zip(self.liability_holdings.iter())
			.filter_map(|(key, holding)| Some(((*key)?, holding)))
	}

	/// The priced cross positions, in the order of `positions`.
	pub(crate) fn cross_exposures(&self) -> Vec<PerpExposure<'_>> {
		self.positions
			.iter()
			.filter(|p| p.record.isolated_margin.is_none())
			.filter_map(|p| p.exposure())
			.collect()
	}
}

/// An account's cross figures and whether every price they used was fresh.
pub struct CrossFigures {
	/// The engine's figures, under the account's margin mode: with `Portfolio`, the
	/// requirements (and so health and free collateral) are the portfolio scan's, resting
	/// orders' requirement added to the initial one.
	pub margin: CrossMargin,
	/// Whether some price was stale (figures still use it).
	pub stale: bool,
	/// The account's margin mode.
	pub mode: MarginMode,
	/// Under portfolio margin, whether the account's initial equity is below
	/// [`PortfolioMinimumEquity`]: it may then add no risk and withdraw nothing.
	pub below_portfolio_minimum: bool,
}

impl CrossFigures {
	/// Fails with `error` unless the account may add risk or withdraw: free collateral not
	/// negative and, under portfolio margin, equity at the minimum.
	pub fn ensure_may_add_risk<T: Config>(&self, error: Error<T>) -> DispatchResult {
		ensure!(!self.below_portfolio_minimum, Error::<T>::PortfolioEquityBelowMinimum);
		ensure!(self.margin.free_collateral >= 0, error);
		Ok(())
	}
}

impl<T: Config> Pallet<T> {
	/// Everything cross margin needs from storage, read once.
	pub(crate) fn load_cross_inputs(who: &T::AccountId) -> CrossInputs<T> {
		let mut stale = false;
		let mut collateral = Vec::new();
		let mut liabilities = Vec::new();
		let mut liability_holdings = Vec::new();
		let mut liability_keys = Vec::new();
		let debts = Self::synthetic_debts(who);
		for (asset, balance) in Self::collateral_holdings(who) {
			let config = Self::collateral_config(asset);
			let price =
				config.as_ref().and_then(|c| c.oracle_key.as_ref()).and_then(Self::oracle_price);
			let price = match price {
				Some((price, fresh)) => {
					stale |= !fresh;
					Some(price)
				},
				None => {
					stale = true;
					None
				},
			};
			let amount = balance.unsigned_abs();
			if balance >= 0 {
				// A synthetic's tokens never back the holder's own debt of it.
				let own_debt = debts.get(&asset).map_or(0, |debt| debt.amount);
				let countable = risk_engine::synthetics::countable_holding(amount, own_debt);
				let holding = price.zip(config).map(|(price, config)| CollateralHolding {
					amount: countable,
					price,
					params: config.params,
				});
				collateral.push((asset, amount, holding));
			} else {
				let weights = Self::lending_config(asset).map(|lending| lending.liability_weights);
				let key = config.as_ref().and_then(|c| c.oracle_key);
				let liability = price.zip(config).zip(weights).map(|((price, config), weights)| {
					LiabilityHolding { amount, price, decimals: config.params.decimals, weights }
				});
				stale |= liability.is_none();
				if let (Some(liability), Some(key)) = (liability, key) {
					liability_holdings.push(liability);
					liability_keys.push(Some(key));
				}
				liabilities.push((Owed::Borrow(asset), amount, liability));
			}
		}
		let mut fees_owed: u128 = 0;
		for (asset, debt) in debts {
			let Some(config) = Synthetics::<T>::get(asset) else {
				stale = true;
				continue;
			};
			let fee_index = SyntheticStates::<T>::get(asset).fee_index;
			fees_owed = fees_owed.saturating_add(Self::synthetic_fee_owed(
				&debt,
				fee_index,
				config.decimals,
			));
			let price = Self::synthetic_price(&config);
			stale |= !price.is_some_and(|(_, fresh)| fresh);
			let liability = price.map(|(price, _)| LiabilityHolding {
				amount: debt.amount,
				price,
				decimals: config.decimals,
				weights: config.terms.liability_weights(),
			});
			if let Some(liability) = liability {
				liability_holdings.push(liability);
				liability_keys.push(match config.peg {
					crate::SyntheticPeg::Oracle(key) => Some(key),
					crate::SyntheticPeg::Constant(_) => None,
				});
			}
			liabilities.push((Owed::Synthetic(asset), debt.amount, liability));
		}
		let positions = Self::load_positions(who);
		for position in positions.iter().filter(|p| p.record.isolated_margin.is_none()) {
			stale |= !position.prices.is_some_and(|prices| prices.fresh);
		}
		CrossInputs {
			// The stability fee owed counts against the pool until it is paid.
			settlement_balance: Self::settlement_balance(who)
				.saturating_sub(i128::try_from(fees_owed).unwrap_or(i128::MAX)),
			collateral,
			liabilities,
			liability_holdings,
			liability_keys,
			positions,
			stale,
		}
	}

	/// The account's cross figures under its margin mode (see [`CrossFigures`]). Holdings or
	/// positions without any price are left out (and mark the figures stale).
	pub fn cross_figures(who: &T::AccountId) -> Result<CrossFigures, DispatchError> {
		Ok(Self::cross_figures_with_inputs(who)?.0)
	}

	/// [`Self::cross_figures`], with the inputs they were worked out from and, under
	/// portfolio margin, the scan of the cross positions: the margin report reuses both.
	pub(crate) fn cross_figures_with_inputs(
		who: &T::AccountId,
	) -> Result<(CrossFigures, CrossInputs<T>, Option<Scan<T::OracleKey>>), DispatchError> {
		let inputs = Self::load_cross_inputs(who);
		let (figures, scan) = Self::cross_figures_from(who, &inputs)?;
		Ok((figures, inputs, scan))
	}

	/// [`Self::cross_figures`] from inputs already loaded, with the portfolio scan (under
	/// portfolio margin).
	pub(crate) fn cross_figures_from(
		who: &T::AccountId,
		inputs: &CrossInputs<T>,
	) -> Result<(CrossFigures, Option<Scan<T::OracleKey>>), DispatchError> {
		let holdings = inputs.holdings();
		let exposures = inputs.cross_exposures();
		let mode = Self::margin_mode(who);
		let mut margin =
			Self::cross_margin_of(inputs, &holdings, &exposures, mode == MarginMode::Portfolio)?;
		let mut below_portfolio_minimum = false;
		let mut scan = None;
		if mode == MarginMode::Portfolio {
			let cross_positions =
				inputs.positions.iter().filter(|p| p.record.isolated_margin.is_none());
			let portfolio = Self::portfolio_scan(cross_positions, inputs.borrow_legs())?;
			Self::apply_portfolio_requirements(&mut margin, &portfolio.margin)?;
			below_portfolio_minimum = margin.equity_initial
				< i128::try_from(PortfolioMinimumEquity::<T>::get()).unwrap_or(i128::MAX);
			scan = Some(portfolio);
		}
		let figures = CrossFigures { margin, stale: inputs.stale, mode, below_portfolio_minimum };
		Ok((figures, scan))
	}

	/// The engine's view of an account, from loaded inputs.
	pub(crate) fn cross_account<'a>(
		inputs: &'a CrossInputs<T>,
		holdings: &'a [CollateralHolding],
		exposures: &'a [PerpExposure<'a>],
	) -> CrossAccount<'a> {
		CrossAccount {
			settlement_balance: inputs.settlement_balance,
			settlement_weights: Self::settlement_weights(),
			quote_decimals: T::SettlementDecimals::get(),
			collateral: holdings,
			liabilities: &inputs.liability_holdings,
			positions: exposures,
		}
	}

	/// The engine's cross figures of an account, from loaded inputs. For a `portfolio`
	/// account its borrows count at market value: the scan moves them with their prices.
	pub(crate) fn cross_margin_of(
		inputs: &CrossInputs<T>,
		holdings: &[CollateralHolding],
		exposures: &[PerpExposure],
		portfolio: bool,
	) -> Result<CrossMargin, DispatchError> {
		let at_market;
		let mut account = Self::cross_account(inputs, holdings, exposures);
		if portfolio {
			at_market = inputs.liabilities_at_market();
			account.liabilities = &at_market;
		}
		Ok(risk_engine::cross_margin(&account).map_err(Error::<T>::from)?)
	}

	/// Fails with `error` unless the account is at or above its cross initial requirement
	/// at fresh prices (with [`Error::StalePrice`] when a price it needs is stale). An
	/// account with no cross positions that owes nothing needs no price at all.
	pub fn ensure_cross_initial_margin(who: &T::AccountId, error: Error<T>) -> DispatchResult {
		let has_cross_positions =
			Positions::<T>::get(who).values().any(|record| record.isolated_margin.is_none());
		if !has_cross_positions && !Self::may_owe(who) {
			return Ok(());
		}
		let figures = Self::cross_figures(who)?;
		ensure!(!figures.stale, Error::<T>::StalePrice);
		figures.ensure_may_add_risk(error)
	}

	/// The figures of an isolated position. With `require_fresh`, a stale or missing index is
	/// [`Error::StalePrice`].
	pub fn isolated_figures(
		market: MarketId,
		params: &MarketParamsOf<T>,
		record: &PositionRecord,
		require_fresh: bool,
	) -> Result<IsolatedMargin, DispatchError> {
		let stored = MarketStates::<T>::get(market);
		let prices = Self::market_prices(market, params, &stored).ok_or(Error::<T>::StalePrice)?;
		ensure!(prices.fresh || !require_fresh, Error::<T>::StalePrice);
		let (state, _) = Self::funding_to_now(params, stored, Some(&prices))?;
		let isolated = IsolatedPosition {
			margin: record.isolated_margin.unwrap_or(0),
			exposure: Self::exposure_of(params, &state, &prices, record),
		};
		Ok(risk_engine::isolated_margin(&isolated).map_err(Error::<T>::from)?)
	}
}
