//! The money market inside the pool (`crate::lending`, `crate::ledger`): balances kept
//! scaled, interest accrued at the end of every block and split between suppliers and the
//! reserve to the unit, the totals and the borrowers' index kept by every write.

use super::*;
use crate::{LendingConfig, PoolTotals};
use proptest::prelude::*;
use risk_engine::money_market::{borrow_rate, utilisation, RateSegment};
use sp_arithmetic::traits::{One, Zero};

const YEAR_MS: u64 = 31_536_000_000;

/// Sets USDC's curve (applied from the next end of block, as a governed change would be).
fn set_usdc_curve(base_permille: u128, segments: Vec<RateSegment>, reserve_percent: u32) {
	LendingMarkets::<Test>::mutate(USDC, |market| {
		let market = market.as_mut().expect("USDC's market is open");
		market.base_rate = FixedU128::from_rational(base_permille, 1_000);
		market.rate_segments = frame_support::BoundedVec::truncate_from(segments);
		market.reserve_factor = Perbill::from_percent(reserve_percent);
	});
}

fn totals() -> PoolTotals {
	LendingTotals::<Test>::get(USDC)
}

#[test]
fn listing_opens_a_money_market_with_borrowing_off() {
	new_test_ext().execute_with(|| {
		// Genesis opened both listed assets' markets; USDC's debt weighs 1.05 at both levels.
		assert_eq!(LendingMarkets::<Test>::get(USDC), Some(LendingConfig::settlement_default()));
		assert_eq!(LendingMarkets::<Test>::get(BTC), Some(LendingConfig::listing_default()));
		assert_eq!(LendingMarkets::<Test>::get(BTC).unwrap().borrow_cap, 0);
		let indices = LendingIndices::<Test>::get(BTC);
		assert_eq!((indices.supply, indices.borrow), (FixedU128::one(), FixedU128::one()));
		// A re-listing keeps the market as governance left it.
		LendingMarkets::<Test>::mutate(BTC, |market| market.as_mut().unwrap().borrow_cap = 7);
		assert_ok!(ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, btc_config()));
		assert_eq!(LendingMarkets::<Test>::get(BTC).unwrap().borrow_cap, 7);
	});
}

#[test]
fn a_settlement_debt_pays_interest_that_suppliers_and_the_reserve_share_to_the_unit() {
	new_test_ext().execute_with(|| {
		alice_owes_usdc();
		set_usdc_curve(100, vec![], 10);
		// The first end of block starts the clock and sets the rate from the curve.
		end_block();
		assert_eq!(LendingIndices::<Test>::get(USDC).borrow_rate, FixedU128::from_rational(1, 10));
		let accounts = [ALICE, BOB, FEES, INSURANCE];
		let before: Vec<i128> =
			accounts.iter().map(|who| ClearingPallet::settlement_balance(who)).collect();
		let health_before = ClearingPallet::cross_figures(&ALICE).unwrap().margin.health;
		// A year at 10%, charged at the next end of block.
		advance(YEAR_MS);
		set_price(BTC_PRICE, 50_000);
		end_block();
		let after: Vec<i128> =
			accounts.iter().map(|who| ClearingPallet::settlement_balance(who)).collect();
		let changes: Vec<i128> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
		let totals = totals();
		let interest = totals.interest as i128;
		// Alice's debt grew by a tenth (to the unit, rounded against her).
		assert!((changes[0] + before[0].abs() / 10).abs() <= 1, "{changes:?} {before:?}");
		assert!((changes[0] + interest).abs() <= 1);
		assert_eq!(totals.interest, totals.supplier_interest + totals.reserve);
		assert!(totals.reserve >= totals.interest / 10);
		// Bob and the fee account earned the suppliers' share, the fund the reserve: what
		// Alice paid, within a unit per balance.
		assert!((changes[1] + changes[2] - totals.supplier_interest as i128).abs() <= 2);
		// The fund's reserve: less the carry (below a scaled unit) and its own rounding.
		assert!((changes[3] - totals.reserve as i128).abs() <= 2, "{changes:?} {totals:?}");
		assert!((changes[1] + changes[2] + changes[3] + changes[0]).abs() <= 4);
		// Her health fell by her debt's growth, weighed at 1.05.
		let health_after = ClearingPallet::cross_figures(&ALICE).unwrap().margin.health;
		assert!(health_before - health_after >= -changes[0]);
		// One event, with the utilisation the block left and the next rate.
		let accrued = events()
			.into_iter()
			.filter_map(|event| match event {
				Event::InterestAccrued { asset, interest, supplier_interest, reserve, .. } => {
					Some((asset, interest, supplier_interest, reserve))
				},
				_ => None,
			})
			.collect::<Vec<_>>();
		assert_eq!(
			accrued,
			vec![(USDC, totals.interest, totals.supplier_interest, totals.reserve)]
		);
	});
}

