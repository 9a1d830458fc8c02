//! What the pallet stores: collateral and ledgers, markets and positions, the oracle
//! guards, risk parameters (with their defaults) and the pallet's genesis.

use frame_support::pallet_macros::pallet_section;

/// The pallet's storage items, their defaults and its genesis; imported into [`crate::pallet`].
#[pallet_section]
mod storage {
	/// Permissioned pools, by id (see [`crate::pools`]).
	#[pallet::storage]
	pub type Pools<T: Config> =
		StorageMap<_, Twox64Concat, PoolId, PoolInfo<T::AccountId>, OptionQuery>;

	/// The id the next pool gets.
	#[pallet::storage]
	pub type NextPoolId<T: Config> = StorageValue<_, PoolId, ValueQuery>;

	/// Each pool's members: present means a member.
	#[pallet::storage]
	pub type PoolMembers<T: Config> =
		StorageDoubleMap<_, Twox64Concat, PoolId, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	/// The pool each restricted market is restricted to; a market not here is open to all.
	#[pallet::storage]
	pub type MarketPools<T: Config> = StorageMap<_, Twox64Concat, MarketId, PoolId, OptionQuery>;

	/// Collateral assets and how they count, by asset id.
	#[pallet::storage]
	pub type CollateralAssets<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AssetId, CollateralConfig<T::OracleKey>, OptionQuery>;

	/// The tokens of each collateral asset the pallet holds for all accounts (its cash):
	/// deposits and repayments in, withdrawals and borrows out.
	#[pallet::storage]
	pub type TotalDeposits<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AssetId, u128, ValueQuery>;

	/// Each account's settlement-asset balance, in scaled units of its money market
	/// (positive is a supply, negative a borrow, a debt), with the tokens put in and taken
	/// out since it was opened (see [`crate::SettlementRecord`]). Worth
	/// [`Pallet::settlement_balance`] tokens.
	#[pallet::storage]
	pub type SettlementBalances<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, crate::SettlementRecord, ValueQuery>;

	/// An account's non-settlement balances as stored, by asset: scaled units of each
	/// asset's money market, positive a supply, negative a borrow.
	pub type CollateralBalancesOf<T> =
		BoundedBTreeMap<<T as Config>::AssetId, i128, <T as Config>::MaxCollateralAssets>;

	/// Each account's non-settlement balances, by asset.
	#[pallet::storage]
	pub type CollateralBalances<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, CollateralBalancesOf<T>, ValueQuery>;

	/// For each of an account's non-settlement balances, what it would be worth had it
	/// earned and paid no interest (moved at every change by the change in its worth), so
	/// that interest is the rest. Written with [`CollateralBalances`], which an account's
	/// own calls, liquidations and (the insurance fund's) the reserve change, never a
	/// fill; a balance stored before interest was tracked has none until the version 5
	/// pass or its next change. No empty map is stored.
	#[pallet::storage]
	pub type CollateralPrincipals<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, CollateralBalancesOf<T>, ValueQuery>;

	/// Each collateral asset's money market: its rate curve, reserve factor, caps and
	/// liability weights (see [`crate::lending`]). Every listed asset has one.
	#[pallet::storage]
	pub type LendingMarkets<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AssetId, LendingConfig, OptionQuery>;

	/// Each money market's supply and borrow indices and the borrow rate in force: what
	/// every conversion between tokens and scaled balances in a block uses. Written only by
	/// the end-of-block accrual.
	#[pallet::storage]
	pub type LendingIndices<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AssetId, risk_engine::money_market::Indices, ValueQuery>;

	/// Each money market's scaled totals and cumulative interest counters.
	#[pallet::storage]
	pub type LendingTotals<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AssetId, PoolTotals, ValueQuery>;

	/// Accounts that owe something (a negative balance of any asset, the settlement asset
	/// included, or a synthetic debt), with how many assets and synthetics they owe: what the liquidation walks visit besides
	/// the holders of positions. The insurance fund is never in it.
	#[pallet::storage]
	pub type Borrowers<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, u32, OptionQuery>;

