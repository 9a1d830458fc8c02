//! Option series and portfolio margin.

use super::*;
use crate::{Instrument, LiquidationOutcome, LiquidationReach, MarginMode};
use risk_engine::options::{
	black76, black76_price_fast, Black76, OptionKind, FAST_PREMIUM_MAX_DEVIATION_PER_USD,
	FAST_PREMIUM_MAX_DEVIATION_ROUNDING,
};

/// BTC's implied volatility.
const BTC_IV: u32 = 12;
/// A 30-day BTC call struck at 60,000.
pub(super) const BTC_CALL: MarketId = 10;
pub(super) const DAY_MS: u64 = 86_400_000;
/// Sizes in satoshi, lots of 0.01 BTC.
const OPTION_LOT: u128 = 1_000_000;

pub(super) fn set_volatility(percent: u128) {
	set_price_at(BTC_IV, FixedU128::from_rational(percent, 100), now());
}

/// A series on BTC: lots of 0.01 BTC, tick 0.1 USD, 15% / 7.5% standard margin.
pub(super) fn series(
	kind: OptionKind,
	strike: u128,
	expiry_ms: u64,
) -> crate::MarketParamsOf<Test> {
	let mut params = btc_perp();
	params.symbol = frame_support::BoundedVec::truncate_from(b"BTC-30D-60000-C".to_vec());
	params.lot_size = OPTION_LOT;
	params.min_size = OPTION_LOT;
	params.tiers = frame_support::BoundedVec::truncate_from(vec![MarginTier {
		notional_floor: 0,
		initial_fraction: Perbill::from_percent(15),
		maintenance_fraction: Perbill::from_parts(75_000_000),
	}]);
	params.instrument =
		Instrument::Option { kind, strike: usd(strike), expiry_ms, volatility_key: BTC_IV };
	params
}

pub(super) fn list_call() {
	set_volatility(60);
	assert_ok!(ClearingPallet::register_market(
		RuntimeOrigin::root(),
		BTC_CALL,
		series(OptionKind::Call, 60_000, now() + 30 * DAY_MS),
	));
}

/// The series' mark, rounded down to its tick: a price it can trade at.
pub(super) fn tradable_mark(market: MarketId) -> Price {
	let mark = ClearingPallet::market_report(market).unwrap().mark_price.unwrap();
	let tick = usd(1).into_inner() / 10;
	FixedU128::from_inner(mark.into_inner() / tick * tick)
}

/// Settlement units of one whole BTC at `price`, rounded up.
fn whole_value(price: Price) -> u128 {
	price.into_inner().div_ceil(1_000_000_000_000)
}

fn fixed(price: Price) -> FixedI128 {
	FixedI128::from_inner(price.into_inner() as i128)
}

