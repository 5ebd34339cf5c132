/**
 * Starting a chat from the portal: the backends are tried in order (the primary region's API,
 * then the DR region's), moving on only when one cannot answer (network error or 5xx). A 4xx is
 * the visitor's or the bank's answer and is shown, not retried elsewhere.
 */
export interface PortalConfig {
  /** Chat backends, primary first (config.json, written by the tokyo stack). */
  readonly endpoints: readonly string[];
  /** Participant service endpoint override (tests and private proxies); normally absent. */
  readonly participantEndpoint?: string;
}

export interface StartedChat {
  readonly contactId: string;
  readonly participantId: string;
  readonly participantToken: string;
  readonly region: string;
}

export interface StartRequest {
  readonly displayName: string;
  readonly topic: string;
  readonly clientToken: string;
}

export class StartError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "StartError";
  }
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export async function startChat(
  config: PortalConfig,
  request: StartRequest,
  fetchImpl: Fetch = fetch,
): Promise<StartedChat & { endpoint: string }> {
  let last = "no chat backend is configured";
  for (const endpoint of config.endpoints) {
    let r: Response;
    try {
      r = await fetchImpl(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
      });
    } catch (e) {
      last = `${endpoint}: ${(e as Error).message}`;
      continue;
    }
    const body = (await r.json().catch(() => ({}))) as Partial<StartedChat> & {
      error?: string;
      details?: { field: string; reason: string }[];
    };
    if (r.ok && body.participantToken && body.contactId && body.participantId && body.region)
      return { ...(body as StartedChat), endpoint };
    if (r.status >= 400 && r.status < 500) {
      const why = body.details?.map((d) => `${d.field}: ${d.reason}`).join(", ");
      throw new StartError(`${body.error ?? r.statusText}${why ? ` (${why})` : ""}`, r.status);
    }
    last = `${endpoint}: ${r.status} ${body.error ?? ""}`.trim();
  }
  throw new StartError(last);
}
