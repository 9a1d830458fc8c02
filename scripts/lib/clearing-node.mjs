// The node the tools run and talk to: where its binary is, and how far its chain has
// finalized. Imports only Node.js built-ins, so zombienet's CommonJS steps can load it too.
import path from 'node:path';

/** The `clearing-node` binary: `$CLEARING_NODE`, else the workspace's release build. */
export function nodeBinary() {
  return process.env.CLEARING_NODE
    ?? path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../../target/release/clearing-node');
}

/** The number of the latest finalized block, through the @polkadot/api instance `api`. */
export async function finalizedNumber(api) {
  const hash = await api.rpc.chain.getFinalizedHead();
  const header = await api.rpc.chain.getHeader(hash);
  return header.number.toNumber();
}
