// The one HTTP client of the web app: every call to the Onward API goes through here, typed from
// packages/contract. In the browser it calls our own /api proxy (cookies stay first-party); in server load
// functions it is given SvelteKit's fetch, which forwards the visitor's cookies to the same proxy.
import type {
  ChangePasswordBody,
  CurrentUser,
  EditVideoBody,
  FeedItem,
  OwnerVideo,
  ReportBody,
  ReviewDecisionBody,
  ReviewVideo,
  SignupBody,
  UpdateWellbeingSettingsBody,
  WellbeingSettings,
  AffirmationPickBody,
  BlockListResponse,
  ClaimResponse,
  CrisisResourcesResponse,
  FaceTracksResponse,
  FeedResponse,
  MilestonesResponse,
  OpenReportsResponse,
  PlaybackResponse,
  ResolveReportBody,
  ReviewAuditResponse,
  ReviewQueueResponse,
  ReactionKindName,
} from '@onward/contract';
import type { Static } from 'typebox';

export type { CurrentUser, FeedItem, OwnerVideo, ReviewVideo, WellbeingSettings };
export type Feed = Static<typeof FeedResponse>;
export type Milestones = Static<typeof MilestonesResponse>;
export type Playback = Static<typeof PlaybackResponse>;
export type ReviewQueue = Static<typeof ReviewQueueResponse>;
export type ReviewAudit = Static<typeof ReviewAuditResponse>;
export type OpenReports = Static<typeof OpenReportsResponse>;
export type CrisisResources = Static<typeof CrisisResourcesResponse>;
export type ReactionKind = Static<typeof ReactionKindName>;
export type Blocks = Static<typeof BlockListResponse>;
export type FaceTracks = Static<typeof FaceTracksResponse>;
export type FaceTrack = FaceTracks['faces'][number];

/** An API answer other than 2xx: `code` is the API's stable error code, `message` safe to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Fetch = typeof fetch;
type Query = Record<string, string | number | undefined | null>;

export const API_PREFIX = '/api';

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The API's error envelope, or a generic sentence when the answer is not one (a proxy error page). */
export async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (body.error && typeof body.error.code === 'string' && typeof body.error.message === 'string') {
      return new ApiError(response.status, body.error.code, body.error.message);
    }
  } catch {
    // not JSON
  }
  return new ApiError(response.status, 'unexpected_response', 'Something went wrong. Please try again.');
}

