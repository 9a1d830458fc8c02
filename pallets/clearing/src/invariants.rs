//! The clearing house's invariants, as code: [`Pallet::do_try_state`] checks them after every
//! pallet test (through the mock's checked externalities), after every block of the random
//! campaign, and from the `try_state` hook under the `try-runtime` feature.
//!
//! ## The invariants
//! 1. **Tokens cover the ledger, asset by asset.** For every collateral asset, the pallet's
//!    token balance is at least its cash ([`TotalDeposits`]); each money market's scaled
//!    totals ([`LendingTotals`]) are the sums of the supplies and borrows booked
//!    ([`CollateralBalances`], [`SettlementBalances`], the insurance fund's included), and
//!    its interest counters add up (`interest = supplier interest + reserve`); for every
//!    asset other than the settlement asset, cash plus what borrowers owe covers what
//!    suppliers are owed and every segregated holding
//!    (`cash + ceil(borrow x index) >= floor(supply x index) + segregated`), and cash alone
//!    covers the segregated holdings; [`SegregatedTotals`] is the sum of the holdings
//!    ([`SegregatedBalances`]), which are never of the settlement asset, nor beside a supply,
//!    nor (when not empty) beside a borrow;
//!    [`Borrowers`] is exactly the accounts that owe something (the fund aside), with how
//!    many assets and synthetics each owes; no zero balance is stored.
//! 2. **The settlement asset is solvent.** Its cash (what was deposited less what was
//!    withdrawn) is at least every claim on it: what suppliers are owed less what
//!    borrowers owe (fees and the fund included), plus isolated margins, less the cost of
//!    open positions (which realized PnL will pay out or take in), less the funding they
//!    owe and have not settled. Conversions, interest and funding round in the pallet's
//!    favour, so the claims may fall short by rounding, never exceed.
//! 3. **Positions net to zero.** In every market the sizes of all positions sum to zero,
//!    and the market's open interest equals the sum of the longs.
//! 4. **Stored records hold something.** No account keeps an empty position record, and a
//!    trader holds records in at most [`Config::MaxPositionsPerAccount`] markets (the fund
//!    may hold one in every listed market); every record is in a listed market.
//! 5. **Resting orders are booked per side.** A side with no committed size has no
//!    committed value.
//! 6. **The deleveraging queue is the open positions.** Every trader's open position is in
//!    its market's [`DeleverageQueue`] once, on its side, at its entry price's key; the queue
//!    holds nothing else (and never the insurance fund).
//! 7. **The liquidation index hides no unsafe book.** Every scope that can be liquidated (a
//!    cross book with an open position or a debt, an open isolated position) has
//!    a [`Bands`] record, and no other scope has one; the index holds exactly the records'
//!    entries (each band's floors, ceilings and horizon, each unbanded scope once); and no
//!    scope whose band is not flagged is below maintenance (see [`crate::bands`]). While
//!    bands are rebuilt after a parameter change, only the index's agreement with the
//!    records is checked: the rebuild is what restores the rest.
//! 8. **A synthetic's supply is its debt.** For every listed synthetic, the token's total
//!    issuance equals its total debt ([`SyntheticStates`]), which is the sum of every
//!    account's debt of it ([`SyntheticDebts`], the insurance fund's included), unit for
//!    unit; no empty record or zero debt is stored, none of an unlisted synthetic, and no
//!    debt has paid its stability fee beyond the synthetic's index. The accounts that owe a
//!    synthetic are among the [`Borrowers`], each synthetic counted like an asset owed.
//! 9. **Pools count what they hold.** Every pool's member count is its number of members
//!    ([`PoolMembers`]) and its restricted-market count the markets restricted to it
//!    ([`MarketPools`]); members and restrictions name only existing pools (numbered
//!    below [`NextPoolId`]) and listed markets; a pool's insurance fund is the pool's own
//!    account, holds no position and is never in debt.
//!
//! The order book checks the rest (its levels and totals, an uncrossed book, and that each
//! account's committed orders here equal its resting orders there).

use alloc::collections::btree_map::BTreeMap;
use frame_support::traits::{fungibles::Inspect, Get};
use sp_runtime::TryRuntimeError;

use crate::{pallet::*, MarketId};

