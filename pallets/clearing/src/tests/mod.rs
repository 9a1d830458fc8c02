//! Every call and every error of the clearing pallet, on the mock runtime.

use crate::{
	mock::*, pallet::*, Clearing as _, MarketId, MarketStatus, OrderSide, PositionRecord,
	PriceProvider as _, SettleError, TradeReceipt,
};
use frame_support::dispatch::DispatchResult;
use frame_support::{assert_noop, assert_ok, traits::fungibles::Inspect};
use risk_engine::MarginTier;
use risk_engine::Price;
use sp_arithmetic::{FixedI128, FixedU128, Perbill};
use sp_runtime::DispatchError;

type ClearingPallet = crate::Pallet<Test>;

fn usd(dollars: u128) -> FixedU128 {
	FixedU128::from_inner(dollars * 1_000_000_000_000_000_000)
}

fn deposit(who: u64, asset: u32, amount: u128) {
	assert_ok!(ClearingPallet::deposit(RuntimeOrigin::signed(who), asset, amount));
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Clearing(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// Settles a trade through the `Clearing` trait, as the order book does.
fn settle(maker: &u64, taker: &u64, market: MarketId, size: i128, price: Price) -> DispatchResult {
	ClearingPallet::settle_trade(maker, taker, market, size, price).map(|_| ()).map_err(Into::into)
}

fn position(who: u64) -> Option<PositionRecord> {
	Positions::<Test>::get(who).get(&BTC_PERP).copied()
}

fn usdc_tokens(who: u64) -> u128 {
	<Assets as Inspect<u64>>::balance(USDC, &who)
}

/// Starts the next block: risk changes scheduled in this one apply.
fn start_next_block() {
	let block = System::block_number() + 1;
	System::set_block_number(block);
	<ClearingPallet as frame_support::traits::Hooks<u64>>::on_initialize(block);
}

// ------------------------------------------------------------------ risk origin calls

#[test]
fn register_collateral_checks_origin_oracle_key_and_haircuts() {
	new_test_ext().execute_with(|| {
		let mut config = btc_config();
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::signed(ALICE), BTC, config.clone()),
			DispatchError::BadOrigin
		);
		config.oracle_key = None;
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, config.clone()),
			Error::<Test>::InvalidOracleKey
		);
		let mut usdc = usdc_config();
		usdc.oracle_key = Some(BTC_PRICE);
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), USDC, usdc),
			Error::<Test>::InvalidOracleKey
		);
		let mut bad = btc_config();
		bad.params.maintenance_haircut = Perbill::from_percent(50);
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, bad),
			Error::<Test>::InvalidHaircuts
		);
		let mut decimals = btc_config();
		decimals.params.decimals = 40;
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, decimals),
			Error::<Test>::UnsupportedDecimals
		);
		let mut lower_cap = btc_config();
		lower_cap.deposit_cap = ONE_BTC;
		assert_ok!(ClearingPallet::register_collateral(
			RuntimeOrigin::root(),
			BTC,
			lower_cap.clone()
		));
		assert_eq!(CollateralAssets::<Test>::get(BTC), Some(lower_cap.clone()));
		assert_eq!(
			events().last(),
			Some(&Event::CollateralRegistered { asset: BTC, config: lower_cap })
		);
	});
}

#[test]
fn register_market_validates_every_parameter() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::signed(ALICE), 7, btc_perp()),
			DispatchError::BadOrigin
		);
		let mut tiers = btc_perp();
		tiers.tiers[0].maintenance_fraction = Perbill::from_percent(6);
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, tiers),
			Error::<Test>::InvalidMarginTiers
		);
		let mut no_tiers = btc_perp();
		no_tiers.tiers.clear();
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, no_tiers),
			Error::<Test>::InvalidMarginTiers
		);
		// One satoshi at a 0.1 USD tick is 0.000001 USD... times 10^-2: not a whole unit.
		let mut inexact = btc_perp();
		inexact.lot_size = 1;
		inexact.min_size = 1;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, inexact),
			Error::<Test>::InvalidMarketSizes
		);
		let mut odd_minimum = btc_perp();
		odd_minimum.min_size = 15_000;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, odd_minimum),
			Error::<Test>::InvalidMarketSizes
		);
		let mut zero_tick = btc_perp();
		zero_tick.tick_size = FixedU128::from_inner(0);
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, zero_tick),
			Error::<Test>::InvalidMarketSizes
		);
		let mut no_interval = btc_perp();
		no_interval.funding_interval_ms = 0;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, no_interval),
			Error::<Test>::InvalidFundingInterval
		);
		let mut decimals = btc_perp();
		decimals.size_decimals = 30;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, decimals),
			Error::<Test>::UnsupportedDecimals
		);
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 7, btc_perp()));
		assert_eq!(Markets::<Test>::get(7), Some(btc_perp()));
		let mut rescaled = btc_perp();
		rescaled.size_decimals = 6;
		rescaled.lot_size = 100;
		rescaled.min_size = 100;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, rescaled),
			Error::<Test>::MarketIdentityFixed
		);
		let mut rekeyed = btc_perp();
		rekeyed.oracle_key = 11;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), 7, rekeyed),
			Error::<Test>::MarketIdentityFixed
		);
		assert_eq!(MarketStates::<Test>::get(7).last_funding_ms, now());
		assert_eq!(
			events().last(),
			Some(&Event::MarketRegistered { market: 7, params: btc_perp() })
		);
	});
}

#[test]
fn market_status_and_max_price_age_are_risk_parameters() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			ClearingPallet::set_market_status(
				RuntimeOrigin::signed(ALICE),
				BTC_PERP,
				MarketStatus::Closed
			),
			DispatchError::BadOrigin
		);
		assert_noop!(
			ClearingPallet::set_market_status(RuntimeOrigin::root(), 42, MarketStatus::Closed),
			Error::<Test>::UnknownMarket
		);
		assert_ok!(ClearingPallet::set_market_status(
			RuntimeOrigin::root(),
			BTC_PERP,
			MarketStatus::ReduceOnly
		));
		// Scheduled: the rest of this block still trades.
		assert_eq!(Markets::<Test>::get(BTC_PERP).unwrap().status, MarketStatus::Active);
		start_next_block();
		assert_eq!(Markets::<Test>::get(BTC_PERP).unwrap().status, MarketStatus::ReduceOnly);
		assert_eq!(
			events().last(),
			Some(&Event::RiskParameterChanged {
				change: crate::RiskChange::MarketStatus {
					market: BTC_PERP,
					status: MarketStatus::ReduceOnly
				}
			})
		);

		assert_noop!(
			ClearingPallet::set_max_price_age(RuntimeOrigin::signed(ALICE), 5),
			DispatchError::BadOrigin
		);
		for out_of_bounds in
			[0, 1, crate::MIN_PRICE_AGE_LIMIT_MS - 1, crate::MAX_PRICE_AGE_LIMIT_MS + 1]
		{
			assert_noop!(
				ClearingPallet::set_max_price_age(RuntimeOrigin::root(), out_of_bounds),
				Error::<Test>::InvalidMaxPriceAge
			);
		}
		assert_ok!(ClearingPallet::set_max_price_age(RuntimeOrigin::root(), 5_000));
		start_next_block();
		assert_eq!(MaxPriceAge::<Test>::get(), 5_000);
		assert_eq!(
			events().last(),
			Some(&Event::RiskParameterChanged {
				change: crate::RiskChange::MaxPriceAge { max_price_age_ms: 5_000 }
			})
		);
	});
}

// ------------------------------------------------------------------ deposits and withdrawals

#[test]
fn deposit_moves_tokens_into_the_pool() {
	new_test_ext().execute_with(|| {
		let pallet = ClearingPallet::account_id();
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(ALICE, BTC, ONE_BTC);
		assert_eq!(usdc_tokens(ALICE), 990_000 * ONE_USDC);
		assert_eq!(usdc_tokens(pallet), 10_000 * ONE_USDC);
		assert_eq!(<Assets as Inspect<u64>>::balance(BTC, &pallet), ONE_BTC);
		assert_eq!(SettlementBalances::<Test>::get(ALICE), 10_000 * ONE_USDC as i128);
		assert_eq!(CollateralBalances::<Test>::get(ALICE).get(&BTC), Some(&ONE_BTC));
		assert_eq!(TotalDeposits::<Test>::get(BTC), ONE_BTC);
		assert_eq!(
			events().last(),
			Some(&Event::Deposited { who: ALICE, asset: BTC, amount: ONE_BTC })
		);
	});
}

#[test]
fn deposit_errors() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			ClearingPallet::deposit(RuntimeOrigin::signed(ALICE), USDC, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			ClearingPallet::deposit(RuntimeOrigin::signed(ALICE), 77, 1),
			Error::<Test>::UnknownCollateral
		);
		let mut capped = btc_config();
		capped.deposit_cap = ONE_BTC;
		assert_ok!(ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, capped));
		deposit(ALICE, BTC, ONE_BTC / 2);
		assert_noop!(
			ClearingPallet::deposit(RuntimeOrigin::signed(BOB), BTC, ONE_BTC / 2 + 1),
			Error::<Test>::DepositCapExceeded
		);
		// More than the account holds: the token transfer fails and nothing is booked.
		assert_noop!(
			ClearingPallet::deposit(RuntimeOrigin::signed(BOB), USDC, 2_000_000 * ONE_USDC),
			sp_runtime::TokenError::FundsUnavailable
		);
	});
}

#[test]
fn a_pool_holds_a_bounded_number_of_assets() {
	use frame_support::traits::fungibles::{Create, Mutate};
	new_test_ext().execute_with(|| {
		// MaxCollateralAssets is 4 besides USDC: the chain lists BTC and three more, and an
		// account may hold all of them (a fifth cannot even be listed).
		for asset in 10..13u32 {
			assert_ok!(<Assets as Create<u64>>::create(asset, ALICE, true, 1));
			assert_ok!(<Assets as Mutate<u64>>::mint_into(asset, &ALICE, 1_000));
			assert_ok!(ClearingPallet::register_collateral(
				RuntimeOrigin::root(),
				asset,
				btc_config()
			));
		}
		deposit(ALICE, BTC, 1);
		for asset in 10..13u32 {
			deposit(ALICE, asset, 1);
		}
		assert_eq!(CollateralBalances::<Test>::get(ALICE).len(), 4);
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), 13, btc_config()),
			Error::<Test>::TooManyCollateralListings
		);
	});
}

#[test]
fn amounts_beyond_the_ledger_range_overflow_cleanly() {
	new_test_ext().execute_with(|| {
		let mut uncapped = usdc_config();
		uncapped.deposit_cap = u128::MAX;
		assert_ok!(ClearingPallet::register_collateral(RuntimeOrigin::root(), USDC, uncapped));
		assert_noop!(
			ClearingPallet::deposit(RuntimeOrigin::signed(ALICE), USDC, 1u128 << 127),
			Error::<Test>::Overflow
		);
		assert_noop!(
			ClearingPallet::add_isolated_margin(
				RuntimeOrigin::signed(ALICE),
				BTC_PERP,
				1u128 << 127
			),
			Error::<Test>::Overflow
		);
	});
}

#[test]
fn withdraw_returns_tokens_without_positions_even_at_stale_prices() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, BTC, ONE_BTC);
		clear_price(BTC_PRICE);
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), BTC, ONE_BTC));
		assert_eq!(<Assets as Inspect<u64>>::balance(BTC, &ALICE), 10 * ONE_BTC);
		assert!(CollateralBalances::<Test>::get(ALICE).is_empty());
		assert_eq!(TotalDeposits::<Test>::get(BTC), 0);
		assert_eq!(
			events().last(),
			Some(&Event::Withdrawn { who: ALICE, asset: BTC, amount: ONE_BTC })
		);
	});
}

#[test]
fn withdraw_errors() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 1_000 * ONE_USDC);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), 77, 1),
			Error::<Test>::UnknownCollateral
		);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 1_000 * ONE_USDC + 1),
			Error::<Test>::InsufficientCollateral
		);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), BTC, 1),
			Error::<Test>::InsufficientCollateral
		);
	});
}