#[test]
fn a_series_is_listed_with_valid_terms_and_marked_by_black_76() {
	new_test_ext().execute_with(|| {
		list_call();
		let report = ClearingPallet::market_report(BTC_CALL).unwrap();
		let option = Black76 {
			kind: OptionKind::Call,
			forward: FixedI128::from_u32(60_000),
			strike: FixedI128::from_u32(60_000),
			years: FixedI128::from_rational(30, 365),
			volatility: FixedI128::from_rational(6, 10),
			rate: FixedI128::from_u32(0),
		};
		let mark = fixed(report.mark_price.unwrap());
		assert_eq!(mark, black76_price_fast(&option).unwrap());
		// Within the fast price's documented deviation of the exact Black-76 price.
		let exact = black76(&option).unwrap().price;
		let allowed =
			FAST_PREMIUM_MAX_DEVIATION_PER_USD * 120_000 + FAST_PREMIUM_MAX_DEVIATION_ROUNDING + 1;
		assert!((mark.into_inner() - exact.into_inner()).abs() <= allowed, "{mark:?} vs {exact:?}");
		assert!(report.index_fresh && !report.expired);
		assert_eq!(report.implied_volatility, Some(FixedU128::from_rational(6, 10)));
		assert!(GuardedKeys::<Test>::get().contains(&BTC_IV), "the breaker watches the IV");

		let expiry = now() + DAY_MS;
		for bad in [
			series(OptionKind::Call, 0, expiry),
			series(OptionKind::Put, 60_000, now()),
			{
				let mut params = series(OptionKind::Call, 60_000, expiry);
				params.instrument = Instrument::Option {
					kind: OptionKind::Call,
					strike: usd(60_000),
					expiry_ms: expiry,
					volatility_key: BTC_PRICE,
				};
				params
			},
			{
				let mut params = series(OptionKind::Call, 60_000, expiry);
				params.instrument = Instrument::Option {
					kind: OptionKind::Call,
					strike: FixedU128::from_rational(6_000_005, 100),
					expiry_ms: expiry,
					volatility_key: BTC_IV,
				};
				params
			},
		] {
			assert_noop!(
				ClearingPallet::register_market(RuntimeOrigin::root(), 11, bad),
				Error::<Test>::InvalidOptionTerms
			);
		}
		// A listed series keeps its terms; a perpetual cannot become one.
		assert_noop!(
			ClearingPallet::register_market(
				RuntimeOrigin::root(),
				BTC_CALL,
				series(OptionKind::Put, 60_000, expiry)
			),
			Error::<Test>::MarketIdentityFixed
		);
		assert_noop!(
			ClearingPallet::register_market(
				RuntimeOrigin::root(),
				BTC_PERP,
				series(OptionKind::Call, 60_000, expiry)
			),
			Error::<Test>::MarketIdentityFixed
		);
	});
}

#[test]
fn a_short_option_needs_the_standard_margin_a_long_its_premium_and_neither_pays_funding() {
	new_test_ext().execute_with(|| {
		list_call();
		let premium = tradable_mark(BTC_CALL);
		// Nobody buys an option without the premium in collateral.
		deposit(ALICE, USDC, 20_000 * ONE_USDC);
		assert_noop!(
			settle(&ALICE, &CHARLIE, BTC_CALL, ONE_BTC as i128, premium),
			Error::<Test>::TakerMarginInsufficient
		);
		deposit(BOB, USDC, 20_000 * ONE_USDC);
		let receipt =
			ClearingPallet::settle_trade(&ALICE, &BOB, BTC_CALL, ONE_BTC as i128, premium).unwrap();

		let mark = ClearingPallet::market_report(BTC_CALL).unwrap().mark_price.unwrap();
		let mark_value = whole_value(mark);
		let line = |who| {
			ClearingPallet::account_report(&who)
				.unwrap()
				.positions
				.into_iter()
				.find(|p| p.market == BTC_CALL)
				.unwrap()
		};
		// At the money: premium plus 15% (initial) or 7.5% (maintenance) of 60,000.
		let short = line(ALICE);
		assert_eq!(short.initial_requirement, mark_value + 9_000 * ONE_USDC);
		assert_eq!(short.maintenance_requirement, mark_value + 4_500 * ONE_USDC);
		assert_eq!(short.liquidation_price, None);
		let long = line(BOB);
		assert_eq!(long.initial_requirement, mark_value);
		assert_eq!(long.maintenance_requirement, 0);
		// Futures-style: the premium is the position's cost; only the fee moved cash.
		assert_eq!(
			SettlementBalances::<Test>::get(BOB).scaled,
			(20_000 * ONE_USDC - receipt.taker_fee) as i128
		);
		assert_eq!(receipt.taker_fee, Perbill::from_parts(500_000).mul_ceil(whole_value(premium)));

		// A day later, at a new index, still no funding.
		advance(DAY_MS);
		set_price(BTC_PRICE, 61_000);
		set_volatility(60);
		assert_ok!(settle(&ALICE, &BOB, BTC_CALL, OPTION_LOT as i128, tradable_mark(BTC_CALL)));
		assert!(MarketStates::<Test>::get(BTC_CALL).funding_index == FixedI128::from_u32(0));
		assert!(!events().iter().any(|e| matches!(
			e,
			Event::FundingAccrued { market: BTC_CALL, .. }
				| Event::FundingSettled { market: BTC_CALL, .. }
		)));
	});
}

