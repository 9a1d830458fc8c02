//! The jump breaker and per-market price ages.

use super::*;
use frame_support::traits::Hooks;

fn end_block() {
	let block = System::block_number();
	<ClearingPallet as Hooks<u64>>::on_finalize(block);
	System::set_block_number(block + 1);
}

fn index() -> FixedU128 {
	ClearingPallet::oracle_price(&BTC_PRICE).unwrap().0
}

#[test]
fn every_priced_key_is_guarded_from_genesis_and_registration() {
	new_test_ext().execute_with(|| {
		assert_eq!(GuardedKeys::<Test>::get().into_inner(), vec![BTC_PRICE]);
		let mut eth = btc_perp();
		eth.oracle_key = 11;
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 5, eth));
		assert_eq!(GuardedKeys::<Test>::get().into_inner(), vec![BTC_PRICE, 11]);
	});
}

#[test]
fn a_jump_is_held_then_confirmed_by_a_later_update() {
	new_test_ext().execute_with(|| {
		end_block();
		assert_eq!(PriceGuards::<Test>::get(BTC_PRICE).unwrap().accepted, usd(60_000));
		// A 10% move is within the 20% bound: in force at once.
		advance(3_000);
		set_price(BTC_PRICE, 54_000);
		assert_eq!(index(), usd(54_000));
		end_block();
		// 25% down in one update: held; the previous price stays in force.
		advance(3_000);
		set_price(BTC_PRICE, 40_500);
		assert_eq!(index(), usd(54_000));
		end_block();
		assert!(events().contains(&Event::PriceJumpHeld {
			key: BTC_PRICE,
			accepted: usd(54_000),
			jumped: usd(40_500)
		}));
		assert_eq!(ClearingPallet::market_report(BTC_PERP).unwrap().held_jump, Some(usd(40_500)));
		// A later update near the jump confirms it.
		advance(3_000);
		set_price(BTC_PRICE, 40_000);
		assert_eq!(index(), usd(40_000));
		end_block();
		assert_eq!(PriceGuards::<Test>::get(BTC_PRICE).unwrap().held, None);
		assert_eq!(ClearingPallet::market_report(BTC_PERP).unwrap().held_jump, None);
	});
}

#[test]
fn defect_8_a_fat_finger_price_never_comes_into_force_by_time_alone() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		end_block();
		// One uncorrected print of 600,000 instead of 60,000 (and BTC collateral,
		// priced by the same key, would be worth ten times as much).
		advance(3_000);
		set_price(BTC_PRICE, 600_000);
		end_block();
		assert_eq!(index(), usd(60_000));
		// In doubt: nothing adds risk on the key, nobody is liquidated.
		assert_eq!(ClearingPallet::oracle_price(&BTC_PRICE), Some((usd(60_000), false)));
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Error::<Test>::StalePrice
		);
		assert!(!ClearingPallet::cross_liquidatable(&BOB));
		// Twenty blocks later (the old rule accepted it after ten) it is still held.
		for _ in 0..20 {
			advance(3_000);
			end_block();
		}
		assert_eq!(index(), usd(60_000));
		assert!(PriceGuards::<Test>::get(BTC_PRICE).unwrap().in_doubt());
		// The corrected feed ends the doubt at once, and trading resumes.
		set_price(BTC_PRICE, 60_010);
		assert_eq!(ClearingPallet::oracle_price(&BTC_PRICE), Some((usd(60_010), true)));
		end_block();
		assert!(!PriceGuards::<Test>::get(BTC_PRICE).unwrap().in_doubt());
	});
}

#[test]
fn defect_8_a_zero_price_is_refused_and_one_true_feed_recovers() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		end_block();
		advance(3_000);
		set_price_at(BTC_PRICE, FixedU128::from_inner(0), now());
		end_block();
		// Not a price: the one in force stays, with its own (older) time.
		assert_eq!(index(), usd(60_000));
		assert!(PriceGuards::<Test>::get(BTC_PRICE).unwrap().held.is_none());
		for _ in 0..10 {
			end_block();
		}
		assert_eq!(index(), usd(60_000));
		// Beyond the domain likewise.
		set_price_at(BTC_PRICE, FixedU128::from_inner(u128::MAX), now());
		assert_eq!(index(), usd(60_000));
		// The first true feed is in force at once.
		set_price(BTC_PRICE, 59_000);
		assert_eq!(ClearingPallet::oracle_price(&BTC_PRICE), Some((usd(59_000), true)));
	});
}

#[test]
fn a_confirmed_jump_liquidates_on_the_confirmed_price() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		end_block();
		// A one-off print at 30,000 would liquidate Alice (long): it is held instead.
		advance(3_000);
		set_price(BTC_PRICE, 30_000);
		end_block();
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));
		assert_noop!(liquidate(ALICE), Error::<Test>::StalePrice);
		// A second update agrees: the move is real, and Alice is liquidated on it.
		advance(3_000);
		set_price(BTC_PRICE, 30_100);
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		assert_ok!(liquidate(ALICE));
	});
}

#[test]
fn the_breaker_is_a_bounded_risk_parameter() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			ClearingPallet::set_jump_breaker(
				RuntimeOrigin::signed(ALICE),
				Perbill::from_percent(5)
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ClearingPallet::set_jump_breaker(RuntimeOrigin::root(), Perbill::from_parts(9_999_999)),
			Error::<Test>::InvalidJumpBreaker
		);
		assert_ok!(ClearingPallet::set_jump_breaker(RuntimeOrigin::root(), Perbill::zero()));
		super::start_next_block();
		end_block();
		set_price(BTC_PRICE, 1);
		assert_eq!(index(), usd(1));
	});
}

#[test]
fn a_market_can_keep_its_own_maximum_price_age() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		let mut strict = btc_perp();
		strict.max_price_age_ms = Some(10_000);
		assert_ok!(ClearingPallet::register_market(
			RuntimeOrigin::root(),
			BTC_PERP,
			strict.clone()
		));
		advance(10_001);
		// Fresh by the pallet-wide minute, stale by the market's ten seconds.
		assert!(ClearingPallet::oracle_price(&BTC_PRICE).unwrap().1);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Error::<Test>::StalePrice
		);
		let report = ClearingPallet::market_report(BTC_PERP).unwrap();
		assert!(!report.index_fresh);
		assert_eq!(report.max_price_age_ms, 10_000);
		// Nobody is liquidated on it either.
		set_price_at(BTC_PRICE, usd(40_000), now() - 10_001);
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));
		strict.max_price_age_ms = Some(0);
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), BTC_PERP, strict),
			Error::<Test>::InvalidMaxPriceAge
		);
	});
}
