import type { ReactNode } from "react";
import { useSession } from "../../session-context.tsx";

export function AdminOnly({ children }: { children: ReactNode }) {
  const session = useSession();
  if (!session.isAdmin) return <p className="notice">This page is for admins.</p>;
  return <>{children}</>;
}
