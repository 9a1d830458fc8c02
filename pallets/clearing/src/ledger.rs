//! The ledger: every account's balance of every collateral asset, kept as a scaled amount of
//! that asset's money market (see [`crate::lending`]).
//!
//! - A positive balance is a **supply**: it earns the supply rate, and is worth
//!   `floor(scaled x supply index)` tokens.
//! - A negative balance is a **borrow**: it pays the borrow rate, and owes
//!   `ceil(scaled x borrow index)` tokens. A settlement debt from losses, fees or funding
//!   is a borrow of the settlement asset like any other.
//!
//! Every change goes through here ([`Pallet::credit`], [`Pallet::debit`],
//! [`Pallet::add_to_settlement_balance`]), in tokens, at the indices the last end of block
//! left: a credit repays a borrow before it supplies, a debit spends a supply before it
//! borrows, and each conversion rounds against the account (the pool keeps the fraction).
//! The same write keeps the market's scaled totals ([`LendingTotals`]) equal to the sum of
//! the balances, and [`Borrowers`] equal to the accounts that owe something; it forgets the
//! account's balances kept in a working set and marks it for a new band.
//!
//! ## Segregated holdings
//! An account may opt a non-settlement asset out of lending ([`Pallet::set_segregated`]).
//! Its tokens of that asset are then held apart ([`SegregatedBalances`]), token for token:
//! never lent, earning nothing, and their withdrawal needs no utilisation headroom (the
//! pool's tokens always cover every holding: [`SegregatedTotals`]). Beside a holding the
//! scaled balance is never a supply: a credit repays a borrow and holds the rest apart, a
//! debit empties the holding and borrows the rest (when borrowing is allowed). Everything
//! that reads a balance ([`Pallet::balance_of`], the margin figures, the liquidations)
//! counts the holding with it.

use frame_support::pallet_prelude::*;
use risk_engine::money_market::{self, BalanceChange};

use crate::pallet::*;

impl<T: Config> Pallet<T> {
	/// `who`'s scaled balance of `asset` as stored (positive: supply; negative: borrow).
	pub(crate) fn scaled_balance(who: &T::AccountId, asset: T::AssetId) -> i128 {
		if asset == T::SettlementAsset::get() {
			SettlementBalances::<T>::get(who).scaled
		} else {
			CollateralBalances::<T>::get(who).get(&asset).copied().unwrap_or(0)
		}
	}

	/// Whether `who` may owe something: it is among the [`Borrowers`], or its settlement
	/// balance is negative (which the borrowers' index may not know yet while the v4
	/// set-up pass runs).
	pub(crate) fn may_owe(who: &T::AccountId) -> bool {
		Borrowers::<T>::contains_key(who) || SettlementBalances::<T>::get(who).scaled < 0
	}

	/// What `who`'s balance of `asset` is worth in tokens now, signed: a supply rounded
	/// down, a borrow rounded up (more negative), a segregated holding token for token.
	pub fn balance_of(who: &T::AccountId, asset: T::AssetId) -> i128 {
		let held = Self::segregated_of(who, asset).unwrap_or(0);
		Self::nominal_of(asset, Self::scaled_balance(who, asset))
			.saturating_add(i128::try_from(held).unwrap_or(i128::MAX))
	}

	/// The tokens of `asset` `who` holds segregated: `Some` (0 included) when it keeps the
	/// asset out of lending, `None` when its balance is in the money market. Never `Some`
	/// for the settlement asset.
	pub fn segregated_of(who: &T::AccountId, asset: T::AssetId) -> Option<u128> {
		if asset == T::SettlementAsset::get() {
			return None;
		}
		Self::segregated_balances(who).get(&asset).copied()
	}

