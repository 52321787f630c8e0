import type { ReactNode } from 'react';
import type { Model } from '../api/client';

/** What a form needs to know of a model: the lists its capabilities allow (GET /models). */
export function listOf(model: Model | undefined, name: string): string[] {
  const value = model?.capabilities[name];
  return Array.isArray(value) ? value.map(String) : [];
}

export function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

/** A select of `options`, or nothing when there are none; the empty choice leaves it to the server. */
export function Choice({
  id,
  label,
  options,
  value,
  onChange,
  emptyLabel = 'Model default',
}: {
  id: string;
  label: string;
  options: readonly string[];
  value: string;
  onChange: (value: string) => void;
  emptyLabel?: string | null;
}) {
  if (options.length === 0) return null;
  return (
    <Field id={id} label={label}>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {emptyLabel !== null && <option value="">{emptyLabel}</option>}
        {options.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
    </Field>
  );
}

/** How many partial images to stream while rendering, for a model that can (capabilities.partialImages). */
export function PartialImagesChoice({
  model,
  value,
  onChange,
}: {
  model: Model | undefined;
  value: string;
  onChange: (value: string) => void;
}) {
  const range = model?.capabilities.partialImages as { min: number; max: number } | undefined;
  if (!range) return null;
  const counts = Array.from({ length: range.max - range.min + 1 }, (_, index) => String(range.min + index));
  return (
    <Choice
      id="partial-images"
      label="Live previews while it renders"
      options={counts}
      value={value}
      onChange={onChange}
      emptyLabel="None"
    />
  );
}

/** The number of partial images a form asks for, or undefined for none. */
export function partialImagesOf(value: string): number | undefined {
  return value ? Number(value) : undefined;
}
