//! # Permissioned pools
//!
//! A pool is an allow-list of accounts beside the open markets. Root (the listing origin)
//! creates one and names who administers its membership ([`PoolAdmin`]): an account (a
//! multisig's, so that several officers approve each admission) or the risk origin (a
//! referendum on the `risk_parameters` track). Root always may administer it too.
//!
//! - **Restricted markets.** The listing origin restricts a market to a pool
//!   ([`set_market_pool`](crate::Pallet::set_market_pool)), or opens it again. In a restricted
//!   market only the pool's members add risk: every trade that opens or increases a
//!   non-member's position fails with [`Error::NotPoolMember`] (as the maker's fault when
//!   the maker is the non-member, so the book cancels that order and goes on), and so does
//!   committing a resting order. A removed member, or an account that held a position before
//!   the market was restricted, may only reduce it (reduce-only orders commit nothing).
//!   Liquidation, expiry settlement and auto-deleveraging are not trades between
//!   accounts and never wait for a membership.
//! - **One collateral account.** Members trade open and restricted markets from the same
//!   collateral account, margined together in their mode (cross or portfolio): a hedge in
//!   an open market nets against its offset in a restricted one. That is the link between
//!   permissioned and permissionless liquidity: no second silo of collateral.
//! - **The pool's insurance fund.** A pool may have its own fund, an account derived from
//!   the pallet's id and the pool's, funded by anyone from their settlement balance
//!   ([`fund_pool_insurance`](crate::Pallet::fund_pool_insurance), a default-fund
//!   contribution: it never comes back). A bad debt from the pool's restricted markets is
//!   paid from it first, up to its balance, and only the rest by the chain's insurance fund:
//!   an isolated position's debt wholly when its market is restricted; a cross account's
//!   debt in proportion to the value its liquidation closed in each pool's markets (the
//!   rest, closed in open markets, is the chain fund's). Liquidated positions still pass to
//!   the chain's fund, which holds every market, and liquidation penalties are paid to it.
//!
//! A pool's fund never goes below zero: it pays at most what it holds.

use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::EnsureOrigin};
use frame_system::pallet_prelude::*;
use sp_runtime::traits::AccountIdConversion;

use crate::{pallet::*, MarketId, PoolAdmin, PoolId, PoolInfo, PoolReport};

/// The most pools the chain has.
pub const MAX_POOLS: u32 = 64;

impl<T: Config> Pallet<T> {
	/// The account of `pool`'s insurance fund (whether or not the pool has one).
	pub fn pool_insurance_account(pool: PoolId) -> T::AccountId {
		T::PalletId::get().into_sub_account_truncating((*b"pool", pool))
	}

	/// Whether `who` is a member of `pool`.
	pub(crate) fn is_member_of(pool: PoolId, who: &T::AccountId) -> bool {
		PoolMembers::<T>::contains_key(pool, who)
	}

	/// Creates a pool administered by `admin`, with its own insurance fund when
	/// `insurance_fund`.
	pub(crate) fn do_create_pool(
		admin: PoolAdmin<T::AccountId>,
		insurance_fund: bool,
	) -> DispatchResult {
		let pool = NextPoolId::<T>::get();
		ensure!(pool < MAX_POOLS, Error::<T>::TooManyPools);
		let insurance_fund = insurance_fund.then(|| Self::pool_insurance_account(pool));
		Pools::<T>::insert(
			pool,
			PoolInfo {
				admin: admin.clone(),
				members: 0,
				restricted_markets: 0,
				insurance_fund: insurance_fund.clone(),
			},
		);
		NextPoolId::<T>::put(pool.saturating_add(1));
		Self::deposit_event(Event::PoolCreated { pool, admin, insurance_fund });
		Ok(())
	}

