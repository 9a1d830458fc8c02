//! Liquidation: finding an account below maintenance, closing the fewest lots that bring it
//! back above maintenance plus the buffer, and covering what a bankrupt account cannot pay.
//!
//! ## How an account is liquidated
//! 1. The account must be below maintenance (health < 0) at fresh prices: a stale price
//!    never liquidates anyone ([`Error::StalePrice`]).
//! 2. Its cross positions are taken largest maintenance requirement first. For each, the
//!    risk engine sizes the fewest lots whose close restores
//!    `health >= buffer x maintenance requirement` ([`risk_engine::liquidation`]).
//! 3. Those lots are closed at the mark price into the insurance fund's account, which takes
//!    the position over (the backstop). The account pays the liquidation penalty, a share
//!    of the closed value, to the insurance fund. One [`Event::Liquidated`] per close.
//! 4. When every cross position is closed and the account is still below maintenance, its
//!    other collateral is taken over by the insurance fund at its market value
//!    ([`Event::CollateralSeized`]), and a settlement debt left after that is bad debt:
//!    the insurance fund pays it ([`Event::BadDebtCovered`]); what its balance could not
//!    cover leaves it in deficit, and auto-deleveraging ([`crate::deleverage`]) takes that
//!    from the most profitable opposite positions, each capped at what it has won.
//!
//! A portfolio-margined account is liquidated pro rata instead: the same share of every
//! cross position and of every borrow, sized by [`risk_engine::portfolio_close_share`]
//! against the scan's requirement, because closing one leg of a hedge alone can raise the
//! requirement (a borrow is a leg of the scan: see [`crate::portfolio`]). Each borrow's
//! share goes to the fund with collateral for it ([`crate::borrow_liquidation`]).
//!
//! An isolated position is liquidated the same way against its own margin
//! ([`Pallet::liquidate_isolated`]); its bad debt is covered from the fund likewise.
//!
//! ## What a liquidation costs
//! A close writes its market's state only when the close changed it: when the insurance
//! fund simply takes the account's side over, open interest stays where it was. The
//! benchmarks close into such a fund; every market state a liquidation did change (funding
//! accrued before it was sized, open interest moved) is counted ([`LiquidationOutcome`])
//! and charged a write on top ([`Pallet::liquidate_weight`]). A portfolio account whose
//! first pro rata share restored it is charged the `liquidate_portfolio` benchmark, its
//! checks inside: the second check reuses the first's marks and the scan's premiums (the
//! working set).
//!
//! Liquidations arrive as unsigned transactions from validators' off-chain workers
//! ([`crate::offchain`]); `validate_unsigned` re-checks the account at the chain's prices, so
//! only a real liquidation passes, at most one per account (or isolated position) per block.

use alloc::{vec, vec::Vec};
use frame_support::pallet_prelude::*;
use risk_engine::{LiquidationContext, Price};
use sp_arithmetic::traits::Zero;
use sp_runtime::transaction_validity::{InvalidTransaction, TransactionValidityError};

use crate::{
	margin::CrossInputs, pallet::*, InsuranceFundReport, LiquidatableAccount, LiquidatablePage,
	MarginMode, MarketId,
};

/// The tag prefix and tags of a valid unsigned call: one per account, isolated position or
/// deleveraged market at a time (a batched liquidation provides one per target).
pub(crate) type UnsignedTag<AccountId> = (&'static str, Vec<(AccountId, Option<MarketId>)>);

/// Reads a batched liquidation's cheap checks of a target take: the block of its last
/// liquidation, its positions' count and its margin mode.
pub(crate) const TARGET_WITNESS_READS: u64 = 4;

/// How far a cross liquidation went, which its weight follows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LiquidationReach {
	/// Part of the book closed and the account is above maintenance again: under
	/// portfolio margin, the first pro rata share.
	Partial,
	/// The whole book closed, or the bankruptcy path ran.
	Full,
}

/// What a cross liquidation did, which its weight follows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LiquidationOutcome {
	/// How far it went.
	pub reach: LiquidationReach,
	/// Markets whose state it changed (and wrote): funding accrued before it was sized, open
	/// interest moved by a close. The benchmarks close into a fund that simply takes the
	/// account's side over, which leaves open interest as it was, so these writes are
	/// charged on top.
	pub market_states_written: u32,
	/// Borrow moves it made (see [`crate::borrow_liquidation`]), each charged on top.
	pub borrow_moves: u32,
	/// Under portfolio margin, the rounds that read the account's borrows and collateral
	/// again to move their share (after the round's closes), each charged a cross check on
	/// top.
	pub borrow_checks: u32,
	/// Synthetic debts the bankruptcy path moved to the insurance fund whole (see
	/// [`crate::synthetics`]), each charged on top (an upper bound: a debt a move emptied
	/// counts too).
	pub synthetic_seizures: u32,
}

/// What a cross liquidation's borrow side did: moves made and extra reads of the account.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) struct BorrowWork {
	/// Borrow moves made.
	pub moves: u32,
	/// Rounds that read the account again for their borrow moves (portfolio only).
	pub checks: u32,
}