/// Alice and Bob with 10,000 USDC each; Bob (maker) sells Alice (taker) 1 BTC at 60,000.
fn open_one_btc() {
	deposit(ALICE, USDC, 10_000 * ONE_USDC);
	deposit(BOB, USDC, 10_000 * ONE_USDC);
	assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
}

#[test]
fn withdraw_beyond_free_collateral_is_refused_and_changes_nothing() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		// Alice: 10,000 - 30 taker fee = 9,970; initial requirement 5% of 60,000 = 3,000.
		let free = 9_970 * ONE_USDC - 3_000 * ONE_USDC;
		assert_eq!(ClearingPallet::account_report(&ALICE).unwrap().free_collateral, free as i128);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, free + 1),
			Error::<Test>::BelowInitialMargin
		);
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, free));
		assert_eq!(ClearingPallet::account_report(&ALICE).unwrap().free_collateral, 0);
	});
}

#[test]
fn withdraw_needing_a_stale_price_is_refused() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		advance(60_001);
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, ONE_USDC),
			Error::<Test>::StalePrice
		);
	});
}

// ------------------------------------------------------------------ trades

#[test]
fn a_trade_opens_both_positions_books_fees_and_open_interest() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		let alice = position(ALICE).unwrap();
		let bob = position(BOB).unwrap();
		assert_eq!(
			(alice.position.size, alice.position.cost),
			(ONE_BTC as i128, 60_000 * ONE_USDC as i128)
		);
		assert_eq!(
			(bob.position.size, bob.position.cost),
			(-(ONE_BTC as i128), -(60_000 * ONE_USDC as i128))
		);
		assert_eq!(alice.isolated_margin, None);
		// Taker 0.05% of 60,000 = 30; maker 0.02% = 12.
		assert_eq!(SettlementBalances::<Test>::get(ALICE), (10_000 - 30) * ONE_USDC as i128);
		assert_eq!(SettlementBalances::<Test>::get(BOB), (10_000 - 12) * ONE_USDC as i128);
		assert_eq!(SettlementBalances::<Test>::get(FEES), 42 * ONE_USDC as i128);
		let state = MarketStates::<Test>::get(BTC_PERP);
		assert_eq!(state.open_interest, ONE_BTC);
		assert_eq!(state.last_trade_price, Some(usd(60_000)));
		assert_eq!(
			events().last(),
			Some(&Event::TradeSettled {
				market: BTC_PERP,
				maker: BOB,
				taker: ALICE,
				trade_size: ONE_BTC as i128,
				price: usd(60_000),
				maker_fee: 12 * ONE_USDC,
				taker_fee: 30 * ONE_USDC,
				maker_realized_pnl: 0,
				taker_realized_pnl: 0,
			})
		);
	});
}

#[test]
fn closing_realizes_pnl_and_releases_open_interest() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		set_price(BTC_PRICE, 61_000);
		// Alice sells her 1 BTC back to Bob at 61,000: +1,000 for Alice, -1,000 for Bob.
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -(ONE_BTC as i128), usd(61_000)));
		assert_eq!(position(ALICE), None);
		assert_eq!(position(BOB), None);
		assert_eq!(MarketStates::<Test>::get(BTC_PERP).open_interest, 0);
		// Fees: Alice 30 + 30.5, Bob 12 + 12.2.
		assert_eq!(
			SettlementBalances::<Test>::get(ALICE),
			(10_000 + 1_000) * ONE_USDC as i128 - 30 * ONE_USDC as i128 - 30_500_000
		);
		assert_eq!(
			SettlementBalances::<Test>::get(BOB),
			(10_000 - 1_000) * ONE_USDC as i128 - 12 * ONE_USDC as i128 - 12_200_000
		);
	});
}

#[test]
fn trade_rule_errors() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		let one = ONE_BTC as i128;
		assert_noop!(settle(&ALICE, &ALICE, BTC_PERP, one, usd(60_000)), Error::<Test>::SelfTrade);
		assert_noop!(settle(&BOB, &ALICE, 9, one, usd(60_000)), Error::<Test>::UnknownMarket);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, one, FixedU128::from_rational(600_005, 100)),
			Error::<Test>::PriceNotOnTick
		);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, one, FixedU128::from_inner(0)),
			Error::<Test>::PriceNotOnTick
		);
		assert_noop!(settle(&BOB, &ALICE, BTC_PERP, 0, usd(60_000)), Error::<Test>::InvalidSize);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, 15_000, usd(60_000)),
			Error::<Test>::InvalidSize
		);
		// The minimum size is the venue's rule for orders; a fill may be the rest of a partly
		// filled order below it.
		let mut small_lots = btc_perp();
		small_lots.min_size = 20_000;
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), BTC_PERP, small_lots));
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)));
		assert_ok!(ClearingPallet::set_market_status(
			RuntimeOrigin::root(),
			BTC_PERP,
			MarketStatus::Closed
		));
		start_next_block();
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, one, usd(60_000)),
			Error::<Test>::MarketNotTrading
		);
	});
}

#[test]
fn reduce_only_markets_take_only_reducing_trades() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
		assert_ok!(ClearingPallet::set_market_status(
			RuntimeOrigin::root(),
			BTC_PERP,
			MarketStatus::ReduceOnly
		));
		start_next_block();
		let half = ONE_BTC as i128 / 2;
		// Charlie, the maker, would open: his order can never fill here, the venue cancels
		// it and the taker goes on.
		assert_eq!(
			ClearingPallet::settle_trade(&CHARLIE, &ALICE, BTC_PERP, -half, usd(60_000)),
			Err(SettleError::Maker(Error::<Test>::MarketNotTrading.into()))
		);
		// As a taker, opening fails the taker's order.
		assert_noop!(
			settle(&ALICE, &CHARLIE, BTC_PERP, half, usd(60_000)),
			Error::<Test>::MarketNotTrading
		);
		// Alice and Bob both reduce: fine.
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -half, usd(60_000)));
		assert_eq!(position(ALICE).unwrap().position.size, half);
	});
}

#[test]
fn open_interest_cap_is_enforced() {
	new_test_ext().execute_with(|| {
		let mut capped = btc_perp();
		capped.open_interest_cap = ONE_BTC;
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), BTC_PERP, capped));
		open_one_btc();
		deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
		assert_noop!(
			settle(&CHARLIE, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Error::<Test>::OpenInterestCapExceeded
		);
		// Moving a long from Alice to Charlie keeps open interest at the cap.
		assert_ok!(settle(&CHARLIE, &ALICE, BTC_PERP, -10_000, usd(60_000)));
		assert_eq!(MarketStates::<Test>::get(BTC_PERP).open_interest, ONE_BTC);
	});
}

#[test]
fn margin_failures_name_the_side_and_change_nothing() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		// 4 BTC at 60,000 needs 12,000 of initial margin (+ fees): too much for either.
		let four = 4 * ONE_BTC as i128;
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, four, usd(60_000)),
			Error::<Test>::MakerMarginInsufficient
		);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, four, usd(60_000)),
			Error::<Test>::TakerMarginInsufficient
		);
		assert_eq!(position(ALICE), None);
		assert_eq!(SettlementBalances::<Test>::get(FEES), 0);
	});
}

#[test]
fn risk_increasing_trades_need_a_fresh_price_reducing_ones_do_not() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		advance(60_001);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Error::<Test>::StalePrice
		);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -10_000, usd(60_000)));
		// With the feed gone the guard's last accepted index still bands the price.
		<ClearingPallet as frame_support::traits::Hooks<u64>>::on_finalize(1);
		clear_price(BTC_PRICE);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -10_000, usd(60_000)));
		// A market that never had a price has no band: nothing settles in it.
		let mut unpriced = btc_perp();
		unpriced.oracle_key = 11;
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 1, unpriced));
		assert_noop!(settle(&BOB, &ALICE, 1, -10_000, usd(60_000)), Error::<Test>::StalePrice);
	});
}

#[test]
fn too_many_positions_is_a_typed_error() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		for market in 1..=4u32 {
			assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), market, btc_perp()));
		}
		for market in 0..4u32 {
			assert_ok!(settle(&BOB, &ALICE, market, 10_000, usd(60_000)));
		}
		assert_noop!(settle(&BOB, &ALICE, 4, 10_000, usd(60_000)), Error::<Test>::TooManyPositions);
	});
}

// ------------------------------------------------------------------ funding

#[test]
fn funding_accrues_from_the_mark_premium_and_settles_on_touch() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		// The last trade at 60,000 with the index now at 59,700: mark = 60,000 (inside the
		// 1% band), premium = 300 / 59,700 = 0.5025..%, below the 0.75% cap.
		set_price(BTC_PRICE, 59_700);
		// The end of the block fixes the rate in force from now on: the premium at 59,700.
		<ClearingPallet as frame_support::traits::Hooks<u64>>::on_finalize(1);
		advance(1_800_000); // half an interval
		set_price(BTC_PRICE, 59_700);
		let prices = ClearingPallet::market_prices(
			BTC_PERP,
			&btc_perp(),
			&MarketStates::<Test>::get(BTC_PERP),
		)
		.unwrap();
		assert_eq!(prices.mark, usd(60_000));
		let params = Markets::<Test>::get(BTC_PERP).unwrap();
		let state = ClearingPallet::accrue_funding(BTC_PERP, &params).unwrap();
		// Index moves by rate x index x 0.5 = 300 / 59,700 x 59,700 x 0.5 = 150 USD per BTC.
		// The rate is truncated to 18 decimals before it is multiplied by the index, so the
		// result may fall short by up to 59,700 x 0.5 units of 10^-18.
		let expected = FixedI128::from_inner(150_000_000_000_000_000_000);
		let shortfall = expected.into_inner() - state.funding_index.into_inner();
		assert!((0..=29_850).contains(&shortfall), "{:?}", state.funding_index);
		// Alice (long 1 BTC) pays ~150 USDC when her position is touched; Bob receives.
		let alice_before = SettlementBalances::<Test>::get(ALICE);
		let bob_before = SettlementBalances::<Test>::get(BOB);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -10_000, usd(59_700)));
		let paid = events()
			.iter()
			.find_map(|e| match e {
				Event::FundingSettled { who: ALICE, paid, .. } => Some(*paid),
				_ => None,
			})
			.unwrap();
		assert!((paid - 150 * ONE_USDC as i128).abs() <= 1, "paid {paid}");
		let received = events()
			.iter()
			.find_map(|e| match e {
				Event::FundingSettled { who: BOB, paid, .. } => Some(-*paid),
				_ => None,
			})
			.unwrap();
		// Rounding favours the house: the receiver never gets more than the payer pays.
		assert!(received <= paid && paid - received <= 1);
		assert!(SettlementBalances::<Test>::get(ALICE) < alice_before);
		assert!(SettlementBalances::<Test>::get(BOB) > bob_before - 20 * ONE_USDC as i128);
	});
}

#[test]
fn no_funding_accrues_at_a_stale_index() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		set_price_at(BTC_PRICE, usd(50_000), now());
		advance(120_000);
		let params = Markets::<Test>::get(BTC_PERP).unwrap();
		let before = MarketStates::<Test>::get(BTC_PERP);
		assert_eq!(ClearingPallet::accrue_funding(BTC_PERP, &params).unwrap(), before);
	});
}

// ------------------------------------------------------------------ isolated margin

#[test]
fn isolated_positions_use_their_own_margin() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			3_100 * ONE_USDC
		));
		assert_eq!(SettlementBalances::<Test>::get(ALICE), 6_900 * ONE_USDC as i128);
		assert_eq!(
			events().last(),
			Some(&Event::IsolatedMarginAdded {
				who: ALICE,
				market: BTC_PERP,
				amount: 3_100 * ONE_USDC
			})
		);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		let record = position(ALICE).unwrap();
		// The 30 USDC taker fee came out of the isolated margin.
		assert_eq!(record.isolated_margin, Some(3_070 * ONE_USDC as i128));
		assert_eq!(SettlementBalances::<Test>::get(ALICE), 6_900 * ONE_USDC as i128);
		// 3,070 - 3,000 initial requirement = 70 free: removing 71 is refused.
		assert_noop!(
			ClearingPallet::remove_isolated_margin(
				RuntimeOrigin::signed(ALICE),
				BTC_PERP,
				71 * ONE_USDC
			),
			Error::<Test>::IsolatedMarginInsufficient
		);
		assert_ok!(ClearingPallet::remove_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			70 * ONE_USDC
		));
		assert_eq!(SettlementBalances::<Test>::get(ALICE), 6_970 * ONE_USDC as i128);
		// The cross pool has no positions: all of it is free.
		assert_eq!(
			ClearingPallet::account_report(&ALICE).unwrap().free_collateral,
			6_970 * ONE_USDC as i128
		);
		// A trade that would take the isolated position past its margin is refused.
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Error::<Test>::TakerMarginInsufficient
		);
	});
}

