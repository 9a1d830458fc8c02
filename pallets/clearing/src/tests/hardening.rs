//! The defects of issue 17, each pinned by a test named after it: every one fails on the code
//! before the fix and passes after it.

use super::*;
use frame_support::traits::Hooks;

/// Ends the block: funding accrues, the jump breaker remembers, the next block starts.
fn end_block() {
	let block = System::block_number();
	<ClearingPallet as Hooks<u64>>::on_finalize(block);
	System::set_block_number(block + 1);
	<ClearingPallet as Hooks<u64>>::on_initialize(block + 1);
}

/// Lists `count` more copies of BTC-PERP, as markets 1, 2, ….
fn list_more_markets(count: u32) {
	for market in 1..=count {
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), market, btc_perp()));
	}
}

// ------------------------------------------------------------------ defect 3

#[test]
fn defect_3_a_fill_far_from_the_index_is_refused_fresh_or_stale() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		// 10% either side of the 60,000 index is the band: 66,000 prints, 66,000.1 does not.
		assert_noop!(
			settle(
				&BOB,
				&ALICE,
				BTC_PERP,
				10_000,
				FixedU128::from_inner(66_000_100_000_000_000_000_000)
			),
			Error::<Test>::PriceOutsideBand
		);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -10_000, usd(66_000)));
		// The colluding pair of the report: the price goes stale, Alice sells her long back
		// to Bob at 1,000,000 USD/BTC, and Bob is left with the debt. Refused: the band is
		// around the last index in force, stale or not (the price is the maker's, so a venue
		// cancels that maker's order).
		end_block();
		advance(60_001);
		let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
		assert_eq!(
			ClearingPallet::settle_trade(&BOB, &ALICE, BTC_PERP, -10_000, usd(1_000_000)),
			Err(SettleError::Maker(Error::<Test>::PriceOutsideBand.into()))
		);
		assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), before);
	});
}

#[test]
fn defect_3_a_reducing_fill_at_a_stale_price_still_needs_maintenance() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 3_500 * ONE_USDC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		end_block();
		advance(60_001);
		// Stale. Selling 0.9 BTC back at 54,000 (inside the band) would realize a 5,400 USDC
		// loss on 3,500 of collateral and leave Alice's last 0.1 BTC on a debt: below
		// maintenance at the last price in force, so refused, although it only reduces.
		assert_noop!(
			settle(&BOB, &ALICE, BTC_PERP, -90_000_000, usd(54_000)),
			Error::<Test>::TakerMarginInsufficient
		);
		// At the index in force it reduces without a fresh price, as before.
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -90_000_000, usd(60_000)));
	});
}

// ------------------------------------------------------------------ defect 4

#[test]
fn defect_4_the_insurance_fund_takes_positions_in_more_markets_than_a_trader_may() {
	new_test_ext().execute_with(|| {
		// A trader holds at most 4 markets (the mock's MaxPositionsPerAccount); list 6.
		use frame_support::traits::fungibles::Mutate;
		const DAVE: u64 = 4;
		list_more_markets(5);
		assert_ok!(<Assets as Mutate<u64>>::mint_into(USDC, &DAVE, 1_000_000 * ONE_USDC));
		deposit(ALICE, USDC, 3_500 * ONE_USDC);
		deposit(BOB, USDC, 1_000_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 3_500 * ONE_USDC);
		deposit(DAVE, USDC, 1_000_000 * ONE_USDC);
		// Alice is long in markets 0..4 (from Bob) and Charlie in 4 and 5 (from Dave).
		for market in 0..4u32 {
			assert_ok!(settle(&BOB, &ALICE, market, ONE_BTC as i128 / 4, usd(60_000)));
		}
		for market in 4..6u32 {
			assert_ok!(settle(&DAVE, &CHARLIE, market, ONE_BTC as i128 / 2, usd(60_000)));
		}
		// A crash takes both below maintenance; each liquidation hands positions to the fund,
		// which ends up holding six markets, two more than any trader may.
		set_price(BTC_PRICE, 51_500);
		assert_ok!(liquidate(ALICE));
		assert_ok!(liquidate(CHARLIE));
		let fund_markets = Positions::<Test>::get(INSURANCE).len();
		assert_eq!(fund_markets, 6, "the fund holds a position in every market");
		// A trader is still held to the limit.
		assert_noop!(settle(&BOB, &ALICE, 4, 10_000, usd(51_500)), Error::<Test>::TooManyPositions);
	});
}

