//! Liquidation: the boundary, partial closes, the penalty, bad debt, the fund and deleveraging.

use super::*;

#[test]
fn the_healthy_unhealthy_boundary_is_exact() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		set_price(BTC_PRICE, 55_000);
		// Move Alice's balance so that her health is exactly zero: not liquidatable.
		let health = ClearingPallet::account_report(&ALICE).unwrap().health;
		assert_ok!(ClearingPallet::add_to_settlement_balance(&ALICE, -health));
		assert_eq!(ClearingPallet::account_report(&ALICE).unwrap().health, 0);
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));
		assert_noop!(liquidate(ALICE), Error::<Test>::NotLiquidatable);
		assert_eq!(validate(Call::liquidate { who: ALICE }), stale());
		// One settlement unit less: liquidatable.
		assert_ok!(ClearingPallet::add_to_settlement_balance(&ALICE, -1));
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		assert!(validate(Call::liquidate { who: ALICE }).is_ok());
		assert_ok!(liquidate(ALICE));
	});
}

#[test]
fn a_partial_liquidation_closes_the_fewest_lots_and_pays_the_penalty_to_the_fund() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		set_price(BTC_PRICE, 51_000);
		let before = ClearingPallet::account_report(&ALICE).unwrap();
		assert!(before.health < 0);
		let mark = before.positions[0].mark_price.unwrap();
		// The mark is the 60,000 trade clamped to 1% above the index.
		assert_eq!(mark, usd(51_510));
		let context = risk_engine::LiquidationContext {
			health: before.health,
			maintenance_requirement: before.maintenance_requirement,
			penalty: LiquidationPenalty::<Test>::get(),
			buffer: LiquidationBuffer::<Test>::get(),
		};
		let tiers = btc_perp().tiers;
		let exposure = risk_engine::PerpExposure {
			position: position(ALICE).unwrap().position,
			mark,
			funding_index: MarketStates::<Test>::get(BTC_PERP).funding_index,
			scale: ClearingPallet::market_scale(&btc_perp()),
			tiers: &tiers,
			open_orders: Default::default(),
			option: None,
		};
		let balances_before: i128 = [ALICE, BOB, FEES, INSURANCE]
			.iter()
			.map(|who| SettlementBalances::<Test>::get(who).scaled)
			.sum();

		assert_ok!(liquidate(ALICE));

		let (closed, penalty) = events()
			.iter()
			.find_map(|e| match e {
				Event::Liquidated { who: ALICE, closed_size, penalty, price, .. } => {
					assert_eq!(*price, mark);
					Some((*closed_size, *penalty))
				},
				_ => None,
			})
			.expect("a Liquidated event");
		let units = closed.unsigned_abs();
		assert!(closed < 0 && units < ONE_BTC, "a partial close of the long: {closed}");
		// Minimal: the target holds with these lots and fails with one lot fewer.
		let (health, requirement, expected_penalty) =
			risk_engine::close_outcome(&context, &exposure, units).unwrap();
		assert!(risk_engine::reaches_target(health, requirement, context.buffer));
		let (fewer_health, fewer_requirement, _) =
			risk_engine::close_outcome(&context, &exposure, units - 10_000).unwrap();
		assert!(!risk_engine::reaches_target(fewer_health, fewer_requirement, context.buffer));
		assert_eq!(penalty, expected_penalty);
		// 1% of the closed value at the mark, rounded up.
		assert_eq!(penalty, Perbill::from_percent(1).mul_ceil(units * 51_510 / 100));
		// The account is back above maintenance with the buffer, as the chain now reports.
		let after = ClearingPallet::account_report(&ALICE).unwrap();
		assert!(after.health >= 0);
		assert!(
			after.health.unsigned_abs()
				>= Perbill::from_percent(10).mul_ceil(after.maintenance_requirement)
		);
		// The fund holds the closed part and the penalty; open interest is unchanged.
		assert_eq!(
			Positions::<Test>::get(INSURANCE).get(&BTC_PERP).unwrap().position.size,
			units as i128
		);
		assert_eq!(SettlementBalances::<Test>::get(INSURANCE).scaled, penalty as i128);
		assert_eq!(MarketStates::<Test>::get(BTC_PERP).open_interest, ONE_BTC);
		// Settlement units moved, none appeared: the close at the mark realized Alice's loss
		// (booked from her cost), the penalty went to the fund.
		let balances_after: i128 = [ALICE, BOB, FEES, INSURANCE]
			.iter()
			.map(|who| SettlementBalances::<Test>::get(who).scaled)
			.sum();
		let realized = balances_after - balances_before;
		let released_cost = units as i128 * 60_000 / 100; // her cost of the closed units
		let proceeds = units as i128 * 51_510 / 100; // the fund paid the mark
		assert_eq!(realized, proceeds - released_cost);
		// A second liquidation in the same block is refused, and the pool sees it as stale.
		assert_noop!(liquidate(ALICE), Error::<Test>::NotLiquidatable);
		assert_eq!(validate(Call::liquidate { who: ALICE }), stale());
	});
}