#[test]
fn isolated_positions_reduce_without_a_fresh_price_but_never_add_risk() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			5_000 * ONE_USDC
		));
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		advance(60_001);
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Error::<Test>::StalePrice
		);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -(ONE_BTC as i128), usd(60_000)));
		let record = position(ALICE).unwrap();
		assert!(record.position.is_flat());
		// Flat, with its margin (less two 30 USDC taker fees) still set aside.
		assert_eq!(record.isolated_margin, Some(4_940 * ONE_USDC as i128));
	});
}

#[test]
fn isolated_margin_errors() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		assert_noop!(
			ClearingPallet::add_isolated_margin(RuntimeOrigin::signed(ALICE), BTC_PERP, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			ClearingPallet::add_isolated_margin(RuntimeOrigin::signed(ALICE), 9, 1),
			Error::<Test>::UnknownMarket
		);
		// Alice's BTC-PERP position is cross.
		assert_noop!(
			ClearingPallet::add_isolated_margin(RuntimeOrigin::signed(ALICE), BTC_PERP, 1),
			Error::<Test>::NotIsolated
		);
		assert_noop!(
			ClearingPallet::remove_isolated_margin(RuntimeOrigin::signed(ALICE), BTC_PERP, 1),
			Error::<Test>::NotIsolated
		);
		assert_noop!(
			ClearingPallet::remove_isolated_margin(RuntimeOrigin::signed(CHARLIE), BTC_PERP, 1),
			Error::<Test>::NotIsolated
		);
		assert_noop!(
			ClearingPallet::remove_isolated_margin(RuntimeOrigin::signed(CHARLIE), 9, 1),
			Error::<Test>::UnknownMarket
		);
		// Moving more into isolated margin than the pool's free collateral allows.
		deposit(CHARLIE, USDC, 100 * ONE_USDC);
		assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, 10_000, usd(60_000)));
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 5, btc_perp()));
		// Charlie: 100 - 0.003 fee = 99.997 USDC, initial requirement 0.3: 99.697 free.
		assert_noop!(
			ClearingPallet::add_isolated_margin(RuntimeOrigin::signed(CHARLIE), 5, 99_698_000),
			Error::<Test>::BelowInitialMargin
		);
		// Withdrawing all of a flat isolated position's margin removes the record.
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(CHARLIE),
			5,
			ONE_USDC
		));
		assert_noop!(
			ClearingPallet::remove_isolated_margin(RuntimeOrigin::signed(CHARLIE), 5, ONE_USDC + 1),
			Error::<Test>::InsufficientCollateral
		);
		assert_ok!(ClearingPallet::remove_isolated_margin(
			RuntimeOrigin::signed(CHARLIE),
			5,
			ONE_USDC
		));
		assert!(Positions::<Test>::get(CHARLIE).get(&5).is_none());
	});
}

// ------------------------------------------------------------------ reports

#[test]
fn account_report_matches_hand_figures() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, BTC, ONE_BTC / 2);
		open_one_btc();
		set_price(BTC_PRICE, 62_000);
		let report = ClearingPallet::account_report(&ALICE).unwrap();
		// Collateral: 9,970 USDC + 0.5 BTC at 62,000 = 31,000 (90%: 27,900; 95%: 29,450).
		assert_eq!(report.collateral.len(), 2);
		assert_eq!(report.collateral[1].value, Some(31_000 * ONE_USDC as i128));
		// Mark: last trade 60,000 clamped to 62,000 x 0.99 = 61,380.
		let position = &report.positions[0];
		assert_eq!(position.mark_price, Some(FixedU128::from_rational(6_138_000, 100)));
		assert_eq!(position.unrealized_pnl, 1_380 * ONE_USDC as i128);
		assert_eq!(position.notional, 61_380 * ONE_USDC);
		// Requirements: 5% and 3% of 61,380.
		assert_eq!(report.initial_requirement, 3_069 * ONE_USDC);
		assert_eq!(report.maintenance_requirement, 1_841_400_000);
		assert_eq!(report.equity_initial, (9_970 + 27_900 + 1_380) * ONE_USDC as i128);
		assert_eq!(report.equity_maintenance, (9_970 + 29_450 + 1_380) * ONE_USDC as i128);
		assert_eq!(report.free_collateral, (39_250 - 3_069) * ONE_USDC as i128);
		assert_eq!(report.health, 40_800 * ONE_USDC as i128 - 1_841_400_000);
		assert!(position.liquidation_price.is_some());
		assert!(!report.uses_stale_prices);

		let market = ClearingPallet::market_report(BTC_PERP).unwrap();
		assert_eq!(market.symbol, b"BTC-PERP".to_vec());
		assert_eq!(market.open_interest, ONE_BTC);
		assert_eq!(market.tiers.len(), 2);
		assert_eq!(
			market.tiers[0],
			MarginTier {
				notional_floor: 0,
				initial_fraction: Perbill::from_percent(5),
				maintenance_fraction: Perbill::from_percent(3),
			}
		);
		assert!(ClearingPallet::market_report(9).is_none());
	});
}

// ------------------------------------------------------------------ conservation

mod conservation {
	use super::*;
	use proptest::prelude::*;
	use sp_runtime::{traits::Dispatchable, StateVersion};

	fn storage_root(version: StateVersion) -> Vec<u8> {
		sp_io::storage::root(version)
	}

	const TRADERS: [u64; 3] = [ALICE, BOB, CHARLIE];

	#[derive(Clone, Debug)]
	enum Op {
		Deposit {
			who: usize,
			btc: bool,
			amount: u128,
		},
		Withdraw {
			who: usize,
			btc: bool,
			amount: u128,
		},
		Trade {
			maker: usize,
			taker: usize,
			lots: i128,
			price_ticks: u128,
		},
		AddIsolated {
			who: usize,
			amount: u128,
		},
		RemoveIsolated {
			who: usize,
			amount: u128,
		},
		MovePrice {
			usd: u128,
		},
		/// Time passes while the oracle keeps feeding the same price.
		Wait {
			ms: u64,
		},
		/// Time passes without a feed (the price may go stale).
		WaitWithoutFeed {
			ms: u64,
		},
		/// A liquidation of the account, as the off-chain worker submits it.
		Liquidate {
			who: usize,
		},
		/// A liquidation of the account's isolated BTC-PERP position.
		LiquidateIsolated {
			who: usize,
		},
		/// A new block (one liquidation per account per block).
		NextBlock,
		/// Auto-deleveraging in BTC-PERP (the chain picks the accounts).
		AutoDeleverage,
	}

	fn op() -> impl Strategy<Value = Op> {
		prop_oneof![
			(0usize..3, any::<bool>(), 1u128..=200_000 * ONE_USDC).prop_map(
				|(who, btc, amount)| Op::Deposit {
					who,
					btc,
					amount: if btc { amount / 1_000 } else { amount }
				}
			),
			(0usize..3, any::<bool>(), 1u128..=200_000 * ONE_USDC).prop_map(
				|(who, btc, amount)| Op::Withdraw {
					who,
					btc,
					amount: if btc { amount / 1_000 } else { amount }
				}
			),
			(0usize..3, 1usize..3, -2_000i128..=2_000, 550_000u128..=650_000).prop_map(
				|(maker, offset, lots, price_ticks)| Op::Trade {
					maker,
					taker: (maker + offset) % 3,
					lots,
					price_ticks
				}
			),
			(0usize..3, 1u128..=20_000 * ONE_USDC)
				.prop_map(|(who, amount)| Op::AddIsolated { who, amount }),
			(0usize..3, 1u128..=20_000 * ONE_USDC)
				.prop_map(|(who, amount)| Op::RemoveIsolated { who, amount }),
			(40_000u128..=80_000).prop_map(|usd| Op::MovePrice { usd }),
			(1u64..=3_600_000).prop_map(|ms| Op::Wait { ms }),
			(1u64..=120_000).prop_map(|ms| Op::WaitWithoutFeed { ms }),
			(0usize..3).prop_map(|who| Op::Liquidate { who }),
			(0usize..3).prop_map(|who| Op::LiquidateIsolated { who }),
			Just(Op::NextBlock),
			Just(Op::AutoDeleverage),
		]
	}

	fn token_total(asset: u32) -> u128 {
		let pallet = ClearingPallet::account_id();
		TRADERS
			.iter()
			.chain([FEES, pallet].iter())
			.map(|who| <Assets as Inspect<u64>>::balance(asset, who))
			.sum()
	}

	/// Settlement claims on the pallet: ledger balances and isolated margins, less the cost
	/// of open positions (which realized PnL will pay out or take in) and the funding they
	/// owe but have not settled yet. Also returns the number of open positions.
	fn settlement_claims() -> (i128, i128) {
		let mut claims: i128 = TRADERS
			.iter()
			.chain([FEES, INSURANCE].iter())
			.map(|who| SettlementBalances::<Test>::get(who))
			.sum();
		let index = MarketStates::<Test>::get(BTC_PERP).funding_index;
		let scale = ClearingPallet::market_scale(&btc_perp());
		let mut open = 0;
		for who in TRADERS.iter().copied().chain([INSURANCE]) {
			for record in Positions::<Test>::get(who).values() {
				let pending = risk_engine::funding_owed(&record.position, index, &scale).unwrap();
				claims += record.isolated_margin.unwrap_or(0) - record.position.cost - pending;
				open += 1;
			}
		}
		(claims, open)
	}

	fn apply(op: &Op) -> frame_support::dispatch::DispatchResult {
		let asset = |btc: bool| if btc { BTC } else { USDC };
		match op.clone() {
			Op::Deposit { who, btc, amount } => {
				ClearingPallet::deposit(RuntimeOrigin::signed(TRADERS[who]), asset(btc), amount)
			},
			Op::Withdraw { who, btc, amount } => {
				ClearingPallet::withdraw(RuntimeOrigin::signed(TRADERS[who]), asset(btc), amount)
					.map(|_| ())
					.map_err(|e| e.error)
			},
			Op::Trade { maker, taker, lots, price_ticks } => settle(
				&TRADERS[maker],
				&TRADERS[taker],
				BTC_PERP,
				lots * 10_000,
				FixedU128::from_inner(price_ticks * 100_000_000_000_000_000),
			),
			Op::AddIsolated { who, amount } => ClearingPallet::add_isolated_margin(
				RuntimeOrigin::signed(TRADERS[who]),
				BTC_PERP,
				amount,
			),
			Op::RemoveIsolated { who, amount } => ClearingPallet::remove_isolated_margin(
				RuntimeOrigin::signed(TRADERS[who]),
				BTC_PERP,
				amount,
			),
			Op::MovePrice { usd } => {
				set_price(BTC_PRICE, usd);
				Ok(())
			},
			Op::Wait { ms } => {
				let (price, _) =
					TestPrices::price(&BTC_PRICE).expect("the mock always has a BTC price");
				advance(ms);
				set_price_at(BTC_PRICE, price, now());
				Ok(())
			},
			Op::WaitWithoutFeed { ms } => {
				advance(ms);
				Ok(())
			},
			Op::Liquidate { who } => RuntimeCall::Clearing(Call::liquidate { who: TRADERS[who] })
				.dispatch(RuntimeOrigin::none())
				.map(|_| ())
				.map_err(|e| e.error),
			Op::LiquidateIsolated { who } => RuntimeCall::Clearing(Call::liquidate_isolated {
				who: TRADERS[who],
				market: BTC_PERP,
			})
			.dispatch(RuntimeOrigin::none())
			.map(|_| ())
			.map_err(|e| e.error),
			Op::NextBlock => {
				System::set_block_number(System::block_number() + 1);
				Ok(())
			},
			Op::AutoDeleverage => RuntimeCall::Clearing(Call::auto_deleverage { market: BTC_PERP })
				.dispatch(RuntimeOrigin::none())
				.map(|_| ())
				.map_err(|e| e.error),
		}
	}

