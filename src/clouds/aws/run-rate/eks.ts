import type { PriceProvider } from "../../../domain/price.ts";
import { EKS_CALENDAR_AS_OF, EKS_CALENDAR_SOURCE, eksSupportStatus } from "../eks-calendar.ts";
import { FARGATE_NOTE, PriceLookup, type PricingOptions, pricedLine, reportEnvelope, sumTotals, totalsOf, unpricedLine } from "./lines.ts";
import type { EksClusterInventory, EksClusterReport, EksClustersReport, RunRateLine } from "./model.ts";

// ---------------------------------------------------------------------------------------------
// EKS.
// ---------------------------------------------------------------------------------------------

/**
 * Prices EKS clusters: control plane, on-demand node groups at the on-demand price, Spot node groups at
 * the current spot price (live mode; a point in time, marked as such); Fargate listed, left out.
 */
export async function priceEksClusters(
  region: string,
  clusters: readonly EksClusterInventory[],
  prices: PriceProvider,
  options: PricingOptions,
): Promise<EksClustersReport> {
  const lookup = new PriceLookup();
  const signal = options.signal;
  if (clusters.length > 0) {
    await lookup.add(["control-plane.standard", "control-plane.extended"], () => prices.price({ cloud: "aws", service: "eks", region }, { signal }));
  }
  const onDemandTypes = [
    ...new Set(
      clusters.flatMap((c) =>
        c.nodeGroups.filter((g) => g.capacityType === "ON_DEMAND" && g.instanceTypes[0]).map((g) => g.instanceTypes[0] as string),
      ),
    ),
  ];
  if (onDemandTypes.length > 0) await lookup.add(onDemandTypes, () => prices.price({ cloud: "aws", service: "ec2", region, ids: onDemandTypes }, { signal }));
  const spotTypes = [...new Set(clusters.flatMap((c) => c.nodeGroups.filter((g) => g.capacityType === "SPOT" && g.instanceTypes[0]).map((g) => g.instanceTypes[0] as string)))];
  const spot = new PriceLookup();
  if (spotTypes.length > 0) {
    await spot.add(spotTypes, () => prices.price({ cloud: "aws", service: "ec2", region, ids: spotTypes, purchase: { option: "spot" } }, { signal }));
  }

  const reports = clusters.map((cluster): EksClusterReport => {
    const support = eksSupportStatus(cluster.version, cluster.upgradePolicy, options.now);
    const lines: RunRateLine[] = [];
    const controlPlaneId =
      support.supportType === "EXTENDED" ? "control-plane.extended" : "control-plane.standard";
    lines.push(
      pricedLine(
        {
          id: "control-plane",
          description: `EKS control plane, Kubernetes ${cluster.version} in ${support.supportType === "EXTENDED" ? "extended" : "standard"} support`,
          priceId: controlPlaneId,
          quantity: 1,
        },
        lookup.get(controlPlaneId),
      ),
    );
    for (const group of cluster.nodeGroups) {
      const type = group.instanceTypes[0];
      const base = {
        id: `node-group/${group.name}`,
        description: `Managed node group ${group.name}: ${group.desiredSize} × ${type ?? "(launch template)"} ${group.capacityType}`,
        priceId: type ?? null,
        quantity: group.desiredSize,
      };
      if (group.capacityType === "SPOT" && type) {
        const priced = spot.get(type);
        const when = "item" in priced ? priced.item.purchase?.pointInTime : undefined;
        const zone = "item" in priced ? priced.item.purchase?.availabilityZone : undefined;
        const notes = [
          "item" in priced
            ? `SPOT capacity at the current Spot price of ${type}${zone ? ` (lowest zone, ${zone})` : ""}${when ? ` as of ${when}` : ""}: a point in time, not a commitment`
            : "SPOT capacity is billed at the Spot price, not on-demand: left out of the total",
          ...(group.instanceTypes.length > 1 ? [`priced at its first instance type; the group may also run ${group.instanceTypes.slice(1).join(", ")}`] : []),
        ];
        lines.push(pricedLine({ ...base, priceId: type, reason: notes.join("; ") }, priced));
      } else if (group.capacityType === "SPOT") {
        lines.push(unpricedLine(base, "not-available", "the instance type is set in the node group's launch template, which EKS does not report"));
      } else if (group.capacityType !== "ON_DEMAND") {
        lines.push(
          unpricedLine(base, "not-priced", `${group.capacityType} capacity is not billed at the on-demand rate: left out of the total`),
        );
      } else if (!type) {
        lines.push(
          unpricedLine(base, "not-available", "the instance type is set in the node group's launch template, which EKS does not report"),
        );
      } else {
        const notes: string[] = [];
        if (group.instanceTypes.length > 1)
          notes.push(`priced at its first instance type (${type}); the group may also run ${group.instanceTypes.slice(1).join(", ")}`);
        if (group.amiType?.startsWith("WINDOWS"))
          notes.push("priced at the Linux on-demand rate; Windows nodes cost more");
        lines.push(
          pricedLine({ ...base, priceId: type, ...(notes.length ? { reason: notes.join("; ") } : {}) }, lookup.get(type)),
        );
      }
    }
    for (const profile of cluster.fargateProfiles) {
      lines.push(
        unpricedLine(
          { id: `fargate-profile/${profile.name}`, description: `Fargate profile ${profile.name}`, priceId: null, quantity: 0 },
          "not-priced",
          FARGATE_NOTE,
        ),
      );
    }
    return {
      name: cluster.name,
      arn: cluster.arn ?? null,
      status: cluster.status ?? null,
      version: cluster.version,
      platformVersion: cluster.platformVersion ?? null,
      upgradePolicy: cluster.upgradePolicy ?? null,
      supportType: support.supportType,
      supportBasis: support.basis,
      endOfStandardSupport: support.endOfStandardSupport,
      endOfExtendedSupport: support.endOfExtendedSupport,
      ...(support.note ? { supportNote: support.note } : {}),
      nodeGroups: cluster.nodeGroups.map((g) => ({
        name: g.name,
        status: g.status ?? null,
        capacityType: g.capacityType,
        instanceTypes: g.instanceTypes,
        desiredSize: g.desiredSize,
        minSize: g.minSize ?? null,
        maxSize: g.maxSize ?? null,
      })),
      fargateProfiles: cluster.fargateProfiles,
      lines,
      totals: totalsOf(lines, `${cluster.name}/`),
    };
  });

  return {
    ...reportEnvelope(region, options, [
      "node groups are priced at desiredSize × the on-demand Linux price of their first instance type",
      "SPOT node groups are priced at the current Spot price (live mode: EC2's lowest zone price, a point in time); where no spot price is available they are listed and left out of the totals",
      FARGATE_NOTE,
      "a cluster's support type comes from the EKS release calendar; upgradePolicy only says what happens at the end of standard support",
    ]),
    service: "eks",
    calendar: { source: EKS_CALENDAR_SOURCE, asOf: EKS_CALENDAR_AS_OF },
    clusters: reports,
    totals: sumTotals(reports.map((r) => r.totals)),
  };
}