#[test]
fn one_liquidation_per_account_per_block() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		// A crash so deep that one partial close is not enough for the buffer target.
		set_price(BTC_PRICE, 51_000);
		assert_ok!(liquidate(ALICE));
		set_price(BTC_PRICE, 45_000);
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		assert_noop!(liquidate(ALICE), Error::<Test>::AlreadyLiquidatedThisBlock);
		assert_eq!(validate(Call::liquidate { who: ALICE }), stale());
		System::set_block_number(2);
		assert!(validate(Call::liquidate { who: ALICE }).is_ok());
		assert_ok!(liquidate(ALICE));
	});
}

#[test]
fn a_stale_price_blocks_liquidation() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		set_price(BTC_PRICE, 51_000);
		advance(60_001);
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));
		assert_noop!(liquidate(ALICE), Error::<Test>::StalePrice);
		assert_eq!(validate(Call::liquidate { who: ALICE }), stale());
	});
}

#[test]
fn a_bankrupt_account_loses_its_collateral_and_the_fund_pays_the_bad_debt() {
	new_test_ext().execute_with(|| {
		// The fund holds 500 USDC, deposited like any account's.
		use frame_support::traits::fungibles::Mutate;
		Assets::mint_into(USDC, &INSURANCE, 500 * ONE_USDC).unwrap();
		assert_ok!(ClearingPallet::deposit(RuntimeOrigin::signed(INSURANCE), USDC, 500 * ONE_USDC));
		// Alice: 1,000 USDC and 0.1 BTC (5,400 at 90% initial) behind 1 BTC long at 60,000.
		deposit(ALICE, USDC, 1_000 * ONE_USDC);
		deposit(ALICE, BTC, ONE_BTC / 10);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		// BTC falls to 50,000: the mark is 50,500, her loss 9,500 against 1,000 - 30 + 5,000.
		set_price(BTC_PRICE, 50_000);
		assert_ok!(liquidate(ALICE));
		// Everything closed at the mark into the fund; the BTC went to the fund at 5,000.
		assert!(Positions::<Test>::get(ALICE).is_empty());
		assert!(CollateralBalances::<Test>::get(ALICE).is_empty());
		assert_eq!(
			CollateralBalances::<Test>::get(INSURANCE).get(&BTC),
			Some(&(ONE_BTC as i128 / 10))
		);
		assert!(events().contains(&Event::CollateralSeized {
			who: ALICE,
			asset: BTC,
			amount: ONE_BTC as i128 / 10,
			value: 5_000 * ONE_USDC as i128,
		}));
		// Debt: 970 - 9,500 - 505 (penalty) + 5,000 = -4,035. The fund pays it all, though
		// its balance (500 + 505 - 5,000 paid for the BTC) could cover none of it.
		let covered = events()
			.iter()
			.find_map(|e| match e {
				Event::BadDebtCovered { who: ALICE, paid, uncovered, .. } => {
					Some((*paid, *uncovered))
				},
				_ => None,
			})
			.expect("the bad-debt step");
		assert_eq!(covered, (4_035 * ONE_USDC, 4_035 * ONE_USDC));
		assert_eq!(SettlementBalances::<Test>::get(ALICE).scaled, 0);
		// The fund: -3,995 - 4,035 in cash, 0.1 BTC worth 5,000, long 1 BTC at the mark.
		assert_eq!(SettlementBalances::<Test>::get(INSURANCE).scaled, -(8_030 * ONE_USDC as i128));
		assert_eq!(ClearingPallet::insurance_fund().net_value, -(3_030 * ONE_USDC as i128));
		assert_eq!(ClearingPallet::insurance_deficit(), 3_030 * ONE_USDC);
	});
}