#[test]
fn defect_4_collateral_listings_are_capped_so_the_fund_can_hold_every_asset() {
	use frame_support::traits::fungibles::Create;
	new_test_ext().execute_with(|| {
		// BTC and three more fit the mock's 4; a fifth listing is refused, so no account (the
		// fund seizing collateral included) can ever need a fifth slot.
		for asset in 10..13u32 {
			assert_ok!(<Assets as Create<u64>>::create(asset, ALICE, true, 1));
			let mut config = btc_config();
			config.oracle_key = Some(asset + 100);
			assert_ok!(ClearingPallet::register_collateral(RuntimeOrigin::root(), asset, config));
		}
		let mut fifth = btc_config();
		fifth.oracle_key = Some(113);
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), 13, fifth),
			Error::<Test>::TooManyCollateralListings
		);
		// Re-listing a listed asset is not a new listing.
		let mut lower_cap = btc_config();
		lower_cap.deposit_cap = ONE_BTC;
		assert_ok!(ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, lower_cap));
	});
}

// ------------------------------------------------------------------ defect 5

#[test]
fn defect_5_a_makers_stale_price_elsewhere_is_the_makers_failure() {
	new_test_ext().execute_with(|| {
		let mut eth = btc_perp();
		eth.symbol = frame_support::BoundedVec::truncate_from(b"ETH-PERP".to_vec());
		eth.oracle_key = 11;
		assert_ok!(ClearingPallet::register_market(RuntimeOrigin::root(), 1, eth));
		set_price(11, 3_000);
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 100_000 * ONE_USDC);
		// Bob holds ETH (taken over from the fund, say); then the ETH feed lags while BTC
		// keeps being fed.
		let eth_params = Markets::<Test>::get(1).unwrap();
		let mut state = MarketStates::<Test>::get(1);
		let scale = ClearingPallet::market_scale(&eth_params);
		assert_ok!(ClearingPallet::trade_with_fund(
			&BOB,
			1,
			&mut state,
			&scale,
			ONE_BTC as i128,
			usd(3_000)
		));
		MarketStates::<Test>::insert(1, state);
		advance(60_001);
		set_price(BTC_PRICE, 60_000);
		// Bob, as the maker of a BTC fill that adds to his risk, cannot be checked: that is
		// his failure alone, so the venue cancels his order and the taker trades on.
		assert_eq!(
			ClearingPallet::settle_trade(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Err(SettleError::Maker(Error::<Test>::StalePrice.into()))
		);
		assert_ok!(settle(&CHARLIE, &ALICE, BTC_PERP, 10_000, usd(60_000)));
	});
}

#[test]
fn at_a_stale_market_price_a_risk_adding_taker_fails_and_a_risk_adding_maker_is_cancelled() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		deposit(CHARLIE, USDC, 10_000 * ONE_USDC);
		advance(60_001);
		// The taker (Alice, buying more) would add risk: her order fails.
		assert_eq!(
			ClearingPallet::settle_trade(&BOB, &ALICE, BTC_PERP, 10_000, usd(60_000)),
			Err(SettleError::Trade(Error::<Test>::StalePrice.into()))
		);
		// Alice reduces, and the maker (Charlie, opening) would add risk: his order cannot
		// fill while the price is stale, so it is his failure and the taker goes on.
		assert_eq!(
			ClearingPallet::settle_trade(&CHARLIE, &ALICE, BTC_PERP, -10_000, usd(60_000)),
			Err(SettleError::Maker(Error::<Test>::StalePrice.into()))
		);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -10_000, usd(60_000)));
	});
}

