//! Permissioned pools: who creates and administers them, what a restricted market refuses
//! non-members (and removed members), margin across open and restricted markets, and the
//! pool's insurance fund paying first for bad debt in its markets.

use super::*;
use crate::{PoolAdmin, PoolReport};

const TWIN: MarketId = 5;

fn create_pool(admin: PoolAdmin<u64>, fund: bool) {
	assert_ok!(ClearingPallet::create_pool(RuntimeOrigin::root(), admin, fund));
}

fn add(origin: RuntimeOrigin, who: u64) -> DispatchResult {
	ClearingPallet::add_pool_member(origin, 0, who)
}

fn restrict(market: MarketId) {
	assert_ok!(ClearingPallet::set_market_pool(RuntimeOrigin::root(), market, Some(0)));
}

fn register_twin() {
	let mut twin = btc_perp();
	twin.symbol = frame_support::BoundedVec::truncate_from(b"BTC-PERP2".to_vec());
	assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), TWIN, twin));
}

/// `who` pays `amount` USDC into pool 0's fund (minted and deposited first).
fn fund_pool(who: u64, amount: u128) {
	deposit(who, USDC, amount);
	assert_ok!(ClearingPallet::fund_pool_insurance(RuntimeOrigin::signed(who), 0, amount));
}

#[test]
fn root_creates_pools_and_names_their_administrators() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			ClearingPallet::create_pool(
				RuntimeOrigin::signed(ALICE),
				PoolAdmin::Account(ALICE),
				true
			),
			DispatchError::BadOrigin
		);
		create_pool(PoolAdmin::Account(CHARLIE), true);
		create_pool(PoolAdmin::RiskOrigin, false);
		let fund = ClearingPallet::pool_insurance_account(0);
		assert!(events().contains(&Event::PoolCreated {
			pool: 0,
			admin: PoolAdmin::Account(CHARLIE),
			insurance_fund: Some(fund),
		}));
		assert!(events().contains(&Event::PoolCreated {
			pool: 1,
			admin: PoolAdmin::RiskOrigin,
			insurance_fund: None,
		}));
		// (The mock's 8-byte accounts truncate the derivation; the runtime's 32-byte accounts
		// keep it whole: its tests check that every pool's fund is an account of its own.)
		// Root hands pool 0 to the risk origin; nobody else may.
		assert_noop!(
			ClearingPallet::set_pool_admin(
				RuntimeOrigin::signed(CHARLIE),
				0,
				PoolAdmin::RiskOrigin
			),
			DispatchError::BadOrigin
		);
		assert_ok!(ClearingPallet::set_pool_admin(RuntimeOrigin::root(), 0, PoolAdmin::RiskOrigin));
		assert_noop!(add(RuntimeOrigin::signed(CHARLIE), ALICE), Error::<Test>::NotPoolAdmin);
		assert_noop!(
			ClearingPallet::set_pool_admin(RuntimeOrigin::root(), 7, PoolAdmin::RiskOrigin),
			Error::<Test>::UnknownPool
		);
	});
}

#[test]
fn only_the_administrator_or_root_changes_membership() {
	new_test_ext().execute_with(|| {
		create_pool(PoolAdmin::Account(CHARLIE), true);
		create_pool(PoolAdmin::RiskOrigin, true);
		assert_noop!(add(RuntimeOrigin::signed(BOB), ALICE), Error::<Test>::NotPoolAdmin);
		assert_noop!(add(RuntimeOrigin::none(), ALICE), Error::<Test>::NotPoolAdmin);
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), ALICE));
		assert!(events().contains(&Event::PoolMemberAdded { pool: 0, who: ALICE }));
		assert_noop!(add(RuntimeOrigin::signed(CHARLIE), ALICE), Error::<Test>::AlreadyPoolMember);
		assert_ok!(add(RuntimeOrigin::root(), BOB));
		assert_noop!(
			ClearingPallet::remove_pool_member(RuntimeOrigin::signed(CHARLIE), 0, CHARLIE),
			Error::<Test>::NotPoolMember
		);
		assert_ok!(ClearingPallet::remove_pool_member(RuntimeOrigin::signed(CHARLIE), 0, BOB));
		assert!(events().contains(&Event::PoolMemberRemoved { pool: 0, who: BOB }));
		assert_eq!(Pools::<Test>::get(0).unwrap().members, 1);
		// Pool 1 is the risk origin's: the council's account, not Charlie.
		assert_noop!(
			ClearingPallet::add_pool_member(RuntimeOrigin::signed(CHARLIE), 1, ALICE),
			Error::<Test>::NotPoolAdmin
		);
		assert_ok!(ClearingPallet::add_pool_member(RuntimeOrigin::signed(RISK_COUNCIL), 1, ALICE));
		assert_noop!(
			ClearingPallet::add_pool_member(RuntimeOrigin::root(), 9, ALICE),
			Error::<Test>::UnknownPool
		);
	});
}