/// One step of [`Pallet::accounts_at_risk_from`]: an entry read, and whether it is an
/// account liquidation may concern.
pub(crate) struct AccountWalkStep<AccountId> {
	/// The account of the entry read.
	pub who: AccountId,
	/// The entry's raw storage key: the cursor to resume after it.
	pub raw_key: Vec<u8>,
	/// Whether the account holds positions, or owes something without holding any (a
	/// borrower already seen as a holder is not visited twice).
	pub at_risk: bool,
}

impl<T: Config> Pallet<T> {
	/// Walks every account liquidation may concern, resumably: the holders of positions
	/// ([`Positions`]), then the accounts that owe something ([`Borrowers`]) without
	/// holding a position. Such a borrower is margined on its collateral alone, and a move
	/// in a price can put it below maintenance. `cursor` is the raw key of the last entry
	/// visited (empty: from the start); its prefix says which of the two maps the walk is
	/// in. Every entry of the second map is read and yielded, `at_risk` or not, so the
	/// caller charges each read.
	pub(crate) fn accounts_at_risk_from(
		cursor: &[u8],
	) -> impl Iterator<Item = AccountWalkStep<T::AccountId>> {
		let debts_prefix = Borrowers::<T>::map_storage_final_prefix();
		let in_debts = cursor.starts_with(&debts_prefix);
		let holders = match (in_debts, cursor.is_empty()) {
			(true, _) => None,
			(false, true) => Some(Positions::<T>::iter_keys()),
			(false, false) => Some(Positions::<T>::iter_keys_from(cursor.to_vec())),
		};
		let holders = holders.into_iter().flatten().map(|who| AccountWalkStep {
			raw_key: Positions::<T>::hashed_key_for(&who),
			who,
			at_risk: true,
		});
		let debts_from = if in_debts { cursor.to_vec() } else { debts_prefix.to_vec() };
		let debtors = Borrowers::<T>::iter_from(debts_from).map(|(who, _)| AccountWalkStep {
			raw_key: Borrowers::<T>::hashed_key_for(&who),
			at_risk: !Positions::<T>::contains_key(&who),
			who,
		});
		holders.chain(debtors)
	}

	/// The cheap checks of an unsigned call (see `validate_unsigned`): stale unless it
	/// would do something now.
	pub(crate) fn check_unsigned(
		call: &Call<T>,
	) -> Result<UnsignedTag<T::AccountId>, TransactionValidityError> {
		let stale = || TransactionValidityError::Invalid(InvalidTransaction::Stale);
		match call {
			Call::liquidate { who } => {
				ensure!(
					Self::cross_liquidatable(who) && !Self::liquidated_this_block(who, None),
					stale()
				);
				Ok(("ClearingLiquidation", vec![(who.clone(), None)]))
			},
			Call::liquidate_isolated { who, market } => {
				ensure!(
					Self::isolated_liquidatable(who, *market)
						&& !Self::liquidated_this_block(who, Some(*market)),
					stale()
				);
				Ok(("ClearingLiquidation", vec![(who.clone(), Some(*market))]))
			},
			Call::liquidate_many { targets } => {
				let mut tags: Vec<(T::AccountId, Option<MarketId>)> = Vec::new();
				for target in targets.iter() {
					let tag = (target.who.clone(), target.market);
					// Each scope once; and every one below maintenance now.
					ensure!(!tags.contains(&tag) && Self::target_applies(target), stale());
					tags.push(tag);
				}
				ensure!(!tags.is_empty(), stale());
				Ok(("ClearingLiquidation", tags))
			},
			Call::auto_deleverage { market } => {
				ensure!(Self::deleverage_applies(*market), stale());
				Ok(("ClearingLiquidation", vec![(T::InsuranceAccount::get(), Some(*market))]))
			},
			Call::settle_expired { who } => {
				ensure!(Self::has_expired_positions(who), stale());
				Ok(("ClearingExpirySettlement", vec![(who.clone(), None)]))
			},
			_ => Err(TransactionValidityError::Invalid(InvalidTransaction::Call)),
		}
	}

	/// Whether dispatching the unsigned `call` now would succeed: it runs in a storage layer
	/// that is rolled back whatever happens.
	pub(crate) fn unsigned_dispatch_succeeds(call: &Call<T>) -> bool {
		frame_support::storage::with_transaction(|| {
			let outcome = match call {
				Call::liquidate { who } => {
					let budget = Self::borrow_move_budget(MarginModes::<T>::get(who));
					Self::do_liquidate(who, budget).map(|_| ())
				},
				Call::liquidate_isolated { who, market } => {
					Self::do_liquidate_isolated(who, *market)
				},
				Call::auto_deleverage { market } => Self::do_auto_deleverage(*market).map(|_| ()),
				Call::settle_expired { who } => Self::do_settle_expired(who).and_then(|settled| {
					ensure!(settled > 0, Error::<T>::NothingToSettle);
					Ok(())
				}),
				_ => Err(Error::<T>::Overflow.into()),
			};
			sp_runtime::TransactionOutcome::Rollback(Ok::<bool, DispatchError>(outcome.is_ok()))
		})
		.unwrap_or(false)
	}

