/** How long ago, for a person: `just now`, `45s ago`, `12m ago`, `5h ago`, `3d ago`. */
export function ageText(ms: number | undefined): string {
  if (ms === undefined) return 'at an unknown time';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.floor(hours / 24)}d ago`;
}