#[test]
fn a_restricted_market_refuses_non_members_who_add_risk() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		create_pool(PoolAdmin::Account(CHARLIE), true);
		restrict(BTC_PERP);
		assert!(events().contains(&Event::MarketPoolSet { market: BTC_PERP, pool: Some(0) }));
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), ALICE));
		// Bob is no member: as the maker his side fails as his own; as the taker, the trade.
		assert_eq!(
			ClearingPallet::settle_trade(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)),
			Err(SettleError::Maker(Error::<Test>::NotPoolMember.into()))
		);
		assert_eq!(
			ClearingPallet::settle_trade(&ALICE, &BOB, BTC_PERP, ONE_BTC as i128, usd(60_000)),
			Err(SettleError::Trade(Error::<Test>::NotPoolMember.into()))
		);
		// Nor may he rest an order there.
		assert_noop!(
			ClearingPallet::commit_order(&BOB, BTC_PERP, OrderSide::Buy, ONE_BTC, usd(60_000)),
			Error::<Test>::NotPoolMember
		);
		assert!(position(BOB).is_none());
		// Admitted, he trades.
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), BOB));
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		assert_ok!(ClearingPallet::commit_order(
			&BOB,
			BTC_PERP,
			OrderSide::Buy,
			ONE_BTC,
			usd(59_000)
		));
	});
}

#[test]
fn a_removed_member_may_only_reduce() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
		create_pool(PoolAdmin::Account(CHARLIE), true);
		restrict(BTC_PERP);
		for who in [ALICE, BOB, CHARLIE] {
			assert_ok!(add(RuntimeOrigin::signed(CHARLIE), who));
		}
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		assert_ok!(ClearingPallet::remove_pool_member(RuntimeOrigin::signed(CHARLIE), 0, ALICE));
		// Alice (long 1) may not buy more, nor flip short, nor rest an order...
		assert_eq!(
			ClearingPallet::settle_trade(
				&CHARLIE,
				&ALICE,
				BTC_PERP,
				ONE_BTC as i128 / 2,
				usd(60_000)
			),
			Err(SettleError::Trade(Error::<Test>::NotPoolMember.into()))
		);
		assert_eq!(
			ClearingPallet::settle_trade(
				&CHARLIE,
				&ALICE,
				BTC_PERP,
				-2 * ONE_BTC as i128,
				usd(60_000)
			),
			Err(SettleError::Trade(Error::<Test>::NotPoolMember.into()))
		);
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_PERP, OrderSide::Sell, ONE_BTC, usd(61_000)),
			Error::<Test>::NotPoolMember
		);
		// ...but she sells down to flat, in two trades.
		assert_ok!(settle(&CHARLIE, &ALICE, BTC_PERP, -(ONE_BTC as i128) / 2, usd(60_000)));
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -(ONE_BTC as i128) / 2, usd(60_000)));
		assert!(position(ALICE).is_none());
	});
}

#[test]
fn members_net_open_and_restricted_markets_in_one_account() {
	new_test_ext().execute_with(|| {
		register_twin();
		deposit(ALICE, USDC, 20_000 * ONE_USDC);
		deposit(BOB, USDC, 20_000 * ONE_USDC);
		create_pool(PoolAdmin::Account(CHARLIE), true);
		restrict(TWIN);
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), ALICE));
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), BOB));
		// Long on the open market, short the restricted twin: one collateral account.
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		assert_ok!(settle(&BOB, &ALICE, TWIN, -(ONE_BTC as i128), usd(60_000)));
		let report = ClearingPallet::margin_report(&ALICE).unwrap();
		assert_eq!(report.cross.initial_requirement, 6_000 * ONE_USDC);
		// Under portfolio margin the hedge across the two venues locks nothing.
		assert_eq!(report.portfolio.initial_requirement, 0);
	});
}

