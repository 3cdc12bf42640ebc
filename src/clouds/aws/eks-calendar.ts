/**
 * The Amazon EKS Kubernetes release calendar: when each minor version leaves standard support (and
 * starts billing at the extended-support rate) and when extended support ends.
 *
 * Source: "Amazon EKS Kubernetes release calendar", Amazon EKS User Guide,
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar
 * (1.27–1.34 as published there; 1.23–1.26 from earlier revisions of the same table, since dropped
 * from the page; 1.23 also in its FAQ: "standard support for version 1.23 in Amazon EKS ended on
 * October 11, 2023 … extended support … ended on October 11, 2024"). Dates are UTC+0: "billing for
 * extended support starts at the beginning of the day that the version reaches end of standard
 * support". Refresh this table when AWS publishes a new version (`aws eks describe-cluster-versions`
 * answers the same dates).
 */
export const EKS_CALENDAR_SOURCE =
  "https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar";
export const EKS_CALENDAR_AS_OF = "2025-10-02";

export interface EksVersionDates {
  /** Available on Amazon EKS. */
  eksRelease: string;
  /** First day billed at the extended-support rate (00:00 UTC). */
  endOfStandardSupport: string;
  /** After this day AWS upgrades the control plane automatically. */
  endOfExtendedSupport: string;
}

