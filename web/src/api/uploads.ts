// Datasets for generation kinds that read one: PUT /uploads (see the contract's header).
export interface Uploaded {
  id: string;
  contentHash: string;
  sizeBytes: number;
}

export class UploadError extends Error {}

export async function uploadDataset(key: string, file: File): Promise<Uploaded> {
  const url = `/uploads?${new URLSearchParams({ name: file.name, type: "dataset" })}`;
  const res = await fetch(url, {
    method: "PUT",
    headers: { authorization: `Bearer ${key}`, "content-type": file.type || "application/octet-stream" },
    body: file,
  });
  if (res.status === 404)
    throw new UploadError(
      "This server does not accept dataset uploads (PUT /uploads answered 404); give the id of an existing artifact instead.",
    );
  const body = (await res.json().catch(() => null)) as (Uploaded & { errors?: { message: string }[] }) | null;
  if (!res.ok || !body?.id)
    throw new UploadError(`The upload failed: ${body?.errors?.[0]?.message ?? `the server answered ${res.status}`}`);
  return body;
}
