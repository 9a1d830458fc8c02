//! The money market inside the collateral pool: collateral that earns while it margins.
//!
//! Every listed collateral asset is also a lending market ([`LendingMarkets`]). An account's
//! balance of an asset (see [`crate::ledger`]) is a scaled supply, which earns, or a scaled
//! borrow, which pays; the pool lends what suppliers deposited to borrowers, and a supply
//! still counts as margin at its haircut while it is lent out.
//!
//! ## Interest
//! - **Rates.** The borrow rate follows utilisation (borrowed over lendable supply) along
//!   the market's kinked curve ([`risk_engine::money_market::borrow_rate`]); suppliers earn
//!   what borrowers pay less the reserve factor's share, which goes to the insurance fund.
//! - **When it accrues: once a block, for every market, at the end of the block**
//!   (`on_finalize`), never lazily on touch. The time since the last accrual is charged at
//!   the rate set then, the rate that held over it; then the next rate is set from the
//!   utilisation the block's transactions left. So every transaction of a block converts
//!   at the same indices, those the off-chain worker and transaction validation also used,
//!   and no call pays an index write. A borrow taken in a block pays from that block's
//!   end; a repayment in a block skips it: the same for everyone, and value is conserved.
//! - **Exactness.** Interest is the growth of the borrowers' exact debt, counted in whole
//!   units (the fraction carried to the next accrual); `interest = supplier interest +
//!   reserve` to the unit at every accrual ([`Event::InterestAccrued`]); the reserve is
//!   credited to the insurance fund as supply, its fraction carried too. The counters in
//!   [`LendingTotals`] keep the sums since the market opened.
//!
//! The settlement asset is a market like the others: a negative settlement balance (a
//! loss, a fee, funding) is a borrow of it at its rate, and winners' balances are its
//! supply.
//!
//! ## Withdrawals, and what can leave in one block
//! A withdrawal of a supply, like a borrow, must leave what is borrowed within the market's
//! utilisation cap `c`: at utilisation `U`, at most `1 - U / c` of the supply can leave
//! before repayments or new supply arrive (at `c` = 90%, all of it from an idle market, a
//! ninth of it at 80%), and none once `U` reaches `c`. Above the kink the rate climbs
//! steeply, which draws the repayments that free the rest. Liquidations never wait: they
//! move balances inside the pool ([`crate::borrow_liquidation`]), no token leaves.
//!
//! ## Segregated collateral
//! An account may keep a non-settlement asset out of the market
//! ([`Pallet::set_segregated`], see [`crate::ledger`]): its tokens are held apart, earn
//! nothing and are never lent; the pool's tokens always cover every holding
//! ([`SegregatedTotals`]), so their withdrawal needs no utilisation headroom at all. Opting
//! out takes the supply out of the market as a withdrawal would, within the same caps.
//! The settlement asset cannot be segregated: the settlement balance is the running account
//! every fill, fee and funding payment settles in.

use frame_support::{
	pallet_prelude::*,
	traits::{fungibles::Mutate, tokens::Preservation},
	BoundedVec,
};
use risk_engine::money_market::{self, Indices};
use sp_arithmetic::{
	traits::{Saturating, Zero},
	FixedPointNumber, FixedU128,
};

use crate::{pallet::*, LendingConfig};

impl<T: Config> Pallet<T> {
	/// Opens `asset`'s money market when it is listed: `config`, else (on a first listing)
	/// the default, and fresh indices. A re-listing keeps the market as it is unless a
	/// config is given.
	pub(crate) fn open_lending_market(
		asset: T::AssetId,
		config: Option<LendingConfig>,
	) -> DispatchResult {
		let config = match config {
			Some(config) => config,
			None if LendingMarkets::<T>::contains_key(asset) => return Ok(()),
			None if asset == T::SettlementAsset::get() => LendingConfig::settlement_default(),
			None => LendingConfig::listing_default(),
		};
		config.validate().map_err(Error::<T>::from)?;
		LendingMarkets::<T>::insert(asset, config);
		if !LendingIndices::<T>::contains_key(asset) {
			LendingIndices::<T>::insert(asset, Indices::new());
		}
		Self::forget_working_set();
		Ok(())
	}