#[test]
fn the_rate_follows_utilisation_along_the_curve() {
	new_test_ext().execute_with(|| {
		alice_owes_usdc();
		// 5% at the 80% kink, 65% at full utilisation.
		let curve = vec![
			RateSegment { from: Perbill::zero(), slope: FixedU128::from_rational(625, 10_000) },
			RateSegment { from: Perbill::from_percent(80), slope: FixedU128::from_u32(3) },
		];
		set_usdc_curve(0, curve.clone(), 10);
		end_block();
		let indices = LendingIndices::<Test>::get(USDC);
		let used = utilisation(
			risk_engine::money_market::borrow_value(totals().scaled_borrow, &indices).unwrap(),
			risk_engine::money_market::supply_value(totals().scaled_supply, &indices).unwrap(),
		);
		// About 5,060 owed against about 110,000 supplied: below the kink.
		assert!(used > Perbill::from_percent(4) && used < Perbill::from_percent(5));
		assert_eq!(indices.borrow_rate, borrow_rate(FixedU128::zero(), &curve, used).unwrap());
		// Bob withdraws all but 5,700 USDC: utilisation passes the kink (not the 90% cap)
		// and the rate jumps.
		let keep = 5_700 * ONE_USDC;
		let bob = ClearingPallet::settlement_balance(&BOB) as u128;
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(BOB), USDC, bob - keep));
		end_block();
		let steep = LendingIndices::<Test>::get(USDC).borrow_rate;
		assert!(steep > FixedU128::from_rational(5, 100), "{steep:?}");
	});
}

#[test]
fn conversions_follow_the_indices_and_a_full_withdrawal_leaves_nothing() {
	new_test_ext().execute_with(|| {
		alice_owes_usdc();
		set_usdc_curve(500, vec![], 0);
		end_block();
		advance(YEAR_MS / 12);
		set_price(BTC_PRICE, 50_000);
		end_block();
		let indices = LendingIndices::<Test>::get(USDC);
		assert!(indices.supply > FixedU128::one() && indices.borrow > indices.supply);
		// Charlie's 1,000 USDC are fewer scaled units, worth the 1,000 less a rounding unit.
		deposit(CHARLIE, USDC, 1_000 * ONE_USDC);
		assert!(SettlementBalances::<Test>::get(CHARLIE).scaled < (1_000 * ONE_USDC) as i128);
		let worth = ClearingPallet::settlement_balance(&CHARLIE);
		assert!(worth <= (1_000 * ONE_USDC) as i128 && worth >= (1_000 * ONE_USDC) as i128 - 1);
		// Withdrawing what it is worth takes every scaled unit.
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(CHARLIE), USDC, worth as u128));
		assert_eq!(SettlementBalances::<Test>::get(CHARLIE).scaled, 0);
		// One unit more than the balance is refused: a withdrawal never borrows.
		deposit(CHARLIE, USDC, 10 * ONE_USDC);
		let worth = ClearingPallet::settlement_balance(&CHARLIE) as u128;
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(CHARLIE), USDC, worth + 1),
			Error::<Test>::InsufficientCollateral
		);
	});
}

#[test]
fn the_borrowers_index_follows_debts() {
	new_test_ext().execute_with(|| {
		alice_owes_usdc();
		assert_eq!(Borrowers::<Test>::get(ALICE), Some(1));
		assert_eq!(Borrowers::<Test>::count(), 1);
		// She repays by depositing: out of the index.
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		assert_eq!(Borrowers::<Test>::get(ALICE), None);
		assert_eq!(Borrowers::<Test>::count(), 0);
	});
}

