// Web playback on loopback, in real Chromium against the whole platform (API, worker, built web server):
//  1. feed page load -> first video frame playing (navigation start to the first animation frame at which the
//     clip on screen plays past its first frame), fresh browser context (cold HTTP cache) each run;
//  2. swipe -> next clip playing: the feed scrolled to the next clip (as a finished swipe leaves it) to the
//     first animation frame at which that clip plays; the next clip is preloaded while the first plays.
// Also Chromium's CPU time per run (all its processes, from /proc), and the load of the machine.
// Run: npx tsx bench/web-playback.ts [runs]   (needs Postgres, Redis, ffmpeg and /usr/bin/chromium)
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { approve, signUp, uploadClip, waitForStatus } from '../infra/test/e2e/seed.ts';
import { startSeededPlatform, TEST_POSTGRES_ADMIN_URL, TEST_REDIS_URL } from '../infra/test/e2e/seeded-platform.ts';
import { generateClip } from '../packages/media/test/clips.ts';

const runs = Number(process.argv[2] ?? 15);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
/** CPU seconds (user + system) of a process and all its descendants, from /proc (Linux). */
function treeCpuSeconds(rootPid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  let ticks = 0;
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop() ?? 0;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, info] of stats) if (info.ppid === pid) queue.push(child);
  }
  return ticks / 100; // USER_HZ
}

/** The Chromium we launched: the process whose command line carries our marker switch. */
function findBrowserPid(marker: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) return Number(entry);
    } catch {}
  }
  return 0;
}

const fmt = (values: number[]) => `median ${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`;

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}; load before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const platform = await startSeededPlatform({ postgresAdminUrl: TEST_POSTGRES_ADMIN_URL, redisUrl: TEST_REDIS_URL });
try {
  // two more plain clips, so the first screens of the feed carry no content-warning cover
  const cookie = await signUp(platform.apiUrl, { handle: 'bench_creator', password: 'bench-creator-password' });
  const reviewer = await fetch(`${platform.apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(platform.seed.reviewer),
  });
  const reviewerCookie = reviewer.headers.get('set-cookie')?.split(';')[0] ?? '';
  for (const i of [1, 2]) {
    const path = await generateClip({ path: join(process.cwd(), `test-results/bench-clip${i}.mp4`), width: 540, height: 960, seconds: 6, fps: 30, audio: true });
    const id = await uploadClip(platform.apiUrl, cookie, path, { title: `Bench clip ${i}`, category: 'motivation' });
    await waitForStatus(platform.apiUrl, cookie, id, 'in_review');
    await approve(platform.apiUrl, reviewerCookie, id, { featured: true });
  }

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      ...['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
      '--autoplay-policy=no-user-gesture-required',
      `--onward-bench-marker=${process.pid}`, // unknown to Chromium; finds its processes for the CPU figure
    ],
  });
  const browserPid = findBrowserPid(`--onward-bench-marker=${process.pid}`);
  let browserCpuStart = 0;
  const firstFrame: number[] = [];
  const swipe: number[] = [];
  const wallStart = Date.now();
  const cpuStart = process.cpuUsage();
  for (let run = 0; run < runs + 1; run++) {
    // bypassCSP: the app's CSP has no 'unsafe-eval', and Playwright evaluates the string predicates below with eval
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    // installed before any page script: checked on every animation frame, the moment the clip on screen has
    // moved past its first frame (currentTime > 0 and playing)
    // (a string, not a function: tsx would wrap named inner functions in a helper the page does not have)
    await page.addInitScript(`
      window.frames_ = 0;
      const watch = () => {
        window.frames_++;
        const video = document.querySelector('article.clip[data-active="true"] video');
        if (video && video.currentTime > 0 && !video.paused) window.firstFrameAt = performance.now();
        else requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
    `);
    await page.goto(platform.webUrl);
    await page.waitForFunction('window.firstFrameAt !== undefined', null, { timeout: 20_000 }).catch(async (error: unknown) => {
      const state = await page.evaluate(`[window.frames_, ...[...document.querySelectorAll('article.clip')].map((a) =>
        [a.getAttribute('aria-label'), a.getAttribute('data-active'), a.querySelector('video')?.currentTime])]`);
      throw new Error(`no first frame: ${JSON.stringify(state)}`, { cause: error });
    });
    const loadToFrame = (await page.evaluate('window.firstFrameAt')) as number;
    if (run === runs && process.env.BENCH_TIMELINE) {
      const timeline = await page.evaluate(`[
        ...performance.getEntriesByType('navigation').map((e) => ['page', Math.round(e.responseEnd), Math.round(e.domContentLoadedEventEnd)]),
        ...performance.getEntriesByType('resource').map((e) => [e.name.replace(location.origin, '').slice(0, 70), Math.round(e.startTime), Math.round(e.responseEnd)]),
      ]`);
      console.log(timeline);
    }
    // let the next clip preload (as a viewer watching the first one), then swipe
    await page.waitForTimeout(1500);
    const swipeMs = (await page.evaluate(`new Promise((done) => {
      const feed = document.querySelector('section.feed');
      const next = document.querySelector('.slot[data-index="1"]');
      const video = next && next.querySelector('video');
      if (!feed || !next || !video) return done(NaN);
      const start = performance.now();
      const watch = () => {
        if (video.currentTime > 0 && !video.paused) done(performance.now() - start);
        else requestAnimationFrame(watch);
      };
      feed.scrollTo({ top: next.offsetTop, behavior: 'instant' });
      requestAnimationFrame(watch);
    })`)) as number;
    await context.close();
    if (run === 0) {
      // warm-up: the web server's and API's first requests
      browserCpuStart = treeCpuSeconds(browserPid);
      continue;
    }
    firstFrame.push(loadToFrame);
    swipe.push(swipeMs);
  }
  const browserCpu = treeCpuSeconds(browserPid) - browserCpuStart;
  await browser.close();
  const cpu = process.cpuUsage(cpuStart);
  console.log(`runs: ${runs} (after one warm-up), wall ${((Date.now() - wallStart) / 1000).toFixed(1)} s`);
  console.log(`feed load -> first frame playing: ${fmt(firstFrame)}`);
  console.log(`swipe -> next clip playing:       ${fmt(swipe)}`);
  console.log(`Chromium CPU (all its processes) per run (load, play ~2.5 s, swipe): ${((browserCpu / runs) * 1000).toFixed(0)} ms`);
  console.log(`bench process CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await platform.stop();
}
