//! Adaptive margin: volatility estimates, the ramp and the shifted schedule.

use super::*;
use frame_support::{traits::Hooks, BoundedVec};
use risk_engine::adaptive::{AdaptiveParams, VolatilityParams};

/// Three standard deviations of an hour's move initially, two for maintenance, between
/// floors of 3% and 2.5% and caps of 50% and 30%; open interest from 100 to 1,000 BTC
/// adds up to 5%.
pub(super) fn params() -> AdaptiveParams {
	AdaptiveParams {
		k_initial: FixedI128::from_u32(3),
		k_maintenance: FixedI128::from_u32(2),
		horizon_ms: 3_600_000,
		floor_initial: Perbill::from_percent(3),
		cap_initial: Perbill::from_percent(50),
		floor_maintenance: Perbill::from_parts(25_000_000),
		cap_maintenance: Perbill::from_percent(30),
		open_interest_lower: 100 * ONE_BTC,
		open_interest_upper: 1_000 * ONE_BTC,
		open_interest_add: Perbill::from_percent(5),
	}
}

/// A model that learns within minutes: half the weight per minute, a minute per return
/// at most, 20% before the first.
fn fast_model() {
	VolatilityModelParams::<Test>::put(crate::VolatilityModel {
		params: VolatilityParams {
			lambda: Perbill::from_percent(50),
			interval_ms: 60_000,
			max_gap_ms: 60_000,
		},
		seed_volatility: Perbill::from_percent(20),
	});
}

/// Starts the next block a minute later with BTC at `btc_cents` (hundredths of a dollar);
/// the test ends it (the breaker, the estimate and the ramp) with `on_finalize`.
fn next_minute(btc_cents: u128) {
	advance(60_000);
	set_price_at(BTC_PRICE, FixedU128::from_rational(btc_cents, 100), now());
	start_next_block();
}

fn adaptive() -> crate::AdaptiveMarginOf<Test> {
	AdaptiveMargins::<Test>::get(BTC_PERP).unwrap()
}

fn first_tier() -> MarginTier {
	Markets::<Test>::get(BTC_PERP).unwrap().tiers[0]
}

/// Alice long 1 BTC at 60,000 from Bob with `alice_usdc` of collateral; adaptive margin
/// on BTC-PERP with the fast model and a ramp of 1% a block.
fn adaptive_market_with_alice_long(alice_usdc: u128) {
	fast_model();
	crate::MarginRampStep::<Test>::put(Perbill::from_percent(1));
	deposit(ALICE, USDC, alice_usdc * ONE_USDC);
	deposit(BOB, USDC, 100_000 * ONE_USDC);
	assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
	assert_ok!(ClearingPallet::set_market_adaptive_margin(
		RuntimeOrigin::root(),
		BTC_PERP,
		Some(params())
	));
	start_next_block();
	// The block ends: the estimate starts from 60,000.
	<ClearingPallet as Hooks<u64>>::on_finalize(System::block_number());
}

/// A violent minute: BTC 1% off 60,000, alternately up and down.
fn violent_price(minute: u32) -> u128 {
	if minute % 2 == 0 {
		6_060_000
	} else {
		5_940_000
	}
}

#[test]
fn the_estimate_folds_each_new_price_in_force_once() {
	new_test_ext().execute_with(|| {
		fast_model();
		<ClearingPallet as Hooks<u64>>::on_finalize(System::block_number());
		let seeded = Volatilities::<Test>::get(BTC_PRICE).unwrap();
		assert_eq!(seeded.samples, 0);
		assert_eq!(ClearingPallet::volatility_of(&BTC_PRICE), FixedI128::from_rational(2, 10));
		// The same observation again, a block later: nothing new.
		start_next_block();
		<ClearingPallet as Hooks<u64>>::on_finalize(System::block_number());
		assert_eq!(Volatilities::<Test>::get(BTC_PRICE), Some(seeded));
		// 1% in a minute: an annualized sample of ln(1.01)^2 x 525,600 = 52.3, weighed
		// at one half: the variance is (0.04 + 52.3) / 2.
		next_minute(6_060_000);
		<ClearingPallet as Hooks<u64>>::on_finalize(System::block_number());
		let moved = Volatilities::<Test>::get(BTC_PRICE).unwrap();
		assert_eq!(moved.samples, 1);
		assert!(
			moved.variance > FixedI128::from_u32(26) && moved.variance < FixedI128::from_u32(27)
		);
		// A 30% jump is held by the breaker: not folded in until it is accepted.
		advance(60_000);
		set_price(BTC_PRICE, 80_000);
		start_next_block();
		<ClearingPallet as Hooks<u64>>::on_finalize(System::block_number());
		assert_eq!(Volatilities::<Test>::get(BTC_PRICE), Some(moved));
		// Confirmed by the next update: in force, and folded in.
		advance(60_000);
		set_price(BTC_PRICE, 80_100);
		start_next_block();
		<ClearingPallet as Hooks<u64>>::on_finalize(System::block_number());
		let confirmed = Volatilities::<Test>::get(BTC_PRICE).unwrap();
		assert_eq!(confirmed.samples, 2);
		assert_eq!(confirmed.last_price, usd(80_100));
	});
}

