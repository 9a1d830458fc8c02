//! Collateral: listing assets, deposits and withdrawals between a trader and the pallet's
//! account, isolated margin moved between the pool and a position, and the ledger each
//! account's pool is kept in (the settlement balance, which may go negative, and a balance
//! per other asset).

use frame_support::{
	pallet_prelude::*,
	traits::{fungibles::Mutate, tokens::Preservation},
};

use crate::{pallet::*, CollateralConfig, MarketId, PositionRecord};

impl<T: Config> Pallet<T> {
	/// Moves `amount` of `asset` from `who` into their collateral pool (see
	/// [`Pallet::deposit`]).
	pub(crate) fn do_deposit(who: T::AccountId, asset: T::AssetId, amount: u128) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let config = CollateralAssets::<T>::get(asset).ok_or(Error::<T>::UnknownCollateral)?;
		let total =
			TotalDeposits::<T>::get(asset).checked_add(amount).ok_or(Error::<T>::Overflow)?;
		ensure!(total <= config.deposit_cap, Error::<T>::DepositCapExceeded);

		let change = Self::credit(&who, asset, amount)?;
		TotalDeposits::<T>::insert(asset, total);
		T::Assets::transfer(asset, &who, &Self::account_id(), amount, Preservation::Expendable)?;
		if change.netted > 0 {
			Self::deposit_event(Event::Repaid { who: who.clone(), asset, amount: change.netted });
		}
		Self::deposit_event(Event::Deposited { who, asset, amount });
		Ok(())
	}

	/// Moves `amount` of `asset` from `who`'s pool back to them (see [`Pallet::withdraw`]);
	/// returns how many expired option positions settled first.
	pub(crate) fn do_withdraw(
		who: &T::AccountId,
		asset: T::AssetId,
		amount: u128,
	) -> Result<u32, DispatchError> {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		ensure!(CollateralAssets::<T>::contains_key(asset), Error::<T>::UnknownCollateral);
		let (settled, _) = Self::pay_out(who, asset, amount, false)?;
		Self::deposit_event(Event::Withdrawn { who: who.clone(), asset, amount });
		Ok(settled)
	}

	/// Pays `amount` of `asset` out of `who`'s pool to its wallet, for a withdrawal or (with
	/// `allow_borrow`) a borrow: expired option positions settle first, the ledger is
	/// debited, the pool must be able to pay (caps, cash), and the account must stay at or
	/// above initial margin at fresh prices. Returns the settlements and the debit.
	pub(crate) fn pay_out(
		who: &T::AccountId,
		asset: T::AssetId,
		amount: u128,
		allow_borrow: bool,
	) -> Result<(u32, risk_engine::money_market::BalanceChange), DispatchError> {
		let settled = Self::do_settle_expired(who)?;
		let held = Self::segregated_of(who, asset);
		let change = Self::debit(who, asset, amount, allow_borrow)?;
		// What a segregated holding paid leaves no market: it needs no lending headroom.
		let from_market = match held {
			Some(_) => amount.saturating_sub(change.netted),
			None => amount,
		};
		Self::ensure_pool_can_pay(asset, amount, from_market, change.opened > 0)?;
		Self::ensure_cross_initial_margin(who, Error::<T>::BelowInitialMargin)?;
		TotalDeposits::<T>::mutate(asset, |cash| *cash = cash.saturating_sub(amount));
		T::Assets::transfer(asset, &Self::account_id(), who, amount, Preservation::Expendable)?;
		Ok((settled, change))
	}

	/// Moves `amount` settlement units from `who`'s pool into the margin of their isolated
	/// position in `market` (see [`Pallet::add_isolated_margin`]).
	pub(crate) fn do_add_isolated_margin(
		who: T::AccountId,
		market: MarketId,
		amount: u128,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		ensure!(Markets::<T>::contains_key(market), Error::<T>::UnknownMarket);
		let signed_amount = i128::try_from(amount).map_err(|_| Error::<T>::Overflow)?;

		Positions::<T>::try_mutate(&who, |positions| -> DispatchResult {
			match positions.get_mut(&market) {
				Some(record) => match record.isolated_margin.as_mut() {
					Some(margin) => {
						*margin = margin.checked_add(signed_amount).ok_or(Error::<T>::Overflow)?
					},
					None if record.position.is_flat() => {
						record.isolated_margin = Some(signed_amount)
					},
					None => return Err(Error::<T>::NotIsolated.into()),
				},
				None => {
					let record = PositionRecord {
						position: risk_engine::Position::flat(
							MarketStates::<T>::get(market).funding_index,
						),
						isolated_margin: Some(signed_amount),
						open_orders: Default::default(),
					};
					Self::ensure_position_room(&who, positions, market)?;
					positions
						.try_insert(market, record)
						.map_err(|_| Error::<T>::TooManyPositions)?;
				},
			}
			Ok(())
		})?;
		Self::note_touched(&who);
		Self::add_to_settlement_balance(&who, -signed_amount)?;
		Self::ensure_cross_initial_margin(&who, Error::<T>::BelowInitialMargin)?;
		Self::deposit_event(Event::IsolatedMarginAdded { who, market, amount });
		Ok(())
	}

	/// Moves `amount` settlement units from the margin of `who`'s isolated position in
	/// `market` back to their pool (see [`Pallet::remove_isolated_margin`]).
	pub(crate) fn do_remove_isolated_margin(
		who: T::AccountId,
		market: MarketId,
		amount: u128,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let params = Markets::<T>::get(market).ok_or(Error::<T>::UnknownMarket)?;
		let signed_amount = i128::try_from(amount).map_err(|_| Error::<T>::Overflow)?;

		let record = Positions::<T>::try_mutate(
			&who,
			|positions| -> Result<PositionRecord, DispatchError> {
				let record = positions.get_mut(&market).ok_or(Error::<T>::NotIsolated)?;
				let margin = record.isolated_margin.as_mut().ok_or(Error::<T>::NotIsolated)?;
				ensure!(*margin >= signed_amount, Error::<T>::InsufficientCollateral);
				*margin -= signed_amount;
				let updated = *record;
				if updated.is_empty() {
					positions.remove(&market);
				}
				Ok(updated)
			},
		)?;
		Self::note_touched(&who);
		if !record.position.is_flat() {
			let figures = Self::isolated_figures(market, &params, &record, true)?;
			ensure!(figures.free_margin >= 0, Error::<T>::IsolatedMarginInsufficient);
		}
		Self::add_to_settlement_balance(&who, signed_amount)?;
		Self::deposit_event(Event::IsolatedMarginRemoved { who, market, amount });
		Ok(())
	}

	/// Lists or re-lists a collateral asset (see [`Pallet::register_collateral`]).
	pub(crate) fn do_register_collateral(
		asset: T::AssetId,
		config: CollateralConfig<T::OracleKey>,
	) -> DispatchResult {
		Self::validate_collateral(asset, &config)?;
		match CollateralAssets::<T>::get(asset) {
			Some(existing) => {
				ensure!(
					existing.oracle_key == config.oracle_key
						&& existing.params.decimals == config.params.decimals,
					Error::<T>::CollateralIdentityFixed
				);
				// New haircuts may change what bands allow for.
				Self::start_band_rebuild();
			},
			None if asset != T::SettlementAsset::get() => {
				let listed = CollateralAssets::<T>::iter_keys()
					.filter(|listed| *listed != T::SettlementAsset::get())
					.count() as u32;
				ensure!(
					listed < T::MaxCollateralAssets::get(),
					Error::<T>::TooManyCollateralListings
				);
			},
			None => {},
		}
		if let Some(key) = config.oracle_key {
			Self::guard_key(key)?;
		}
		CollateralAssets::<T>::insert(asset, &config);
		// A first listing opens the asset's money market (borrowing off until governed).
		Self::open_lending_market(asset, None)?;
		Self::forget_working_set();
		Self::deposit_event(Event::CollateralRegistered { asset, config });
		Ok(())
	}

	/// Checks a collateral registration.
	pub fn validate_collateral(
		asset: T::AssetId,
		config: &CollateralConfig<T::OracleKey>,
	) -> Result<(), Error<T>> {
		let is_settlement = asset == T::SettlementAsset::get();
		ensure!(config.oracle_key.is_none() == is_settlement, Error::<T>::InvalidOracleKey);
		config.params.validate()?;
		Ok(())
	}
}
