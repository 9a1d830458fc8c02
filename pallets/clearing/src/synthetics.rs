//! Synthetic assets minted against the shared pool: a trader keeps its collateral where it
//! margins and mints a token that follows a price, to hold, sell or deploy elsewhere.
//!
//! ## Listing
//! Root (the listing origin) lists a synthetic under an existing `Assets` token
//! ([`Pallet::register_synthetic`]): the token must have this pallet's account as its
//! owner, issuer, admin and freezer, a minimum balance of one unit and, when first listed,
//! no supply. So nothing but this pallet mints, burns or freezes it, and a burn never
//! sweeps dust along with it. Create it first with `assets.forceCreate` (owner: the
//! clearing account, sufficient, so that any account, the clearing account holding it as
//! collateral among them, may hold it without a native balance; minimum balance 1) and
//! `assets.forceSetMetadata` (its name, symbol and decimals, which wallets and Polkadot.js
//! apps show). The listing fixes what its price
//! follows ([`crate::SyntheticPeg`]: an oracle key, or a constant such as one dollar) and
//! its decimals; the risk origin governs its terms ([`risk_engine::synthetics::SyntheticTerms`]:
//! margin fractions, fees, debt cap), its pause and the chain-wide debt ceiling, each
//! within bounds, applied from the next block and previewed like every risk change.
//!
//! ## The debt, and what it is margined as
//! [`Pallet::mint_synthetic`] mints `n` tokens to the caller and adds `n` to its debt of
//! the synthetic; [`Pallet::burn_synthetic`] burns the caller's tokens and takes them off
//! its debt. The debt is counted in tokens, so **the token's supply is the debt of all
//! issuers together, unit for unit, at every block** (an invariant, checked after every
//! test and by `try_state`). Margin counts the debt like a short of its size (see
//! [`risk_engine::synthetics`]): in cross margin at `1 + fraction` of its value, in a
//! portfolio scan as a spot short on its oracle key, and beside isolated positions as a
//! debt of the pool, never of an isolated position. Minting needs the account at or
//! above its initial requirement afterwards, at a fresh price (stale, missing or held by
//! the jump breaker: no minting); burning always works.
//!
//! ## Fees
//! The issuance fee is paid at minting, the stability fee accrues per block through the
//! synthetic's fee index (at the end of every block, at the price in force) and is paid
//! from the issuer's settlement balance whenever its debt changes; until then margin counts
//! it as owed. Both go to the insurance fund. The redemption fee stays with the issuer.
//!
//! ## Redemption, and the peg
//! Anyone holding tokens may redeem them ([`Pallet::redeem_synthetic`]) for their value at
//! the price (fresh) less the redemption fee, credited to its settlement balance, against
//! issuers it names (up to [`MAX_REDEMPTION_ISSUERS`]): the insurance fund first (debt it
//! took over in liquidations), then the others from the least healthy (lowest health at
//! maintenance), each to its whole debt before the next. The tokens are burnt, each
//! issuer's debt falls by the tokens it retires, and it pays their value less the fee
//! from its settlement balance. At the price this leaves an issuer's equity where it was
//! (plus the fee) and lowers its requirement: a redemption never harms an issuer, which
//! is why the redeemer may choose among them (the runtime API lists the least healthy).
//! With minting at the price plus the issuance fee, the token trades within
//! `[price x (1 - redemption fee), price x (1 + issuance fee)]` wherever anyone
//! arbitrages it (see [`risk_engine::synthetics`]).
//!
//! ## Liquidation
//! An issuer below maintenance is liquidated by the same worker and calls as any account:
//! its synthetic debts are among the liabilities the liquidation moves
//! ([`crate::borrow_liquidation`]). The insurance fund takes over part of the debt (it
//! becomes an issuer, redeemable like any) and, for it, collateral worth its value over
//! `1 - penalty`; a bankrupt account's whole debt goes to the fund at market value, and
//! bad debt follows the existing path. We chose the fund over redistributing the debt to
//! other issuers (as Synthetix does): a redistribution changes the risk of accounts that did
//! nothing, and the fund already takes over positions and borrows the same way.
//!
//! ## As collateral
//! A synthetic's token may also be listed as collateral (`register_collateral`, with its
//! oracle key and its own haircuts), and so supplied to the money market. Of the tokens an
//! account holds there, only those beyond its own debt of the synthetic count
//! ([`risk_engine::synthetics::countable_holding`]): a synthetic never backs its own debt,
//! so a mint, deposit, mint loop gains nothing after its first step.