// ------------------------------------------------------------------ defect 6

#[test]
fn defect_6_the_risk_track_cannot_list_or_relist() {
	new_test_ext().execute_with(|| {
		let risk_track = RuntimeOrigin::signed(RISK_COUNCIL);
		// The risk origin sets bounded parameters...
		assert_ok!(ClearingPallet::set_market_fees(
			risk_track.clone(),
			BTC_PERP,
			Perbill::zero(),
			Perbill::zero()
		));
		// ...but neither lists nor replaces a listing, which applies at once.
		let mut wide = btc_perp();
		wide.mark_price_band = Perbill::from_percent(10);
		assert_noop!(
			ClearingPallet::register_market(risk_track.clone(), BTC_PERP, wide),
			DispatchError::BadOrigin
		);
		let mut revalued = btc_config();
		revalued.params.decimals = 6;
		assert_noop!(
			ClearingPallet::register_collateral(risk_track, BTC, revalued),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn defect_6_a_listing_keeps_what_open_positions_and_deposits_are_measured_in() {
	new_test_ext().execute_with(|| {
		// BTC deposits revalued 100x by a change of decimals, or priced by another key.
		let mut decimals = btc_config();
		decimals.params.decimals = 6;
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, decimals),
			Error::<Test>::CollateralIdentityFixed
		);
		let mut key = btc_config();
		key.oracle_key = Some(11);
		assert_noop!(
			ClearingPallet::register_collateral(RuntimeOrigin::root(), BTC, key),
			Error::<Test>::CollateralIdentityFixed
		);
		// Tick and lot under resting orders and open positions.
		let mut tick = btc_perp();
		tick.tick_size = FixedU128::from_rational(1, 2);
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), BTC_PERP, tick),
			Error::<Test>::MarketIdentityFixed
		);
		let mut lot = btc_perp();
		lot.lot_size = 20_000;
		lot.min_size = 20_000;
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), BTC_PERP, lot),
			Error::<Test>::MarketIdentityFixed
		);
		// The mark band is bounded like every other parameter, and so is the price band.
		let mut mark_band = btc_perp();
		mark_band.mark_price_band = Perbill::from_percent(100);
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), BTC_PERP, mark_band),
			Error::<Test>::InvalidPriceBand
		);
		for band in [Perbill::zero(), Perbill::from_percent(51)] {
			let mut price_band = btc_perp();
			price_band.price_band = band;
			assert_noop!(
				ClearingPallet::register_market(RuntimeOrigin::root(), BTC_PERP, price_band),
				Error::<Test>::InvalidPriceBand
			);
			assert_noop!(
				ClearingPallet::set_market_price_band(RuntimeOrigin::root(), BTC_PERP, band),
				Error::<Test>::InvalidPriceBand
			);
		}
		// The price band is a risk parameter like the others: from the next block.
		assert_ok!(ClearingPallet::set_market_price_band(
			RuntimeOrigin::signed(RISK_COUNCIL),
			BTC_PERP,
			Perbill::from_percent(2)
		));
		start_next_block();
		assert_eq!(Markets::<Test>::get(BTC_PERP).unwrap().price_band, Perbill::from_percent(2));
	});
}

// ------------------------------------------------------------------ defect 8 (bounds)

