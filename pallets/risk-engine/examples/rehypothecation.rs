//! Writes `docs/rehypothecation.md`: a seeded month of a USDC money market inside the
//! collateral pool (traders whose margin collateral is supplied, borrowers who borrow it
//! against BTC), with a bank-run day, computed by the functions `pallet-clearing` runs
//! (`risk_engine::money_market`: the rate curve, accrual, credits and debits, the
//! utilisation cap).
//!
//! ```text
//! cargo run -q --release -p risk-engine --example rehypothecation > docs/rehypothecation.md
//! ```
//!
//! `tests/rehypothecation_doc.rs` checks that the committed document is what this prints.
//! Fixed-point throughout and a seeded generator: the same numbers on every machine.

use risk_engine::money_market::{
	accrue, borrow_rate, borrow_value, check_utilisation, credit, debit, supply_rate, supply_value,
	utilisation, BalanceChange, Indices, RateSegment,
};
use sp_arithmetic::{traits::Zero, FixedI128, FixedPointNumber, FixedU128, PerThing, Perbill};
use std::fmt::Write;

mod common;
use common::{dollars, Random, USD};

/// Interest accrues once a minute here (the chain: once a block, at its end).
const MINUTE_MS: u64 = 60_000;
/// Traders and borrowers act once an hour.
const MINUTES_PER_HOUR: u64 = 60;
const DAYS: u64 = 30;
/// The day the run starts, at its first hour.
const BANK_RUN_DAY: u64 = 20;
const START_MS: u64 = 1_700_000_000_000;
const TRADERS: usize = 60;
const BORROWERS: usize = 15;
/// BTC's haircuts (the dev preset): 90% initial, 95% maintenance.
const BTC_INITIAL: Perbill = Perbill::from_percent(90);
const BTC_MAINTENANCE: Perbill = Perbill::from_percent(95);
/// A USDC debt's liability weight (the dev preset), per mille.
const USDC_WEIGHT_PER_MILLE: u128 = 1_050;
/// The liquidation penalty.
const PENALTY: Perbill = Perbill::from_percent(1);

/// The dev preset's USDC market: 5% a year at the 80% kink, 65% at full use; a tenth of
/// interest to the reserve; at most 90% lent.
struct Market {
	base: FixedU128,
	segments: Vec<RateSegment>,
	reserve_factor: Perbill,
	cap: Perbill,
}

fn usdc_market() -> Market {
	Market {
		base: FixedU128::zero(),
		segments: vec![
			RateSegment { from: Perbill::zero(), slope: FixedU128::from_rational(625, 10_000) },
			RateSegment { from: Perbill::from_percent(80), slope: FixedU128::from_u32(3) },
		],
		reserve_factor: Perbill::from_percent(10),
		cap: Perbill::from_percent(90),
	}
}

/// The pool: indices, scaled totals, every balance, the tokens it holds.
struct Pool {
	market: Market,
	indices: Indices,
	scaled_supply: u128,
	scaled_borrow: u128,
	/// Scaled balances: traders, then borrowers, then the insurance fund's supply (its
	/// reserve) and the borrows it took over.
	balances: Vec<i128>,
	cash: u128,
	interest: u128,
	supplier_interest: u128,
	reserve: u128,
}

const FUND: usize = TRADERS + BORROWERS;
const FUND_DEBT: usize = FUND + 1;