use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungibles::{
			metadata::Inspect as MetadataInspect, roles::Inspect as RolesInspect, Inspect, Mutate,
		},
		tokens::{Fortitude, Precision, Preservation},
	},
};
use risk_engine::{synthetics, Price, UnitScale};
use sp_arithmetic::{traits::Saturating, FixedU128, Rounding};

use crate::{pallet::*, SyntheticConfig, SyntheticDebt, SyntheticPeg, SyntheticState};

/// The most issuers one redemption names.
pub const MAX_REDEMPTION_ISSUERS: u32 = 4;

impl<T: Config> Pallet<T> {
	/// Lists or re-lists a synthetic (see [`Pallet::register_synthetic`]).
	pub(crate) fn do_register_synthetic(
		asset: T::AssetId,
		config: SyntheticConfig<T::OracleKey>,
	) -> DispatchResult {
		Self::list_synthetic(asset, config.clone())?;
		Self::deposit_event(Event::SyntheticRegistered { asset, config });
		Ok(())
	}

	/// Checks and stores a listing: the token's roles, minimum balance, decimals and (when
	/// first listed) supply, the peg, the terms and the room for one more synthetic.
	pub(crate) fn list_synthetic(
		asset: T::AssetId,
		config: SyntheticConfig<T::OracleKey>,
	) -> DispatchResult {
		let pallet = Self::account_id();
		let owned = asset != T::SettlementAsset::get()
			&& T::Assets::asset_exists(asset)
			&& T::Assets::owner(asset).as_ref() == Some(&pallet)
			&& T::Assets::issuer(asset).as_ref() == Some(&pallet)
			&& T::Assets::admin(asset).as_ref() == Some(&pallet)
			&& T::Assets::freezer(asset).as_ref() == Some(&pallet)
			&& T::Assets::minimum_balance(asset) == 1;
		ensure!(owned, Error::<T>::SyntheticTokenNotOwned);
		ensure!(T::Assets::decimals(asset) == config.decimals, Error::<T>::SyntheticIdentityFixed);
		UnitScale::new(config.decimals, T::SettlementDecimals::get())
			.divisor()
			.map_err(Error::<T>::from)?;
		match config.peg {
			SyntheticPeg::Oracle(key) => Self::guard_key(key)?,
			SyntheticPeg::Constant(price) => {
				ensure!(risk_engine::price_in_domain(price), Error::<T>::InvalidSyntheticPeg)
			},
		}
		let (penalty, _) = Self::effective_liquidation_parameters();
		Self::validate_synthetic_terms(&config.terms, penalty)?;
		match Synthetics::<T>::get(asset) {
			Some(existing) => ensure!(
				existing.peg == config.peg && existing.decimals == config.decimals,
				Error::<T>::SyntheticIdentityFixed
			),
			None => {
				ensure!(T::Assets::total_issuance(asset) == 0, Error::<T>::SyntheticTokenNotOwned);
				ensure!(
					Synthetics::<T>::count() < T::MaxSynthetics::get(),
					Error::<T>::TooManySynthetics
				);
			},
		}
		Synthetics::<T>::insert(asset, config);
		Self::forget_working_set();
		Ok(())
	}

	/// Checks a synthetic's terms (see [`risk_engine::synthetics::SyntheticTerms`]) and
	/// that `penalty` stays below `1 - 1 / (1 + maintenance fraction)`: moving its debt to
	/// the fund with collateral over `1 - penalty` then always raises health.
	pub(crate) fn validate_synthetic_terms(
		terms: &synthetics::SyntheticTerms,
		penalty: sp_arithmetic::Perbill,
	) -> Result<(), Error<T>> {
		terms.validate().map_err(|_| Error::<T>::InvalidSyntheticTerms)?;
		let weight = terms.liability_weights().maintenance;
		ensure!(Self::penalty_below(penalty, weight), Error::<T>::InvalidSyntheticTerms);
		Ok(())
	}