impl<T: Config> Pallet<T> {
	/// Checks every invariant in the module docs; the first one broken is the error.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::check_collateral_ledger()?;
		Self::check_settlement_solvency()?;
		Self::check_positions()?;
		Self::check_deleverage_queue()?;
		Self::check_liquidation_index()?;
		Self::check_synthetics()?;
		Self::check_pools()?;
		Ok(())
	}

	/// Invariant 9.
	fn check_pools() -> Result<(), TryRuntimeError> {
		let next = NextPoolId::<T>::get();
		for (pool, info) in Pools::<T>::iter() {
			ensure_invariant(pool < next, "a pool is numbered at or above the next id")?;
			let members = PoolMembers::<T>::iter_key_prefix(pool).count() as u32;
			ensure_invariant(members == info.members, "a pool's member count is not its members")?;
			let restricted = MarketPools::<T>::iter_values().filter(|of| *of == pool).count();
			ensure_invariant(
				restricted as u32 == info.restricted_markets,
				"a pool's restricted-market count is not its markets",
			)?;
			if let Some(fund) = info.insurance_fund {
				ensure_invariant(
					fund == Self::pool_insurance_account(pool),
					"a pool's fund is not the pool's account",
				)?;
				ensure_invariant(
					!Positions::<T>::contains_key(&fund),
					"a pool's insurance fund holds a position",
				)?;
				ensure_invariant(
					Self::settlement_balance(&fund) >= 0,
					"a pool's insurance fund is in debt",
				)?;
			}
		}
		for (pool, _) in PoolMembers::<T>::iter_keys() {
			ensure_invariant(
				Pools::<T>::contains_key(pool),
				"a member of a pool that does not exist",
			)?;
		}
		for (market, pool) in MarketPools::<T>::iter() {
			ensure_invariant(Pools::<T>::contains_key(pool), "a market restricted to no pool")?;
			ensure_invariant(
				Markets::<T>::contains_key(market),
				"an unlisted market is restricted",
			)?;
		}
		Ok(())
	}

	/// Invariant 8.
	fn check_synthetics() -> Result<(), TryRuntimeError> {
		let mut owed: BTreeMap<T::AssetId, u128> = BTreeMap::new();
		for (_, debts) in SyntheticDebts::<T>::iter() {
			ensure_invariant(!debts.is_empty(), "an empty synthetic debt record is stored")?;
			for (asset, debt) in debts {
				ensure_invariant(debt.amount > 0, "a zero synthetic debt is stored")?;
				ensure_invariant(
					Synthetics::<T>::contains_key(asset),
					"a debt is owed of an unlisted synthetic",
				)?;
				let state = SyntheticStates::<T>::get(asset);
				ensure_invariant(
					debt.fee_index <= state.fee_index,
					"a debt has paid its fee beyond the synthetic's index",
				)?;
				let total = owed.entry(asset).or_default();
				*total = total.checked_add(debt.amount).ok_or("synthetic debts overflow")?;
			}
		}
		for (asset, _) in Synthetics::<T>::iter() {
			let debts = owed.remove(&asset).unwrap_or(0);
			let state = SyntheticStates::<T>::get(asset);
			ensure_invariant(
				state.total_debt == debts,
				"a synthetic's total debt differs from its issuers' debts",
			)?;
			ensure_invariant(
				T::Assets::total_issuance(asset) == state.total_debt,
				"a synthetic's supply differs from its debt",
			)?;
		}
		ensure_invariant(owed.is_empty(), "a debt is owed of an unlisted synthetic")
	}

	/// Invariant 1.
	fn check_collateral_ledger() -> Result<(), TryRuntimeError> {
		let settlement = T::SettlementAsset::get();
		let fund = T::InsuranceAccount::get();
		// Per asset: the scaled supplies and borrows booked.
		let mut booked: BTreeMap<T::AssetId, (u128, u128)> = BTreeMap::new();
		// Per account: how many assets it owes.
		let mut owing: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut book = |who: &T::AccountId, asset: T::AssetId, scaled: i128| {
			let (supply, borrow) = booked.entry(asset).or_default();
			if scaled >= 0 {
				*supply = supply.checked_add(scaled.unsigned_abs()).ok_or("supply overflows")?;
			} else {
				*borrow = borrow.checked_add(scaled.unsigned_abs()).ok_or("borrow overflows")?;
				if *who != fund {
					*owing.entry(who.clone()).or_default() += 1;
				}
			}
			Ok::<(), TryRuntimeError>(())
		};
		for (who, balances) in CollateralBalances::<T>::iter() {
			for (asset, scaled) in balances {
				ensure_invariant(
					asset != settlement,
					"the settlement asset is booked as collateral",
				)?;
				ensure_invariant(scaled != 0, "a zero balance is stored")?;
				book(&who, asset, scaled)?;
			}
		}
		for (who, record) in SettlementBalances::<T>::iter() {
			book(&who, settlement, record.scaled)?;
		}
		// A principal is kept beside each balance (every one, once the principal pass is
		// over), never beside a closed one.
		let pass_over = !PrincipalSetup::<T>::exists();
		for (who, principals) in CollateralPrincipals::<T>::iter() {
			ensure_invariant(!principals.is_empty(), "an empty principal map is stored")?;
			let balances = CollateralBalances::<T>::get(&who);
			for asset in principals.keys() {
				ensure_invariant(
					balances.contains_key(asset),
					"a principal is kept for a closed balance",
				)?;
			}
		}
		if pass_over {
			for (who, balances) in CollateralBalances::<T>::iter() {
				let principals = CollateralPrincipals::<T>::get(&who);
				ensure_invariant(
					balances.keys().all(|asset| principals.contains_key(asset)),
					"a balance has no principal after the principal pass",
				)?;
			}
			for (_, record) in SettlementBalances::<T>::iter() {
				ensure_invariant(
					record.principal.is_some() || record.scaled == 0,
					"a settlement balance has no principal after the principal pass",
				)?;
			}
		}
		// Per asset: the tokens held segregated.
		let mut segregated: BTreeMap<T::AssetId, u128> = BTreeMap::new();
		for (who, holdings) in SegregatedBalances::<T>::iter() {
			ensure_invariant(!holdings.is_empty(), "an empty segregation record is stored")?;
			for (asset, held) in holdings {
				ensure_invariant(asset != settlement, "the settlement asset is segregated")?;
				let beside = CollateralBalances::<T>::get(&who).get(&asset).copied().unwrap_or(0);
				ensure_invariant(
					beside <= 0 && (held == 0 || beside == 0),
					"a segregated holding is beside a supply, or beside a borrow while not empty",
				)?;
				let total = segregated.entry(asset).or_default();
				*total = total.checked_add(held).ok_or("segregated holdings overflow")?;
			}
		}
		for (asset, total) in SegregatedTotals::<T>::iter() {
			ensure_invariant(
				segregated.remove(&asset).unwrap_or(0) == total,
				"an asset's segregated total differs from its holdings",
			)?;
		}
		ensure_invariant(
			segregated.values().all(|held| *held == 0),
			"segregated holdings are not in their total",
		)?;
		// While the settlement market is set up, its totals and the index are still counted.
		let setting_up = Self::lending_setup_running();
		for asset in CollateralAssets::<T>::iter_keys() {
			let (supply, borrow) = booked.remove(&asset).unwrap_or_default();
			let totals = LendingTotals::<T>::get(asset);
			ensure_invariant(
				(totals.scaled_supply, totals.scaled_borrow) == (supply, borrow)
					|| (setting_up && asset == settlement),
				"a money market's totals differ from the balances booked",
			)?;
			ensure_invariant(
				totals.interest == totals.supplier_interest.saturating_add(totals.reserve)
					|| totals.interest == u128::MAX,
				"interest paid differs from interest earned plus the reserve",
			)?;
			let cash = TotalDeposits::<T>::get(asset);
			ensure_invariant(
				T::Assets::balance(asset, &Self::account_id()) >= cash,
				"the pallet holds fewer tokens of an asset than its ledger's cash",
			)?;
			let held_apart = SegregatedTotals::<T>::get(asset);
			ensure_invariant(
				cash >= held_apart,
				"the pool's cash does not cover segregated holdings",
			)?;
			if asset == settlement {
				// Checked with the settlement asset's other claims (invariant 2).
				continue;
			}
			let indices = LendingIndices::<T>::get(asset);
			let supplied = risk_engine::money_market::supply_value(supply, &indices)
				.map_err(|_| "supply value overflows")?;
			let borrowed = risk_engine::money_market::borrow_value(borrow, &indices)
				.map_err(|_| "borrow value overflows")?;
			ensure_invariant(
				cash.checked_add(borrowed)
					.is_none_or(|covered| covered >= supplied.saturating_add(held_apart)),
				"an asset's cash and loans do not cover its supply and segregated holdings",
			)?;
		}
		ensure_invariant(booked.is_empty(), "a balance is booked in an unlisted asset")?;
		for (who, debts) in SyntheticDebts::<T>::iter() {
			if who != fund {
				*owing.entry(who).or_default() += debts.len() as u32;
			}
		}
		let borrowers: BTreeMap<T::AccountId, u32> = Borrowers::<T>::iter().collect();
		ensure_invariant(
			setting_up || (borrowers == owing && Borrowers::<T>::count() as usize == owing.len()),
			"the borrowers' index differs from the accounts that owe",
		)
	}

	/// Invariant 2.
	fn check_settlement_solvency() -> Result<(), TryRuntimeError> {
		if Self::lending_setup_running() {
			return Ok(());
		}
		let settlement = T::SettlementAsset::get();
		let cash = TotalDeposits::<T>::get(settlement);
		let totals = LendingTotals::<T>::get(settlement);
		let indices = LendingIndices::<T>::get(settlement);
		let supplied = risk_engine::money_market::supply_value(totals.scaled_supply, &indices)
			.map_err(|_| "supply value overflows")?;
		let borrowed = risk_engine::money_market::borrow_value(totals.scaled_borrow, &indices)
			.map_err(|_| "borrow value overflows")?;
		let mut claims = i128::try_from(supplied)
			.ok()
			.zip(i128::try_from(borrowed).ok())
			.and_then(|(supplied, borrowed)| supplied.checked_sub(borrowed))
			.ok_or("settlement claims overflow")?;
		for (_, positions) in Positions::<T>::iter() {
			for (market, record) in positions {
				let Some(params) = Markets::<T>::get(market) else { continue };
				let index = MarketStates::<T>::get(market).funding_index;
				let pending = risk_engine::funding_owed(
					&record.position,
					index,
					&Self::market_scale(&params),
				)
				.map_err(|_| "pending funding overflows")?;
				claims = claims
					.checked_add(record.isolated_margin.unwrap_or(0))
					.and_then(|c| c.checked_sub(record.position.cost))
					.and_then(|c| c.checked_sub(pending))
					.ok_or("settlement claims overflow")?;
			}
		}
		let cash = i128::try_from(cash).map_err(|_| "settlement cash overflows")?;
		ensure_invariant(claims <= cash, "the settlement ledger owes more than the pallet holds")
	}

	/// Invariants 3 to 5.
	fn check_positions() -> Result<(), TryRuntimeError> {
		let fund = T::InsuranceAccount::get();
		let mut nets: BTreeMap<MarketId, (i128, u128)> = BTreeMap::new();
		for (who, positions) in Positions::<T>::iter() {
			ensure_invariant(
				who == fund || positions.len() as u32 <= T::MaxPositionsPerAccount::get(),
				"a trader holds records in more markets than allowed",
			)?;
			for (market, record) in positions {
				ensure_invariant(!record.is_empty(), "an empty position record is stored")?;
				ensure_invariant(
					Markets::<T>::contains_key(market),
					"a position record is in an unlisted market",
				)?;
				let orders = record.open_orders;
				ensure_invariant(
					(orders.bid_size > 0 || orders.bid_value == 0)
						&& (orders.ask_size > 0 || orders.ask_value == 0),
					"an order side has committed value without size",
				)?;
				let size = record.position.size;
				let (net, longs) = nets.entry(market).or_default();
				*net = net.checked_add(size).ok_or("position sizes overflow")?;
				*longs = longs.checked_add(size.max(0).unsigned_abs()).ok_or("longs overflow")?;
			}
		}
		for market in Markets::<T>::iter_keys() {
			let (net, longs) = nets.remove(&market).unwrap_or_default();
			ensure_invariant(net == 0, "a market's positions do not net to zero")?;
			ensure_invariant(
				MarketStates::<T>::get(market).open_interest == longs,
				"a market's open interest differs from the sum of its longs",
			)?;
		}
		Ok(())
	}
}