#[test]
fn defect_8_bounded_setters_cannot_freeze_the_chain() {
	new_test_ext().execute_with(|| {
		// A 1 ms maximum age makes every price stale; a 1 ppb breaker holds every update.
		assert_noop!(
			ClearingPallet::set_max_price_age(RuntimeOrigin::root(), 1),
			Error::<Test>::InvalidMaxPriceAge
		);
		assert_noop!(
			ClearingPallet::set_jump_breaker(RuntimeOrigin::root(), Perbill::from_parts(1)),
			Error::<Test>::InvalidJumpBreaker
		);
		let mut market_age = btc_perp();
		market_age.max_price_age_ms = Some(1);
		assert_noop!(
			ClearingPallet::register_market(RuntimeOrigin::root(), BTC_PERP, market_age),
			Error::<Test>::InvalidMaxPriceAge
		);
		assert_ok!(ClearingPallet::set_max_price_age(
			RuntimeOrigin::root(),
			crate::MIN_PRICE_AGE_LIMIT_MS
		));
		assert_ok!(ClearingPallet::set_jump_breaker(
			RuntimeOrigin::root(),
			crate::MIN_JUMP_BREAKER_BOUND
		));
	});
}

// ------------------------------------------------------------------ defect 9

#[test]
fn defect_9_a_price_beyond_the_domain_never_comes_into_force() {
	new_test_ext().execute_with(|| {
		// With the breaker off, as in the report.
		assert_ok!(ClearingPallet::set_jump_breaker(RuntimeOrigin::root(), Perbill::zero()));
		start_next_block();
		open_one_btc();
		end_block();
		// 2e20 USD/BTC: beyond what the funding arithmetic can take as a signed number.
		set_price_at(
			BTC_PRICE,
			FixedU128::from_inner(200_000_000_000_000_000_000u128 * 1_000_000_000_000_000_000),
			now(),
		);
		assert_eq!(ClearingPallet::oracle_price(&BTC_PRICE), Some((usd(60_000), true)));
		// Bob's short is not liquidated on it, and nothing overflows.
		assert_noop!(liquidate(BOB), Error::<Test>::NotLiquidatable);
		assert_eq!(validate(Call::liquidate { who: BOB }), stale());
		// At the domain's edge itself the arithmetic is total: Bob is liquidated.
		set_price_at(BTC_PRICE, risk_engine::MAX_PRICE, now());
		assert!(validate(Call::liquidate { who: BOB }).is_ok());
		assert_ok!(liquidate(BOB));
	});
}

mod domain_edges {
	use super::*;
	use proptest::prelude::*;

	proptest! {
		#![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

		/// Any position the open-interest cap allows, at any price in the domain (its edges
		/// included): liquidation either happens or is refused with a typed reason, never an
		/// overflow, and validation agrees with dispatch.
		#[test]
		fn liquidation_is_total_over_the_price_domain(
			lots in 1u128..=100_000,
			margin_usd in 1u128..=1_000_000,
			edge in 0usize..4,
			inner in 1u128..=1_000_000_000_000_000_000_000_000_000_000,
		) {
			new_test_ext().execute_with(|| {
				assert_ok!(ClearingPallet::set_jump_breaker(RuntimeOrigin::root(), Perbill::zero()));
				start_next_block();
				deposit(ALICE, USDC, margin_usd.min(900_000) * ONE_USDC);
				deposit(BOB, USDC, 900_000 * ONE_USDC);
				let size = (lots * 10_000) as i128;
				let _ = settle(&BOB, &ALICE, BTC_PERP, size, usd(60_000));
				let price = match edge {
					0 => risk_engine::MAX_PRICE,
					1 => FixedU128::from_inner(1),
					2 => FixedU128::from_inner(risk_engine::MAX_PRICE.into_inner() - 1),
					_ => FixedU128::from_inner(inner),
				};
				set_price_at(BTC_PRICE, price, now());
				for who in [ALICE, BOB] {
					let valid = validate(Call::liquidate { who }).is_ok();
					let result = liquidate(who);
					prop_assert_ne!(result, Err(Error::<Test>::Overflow.into()));
					prop_assert_eq!(valid, result.is_ok(), "validation and dispatch disagree");
				}
				Ok(())
			})?;
		}
	}
}

