//! The liquidation index: a safety band for every book that can be liquidated, so that
//! after an oracle update the worker checks only the books the update can have put below
//! maintenance, not every account.
//!
//! ## Scopes and bands
//! A *scope* is what one liquidation acts on: an account's cross book (`None`), or one of
//! its isolated positions (`Some(market)`). A scope can be liquidated when it holds an open
//! position (the cross book also when its settlement balance is a debt); every such scope
//! has a [`Bands`] record, and no other scope has one.
//!
//! A record is either a **band** or **unbanded**:
//! - a band gives, for every oracle key the scope depends on (the markets' underlyings, an
//!   option series' implied volatility, priced collateral), a floor and a ceiling, and a
//!   horizon `valid_until_ms`. The risk engine's claim ([`risk_engine::bands`]): while
//!   every key's price in force is strictly between its edges and the time is before the
//!   horizon, the scope's health cannot be below zero: whatever the marks do within their
//!   bands, with funding at its cap all the way and option time passing. The band is
//!   worked out at the schedule adaptive margin may reach at most (its caps), so no ramp
//!   can break it.
//! - unbanded (`valid_until_ms == 0`, no edges): health does not cover the band's reserve
//!   (a mark sliding within its band could take the scope below maintenance with no oracle
//!   update), the account is portfolio-margined, a price it needs is missing, or it depends
//!   on more than [`crate::MAX_BAND_KEYS`] keys. Such a scope needs a check at every update.
//!
//! ## The index
//! - [`BandFloors`]: per key, every floor, highest first; [`BandCeilings`]: per key, every
//!   ceiling, lowest first. After an update to `P`, the scopes flagged on the key are the
//!   floors from the first down to `P` and the ceilings from the first up to `P`: a walk
//!   that reads only the flagged entries and one more.
//! - [`BandExpiries`]: every band by its horizon, soonest first.
//! - [`UnbandedScopes`]: every unbanded scope.
//!
//! A scope is *flagged* when it is unbanded, past its horizon, or a key's price in force is
//! at or beyond an edge (or missing). [`Pallet::flagged_scopes`] lists them; the worker
//! checks only those (see [`crate::offchain`]), and every test checks that no scope below
//! maintenance is left unflagged (invariant 7 in [`crate::invariants`]).
//!
//! ## Keeping it
//! - **Every touch.** Whatever writes an account's positions, settlement balance,
//!   collateral or margin mode notes the account ([`Pallet::note_touched`]). In a working
//!   set the account is rebanded once when the call ends, from its final state; outside
//!   one, at once.
//! - **Hysteresis.** A new band that contains the stored one (every stored edge at least as
//!   strict, the same keys, at least half the horizon left, the stored one not flagged)
//!   writes nothing: the stored band still holds. A band is stored a quarter narrower than
//!   worked out ([`BAND_SLACK`]), so that deposits, risk-reducing trades and trades that add
//!   up to about a quarter more risk cost no write.
//! - **Refresh.** At the end of each block (`on_idle`, with the weight left), flagged
//!   scopes that are still above maintenance get a new band around the prices now, and
//!   bands past their horizon are renewed, soonest first.
//! - **Rebuild.** A change of the parameters bands are worked out from (margin schedules,
//!   haircuts, adaptive margin, mark bands, funding caps, listings) can make stored bands
//!   wrong, so it starts a rebuild ([`BandRebuild`]): `on_idle` rebands every account, a
//!   slice a block: the holders of positions, then the borrowers without positions,
//!   banded on their collateral alone. Until it ends the next-block promise does not hold: the worker's sweep
//!   (a slice of every account a block, as before the index) is the backstop, and what it
//!   finds is not counted as a miss.

use alloc::{collections::btree_set::BTreeSet, vec::Vec};
use frame_support::{pallet_prelude::*, weights::Weight};
use risk_engine::{
	bands::{
		band_edges, band_width, funding_share, holding_sensitivity, leg_band, outside_band,
		LegMarket, OptionModel, Sensitivity,
	},
	IsolatedPosition, MarginTier, PerpExposure, Price,
};
use sp_arithmetic::Perbill;

use crate::{
	margin::CrossInputs, pallet::*, positions::LoadedPosition, BandEdge, BandRecord, BandScope,
	Instrument, MarginMode, MAX_BAND_KEYS, MAX_GUARDED_KEYS,
};

