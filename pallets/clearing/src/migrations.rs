//! Storage migrations.
//!
//! - **v1** adds the instrument to every market's parameters: markets listed before option
//!   series existed are perpetuals ([`v1::MigrateToV1`]).

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
			let mut migrated: u64 = 0;
			Markets::<T>::translate::<
				MarketParamsV0<T::OracleKey, T::MaxSymbolLength, T::MaxMarginTiers>,
				_,
			>(|_, old| {
				migrated += 1;
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
					mark_price_band: old.mark_price_band,
					max_price_age_ms: old.max_price_age_ms,
					open_interest_cap: old.open_interest_cap,
					status: old.status,
					instrument: Instrument::Perpetual,
				})
			});
			T::DbWeight::get().reads_writes(migrated, migrated)
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
