//! The referendum tracks: who may dispatch what, after how long and with how much support.
//!
//! The periods below are the development runtime's: a referendum that is voted through at
//! once is decided and enacted in about a minute of 3 s blocks (prepare 2 blocks, confirm
//! 5, enact 2 after approval, plus the blocks it takes to place the deposit and votes).
//! A production network would use, per track (as on Polkadot's comparable tracks):
//!
//! | track             | prepare | decision | confirm | min. enactment | decision deposit |
//! |-------------------|---------|----------|---------|----------------|------------------|
//! | `root`            | 2 hours | 28 days  | 1 day   | 1 day          | 100,000 CLR      |
//! | `risk_parameters` | 1 hour  | 7 days   | 3 hours | 1 hour         | 1,000 CLR        |
//!
//! Risk parameters get a shorter track than Root because markets move faster than runtime
//! upgrades: a margin increase that waits four weeks protects nobody.

use alloc::borrow::Cow;
use pallet_referenda::{Curve, Track, TrackInfo};
use sp_runtime::{str_array as s, Perbill};

use super::origins;
use crate::{Balance, BlockNumber, OriginCaller, CLR};

/// Track id of `root`.
pub const ROOT_TRACK: u16 = 0;
/// Track id of `risk_parameters`.
pub const RISK_PARAMETERS_TRACK: u16 = 1;

/// Blocks a referendum waits after submission before it may start deciding.
pub const PREPARE_PERIOD: BlockNumber = 2;
/// Blocks a deciding referendum has to reach approval and support before it is rejected.
pub const DECISION_PERIOD: BlockNumber = 40;
/// Blocks approval and support must hold before a referendum passes.
pub const CONFIRM_PERIOD: BlockNumber = 5;
/// Blocks between approval and enactment, at least.
pub const MIN_ENACTMENT_PERIOD: BlockNumber = 2;

const fn percent(x: u32) -> Perbill {
	Perbill::from_parts(x * 10_000_000)
}

/// Approval (aye share of conviction-weighted votes) a referendum needs, falling from 100%
/// to 50% over the decision period.
const APPROVAL: Curve =
	Curve::LinearDecreasing { length: percent(100), floor: percent(50), ceil: percent(100) };

/// Support (aye votes before conviction, as a share of all CLR) a Root referendum needs:
/// from 50% down to 5%.
const ROOT_SUPPORT: Curve =
	Curve::LinearDecreasing { length: percent(100), floor: percent(5), ceil: percent(50) };

/// Support a risk-parameter referendum needs: from 10% down to 1% over the decision period.
const RISK_SUPPORT: Curve =
	Curve::LinearDecreasing { length: percent(100), floor: percent(1), ceil: percent(10) };

const TRACKS: [Track<u16, Balance, BlockNumber>; 2] = [
	Track {
		id: ROOT_TRACK,
		info: TrackInfo {
			name: s("root"),
			max_deciding: 1,
			decision_deposit: 1_000 * CLR,
			prepare_period: PREPARE_PERIOD,
			decision_period: DECISION_PERIOD,
			confirm_period: CONFIRM_PERIOD,
			min_enactment_period: MIN_ENACTMENT_PERIOD,
			min_approval: APPROVAL,
			min_support: ROOT_SUPPORT,
		},
	},
	Track {
		id: RISK_PARAMETERS_TRACK,
		info: TrackInfo {
			name: s("risk_parameters"),
			max_deciding: 10,
			decision_deposit: 100 * CLR,
			prepare_period: PREPARE_PERIOD,
			decision_period: DECISION_PERIOD,
			confirm_period: CONFIRM_PERIOD,
			min_enactment_period: MIN_ENACTMENT_PERIOD,
			min_approval: APPROVAL,
			min_support: RISK_SUPPORT,
		},
	},
];

/// The chain's referendum tracks.
pub struct TracksInfo;

impl pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = u16;
	type RuntimeOrigin =
		<crate::RuntimeOrigin as frame_support::traits::OriginTrait>::PalletsOrigin;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<Self::Id, Balance, BlockNumber>>> {
		TRACKS.iter().map(Cow::Borrowed)
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<Self::Id, ()> {
		match origin {
			OriginCaller::system(frame_system::RawOrigin::Root) => Ok(ROOT_TRACK),
			OriginCaller::Origins(origins::Origin::RiskParameters) => Ok(RISK_PARAMETERS_TRACK),
			_ => Err(()),
		}
	}
}