// ------------------------------------------------------------------ defect 10

#[test]
fn defect_10_funding_is_charged_at_the_premium_that_held() {
	new_test_ext().execute_with(|| {
		open_one_btc();
		end_block();
		let params = Markets::<Test>::get(BTC_PERP).unwrap();
		// Three quiet seconds at mark = index: nothing accrues.
		advance(3_000);
		set_price(BTC_PRICE, 60_000);
		end_block();
		assert_eq!(MarketStates::<Test>::get(BTC_PERP).funding_index, FixedI128::from_inner(0));
		// The index drops 5% three seconds later. The last trade (60,000) pulls the mark to
		// the top of its 1% band, 57,570: a premium of 1%, capped at 0.75%.
		advance(3_000);
		set_price(BTC_PRICE, 57_000);
		end_block();
		// The block of the drop was charged at the premium before it: still nothing.
		assert_eq!(MarketStates::<Test>::get(BTC_PERP).funding_index, FixedI128::from_inner(0));
		// Three seconds later the account is touched: three seconds at the capped premium,
		// not the six (or nine) since the last touch.
		advance(3_000);
		set_price(BTC_PRICE, 57_000);
		let state = ClearingPallet::accrue_funding(BTC_PERP, &params).unwrap();
		let per_interval = 57_000u128 * 7_500_000 / 1_000_000_000; // 427.5 USD per BTC
		let expected =
			per_interval * 1_000_000_000_000_000_000 / 1_200 + 500_000_000_000_000_000 / 1_200;
		let charged = state.funding_index.into_inner() as u128;
		assert!(expected.abs_diff(charged) <= 1_000, "charged {charged}, expected {expected}");
	});
}

#[test]
fn defect_10_a_liquidation_is_sized_after_the_funding_it_owes() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 4_000 * ONE_USDC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		end_block();
		// The index falls 4%: the 60,000 trade holds the mark 1% above it, so Alice (long)
		// pays the capped premium for an hour before anyone touches her.
		advance(3_000);
		set_price(BTC_PRICE, 57_600);
		end_block();
		advance(3_600_000);
		set_price(BTC_PRICE, 57_600);
		assert_ok!(liquidate(ALICE));
		// After the liquidation, funding included, she meets maintenance plus the buffer.
		let report = ClearingPallet::account_report(&ALICE).unwrap();
		let buffer = LiquidationBuffer::<Test>::get().mul_floor(report.maintenance_requirement);
		assert!(
			report.health >= buffer as i128,
			"health {} below the buffer {}",
			report.health,
			buffer
		);
	});
}

// ------------------------------------------------------------------ defect 1

/// `who` takes `size` (its side) from the insurance fund at `dollars` in `market`, as a
/// liquidation's backstop would have left it.
fn against_the_fund(who: u64, market: u32, size: i128, dollars: u128) {
	let params = Markets::<Test>::get(market).unwrap();
	let mut state = MarketStates::<Test>::get(market);
	let scale = ClearingPallet::market_scale(&params);
	assert_ok!(ClearingPallet::trade_with_fund(
		&who,
		market,
		&mut state,
		&scale,
		size,
		usd(dollars)
	));
	MarketStates::<Test>::insert(market, state);
}

/// The fund pays `amount` USDC of someone's bad debt beyond its balance (to Alice, so that
/// nothing is created).
fn fund_pays_bad_debt(amount: u128) {
	let signed = (amount * ONE_USDC) as i128;
	assert_ok!(ClearingPallet::add_to_settlement_balance(&INSURANCE, -signed));
	assert_ok!(ClearingPallet::add_to_settlement_balance(&ALICE, signed));
}

fn deleveraged() -> Vec<(u64, i128, Price)> {
	events()
		.iter()
		.filter_map(|e| match e {
			Event::AutoDeleveraged { who, reduced_size, price, .. } => {
				Some((*who, *reduced_size, *price))
			},
			_ => None,
		})
		.collect()
}