export const EKS_CALENDAR: Readonly<Record<string, EksVersionDates>> = {
  "1.23": { eksRelease: "2022-08-11", endOfStandardSupport: "2023-10-11", endOfExtendedSupport: "2024-10-11" },
  "1.24": { eksRelease: "2022-11-15", endOfStandardSupport: "2024-01-31", endOfExtendedSupport: "2025-01-31" },
  "1.25": { eksRelease: "2023-02-22", endOfStandardSupport: "2024-05-01", endOfExtendedSupport: "2025-05-01" },
  "1.26": { eksRelease: "2023-04-11", endOfStandardSupport: "2024-06-11", endOfExtendedSupport: "2025-06-11" },
  "1.27": { eksRelease: "2023-05-24", endOfStandardSupport: "2024-07-24", endOfExtendedSupport: "2025-07-24" },
  "1.28": { eksRelease: "2023-09-26", endOfStandardSupport: "2024-11-26", endOfExtendedSupport: "2025-11-26" },
  "1.29": { eksRelease: "2024-01-23", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
  "1.30": { eksRelease: "2024-05-23", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
  "1.31": { eksRelease: "2024-09-26", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
  "1.32": { eksRelease: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
  "1.33": { eksRelease: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
  "1.34": { eksRelease: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
};

export type SupportType = "STANDARD" | "EXTENDED";

/** How the support type was decided. */
export type SupportBasis = "calendar" | "newer-than-calendar" | "upgrade-policy" | "assumed";

export interface SupportStatus {
  supportType: SupportType;
  basis: SupportBasis;
  endOfStandardSupport: string | null;
  endOfExtendedSupport: string | null;
  note?: string;
}

function minor(version: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function compare(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

const KNOWN = Object.keys(EKS_CALENDAR)
  .map((v) => minor(v) as [number, number])
  .sort(compare);

/**
 * Whether a cluster is billed at the standard or the extended-support rate `now`.
 *
 * `upgradePolicy.supportType` is a policy, not a status: it says what happens at the END of standard
 * support (EXTENDED, the default: the cluster enters extended support; STANDARD: AWS upgrades it),
 * so a 1.34 cluster with policy EXTENDED is still billed at the standard rate. The version's place in
 * the calendar decides; the policy only decides what a version past standard support is doing, and
 * stands in for the calendar for a version the table does not know.
 */
export function eksSupportStatus(
  version: string,
  upgradePolicy: SupportType | undefined,
  now: Date,
): SupportStatus {
  const key = minor(version);
  const dates = key ? EKS_CALENDAR[`${key[0]}.${key[1]}`] : undefined;
  if (dates) {
    const day = now.toISOString().slice(0, 10);
    const base = {
      endOfStandardSupport: dates.endOfStandardSupport,
      endOfExtendedSupport: dates.endOfExtendedSupport,
    };
    if (day < dates.endOfStandardSupport) return { supportType: "STANDARD", basis: "calendar", ...base };
    if (upgradePolicy === "STANDARD") {
      return {
        supportType: "STANDARD",
        basis: "upgrade-policy",
        ...base,
        note: `Kubernetes ${version} left standard support on ${dates.endOfStandardSupport}; with upgrade policy STANDARD the cluster does not enter extended support and AWS upgrades it automatically`,
      };
    }
    if (day >= dates.endOfExtendedSupport) {
      return {
        supportType: "EXTENDED",
        basis: "calendar",
        ...base,
        note: `Kubernetes ${version} left extended support on ${dates.endOfExtendedSupport}; AWS upgrades the control plane automatically`,
      };
    }
    return { supportType: "EXTENDED", basis: "calendar", ...base };
  }
  const newest = KNOWN.at(-1) as [number, number];
  if (key && compare(key, newest) > 0) {
    return {
      supportType: "STANDARD",
      basis: "newer-than-calendar",
      endOfStandardSupport: null,
      endOfExtendedSupport: null,
      note: `Kubernetes ${version} is newer than every version in the calendar table (as of ${EKS_CALENDAR_AS_OF}): a new version starts in standard support`,
    };
  }
  if (upgradePolicy) {
    return {
      supportType: upgradePolicy,
      basis: "upgrade-policy",
      endOfStandardSupport: null,
      endOfExtendedSupport: null,
      note: `Kubernetes ${version} is not in the calendar table; the cluster's upgrade policy (${upgradePolicy}) stands in for it`,
    };
  }
  return {
    supportType: "EXTENDED",
    basis: "assumed",
    endOfStandardSupport: null,
    endOfExtendedSupport: null,
    note: `Kubernetes ${version} is not in the calendar table (older than its oldest version, or not a version) and the cluster has no upgrade policy: assumed past standard support`,
  };
}

/** A version a cluster runs from a day on: an upgrade its owners made (or the version it was created with). */
export interface EksVersionChange {
  since: string;
  version: string;
}

/** One step of a cluster's version history; `automatic`: AWS upgraded it, at the end of its support. */
export interface EksVersionStep extends EksVersionChange {
  automatic: boolean;
}

const nextMinor = (version: string): string | undefined => {
  const key = minor(version);
  return key ? `${key[0]}.${key[1] + 1}` : undefined;
};

/**
 * A cluster's versions up to `day` (inclusive): the changes its owners made, and between them the
 * upgrades AWS makes by itself: with upgrade policy EXTENDED (the default) at the end of extended
 * support, with STANDARD at the end of standard support, to the next minor version (one at a time, as
 * EKS upgrades; again on the same day if that one is past its end too). A version the calendar does not
 * know has no end, so nothing follows it. Empty: the cluster did not exist yet on `day`.
 */
export function eksVersionHistory(changes: readonly EksVersionChange[], upgradePolicy: SupportType | undefined, day: string): EksVersionStep[] {
  const steps: EksVersionStep[] = [];
  const owned = [...changes].sort((a, b) => a.since.localeCompare(b.since)).filter((c) => c.since <= day);
  owned.forEach((change, i) => {
    steps.push({ ...change, automatic: false });
    const until = owned[i + 1]?.since ?? "9999-12-31";
    for (let current = change.version; ; ) {
      const dates = EKS_CALENDAR[current];
      const end = dates && (upgradePolicy === "STANDARD" ? dates.endOfStandardSupport : dates.endOfExtendedSupport);
      const next = nextMinor(current);
      if (!end || !next || end > day || end >= until) break;
      const since = end > (steps.at(-1) as EksVersionStep).since ? end : (steps.at(-1) as EksVersionStep).since;
      steps.push({ since, version: next, automatic: true });
      current = next;
    }
  });
  return steps;
}