	/// Whether a batched liquidation's target can be liquidated now: below maintenance at
	/// fresh prices, not liquidated in this block, and within its witness.
	pub(crate) fn target_applies(target: &crate::LiquidationTarget<T::AccountId>) -> bool {
		Self::target_within_witness(target)
			&& match target.market {
				Some(market) => Self::isolated_liquidatable(&target.who, market),
				None => Self::cross_liquidatable(&target.who),
			}
	}

	/// The cheap part of [`Self::target_applies`]: not liquidated in this block, and a cross
	/// target within its witness (no more positions, portfolio only if it says so).
	fn target_within_witness(target: &crate::LiquidationTarget<T::AccountId>) -> bool {
		if Self::liquidated_this_block(&target.who, target.market) {
			return false;
		}
		target.market.is_some()
			|| ((Positions::<T>::decode_len(&target.who).unwrap_or(0) as u32) <= target.positions
				&& (target.portfolio
					|| MarginModes::<T>::get(&target.who) != MarginMode::Portfolio)
				&& Borrowers::<T>::get(&target.who).unwrap_or(0) <= target.borrows)
	}

	/// The borrow moves a batched target was charged for: none without borrows, the most
	/// with (see [`crate::borrow_liquidation`]).
	pub(crate) fn borrow_moves_witnessed(target: &crate::LiquidationTarget<T::AccountId>) -> u32 {
		match (target.borrows, target.portfolio) {
			(0, _) => 0,
			(_, false) => Self::borrow_move_budget(MarginMode::Cross),
			(_, true) => Self::borrow_move_budget(MarginMode::Portfolio),
		}
	}

	/// The borrow moves a batched target may make: what it was charged for, at most what
	/// its account's margin mode allows now.
	fn borrow_moves_allowed(target: &crate::LiquidationTarget<T::AccountId>) -> u32 {
		Self::borrow_moves_witnessed(target)
			.min(Self::borrow_move_budget(MarginModes::<T>::get(&target.who)))
	}

	/// The rounds of a portfolio target's pro rata liquidation that read its borrows again
	/// (see [`LiquidationOutcome::borrow_checks`]): two for a portfolio target that owes,
	/// none otherwise.
	pub(crate) fn borrow_checks_witnessed(target: &crate::LiquidationTarget<T::AccountId>) -> u32 {
		match (target.borrows, target.portfolio) {
			(0, _) | (_, false) => 0,
			_ => 2,
		}
	}

	/// Liquidates every target of a batch that can be liquidated now, each in its own
	/// storage layer: one that cannot (already liquidated in this block, beyond its
	/// witness, no longer below maintenance: the liquidation's own check refuses it) or
	/// whose liquidation fails is skipped and changes nothing. Returns the weight it used.
	pub(crate) fn do_liquidate_many(
		targets: &[crate::LiquidationTarget<T::AccountId>],
	) -> frame_support::weights::Weight {
		let mut used = frame_support::weights::Weight::zero();
		for target in targets {
			used = used.saturating_add(T::DbWeight::get().reads(TARGET_WITNESS_READS));
			if !Self::target_within_witness(target) {
				continue;
			}
			let mode = MarginModes::<T>::get(&target.who);
			let held = Positions::<T>::decode_len(&target.who).unwrap_or(0) as u32;
			let positions = Self::scan_legs(&target.who, mode, held).max(1);
			let outcome = frame_support::storage::with_transaction(|| {
				let outcome = match target.market {
					Some(market) => Self::do_liquidate_isolated(&target.who, market).map(|()| None),
					None => Self::do_liquidate(&target.who, Self::borrow_moves_allowed(target))
						.map(Some),
				};
				match outcome {
					Ok(outcome) => sp_runtime::TransactionOutcome::Commit(Ok(outcome)),
					Err(error) => sp_runtime::TransactionOutcome::Rollback(Err(error)),
				}
			});
			match outcome {
				// A one-position cross book: its share of the benchmarked batch.
				Ok(Some(_)) if positions <= 1 && mode != MarginMode::Portfolio => {
					used = used.saturating_add(Self::target_weight(target));
				},
				Ok(Some(outcome)) => {
					used = used.saturating_add(Self::liquidate_weight(mode, positions, outcome));
				},
				Ok(None) => used = used.saturating_add(Self::liquidate_isolated_weight()),
				Err(error) => {
					if error != Error::<T>::NotLiquidatable.into() {
						log::warn!(
							target: "clearing",
							"a batched liquidation of {:?} failed: {:?}",
							target.who,
							error
						);
					}
					// The checks it ran before it stopped are rolled back, not free.
					used = used.saturating_add(Self::target_check_weight(target));
				},
			}
		}
		used
	}

	/// Whether `who`'s cross account is below maintenance at fresh prices.
	pub fn cross_liquidatable(who: &T::AccountId) -> bool {
		if who == &T::InsuranceAccount::get() {
			return false;
		}
		let has_cross_positions = Positions::<T>::get(who)
			.values()
			.any(|record| record.isolated_margin.is_none() && !record.position.is_flat());
		if !has_cross_positions && !Self::may_owe(who) {
			return false;
		}
		Self::cross_figures(who).is_ok_and(|figures| !figures.stale && figures.margin.health < 0)
	}

