/** UTC calendar arithmetic on ISO dates (YYYY-MM-DD), as Cost Explorer and Budgets use them. */
const ISO = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string): boolean {
  if (!ISO.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const toDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
const toIso = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(iso: string, days: number): string {
  const d = toDate(iso);
  d.setUTCDate(d.getUTCDate() + days);
  return toIso(d);
}

export function monthStart(iso: string): string {
  return `${iso.slice(0, 7)}-01`;
}

export function addMonths(iso: string, months: number): string {
  const d = toDate(iso);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return toIso(d);
}

export function daysBetween(start: string, end: string): number {
  return Math.round((toDate(end).getTime() - toDate(start).getTime()) / 86_400_000);
}

/** The budget period [start, end) that contains `today`. */
export function periodContaining(timeUnit: "DAILY" | "MONTHLY" | "QUARTERLY" | "ANNUALLY", today: string): { start: string; end: string } {
  switch (timeUnit) {
    case "DAILY":
      return { start: today, end: addDays(today, 1) };
    case "MONTHLY": {
      const start = monthStart(today);
      return { start, end: addMonths(start, 1) };
    }
    case "QUARTERLY": {
      const month = Number(today.slice(5, 7));
      const start = `${today.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, "0")}-01`;
      return { start, end: addMonths(start, 3) };
    }
    case "ANNUALLY": {
      const start = `${today.slice(0, 4)}-01-01`;
      return { start, end: addMonths(start, 12) };
    }
  }
}

/** Today in UTC, as Cost Explorer counts days. */
export function utcToday(now: Date = new Date()): string {
  return toIso(now);
}
