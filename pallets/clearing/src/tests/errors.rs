//! The risk engine's errors reach callers as the pallet errors that say what went wrong.

use super::*;
use risk_engine::RiskError;

#[test]
fn every_engine_error_keeps_its_meaning() {
	let expected = [
		(RiskError::Overflow, Error::<Test>::Overflow),
		(RiskError::UnsupportedDecimals, Error::UnsupportedDecimals),
		(RiskError::NoMarginTiers, Error::InvalidMarginTiers),
		(RiskError::FirstTierNotAtZero, Error::InvalidMarginTiers),
		(RiskError::TierFloorsNotIncreasing, Error::InvalidMarginTiers),
		(RiskError::TierFractionsDecreasing, Error::InvalidMarginTiers),
		(RiskError::MaintenanceNotBelowInitial, Error::InvalidMarginTiers),
		(RiskError::InvalidHaircuts, Error::InvalidHaircuts),
		(RiskError::LiabilityFactorBelowOne, Error::InvalidLiabilityFactor),
		(RiskError::NoSuchPosition, Error::NoSuchPosition),
		(RiskError::OutOfDomain, Error::OutOfDomain),
		(RiskError::InvalidScenarioGrid, Error::InvalidScenarioGrid),
		(RiskError::InvalidCorrelations, Error::InvalidCorrelation),
		(RiskError::InvalidAdaptiveParams, Error::InvalidAdaptiveMargin),
	];
	// Only the engine's overflow is the pallet's overflow.
	let overflows =
		expected.iter().filter(|(_, pallet)| matches!(pallet, Error::<Test>::Overflow)).count();
	assert_eq!(overflows, 1);
	for (engine, pallet) in expected {
		assert_eq!(
			DispatchError::from(Error::<Test>::from(engine)),
			DispatchError::from(pallet),
			"{engine:?}"
		);
	}
}