	/// Whether `who`'s isolated position in `market` is below maintenance at a fresh price.
	pub fn isolated_liquidatable(who: &T::AccountId, market: MarketId) -> bool {
		if who == &T::InsuranceAccount::get() {
			return false;
		}
		let Some(record) = Positions::<T>::get(who).get(&market).copied() else { return false };
		if record.isolated_margin.is_none() || record.position.is_flat() {
			return false;
		}
		let Some(params) = Self::market_params(market) else { return false };
		Self::isolated_figures(market, &params, &record, true)
			.is_ok_and(|figures| figures.health < 0)
	}

	/// Liquidates `who`'s cross account (see the module docs); says how far it went and
	/// how many market states it wrote.
	/// At most `max_borrow_moves` borrow moves are made.
	pub(crate) fn do_liquidate(
		who: &T::AccountId,
		max_borrow_moves: u32,
	) -> Result<LiquidationOutcome, DispatchError> {
		let states_before: Vec<(MarketId, crate::MarketState)> = Positions::<T>::get(who)
			.keys()
			.map(|market| (*market, MarketStates::<T>::get(market)))
			.collect();
		let synthetics_owed = SyntheticDebts::<T>::decode_len(who).unwrap_or(0) as u32;
		let (reach, work) = Self::liquidate_book(who, max_borrow_moves)?;
		let market_states_written = states_before
			.iter()
			.filter(|(market, before)| MarketStates::<T>::get(market) != *before)
			.count() as u32;
		let synthetic_seizures = match reach {
			LiquidationReach::Partial => 0,
			LiquidationReach::Full => synthetics_owed
				.saturating_sub(SyntheticDebts::<T>::decode_len(who).unwrap_or(0) as u32),
		};
		Ok(LiquidationOutcome {
			reach,
			market_states_written,
			borrow_moves: work.moves,
			borrow_checks: work.checks,
			synthetic_seizures,
		})
	}

	/// [`Self::do_liquidate`] without the count of market states written; with the borrow
	/// moves made.
	fn liquidate_book(
		who: &T::AccountId,
		max_borrow_moves: u32,
	) -> Result<(LiquidationReach, BorrowWork), DispatchError> {
		ensure!(who != &T::InsuranceAccount::get(), Error::<T>::NotLiquidatable);
		// Funding owed up to now counts before the liquidation is sized, so that the close
		// restores the target after it, not before.
		for market in Positions::<T>::get(who).keys() {
			let params = Self::market_params(*market).ok_or(Error::<T>::UnknownMarket)?;
			Self::accrue_funding(*market, &params)?;
		}
		let (figures, inputs, _) = Self::cross_figures_with_inputs(who)?;
		ensure!(!figures.stale, Error::<T>::StalePrice);
		ensure!(figures.margin.health < 0, Error::<T>::NotLiquidatable);
		Self::note_liquidation(who, None)?;
		let penalty = LiquidationPenalty::<T>::get();
		let buffer = LiquidationBuffer::<T>::get();
		if figures.mode == MarginMode::Portfolio {
			let context = LiquidationContext {
				health: figures.margin.health,
				maintenance_requirement: figures.margin.maintenance_requirement,
				penalty,
				buffer,
			};
			return Self::liquidate_portfolio(who, &context, &inputs, max_borrow_moves);
		}

		// Largest maintenance requirement first: it frees the most per lot closed.
		let mut order: Vec<(MarketId, u128)> = Vec::new();
		for (market, record) in Positions::<T>::get(who) {
			if record.isolated_margin.is_some() || record.position.is_flat() {
				continue;
			}
			let params = Self::market_params(market).ok_or(Error::<T>::UnknownMarket)?;
			let figures = Self::isolated_figures(market, &params, &record, true)?;
			order.push((market, figures.position.maintenance_requirement));
		}
		order.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

		let mut margin = figures.margin;
		for (market, _) in order {
			let context = LiquidationContext {
				health: margin.health,
				maintenance_requirement: margin.maintenance_requirement,
				penalty,
				buffer,
			};
			let restores = Self::close_part(who, market, &context, None)?;
			margin = Self::cross_figures(who)?.margin;
			if restores && margin.health >= 0 {
				if !Self::may_owe(who) {
					return Ok((LiquidationReach::Partial, BorrowWork::default()));
				}
				// Back above maintenance: what it owes decides the rest, not more closes.
				break;
			}
		}
		Self::after_closes(who, margin.health, penalty, buffer, max_borrow_moves)
	}

	/// What follows the closes: the borrows' liquidation while the account is solvent (its
	/// net value at market positive: there is something to keep), then bankruptcy if it is
	/// still below maintenance.
	/// `health` is the account's health after the closes.
	fn after_closes(
		who: &T::AccountId,
		mut health: i128,
		penalty: sp_arithmetic::Perbill,
		buffer: sp_arithmetic::Perbill,
		max_borrow_moves: u32,
	) -> Result<(LiquidationReach, BorrowWork), DispatchError> {
		let mut moves = 0;
		if Self::may_owe(who) && max_borrow_moves > 0 && Self::net_value(who) > 0 {
			let (restored, made) = Self::liquidate_borrows(who, penalty, buffer, max_borrow_moves)?;
			moves = made;
			if restored {
				return Ok((LiquidationReach::Partial, BorrowWork { moves, checks: 0 }));
			}
			health = Self::cross_figures(who)?.margin.health;
		}
		Self::settle_bankruptcy(who, health)?;
		Ok((LiquidationReach::Full, BorrowWork { moves, checks: 0 }))
	}

