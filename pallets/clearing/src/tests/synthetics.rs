//! Synthetic assets: listing, mint and burn, the debt in every margin mode, fees, caps and
//! pause, redemption, liquidation, self-backing, and a random campaign that checks the
//! supply against the debt after every step.

use super::*;
use crate::{MarginMode, SyntheticConfig, SyntheticPeg};
use frame_support::traits::fungibles::Mutate;
use proptest::prelude::*;
use risk_engine::synthetics::SyntheticTerms;
use sp_arithmetic::traits::Zero;

/// The synthetic BTC's token id, and a constant-pegged dollar's.
const SBTC: u32 = 20;
const CUSD: u32 = 21;

/// 20% initial, 10% maintenance, 5% a year, 0.3% to mint, 0.5% to redeem, 10 BTC cap.
fn sbtc_terms() -> SyntheticTerms {
	SyntheticTerms {
		initial_fraction: Perbill::from_percent(20),
		maintenance_fraction: Perbill::from_percent(10),
		stability_fee: Perbill::from_percent(5),
		issuance_fee: Perbill::from_parts(3_000_000),
		redemption_fee: Perbill::from_parts(5_000_000),
		debt_cap: 10 * ONE_BTC,
	}
}

fn sbtc_config() -> SyntheticConfig<u32> {
	SyntheticConfig {
		peg: SyntheticPeg::Oracle(BTC_PRICE),
		decimals: 8,
		terms: sbtc_terms(),
		minting_paused: false,
	}
}

/// Creates `asset` in `Assets` as a synthetic's token must be: the clearing account in
/// every role, a minimum balance of one unit, `decimals` in its metadata; sufficient, so
/// that any account (the pallet's, holding it as collateral) may hold it alone.
fn create_token(asset: u32, decimals: u8) {
	assert_ok!(Assets::force_create(
		RuntimeOrigin::root(),
		asset,
		ClearingPallet::account_id(),
		true,
		1
	));
	assert_ok!(Assets::force_set_metadata(
		RuntimeOrigin::root(),
		asset,
		b"Synthetic".to_vec(),
		b"sX".to_vec(),
		decimals,
		false
	));
}

/// sBTC created and listed.
fn list_sbtc() {
	create_token(SBTC, 8);
	assert_ok!(ClearingPallet::register_synthetic(RuntimeOrigin::root(), SBTC, sbtc_config()));
}

fn mint(who: u64, amount: u128) -> DispatchResult {
	ClearingPallet::mint_synthetic(RuntimeOrigin::signed(who), SBTC, amount)
		.map(|_| ())
		.map_err(|e| e.error)
}

fn burn(who: u64, amount: u128) -> DispatchResult {
	ClearingPallet::burn_synthetic(RuntimeOrigin::signed(who), SBTC, amount)
}

fn redeem(who: u64, amount: u128, issuers: Vec<u64>) -> DispatchResult {
	ClearingPallet::redeem_synthetic(
		RuntimeOrigin::signed(who),
		SBTC,
		amount,
		frame_support::BoundedVec::truncate_from(issuers),
	)
}

/// `from` sends `amount` sBTC to `to`, as `assets.transfer` does.
fn give(from: u64, to: u64, amount: u128) {
	assert_ok!(transfer(from, to, amount));
}

fn transfer(from: u64, to: u64, amount: u128) -> DispatchResult {
	<Assets as Mutate<u64>>::transfer(
		SBTC,
		&from,
		&to,
		amount,
		frame_support::traits::tokens::Preservation::Expendable,
	)
	.map(|_| ())
}

fn tokens(who: u64) -> u128 {
	<Assets as Inspect<u64>>::balance(SBTC, &who)
}

fn debt(who: u64) -> u128 {
	ClearingPallet::synthetic_debt_of(&who, SBTC).amount
}

fn supply() -> u128 {
	<Assets as Inspect<u64>>::total_issuance(SBTC)
}

/// Alice with 10,000 USDC mints 0.1 sBTC at 60,000: 6,000 USD of debt, 18 USDC of fee.
fn alice_mints_a_tenth() {
	list_sbtc();
	deposit(ALICE, USDC, 10_000 * ONE_USDC);
	assert_ok!(mint(ALICE, ONE_BTC / 10));
}