/// Lets USDC be borrowed, up to `cap` whole USDC.
fn usdc_borrowable(cap: u128) {
	LendingMarkets::<Test>::mutate(USDC, |market| {
		market.as_mut().unwrap().borrow_cap = cap * ONE_USDC;
	});
}

#[test]
fn borrowing_is_off_until_governed_and_stays_within_margin_and_caps() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, BTC, ONE_BTC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		assert_noop!(borrow(ALICE, USDC, ONE_USDC), Error::<Test>::BorrowingDisabled);
		assert_noop!(borrow(ALICE, BTC, 1), Error::<Test>::BorrowingDisabled);
		usdc_borrowable(40_000);
		// 1 BTC at 60,000 counts 54,000 initially; 30,000 owed weighs 31,500.
		let tokens = usdc_tokens(ALICE);
		assert_ok!(borrow(ALICE, USDC, 30_000 * ONE_USDC));
		assert_eq!(usdc_tokens(ALICE), tokens + 30_000 * ONE_USDC);
		assert_eq!(ClearingPallet::settlement_balance(&ALICE), -30_000 * ONE_USDC as i128);
		assert_eq!(Borrowers::<Test>::get(ALICE), Some(1));
		assert_eq!(TotalDeposits::<Test>::get(USDC), 70_000 * ONE_USDC);
		assert!(events().contains(&Event::Borrowed {
			who: ALICE,
			asset: USDC,
			amount: 30_000 * ONE_USDC,
			borrowed: 30_000 * ONE_USDC,
		}));
		// 41,000 borrowed in all would pass the cap.
		assert_noop!(borrow(ALICE, USDC, 11_000 * ONE_USDC), Error::<Test>::BorrowCapExceeded);
		// 55,000 owed would weigh 57,750: above what her BTC counts for.
		usdc_borrowable(1_000_000);
		assert_noop!(borrow(ALICE, USDC, 25_000 * ONE_USDC), Error::<Test>::BelowInitialMargin);
		// Charlie, rich in BTC, could borrow more than 90% of the supply: the utilisation
		// cap stops him.
		deposit(CHARLIE, BTC, 5 * ONE_BTC);
		assert_noop!(
			borrow(CHARLIE, USDC, 61_000 * ONE_USDC),
			Error::<Test>::UtilisationCapExceeded
		);
		assert_ok!(borrow(CHARLIE, USDC, 50_000 * ONE_USDC));
		// Bob's withdrawals are held to the same cap: 80,000 of his 100,000 are lent.
		let bob = ClearingPallet::settlement_balance(&BOB) as u128;
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(BOB), USDC, bob),
			Error::<Test>::InsufficientLiquidity
		);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(BOB), USDC, 15_000 * ONE_USDC),
			Error::<Test>::UtilisationCapExceeded
		);
		// At most 1 - 80% / 90% of the supply can leave: 11,111 USDC.
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(BOB), USDC, 11_000 * ONE_USDC));
	});
}

#[test]
fn repaying_clears_the_borrow_and_never_supplies() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, BTC, ONE_BTC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		usdc_borrowable(1_000_000);
		assert_ok!(borrow(ALICE, USDC, 10_000 * ONE_USDC));
		assert_ok!(ClearingPallet::repay(RuntimeOrigin::signed(ALICE), USDC, 4_000 * ONE_USDC));
		assert_eq!(ClearingPallet::settlement_balance(&ALICE), -6_000 * ONE_USDC as i128);
		let tokens = usdc_tokens(ALICE);
		assert_ok!(ClearingPallet::repay(RuntimeOrigin::signed(ALICE), USDC, u128::MAX));
		assert_eq!(usdc_tokens(ALICE), tokens - 6_000 * ONE_USDC);
		assert_eq!(SettlementBalances::<Test>::get(ALICE).scaled, 0);
		assert_eq!(Borrowers::<Test>::get(ALICE), None);
		assert_noop!(
			ClearingPallet::repay(RuntimeOrigin::signed(ALICE), USDC, 1),
			Error::<Test>::NothingToRepay
		);
		// Her BTC is hers to take again.
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), BTC, ONE_BTC));
	});
}