/// Alice, on 40,000 USDC, sells 2 at-the-money calls to Bob and hedges their delta with
/// a long perpetual from Charlie. Returns the perpetual's size.
pub(super) fn delta_hedged_book() -> i128 {
	list_call();
	// The book is small: a 1,000 USDC minimum lets it run near its requirement.
	PortfolioMinimumEquity::<Test>::put(1_000 * ONE_USDC);
	deposit(ALICE, USDC, 40_000 * ONE_USDC);
	deposit(BOB, USDC, 40_000 * ONE_USDC);
	deposit(CHARLIE, USDC, 40_000 * ONE_USDC);
	assert_ok!(settle(&ALICE, &BOB, BTC_CALL, 2 * ONE_BTC as i128, tradable_mark(BTC_CALL)));
	let delta = ClearingPallet::margin_report(&ALICE).unwrap().underlyings[0].delta;
	// -2 x N(d1), bought back in whole 0.0001 BTC lots.
	let hedge = (-delta.into_inner() / 10_000_000_000 / 10_000) * 10_000;
	assert!(hedge > ONE_BTC as i128 && hedge < 2 * ONE_BTC as i128, "hedge {hedge}");
	assert_ok!(settle(&CHARLIE, &ALICE, BTC_PERP, hedge, usd(60_000)));
	hedge
}

#[test]
fn portfolio_margin_nets_a_delta_hedged_book_and_frees_collateral() {
	new_test_ext().execute_with(|| {
		delta_hedged_book();
		let report = ClearingPallet::margin_report(&ALICE).unwrap();
		assert_eq!(report.mode, MarginMode::Cross);
		let cross = report.cross.initial_requirement;
		let portfolio = report.portfolio.initial_requirement;
		assert!(portfolio * 3 <= cross, "portfolio {portfolio} vs cross {cross}");
		assert!(report.underlyings[0].delta.into_inner().abs() < 10_000_000_000_000_000);
		assert!(report.underlyings[0].gamma < FixedI128::from_u32(0));
		assert!(report.underlyings[0].vega < FixedI128::from_u32(0));

		// Under cross margin the freed collateral cannot leave.
		let free_under_portfolio = report.equity - portfolio as i128;
		let freed = (free_under_portfolio as u128 / ONE_USDC - 1) * ONE_USDC;
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, freed),
			Error::<Test>::BelowInitialMargin
		);
		assert_ok!(ClearingPallet::set_margin_mode(
			RuntimeOrigin::signed(ALICE),
			MarginMode::Portfolio
		));
		assert!(events()
			.contains(&Event::MarginModeChanged { who: ALICE, mode: MarginMode::Portfolio }));
		assert_noop!(
			ClearingPallet::set_margin_mode(RuntimeOrigin::signed(ALICE), MarginMode::Portfolio),
			Error::<Test>::MarginModeUnchanged
		);
		let figures = ClearingPallet::cross_figures(&ALICE).unwrap();
		assert_eq!(figures.margin.initial_requirement, portfolio);
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, freed));
		let after = ClearingPallet::margin_report(&ALICE).unwrap();
		assert_eq!(after.mode, MarginMode::Portfolio);
		assert!(after.equity >= after.portfolio.initial_requirement as i128);
		// Back to cross it cannot go: the cross requirement is no longer covered.
		assert_noop!(
			ClearingPallet::set_margin_mode(RuntimeOrigin::signed(ALICE), MarginMode::Cross),
			Error::<Test>::BelowInitialMargin
		);
		// The chain's totals count her at her mode in force.
		assert_eq!(ClearingPallet::capital_efficiency().locked_in_force, {
			let bob = ClearingPallet::margin_report(&BOB).unwrap().cross.initial_requirement;
			let charlie =
				ClearingPallet::margin_report(&CHARLIE).unwrap().cross.initial_requirement;
			portfolio + bob + charlie
		});
	});
}

