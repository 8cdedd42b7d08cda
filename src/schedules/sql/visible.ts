// Who may see and manage a schedule: its creator, and the admins of its tenant. Parameters $1 tenant,
// $2 user, $3 role; everything else is not found.
export const VISIBLE_SCHEDULE_SQL = `s."tenantId" = $1::uuid and ($3::text = 'ADMIN' or s."createdBy" = $2::text)`;

export const viewerParams = (viewer: { tenantId: string; userId: string; role: string }) => [
  viewer.tenantId,
  viewer.userId,
  viewer.role,
];
