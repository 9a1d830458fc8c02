//! The random campaign: a seeded sequence of operations over the whole runtime surface
//! (deposits, withdrawals, isolated margin, margin modes, orders of every kind, cancels,
//! block trades by signed quote (some expired, replayed, cancelled or signed by the wrong
//! key), permissioned pools (created, members added and removed, markets restricted and
//! opened, funds paid into), oracle feeds that move, jump, fat-finger, zero out or stop,
//! blocks, the liquidation worker's liquidations, auto-deleveraging and expiry settlements,
//! and risk changes),
//! with both pallets' invariants (`do_try_state`) and token conservation checked after
//! every block.
//!
//! - `CAMPAIGN_OPS` (default 10,000) and `CAMPAIGN_SEED` (default 17) choose the run;
//!   `CAMPAIGN_REPORT` names a file the per-kind tally is written to (`scripts/test.sh`
//!   prints it).
//! - A failure prints the seed, the failing operation and the shortest sequence found that
//!   still fails (the failing prefix, shrunk by removing chunks while it keeps failing).

use super::*;
use crate::{
	genesis_config_presets::{BTC_PERP, ETH_PERP},
	Clearing, Orderbook, RuntimeCall,
};
use pallet_clearing::{risk_engine::options::OptionKind, Instrument, MarginMode};
use pallet_orderbook::{OrderSide, TimeInForce};
use sp_runtime::{
	traits::{Dispatchable, ValidateUnsigned},
	transaction_validity::TransactionSource,
	AccountId32, Perbill,
};
use std::collections::BTreeMap;

/// The option series the campaign lists: a BTC call struck at 60,000, expiring an hour in.
const BTC_CALL: u32 = 10;
const START_MS: u64 = 1_700_000_000_000;
const OPTION_EXPIRY_MS: u64 = START_MS + 3_600_000;
const MARKETS: [u32; 3] = [BTC_PERP, ETH_PERP, BTC_CALL];

/// SplitMix64: small, seedable, and the same everywhere.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	fn below(&mut self, n: u64) -> u64 {
		self.next() % n
	}

	fn chance(&mut self, percent: u64) -> bool {
		self.below(100) < percent
	}
}

/// How an oracle feed behaves.
#[derive(Clone, Copy, Debug)]
enum Feed {
	/// The reference moves by this many basis points and is fed.
	Move(i32),
	/// The reference jumps by this many percent (beyond the breaker) and is fed.
	Jump(i32),
	/// Ten times the reference is fed once; the reference stays.
	FatFinger,
	/// A zero is fed.
	Zero,
}

/// One operation of the campaign. Every choice is made when the sequence is drawn, so a
/// sequence replays exactly.
#[derive(Clone, Debug)]
enum Op {
	Deposit {
		who: usize,
		asset: usize,
		per_mille: u64,
	},
	Withdraw {
		who: usize,
		asset: usize,
		per_mille: u64,
	},
	Order {
		who: usize,
		market: usize,
		buy: bool,
		offset_bp: i64,
		lots: u128,
		tif: usize,
		reduce: bool,
	},
	Cancel {
		who: usize,
		nth: usize,
	},
	/// A market maker's move: cancel the ladder by client order id and place it again,
	/// `levels` quotes a side `step_bp` apart from `offset_bp` off the reference, atomically.
	Quote {
		who: usize,
		market: usize,
		levels: u64,
		offset_bp: i64,
		step_bp: i64,
		lots: u128,
		post_only: bool,
	},
	CancelAll {
		who: usize,
		market: usize,
	},
	AddIsolated {
		who: usize,
		market: usize,
		usdc: u128,
	},
	RemoveIsolated {
		who: usize,
		market: usize,
		usdc: u128,
	},
	MarginMode {
		who: usize,
		portfolio: bool,
	},
	Feed {
		key: usize,
		feed: Feed,
	},
	NextBlock {
		ms: u64,
	},
	RiskChange {
		which: u64,
		value: u64,
	},
	SettleExpired {
		who: usize,
	},
	/// `maker` signs a quote of one or two perpetual legs `offset_bp` off the reference and
	/// `taker` executes it; `twist` picks what may be wrong with it (a named taker, a
	/// replayed nonce, an expired quote, another key's signature).
	BlockTrade {
		maker: usize,
		taker: usize,
		legs: u64,
		sell: bool,
		offset_bp: i64,
		lots: u128,
		twist: u64,
	},
	/// A maker voids its quotes up to `ahead` nonces past its next one.
	CancelQuotes {
		who: usize,
		ahead: u64,
	},
	/// A pool action: create one (Root), add or remove `who` (the pool's administrator or
	/// Root), restrict a perpetual to a pool or open it (Root), pay into a pool's fund (`who`).
	Pool {
		action: u64,
		who: usize,
		pool: u32,
		market: usize,
		by_root: bool,
	},
}