#[test]
fn turning_it_on_lowers_at_once_and_a_spike_ramps_up_by_at_most_the_step() {
	new_test_ext().execute_with(|| {
		adaptive_market_with_alice_long(10_000);
		// Calm at 20%: an hour's 3 sigma is 0.6%, below the floors, which apply at once.
		assert_eq!(first_tier().initial_fraction, Perbill::from_percent(3));
		assert_eq!(first_tier().maintenance_fraction, Perbill::from_parts(25_000_000));
		// The second tier keeps its step above the first: 10% - 5% + 3%.
		assert_eq!(
			Markets::<Test>::get(BTC_PERP).unwrap().tiers[1].initial_fraction,
			Perbill::from_percent(8)
		);
		assert_eq!(
			ClearingPallet::account_report(&ALICE).unwrap().initial_requirement,
			1_800 * ONE_USDC
		);

		// Violent minutes: the target jumps, the fractions in force follow by at most 1%
		// of notional a block, and so does Alice's requirement.
		let mut effective = adaptive().effective;
		let mut requirement =
			ClearingPallet::account_report(&ALICE).unwrap().maintenance_requirement;
		let mut minute = 0;
		let mut warned_with_blocks_left = 0;
		loop {
			next_minute(violent_price(minute));
			<ClearingPallet as Hooks<u64>>::on_finalize(System::block_number());
			minute += 1;
			let now = adaptive();
			assert!(
				now.effective.initial.deconstruct() <= effective.initial.deconstruct() + 10_000_000
			);
			assert!(
				now.effective.maintenance.deconstruct()
					<= effective.maintenance.deconstruct() + 10_000_000
			);
			assert!(now.effective.maintenance < now.effective.initial);
			assert_eq!(first_tier().initial_fraction, now.effective.initial);
			// The price moved by 1% too: at most 1% of 60,600 more, plus the mark's move.
			let report = ClearingPallet::account_report(&ALICE).unwrap();
			assert!(
				report.maintenance_requirement
					<= requirement + 606 * ONE_USDC + 606 * ONE_USDC / 10
			);
			requirement = report.maintenance_requirement;
			let margin = ClearingPallet::adaptive_margin_report(BTC_PERP).unwrap();
			assert_eq!(margin.effective_initial, now.effective.initial);
			assert_eq!(margin.target_initial, now.target.initial);
			if margin.ramp_blocks_left > 0 {
				warned_with_blocks_left = warned_with_blocks_left.max(margin.ramp_blocks_left);
				assert!(margin.ramp_progress < Perbill::one());
			}
			effective = now.effective;
			if now.effective == now.target && minute > 3 {
				break;
			}
			assert!(minute < 60, "the ramp must end");
		}
		let peak = adaptive();
		assert!(peak.target.initial > Perbill::from_percent(10), "{:?}", peak.target);
		// The portfolio scan's 5% range scales with the initial fraction (static 5%).
		assert_eq!(
			ClearingPallet::adaptive_scan_range(&BTC_PRICE, Perbill::from_percent(5)),
			Some(peak.effective.initial)
		);
		assert!(warned_with_blocks_left > 3);
		assert!(ClearingPallet::volatility_of(&BTC_PRICE) > FixedI128::from_u32(2));
		let moves = events()
			.into_iter()
			.filter(|event| matches!(event, Event::AdaptiveMarginMoved { .. }))
			.count();
		assert!(moves >= 4);

		// Calm returns: the estimate halves its variance every minute, the target falls
		// and the fractions in force fall with it at once.
		let mut minutes = 0;
		while adaptive().target.initial > Perbill::from_percent(3) {
			next_minute(6_000_000);
			<ClearingPallet as Hooks<u64>>::on_finalize(System::block_number());
			let now = adaptive();
			assert_eq!(now.effective, now.target);
			minutes += 1;
			assert!(minutes < 30);
		}
		assert_eq!(first_tier().initial_fraction, Perbill::from_percent(3));
		assert_eq!(
			ClearingPallet::adaptive_scan_range(&BTC_PRICE, Perbill::from_percent(5)),
			Some(Perbill::from_percent(3))
		);
		let report = ClearingPallet::adaptive_margin_report(BTC_PERP).unwrap();
		assert_eq!((report.ramp_blocks_left, report.ramp_progress), (0, Perbill::one()));
	});
}