	proptest! {
		#![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

		/// A leveraged long crashes: it is liquidated (partially, in full, or through the
		/// bad-debt path), and when the fund ends in deficit the shorts are auto-deleveraged in
		/// ranking order. Through all of it no token unit moves in or out of the pallet, the
		/// pallet still holds what it owes (to the funding-rounding bound), and after
		/// deleveraging the fund is whole.
		#[test]
		fn liquidation_and_deleveraging_keep_every_unit(
			alice_usdc in 500u128..5_000,
			alice_btc in 0u128..20_000_000,
			bob_usdc in 3_000u128..100_000,
			charlie_usdc in 3_000u128..100_000,
			from_bob in 1i128..60,
			from_charlie in 1i128..60,
			crash in 30_000u128..58_000,
		) {
			new_test_ext().execute_with(|| {
				deposit(ALICE, USDC, alice_usdc * ONE_USDC);
				if alice_btc > 0 {
					deposit(ALICE, BTC, alice_btc);
				}
				deposit(BOB, USDC, bob_usdc * ONE_USDC);
				deposit(CHARLIE, USDC, charlie_usdc * ONE_USDC);
				let usdc_total = token_total(USDC);
				let btc_total = token_total(BTC);
				let lot = 100_000i128; // 0.001 BTC
				let _ = settle(&BOB, &ALICE, BTC_PERP, from_bob * lot, usd(60_000));
				let _ = settle(&CHARLIE, &ALICE, BTC_PERP, from_charlie * lot, usd(60_000));
				set_price(BTC_PRICE, crash);
				let check = |step: &str| -> Result<(), TestCaseError> {
					prop_assert_eq!(token_total(USDC), usdc_total);
					prop_assert_eq!(token_total(BTC), btc_total);
					let held = <Assets as Inspect<u64>>::balance(USDC, &ClearingPallet::account_id()) as i128;
					let (claims, open_positions) = settlement_claims();
					let surplus = held - claims;
					prop_assert!(surplus >= 0 && surplus <= open_positions + 2, "surplus {} after {}", surplus, step);
					let booked_btc: u128 = [ALICE, BOB, CHARLIE, INSURANCE].iter().map(|who| CollateralBalances::<Test>::get(who).get(&BTC).copied().unwrap_or(0)).sum();
					prop_assert_eq!(<Assets as Inspect<u64>>::balance(BTC, &ClearingPallet::account_id()), booked_btc);
					Ok(())
				};
				if liquidate(ALICE).is_ok() {
					check("the liquidation")?;
				}
				if ClearingPallet::insurance_deficit() > 0 {
					prop_assert!(ClearingPallet::auto_deleverage(RuntimeOrigin::none(), BTC_PERP).is_ok());
					check("auto-deleveraging")?;
					// Whole again, or out of opposite positions to take it from.
					let fund_position = position(INSURANCE).map_or(0, |r| r.position.size);
					prop_assert!(ClearingPallet::insurance_deficit() == 0 || fund_position == 0);
				}
				Ok(())
			})?;
		}
	}

	proptest! {
		#![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

		/// Whatever sequence of deposits, withdrawals, trades, isolated-margin moves, price
		/// moves and waits: no token is created or destroyed; the pallet always holds at
		/// least what it owes in the settlement asset, short only by funding rounding in its
		/// favour; it holds exactly the other collateral it books; and a failed call changes
		/// no storage at all.
		#[test]
		fn balances_are_conserved_and_failed_calls_change_nothing(ops in prop::collection::vec(op(), 1..40)) {
			new_test_ext().execute_with(|| {
				for who in TRADERS {
					deposit(who, USDC, 5_000 * ONE_USDC);
				}
				let usdc_total = token_total(USDC);
				let btc_total = token_total(BTC);
				let pallet = ClearingPallet::account_id();
				for op in &ops {
					let root_before = storage_root(StateVersion::V1);
					let result = apply(op);
					if result.is_err() {
						prop_assert_eq!(storage_root(StateVersion::V1), root_before, "{:?} failed with {:?} but changed storage", op, result);
					}
					prop_assert_eq!(token_total(USDC), usdc_total);
					prop_assert_eq!(token_total(BTC), btc_total);
					let held = <Assets as Inspect<u64>>::balance(USDC, &pallet) as i128;
					let funding_settlements = System::events()
						.iter()
						.filter(|e| matches!(e.event, RuntimeEvent::Clearing(Event::FundingSettled { .. })))
						.count() as i128;
					// Each funding figure (settled or pending) rounds by under a unit, always
					// in the pallet's favour.
					let (claims, open_positions) = settlement_claims();
					let surplus = held - claims;
					prop_assert!(
						surplus >= 0 && surplus <= funding_settlements + open_positions,
						"surplus {} after {:?}", surplus, op
					);
					let booked_btc: u128 = TRADERS.iter().chain([INSURANCE].iter()).map(|who| CollateralBalances::<Test>::get(who).get(&BTC).copied().unwrap_or(0)).sum();
					prop_assert_eq!(<Assets as Inspect<u64>>::balance(BTC, &pallet), booked_btc);
					prop_assert_eq!(TotalDeposits::<Test>::get(BTC), booked_btc);
				}
				Ok(())
			})?;
		}
	}
}

// ------------------------------------------------------------------ venues: orders and fills

#[test]
fn a_failed_maker_side_is_reported_as_the_makers() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		deposit(BOB, USDC, 1_000 * ONE_USDC);
		// Bob (maker) cannot carry 1 BTC on 1,000 USDC: the venue is told it is Bob's failure.
		assert_eq!(
			ClearingPallet::settle_trade(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)),
			Err(SettleError::Maker(Error::<Test>::MakerMarginInsufficient.into()))
		);
		// The taker's failure is the trade's.
		assert_eq!(
			ClearingPallet::settle_trade(&ALICE, &BOB, BTC_PERP, ONE_BTC as i128, usd(60_000)),
			Err(SettleError::Trade(Error::<Test>::TakerMarginInsufficient.into()))
		);
		// A fill reports both fees: 60,000 x 0.02% and x 0.05%.
		deposit(BOB, USDC, 9_000 * ONE_USDC);
		assert_eq!(
			ClearingPallet::settle_trade(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)),
			Ok(TradeReceipt { maker_fee: 12 * ONE_USDC, taker_fee: 30 * ONE_USDC })
		);
	});
}

#[test]
fn committed_orders_count_toward_initial_margin_only() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		// A 3 BTC bid at 59,000: filled, long 3 BTC = 180,000 at the 60,000 mark, 5% = 9,000.
		assert_ok!(ClearingPallet::commit_order(
			&ALICE,
			BTC_PERP,
			OrderSide::Buy,
			3 * ONE_BTC,
			usd(59_000)
		));
		let record = position(ALICE).unwrap();
		assert_eq!(record.open_orders.bid_size, 3 * ONE_BTC);
		assert_eq!(record.open_orders.bid_value, 177_000 * ONE_USDC);
		let report = ClearingPallet::account_report(&ALICE).unwrap();
		assert_eq!(report.open_order_requirement, 9_000 * ONE_USDC);
		assert_eq!(report.initial_requirement, 9_000 * ONE_USDC);
		assert_eq!(report.maintenance_requirement, 0);
		assert_eq!(report.free_collateral, 1_000 * ONE_USDC as i128);
		assert_eq!(report.positions[0].open_order_requirement, 9_000 * ONE_USDC);
		// The committed margin cannot be withdrawn ...
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 1_001 * ONE_USDC),
			Error::<Test>::BelowInitialMargin
		);
		// ... nor committed twice: another 1 BTC bid needs 3,000 more.
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_PERP, OrderSide::Buy, ONE_BTC, usd(59_000)),
			Error::<Test>::OrderMarginInsufficient
		);
		// An ask on the other side needs no more than the worse side: 3 BTC short = 9,000.
		assert_ok!(ClearingPallet::commit_order(
			&ALICE,
			BTC_PERP,
			OrderSide::Sell,
			3 * ONE_BTC,
			usd(61_000)
		));
		assert_eq!(
			ClearingPallet::account_report(&ALICE).unwrap().open_order_requirement,
			9_000 * ONE_USDC
		);
		// Releasing both frees everything and leaves no record behind.
		ClearingPallet::release_order(&ALICE, BTC_PERP, OrderSide::Buy, 3 * ONE_BTC, usd(59_000));
		ClearingPallet::release_order(&ALICE, BTC_PERP, OrderSide::Sell, 3 * ONE_BTC, usd(61_000));
		assert_eq!(position(ALICE), None);
		assert_ok!(ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 10_000 * ONE_USDC));
	});
}

#[test]
fn commit_order_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, 7, OrderSide::Buy, ONE_BTC, usd(60_000)),
			Error::<Test>::UnknownMarket
		);
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_PERP, OrderSide::Buy, 0, usd(60_000)),
			Error::<Test>::InvalidSize
		);
		// Adding risk needs a fresh price.
		advance(60_001);
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_PERP, OrderSide::Buy, ONE_BTC, usd(60_000)),
			Error::<Test>::StalePrice
		);
		set_price(BTC_PRICE, 60_000);
		assert_ok!(ClearingPallet::set_market_status(
			RuntimeOrigin::root(),
			BTC_PERP,
			MarketStatus::Closed
		));
		start_next_block();
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_PERP, OrderSide::Buy, ONE_BTC, usd(60_000)),
			Error::<Test>::MarketNotTrading
		);
	});
}

#[test]
fn orders_in_an_isolated_market_use_the_isolated_margin() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			3_000 * ONE_USDC
		));
		// 1 BTC at the mark needs 3,000: exactly the isolated margin.
		assert_ok!(ClearingPallet::commit_order(
			&ALICE,
			BTC_PERP,
			OrderSide::Buy,
			ONE_BTC,
			usd(60_000)
		));
		// One more lot does not fit, whatever the pool holds.
		assert_noop!(
			ClearingPallet::commit_order(&ALICE, BTC_PERP, OrderSide::Buy, 10_000, usd(60_000)),
			Error::<Test>::OrderMarginInsufficient
		);
	});
}

#[test]
fn the_mark_follows_the_book_inside_the_band() {
	new_test_ext().execute_with(|| {
		let mark = || {
			ClearingPallet::market_prices(
				BTC_PERP,
				&btc_perp(),
				&MarketStates::<Test>::get(BTC_PERP),
			)
			.unwrap()
			.mark
		};
		// No trade, no book: the index.
		assert_eq!(mark(), usd(60_000));
		// One side only, no trade: still the index.
		ClearingPallet::note_book_top(BTC_PERP, Some(usd(59_900)), None);
		assert_eq!(mark(), usd(60_000));
		// Both sides, no trade: the mid.
		ClearingPallet::note_book_top(BTC_PERP, Some(usd(59_900)), Some(usd(60_300)));
		assert_eq!(mark(), usd(60_100));
		// A trade far from the book is pulled inside the spread: median(59,900, 60,300, 59,000).
		MarketStates::<Test>::mutate(BTC_PERP, |s| s.last_trade_price = Some(usd(59_000)));
		assert_eq!(mark(), usd(59_900));
		// A trade inside the spread is the mark.
		MarketStates::<Test>::mutate(BTC_PERP, |s| s.last_trade_price = Some(usd(60_050)));
		assert_eq!(mark(), usd(60_050));
		// Whatever the book, the mark stays within 1% of the index.
		ClearingPallet::note_book_top(BTC_PERP, Some(usd(61_000)), Some(usd(61_500)));
		assert_eq!(mark(), usd(60_600));
		let report = ClearingPallet::market_report(BTC_PERP).unwrap();
		assert_eq!((report.best_bid, report.best_ask), (Some(usd(61_000)), Some(usd(61_500))));
	});
}

