// Faults, in two steps (the first argument picks one):
//   finality-without: with dave stopped, the other three keep finalizing: returns how many
//     blocks alice finalized in the 30 s that followed (at least 5 is asked for);
//   caught-up: dave, restarted, reaches the finalized head alice had, and at that block
//     all four nodes hold the same block hash and state root: returns 1.
const { connect, finalizedNumber, waitFor } = require('./lib.js');

async function finalityWithout(networkInfo) {
  const alice = await connect(networkInfo, 'alice');
  try {
    const start = await finalizedNumber(alice);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const end = await finalizedNumber(alice);
    console.log(`with dave stopped, alice finalized #${start} -> #${end}`);
    return end - start;
  } finally {
    await alice.disconnect();
  }
}

async function caughtUp(networkInfo) {
  const names = ['alice', 'bob', 'charlie', 'dave'];
  const apis = await Promise.all(names.map((name) => connect(networkInfo, name)));
  try {
    const target = await finalizedNumber(apis[0]);
    await waitFor(`dave finalizing #${target}`, async () => (await finalizedNumber(apis[3])) >= target, { timeoutMs: 180_000 });
    const seen = await Promise.all(apis.map(async (api) => {
      const hash = await api.rpc.chain.getBlockHash(target);
      const header = await api.rpc.chain.getHeader(hash);
      return `${hash.toHex()} ${header.stateRoot.toHex()}`;
    }));
    names.forEach((name, i) => console.log(`${name} #${target}: ${seen[i]}`));
    if (new Set(seen).size !== 1) throw new Error(`the nodes disagree at #${target}`);
    return 1;
  } finally {
    await Promise.all(apis.map((api) => api.disconnect()));
  }
}

async function run(_nodeName, networkInfo, args) {
  switch (args[0]) {
    case 'finality-without': return finalityWithout(networkInfo);
    case 'caught-up': return caughtUp(networkInfo);
    default: throw new Error(`unknown step ${args[0]}`);
  }
}

module.exports = { run };
