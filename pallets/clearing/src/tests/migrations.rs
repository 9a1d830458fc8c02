//! Storage migrations.

use super::*;

#[test]
fn markets_stored_before_option_series_migrate_to_perpetuals() {
	use crate::migrations::v1::{MarketParamsV0, MigrateToV1};
	use crate::Instrument;
	use codec::{Decode, Encode};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		let current = btc_perp();
		let old = MarketParamsV0::<
			u32,
			<Test as Config>::MaxSymbolLength,
			<Test as Config>::MaxMarginTiers,
		> {
			symbol: current.symbol.clone(),
			oracle_key: current.oracle_key,
			size_decimals: current.size_decimals,
			tick_size: current.tick_size,
			lot_size: current.lot_size,
			min_size: current.min_size,
			tiers: current.tiers.clone(),
			taker_fee: current.taker_fee,
			maker_fee: current.maker_fee,
			funding_interval_ms: current.funding_interval_ms,
			funding_rate_cap: current.funding_rate_cap,
			mark_price_band: current.mark_price_band,
			max_price_age_ms: current.max_price_age_ms,
			open_interest_cap: current.open_interest_cap,
			status: current.status,
		};
		frame_support::storage::unhashed::put_raw(
			&Markets::<Test>::hashed_key_for(BTC_PERP),
			&old.encode(),
		);
		StorageVersion::new(0).put::<ClearingPallet>();
		assert!(Markets::<Test>::try_get(BTC_PERP).is_err(), "the old layout does not decode");
		MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(ClearingPallet::on_chain_storage_version(), StorageVersion::new(1));
		// Version 1's layout (with the instrument, without the price band) is what v2 reads.
		let raw =
			frame_support::storage::unhashed::get_raw(&Markets::<Test>::hashed_key_for(BTC_PERP))
				.unwrap();
		let v1 = crate::migrations::v2::MarketParamsV1::<
			u32,
			<Test as Config>::MaxSymbolLength,
			<Test as Config>::MaxMarginTiers,
		>::decode(&mut &raw[..])
		.unwrap();
		assert_eq!(v1.instrument, Instrument::Perpetual);
		// A second run does nothing: were it to translate again, the new layout would not
		// decode as the old one and the market would be lost.
		MigrateToV1::<Test>::on_runtime_upgrade();
		crate::migrations::v2::MigrateToV2::<Test>::on_runtime_upgrade();
		let mut expected = current;
		expected.price_band = crate::DEFAULT_PRICE_BAND;
		assert_eq!(Markets::<Test>::get(BTC_PERP), Some(expected));
		assert_eq!(ClearingPallet::on_chain_storage_version(), StorageVersion::new(2));
		assert_eq!(Markets::<Test>::count(), 1);
	});
}

#[test]
fn the_jump_breaker_migrates_to_its_bound_alone() {
	use crate::migrations::v2::{JumpBreakerV1, MigrateToV2};
	use codec::Encode;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		let old = JumpBreakerV1 { bound: Perbill::from_parts(1_000), confirm_blocks: 10 };
		frame_support::storage::unhashed::put_raw(
			&JumpBreakerParams::<Test>::hashed_key(),
			&old.encode(),
		);
		StorageVersion::new(1).put::<ClearingPallet>();
		MigrateToV2::<Test>::on_runtime_upgrade();
		// A bound tighter than the new minimum is raised to it.
		assert_eq!(
			JumpBreakerParams::<Test>::get(),
			risk_engine::JumpBreaker { bound: crate::MIN_JUMP_BREAKER_BOUND }
		);
		assert_eq!(ClearingPallet::on_chain_storage_version(), StorageVersion::new(2));
	});
}

#[test]
fn the_liquidation_index_starts_as_a_rebuild_carried_through_at_the_ends_of_blocks() {
	use crate::migrations::v3::MigrateToV3;
	use frame_support::{
		traits::{Get, GetStorageVersion, Hooks, OnRuntimeUpgrade, StorageVersion},
		weights::Weight,
	};
	new_test_ext().execute_with(|| {
		open_one_btc();
		// A chain at version 2: positions, no index.
		for who in [ALICE, BOB] {
			ClearingPallet::remove_bands(&who);
		}
		StorageVersion::new(2).put::<ClearingPallet>();
		MigrateToV3::<Test>::on_runtime_upgrade();
		assert_eq!(ClearingPallet::on_chain_storage_version(), 3);
		assert!(ClearingPallet::band_rebuild_running());
		// A second run does nothing: the version moved on.
		BandRebuild::<Test>::kill();
		MigrateToV3::<Test>::on_runtime_upgrade();
		assert!(!ClearingPallet::band_rebuild_running());
		ClearingPallet::start_band_rebuild();
		// The end of a block with room for one account rebands one; the next, the rest.
		let one = ClearingPallet::worst_reband_weight().saturating_add(
			<<Test as frame_system::Config>::DbWeight as Get<
				frame_support::weights::RuntimeDbWeight,
			>>::get()
			.reads_writes(70, 1),
		);
		ClearingPallet::on_idle(1, one);
		assert_eq!(Bands::<Test>::iter().count(), 1);
		assert!(ClearingPallet::band_rebuild_running());
		ClearingPallet::on_idle(1, Weight::MAX);
		assert!(!ClearingPallet::band_rebuild_running());
		assert!(Bands::<Test>::get(ALICE, None::<MarketId>).is_some());
		assert!(Bands::<Test>::get(BOB, None::<MarketId>).is_some());
	});
}