	/// When `health` is still negative with every cross position closed: the account's
	/// collateral goes to the insurance fund and the fund pays what debt is left.
	fn settle_bankruptcy(who: &T::AccountId, health: i128) -> DispatchResult {
		if health < 0 {
			Self::seize_collateral(who)?;
			Self::seize_synthetic_debts(who)?;
			let balance = Self::settlement_balance(who);
			if balance < 0 {
				let paid = Self::cover_bad_debt(balance.unsigned_abs(), who, None)?;
				Self::add_to_settlement_balance(who, paid)?;
			}
		}
		Ok(())
	}

	/// Liquidates a portfolio-margined account pro rata: the same share of every cross
	/// position and of every borrow, the share [`risk_engine::portfolio_close_share`] finds
	/// from the scan's maintenance requirement, positions rounded up to whole lots. The
	/// scan's requirement is homogeneous in the book's sizes (a book scaled by `1 - f`
	/// loses `1 - f` of every scenario's loss, and the combination across underlyings
	/// scales the same way), so a hedge keeps its ratio and the requirement falls by the
	/// share: the borrows are legs of the scan (a borrowed BTC beside a long BTC perpetual
	/// is one flat book), and moving a borrow without its hedge would raise the requirement
	/// instead. The book's value counts each borrow at what moving it costs (over
	/// `1 - penalty`), and a settlement debt's weight margin joins the requirement it sizes
	/// against. Should rounding, the options' curvature, the collateral's haircuts or
	/// the borrow moves' bound leave the account short of maintenance, everything closes
	/// and moves; then the bankruptcy path.
	fn liquidate_portfolio(
		who: &T::AccountId,
		context: &LiquidationContext,
		inputs: &CrossInputs<T>,
		max_borrow_moves: u32,
	) -> Result<(LiquidationReach, BorrowWork), DispatchError> {
		let mut book = Vec::new();
		let mut book_value: u128 = 0;
		for (market, record) in Positions::<T>::get(who) {
			if record.isolated_margin.is_some() || record.position.is_flat() {
				continue;
			}
			let params = Self::market_params(market).ok_or(Error::<T>::UnknownMarket)?;
			let state = MarketStates::<T>::get(market);
			let prices =
				Self::market_prices(market, &params, &state).ok_or(Error::<T>::StalePrice)?;
			let units = record.position.size.unsigned_abs();
			let value = Self::market_scale(&params)
				.value(units, prices.mark, sp_arithmetic::Rounding::Up)
				.map_err(Error::<T>::from)?;
			book_value = book_value.saturating_add(value);
			book.push((market, units, params.lot_size.max(1)));
		}
		let mut sizing = *context;
		if Self::may_owe(who) {
			let (borrow_cost, debt_margin) = Self::portfolio_borrow_book(inputs, context.penalty)?;
			book_value = book_value.saturating_add(borrow_cost);
			sizing.maintenance_requirement =
				sizing.maintenance_requirement.saturating_add(debt_margin);
		}
		let (numerator, denominator) =
			risk_engine::portfolio_close_share(&sizing, book_value).map_err(Error::<T>::from)?;
		let mut shares = alloc::vec![(numerator, denominator)];
		if numerator < denominator {
			shares.push((1, 1));
		}
		let mut closed_before: Vec<u128> = alloc::vec![0; book.len()];
		let mut work = BorrowWork::default();
		for (numerator, denominator) in shares {
			for (at, (market, units, lot)) in book.iter().enumerate() {
				let share = risk_engine::types::mul_div(
					*units,
					numerator,
					denominator,
					sp_arithmetic::Rounding::Up,
				)
				.map_err(Error::<T>::from)?;
				let target = share.div_ceil(*lot).saturating_mul(*lot).min(*units);
				let more = target.saturating_sub(closed_before[at]);
				if more > 0 {
					Self::close_units(who, *market, more, context.penalty, None)?;
					closed_before[at] = target;
				}
			}
			// The first round moves its share of what is owed; the last, all that is left
			// (the first round's closes may have added a settlement debt). Without moves
			// left to make (none witnessed), the borrows are not read again.
			if work.moves < max_borrow_moves && Self::may_owe(who) {
				work.checks += 1;
				Self::move_borrows_pro_rata(
					who,
					(numerator, denominator),
					context.penalty,
					&mut work.moves,
					max_borrow_moves,
				)?;
			}
			let health = Self::cross_figures(who)?.margin.health;
			if health >= 0 {
				let reach = if numerator == denominator {
					LiquidationReach::Full
				} else {
					LiquidationReach::Partial
				};
				return Ok((reach, work));
			}
			if numerator == denominator {
				Self::settle_bankruptcy(who, health)?;
			}
		}
		Ok((LiquidationReach::Full, work))
	}

