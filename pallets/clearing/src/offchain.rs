//! The liquidation off-chain worker.
//!
//! On validators, after each block is imported, the worker checks the books that block can
//! have put below maintenance, with the same functions the runtime uses, and submits the
//! ones below maintenance in unsigned [`liquidate_many`](crate::Pallet::liquidate_many)
//! batches of up to [`MAX_LIQUIDATION_BATCH`], each sent as soon as it is full. The chain
//! re-checks every target in `validate_unsigned` and again when the batch runs.
//!
//! - **Targeted checks.** The liquidation index ([`crate::bands`]) says which scopes an
//!   update can have made unsafe: those whose band an oracle price has reached, those past
//!   their band's horizon, and the unbanded. The worker checks those first, at most
//!   [`Config::MaxFlaggedChecksPerBlock`] of them, whatever the number of accounts: a book
//!   below maintenance is submitted after the block that put it there.
//! - **The sweep, a backstop.** Then at most [`Pallet::liquidation_scan_limit`] accounts
//!   (a risk parameter, capped by [`Config::MaxAccountsScannedPerBlock`]) from a cursor in
//!   persistent off-chain storage (the last entry read), wrapping around at the end: the
//!   holders of positions, then the borrowers ([`Borrowers`]) that hold none. So every
//!   account is also checked once every `(holders + borrowers) / limit` blocks. An account the
//!   sweep finds below maintenance that the index did not flag is a *miss*: it is logged as
//!   an error and counted (the tests require none). While bands are rebuilt after a
//!   parameter change, stored bands may be too wide, so misses are expected and not
//!   counted.
//! - **One run at a time.** A `StorageLock` keeps two workers (for two quickly imported
//!   blocks) from scanning the same slice at once; the second skips its turn. Its deadline
//!   is extended as the scan goes, so the lock covers the whole run however long it takes.
//! - **Expiry settlement.** An account checked that holds a position in an expired option
//!   series gets an unsigned [`settle_expired`](crate::Pallet::settle_expired) (see
//!   [`crate::options`]).
//! - **Auto-deleveraging.** When the insurance fund's equity is negative, the worker submits
//!   an unsigned [`auto_deleverage`](crate::Pallet::auto_deleverage) for each market where
//!   the fund holds a position and the front of the opposite queue is in profit. It names
//!   nobody: the chain takes the counterparties from its own deleveraging queue (see
//!   [`crate::deleverage`]), so the worker ranks nothing.
//! - **Fork-safe.** The cursor is only a position in the scan; every decision is re-made on
//!   chain, so a cursor written on an abandoned fork costs at most a skipped slice.

use alloc::vec::Vec;
use frame_support::traits::Get;
use frame_system::offchain::SubmitTransaction;
use sp_runtime::offchain::{
	storage::StorageValueRef,
	storage_lock::{StorageLock, Time},
	Duration,
};

use crate::{pallet::*, LiquidationTarget, MarketId, MAX_LIQUIDATION_BATCH};
use frame_support::BoundedVec;

/// Where the scan's cursor (the raw storage key of the last account checked) lives.
pub const CURSOR_KEY: &[u8] = b"clearing::liquidation-scan::cursor";
/// The lock that keeps runs apart.
const LOCK_KEY: &[u8] = b"clearing::liquidation-scan::lock";
/// How long the lock holds without being extended: a run extends it every
/// [`LOCK_EXTEND_EVERY`] accounts, so it covers the whole run.
const LOCK_MS: u64 = 2_000;
/// How many accounts a run checks between extensions of its lock.
const LOCK_EXTEND_EVERY: u32 = 100;

/// What one run of the worker did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanReport<AccountId> {
	/// Scopes the liquidation index flagged, all checked.
	pub flagged: u32,
	/// Entries the sweep read: holders of positions, then borrowers (of which those
	/// without positions are checked).
	pub scanned: u32,
	/// Scopes the sweep found below maintenance that the index had not flagged (outside a
	/// rebuild, none).
	pub missed: Vec<(AccountId, Option<MarketId>)>,
	/// Cross books whose liquidation was submitted (in batches of
	/// [`crate::Pallet::liquidate_many`]).
	pub cross: Vec<AccountId>,
	/// Isolated positions whose liquidation was submitted.
	pub isolated: Vec<(AccountId, MarketId)>,
	/// Expiry settlements submitted.
	pub settled: Vec<AccountId>,
	/// Whether the scan reached the last account and starts over next time.
	pub wrapped: bool,
	/// Markets an auto-deleveraging was submitted for.
	pub deleveraged: Vec<MarketId>,
}

