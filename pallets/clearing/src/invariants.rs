//! The clearing house's invariants, as code: [`Pallet::do_try_state`] checks them after every
//! pallet test (through the mock's checked externalities), after every block of the random
//! campaign, and from the `try_state` hook under the `try-runtime` feature.
//!
//! ## The invariants
//! 1. **Tokens cover the ledger, asset by asset.** For every collateral asset other than the
//!    settlement asset, the pallet's token balance is at least [`TotalDeposits`], which
//!    equals what the ledger books for all accounts together ([`CollateralBalances`], the
//!    insurance fund's included).
//! 2. **The settlement asset is solvent.** [`TotalDeposits`] of the settlement asset (what
//!    was deposited less what was withdrawn) is at most the pallet's token balance, and at
//!    least every claim on it: ledger balances (fees and the fund included) and isolated
//!    margins, less the cost of open positions (which realized PnL will pay out or take
//!    in), less the funding they owe and have not settled. Funding rounds in the pallet's
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
//!    cross book with an open position or a settlement debt, an open isolated position) has
//!    a [`Bands`] record, and no other scope has one; the index holds exactly the records'
//!    entries (each band's floors, ceilings and horizon, each unbanded scope once); and no
//!    scope whose band is not flagged is below maintenance (see [`crate::bands`]). While
//!    bands are rebuilt after a parameter change, only the index's agreement with the
//!    records is checked: the rebuild is what restores the rest.
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
		Ok(())
	}

	/// Invariant 1.
	fn check_collateral_ledger() -> Result<(), TryRuntimeError> {
		let settlement = T::SettlementAsset::get();
		let mut booked: BTreeMap<T::AssetId, u128> = BTreeMap::new();
		for (_, balances) in CollateralBalances::<T>::iter() {
			for (asset, amount) in balances {
				ensure_invariant(
					asset != settlement,
					"the settlement asset is booked as collateral",
				)?;
				let total = booked.entry(asset).or_default();
				*total = total.checked_add(amount).ok_or("collateral bookings overflow")?;
			}
		}
		for asset in CollateralAssets::<T>::iter_keys().filter(|asset| *asset != settlement) {
			let total = TotalDeposits::<T>::get(asset);
			ensure_invariant(
				booked.remove(&asset).unwrap_or(0) == total,
				"an asset's total deposits differ from what the ledger books",
			)?;
			ensure_invariant(
				T::Assets::balance(asset, &Self::account_id()) >= total,
				"the pallet holds fewer tokens of an asset than it booked",
			)?;
		}
		ensure_invariant(booked.is_empty(), "collateral is booked in an unlisted asset")
	}

	/// Invariant 2.
	fn check_settlement_solvency() -> Result<(), TryRuntimeError> {
		let settlement = T::SettlementAsset::get();
		let deposited = TotalDeposits::<T>::get(settlement);
		ensure_invariant(
			T::Assets::balance(settlement, &Self::account_id()) >= deposited,
			"the pallet holds fewer settlement tokens than were deposited",
		)?;
		let mut claims: i128 = 0;
		for (_, balance) in SettlementBalances::<T>::iter() {
			claims = claims.checked_add(balance).ok_or("settlement claims overflow")?;
		}
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
		let deposited = i128::try_from(deposited).map_err(|_| "settlement deposits overflow")?;
		ensure_invariant(claims <= deposited, "the settlement ledger owes more than was deposited")
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
		accounts.extend(
			SettlementBalances::<T>::iter().filter(|(_, balance)| *balance < 0).map(|(who, _)| who),
		);
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