#[test]
fn a_synthetic_is_listed_only_under_a_token_the_pallet_alone_controls() {
	new_test_ext().execute_with(|| {
		// BTC is Alice's token: anyone she names could mint it.
		assert_noop!(
			ClearingPallet::register_synthetic(RuntimeOrigin::root(), BTC, sbtc_config()),
			Error::<Test>::SyntheticTokenNotOwned
		);
		// A token that does not exist.
		assert_noop!(
			ClearingPallet::register_synthetic(RuntimeOrigin::root(), SBTC, sbtc_config()),
			Error::<Test>::SyntheticTokenNotOwned
		);
		// The clearing account owns it but its minimum balance would sweep dust on burns.
		assert_ok!(Assets::force_create(
			RuntimeOrigin::root(),
			SBTC,
			ClearingPallet::account_id(),
			false,
			100
		));
		assert_noop!(
			ClearingPallet::register_synthetic(RuntimeOrigin::root(), SBTC, sbtc_config()),
			Error::<Test>::SyntheticTokenNotOwned
		);
		create_token(CUSD, 6);
		// Decimals other than its metadata's.
		let cusd =
			SyntheticConfig { peg: SyntheticPeg::Constant(usd(1)), decimals: 8, ..sbtc_config() };
		assert_noop!(
			ClearingPallet::register_synthetic(RuntimeOrigin::root(), CUSD, cusd.clone()),
			Error::<Test>::SyntheticIdentityFixed
		);
		// A zero peg; terms out of bounds; not Root.
		let zero =
			SyntheticConfig { peg: SyntheticPeg::Constant(usd(0)), decimals: 6, ..cusd.clone() };
		assert_noop!(
			ClearingPallet::register_synthetic(RuntimeOrigin::root(), CUSD, zero),
			Error::<Test>::InvalidSyntheticPeg
		);
		let mut loose = SyntheticConfig { decimals: 6, ..cusd.clone() };
		loose.terms.maintenance_fraction = Perbill::from_percent(20);
		assert_noop!(
			ClearingPallet::register_synthetic(RuntimeOrigin::root(), CUSD, loose),
			Error::<Test>::InvalidSyntheticTerms
		);
		// A maintenance fraction whose weight the 1% penalty does not stay below.
		let mut thin = SyntheticConfig { decimals: 6, ..cusd.clone() };
		thin.terms.maintenance_fraction = Perbill::from_parts(10_000_000);
		assert_noop!(
			ClearingPallet::register_synthetic(RuntimeOrigin::root(), CUSD, thin),
			Error::<Test>::InvalidSyntheticTerms
		);
		let good = SyntheticConfig { decimals: 6, ..cusd };
		assert_noop!(
			ClearingPallet::register_synthetic(RuntimeOrigin::signed(ALICE), CUSD, good.clone()),
			DispatchError::BadOrigin
		);
		assert_ok!(ClearingPallet::register_synthetic(RuntimeOrigin::root(), CUSD, good.clone()));
		assert!(
			events().contains(&Event::SyntheticRegistered { asset: CUSD, config: good.clone() })
		);
		// Its peg is fixed once listed; its terms may be replaced.
		let moved = SyntheticConfig { peg: SyntheticPeg::Constant(usd(2)), ..good.clone() };
		assert_noop!(
			ClearingPallet::register_synthetic(RuntimeOrigin::root(), CUSD, moved),
			Error::<Test>::SyntheticIdentityFixed
		);
		let mut capped = good;
		capped.terms.debt_cap = 5;
		assert_ok!(ClearingPallet::register_synthetic(RuntimeOrigin::root(), CUSD, capped));
		assert_eq!(Synthetics::<Test>::get(CUSD).unwrap().terms.debt_cap, 5);
	});
}

#[test]
fn minting_adds_a_debt_of_as_many_tokens_and_pays_the_issuance_fee() {
	new_test_ext().execute_with(|| {
		alice_mints_a_tenth();
		assert_eq!(tokens(ALICE), ONE_BTC / 10);
		assert_eq!(debt(ALICE), ONE_BTC / 10);
		assert_eq!(supply(), ONE_BTC / 10);
		assert_eq!(SyntheticStates::<Test>::get(SBTC).total_debt, ONE_BTC / 10);
		// 0.3% of 6,000 USD, to the insurance fund.
		let fee = 18 * ONE_USDC;
		assert_eq!(ClearingPallet::settlement_balance(&ALICE), (10_000 * ONE_USDC - fee) as i128);
		assert_eq!(ClearingPallet::settlement_balance(&INSURANCE), fee as i128);
		assert_eq!(SyntheticStates::<Test>::get(SBTC).fees_paid, fee);
		assert!(events().contains(&Event::SyntheticMinted {
			who: ALICE,
			asset: SBTC,
			amount: ONE_BTC / 10,
			price: usd(60_000),
			fee,
		}));
		// She owes something, so the liquidation walks visit her.
		assert_eq!(Borrowers::<Test>::get(ALICE), Some(1));
	});
}

