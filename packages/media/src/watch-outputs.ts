// watchOutputs: reports files ffmpeg writes into outDir as soon as they are complete, so they can be uploaded while
// the encode runs. A segment is complete once a later segment of the same rung exists; an init segment once any
// segment of its rung exists; playlists (rewritten after every segment) and everything else only at finish().
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export type OutputFileHandler = (relativePath: string, absolutePath: string) => void | Promise<void>;

export interface OutputWatcher {
  /** ffmpeg succeeded: report every file not reported yet, wait for all handlers, stop polling. */
  finish(): Promise<void>;
  /** ffmpeg failed: stop polling, report nothing more (handlers already running are awaited). */
  cancel(): Promise<void>;
}

const SEGMENT = /^(.*?)(\d+)\.(m4s|ts)$/;

/** Pure: which of the files present now are complete while the writer is still running. */
export function completedWhileRunning(files: readonly string[]): string[] {
  const byDir = new Map<string, string[]>();
  for (const file of files) {
    const slash = file.lastIndexOf('/');
    const dir = slash === -1 ? '' : file.slice(0, slash);
    const list = byDir.get(dir);
    if (list) list.push(file);
    else byDir.set(dir, [file]);
  }
  const complete: string[] = [];
  for (const list of byDir.values()) {
    const segments = list
      .map((file) => ({ file, match: SEGMENT.exec(file.slice(file.lastIndexOf('/') + 1)) }))
      .filter((s) => s.match !== null)
      .sort((a, b) => Number(a.match?.[2]) - Number(b.match?.[2]));
    // The newest segment may still be being written.
    complete.push(...segments.slice(0, -1).map((s) => s.file));
    if (segments.length > 0) complete.push(...list.filter((f) => /(^|\/)init[^/]*\.mp4$/.test(f)));
  }
  return complete;
}

async function listFiles(root: string): Promise<string[]> {
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && !e.name.endsWith('.tmp'))
      .map((e) => join(e.parentPath, e.name).slice(root.length + 1));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export function watchOutputs(outDir: string, onFile: OutputFileHandler, options: { intervalMs?: number } = {}): OutputWatcher {
  const reported = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  let stopped = false;

  const report = (files: readonly string[]) => {
    for (const file of files) {
      if (reported.has(file)) continue;
      reported.add(file);
      // One at a time, in order: a handler error is kept and rethrown by finish().
      chain = chain.then(async () => {
        if (failure === null) {
          try {
            await onFile(file, join(outDir, file));
          } catch (error) {
            failure = error;
          }
        }
      });
    }
  };

  let polling: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling.then(async () => {
      if (stopped) return;
      report(completedWhileRunning(await listFiles(outDir)));
    });
  }, options.intervalMs ?? 250);

  const stop = async () => {
    clearInterval(timer);
    stopped = true;
    await polling;
  };

  return {
    async finish() {
      await stop();
      const all = await listFiles(outDir);
      // Media first, playlists last: a playlist must never name a segment that is not uploaded yet.
      const playlists = all.filter((f) => f.endsWith('.m3u8'));
      report(all.filter((f) => !f.endsWith('.m3u8')).sort());
      report(playlists.sort((a, b) => Number(a === 'master.m3u8') - Number(b === 'master.m3u8')));
      await chain;
      if (failure !== null) throw failure;
    },
    async cancel() {
      await stop();
      await chain;
    },
  };
}