impl Op {
	fn kind(&self) -> &'static str {
		match self {
			Op::Deposit { .. } => "deposit",
			Op::Withdraw { .. } => "withdraw",
			Op::Order { reduce: true, .. } => "order (reduce-only)",
			Op::Order { tif: 1, .. } => "order (immediate-or-cancel)",
			Op::Order { tif: 2, .. } => "order (post-only)",
			Op::Order { .. } => "order (good-til-cancelled)",
			Op::Cancel { .. } => "cancel",
			Op::Quote { .. } => "quote (replace orders in bulk)",
			Op::CancelAll { .. } => "cancel all",
			Op::AddIsolated { .. } => "add isolated margin",
			Op::RemoveIsolated { .. } => "remove isolated margin",
			Op::MarginMode { .. } => "set margin mode",
			Op::Feed { feed: Feed::Move(_), .. } => "feed (move)",
			Op::Feed { feed: Feed::Jump(_), .. } => "feed (jump)",
			Op::Feed { feed: Feed::FatFinger, .. } => "feed (fat finger)",
			Op::Feed { feed: Feed::Zero, .. } => "feed (zero)",
			Op::NextBlock { .. } => "block",
			Op::RiskChange { .. } => "risk change",
			Op::SettleExpired { .. } => "settle expired (signed)",
			Op::BlockTrade { .. } => "block trade",
			Op::CancelQuotes { .. } => "cancel quotes below",
			Op::Pool { action: 0, .. } => "pool: create",
			Op::Pool { action: 1, .. } => "pool: add member",
			Op::Pool { action: 2, .. } => "pool: remove member",
			Op::Pool { action: 3, .. } => "pool: restrict market",
			Op::Pool { action: 4, .. } => "pool: open market",
			Op::Pool { .. } => "pool: fund insurance",
		}
	}
}

fn draw(rng: &mut Rng) -> Op {
	let who = rng.below(5) as usize;
	match rng.below(100) {
		0..=7 => Op::Deposit { who, asset: rng.below(3) as usize, per_mille: 1 + rng.below(10) },
		8..=12 => {
			Op::Withdraw { who, asset: rng.below(3) as usize, per_mille: 1 + rng.below(1_000) }
		},
		45..=49 => Op::Quote {
			who,
			market: rng.below(2) as usize,
			levels: 1 + rng.below(5),
			offset_bp: rng.below(40) as i64 - 10,
			step_bp: 1 + rng.below(20) as i64,
			lots: 1 + rng.below(200) as u128,
			post_only: rng.chance(80),
		},
		13..=44 => {
			let market = if rng.chance(15) { 2 } else { rng.below(2) as usize };
			let buy = rng.chance(50);
			// Mostly near the index, sometimes beyond the 10% band.
			let wide = rng.chance(5);
			let offset_bp =
				if wide { rng.below(3_000) as i64 - 1_500 } else { rng.below(200) as i64 - 100 };
			let large = rng.chance(10);
			let lots = 1 + rng.below(if large { 20_000 } else { 500 }) as u128;
			let tif = rng.below(3) as usize;
			let reduce = rng.chance(15);
			Op::Order { who, market, buy, offset_bp, lots, tif, reduce }
		},
		50..=55 => Op::Cancel { who, nth: rng.below(8) as usize },
		56..=57 => Op::CancelAll { who, market: rng.below(3) as usize },
		58..=60 => Op::AddIsolated {
			who,
			market: rng.below(2) as usize,
			usdc: 1 + rng.below(5_000) as u128,
		},
		61..=62 => Op::RemoveIsolated {
			who,
			market: rng.below(2) as usize,
			usdc: 1 + rng.below(5_000) as u128,
		},
		63 => Op::MarginMode { who, portfolio: rng.chance(60) },
		64..=76 => Op::Feed {
			key: rng.below(3) as usize,
			feed: match rng.below(100) {
				0..=84 => Feed::Move(rng.below(801) as i32 - 400),
				85..=92 => Feed::Jump(if rng.chance(50) { 25 } else { -30 } + rng.below(10) as i32),
				93..=97 => Feed::FatFinger,
				_ => Feed::Zero,
			},
		},
		77..=92 => Op::NextBlock { ms: if rng.chance(3) { 120_000 } else { 3_000 } },
		93..=94 => Op::BlockTrade {
			maker: who,
			// Mostly another account; one in twenty the maker itself (refused).
			taker: if rng.chance(5) { who } else { (who + 1 + rng.below(4) as usize) % 5 },
			legs: 1 + rng.below(2),
			sell: rng.chance(50),
			offset_bp: if rng.chance(5) {
				rng.below(3_000) as i64 - 1_500
			} else {
				rng.below(100) as i64 - 50
			},
			lots: {
				let most = if rng.chance(10) { 20_000 } else { 1_000 };
				1 + rng.below(most) as u128
			},
			twist: rng.next(),
		},
		95 => {
			if rng.chance(25) {
				Op::CancelQuotes { who, ahead: rng.below(4) }
			} else {
				Op::Pool {
					action: rng.below(6),
					who,
					pool: rng.below(3) as u32,
					market: rng.below(2) as usize,
					by_root: rng.chance(70),
				}
			}
		},
		96..=98 => Op::RiskChange { which: rng.below(8), value: rng.next() },
		_ => Op::SettleExpired { who },
	}
}