#[test]
fn the_debt_is_margined_like_a_short_of_its_size_under_cross_margin() {
	new_test_ext().execute_with(|| {
		alice_mints_a_tenth();
		// 9,982 USDC less 6,000 at 1.2 (initial) and 1.1 (maintenance).
		let figures = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert_eq!(figures.equity_initial, (2_782 * ONE_USDC) as i128);
		assert_eq!(figures.equity_maintenance, (3_382 * ONE_USDC) as i128);
		assert_eq!(figures.free_collateral, (2_782 * ONE_USDC) as i128);
		// The report lists the debt with its value and requirements, adding up to equity.
		let report = ClearingPallet::account_report(&ALICE).unwrap();
		assert_eq!(report.synthetics.len(), 1);
		let line = &report.synthetics[0];
		assert_eq!((line.asset, line.debt), (SBTC, ONE_BTC / 10));
		assert_eq!(line.value, Some(6_000 * ONE_USDC));
		assert_eq!(line.initial_requirement, Some(1_200 * ONE_USDC));
		assert_eq!(line.maintenance_requirement, Some(600 * ONE_USDC));
		let rows: i128 = report.collateral.iter().filter_map(|row| row.initial_value).sum::<i128>()
			+ report.synthetics.iter().filter_map(|line| line.initial_value).sum::<i128>();
		assert_eq!(rows, report.equity_initial);
		// More than the margin allows is refused and changes nothing: 2,782 of room at 1.2
		// (and the fee) is a little under 0.0386 BTC.
		assert_noop!(mint(ALICE, 3_900_000), Error::<Test>::BelowInitialMargin);
		assert_ok!(mint(ALICE, 3_800_000));
		// Nor can she withdraw what backs the debt.
		assert_noop!(
			ClearingPallet::withdraw(RuntimeOrigin::signed(ALICE), USDC, 100 * ONE_USDC),
			Error::<Test>::BelowInitialMargin
		);
	});
}

#[test]
fn under_portfolio_margin_the_debt_nets_against_a_long_perpetual() {
	new_test_ext().execute_with(|| {
		list_sbtc();
		// The debt's value always comes off the pool (its tokens are in her wallet): she
		// needs collateral worth more than it in every mode. What the modes differ in is
		// the margin on top.
		deposit(ALICE, USDC, 100_000 * ONE_USDC);
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, ONE_BTC as i128, usd(60_000)));
		assert_ok!(mint(ALICE, ONE_BTC));
		let cross = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert_ok!(ClearingPallet::set_margin_mode(
			RuntimeOrigin::signed(ALICE),
			MarginMode::Portfolio
		));
		let portfolio = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		// Cross margins the perpetual (5%) and the debt (20% on top of its value) apart;
		// the scan sees a flat book: only the basis between mark and oracle remains.
		assert!(cross.free_collateral < portfolio.free_collateral, "{cross:?} {portfolio:?}");
		let report = ClearingPallet::margin_report(&ALICE).unwrap();
		let btc = report.underlyings.iter().find(|u| u.oracle_key == BTC_PRICE).unwrap();
		assert_eq!(btc.delta, FixedI128::zero());
		// Under portfolio margin the debt counts at its value (the scan carries its risk).
		let line = &report.synthetics[0];
		assert_eq!(line.initial_value, Some(-((60_000 * ONE_USDC) as i128)));
	});
}

#[test]
fn a_stale_or_held_price_stops_minting_and_redemption_but_never_burning() {
	new_test_ext().execute_with(|| {
		alice_mints_a_tenth();
		advance(61_000);
		assert_noop!(mint(ALICE, 1_000), Error::<Test>::StalePrice);
		give(ALICE, BOB, 1_000);
		assert_noop!(redeem(BOB, 1_000, vec![ALICE]), Error::<Test>::StalePrice);
		assert_ok!(burn(ALICE, 5_000_000));
		assert_eq!((debt(ALICE), supply()), (5_000_000, 5_000_000));
		// A jump held by the breaker stops minting too.
		set_price(BTC_PRICE, 60_000);
		end_block();
		assert_ok!(mint(ALICE, 1_000));
		advance(3_000);
		set_price(BTC_PRICE, 90_000);
		end_block();
		assert_noop!(mint(ALICE, 1_000), Error::<Test>::StalePrice);
		assert_ok!(burn(ALICE, 1_000));
	});
}

#[test]
fn burning_takes_tokens_off_the_debt_and_never_more_than_it() {
	new_test_ext().execute_with(|| {
		alice_mints_a_tenth();
		assert_noop!(burn(BOB, 1), Error::<Test>::NoSyntheticDebt);
		assert_noop!(burn(ALICE, ONE_BTC / 10 + 1), Error::<Test>::BurnExceedsDebt);
		assert_noop!(burn(ALICE, 0), Error::<Test>::ZeroAmount);
		// Tokens she gave away cannot be burnt from her wallet.
		give(ALICE, BOB, ONE_BTC / 20);
		assert_noop!(burn(ALICE, ONE_BTC / 10), Error::<Test>::InsufficientSyntheticTokens);
		assert_ok!(burn(ALICE, ONE_BTC / 20));
		assert_eq!((tokens(ALICE), debt(ALICE), supply()), (0, ONE_BTC / 20, ONE_BTC / 20));
		assert!(events().contains(&Event::SyntheticBurnt {
			who: ALICE,
			asset: SBTC,
			amount: ONE_BTC / 20
		}));
	});
}