#[test]
fn defect_1_the_chain_picks_the_most_profitable_and_caps_each_loss_at_its_profit() {
	new_test_ext().execute_with(|| {
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 100_000 * ONE_USDC);
		// The fund is long 2 BTC: from Charlie's short at 51,000 and Bob's at 60,000.
		against_the_fund(CHARLIE, BTC_PERP, -(ONE_BTC as i128), 51_000);
		against_the_fund(BOB, BTC_PERP, -(ONE_BTC as i128), 60_000);
		set_price(BTC_PRICE, 50_000);
		// At the 50,000 mark the fund has lost 11,000: spread over 2 BTC, 5,500 a BTC.
		assert_eq!(ClearingPallet::insurance_deficit(), 11_000 * ONE_USDC);
		assert_ok!(ClearingPallet::auto_deleverage(RuntimeOrigin::none(), BTC_PERP));
		// Bob (entry 60,000, the most profit per unit) first, at the bankruptcy price;
		// Charlie has won only 1,000: he closes at his entry, losing exactly that.
		assert_eq!(
			deleveraged(),
			vec![(BOB, ONE_BTC as i128, usd(55_500)), (CHARLIE, ONE_BTC as i128, usd(51_000)),]
		);
		// What the cap left unrecovered stays a deficit, borne by nobody's principal.
		assert_eq!(ClearingPallet::insurance_deficit(), 4_500 * ONE_USDC);
	});
}

#[test]
fn defect_1_a_short_fund_never_prices_a_close_at_zero() {
	new_test_ext().execute_with(|| {
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		against_the_fund(BOB, BTC_PERP, ONE_BTC as i128, 60_000);
		set_price(BTC_PRICE, 70_000);
		// A deficit far beyond the fund's position: the old price, mark - D / S, was zero,
		// and the failing call was valid, included and charged every block.
		fund_pays_bad_debt(200_000);
		assert!(validate(Call::auto_deleverage { market: BTC_PERP }).is_ok());
		assert_ok!(ClearingPallet::auto_deleverage(RuntimeOrigin::none(), BTC_PERP));
		// Bob (long from 60,000) sells at his entry: he gives up his 10,000 of profit.
		assert_eq!(deleveraged(), vec![(BOB, -(ONE_BTC as i128), usd(60_000))]);
		// Nothing left opposite the fund: the call is now refused before it is included.
		assert_eq!(validate(Call::auto_deleverage { market: BTC_PERP }), stale());
	});
}

#[test]
fn defect_1_the_deficit_is_split_across_the_funds_markets_by_value() {
	new_test_ext().execute_with(|| {
		list_more_markets(1);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 500_000 * ONE_USDC);
		// The fund is long 1 BTC in market 0 and 3 BTC in market 1, both from 60,000.
		against_the_fund(BOB, BTC_PERP, -(ONE_BTC as i128), 60_000);
		against_the_fund(CHARLIE, 1, -3 * ONE_BTC as i128, 60_000);
		set_price(BTC_PRICE, 50_000);
		assert_eq!(ClearingPallet::insurance_deficit(), 40_000 * ONE_USDC);
		// Market 0 holds a quarter of the fund's value: it carries 10,000, not 40,000.
		assert_ok!(ClearingPallet::auto_deleverage(RuntimeOrigin::none(), BTC_PERP));
		assert_eq!(deleveraged(), vec![(BOB, ONE_BTC as i128, usd(60_000))]);
		assert_eq!(ClearingPallet::insurance_deficit(), 30_000 * ONE_USDC);
		assert_ok!(ClearingPallet::auto_deleverage(RuntimeOrigin::none(), 1));
		assert_eq!(ClearingPallet::insurance_deficit(), 0);
	});
}