	/// An account's segregated holdings, by asset: tokens held apart from the money market
	/// (see [`Pallet::set_segregated`]).
	pub type SegregatedOf<T> =
		BoundedBTreeMap<<T as Config>::AssetId, u128, <T as Config>::MaxCollateralAssets>;

	/// Each account's segregated assets (opted out of lending with
	/// [`Pallet::set_segregated`]) and the tokens of each it holds apart: never lent, earning
	/// nothing, withdrawable whatever the market's utilisation. An asset listed with 0
	/// tokens is still segregated; beside it the account's [`CollateralBalances`] entry is
	/// never a supply (zero, or a borrow while the holding is empty). Never the settlement
	/// asset.
	#[pallet::storage]
	pub type SegregatedBalances<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, SegregatedOf<T>, ValueQuery>;

	/// Per asset, the tokens all accounts hold segregated: the part of the pool's tokens
	/// ([`TotalDeposits`]) that the money market never lends.
	#[pallet::storage]
	pub type SegregatedTotals<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AssetId, u128, ValueQuery>;

	/// While the settlement asset's money market is set up after the upgrade that opened
	/// the money markets ([`crate::migrations::v4`]): the raw [`SettlementBalances`] key of
	/// the last balance counted into its totals, empty before the first. Until the pass
	/// ends, the settlement market accrues nothing.
	#[pallet::storage]
	pub type LendingSetup<T: Config> =
		StorageValue<_, BoundedVec<u8, ConstU32<{ crate::bands::MAX_RAW_KEY_LEN }>>, OptionQuery>;

	/// While the balances stored before interest was tracked get their principals, after
	/// the upgrade that began keeping them ([`crate::migrations::v5`]): the map the pass is
	/// in (0: [`SettlementBalances`], 1: [`CollateralBalances`]) and the raw key of the last
	/// entry it did, empty before the first.
	#[pallet::storage]
	pub type PrincipalSetup<T: Config> = StorageValue<
		_,
		(u8, BoundedVec<u8, ConstU32<{ crate::bands::MAX_RAW_KEY_LEN }>>),
		OptionQuery,
	>;

	/// Synthetic markets, by their token (see [`crate::synthetics`]): at most
	/// [`Config::MaxSynthetics`].
	#[pallet::storage]
	pub type Synthetics<T: Config> = CountedStorageMap<
		_,
		Blake2_128Concat,
		T::AssetId,
		crate::SyntheticConfig<T::OracleKey>,
		OptionQuery,
	>;

	/// Each synthetic's debt outstanding (always its token's supply), stability-fee index
	/// and fees paid.
	#[pallet::storage]
	pub type SyntheticStates<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AssetId, crate::SyntheticState, ValueQuery>;

	/// An account's synthetic debts, by token.
	pub type SyntheticDebtsOf<T> =
		BoundedBTreeMap<<T as Config>::AssetId, crate::SyntheticDebt, <T as Config>::MaxSynthetics>;

	/// What each account owes of each synthetic it minted (or, for the insurance fund, took
	/// over in liquidations). No empty map and no zero debt is stored.
	#[pallet::storage]
	pub type SyntheticDebts<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, SyntheticDebtsOf<T>, ValueQuery>;

	/// The most all synthetic debt together may be worth, at the prices in force, once a
	/// mint adds to it (settlement units): the chain-wide circuit breaker beside each
	/// synthetic's own cap. A risk parameter.
	#[pallet::storage]
	pub type SyntheticDebtCeiling<T: Config> =
		StorageValue<_, u128, ValueQuery, DefaultSyntheticDebtCeiling<T>>;

	/// The default ceiling: 10,000,000 USD.
	#[pallet::type_value]
	pub fn DefaultSyntheticDebtCeiling<T: Config>() -> u128 {
		10_000_000u128.saturating_mul(10u128.saturating_pow(T::SettlementDecimals::get().into()))
	}

