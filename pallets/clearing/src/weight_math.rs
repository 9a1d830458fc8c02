//! Weights that depend on what a call finds: the arithmetic that composes benchmarked
//! weights for calls that branch (by margin mode, positions held, settlements done), in one
//! place, as `pallet-referenda`'s `branch.rs` does. Each dispatchable is charged the most it
//! can cost and refunded down to what it did.

use frame_support::{pallet_prelude::*, weights::Weight};

use crate::{
	liquidation::{LiquidationOutcome, LiquidationReach},
	pallet::*,
	weights::WeightInfo,
	MarginMode, MarketId, MAX_MARKETS,
};

impl<T: Config> Pallet<T> {
	/// What `withdraw` costs at most for an account in `mode`, with or without settling
	/// expired options: the benchmarked withdrawal, plus one portfolio check (priced by
	/// the `portfolio_check` benchmark) under portfolio margin, plus the settlement.
	pub fn withdraw_weight(mode: MarginMode, settles: bool) -> Weight {
		let positions = T::MaxPositionsPerAccount::get();
		let mut weight = T::WeightInfo::withdraw(positions)
			.saturating_add(Self::lending_check_weight())
			.saturating_add(Self::principal_weight(1));
		if mode == MarginMode::Portfolio {
			weight = weight.saturating_add(T::WeightInfo::portfolio_check(positions));
		}
		if settles {
			weight = weight.saturating_add(T::WeightInfo::settle_expired(positions));
		}
		weight
	}

	/// What `liquidate_isolated` costs: its benchmark, and the market state it may write.
	pub fn liquidate_isolated_weight() -> Weight {
		T::WeightInfo::liquidate_isolated().saturating_add(T::DbWeight::get().writes(1))
	}

	/// What a batched liquidation's target that turns out not to be below maintenance costs:
	/// its book read and valued once (the `check_account` benchmark, the worker's own check)
	/// and each market's funding accrued, then rolled back. Less than its liquidation, which
	/// runs the same check first.
	pub fn target_check_weight(target: &crate::LiquidationTarget<T::AccountId>) -> Weight {
		let positions = target.positions.clamp(1, T::MaxPositionsPerAccount::get());
		let check = T::WeightInfo::check_account(positions)
			.saturating_add(T::DbWeight::get().writes(u64::from(positions)));
		match target.portfolio {
			// A portfolio target's check runs the scan, each asset it owes a leg of it.
			true => check.saturating_add(T::WeightInfo::portfolio_check(
				target
					.positions
					.saturating_add(target.borrows)
					.clamp(1, T::MaxPositionsPerAccount::get()),
			)),
			false => check,
		}
	}

	/// The most one target of a batched liquidation costs, from its witness: the cheap
	/// checks, and a cross liquidation of every position it may hold (the whole book
	/// closed, every market's state written) in the mode it may be in, or an isolated one;
	/// or, when it is no longer below maintenance, the check that finds it.
	pub fn target_weight(target: &crate::LiquidationTarget<T::AccountId>) -> Weight {
		let liquidation = match target.market {
			Some(_) => Self::liquidate_isolated_weight(),
			// The common case, measured in a batch: `liquidate_many`'s cost per target, each
			// taken through the whole path (closed, collateral seized, bad debt paid).
			None if target.positions <= 1 && !target.portfolio => {
				return T::WeightInfo::liquidate_many(2)
					.saturating_sub(T::WeightInfo::liquidate_many(1))
					.max(Self::target_check_weight(target))
					.saturating_add(T::DbWeight::get().writes(1))
					// The seized collateral's principals, the account's and the fund's.
					.saturating_add(Self::principal_weight(2))
					.saturating_add(
						Self::borrow_move_weight()
							.saturating_mul(u64::from(Self::borrow_moves_witnessed(target))),
					)
					.saturating_add(Self::synthetic_seizure_weight(
						target.borrows.min(T::MaxSynthetics::get()),
					));
			},
			None => {
				// Under portfolio margin each asset owed is a leg of the scan too.
				let legs = match target.portfolio {
					true => target.positions.saturating_add(target.borrows),
					false => target.positions,
				};
				let positions = legs.clamp(1, T::MaxPositionsPerAccount::get());
				let mode = if target.portfolio { MarginMode::Portfolio } else { MarginMode::Cross };
				let outcome = LiquidationOutcome {
					reach: LiquidationReach::Full,
					market_states_written: positions,
					borrow_moves: Self::borrow_moves_witnessed(target),
					borrow_checks: Self::borrow_checks_witnessed(target),
					synthetic_seizures: target.borrows.min(T::MaxSynthetics::get()),
				};
				Self::liquidate_weight(mode, positions, outcome)
			},
		};
		T::DbWeight::get()
			.reads(crate::liquidation::TARGET_WITNESS_READS)
			.saturating_add(liquidation.max(Self::target_check_weight(target)))
	}

