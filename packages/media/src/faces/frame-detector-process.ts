// Child-process side of createFrameDetector({ isolated: true }): runs an ordinary (worker-thread) detector and
// answers the parent over IPC. Everything the models allocate (onnxruntime's arenas, the worker threads' malloc
// arenas, which glibc keeps after the threads end) lives and dies with this process, so the media worker gets its
// memory back when the detector is closed: measured ~120-175 MB more resident in the parent for the rest of its
// life otherwise (docs/face-detection.md).
import { createFrameDetector, type FrameDetector, type FrameDetectorOptions, type RgbFrame, type Yuv420Frame } from './frame-detector.ts';
import type { Box } from './obscure.ts';
import type { FaceBox } from './tiles.ts';

export type HostRequest =
  | { type: 'start'; options: Omit<FrameDetectorOptions, 'isolated'> }
  | { type: 'detect'; id: number; frame: RgbFrame | Yuv420Frame; known: Box[] }
  | { type: 'close' };
export type HostMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'faces'; id: number; faces: FaceBox[] }
  | { type: 'error'; id: number; message: string }
  | { type: 'closed' };

const send = process.send?.bind(process);
if (!send) throw new Error('frame-detector-process.ts runs only as a child process with an IPC channel');
const post = (message: HostMessage): void => {
  send(message);
};
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

let detector: Promise<FrameDetector> | null = null;
process.on('message', (request: HostRequest) => {
  if (request.type === 'start') {
    detector ??= createFrameDetector(request.options);
    detector.then(
      () => post({ type: 'ready' }),
      (error: unknown) => {
        post({ type: 'failed', message: messageOf(error) });
        process.disconnect();
      },
    );
  } else if (request.type === 'detect') {
    if (!detector) return post({ type: 'error', id: request.id, message: 'not started' });
    detector
      .then((d) => d.detect(request.frame, { known: request.known }))
      .then(
        (faces) => post({ type: 'faces', id: request.id, faces }),
        (error: unknown) => post({ type: 'error', id: request.id, message: messageOf(error) }),
      );
  } else if (request.type === 'close') {
    void (async () => {
      await (await detector?.catch(() => null))?.close();
      post({ type: 'closed' });
      // nothing else keeps this process alive once the channel is closed: it exits and its memory goes with it
      process.disconnect();
    })();
  }
});
// the parent went away without closing: stop too
process.on('disconnect', () => {
  void detector?.then((d) => d.close()).catch(() => {});
});
