//! Order deposits: what a resting order holds, and where it goes when the order leaves.
//!
//! Every resting order holds [`OrderDeposit`] CLR of its owner (`HoldReason::OrderDeposit`)
//! so that filling a book has a cost. Holding and releasing are balance operations (the
//! owner's holds and account, read, decoded, written): doing both for every quote a market
//! maker replaces or sees filled would cost more than the fill's settlement. So a deposit
//! whose order leaves the book while its owner still rests others stays held, as the
//! owner's spare ([`SpareDeposits`]), and the owner's next order takes its deposit from
//! there before holding more. When the owner's last order leaves, the spare goes back with
//! its deposit. An account with orders resting holds exactly their deposits and its spare;
//! one without holds nothing (both are invariants, checked by `do_try_state`).
//!
//! The owner's own call (placing, cancelling, replacing) may empty its book on the way (a
//! `replace_orders` cancels before it places): its spare is settled once the call ends,
//! so that the orders it places next reuse it.

use alloc::boxed::Box;
use core::any::Any;

use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};
use sp_runtime::traits::{Saturating, Zero};

use crate::{pallet::*, BalanceOf};

environmental::environmental!(depositor: Box<dyn Any>);

impl<T: Config> Pallet<T> {
	/// Runs `call`, a dispatchable of `who`, so that deposits of `who`'s orders leaving the
	/// book meanwhile are kept as spare until it ends; then returns the spare if `who` rests
	/// no order any more.
	pub(crate) fn as_depositor<R>(who: &T::AccountId, call: impl FnOnce() -> R) -> R {
		let mut caller: Box<dyn Any> = Box::new(who.clone());
		let result = depositor::using(&mut caller, call);
		Self::return_idle_spare(who);
		result
	}

	/// Whether `who` is the account whose call runs (see [`Self::as_depositor`]).
	fn is_depositor(who: &T::AccountId) -> bool {
		depositor::with(|caller| caller.downcast_ref::<T::AccountId>() == Some(who))
			.unwrap_or(false)
	}

	/// Holds `amount` for a new resting order of `who`: from its spare first, the rest from
	/// its free balance.
	pub(crate) fn hold_order_deposit(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		let spare = SpareDeposits::<T>::get(who);
		let from_spare = spare.min(amount);
		Self::set_spare(who, spare, spare.saturating_sub(from_spare));
		let more = amount.saturating_sub(from_spare);
		if !more.is_zero() {
			T::Currency::hold(&HoldReason::OrderDeposit.into(), who, more)
				.map_err(|_| Error::<T>::InsufficientOrderDeposit)?;
		}
		Ok(())
	}

	/// Takes back the deposit `amount` of an order of `owner` that has left the book (and its
	/// owner's book): kept as spare while the owner rests other orders or its own call runs,
	/// otherwise returned with whatever spare the owner held.
	pub(crate) fn retire_order_deposit(owner: &T::AccountId, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		let spare = SpareDeposits::<T>::get(owner);
		if AccountOrders::<T>::contains_key(owner) || Self::is_depositor(owner) {
			Self::set_spare(owner, spare, spare.saturating_add(amount));
		} else {
			Self::set_spare(owner, spare, Zero::zero());
			Self::release_deposit(owner, spare.saturating_add(amount));
		}
	}

	/// Returns `who`'s spare when it rests no order.
	fn return_idle_spare(who: &T::AccountId) {
		if AccountOrders::<T>::contains_key(who) {
			return;
		}
		let spare = SpareDeposits::<T>::get(who);
		Self::set_spare(who, spare, Zero::zero());
		Self::release_deposit(who, spare);
	}

	/// Moves `who`'s spare from `before` (as read) to `after`, writing only a change; a zero
	/// spare is stored as none.
	fn set_spare(who: &T::AccountId, before: BalanceOf<T>, after: BalanceOf<T>) {
		if after == before {
			return;
		}
		if after.is_zero() {
			SpareDeposits::<T>::remove(who);
		} else {
			SpareDeposits::<T>::insert(who, after);
		}
	}

	fn release_deposit(who: &T::AccountId, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		// Held when orders rested; nothing else releases this hold.
		let _ = T::Currency::release(
			&HoldReason::OrderDeposit.into(),
			who,
			amount,
			Precision::BestEffort,
		);
	}
}