#[test]
fn an_account_the_target_would_liquidate_is_warned_before_the_ramp_ends() {
	new_test_ext().execute_with(|| {
		// 4,000 USDC against 1 BTC: fine at the floors (2.5% maintenance is 1,500).
		adaptive_market_with_alice_long(4_000);
		assert!(ClearingPallet::adaptive_margin_warnings().is_empty());
		next_minute(violent_price(0));
		<ClearingPallet as Hooks<u64>>::on_finalize(System::block_number());
		let margin = ClearingPallet::adaptive_margin_report(BTC_PERP).unwrap();
		assert!(margin.ramp_blocks_left > 1, "{margin:?}");
		let warnings = ClearingPallet::adaptive_margin_warnings();
		assert_eq!(warnings.len(), 1, "{warnings:?}");
		let warning = &warnings[0];
		assert_eq!(warning.who, ALICE);
		assert!(warning.liquidatable_at_target);
		assert!(warning.maintenance_at_target > warning.maintenance_now);
		assert!(warning.maintenance_at_target as i128 > warning.equity);
		assert_eq!(warning.blocks_left, margin.ramp_blocks_left);
		// She is not liquidatable yet: the warning comes first...
		assert!(ClearingPallet::account_report(&ALICE).unwrap().health >= 0);
		// ...and is borne out if she does nothing and the ramp runs on.
		for minute in 1..40 {
			next_minute(violent_price(minute));
			<ClearingPallet as Hooks<u64>>::on_finalize(System::block_number());
		}
		assert!(ClearingPallet::account_report(&ALICE).unwrap().health < 0);
		// The warning list names who is still to be taken below, not who already is.
		assert!(ClearingPallet::adaptive_margin_warnings().iter().all(|w| w.who != ALICE));
	});
}

#[test]
fn a_new_static_schedule_moves_with_the_fractions_in_force_and_off_restores_it() {
	new_test_ext().execute_with(|| {
		adaptive_market_with_alice_long(10_000);
		let tiers = BoundedVec::truncate_from(vec![
			MarginTier {
				notional_floor: 0,
				initial_fraction: Perbill::from_percent(6),
				maintenance_fraction: Perbill::from_percent(4),
			},
			MarginTier {
				notional_floor: 1_000_000 * ONE_USDC,
				initial_fraction: Perbill::from_percent(12),
				maintenance_fraction: Perbill::from_percent(8),
			},
		]);
		assert_ok!(ClearingPallet::set_market_margin_tiers(
			RuntimeOrigin::root(),
			BTC_PERP,
			tiers.clone()
		));
		start_next_block();
		assert_eq!(adaptive().static_tiers, tiers);
		let in_force = Markets::<Test>::get(BTC_PERP).unwrap().tiers;
		assert_eq!(in_force[0].initial_fraction, Perbill::from_percent(3));
		assert_eq!(in_force[1].initial_fraction, Perbill::from_percent(9));
		assert_eq!(in_force[1].maintenance_fraction, Perbill::from_parts(65_000_000));

		assert_ok!(ClearingPallet::set_market_adaptive_margin(
			RuntimeOrigin::root(),
			BTC_PERP,
			None
		));
		start_next_block();
		assert!(AdaptiveMargins::<Test>::get(BTC_PERP).is_none());
		assert!(AdaptiveScanScales::<Test>::get(BTC_PRICE).is_none());
		assert_eq!(Markets::<Test>::get(BTC_PERP).unwrap().tiers, tiers);
		assert!(ClearingPallet::adaptive_margin_report(BTC_PERP).is_none());
	});
}

#[test]
fn the_penalty_stays_below_every_adaptive_maintenance_floor() {
	new_test_ext().execute_with(|| {
		adaptive_market_with_alice_long(10_000);
		// The static schedule's lowest maintenance is 3%, but the adaptive floor is 2.5%.
		assert_noop!(
			ClearingPallet::set_liquidation_parameters(
				RuntimeOrigin::root(),
				Perbill::from_parts(25_000_000),
				Perbill::from_percent(10)
			),
			Error::<Test>::InvalidLiquidationParameters
		);
		assert_ok!(ClearingPallet::set_liquidation_parameters(
			RuntimeOrigin::root(),
			Perbill::from_percent(2),
			Perbill::from_percent(10)
		));
	});
}