impl Pool {
	fn supplied(&self) -> u128 {
		supply_value(self.scaled_supply, &self.indices).unwrap()
	}
	fn borrowed(&self) -> u128 {
		borrow_value(self.scaled_borrow, &self.indices).unwrap()
	}
	fn utilisation(&self) -> Perbill {
		utilisation(self.borrowed(), self.supplied())
	}
	fn supply_rate(&self) -> FixedU128 {
		supply_rate(self.indices.borrow_rate, self.utilisation(), self.market.reserve_factor)
			.unwrap()
	}
	fn value_of(&self, who: usize) -> i128 {
		risk_engine::money_market::nominal(self.balances[who], &self.indices).unwrap()
	}
	fn apply(&mut self, who: usize, change: BalanceChange) {
		self.balances[who] = change.balance;
		self.scaled_supply = (self.scaled_supply as i128 + change.supply_delta) as u128;
		self.scaled_borrow = (self.scaled_borrow as i128 + change.borrow_delta) as u128;
	}
	fn deposit(&mut self, who: usize, amount: u128) {
		let change = credit(self.balances[who], amount, &self.indices).unwrap();
		self.apply(who, change);
		self.cash += amount;
	}
	/// What may leave now without taking utilisation above the cap: the chain's check.
	fn withdrawable(&self) -> u128 {
		let borrowed = self.borrowed();
		let floor = if borrowed == 0 {
			0
		} else {
			// The least supply the cap allows: borrowed / cap, rounded up.
			(borrowed * 1_000_000_000).div_ceil(self.market.cap.deconstruct() as u128)
		};
		// Two units short: the debit's scaled units round up, the cap's share down.
		self.supplied().saturating_sub(floor + 2).min(self.cash)
	}
	/// Withdraws up to `amount` of `who`'s supply, as much as the cap allows.
	fn withdraw(&mut self, who: usize, amount: u128) -> u128 {
		let held = self.value_of(who).max(0) as u128;
		let amount = amount.min(held).min(self.withdrawable());
		if amount == 0 {
			return 0;
		}
		let change = debit(self.balances[who], amount, &self.indices, false).unwrap();
		self.apply(who, change);
		check_utilisation(self.borrowed(), self.supplied(), self.market.cap)
			.expect("a withdrawal within what may leave keeps the cap");
		self.cash -= amount;
		amount
	}
	/// Borrows up to `amount` for `who`, as much as the cap allows.
	fn borrow(&mut self, who: usize, amount: u128) -> u128 {
		let supplied = self.supplied();
		let room = self.market.cap.mul_floor(supplied).saturating_sub(self.borrowed() + 1);
		let amount = amount.min(room).min(self.cash);
		if amount == 0 {
			return 0;
		}
		let change = debit(self.balances[who], amount, &self.indices, true).unwrap();
		self.apply(who, change);
		check_utilisation(self.borrowed(), self.supplied(), self.market.cap)
			.expect("a borrow within the room keeps the cap");
		self.cash -= amount;
		amount
	}
	/// The end of a minute: interest accrues, the reserve goes to the fund, the next rate.
	fn accrue(&mut self, now: u64) {
		let accrual = accrue(
			&self.indices,
			self.scaled_supply,
			self.scaled_borrow,
			now,
			self.market.reserve_factor,
		)
		.unwrap();
		assert_eq!(accrual.interest, accrual.supplier_interest + accrual.reserve);
		self.indices = accrual.indices;
		self.balances[FUND] += accrual.reserve_scaled as i128;
		self.scaled_supply += accrual.reserve_scaled;
		self.interest += accrual.interest;
		self.supplier_interest += accrual.supplier_interest;
		self.reserve += accrual.reserve;
		self.indices.borrow_rate =
			borrow_rate(self.market.base, &self.market.segments, self.utilisation()).unwrap();
	}
	/// Moves `who`'s whole borrow to the fund, scaled units for scaled units: a borrow
	/// liquidation needs no token.
	fn move_to_fund(&mut self, who: usize) {
		self.balances[FUND_DEBT] += self.balances[who];
		self.balances[who] = 0;
	}
}

struct Borrower {
	btc: FixedI128,
	/// The borrow rate above which it repays, below which it borrows more.
	tolerance: FixedU128,
	liquidated: bool,
}

/// One day's figures.
struct Day {
	supplied: u128,
	borrowed: u128,
	utilisation: Perbill,
	borrow_rate: FixedU128,
	supply_rate: FixedU128,
	interest: u128,
}

/// The bank-run day, hour by hour.
struct RunHour {
	hour: u64,
	utilisation: Perbill,
	borrow_rate: FixedU128,
	withdrawn: u128,
	waiting: u128,
	repaid: u128,
}

struct Outcome {
	days: Vec<Day>,
	run: Vec<RunHour>,
	/// At the run's first block: supply, borrowed, what the cap let leave, what was asked.
	run_start: (u128, u128, u128, u128),
	withdrawn_first_block: u128,
	liquidations: Vec<(u64, u128, u128)>,
	/// Minute-weighted average supply of the traders' collateral (tokens).
	average_supply: u128,
	/// What the traders' collateral earned over the month (tokens).
	traders_earned: i128,
	deposits_total: u128,
	withdrawals_total: u128,
	refused_withdrawals: u32,
	pool: Pool,
	cash_covers_claims: bool,
}

fn usdc(units: u128) -> u128 {
	units * USD as u128
}