	/// Liquidates `who`'s isolated position in `market`.
	pub(crate) fn do_liquidate_isolated(who: &T::AccountId, market: MarketId) -> DispatchResult {
		ensure!(who != &T::InsuranceAccount::get(), Error::<T>::NotLiquidatable);
		let params = Self::market_params(market).ok_or(Error::<T>::UnknownMarket)?;
		let record =
			Positions::<T>::get(who).get(&market).copied().ok_or(Error::<T>::NotIsolated)?;
		ensure!(record.isolated_margin.is_some(), Error::<T>::NotIsolated);
		Self::accrue_funding(market, &params)?;
		ensure!(!record.position.is_flat(), Error::<T>::NotLiquidatable);
		let figures = Self::isolated_figures(market, &params, &record, true)?;
		ensure!(figures.health < 0, Error::<T>::NotLiquidatable);
		Self::note_liquidation(who, Some(market))?;
		let context = LiquidationContext {
			health: figures.health,
			maintenance_requirement: figures.position.maintenance_requirement,
			penalty: LiquidationPenalty::<T>::get(),
			buffer: LiquidationBuffer::<T>::get(),
		};
		Self::close_part(who, market, &context, Some(market))?;
		let record = Positions::<T>::get(who).get(&market).copied();
		if let Some(record) = record.filter(|r| r.position.is_flat()) {
			let margin = record.isolated_margin.unwrap_or(0);
			if margin < 0 {
				let paid = Self::cover_bad_debt(margin.unsigned_abs(), who, Some(market))?;
				Self::add_to_isolated_margin(who, market, paid)?;
			}
		}
		Ok(())
	}

	/// Records that `who` (or its isolated position in `market`) was liquidated in this
	/// block; a second liquidation of it in the same block is refused.
	fn note_liquidation(who: &T::AccountId, market: Option<MarketId>) -> DispatchResult {
		ensure!(!Self::liquidated_this_block(who, market), Error::<T>::AlreadyLiquidatedThisBlock);
		LastLiquidation::<T>::insert(who, market, frame_system::Pallet::<T>::block_number());
		Ok(())
	}

	/// Whether `who` (or its isolated position in `market`) was liquidated in this block.
	pub fn liquidated_this_block(who: &T::AccountId, market: Option<MarketId>) -> bool {
		LastLiquidation::<T>::get(who, market) == Some(frame_system::Pallet::<T>::block_number())
	}

	/// Closes the engine's share of `who`'s position in `market` into the insurance fund at
	/// the mark, charging the penalty to the account (`isolated`: to that position's
	/// margin). Returns whether the close restores the target.
	fn close_part(
		who: &T::AccountId,
		market: MarketId,
		context: &LiquidationContext,
		isolated: Option<MarketId>,
	) -> Result<bool, DispatchError> {
		let params = Self::market_params(market).ok_or(Error::<T>::UnknownMarket)?;
		let (state, prices) = Self::accrue_funding_at_prices(market, &params)?;
		let prices = prices.ok_or(Error::<T>::StalePrice)?;
		ensure!(prices.fresh, Error::<T>::StalePrice);
		let record = Positions::<T>::get(who).get(&market).copied().ok_or(Error::<T>::Overflow)?;
		let exposure = Self::exposure_of(&params, &state, &prices, &record);
		let Some(size) = risk_engine::partial_liquidation_size(context, &exposure, params.lot_size)
			.map_err(Error::<T>::from)?
		else {
			return Ok(false);
		};
		Self::close_units(who, market, size.units, context.penalty, isolated)?;
		Ok(size.restores)
	}

	/// Closes `units` of `who`'s position in `market` into the insurance fund at the mark
	/// (fresh prices required) and charges `penalty` of the closed value to the account
	/// (`isolated`: to that position's margin), paid to the fund. The market's state is
	/// written only when the close changed it: when the fund simply takes the account's
	/// side over, open interest stays where it was.
	fn close_units(
		who: &T::AccountId,
		market: MarketId,
		units: u128,
		penalty: sp_arithmetic::Perbill,
		isolated: Option<MarketId>,
	) -> DispatchResult {
		let params = Self::market_params(market).ok_or(Error::<T>::UnknownMarket)?;
		let (mut state, prices) = Self::accrue_funding_at_prices(market, &params)?;
		let prices = prices.ok_or(Error::<T>::StalePrice)?;
		ensure!(prices.fresh, Error::<T>::StalePrice);
		let record = Positions::<T>::get(who).get(&market).copied().ok_or(Error::<T>::Overflow)?;
		let scale = Self::market_scale(&params);
		let units = units.min(record.position.size.unsigned_abs());
		let closed_value = scale
			.value(units, prices.mark, sp_arithmetic::Rounding::Up)
			.map_err(Error::<T>::from)?;
		let penalty_paid = penalty.mul_ceil(closed_value);
		if isolated.is_none() {
			Self::note_cross_close(who, market, closed_value);
		}
		let signed_units = i128::try_from(units).map_err(|_| Error::<T>::Overflow)?;
		// The account's side of the close: the opposite of its position.
		let closed = if record.position.size > 0 { -signed_units } else { signed_units };
		// Storage holds the accrued state already.
		let accrued = state;
		Self::trade_with_fund(who, market, &mut state, &scale, closed, prices.mark)?;
		if state != accrued {
			MarketStates::<T>::insert(market, state);
		}

		let signed_penalty = i128::try_from(penalty_paid).map_err(|_| Error::<T>::Overflow)?;
		match isolated {
			Some(market) => Self::add_to_isolated_margin(who, market, -signed_penalty)?,
			None => Self::add_to_settlement_balance(who, -signed_penalty)?,
		}
		Self::add_to_settlement_balance(&T::InsuranceAccount::get(), signed_penalty)?;
		Self::deposit_event(Event::Liquidated {
			who: who.clone(),
			market,
			closed_size: closed,
			price: prices.mark,
			penalty: penalty_paid,
			isolated: isolated.is_some(),
		});
		Ok(())
	}