	/// Borrows `amount` of `asset` for `who` and pays it out (see [`Pallet::borrow`]):
	/// a debit past the account's supply, within the asset's caps and the pool's free
	/// tokens, leaving the account at or above initial margin at fresh prices. Returns
	/// how many expired option positions settled first.
	pub(crate) fn do_borrow(
		who: &T::AccountId,
		asset: T::AssetId,
		amount: u128,
	) -> Result<u32, DispatchError> {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		ensure!(CollateralAssets::<T>::contains_key(asset), Error::<T>::UnknownCollateral);
		let config = Self::lending_config(asset).ok_or(Error::<T>::UnknownCollateral)?;
		ensure!(config.borrow_cap > 0, Error::<T>::BorrowingDisabled);
		ensure!(
			asset != T::SettlementAsset::get() || !Self::lending_setup_running(),
			Error::<T>::LendingNotReady
		);
		let (settled, change) = Self::pay_out(who, asset, amount, true)?;
		Self::deposit_event(Event::Borrowed {
			who: who.clone(),
			asset,
			amount,
			borrowed: change.opened,
		});
		Ok(settled)
	}

	/// Repays up to `amount` of what `who` owes of `asset` from its own tokens (see
	/// [`Pallet::repay`]); returns what was repaid.
	pub(crate) fn do_repay(
		who: &T::AccountId,
		asset: T::AssetId,
		amount: u128,
	) -> Result<u128, DispatchError> {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		ensure!(CollateralAssets::<T>::contains_key(asset), Error::<T>::UnknownCollateral);
		let owed = Self::balance_of(who, asset).min(0).unsigned_abs();
		ensure!(owed > 0, Error::<T>::NothingToRepay);
		let repaid = amount.min(owed);
		Self::credit(who, asset, repaid)?;
		TotalDeposits::<T>::try_mutate(asset, |cash| -> DispatchResult {
			*cash = cash.checked_add(repaid).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		T::Assets::transfer(asset, who, &Self::account_id(), repaid, Preservation::Expendable)?;
		Self::deposit_event(Event::Repaid { who: who.clone(), asset, amount: repaid });
		Ok(repaid)
	}

	/// Opts `who`'s balance of `asset` out of lending or back in (see
	/// [`Pallet::set_segregated`]). Returns the tokens that moved between the market and
	/// the holding.
	pub(crate) fn do_set_segregated(
		who: &T::AccountId,
		asset: T::AssetId,
		segregated: bool,
	) -> Result<u128, DispatchError> {
		ensure!(CollateralAssets::<T>::contains_key(asset), Error::<T>::UnknownCollateral);
		ensure!(asset != T::SettlementAsset::get(), Error::<T>::SettlementNotSegregable);
		let held = Self::segregated_of(who, asset);
		ensure!(held.is_some() != segregated, Error::<T>::SegregationUnchanged);
		let old = Self::scaled_balance(who, asset);
		let moved = match held {
			None => {
				let out = money_market::segregate(old, &Self::lending_indices(asset))
					.map_err(Error::<T>::from)?;
				Self::set_scaled_balance(who, asset, old, out.change.balance)?;
				SegregatedBalances::<T>::try_mutate(who, |holdings| -> DispatchResult {
					holdings
						.try_insert(asset, 0)
						.map_err(|_| Error::<T>::TooManyCollateralAssets)?;
					Ok(())
				})?;
				// The holding's write below skips an empty one: forget the kept copy here.
				Self::forget_account(who);
				Self::set_segregated_held(who, asset, 0, out.held)?;
				if out.held > 0 {
					// The supply leaves the market as a withdrawal would: within its caps.
					Self::ensure_pool_can_pay(asset, 0, out.held, false)?;
				}
				out.held
			},
			Some(held) => {
				Self::set_segregated_held(who, asset, held, 0)?;
				SegregatedBalances::<T>::mutate_exists(who, |holdings| {
					if let Some(map) = holdings.as_mut() {
						map.remove(&asset);
						if map.is_empty() {
							*holdings = None;
						}
					}
				});
				Self::forget_account(who);
				Self::credit(who, asset, held)?;
				held
			},
		};
		Self::note_touched(who);
		Self::deposit_event(Event::SegregationSet {
			who: who.clone(),
			asset,
			segregated,
			amount: moved,
		});
		Ok(moved)
	}

	/// Checks that `amount` tokens of `asset` may leave the pool after the debit that
	/// frees them, `from_market` of them out of a supply or a borrow (the rest out of a
	/// segregated holding): the pool holds the tokens and still covers every segregated
	/// holding after them; and when any leave the market, what is borrowed stays within the
	/// borrow cap (when `borrows`) and the utilisation cap. While the settlement market is
	/// set up, its totals are incomplete and only its tokens are checked.
	pub(crate) fn ensure_pool_can_pay(
		asset: T::AssetId,
		amount: u128,
		from_market: u128,
		borrows: bool,
	) -> DispatchResult {
		let cash = TotalDeposits::<T>::get(asset);
		ensure!(cash >= amount, Error::<T>::InsufficientLiquidity);
		// The tokens lent out never come out of segregated holdings.
		ensure!(
			cash - amount >= SegregatedTotals::<T>::get(asset),
			Error::<T>::InsufficientLiquidity
		);
		if from_market == 0 && !borrows {
			return Ok(());
		}
		if asset == T::SettlementAsset::get() && Self::lending_setup_running() {
			return Ok(());
		}
		let Some(config) = Self::lending_config(asset) else { return Ok(()) };
		let indices = Self::lending_indices(asset);
		let totals = LendingTotals::<T>::get(asset);
		let borrowed =
			money_market::borrow_value(totals.scaled_borrow, &indices).map_err(Error::<T>::from)?;
		if borrows {
			ensure!(borrowed <= config.borrow_cap, Error::<T>::BorrowCapExceeded);
		}
		if borrowed > 0 {
			let supplied = money_market::supply_value(totals.scaled_supply, &indices)
				.map_err(Error::<T>::from)?;
			money_market::check_utilisation(borrowed, supplied, config.utilisation_cap)
				.map_err(Error::<T>::from)?;
		}
		Ok(())
	}

	/// Accrues every money market over the time since its last accrual, credits each
	/// reserve to the insurance fund and sets each next rate (see the module docs). A market
	/// whose accrual overflows is left as it was, and logged.
	pub(crate) fn accrue_all_lending() {
		let now = Self::now();
		let setting_up = LendingSetup::<T>::exists();
		for (asset, config) in LendingMarkets::<T>::iter() {
			if setting_up && asset == T::SettlementAsset::get() {
				// Its totals are still being counted: nothing to charge interest on yet.
				continue;
			}
			if let Err(error) = Self::accrue_lending(asset, &config, now) {
				log::error!(
					target: "clearing",
					"interest accrual of asset {:?} failed and is skipped: {:?}",
					asset,
					error,
				);
			}
		}
	}

	/// One market's accrual, in a storage layer: all of it or nothing.
	pub(crate) fn accrue_lending(
		asset: T::AssetId,
		config: &LendingConfig,
		now: u64,
	) -> DispatchResult {
		frame_support::storage::with_storage_layer(|| {
			let indices = LendingIndices::<T>::get(asset);
			let totals = LendingTotals::<T>::get(asset);
			let accrual = money_market::accrue(
				&indices,
				totals.scaled_supply,
				totals.scaled_borrow,
				now,
				config.reserve_factor,
			)
			.map_err(Error::<T>::from)?;
			let mut next = accrual.indices;
			LendingIndices::<T>::insert(asset, next);
			if accrual.reserve_scaled > 0 {
				Self::credit_reserve(asset, accrual.reserve_scaled, &next)?;
			}
			let mut totals = LendingTotals::<T>::get(asset);
			totals.interest = totals.interest.saturating_add(accrual.interest);
			totals.supplier_interest =
				totals.supplier_interest.saturating_add(accrual.supplier_interest);
			totals.reserve = totals.reserve.saturating_add(accrual.reserve);
			LendingTotals::<T>::insert(asset, totals);
			let supplied = money_market::supply_value(totals.scaled_supply, &next)
				.map_err(Error::<T>::from)?;
			let borrowed = money_market::borrow_value(totals.scaled_borrow, &next)
				.map_err(Error::<T>::from)?;
			let utilisation = money_market::utilisation(borrowed, supplied);
			next.borrow_rate =
				money_market::borrow_rate(config.base_rate, &config.rate_segments, utilisation)
					.map_err(Error::<T>::from)?;
			LendingIndices::<T>::insert(asset, next);
			if accrual.interest > 0 {
				Self::deposit_event(Event::InterestAccrued {
					asset,
					interest: accrual.interest,
					supplier_interest: accrual.supplier_interest,
					reserve: accrual.reserve,
					supply_index: next.supply,
					borrow_index: next.borrow,
					utilisation,
					borrow_rate: next.borrow_rate,
				});
			}
			Ok(())
		})
	}

	/// Credits the reserve's scaled supply to the insurance fund: scaled units onto a supply
	/// (exact), or, should the fund owe the asset, their worth against the borrow.
	fn credit_reserve(asset: T::AssetId, scaled: u128, indices: &Indices) -> DispatchResult {
		let fund = T::InsuranceAccount::get();
		let held = Self::scaled_balance(&fund, asset);
		if held >= 0 {
			let scaled = i128::try_from(scaled).map_err(|_| Error::<T>::Overflow)?;
			let sum = held.checked_add(scaled).ok_or(Error::<T>::Overflow)?;
			// Through the ledger's write, so the totals and the fund's bands follow.
			Self::set_scaled_balance(&fund, asset, held, sum)
		} else {
			let value = money_market::supply_value(scaled, indices).map_err(Error::<T>::from)?;
			Self::credit(&fund, asset, value).map(|_| ())
		}
	}

	/// Carries the settlement market's set-up pass on with at most `budget` of weight
	/// (see [`crate::migrations::v4`]). Returns the weight used.
	pub(crate) fn continue_lending_setup(budget: Weight) -> Weight {
		if !LendingSetup::<T>::exists() {
			return Weight::zero();
		}
		let db = T::DbWeight::get();
		// The cursor and the totals, read and written once.
		let fixed = db.reads_writes(2, 2);
		// A balance read, the account's other balances read, its borrower entry written.
		let per_balance = db.reads_writes(2, 1);
		let Some(limit) = Self::items_within(budget, fixed, per_balance) else {
			return Weight::zero();
		};
		let counted = Self::lending_setup_slice(limit);
		fixed.saturating_add(per_balance.saturating_mul(u64::from(counted)))
	}

	/// How many items of `per_item` fit in `budget` beside `fixed` (by time); `None` when
	/// not one does.
	fn items_within(budget: Weight, fixed: Weight, per_item: Weight) -> Option<u32> {
		let room = budget.checked_sub(&fixed)?;
		let limit = match per_item.ref_time() {
			0 => u32::MAX,
			each => (room.ref_time() / each).min(u64::from(u32::MAX)) as u32,
		};
		(limit > 0).then_some(limit)
	}

	/// Carries the principal pass ([`PrincipalSetup`]) as far as `budget` allows; returns
	/// the weight used.
	pub(crate) fn continue_principal_setup(budget: Weight) -> Weight {
		if !PrincipalSetup::<T>::exists() {
			return Weight::zero();
		}
		let db = T::DbWeight::get();
		// The cursor, read and written once.
		let fixed = db.reads_writes(1, 1);
		// An entry read, with its principals and indices, and written.
		let per_entry = db.reads_writes(3, 1);
		let Some(limit) = Self::items_within(budget, fixed, per_entry) else {
			return Weight::zero();
		};
		let done = Self::principal_setup_slice(limit);
		fixed.saturating_add(per_entry.saturating_mul(u64::from(done)))
	}

	/// Gives up to `limit` entries after the pass's cursor the principals they lack: a
	/// settlement balance, or each of an account's other balances, starts at what it is
	/// worth now (interest is tracked from here). Moves from the settlement balances to the
	/// others, and ends after the last. Returns how many entries it did.
	pub(crate) fn principal_setup_slice(limit: u32) -> u32 {
		let Some((phase, cursor)) = PrincipalSetup::<T>::get() else { return 0 };
		let settlement = T::SettlementAsset::get();
		let mut done = 0;
		let mut last = None;
		if phase == 0 {
			let mut entries = if cursor.is_empty() {
				SettlementBalances::<T>::iter()
			} else {
				SettlementBalances::<T>::iter_from(cursor.to_vec())
			};
			while done < limit {
				let Some((who, record)) = entries.next() else {
					PrincipalSetup::<T>::put((1, BoundedVec::new()));
					return done.saturating_add(Self::principal_setup_slice(limit - done));
				};
				done += 1;
				if record.principal.is_none() {
					let principal = Self::nominal_of(settlement, record.scaled);
					SettlementBalances::<T>::insert(
						&who,
						crate::SettlementRecord {
							scaled: record.scaled,
							principal: Some(principal),
						},
					);
				}
				last = Some(SettlementBalances::<T>::hashed_key_for(&who));
			}
		} else {
			let mut entries = if cursor.is_empty() {
				CollateralBalances::<T>::iter()
			} else {
				CollateralBalances::<T>::iter_from(cursor.to_vec())
			};
			while done < limit {
				let Some((who, balances)) = entries.next() else {
					PrincipalSetup::<T>::kill();
					return done;
				};
				done += 1;
				let mut principals = CollateralPrincipals::<T>::get(&who);
				let before = principals.len();
				for (asset, scaled) in balances {
					if !principals.contains_key(&asset) {
						// As many entries as balances, which the same bound holds.
						let _ = principals.try_insert(asset, Self::nominal_of(asset, scaled));
					}
				}
				if principals.len() != before {
					CollateralPrincipals::<T>::insert(&who, principals);
				}
				last = Some(CollateralBalances::<T>::hashed_key_for(&who));
			}
		}
		if let Some(key) = last {
			PrincipalSetup::<T>::put((phase, BoundedVec::truncate_from(key)));
		}
		done
	}

	/// Counts up to `limit` settlement balances after the pass's cursor into the settlement
	/// market's totals, and works each one's account's entry in [`Borrowers`] out afresh;
	/// ends the pass after the last. Returns how many it counted.
	pub(crate) fn lending_setup_slice(limit: u32) -> u32 {
		let Some(cursor) = LendingSetup::<T>::get() else { return 0 };
		let settlement = T::SettlementAsset::get();
		let fund = T::InsuranceAccount::get();
		let mut totals = LendingTotals::<T>::get(settlement);
		let mut balances = if cursor.is_empty() {
			SettlementBalances::<T>::iter()
		} else {
			SettlementBalances::<T>::iter_from(cursor.to_vec())
		};
		let mut counted = 0;
		let mut last = None;
		let mut finished = false;
		while counted < limit {
			let Some((who, crate::SettlementRecord { scaled, .. })) = balances.next() else {
				finished = true;
				break;
			};
			counted += 1;
			if scaled >= 0 {
				totals.scaled_supply = totals.scaled_supply.saturating_add(scaled.unsigned_abs());
			} else {
				totals.scaled_borrow = totals.scaled_borrow.saturating_add(scaled.unsigned_abs());
			}
			if who != fund {
				let owed = u32::from(scaled < 0)
					+ CollateralBalances::<T>::get(&who).values().filter(|b| **b < 0).count()
						as u32;
				match owed {
					0 => Borrowers::<T>::remove(&who),
					owed => Borrowers::<T>::insert(&who, owed),
				}
			}
			last = Some(SettlementBalances::<T>::hashed_key_for(&who));
		}
		LendingTotals::<T>::insert(settlement, totals);
		match (finished, last) {
			(true, _) => LendingSetup::<T>::kill(),
			(false, Some(key)) => LendingSetup::<T>::put(BoundedVec::truncate_from(key)),
			(false, None) => {},
		}
		counted
	}

	/// Whether the settlement market's set-up pass is still running.
	pub fn lending_setup_running() -> bool {
		LendingSetup::<T>::exists()
	}

	/// Every asset's money market as it stands (see [`crate::MoneyMarketReport`]).
	pub fn money_market() -> alloc::vec::Vec<crate::MoneyMarketReport<T::AssetId>> {
		LendingMarkets::<T>::iter()
			.map(|(asset, config)| {
				let totals = LendingTotals::<T>::get(asset);
				let MarketState { indices, supplied, borrowed, utilisation, supply_rate } =
					Self::market_state(asset, &config);
				crate::MoneyMarketReport {
					asset,
					supplied,
					borrowed,
					cash: TotalDeposits::<T>::get(asset),
					segregated: SegregatedTotals::<T>::get(asset),
					utilisation,
					borrow_rate: indices.borrow_rate,
					supply_rate,
					borrow_apy: money_market::annual_yield(indices.borrow_rate).unwrap_or_default(),
					supply_apy: money_market::annual_yield(supply_rate).unwrap_or_default(),
					supply_index: indices.supply,
					borrow_index: indices.borrow,
					config,
					interest: totals.interest,
					supplier_interest: totals.supplier_interest,
					reserve: totals.reserve,
					last_accrual_ms: indices.last_accrual_ms,
				}
			})
			.collect()
	}

	/// `asset`'s market as it stands: its indices, what suppliers are owed and borrowers
	/// owe, the utilisation and the supply rate in force (figures that overflow saturate).
	pub(crate) fn market_state(asset: T::AssetId, config: &LendingConfig) -> MarketState {
		let indices = Self::lending_indices(asset);
		let totals = LendingTotals::<T>::get(asset);
		let supplied =
			money_market::supply_value(totals.scaled_supply, &indices).unwrap_or(u128::MAX);
		let borrowed =
			money_market::borrow_value(totals.scaled_borrow, &indices).unwrap_or(u128::MAX);
		let utilisation = money_market::utilisation(borrowed, supplied);
		let supply_rate =
			money_market::supply_rate(indices.borrow_rate, utilisation, config.reserve_factor)
				.unwrap_or_default();
		MarketState { indices, supplied, borrowed, utilisation, supply_rate }
	}

	/// `who`'s stake in every money market it supplies, holds segregated or owes, the
	/// settlement asset first (see [`crate::LendingLine`]).
	pub fn lending_lines(who: &T::AccountId) -> alloc::vec::Vec<crate::LendingLine<T::AssetId>> {
		let settlement = T::SettlementAsset::get();
		let mut balances = alloc::vec![(settlement, Self::settlement_balance(who), 0u128)];
		for (asset, scaled) in Self::collateral_balances(who) {
			balances.push((asset, Self::nominal_of(asset, scaled), 0));
		}
		for (asset, held) in Self::segregated_balances(who) {
			match balances.iter_mut().find(|(listed, _, _)| *listed == asset) {
				Some(line) => line.2 = held,
				None => balances.push((asset, 0, held)),
			}
		}
		let day = FixedU128::saturating_from_rational(1u32, 365u32);
		balances
			.into_iter()
			.filter(|(_, balance, held)| *balance != 0 || *held != 0)
			.map(|(asset, balance, held)| {
				let (supply_rate, borrow_rate) = match Self::lending_config(asset) {
					Some(config) => {
						let state = Self::market_state(asset, &config);
						(state.supply_rate, state.indices.borrow_rate)
					},
					None => (FixedU128::zero(), FixedU128::zero()),
				};
				let supplied = balance.max(0).unsigned_abs();
				let borrowed = balance.min(0).unsigned_abs();
				let earned = supply_rate.saturating_mul(day).saturating_mul_int(supplied);
				let paid = borrow_rate.saturating_mul(day).saturating_mul_int(borrowed);
				crate::LendingLine {
					asset,
					supplied,
					segregated: held,
					borrowed,
					supply_apy: money_market::annual_yield(supply_rate).unwrap_or_default(),
					borrow_apy: money_market::annual_yield(borrow_rate).unwrap_or_default(),
					interest_per_day: i128::try_from(earned)
						.unwrap_or(i128::MAX)
						.saturating_sub(i128::try_from(paid).unwrap_or(i128::MAX)),
					interest_accrued: Self::interest_accrued(who, asset),
				}
			})
			.collect()
	}

	/// The indices `asset`'s conversions use in this block, read once per working set.
	pub(crate) fn lending_indices(asset: T::AssetId) -> Indices {
		Self::lending_view(asset).map(|(_, indices)| indices).unwrap_or_default()
	}

	/// `asset`'s money market, read once per working set.
	pub(crate) fn lending_config(asset: T::AssetId) -> Option<LendingConfig> {
		Self::lending_view(asset).map(|(config, _)| config)
	}

	/// How a negative settlement balance counts against margin: the settlement asset's
	/// liability weights.
	pub(crate) fn settlement_weights() -> risk_engine::LiabilityWeights {
		Self::lending_config(T::SettlementAsset::get())
			.map(|config| config.liability_weights)
			.unwrap_or_else(|| LendingConfig::settlement_default().liability_weights)
	}
}

/// A money market's figures as they stand (see [`Pallet::market_state`]).
pub(crate) struct MarketState {
	/// The indices in force.
	pub indices: Indices,
	/// Tokens suppliers are owed.
	pub supplied: u128,
	/// Tokens borrowers owe.
	pub borrowed: u128,
	/// Borrowed over supplied.
	pub utilisation: sp_arithmetic::Perbill,
	/// What suppliers earn a year (simple), after the reserve.
	pub supply_rate: sp_arithmetic::FixedU128,
}