	/// What `liquidate_many` is charged up front: what a batch costs whatever its targets
	/// (the benchmark's part that does not grow with them), and every target at its witness.
	pub fn liquidate_many_weight(targets: &[crate::LiquidationTarget<T::AccountId>]) -> Weight {
		let per_target =
			T::WeightInfo::liquidate_many(2).saturating_sub(T::WeightInfo::liquidate_many(1));
		let base = T::WeightInfo::liquidate_many(1).saturating_sub(per_target);
		targets.iter().fold(base, |total, target| total.saturating_add(Self::target_weight(target)))
	}

	/// What rebanding an account costs (see [`crate::bands`]): the `reband` benchmark of
	/// an account with `positions` positions (its book read and valued, its band worked out
	/// and written), and on top its `records` stored bands read and the `writes` records and
	/// index entries it wrote or removed.
	pub fn reband_weight(positions: u32, records: u32, writes: u32) -> Weight {
		T::WeightInfo::reband(positions.max(1)).saturating_add(
			T::DbWeight::get().reads_writes(u64::from(records) + 1, u64::from(writes)),
		)
	}

	/// What `auto_deleverage` costs when it reduces `reduced` positions: reading the
	/// fund's whole book (its value per market, up to [`MAX_MARKETS`] positions: four
	/// benchmarked withdrawals' margin checks of the most positions a trader holds), and
	/// per position reduced a portfolio check of its owner (the allowance) and a
	/// settlement with the fund; or the call's own benchmark if that is more. (The
	/// composition stands until the benchmark is measured again on this code.)
	pub fn auto_deleverage_weight(reduced: u32) -> Weight {
		let positions = T::MaxPositionsPerAccount::get();
		let fund_book = MAX_MARKETS.div_ceil(positions.max(1)) as u64;
		let composed = T::WeightInfo::withdraw(positions).saturating_mul(fund_book).saturating_add(
			T::WeightInfo::portfolio_check(positions)
				.saturating_add(T::WeightInfo::settle_trade(positions))
				.saturating_mul(u64::from(reduced.max(1))),
		);
		composed.max(T::WeightInfo::auto_deleverage(reduced.max(1)))
	}

