//! Invariants of the risk engine, checked on random inputs (1,000 cases each, or
//! `PROPTEST_CASES` when set).

use proptest::prelude::*;
use risk_engine::*;
use sp_arithmetic::{traits::Zero, FixedI128, FixedU128, Perbill};

fn config() -> ProptestConfig {
	let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000);
	ProptestConfig { cases, ..ProptestConfig::default() }
}

/// Prices from 0.000001 to 10,000,000 USD.
fn price() -> impl Strategy<Value = Price> {
	(1_000_000_000_000u128..=10_000_000 * 1_000_000_000_000_000_000u128)
		.prop_map(FixedU128::from_inner)
}

/// Realistic scales: size decimals 0..=18 against 6 quote decimals.
fn scale() -> impl Strategy<Value = UnitScale> {
	(0u8..=18).prop_map(|decimals| UnitScale::new(decimals, 6))
}

/// Sizes up to 10^15 units either side, never zero.
fn size() -> impl Strategy<Value = SizeUnits> {
	prop_oneof![1i128..=1_000_000_000_000_000, -1_000_000_000_000_000i128..=-1]
}

/// A valid schedule of one to four tiers.
fn tiers() -> impl Strategy<Value = Vec<MarginTier>> {
	prop::collection::vec((1u128..=10_000_000_000_000, 1u32..=50_000_000, 1u32..=50_000_000), 1..=4)
		.prop_map(|steps| {
			let mut tiers = Vec::new();
			let mut floor = 0u128;
			let mut maintenance = 0u32;
			for (index, (floor_step, maintenance_step, initial_gap)) in
				steps.into_iter().enumerate()
			{
				if index > 0 {
					floor += floor_step;
				}
				maintenance = (maintenance + maintenance_step).min(400_000_000);
				let initial = (maintenance + initial_gap).min(1_000_000_000);
				tiers.push(MarginTier {
					notional_floor: floor,
					initial_fraction: Perbill::from_parts(initial.max(maintenance + 1)),
					maintenance_fraction: Perbill::from_parts(maintenance),
				});
			}
			// Keep initial fractions non-decreasing too.
			for i in 1..tiers.len() {
				if tiers[i].initial_fraction < tiers[i - 1].initial_fraction {
					tiers[i].initial_fraction = tiers[i - 1].initial_fraction;
				}
			}
			tiers
		})
}

fn haircuts() -> impl Strategy<Value = CollateralParams> {
	(0u8..=18, 1u32..=1_000_000_000, 0u32..=1_000_000_000).prop_map(|(decimals, initial, extra)| {
		CollateralParams {
			decimals,
			initial_haircut: Perbill::from_parts(initial),
			maintenance_haircut: Perbill::from_parts(
				initial.saturating_add(extra).min(1_000_000_000),
			),
		}
	})
}