#[test]
fn portfolio_margin_has_a_minimum_equity() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 9_999 * ONE_USDC);
		assert_noop!(
			ClearingPallet::set_margin_mode(RuntimeOrigin::signed(ALICE), MarginMode::Portfolio),
			Error::<Test>::PortfolioEquityBelowMinimum
		);
		deposit(ALICE, USDC, 6 * ONE_USDC);
		assert_ok!(ClearingPallet::set_margin_mode(
			RuntimeOrigin::signed(ALICE),
			MarginMode::Portfolio
		));
		// 0.01 BTC long: 0.30 of taker fee, 10,004.70 of equity.
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, 1_000_000, usd(60_000)));
		// With risk on, withdrawing below the minimum is refused.
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 5 * ONE_USDC),
			Error::<Test>::PortfolioEquityBelowMinimum
		);
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 4 * ONE_USDC));
		// A loss takes equity below it: no more risk, but reducing goes on.
		set_price(BTC_PRICE, 59_000);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, 10_000, usd(59_000)),
			Error::<Test>::PortfolioEquityBelowMinimum
		);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -10_000, usd(59_000)));
		// Governance lowers the minimum: down to it, collateral may go.
		assert_ok!(ClearingPallet::set_portfolio_minimum_equity(
			RuntimeOrigin::root(),
			1_000 * ONE_USDC
		));
		start_next_block();
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 8_900 * ONE_USDC));
		assert_ok!(ClearingPallet::set_margin_mode(
			RuntimeOrigin::signed(ALICE),
			MarginMode::Cross
		));
		assert!(!MarginModes::<Test>::contains_key(ALICE), "cross is the default, not stored");
	});
}

#[test]
fn a_portfolio_account_is_liquidated_pro_rata_and_partially() {
	new_test_ext().execute_with(|| {
		let hedge = delta_hedged_book();
		assert_ok!(ClearingPallet::set_margin_mode(
			RuntimeOrigin::signed(ALICE),
			MarginMode::Portfolio
		));
		let figures = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		// Down to 200 USDC of free collateral.
		let spare = (figures.free_collateral as u128 / ONE_USDC - 200) * ONE_USDC;
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, spare));
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));

		// Implied volatility jumps from 60% to 72%: the short calls lose their vega.
		set_volatility(72);
		let before = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert!(before.health < 0, "health {}", before.health);
		let fund_before = SettlementBalances::<Test>::get(INSURANCE).scaled;
		let states_before = [BTC_CALL, BTC_PERP].map(MarketStates::<Test>::get);
		let info = ClearingPallet::liquidate(RuntimeOrigin::none(), ALICE).unwrap();
		// Refunded to the pro rata benchmark and the market states it wrote: the first
		// share restored the account.
		let market_states_written = [BTC_CALL, BTC_PERP]
			.map(MarketStates::<Test>::get)
			.iter()
			.zip(&states_before)
			.filter(|(after, before)| after != before)
			.count() as u32;
		let outcome = LiquidationOutcome {
			reach: LiquidationReach::Partial,
			market_states_written,
			borrow_moves: 0,
			borrow_checks: 0,
			synthetic_seizures: 0,
		};
		let partial = ClearingPallet::liquidate_weight(MarginMode::Portfolio, 2, outcome);
		assert_eq!(info.actual_weight, Some(partial));

		let closed: Vec<(MarketId, i128, u128)> = events()
			.into_iter()
			.filter_map(|e| match e {
				Event::Liquidated {
					who: ALICE,
					market,
					closed_size,
					penalty,
					isolated: false,
					..
				} => Some((market, closed_size, penalty)),
				_ => None,
			})
			.collect();
		assert_eq!(closed.len(), 2, "both legs, pro rata: {closed:?}");
		let option_closed = closed.iter().find(|c| c.0 == BTC_CALL).unwrap().1;
		let perp_closed = closed.iter().find(|c| c.0 == BTC_PERP).unwrap().1;
		assert!(option_closed > 0 && perp_closed < 0, "the short bought back, the long sold");
		// The same share of each leg, up to a lot of each.
		let option_share = FixedU128::from_rational(option_closed as u128, 2 * ONE_BTC);
		let perp_share = FixedU128::from_rational(perp_closed.unsigned_abs(), hedge as u128);
		let lot_share = FixedU128::from_rational(OPTION_LOT, 2 * ONE_BTC);
		assert!(option_share.max(perp_share) - option_share.min(perp_share) <= lot_share);
		// Partial: both legs stay open, and the account is healthy again.
		assert!(option_closed < 2 * ONE_BTC as i128);
		let after = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert!(after.health >= 0, "health after {}", after.health);
		assert!(after.maintenance_requirement < before.maintenance_requirement);
		let penalties: u128 = closed.iter().map(|c| c.2).sum();
		assert!(penalties > 0);
		assert_eq!(
			SettlementBalances::<Test>::get(INSURANCE).scaled - fund_before,
			penalties as i128,
			"the penalties went to the fund"
		);
		assert_noop!(liquidate(ALICE), Error::<Test>::NotLiquidatable);
	});
}

