// Starts a real `clearing-node --dev` for a test: a temporary base path, free ports on
// 127.0.0.1 (never the 9944 of a dev node a user may be running), and an @polkadot/api
// connection once its RPC answers; `startDevChain` adds the development accounts.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { nodeBinary } from '../../lib/clearing-node.mjs';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves `fn()` once it returns a truthy value, polling every `intervalMs`. An error
 * thrown with `fatal: true` ends the wait at once; others are retried.
 */
export async function waitFor(what, fn, { timeoutMs = 60_000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      if (error.fatal) throw error;
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/**
 * Starts the node binary (`nodeBinary()`: `$CLEARING_NODE`, else the release build) with
 * `--dev` and returns `{ api, rpcUrl, logFile, stop }`. `stop()` sends SIGINT and resolves
 * with the exit code and signal once the process has ended.
 */
export async function startDevNode({ extraArgs = [] } = {}) {
  const binary = nodeBinary();
  const basePath = await mkdtemp(path.join(os.tmpdir(), 'clearing-e2e-'));
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const logFile = path.join(os.tmpdir(), `clearing-e2e-node-${rpcPort}.log`);
  const log = createWriteStream(logFile);

  const args = [
    '--dev',
    '--base-path', basePath,
    '--rpc-port', String(rpcPort),
    '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
    '--no-prometheus',
    '--no-telemetry',
    '--no-mdns',
    ...extraArgs,
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  exited.then(() => { hasExited = true; });

  const rpcUrl = `ws://127.0.0.1:${rpcPort}`;
  let api;
  try {
    await waitFor(`the node's RPC on ${rpcUrl} (log: ${logFile})`, async () => {
      if (hasExited) {
        throw Object.assign(new Error(`clearing-node exited early; see ${logFile}`), { fatal: true });
      }
      return new Promise((resolve) => {
        const socket = net.connect(rpcPort, '127.0.0.1', () => { socket.end(); resolve(true); });
        socket.on('error', () => resolve(false));
      });
    });
    api = await ApiPromise.create({ provider: new WsProvider(rpcUrl), throwOnConnect: true, noInitWarn: true });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  async function stop({ timeoutMs = 30_000 } = {}) {
    if (api) await api.disconnect();
    if (!hasExited) child.kill('SIGINT');
    const result = await Promise.race([
      exited,
      sleep(timeoutMs, undefined, { ref: false }).then(() => ({ code: null, signal: 'timeout' })),
    ]);
    if (result.signal === 'timeout') child.kill('SIGKILL');
    log.end();
    await rm(basePath, { recursive: true, force: true });
    return result;
  }

  return { api, rpcUrl, logFile, stop };
}

/** The development accounts the suite signs with, by their `//Name` derivation. */
const DEV_ACCOUNTS = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve'];

/**
 * A test's chain: waits for the crypto WASM, starts the node (`options` as for
 * `startDevNode`) and returns `{ node, api, keyring, alice, bob, charlie, dave, eve }`: the
 * accounts as sr25519 pairs of `keyring` (SS58 format 42).
 */
export async function startDevChain(options) {
  await cryptoWaitReady();
  const node = await startDevNode(options);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const accounts = Object.fromEntries(DEV_ACCOUNTS.map((name) => [name.toLowerCase(), keyring.addFromUri(`//${name}`)]));
  return { node, api: node.api, keyring, ...accounts };
}

/**
 * For `after()`: stops `node` unless it never started or a test already stopped it (and
 * said so by setting `node.stopped`).
 */
export async function stopDevNode(node) {
  if (node && !node.stopped) await node.stop();
}
