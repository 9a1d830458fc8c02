//! The working set of one venue call: what a taker's order reads again and again while it
//! settles fill after fill, read once.
//!
//! An order that fills twenty makers checks the margin of both sides after every fill, and
//! each check values every position of the account: its market's parameters, the market's
//! index through the jump breaker (the guard, the oracle's value, the breaker's parameters,
//! the block), the maximum price age, the clock, and for an option series the Black-76
//! premium. None of these can change while the call runs: the oracle's values and the
//! guards move only in their own transactions and hooks, and markets, collateral and
//! pallet-wide parameters only through governance, listing, adaptive margin and series
//! settlement, none of which a venue call reaches (and each of which forgets what it changes
//! here, should one ever run inside). So a venue wraps its call in
//! [`Clearing::with_working_set`](crate::Clearing::with_working_set): the first read of each
//! item loads it, later reads in the same call take it from memory.
//!
//! What changes with every fill is never cached: positions, settlement balances and each
//! market's state (funding, open interest, last trade, book top), so every fill's margin
//! checks see the state after the fills before it, as without a working set. Outside a
//! working set every read goes to storage, as before.
//!
//! Portfolio checks keep each option series' premiums in every scenario of the scan
//! ([`risk_engine::portfolio::ScanMemo`]), keyed by everything they depend on (the series'
//! terms, the time left, the index, the volatility, the grid), so a later check in the
//! same call, of any account holding the series, revalues nothing: a liquidation checks
//! the account again after its closes, a taker is checked after every fill.
//!
//! A venue's call ([`Clearing::with_working_set`](crate::Clearing::with_working_set)) also
//! keeps each account's collateral balances, segregated holdings, synthetic debts and
//! margin mode once read: only deposits, withdrawals, borrows, repayments, liquidations,
//! `set_segregated`, `set_margin_mode` and the synthetics' mints, burns and redemptions
//! write them, none of which a venue call
//! reaches, so within one they cannot change (each writer forgets the account here all the
//! same). A liquidation's working set does not keep them: it moves collateral itself, in
//! storage layers that may roll back.
//!
//! The set lives in the call's memory (an `environmental` slot, the mechanism FRAME uses for
//! such per-call state): nothing is written, and it is gone when the call returns.

use alloc::{boxed::Box, vec::Vec};
use core::any::Any;

use risk_engine::{GuardedPrice, Price};

use crate::{pallet::*, CollateralConfig, LendingConfig, MarginMode, MarketId, PoolId};

environmental::environmental!(working_set: Box<dyn Any>);

/// What one call has read so far (see the module docs). Each list is short (the markets,
/// keys and assets of the accounts a call touches), so a linear search is the fastest map.
pub(crate) struct WorkingSet<T: Config> {
	now: Option<u64>,
	max_price_age: Option<u64>,
	lending: Vec<(T::AssetId, Option<(LendingConfig, risk_engine::money_market::Indices)>)>,
	guarded: Vec<(T::OracleKey, Option<GuardedPrice>)>,
	markets: Vec<(MarketId, Option<MarketParamsOf<T>>)>,
	collateral: Vec<(T::AssetId, Option<CollateralConfig<T::OracleKey>>)>,
	option_marks: Vec<((MarketId, Price, Option<Price>), Option<Price>)>,
	/// Margin-check surcharges priced so far, by account and traded market: what the check
	/// costs beyond the benchmarked one, without the reads that priced it.
	surcharges: Vec<((T::AccountId, MarketId), frame_support::weights::Weight)>,
	/// Whether accounts' collateral balances and margin modes are kept (a venue's call).
	keeps_accounts: bool,
	/// Accounts' collateral balances read so far (a venue's call only).
	collateral_balances: Vec<(T::AccountId, CollateralBalancesOf<T>)>,
	/// Accounts' segregated holdings read so far (a venue's call only).
	segregated_balances: Vec<(T::AccountId, SegregatedOf<T>)>,
	/// Accounts' margin modes read so far (a venue's call only).
	margin_modes: Vec<(T::AccountId, MarginMode)>,
	/// Accounts' synthetic debts read so far (a venue's call only).
	synthetic_debts: Vec<(T::AccountId, SyntheticDebtsOf<T>)>,
	/// Option series' scenario premiums from the portfolio scans so far, keyed by everything
	/// they depend on (index, volatility, grid, terms, time left).
	scan_memo: risk_engine::portfolio::ScanMemo,
	/// Accounts whose positions or collateral the call changed, rebanded once when it ends
	/// (see [`crate::bands`]).
	touched: Vec<T::AccountId>,
	/// Each market's pool (`None`: open), read once per call.
	market_pools: Vec<(MarketId, Option<PoolId>)>,
	/// What the call's liquidations closed of each account's cross positions, by the pool
	/// of the market (`None`: open markets), in settlement units at the mark: the shares of
	/// a bad debt that pools' insurance funds pay first (see [`crate::pools`]). Not a cache:
	/// kept through [`Pallet::forget_working_set`].
	cross_closes: Vec<(T::AccountId, Option<PoolId>, u128)>,
}