#[test]
fn the_stability_fee_accrues_per_block_and_is_paid_to_the_fund_when_the_debt_changes() {
	new_test_ext().execute_with(|| {
		alice_mints_a_tenth();
		end_block();
		// The first accrual only starts the clock.
		assert_eq!(SyntheticStates::<Test>::get(SBTC).fee_index, FixedU128::zero());
		let fund_before = ClearingPallet::settlement_balance(&INSURANCE);
		// A year at 60,000: 5% is 3,000 USD per BTC, 300 USD on 0.1 BTC.
		advance(31_536_000_000);
		set_price(BTC_PRICE, 60_000);
		end_block();
		assert_eq!(SyntheticStates::<Test>::get(SBTC).fee_index, usd(3_000));
		// Owed before it is paid: margin counts it.
		let before = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert_eq!(before.equity_initial, (2_482 * ONE_USDC) as i128);
		assert_eq!(
			ClearingPallet::account_report(&ALICE).unwrap().synthetics[0].fee_owed,
			300 * ONE_USDC
		);
		assert_ok!(burn(ALICE, 1));
		assert!(events().contains(&Event::SyntheticFeePaid {
			who: ALICE,
			asset: SBTC,
			fee: 300 * ONE_USDC
		}));
		assert_eq!(
			ClearingPallet::settlement_balance(&INSURANCE) - fund_before,
			(300 * ONE_USDC) as i128
		);
		assert_eq!(SyntheticStates::<Test>::get(SBTC).fees_paid, 318 * ONE_USDC);
		assert_eq!(ClearingPallet::synthetic_debt_of(&ALICE, SBTC).fee_index, usd(3_000));
	});
}

#[test]
fn caps_ceiling_and_pause_stop_minting_but_not_burning_or_redemption() {
	new_test_ext().execute_with(|| {
		list_sbtc();
		deposit(ALICE, USDC, 1_000_000 * ONE_USDC);
		// The synthetic's own cap: 10 BTC.
		assert_noop!(mint(ALICE, 10 * ONE_BTC + 1), Error::<Test>::SyntheticDebtCapExceeded);
		// The chain-wide ceiling: 10,000,000 USD by default, 100,000 once governed.
		assert_ok!(ClearingPallet::set_synthetic_debt_ceiling(
			RuntimeOrigin::signed(RISK_COUNCIL),
			100_000 * ONE_USDC
		));
		start_next_block();
		assert_ok!(mint(ALICE, ONE_BTC));
		assert_noop!(mint(ALICE, ONE_BTC), Error::<Test>::SyntheticDebtCeilingExceeded);
		// Paused by the risk origin from the next block.
		assert_noop!(
			ClearingPallet::set_synthetic_minting(RuntimeOrigin::signed(BOB), SBTC, true),
			DispatchError::BadOrigin
		);
		assert_ok!(ClearingPallet::set_synthetic_minting(
			RuntimeOrigin::signed(RISK_COUNCIL),
			SBTC,
			true
		));
		assert_ok!(mint(ALICE, 1_000));
		start_next_block();
		assert_noop!(mint(ALICE, 1_000), Error::<Test>::MintingPaused);
		assert_ok!(burn(ALICE, 1_000));
		give(ALICE, BOB, ONE_BTC / 2);
		assert_ok!(redeem(BOB, ONE_BTC / 2, vec![ALICE]));
		assert_ok!(ClearingPallet::set_synthetic_minting(RuntimeOrigin::root(), SBTC, false));
		start_next_block();
		assert_ok!(mint(ALICE, 1_000));
		// Terms are governed within bounds.
		let mut loose = sbtc_terms();
		loose.stability_fee = Perbill::from_percent(60);
		assert_noop!(
			ClearingPallet::set_synthetic_terms(RuntimeOrigin::root(), SBTC, loose),
			Error::<Test>::InvalidSyntheticTerms
		);
		// A debt weighing 1.02 at maintenance: moved with collateral over 1 - 1% it still
		// gains health; over 1 - 2.5% it would not.
		let tighter = SyntheticTerms {
			initial_fraction: Perbill::from_percent(5),
			maintenance_fraction: Perbill::from_percent(2),
			debt_cap: ONE_BTC,
			..sbtc_terms()
		};
		assert_ok!(ClearingPallet::set_synthetic_terms(RuntimeOrigin::root(), SBTC, tighter));
		start_next_block();
		assert_noop!(mint(ALICE, ONE_BTC), Error::<Test>::SyntheticDebtCapExceeded);
		assert_noop!(
			ClearingPallet::set_liquidation_parameters(
				RuntimeOrigin::root(),
				Perbill::from_parts(25_000_000),
				Perbill::from_percent(10)
			),
			Error::<Test>::InvalidSyntheticTerms
		);
	});
}

