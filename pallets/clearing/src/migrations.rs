//! Storage migrations.
//!
//! - **v1** adds the instrument to every market's parameters: markets listed before option
//!   series existed are perpetuals ([`v1::MigrateToV1`]).
//! - **v2** drops the jump breaker's time-based hold: time alone no longer confirms a jump,
//!   so [`JumpBreakerParams`] keeps only its bound ([`v2::MigrateToV2`]).
//! - **v3** starts the liquidation index ([`crate::bands`]): every account that holds a
//!   position gets its bands. On a large chain that is more than one block's work, so the
//!   migration only starts a rebuild ([`BandRebuild`]) that `on_idle` carries through, a
//!   slice a block, while the worker sweeps every account as before ([`v3::MigrateToV3`]).
//! - **v4** opens a money market in every listed asset ([`crate::lending`]): balances become
//!   scaled amounts at indices of one, so no balance is rewritten (a `u128` collateral
//!   balance and an `i128` one below `2^127` encode alike). The markets are opened with
//!   the runtime's configs, the settlement debt keeping the liability factor it had; each
//!   non-settlement asset's totals are its deposits (every balance was a supply). The
//!   settlement asset's totals and the borrowers' index need every settlement balance: a
//!   pass ([`LendingSetup`]) that `on_idle` carries through a slice a block, during which
//!   the settlement market accrues nothing and a write to a balance the pass has not
//!   reached leaves the totals to the pass. Bands are rebuilt: a debt now reserves for its
//!   interest ([`v4::MigrateToV4`]).
//! - **v5** keeps, beside each balance, what was put in and taken out, so that reports tell
//!   the interest it has accrued. A version 4 settlement entry decodes with no principal;
//!   a pass ([`PrincipalSetup`]) that `on_idle` carries a slice a block gives every
//!   balance its principal, and a balance changed first gets one at that change
//!   ([`v5::MigrateToV5`]).

use crate::{pallet::*, Instrument, MarketParams};

/// Version 0 to 1: `MarketParams` gained `instrument` as its last field.
pub mod v1 {
	use super::*;
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		BoundedVec,
	};
	use risk_engine::{MarginTier, Price};
	use sp_arithmetic::Perbill;

	/// `MarketParams` as version 0 stored it: everything but the instrument.
	#[derive(Encode, Decode)]
	pub struct MarketParamsV0<OracleKey, MaxSymbolLen: Get<u32>, MaxTiers: Get<u32>> {
		/// Ticker.
		pub symbol: BoundedVec<u8, MaxSymbolLen>,
		/// The underlying's oracle key.
		pub oracle_key: OracleKey,
		/// Size decimals.
		pub size_decimals: u8,
		/// Tick size.
		pub tick_size: Price,
		/// Lot size.
		pub lot_size: u128,
		/// Minimum size.
		pub min_size: u128,
		/// Margin schedule.
		pub tiers: BoundedVec<MarginTier, MaxTiers>,
		/// Taker fee.
		pub taker_fee: Perbill,
		/// Maker fee.
		pub maker_fee: Perbill,
		/// Funding interval (ms).
		pub funding_interval_ms: u64,
		/// Funding cap.
		pub funding_rate_cap: Perbill,
		/// Mark band.
		pub mark_price_band: Perbill,
		/// The market's own maximum price age.
		pub max_price_age_ms: Option<u64>,
		/// Open-interest cap.
		pub open_interest_cap: u128,
		/// Status.
		pub status: crate::MarketStatus,
	}

	/// Rewrites every market as a perpetual with its version-0 parameters.
	pub struct UncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			// Written in the version-1 layout, which version 2 then translates: the typed
			// `translate` would write today's layout and leave v2 nothing it can read.
			let mut migrated: u64 = 0;
			let markets: alloc::vec::Vec<_> = Markets::<T>::iter_keys().collect();
			for market in markets {
				let key = Markets::<T>::hashed_key_for(market);
				let Some(raw) = frame_support::storage::unhashed::get_raw(&key) else { continue };
				let Ok(old) =
					MarketParamsV0::<T::OracleKey, T::MaxSymbolLength, T::MaxMarginTiers>::decode(
						&mut &raw[..],
					)
				else {
					log::warn!(target: "clearing", "v1: market {market} did not decode; left as it was");
					continue;
				};
				migrated += 1;
				let new = super::v2::MarketParamsV1 {
					symbol: old.symbol,
					oracle_key: old.oracle_key,
					size_decimals: old.size_decimals,
					tick_size: old.tick_size,
					lot_size: old.lot_size,
					min_size: old.min_size,
					tiers: old.tiers,
					taker_fee: old.taker_fee,
					maker_fee: old.maker_fee,
					funding_interval_ms: old.funding_interval_ms,
					funding_rate_cap: old.funding_rate_cap,
					mark_price_band: old.mark_price_band,
					max_price_age_ms: old.max_price_age_ms,
					open_interest_cap: old.open_interest_cap,
					status: old.status,
					instrument: Instrument::Perpetual,
				};
				frame_support::storage::unhashed::put_raw(&key, &new.encode());
			}
			T::DbWeight::get().reads_writes(migrated + 1, migrated)
		}
	}

	/// [`UncheckedMigrateToV1`], run only while the pallet's storage is at version 0, which
	/// it then sets to 1.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		UncheckedMigrateToV1<T>,
		crate::pallet::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 1 to 2: `JumpBreaker` lost `confirm_blocks` (time no longer confirms a jump) and