#[test]
fn auto_deleveraging_absorbs_the_funds_deficit_at_the_bankruptcy_price() {
	new_test_ext().execute_with(|| {
		// Alice is long 1 BTC: half from Bob (10,000 USDC, more leveraged), half from
		// Charlie (50,000 USDC).
		deposit(ALICE, USDC, 1_000 * ONE_USDC);
		deposit(ALICE, BTC, ONE_BTC / 10);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 50_000 * ONE_USDC);
		let half = ONE_BTC as i128 / 2;
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, half, usd(60_000)));
		assert_ok!(settle(&CHARLIE, &ALICE, BTC_PERP, half, usd(60_000)));
		set_price(BTC_PRICE, 50_000);
		assert_ok!(liquidate(ALICE));
		// The fund: -4,495 - 4,035 in cash, 5,000 of BTC, long 1 BTC at the 50,500 mark.
		assert_eq!(ClearingPallet::insurance_deficit(), 3_530 * ONE_USDC);
		// Nobody is named: the call takes only the market, and the chain walks its queue.
		assert!(validate(Call::auto_deleverage { market: BTC_PERP }).is_ok());
		assert_eq!(validate(Call::auto_deleverage { market: 7 }), stale());
		let cash_before: i128 = [ALICE, BOB, CHARLIE, FEES, INSURANCE]
			.iter()
			.map(|who| SettlementBalances::<Test>::get(who).scaled)
			.sum();
		assert_ok!(ClearingPallet::auto_deleverage(RuntimeOrigin::none(), BTC_PERP));
		// The deficit of 3,530 over the fund's 1 BTC: both shorts buy back at 54,030, each
		// giving up 1,765 of the 4,750 it had won.
		let mut reductions: Vec<(u64, i128, Price)> = events()
			.iter()
			.filter_map(|e| match e {
				Event::AutoDeleveraged { who, reduced_size, price, .. } => {
					Some((*who, *reduced_size, *price))
				},
				_ => None,
			})
			.collect();
		reductions.sort_by_key(|(who, ..)| *who);
		assert_eq!(reductions, vec![(BOB, half, usd(54_030)), (CHARLIE, half, usd(54_030))]);
		assert!(Positions::<Test>::get(INSURANCE).get(&BTC_PERP).is_none());
		assert!(position(BOB).is_none() && position(CHARLIE).is_none());
		assert_eq!(ClearingPallet::insurance_fund().net_value, 0);
		assert_eq!(MarketStates::<Test>::get(BTC_PERP).open_interest, 0);
		// Cash only moved: the shorts' -60,000 cost and the fund's +50,500 are released.
		let cash_after: i128 = [ALICE, BOB, CHARLIE, FEES, INSURANCE]
			.iter()
			.map(|who| SettlementBalances::<Test>::get(who).scaled)
			.sum();
		assert_eq!(cash_after - cash_before, 60_000 * ONE_USDC as i128 - 50_500 * ONE_USDC as i128);
		// Nothing left to deleverage.
		assert_noop!(
			ClearingPallet::auto_deleverage(RuntimeOrigin::none(), BTC_PERP),
			Error::<Test>::NothingToDeleverage
		);
	});
}

