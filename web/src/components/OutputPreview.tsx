import { useEffect, useState } from "react";
import type { ArtifactFieldsFragment } from "../gql/graphql.ts";
import { samePath } from "../format.ts";
import { useSession } from "../session-context.tsx";
import { BarChart } from "./charts.tsx";
import { histogram, parseCsv, parseNdjson, PREVIEW_BYTES, readHead } from "./preview.ts";

const SHOWN_ROWS = 10;
const SAMPLED_ROWS = 2000;

export function isPreviewable(a: ArtifactFieldsFragment): boolean {
  return /csv|ndjson|jsonl/.test(a.mimeType ?? "") || /\.(csv|ndjson|jsonl)$/i.test(a.name);
}

/** The first rows of a dataset artifact, and a histogram per column (from the first 256 KiB). */
export function OutputPreview({ artifact }: { artifact: ArtifactFieldsFragment }) {
  const { key } = useSession();
  const [rows, setRows] = useState<string[][] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    readHead(samePath(artifact.downloadUrl), key).then(
      (text) => {
        if (!current) return;
        const ndjson = /ndjson|jsonl/.test(artifact.mimeType ?? artifact.name);
        setRows(ndjson ? parseNdjson(text, SAMPLED_ROWS + 1) : parseCsv(text, SAMPLED_ROWS + 1));
      },
      (err: unknown) => current && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      current = false;
    };
  }, [artifact.downloadUrl, artifact.mimeType, artifact.name, key]);

  if (error) return <p className="error">The preview could not be read: {error}</p>;
  if (!rows) return <p role="status">Reading the output…</p>;
  const [header = [], ...body] = rows;
  const partial = artifact.sizeBytes > PREVIEW_BYTES;
  return (
    <div className="preview">
      <p className="hint">
        {artifact.name}: the first {Math.min(SHOWN_ROWS, body.length)} rows; histograms over {body.length} rows
        {partial ? ` (the first ${PREVIEW_BYTES / 1024} KiB)` : ""}.
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              {header.map((h, i) => (
                <th key={i} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.slice(0, SHOWN_ROWS).map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <td key={j}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="histograms">
        {header.map((h, col) => {
          const { numeric, distinct, bars } = histogram(body.map((r) => r[col] ?? ""));
          return (
            <div key={col} className="histogram">
              <h3>
                {h}{" "}
                <span className="muted">
                  {numeric ? "numeric" : distinct ? "every value distinct" : "most frequent"}
                </span>
              </h3>
              {distinct ? (
                <p className="hint">{body.length} distinct values, no two alike.</p>
              ) : (
                <BarChart compact bars={bars} label={`Histogram of column ${h}`} />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