	/// A synthetic's price now and whether it is fresh: its oracle key's price in force
	/// (stale when old or held by the jump breaker), or its constant (always fresh).
	pub(crate) fn synthetic_price(config: &SyntheticConfig<T::OracleKey>) -> Option<(Price, bool)> {
		match config.peg {
			SyntheticPeg::Oracle(key) => Self::oracle_price(&key),
			SyntheticPeg::Constant(price) => Some((price, true)),
		}
	}

	/// `who`'s debt of `asset` as stored (zero when it owes none).
	pub fn synthetic_debt_of(who: &T::AccountId, asset: T::AssetId) -> SyntheticDebt {
		Self::synthetic_debts(who).get(&asset).copied().unwrap_or_default()
	}

	/// Moves every synthetic's fee index over the time since its last accrual, at the price
	/// in force (a synthetic without any price skips the time), at the end of every block.
	pub(crate) fn accrue_all_synthetic_fees() {
		let now = Self::now();
		for (asset, config) in Synthetics::<T>::iter() {
			SyntheticStates::<T>::mutate(asset, |state| {
				if state.last_accrual_ms != 0 && now > state.last_accrual_ms {
					let price = Self::synthetic_price(&config).map(|(price, _)| price);
					let increment = price.and_then(|price| {
						synthetics::fee_index_increment(
							price,
							config.terms.stability_fee,
							now - state.last_accrual_ms,
						)
						.ok()
					});
					if let Some(increment) = increment {
						state.fee_index = state.fee_index.saturating_add(increment);
					}
				}
				state.last_accrual_ms = state.last_accrual_ms.max(now);
			});
		}
	}

	/// Pays `who`'s stability fee on `debt` (its debt of `asset`) up to the index in force,
	/// from its settlement balance to the insurance fund's, and moves the debt's index to
	/// it. The fund pays itself nothing.
	fn pay_synthetic_fee(
		who: &T::AccountId,
		asset: T::AssetId,
		debt: &mut SyntheticDebt,
		state: &mut SyntheticState,
		decimals: u8,
	) -> DispatchResult {
		let scale = UnitScale::new(decimals, T::SettlementDecimals::get());
		let owed = synthetics::fee_owed(debt.amount, debt.fee_index, state.fee_index, &scale)
			.map_err(Error::<T>::from)?;
		debt.fee_index = state.fee_index;
		let fund = T::InsuranceAccount::get();
		if owed == 0 || *who == fund {
			return Ok(());
		}
		Self::pay_fee_to_fund(who, owed, state)?;
		Self::deposit_event(Event::SyntheticFeePaid { who: who.clone(), asset, fee: owed });
		Ok(())
	}

	/// Moves `fee` settlement units from `who` to the insurance fund, counted in `state`.
	fn pay_fee_to_fund(
		who: &T::AccountId,
		fee: u128,
		state: &mut SyntheticState,
	) -> DispatchResult {
		let signed = i128::try_from(fee).map_err(|_| Error::<T>::Overflow)?;
		Self::add_to_settlement_balance(who, -signed)?;
		Self::add_to_settlement_balance(&T::InsuranceAccount::get(), signed)?;
		state.fees_paid = state.fees_paid.saturating_add(fee);
		Ok(())
	}