#[test]
fn redemption_pays_the_oracle_value_less_the_fee_and_retires_the_least_healthy_first() {
	new_test_ext().execute_with(|| {
		list_sbtc();
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 50_000 * ONE_USDC);
		assert_ok!(mint(ALICE, ONE_BTC / 10));
		assert_ok!(mint(CHARLIE, ONE_BTC / 10));
		// Both hand their tokens to Bob, who has no debt and no clearing account.
		for who in [ALICE, CHARLIE] {
			give(who, BOB, ONE_BTC / 10);
		}
		let alice_before = ClearingPallet::settlement_balance(&ALICE);
		let charlie_before = ClearingPallet::settlement_balance(&CHARLIE);
		// 0.15 BTC at 60,000 is 9,000 USD; 0.5% stays with the issuers.
		assert_ok!(redeem(BOB, 15_000_000, vec![CHARLIE, ALICE]));
		// Alice is the least healthy: all of her 0.1 goes first, then 0.05 of Charlie's.
		assert_eq!((debt(ALICE), debt(CHARLIE)), (0, 5_000_000));
		assert_eq!(ClearingPallet::settlement_balance(&BOB), (8_955 * ONE_USDC) as i128);
		assert_eq!(
			ClearingPallet::settlement_balance(&ALICE) - alice_before,
			-((5_970 * ONE_USDC) as i128)
		);
		assert_eq!(
			ClearingPallet::settlement_balance(&CHARLIE) - charlie_before,
			-((2_985 * ONE_USDC) as i128)
		);
		assert_eq!((tokens(BOB), supply()), (5_000_000, 5_000_000));
		assert!(events().contains(&Event::SyntheticRedeemed {
			redeemer: BOB,
			issuer: ALICE,
			asset: SBTC,
			amount: ONE_BTC / 10,
			price: usd(60_000),
			paid: 5_970 * ONE_USDC,
			fee: 30 * ONE_USDC,
		}));
		// Alice owes nothing now: she left the borrowers.
		assert_eq!(Borrowers::<Test>::get(ALICE), None);
		// The issuers named must owe enough, be distinct and not the redeemer.
		assert_noop!(redeem(BOB, 5_000_001, vec![CHARLIE]), Error::<Test>::RedemptionExceedsDebt);
		assert_noop!(
			redeem(BOB, 1_000, vec![CHARLIE, CHARLIE]),
			Error::<Test>::InvalidRedemptionIssuers
		);
		assert_noop!(redeem(BOB, 1_000, vec![]), Error::<Test>::InvalidRedemptionIssuers);
		assert_noop!(
			redeem(CHARLIE, 1_000, vec![CHARLIE]),
			Error::<Test>::InvalidRedemptionIssuers
		);
		// A holder cannot redeem tokens it does not have.
		assert_noop!(
			redeem(ALICE, 1_000, vec![CHARLIE]),
			Error::<Test>::InsufficientSyntheticTokens
		);
	});
}

/// Raises BTC to `usd` in steps the jump breaker lets through.
fn raise_btc_to(target: u128) {
	let mut price = 60_000u128;
	while price < target {
		price = (price * 115 / 100).min(target);
		advance(3_000);
		set_price(BTC_PRICE, price);
		end_block();
	}
}

#[test]
fn an_issuer_below_maintenance_is_liquidated_into_the_fund_which_becomes_redeemable() {
	new_test_ext().execute_with(|| {
		alice_mints_a_tenth();
		give(ALICE, BOB, ONE_BTC / 10);
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));
		// 9,982 USDC against 0.1 BTC weighing 1.1 at maintenance: below it past 90,745.
		raise_btc_to(95_000);
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		let page = ClearingPallet::liquidatable_accounts(None, 10);
		assert!(page.accounts.iter().any(|a| a.who == ALICE));
		assert_ok!(liquidate(ALICE));
		let moved = events()
			.into_iter()
			.filter_map(|event| match event {
				Event::SyntheticDebtLiquidated {
					amount, collateral_asset, value, penalty, ..
				} => Some((amount, collateral_asset, value, penalty)),
				_ => None,
			})
			.collect::<Vec<_>>();
		assert_eq!(moved.len(), 1, "{moved:?}");
		let (taken, collateral_asset, value, penalty) = moved[0];
		assert_eq!(collateral_asset, USDC);
		assert_eq!(debt(ALICE), ONE_BTC / 10 - taken);
		assert_eq!(debt(INSURANCE), taken);
		// Collateral worth the debt over 1 - 1%, to the unit (the whole tokens taken round
		// the debt's value down and the collateral's up, against her).
		let due = (value * 100).div_ceil(99);
		assert!((due..=due + 1).contains(&(value + penalty)), "{value} {penalty}");
		assert!(ClearingPallet::cross_figures(&ALICE).unwrap().margin.health > 0);
		// Supply is still the debt; the fund's share is retired first by a redemption.
		assert_eq!(supply(), debt(ALICE) + debt(INSURANCE));
		assert_ok!(redeem(BOB, taken, vec![ALICE, INSURANCE]));
		assert_eq!(debt(INSURANCE), 0);
	});
}