	/// What `liquidate` costs for an account in `mode` holding `positions` positions that
	/// it liquidated as `outcome` says:
	/// - under cross margin, the benchmarked cross liquidation (every position closed, the
	///   collateral seized, bad debt paid), however far it went;
	/// - under portfolio margin, when the first pro rata share restored the account, the
	///   `liquidate_portfolio` benchmark (its portfolio checks inside, sharing the marks and
	///   the scan's premiums);
	/// - under portfolio margin when the whole book closed, the cross liquidation plus three
	///   cold portfolio checks (before, and after each of the at most two rounds of closes);
	///
	/// and in every case a write per market state it changed (the benchmarks' closes leave
	/// open interest as it was, see [`LiquidationOutcome`]), each borrow move
	/// ([`Self::borrow_move_weight`]), under portfolio margin a cross check per round
	/// that read the account's borrows again to move their share, and when the collateral
	/// is seized, the principals it moves ([`Self::principal_weight`]) and each synthetic
	/// debt moved whole ([`Self::synthetic_seizure_weight`]).
	pub fn liquidate_weight(
		mode: MarginMode,
		positions: u32,
		outcome: LiquidationOutcome,
	) -> Weight {
		let cross = T::WeightInfo::liquidate(positions);
		// Seizing the collateral moves the account's balances to the fund, with their
		// principals: two maps, the account's and the fund's.
		let seized = match outcome.reach {
			LiquidationReach::Partial => Weight::zero(),
			LiquidationReach::Full => Self::principal_weight(2),
		};
		let liquidation = match (mode, outcome.reach) {
			(MarginMode::Cross, _) => cross,
			(MarginMode::Portfolio, LiquidationReach::Partial) => {
				T::WeightInfo::liquidate_portfolio(positions)
			},
			(MarginMode::Portfolio, LiquidationReach::Full) => cross
				.saturating_add(T::WeightInfo::portfolio_check(positions).saturating_mul(3))
				.max(T::WeightInfo::liquidate_portfolio(positions)),
		};
		liquidation
			.saturating_add(seized)
			.saturating_add(T::DbWeight::get().writes(u64::from(outcome.market_states_written)))
			.saturating_add(
				Self::borrow_move_weight().saturating_mul(u64::from(outcome.borrow_moves)),
			)
			.saturating_add(
				T::WeightInfo::check_account(positions)
					.saturating_mul(u64::from(outcome.borrow_checks)),
			)
			.saturating_add(Self::synthetic_seizure_weight(outcome.synthetic_seizures))
	}

	/// What moving `debts` synthetic debts of a bankrupt account to the insurance fund
	/// whole costs: for each, its listing and state, both debts and the borrowers' index
	/// read and written, its stability fee and its value paid between the two settlement
	/// balances (with the settlement market's totals and the principals).
	pub fn synthetic_seizure_weight(debts: u32) -> Weight {
		T::DbWeight::get()
			.reads_writes(10, 10)
			.saturating_add(Self::principal_weight(2))
			.saturating_mul(u64::from(debts))
	}

	/// The most `liquidate` can cost: a portfolio account of the most positions whose whole
	/// book closes, every market's state written.
	pub fn max_liquidate_weight() -> Weight {
		let positions = T::MaxPositionsPerAccount::get();
		let outcome = LiquidationOutcome {
			reach: LiquidationReach::Full,
			market_states_written: positions,
			borrow_moves: Self::borrow_move_budget(MarginMode::Portfolio),
			borrow_checks: 2,
			synthetic_seizures: T::MaxSynthetics::get(),
		};
		Self::liquidate_weight(MarginMode::Portfolio, positions, outcome)
	}

	/// What `on_initialize` costs once it has applied `applied` scheduled risk changes: the
	/// changes, and the end-of-block passes over the guarded keys, the perpetuals and the
	/// adaptive markets (charged here, at the start of the block, for `on_finalize`).
	pub(crate) fn on_initialize_weight(applied: u32) -> Weight {
		let applied = u64::from(applied);
		let keys = GuardedKeys::<T>::decode_len().unwrap_or(0) as u64;
		// The benchmark applies a margin schedule (a read and a write); a correlation
		// writes one entry more, charged on top.
		let per_change =
			T::WeightInfo::apply_risk_change().saturating_add(T::DbWeight::get().writes(1));
		T::DbWeight::get()
			.reads(2)
			.saturating_add(per_change.saturating_mul(applied))
			.saturating_add(T::WeightInfo::update_price_guard().saturating_mul(keys))
			// Each market's end-of-block funding accrual reads and writes what a price
			// guard update does (its market, state and prices; one write): charged at that
			// benchmark until it has its own.
			.saturating_add(
				T::WeightInfo::update_price_guard()
					.saturating_mul(Perpetuals::<T>::decode_len().unwrap_or(0) as u64),
			)
			.saturating_add(
				T::WeightInfo::step_adaptive_margin()
					.saturating_mul(AdaptiveMargins::<T>::count() as u64),
			)
			// Every listed asset (at most the bound, the settlement asset besides) accrues.
			.saturating_add(
				Self::accrue_lending_weight()
					.saturating_mul(u64::from(T::MaxCollateralAssets::get()).saturating_add(1)),
			)
			// Each synthetic's fee index reads its listing, state and price and writes its
			// state, as a price guard update does: charged at that benchmark.
			.saturating_add(
				T::WeightInfo::update_price_guard()
					.saturating_mul(u64::from(Synthetics::<T>::count())),
			)
	}