#[test]
fn defect_1_the_queue_follows_entry_prices_through_trades() {
	new_test_ext().execute_with(|| {
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		let queue = || -> Vec<(bool, u64)> {
			DeleverageQueue::<Test>::iter_keys().map(|(_, long, _, who)| (long, who)).collect()
		};
		let mut both = queue();
		both.sort();
		assert_eq!(both, vec![(false, BOB), (true, ALICE)]);
		// Closing takes the positions out; the fund never enters.
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, -(ONE_BTC as i128), usd(60_000)));
		assert!(queue().is_empty());
		against_the_fund(ALICE, BTC_PERP, ONE_BTC as i128, 60_000);
		assert_eq!(queue(), vec![(true, ALICE)]);
	});
}

#[test]
fn defect_1_equity_caps_close_fewer_units_and_an_account_without_equity_is_passed_over() {
	new_test_ext().execute_with(|| {
		list_more_markets(1);
		deposit(BOB, USDC, 2_000 * ONE_USDC);
		// Bob: short 1 BTC in market 0 and long 1 BTC in market 1, both from 60,000, on
		// 2,000 USDC. Charlie: short 1 BTC in market 0 from 61,000 (first in the queue) and
		// long 2 BTC in market 1, on nothing.
		against_the_fund(BOB, BTC_PERP, -(ONE_BTC as i128), 60_000);
		against_the_fund(BOB, 1, ONE_BTC as i128, 60_000);
		against_the_fund(CHARLIE, BTC_PERP, -(ONE_BTC as i128), 61_000);
		against_the_fund(CHARLIE, 1, 2 * ONE_BTC as i128, 60_000);
		set_price(BTC_PRICE, 50_000);
		// The fund: -21,000 in market 0, +30,000 in market 1, and 12,000 of bad debt paid.
		fund_pays_bad_debt(12_000);
		assert_eq!(ClearingPallet::insurance_deficit(), 3_000 * ONE_USDC);
		// Market 0 carries 2/5 of it (100,000 of the fund's 250,000 of value): 1,200 over the
		// fund's 2 BTC there, 600 a BTC. Charlie (11,000 up here, 20,000 down in market 1)
		// has no equity: passed over. Bob has 2,000 of equity: his 1 BTC at 600 over the
		// mark costs 600, within it; he closes it all at 50,600.
		assert_ok!(ClearingPallet::auto_deleverage(RuntimeOrigin::none(), BTC_PERP));
		assert_eq!(deleveraged(), vec![(BOB, ONE_BTC as i128, usd(50_600))]);
	});
}

#[test]
fn defect_1_when_equity_binds_fewer_units_close_at_the_bankruptcy_price() {
	new_test_ext().execute_with(|| {
		list_more_markets(1);
		deposit(BOB, USDC, 2_000 * ONE_USDC);
		// Bob: short 1 BTC in market 0, long 1 BTC in market 1, both from 60,000, on 2,000.
		against_the_fund(BOB, BTC_PERP, -(ONE_BTC as i128), 60_000);
		against_the_fund(BOB, 1, ONE_BTC as i128, 60_000);
		set_price(BTC_PRICE, 50_000);
		fund_pays_bad_debt(6_000);
		assert_eq!(ClearingPallet::insurance_deficit(), 6_000 * ONE_USDC);
		// Half of it in market 0: 3,000 over 1 BTC. Bob's 10,000 of profit there would pay
		// it, his 2,000 of equity cannot: two thirds of the BTC close (in whole lots) at the
		// bankruptcy price, 53,000, rather than all of it for 2,000.
		assert_ok!(ClearingPallet::auto_deleverage(RuntimeOrigin::none(), BTC_PERP));
		assert_eq!(deleveraged(), vec![(BOB, 66_660_000, usd(53_000))]);
		let report = ClearingPallet::account_report(&BOB).unwrap();
		assert!(report.equity_maintenance >= 0, "equity {}", report.equity_maintenance);
	});
}
