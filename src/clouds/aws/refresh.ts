import { readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sameAmount } from "../../domain/money.ts";
import type { PriceItem } from "../../domain/price.ts";
import type { FallbackRow } from "../../fallback/tables.ts";
import { loadTables } from "../registry.ts";
import { ec2Items } from "./ec2.ts";
import { eksItems, hasAllFargate } from "./eks.ts";
import { lambdaItems } from "./lambda.ts";
import { type PriceListProduct, parsePriceListItem } from "./price-list.ts";
import { sagemakerItems } from "./sagemaker.ts";

/** The AWS services the offer files refresh. */
export const REFRESHABLE = ["eks", "ec2", "lambda", "sagemaker"] as const;
export type PriceService = (typeof REFRESHABLE)[number];

/**
 * Regenerates the fallback tables from AWS's public, region-scoped bulk offer files (no credentials):
 * `<base>/offers/v1.0/aws/<OfferCode>/current/<region>/index.json`. Products and terms have the same
 * shape as Price List items, so the live sub-clients' own mappers turn them into rows; each row's
 * source is the offer file and its version, its as-of the offer's publicationDate.
 */
export const OFFER_BASE_URL = "https://pricing.us-east-1.amazonaws.com";

interface OfferFile {
  offerCode: string;
  version: string;
  publicationDate: string;
  products: Record<string, { sku: string; productFamily?: string; attributes: Record<string, string> }>;
  terms: { OnDemand?: Record<string, Record<string, unknown>> };
}

export interface LoadedOffer {
  url: string;
  version: string;
  publicationDate: string;
  products: PriceListProduct[];
}

export type Fetcher = (url: string) => Promise<Response>;

