//! What the runtime API reports: an account's collateral, positions and figures; a market's
//! parameters and prices; an account's book margined every way, before and after
//! hypothetical trades; and the chain's capital efficiency. Reports read and compute; they
//! write nothing.

use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, storage::with_transaction};
use risk_engine::{IsolatedPosition, MarginTier};
use sp_arithmetic::{traits::Saturating, FixedPointNumber, FixedU128, Perbill};
use sp_runtime::TransactionOutcome;

use crate::{
	margin::Owed, pallet::*, AccountReport, ChainEfficiency, CollateralReport, Instrument,
	MarginMode, MarginReport, MarketId, MarketReport, ModeRequirement, PositionReport,
	PriceProvider, SimulatedTrade, UnderlyingExposure,
};

/// The most trades one `simulate` call applies.
pub const MAX_SIMULATED_TRADES: u32 = 16;

impl<T: Config> Pallet<T> {
	/// `gross_notional / locked` as a ratio, `None` when nothing is locked.
	pub(crate) fn efficiency(gross_notional: u128, locked: u128) -> Option<FixedU128> {
		(locked > 0).then(|| FixedU128::saturating_from_rational(gross_notional, locked))
	}

	/// The account's full margin report.
	pub fn account_report(who: &T::AccountId) -> Result<AccountReport<T::AssetId>, DispatchError> {
		let inputs = Self::load_cross_inputs(who);
		let quote_decimals = T::SettlementDecimals::get();
		let settlement_weights = Self::settlement_weights();
		let settlement_value = |level| {
			risk_engine::settlement_margin_value(
				inputs.settlement_balance,
				&settlement_weights,
				level,
			)
			.ok()
		};
		let mut collateral = alloc::vec![CollateralReport {
			asset: T::SettlementAsset::get(),
			balance: inputs.settlement_balance,
			value: Some(inputs.settlement_balance),
			initial_value: settlement_value(risk_engine::MarginLevel::Initial),
			maintenance_value: settlement_value(risk_engine::MarginLevel::Maintenance),
		}];
		for (asset, amount, holding) in &inputs.collateral {
			let value_at = |level| {
				holding
					.and_then(|h| risk_engine::holding_margin_value(&h, quote_decimals, level).ok())
					.and_then(|v| i128::try_from(v).ok())
			};
			collateral.push(CollateralReport {
				asset: *asset,
				balance: i128::try_from(*amount).unwrap_or(i128::MAX),
				value: holding
					.and_then(|h| risk_engine::holding_market_value(&h, quote_decimals).ok())
					.and_then(|v| i128::try_from(v).ok()),
				initial_value: value_at(risk_engine::MarginLevel::Initial),
				maintenance_value: value_at(risk_engine::MarginLevel::Maintenance),
			});
		}
		let portfolio_mode = MarginModes::<T>::get(who) == MarginMode::Portfolio;
		for (owed_kind, owed, liability) in &inputs.liabilities {
			let Owed::Borrow(asset) = owed_kind else { continue };
			// Under portfolio margin a borrow counts at market value: the scan carries its
			// price risk in place of the weight.
			let owed_at = |level| {
				liability
					.and_then(|l| match portfolio_mode {
						true => risk_engine::liability_market_value(&l, quote_decimals).ok(),
						false => {
							risk_engine::liability_margin_value(&l, quote_decimals, level).ok()
						},
					})
					.and_then(|v| i128::try_from(v).ok())
					.map(|v| -v)
			};
			collateral.push(CollateralReport {
				asset: *asset,
				balance: i128::try_from(*owed).map(|owed| -owed).unwrap_or(i128::MIN),
				value: liability
					.and_then(|l| risk_engine::liability_market_value(&l, quote_decimals).ok())
					.and_then(|v| i128::try_from(v).ok())
					.map(|v| -v),
				initial_value: owed_at(risk_engine::MarginLevel::Initial),
				maintenance_value: owed_at(risk_engine::MarginLevel::Maintenance),
			});
		}

		let holdings = inputs.holdings();
		let cross_exposures = inputs.cross_exposures();
		let mut cross =
			Self::cross_margin_of(&inputs, &holdings, &cross_exposures, portfolio_mode)?;
		if portfolio_mode {
			let cross_positions =
				inputs.positions.iter().filter(|p| p.record.isolated_margin.is_none());
			let scan = Self::portfolio_scan(cross_positions, inputs.borrow_legs())?.margin;
			Self::apply_portfolio_requirements(&mut cross, &scan)?;
		}
		let account = Self::cross_account(&inputs, &holdings, &cross_exposures);
		let loaded = &inputs.positions;
		let mut positions = Vec::with_capacity(loaded.len());
		let mut cross_index = 0usize;
		for loaded_position in loaded {
			let scale = Self::market_scale(&loaded_position.params);
			let mut report = PositionReport {
				market: loaded_position.market,
				position_size: loaded_position.record.position.size,
				entry_price: loaded_position.record.position.entry_price(&scale).ok().flatten(),
				mark_price: loaded_position.prices.map(|p| p.mark),
				notional: 0,
				unrealized_pnl: 0,
				funding_owed: 0,
				initial_requirement: 0,
				maintenance_requirement: 0,
				open_orders: loaded_position.record.open_orders,
				open_order_requirement: 0,
				liquidation_price: None,
				isolated_margin: loaded_position.record.isolated_margin,
				isolated_health: None,
			};
			if let Some(exposure) = loaded_position.exposure() {
				if let Ok(figures) = risk_engine::position_margin(&exposure) {
					report.notional = figures.notional;
					report.unrealized_pnl = figures.unrealized_pnl;
					report.funding_owed = figures.funding_owed;
					report.initial_requirement = figures.initial_requirement;
					report.maintenance_requirement = figures.maintenance_requirement;
					report.open_order_requirement = figures.open_order_requirement;
				}
				match loaded_position.record.isolated_margin {
					Some(margin) => {
						let isolated = IsolatedPosition { margin, exposure };
						report.isolated_health =
							risk_engine::isolated_margin(&isolated).ok().map(|f| f.health);
						report.liquidation_price =
							risk_engine::isolated_liquidation_price(&isolated).ok().flatten();
					},
					None => {
						// Under portfolio margin no single price moves the whole scan.
						report.liquidation_price = (!portfolio_mode)
							.then(|| risk_engine::cross_liquidation_price(&account, cross_index))
							.and_then(|price| price.ok().flatten());
						cross_index += 1;
					},
				}
			}
			positions.push(report);
		}

		Ok(AccountReport {
			collateral,
			equity_initial: cross.equity_initial,
			equity_maintenance: cross.equity_maintenance,
			initial_requirement: cross.initial_requirement,
			open_order_requirement: cross.open_order_requirement,
			maintenance_requirement: cross.maintenance_requirement,
			free_collateral: cross.free_collateral,
			health: cross.health,
			positions,
			uses_stale_prices: inputs.stale,
			lending: Self::lending_lines(who),
			synthetics: Self::synthetic_lines(who, &inputs, portfolio_mode),
		})
	}