#[test]
fn the_fund_pays_bad_debt_from_its_balance() {
	new_test_ext().execute_with(|| {
		use frame_support::traits::fungibles::Mutate;
		Assets::mint_into(USDC, &INSURANCE, 100_000 * ONE_USDC).unwrap();
		assert_ok!(ClearingPallet::deposit(
			RuntimeOrigin::signed(INSURANCE),
			USDC,
			100_000 * ONE_USDC
		));
		open_one_btc();
		// Alice has 9,970 behind the long; at an index of 45,000 (mark 45,450) she owes 4,580
		// plus the 454.5 penalty.
		set_price(BTC_PRICE, 45_000);
		assert_ok!(liquidate(ALICE));
		assert!(Positions::<Test>::get(ALICE).is_empty());
		assert_eq!(SettlementBalances::<Test>::get(ALICE).scaled, 0);
		let paid = events()
			.iter()
			.find_map(|e| match e {
				Event::BadDebtCovered { who: ALICE, paid, uncovered: 0, .. } => Some(*paid),
				_ => None,
			})
			.expect("covered in full");
		assert_eq!(paid, 5_034_500_000);
		// The fund: 100,000 + the 454.5 penalty - 5,034.5 of bad debt; it now holds the long
		// (its cost is booked in the position, not paid from the balance).
		assert_eq!(
			SettlementBalances::<Test>::get(INSURANCE).scaled,
			(100_000 * ONE_USDC + 454_500_000 - 5_034_500_000) as i128
		);
		assert_eq!(position(INSURANCE).unwrap().position.size, ONE_BTC as i128);
	});
}

#[test]
fn an_isolated_position_is_liquidated_against_its_own_margin() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			4_000 * ONE_USDC
		));
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		set_price(BTC_PRICE, 57_000);
		// The pool is healthy; the isolated position is not.
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));
		assert!(ClearingPallet::isolated_liquidatable(&ALICE, BTC_PERP));
		assert_noop!(liquidate(ALICE), Error::<Test>::NotLiquidatable);
		assert!(validate(Call::liquidate_isolated { who: ALICE, market: BTC_PERP }).is_ok());
		assert_ok!(ClearingPallet::liquidate_isolated(RuntimeOrigin::none(), ALICE, BTC_PERP));
		let record = position(ALICE).unwrap();
		assert!(record.position.size > 0 && record.position.size < ONE_BTC as i128);
		assert!(!ClearingPallet::isolated_liquidatable(&ALICE, BTC_PERP));
		assert!(events().iter().any(|e| matches!(e, Event::Liquidated { isolated: true, .. })));
		// The pool did not pay anything.
		assert_eq!(SettlementBalances::<Test>::get(ALICE).scaled, 96_000 * ONE_USDC as i128);
	});
}

#[test]
fn liquidations_are_unsigned_only_and_the_fund_is_never_liquidated() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		set_price(BTC_PRICE, 51_000);
		assert_noop!(
			ClearingPallet::liquidate(RuntimeOrigin::signed(BOB), ALICE),
			DispatchError::BadOrigin
		);
		assert!(!ClearingPallet::cross_liquidatable(&INSURANCE));
		assert_noop!(liquidate(INSURANCE), Error::<Test>::NotLiquidatable);
		assert_eq!(
			validate(Call::deposit { asset: USDC, amount: 1 }),
			Err(sp_runtime::transaction_validity::InvalidTransaction::Call.into())
		);
	});
}

#[test]
fn liquidation_parameters_are_bounded_risk_parameters() {
	new_test_ext().execute_with(|| {
		let (penalty, buffer) = (Perbill::from_percent(2), Perbill::from_percent(20));
		assert_noop!(
			ClearingPallet::set_liquidation_parameters(
				RuntimeOrigin::signed(ALICE),
				penalty,
				buffer
			),
			DispatchError::BadOrigin
		);
		// BTC-PERP's lowest maintenance fraction is 3%: the penalty must stay below it.
		assert_noop!(
			ClearingPallet::set_liquidation_parameters(
				RuntimeOrigin::root(),
				Perbill::from_percent(3),
				buffer
			),
			Error::<Test>::InvalidLiquidationParameters
		);
		assert_ok!(ClearingPallet::set_liquidation_parameters(
			RuntimeOrigin::root(),
			penalty,
			buffer
		));
		start_next_block();
		assert_eq!(
			(LiquidationPenalty::<Test>::get(), LiquidationBuffer::<Test>::get()),
			(penalty, buffer)
		);
		assert!(events().contains(&Event::RiskParameterChanged {
			change: crate::RiskChange::LiquidationParameters { penalty, buffer }
		}));
	});
}