/// `MarketParams` gained `price_band` as its last field.
pub mod v2 {
	use super::*;
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		BoundedVec,
	};
	use risk_engine::{MarginTier, Price};
	use sp_arithmetic::Perbill;

	/// `MarketParams` as version 1 stored it: everything but the price band.
	#[derive(Encode, Decode)]
	pub struct MarketParamsV1<OracleKey, MaxSymbolLen: Get<u32>, MaxTiers: Get<u32>> {
		/// Ticker.
		pub symbol: BoundedVec<u8, MaxSymbolLen>,
		/// The underlying's oracle key.
		pub oracle_key: OracleKey,
		/// Size decimals.
		pub size_decimals: u8,
		/// Tick size.
		pub tick_size: Price,
		/// Lot size.
		pub lot_size: u128,
		/// Minimum size.
		pub min_size: u128,
		/// Margin schedule.
		pub tiers: BoundedVec<MarginTier, MaxTiers>,
		/// Taker fee.
		pub taker_fee: Perbill,
		/// Maker fee.
		pub maker_fee: Perbill,
		/// Funding interval (ms).
		pub funding_interval_ms: u64,
		/// Funding cap.
		pub funding_rate_cap: Perbill,
		/// Mark band.
		pub mark_price_band: Perbill,
		/// The market's own maximum price age.
		pub max_price_age_ms: Option<u64>,
		/// Open-interest cap.
		pub open_interest_cap: u128,
		/// Status.
		pub status: crate::MarketStatus,
		/// Perpetual or option series.
		pub instrument: Instrument<OracleKey>,
	}

	/// `JumpBreaker` as version 1 stored it.
	#[derive(Encode, Decode)]
	pub struct JumpBreakerV1 {
		/// The largest move one update may make.
		pub bound: Perbill,
		/// How many blocks a jump was held before it stood unconfirmed.
		pub confirm_blocks: u32,
	}

	/// `MarketState` as version 1 stored it: without the funding rate in force.
	#[derive(Encode, Decode)]
	pub struct MarketStateV1 {
		/// Cumulative funding index.
		pub funding_index: sp_arithmetic::FixedI128,
		/// When funding last accrued (ms).
		pub last_funding_ms: u64,
		/// Open interest.
		pub open_interest: u128,
		/// The last trade's price.
		pub last_trade_price: Option<Price>,
		/// The book's best bid.
		pub best_bid: Option<Price>,
		/// The book's best ask.
		pub best_ask: Option<Price>,
	}

	/// Lists the perpetuals ([`Perpetuals`]); puts every open position in its market's
	/// deleveraging queue (one pass over every account with positions: a few thousand on the
	/// chains this migration meets; a larger chain would run it as a multi-block migration);
	/// gives every market's
	/// state the funding rate of its prices now (what version 1 would
	/// have charged the time since its last accrual at);
	/// gives every market the default price band ([`crate::DEFAULT_PRICE_BAND`]) and caps
	/// its mark band at [`crate::MAX_MARK_PRICE_BAND`]; keeps the breaker's bound, raised to
	/// [`crate::MIN_JUMP_BREAKER_BOUND`] when it was on and tighter. Risk changes still pending from the block before the upgrade were
	/// scheduled under the old encoding; they are dropped (and logged) rather than decoded
	/// wrongly, and governance schedules them again.
	pub struct UncheckedMigrateToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut markets: u64 = 0;
			Markets::<T>::translate::<
				MarketParamsV1<T::OracleKey, T::MaxSymbolLength, T::MaxMarginTiers>,
				_,
			>(|_, old| {
				markets += 1;
				Some(MarketParams {
					symbol: old.symbol,
					oracle_key: old.oracle_key,
					size_decimals: old.size_decimals,
					tick_size: old.tick_size,
					lot_size: old.lot_size,
					min_size: old.min_size,
					tiers: old.tiers,
					taker_fee: old.taker_fee,
					maker_fee: old.maker_fee,
					funding_interval_ms: old.funding_interval_ms,
					funding_rate_cap: old.funding_rate_cap,
					mark_price_band: old.mark_price_band.min(crate::MAX_MARK_PRICE_BAND),
					max_price_age_ms: old.max_price_age_ms,
					open_interest_cap: old.open_interest_cap,
					status: old.status,
					instrument: old.instrument,
					price_band: crate::DEFAULT_PRICE_BAND,
				})
			});
			let migrated = JumpBreakerParams::<T>::translate::<JumpBreakerV1, _>(|old| {
				old.map(|old| {
					let bound = if old.bound.is_zero() {
						old.bound
					} else {
						old.bound.max(crate::MIN_JUMP_BREAKER_BOUND)
					};
					risk_engine::JumpBreaker { bound }
				})
			});
			let mut states: u64 = 0;
			MarketStates::<T>::translate::<MarketStateV1, _>(|market, old| {
				states += 1;
				let mut state = crate::MarketState {
					funding_index: old.funding_index,
					last_funding_ms: old.last_funding_ms,
					open_interest: old.open_interest,
					last_trade_price: old.last_trade_price,
					best_bid: old.best_bid,
					best_ask: old.best_ask,
					funding_rate: Default::default(),
					funding_rate_index: Default::default(),
				};
				let params = Markets::<T>::get(market);
				let prices = params
					.as_ref()
					.and_then(|params| Pallet::<T>::market_prices(market, params, &state));
				if let (Some(params), Some(prices)) = (params, prices) {
					if !params.instrument.is_option() {
						state.funding_rate = risk_engine::funding_rate(
							prices.mark,
							prices.index,
							params.funding_rate_cap,
						);
						state.funding_rate_index = prices.index;
					}
				}
				Some(state)
			});
			// The perpetuals, which accrue funding every block.
			for (market, params) in Markets::<T>::iter() {
				if Pallet::<T>::note_perpetual(market, &params).is_err() {
					log::warn!(target: "clearing", "v2: perpetual {market} beyond the list's bound");
				}
			}
			// Every open position joins its market's deleveraging queue.
			let mut queued: u64 = 0;
			for (who, positions) in Positions::<T>::iter() {
				for (market, record) in positions.iter() {
					let Some(params) = Markets::<T>::get(market) else { continue };
					let scale = Pallet::<T>::market_scale(&params);
					Pallet::<T>::requeue(&who, *market, &scale, None, Some(record));
					queued += 1;
				}
			}
			if migrated.is_err() {
				log::warn!(target: "clearing", "v2: the stored jump breaker did not decode; default in force");
				JumpBreakerParams::<T>::kill();
			}
			if PendingRiskChanges::<T>::exists() {
				log::warn!(target: "clearing", "v2: risk changes pending at the upgrade were dropped");
				PendingRiskChanges::<T>::kill();
			}
			// Each state's prices read the oracle, its guard and the breaker as well.
			T::DbWeight::get()
				.reads_writes(markets + 5 * states + 2 * queued + 2, markets + states + queued + 2)
		}
	}

	/// [`UncheckedMigrateToV2`], run only while the pallet's storage is at version 1, which
	/// it then sets to 2.
	pub type MigrateToV2<T> = VersionedMigration<
		1,
		2,
		UncheckedMigrateToV2<T>,
		crate::pallet::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 2 to 3: the liquidation index starts as a rebuild of every band.