#[test]
fn a_bankrupt_issuer_s_whole_debt_goes_to_the_fund_at_market_value() {
	new_test_ext().execute_with(|| {
		alice_mints_a_tenth();
		// BTC doubles and more: her 9,982 USDC no longer covers 0.1 BTC at 130,000.
		raise_btc_to(130_000);
		assert!(ClearingPallet::net_value(&ALICE) < 0);
		assert_ok!(liquidate(ALICE));
		assert_eq!(debt(ALICE), 0);
		assert_eq!(debt(INSURANCE), ONE_BTC / 10);
		assert!(events().iter().any(|event| matches!(
			event,
			Event::SyntheticDebtSeized { who: ALICE, asset: SBTC, amount: 10_000_000, .. }
		)));
		assert_eq!(supply(), ONE_BTC / 10);
	});
}

#[test]
fn a_synthetic_never_backs_its_own_debt_so_the_mint_deposit_loop_ends_at_once() {
	new_test_ext().execute_with(|| {
		list_sbtc();
		// sBTC as collateral at 90% / 95%, on the BTC price.
		let collateral = crate::CollateralConfig {
			oracle_key: Some(BTC_PRICE),
			params: risk_engine::CollateralParams {
				decimals: 8,
				initial_haircut: Perbill::from_percent(90),
				maintenance_haircut: Perbill::from_percent(95),
			},
			deposit_cap: 100 * ONE_BTC,
		};
		assert_ok!(ClearingPallet::register_collateral(RuntimeOrigin::root(), SBTC, collateral));
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		assert_ok!(mint(ALICE, ONE_BTC / 10));
		let free_before = ClearingPallet::cross_figures(&ALICE).unwrap().margin.free_collateral;
		// Depositing the tokens back adds nothing: they only repay her own debt.
		deposit(ALICE, SBTC, ONE_BTC / 10);
		let free_after = ClearingPallet::cross_figures(&ALICE).unwrap().margin.free_collateral;
		assert_eq!(free_before, free_after);
		// So a second round finds the room the first left, no more: 2,782 USD at 1.2.
		assert_noop!(mint(ALICE, 3_900_000), Error::<Test>::BelowInitialMargin);
		// Tokens held beyond her debt (Bob's, deposited by Bob) count for Bob in full.
		deposit(CHARLIE, USDC, 100_000 * ONE_USDC);
		assert_ok!(mint(CHARLIE, ONE_BTC));
		give(CHARLIE, BOB, ONE_BTC);
		deposit(BOB, SBTC, ONE_BTC);
		let bob = ClearingPallet::cross_figures(&BOB).unwrap().margin;
		assert_eq!(bob.equity_initial, (54_000 * ONE_USDC) as i128);
		// And they are supplied to sBTC's money market, where they earn once it lends.
		let line = ClearingPallet::lending_lines(&BOB).into_iter().find(|l| l.asset == SBTC);
		assert_eq!(line.map(|l| l.supplied), Some(ONE_BTC));
	});
}

#[test]
fn beside_isolated_positions_the_debt_is_the_pool_s_never_a_position_s() {
	new_test_ext().execute_with(|| {
		alice_mints_a_tenth();
		deposit(BOB, USDC, 100_000 * ONE_USDC);
		// The pool pays the isolated margin: 2,782 free beside the debt, 782 after.
		assert_ok!(ClearingPallet::add_isolated_margin(
			RuntimeOrigin::signed(ALICE),
			BTC_PERP,
			2_000 * ONE_USDC
		));
		let pool = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert_eq!(pool.free_collateral, (782 * ONE_USDC) as i128);
		assert_noop!(
			ClearingPallet::add_isolated_margin(
				RuntimeOrigin::signed(ALICE),
				BTC_PERP,
				800 * ONE_USDC
			),
			Error::<Test>::BelowInitialMargin
		);
		// The position is margined on its own 2,000 (less the fee), whatever the debt.
		assert_ok!(settle(&BOB, &ALICE, BTC_PERP, (ONE_BTC / 10) as i128, usd(60_000)));
		let params = Markets::<Test>::get(BTC_PERP).unwrap();
		let record = position(ALICE).unwrap();
		let isolated = ClearingPallet::isolated_figures(BTC_PERP, &params, &record, true).unwrap();
		assert_eq!(isolated.equity, (1_997 * ONE_USDC) as i128);
		assert_eq!(isolated.position.initial_requirement, 300 * ONE_USDC);
		// The debt's rise takes the pool below maintenance, not the position.
		raise_btc_to(95_000);
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
		assert!(!ClearingPallet::isolated_liquidatable(&ALICE, BTC_PERP));
	});
}