/// What a run counted of one kind of operation.
#[derive(Default)]
struct Counts {
	succeeded: u64,
	failed: u64,
	/// Why they failed: the error's name, and how often.
	reasons: BTreeMap<String, u64>,
}

/// What a run counted, per kind of operation.
type Tally = BTreeMap<&'static str, Counts>;

/// The name of a dispatch error (`Error` variants by name).
fn error_name(error: sp_runtime::DispatchError) -> String {
	match error {
		sp_runtime::DispatchError::Module(sp_runtime::ModuleError {
			message: Some(name), ..
		}) => name.to_string(),
		other => format!("{other:?}"),
	}
}

/// The campaign's own view of the world: reference prices and the block clock.
struct World {
	accounts: Vec<AccountId32>,
	/// USD references for BTC and ETH, and BTC's implied volatility (as a fraction).
	reference: [f64; 3],
	now_ms: u64,
	tally: Tally,
	/// Token totals per collateral asset at the start: nothing may create or destroy any.
	supplies: Vec<(u32, u128)>,
	/// Values fed in this block so far: the operator sends them in one feed at its end
	/// (an operator feeds once a block).
	pending_feeds: BTreeMap<usize, f64>,
	/// Each account's next quote nonce.
	next_nonce: [u64; 5],
}

const ASSETS: [tokens::TokenInfo; 3] = [tokens::USDC, tokens::BTC, tokens::ETH];
const KEYS: [OracleKey; 3] = [
	OracleKey::Price(PricedAsset::BTC),
	OracleKey::Price(PricedAsset::ETH),
	OracleKey::ImpliedVolatility(PricedAsset::BTC),
];

fn count(tally: &mut Tally, kind: &'static str, outcome: Result<(), String>) {
	let entry = tally.entry(kind).or_default();
	match outcome {
		Ok(()) => entry.succeeded += 1,
		Err(reason) => {
			entry.failed += 1;
			*entry.reasons.entry(reason).or_default() += 1;
		},
	}
}

fn fixed(value: f64) -> FixedU128 {
	FixedU128::from_inner((value * 1e18) as u128)
}

impl World {
	fn new() -> Self {
		let accounts = crate::genesis_config_presets::development_accounts();
		World {
			accounts,
			reference: [60_000.0, 3_000.0, 0.6],
			now_ms: START_MS,
			tally: Tally::new(),
			supplies: Vec::new(),
			pending_feeds: BTreeMap::new(),
			next_nonce: [0; 5],
		}
	}