#[test]
fn a_borrow_only_account_is_liquidated_by_moving_its_borrow_and_collateral_to_the_fund() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, BTC, ONE_BTC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		usdc_borrowable(1_000_000);
		assert_ok!(borrow(ALICE, USDC, 50_000 * ONE_USDC));
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));
		// BTC at 55,000 counts 52,250 at maintenance; the debt weighs 52,500.
		set_price(BTC_PRICE, 55_000);
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		// The API's pages reach a borrower that holds no position.
		let page = ClearingPallet::liquidatable_accounts(None, 10);
		assert_eq!(page.accounts.iter().map(|a| a.who).collect::<Vec<_>>(), vec![ALICE]);
		assert_ok!(ClearingPallet::liquidate(RuntimeOrigin::none(), ALICE));
		let moved = events()
			.into_iter()
			.filter_map(|event| match event {
				Event::BorrowLiquidated { amount, collateral_amount, value, penalty, .. } => {
					Some((amount, collateral_amount, value, penalty))
				},
				_ => None,
			})
			.collect::<Vec<_>>();
		assert_eq!(moved.len(), 1, "{moved:?}");
		let (debt_taken, btc_taken, value, penalty) = moved[0];
		// Part of it: she keeps most of her BTC and the rest of her debt, above target.
		assert!(debt_taken < 50_000 * ONE_USDC && btc_taken < ONE_BTC);
		assert_eq!(ClearingPallet::balance_of(&ALICE, BTC), (ONE_BTC - btc_taken) as i128);
		assert_eq!(
			ClearingPallet::settlement_balance(&ALICE),
			-((50_000 * ONE_USDC - debt_taken) as i128)
		);
		let figures = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert!(figures.health > 0);
		// The fund took the debt and BTC worth it over 1 - 1%: the 1% is its penalty.
		assert_eq!(ClearingPallet::settlement_balance(&INSURANCE), -(debt_taken as i128));
		assert_eq!(ClearingPallet::balance_of(&INSURANCE, BTC), btc_taken as i128);
		assert_eq!(value, debt_taken);
		assert_eq!(value + penalty, (value * 100).div_ceil(99));
		// Nothing left the pool: Bob's supply is whole.
		assert_eq!(ClearingPallet::settlement_balance(&BOB), (100_000 * ONE_USDC) as i128);
	});
}

#[test]
fn a_position_and_a_borrow_are_liquidated_together_and_only_as_far_as_needed() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, BTC, ONE_BTC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		usdc_borrowable(1_000_000);
		// 1 BTC counts 54,000 initially; 35,000 borrowed weighs 36,750; a long of 1 BTC-PERP
		// needs a few thousand more.
		assert_ok!(borrow(ALICE, USDC, 35_000 * ONE_USDC));
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		// At 50,000 her BTC counts 47,500, the long has lost 10,000: below maintenance.
		set_price(BTC_PRICE, 50_000);
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		assert_ok!(ClearingPallet::liquidate(RuntimeOrigin::none(), ALICE));
		let closes = events()
			.into_iter()
			.filter(|event| matches!(event, Event::Liquidated { who: ALICE, .. }))
			.count();
		let moves = events()
			.into_iter()
			.filter(|event| matches!(event, Event::BorrowLiquidated { who: ALICE, .. }))
			.count();
		assert_eq!(closes, 1);
		assert!(moves <= 1);
		// Part of the position is left, and she is above maintenance again.
		let left = position(ALICE).expect("part of the long is left").position.size;
		assert!(left > 0 && left < ONE_BTC as i128);
		assert!(ClearingPallet::cross_figures(&ALICE).unwrap().margin.health >= 0);
	});
}

/// One step of the interest campaign.
#[derive(Clone, Debug)]
enum Step {
	/// An account deposits USDC (whole dollars).
	Deposit(usize, u32),
	/// An account withdraws a share (per mille) of what it holds.
	Withdraw(usize, u16),
	/// Two accounts trade BTC-PERP (thousandths of a BTC) at the index.
	Trade(usize, usize, i16),
	/// The index moves (per mille up or down).
	Move(i16),
	/// The end of a block after this many seconds.
	EndBlock(u32),
}