#[test]
fn the_preview_names_the_issuers_a_tighter_synthetic_margin_would_make_liquidatable() {
	new_test_ext().execute_with(|| {
		alice_mints_a_tenth();
		// 70% at maintenance: 6,000 weighs 10,200 against her 9,982.
		let terms = SyntheticTerms {
			initial_fraction: Perbill::from_percent(80),
			maintenance_fraction: Perbill::from_percent(70),
			..sbtc_terms()
		};
		let change = crate::RiskChange::SyntheticTerms { asset: SBTC, terms };
		let preview = ClearingPallet::preview_risk_change(change).unwrap();
		assert_eq!(preview.newly_below_maintenance, vec![ALICE]);
		assert_eq!(preview.before.accounts_below_maintenance, 0);
		// What the preview said is what happens.
		assert!(!ClearingPallet::cross_liquidatable(&ALICE));
		assert_ok!(ClearingPallet::set_synthetic_terms(RuntimeOrigin::root(), SBTC, terms));
		start_next_block();
		assert!(ClearingPallet::cross_liquidatable(&ALICE));
	});
}

/// One step of the random campaign.
#[derive(Clone, Debug)]
enum Op {
	Mint(u64, u128),
	Burn(u64, u128),
	Transfer(u64, u64, u128),
	Redeem(u64, u128, u64),
	Price(u128),
	EndBlock(u64),
	Liquidate(u64),
}

fn trader() -> impl Strategy<Value = u64> {
	prop_oneof![Just(ALICE), Just(BOB), Just(CHARLIE)]
}

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		(trader(), 1u128..20_000_000).prop_map(|(who, amount)| Op::Mint(who, amount)),
		(trader(), 1u128..20_000_000).prop_map(|(who, amount)| Op::Burn(who, amount)),
		(trader(), trader(), 1u128..20_000_000).prop_map(|(a, b, n)| Op::Transfer(a, b, n)),
		(trader(), 1u128..20_000_000, trader()).prop_map(|(a, n, b)| Op::Redeem(a, n, b)),
		(50_000u128..70_000).prop_map(Op::Price),
		(1u64..3_600_000).prop_map(Op::EndBlock),
		trader().prop_map(Op::Liquidate),
	]
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

	/// Whatever sequence of mints, burns, transfers, redemptions, price moves, blocks and
	/// liquidations: after every step the supply is the debt, unit for unit (and every
	/// other invariant holds), a failed call changes nothing, and no USDC token enters or
	/// leaves the pallet.
	#[test]
	fn supply_equals_debt_after_every_step(ops in prop::collection::vec(op(), 1..30)) {
		new_test_ext().execute_with(|| {
			list_sbtc();
			for who in [ALICE, BOB, CHARLIE] {
				deposit(who, USDC, 20_000 * ONE_USDC);
			}
			let usdc_held = usdc_tokens(ClearingPallet::account_id());
			for op in ops {
				let before = sp_io::storage::root(sp_runtime::StateVersion::V1);
				let result = match op.clone() {
					Op::Mint(who, n) => mint(who, n),
					Op::Burn(who, n) => burn(who, n),
					Op::Transfer(from, to, n) => transfer(from, to, n),
					Op::Redeem(who, n, issuer) => redeem(who, n, vec![issuer]),
					Op::Price(p) => {
						set_price(BTC_PRICE, p);
						Ok(())
					},
					Op::EndBlock(ms) => {
						advance(ms);
						set_price(BTC_PRICE, ClearingPallet::oracle_price(&BTC_PRICE).map_or(60_000, |(p, _)| p.into_inner() / 1_000_000_000_000_000_000));
						end_block();
						Ok(())
					},
					Op::Liquidate(who) => liquidate(who),
				};
				if result.is_err() && !matches!(op, Op::Transfer(..)) {
					prop_assert_eq!(
						before,
						sp_io::storage::root(sp_runtime::StateVersion::V1),
						"{:?} failed with {:?} and changed storage", op, result
					);
				}
				let debts: u128 = [ALICE, BOB, CHARLIE, INSURANCE].iter().map(|who| debt(*who)).sum();
				prop_assert_eq!(supply(), debts);
				prop_assert_eq!(SyntheticStates::<Test>::get(SBTC).total_debt, debts);
				prop_assert_eq!(usdc_tokens(ClearingPallet::account_id()), usdc_held);
				ClearingPallet::do_try_state().map_err(|e| TestCaseError::fail(format!("{e:?} after {op:?}")))?;
			}
			Ok(())
		})?;
	}
}