#[test]
fn markets_are_restricted_and_opened_by_root() {
	new_test_ext().execute_with(|| {
		create_pool(PoolAdmin::Account(CHARLIE), true);
		create_pool(PoolAdmin::Account(CHARLIE), true);
		assert_noop!(
			ClearingPallet::set_market_pool(RuntimeOrigin::signed(CHARLIE), BTC_PERP, Some(0)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ClearingPallet::set_market_pool(RuntimeOrigin::root(), 9, Some(0)),
			Error::<Test>::UnknownMarket
		);
		assert_noop!(
			ClearingPallet::set_market_pool(RuntimeOrigin::root(), BTC_PERP, Some(7)),
			Error::<Test>::UnknownPool
		);
		assert_noop!(
			ClearingPallet::set_market_pool(RuntimeOrigin::root(), BTC_PERP, None),
			Error::<Test>::MarketPoolUnchanged
		);
		restrict(BTC_PERP);
		assert_ok!(ClearingPallet::set_market_pool(RuntimeOrigin::root(), BTC_PERP, Some(1)));
		assert_eq!(Pools::<Test>::get(0).unwrap().restricted_markets, 0);
		assert_eq!(Pools::<Test>::get(1).unwrap().restricted_markets, 1);
		assert_eq!(
			ClearingPallet::pools()[1],
			PoolReport {
				pool: 1,
				admin: PoolAdmin::Account(CHARLIE),
				members: vec![],
				restricted_markets: vec![BTC_PERP],
				insurance_fund: Some(ClearingPallet::pool_insurance_account(1)),
				insurance_balance: 0,
			}
		);
		// Opened again, anyone trades it.
		assert_ok!(ClearingPallet::set_market_pool(RuntimeOrigin::root(), BTC_PERP, None));
		open_one_btc();
	});
}

#[test]
fn contributions_to_a_pool_fund_come_from_free_settlement_balance() {
	new_test_ext().execute_with(|| {
		create_pool(PoolAdmin::Account(CHARLIE), true);
		create_pool(PoolAdmin::Account(CHARLIE), false);
		deposit(CHARLIE, USDC, 1_000 * ONE_USDC);
		let pay = |pool, amount| {
			ClearingPallet::fund_pool_insurance(RuntimeOrigin::signed(CHARLIE), pool, amount)
		};
		assert_noop!(pay(0, 0), Error::<Test>::ZeroAmount);
		assert_noop!(pay(7, ONE_USDC), Error::<Test>::UnknownPool);
		assert_noop!(pay(1, ONE_USDC), Error::<Test>::NoPoolInsuranceFund);
		assert_noop!(pay(0, 1_001 * ONE_USDC), Error::<Test>::InsufficientCollateral);
		assert_ok!(pay(0, 400 * ONE_USDC));
		let fund = ClearingPallet::pool_insurance_account(0);
		assert_eq!(ClearingPallet::settlement_balance(&fund), 400 * ONE_USDC as i128);
		assert_eq!(ClearingPallet::settlement_balance(&CHARLIE), 600 * ONE_USDC as i128);
		assert!(events().contains(&Event::PoolInsuranceFunded {
			pool: 0,
			who: CHARLIE,
			amount: 400 * ONE_USDC
		}));
		// Alice, 1 BTC long on 10,000: she may not pay away what her initial margin needs.
		open_one_btc();
		assert_noop!(
			ClearingPallet::fund_pool_insurance(RuntimeOrigin::signed(ALICE), 0, 7_000 * ONE_USDC),
			Error::<Test>::BelowInitialMargin
		);
	});
}

/// The bad debt Alice leaves in `the_fund_pays_bad_debt_from_its_balance`: 1 BTC long on
/// 9,970, liquidated at an index of 45,000.
const BAD_DEBT: u128 = 5_034_500_000;

fn pool_paid() -> u128 {
	events()
		.iter()
		.filter_map(|e| match e {
			Event::PoolBadDebtCovered { pool: 0, who: ALICE, paid, .. } => Some(*paid),
			_ => None,
		})
		.sum()
}

fn chain_fund_paid() -> u128 {
	events()
		.iter()
		.filter_map(|e| match e {
			Event::BadDebtCovered { who: ALICE, paid, .. } => Some(*paid),
			_ => None,
		})
		.sum()
}

#[test]
fn a_pool_fund_pays_first_for_bad_debt_in_its_markets() {
	new_test_ext().execute_with(|| {
		create_pool(PoolAdmin::Account(CHARLIE), true);
		restrict(BTC_PERP);
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), ALICE));
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), BOB));
		// The pool's fund holds 2,000 USDC: it pays 2,000 of the debt, the chain's fund the
		// rest.
		fund_pool(CHARLIE, 2_000 * ONE_USDC);
		open_one_btc();
		set_price(BTC_PRICE, 45_000);
		assert_ok!(liquidate(ALICE));
		assert_eq!(pool_paid(), 2_000 * ONE_USDC);
		assert_eq!(chain_fund_paid(), BAD_DEBT - 2_000 * ONE_USDC);
		assert_eq!(
			ClearingPallet::settlement_balance(&ClearingPallet::pool_insurance_account(0)),
			0
		);
		assert_eq!(SettlementBalances::<Test>::get(ALICE).scaled, 0);
	});
}

