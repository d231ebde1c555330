// @onward/media: probe and validate uploads, plan and run the HLS ladder, posters and storyboards.
export { looksLikeAcceptedContainer } from './container-sniff.ts';
export {
  type BlurSummary,
  detectFaceTracks,
  type FaceBlurOptions,
  type FaceDetectionOptions,
  type FaceTracks,
  type FaceTrackSummary,
  type ObscureOptions,
  runBlurredLadder,
  runObscuredLadder,
} from './faces/blur-stream.ts';
export { createFaceTracker, type FaceTracker, type TrackedBox } from './faces/face-tracker.ts';
export { createFrameDetector, type FrameDetector, type FrameDetectorOptions } from './faces/frame-detector.ts';
export { type Box, enlargeBox, mosaicYuv420 } from './faces/obscure.ts';
export { createProgressTracker, type ProgressTracker } from './ffmpeg-progress.ts';
export { type FfmpegResult, type RunFfmpegOptions, runFfmpeg } from './ffmpeg-runner.ts';
export { type FfprobeOptions, runFfprobe } from './ffprobe-runner.ts';
export { avc1HighCodecString, chooseH264Level, type H264LevelChoice } from './h264-level.ts';
export { decoderWhitelist, hardenedInputArgs, STRIP_METADATA_ARGS } from './input-args.ts';
export {
  buildLadderArgs,
  buildLadderFilterGraph,
  buildY4mDecodeArgs,
  type FaceThumbnailRequest,
  faceThumbnailsArgs,
  type LadderInputOptions,
} from './ladder-args.ts';
export {
  type AudioPlan,
  type LadderPlan,
  type LadderRung,
  planLadder,
  RUNG_SHORT_SIDES,
  rungFrameRate,
  SEGMENT_SECONDS,
  type X264Preset,
} from './ladder-plan.ts';
export { buildMasterPlaylist, type MeasuredBandwidth, rungPlaylistPath } from './master-playlist.ts';
export { type InvalidMediaCode, invalidMedia } from './media-error.ts';
export {
  ALLOWED_AUDIO_CODEC_PREFIXES,
  ALLOWED_DEMUXERS,
  ALLOWED_VIDEO_CODECS,
  DEFAULT_MEDIA_LIMITS,
  FORMAT_WHITELIST,
  type ForcedDemuxer,
  type MediaLimits,
} from './media-limits.ts';
export type { MediaProbe, ProbedAudioStream, ProbedVideoStream, Rational } from './media-probe.ts';
export { posterArgs, posterFromLadderArgs, posterRung, posterTimeSeconds } from './poster-args.ts';
export { type ProbeMediaOptions, probeMedia } from './probe.ts';
export { probeHeaderArgs, probePacketArgs } from './probe-args.ts';
export { looksVariableFrameRate, parseProbe, parseRational, parseRotation, summarisePackets } from './probe-parse.ts';
export { type ProcessOutcome, type RunProcessOptions, runProcess } from './run-process.ts';
export { planStoryboard, type StoryboardPlan, storyboardArgs } from './storyboard-args.ts';
export {
  renderFaceThumbnails,
  renderPoster,
  renderStoryboard,
  type StepOptions,
  type TranscodeLadderOptions,
  transcodeLadder,
} from './transcode-ladder.ts';
export { type ValidatedSource, validateSource } from './validate-source.ts';
export { DEFAULT_FORMANT_RATIO, DEFAULT_VOICE_SEMITONES, type VoiceDisguiseOptions, voiceDisguiseFilter } from './voice-disguise.ts';
export { measureRungBandwidth, parseMediaPlaylist, type PlaylistSegment, writeMasterPlaylist } from './variant-bandwidth.ts';
export { completedWhileRunning, type OutputFileHandler, type OutputWatcher, watchOutputs } from './watch-outputs.ts';
export {
  CAPTIONS_MAX_BYTES,
  CAPTIONS_PLAYLIST,
  CAPTIONS_SOURCE,
  type Cue,
  type RenditionFile,
  captionsRenditionFiles,
  parseWebVtt,
  serialiseWebVtt,
  withoutSubtitles,
  withSubtitles,
} from './webvtt.ts';