/// The longest raw storage key a rebuild cursor holds.
pub const MAX_RAW_KEY_LEN: u32 = 256;

/// The widest a band may be: a price moving this far from where the band was built gets
/// the scope checked, whatever its health.
pub const BAND_MAX_WIDTH: Perbill = Perbill::from_percent(25);

/// The share of its width a band is stored at: the rest is slack, so that a later touch
/// that takes up to a quarter more risk finds the stored band still inside its own, and
/// writes nothing. The price: bands a quarter narrower, flagged a little sooner.
pub const BAND_SLACK: Perbill = Perbill::from_percent(75);

/// A scope's band as worked out now (`full`), and as it is stored when it must be written
/// (`stored`, narrower by the slack); the same record for an unbanded scope.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct WantedBand<K> {
	pub(crate) full: BandRecord<K>,
	pub(crate) stored: BandRecord<K>,
}

impl<K: Clone> WantedBand<K> {
	fn same(record: BandRecord<K>) -> Self {
		Self { full: record.clone(), stored: record }
	}
}

/// A scope with its record's index entries' owner.
type ScopeOf<T> = (<T as frame_system::Config>::AccountId, BandScope);

/// A floor's index key: its complement, big-endian, so that the highest floor comes first.
pub(crate) fn floor_key(floor: Price) -> [u8; 16] {
	(u128::MAX - floor.into_inner()).to_be_bytes()
}

/// The floor an index key stands for.
fn floor_of(key: [u8; 16]) -> Price {
	Price::from_inner(u128::MAX - u128::from_be_bytes(key))
}

/// A ceiling's index key: big-endian, lowest first.
pub(crate) fn ceiling_key(ceiling: Price) -> [u8; 16] {
	ceiling.into_inner().to_be_bytes()
}

impl<T: Config> Pallet<T> {
	/// Notes that `who`'s positions, settlement balance, collateral or margin mode changed:
	/// its bands are worked out again when the working set's call ends (at once outside
	/// one). The insurance fund and the fee account are never liquidated and have none.
	pub(crate) fn note_touched(who: &T::AccountId) {
		if who == &T::InsuranceAccount::get() || who == &T::FeeAccount::get() {
			return;
		}
		if !Self::note_touched_in_working_set(who) {
			Self::reband(who);
		}
	}

	/// Works `who`'s bands out from its state now and stores what changed: a scope that can
	/// no longer be liquidated loses its record, a new band that contains the stored one
	/// writes nothing (see the module docs). Returns what it cost.
	pub fn reband(who: &T::AccountId) -> Weight {
		let (wanted, positions) = Self::account_bands(who);
		let stored: Vec<(BandScope, BandRecord<T::OracleKey>)> =
			Bands::<T>::iter_prefix(who).collect();
		let mut writes = 0;
		for (scope, record) in &stored {
			if !wanted.iter().any(|(wanted_scope, _)| wanted_scope == scope) {
				writes += Self::unindex(who, *scope, record) + 1;
				Bands::<T>::remove(who, scope);
			}
		}
		let now = Self::now();
		for (scope, band) in wanted {
			let old = stored.iter().find(|(stored_scope, _)| *stored_scope == scope);
			if let Some((_, old)) = old {
				if Self::still_holds(old, &band.full, now) {
					continue;
				}
				writes += Self::unindex(who, scope, old);
			}
			writes += Self::index(who, scope, &band.stored) + 1;
			Bands::<T>::insert(who, scope, band.stored);
		}
		Self::reband_weight(positions, stored.len() as u32, writes)
	}

	/// Removes every band of `who` and its index entries, as if none had been written (for
	/// benchmarks and tests that start from an account without bands).
	#[cfg(any(test, feature = "runtime-benchmarks"))]
	pub(crate) fn remove_bands(who: &T::AccountId) {
		let stored: Vec<(BandScope, BandRecord<T::OracleKey>)> =
			Bands::<T>::iter_prefix(who).collect();
		for (scope, record) in stored {
			Self::unindex(who, scope, &record);
			Bands::<T>::remove(who, scope);
		}
	}