	/// What a borrow costs: its benchmark (the account's supply spent, the rest borrowed,
	/// the market's caps and the account's cross margin checked, at `MaxPositionsPerAccount`
	/// positions) with, as for a withdrawal, the portfolio check under portfolio margin and
	/// expiry settlement when a series settles first.
	pub fn borrow_weight(mode: MarginMode, settles: bool) -> Weight {
		let positions = T::MaxPositionsPerAccount::get();
		let mut weight = T::WeightInfo::borrow(positions).saturating_add(Self::principal_weight(1));
		if mode == MarginMode::Portfolio {
			weight = weight.saturating_add(T::WeightInfo::portfolio_check(positions));
		}
		if settles {
			weight = weight.saturating_add(T::WeightInfo::settle_expired(positions));
		}
		weight
	}

	/// What listing a synthetic costs: its benchmark (the token's roles, minimum balance,
	/// metadata and supply read, its key guarded, its terms checked).
	pub fn register_synthetic_weight() -> Weight {
		T::WeightInfo::register_synthetic()
	}

	/// What a mint costs: its benchmark (at `MaxPositionsPerAccount` positions: the fee
	/// paid, the cap and the ceiling checked, the tokens minted, the margin checked), the
	/// ceiling's reads of every other synthetic the chain may list (listing, state and
	/// price each; the benchmark's chain lists four), and, as for a withdrawal, the
	/// portfolio check under portfolio margin and expiry settlement when a series settles
	/// first.
	pub fn mint_synthetic_weight(mode: MarginMode, settles: bool) -> Weight {
		let positions = T::MaxPositionsPerAccount::get();
		let others = u64::from(T::MaxSynthetics::get().saturating_sub(1));
		let mut weight = T::WeightInfo::mint_synthetic(positions)
			.saturating_add(T::DbWeight::get().reads(3 * others));
		if mode == MarginMode::Portfolio {
			weight = weight.saturating_add(T::WeightInfo::portfolio_check(positions));
		}
		if settles {
			weight = weight.saturating_add(T::WeightInfo::settle_expired(positions));
		}
		weight
	}

	/// What a burn costs: its benchmark (the stability fee paid, the tokens burnt, the
	/// debt written).
	pub fn burn_synthetic_weight() -> Weight {
		T::WeightInfo::burn_synthetic()
	}

	/// What a redemption against `issuers` issuers costs: its benchmark (each issuer at
	/// `MaxPositionsPerAccount` cross positions, its health worked out to order them, its
	/// fee paid, its debt retired and its settlement balance paid to the redeemer's), and a
	/// portfolio check each, for issuers under portfolio margin.
	pub fn redeem_synthetic_weight(issuers: u32) -> Weight {
		let positions = T::MaxPositionsPerAccount::get();
		T::WeightInfo::redeem_synthetic(issuers).saturating_add(
			T::WeightInfo::portfolio_check(positions).saturating_mul(u64::from(issuers)),
		)
	}

	/// What keeping `balances` non-settlement balances' principals ([`CollateralPrincipals`],
	/// read and written beside each balance so that reports can tell interest accrued) adds
	/// to calls benchmarked before they were kept: a read and a write each.
	pub fn principal_weight(balances: u32) -> Weight {
		T::DbWeight::get().reads_writes(u64::from(balances), u64::from(balances))
	}

	/// The money market's checks a withdrawal or borrow adds to the benchmarked withdrawal:
	/// its market and indices read, its totals read and written, the borrowers' index read
	/// and written, the segregated holdings read and written and their total read and
	/// written.
	pub fn lending_check_weight() -> Weight {
		T::DbWeight::get().reads_writes(6, 4)
	}