	/// Each synthetic debt in `inputs` as its report line (see [`crate::SyntheticDebtLine`]);
	/// `portfolio`: the account is portfolio-margined, so a debt the scan moves counts at
	/// its market value.
	pub(crate) fn synthetic_lines(
		who: &T::AccountId,
		inputs: &crate::margin::CrossInputs<T>,
		portfolio: bool,
	) -> Vec<crate::SyntheticDebtLine<T::AssetId>> {
		let quote_decimals = T::SettlementDecimals::get();
		inputs
			.liabilities
			.iter()
			.filter_map(|(owed, debt, liability)| {
				let Owed::Synthetic(asset) = owed else { return None };
				let config = Synthetics::<T>::get(asset);
				let fee_owed = config.as_ref().map_or(0, |config| {
					let fee_index = SyntheticStates::<T>::get(asset).fee_index;
					Self::synthetic_fee_owed(
						&Self::synthetic_debt_of(who, *asset),
						fee_index,
						config.decimals,
					)
				});
				let scanned = portfolio
					&& config
						.as_ref()
						.is_some_and(|config| matches!(config.peg, crate::SyntheticPeg::Oracle(_)));
				let value = liability
					.and_then(|l| risk_engine::liability_market_value(&l, quote_decimals).ok());
				let requirement = |level| {
					let margin = risk_engine::liability_margin_value(
						liability.as_ref()?,
						quote_decimals,
						level,
					)
					.ok()?;
					Some(margin.saturating_sub(value?))
				};
				let taken = |level| {
					let taken = match scanned {
						true => value?,
						false => value?.saturating_add(requirement(level)?),
					};
					i128::try_from(taken).ok().map(|taken| -taken)
				};
				Some(crate::SyntheticDebtLine {
					asset: *asset,
					debt: *debt,
					price: liability.map(|l| l.price),
					value,
					initial_requirement: requirement(risk_engine::MarginLevel::Initial),
					maintenance_requirement: requirement(risk_engine::MarginLevel::Maintenance),
					initial_value: taken(risk_engine::MarginLevel::Initial),
					maintenance_value: taken(risk_engine::MarginLevel::Maintenance),
					fee_owed,
				})
			})
			.collect()
	}

