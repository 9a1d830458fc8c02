//! Interest accrued per balance (`crate::ledger`): what a balance is worth less what was put
//! in and taken out, kept beside it at every change, so that deposits, withdrawals, fills
//! and conversions' rounding never count as interest, and only the indices' growth does.

use super::*;
use crate::SettlementRecord;
use risk_engine::money_market::RateSegment;

const YEAR_MS: u64 = 31_536_000_000;

/// USDC at a flat 10% a year, a tenth to the reserve; BTC borrowable at a flat 20%.
fn flat_rates() {
	for (asset, permille) in [(USDC, 100), (BTC, 200)] {
		LendingMarkets::<Test>::mutate(asset, |market| {
			let market = market.as_mut().expect("every listed asset has a market");
			market.base_rate = FixedU128::from_rational(permille, 1_000);
			market.rate_segments =
				frame_support::BoundedVec::truncate_from(Vec::<RateSegment>::new());
			market.reserve_factor = Perbill::from_percent(10);
			market.borrow_cap = 1_000 * ONE_BTC;
		});
	}
}

fn accrued(who: u64, asset: u32) -> Option<i128> {
	ClearingPallet::interest_accrued(&who, asset)
}

/// Alice owes USDC (a lost trade) against her BTC; Bob supplies. A year passes: each one's
/// interest is exactly what its balance grew or shrank by; a withdrawal, a deposit that
/// turns a debt into a supply and a trade leave it as it was; closing the balance ends it.
#[test]
fn a_balance_reports_the_interest_it_accrued_and_nothing_else() {
	new_test_ext().execute_with(|| {
		alice_owes_usdc();
		// Deposits, PnL and fees are principal: no interest yet.
		assert_eq!((accrued(ALICE, USDC), accrued(BOB, USDC)), (Some(0), Some(0)));
		let (alice_before, bob_before) =
			(ClearingPallet::settlement_balance(&ALICE), ClearingPallet::settlement_balance(&BOB));
		assert!(alice_before < 0);

		flat_rates();
		end_block();
		advance(YEAR_MS);
		end_block();
		let alice_paid = ClearingPallet::settlement_balance(&ALICE) - alice_before;
		let bob_earned = ClearingPallet::settlement_balance(&BOB) - bob_before;
		assert!(alice_paid < 0 && bob_earned > 0);
		assert_eq!(accrued(ALICE, USDC), Some(alice_paid));
		assert_eq!(accrued(BOB, USDC), Some(bob_earned));
		let line = ClearingPallet::lending_lines(&BOB)
			.into_iter()
			.find(|line| line.asset == USDC)
			.expect("Bob supplies USDC");
		assert_eq!(line.interest_accrued, Some(bob_earned));

		// Bob takes half out and trades; Alice repays and supplies: interest stays.
		set_price(BTC_PRICE, 50_000);
		let half = ClearingPallet::settlement_balance(&BOB).unsigned_abs() / 2;
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(BOB), USDC, half));
		deposit(ALICE, USDC, 20_000 * ONE_USDC);
		assert!(ClearingPallet::settlement_balance(&ALICE) > 0);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128 / 10, usd(50_000)));
		assert_eq!(accrued(ALICE, USDC), Some(alice_paid));
		assert_eq!(accrued(BOB, USDC), Some(bob_earned));

		// Another year: Bob's half keeps earning, Alice now earns on her supply.
		let (alice_mid, bob_mid) =
			(ClearingPallet::settlement_balance(&ALICE), ClearingPallet::settlement_balance(&BOB));
		advance(YEAR_MS);
		end_block();
		set_price(BTC_PRICE, 50_000);
		let bob_more = ClearingPallet::settlement_balance(&BOB) - bob_mid;
		let alice_more = ClearingPallet::settlement_balance(&ALICE) - alice_mid;
		assert_eq!(accrued(BOB, USDC), Some(bob_earned + bob_more));
		assert_eq!(accrued(ALICE, USDC), Some(alice_paid + alice_more));

		// Closing a balance ends its record.
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -(ONE_BTC as i128) / 10, usd(50_000)));
		let all = ClearingPallet::settlement_balance(&ALICE).unsigned_abs();
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, all));
		assert_eq!(SettlementBalances::<Test>::get(ALICE).scaled, 0);
		assert_eq!(accrued(ALICE, USDC), Some(0));
	});
}