fn simulate() -> Outcome {
	let mut random = Random(0x5EED_2026_0021);
	let mut pool = Pool {
		market: usdc_market(),
		indices: Indices::new(),
		scaled_supply: 0,
		scaled_borrow: 0,
		balances: vec![0; FUND_DEBT + 1],
		cash: 0,
		interest: 0,
		supplier_interest: 0,
		reserve: 0,
	};
	let range = |random: &mut Random, low: u128, high: u128| -> u128 {
		low + random.uniform().saturating_mul_int(1_000_000i128) as u128 * (high - low) / 1_000_000
	};
	let mut deposits_total = 0u128;
	let mut withdrawals_total = 0u128;
	for trader in 0..TRADERS {
		let amount = usdc(range(&mut random, 10_000, 200_000));
		pool.deposit(trader, amount);
		deposits_total += amount;
	}
	let mut borrowers: Vec<Borrower> = (0..BORROWERS)
		.map(|_| Borrower {
			btc: FixedI128::saturating_from_rational(
				range(&mut random, 2_000, 20_000) as i128,
				1_000,
			),
			tolerance: FixedU128::from_rational(range(&mut random, 30, 150), 1_000),
			liquidated: false,
		})
		.collect();
	let mut price = FixedI128::from_u32(60_000);
	let btc_value = |btc: FixedI128, price: FixedI128| -> u128 {
		(btc * price).saturating_mul_int(USD) as u128
	};
	let owed = |pool: &Pool, who: usize| -> u128 { pool.value_of(who).min(0).unsigned_abs() };
	let weighed = |debt: u128| debt * USDC_WEIGHT_PER_MILLE / 1_000;

	let mut days = Vec::new();
	let mut run = Vec::new();
	let mut run_start = (0, 0, 0, 0);
	let mut withdrawn_first_block = 0;
	let mut run_withdrawn = 0u128;
	let mut running: Vec<usize> = Vec::new();
	let mut liquidations = Vec::new();
	let mut refused_withdrawals = 0u32;
	let mut supply_minutes = 0u128;
	let mut traders_deposited_less_withdrawn: i128 = deposits_total as i128;
	let mut now = START_MS;
	pool.accrue(now);
	for hour in 0..DAYS * 24 {
		let day = hour / 24;
		// The price: a random walk, 0.5% an hour (about 47% a year); the run's day opens with a 15% fall.
		if hour == BANK_RUN_DAY * 24 {
			price = price * FixedI128::saturating_from_rational(75, 100);
		} else {
			price = price
				* (FixedI128::from_u32(1)
					+ FixedI128::saturating_from_rational(5, 1_000) * random.normal());
		}
		// The run: half the traders ask for everything in the same block, then every hour.
		if hour == BANK_RUN_DAY * 24 {
			running = (0..TRADERS).filter(|t| t % 2 == 0).collect();
			let asked: u128 = running.iter().map(|t| pool.value_of(*t).max(0) as u128).sum();
			run_start = (pool.supplied(), pool.borrowed(), pool.withdrawable(), asked);
			for trader in &running {
				withdrawn_first_block += pool.withdraw(*trader, u128::MAX);
			}
			run_withdrawn = withdrawn_first_block;
			withdrawals_total += withdrawn_first_block;
			traders_deposited_less_withdrawn -= withdrawn_first_block as i128;
		} else if !running.is_empty() {
			for trader in &running {
				let out = pool.withdraw(*trader, u128::MAX);
				run_withdrawn += out;
				withdrawals_total += out;
				traders_deposited_less_withdrawn -= out as i128;
			}
		}
		// Borrowers below maintenance, after the block's withdrawals: the fund takes the
		// debt and BTC worth it over 1 - penalty, moved inside the pool, no token needed.
		for (index, borrower) in borrowers.iter_mut().enumerate() {
			let who = TRADERS + index;
			let debt = owed(&pool, who);
			if borrower.liquidated || debt == 0 {
				continue;
			}
			if BTC_MAINTENANCE.mul_floor(btc_value(borrower.btc, price)) < weighed(debt) {
				pool.move_to_fund(who);
				let taken = PENALTY.left_from_one().saturating_reciprocal_mul_ceil(debt);
				let btc_taken = FixedI128::saturating_from_rational(taken as i128, USD) / price;
				borrower.btc = (borrower.btc - btc_taken).max(FixedI128::zero());
				borrower.liquidated = true;
				liquidations.push((hour, debt, pool.withdrawable()));
			}
		}
		let mut repaid_this_hour = 0;
		// Borrowers follow the rate: more below their tolerance, repay above it.
		for (index, borrower) in borrowers.iter().enumerate() {
			if borrower.liquidated {
				continue;
			}
			let who = TRADERS + index;
			let debt = owed(&pool, who);
			let limit = BTC_INITIAL.mul_floor(btc_value(borrower.btc, price)) * 1_000
				/ USDC_WEIGHT_PER_MILLE;
			if pool.indices.borrow_rate > borrower.tolerance && debt > 0 {
				let repay = debt / 20 + 1;
				let change = credit(pool.balances[who], repay.min(debt), &pool.indices).unwrap();
				pool.apply(who, change);
				pool.cash += repay.min(debt);
				repaid_this_hour += repay.min(debt);
			} else if debt < limit * 80 / 100 {
				pool.borrow(who, limit / 50);
			}
		}
		// The other traders come and go a little.
		for trader in 0..TRADERS {
			if running.contains(&trader) {
				continue;
			}
			let roll = random.uniform();
			if roll < FixedI128::saturating_from_rational(2, 100) {
				let amount = usdc(range(&mut random, 1_000, 20_000));
				pool.deposit(trader, amount);
				deposits_total += amount;
				traders_deposited_less_withdrawn += amount as i128;
			} else if roll < FixedI128::saturating_from_rational(3, 100) {
				let held = pool.value_of(trader).max(0) as u128;
				let asked = held * range(&mut random, 5, 25) / 100;
				let out = pool.withdraw(trader, asked);
				if out < asked {
					refused_withdrawals += 1;
				}
				withdrawals_total += out;
				traders_deposited_less_withdrawn -= out as i128;
			}
		}
		if day == BANK_RUN_DAY {
			let waiting = running.iter().map(|t| pool.value_of(*t).max(0) as u128).sum();
			let withdrawn = run_withdrawn;
			run.push(RunHour {
				hour: hour % 24,
				utilisation: pool.utilisation(),
				borrow_rate: pool.indices.borrow_rate,
				withdrawn,
				waiting,
				repaid: repaid_this_hour,
			});
		}
		if running.iter().all(|t| pool.value_of(*t) <= 0) {
			running.clear();
		}
		for _ in 0..MINUTES_PER_HOUR {
			now += MINUTE_MS;
			pool.accrue(now);
			let traders: u128 = (0..TRADERS).map(|t| pool.value_of(t).max(0) as u128).sum();
			supply_minutes += traders;
		}
		if hour % 24 == 23 {
			days.push(Day {
				supplied: pool.supplied(),
				borrowed: pool.borrowed(),
				utilisation: pool.utilisation(),
				borrow_rate: pool.indices.borrow_rate,
				supply_rate: pool.supply_rate(),
				interest: pool.interest,
			});
		}
	}
	let traders_now: i128 = (0..TRADERS).map(|t| pool.value_of(t)).sum();
	let claims: i128 = (0..=FUND_DEBT).map(|who| pool.value_of(who)).sum();
	Outcome {
		days,
		run,
		run_start,
		withdrawn_first_block,
		liquidations,
		average_supply: supply_minutes / (DAYS as u128 * 24 * MINUTES_PER_HOUR as u128),
		traders_earned: traders_now - traders_deposited_less_withdrawn,
		deposits_total,
		withdrawals_total,
		refused_withdrawals,
		cash_covers_claims: pool.cash as i128 >= claims,
		pool,
	}
}

