//! Partial liquidation sizing: the boundary, minimality, penalties and the full-close case.

use risk_engine::{options::OptionKind, *};
use sp_arithmetic::{traits::Zero, FixedI128, FixedU128, Perbill};

const USDC: i128 = 1_000_000;
const BTC: i128 = 100_000_000;
const LOT: u128 = 10_000;
const BTC_SCALE: UnitScale = UnitScale::new(8, 6);

fn usd(dollars: u128) -> Price {
	FixedU128::from_inner(dollars * 1_000_000_000_000_000_000)
}

/// 5% / 3% below 1M USDC of notional, 10% / 6% above.
fn tiers() -> Vec<MarginTier> {
	vec![
		MarginTier {
			notional_floor: 0,
			initial_fraction: Perbill::from_percent(5),
			maintenance_fraction: Perbill::from_percent(3),
		},
		MarginTier {
			notional_floor: 1_000_000 * USDC as u128,
			initial_fraction: Perbill::from_percent(10),
			maintenance_fraction: Perbill::from_percent(6),
		},
	]
}

fn exposure(tiers: &[MarginTier], size: i128, mark: u128) -> PerpExposure<'_> {
	PerpExposure {
		position: Position { size, cost: 0, funding_index: FixedI128::zero() },
		mark: usd(mark),
		funding_index: FixedI128::zero(),
		scale: BTC_SCALE,
		tiers,
		open_orders: Default::default(),
		option: None,
	}
}

fn context(health: i128, requirement: u128) -> LiquidationContext {
	LiquidationContext {
		health,
		maintenance_requirement: requirement,
		penalty: Perbill::from_percent(1),
		buffer: Perbill::from_percent(10),
	}
}

#[test]
fn closes_the_fewest_lots_that_restore_health_with_the_buffer() {
	let tiers = tiers();
	// Long 1 BTC at 50,000: maintenance 1,500. Health -100 USDC.
	let position = exposure(&tiers, BTC, 50_000);
	let ctx = context(-100 * USDC, 1_500 * USDC as u128);
	let size = partial_liquidation_size(&ctx, &position, LOT).unwrap().unwrap();
	// Closing q BTC frees 3% x 50,000 q = 1,500 q and costs 1% x 50,000 q = 500 q:
	// health(q) = -100 + 1,000 q; target 10% x 1,500 (1 - q) = 150 - 150 q.
	// -100 + 1,000 q >= 150 - 150 q  <=>  q >= 250 / 1,150 = 0.21739 BTC -> 2,174 lots.
	assert_eq!(size.units, 2_174 * LOT);
	assert!(size.restores);
	assert_eq!(size.penalty, 108_700_000); // 1% of 0.2174 x 50,000 = 108.7
										// The rule by hand: one lot less does not reach the target.
	let check = |units: u128| {
		let remaining = BTC as u128 - units;
		let requirement_after = Perbill::from_percent(3).mul_ceil(remaining * 50_000 / 100);
		let released = 1_500 * USDC as u128 - requirement_after;
		let penalty = Perbill::from_percent(1).mul_ceil(units * 50_000 / 100);
		let health = -100 * USDC + released as i128 - penalty as i128;
		health >= Perbill::from_percent(10).mul_ceil(requirement_after) as i128
	};
	assert!(check(2_174 * LOT));
	assert!(!check(2_173 * LOT));
}

#[test]
fn a_healthy_account_closes_one_lot_at_most_and_a_flat_one_nothing() {
	let tiers = tiers();
	let position = exposure(&tiers, -BTC, 50_000);
	// Already above the buffer: the smallest search result is one lot (callers only
	// liquidate unhealthy accounts; the function still answers minimally).
	let healthy = context(1_000 * USDC, 1_500 * USDC as u128);
	assert_eq!(partial_liquidation_size(&healthy, &position, LOT).unwrap().unwrap().units, LOT);
	assert_eq!(
		partial_liquidation_size(&healthy, &exposure(&tiers, 0, 50_000), LOT).unwrap(),
		None
	);
}

#[test]
fn an_account_too_deep_for_this_position_closes_all_of_it() {
	let tiers = tiers();
	// Short 1 BTC, health -2,000: closing all frees 1,500 and costs 500: -1,000 after.
	let position = exposure(&tiers, -BTC, 50_000);
	let ctx = context(-2_000 * USDC, 1_500 * USDC as u128);
	let size = partial_liquidation_size(&ctx, &position, LOT).unwrap().unwrap();
	assert_eq!(size.units, BTC as u128);
	assert!(!size.restores);
	assert_eq!(size.health_after, -1_000 * USDC);
}

#[test]
fn other_positions_keep_their_requirement() {
	let tiers = tiers();
	// The account's maintenance is 3,000: 1,500 of this position, 1,500 of another.
	let position = exposure(&tiers, BTC, 50_000);
	let ctx = context(-100 * USDC, 3_000 * USDC as u128);
	let size = partial_liquidation_size(&ctx, &position, LOT).unwrap().unwrap();
	// -100 + 1,000 q >= 10% x (3,000 - 1,500 q) = 300 - 150 q  <=>  q >= 0.3478.. -> 3,479 lots.
	assert_eq!(size.units, 3_479 * LOT);
	assert!(size.restores);
}