	/// Trades `size` (signed, from `who`'s side) between `who` and the insurance fund at
	/// `price`, without fees, and moves `state`'s open interest with it: the fund takes a
	/// liquidated position over, gives it back to auto-deleveraged accounts, and stands
	/// between the holders of an expiring option series. Returns the PnL `who` realized.
	pub(crate) fn trade_with_fund(
		who: &T::AccountId,
		market: MarketId,
		state: &mut crate::MarketState,
		scale: &risk_engine::UnitScale,
		size: i128,
		price: Price,
	) -> Result<i128, DispatchError> {
		let fund = T::InsuranceAccount::get();
		let account_side =
			Self::apply_side(who, market, state, scale, size, price, Zero::zero(), None)?;
		let fund_side =
			Self::apply_side(&fund, market, state, scale, -size, price, Zero::zero(), None)?;
		let long_delta = account_side
			.long_delta
			.checked_add(fund_side.long_delta)
			.ok_or(Error::<T>::Overflow)?;
		state.open_interest = if long_delta >= 0 {
			state.open_interest.saturating_add(long_delta.unsigned_abs())
		} else {
			state.open_interest.saturating_sub(long_delta.unsigned_abs())
		};
		Ok(account_side.realized_pnl)
	}

	/// Moves every non-settlement balance of `who` to the insurance fund at its market value
	/// (no haircut), settled in the settlement asset between them: a supply is credited to
	/// the account's settlement balance, a borrow charged to it.
	fn seize_collateral(who: &T::AccountId) -> DispatchResult {
		let insurance = T::InsuranceAccount::get();
		let quote_decimals = T::SettlementDecimals::get();
		Self::forget_account(who);
		Self::forget_account(&insurance);
		Self::note_touched(who);
		for (asset, amount) in Self::collateral_holdings(who) {
			let config = CollateralAssets::<T>::get(asset).ok_or(Error::<T>::UnknownCollateral)?;
			let key = config.oracle_key.ok_or(Error::<T>::InvalidOracleKey)?;
			let (price, fresh): (Price, bool) =
				Self::oracle_price(&key).ok_or(Error::<T>::StalePrice)?;
			ensure!(fresh, Error::<T>::StalePrice);
			let scale = risk_engine::UnitScale::new(config.params.decimals, quote_decimals);
			// Down in the signed sense: what the account holds counts less, what it owes more.
			let value = scale
				.signed_value(amount, price, risk_engine::SignedRounding::Floor)
				.map_err(Error::<T>::from)?;
			Self::move_balance(who, &insurance, asset)?;
			Self::add_to_settlement_balance(who, value)?;
			Self::add_to_settlement_balance(&insurance, -value)?;
			Self::deposit_event(Event::CollateralSeized { who: who.clone(), asset, amount, value });
		}
		Ok(())
	}

	/// Pays `debt` and returns it; the caller credits it where the debt is. The insurance
	/// funds of the pools whose restricted markets it arose in pay their share first, up to
	/// their balances ([`crate::pools`]); the chain's insurance fund pays the rest from its
	/// settlement balance. The part beyond the fund's balance (`uncovered` in the event)
	/// leaves the fund in deficit, which auto-deleveraging recovers ([`crate::deleverage`]).
	fn cover_bad_debt(
		debt: u128,
		who: &T::AccountId,
		market: Option<MarketId>,
	) -> Result<i128, DispatchError> {
		// A pool's own fund pays first for what arose in its restricted markets.
		let paid_by_pools = Self::pay_bad_debt_from_pools(who, market, debt)?;
		let left = debt.saturating_sub(paid_by_pools);
		if left > 0 {
			let insurance = T::InsuranceAccount::get();
			let available = Self::settlement_balance(&insurance).max(0).unsigned_abs();
			let paid = i128::try_from(left).map_err(|_| Error::<T>::Overflow)?;
			Self::add_to_settlement_balance(&insurance, -paid)?;
			Self::deposit_event(Event::BadDebtCovered {
				who: who.clone(),
				market,
				paid: left,
				uncovered: left.saturating_sub(available),
			});
		}
		i128::try_from(debt).map_err(|_| Error::<T>::Overflow.into())
	}

	/// Adds `delta` to the margin of `who`'s isolated position in `market`.
	fn add_to_isolated_margin(who: &T::AccountId, market: MarketId, delta: i128) -> DispatchResult {
		Positions::<T>::try_mutate(who, |positions| -> DispatchResult {
			let record = positions.get_mut(&market).ok_or(Error::<T>::NotIsolated)?;
			let margin = record.isolated_margin.as_mut().ok_or(Error::<T>::NotIsolated)?;
			*margin = margin.checked_add(delta).ok_or(Error::<T>::Overflow)?;
			if record.is_empty() {
				positions.remove(&market);
			}
			Ok(())
		})?;
		Self::note_touched(who);
		Ok(())
	}