	/// Alice, the development chain's operator, feeds every pending value in one call.
	fn flush_feeds(&mut self) -> bool {
		if self.pending_feeds.is_empty() {
			return true;
		}
		let values: Vec<_> = core::mem::take(&mut self.pending_feeds)
			.into_iter()
			.map(|(key, value)| (KEYS[key], fixed(value)))
			.collect();
		let alice = RuntimeOrigin::signed(self.accounts[0].clone());
		Oracle::feed_values(alice, BoundedVec::truncate_from(values)).is_ok()
	}

	/// Lists the option series and feeds every key, so that the first block has prices.
	fn start(&mut self) {
		set_block_time(self.now_ms);
		let (_, mut call) = crate::genesis_config_presets::perpetual_markets().remove(0);
		call.symbol = BoundedVec::truncate_from(b"BTC-1H-60000-C".to_vec());
		call.tick_size = FixedU128::from_rational(1, 10);
		call.tiers = BoundedVec::truncate_from(vec![pallet_clearing::risk_engine::MarginTier {
			notional_floor: 0,
			initial_fraction: Perbill::from_percent(15),
			maintenance_fraction: Perbill::from_percent(8),
		}]);
		call.instrument = Instrument::Option {
			kind: OptionKind::Call,
			strike: FixedU128::from_u32(60_000),
			expiry_ms: OPTION_EXPIRY_MS,
			volatility_key: KEYS[2],
		};
		assert_ok!(Clearing::register_market(RuntimeOrigin::root(), BTC_CALL, call));
		for key in 0..3 {
			self.pending_feeds.insert(key, self.reference[key]);
		}
		assert!(self.flush_feeds(), "the operator's first feed is taken");
		self.supplies =
			ASSETS.iter().map(|token| (token.id, Assets::total_supply(token.id))).collect();
	}

	/// The index (or, for the option series, the model's mark) orders are placed around.
	fn reference_price(market: u32) -> Option<FixedU128> {
		let report = Clearing::market_report(market)?;
		if market == BTC_CALL {
			report.mark_price
		} else {
			report.index_price.map(|(price, _)| price)
		}
	}

	/// A market's parameters and the on-tick price `bp` basis points off its reference
	/// price, for orders placed around it.
	fn pricing(
		market: u32,
	) -> Result<(pallet_clearing::MarketParamsOf<Runtime>, impl Fn(i64) -> FixedU128), String> {
		let params = pallet_clearing::Markets::<Runtime>::get(market).ok_or("no such market")?;
		let reference = Self::reference_price(market).ok_or("no reference price")?;
		let tick = params.tick_size.into_inner();
		let at = move |bp: i64| {
			let raw = reference.into_inner() as i128 / 10_000 * (10_000 + bp as i128);
			FixedU128::from_inner((raw.max(tick as i128) as u128) / tick * tick)
		};
		Ok((params, at))
	}