#[test]
fn expired_options_settle_in_cash_at_one_price_and_the_series_closes() {
	new_test_ext().execute_with(|| {
		list_call();
		for who in [ALICE, BOB, CHARLIE] {
			deposit(who, USDC, 40_000 * ONE_USDC);
		}
		let premium = tradable_mark(BTC_CALL);
		assert_ok!(settle(&ALICE, &BOB, BTC_CALL, ONE_BTC as i128, premium));
		assert_ok!(settle(&ALICE, &CHARLIE, BTC_CALL, ONE_BTC as i128, premium));
		let ledger = || -> i128 {
			[ALICE, BOB, CHARLIE, INSURANCE, FEES]
				.iter()
				.map(|who| SettlementBalances::<Test>::get(who).scaled)
				.sum()
		};
		let total = ledger();

		advance(30 * DAY_MS);
		// 63,000.05 at expiry: the settlement price is 63,000.0 on the tick.
		set_price_at(BTC_PRICE, FixedU128::from_rational(6_300_005, 100), now());
		assert!(ClearingPallet::market_report(BTC_CALL).unwrap().expired);
		assert_eq!(
			ClearingPallet::market_rules(BTC_CALL).unwrap().status,
			MarketStatus::Closed,
			"venues see it closed"
		);
		assert_noop!(
			settle(&ALICE, &BOB, BTC_CALL, OPTION_LOT as i128, premium),
			Error::<Test>::OptionExpired
		);
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_CALL, OrderSide::Buy, OPTION_LOT, premium),
			Error::<Test>::OptionExpired
		);
		assert!(ClearingPallet::has_expired_positions(&BOB));

		// Anyone may settle Bob.
		assert_ok!(ClearingPallet::settle_expired(RuntimeOrigin::signed(CHARLIE), BOB));
		assert!(events().contains(&Event::OptionExpired {
			market: BTC_CALL,
			settlement_price: usd(63_000),
			payoff: usd(3_000),
		}));
		let entry = whole_value(premium) as i128;
		let payoff = 3_000 * ONE_USDC as i128;
		assert!(events().contains(&Event::OptionSettled {
			who: BOB,
			market: BTC_CALL,
			settled_size: ONE_BTC as i128,
			realized_pnl: payoff - entry,
		}));
		// Charlie settles later, at a higher index, by touching his account: same payoff.
		set_price(BTC_PRICE, 65_000);
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(CHARLIE), USDC, ONE_USDC));
		assert!(events().contains(&Event::OptionSettled {
			who: CHARLIE,
			market: BTC_CALL,
			settled_size: ONE_BTC as i128,
			realized_pnl: payoff - entry,
		}));
		assert_eq!(MarketStates::<Test>::get(BTC_CALL).open_interest, 2 * ONE_BTC);
		// The worker's path: unsigned.
		assert_ok!(ClearingPallet::settle_expired(RuntimeOrigin::none(), ALICE));
		assert!(events().contains(&Event::OptionSettled {
			who: ALICE,
			market: BTC_CALL,
			settled_size: -2 * ONE_BTC as i128,
			realized_pnl: 2 * (entry - payoff),
		}));
		assert!(events().contains(&Event::SeriesSettled { market: BTC_CALL }));
		assert_eq!(Markets::<Test>::get(BTC_CALL).unwrap().status, MarketStatus::Closed);
		assert_eq!(MarketStates::<Test>::get(BTC_CALL).open_interest, 0);
		assert!(Positions::<Test>::get(INSURANCE).get(&BTC_CALL).is_none());
		// Nothing created or lost: only Charlie's withdrawn unit left the ledger.
		assert_eq!(ledger(), total - ONE_USDC as i128);
		for who in [ALICE, BOB, INSURANCE] {
			assert_noop!(
				ClearingPallet::settle_expired(RuntimeOrigin::signed(CHARLIE), who),
				Error::<Test>::NothingToSettle
			);
		}
	});
}