	/// A market's parameters and state.
	pub fn market_report(market: MarketId) -> Option<MarketReport<T::OracleKey>> {
		let params = Markets::<T>::get(market)?;
		let state = MarketStates::<T>::get(market);
		let prices = Self::market_prices(market, &params, &state);
		Some(MarketReport {
			id: market,
			symbol: params.symbol.to_vec(),
			oracle_key: params.oracle_key,
			size_decimals: params.size_decimals,
			tick_size: params.tick_size,
			lot_size: params.lot_size,
			min_size: params.min_size,
			tiers: params.tiers.iter().copied().collect::<Vec<MarginTier>>(),
			taker_fee: params.taker_fee,
			maker_fee: params.maker_fee,
			funding_interval_ms: params.funding_interval_ms,
			funding_rate_cap: params.funding_rate_cap,
			max_price_age_ms: Self::market_max_price_age(&params),
			open_interest_cap: params.open_interest_cap,
			status: params.status,
			instrument: params.instrument,
			expired: Self::is_expired(&params),
			implied_volatility: match params.instrument {
				Instrument::Option { volatility_key, .. } => {
					Self::oracle_price_within(&volatility_key, Self::market_max_price_age(&params))
						.map(|(volatility, _)| volatility)
				},
				Instrument::Perpetual => None,
			},
			open_interest: state.open_interest,
			funding_index: state.funding_index,
			index_price: T::PriceProvider::price(&params.oracle_key),
			index_fresh: prices.is_some_and(|p| p.fresh),
			held_jump: Self::guarded_price(&params.oracle_key)
				.and_then(|guarded| guarded.held)
				.map(|held| held.price),
			mark_price: prices.map(|p| p.mark),
			last_trade_price: state.last_trade_price,
			best_bid: state.best_bid,
			best_ask: state.best_ask,
			price_band: params.price_band,
			price_band_bounds: prices.map(|prices| Self::price_band_bounds(&params, &prices)),
		})
	}

