/** The message of whatever was thrown: an Error's own, else the value as text (a thrown string, say). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