	fn apply(&mut self, op: &Op) -> Result<(), String> {
		let signed = |who: usize| RuntimeOrigin::signed(self.accounts[who].clone());
		let dispatch = |call: RuntimeCall, origin: RuntimeOrigin| {
			call.dispatch(origin).map(|_| ()).map_err(|e| error_name(e.error))
		};
		match *op {
			Op::Deposit { who, asset, per_mille } => {
				let token = ASSETS[asset];
				let held = Assets::balance(token.id, &self.accounts[who]);
				let amount = held / 1_000 * per_mille as u128;
				dispatch(
					RuntimeCall::Clearing(pallet_clearing::Call::deposit {
						asset: token.id,
						amount,
					}),
					signed(who),
				)
			},
			Op::Withdraw { who, asset, per_mille } => {
				let token = ASSETS[asset];
				let booked =
					pallet_clearing::Pallet::<Runtime>::balance_of(&self.accounts[who], token.id)
						.max(0) as u128;
				let amount = (booked / 1_000 * per_mille as u128).max(1);
				dispatch(
					RuntimeCall::Clearing(pallet_clearing::Call::withdraw {
						asset: token.id,
						amount,
					}),
					signed(who),
				)
			},
			Op::Order { who, market, buy, offset_bp, lots, tif, reduce } => {
				let market = MARKETS[market];
				let (params, at) = Self::pricing(market)?;
				let price = at(offset_bp);
				dispatch(
					RuntimeCall::Orderbook(pallet_orderbook::Call::place_order {
						market,
						side: if buy { OrderSide::Buy } else { OrderSide::Sell },
						price,
						size: lots * params.lot_size,
						time_in_force: [
							TimeInForce::GoodTilCancelled,
							TimeInForce::ImmediateOrCancel,
							TimeInForce::PostOnly,
						][tif],
						reduce_only: reduce,
					}),
					signed(who),
				)
			},
			Op::Quote { who, market, levels, offset_bp, step_bp, lots, post_only } => {
				let market = MARKETS[market];
				let (params, at) = Self::pricing(market)?;
				let mut cancels = Vec::new();
				let mut orders = Vec::new();
				for level in 0..levels {
					let distance = offset_bp + step_bp * level as i64;
					for (side, bp, id) in [
						(OrderSide::Sell, distance, 2 * level),
						(OrderSide::Buy, -distance, 2 * level + 1),
					] {
						cancels.push(pallet_orderbook::OrderRef::Client(id));
						orders.push(pallet_orderbook::OrderRequest {
							side,
							price: at(bp),
							size: lots * params.lot_size,
							time_in_force: if post_only {
								TimeInForce::PostOnly
							} else {
								TimeInForce::GoodTilCancelled
							},
							reduce_only: false,
							client_order_id: Some(id),
						});
					}
				}
				dispatch(
					RuntimeCall::Orderbook(pallet_orderbook::Call::replace_orders {
						market,
						cancels: frame_support::BoundedVec::truncate_from(cancels),
						orders: frame_support::BoundedVec::truncate_from(orders),
					}),
					signed(who),
				)
			},
			Op::Cancel { who, nth } => {
				let orders =
					pallet_orderbook::AccountOrders::<Runtime>::get(&self.accounts[who]).orders;
				if orders.is_empty() {
					return Err("no order to cancel".into());
				}
				let pallet_orderbook::AccountOrder { market, order_id, .. } =
					orders[nth % orders.len()];
				dispatch(
					RuntimeCall::Orderbook(pallet_orderbook::Call::cancel_order {
						market,
						order_id,
					}),
					signed(who),
				)
			},
			Op::CancelAll { who, market } => dispatch(
				RuntimeCall::Orderbook(pallet_orderbook::Call::cancel_all {
					market: MARKETS[market],
				}),
				signed(who),
			),
			Op::AddIsolated { who, market, usdc } => dispatch(
				RuntimeCall::Clearing(pallet_clearing::Call::add_isolated_margin {
					market: MARKETS[market],
					amount: usdc * tokens::USDC.one(),
				}),
				signed(who),
			),
			Op::RemoveIsolated { who, market, usdc } => dispatch(
				RuntimeCall::Clearing(pallet_clearing::Call::remove_isolated_margin {
					market: MARKETS[market],
					amount: usdc * tokens::USDC.one(),
				}),
				signed(who),
			),
			Op::MarginMode { who, portfolio } => dispatch(
				RuntimeCall::Clearing(pallet_clearing::Call::set_margin_mode {
					mode: if portfolio { MarginMode::Portfolio } else { MarginMode::Cross },
				}),
				signed(who),
			),
			Op::Feed { key, feed } => {
				let floor = if key == 2 { 0.05 } else { 1.0 };
				let value = match feed {
					Feed::Move(bp) => {
						self.reference[key] =
							(self.reference[key] * (1.0 + bp as f64 / 10_000.0)).max(floor);
						self.reference[key]
					},
					Feed::Jump(percent) => {
						self.reference[key] =
							(self.reference[key] * (1.0 + percent as f64 / 100.0)).max(floor);
						self.reference[key]
					},
					Feed::FatFinger => self.reference[key] * 10.0,
					Feed::Zero => 0.0,
				};
				self.pending_feeds.insert(key, value);
				Ok(())
			},
			Op::NextBlock { ms } => {
				self.next_block(ms);
				Ok(())
			},
			Op::RiskChange { which, value } => {
				let market = MARKETS[(value % 2) as usize];
				let percent = |low: u64, high: u64| {
					Perbill::from_percent((low + value % (high - low + 1)) as u32)
				};
				let call = match which {
					0 => pallet_clearing::Call::set_market_fees {
						market,
						maker_fee: Perbill::from_parts((value % 2_000_000) as u32),
						taker_fee: Perbill::from_parts((value % 5_000_000) as u32),
					},
					1 => pallet_clearing::Call::set_jump_breaker {
						bound: if value % 5 == 0 { Perbill::zero() } else { percent(1, 60) },
					},
					2 => pallet_clearing::Call::set_max_price_age {
						max_price_age_ms: 1_000 + value % 600_000,
					},
					3 => pallet_clearing::Call::set_market_price_band {
						market,
						price_band: percent(0, 60),
					},
					4 => pallet_clearing::Call::set_market_status {
						market,
						// Mostly back to trading, so that a closed market does not end the run.
						status: match value % 10 {
							0..=6 => pallet_clearing::MarketStatus::Active,
							7..=8 => pallet_clearing::MarketStatus::ReduceOnly,
							_ => pallet_clearing::MarketStatus::Closed,
						},
					},
					5 => pallet_clearing::Call::set_liquidation_parameters {
						penalty: Perbill::from_parts((value % 40_000_000) as u32),
						buffer: percent(0, 50),
					},
					6 => {
						let maintenance = 2 + value % 8;
						pallet_clearing::Call::set_market_margin_tiers {
							market,
							tiers: BoundedVec::truncate_from(vec![
								pallet_clearing::risk_engine::MarginTier {
									notional_floor: 0,
									initial_fraction: Perbill::from_percent(
										(maintenance + 1 + value % 5) as u32,
									),
									maintenance_fraction: Perbill::from_percent(maintenance as u32),
								},
							]),
						}
					},
					_ => pallet_clearing::Call::set_market_open_interest_cap {
						market,
						open_interest_cap: (value % 100) as u128
							* pallet_clearing::Markets::<Runtime>::get(market)
								.map_or(1, |params| params.lot_size)
							* 1_000,
					},
				};
				dispatch(RuntimeCall::Clearing(call), RuntimeOrigin::root())
			},
			Op::SettleExpired { who } => dispatch(
				RuntimeCall::Clearing(pallet_clearing::Call::settle_expired {
					who: self.accounts[who].clone(),
				}),
				signed((who + 1) % 5),
			),
			Op::BlockTrade { maker, taker, legs, sell, offset_bp, lots, twist } => {
				let mut quote_legs = Vec::new();
				for leg in 0..legs as usize {
					let market = MARKETS[leg];
					let (params, at) = Self::pricing(market)?;
					// A two-leg quote sells one market and buys the other: a spread.
					let maker_sells = sell != (leg == 1);
					quote_legs.push(pallet_blocktrade::QuoteLeg {
						market,
						side: if maker_sells { OrderSide::Sell } else { OrderSide::Buy },
						size: lots * params.lot_size,
						price: at(offset_bp),
					});
				}
				// Mostly a fresh nonce; one in ten replays the last one.
				let nonce = if twist % 10 == 0 {
					self.next_nonce[maker].saturating_sub(1)
				} else {
					self.next_nonce[maker] += 1;
					self.next_nonce[maker] - 1
				};
				let block = System::block_number();
				let quote: pallet_blocktrade::QuoteOf<Runtime> = pallet_blocktrade::Quote {
					maker: self.accounts[maker].clone(),
					taker: (twist % 3 == 0)
						.then(|| self.accounts[(taker + twist as usize % 2) % 5].clone()),
					taker_pool: None,
					legs: BoundedVec::truncate_from(quote_legs),
					expires_at: if twist % 17 == 0 { block.saturating_sub(1) } else { block + 10 },
					nonce,
				};
				let signer = if twist % 13 == 0 { (maker + 1) % 5 } else { maker };
				let key = Sr25519Keyring::from_account_id(&self.accounts[signer])
					.ok_or("not a development key")?;
				let signature = sp_runtime::MultiSignature::Sr25519(sp_core::Pair::sign(
					&key.pair(),
					&crate::BlockTrade::signing_payload(&quote),
				));
				dispatch(
					RuntimeCall::BlockTrade(pallet_blocktrade::Call::execute_quote {
						quote: Box::new(quote),
						signature,
					}),
					signed(taker),
				)
			},
			Op::CancelQuotes { who, ahead } => {
				self.next_nonce[who] += ahead;
				dispatch(
					RuntimeCall::BlockTrade(pallet_blocktrade::Call::cancel_quotes_below {
						nonce: self.next_nonce[who],
					}),
					signed(who),
				)
			},
			Op::Pool { action, who, pool, market, by_root } => {
				let admin = if by_root { RuntimeOrigin::root() } else { signed(who) };
				let account = self.accounts[(who + 1) % 5].clone();
				let call = match action {
					0 => pallet_clearing::Call::create_pool {
						admin: pallet_clearing::PoolAdmin::Account(self.accounts[who].clone()),
						insurance_fund: true,
					},
					1 => pallet_clearing::Call::add_pool_member { pool, who: account },
					2 => pallet_clearing::Call::remove_pool_member { pool, who: account },
					3 => pallet_clearing::Call::set_market_pool {
						market: MARKETS[market],
						pool: Some(pool),
					},
					4 => pallet_clearing::Call::set_market_pool {
						market: MARKETS[market],
						pool: None,
					},
					_ => {
						return dispatch(
							RuntimeCall::Clearing(pallet_clearing::Call::fund_pool_insurance {
								pool,
								amount: 100 * tokens::USDC.one(),
							}),
							signed(who),
						)
					},
				};
				let origin = if matches!(action, 1 | 2) { admin } else { RuntimeOrigin::root() };
				dispatch(RuntimeCall::Clearing(call), origin)
			},
		}
	}