/** Downloads one offer file and turns each product with on-demand terms into a Price List product. */
export async function loadOffer(
  fetcher: Fetcher,
  baseUrl: string,
  offerCode: string,
  region?: string,
): Promise<LoadedOffer> {
  const url = `${baseUrl}/offers/v1.0/aws/${offerCode}/current/${region ? `${region}/` : ""}index.json`;
  const res = await fetcher(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const offer = (await res.json()) as OfferFile;
  const products: PriceListProduct[] = [];
  for (const product of Object.values(offer.products ?? {})) {
    const onDemand = offer.terms?.OnDemand?.[product.sku];
    if (!onDemand) continue;
    products.push(
      parsePriceListItem(
        {
          product,
          serviceCode: offer.offerCode,
          terms: { OnDemand: onDemand },
          publicationDate: offer.publicationDate,
          version: offer.version,
        },
        offer.offerCode,
      ),
    );
  }
  return { url, version: offer.version, publicationDate: offer.publicationDate, products };
}

/** A row from the offer it was read from: that file and version as its source, its publication date as of. */
function toRow(item: PriceItem, region: string, offer: LoadedOffer): FallbackRow {
  return {
    id: item.id,
    region: region as FallbackRow["region"],
    description: item.description,
    unit: item.unit,
    price: item.price,
    ...(item.tiers ? { tiers: item.tiers } : {}),
    ...(item.usageType ? { usageType: item.usageType } : {}),
    ...(item.sku ? { sku: item.sku } : {}),
    ...(item.vcpu === undefined ? {} : { vcpu: item.vcpu }),
    ...(item.memoryGiB === undefined ? {} : { memoryGiB: item.memoryGiB }),
    source: `${offer.url} (offer version ${offer.version})`,
    asOf: offer.publicationDate.slice(0, 10),
  };
}

export interface RefreshOptions {
  dir: string;
  regions: string[];
  services: PriceService[];
  fetcher?: Fetcher;
  baseUrl?: string;
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface Change {
  service: PriceService;
  region: string;
  id: string;
  kind: "added" | "changed" | "unchanged";
  from?: string;
  to: string;
}

async function rowsFor(
  service: PriceService,
  region: string,
  current: FallbackRow[],
  fetcher: Fetcher,
  base: string,
  log: (line: string) => void,
): Promise<FallbackRow[]> {
  switch (service) {
    case "eks": {
      const eks = await loadOffer(fetcher, base, "AmazonEKS", region);
      const items = eksItems(region, eks.products);
      const rows = [...items.values()].map((i) => toRow(i, region, eks));
      if (!hasAllFargate(items)) {
        // Fargate for EKS is priced in the AmazonECS offer too.
        const ecs = await loadOffer(fetcher, base, "AmazonECS", region);
        for (const [id, item] of eksItems(region, ecs.products))
          if (!items.has(id)) rows.push(toRow(item, region, ecs));
      }
      return rows;
    }
    case "ec2": {
      // Only the instance types the table already carries: a region's EC2 offer prices thousands.
      const wanted = new Set(current.map((r) => r.id));
      const offer = await loadOffer(fetcher, base, "AmazonEC2", region);
      return [...ec2Items(region, offer.products).values()]
        .filter((i) => wanted.has(i.id))
        .map((i) => toRow(i, region, offer));
    }
    case "lambda": {
      const lambda = await loadOffer(fetcher, base, "AWSLambda", region);
      // Lambda@Edge requests are priced in the AmazonCloudFront offer.
      const cloudFront = await loadOffer(fetcher, base, "AmazonCloudFront", region).catch((error: Error) => {
        log(`lambda ${region}: AmazonCloudFront offer not read (${error.message}); edge.requests rows kept`);
        return undefined;
      });
      const items = lambdaItems(region, [...lambda.products, ...(cloudFront?.products ?? [])]);
      const fromCloudFront = new Set(cloudFront?.products.map((p) => p.sku));
      return [...items.values()].map((i) =>
        toRow(i, region, cloudFront && fromCloudFront.has(i.sku ?? "") ? cloudFront : lambda),
      );
    }
    case "sagemaker": {
      const offer = await loadOffer(fetcher, base, "AmazonSageMaker", region);
      return sagemakerItems(region, offer.products, {}).map((i) => toRow(i, region, offer));
    }
  }
}

/**
 * Refreshes the tables in `dir`: rows found in the offers replace the rows with the same service,
 * region and id; rows the offers do not price are kept with their own sources. The result is
 * validated exactly as at start-up before it replaces the files. Returns what changed.
 */
export async function refreshFallbackTables(options: RefreshOptions): Promise<Change[]> {
  const fetcher = options.fetcher ?? ((url: string) => fetch(url));
  const base = options.baseUrl ?? OFFER_BASE_URL;
  const log = options.log ?? (() => undefined);
  const changes: Change[] = [];
  const written: string[] = [];

  for (const service of options.services) {
    const file = join(options.dir, "aws", `${service}.json`);
    const table = JSON.parse(readFileSync(file, "utf8")) as { rows: Array<Omit<FallbackRow, "region"> & { region: string }> } & Record<string, unknown>;
    for (const region of options.regions) {
      const current = table.rows.filter((r) => r.region === region);
      let fresh: FallbackRow[];
      try {
        fresh = await rowsFor(service, region, current, fetcher, base, log);
      } catch (error) {
        log(`${service} ${region}: not refreshed (${(error as Error).message}); rows kept as they were`);
        continue;
      }
      for (const row of fresh) {
        const index = table.rows.findIndex((r) => r.region === region && r.id === row.id);
        const old = index >= 0 ? table.rows[index] : undefined;
        const kind = !old ? "added" : sameAmount(old.price, row.price) ? "unchanged" : "changed";
        changes.push({
          service,
          region,
          id: row.id,
          kind,
          ...(old ? { from: old.price } : {}),
          to: row.price,
        });
        if (index >= 0) table.rows[index] = row;
        else table.rows.push(row);
      }
      log(`${service} ${region}: ${fresh.length} rows from the offer files`);
    }
    if (!options.dryRun) {
      writeFileSync(`${file}.tmp`, `${JSON.stringify(table, null, 2)}\n`);
      written.push(file);
    }
  }
  if (!options.dryRun && written.length > 0) {
    // Validate the new tables as the server will, then swap them in.
    for (const file of written) renameSync(file, `${file}.bak`);
    for (const file of written) renameSync(`${file}.tmp`, file);
    try {
      loadTables(options.dir);
    } catch (error) {
      for (const file of written) renameSync(`${file}.bak`, file);
      throw error;
    }
    for (const file of written) unlinkSync(`${file}.bak`);
  }
  return changes;
}
