// The clearing pallet's own accounts, read from its metadata constants rather than
// derived here from the runtime's `PalletId`s.

/**
 * `{ insuranceFund, fees }`: the insurance fund's and the fee account's SS58 addresses,
 * from the `clearing.insuranceAccount` and `clearing.feeAccount` constants.
 */
export function clearingAccounts(api) {
  const { insuranceAccount, feeAccount } = api.consts.clearing;
  if (!insuranceAccount || !feeAccount) {
    throw new Error('the runtime exposes no clearing.insuranceAccount/feeAccount constants');
  }
  return { insuranceFund: insuranceAccount.toString(), fees: feeAccount.toString() };
}
