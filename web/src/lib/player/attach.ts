// Puts an HLS source on a <video>: hls.js over Media Source Extensions wherever it works, the browser's own
// HLS on Safari (and anywhere without MSE). Marks the element with the engine and the level hls.js chose, so
// people debugging (and the browser tests) can see what plays.
// A static import: the page's HTML then preloads hls.js with the route's other modules (a dynamic import
// started after hydration cost a further round of loading before the first frame).
import Hls from 'hls.js';

export interface AttachedSource {
  engine: 'hls.js' | 'native';
  /** Ask for the whole clip, not just its start (the clip became the one on screen). */
  promote(): void;
  /** Turn the English captions on or off (when the clip has them). */
  setCaptions(on: boolean): void;
  hasCaptions(): boolean;
  destroy(): void;
}

export interface AttachOptions {
  /** Only buffer the start (a clip waiting off screen). */
  preload?: boolean;
  captions?: boolean;
  /** Called with a sentence when the source cannot be played. */
  onError?: (message: string) => void;
  /** Called when the link expired (private playback): ask the API for a fresh one. */
  onExpired?: () => void;
}


/** Safari (desktop and iOS) plays HLS itself, with its own power-efficient pipeline. */
export function prefersNativeHls(video: HTMLVideoElement): boolean {
  const native = video.canPlayType('application/vnd.apple.mpegurl') !== '';
  return native && typeof navigator !== 'undefined' && navigator.vendor === 'Apple Computer, Inc.';
}

const PRELOAD_BUFFER_SECONDS = 4;
const PLAY_BUFFER_SECONDS = 30;

export async function attachSource(video: HTMLVideoElement, url: string, options: AttachOptions = {}): Promise<AttachedSource> {
  const HlsClass = Hls;
  if (prefersNativeHls(video) || !HlsClass.isSupported()) {
    if (video.canPlayType('application/vnd.apple.mpegurl') === '') {
      options.onError?.('This browser cannot play these videos. Try an up-to-date browser.');
    }
    video.dataset.engine = 'native';
    video.preload = options.preload ? 'metadata' : 'auto';
    video.src = url;
    const tracks = () => Array.from(video.textTracks).filter((t) => t.kind === 'subtitles' || t.kind === 'captions');
    const source: AttachedSource = {
      engine: 'native',
      promote: () => {
        video.preload = 'auto';
      },
      setCaptions: (on) => {
        for (const track of tracks()) track.mode = on ? 'showing' : 'hidden';
      },
      hasCaptions: () => tracks().length > 0,
      destroy: () => {
        video.removeAttribute('src');
        video.load();
      },
    };
    video.textTracks.addEventListener('addtrack', () => source.setCaptions(options.captions ?? false));
    return source;
  }

  const hls: Hls = new HlsClass({
    capLevelToPlayerSize: true,
    startFragPrefetch: true,
    maxBufferLength: options.preload ? PRELOAD_BUFFER_SECONDS : PLAY_BUFFER_SECONDS,
    renderTextTracksNatively: true,
  });
  let wantCaptions = options.captions ?? false;
  hls.subtitleDisplay = wantCaptions;
  video.dataset.engine = 'hls.js';
  hls.on(HlsClass.Events.LEVEL_SWITCHED, (_event, data) => {
    const level = hls.levels[data.level];
    video.dataset.hlsLevel = String(data.level);
    if (level) video.dataset.hlsHeight = String(level.height);
  });
  hls.on(HlsClass.Events.SUBTITLE_TRACKS_UPDATED, (_event, data) => {
    video.dataset.captions = String(data.subtitleTracks.length > 0);
    if (wantCaptions && data.subtitleTracks.length > 0) hls.subtitleTrack = 0;
  });
  hls.on(HlsClass.Events.ERROR, (_event, data) => {
    const status = (data.response as { code?: number } | undefined)?.code;
    if (status === 403 && options.onExpired) {
      options.onExpired();
      return;
    }
    if (!data.fatal) return;
    if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR) {
      hls.recoverMediaError();
      return;
    }
    if (data.type === HlsClass.ErrorTypes.NETWORK_ERROR) {
      options.onError?.('The video could not load. Check your connection and try again.');
      return;
    }
    options.onError?.('This video could not be played.');
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  return {
    engine: 'hls.js',
    promote: () => {
      hls.config.maxBufferLength = PLAY_BUFFER_SECONDS;
    },
    setCaptions: (on) => {
      wantCaptions = on;
      // selecting the track makes hls.js load the subtitles playlist; -1 turns them off
      if (hls.subtitleTracks.length > 0) hls.subtitleTrack = on ? 0 : -1;
      hls.subtitleDisplay = on;
    },
    hasCaptions: () => hls.subtitleTracks.length > 0,
    destroy: () => {
      hls.destroy();
      delete video.dataset.hlsLevel;
      delete video.dataset.hlsHeight;
    },
  };
}