#[test]
fn a_settlement_waits_for_a_fresh_index() {
	new_test_ext().execute_with(|| {
		list_call();
		deposit(ALICE, USDC, 40_000 * ONE_USDC);
		deposit(BOB, USDC, 40_000 * ONE_USDC);
		assert_ok!(settle(&ALICE, &BOB, BTC_CALL, ONE_BTC as i128, tradable_mark(BTC_CALL)));
		advance(30 * DAY_MS);
		assert_noop!(
			ClearingPallet::settle_expired(RuntimeOrigin::signed(CHARLIE), BOB),
			Error::<Test>::StalePrice
		);
		assert!(SettlementPrices::<Test>::get(BTC_CALL).is_none());
	});
}

#[test]
fn withdrawals_and_liquidations_pay_for_the_portfolio_check_only_when_it_runs() {
	use frame_support::dispatch::GetDispatchInfo;
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 20_000 * ONE_USDC);
		let withdraw = || {
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, ONE_USDC)
				.unwrap()
				.actual_weight
		};
		let charged = crate::Call::<Test>::withdraw { asset: USDC, amount: ONE_USDC }
			.get_dispatch_info()
			.call_weight;
		assert_eq!(charged, ClearingPallet::withdraw_weight(MarginMode::Portfolio, true));
		let cross = ClearingPallet::withdraw_weight(MarginMode::Cross, false);
		assert!(cross.ref_time() < charged.ref_time());
		assert_eq!(withdraw(), Some(cross));
		assert_ok!(ClearingPallet::set_margin_mode(
			RuntimeOrigin::signed(ALICE),
			MarginMode::Portfolio
		));
		let portfolio = ClearingPallet::withdraw_weight(MarginMode::Portfolio, false);
		assert!(cross.ref_time() < portfolio.ref_time());
		assert_eq!(withdraw(), Some(portfolio));
		let liquidation = |mode, positions, reach| {
			let outcome = LiquidationOutcome {
				reach,
				market_states_written: 0,
				borrow_moves: 0,
				borrow_checks: 0,
				synthetic_seizures: 0,
			};
			ClearingPallet::liquidate_weight(mode, positions, outcome).ref_time()
		};
		let (partial, full) = (LiquidationReach::Partial, LiquidationReach::Full);
		assert!(
			liquidation(MarginMode::Cross, 16, full) < liquidation(MarginMode::Portfolio, 16, full)
		);
		assert!(liquidation(MarginMode::Cross, 1, full) < liquidation(MarginMode::Cross, 16, full));
		assert_eq!(
			liquidation(MarginMode::Cross, 16, partial),
			liquidation(MarginMode::Cross, 16, full)
		);
		assert!(
			liquidation(MarginMode::Portfolio, 16, partial)
				< liquidation(MarginMode::Portfolio, 16, full)
		);
	});
}
