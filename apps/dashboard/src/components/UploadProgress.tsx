/** How much of a file has been sent, then what the server does with it before it answers. */
export function UploadProgress({ sentShare, then }: { sentShare: number; then: string }) {
  return (
    <p className="muted">
      <progress value={sentShare} max={1} /> {sentShare < 1 ? `Sending ${(sentShare * 100).toFixed(0)}%` : then}
    </p>
  );
}
