//! The maker's signature: the right key, this chain, this quote exactly.

use super::assert_nothing_moved;
use crate::{mock::*, Error, NonceStatus, Pallet};
use codec::Encode;
use frame_support::{assert_noop, assert_ok};
use sp_core::{Pair, H256};
use sp_runtime::MultiSignature;

#[test]
fn a_quote_signed_by_its_maker_executes() {
	new_test_ext().execute_with(|| {
		let quote = quote();
		assert_ok!(BlockTrade::execute_quote(
			RuntimeOrigin::signed(bob()),
			Box::new(quote.clone()),
			sign("Alice", &quote)
		));
		assert_eq!(position(&alice(), BTC_PERP), -(ONE as i128));
		assert_eq!(position(&bob(), BTC_PERP), ONE as i128);
		assert_eq!(position(&alice(), ETH_PERP), 10 * ONE as i128);
		assert_eq!(position(&bob(), ETH_PERP), -10 * ONE as i128);
		assert_eq!(Pallet::<Test>::nonce_status(&alice(), 1), NonceStatus::Used);
	});
}

#[test]
fn a_quote_signed_by_anyone_else_is_refused() {
	new_test_ext().execute_with(|| {
		let quote = quote();
		assert_noop!(
			BlockTrade::execute_quote(
				RuntimeOrigin::signed(bob()),
				Box::new(quote.clone()),
				sign("Charlie", &quote)
			),
			Error::<Test>::BadSignature
		);
		assert_nothing_moved(&quote);
	});
}

#[test]
fn a_quote_signed_for_another_chain_is_refused() {
	new_test_ext().execute_with(|| {
		let quote = quote();
		let other_chain = sign_for("Alice", &quote, [0x43; 32]);
		assert_noop!(
			BlockTrade::execute_quote(
				RuntimeOrigin::signed(bob()),
				Box::new(quote.clone()),
				other_chain
			),
			Error::<Test>::BadSignature
		);
		assert_nothing_moved(&quote);
	});
}

#[test]
fn a_quote_changed_after_signing_is_refused() {
	new_test_ext().execute_with(|| {
		let signed = quote();
		let signature = sign("Alice", &signed);
		// A better price for the taker, a later expiry, another nonce, a leg dropped: each
		// is a different message.
		let mut cheaper = signed.clone();
		cheaper.legs[0].price = sp_arithmetic::FixedU128::from_u32(59_500);
		let mut later = signed.clone();
		later.expires_at = 100;
		let mut renumbered = signed.clone();
		renumbered.nonce = 2;
		let mut one_leg = signed.clone();
		one_leg.legs.pop();
		for changed in [cheaper, later, renumbered, one_leg] {
			assert_noop!(
				BlockTrade::execute_quote(
					RuntimeOrigin::signed(bob()),
					Box::new(changed.clone()),
					signature.clone()
				),
				Error::<Test>::BadSignature
			);
			assert_nothing_moved(&changed);
		}
	});
}

#[test]
fn the_tag_is_part_of_what_is_signed() {
	new_test_ext().execute_with(|| {
		let quote = quote();
		// The same genesis and quote without the domain tag: a signature over some other
		// message that happens to embed them is no quote signature.
		let untagged = (H256(GENESIS), &quote).encode();
		let signature = MultiSignature::Sr25519(pair("Alice").sign(&untagged));
		assert_noop!(
			BlockTrade::execute_quote(RuntimeOrigin::signed(bob()), Box::new(quote), signature),
			Error::<Test>::BadSignature
		);
	});
}

#[test]
fn a_signature_over_the_extension_wrapped_payload_is_accepted() {
	new_test_ext().execute_with(|| {
		let quote = quote();
		let payload = Pallet::<Test>::signing_payload(&quote);
		assert_eq!(payload, (crate::QUOTE_DOMAIN, H256(GENESIS), &quote).encode());
		let wrapped = [&b"<Bytes>"[..], &payload[..], &b"</Bytes>"[..]].concat();
		let signature = MultiSignature::Sr25519(pair("Alice").sign(&wrapped));
		assert_ok!(BlockTrade::execute_quote(
			RuntimeOrigin::signed(bob()),
			Box::new(quote),
			signature
		));
		assert_eq!(position(&bob(), BTC_PERP), ONE as i128);
	});
}