#[test]
fn a_rich_pool_fund_leaves_the_chain_fund_untouched() {
	new_test_ext().execute_with(|| {
		create_pool(PoolAdmin::Account(CHARLIE), true);
		restrict(BTC_PERP);
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), ALICE));
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), BOB));
		fund_pool(CHARLIE, 10_000 * ONE_USDC);
		open_one_btc();
		set_price(BTC_PRICE, 45_000);
		assert_ok!(liquidate(ALICE));
		assert_eq!(pool_paid(), BAD_DEBT);
		assert_eq!(chain_fund_paid(), 0);
		assert_eq!(
			ClearingPallet::settlement_balance(&ClearingPallet::pool_insurance_account(0)),
			(10_000 * ONE_USDC - BAD_DEBT) as i128
		);
	});
}

#[test]
fn a_cross_bad_debt_is_shared_by_where_the_liquidation_closed() {
	new_test_ext().execute_with(|| {
		register_twin();
		create_pool(PoolAdmin::Account(CHARLIE), true);
		restrict(TWIN);
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), ALICE));
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), BOB));
		fund_pool(CHARLIE, 10_000 * ONE_USDC);
		// Half a BTC long in the open market, half in the pool's: the pool's fund pays half.
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		let half = ONE_BTC as i128 / 2;
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, half, usd(60_000)));
		assert_ok!(settle(&BOB, &ALICE, TWIN, half, usd(60_000)));
		set_price(BTC_PRICE, 45_000);
		assert_ok!(liquidate(ALICE));
		let debt = pool_paid() + chain_fund_paid();
		assert_eq!(debt, BAD_DEBT);
		assert_eq!(pool_paid(), BAD_DEBT / 2);
	});
}

#[test]
fn an_isolated_bad_debt_in_a_restricted_market_is_the_pools_first() {
	new_test_ext().execute_with(|| {
		create_pool(PoolAdmin::Account(CHARLIE), true);
		restrict(BTC_PERP);
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), ALICE));
		assert_ok!(add(RuntimeOrigin::signed(CHARLIE), BOB));
		fund_pool(CHARLIE, 20_000 * ONE_USDC);
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			4_000 * ONE_USDC
		));
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		set_price(BTC_PRICE, 45_000);
		assert_ok!(ClearingPallet::liquidate_isolated(RuntimeOrigin::none(), ALICE, BTC_PERP));
		// 4,000 of margin, less the 30 fee, against a loss of 14,550 to the 45,450 mark and
		// the 454.5 penalty: 11,034.5 of bad debt, all the pool fund's.
		assert_eq!(pool_paid(), 11_034_500_000);
		assert_eq!(chain_fund_paid(), 0);
		assert!(events().iter().any(|e| matches!(
			e,
			Event::PoolBadDebtCovered { pool: 0, who: ALICE, market: Some(BTC_PERP), .. }
		)));
	});
}