	/// Runs an unsigned call as a validator's worker would get it included: validated as
	/// from the pool, then dispatched as in a block. Counts it under `kind`, and a refusal
	/// at validation under "refused at validation"; fails the campaign if a call that
	/// validated then failed in dispatch.
	fn unsigned(
		&mut self,
		kind: &'static str,
		call: pallet_clearing::Call<Runtime>,
	) -> Result<(), String> {
		if Clearing::validate_unsigned(TransactionSource::Local, &call).is_err() {
			count(&mut self.tally, "unsigned refused at validation", Ok(()));
			return Ok(());
		}
		let result = RuntimeCall::Clearing(call.clone())
			.dispatch(RuntimeOrigin::none())
			.map(|_| ())
			.map_err(|e| error_name(e.error));
		count(&mut self.tally, kind, result.clone());
		result.map_err(|error| format!("{call:?} validated but failed in dispatch: {error}"))
	}

	/// What validators' off-chain workers submit after a block: every liquidation, expiry
	/// settlement and auto-deleveraging that applies.
	fn worker(&mut self) -> Result<(), String> {
		let page = Clearing::liquidatable_accounts(None, 100);
		for account in page.accounts {
			if account.cross {
				self.unsigned(
					"liquidate",
					pallet_clearing::Call::liquidate { who: account.who.clone() },
				)?;
			}
			for market in account.isolated_markets {
				self.unsigned(
					"liquidate isolated",
					pallet_clearing::Call::liquidate_isolated { who: account.who.clone(), market },
				)?;
			}
		}
		for who in self.accounts.clone() {
			if Clearing::has_expired_positions(&who) {
				self.unsigned(
					"settle expired (worker)",
					pallet_clearing::Call::settle_expired { who },
				)?;
			}
		}
		for market in MARKETS {
			if Clearing::deleverage_applies(market) {
				self.unsigned(
					"auto-deleverage",
					pallet_clearing::Call::auto_deleverage { market },
				)?;
			}
		}
		Ok(())
	}