	/// Writes `who`'s debt of `asset`, `debt` as stored, at `amount` tokens: its stability
	/// fee paid up to the index in force first (every change of a debt pays it), then the
	/// debt with the synthetic's total, the borrowers' index and the account's band.
	fn write_synthetic_debt(
		who: &T::AccountId,
		asset: T::AssetId,
		mut debt: SyntheticDebt,
		amount: u128,
		state: &mut SyntheticState,
		decimals: u8,
	) -> DispatchResult {
		Self::pay_synthetic_fee(who, asset, &mut debt, state, decimals)?;
		let old = debt.amount;
		debt.amount = amount;
		state.total_debt = state
			.total_debt
			.checked_sub(old)
			.and_then(|total| total.checked_add(debt.amount))
			.ok_or(Error::<T>::Overflow)?;
		SyntheticDebts::<T>::try_mutate_exists(who, |entry| -> DispatchResult {
			let mut debts = entry.take().unwrap_or_default();
			if debt.amount == 0 {
				debts.remove(&asset);
			} else {
				debts.try_insert(asset, debt).map_err(|_| Error::<T>::TooManySynthetics)?;
			}
			*entry = (!debts.is_empty()).then_some(debts);
			Ok(())
		})?;
		Self::note_owed(who, old > 0, debt.amount > 0);
		Self::forget_account(who);
		Self::note_touched(who);
		Ok(())
	}

	/// Fails unless all synthetic debt together, with `asset`'s at `total` tokens, is worth
	/// no more than [`SyntheticDebtCeiling`] at the prices in force.
	fn ensure_within_debt_ceiling(asset: T::AssetId, total: u128) -> DispatchResult {
		let quote_decimals = T::SettlementDecimals::get();
		let mut value: u128 = 0;
		for (listed, config) in Synthetics::<T>::iter() {
			let debt =
				if listed == asset { total } else { SyntheticStates::<T>::get(listed).total_debt };
			if debt == 0 {
				continue;
			}
			let (price, _) = Self::synthetic_price(&config).ok_or(Error::<T>::StalePrice)?;
			let worth = UnitScale::new(config.decimals, quote_decimals)
				.value(debt, price, Rounding::Up)
				.map_err(Error::<T>::from)?;
			value = value.saturating_add(worth);
		}
		ensure!(
			value <= SyntheticDebtCeiling::<T>::get(),
			Error::<T>::SyntheticDebtCeilingExceeded
		);
		Ok(())
	}

	/// Mints `amount` of `asset` to `who` against its margin (see
	/// [`Pallet::mint_synthetic`]). Returns how many expired option positions settled
	/// first.
	pub(crate) fn do_mint_synthetic(
		who: &T::AccountId,
		asset: T::AssetId,
		amount: u128,
	) -> Result<u32, DispatchError> {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let config = Synthetics::<T>::get(asset).ok_or(Error::<T>::UnknownSynthetic)?;
		ensure!(!config.minting_paused, Error::<T>::MintingPaused);
		let (price, fresh) = Self::synthetic_price(&config).ok_or(Error::<T>::StalePrice)?;
		ensure!(fresh, Error::<T>::StalePrice);
		let settled = Self::do_settle_expired(who)?;
		let mut state = SyntheticStates::<T>::get(asset);
		let total = state.total_debt.checked_add(amount).ok_or(Error::<T>::Overflow)?;
		ensure!(total <= config.terms.debt_cap, Error::<T>::SyntheticDebtCapExceeded);
		Self::ensure_within_debt_ceiling(asset, total)?;

		let debt = Self::synthetic_debt_of(who, asset);
		let owed = debt.amount.checked_add(amount).ok_or(Error::<T>::Overflow)?;
		Self::write_synthetic_debt(who, asset, debt, owed, &mut state, config.decimals)?;
		let scale = UnitScale::new(config.decimals, T::SettlementDecimals::get());
		let fee = synthetics::issuance_fee(amount, price, config.terms.issuance_fee, &scale)
			.map_err(Error::<T>::from)?;
		if fee > 0 {
			Self::pay_fee_to_fund(who, fee, &mut state)?;
		}
		SyntheticStates::<T>::insert(asset, state);
		T::Assets::mint_into(asset, who, amount)?;
		Self::ensure_cross_initial_margin(who, Error::<T>::BelowInitialMargin)?;
		Self::deposit_event(Event::SyntheticMinted { who: who.clone(), asset, amount, price, fee });
		Ok(settled)
	}

