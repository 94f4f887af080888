/**
 * Progress as a file: exported to move to another machine or to hand in at a workshop, imported
 * back. The file says what it is, so importing some other JSON is refused with a reason.
 */
import {readProgress, type Progress} from './store';

/** The `format` every export carries. */
export const EXPORT_FORMAT = 'netpol-labs-progress';

/** The text of an export file. */
export function exportProgress(progress: Progress, now: Date): string {
  return `${JSON.stringify({format: EXPORT_FORMAT, exportedAt: now.toISOString(), ...progress}, null, 2)}\n`;
}

/** The progress in an export file's text, or what is wrong with the file. */
export function importProgress(text: string): {progress: Progress} | {error: string} {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return {error: `the file is not JSON (${(e as Error).message}); choose a file that "Export progress" saved`};
  }
  if (typeof json !== 'object' || json === null || (json as {format?: unknown}).format !== EXPORT_FORMAT) {
    return {error: `the file is not a netpol-labs progress export: it lacks "format": "${EXPORT_FORMAT}"; choose a file that "Export progress" saved`};
  }
  const {format: _format, exportedAt: _exportedAt, ...rest} = json as Record<string, unknown>;
  const progress = readProgress(rest);
  if (!progress) {
    return {error: 'the file is a netpol-labs export of another shape: version 1 keeps "predictions" (outcomes), "read" and "solved" (dates); it was changed by hand or comes from a newer site'};
  }
  return {progress};
}