fn percent(value: FixedU128) -> String {
	let basis = value.into_inner() / 100_000_000_000_000;
	format!("{}.{:02}%", basis / 100, basis % 100)
}

fn share(value: Perbill) -> String {
	let basis = value.deconstruct() / 100_000;
	format!("{}.{:02}%", basis / 100, basis % 100)
}

fn money(units: u128) -> String {
	dollars(units as i128)
}

pub fn render() -> String {
	let outcome = simulate();
	let mut out = String::new();
	let w = &mut out;
	writeln!(w, "# Collateral that earns: a month of the money market in the pool").unwrap();
	writeln!(w).unwrap();
	writeln!(
		w,
		"Generated by `cargo run -q --release -p risk-engine --example rehypothecation > \
		 docs/rehypothecation.md`; `tests/rehypothecation_doc.rs` fails when this file is \
		 stale. Fixed-point throughout and a seeded generator: the same numbers everywhere. \
		 Every figure comes from the functions the clearing pallet runs \
		 (`risk_engine::money_market`: the kinked rate, accrual, conversions, the \
		 utilisation cap)."
	)
	.unwrap();
	writeln!(w).unwrap();
	writeln!(w, "## The month").unwrap();
	writeln!(w).unwrap();
	writeln!(
		w,
		"- **The market:** USDC as the dev preset lends it: 0% at no use, 5% a year at the 80% \
		 kink, 65% at full use; 10% of interest to the insurance fund; at most 90% lent."
	)
	.unwrap();
	writeln!(
		w,
		"- **{TRADERS} traders** deposit 10,000 to 200,000 USDC of margin collateral each; every \
		 hour each may add 1,000 to 20,000 (2%) or take out 5% to 25% of it (1%)."
	)
	.unwrap();
	writeln!(
		w,
		"- **{BORROWERS} borrowers** hold 2 to 20 BTC each (at 90% initially, 95% at \
		 maintenance) and borrow USDC against it (weighed 1.05) while the rate is below what \
		 they tolerate (3% to 15% a year), a fiftieth of their limit an hour up to 80% of it; \
		 above it they repay a twentieth of their debt an hour."
	)
	.unwrap();
	writeln!(
		w,
		"- **BTC** moves 0.5% an hour at random (about 47% a year) from 60,000 USD. **Day {BANK_RUN_DAY}** opens with a \
		 25% fall, and in its first block half the traders ask for all of their collateral at once."
	)
	.unwrap();
	writeln!(w, "- Interest accrues once a minute here (the chain: at the end of every block).")
		.unwrap();
	writeln!(w).unwrap();
	writeln!(
		w,
		"| day | supplied | borrowed | utilisation | borrow rate | supply rate | interest paid so far |"
	)
	.unwrap();
	writeln!(w, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |").unwrap();
	for (index, day) in outcome.days.iter().enumerate() {
		let day_number = index as u64 + 1;
		if day_number % 3 != 0 && day_number != BANK_RUN_DAY + 1 && day_number != 1 {
			continue;
		}
		writeln!(
			w,
			"| {day_number} | {} | {} | {} | {} | {} | {} |",
			money(day.supplied),
			money(day.borrowed),
			share(day.utilisation),
			percent(day.borrow_rate),
			percent(day.supply_rate),
			money(day.interest),
		)
		.unwrap();
	}
	writeln!(w).unwrap();
	writeln!(w, "## What margin collateral earned").unwrap();
	writeln!(w).unwrap();
	let pool = &outcome.pool;
	let yearly = (outcome.traders_earned.max(0) as u128) * 365 * 10_000
		/ outcome.average_supply.max(1)
		/ DAYS as u128;
	writeln!(
		w,
		"The traders' collateral, {} USDC on average over the month, earned **{} USDC** while \
		 it margined: **{}.{:02}% a year**. Idle margin collateral, the same deposits in a pool \
		 that does not lend, earns **0**. Borrowers paid {} USDC of interest in all; suppliers \
		 (the traders and the fund's own supply) earned {} and the insurance fund's reserve \
		 took {}: `interest = supplier interest + reserve` at every one of the {} accruals.",
		money(outcome.average_supply),
		money(outcome.traders_earned.max(0) as u128),
		yearly / 100,
		yearly % 100,
		money(pool.interest),
		money(pool.supplier_interest),
		money(pool.reserve),
		dollars((DAYS * 24 * MINUTES_PER_HOUR) as i128 * USD),
	)
	.unwrap();
	writeln!(w).unwrap();
	writeln!(w, "## The bank run").unwrap();
	writeln!(w).unwrap();
	let (supplied, borrowed, may_leave, asked) = outcome.run_start;
	writeln!(
		w,
		"At the run's first block {} USDC was supplied and {} lent out. The utilisation cap \
		 guarantees that `supply - borrowed / 90%` can leave in one block, whoever asks: \
		 **{} USDC** here. Half the traders asked for {} USDC; **{} USDC left in that block**, \
		 what the guarantee allows, to two units (each took what was left when its turn came). \
		 The rest waited for repayments: above the kink the rate jumped and the borrowers \
		 repaid, each hour letting some out. The borrows the insurance fund took over in the \
		 crash (below) do not answer to the rate, so most of the run was still waiting a day \
		 later: the guarantee is the cap's headroom, not the whole supply.",
		money(supplied),
		money(borrowed),
		money(may_leave),
		money(asked),
		money(outcome.withdrawn_first_block),
	)
	.unwrap();
	writeln!(w).unwrap();
	writeln!(w, "| hour | utilisation | borrow rate | repaid this hour | withdrawn so far | still waiting |")
		.unwrap();
	writeln!(w, "| ---: | ---: | ---: | ---: | ---: | ---: |").unwrap();
	for hour in &outcome.run {
		if hour.hour > 12 && hour.hour % 4 != 3 {
			continue;
		}
		writeln!(
			w,
			"| {} | {} | {} | {} | {} | {} |",
			hour.hour,
			share(hour.utilisation),
			percent(hour.borrow_rate),
			money(hour.repaid),
			money(hour.withdrawn),
			money(hour.waiting),
		)
		.unwrap();
	}
	writeln!(w).unwrap();
	writeln!(w, "## Liquidations never waited").unwrap();
	writeln!(w).unwrap();
	if outcome.liquidations.is_empty() {
		writeln!(w, "No borrower fell below maintenance this month.").unwrap();
	} else {
		let during_run =
			outcome.liquidations.iter().filter(|(hour, _, _)| *hour == BANK_RUN_DAY * 24).count();
		let least_free = outcome.liquidations.iter().map(|(_, _, free)| *free).min().unwrap_or(0);
		let cash = if least_free == 0 {
			"When the run's liquidations went through, the run had already taken every token \
			 the cap let out: the pool could pay out nothing, and they went through all the same."
				.to_string()
		} else {
			format!(
				"At the worst of those moments the pool could pay out {} USDC.",
				money(least_free)
			)
		};
		writeln!(
			w,
			"{} borrowers fell below maintenance ({during_run} of them in the run's first hour's \
			 crash, {} USDC of debt in all). Each was liquidated in the block it fell: the \
			 insurance fund took over its borrow and BTC worth it over 1 - 1%, moved inside the \
			 pool, no token needed. {cash}",
			outcome.liquidations.len(),
			money(outcome.liquidations.iter().map(|(_, debt, _)| *debt).sum()),
		)
		.unwrap();
	}
	writeln!(w).unwrap();
	writeln!(w, "## Checks").unwrap();
	writeln!(w).unwrap();
	writeln!(
		w,
		"- Deposits {} USDC, withdrawals {} USDC ({} withdrawals held back in part by the cap, \
		 outside the run).",
		money(outcome.deposits_total),
		money(outcome.withdrawals_total),
		outcome.refused_withdrawals,
	)
	.unwrap();
	writeln!(
		w,
		"- At the end the pool's tokens, {} USDC, cover every balance (supplies less borrows, \
		 the fund's included): {}.",
		money(pool.cash),
		if outcome.cash_covers_claims { "yes" } else { "**no**" },
	)
	.unwrap();
	writeln!(
		w,
		"- Utilisation never passed the 90% cap: every borrow and withdrawal was checked by \
		 `check_utilisation`, as the pallet checks them."
	)
	.unwrap();
	writeln!(
		w,
		"- The insurance fund owes {} USDC at the end: the borrows it took over, still lent \
		 out. The pool's suppliers wait on them as on any borrow; the fund repays them from \
		 its income (a credit to it repays its borrow first) or when governance turns the \
		 BTC it took into USDC. Until then the fund's debt keeps utilisation up, which is \
		 what stretches the run above.",
		money(pool.value_of(FUND_DEBT).unsigned_abs()),
	)
	.unwrap();
	writeln!(w).unwrap();
	writeln!(w, "## What this leaves out").unwrap();
	writeln!(w).unwrap();
	writeln!(
		w,
		"- One market. On the chain BTC and ETH lend too, and a trader's USDC balance also \
		 moves with PnL, fees and funding."
	)
	.unwrap();
	writeln!(
		w,
		"- Segregated collateral (`set_segregated`) is not in the simulated supply: it earns \
		 nothing and, since the pool always holds it, leaves at once even in a run."
	)
	.unwrap();
	writeln!(
		w,
		"- Borrowers repay from outside the pool at once; real ones may be slower, which \
		 lengthens the wait, never the guarantee."
	)
	.unwrap();
	out
}

#[allow(dead_code)]
fn main() {
	print!("{}", render());
}
