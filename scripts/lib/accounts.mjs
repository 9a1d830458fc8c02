// The clearing pallet's own accounts, read from its metadata constants rather than
// derived here from the runtime's `PalletId`s.

/**
 * `{ insuranceFund, fees, clearing }`: the insurance fund's, the fee account's and the
 * pallet's own account's SS58 addresses, from the `clearing.insuranceAccount`,
 * `clearing.feeAccount` and `clearing.palletId` constants (a pallet's account is `modl`,
 * its 8-byte id, then zeros, as `PalletId::into_account_truncating` makes it).
 */
export function clearingAccounts(api) {
  const { insuranceAccount, feeAccount, palletId } = api.consts.clearing;
  if (!insuranceAccount || !feeAccount || !palletId) {
    throw new Error('the runtime exposes no clearing.insuranceAccount/feeAccount/palletId constants');
  }
  const raw = new Uint8Array(32);
  raw.set(new TextEncoder().encode('modl'), 0);
  raw.set(palletId.toU8a(), 4);
  const clearing = api.createType('AccountId', raw).toString();
  return { insuranceFund: insuranceAccount.toString(), fees: feeAccount.toString(), clearing };
}