#[test]
fn a_book_change_accrues_funding_at_the_mark_that_held_until_then() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		// Funding must not see the new book retroactively: accrue first, then move the book.
		advance(1_800_000);
		set_price(BTC_PRICE, 60_000);
		let before = MarketStates::<Test>::get(BTC_PERP);
		ClearingPallet::note_book_top(BTC_PERP, Some(usd(60_500)), Some(usd(60_600)));
		let after = MarketStates::<Test>::get(BTC_PERP);
		// The mark was 60,000 = index until now: no premium, no funding, but the clock moved.
		assert_eq!(after.funding_index, before.funding_index);
		assert_eq!(after.last_funding_ms, now());
		assert_eq!(after.best_bid, Some(usd(60_500)));
	});
}

// ------------------------------------------------------------------ liquidation

fn liquidate(who: u64) -> DispatchResult {
	ClearingPallet::liquidate(RuntimeOrigin::none(), who).map(|_| ()).map_err(|e| e.error)
}

fn validate(call: Call<Test>) -> sp_runtime::transaction_validity::TransactionValidity {
	use sp_runtime::traits::ValidateUnsigned;
	ClearingPallet::validate_unsigned(
		sp_runtime::transaction_validity::TransactionSource::External,
		&call,
	)
}

fn stale() -> sp_runtime::transaction_validity::TransactionValidity {
	Err(sp_runtime::transaction_validity::InvalidTransaction::Stale.into())
}

#[test]
fn the_healthy_unhealthy_boundary_is_exact() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		set_price(BTC_PRICE, 55_000);
		// Move Alice's balance so that her health is exactly zero: not liquidatable.
		let health = ClearingPallet::account_report(&ALICE).unwrap().health;
		SettlementBalances::<Test>::mutate(ALICE, |balance| *balance -= health);
		assert_eq!(ClearingPallet::account_report(&ALICE).unwrap().health, 0);
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));
		assert_noop!(liquidate(ALICE), Error::<Test>::NotLiquidatable);
		assert_eq!(validate(Call::liquidate { who: ALICE }), stale());
		// One settlement unit less: liquidatable.
		SettlementBalances::<Test>::mutate(ALICE, |balance| *balance -= 1);
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
		let balances_before: i128 =
			[ALICE, BOB, FEES, INSURANCE].iter().map(SettlementBalances::<Test>::get).sum();

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
		assert_eq!(SettlementBalances::<Test>::get(INSURANCE), penalty as i128);
		assert_eq!(MarketStates::<Test>::get(BTC_PERP).open_interest, ONE_BTC);
		// Settlement units moved, none appeared: the close at the mark realized Alice's loss
		// (booked from her cost), the penalty went to the fund.
		let balances_after: i128 =
			[ALICE, BOB, FEES, INSURANCE].iter().map(SettlementBalances::<Test>::get).sum();
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
		assert_eq!(CollateralBalances::<Test>::get(INSURANCE).get(&BTC), Some(&(ONE_BTC / 10)));
		assert!(events().contains(&Event::CollateralSeized {
			who: ALICE,
			asset: BTC,
			amount: ONE_BTC / 10,
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
		assert_eq!(SettlementBalances::<Test>::get(ALICE), 0);
		// The fund: -3,995 - 4,035 in cash, 0.1 BTC worth 5,000, long 1 BTC at the mark.
		assert_eq!(SettlementBalances::<Test>::get(INSURANCE), -(8_030 * ONE_USDC as i128));
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
			.map(SettlementBalances::<Test>::get)
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
			.map(SettlementBalances::<Test>::get)
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
		assert_eq!(SettlementBalances::<Test>::get(ALICE), 0);
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
			SettlementBalances::<Test>::get(INSURANCE),
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
		assert_eq!(SettlementBalances::<Test>::get(ALICE), 96_000 * ONE_USDC as i128);
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

// ------------------------------------------------------------------ the off-chain worker

mod worker {
	use super::*;
	use codec::Decode;
	use sp_core::offchain::{
		testing::{TestOffchainExt, TestTransactionPoolExt},
		OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
	};

	/// The mock's externalities with what an off-chain worker needs (off-chain storage, the
	/// worker's context, a transaction pool) and the handles that read them back. A macro,
	/// so the handles' types need no names here.
	macro_rules! worker_ext {
		() => {{
			let (offchain, offchain_state) = TestOffchainExt::new();
			let (pool, pool_state) = TestTransactionPoolExt::new();
			let mut ext = new_test_ext();
			ext.register_extension(OffchainDbExt::new(offchain.clone()));
			ext.register_extension(OffchainWorkerExt::new(offchain));
			ext.register_extension(TransactionPoolExt::new(pool));
			(ext, offchain_state, pool_state)
		}};
	}

	/// Alice and Charlie each long 1 BTC on 10,000 USDC, against Bob.
	fn book() {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
	}

	#[test]
	fn the_worker_submits_liquidations_for_a_bounded_slice_and_moves_its_cursor() {
		let (mut ext, offchain_state, pool_state) = worker_ext!();
		ext.execute_with(|| {
			book();
			// Both longs are under water; Bob (short) is fine.
			set_price(BTC_PRICE, 51_000);
			let mut submitted = Vec::new();
			let mut scanned = 0;
			// Three accounts hold positions, two are checked per run.
			let first = ClearingPallet::scan_for_liquidations().expect("a validator runs it");
			assert_eq!(first.scanned, 2);
			assert!(!first.wrapped);
			let cursor = offchain_state.read().persistent_storage.get(crate::offchain::CURSOR_KEY);
			assert!(cursor.is_some(), "the cursor was stored");
			scanned += first.scanned;
			let second = ClearingPallet::scan_for_liquidations().unwrap();
			scanned += second.scanned;
			assert_eq!(scanned, 3, "the second run carries on where the first stopped");
			assert!(second.wrapped);
			assert!(offchain_state
				.read()
				.persistent_storage
				.get(crate::offchain::CURSOR_KEY)
				.is_none());
			for raw in pool_state.read().transactions.iter() {
				let xt = Extrinsic::decode(&mut &raw[..]).unwrap();
				assert!(xt.is_inherent(), "a bare (unsigned) extrinsic");
				submitted.push(xt.function);
			}
			submitted.sort_by_key(|call| format!("{call:?}"));
			assert_eq!(
				submitted,
				vec![
					RuntimeCall::Clearing(Call::liquidate { who: ALICE }),
					RuntimeCall::Clearing(Call::liquidate { who: CHARLIE }),
				]
			);
			// What the worker submitted passes the chain's own check.
			for call in [Call::liquidate { who: ALICE }, Call::liquidate { who: CHARLIE }] {
				assert!(validate(call).is_ok());
			}
			// A third run starts over from the first account.
			let third = ClearingPallet::scan_for_liquidations().unwrap();
			assert_eq!(third.scanned, 2);
		});
	}

	#[test]
	fn the_worker_deleverages_when_the_fund_is_in_deficit() {
		let (mut ext, _, pool_state) = worker_ext!();
		ext.execute_with(|| {
			deposit(ALICE, USDC, 1_000 * ONE_USDC);
			deposit(ALICE, BTC, ONE_BTC / 10);
			deposit(BOB, USDC, 10_000 * ONE_USDC);
			deposit(CHARLIE, USDC, 50_000 * ONE_USDC);
			let half = ONE_BTC as i128 / 2;
			assert_ok!(settle(&CHARLIE, &ALICE, BTC_PERP, half, usd(60_000)));
			assert_ok!(settle(&BOB, &ALICE, BTC_PERP, half, usd(60_000)));
			set_price(BTC_PRICE, 50_000);
			assert_ok!(liquidate(ALICE));
			assert!(ClearingPallet::insurance_deficit() > 0);
			let report = ClearingPallet::scan_for_liquidations().unwrap();
			assert_eq!(report.deleveraged, vec![BTC_PERP]);
			let calls: Vec<RuntimeCall> = pool_state
				.read()
				.transactions
				.iter()
				.map(|raw| Extrinsic::decode(&mut &raw[..]).unwrap().function)
				.collect();
			// The worker names nobody: the chain takes the counterparties from its queue.
			let expected = Call::auto_deleverage { market: BTC_PERP };
			assert!(calls.contains(&RuntimeCall::Clearing(expected.clone())), "{calls:?}");
			assert!(validate(expected).is_ok());
		});
	}

	#[test]
	fn the_worker_submits_nothing_for_healthy_accounts_or_at_stale_prices() {
		let (mut ext, _, pool_state) = worker_ext!();
		ext.execute_with(|| {
			book();
			for _ in 0..2 {
				ClearingPallet::scan_for_liquidations().unwrap();
			}
			assert!(pool_state.read().transactions.is_empty());
			set_price(BTC_PRICE, 51_000);
			advance(60_001);
			for _ in 0..2 {
				ClearingPallet::scan_for_liquidations().unwrap();
			}
			assert!(pool_state.read().transactions.is_empty());
		});
	}
	#[test]
	fn the_worker_settles_expired_options_and_the_chain_accepts_only_real_settlements() {
		use crate::tests::options_and_portfolio::{list_call, tradable_mark, BTC_CALL, DAY_MS};
		let (mut ext, _offchain_state, pool_state) = worker_ext!();
		ext.execute_with(|| {
			list_call();
			deposit(ALICE, USDC, 40_000 * ONE_USDC);
			deposit(BOB, USDC, 40_000 * ONE_USDC);
			assert_ok!(settle(&ALICE, &BOB, BTC_CALL, ONE_BTC as i128, tradable_mark(BTC_CALL)));
			let settle_bob = Call::<Test>::settle_expired { who: BOB };
			// Before expiry there is nothing to settle: the pool refuses it.
			assert!(<ClearingPallet as sp_runtime::traits::ValidateUnsigned>::validate_unsigned(
				sp_runtime::transaction_validity::TransactionSource::External,
				&settle_bob
			)
			.is_err());
			advance(30 * DAY_MS);
			set_price(BTC_PRICE, 62_000);
			let report = ClearingPallet::scan_for_liquidations().unwrap();
			let mut settled = report.settled.clone();
			settled.sort();
			assert_eq!(settled, vec![ALICE, BOB]);
			let submitted: Vec<RuntimeCall> = pool_state
				.read()
				.transactions
				.iter()
				.map(|raw| Extrinsic::decode(&mut &raw[..]).unwrap().function)
				.collect();
			assert!(submitted.contains(&RuntimeCall::Clearing(Call::settle_expired { who: BOB })));
			assert!(<ClearingPallet as sp_runtime::traits::ValidateUnsigned>::validate_unsigned(
				sp_runtime::transaction_validity::TransactionSource::External,
				&settle_bob
			)
			.is_ok());
			for who in [ALICE, BOB] {
				assert_ok!(ClearingPallet::settle_expired(RuntimeOrigin::none(), who));
			}
			assert_eq!(MarketStates::<Test>::get(BTC_CALL).open_interest, 0);
		});
	}
}

#[test]
fn the_api_pages_through_liquidatable_accounts_and_reports_the_fund() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		set_price(BTC_PRICE, 51_000);
		let mut found = Vec::new();
		let mut start_after = None;
		let mut pages = 0;
		loop {
			let page = ClearingPallet::liquidatable_accounts(start_after, 1);
			pages += 1;
			for account in &page.accounts {
				assert!(account.cross && account.cross_health < 0);
				assert!(account.isolated_markets.is_empty());
				found.push(account.who);
			}
			match page.last_checked {
				Some(last) => start_after = Some(last),
				None => break,
			}
		}
		found.sort();
		assert_eq!(found, vec![ALICE, CHARLIE]);
		assert_eq!(pages, 4, "three accounts, one per page, and the empty end");
		// Alice's liquidation price: where her health reaches zero.
		let prices = ClearingPallet::liquidation_prices(&ALICE);
		assert_eq!(prices.len(), 1);
		assert!(prices[0].1.unwrap() > usd(51_000));
		assert_ok!(liquidate(ALICE));
		let fund = ClearingPallet::insurance_fund();
		assert_eq!(fund.account, INSURANCE);
		assert!(fund.settlement_balance > 0 && fund.net_value > 0);
		assert_eq!(fund.positions.len(), 1);
		assert!(fund.positions[0].1 > 0);
	});
}

// ------------------------------------------------------------------ the jump breaker

