//! `docs/rehypothecation.md` is what its generator prints: regenerate it with
//! `cargo run -q --release -p risk-engine --example rehypothecation > docs/rehypothecation.md`.

#[path = "../examples/rehypothecation.rs"]
mod generator;

#[test]
fn the_committed_document_is_what_the_generator_prints() {
	let committed = include_str!("../../../docs/rehypothecation.md");
	let generated = generator::render();
	assert!(
		committed == generated,
		"docs/rehypothecation.md is out of date: regenerate it with `cargo run -q --release \
		 -p risk-engine --example rehypothecation > docs/rehypothecation.md`"
	);
}
