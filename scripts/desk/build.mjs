#!/usr/bin/env node
// Builds the desk into scripts/desk/dist/: one bundle (desk.js, everything inside it; no
// CDN at run time), the stylesheet and the page.
//
//   node desk/build.mjs [--minify]
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const here = import.meta.dirname;
const dist = path.join(here, 'dist');

export async function buildDesk({ minify = process.argv.includes('--minify') } = {}) {
  await mkdir(dist, { recursive: true });
  const result = await build({
    entryPoints: [path.join(here, 'src/main.jsx')],
    bundle: true,
    outfile: path.join(dist, 'desk.js'),
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  await copyFile(path.join(here, 'index.html'), path.join(dist, 'index.html'));
  await copyFile(path.join(here, 'desk.css'), path.join(dist, 'desk.css'));
  const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
  return { dist, bytes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { dist: out, bytes } = await buildDesk();
  console.log(`desk built into ${out} (desk.js ${bytes} bytes)`);
}