	/// The account's book margined every way (see the module docs). Positions without a
	/// price are left out.
	pub fn margin_report(
		who: &T::AccountId,
	) -> Result<MarginReport<T::OracleKey, T::AssetId>, DispatchError> {
		let (figures, inputs, scan) = Self::cross_figures_with_inputs(who)?;
		let positions = &inputs.positions;

		let mut gross_notional = 0u128;
		let mut isolated = ModeRequirement::default();
		// Isolated positions keep their own margin under the cross mode too.
		let mut isolated_positions = ModeRequirement::default();
		let mut tiered_cross = ModeRequirement::default();
		for loaded in positions {
			let Some(exposure) = loaded.exposure() else { continue };
			let position = risk_engine::position_margin(&exposure).map_err(Error::<T>::from)?;
			// An option's exposure is the underlying it covers, not its premium.
			let notional = match exposure.option {
				Some(option) => exposure
					.scale
					.value(
						exposure.position.size.unsigned_abs(),
						option.underlying,
						sp_arithmetic::Rounding::Up,
					)
					.map_err(Error::<T>::from)?,
				None => position.notional,
			};
			gross_notional = gross_notional.saturating_add(notional);
			let initial =
				position.initial_requirement.saturating_add(position.open_order_requirement);
			isolated.initial_requirement = isolated.initial_requirement.saturating_add(initial);
			isolated.maintenance_requirement =
				isolated.maintenance_requirement.saturating_add(position.maintenance_requirement);
			let bucket = if loaded.record.isolated_margin.is_some() {
				&mut isolated_positions
			} else {
				&mut tiered_cross
			};
			bucket.initial_requirement = bucket.initial_requirement.saturating_add(initial);
			bucket.maintenance_requirement =
				bucket.maintenance_requirement.saturating_add(position.maintenance_requirement);
		}

		// Under portfolio margin the figures already hold the scan.
		let scan = match scan {
			Some(scan) => scan,
			None => Self::portfolio_scan(
				positions.iter().filter(|p| p.record.isolated_margin.is_none()),
				inputs.borrow_legs(),
			)?,
		};
		let open_orders = figures.margin.open_order_requirement;
		isolated.capital_efficiency =
			Self::efficiency(gross_notional, isolated.initial_requirement);
		let mode_total = |initial: u128, maintenance: u128| {
			let initial = initial.saturating_add(isolated_positions.initial_requirement);
			ModeRequirement {
				initial_requirement: initial,
				maintenance_requirement: maintenance
					.saturating_add(isolated_positions.maintenance_requirement),
				capital_efficiency: Self::efficiency(gross_notional, initial),
			}
		};
		let cross =
			mode_total(tiered_cross.initial_requirement, tiered_cross.maintenance_requirement);
		let portfolio = mode_total(
			scan.margin.initial_requirement.saturating_add(open_orders),
			scan.margin.maintenance_requirement,
		);
		let underlyings = scan
			.underlyings
			.iter()
			.zip(&scan.margin.underlyings)
			.map(|(u, risk)| {
				let greeks = u.greeks().map_err(Error::<T>::from)?;
				Ok(UnderlyingExposure {
					oracle_key: u.key,
					price: FixedU128::from_inner(u.price.into_inner().max(0) as u128),
					delta: greeks.delta,
					gamma: greeks.gamma,
					vega: greeks.vega,
					worst_loss: risk.worst_loss,
					worst_move: risk.worst_move,
				})
			})
			.collect::<Result<_, DispatchError>>()?;
		Ok(MarginReport {
			mode: figures.mode,
			gross_notional,
			equity: figures.margin.equity_initial,
			isolated,
			cross,
			portfolio,
			underlyings,
			lending: Self::lending_lines(who),
			synthetics: Self::synthetic_lines(who, &inputs, figures.mode == MarginMode::Portfolio),
		})
	}