fn step() -> impl Strategy<Value = Step> {
	prop_oneof![
		1 => (0usize..3, 1u32..=5_000).prop_map(|(who, usd)| Step::Deposit(who, usd)),
		1 => (0usize..3, 1u16..=1_000).prop_map(|(who, share)| Step::Withdraw(who, share)),
		3 => (0usize..3, 0usize..3, -400i16..=400).prop_map(|(a, b, size)| Step::Trade(a, b, size)),
		3 => (-100i16..=100).prop_map(Step::Move),
		3 => (1u32..=86_400).prop_map(Step::EndBlock),
	]
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(
		std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000)
	))]

	/// Random deposits, withdrawals, trades, price moves and ends of blocks, USDC lending at
	/// a kinked curve: at every end of block what the debtors paid equals what the
	/// suppliers earned plus the reserve, within a unit per account; each trader's (and the
	/// fee account's) interest accrued is exactly what the ends of blocks moved its balance
	/// by since it was last opened, whatever the deposits, withdrawals and fills between;
	/// the invariants (totals, solvency, the borrowers' index, the liquidation index) hold
	/// after every step.
	#[test]
	fn interest_is_conserved_across_accounts(steps in prop::collection::vec(step(), 1..40)) {
		new_test_ext().execute_with(|| {
			let traders = [ALICE, BOB, CHARLIE];
			// A little USDC and a BTC each: losses past the USDC become debts the BTC backs.
			for who in traders {
				deposit(who, USDC, 500 * ONE_USDC);
				deposit(who, BTC, ONE_BTC);
			}
			set_usdc_curve(20, vec![
				RateSegment { from: Perbill::zero(), slope: FixedU128::from_rational(1, 10) },
				RateSegment { from: Perbill::from_percent(80), slope: FixedU128::from_u32(3) },
			], 15);
			let mut price: u128 = 60_000;
			let everyone = [ALICE, BOB, CHARLIE, FEES, INSURANCE];
			// What accrual moved each balance by: the traders' and the fee account's, which
			// only interest moves at an end of block (the fund's, left out, also takes the
			// reserve, a credit).
			let mut by_accrual = [0i128; 4];
			for step in steps {
				match step {
					Step::Deposit(who, usd) => {
						let _ = ClearingPallet::deposit(RuntimeOrigin::signed(traders[who]), USDC, usd as u128 * ONE_USDC);
					},
					Step::Withdraw(who, share) => {
						let held = ClearingPallet::settlement_balance(&traders[who]).max(0) as u128;
						let amount = held * share as u128 / 1_000;
						if amount > 0 {
							let _ = ClearingPallet::withdraw(RuntimeOrigin::signed(traders[who]), USDC, amount);
						}
					},
					Step::Trade(a, b, size) => {
						if a != b && size != 0 {
							let units = size as i128 * ONE_BTC as i128 / 1_000;
							let _ = frame_support::storage::with_storage_layer(|| {
								settle(&traders[a], &traders[b], BTC_PERP, units, usd(price))
							});
						}
					},
					Step::Move(per_mille) => {
						price = (price as i128 * (1_000 + per_mille as i128) / 1_000) as u128;
						set_price(BTC_PRICE, price);
					},
					Step::EndBlock(seconds) => {
						advance(seconds as u64 * 1_000);
						set_price(BTC_PRICE, price);
						let before: Vec<i128> = everyone.iter().map(|who| ClearingPallet::settlement_balance(who)).collect();
						let counted = totals();
						end_block();
						let after: Vec<i128> = everyone.iter().map(|who| ClearingPallet::settlement_balance(who)).collect();
						let now = totals();
						let interest = (now.interest - counted.interest) as i128;
						let reserve = (now.reserve - counted.reserve) as i128;
						prop_assert_eq!(now.interest - counted.interest, (now.supplier_interest - counted.supplier_interest) + (now.reserve - counted.reserve));
						let changes: Vec<i128> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
						for (total, change) in by_accrual.iter_mut().zip(&changes) {
							*total += change;
						}
						// Nothing made or lost: what debtors paid, suppliers and the fund
						// gained, within a unit per balance and the carries.
						let net: i128 = changes.iter().sum();
						prop_assert!(net.abs() <= everyone.len() as i128 + 1, "net {} of {:?}", net, changes);
						// While the fund owes nothing, the debtors paid the interest counted.
						if before[4] >= 0 {
							let paid: i128 = changes.iter().filter(|c| **c < 0).map(|c| -c).sum();
							prop_assert!((paid - interest).abs() <= everyone.len() as i128, "paid {} interest {} reserve {}", paid, interest, reserve);
						}
					},
				}
				for (who, total) in everyone.iter().zip(by_accrual.iter_mut()) {
					// A closed balance starts again.
					if SettlementBalances::<Test>::get(who).scaled == 0 {
						*total = 0;
					}
					prop_assert_eq!(ClearingPallet::interest_accrued(who, USDC), Some(*total));
				}
				let checked = ClearingPallet::do_try_state();
				prop_assert!(checked.is_ok(), "{:?}", checked);
			}
			Ok(())
		})?;
	}
}

