// Ladder benchmark: one ffmpeg process for all rungs (what the worker runs) against four separate processes
// (PeerTube's approach), on a generated 30 s 1080x1920 30 fps clip with audio. Prints realtime factors (median of
// RUNS), CPU seconds per video second, and PSNR/SSIM of the 720p and 1080p rungs against the source scaled alike.
// Run: npx tsx bench/ladder.ts [--runs 3]   (a few minutes on 2 cores; keep the machine otherwise idle)
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  buildLadderArgs,
  type LadderPlan,
  planLadder,
  probeMedia,
  runFfmpeg,
  validateSource,
} from '../packages/media/src/index.ts';
import { generateClip } from '../packages/media/test/clips.ts';
import { joinRung } from '../packages/media/test/ffprobe-inspect.ts';

const execFileAsync = promisify(execFile);
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag === -1 ? 3 : Number(process.argv[runsFlag + 1]);
const SECONDS = 30;

/** CPU seconds used by our reaped children so far (utime + stime of waited-for children, /proc/self/stat). */
async function childCpuSeconds(): Promise<number> {
  const stat = await readFile('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the ")" the fields start at #3 (state); cutime is #16 and cstime #17.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function timed(run: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const cpu0 = await childCpuSeconds();
  const t0 = performance.now();
  await run();
  return { wall: (performance.now() - t0) / 1000, cpu: (await childCpuSeconds()) - cpu0 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function quality(encoded: string, source: string, width: number, height: number): Promise<{ psnr: number; ssim: number }> {
  const graph =
    `[0:v]setpts=PTS-STARTPTS,split[e1][e2];` +
    `[1:v]scale=w=${width}:h=${height}:flags=bicubic,setsar=1,format=yuv420p,setpts=PTS-STARTPTS,split[r1][r2];` +
    `[e1][r1]psnr;[e2][r2]ssim`;
  const { stderr } = await execFileAsync('ffmpeg', ['-hide_banner', '-nostdin', '-i', encoded, '-i', source, '-lavfi', graph, '-f', 'null', '-'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const psnr = Number(/PSNR .*average:([\d.]+)/.exec(stderr)?.[1]);
  const ssim = Number(/SSIM .*All:([\d.]+)/.exec(stderr)?.[1]);
  return { psnr, ssim };
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'onward-bench-ladder-'));
  try {
    const source = join(work, 'source.mp4');
    console.log(`generating ${SECONDS} s 1080x1920 30 fps source with audio...`);
    await generateClip({ path: source, width: 1080, height: 1920, seconds: SECONDS, fps: 30, audio: true, preset: 'veryfast' });
    const plan = planLadder(validateSource(await probeMedia(source)));
    console.log(`load average before timing: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`rungs: ${plan.rungs.map((r) => `${r.name} ${r.width}x${r.height} ${r.preset} crf${r.crf} maxrate ${r.maxrate / 1000}k`).join(', ')}`);

    const single: { wall: number; cpu: number }[] = [];
    const separate: { wall: number; cpu: number }[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const oneDir = join(work, `one-${run}`);
      single.push(await timed(() => runFfmpeg(buildLadderArgs(plan, source, oneDir), { timeoutMs: 600_000, nice: 0 }).then(() => undefined)));
      const fourDir = join(work, `four-${run}`);
      separate.push(
        await timed(async () => {
          for (const rung of plan.rungs) {
            const onePlan: LadderPlan = { ...plan, rungs: [rung] };
            await runFfmpeg(buildLadderArgs(onePlan, source, fourDir), { timeoutMs: 600_000, nice: 0 });
          }
        }),
      );
      console.log(
        `run ${run}: one process ${single.at(-1)?.wall.toFixed(1)} s, four processes ${separate.at(-1)?.wall.toFixed(1)} s`,
      );
    }

    const oneWall = median(single.map((s) => s.wall));
    const fourWall = median(separate.map((s) => s.wall));
    const oneCpu = median(single.map((s) => s.cpu)) / SECONDS;
    const fourCpu = median(separate.map((s) => s.cpu)) / SECONDS;
    const r720 = plan.rungs.find((r) => r.name === 'v720');
    const r1080 = plan.rungs.find((r) => r.name === 'v1080');
    const q720 = r720 ? await quality((await joinRung(join(work, 'one-1'), 'v720')).path, source, r720.width, r720.height) : null;
    const q1080 = r1080 ? await quality((await joinRung(join(work, 'one-1'), 'v1080')).path, source, r1080.width, r1080.height) : null;

    const rows = [
      '| setup | wall (median) | realtime factor | CPU-s per video-s |',
      '|---|---|---|---|',
      `| one process, 4 rungs (buildLadderArgs) | ${oneWall.toFixed(1)} s | ${(SECONDS / oneWall).toFixed(2)}x | ${oneCpu.toFixed(2)} |`,
      `| four processes, one rung each, one after another | ${fourWall.toFixed(1)} s | ${(SECONDS / fourWall).toFixed(2)}x | ${fourCpu.toFixed(2)} |`,
    ];
    console.log(`\n${rows.join('\n')}\n`);
    console.log(`load average after timing: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (above ~2 means other work competed)`);
    console.log(`one process is ${(fourWall / oneWall).toFixed(2)}x faster than four processes`);
    if (q720) console.log(`720p rung vs source scaled to 720x1280: PSNR ${q720.psnr.toFixed(2)} dB, SSIM ${q720.ssim.toFixed(4)}`);
    if (q1080) console.log(`1080p rung vs source: PSNR ${q1080.psnr.toFixed(2)} dB, SSIM ${q1080.ssim.toFixed(4)}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