	/// Whether a stored band may stay in place of a new one: both are bands over the same
	/// keys, every stored edge is at least as strict, the stored horizon is at least half a
	/// horizon away, and the stored band is not flagged now. The stored box then lies inside
	/// the new one, so it holds too, and it flags nothing the new one would not.
	fn still_holds(
		old: &BandRecord<T::OracleKey>,
		new: &BandRecord<T::OracleKey>,
		now: u64,
	) -> bool {
		if old.valid_until_ms == 0 || new.valid_until_ms == 0 {
			return old == new;
		}
		let half_horizon = T::BandHorizonMs::get() / 2;
		!Self::band_flagged(old)
			&& old.valid_until_ms >= now.saturating_add(half_horizon)
			&& old.valid_until_ms <= new.valid_until_ms
			&& old.edges.len() == new.edges.len()
			&& old.edges.iter().zip(new.edges.iter()).all(|(old, new)| {
				old.key == new.key && old.floor >= new.floor && old.ceiling <= new.ceiling
			})
	}

	/// Adds a record's index entries; returns how many it wrote.
	fn index(who: &T::AccountId, scope: BandScope, record: &BandRecord<T::OracleKey>) -> u32 {
		let owner: ScopeOf<T> = (who.clone(), scope);
		if record.valid_until_ms == 0 {
			UnbandedScopes::<T>::insert(&owner, ());
			return 1;
		}
		for edge in &record.edges {
			BandFloors::<T>::insert((edge.key, floor_key(edge.floor), owner.clone()), ());
			BandCeilings::<T>::insert((edge.key, ceiling_key(edge.ceiling), owner.clone()), ());
		}
		BandExpiries::<T>::insert((record.valid_until_ms.to_be_bytes(), owner), ());
		record.edges.len() as u32 * 2 + 1
	}

	/// Removes a record's index entries; returns how many it removed.
	fn unindex(who: &T::AccountId, scope: BandScope, record: &BandRecord<T::OracleKey>) -> u32 {
		let owner: ScopeOf<T> = (who.clone(), scope);
		if record.valid_until_ms == 0 {
			UnbandedScopes::<T>::remove(&owner);
			return 1;
		}
		for edge in &record.edges {
			BandFloors::<T>::remove((edge.key, floor_key(edge.floor), owner.clone()));
			BandCeilings::<T>::remove((edge.key, ceiling_key(edge.ceiling), owner.clone()));
		}
		BandExpiries::<T>::remove((record.valid_until_ms.to_be_bytes(), owner));
		record.edges.len() as u32 * 2 + 1
	}

	/// The record every scope of `who` that can be liquidated should have now: its cross
	/// book if it holds a cross position or owes anything, and each isolated position;
	/// with how many positions the account holds.
	pub(crate) fn account_bands(
		who: &T::AccountId,
	) -> (Vec<(BandScope, WantedBand<T::OracleKey>)>, u32) {
		if who == &T::InsuranceAccount::get() || who == &T::FeeAccount::get() {
			return (Vec::new(), 0);
		}
		let inputs = Self::load_cross_inputs(who);
		let mut bands = Vec::new();
		let holds_cross = inputs
			.positions
			.iter()
			.any(|p| p.record.isolated_margin.is_none() && !p.record.position.is_flat());
		if holds_cross || inputs.settlement_balance < 0 || !inputs.liabilities.is_empty() {
			let band = if Self::margin_mode(who) == MarginMode::Portfolio {
				None
			} else {
				Self::cross_band(&inputs)
			};
			bands.push((None, band.unwrap_or_else(|| WantedBand::same(Self::unbanded()))));
		}
		for position in &inputs.positions {
			if position.record.isolated_margin.is_some() && !position.record.position.is_flat() {
				let band = Self::isolated_band(position)
					.unwrap_or_else(|| WantedBand::same(Self::unbanded()));
				bands.push((Some(position.market), band));
			}
		}
		(bands, inputs.positions.len() as u32)
	}

	/// The record of a scope that needs a check at every update.
	fn unbanded() -> BandRecord<T::OracleKey> {
		BandRecord { edges: Default::default(), valid_until_ms: 0 }
	}

	/// The schedule a market's band is worked out at: under adaptive margin, its static
	/// schedule moved to the caps (no ramp goes beyond it); otherwise the one in force.
	fn band_tiers(position: &LoadedPosition<T>) -> Vec<MarginTier> {
		if let Some(adaptive) = AdaptiveMargins::<T>::get(position.market) {
			let caps = risk_engine::adaptive::EffectiveFractions {
				initial: adaptive.params.cap_initial,
				maintenance: adaptive.params.cap_maintenance,
			};
			if let Ok(tiers) = risk_engine::adaptive::shifted_tiers(&adaptive.static_tiers, caps) {
				// Governance may have raised the schedule in force above the caps' shift.
				return tiers
					.into_iter()
					.zip(position.params.tiers.iter())
					.map(|(capped, in_force)| MarginTier {
						notional_floor: capped.notional_floor,
						initial_fraction: capped.initial_fraction.max(in_force.initial_fraction),
						maintenance_fraction: capped
							.maintenance_fraction
							.max(in_force.maintenance_fraction),
					})
					.collect();
			}
		}
		position.params.tiers.to_vec()
	}