/// cUSD: a dollar, pegged to a constant; 10% initial and 5% maintenance margin.
fn list_cusd() {
	create_token(CUSD, 6);
	let config = SyntheticConfig {
		peg: SyntheticPeg::Constant(usd(1)),
		decimals: 6,
		terms: SyntheticTerms {
			initial_fraction: Perbill::from_percent(10),
			maintenance_fraction: Perbill::from_percent(5),
			issuance_fee: Perbill::zero(),
			debt_cap: 1_000_000 * ONE_USDC,
			..sbtc_terms()
		},
		minting_paused: false,
	};
	assert_ok!(ClearingPallet::register_synthetic(RuntimeOrigin::root(), CUSD, config));
}

#[test]
fn a_constant_pegged_synthetic_never_goes_stale_and_keeps_its_weight_in_every_mode() {
	new_test_ext().execute_with(|| {
		list_cusd();
		deposit(ALICE, USDC, 20_000 * ONE_USDC);
		// No oracle at all: the peg is the price.
		advance(3_600_000);
		assert_ok!(ClearingPallet::mint_synthetic(
			RuntimeOrigin::signed(ALICE),
			CUSD,
			5_000 * ONE_USDC
		));
		// 20,000 less 5,000 at 1.1 (initial) and 1.05 (maintenance).
		let cross = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert_eq!(cross.equity_initial, (14_500 * ONE_USDC) as i128);
		assert_eq!(cross.equity_maintenance, (14_750 * ONE_USDC) as i128);
		// Under portfolio margin no scenario moves it: it keeps its weight, and the scan
		// has no leg for it.
		assert_ok!(ClearingPallet::set_margin_mode(
			RuntimeOrigin::signed(ALICE),
			MarginMode::Portfolio
		));
		let portfolio = ClearingPallet::cross_figures(&ALICE).unwrap().margin;
		assert_eq!(portfolio.equity_initial, cross.equity_initial);
		assert_eq!(portfolio.initial_requirement, 0);
		let report = ClearingPallet::margin_report(&ALICE).unwrap();
		assert!(report.underlyings.is_empty());
		assert_eq!(report.synthetics[0].initial_value, Some(-((5_500 * ONE_USDC) as i128)));
		// Redeemed at a dollar less 0.5%, whatever the oracles say.
		assert_ok!(<Assets as Mutate<u64>>::transfer(
			CUSD,
			&ALICE,
			&BOB,
			1_000 * ONE_USDC,
			frame_support::traits::tokens::Preservation::Expendable
		));
		assert_ok!(ClearingPallet::redeem_synthetic(
			RuntimeOrigin::signed(BOB),
			CUSD,
			1_000 * ONE_USDC,
			frame_support::BoundedVec::truncate_from(vec![ALICE])
		));
		assert_eq!(ClearingPallet::settlement_balance(&BOB), (995 * ONE_USDC) as i128);
		assert_eq!(ClearingPallet::synthetic_debt_of(&ALICE, CUSD).amount, 4_000 * ONE_USDC);
	});
}

#[test]
fn the_synthetics_report_gives_supply_debt_and_the_issuers_together() {
	new_test_ext().execute_with(|| {
		list_sbtc();
		deposit(ALICE, USDC, 10_000 * ONE_USDC);
		deposit(CHARLIE, USDC, 50_000 * ONE_USDC);
		assert_ok!(mint(ALICE, ONE_BTC / 10));
		assert_ok!(mint(CHARLIE, ONE_BTC / 10));
		let report = ClearingPallet::synthetics_report();
		assert_eq!(report.len(), 1);
		let sbtc = &report[0];
		assert_eq!((sbtc.asset, sbtc.supply, sbtc.total_debt), (SBTC, ONE_BTC / 5, ONE_BTC / 5));
		assert_eq!(sbtc.debt_cap, 10 * ONE_BTC);
		assert_eq!(sbtc.price, Some((usd(60_000), true)));
		assert_eq!(sbtc.debt_value, Some(12_000 * ONE_USDC));
		assert_eq!(sbtc.issuers, 2);
		assert_eq!(sbtc.fees_paid, 36 * ONE_USDC);
		// Worth before their debts: 9,982 + 49,982 (the fees paid); over 12,000 of debt.
		assert_eq!(sbtc.collateralisation, Some(FixedU128::from_rational(59_964, 12_000)));
		// Alice, with less behind her debt, is the first a redemption would retire.
		let order: Vec<u64> = sbtc.least_healthy.iter().map(|(who, _)| *who).collect();
		assert_eq!(order, vec![ALICE, CHARLIE]);
	});
}