	/// `who`'s non-settlement balances in tokens, by asset (a supply rounded down, a borrow
	/// rounded up and negative, a segregated holding token for token): what it holds and
	/// owes beside its settlement balance.
	pub(crate) fn collateral_holdings(who: &T::AccountId) -> alloc::vec::Vec<(T::AssetId, i128)> {
		let mut holdings: alloc::vec::Vec<(T::AssetId, i128)> = Self::collateral_balances(who)
			.into_iter()
			.map(|(asset, scaled)| (asset, Self::nominal_of(asset, scaled)))
			.collect();
		for (asset, held) in Self::segregated_balances(who) {
			if held == 0 {
				continue;
			}
			let held = i128::try_from(held).unwrap_or(i128::MAX);
			// A holding is never beside a supply or a borrow (see the module docs); summed
			// all the same, should one be.
			match holdings.iter_mut().find(|(listed, _)| *listed == asset) {
				Some((_, amount)) => *amount = amount.saturating_add(held),
				None => holdings.push((asset, held)),
			}
		}
		holdings
	}

	/// What `who`'s settlement balance is worth in settlement units now (negative: a debt).
	pub fn settlement_balance(who: &T::AccountId) -> i128 {
		Self::nominal_of(T::SettlementAsset::get(), SettlementBalances::<T>::get(who).scaled)
	}

	/// The interest `who`'s balance of `asset` has earned (positive) or paid (negative)
	/// since it was opened, in tokens: what it is worth now less what it would be worth had
	/// it earned and paid nothing (its principal). `None` for a balance stored before
	/// interest was tracked, until the version 5 pass or its next change;
	/// a segregated holding earns nothing and adds nothing, and opting a supply out closes
	/// it (what it earned until then is not carried over).
	pub fn interest_accrued(who: &T::AccountId, asset: T::AssetId) -> Option<i128> {
		if asset == T::SettlementAsset::get() {
			let record = SettlementBalances::<T>::get(who);
			if record.scaled == 0 {
				return Some(0);
			}
			return record.interest(Self::nominal_of(asset, record.scaled));
		}
		let scaled = Self::scaled_balance(who, asset);
		if scaled == 0 {
			return Some(0);
		}
		let principal = CollateralPrincipals::<T>::get(who).get(&asset).copied()?;
		Some(Self::nominal_of(asset, scaled).saturating_sub(principal))
	}

	/// The principal of a balance going from `old` to `new` scaled units of `asset`:
	/// `principal` (or, untracked, what `old` is worth) moved by the change in worth at the
	/// indices in force, which is what was credited or debited: interest moves the worth
	/// between changes, never the principal. Zero once the balance is closed.
	fn next_principal(asset: T::AssetId, principal: Option<i128>, old: i128, new: i128) -> i128 {
		if new == 0 {
			return 0;
		}
		let worth_before = Self::nominal_of(asset, old);
		principal
			.unwrap_or(worth_before)
			.saturating_add(Self::nominal_of(asset, new).saturating_sub(worth_before))
	}

	/// The tokens a scaled balance of `asset` is worth at the indices in force; a value
	/// beyond `i128` saturates (no listed asset comes near).
	pub(crate) fn nominal_of(asset: T::AssetId, scaled: i128) -> i128 {
		let indices = Self::lending_indices(asset);
		money_market::nominal(scaled, &indices).unwrap_or(if scaled < 0 {
			i128::MIN
		} else {
			i128::MAX
		})
	}

	/// Credits `amount` tokens of `asset` to `who`: repays a borrow first, then supplies.
	pub(crate) fn credit(
		who: &T::AccountId,
		asset: T::AssetId,
		amount: u128,
	) -> Result<BalanceChange, DispatchError> {
		let old = Self::scaled_balance(who, asset);
		let indices = Self::lending_indices(asset);
		if let Some(held) = Self::segregated_of(who, asset) {
			let next = money_market::credit_segregated(held, old, amount, &indices)
				.map_err(Error::<T>::from)?;
			Self::set_scaled_balance(who, asset, old, next.change.balance)?;
			Self::set_segregated_held(who, asset, held, next.held)?;
			return Ok(next.change);
		}
		let change = money_market::credit(old, amount, &indices).map_err(Error::<T>::from)?;
		Self::set_scaled_balance(who, asset, old, change.balance)?;
		Ok(change)
	}