proptest! {
	#![proptest_config(config())]

	/// Opening a position and closing all of it at the same price realizes nothing, so the
	/// account's equity changes by exactly the two fees.
	#[test]
	fn opening_and_closing_at_one_price_costs_exactly_the_fees(
		size in size(),
		price in price(),
		scale in scale(),
		fee_rate in 0u32..=10_000_000,
		balance in 0i128..=1_000_000_000_000_000,
	) {
		let fee_rate = Perbill::from_parts(fee_rate);
		let opened = apply_trade(&Position::default(), size, price, &scale).unwrap();
		let open_fee = trade_fee(opened.notional, fee_rate) as i128;
		let closed = apply_trade(&opened.position, -size, price, &scale).unwrap();
		let close_fee = trade_fee(closed.notional, fee_rate) as i128;
		prop_assert_eq!(closed.realized_pnl, 0);
		prop_assert!(closed.position.is_flat());
		prop_assert_eq!(closed.position.cost, 0);
		prop_assert_eq!(opened.notional, closed.notional);
		let balance_after = balance - open_fee + closed.realized_pnl - close_fee;
		let equity_after = balance_after + unrealized_pnl(&closed.position, price, &scale).unwrap();
		prop_assert_eq!(equity_after, balance - open_fee - close_fee);
	}

	/// What the maker pays the taker receives: a trade's value is the same magnitude for both
	/// sides, and their realized PnL plus changes in cost net to zero.
	#[test]
	fn both_sides_of_a_trade_book_opposite_values(
		maker_size in size(),
		taker_size in size(),
		trade in size(),
		price in price(),
		entry in price(),
		scale in scale(),
	) {
		let maker_before = apply_trade(&Position::default(), maker_size, entry, &scale).unwrap().position;
		let taker_before = apply_trade(&Position::default(), taker_size, entry, &scale).unwrap().position;
		let maker = apply_trade(&maker_before, trade, price, &scale).unwrap();
		let taker = apply_trade(&taker_before, -trade, price, &scale).unwrap();
		prop_assert_eq!(maker.notional, taker.notional);
		// Cash out of each side = trade value; it shows up as realized PnL or as cost.
		let maker_flow = maker.realized_pnl - (maker.position.cost - maker_before.cost);
		let taker_flow = taker.realized_pnl - (taker.position.cost - taker_before.cost);
		prop_assert_eq!(maker_flow + taker_flow, 0);
	}

	/// A larger position never needs less margin.
	#[test]
	fn requirement_is_monotonic_in_size(
		a in 0i128..=1_000_000_000_000_000,
		b in 0i128..=1_000_000_000_000_000,
		short in any::<bool>(),
		mark in price(),
		scale in scale(),
		tiers in tiers(),
	) {
		prop_assert_eq!(validate_tiers(&tiers), Ok(()));
		let (small, large) = if a <= b { (a, b) } else { (b, a) };
		let sign = if short { -1 } else { 1 };
		let position = |size: i128| Position { size: size * sign, cost: 0, funding_index: FixedI128::zero() };
		let notional_small = notional(&position(small), mark, &scale).unwrap();
		let notional_large = notional(&position(large), mark, &scale).unwrap();
		prop_assert!(notional_small <= notional_large);
		for level in [MarginLevel::Initial, MarginLevel::Maintenance] {
			prop_assert!(
				margin_requirement(notional_small, &tiers, level).unwrap()
					<= margin_requirement(notional_large, &tiers, level).unwrap()
			);
		}
		prop_assert!(
			margin_requirement(notional_large, &tiers, MarginLevel::Maintenance).unwrap()
				<= margin_requirement(notional_large, &tiers, MarginLevel::Initial).unwrap()
		);
	}

	/// Depositing more (settlement balance or any collateral asset) never lowers health or
	/// free collateral, and borrowing more never raises them.
	#[test]
	fn adding_collateral_never_lowers_health(
		settlement in -1_000_000_000_000i128..=1_000_000_000_000,
		amounts in prop::collection::vec(0u128..=1_000_000_000_000_000_000_000, 0..=3),
		params in prop::collection::vec(haircuts(), 3),
		prices in prop::collection::vec(price(), 3),
		added in 1u128..=1_000_000_000_000_000_000,
		to_asset in 0usize..=3,
		size in size(),
		cost in -1_000_000_000_000i128..=1_000_000_000_000,
		mark in price(),
		tiers in tiers(),
		liability_factor in 1_000_000_000_000_000_000u128..=2_000_000_000_000_000_000,
		borrowed in 0u128..=1_000_000_000_000_000_000_000,
		borrow_price in price(),
		borrow_weight in 1_000_000_000_000_000_001u128..=2_000_000_000_000_000_000,
	) {
		let weights = LiabilityWeights::uniform(FixedU128::from_inner(liability_factor));
		let borrow_weights = LiabilityWeights::uniform(FixedU128::from_inner(borrow_weight));
		let liabilities = [LiabilityHolding { amount: borrowed, price: borrow_price, decimals: 18, weights: borrow_weights }];
		let holdings: Vec<CollateralHolding> = amounts
			.iter()
			.enumerate()
			.map(|(i, amount)| CollateralHolding { amount: *amount, price: prices[i], params: params[i] })
			.collect();
		let positions = [PerpExposure {
			position: Position { size, cost, funding_index: FixedI128::zero() },
			mark,
			funding_index: FixedI128::zero(),
			scale: UnitScale::new(8, 6),
			tiers: &tiers,
			open_orders: Default::default(),
			option: None,
		}];
		let account = CrossAccount {
			settlement_balance: settlement,
			settlement_weights: weights,
			quote_decimals: 6,
			collateral: &holdings,
			liabilities: &liabilities,
			positions: &positions,
		};
		let mut richer_holdings = holdings.clone();
		let mut richer_settlement = settlement;
		if to_asset < richer_holdings.len() {
			richer_holdings[to_asset].amount += added;
		} else {
			richer_settlement += added as i128;
		}
		let richer = CrossAccount { settlement_balance: richer_settlement, collateral: &richer_holdings, ..account };
		if let (Ok(before), Ok(after)) = (cross_margin(&account), cross_margin(&richer)) {
			prop_assert!(after.health >= before.health);
			prop_assert!(after.free_collateral >= before.free_collateral);
		}
		let more_borrowed = [LiabilityHolding { amount: borrowed + added, ..liabilities[0] }];
		let poorer = CrossAccount { liabilities: &more_borrowed, ..account };
		if let (Ok(before), Ok(after)) = (cross_margin(&account), cross_margin(&poorer)) {
			prop_assert!(after.health <= before.health);
			prop_assert!(after.free_collateral <= before.free_collateral);
		}
	}

	/// At the reported liquidation price the position's health is zero, within the rounding
	/// of the figures it is made of (a unit per tier, the notional and the PnL).
	#[test]
	fn health_is_zero_at_the_liquidation_price(
		size in prop_oneof![100i128..=1_000_000_000_000, -1_000_000_000_000i128..=-100],
		entry in price(),
		mark in price(),
		margin in -1_000_000_000_000i128..=1_000_000_000_000_000,
		tiers in tiers(),
	) {
		let scale = UnitScale::new(8, 6);
		let position = apply_trade(&Position::default(), size, entry, &scale).unwrap().position;
		let exposure = PerpExposure { position, mark, funding_index: FixedI128::zero(), scale, tiers: &tiers, open_orders: Default::default(), option: None };
		let isolated = IsolatedPosition { margin, exposure };
		if let Ok(Some(price)) = isolated_liquidation_price(&isolated) {
			if price > FixedU128::zero() {
				let at_price = IsolatedPosition { exposure: PerpExposure { mark: price, ..exposure }, ..isolated };
				if let Ok(figures) = isolated_margin(&at_price) {
					let tolerance = tiers.len() as i128 + 4;
					prop_assert!(figures.health.abs() <= tolerance, "health {} at {:?}", figures.health, price);
				}
			}
		}
	}

	/// No input makes any function panic: each returns a value or a typed error.
	#[test]
	fn no_input_panics(
		a in any::<i128>(),
		b in any::<i128>(),
		u in any::<u128>(),
		p in any::<u128>(),
		q in any::<u128>(),
		d1 in any::<u8>(),
		d2 in any::<u8>(),
		f1 in any::<u32>(),
		f2 in any::<u32>(),
		floor in any::<u128>(),
		index in any::<i128>(),
		elapsed in any::<u64>(),
		interval in any::<u64>(),
	) {
		let scale = UnitScale::new(d1, d2);
		let price = FixedU128::from_inner(p);
		let funding = FixedI128::from_inner(index);
		let position = Position { size: a, cost: b, funding_index: FixedI128::from_inner(b) };
		let tiers = [
			MarginTier { notional_floor: 0, initial_fraction: Perbill::from_parts(f1), maintenance_fraction: Perbill::from_parts(f2) },
			MarginTier { notional_floor: floor, initial_fraction: Perbill::from_parts(f2), maintenance_fraction: Perbill::from_parts(f1) },
		];
		let params = CollateralParams { decimals: d1, initial_haircut: Perbill::from_parts(f1), maintenance_haircut: Perbill::from_parts(f2) };
		let holding = CollateralHolding { amount: u, price, params };
		let _ = scale.divisor();
		let _ = scale.value(u, price, sp_arithmetic::Rounding::Up);
		let _ = scale.price_of(u, q, sp_arithmetic::Rounding::Down);
		let _ = params.validate();
		let _ = holding_market_value(&holding, d2);
		let _ = holding_margin_value(&holding, d2, MarginLevel::Initial);
		let weights = LiabilityWeights { initial: FixedU128::from_inner(q), maintenance: FixedU128::from_inner(u) };
		let liability = LiabilityHolding { amount: u, price, decimals: d1, weights };
		let _ = weights.validate();
		let _ = settlement_margin_value(a, &weights, MarginLevel::Initial);
		let _ = liability_margin_value(&liability, d2, MarginLevel::Maintenance);
		let _ = collateral_value(a, &weights, &[holding], &[liability], d2, MarginLevel::Maintenance);
		let _ = apply_trade(&position, b, price, &scale);
		let _ = trade_value(a, price, &scale);
		let _ = trade_fee(u, Perbill::from_parts(f1));
		let _ = mark_value(&position, price, &scale);
		let _ = unrealized_pnl(&position, price, &scale);
		let _ = notional(&position, price, &scale);
		let _ = funding_owed(&position, funding, &scale);
		let _ = settle_funding(&position, funding, &scale);
		let _ = position.entry_price(&scale);
		let _ = funding_rate(price, FixedU128::from_inner(q), Perbill::from_parts(f1));
		let _ = funding_index_increment(funding, price, elapsed, interval);
		let _ = validate_tiers(&tiers);
		let _ = margin_requirement(u, &tiers, MarginLevel::Initial);
		let open_orders = OpenOrders { bid_size: u, bid_value: q, ask_size: q, ask_value: u };
		let exposure = PerpExposure { position, mark: price, funding_index: funding, scale, tiers: &tiers, open_orders, option: None };
		let _ = position_margin(&exposure);
		let _ = open_order_margin(&exposure, &open_orders);
		let holdings = [holding];
		let positions = [exposure];
		let account = CrossAccount {
			settlement_balance: b,
			settlement_weights: LiabilityWeights::uniform(FixedU128::from_inner(q)),
			quote_decimals: d2,
			collateral: &holdings,
			liabilities: &[LiabilityHolding { amount: u, price, decimals: d1, weights: LiabilityWeights { initial: FixedU128::from_inner(q), maintenance: FixedU128::from_inner(a.unsigned_abs()) } }],
			positions: &positions,
		};
		let _ = cross_margin(&account);
		let _ = cross_liquidation_price(&account, (f1 % 3) as usize);
		let isolated = IsolatedPosition { margin: a, exposure };
		let _ = isolated_margin(&isolated);
		let _ = isolated_liquidation_price(&isolated);
	}
}