#[test]
fn the_money_markets_open_and_the_settlement_totals_are_counted_a_slice_a_block() {
	use crate::{migrations::v4::MigrateToV4, LendingConfig};
	use frame_support::traits::{GetStorageVersion, Hooks, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		// Alice owes USDC against her BTC; Bob won it; Charlie holds USDC and BTC.
		deposit(ALICE, USDC, 5_000 * ONE_USDC);
		deposit(ALICE, BTC, ONE_BTC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 3_000 * ONE_USDC);
		deposit(CHARLIE, BTC, ONE_BTC / 2);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		set_price(BTC_PRICE, 50_000);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -(ONE_BTC as i128), usd(50_000)));
		let health = ClearingPallet::cross_figures(&ALICE).unwrap().margin.health;
		// A chain at version 3: no money market, the liability factor stored.
		for asset in [USDC, BTC] {
			LendingMarkets::<Test>::remove(asset);
			LendingIndices::<Test>::remove(asset);
			LendingTotals::<Test>::remove(asset);
		}
		let _ = Borrowers::<Test>::clear(u32::MAX, None);
		frame_support::storage::unhashed::put(
			&crate::migrations::v4::liability_factor_key::<Test>(),
			&FixedU128::from_rational(105, 100),
		);
		StorageVersion::new(3).put::<ClearingPallet>();
		frame_support::parameter_types! {
			pub Configs: Vec<(u32, LendingConfig)> = vec![(BTC, LendingConfig {
				borrow_cap: 5 * ONE_BTC,
				..LendingConfig::listing_default()
			})];
		}
		MigrateToV4::<Test, Configs>::on_runtime_upgrade();
		assert_eq!(ClearingPallet::on_chain_storage_version(), 4);
		assert!(frame_support::storage::unhashed::get_raw(
			&crate::migrations::v4::liability_factor_key::<Test>()
		)
		.is_none());
		// BTC's market as the runtime named it, its totals its deposits; USDC's the default,
		// its debt at the factor it had: Alice's health has not moved.
		assert_eq!(LendingMarkets::<Test>::get(BTC).unwrap().borrow_cap, 5 * ONE_BTC);
		assert_eq!(LendingTotals::<Test>::get(BTC).scaled_supply, ONE_BTC * 3 / 2);
		assert_eq!(LendingMarkets::<Test>::get(USDC), Some(LendingConfig::settlement_default()));
		assert_eq!(ClearingPallet::cross_figures(&ALICE).unwrap().margin.health, health);
		assert!(ClearingPallet::lending_setup_running());
		assert!(ClearingPallet::band_rebuild_running());
		// A second run does nothing: the version moved on.
		MigrateToV4::<Test, Configs>::on_runtime_upgrade();
		// The pass counts one balance; then everyone's balance changes (a deposit each):
		// those it counted update the totals, the rest it counts when it gets there.
		assert_eq!(ClearingPallet::lending_setup_slice(1), 1);
		for who in [ALICE, BOB, CHARLIE] {
			deposit(who, USDC, ONE_USDC);
		}
		// The settlement market accrues nothing until the pass ends.
		advance(60_000);
		ClearingPallet::on_finalize(1);
		assert_eq!(LendingIndices::<Test>::get(USDC).last_accrual_ms, 0);
		ClearingPallet::on_idle(1, frame_support::weights::Weight::MAX);
		assert!(!ClearingPallet::lending_setup_running());
		let supplied: u128 = SettlementBalances::<Test>::iter()
			.map(|(_, balance)| balance.scaled.max(0).unsigned_abs())
			.sum();
		let owed: u128 = SettlementBalances::<Test>::iter()
			.map(|(_, balance)| balance.scaled.min(0).unsigned_abs())
			.sum();
		let totals = LendingTotals::<Test>::get(USDC);
		assert_eq!((totals.scaled_supply, totals.scaled_borrow), (supplied, owed));
		assert_eq!(Borrowers::<Test>::iter().collect::<Vec<_>>(), vec![(ALICE, 1)]);
		// The invariants (checked after the test) hold in full again.
	});
}