mod jump_breaker {
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
			assert_eq!(
				ClearingPallet::market_report(BTC_PERP).unwrap().held_jump,
				Some(usd(40_500))
			);
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
				ClearingPallet::set_jump_breaker(
					RuntimeOrigin::root(),
					Perbill::from_parts(9_999_999)
				),
				Error::<Test>::InvalidJumpBreaker
			);
			assert_ok!(ClearingPallet::set_jump_breaker(RuntimeOrigin::root(), Perbill::zero()));
			super::start_next_block();
			end_block();
			set_price(BTC_PRICE, 1);
			assert_eq!(index(), usd(1));
		});
	}
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

// ------------------------------------------------------------------ risk parameters

mod risk_parameters {
	use super::*;
	use crate::{RiskChange, RiskChangeOf, MAX_PENDING_RISK_CHANGES};
	use frame_support::BoundedVec;
	use risk_engine::JumpBreaker;

	fn tiers(maintenance_percent: u32, initial_percent: u32) -> BoundedVec<MarginTier, MaxTiers> {
		BoundedVec::truncate_from(vec![MarginTier {
			notional_floor: 0,
			initial_fraction: Perbill::from_percent(initial_percent),
			maintenance_fraction: Perbill::from_percent(maintenance_percent),
		}])
	}

	type MaxTiers = <Test as Config>::MaxMarginTiers;

	/// Every setter, called with `change`'s values.
	fn call_setter(origin: RuntimeOrigin, change: RiskChangeOf<Test>) -> DispatchResult {
		match change {
			RiskChange::MarketMarginTiers { market, tiers } => {
				ClearingPallet::set_market_margin_tiers(origin, market, tiers)
			},
			RiskChange::MarketFees { market, maker_fee, taker_fee } => {
				ClearingPallet::set_market_fees(origin, market, maker_fee, taker_fee)
			},
			RiskChange::MarketFundingCap { market, funding_rate_cap } => {
				ClearingPallet::set_market_funding_cap(origin, market, funding_rate_cap)
			},
			RiskChange::MarketOpenInterestCap { market, open_interest_cap } => {
				ClearingPallet::set_market_open_interest_cap(origin, market, open_interest_cap)
			},
			RiskChange::MarketStatus { market, status } => {
				ClearingPallet::set_market_status(origin, market, status)
			},
			RiskChange::CollateralHaircuts { asset, initial_haircut, maintenance_haircut } => {
				ClearingPallet::set_collateral_haircuts(
					origin,
					asset,
					initial_haircut,
					maintenance_haircut,
				)
			},
			RiskChange::CollateralDepositCap { asset, deposit_cap } => {
				ClearingPallet::set_collateral_deposit_cap(origin, asset, deposit_cap)
			},
			RiskChange::MaxPriceAge { max_price_age_ms } => {
				ClearingPallet::set_max_price_age(origin, max_price_age_ms)
			},
			RiskChange::JumpBreaker { breaker } => {
				ClearingPallet::set_jump_breaker(origin, breaker.bound)
			},
			RiskChange::LiquidationParameters { penalty, buffer } => {
				ClearingPallet::set_liquidation_parameters(origin, penalty, buffer)
			},
			RiskChange::LiquidationScanLimit { accounts_per_block } => {
				ClearingPallet::set_liquidation_scan_limit(origin, accounts_per_block)
			},
			RiskChange::PortfolioGrid { grid } => ClearingPallet::set_portfolio_grid(origin, grid),
			RiskChange::PortfolioMinimumEquity { minimum } => {
				ClearingPallet::set_portfolio_minimum_equity(origin, minimum)
			},
			RiskChange::Correlation { first, second, correlation } => {
				ClearingPallet::set_correlation(origin, first, second, correlation)
			},
			RiskChange::VolatilityModel { model } => {
				ClearingPallet::set_volatility_model(origin, model)
			},
			RiskChange::MarketAdaptiveMargin { market, params } => {
				ClearingPallet::set_market_adaptive_margin(origin, market, params)
			},
			RiskChange::MarginRampStep { step } => {
				ClearingPallet::set_margin_ramp_step(origin, step)
			},
			RiskChange::MarketPriceBand { market, price_band } => {
				ClearingPallet::set_market_price_band(origin, market, price_band)
			},
		}
	}