proptest! {
	#![proptest_config(config())]

	/// More resting size on a side never needs less margin, and orders that only reduce the
	/// position (at or better than the mark) need none.
	#[test]
	fn open_order_margin_is_monotonic_and_free_for_reducing_orders(
		scale in scale(),
		tiers in tiers(),
		mark in price(),
		size in size(),
		extra in 0u128..=1_000_000_000_000_000,
		step in 0u128..=1_000_000_000_000_000,
	) {
		let position = Position { size, cost: 0, funding_index: FixedI128::zero() };
		let exposure = |orders: OpenOrders| PerpExposure {
			position, mark, funding_index: FixedI128::zero(), scale, tiers: &tiers, open_orders: orders,
			option: None,
		};
		// Bids valued at the mark (no fill loss) on the side that adds to a long, or reduces a short.
		let at_mark = |units: u128| scale.value(units, mark, sp_arithmetic::Rounding::Down);
		let (Ok(small_value), Ok(large_value)) = (at_mark(extra), at_mark(extra + step)) else {
			return Ok(());
		};
		let small = OpenOrders { bid_size: extra, bid_value: small_value, ..Default::default() };
		let large = OpenOrders { bid_size: extra + step, bid_value: large_value, ..Default::default() };
		if let (Ok(a), Ok(b)) = (open_order_margin(&exposure(small), &small), open_order_margin(&exposure(large), &large)) {
			prop_assert!(a <= b, "bids {} need {}, bids {} need {}", extra, a, extra + step, b);
		}
		// An order that closes at most the whole position, priced at the mark, needs nothing.
		let reducing_units = extra.min(size.unsigned_abs());
		let reducing = if size > 0 {
			let Ok(value) = scale.value(reducing_units, mark, sp_arithmetic::Rounding::Up) else { return Ok(()) };
			OpenOrders { ask_size: reducing_units, ask_value: value, ..Default::default() }
		} else {
			let Ok(value) = at_mark(reducing_units) else { return Ok(()) };
			OpenOrders { bid_size: reducing_units, bid_value: value, ..Default::default() }
		};
		if let Ok(requirement) = open_order_margin(&exposure(reducing), &reducing) {
			prop_assert_eq!(requirement, 0);
		}
	}
}