impl<T: Config> Pallet<T> {
	/// One run of the worker (see the module docs). Returns `None` when another run holds
	/// the lock or the node is not a validator.
	pub fn scan_for_liquidations() -> Option<ScanReport<T::AccountId>> {
		if !sp_io::offchain::is_validator() {
			return None;
		}
		let mut lock = StorageLock::<Time>::with_deadline(LOCK_KEY, Duration::from_millis(LOCK_MS));
		let mut guard = lock.try_lock().ok()?;

		let cursor_ref = StorageValueRef::persistent(CURSOR_KEY);
		let cursor: Option<Vec<u8>> = cursor_ref.get().ok().flatten();
		let mut accounts = Self::accounts_at_risk_from(cursor.as_deref().unwrap_or_default());
		let limit = Self::liquidation_scan_limit();
		let mut report = ScanReport {
			flagged: 0,
			missed: Vec::new(),
			scanned: 0,
			cross: Vec::new(),
			isolated: Vec::new(),
			settled: Vec::new(),
			wrapped: false,
			deleveraged: Vec::new(),
		};
		let flagged = Self::flagged_scopes(T::MaxFlaggedChecksPerBlock::get(), true);
		let mut batch = Vec::new();
		for (checked, (who, scope)) in flagged.iter().enumerate() {
			if (checked as u32 + 1) % LOCK_EXTEND_EVERY == 0 {
				let _ = guard.extend_lock();
			}
			let below = match scope {
				None => Self::cross_liquidatable(who),
				Some(market) => Self::isolated_liquidatable(who, *market),
			};
			if below {
				Self::add_to_batch(&mut batch, who, *scope, &mut report);
			}
		}
		report.flagged = flagged.len() as u32;
		let rebuilding = Self::band_rebuild_running();
		let was_flagged = |who: &T::AccountId, scope: Option<MarketId>| {
			flagged
				.iter()
				.any(|(flagged_who, flagged_scope)| flagged_who == who && *flagged_scope == scope)
		};

		let mut last_key = None;
		while report.scanned < limit {
			let Some(step) = accounts.next() else {
				report.wrapped = true;
				break;
			};
			report.scanned += 1;
			if report.scanned % LOCK_EXTEND_EVERY == 0 {
				// Still running: keep the next block's worker out of this slice.
				let _ = guard.extend_lock();
			}
			last_key = Some(step.raw_key);
			if !step.at_risk {
				continue;
			}
			let who = step.who;
			let positions = Positions::<T>::get(&who);
			if Self::cross_liquidatable(&who) && !was_flagged(&who, None) {
				if !rebuilding {
					report.missed.push((who.clone(), None));
				}
				Self::add_to_batch(&mut batch, &who, None, &mut report);
			}
			if Self::has_expired_positions(&who)
				&& Self::submit(Call::settle_expired { who: who.clone() })
			{
				report.settled.push(who.clone());
			}
			for (market, record) in positions.iter() {
				if record.isolated_margin.is_some()
					&& Self::isolated_liquidatable(&who, *market)
					&& !was_flagged(&who, Some(*market))
				{
					if !rebuilding {
						report.missed.push((who.clone(), Some(*market)));
					}
					Self::add_to_batch(&mut batch, &who, Some(*market), &mut report);
				}
			}
		}
		Self::submit_batch(&mut batch, &mut report);
		for (who, market) in &report.missed {
			log::error!(
				target: "clearing",
				"the liquidation index missed {:?} (scope {:?}): below maintenance, not flagged",
				who,
				market,
			);
		}
		report.deleveraged = Self::submit_deleveraging();
		match (report.wrapped, last_key) {
			(false, Some(key)) => cursor_ref.set(&key),
			_ => {
				let mut cursor_ref = cursor_ref;
				cursor_ref.clear();
			},
		}
		Some(report)
	}

	/// Adds a scope below maintenance to the batch being filled, with its witness, and
	/// submits the batch once it is full: the first batches reach the pool while the worker
	/// still checks the rest.
	fn add_to_batch(
		batch: &mut Vec<LiquidationTarget<T::AccountId>>,
		who: &T::AccountId,
		market: Option<MarketId>,
		report: &mut ScanReport<T::AccountId>,
	) {
		batch.push(LiquidationTarget {
			who: who.clone(),
			market,
			positions: Positions::<T>::decode_len(who).unwrap_or(0) as u32,
			portfolio: MarginModes::<T>::get(who) == crate::MarginMode::Portfolio,
			borrows: Borrowers::<T>::get(who).unwrap_or(0),
		});
		if batch.len() as u32 >= MAX_LIQUIDATION_BATCH {
			Self::submit_batch(batch, report);
		}
	}

	/// Submits the batch as one unsigned `liquidate_many` and empties it; the report lists
	/// its targets if the pool took it.
	fn submit_batch(
		batch: &mut Vec<LiquidationTarget<T::AccountId>>,
		report: &mut ScanReport<T::AccountId>,
	) {
		if batch.is_empty() {
			return;
		}
		let targets = core::mem::take(batch);
		let call = Call::liquidate_many { targets: BoundedVec::truncate_from(targets.clone()) };
		if Self::submit(call) {
			for target in targets {
				match target.market {
					None => report.cross.push(target.who),
					Some(market) => report.isolated.push((target.who, market)),
				}
			}
		}
	}

	/// When the insurance fund is in deficit, submits one auto-deleveraging per market where
	/// it applies; returns those markets.
	fn submit_deleveraging() -> Vec<MarketId> {
		if Self::insurance_deficit() == 0 {
			return Vec::new();
		}
		Positions::<T>::get(T::InsuranceAccount::get())
			.keys()
			.copied()
			.filter(|market| {
				Self::deleverage_applies(*market)
					&& Self::submit(Call::auto_deleverage { market: *market })
			})
			.collect()
	}

	/// Submits `call` as an unsigned transaction; whether the pool took it.
	fn submit(call: Call<T>) -> bool {
		let xt = T::create_bare(call.into());
		match SubmitTransaction::<T, Call<T>>::submit_transaction(xt) {
			Ok(()) => true,
			Err(()) => {
				log::debug!(target: "clearing", "the pool refused a liquidation transaction");
				false
			},
		}
	}
}
