/** Who is calling: one of three roles; an agent acts only on itself. */
export const ROLES = ['admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The API key id or token subject: named in logs and audit trails. */
  id: string;
  role: Role;
  /** For the agent role: the agent it is. */
  agentId?: string | undefined;
  /** 'key' or 'token'. */
  via: 'key' | 'token';
}

/** Who counts as a user for the recordings audit trail. */
export function auditName(p: Principal): string {
  return `${p.via}:${p.id}${p.agentId ? `(${p.agentId})` : ''}`;
}