pub mod v3 {
	use super::*;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
	};

	/// Starts a rebuild of every account's bands (see the module docs).
	pub struct UncheckedMigrateToV3<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV3<T> {
		fn on_runtime_upgrade() -> Weight {
			Pallet::<T>::start_band_rebuild();
			T::DbWeight::get().writes(1)
		}
	}

	/// [`UncheckedMigrateToV3`], run only while the pallet's storage is at version 2, which
	/// it then sets to 3.
	pub type MigrateToV3<T> = VersionedMigration<
		2,
		3,
		UncheckedMigrateToV3<T>,
		crate::pallet::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 3 to 4: the money markets (see the module docs).
pub mod v4 {
	use super::*;
	use crate::{LendingConfig, PoolTotals};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
		BoundedVec,
	};

	/// The raw key of version 3's `LiabilityFactor`: `twox128(pallet) ++
	/// twox128("LiabilityFactor")`.
	pub fn liability_factor_key<T: Config>() -> [u8; 32] {
		frame_support::storage::storage_prefix(
			<Pallet<T> as frame_support::traits::PalletInfoAccess>::name().as_bytes(),
			b"LiabilityFactor",
		)
	}

	/// Opens the money markets; `Configs` names each listed asset's (an asset not named
	/// gets the listing default).
	pub struct UncheckedMigrateToV4<T, Configs>(core::marker::PhantomData<(T, Configs)>);

	impl<T: Config, Configs: Get<alloc::vec::Vec<(T::AssetId, LendingConfig)>>>
		UncheckedOnRuntimeUpgrade for UncheckedMigrateToV4<T, Configs>
	{
		fn on_runtime_upgrade() -> Weight {
			let settlement = T::SettlementAsset::get();
			let key = liability_factor_key::<T>();
			let factor: Option<sp_arithmetic::FixedU128> =
				frame_support::storage::unhashed::get(&key);
			frame_support::storage::unhashed::kill(&key);
			let configs = Configs::get();
			let assets: alloc::vec::Vec<T::AssetId> = CollateralAssets::<T>::iter_keys().collect();
			let mut writes: u64 = 3;
			for asset in &assets {
				let mut config = configs
					.iter()
					.find(|(listed, _)| listed == asset)
					.map(|(_, config)| config.clone())
					.unwrap_or_else(|| match *asset == settlement {
						true => LendingConfig::settlement_default(),
						false => LendingConfig::listing_default(),
					});
				if *asset == settlement {
					// Healths do not move: the debt keeps the weight it had.
					if let Some(factor) = factor {
						config.liability_weights = risk_engine::LiabilityWeights::uniform(factor);
					}
				}
				if let Err(error) = Pallet::<T>::open_lending_market(*asset, Some(config.clone())) {
					log::error!(
						target: "clearing",
						"v4: asset {:?}'s money market is invalid ({:?}); opened with the default",
						asset,
						error,
					);
					let _ = Pallet::<T>::open_lending_market(
						*asset,
						Some(match *asset == settlement {
							true => LendingConfig::settlement_default(),
							false => LendingConfig::listing_default(),
						}),
					);
				}
				if *asset != settlement {
					LendingTotals::<T>::insert(
						asset,
						PoolTotals {
							scaled_supply: TotalDeposits::<T>::get(asset),
							..Default::default()
						},
					);
				}
				writes += 3;
			}
			LendingTotals::<T>::insert(settlement, PoolTotals::default());
			LendingSetup::<T>::put(BoundedVec::new());
			Pallet::<T>::start_band_rebuild();
			T::DbWeight::get().reads_writes(2 + 2 * assets.len() as u64, writes)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			// Every collateral balance must read the same as an `i128`.
			for (_, balances) in CollateralBalances::<T>::iter() {
				frame_support::ensure!(
					balances.values().all(|balance| *balance >= 0),
					"a version-3 collateral balance is at or above 2^127"
				);
			}
			Ok(alloc::vec::Vec::new())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			for asset in CollateralAssets::<T>::iter_keys() {
				frame_support::ensure!(
					LendingMarkets::<T>::contains_key(asset),
					"a listed asset has no money market"
				);
			}
			frame_support::ensure!(LendingSetup::<T>::exists(), "the set-up pass did not start");
			Ok(())
		}
	}

	/// [`UncheckedMigrateToV4`], run only while the pallet's storage is at version 3, which
	/// it then sets to 4.
	pub type MigrateToV4<T, Configs> = VersionedMigration<
		3,
		4,
		UncheckedMigrateToV4<T, Configs>,
		crate::pallet::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 4 to 5: balances keep what was put in and taken out, so that reports can tell