	/// The account's [`MarginReport`] after `trades`, a pre-trade check: each trade is
	/// applied to the account's side as a taker (funding settled, the taker fee charged) at
	/// its price or the mark, in a storage layer that is rolled back, so nothing is
	/// written. At most [`MAX_SIMULATED_TRADES`] trades; each needs a listed market, a size
	/// in whole lots and a price (given or marked).
	pub fn simulate(
		who: &T::AccountId,
		trades: &[SimulatedTrade],
	) -> Result<MarginReport<T::OracleKey, T::AssetId>, DispatchError> {
		ensure!(trades.len() <= MAX_SIMULATED_TRADES as usize, Error::<T>::TooManySimulatedTrades);
		with_transaction(|| {
			let outcome = (|| {
				for trade in trades {
					let params =
						Markets::<T>::get(trade.market).ok_or(Error::<T>::UnknownMarket)?;
					let units = trade.trade_size.unsigned_abs();
					ensure!(units > 0 && units % params.lot_size == 0, Error::<T>::InvalidSize);
					let state = Self::accrue_funding(trade.market, &params)?;
					let price = match trade.price {
						Some(price) => price,
						None => {
							Self::market_prices(trade.market, &params, &state)
								.ok_or(Error::<T>::StalePrice)?
								.mark
						},
					};
					Self::apply_side(
						who,
						trade.market,
						&state,
						&Self::market_scale(&params),
						trade.trade_size,
						price,
						params.taker_fee,
						None,
					)?;
				}
				Self::margin_report(who)
			})();
			TransactionOutcome::Rollback(outcome)
		})
	}

	/// Gross notional and locked collateral over every account holding positions, under
	/// cross margin (in force) and under portfolio margin; and per collateral asset, how
	/// much of it is lent out and what it earns.
	pub fn capital_efficiency() -> ChainEfficiency<T::AssetId> {
		let mut totals = ChainEfficiency::default();
		for who in Positions::<T>::iter_keys() {
			let Ok(report) = Self::margin_report(&who) else { continue };
			totals.accounts = totals.accounts.saturating_add(1);
			totals.gross_notional = totals.gross_notional.saturating_add(report.gross_notional);
			let in_force = match report.mode {
				MarginMode::Cross => report.cross.initial_requirement,
				MarginMode::Portfolio => report.portfolio.initial_requirement,
			};
			totals.locked_in_force = totals.locked_in_force.saturating_add(in_force);
			totals.locked_portfolio =
				totals.locked_portfolio.saturating_add(report.portfolio.initial_requirement);
		}
		totals.efficiency_in_force =
			Self::efficiency(totals.gross_notional, totals.locked_in_force);
		totals.efficiency_portfolio =
			Self::efficiency(totals.gross_notional, totals.locked_portfolio);
		Self::collateral_yields(&mut totals);
		totals
	}

	/// Fills in `totals`' per-asset collateral yields and their value-weighted averages.
	fn collateral_yields(totals: &mut ChainEfficiency<T::AssetId>) {
		let quote_decimals = T::SettlementDecimals::get();
		// Settlement units: deposited, lent out, earning a year.
		let (mut deposited_value, mut lent_value, mut earning_value) = (0u128, 0u128, 0u128);
		for (asset, config) in LendingMarkets::<T>::iter() {
			let state = Self::market_state(asset, &config);
			let segregated = SegregatedTotals::<T>::get(asset);
			let deposited = state.supplied.saturating_add(segregated);
			if deposited == 0 {
				continue;
			}
			let average_yield = state
				.supply_rate
				.saturating_mul(FixedU128::saturating_from_rational(state.supplied, deposited));
			let value = if asset == T::SettlementAsset::get() {
				Some(deposited)
			} else {
				CollateralAssets::<T>::get(asset).and_then(|listing| {
					let (price, _) = Self::oracle_price(&listing.oracle_key?)?;
					risk_engine::UnitScale::new(listing.params.decimals, quote_decimals)
						.value(deposited, price, sp_arithmetic::Rounding::Down)
						.ok()
				})
			};
			let productive_share = Perbill::from_rational(state.borrowed.min(deposited), deposited);
			if let Some(value) = value {
				deposited_value = deposited_value.saturating_add(value);
				lent_value = lent_value.saturating_add(productive_share.mul_floor(value));
				earning_value =
					earning_value.saturating_add(average_yield.saturating_mul_int(value));
			}
			totals.collateral.push(crate::CollateralYield {
				asset,
				deposited,
				supplied: state.supplied,
				segregated,
				borrowed: state.borrowed,
				productive_share,
				average_yield,
				value,
			});
		}
		if deposited_value > 0 {
			totals.productive_share = Some(Perbill::from_rational(lent_value, deposited_value));
			totals.average_yield =
				Some(FixedU128::saturating_from_rational(earning_value, deposited_value));
		}
	}