	/// Burns `amount` of `asset` from `who`'s wallet and takes it off its debt (see
	/// [`Pallet::burn_synthetic`]).
	pub(crate) fn do_burn_synthetic(
		who: &T::AccountId,
		asset: T::AssetId,
		amount: u128,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let config = Synthetics::<T>::get(asset).ok_or(Error::<T>::UnknownSynthetic)?;
		let debt = Self::synthetic_debt_of(who, asset);
		ensure!(debt.amount > 0, Error::<T>::NoSyntheticDebt);
		ensure!(amount <= debt.amount, Error::<T>::BurnExceedsDebt);
		Self::burn_tokens(who, asset, amount)?;
		let mut state = SyntheticStates::<T>::get(asset);
		let owed = debt.amount - amount;
		Self::write_synthetic_debt(who, asset, debt, owed, &mut state, config.decimals)?;
		SyntheticStates::<T>::insert(asset, state);
		Self::deposit_event(Event::SyntheticBurnt { who: who.clone(), asset, amount });
		Ok(())
	}

	/// Burns exactly `amount` of `asset` from `who`'s wallet.
	fn burn_tokens(who: &T::AccountId, asset: T::AssetId, amount: u128) -> DispatchResult {
		let spendable =
			T::Assets::reducible_balance(asset, who, Preservation::Expendable, Fortitude::Polite);
		ensure!(spendable >= amount, Error::<T>::InsufficientSyntheticTokens);
		let burnt = T::Assets::burn_from(
			asset,
			who,
			amount,
			Preservation::Expendable,
			Precision::Exact,
			Fortitude::Polite,
		)?;
		// A minimum balance of one unit (checked at listing) leaves no dust to sweep.
		ensure!(burnt == amount, Error::<T>::InsufficientSyntheticTokens);
		Ok(())
	}

	/// Redeems `amount` of `asset` from `redeemer`'s wallet against `issuers` (see
	/// [`Pallet::redeem_synthetic`]). Returns how many issuers' debts it retired.
	pub(crate) fn do_redeem_synthetic(
		redeemer: &T::AccountId,
		asset: T::AssetId,
		amount: u128,
		issuers: &[T::AccountId],
	) -> Result<u32, DispatchError> {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let config = Synthetics::<T>::get(asset).ok_or(Error::<T>::UnknownSynthetic)?;
		let (price, fresh) = Self::synthetic_price(&config).ok_or(Error::<T>::StalePrice)?;
		ensure!(fresh, Error::<T>::StalePrice);
		let distinct = issuers
			.iter()
			.enumerate()
			.all(|(index, who)| who != redeemer && !issuers[..index].contains(who));
		ensure!(!issuers.is_empty() && distinct, Error::<T>::InvalidRedemptionIssuers);
		// Each issuer's debt, read once: the issuers are distinct, so nothing below but its
		// own redemption changes it.
		let fund = T::InsuranceAccount::get();
		let mut order: Vec<(bool, i128, &T::AccountId, SyntheticDebt)> = issuers
			.iter()
			.map(|who| (who, Self::synthetic_debt_of(who, asset)))
			.filter(|(_, debt)| debt.amount > 0)
			.map(|(who, debt)| {
				let health = match *who == fund {
					true => i128::MIN,
					false => Self::cross_figures(who)
						.map(|figures| figures.margin.health)
						.unwrap_or(i128::MIN),
				};
				(*who != fund, health, who, debt)
			})
			.collect();
		let named: u128 = order.iter().map(|(.., debt)| debt.amount).fold(0, u128::saturating_add);
		ensure!(named >= amount, Error::<T>::RedemptionExceedsDebt);
		// The fund first, then the least healthy; ties keep the order given.
		order.sort_by_key(|(not_fund, health, ..)| (*not_fund, *health));

		Self::burn_tokens(redeemer, asset, amount)?;
		let scale = UnitScale::new(config.decimals, T::SettlementDecimals::get());
		let mut state = SyntheticStates::<T>::get(asset);
		let mut left = amount;
		let mut retired = 0;
		let mut paid_total: u128 = 0;
		for (_, _, issuer, debt) in order {
			if left == 0 {
				break;
			}
			let take = left.min(debt.amount);
			let redemption =
				synthetics::redemption(take, price, config.terms.redemption_fee, &scale)
					.map_err(Error::<T>::from)?;
			let owed = debt.amount - take;
			Self::write_synthetic_debt(issuer, asset, debt, owed, &mut state, config.decimals)?;
			let paid = i128::try_from(redemption.payout).map_err(|_| Error::<T>::Overflow)?;
			Self::add_to_settlement_balance(issuer, -paid)?;
			Self::add_to_settlement_balance(redeemer, paid)?;
			paid_total = paid_total.saturating_add(redemption.payout);
			left -= take;
			retired += 1;
			Self::deposit_event(Event::SyntheticRedeemed {
				redeemer: redeemer.clone(),
				issuer: issuer.clone(),
				asset,
				amount: take,
				price,
				paid: redemption.payout,
				fee: redemption.fee,
			});
		}
		ensure!(paid_total > 0, Error::<T>::RedemptionTooSmall);
		SyntheticStates::<T>::insert(asset, state);
		Ok(retired)
	}

