import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** The committed screenshots in docs/ are refreshed only on request (UPDATE_SCREENSHOTS=1); a plain test run leaves the tree clean. */
export const updatingScreenshots = process.env.UPDATE_SCREENSHOTS === '1';

export function screenshotPath(name: string): string {
  return updatingScreenshots ? path.join('docs', 'screenshots', name) : path.join(os.tmpdir(), `toolstream-${name}`);
}

/** Debian's chromium (scripts/ensure-chromium.js installs it), headless, with nothing fetched in the background. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A picture of terminal output (plain text) as a dark terminal window shows it, for the README. */
export async function screenshotTerminal(text: string, name: string, command: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 980, height: 200 } });
    const escape = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    await page.setContent(
      `<body style="margin:0;background:#1e1e1e"><pre style="margin:0;padding:14px 18px;color:#e6e6e6;font:14px/1.45 'DejaVu Sans Mono',monospace;white-space:pre-wrap">` +
        `<span style="color:#8fd18f">$</span> ${escape(command)}\n${escape(text)}</pre></body>`,
    );
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
  } finally {
    await browser.close();
  }
}
