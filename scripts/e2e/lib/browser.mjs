// Headless Chromium for the desk's browser tests: Debian's `chromium` package (installed by
// scripts/setup-toolchain.sh), driven by puppeteer-core, which never downloads a browser.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

/** Where Chromium is: `$CHROMIUM`, else Debian's /usr/bin/chromium. */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`no Chromium at ${candidates.join(', ')}: run scripts/setup-toolchain.sh (it installs Debian's chromium) or set CHROMIUM`);
  return found;
}

/**
 * Launches headless Chromium with a fresh profile and returns `{ browser, close }`. The
 * flags keep it from reaching for Google's services, which this sandbox refuses.
 */
export async function launchBrowser() {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'clearing-desk-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    userDataDir: profile,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-default-apps', '--disable-extensions', '--mute-audio',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}