impl<T: Config> Default for WorkingSet<T> {
	fn default() -> Self {
		Self {
			now: None,
			max_price_age: None,
			lending: Vec::new(),
			guarded: Vec::new(),
			markets: Vec::new(),
			collateral: Vec::new(),
			option_marks: Vec::new(),
			surcharges: Vec::new(),
			keeps_accounts: false,
			collateral_balances: Vec::new(),
			segregated_balances: Vec::new(),
			margin_modes: Vec::new(),
			synthetic_debts: Vec::new(),
			scan_memo: Default::default(),
			touched: Vec::new(),
			market_pools: Vec::new(),
			cross_closes: Vec::new(),
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Runs `call` with a working set (see the module docs); inside one already, in it.
	pub fn with_working_set<R>(call: impl FnOnce() -> R) -> R {
		Self::with_set(false, call)
	}

	/// Runs a venue's `call` with a working set that also keeps accounts' collateral
	/// balances and margin modes (see the module docs).
	pub(crate) fn with_venue_working_set<R>(call: impl FnOnce() -> R) -> R {
		Self::with_set(true, call)
	}

	fn with_set<R>(keeps_accounts: bool, call: impl FnOnce() -> R) -> R {
		if working_set::with(|_| ()).is_some() {
			return call();
		}
		Self::run_in_set(WorkingSet::<T> { keeps_accounts, ..WorkingSet::default() }, call)
	}

	/// Runs `call` in a working set that takes the time to be `now_ms` and each key's price
	/// in force to be the one given, observed then: for genesis, which has neither a clock
	/// nor an oracle yet.
	pub(crate) fn with_assumed_prices<R>(
		now_ms: u64,
		prices: &[(T::OracleKey, Price)],
		call: impl FnOnce() -> R,
	) -> R {
		let guarded = prices
			.iter()
			.map(|(key, price)| {
				(*key, Some(GuardedPrice { accepted: *price, observed_at: now_ms, held: None }))
			})
			.collect();
		Self::run_in_set(
			WorkingSet::<T> { now: Some(now_ms), guarded, ..WorkingSet::default() },
			call,
		)
	}

	fn run_in_set<R>(set: WorkingSet<T>, call: impl FnOnce() -> R) -> R {
		let mut set: Box<dyn Any> = Box::new(set);
		working_set::using(&mut set, || {
			let result = call();
			// Every account the call changed gets its bands from its final state, once, in
			// the call's own storage layer (a failed call rolls them back with the rest).
			let touched = Self::in_working_set(|set| core::mem::take(&mut set.touched));
			for who in touched.unwrap_or_default() {
				Self::reband(&who);
			}
			result
		})
	}

	/// Notes `who` for a reband when the working set's call ends; `false` outside one.
	pub(crate) fn note_touched_in_working_set(who: &T::AccountId) -> bool {
		Self::in_working_set(|set| {
			if !set.touched.contains(who) {
				set.touched.push(who.clone());
			}
		})
		.is_some()
	}

	/// `use_set` on the working set, if a call runs in one.
	fn in_working_set<R>(use_set: impl FnOnce(&mut WorkingSet<T>) -> R) -> Option<R> {
		working_set::with(|set| set.downcast_mut::<WorkingSet<T>>().map(use_set)).flatten()
	}

	/// `load()`, once per call in a working set: `slot` finds the cached value (`Some`) or
	/// says it is not there yet (`None`); `keep` stores a loaded one.
	fn cached<V: Clone>(
		slot: impl FnOnce(&WorkingSet<T>) -> Option<V>,
		keep: impl FnOnce(&mut WorkingSet<T>, V),
		load: impl FnOnce() -> V,
	) -> V {
		if let Some(Some(value)) = Self::in_working_set(|set| slot(set)) {
			return value;
		}
		let value = load();
		Self::in_working_set(|set| keep(set, value.clone()));
		value
	}

	/// The time now (ms), read once per working set.
	pub fn now() -> u64 {
		Self::cached(
			|set| set.now,
			|set, now| set.now = Some(now),
			<T::Time as frame_support::traits::Time>::now,
		)
	}

	/// The pallet-wide maximum price age (ms), read once per working set.
	pub(crate) fn max_price_age() -> u64 {
		Self::cached(
			|set| set.max_price_age,
			|set, age| set.max_price_age = Some(age),
			MaxPriceAge::<T>::get,
		)
	}

	/// `load()` of something of `who`'s, kept in `list` once read during a venue's call
	/// (a working set that keeps accounts); read from storage every time otherwise.
	fn kept_for_account<V: Clone>(
		who: &T::AccountId,
		list: fn(&mut WorkingSet<T>) -> &mut Vec<(T::AccountId, V)>,
		load: impl Fn() -> V,
	) -> V {
		let kept = Self::in_working_set(|set| {
			set.keeps_accounts.then(|| {
				list(set).iter().find(|(account, _)| account == who).map(|(_, v)| v.clone())
			})
		})
		.flatten();
		match kept {
			Some(Some(value)) => value,
			Some(None) => {
				let value = load();
				Self::in_working_set(|set| list(set).push((who.clone(), value.clone())));
				value
			},
			None => load(),
		}
	}

	/// `who`'s collateral balances; read once per venue call.
	pub(crate) fn collateral_balances(who: &T::AccountId) -> CollateralBalancesOf<T> {
		Self::kept_for_account(
			who,
			|set| &mut set.collateral_balances,
			|| CollateralBalances::<T>::get(who),
		)
	}

	/// `who`'s segregated holdings; read once per venue call, like its balances.
	pub(crate) fn segregated_balances(who: &T::AccountId) -> SegregatedOf<T> {
		Self::kept_for_account(
			who,
			|set| &mut set.segregated_balances,
			|| SegregatedBalances::<T>::get(who),
		)
	}

	/// `who`'s margin mode; read once per venue call.
	pub(crate) fn margin_mode(who: &T::AccountId) -> MarginMode {
		Self::kept_for_account(who, |set| &mut set.margin_modes, || MarginModes::<T>::get(who))
	}

	/// `who`'s synthetic debts; read once per venue call, like its balances.
	pub(crate) fn synthetic_debts(who: &T::AccountId) -> SyntheticDebtsOf<T> {
		Self::kept_for_account(
			who,
			|set| &mut set.synthetic_debts,
			|| SyntheticDebts::<T>::get(who),
		)
	}

	/// Forgets `who`'s kept collateral balances, segregated holdings, synthetic debts and
	/// margin mode after a write to any of them.
	pub(crate) fn forget_account(who: &T::AccountId) {
		Self::in_working_set(|set| {
			set.synthetic_debts.retain(|(account, _)| account != who);
			set.collateral_balances.retain(|(account, _)| account != who);
			set.segregated_balances.retain(|(account, _)| account != who);
			set.margin_modes.retain(|(account, _)| account != who);
			set.surcharges.retain(|((account, _), _)| account != who);
		});
	}

	/// `asset`'s money market and the indices its conversions use in this block, read once
	/// per working set: the indices move only at the end of a block, the market only by
	/// governance at its start.
	pub(crate) fn lending_view(
		asset: T::AssetId,
	) -> Option<(LendingConfig, risk_engine::money_market::Indices)> {
		Self::cached(
			|set| set.lending.iter().find(|(id, _)| *id == asset).map(|(_, view)| view.clone()),
			|set, view| set.lending.push((asset, view)),
			|| {
				LendingMarkets::<T>::get(asset)
					.map(|config| (config, LendingIndices::<T>::get(asset)))
			},
		)
	}

	/// A market's parameters, read once per working set.
	pub(crate) fn market_params(market: MarketId) -> Option<MarketParamsOf<T>> {
		Self::cached(
			|set| set.markets.iter().find(|(id, _)| *id == market).map(|(_, p)| p.clone()),
			|set, params| set.markets.push((market, params)),
			|| Markets::<T>::get(market),
		)
	}

	/// The pool `market` is restricted to (`None`: open to all), read once per working set.
	pub(crate) fn market_pool(market: MarketId) -> Option<PoolId> {
		Self::cached(
			|set| set.market_pools.iter().find(|(id, _)| *id == market).map(|(_, pool)| *pool),
			|set, pool| set.market_pools.push((market, pool)),
			|| MarketPools::<T>::get(market),
		)
	}

	/// Forgets `market`'s cached pool after it changed.
	pub(crate) fn forget_market_pool(market: MarketId) {
		Self::in_working_set(|set| set.market_pools.retain(|(id, _)| *id != market));
	}

	/// Notes that a liquidation closed `value` (settlement units) of `who`'s cross position
	/// in `market`, for [`Self::closes_in_working_set`]; nothing outside a working set.
	pub(crate) fn note_cross_close(who: &T::AccountId, market: MarketId, value: u128) {
		let pool = Self::market_pool(market);
		Self::in_working_set(|set| {
			match set.cross_closes.iter_mut().find(|(account, of, _)| account == who && *of == pool)
			{
				Some((_, _, closed)) => *closed = closed.saturating_add(value),
				None => set.cross_closes.push((who.clone(), pool, value)),
			}
		});
	}

	/// What this call's liquidations closed of `who`'s cross positions, by pool (`None`:
	/// open markets), in settlement units.
	pub(crate) fn closes_in_working_set(who: &T::AccountId) -> Vec<(Option<PoolId>, u128)> {
		Self::in_working_set(|set| {
			set.cross_closes
				.iter()
				.filter(|(account, _, _)| account == who)
				.map(|(_, pool, value)| (*pool, *value))
				.collect()
		})
		.unwrap_or_default()
	}

	/// A collateral asset's configuration, read once per working set.
	pub(crate) fn collateral_config(asset: T::AssetId) -> Option<CollateralConfig<T::OracleKey>> {
		Self::cached(
			|set| set.collateral.iter().find(|(id, _)| *id == asset).map(|(_, c)| c.clone()),
			|set, config| set.collateral.push((asset, config)),
			|| CollateralAssets::<T>::get(asset),
		)
	}

	/// `key`'s price in force (see [`Self::guarded_price`]), worked out once per working set.
	pub(crate) fn cached_guarded_price(
		key: &T::OracleKey,
		load: impl FnOnce() -> Option<GuardedPrice>,
	) -> Option<GuardedPrice> {
		Self::cached(
			|set| set.guarded.iter().find(|(k, _)| k == key).map(|(_, g)| *g),
			|set, guarded| set.guarded.push((*key, guarded)),
			load,
		)
	}

	/// An option series' model mark at `index` and `volatility`, worked out once per working
	/// set (the clock, and so the time to expiry, stands still within a call).
	pub(crate) fn cached_option_mark(
		market: MarketId,
		index: Price,
		volatility: Option<Price>,
		load: impl FnOnce() -> Option<Price>,
	) -> Option<Price> {
		let key = (market, index, volatility);
		Self::cached(
			|set| set.option_marks.iter().find(|(k, _)| *k == key).map(|(_, m)| *m),
			|set, mark| set.option_marks.push((key, mark)),
			load,
		)
	}

	/// What a margin check of `who` after a trade in `market` costs beyond the benchmarked
	/// one, priced by `price` once per working set. A trade in `market` cannot change it
	/// (the price counts `market`'s position whether it is open yet or not), and nothing else
	/// in a venue call moves an account's mode or other positions. `Err` carries a price
	/// worked out just now, whose reads the caller charges; `Ok` one from memory.
	pub(crate) fn cached_surcharge(
		who: &T::AccountId,
		market: MarketId,
		price: impl FnOnce() -> frame_support::weights::Weight,
	) -> Result<frame_support::weights::Weight, frame_support::weights::Weight> {
		let found = Self::in_working_set(|set| {
			set.surcharges
				.iter()
				.find(|((account, id), _)| *id == market && account == who)
				.map(|(_, weight)| *weight)
		})
		.flatten();
		if let Some(weight) = found {
			return Ok(weight);
		}
		let weight = price();
		Self::in_working_set(|set| set.surcharges.push(((who.clone(), market), weight)));
		Err(weight)
	}

	/// `scan` with the working set's memo of scenario premiums (taken out for the scan and
	/// put back after it), or with an empty one outside a working set.
	pub(crate) fn with_scan_memo<R>(
		scan: impl FnOnce(&mut risk_engine::portfolio::ScanMemo) -> R,
	) -> R {
		let mut memo =
			Self::in_working_set(|set| core::mem::take(&mut set.scan_memo)).unwrap_or_default();
		let result = scan(&mut memo);
		Self::in_working_set(|set| set.scan_memo = memo);
		result
	}

	/// Forgets `market`'s cached parameters and marks after they changed (should a call in
	/// a working set ever change them).
	pub(crate) fn forget_market(market: MarketId) {
		Self::in_working_set(|set| {
			set.markets.retain(|(id, _)| *id != market);
			set.option_marks.retain(|((id, _, _), _)| *id != market);
		});
	}

	/// Forgets everything cached, after a change the set cannot follow item by item
	/// (governance's parameters, a collateral listing, new guards). The accounts still to
	/// reband are no cache: they stay.
	pub(crate) fn forget_working_set() {
		Self::in_working_set(|set| {
			let touched = core::mem::take(&mut set.touched);
			let cross_closes = core::mem::take(&mut set.cross_closes);
			let keeps_accounts = set.keeps_accounts;
			*set = WorkingSet { touched, cross_closes, keeps_accounts, ..WorkingSet::default() };
		});
	}
}
