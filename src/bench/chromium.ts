/** Debian's Chromium; npm cannot download browsers on this network. `.ci/run` installs it. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, and asking nothing of the network it was not told to (the machine's network is closed). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