	/// Debits `amount` tokens of `asset` from `who`: spends a supply (or a segregated
	/// holding) first, then borrows the rest when `allow_borrow` (else
	/// [`Error::InsufficientCollateral`]).
	pub(crate) fn debit(
		who: &T::AccountId,
		asset: T::AssetId,
		amount: u128,
		allow_borrow: bool,
	) -> Result<BalanceChange, DispatchError> {
		let old = Self::scaled_balance(who, asset);
		let indices = Self::lending_indices(asset);
		if let Some(held) = Self::segregated_of(who, asset) {
			let next = money_market::debit_segregated(held, old, amount, &indices, allow_borrow)
				.map_err(Error::<T>::from)?;
			Self::set_scaled_balance(who, asset, old, next.change.balance)?;
			Self::set_segregated_held(who, asset, held, next.held)?;
			return Ok(next.change);
		}
		let change =
			money_market::debit(old, amount, &indices, allow_borrow).map_err(Error::<T>::from)?;
		Self::set_scaled_balance(who, asset, old, change.balance)?;
		Ok(change)
	}

	/// Writes the tokens `who` holds segregated of `asset` from `old` to `new`, with the
	/// asset's segregated total; the asset stays segregated (0 included).
	pub(crate) fn set_segregated_held(
		who: &T::AccountId,
		asset: T::AssetId,
		old: u128,
		new: u128,
	) -> DispatchResult {
		if old == new {
			return Ok(());
		}
		SegregatedBalances::<T>::try_mutate(who, |held| -> DispatchResult {
			held.try_insert(asset, new).map_err(|_| Error::<T>::TooManyCollateralAssets)?;
			Ok(())
		})?;
		SegregatedTotals::<T>::try_mutate(asset, |total| -> DispatchResult {
			*total = total
				.checked_sub(old)
				.and_then(|total| total.checked_add(new))
				.ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		Self::forget_account(who);
		Self::note_touched(who);
		Ok(())
	}

	/// Adds `delta` settlement units to `who`'s settlement balance (negative: takes them,
	/// borrowing what the balance does not hold: PnL, fees, funding and penalties are never
	/// refused for want of a balance).
	pub(crate) fn add_to_settlement_balance(who: &T::AccountId, delta: i128) -> DispatchResult {
		let asset = T::SettlementAsset::get();
		if delta >= 0 {
			Self::credit(who, asset, delta.unsigned_abs())?;
		} else {
			Self::debit(who, asset, delta.unsigned_abs(), true)?;
		}
		Ok(())
	}

	/// Moves `who`'s whole balance of `asset` to `to` as it stands, scaled units for scaled
	/// units when both are of one sign (the totals do not move); against a balance of the
	/// other sign, it nets at the indices in force (the fraction to the pool). A segregated
	/// holding is credited to `to` token for token. Returns the scaled balance moved.
	pub(crate) fn move_balance(
		who: &T::AccountId,
		to: &T::AccountId,
		asset: T::AssetId,
	) -> Result<i128, DispatchError> {
		if let Some(held) = Self::segregated_of(who, asset).filter(|held| *held > 0) {
			Self::set_segregated_held(who, asset, held, 0)?;
			Self::credit(to, asset, held)?;
		}
		let moved = Self::scaled_balance(who, asset);
		if moved == 0 {
			return Ok(0);
		}
		Self::set_scaled_balance(who, asset, moved, 0)?;
		let held = Self::scaled_balance(to, asset);
		if held == 0 || (held > 0) == (moved > 0) {
			let sum = held.checked_add(moved).ok_or(Error::<T>::Overflow)?;
			Self::set_scaled_balance(to, asset, held, sum)?;
		} else {
			let value = Self::nominal_of(asset, moved);
			if value >= 0 {
				Self::credit(to, asset, value.unsigned_abs())?;
			} else {
				Self::debit(to, asset, value.unsigned_abs(), true)?;
			}
		}
		Ok(moved)
	}

	/// Writes `who`'s scaled balance of `asset` from `old` to `new`, with the market's totals
	/// and the borrowers' index.
	pub(crate) fn set_scaled_balance(
		who: &T::AccountId,
		asset: T::AssetId,
		old: i128,
		new: i128,
	) -> DispatchResult {
		if old == new {
			return Ok(());
		}
		if asset == T::SettlementAsset::get() {
			SettlementBalances::<T>::mutate(who, |record| {
				let principal = Self::next_principal(asset, record.principal, old, new);
				*record = crate::SettlementRecord { scaled: new, principal: Some(principal) };
			});
		} else {
			Self::forget_account(who);
			CollateralBalances::<T>::try_mutate(who, |balances| -> DispatchResult {
				if new == 0 {
					balances.remove(&asset);
				} else {
					balances
						.try_insert(asset, new)
						.map_err(|_| Error::<T>::TooManyCollateralAssets)?;
				}
				Ok(())
			})?;
			CollateralPrincipals::<T>::try_mutate_exists(who, |entry| -> DispatchResult {
				let mut principals = entry.take().unwrap_or_default();
				let principal = principals.get(&asset).copied();
				// A balance opened now starts at what it is worth; one stored before interest
				// was tracked, at what it is worth now.
				let tracked = if old == 0 { Some(0) } else { principal };
				if new == 0 {
					principals.remove(&asset);
				} else {
					principals
						.try_insert(asset, Self::next_principal(asset, tracked, old, new))
						.map_err(|_| Error::<T>::TooManyCollateralAssets)?;
				}
				*entry = (!principals.is_empty()).then_some(principals);
				Ok(())
			})?;
		}
		let supply = |balance: i128| balance.max(0).unsigned_abs();
		let borrow = |balance: i128| balance.min(0).unsigned_abs();
		if asset == T::SettlementAsset::get() && !Self::settlement_balance_counted(who) {
			// The set-up pass counts this balance as it finds it, when it gets there.
			Self::note_touched(who);
			return Self::note_borrower(who, old, new);
		}
		LendingTotals::<T>::try_mutate(asset, |totals| -> DispatchResult {
			totals.scaled_supply = totals
				.scaled_supply
				.checked_sub(supply(old))
				.and_then(|total| total.checked_add(supply(new)))
				.ok_or(Error::<T>::Overflow)?;
			totals.scaled_borrow = totals
				.scaled_borrow
				.checked_sub(borrow(old))
				.and_then(|total| total.checked_add(borrow(new)))
				.ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		Self::note_touched(who);
		Self::note_borrower(who, old, new)
	}

	/// Keeps [`Borrowers`] as a balance of `who` goes from `old` to `new`.
	fn note_borrower(who: &T::AccountId, old: i128, new: i128) -> DispatchResult {
		Self::note_owed(who, old < 0, new < 0);
		Ok(())
	}

	/// Keeps [`Borrowers`] as something `who` owes (a balance, or a synthetic debt) goes
	/// from owed (`was`) to owed (`is`) or back. The insurance fund is never counted.
	pub(crate) fn note_owed(who: &T::AccountId, was: bool, is: bool) {
		if was != is && *who != T::InsuranceAccount::get() {
			Borrowers::<T>::mutate_exists(who, |owed| {
				let count = owed.unwrap_or(0);
				let count = if is { count.saturating_add(1) } else { count.saturating_sub(1) };
				*owed = (count > 0).then_some(count);
			});
		}
	}

	/// Whether `who`'s settlement balance is in the settlement market's totals: always,
	/// except during the set-up pass for the accounts it has not reached.
	fn settlement_balance_counted(who: &T::AccountId) -> bool {
		match LendingSetup::<T>::get() {
			None => true,
			Some(cursor) => {
				!cursor.is_empty()
					&& SettlementBalances::<T>::hashed_key_for(who).as_slice() <= cursor.as_slice()
			},
		}
	}
}