	/// Checks up to `limit` accounts that hold positions or owe something, after
	/// `start_after` (from the first when `None`), and lists those below maintenance.
	pub fn liquidatable_accounts(
		start_after: Option<T::AccountId>,
		limit: u32,
	) -> LiquidatablePage<T::AccountId> {
		// The holders of positions, then the borrowers holding none (the walk the worker's
		// sweep takes): a page that ended among the borrowers resumes there.
		let cursor = match start_after {
			Some(who) if Positions::<T>::contains_key(&who) => Positions::<T>::hashed_key_for(&who),
			Some(who) => Borrowers::<T>::hashed_key_for(&who),
			None => Vec::new(),
		};
		let mut accounts = Self::accounts_at_risk_from(&cursor);
		let mut page = LiquidatablePage { accounts: Vec::new(), last_checked: None };
		for _ in 0..limit {
			let Some(step) = accounts.next() else {
				page.last_checked = None;
				return page;
			};
			let who = step.who;
			page.last_checked = Some(who.clone());
			if !step.at_risk {
				continue;
			}
			let positions = Positions::<T>::get(&who);
			let cross = Self::cross_liquidatable(&who);
			let isolated_markets: Vec<MarketId> = positions
				.iter()
				.filter(|(market, record)| {
					record.isolated_margin.is_some() && Self::isolated_liquidatable(&who, **market)
				})
				.map(|(market, _)| *market)
				.collect();
			if cross || !isolated_markets.is_empty() {
				let cross_health =
					Self::cross_figures(&who).map(|figures| figures.margin.health).unwrap_or(0);
				page.accounts.push(LiquidatableAccount {
					who: who.clone(),
					cross_health,
					cross,
					isolated_markets,
				});
			}
		}
		page
	}

	/// The insurance fund's balance, collateral, positions and net value.
	pub fn insurance_fund() -> InsuranceFundReport<T::AccountId, T::AssetId> {
		let account = T::InsuranceAccount::get();
		InsuranceFundReport {
			settlement_balance: Self::settlement_balance(&account),
			collateral: CollateralBalances::<T>::get(&account)
				.into_iter()
				.map(|(asset, scaled)| (asset, Self::nominal_of(asset, scaled)))
				.collect(),
			positions: Positions::<T>::get(&account)
				.into_iter()
				.map(|(market, record)| (market, record.position.size))
				.collect(),
			net_value: Self::net_value(&account),
			account,
		}
	}

	/// What `who` would hold after closing everything at the mark, selling its collateral
	/// and buying back what it borrowed at the oracle price: settlement balance, supplies
	/// less borrows at market value (no haircut, no debt weighting), unrealized PnL less
	/// funding owed. Unpriced items count as zero.
	/// Worked out directly from the account's inputs (no report, no liquidation prices), so
	/// that it costs one pass over the positions: the insurance fund's may hold every market.
	pub fn net_value(who: &T::AccountId) -> i128 {
		Self::net_value_of(&Self::load_cross_inputs(who))
	}

	/// [`Self::net_value`] from inputs already loaded.
	pub(crate) fn net_value_of(inputs: &CrossInputs<T>) -> i128 {
		let quote_decimals = T::SettlementDecimals::get();
		let collateral: i128 = inputs
			.collateral
			.iter()
			.filter_map(|(_, _, holding)| {
				let value = risk_engine::holding_market_value(holding.as_ref()?, quote_decimals);
				i128::try_from(value.ok()?).ok()
			})
			.fold(inputs.settlement_balance, |sum, value| sum.saturating_add(value));
		let borrowed: i128 = inputs
			.liabilities
			.iter()
			.filter_map(|(_, _, liability)| {
				let value =
					risk_engine::liability_market_value(liability.as_ref()?, quote_decimals);
				i128::try_from(value.ok()?).ok()
			})
			.fold(0, |sum: i128, value| sum.saturating_add(value));
		let collateral = collateral.saturating_sub(borrowed);
		inputs.positions.iter().fold(collateral, |sum, loaded| {
			let Some(prices) = loaded.prices else { return sum };
			let scale = Self::market_scale(&loaded.params);
			let pnl = risk_engine::unrealized_pnl(&loaded.record.position, prices.mark, &scale)
				.unwrap_or(0);
			let owed = risk_engine::funding_owed(
				&loaded.record.position,
				loaded.state.funding_index,
				&scale,
			)
			.unwrap_or(0);
			sum.saturating_add(pnl.saturating_sub(owed))
		})
	}

	/// Each position of `who` with the mark price at which it (isolated) or the account
	/// (cross) reaches zero health, every other price held.
	pub fn liquidation_prices(who: &T::AccountId) -> Vec<(MarketId, Option<Price>)> {
		Self::account_report(who)
			.map(|report| {
				report
					.positions
					.into_iter()
					.map(|position| (position.market, position.liquidation_price))
					.collect()
			})
			.unwrap_or_default()
	}
}