	/// What the engine needs beyond the exposure to band one position; `None` when a price
	/// it needs is missing.
	fn leg_market(position: &LoadedPosition<T>) -> Option<LegMarket> {
		let prices = position.prices?;
		let params = &position.params;
		let (funding, option) = match params.instrument {
			Instrument::Perpetual => (
				funding_share(
					params.funding_rate_cap,
					params.funding_interval_ms,
					T::BandHorizonMs::get(),
				),
				None,
			),
			Instrument::Option { expiry_ms, volatility_key, .. } => {
				let expired = Self::is_expired(params);
				let volatility = match Self::oracle_price(&volatility_key) {
					Some((volatility, _)) => volatility,
					// Past expiry the mark no longer depends on it.
					None if expired => Price::zero(),
					None => return None,
				};
				let model = OptionModel {
					years: Self::years_to_expiry(expiry_ms),
					volatility,
					settlement_tick: params.tick_size,
				};
				(Perbill::zero(), Some(model))
			},
		};
		Some(LegMarket {
			index: prices.index,
			mark_band: params.mark_price_band,
			funding_share: funding,
			option,
		})
	}

	/// The band of an account's cross book; `None` when it must be unbanded.
	fn cross_band(inputs: &CrossInputs<T>) -> Option<WantedBand<T::OracleKey>> {
		let mut keys: Vec<(T::OracleKey, Sensitivity)> = Vec::new();
		let mut reserve: u128 = 0;
		let mut tiers = Vec::new();
		let cross: Vec<&LoadedPosition<T>> =
			inputs.positions.iter().filter(|p| p.record.isolated_margin.is_none()).collect();
		for position in &cross {
			tiers.push(Self::band_tiers(position));
		}
		let mut exposures: Vec<PerpExposure> = Vec::new();
		for (position, tiers) in cross.iter().zip(tiers.iter()) {
			let mut exposure = position.exposure()?;
			exposure.tiers = tiers;
			exposures.push(exposure);
		}
		for (position, exposure) in cross.iter().zip(exposures.iter()) {
			let market = Self::leg_market(position)?;
			let leg = leg_band(exposure, &market, BAND_MAX_WIDTH).ok()?;
			reserve = reserve.saturating_add(leg.reserve);
			add_sensitivity(&mut keys, position.params.oracle_key, leg.index);
			if let Instrument::Option { volatility_key, .. } = position.params.instrument {
				add_sensitivity(&mut keys, volatility_key, leg.volatility);
			}
		}
		for (asset, _, holding) in &inputs.collateral {
			let holding = (*holding)?;
			let key = Self::collateral_config(*asset)?.oracle_key?;
			let sensitivity = holding_sensitivity(&holding, T::SettlementDecimals::get()).ok()?;
			add_sensitivity(&mut keys, key, sensitivity);
		}
		// A borrow of a priced asset moves with that price; until its rows are in the band,
		// such a book is unbanded (checked at every update).
		if !inputs.liabilities.is_empty() {
			return None;
		}
		// A settlement debt grows with interest: at most the curve's top rate over the
		// horizon and the time since the last accrual (charged at the next one).
		let debt = inputs.settlement_balance.min(0).unsigned_abs();
		if debt > 0 {
			reserve = reserve.saturating_add(Self::debt_interest_reserve(debt)?);
		}
		let holdings = inputs.holdings();
		let health = Self::cross_margin_of(inputs, &holdings, &exposures, false).ok()?.health;
		Self::band_record(health, reserve, &keys)
	}