	/// Every synthetic as [`crate::SyntheticReport`] lists it. Walks every account that owes
	/// a synthetic, for the issuers' collateralisation and the least healthy: a runtime-API
	/// read, never run on chain.
	pub fn synthetics_report() -> Vec<crate::SyntheticReport<T::AccountId, T::AssetId, T::OracleKey>>
	{
		use frame_support::traits::fungibles::Inspect;
		let quote_decimals = T::SettlementDecimals::get();
		let fund = T::InsuranceAccount::get();
		// Per issuer once: its health, what its synthetic debts are worth, and its worth.
		let mut issuers: Vec<(T::AccountId, SyntheticDebtsOf<T>, i128, u128, i128)> = Vec::new();
		for (who, debts) in SyntheticDebts::<T>::iter() {
			let inputs = Self::load_cross_inputs(&who);
			let debts_value: u128 = inputs
				.liabilities
				.iter()
				.filter(|(owed, _, _)| matches!(owed, Owed::Synthetic(_)))
				.filter_map(|(_, _, liability)| {
					risk_engine::liability_market_value(liability.as_ref()?, quote_decimals).ok()
				})
				.fold(0, u128::saturating_add);
			let worth = Self::net_value_of(&inputs);
			let health = match who == fund {
				true => i128::MIN,
				false => Self::cross_figures_from(&who, &inputs)
					.map(|(figures, _)| figures.margin.health)
					.unwrap_or(i128::MIN),
			};
			issuers.push((who, debts, health, debts_value, worth));
		}
		Synthetics::<T>::iter()
			.map(|(asset, config)| {
				let state = SyntheticStates::<T>::get(asset);
				let price = Self::synthetic_price(&config);
				let debt_value = price.and_then(|(price, _)| {
					risk_engine::UnitScale::new(config.decimals, quote_decimals)
						.value(state.total_debt, price, sp_arithmetic::Rounding::Up)
						.ok()
				});
				let owing = issuers.iter().filter(|(_, debts, ..)| debts.contains_key(&asset));
				let (backing, owed) = owing.clone().filter(|(who, ..)| *who != fund).fold(
					(0i128, 0u128),
					|(backing, owed), (_, _, _, value, worth)| {
						let before =
							worth.saturating_add(i128::try_from(*value).unwrap_or(i128::MAX));
						(backing.saturating_add(before), owed.saturating_add(*value))
					},
				);
				let collateralisation = (owed > 0).then(|| {
					FixedU128::saturating_from_rational(backing.max(0).unsigned_abs(), owed)
				});
				let mut least_healthy: Vec<(T::AccountId, i128)> =
					owing.clone().map(|(who, _, health, ..)| (who.clone(), *health)).collect();
				least_healthy.sort_by_key(|(_, health)| *health);
				least_healthy.truncate(crate::synthetics::MAX_REDEMPTION_ISSUERS as usize);
				crate::SyntheticReport {
					asset,
					supply: T::Assets::total_issuance(asset),
					total_debt: state.total_debt,
					debt_cap: config.terms.debt_cap,
					price,
					debt_value,
					fee_index: state.fee_index,
					fees_paid: state.fees_paid,
					issuers: owing.count() as u32,
					collateralisation,
					least_healthy,
					config,
				}
			})
			.collect()
	}
}