	/// Fails with [`Error::NotPoolAdmin`] unless `origin` is Root or `pool`'s administrator
	/// ([`Error::UnknownPool`] when there is no such pool).
	pub(crate) fn ensure_pool_admin(origin: OriginFor<T>, pool: PoolId) -> DispatchResult {
		let info = Pools::<T>::get(pool).ok_or(Error::<T>::UnknownPool)?;
		if ensure_root(origin.clone()).is_ok() {
			return Ok(());
		}
		match info.admin {
			PoolAdmin::Account(admin) => {
				let who = ensure_signed(origin).map_err(|_| Error::<T>::NotPoolAdmin)?;
				ensure!(who == admin, Error::<T>::NotPoolAdmin);
			},
			PoolAdmin::RiskOrigin => {
				T::RiskOrigin::ensure_origin(origin).map_err(|_| Error::<T>::NotPoolAdmin)?;
			},
		}
		Ok(())
	}

	/// Hands `pool`'s administration to `admin`.
	pub(crate) fn do_set_pool_admin(
		pool: PoolId,
		admin: PoolAdmin<T::AccountId>,
	) -> DispatchResult {
		Pools::<T>::try_mutate(pool, |info| -> DispatchResult {
			let info = info.as_mut().ok_or(Error::<T>::UnknownPool)?;
			info.admin = admin.clone();
			Ok(())
		})?;
		Self::deposit_event(Event::PoolAdminChanged { pool, admin });
		Ok(())
	}