/// the interest each has accrued ([`crate::SettlementRecord`], [`CollateralPrincipals`]).
/// A version 4 settlement entry decodes with no principal, so nothing must be rewritten at
/// the upgrade; a pass ([`PrincipalSetup`]) that `on_idle` carries a slice a block gives
/// every balance its principal, what it is worth then, and a balance changed before the
/// pass reaches it gets one at that change. Until then its report says `None`.
pub mod v5 {
	use super::*;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade,
		BoundedVec,
	};

	/// Starts the principal pass; every entry stays as it is until the pass reaches it.
	pub struct UncheckedMigrateToV5<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV5<T> {
		fn on_runtime_upgrade() -> Weight {
			PrincipalSetup::<T>::put((0, BoundedVec::new()));
			T::DbWeight::get().writes(1)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			// Every settlement entry, old or new, still decodes.
			let entries = SettlementBalances::<T>::iter_keys().count();
			let decoded = SettlementBalances::<T>::iter_values().count();
			frame_support::ensure!(entries == decoded, "a settlement balance does not decode");
			frame_support::ensure!(
				PrincipalSetup::<T>::exists(),
				"the principal pass did not start"
			);
			Ok(())
		}
	}

	/// [`UncheckedMigrateToV5`], run only while the pallet's storage is at version 4, which
	/// it then sets to 5.
	pub type MigrateToV5<T> = VersionedMigration<
		4,
		5,
		UncheckedMigrateToV5<T>,
		crate::pallet::Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