	/// The parameter `change` names, as it is in storage now.
	fn in_force(change: &RiskChangeOf<Test>) -> RiskChangeOf<Test> {
		let market = Markets::<Test>::get(BTC_PERP).unwrap();
		let btc = CollateralAssets::<Test>::get(BTC).unwrap();
		match change {
			RiskChange::MarketMarginTiers { .. } => {
				RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: market.tiers }
			},
			RiskChange::MarketFees { .. } => RiskChange::MarketFees {
				market: BTC_PERP,
				maker_fee: market.maker_fee,
				taker_fee: market.taker_fee,
			},
			RiskChange::MarketFundingCap { .. } => RiskChange::MarketFundingCap {
				market: BTC_PERP,
				funding_rate_cap: market.funding_rate_cap,
			},
			RiskChange::MarketOpenInterestCap { .. } => RiskChange::MarketOpenInterestCap {
				market: BTC_PERP,
				open_interest_cap: market.open_interest_cap,
			},
			RiskChange::MarketStatus { .. } => {
				RiskChange::MarketStatus { market: BTC_PERP, status: market.status }
			},
			RiskChange::CollateralHaircuts { .. } => RiskChange::CollateralHaircuts {
				asset: BTC,
				initial_haircut: btc.params.initial_haircut,
				maintenance_haircut: btc.params.maintenance_haircut,
			},
			RiskChange::CollateralDepositCap { .. } => {
				RiskChange::CollateralDepositCap { asset: BTC, deposit_cap: btc.deposit_cap }
			},
			RiskChange::MaxPriceAge { .. } => {
				RiskChange::MaxPriceAge { max_price_age_ms: MaxPriceAge::<Test>::get() }
			},
			RiskChange::JumpBreaker { .. } => {
				RiskChange::JumpBreaker { breaker: JumpBreakerParams::<Test>::get() }
			},
			RiskChange::LiquidationParameters { .. } => RiskChange::LiquidationParameters {
				penalty: LiquidationPenalty::<Test>::get(),
				buffer: LiquidationBuffer::<Test>::get(),
			},
			RiskChange::LiquidationScanLimit { .. } => RiskChange::LiquidationScanLimit {
				accounts_per_block: ClearingPallet::liquidation_scan_limit(),
			},
			RiskChange::PortfolioGrid { .. } => {
				RiskChange::PortfolioGrid { grid: PortfolioGridParams::<Test>::get() }
			},
			RiskChange::PortfolioMinimumEquity { .. } => RiskChange::PortfolioMinimumEquity {
				minimum: PortfolioMinimumEquity::<Test>::get(),
			},
			RiskChange::Correlation { first, second, .. } => RiskChange::Correlation {
				first: *first,
				second: *second,
				correlation: Correlations::<Test>::get(second, first)
					.unwrap_or(FixedI128::from_u32(1)),
			},
			RiskChange::VolatilityModel { .. } => {
				RiskChange::VolatilityModel { model: VolatilityModelParams::<Test>::get() }
			},
			RiskChange::MarketAdaptiveMargin { .. } => RiskChange::MarketAdaptiveMargin {
				market: BTC_PERP,
				params: AdaptiveMargins::<Test>::get(BTC_PERP).map(|adaptive| adaptive.params),
			},
			RiskChange::MarginRampStep { .. } => {
				RiskChange::MarginRampStep { step: crate::MarginRampStep::<Test>::get() }
			},
			RiskChange::MarketPriceBand { .. } => {
				RiskChange::MarketPriceBand { market: BTC_PERP, price_band: market.price_band }
			},
		}
	}

	/// One valid change of every parameter.
	fn valid_changes() -> Vec<RiskChangeOf<Test>> {
		vec![
			RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(4, 8) },
			RiskChange::MarketFees {
				market: BTC_PERP,
				maker_fee: Perbill::from_parts(100_000),
				taker_fee: Perbill::from_parts(1_000_000),
			},
			RiskChange::MarketFundingCap {
				market: BTC_PERP,
				funding_rate_cap: Perbill::from_percent(1),
			},
			RiskChange::MarketOpenInterestCap { market: BTC_PERP, open_interest_cap: ONE_BTC },
			RiskChange::MarketStatus { market: BTC_PERP, status: MarketStatus::ReduceOnly },
			RiskChange::CollateralHaircuts {
				asset: BTC,
				initial_haircut: Perbill::from_percent(70),
				maintenance_haircut: Perbill::from_percent(80),
			},
			RiskChange::CollateralDepositCap { asset: BTC, deposit_cap: 5 * ONE_BTC },
			RiskChange::MaxPriceAge { max_price_age_ms: 30_000 },
			RiskChange::JumpBreaker { breaker: JumpBreaker { bound: Perbill::from_percent(10) } },
			RiskChange::LiquidationParameters {
				penalty: Perbill::from_percent(2),
				buffer: Perbill::from_percent(25),
			},
			RiskChange::LiquidationScanLimit { accounts_per_block: 1 },
			RiskChange::PortfolioGrid {
				grid: risk_engine::portfolio::ScenarioGrid {
					price_points: 21,
					..PortfolioGridParams::<Test>::get()
				},
			},
			RiskChange::Correlation {
				first: BTC_PRICE,
				second: 11,
				correlation: FixedI128::from_rational(7, 10),
			},
			RiskChange::PortfolioMinimumEquity { minimum: 50_000 * ONE_USDC },
			RiskChange::VolatilityModel {
				model: crate::VolatilityModel {
					params: risk_engine::adaptive::VolatilityParams {
						lambda: Perbill::from_percent(90),
						interval_ms: 60_000,
						max_gap_ms: 60_000,
					},
					seed_volatility: Perbill::from_percent(50),
				},
			},
			RiskChange::MarginRampStep { step: Perbill::from_percent(1) },
			RiskChange::MarketPriceBand { market: BTC_PERP, price_band: Perbill::from_percent(5) },
			// Last: the penalty is 2% by now, below the 2.5% maintenance floor.
			RiskChange::MarketAdaptiveMargin {
				market: BTC_PERP,
				params: Some(super::adaptive_margin::params()),
			},
		]
	}

	/// Out-of-bound changes and the error each gets.
	fn invalid_changes() -> Vec<(RiskChangeOf<Test>, Error<Test>)> {
		vec![
			(
				RiskChange::MarketPriceBand { market: BTC_PERP, price_band: Perbill::zero() },
				Error::<Test>::InvalidPriceBand,
			),
			(
				RiskChange::MarketPriceBand {
					market: BTC_PERP,
					price_band: Perbill::from_percent(51),
				},
				Error::<Test>::InvalidPriceBand,
			),
			// Maintenance not below initial.
			(
				RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(8, 8) },
				Error::<Test>::InvalidMarginTiers,
			),
			// Maintenance of zero.
			(
				RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(0, 8) },
				Error::<Test>::InvalidMarginTiers,
			),
			// No tier at all.
			(
				RiskChange::MarketMarginTiers {
					market: BTC_PERP,
					tiers: BoundedVec::truncate_from(vec![]),
				},
				Error::<Test>::InvalidMarginTiers,
			),
			// Maintenance at the 1% penalty.
			(
				RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(1, 8) },
				Error::<Test>::MaintenanceNotAbovePenalty,
			),
			(
				RiskChange::VolatilityModel {
					model: crate::VolatilityModel {
						params: risk_engine::adaptive::VolatilityParams {
							lambda: Perbill::one(),
							interval_ms: 60_000,
							max_gap_ms: 60_000,
						},
						seed_volatility: Perbill::from_percent(50),
					},
				},
				Error::<Test>::InvalidVolatilityModel,
			),
			(
				RiskChange::VolatilityModel {
					model: crate::VolatilityModel {
						params: risk_engine::adaptive::VolatilityParams {
							lambda: Perbill::from_percent(90),
							interval_ms: 999,
							max_gap_ms: 60_000,
						},
						seed_volatility: Perbill::from_percent(50),
					},
				},
				Error::<Test>::InvalidVolatilityModel,
			),
			(RiskChange::MarginRampStep { step: Perbill::zero() }, Error::<Test>::InvalidRampStep),
			(
				RiskChange::MarketAdaptiveMargin {
					market: 42,
					params: Some(super::adaptive_margin::params()),
				},
				Error::<Test>::UnknownMarket,
			),
			// A maintenance floor at the 1% penalty.
			(
				RiskChange::MarketAdaptiveMargin {
					market: BTC_PERP,
					params: Some(risk_engine::adaptive::AdaptiveParams {
						floor_maintenance: Perbill::from_percent(1),
						..super::adaptive_margin::params()
					}),
				},
				Error::<Test>::InvalidAdaptiveMargin,
			),
			// A multiplier above 20.
			(
				RiskChange::MarketAdaptiveMargin {
					market: BTC_PERP,
					params: Some(risk_engine::adaptive::AdaptiveParams {
						k_initial: FixedI128::from_u32(21),
						..super::adaptive_margin::params()
					}),
				},
				Error::<Test>::InvalidAdaptiveMargin,
			),
			// A maintenance cap above the initial one.
			(
				RiskChange::MarketAdaptiveMargin {
					market: BTC_PERP,
					params: Some(risk_engine::adaptive::AdaptiveParams {
						cap_maintenance: Perbill::from_percent(60),
						..super::adaptive_margin::params()
					}),
				},
				Error::<Test>::InvalidAdaptiveMargin,
			),
			(
				RiskChange::MarketMarginTiers { market: 42, tiers: tiers(4, 8) },
				Error::<Test>::UnknownMarket,
			),
			(
				RiskChange::MarketFees {
					market: BTC_PERP,
					maker_fee: Perbill::zero(),
					taker_fee: Perbill::from_parts(10_000_001),
				},
				Error::<Test>::InvalidTradingFee,
			),
			// At the lowest maintenance fraction (3%).
			(
				RiskChange::MarketFundingCap {
					market: BTC_PERP,
					funding_rate_cap: Perbill::from_percent(3),
				},
				Error::<Test>::InvalidFundingCap,
			),
			(
				RiskChange::MarketStatus { market: 42, status: MarketStatus::Closed },
				Error::<Test>::UnknownMarket,
			),
			(
				RiskChange::CollateralHaircuts {
					asset: BTC,
					initial_haircut: Perbill::zero(),
					maintenance_haircut: Perbill::from_percent(80),
				},
				Error::<Test>::InvalidHaircuts,
			),
			(
				RiskChange::CollateralHaircuts {
					asset: BTC,
					initial_haircut: Perbill::from_percent(90),
					maintenance_haircut: Perbill::from_percent(80),
				},
				Error::<Test>::InvalidHaircuts,
			),
			(
				RiskChange::CollateralDepositCap { asset: 77, deposit_cap: 1 },
				Error::<Test>::UnknownCollateral,
			),
			(RiskChange::MaxPriceAge { max_price_age_ms: 0 }, Error::<Test>::InvalidMaxPriceAge),
			(
				RiskChange::MaxPriceAge { max_price_age_ms: crate::MAX_PRICE_AGE_LIMIT_MS + 1 },
				Error::<Test>::InvalidMaxPriceAge,
			),
			(
				RiskChange::JumpBreaker { breaker: JumpBreaker { bound: Perbill::from_parts(1) } },
				Error::<Test>::InvalidJumpBreaker,
			),
			// At BTC-PERP's lowest maintenance fraction.
			(
				RiskChange::LiquidationParameters {
					penalty: Perbill::from_percent(3),
					buffer: Perbill::from_percent(10),
				},
				Error::<Test>::InvalidLiquidationParameters,
			),
			(
				RiskChange::LiquidationScanLimit { accounts_per_block: 0 },
				Error::<Test>::InvalidScanLimit,
			),
			// The mock's maximum is 2.
			(
				RiskChange::LiquidationScanLimit { accounts_per_block: 3 },
				Error::<Test>::InvalidScanLimit,
			),
			(
				RiskChange::PortfolioGrid {
					grid: risk_engine::portfolio::ScenarioGrid {
						price_points: 20,
						..PortfolioGridParams::<Test>::get()
					},
				},
				Error::<Test>::InvalidScenarioGrid,
			),
			(
				RiskChange::Correlation {
					first: BTC_PRICE,
					second: BTC_PRICE,
					correlation: FixedI128::from_u32(1),
				},
				Error::<Test>::InvalidCorrelation,
			),
			(
				RiskChange::Correlation {
					first: BTC_PRICE,
					second: 11,
					correlation: FixedI128::from_rational(11, 10),
				},
				Error::<Test>::InvalidCorrelation,
			),
			(
				RiskChange::PortfolioMinimumEquity { minimum: 100_000_001 * ONE_USDC },
				Error::<Test>::InvalidPortfolioMinimum,
			),
		]
	}

	#[test]
	fn a_signed_account_cannot_call_any_setter() {
		new_test_ext().execute_with(|| {
			for change in valid_changes() {
				assert_noop!(
					call_setter(RuntimeOrigin::signed(ALICE), change),
					DispatchError::BadOrigin
				);
			}
		});
	}

	#[test]
	fn every_setter_applies_from_the_next_block_with_one_event() {
		new_test_ext().execute_with(|| {
			for change in valid_changes() {
				let before = in_force(&change);
				assert_ne!(before, change, "the test change must change something");
				System::reset_events();
				assert_ok!(call_setter(RuntimeOrigin::root(), change.clone()));
				// Nothing changes in the block that scheduled it.
				assert_eq!(in_force(&change), before);
				assert!(events().is_empty());
				assert_eq!(PendingRiskChanges::<Test>::get().to_vec(), vec![change.clone()]);

				start_next_block();
				assert_eq!(in_force(&change), change);
				assert_eq!(events(), vec![Event::RiskParameterChanged { change }]);
				assert!(PendingRiskChanges::<Test>::get().is_empty());
			}
		});
	}

	#[test]
	fn out_of_bound_values_fail_with_their_typed_error_and_schedule_nothing() {
		new_test_ext().execute_with(|| {
			for (change, error) in invalid_changes() {
				let error = DispatchError::from(error);
				assert_noop!(call_setter(RuntimeOrigin::root(), change.clone()), error);
				assert_eq!(ClearingPallet::preview_risk_change(change), Err(error));
			}
			assert!(PendingRiskChanges::<Test>::get().is_empty());
		});
	}

	#[test]
	fn changes_are_checked_against_those_already_scheduled() {
		new_test_ext().execute_with(|| {
			// A 2.5% penalty is scheduled: a 2% maintenance fraction is now too low...
			assert_ok!(ClearingPallet::set_liquidation_parameters(
				RuntimeOrigin::root(),
				Perbill::from_parts(25_000_000),
				Perbill::from_percent(10)
			));
			assert_noop!(
				ClearingPallet::set_market_margin_tiers(
					RuntimeOrigin::root(),
					BTC_PERP,
					tiers(2, 8)
				),
				Error::<Test>::MaintenanceNotAbovePenalty
			);
			// ...and so is listing a market with one.
			let mut low = btc_perp();
			low.tiers = tiers(2, 8);
			low.funding_rate_cap = Perbill::from_percent(1);
			assert_noop!(
				ClearingPallet::register_market(RuntimeOrigin::root(), 9, low),
				Error::<Test>::MaintenanceNotAbovePenalty
			);
			start_next_block();
			System::reset_events();

			// A 4% maintenance fraction is scheduled: a 3.5% penalty fits it, but a funding
			// cap of 4% does not.
			assert_ok!(ClearingPallet::set_market_margin_tiers(
				RuntimeOrigin::root(),
				BTC_PERP,
				tiers(4, 8)
			));
			assert_ok!(ClearingPallet::set_liquidation_parameters(
				RuntimeOrigin::root(),
				Perbill::from_parts(35_000_000),
				Perbill::from_percent(10)
			));
			assert_noop!(
				ClearingPallet::set_market_funding_cap(
					RuntimeOrigin::root(),
					BTC_PERP,
					Perbill::from_percent(4)
				),
				Error::<Test>::InvalidFundingCap
			);
			// Two changes of one market in one block both apply, in order.
			assert_ok!(ClearingPallet::set_market_fees(
				RuntimeOrigin::root(),
				BTC_PERP,
				Perbill::zero(),
				Perbill::from_parts(300_000)
			));
			start_next_block();
			let market = Markets::<Test>::get(BTC_PERP).unwrap();
			assert_eq!(market.tiers, tiers(4, 8));
			assert_eq!(market.taker_fee, Perbill::from_parts(300_000));
			assert_eq!(LiquidationPenalty::<Test>::get(), Perbill::from_parts(35_000_000));
			assert_eq!(events().len(), 3);
		});
	}

	#[test]
	fn at_most_sixteen_changes_wait_for_a_block() {
		new_test_ext().execute_with(|| {
			for cap in 0..MAX_PENDING_RISK_CHANGES {
				assert_ok!(ClearingPallet::set_market_open_interest_cap(
					RuntimeOrigin::root(),
					BTC_PERP,
					cap.into()
				));
			}
			assert_noop!(
				ClearingPallet::set_market_open_interest_cap(RuntimeOrigin::root(), BTC_PERP, 99),
				Error::<Test>::TooManyPendingRiskChanges
			);
			start_next_block();
			// The last one scheduled wins.
			assert_eq!(
				Markets::<Test>::get(BTC_PERP).unwrap().open_interest_cap,
				(MAX_PENDING_RISK_CHANGES - 1).into()
			);
		});
	}

	#[test]
	fn a_new_market_fits_within_the_market_limit() {
		new_test_ext().execute_with(|| {
			for id in 1..crate::MAX_MARKETS {
				assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), id, btc_perp()));
			}
			assert_noop!(
				ClearingPallet::register_market(RuntimeOrigin::root(), 500, btc_perp()),
				Error::<Test>::TooManyMarkets
			);
			// Replacing a listed market's parameters is still fine.
			assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 7, btc_perp()));
		});
	}

	/// Alice: 3,100 USDC, long one BTC at 60,000 (equity 3,070 after the taker fee, initial
	/// requirement 3,000 at 5%, maintenance 1,800 at 3%). Bob: 10,000 USDC, short.
	fn alice_near_her_initial_margin() {
		deposit(ALICE, USDC, 3_100 * ONE_USDC);
		deposit(BOB, USDC, 10_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
	}

	#[test]
	fn the_preview_names_the_accounts_a_change_would_make_liquidatable() {
		new_test_ext().execute_with(|| {
			alice_near_her_initial_margin();
			let alice_equity = 3_070 * ONE_USDC as i128;

			// 6% maintenance: Alice needs 3,600 and has 3,070.
			let raise = RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(6, 8) };
			let root_before = sp_io::storage::root(sp_runtime::StateVersion::V1);
			let preview = ClearingPallet::preview_risk_change(raise.clone()).unwrap();
			assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root_before);
			assert_eq!(preview.accounts_checked, 2);
			assert_eq!(preview.before, Default::default());
			assert_eq!(preview.after.accounts_below_maintenance, 1);
			assert_eq!(preview.after.equity_below_maintenance, alice_equity);
			assert_eq!(preview.after.accounts_below_initial, 1);
			assert_eq!(preview.newly_below_maintenance, vec![ALICE]);
			assert!(preview.newly_below_initial.is_empty());

			// 4% maintenance, 6% initial: Alice needs 3,600 to add risk, 2,400 to stay.
			let tighten = RiskChange::MarketMarginTiers { market: BTC_PERP, tiers: tiers(4, 6) };
			let preview = ClearingPallet::preview_risk_change(tighten).unwrap();
			assert_eq!(preview.after.accounts_below_maintenance, 0);
			assert_eq!(preview.after.accounts_below_initial, 1);
			assert_eq!(preview.after.equity_below_initial, alice_equity);
			assert_eq!(preview.newly_below_initial, vec![ALICE]);

			// What the preview said is what happens.
			assert!(!ClearingPallet::cross_liquidatable(&ALICE));
			assert_ok!(call_setter(RuntimeOrigin::root(), raise.clone()));
			start_next_block();
			assert!(ClearingPallet::cross_liquidatable(&ALICE));
			assert!(!ClearingPallet::cross_liquidatable(&BOB));
			// Once in force, the same change names nobody new.
			let again = ClearingPallet::preview_risk_change(raise).unwrap();
			assert_eq!(again.before, again.after);
			assert!(again.newly_below_maintenance.is_empty());
		});
	}

	#[test]
	fn the_preview_counts_scheduled_changes_as_in_force_and_sees_haircuts() {
		new_test_ext().execute_with(|| {
			// Charlie backs a 0.1 BTC long (maintenance 180 USDC) with 0.1 BTC of collateral
			// only; at a 2% haircut it counts for 120.
			deposit(CHARLIE, BTC, ONE_BTC / 10);
			deposit(BOB, USDC, 10_000 * ONE_USDC);
			assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, ONE_BTC as i128 / 10, usd(60_000)));
			let haircut_cut = RiskChange::CollateralHaircuts {
				asset: BTC,
				initial_haircut: Perbill::from_percent(2),
				maintenance_haircut: Perbill::from_percent(2),
			};
			let preview = ClearingPallet::preview_risk_change(haircut_cut.clone()).unwrap();
			assert_eq!(preview.newly_below_maintenance, vec![CHARLIE]);

			// Scheduled, the same cut is "before" in the next preview.
			assert_ok!(call_setter(RuntimeOrigin::root(), haircut_cut.clone()));
			let preview = ClearingPallet::preview_risk_change(haircut_cut).unwrap();
			assert_eq!(preview.before.accounts_below_maintenance, 1);
			assert!(preview.newly_below_maintenance.is_empty());
		});
	}

	#[test]
	fn the_worker_checks_as_many_accounts_as_the_scan_limit_says() {
		let (offchain, _) = sp_core::offchain::testing::TestOffchainExt::new();
		let (pool, _) = sp_core::offchain::testing::TestTransactionPoolExt::new();
		let mut ext = new_test_ext();
		ext.register_extension(sp_core::offchain::OffchainDbExt::new(offchain.clone()));
		ext.register_extension(sp_core::offchain::OffchainWorkerExt::new(offchain));
		ext.register_extension(sp_core::offchain::TransactionPoolExt::new(pool));
		ext.execute_with(|| {
			alice_near_her_initial_margin();
			deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
			assert_ok!(settle(&BOB, &CHARLIE, BTC_PERP, ONE_BTC as i128 / 10, usd(60_000)));
			// Three accounts hold positions; the mock's maximum (and default) is two a run.
			assert_eq!(ClearingPallet::scan_for_liquidations().unwrap().scanned, 2);
			assert_ok!(ClearingPallet::set_liquidation_scan_limit(RuntimeOrigin::root(), 1));
			start_next_block();
			assert_eq!(ClearingPallet::liquidation_scan_limit(), 1);
			assert_eq!(ClearingPallet::scan_for_liquidations().unwrap().scanned, 1);
		});
	}
}

