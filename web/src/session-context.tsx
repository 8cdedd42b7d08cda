// The signed-in key, who it is, and the one WebSocket the pages subscribe through.
import { createContext, useContext } from "react";
import type { LiveConnection } from "./api/live.ts";
import type { SessionInfo } from "./api/session.ts";

export interface Session {
  key: string;
  info: SessionInfo;
  live: LiveConnection;
  isAdmin: boolean;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in page");
  return session;
}