	/// Markets by id (at most [`MAX_MARKETS`]).
	#[pallet::storage]
	pub type Markets<T: Config> =
		CountedStorageMap<_, Twox64Concat, MarketId, MarketParamsOf<T>, OptionQuery>;

	/// What changes in each market as it trades: funding index, open interest, last trade.
	#[pallet::storage]
	pub type MarketStates<T: Config> =
		StorageMap<_, Twox64Concat, MarketId, MarketState, ValueQuery>;

	/// Each account's positions, by market: at most [`Config::MaxPositionsPerAccount`] for a
	/// trader, one in every listed market for the insurance fund.
	#[pallet::storage]
	pub type Positions<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, PositionsOf, ValueQuery>;

	/// Each account's safety bands, by scope (its cross book, or an isolated position): how
	/// far each price it depends on may move before it can reach maintenance (see
	/// [`crate::bands`]). Kept whenever the account's positions or collateral change; a scope
	/// that can be liquidated is here or in [`UnbandedScopes`].
	#[pallet::storage]
	pub type Bands<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		BandScope,
		BandRecord<T::OracleKey>,
		OptionQuery,
	>;

	/// Every band's floor on every key, highest floor first (the key is the floor's
	/// complement, big-endian): after an update to `P`, the scopes to check on that key are
	/// the entries from the first up to the last floor at or above `P`.
	#[pallet::storage]
	pub type BandFloors<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, T::OracleKey>,
			NMapKey<Identity, [u8; 16]>,
			NMapKey<Blake2_128Concat, (T::AccountId, BandScope)>,
		),
		(),
		OptionQuery,
	>;

	/// Every band's ceiling on every key, lowest ceiling first (big-endian): after an update
	/// to `P`, the scopes to check are the entries up to the last ceiling at or below `P`.
	#[pallet::storage]
	pub type BandCeilings<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, T::OracleKey>,
			NMapKey<Identity, [u8; 16]>,
			NMapKey<Blake2_128Concat, (T::AccountId, BandScope)>,
		),
		(),
		OptionQuery,
	>;

	/// Every band by the end of its horizon (ms, big-endian), soonest first: a band past its
	/// horizon no longer holds, so its scope needs a check (and a new band).
	#[pallet::storage]
	pub type BandExpiries<T: Config> = StorageNMap<
		_,
		(NMapKey<Identity, [u8; 8]>, NMapKey<Blake2_128Concat, (T::AccountId, BandScope)>),
		(),
		OptionQuery,
	>;

	/// Scopes that can be liquidated but have no band, so need a check at every update:
	/// health does not cover the band's reserve (a mark sliding within its band could take
	/// them below maintenance), they are portfolio-margined, or a price they need is
	/// missing.
	#[pallet::storage]
	pub type UnbandedScopes<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, (T::AccountId, BandScope), (), OptionQuery>;

	/// While bands are rebuilt after a change of the parameters they were worked out from
	/// (see [`crate::bands`]): the raw [`Positions`] key of the last account rebuilt, empty
	/// before the first. Until the rebuild ends, stored bands may be too wide: the worker's
	/// sweep is the backstop.
	#[pallet::storage]
	pub type BandRebuild<T: Config> =
		StorageValue<_, BoundedVec<u8, ConstU32<{ crate::bands::MAX_RAW_KEY_LEN }>>, OptionQuery>;

	/// Every trader's open position, by market and side, in deleveraging order: longs from
	/// the lowest entry price, shorts from the highest (see [`crate::deleverage`]). Kept by
	/// every trade; the insurance fund is never in it.
	#[pallet::storage]
	pub type DeleverageQueue<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, MarketId>,
			NMapKey<Twox64Concat, bool>,
			NMapKey<Identity, deleverage::QueueKey>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		(),
		OptionQuery,
	>;

	/// The perpetual markets, which accrue funding at the end of every block: at most
	/// [`MAX_MARKETS`], whatever number of option series has been listed over time.
	#[pallet::storage]
	pub type Perpetuals<T: Config> =
		StorageValue<_, BoundedVec<MarketId, ConstU32<MAX_MARKETS>>, ValueQuery>;

	/// How many option series have settled in full (closed, no position left): they no
	/// longer count against [`MAX_MARKETS`].
	#[pallet::storage]
	pub type SettledSeriesCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// How old (ms) a price may be and still be used to add risk. A risk parameter.
	#[pallet::storage]
	pub type MaxPriceAge<T: Config> = StorageValue<_, u64, ValueQuery, DefaultMaxPriceAge>;

	/// The default maximum price age: one minute.
	#[pallet::type_value]
	pub fn DefaultMaxPriceAge() -> u64 {
		60_000
	}

	/// The share of a liquidated position's value paid to the insurance fund. A risk
	/// parameter, below every market's maintenance fraction.
	#[pallet::storage]
	pub type LiquidationPenalty<T: Config> =
		StorageValue<_, sp_arithmetic::Perbill, ValueQuery, DefaultLiquidationPenalty>;

	/// The default liquidation penalty: 1%.
	#[pallet::type_value]
	pub fn DefaultLiquidationPenalty() -> sp_arithmetic::Perbill {
		sp_arithmetic::Perbill::from_percent(1)
	}

	/// The health a partial liquidation restores, as a share of the maintenance requirement
	/// left. A risk parameter.
	#[pallet::storage]
	pub type LiquidationBuffer<T: Config> =
		StorageValue<_, sp_arithmetic::Perbill, ValueQuery, DefaultLiquidationBuffer>;

	/// The default liquidation buffer: 10% of the maintenance requirement.
	#[pallet::type_value]
	pub fn DefaultLiquidationBuffer() -> sp_arithmetic::Perbill {
		sp_arithmetic::Perbill::from_percent(10)
	}

	/// The block each account (`None`) or isolated position (`Some(market)`) was last
	/// liquidated in: one liquidation of each per block.
	#[pallet::storage]
	pub type LastLiquidation<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		Option<MarketId>,
		BlockNumberFor<T>,
		OptionQuery,
	>;

	/// The jump breaker's bound and hold (see [`risk_engine::price_guard`]). A risk parameter.
	#[pallet::storage]
	pub type JumpBreakerParams<T: Config> =
		StorageValue<_, risk_engine::JumpBreaker, ValueQuery, DefaultJumpBreaker>;

	/// The default jump breaker: a move of more than 20% in one update is held until a later
	/// update confirms it (or returns within 20% of the price in force).
	#[pallet::type_value]
	pub fn DefaultJumpBreaker() -> risk_engine::JumpBreaker {
		risk_engine::JumpBreaker { bound: sp_arithmetic::Perbill::from_percent(20) }
	}

	/// The oracle keys the pallet prices with (every market's and every priced collateral
	/// asset's), whose prices the jump breaker watches.
	#[pallet::storage]
	pub type GuardedKeys<T: Config> =
		StorageValue<_, BoundedVec<T::OracleKey, ConstU32<MAX_GUARDED_KEYS>>, ValueQuery>;

	/// What the jump breaker remembers of each guarded key: the price in force and a held
	/// jump, if any.
	#[pallet::storage]
	pub type PriceGuards<T: Config> =
		StorageMap<_, Blake2_128Concat, T::OracleKey, risk_engine::GuardedPrice, OptionQuery>;

	/// Risk changes scheduled by the risk origin, applied in order at the start of the next
	/// block (see [`crate::parameters`]).
	#[pallet::storage]
	pub type PendingRiskChanges<T: Config> = StorageValue<
		_,
		BoundedVec<RiskChangeOf<T>, ConstU32<{ parameters::MAX_PENDING_RISK_CHANGES }>>,
		ValueQuery,
	>;

	/// How many accounts the liquidation worker checks after each block, when set below
	/// [`Config::MaxAccountsScannedPerBlock`] (the default). A risk parameter.
	#[pallet::storage]
	pub type LiquidationScanLimit<T: Config> = StorageValue<_, u32, OptionQuery>;

	/// Portfolio margin's scenario grid (see [`risk_engine::portfolio`]). A risk parameter.
	#[pallet::storage]
	pub type PortfolioGridParams<T: Config> =
		StorageValue<_, risk_engine::portfolio::ScenarioGrid, ValueQuery, DefaultPortfolioGrid>;

	/// The default grid, [`risk_engine::portfolio::ScenarioGrid::STANDARD`]: moves of up to
	/// 5% in 17 points, volatility 65% up (up to three times that for options within 30 days
	/// of expiry) or 30% down, extreme moves of 3 x 5% counted at 33%, a short-option minimum
	/// of 1% of the index, maintenance at 80% of initial. A range no wider than the markets' lowest initial fraction (5% on the
	/// listed perpetuals) means a perpetual book never needs more under portfolio margin
	/// than under cross (see [`risk_engine::portfolio`]).
	#[pallet::type_value]
	pub fn DefaultPortfolioGrid() -> risk_engine::portfolio::ScenarioGrid {
		risk_engine::portfolio::ScenarioGrid::STANDARD
	}

	/// The correlation of two underlyings (oracle keys), stored both ways round; a pair never
	/// set counts as fully correlated (no offset). A risk parameter.
	#[pallet::storage]
	pub type Correlations<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::OracleKey,
		Blake2_128Concat,
		T::OracleKey,
		sp_arithmetic::FixedI128,
		OptionQuery,
	>;

	/// Accounts that opted into portfolio margin (absent: `Cross`).
	#[pallet::storage]
	pub type MarginModes<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, MarginMode, ValueQuery>;

	/// The least equity (initial, settlement units) an account needs to opt into portfolio
	/// margin, and to add risk or withdraw while in it. A risk parameter.
	#[pallet::storage]
	pub type PortfolioMinimumEquity<T: Config> =
		StorageValue<_, u128, ValueQuery, DefaultPortfolioMinimumEquity<T>>;

	/// The default minimum: 10,000 USD.
	#[pallet::type_value]
	pub fn DefaultPortfolioMinimumEquity<T: Config>() -> u128 {
		10u128.saturating_pow(u32::from(T::SettlementDecimals::get())).saturating_mul(10_000)
	}

	/// The index an expired option series settles at, fixed at the first settlement after
	/// its expiry (rounded down to the market's tick) so that every holder settles at the
	/// same price.
	#[pallet::storage]
	pub type SettlementPrices<T: Config> =
		StorageMap<_, Twox64Concat, MarketId, Price, OptionQuery>;

	/// How the volatility of each guarded price is estimated (see [`crate::adaptive`]). A
	/// risk parameter.
	#[pallet::storage]
	pub type VolatilityModelParams<T: Config> =
		StorageValue<_, VolatilityModel, ValueQuery, DefaultVolatilityModel>;

	/// The default model: RiskMetrics' 94%, per hour rather than per day so that the estimate
	/// answers a turn within hours; a gap of at most ten minutes per return; 80% assumed
	/// before the first return.
	#[pallet::type_value]
	pub fn DefaultVolatilityModel() -> VolatilityModel {
		VolatilityModel {
			params: risk_engine::adaptive::VolatilityParams {
				lambda: sp_arithmetic::Perbill::from_percent(94),
				interval_ms: 3_600_000,
				max_gap_ms: 600_000,
			},
			seed_volatility: sp_arithmetic::Perbill::from_percent(80),
		}
	}

	/// The EWMA volatility estimate of each guarded price, updated at the end of every block
	/// in which the price in force was newly observed.
	#[pallet::storage]
	pub type Volatilities<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::OracleKey,
		risk_engine::adaptive::VolatilityEstimate,
		OptionQuery,
	>;

	/// Markets under adaptive margin, with their parameters, static schedule and ramp. The
	/// market's stored tiers are the ones in force (see [`crate::adaptive`]).
	#[pallet::storage]
	pub type AdaptiveMargins<T: Config> =
		CountedStorageMap<_, Twox64Concat, MarketId, AdaptiveMarginOf<T>, OptionQuery>;

	/// How far adaptive margin has scaled each underlying's initial fraction (in force over
	/// static, the largest of its adaptive markets): the portfolio scan's price range on it
	/// scales by the same (see [`crate::adaptive`]).
	#[pallet::storage]
	pub type AdaptiveScanScales<T: Config> =
		StorageMap<_, Blake2_128Concat, T::OracleKey, sp_arithmetic::FixedU128, OptionQuery>;

	/// The most an adaptive fraction rises per block (a share of notional). A risk parameter.
	#[pallet::storage]
	pub type MarginRampStep<T: Config> =
		StorageValue<_, sp_arithmetic::Perbill, ValueQuery, DefaultMarginRampStep>;

	/// The default step: 0.01% of notional a block, so a rise from 5% to 15% takes 1,000
	/// blocks (50 minutes of 3 s blocks): time for a warned trader to act.
	#[pallet::type_value]
	pub fn DefaultMarginRampStep() -> sp_arithmetic::Perbill {
		sp_arithmetic::Perbill::from_parts(100_000)
	}

	/// The pallet's genesis: collateral assets and markets to register.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Collateral assets.
		pub collateral: alloc::vec::Vec<(T::AssetId, CollateralConfig<T::OracleKey>)>,
		/// Markets.
		pub markets: alloc::vec::Vec<(MarketId, MarketParamsOf<T>)>,
		/// Maximum price age (ms); the default when `None`.
		pub max_price_age_ms: Option<u64>,
		/// Accounts to start with, for load tests (see [`crate::genesis`]).
		#[serde(default)]
		pub seeded: Option<SeededBook<T::AccountId>>,
		/// Synthetic markets, listed as [`Pallet::register_synthetic`] lists them: each
		/// token must exist with this pallet's account in every role and no supply.
		#[serde(default)]
		pub synthetics: alloc::vec::Vec<(T::AssetId, crate::SyntheticConfig<T::OracleKey>)>,
		/// Money markets of listed assets; an asset not named starts with
		/// [`LendingConfig::listing_default`] ([`LendingConfig::settlement_default`] for
		/// the settlement asset).
		#[serde(default)]
		pub lending: alloc::vec::Vec<(T::AssetId, LendingConfig)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (asset, config) in &self.collateral {
				Pallet::<T>::validate_collateral(*asset, config)
					.expect("genesis collateral must be valid");
				CollateralAssets::<T>::insert(asset, config);
				if let Some(key) = config.oracle_key {
					Pallet::<T>::guard_key(key).expect("genesis keys fit the guard list");
				}
				let lending = self
					.lending
					.iter()
					.find(|(listed, _)| listed == asset)
					.map(|(_, lending)| lending.clone());
				Pallet::<T>::open_lending_market(*asset, lending)
					.expect("genesis money markets must be valid");
			}
			for (asset, _) in &self.lending {
				assert!(
					CollateralAssets::<T>::contains_key(asset),
					"a genesis money market's asset must be listed"
				);
			}
			for (id, params) in &self.markets {
				Pallet::<T>::validate_market(params).expect("genesis market must be valid");
				Markets::<T>::insert(id, params);
				Pallet::<T>::note_perpetual(*id, params).expect("genesis markets fit the list");
				Pallet::<T>::guard_market_keys(params).expect("genesis keys fit the guard list");
			}
			for (asset, config) in &self.synthetics {
				Pallet::<T>::list_synthetic(*asset, config.clone())
					.expect("genesis synthetics must be valid");
			}
			if let Some(age) = self.max_price_age_ms {
				MaxPriceAge::<T>::put(age);
			}
			if let Some(book) = &self.seeded {
				Pallet::<T>::seed_book(book).expect("the seeded book must be valid");
			}
		}
	}
}