	/// Adds `who` to `pool`.
	pub(crate) fn do_add_pool_member(pool: PoolId, who: T::AccountId) -> DispatchResult {
		ensure!(!Self::is_member_of(pool, &who), Error::<T>::AlreadyPoolMember);
		Pools::<T>::try_mutate(pool, |info| -> DispatchResult {
			let info = info.as_mut().ok_or(Error::<T>::UnknownPool)?;
			info.members = info.members.checked_add(1).ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		PoolMembers::<T>::insert(pool, &who, ());
		Self::deposit_event(Event::PoolMemberAdded { pool, who });
		Ok(())
	}

	/// Removes `who` from `pool`: its positions in the pool's markets stay, to be reduced.
	pub(crate) fn do_remove_pool_member(pool: PoolId, who: T::AccountId) -> DispatchResult {
		ensure!(Self::is_member_of(pool, &who), Error::<T>::NotPoolMember);
		Pools::<T>::try_mutate(pool, |info| -> DispatchResult {
			let info = info.as_mut().ok_or(Error::<T>::UnknownPool)?;
			info.members = info.members.saturating_sub(1);
			Ok(())
		})?;
		PoolMembers::<T>::remove(pool, &who);
		Self::deposit_event(Event::PoolMemberRemoved { pool, who });
		Ok(())
	}

	/// Restricts `market` to `pool`, or opens it to all (`None`).
	pub(crate) fn do_set_market_pool(market: MarketId, pool: Option<PoolId>) -> DispatchResult {
		ensure!(Markets::<T>::contains_key(market), Error::<T>::UnknownMarket);
		let before = MarketPools::<T>::get(market);
		ensure!(before != pool, Error::<T>::MarketPoolUnchanged);
		if let Some(pool) = pool {
			Pools::<T>::try_mutate(pool, |info| -> DispatchResult {
				let info = info.as_mut().ok_or(Error::<T>::UnknownPool)?;
				info.restricted_markets =
					info.restricted_markets.checked_add(1).ok_or(Error::<T>::Overflow)?;
				Ok(())
			})?;
		}
		if let Some(before) = before {
			Pools::<T>::mutate(before, |info| {
				if let Some(info) = info.as_mut() {
					info.restricted_markets = info.restricted_markets.saturating_sub(1);
				}
			});
		}
		match pool {
			Some(pool) => MarketPools::<T>::insert(market, pool),
			None => MarketPools::<T>::remove(market),
		}
		Self::forget_market_pool(market);
		Self::deposit_event(Event::MarketPoolSet { market, pool });
		Ok(())
	}

	/// Pays `amount` settlement units from `who`'s settlement balance into `pool`'s insurance
	/// fund. The balance must cover it (no borrowing into a contribution) and the account
	/// must stay at or above its initial requirement at fresh prices.
	pub(crate) fn do_fund_pool_insurance(
		who: &T::AccountId,
		pool: PoolId,
		amount: u128,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let info = Pools::<T>::get(pool).ok_or(Error::<T>::UnknownPool)?;
		let fund = info.insurance_fund.ok_or(Error::<T>::NoPoolInsuranceFund)?;
		let signed = i128::try_from(amount).map_err(|_| Error::<T>::Overflow)?;
		Self::debit(who, T::SettlementAsset::get(), amount, false)?;
		Self::ensure_cross_initial_margin(who, Error::<T>::BelowInitialMargin)?;
		Self::add_to_settlement_balance(&fund, signed)?;
		Self::note_touched(who);
		Self::deposit_event(Event::PoolInsuranceFunded { pool, who: who.clone(), amount });
		Ok(())
	}

	/// Pays, from the insurance funds of the pools whose restricted markets a bad debt of
	/// `debt` settlement units arose in, each its share up to its balance (see the module
	/// docs); returns what they paid together, which the chain's fund then does not.
	/// `market`: the isolated position's market, or `None` for a cross account, whose shares
	/// follow what its liquidation closed in each pool's markets in this call.
	pub(crate) fn pay_bad_debt_from_pools(
		who: &T::AccountId,
		market: Option<MarketId>,
		debt: u128,
	) -> Result<u128, DispatchError> {
		let shares: Vec<(PoolId, u128)> = match market {
			Some(market) => {
				Self::market_pool(market).map(|pool| (pool, debt)).into_iter().collect()
			},
			None => {
				let closes = Self::closes_in_working_set(who);
				let total = closes.iter().fold(0u128, |sum, (_, value)| sum.saturating_add(*value));
				closes
					.into_iter()
					.filter_map(|(pool, value)| Some((pool?, value)))
					.filter_map(|(pool, value)| {
						risk_engine::types::mul_div(
							debt,
							value,
							total,
							sp_arithmetic::Rounding::Down,
						)
						.ok()
						.map(|share| (pool, share))
					})
					.collect()
			},
		};
		let mut paid_by_pools: u128 = 0;
		for (pool, share) in shares {
			let Some(fund) = Pools::<T>::get(pool).and_then(|info| info.insurance_fund) else {
				continue;
			};
			let available = Self::settlement_balance(&fund).max(0).unsigned_abs();
			let paid = share.min(available).min(debt.saturating_sub(paid_by_pools));
			if paid == 0 {
				continue;
			}
			let signed = i128::try_from(paid).map_err(|_| Error::<T>::Overflow)?;
			Self::add_to_settlement_balance(&fund, -signed)?;
			paid_by_pools = paid_by_pools.saturating_add(paid);
			Self::deposit_event(Event::PoolBadDebtCovered { pool, who: who.clone(), market, paid });
		}
		Ok(paid_by_pools)
	}

	/// Every pool: its administrator, members, restricted markets and insurance fund.
	pub fn pools() -> Vec<PoolReport<T::AccountId>> {
		let restricted: Vec<(MarketId, PoolId)> = MarketPools::<T>::iter().collect();
		let mut reports: Vec<PoolReport<T::AccountId>> = Pools::<T>::iter()
			.map(|(pool, info)| {
				let mut restricted_markets: Vec<MarketId> = restricted
					.iter()
					.filter(|(_, of)| *of == pool)
					.map(|(market, _)| *market)
					.collect();
				restricted_markets.sort_unstable();
				PoolReport {
					pool,
					admin: info.admin,
					members: PoolMembers::<T>::iter_key_prefix(pool).collect(),
					restricted_markets,
					insurance_balance: info
						.insurance_fund
						.as_ref()
						.map_or(0, |fund| Self::settlement_balance(fund)),
					insurance_fund: info.insurance_fund,
				}
			})
			.collect();
		reports.sort_by_key(|report| report.pool);
		reports
	}
}