export function createApi(fetchFn: Fetch = (input, init) => fetch(input, init)) {
  async function request<T>(method: string, path: string, options: { query?: Query; json?: unknown } = {}): Promise<T> {
    const init: RequestInit = { method, headers: { accept: 'application/json' } };
    if (options.json !== undefined) {
      init.headers = { ...init.headers, 'content-type': 'application/json' };
      init.body = JSON.stringify(options.json);
    }
    let response: Response;
    try {
      response = await fetchFn(`${API_PREFIX}${withQuery(path, options.query)}`, init);
    } catch {
      throw new ApiError(0, 'network_error', 'You seem to be offline. Check your connection and try again.');
    }
    if (!response.ok) throw await errorFrom(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  const get = <T>(path: string, query?: Query) => request<T>('GET', path, { query });
  const id = (value: string) => encodeURIComponent(value);

  return {
    // accounts
    signUp: (body: SignupBody) => request<{ user: CurrentUser }>('POST', '/auth/signup', { json: body }),
    logIn: (body: { handle: string; password: string }) => request<{ user: CurrentUser }>('POST', '/auth/login', { json: body }),
    logOut: () => request<void>('POST', '/auth/logout'),
    /** The logged-in user, or null for a visitor. */
    me: async (): Promise<CurrentUser | null> => {
      try {
        return (await get<{ user: CurrentUser }>('/me')).user;
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    changePassword: (body: ChangePasswordBody) => request<void>('PUT', '/me/password', { json: body }),
    deleteAccount: (password: string) => request<void>('DELETE', '/me', { json: { password } }),
    settings: async () => (await get<{ settings: WellbeingSettings }>('/me/settings')).settings,
    updateSettings: async (body: UpdateWellbeingSettingsBody) =>
      (await request<{ settings: WellbeingSettings }>('PATCH', '/me/settings', { json: body })).settings,
    milestones: () => get<Milestones>('/me/milestones'),
    blocks: () => get<Blocks>('/me/blocks'),
    block: (handle: string) => request<void>('PUT', `/users/${id(handle)}/block`),
    unblock: (handle: string) => request<void>('DELETE', `/users/${id(handle)}/block`),

    // feed
    feed: (query: { category?: string; cursor?: string }) => get<Feed>('/feed', query),
    react: (videoId: string, kind: ReactionKind) => request<void>('PUT', `/videos/${id(videoId)}/reactions/${kind}`),
    unreact: (videoId: string, kind: ReactionKind) => request<void>('DELETE', `/videos/${id(videoId)}/reactions/${kind}`),
    report: (videoId: string, body: ReportBody) => request<unknown>('POST', `/videos/${id(videoId)}/reports`, { json: body }),
    crisisResources: (region?: string) => get<CrisisResources>('/help/crisis-resources', { region }),

    // my videos
    myVideos: async () => (await get<{ videos: OwnerVideo[] }>('/videos/mine')).videos,
    video: async (videoId: string) => (await get<{ video: OwnerVideo }>(`/videos/${id(videoId)}`)).video,
    editVideo: async (videoId: string, body: EditVideoBody) =>
      (await request<{ video: OwnerVideo }>('PATCH', `/videos/${id(videoId)}`, { json: body })).video,
    deleteVideo: (videoId: string) => request<void>('DELETE', `/videos/${id(videoId)}`),
    playback: (videoId: string) => get<Playback>(`/videos/${id(videoId)}/playback`),
    /** The faces found in my clip while it waits for my choice (an empty list otherwise). */
    faces: (videoId: string) => get<FaceTracks>(`/videos/${id(videoId)}/faces`),
    /** Keep these faces (mine) visible, blur every other one; 400 unknown_face, 409 faces_not_pending. */
    chooseFaces: async (videoId: string, visible: number[]) =>
      (await request<{ video: OwnerVideo }>('PUT', `/videos/${id(videoId)}/faces`, { json: { visible } })).video,

    // review console
    reviewQueue: (cursor?: string) => get<ReviewQueue>('/review/queue', { cursor }),
    claim: (videoId: string) => request<Static<typeof ClaimResponse>>('POST', `/review/videos/${id(videoId)}/claim`),
    releaseClaim: (videoId: string) => request<void>('DELETE', `/review/videos/${id(videoId)}/claim`),
    reviewVideo: async (videoId: string) => (await get<{ video: ReviewVideo }>(`/review/videos/${id(videoId)}`)).video,
    decide: (videoId: string, body: ReviewDecisionBody) => request<unknown>('POST', `/review/videos/${id(videoId)}/decision`, { json: body }),
    audit: (videoId: string) => get<ReviewAudit>(`/review/videos/${id(videoId)}/audit`),
    reports: (cursor?: string) => get<OpenReports>('/review/reports', { cursor }),
    resolveReport: (reportId: string, body: ResolveReportBody) =>
      request<unknown>('POST', `/review/reports/${id(reportId)}/resolve`, { json: body }),
    pickAffirmation: (day: string, body: Static<typeof AffirmationPickBody>) =>
      request<unknown>('PUT', `/review/affirmations/${id(day)}`, { json: body }),
  };
}

export type Api = ReturnType<typeof createApi>;

/**
 * Where the browser loads a face thumbnail from: the API's path behind our own /api proxy, so the member's session
 * cookie goes with it and the image stays private (the API answers `private, no-store`, and 404 to anyone else).
 */
export function faceThumbnailSrc(face: Pick<FaceTrack, 'thumbnailUrl'>): string {
  return `${API_PREFIX}${face.thumbnailUrl}`;
}

/** The browser's client (uses the page's own fetch and cookies). */
export const api = createApi();
