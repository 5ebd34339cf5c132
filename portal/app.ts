/**
 * The sample portal's chat page: starts a chat through the bank's chat backend (start.ts) and
 * talks to Amazon Connect's participant service with amazon-connect-chatjs.
 */
import "amazon-connect-chatjs";
import { startChat, StartError, type PortalConfig } from "./start";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>("status");
const transcript = $<HTMLOListElement>("transcript");
const startForm = $<HTMLFormElement>("start");
const compose = $<HTMLFormElement>("compose");
const messageInput = $<HTMLInputElement>("message");

type State = "idle" | "starting" | "connected" | "ended" | "error";
const LABELS: Record<State, string> = {
  idle: "未接続",
  starting: "接続しています…",
  connected: "接続しました",
  ended: "チャットは終了しました",
  error: "接続できませんでした",
};
function setState(state: State, detail?: string) {
  status.dataset.state = state;
  status.textContent = detail ? `${LABELS[state]}: ${detail}` : LABELS[state];
  compose.hidden = state !== "connected";
  startForm.hidden = state === "starting" || state === "connected";
}

function show(role: string, name: string, text: string) {
  const li = document.createElement("li");
  li.dataset.role = role;
  // textContent, never innerHTML: messages are untrusted.
  li.textContent = role === "SYSTEM" ? text : `${name}: ${text}`;
  transcript.append(li);
}

let session: connect.CustomerChatSession | undefined;

startForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  void (async () => {
    setState("starting");
    try {
      const config = (await (
        await fetch("config.json", { cache: "no-store" })
      ).json()) as PortalConfig;
      const chat = await startChat(config, {
        displayName: $<HTMLInputElement>("displayName").value,
        topic: $<HTMLSelectElement>("topic").value,
        clientToken: crypto.randomUUID(),
      });
      connect.ChatSession.setGlobalConfig({
        region: chat.region,
        loggerConfig: { level: connect.ChatSession.LogLevel.WARN },
        // Not in the typings, but chatjs reads it: the participant service's address.
        ...(config.participantEndpoint ? { endpoint: config.participantEndpoint } : {}),
      });
      const s = connect.ChatSession.create({
        chatDetails: {
          contactId: chat.contactId,
          participantId: chat.participantId,
          participantToken: chat.participantToken,
        },
        options: { region: chat.region },
        type: connect.ChatSession.SessionTypes.CUSTOMER,
        disableCSM: true,
      });
      s.onConnectionEstablished(() => setState("connected"));
      s.onMessage((e) => {
        const d = e.data;
        if (d.Type === "MESSAGE" && d.Content)
          show(d.ParticipantRole ?? "SYSTEM", d.DisplayName ?? "", d.Content);
      });
      s.onEnded(() => setState("ended"));
      session = s;
      const r = await s.connect();
      if (!r.connectCalled) throw new Error("the chat service refused the connection");
    } catch (e) {
      setState("error", e instanceof StartError ? e.message : (e as Error).message);
    }
  })();
});

compose.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = messageInput.value.trim();
  if (!text || !session) return;
  messageInput.value = "";
  session
    .sendMessage({ contentType: "text/plain", message: text })
    .catch((e: Error) => setState("error", e.message));
});

$<HTMLButtonElement>("endButton").addEventListener("click", () => {
  void session?.disconnectParticipant().finally(() => setState("ended"));
});