	fn next_block(&mut self, ms: u64) {
		let fed = if self.flush_feeds() { Ok(()) } else { Err("feed refused".to_string()) };
		count(&mut self.tally, "oracle feed (end of block)", fed);
		let block = System::block_number();
		Oracle::on_finalize(block);
		Clearing::on_finalize(block);
		System::reset_events();
		System::set_block_number(block + 1);
		self.now_ms += ms;
		set_block_time(self.now_ms);
		Clearing::on_initialize(block + 1);
	}

	/// Both pallets' invariants, and that no token was created or destroyed.
	fn check(&self) -> Result<(), String> {
		Clearing::do_try_state().map_err(|e| format!("clearing invariant: {e:?}"))?;
		Orderbook::do_try_state().map_err(|e| format!("order book invariant: {e:?}"))?;
		for (asset, supply) in &self.supplies {
			if Assets::total_supply(*asset) != *supply {
				return Err(format!("asset {asset}'s supply changed"));
			}
		}
		Ok(())
	}
}

/// Runs `ops` on a fresh development chain; on failure, the index of the operation after
/// which it failed and why.
fn run(ops: &[Op]) -> Result<Tally, (usize, String)> {
	let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
		let mut failure = None;
		let mut tally = Tally::new();
		externalities(DEV_RUNTIME_PRESET).execute_with(|| {
			let mut world = World::new();
			world.start();
			for (at, op) in ops.iter().enumerate() {
				let outcome = world.apply(op);
				count(&mut world.tally, op.kind(), outcome);
				let checked = if matches!(op, Op::NextBlock { .. }) {
					world.worker().and_then(|()| world.check())
				} else {
					Ok(())
				};
				if let Err(why) = checked {
					failure = Some((at, why));
					return;
				}
			}
			if let Err(why) = world.check() {
				failure = Some((ops.len().saturating_sub(1), why));
			}
			tally = world.tally;
		});
		match failure {
			Some(failure) => Err(failure),
			None => Ok(tally),
		}
	}));
	outcome.unwrap_or_else(|panic| {
		let why = panic
			.downcast_ref::<String>()
			.cloned()
			.or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
			.unwrap_or_default();
		Err((ops.len().saturating_sub(1), format!("panicked: {why}")))
	})
}