impl<T: Config> Pallet<T> {
	/// Invariant 6.
	fn check_deleverage_queue() -> Result<(), TryRuntimeError> {
		let fund = T::InsuranceAccount::get();
		let mut expected = 0usize;
		for (who, positions) in Positions::<T>::iter() {
			if who == fund {
				continue;
			}
			for (market, record) in positions.iter() {
				let Some(params) = Markets::<T>::get(market) else { continue };
				let Some((long, key)) = Self::queue_place(record, &Self::market_scale(&params))
				else {
					continue;
				};
				expected += 1;
				ensure_invariant(
					DeleverageQueue::<T>::contains_key((market, long, key, &who)),
					"an open position is missing from the deleveraging queue",
				)?;
			}
		}
		ensure_invariant(
			DeleverageQueue::<T>::iter_keys().count() == expected,
			"the deleveraging queue holds more than the open positions",
		)
	}

	/// Invariant 7.
	fn check_liquidation_index() -> Result<(), TryRuntimeError> {
		use crate::BandScope;
		let mut floors = 0usize;
		let mut ceilings = 0usize;
		let mut expiries = 0usize;
		let mut unbanded = 0usize;
		for (who, scope, record) in Bands::<T>::iter() {
			let owner = (who.clone(), scope);
			if record.valid_until_ms == 0 {
				ensure_invariant(record.edges.is_empty(), "an unbanded scope has edges")?;
				ensure_invariant(
					UnbandedScopes::<T>::contains_key(&owner),
					"an unbanded scope is not in the unbanded index",
				)?;
				unbanded += 1;
				continue;
			}
			for edge in &record.edges {
				ensure_invariant(
					BandFloors::<T>::contains_key((
						edge.key,
						crate::bands::floor_key(edge.floor),
						owner.clone(),
					)),
					"a band's floor is not in the index",
				)?;
				ensure_invariant(
					BandCeilings::<T>::contains_key((
						edge.key,
						crate::bands::ceiling_key(edge.ceiling),
						owner.clone(),
					)),
					"a band's ceiling is not in the index",
				)?;
			}
			floors += record.edges.len();
			ceilings += record.edges.len();
			ensure_invariant(
				BandExpiries::<T>::contains_key((record.valid_until_ms.to_be_bytes(), owner)),
				"a band's horizon is not in the index",
			)?;
			expiries += 1;
		}
		ensure_invariant(
			BandFloors::<T>::iter_keys().count() == floors,
			"stray floors in the index",
		)?;
		ensure_invariant(
			BandCeilings::<T>::iter_keys().count() == ceilings,
			"stray ceilings in the index",
		)?;
		ensure_invariant(
			BandExpiries::<T>::iter_keys().count() == expiries,
			"stray horizons in the index",
		)?;
		ensure_invariant(
			UnbandedScopes::<T>::iter_keys().count() == unbanded
				&& UnbandedScopes::<T>::count() as usize == unbanded,
			"stray unbanded scopes in the index",
		)?;
		if Self::band_rebuild_running() {
			return Ok(());
		}

		// Every account that holds a position or owes settlement, and every banded one.
		let mut accounts: alloc::collections::btree_set::BTreeSet<T::AccountId> =
			Positions::<T>::iter_keys().collect();
		accounts.extend(Borrowers::<T>::iter_keys());
		accounts.extend(Bands::<T>::iter_keys().map(|(who, _)| who));
		for who in accounts {
			let (wanted, _) = Self::account_bands(&who);
			let mut wanted: alloc::vec::Vec<BandScope> =
				wanted.into_iter().map(|(scope, _)| scope).collect();
			let mut stored: alloc::vec::Vec<BandScope> =
				Bands::<T>::iter_prefix(&who).map(|(scope, _)| scope).collect();
			wanted.sort();
			stored.sort();
			ensure_invariant(
				wanted == stored,
				"a scope that can be liquidated has no band, or one that cannot has one",
			)?;
			for (scope, record) in Bands::<T>::iter_prefix(&who) {
				if Self::band_flagged(&record) {
					continue;
				}
				let liquidatable = match scope {
					None => {
						Self::cross_figures(&who).is_ok_and(|figures| figures.margin.health < 0)
					},
					Some(market) => {
						let record = Positions::<T>::get(&who).get(&market).copied();
						let params = Self::market_params(market);
						match (record, params) {
							(Some(record), Some(params)) => {
								Self::isolated_figures(market, &params, &record, false)
									.is_ok_and(|figures| figures.health < 0)
							},
							_ => false,
						}
					},
				};
				ensure_invariant(
					!liquidatable,
					"a scope below maintenance is not flagged by the liquidation index",
				)?;
			}
		}
		Ok(())
	}
}

/// `Ok` when `holds`, otherwise the invariant's description as the error.
fn ensure_invariant(holds: bool, broken: &'static str) -> Result<(), TryRuntimeError> {
	if holds {
		Ok(())
	} else {
		Err(broken.into())
	}
}