	/// How much health a settlement debt can lose to interest before a band ends: the
	/// debt, weighed at maintenance, grown at the settlement market's top rate over the
	/// horizon and the time since its last accrual.
	fn debt_interest_reserve(debt: u128) -> Option<u128> {
		let settlement = T::SettlementAsset::get();
		let (config, indices) = Self::lending_view(settlement)?;
		let top_rate = risk_engine::money_market::borrow_rate(
			config.base_rate,
			&config.rate_segments,
			Perbill::one(),
		)
		.ok()?;
		// A market's first accrual only starts its clock: nothing before it is charged.
		let unaccrued = match indices.last_accrual_ms {
			0 => 0,
			last => Self::now().saturating_sub(last),
		};
		let span = T::BandHorizonMs::get().saturating_add(unaccrued);
		let share = risk_engine::money_market::interest_share(top_rate, span);
		risk_engine::money_market::debt_interest_reserve(
			debt,
			config.liability_weights.maintenance,
			share,
		)
		.ok()
	}

	/// The band of an isolated position; `None` when it must be unbanded.
	fn isolated_band(position: &LoadedPosition<T>) -> Option<WantedBand<T::OracleKey>> {
		let tiers = Self::band_tiers(position);
		let mut exposure = position.exposure()?;
		exposure.tiers = &tiers;
		let market = Self::leg_market(position)?;
		let leg = leg_band(&exposure, &market, BAND_MAX_WIDTH).ok()?;
		let isolated =
			IsolatedPosition { margin: position.record.isolated_margin.unwrap_or(0), exposure };
		let health = risk_engine::isolated_margin(&isolated).ok()?.health;
		let mut keys = Vec::new();
		add_sensitivity(&mut keys, position.params.oracle_key, leg.index);
		if let Instrument::Option { volatility_key, .. } = position.params.instrument {
			add_sensitivity(&mut keys, volatility_key, leg.volatility);
		}
		Self::band_record(health, leg.reserve, &keys)
	}

	/// A band from a scope's health, reserve and sensitivities, edges around the prices in
	/// force; `None` when health does not cover the reserve, a key has no price or there
	/// are too many keys.
	fn band_record(
		health: i128,
		reserve: u128,
		keys: &[(T::OracleKey, Sensitivity)],
	) -> Option<WantedBand<T::OracleKey>> {
		let width = band_width(health, reserve, keys.iter().map(|(_, rate)| *rate), BAND_MAX_WIDTH)
			.ok()??;
		let stored_width = BAND_SLACK * width;
		let valid_until_ms = Self::now().saturating_add(T::BandHorizonMs::get()).max(1);
		let mut full = BandRecord { edges: BoundedVec::new(), valid_until_ms };
		let mut stored = full.clone();
		for (key, sensitivity) in keys.iter().filter(|(_, rate)| !rate.is_zero()) {
			let (price, _) = Self::oracle_price(key)?;
			let (floor, ceiling) = band_edges(price, *sensitivity, width, BAND_MAX_WIDTH);
			full.edges.try_push(BandEdge { key: *key, floor, ceiling }).ok()?;
			let (floor, ceiling) = band_edges(price, *sensitivity, stored_width, BAND_MAX_WIDTH);
			stored.edges.try_push(BandEdge { key: *key, floor, ceiling }).ok()?;
		}
		Some(WantedBand { full, stored })
	}

	/// Whether a scope's record says it needs a check now (see the module docs).
	pub fn band_flagged(record: &BandRecord<T::OracleKey>) -> bool {
		record.valid_until_ms == 0
			|| Self::now() >= record.valid_until_ms
			|| record.edges.iter().any(|edge| match Self::oracle_price(&edge.key) {
				Some((price, _)) => outside_band(price, edge.floor, edge.ceiling),
				None => true,
			})
	}

	/// The scopes that need a check now, at most `limit`: the unbanded, then per guarded
	/// key those whose edge the price in force has reached (deepest first), then those past
	/// their horizon (soonest first). Each scope once. With `include_unbanded` false, the
	/// unbanded are left out (a refresh cannot band them).
	pub fn flagged_scopes(limit: u32, include_unbanded: bool) -> Vec<ScopeOf<T>> {
		let limit = limit as usize;
		let mut seen: BTreeSet<ScopeOf<T>> = BTreeSet::new();
		let mut flagged = Vec::new();
		let mut note = |scope: ScopeOf<T>, flagged: &mut Vec<ScopeOf<T>>| {
			if seen.insert(scope.clone()) {
				flagged.push(scope);
			}
		};
		if include_unbanded {
			for (scope, ()) in UnbandedScopes::<T>::iter() {
				if flagged.len() >= limit {
					return flagged;
				}
				note(scope, &mut flagged);
			}
		}
		for key in GuardedKeys::<T>::get() {
			let Some((price, _)) = Self::oracle_price(&key) else { continue };
			for ((edge, scope), ()) in BandFloors::<T>::iter_prefix((key,)) {
				if flagged.len() >= limit {
					return flagged;
				}
				if floor_of(edge) < price {
					break;
				}
				note(scope, &mut flagged);
			}
			for ((edge, scope), ()) in BandCeilings::<T>::iter_prefix((key,)) {
				if flagged.len() >= limit {
					return flagged;
				}
				if Price::from_inner(u128::from_be_bytes(edge)) > price {
					break;
				}
				note(scope, &mut flagged);
			}
		}
		let now = Self::now();
		for ((until, scope), ()) in BandExpiries::<T>::iter() {
			if flagged.len() >= limit || u64::from_be_bytes(until) > now {
				break;
			}
			note(scope, &mut flagged);
		}
		flagged
	}