	/// One money market's end-of-block accrual: its benchmark (indices and totals read and
	/// written, interest on its borrows, the reserve credited to the insurance fund, the
	/// next rate set).
	pub(crate) fn accrue_lending_weight() -> Weight {
		// The reserve credited to the fund moves its principal too.
		T::WeightInfo::accrue_lending().saturating_add(Self::principal_weight(1))
	}

	/// The weight a venue adds to a fill for `who`'s margin check beyond the one its own
	/// benchmark covers, which settles between accounts holding one position each (see
	/// [`crate::Clearing::margin_check_surcharge`]):
	/// - every further position the account holds after a trade in `market` (its positions,
	///   one more when it holds none in `market`, which the trade may open): one side's share
	///   of what the clearing house's `settle_trade` benchmark costs at that many positions
	///   beyond one;
	/// - under portfolio margin, the scan (the `portfolio_check` benchmark: one portfolio
	///   check of that many option positions).
	///
	/// Reading the mode and the positions is part of it, the first time a venue call (its
	/// working set) prices the account and market; later it is remembered, unread.
	pub fn margin_check_surcharge_weight(who: &T::AccountId, market: MarketId) -> Weight {
		Self::cached_surcharge(who, market, || {
			let positions = Positions::<T>::get(who);
			let opens = u32::from(!positions.contains_key(&market));
			let mode = Self::margin_mode(who);
			let priced = Self::scan_legs(who, mode, (positions.len() as u32).saturating_add(opens));
			Self::check_surcharge(mode, priced)
		})
		.unwrap_or_else(|priced_now| priced_now.saturating_add(Self::surcharge_pricing_reads()))
	}

	/// The reads that price a margin-check surcharge: the account's mode, positions and
	/// borrows.
	pub fn surcharge_pricing_reads() -> Weight {
		T::DbWeight::get().reads(3)
	}

	/// The legs a check of `who` in `mode` holding `positions` positions prices, at most
	/// `MaxPositionsPerAccount`: its positions and, under portfolio margin, each asset it
	/// owes (a borrow is a leg of the scan, see [`crate::portfolio`]). A borrow's leg is a
	/// perpetual's, cheaper than the option series each leg of the `portfolio_check`
	/// benchmark is, so the most an account can be charged stays the most positions'.
	pub(crate) fn scan_legs(who: &T::AccountId, mode: MarginMode, positions: u32) -> u32 {
		let borrows = match mode {
			MarginMode::Cross => 0,
			MarginMode::Portfolio => Borrowers::<T>::get(who).unwrap_or(0),
		};
		positions.saturating_add(borrows).min(T::MaxPositionsPerAccount::get())
	}

	/// What a margin check of an account in `mode` holding `positions` positions costs beyond
	/// the benchmarked one (see [`Self::margin_check_surcharge_weight`]), without pricing it.
	pub fn check_surcharge(mode: MarginMode, positions: u32) -> Weight {
		let checks = Self::more_positions_weight(positions);
		match mode {
			MarginMode::Cross => checks,
			MarginMode::Portfolio => {
				checks.saturating_add(T::WeightInfo::portfolio_check(positions))
			},
		}
	}

	/// One side's share of what settling between accounts holding `positions` positions each
	/// costs beyond settling between accounts holding one.
	fn more_positions_weight(positions: u32) -> Weight {
		let more =
			T::WeightInfo::settle_trade(positions).saturating_sub(T::WeightInfo::settle_trade(1));
		Weight::from_parts(more.ref_time() / 2, more.proof_size() / 2)
	}

	/// The most [`Self::margin_check_surcharge_weight`] can be: a portfolio check of the most
	/// positions an account holds.
	pub fn max_margin_check_surcharge_weight() -> Weight {
		let positions = T::MaxPositionsPerAccount::get();
		Self::surcharge_pricing_reads()
			.saturating_add(Self::more_positions_weight(positions))
			.saturating_add(T::WeightInfo::portfolio_check(positions))
	}
}