// ------------------------------------------------------------------ capital efficiency

mod capital_efficiency {
	use super::*;

	#[test]
	fn a_long_perpetual_needs_the_same_under_cross_and_portfolio() {
		new_test_ext().execute_with(|| {
			open_one_btc();
			let report = ClearingPallet::margin_report(&ALICE).unwrap();
			assert_eq!(report.gross_notional, 60_000 * ONE_USDC);
			// 5% tiered initial; a 5% worst move (the extreme 15% counts at 33%: 4.95%).
			assert_eq!(report.cross.initial_requirement, 3_000 * ONE_USDC);
			assert_eq!(report.isolated.initial_requirement, 3_000 * ONE_USDC);
			assert_eq!(report.portfolio.initial_requirement, 3_000 * ONE_USDC);
			assert_eq!(report.portfolio.maintenance_requirement, 2_400 * ONE_USDC);
			assert_eq!(report.cross.capital_efficiency, Some(FixedU128::from_u32(20)));
			assert_eq!(report.underlyings.len(), 1);
			assert_eq!(report.underlyings[0].oracle_key, BTC_PRICE);
			assert_eq!(report.underlyings[0].delta, FixedI128::from_u32(1));
			assert_eq!(
				report.underlyings[0].worst_move,
				FixedI128::from_inner(-50_000_000_000_000_000)
			);
			assert_eq!(report.equity, 9_970 * ONE_USDC as i128);
		});
	}

	#[test]
	fn a_hedge_across_two_markets_on_one_underlying_locks_nothing_under_portfolio() {
		new_test_ext().execute_with(|| {
			let second: MarketId = 5;
			let mut twin = btc_perp();
			twin.symbol = frame_support::BoundedVec::truncate_from(b"BTC-PERP2".to_vec());
			assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), second, twin));
			deposit(ALICE, USDC, 20_000 * ONE_USDC);
			deposit(BOB, USDC, 20_000 * ONE_USDC);
			assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
			assert_ok!(settle(&BOB, &ALICE, second, -(ONE_BTC as i128), usd(60_000)));

			let report = ClearingPallet::margin_report(&ALICE).unwrap();
			assert_eq!(report.gross_notional, 120_000 * ONE_USDC);
			assert_eq!(report.cross.initial_requirement, 6_000 * ONE_USDC);
			assert_eq!(report.portfolio.initial_requirement, 0);
			assert_eq!(report.portfolio.capital_efficiency, None);
			assert_eq!(report.underlyings[0].delta, FixedI128::from_u32(0));

			// Chain-wide: Alice and Bob both hedged; cross locks 12,000, portfolio nothing.
			let chain = ClearingPallet::capital_efficiency();
			assert_eq!(chain.accounts, 2);
			assert_eq!(chain.gross_notional, 240_000 * ONE_USDC);
			assert_eq!(chain.locked_in_force, 12_000 * ONE_USDC);
			assert_eq!(chain.locked_portfolio, 0);
			assert_eq!(chain.efficiency_in_force, Some(FixedU128::from_u32(20)));
		});
	}

	#[test]
	fn a_simulation_reports_the_book_after_the_trades_and_writes_nothing() {
		new_test_ext().execute_with(|| {
			open_one_btc();
			let trade = |size: i128, price: Option<u128>| crate::SimulatedTrade {
				market: BTC_PERP,
				trade_size: size,
				price: price.map(usd),
			};
			let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
			// Buying a second BTC at the mark: 6,000 of requirement, 30 more of taker fee.
			let doubled =
				ClearingPallet::simulate(&ALICE, &[trade(ONE_BTC as i128, None)]).unwrap();
			assert_eq!(doubled.gross_notional, 120_000 * ONE_USDC);
			assert_eq!(doubled.cross.initial_requirement, 6_000 * ONE_USDC);
			assert_eq!(doubled.equity, 9_940 * ONE_USDC as i128);
			// Selling it all at 61,000: flat, 1,000 of profit less a 30.5 fee.
			let closed =
				ClearingPallet::simulate(&ALICE, &[trade(-(ONE_BTC as i128), Some(61_000))])
					.unwrap();
			assert_eq!(closed.gross_notional, 0);
			assert_eq!(closed.cross.initial_requirement, 0);
			assert_eq!(closed.equity, (10_939_500_000) as i128);
			assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root);
			assert_eq!(
				ClearingPallet::margin_report(&ALICE).unwrap().gross_notional,
				60_000 * ONE_USDC
			);

			assert_eq!(
				ClearingPallet::simulate(&ALICE, &[trade(1, None)]),
				Err(Error::<Test>::InvalidSize.into())
			);
			assert_eq!(
				ClearingPallet::simulate(
					&ALICE,
					&[crate::SimulatedTrade {
						market: 42,
						trade_size: ONE_BTC as i128,
						price: None
					}]
				),
				Err(Error::<Test>::UnknownMarket.into())
			);
			let too_many = vec![trade(10_000, None); crate::MAX_SIMULATED_TRADES as usize + 1];
			assert_eq!(
				ClearingPallet::simulate(&ALICE, &too_many),
				Err(Error::<Test>::TooManySimulatedTrades.into())
			);
		});
	}

	#[test]
	fn correlation_offsets_two_underlyings_within_bounds() {
		new_test_ext().execute_with(|| {
			// An "ETH" market on its own key at 3,000.
			const ETH_PRICE: u32 = 11;
			set_price(ETH_PRICE, 3_000);
			let mut eth = btc_perp();
			eth.symbol = frame_support::BoundedVec::truncate_from(b"ETH-PERP".to_vec());
			eth.oracle_key = ETH_PRICE;
			assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 6, eth));
			deposit(ALICE, USDC, 20_000 * ONE_USDC);
			deposit(BOB, USDC, 20_000 * ONE_USDC);
			assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
			// 20 ETH short: 60,000 of notional too.
			assert_ok!(settle(&BOB, &ALICE, 6, -20 * (ONE_BTC as i128), usd(3_000)));
			// Never set: fully correlated, the sum of 3,000 each.
			let summed = ClearingPallet::margin_report(&ALICE).unwrap().portfolio;
			assert_eq!(summed.initial_requirement, 6_000 * ONE_USDC);
			assert_ok!(ClearingPallet::set_correlation(
				RuntimeOrigin::root(),
				BTC_PRICE,
				ETH_PRICE,
				FixedI128::from_u32(0)
			));
			start_next_block();
			// Uncorrelated: sqrt(2) x 3,000 = 4,242.64...
			let offset = ClearingPallet::margin_report(&ALICE).unwrap().portfolio;
			assert_eq!(offset.initial_requirement, 4_242_640_688);
		});
	}
}

// ------------------------------------------------------------------ options and portfolio margin

mod options_and_portfolio {
	use super::*;
	use crate::{Instrument, MarginMode};
	use risk_engine::options::{black76, Black76, OptionKind};

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
	fn series(kind: OptionKind, strike: u128, expiry_ms: u64) -> crate::MarketParamsOf<Test> {
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
			let expected = black76(&Black76 {
				kind: OptionKind::Call,
				forward: FixedI128::from_u32(60_000),
				strike: FixedI128::from_u32(60_000),
				years: FixedI128::from_rational(30, 365),
				volatility: FixedI128::from_rational(6, 10),
				rate: FixedI128::from_u32(0),
			})
			.unwrap();
			assert_eq!(fixed(report.mark_price.unwrap()), expected.price);
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
				ClearingPallet::settle_trade(&ALICE, &BOB, BTC_CALL, ONE_BTC as i128, premium)
					.unwrap();

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
				SettlementBalances::<Test>::get(BOB),
				(20_000 * ONE_USDC - receipt.taker_fee) as i128
			);
			assert_eq!(
				receipt.taker_fee,
				Perbill::from_parts(500_000).mul_ceil(whole_value(premium))
			);

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
	fn delta_hedged_book() -> i128 {
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
				ClearingPallet::set_margin_mode(
					RuntimeOrigin::signed(ALICE),
					MarginMode::Portfolio
				),
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
				ClearingPallet::set_margin_mode(
					RuntimeOrigin::signed(ALICE),
					MarginMode::Portfolio
				),
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
			assert_ok!(ClearingPallet::withdraw(
				RuntimeOrigin::signed(ALICE),
				USDC,
				8_900 * ONE_USDC
			));
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
			let fund_before = SettlementBalances::<Test>::get(INSURANCE);
			assert_ok!(liquidate(ALICE));

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
				SettlementBalances::<Test>::get(INSURANCE) - fund_before,
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
					.map(|who| SettlementBalances::<Test>::get(who))
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
			assert!(
				ClearingPallet::liquidate_weight(MarginMode::Cross, 16).ref_time()
					< ClearingPallet::liquidate_weight(MarginMode::Portfolio, 16).ref_time()
			);
			assert!(
				ClearingPallet::liquidate_weight(MarginMode::Cross, 1).ref_time()
					< ClearingPallet::liquidate_weight(MarginMode::Cross, 16).ref_time()
			);
		});
	}
}

// ------------------------------------------------------------------ migrations

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

// ------------------------------------------------------------------ adaptive margin

mod adaptive_margin {
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
				moved.variance > FixedI128::from_u32(26)
					&& moved.variance < FixedI128::from_u32(27)
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
					now.effective.initial.deconstruct()
						<= effective.initial.deconstruct() + 10_000_000
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
}

// ------------------------------------------------------------------ hardening (issue 17)

mod hardening;