#[test]
fn an_odd_remainder_goes_with_the_last_lot() {
	let tiers = tiers();
	// 1.5 lots long and deep underwater: the full close is 15,000 units.
	let position = exposure(&tiers, 15_000, 50_000);
	let ctx = context(-1_000 * USDC, 1);
	let size = partial_liquidation_size(&ctx, &position, LOT).unwrap().unwrap();
	assert_eq!(size.units, 15_000);
	assert!(!size.restores);
}

/// A call on 1 BTC struck at `strike`, with the index at `underlying` and a premium of
/// `premium`, 5% / 3% in the first tier.
fn option_exposure(
	tiers: &[MarginTier],
	kind: OptionKind,
	size: i128,
	premium: u128,
	strike: u128,
	underlying: u128,
) -> PerpExposure<'_> {
	PerpExposure {
		option: Some(OptionTerms { kind, strike: usd(strike), underlying: usd(underlying) }),
		..exposure(tiers, size, premium)
	}
}

#[test]
fn options_margin_by_the_standard_rule() {
	let tiers = tiers();
	let requirement =
		|e: &PerpExposure, level| size_requirement(e, e.position.size, level).unwrap();
	// A long pays its premium up front and needs nothing to stay open.
	let long = option_exposure(&tiers, OptionKind::Call, 2 * BTC, 3_000, 60_000, 60_000);
	assert_eq!(requirement(&long, MarginLevel::Initial), (6_000 * USDC) as u128);
	assert_eq!(requirement(&long, MarginLevel::Maintenance), 0);
	// An at-the-money short: premium plus 5% (initial) or 3% (maintenance) of the index.
	let short = option_exposure(&tiers, OptionKind::Call, -2 * BTC, 3_000, 60_000, 60_000);
	assert_eq!(requirement(&short, MarginLevel::Initial), (6_000 + 6_000) as u128 * USDC as u128);
	assert_eq!(
		requirement(&short, MarginLevel::Maintenance),
		(6_000 + 3_600) as u128 * USDC as u128
	);
	// 1,200 out of the money: 5% x 60,000 - 1,200 = 1,800 per BTC, above 3% (1,800): equal.
	let otm = option_exposure(&tiers, OptionKind::Call, -BTC, 500, 61_200, 60_000);
	assert_eq!(requirement(&otm, MarginLevel::Initial), (500 + 1_800) * USDC as u128);
	// Far out of the money the maintenance fraction is the floor.
	let far = option_exposure(&tiers, OptionKind::Put, -BTC, 40, 40_000, 60_000);
	assert_eq!(requirement(&far, MarginLevel::Initial), (40 + 1_800) * USDC as u128);
	assert_eq!(requirement(&far, MarginLevel::Maintenance), (40 + 1_800) * USDC as u128);
	// A put in the money gets no out-of-the-money relief.
	let itm = option_exposure(&tiers, OptionKind::Put, -BTC, 5_000, 65_000, 60_000);
	assert_eq!(requirement(&itm, MarginLevel::Initial), (5_000 + 3_000) * USDC as u128);
	// The tiers' higher bands never apply to options, and no single mark liquidates one.
	let isolated = IsolatedPosition { margin: 0, exposure: short };
	assert_eq!(isolated_liquidation_price(&isolated), Ok(None));
}

#[test]
fn an_option_order_that_turns_a_long_short_needs_the_short_requirement() {
	let tiers = tiers();
	let mut long = option_exposure(&tiers, OptionKind::Call, BTC, 3_000, 60_000, 60_000);
	// An ask for 3 BTC at the mark turns 1 long into 2 short.
	long.open_orders = OpenOrders {
		ask_size: 3 * BTC as u128,
		ask_value: 9_000 * USDC as u128,
		..Default::default()
	};
	let short_two = size_requirement(&long, -2 * BTC, MarginLevel::Initial).unwrap();
	let long_one = size_requirement(&long, BTC, MarginLevel::Initial).unwrap();
	assert_eq!(open_order_margin(&long, &long.open_orders), Ok(short_two - long_one));
}

#[test]
fn portfolio_liquidation_closes_the_share_that_restores_the_buffer() {
	// H = -1,000, MR = 10,000, buffer 10%, penalty 1% of a 100,000 book:
	// f = (1,000 + 1,000) / (11,000 - 1,000) = 1/5.
	let context = context(-1_000, 10_000);
	let context = LiquidationContext { buffer: Perbill::from_percent(10), ..context };
	let (numerator, denominator) = portfolio_close_share(&context, 100_000).unwrap();
	assert_eq!((numerator, denominator), (2_000, 10_000));
	// Health after closing that share: H + f MR - penalty f V = buffer (1 - f) MR.
	let f = |x: i128| x * numerator as i128 / denominator as i128;
	assert_eq!(-1_000 + f(10_000) - f(1_000), 800);
	assert_eq!(800, 10 * (10_000 - f(10_000)) / 100);
	// A healthy account closes nothing; a penalty that outweighs the freed requirement
	// closes everything.
	let healthy = LiquidationContext { health: 1_000, ..context };
	assert_eq!(portfolio_close_share(&healthy, 100_000), Ok((0, 1)));
	assert_eq!(portfolio_close_share(&context, 1_000_000), Ok((1, 1)));
}
