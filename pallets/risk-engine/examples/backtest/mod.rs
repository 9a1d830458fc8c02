//! The shock backtest and the survivable gap: each book at exactly maintenance, walked along
//! seeded one-minute price paths with liquidation after every step, and the largest single
//! move it survives.

use super::*;

/// The backtest's settings.
pub(super) const PATHS: u32 = 10;
/// One-minute oracle updates over four hours: each minute is a chance to liquidate.
pub(super) const STEPS: u32 = 240;
/// BTC and ETH returns' correlation in the paths and in the scan.
pub(super) const CORRELATION_PERCENT: u32 = 80;

/// What the backtest saw for one portfolio.
#[derive(Default)]
pub(super) struct Backtest {
	pub(super) liquidations: u32,
	pub(super) closed_out: u32,
	pub(super) negative_equity: u32,
	/// The lowest equity seen as a share of the maintenance requirement, before liquidation.
	pub(super) lowest_cover: Option<FixedI128>,
	/// The largest one-step loss as a share of the maintenance requirement in force.
	pub(super) largest_step_loss: FixedI128,
	pub(super) vol_spikes: u32,
}

/// The standard deviation of one step's return: 30% a day, over 1,440 one-minute steps.
pub(super) fn step_volatility() -> FixedI128 {
	FixedI128::saturating_from_rational(30, 100)
		* risk_engine::fixed_math::sqrt(FixedI128::saturating_from_rational(1, 1_440))
			.expect("positive")
}

/// Runs `PATHS` seeded paths for `book` margined on `grid`, starting with equity at exactly
/// its portfolio maintenance requirement (the weakest account that still meets it).
pub(super) fn backtest(grid: &ScenarioGrid, book: &[Holding], seed: u64) -> Backtest {
	let portfolio = |market: &Market, book: &[Holding], correlation| {
		portfolio_on(grid, market, book, correlation)
	};
	let correlation = FixedI128::saturating_from_rational(CORRELATION_PERCENT, 100);
	let complement = risk_engine::fixed_math::sqrt(FixedI128::one() - correlation * correlation)
		.expect("positive");
	let step_volatility = step_volatility();
	let mut result = Backtest::default();
	for path in 0..PATHS {
		let mut random = Random(seed.wrapping_mul(1_000).wrapping_add(u64::from(path)));
		let start = Market::start();
		let mut market = start;
		let mut holdings = book.to_vec();
		let usd = |units: u128| FixedI128::saturating_from_rational(units, USD as u128);
		let mut equity = usd(portfolio(&market, &holdings, correlation).maintenance_requirement);
		let mut value = book_value(&market, &holdings);
		for _ in 0..STEPS {
			let requirement_before =
				usd(portfolio(&market, &holdings, correlation).maintenance_requirement);
			let (z_btc, z_other) = (random.normal(), random.normal());
			let z_eth = correlation * z_btc + complement * z_other;
			market.btc = market.btc * (FixedI128::one() + step_volatility * z_btc);
			market.eth = market.eth * (FixedI128::one() + step_volatility * z_eth);
			market.minutes += 1;
			// Volatility spikes: one minute in 120, implied volatility jumps by half; it
			// decays back 2% of the gap a minute.
			let decay = FixedI128::saturating_from_rational(98, 100);
			market.btc_volatility =
				start.btc_volatility + (market.btc_volatility - start.btc_volatility) * decay;
			market.eth_volatility =
				start.eth_volatility + (market.eth_volatility - start.eth_volatility) * decay;
			if random.next() % 120 == 0 {
				let spike = FixedI128::saturating_from_rational(3, 2);
				market.btc_volatility = market.btc_volatility * spike;
				market.eth_volatility = market.eth_volatility * spike;
				result.vol_spikes += 1;
			}
			let value_now = book_value(&market, &holdings);
			let change = value_now - value;
			value = value_now;
			equity = equity + change;
			if requirement_before > FixedI128::zero() && change < FixedI128::zero() {
				let loss_share = (-change) / requirement_before;
				result.largest_step_loss = result.largest_step_loss.max(loss_share);
			}
			if equity < FixedI128::zero() {
				result.negative_equity += 1;
				break;
			}
			let scan = portfolio(&market, &holdings, correlation);
			let requirement = usd(scan.maintenance_requirement);
			if equity >= requirement {
				continue;
			}
			let cover = equity / requirement;
			result.lowest_cover = Some(result.lowest_cover.map_or(cover, |c| c.min(cover)));
			// Liquidate pro rata, as the pallet does, at this minute's marks.
			let units = |usd: FixedI128| (usd.into_inner() / 1_000_000_000_000).max(0);
			let book_units: i128 = holdings
				.iter()
				.map(|h| units(whole(h.size.abs()) * mark(&market, h).max(FixedI128::zero())))
				.sum();
			let context = LiquidationContext {
				health: units(equity) - scan.maintenance_requirement as i128,
				maintenance_requirement: scan.maintenance_requirement,
				penalty: PENALTY,
				buffer: BUFFER,
			};
			let (numerator, denominator) =
				portfolio_close_share(&context, book_units as u128).expect("in range");
			let (numerator, denominator) = (numerator as i128, denominator as i128);
			let share = FixedI128::saturating_from_rational(numerator, denominator);
			equity = equity - share * usd(PENALTY.mul_ceil(book_units as u128));
			for holding in holdings.iter_mut() {
				holding.size = holding.size * (denominator - numerator) / denominator;
			}
			value = book_value(&market, &holdings);
			result.liquidations += 1;
			if numerator == denominator {
				result.closed_out += 1;
				break;
			}
		}
	}
	result
}

/// The largest instantaneous move of every underlying together (in 0.5% steps, up to 50%)
/// that an account starting at its portfolio maintenance requirement on `grid` survives with
/// equity of at least zero, at unchanged and at 50% higher implied volatility.
pub(super) fn survivable_gap(
	grid: &ScenarioGrid,
	book: &[Holding],
	volatility_spike: bool,
) -> FixedI128 {
	let correlation = FixedI128::saturating_from_rational(CORRELATION_PERCENT, 100);
	let start = Market::start();
	let equity = FixedI128::saturating_from_rational(
		portfolio_on(grid, &start, book, correlation).maintenance_requirement,
		USD as u128,
	);
	let value = book_value(&start, book);
	let mut survived = FixedI128::zero();
	for half_percent in 1..=100i128 {
		let moved = FixedI128::saturating_from_rational(half_percent, 200);
		let survives = [moved, -moved].iter().all(|m| {
			let mut shocked = start;
			shocked.btc = start.btc * (FixedI128::one() + *m);
			shocked.eth = start.eth * (FixedI128::one() + *m);
			if volatility_spike {
				let spike = FixedI128::saturating_from_rational(3, 2);
				shocked.btc_volatility = start.btc_volatility * spike;
				shocked.eth_volatility = start.eth_volatility * spike;
			}
			equity + book_value(&shocked, book) - value >= FixedI128::zero()
		});
		if !survives {
			break;
		}
		survived = moved;
	}
	survived
}

pub(super) fn percent(value: FixedI128) -> String {
	decimal(value * FixedI128::from_u32(100), 1) + "%"
}