/// A non-settlement balance keeps its principal beside it: Charlie's BTC earns what Alice's
/// BTC borrow pays, less the reserve; opting his supply out of lending closes it.
#[test]
fn a_collateral_balance_reports_its_interest_and_a_closed_one_keeps_no_record() {
	new_test_ext().execute_with(|| {
		flat_rates();
		deposit(CHARLIE, BTC, 2 * ONE_BTC);
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		assert_ok!(borrow(ALICE, BTC, ONE_BTC));
		assert_eq!((accrued(CHARLIE, BTC), accrued(ALICE, BTC)), (Some(0), Some(0)));
		end_block();
		advance(YEAR_MS);
		end_block();
		let earned = ClearingPallet::balance_of(&CHARLIE, BTC) - (2 * ONE_BTC) as i128;
		let paid = ClearingPallet::balance_of(&ALICE, BTC) + ONE_BTC as i128;
		assert!(earned > 0 && paid < 0);
		set_price(BTC_PRICE, 60_000);
		assert_eq!(accrued(CHARLIE, BTC), Some(earned));
		assert_eq!(accrued(ALICE, BTC), Some(paid));
		// She repays half: what she paid stays hers.
		assert_ok!(ClearingPallet::repay(RuntimeOrigin::signed(ALICE), BTC, ONE_BTC / 2));
		assert_eq!(accrued(ALICE, BTC), Some(paid));
		// Charlie opts out of lending: his supply closes into a holding that earns nothing.
		assert_ok!(ClearingPallet::repay(RuntimeOrigin::signed(ALICE), BTC, u128::MAX));
		assert_ok!(ClearingPallet::set_segregated(RuntimeOrigin::signed(CHARLIE), BTC, true));
		assert_eq!(accrued(CHARLIE, BTC), Some(0));
		assert!(!CollateralPrincipals::<Test>::contains_key(CHARLIE));
	});
}

/// A settlement balance stored before interest was tracked (storage version 4: the scaled
/// amount alone) still decodes, reports no interest until it changes, then tracks it.
#[test]
fn a_version_4_settlement_balance_decodes_and_is_tracked_from_its_next_change() {
	use codec::{Decode, Encode};
	new_test_ext().execute_with(|| {
		deposit(CHARLIE, USDC, 1_000 * ONE_USDC);
		let key = SettlementBalances::<Test>::hashed_key_for(CHARLIE);
		let scaled = SettlementBalances::<Test>::get(CHARLIE).scaled;
		frame_support::storage::unhashed::put_raw(&key, &scaled.encode());
		assert_eq!(
			SettlementBalances::<Test>::get(CHARLIE),
			SettlementRecord { scaled, principal: None }
		);
		assert_eq!(accrued(CHARLIE, USDC), None);
		// A full record round-trips; the legacy one is rewritten whole at its next change.
		let record = SettlementRecord { scaled: -5, principal: Some(-7) };
		assert_eq!(SettlementRecord::decode(&mut &record.encode()[..]), Ok(record));
		deposit(CHARLIE, USDC, ONE_USDC);
		assert_eq!(accrued(CHARLIE, USDC), Some(0));
		assert_eq!(
			SettlementBalances::<Test>::get(CHARLIE).principal,
			Some(1_001 * ONE_USDC as i128)
		);
	});
}

/// The upgrade to version 5 rewrites nothing; its pass gives every version 4 balance its
/// principal (what it is worth then), a slice a block, and a balance that changes before
/// the pass reaches it gets one at that change.
#[test]
fn the_principal_pass_gives_every_version_4_balance_its_principal_a_slice_a_block() {
	use crate::migrations::v5::MigrateToV5;
	use codec::Encode;
	use frame_support::traits::{GetStorageVersion, Hooks, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 1_000 * ONE_USDC);
		deposit(BOB, USDC, 2_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 500 * ONE_USDC);
		deposit(CHARLIE, BTC, ONE_BTC);
		// Version 4: the scaled settlement balances alone, no principals beside the others.
		for who in [ALICE, BOB, CHARLIE] {
			let scaled = SettlementBalances::<Test>::get(who).scaled;
			let key = SettlementBalances::<Test>::hashed_key_for(who);
			frame_support::storage::unhashed::put_raw(&key, &scaled.encode());
		}
		CollateralPrincipals::<Test>::remove(CHARLIE);
		StorageVersion::new(4).put::<ClearingPallet>();
		MigrateToV5::<Test>::on_runtime_upgrade();
		assert_eq!(ClearingPallet::on_chain_storage_version(), 5);
		assert!(PrincipalSetup::<Test>::exists());
		assert_eq!((accrued(ALICE, USDC), accrued(CHARLIE, BTC)), (None, None));
		// A second run does nothing: the version moved on.
		MigrateToV5::<Test>::on_runtime_upgrade();
		// Bob deposits before the pass reaches him: his balance is tracked from then.
		deposit(BOB, USDC, ONE_USDC);
		assert_eq!(accrued(BOB, USDC), Some(0));
		// One entry a slice, then the rest in a block's idle time.
		assert_eq!(ClearingPallet::principal_setup_slice(1), 1);
		assert!(PrincipalSetup::<Test>::exists());
		ClearingPallet::on_idle(1, frame_support::weights::Weight::MAX);
		assert!(!PrincipalSetup::<Test>::exists());
		for who in [ALICE, BOB, CHARLIE] {
			assert_eq!(accrued(who, USDC), Some(0));
			assert!(SettlementBalances::<Test>::get(who).principal.is_some());
		}
		assert_eq!(accrued(CHARLIE, BTC), Some(0));
		assert_eq!(
			CollateralPrincipals::<Test>::get(CHARLIE).get(&BTC).copied(),
			Some(ONE_BTC as i128)
		);
		// The invariants (checked after the test) hold in full: every balance has one.
	});
}