	/// Renews flagged bands with at most `budget` of weight: each flagged scope's account is
	/// rebanded around the prices now (an account below maintenance becomes unbanded, for
	/// the worker), then a slice of a running rebuild. Returns the weight used.
	pub(crate) fn refresh_bands(budget: Weight) -> Weight {
		let worst = Self::worst_reband_weight();
		// Walking the index: the guarded keys, their prices, and a read per entry.
		let mut used = T::DbWeight::get().reads(2 + 2 * MAX_GUARDED_KEYS as u64);
		let room = |used: Weight| budget.checked_sub(&used).is_some_and(|left| left.all_gte(worst));
		if !room(used) {
			return Weight::zero();
		}
		let typical = Self::reband_weight(1, 1, 8);
		let affordable = (budget.ref_time() / typical.ref_time().max(1)).min(u32::MAX as u64);
		let mut rebanded: BTreeSet<T::AccountId> = BTreeSet::new();
		for (who, _) in Self::flagged_scopes(affordable as u32, false) {
			used = used.saturating_add(T::DbWeight::get().reads(1));
			if !room(used) {
				return used;
			}
			if rebanded.insert(who.clone()) {
				used = used.saturating_add(Self::reband(&who));
			}
		}
		let Some(cursor) = BandRebuild::<T>::get() else { return used };
		// Holders of positions, then debtors without any (banded on their collateral alone).
		let mut accounts = Self::accounts_at_risk_from(&cursor);
		// The cursor is written once, at the end of the slice.
		used = used.saturating_add(T::DbWeight::get().reads_writes(1, 1));
		let mut last = None;
		while room(used) {
			// The entry, and for a debtor whether it also holds positions.
			used = used.saturating_add(T::DbWeight::get().reads(2));
			let Some(step) = accounts.next() else {
				BandRebuild::<T>::kill();
				return used;
			};
			if step.at_risk {
				used = used.saturating_add(Self::reband(&step.who));
			}
			last = Some(step.raw_key);
		}
		if let Some(raw_key) = last {
			BandRebuild::<T>::put(BoundedVec::truncate_from(raw_key));
		}
		used
	}

	/// The most one account's reband can cost: every position, and every record and index
	/// entry of its scopes removed and written again (the cross book's keys, two per
	/// isolated position; a record and a horizon per scope).
	pub(crate) fn worst_reband_weight() -> Weight {
		let positions = T::MaxPositionsPerAccount::get();
		let scopes = positions + 1;
		let edges = MAX_BAND_KEYS + 2 * positions;
		Self::reband_weight(positions, scopes, 4 * edges + 4 * scopes)
	}

	/// Starts (or restarts) a rebuild of every band: the parameters they were worked out
	/// from changed.
	pub(crate) fn start_band_rebuild() {
		BandRebuild::<T>::put(BoundedVec::new());
	}

	/// Whether a rebuild of every band is under way.
	pub fn band_rebuild_running() -> bool {
		BandRebuild::<T>::exists()
	}
}

/// Adds a leg's sensitivity to its key's total.
fn add_sensitivity<K: PartialEq + Copy>(
	keys: &mut Vec<(K, Sensitivity)>,
	key: K,
	sensitivity: Sensitivity,
) {
	match keys.iter_mut().find(|(existing, _)| *existing == key) {
		Some((_, total)) => *total = total.saturating_add(sensitivity),
		None => keys.push((key, sensitivity)),
	}
}

// `MAX_BAND_KEYS` bounds a record's edges; a scope with more keys is unbanded.
const _: () = assert!(MAX_BAND_KEYS >= 2);