/// The shortest sequence found that still fails: the failing prefix with chunks removed
/// while the rest keeps failing (at most `budget` runs).
fn shrink(mut ops: Vec<Op>, mut budget: u32) -> Vec<Op> {
	let mut chunk = ops.len() / 2;
	while chunk >= 1 && budget > 0 {
		let mut start = 0;
		let mut removed = false;
		while start < ops.len() && budget > 0 {
			let end = (start + chunk).min(ops.len());
			let candidate: Vec<Op> = ops[..start].iter().chain(&ops[end..]).cloned().collect();
			budget -= 1;
			if !candidate.is_empty() && run(&candidate).is_err() {
				ops = candidate;
				removed = true;
			} else {
				start = end;
			}
		}
		if !removed {
			chunk /= 2;
		}
	}
	ops
}

fn env_or(name: &str, default: u64) -> u64 {
	std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

#[test]
fn random_campaign_keeps_every_invariant() {
	let ops_count = env_or("CAMPAIGN_OPS", 10_000) as usize;
	let seed = env_or("CAMPAIGN_SEED", 17);
	let mut rng = Rng(seed);
	let ops: Vec<Op> = (0..ops_count).map(|_| draw(&mut rng)).collect();
	match run(&ops) {
		Ok(tally) => {
			let mut report = format!(
				"random campaign: seed {seed}, {ops_count} operations, invariants checked after every block\n"
			);
			report.push_str(&format!(
				"{:<32} {:>9} {:>9}  {}\n",
				"kind", "succeeded", "failed", "most frequent reasons"
			));
			for (kind, counts) in &tally {
				let mut reasons: Vec<_> = counts.reasons.iter().collect();
				reasons.sort_by(|a, b| b.1.cmp(a.1));
				let reasons: Vec<String> =
					reasons.iter().take(3).map(|(why, n)| format!("{why} {n}")).collect();
				report.push_str(&format!(
					"{kind:<32} {:>9} {:>9}  {}\n",
					counts.succeeded,
					counts.failed,
					reasons.join(", ")
				));
			}
			println!("{report}");
			if let Ok(path) = std::env::var("CAMPAIGN_REPORT") {
				std::fs::write(path, &report).expect("the campaign report is writable");
			}
			let traded = tally.get("order (immediate-or-cancel)").map_or(0, |c| c.succeeded)
				+ tally.get("order (good-til-cancelled)").map_or(0, |c| c.succeeded);
			assert!(traded > 0, "the campaign placed no order: it tests nothing");
		},
		Err((at, why)) => {
			let shortest = shrink(ops[..=at].to_vec(), 400);
			panic!(
				"random campaign failed: seed {seed} ({ops_count} operations), after operation \
				 {at} ({:?}): {why}\nshortest failing sequence ({} operations):\n{:#?}",
				ops[at],
				shortest.len(),
				shortest
			);
		},
	}
}