proptest! {
	#![proptest_config(config())]

	/// With the penalty below every maintenance fraction, a partial liquidation is minimal:
	/// the size found restores the account and one lot less does not.
	#[test]
	fn partial_liquidation_closes_the_fewest_lots(
		scale in scale(),
		tiers in tiers(),
		mark in price(),
		size in size(),
		lot in 1u128..=1_000_000,
		deficit in 1i128..=1_000_000_000_000,
		other_requirement in 0u128..=1_000_000_000_000,
		penalty_share in 0u32..1_000,
		buffer in 0u32..=1_000_000_000,
	) {
		let exposure = PerpExposure {
			position: Position { size, cost: 0, funding_index: FixedI128::zero() },
			mark, funding_index: FixedI128::zero(), scale, tiers: &tiers, open_orders: Default::default(),
			option: None,
		};
		let Ok(own) = notional(&exposure.position, mark, &scale)
			.and_then(|n| margin_requirement(n, &tiers, MarginLevel::Maintenance)) else { return Ok(()) };
		let lowest_maintenance = tiers[0].maintenance_fraction.deconstruct();
		let context = LiquidationContext {
			health: -deficit,
			maintenance_requirement: own.saturating_add(other_requirement),
			penalty: Perbill::from_parts(lowest_maintenance / 1_000 * penalty_share),
			buffer: Perbill::from_parts(buffer),
		};
		if let Ok(Some(found)) = partial_liquidation_size(&context, &exposure, lot) {
			let size_units = size.unsigned_abs();
			prop_assert!(found.units > 0 && found.units <= size_units);
			prop_assert!(found.units == size_units || found.units % lot == 0);
			if found.restores && found.units > lot {
				let fewer = if found.units % lot == 0 { found.units - lot } else { found.units - found.units % lot };
				let (health, requirement, _) = close_outcome(&context, &exposure, fewer).unwrap();
				prop_assert!(!reaches_target(health, requirement, context.buffer),
					"{} units restore, but so do {}", found.units, fewer);
			}
		}
	}
}