	/// Moves `amount` tokens of `who`'s debt of `asset` to `to` (each paying its stability
	/// fee first): a liquidation's move to the insurance fund. The synthetic's total does
	/// not change.
	pub(crate) fn move_synthetic_debt(
		who: &T::AccountId,
		to: &T::AccountId,
		asset: T::AssetId,
		amount: u128,
	) -> DispatchResult {
		let config = Synthetics::<T>::get(asset).ok_or(Error::<T>::UnknownSynthetic)?;
		let mut state = SyntheticStates::<T>::get(asset);
		let from = Self::synthetic_debt_of(who, asset);
		ensure!(from.amount >= amount, Error::<T>::BurnExceedsDebt);
		let left = from.amount - amount;
		Self::write_synthetic_debt(who, asset, from, left, &mut state, config.decimals)?;
		let into = Self::synthetic_debt_of(to, asset);
		let owed = into.amount.checked_add(amount).ok_or(Error::<T>::Overflow)?;
		Self::write_synthetic_debt(to, asset, into, owed, &mut state, config.decimals)?;
		SyntheticStates::<T>::insert(asset, state);
		Ok(())
	}

	/// Moves every synthetic debt of a bankrupt `who` to the insurance fund at its market
	/// value (rounded up, fresh prices), charged to `who`'s settlement balance and credited
	/// to the fund's.
	pub(crate) fn seize_synthetic_debts(who: &T::AccountId) -> DispatchResult {
		let fund = T::InsuranceAccount::get();
		let quote_decimals = T::SettlementDecimals::get();
		for (asset, debt) in SyntheticDebts::<T>::get(who) {
			let config = Synthetics::<T>::get(asset).ok_or(Error::<T>::UnknownSynthetic)?;
			let (price, fresh) = Self::synthetic_price(&config).ok_or(Error::<T>::StalePrice)?;
			ensure!(fresh, Error::<T>::StalePrice);
			let value = UnitScale::new(config.decimals, quote_decimals)
				.value(debt.amount, price, Rounding::Up)
				.map_err(Error::<T>::from)?;
			Self::move_synthetic_debt(who, &fund, asset, debt.amount)?;
			let signed = i128::try_from(value).map_err(|_| Error::<T>::Overflow)?;
			Self::add_to_settlement_balance(who, -signed)?;
			Self::add_to_settlement_balance(&fund, signed)?;
			Self::deposit_event(Event::SyntheticDebtSeized {
				who: who.clone(),
				asset,
				amount: debt.amount,
				value,
			});
		}
		Ok(())
	}

	/// The stability fee `who` owes on `debt` (its debt of a synthetic with `decimals`)
	/// at `fee_index`, not yet paid: margin counts it as owed.
	pub(crate) fn synthetic_fee_owed(
		debt: &SyntheticDebt,
		fee_index: FixedU128,
		decimals: u8,
	) -> u128 {
		let scale = UnitScale::new(decimals, T::SettlementDecimals::get());
		synthetics::fee_owed(debt.amount, debt.fee_index, fee_index, &scale).unwrap_or(u128::MAX)
	}
}
