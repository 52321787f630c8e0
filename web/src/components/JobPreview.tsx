import type { PartialImage } from '../api/job-events';

/** The latest partial image of a job that streams previews, replaced by each next one while it renders. */
export function JobPreview({ preview }: { preview: PartialImage | undefined }) {
  if (!preview) return null;
  return (
    <figure className="media preview">
      <img src={preview.url} alt={`Preview ${preview.index + 1} of the image being made`} />
      <figcaption className="muted">Preview {preview.index + 1}: the finished image replaces it.</figcaption>
    </figure>
  );
}
