// What the app exposes for the browser benchmark and the end-to-end tests (src/ui/engine/client.ts).
export {};
declare global {
  interface Window {
    __vtlab?: {
      stats: { events: number; skipped: number; drains: number; frames: number; frameTimes: number[] };
    };
  }
}