/// Under portfolio margin a borrow is a spot short in the scan: alone it needs margin for a
/// rise of its asset, beside a long perpetual on the same underlying it hedges it, but for
/// the basis between the perpetual's mark and the index; equity counts it at its market
/// value, the scan carrying its price risk in place of the weight.
#[test]
fn a_borrow_moves_with_its_price_in_the_portfolio_scan_and_hedges_a_long() {
	new_test_ext().execute_with(|| {
		LendingMarkets::<Test>::mutate(BTC, |market| {
			market.as_mut().unwrap().borrow_cap = 10 * ONE_BTC;
		});
		PortfolioMinimumEquity::<Test>::put(1_000 * ONE_USDC);
		deposit(CHARLIE, BTC, 5 * ONE_BTC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		// Alice borrows a BTC and sells it: 60,000 USDC more in her pool.
		assert_ok!(borrow(ALICE, BTC, ONE_BTC));
		deposit(ALICE, USDC, 60_000 * ONE_USDC);
		let cross = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		// Under cross margin the borrow weighs 1.10 initially, 1.05 at maintenance.
		assert_eq!(cross.equity_initial, (160_000 - 66_000) * ONE_USDC as i128);
		assert_eq!(cross.initial_requirement, 0);
		assert_ok!(ClearingPallet::set_margin_mode(
			RuntimeOrigin::signed(ALICE),
			crate::MarginMode::Portfolio
		));
		let alone = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		// At market value in equity; a BTC rise in the scan is what it needs margin for.
		assert_eq!(alone.equity_initial, (160_000 - 60_000) * ONE_USDC as i128);
		// The scan's 5% move of a short BTC: 3,000 initially.
		assert!(alone.initial_requirement >= 3_000 * ONE_USDC, "{alone:?}");
		let report = ClearingPallet::margin_report(&ALICE).unwrap();
		assert_eq!(report.underlyings.len(), 1);
		assert!(report.underlyings[0].delta < FixedI128::from_u32(0));
		// A long BTC perpetual nets against it: the book is flat in every scenario. What is
		// left is the basis: the perpetual's mark may stand 1% either side of the index the
		// borrow follows, 2% of the 60,000 hedged.
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		let hedged = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		let basis = 1_200 * ONE_USDC;
		assert!(
			hedged.initial_requirement >= basis && hedged.initial_requirement < basis + ONE_USDC,
			"hedged {} alone {}",
			hedged.initial_requirement,
			alone.initial_requirement
		);
		assert!(hedged.maintenance_requirement >= basis);
		let report = ClearingPallet::margin_report(&ALICE).unwrap();
		assert!(report.underlyings[0].delta.into_inner().abs() < 10_000_000_000_000_000);
		assert!(report.portfolio.initial_requirement * 2 < report.cross.initial_requirement);
		// BTC up 10%: the perpetual's gain pays most of the borrow's 6,000 growth (its mark
		// trails the index, its book still at 60,000); health moves by the basis only.
		set_price(BTC_PRICE, 66_000);
		let moved = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert!(moved.unrealized_pnl > 5_000 * ONE_USDC as i128, "{moved:?}");
		assert!((moved.health - hedged.health).abs() < 1_000 * ONE_USDC as i128, "{moved:?}");
	});
}
