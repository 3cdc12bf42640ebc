/**
 * Price List items for the fakes, built in the shapes AWS sends (see test/fixtures/pricelist/README.md
 * and shared/aws-examples): attribute names and values, region-prefixed usage types (none for us-east-1
 * EC2 and Lambda, "EU-" for eu-west-1), units ("Hrs", "Hours", "Requests", "Lambda-GB-Second"),
 * 10-decimal price strings, tiered dimensions with "Inf", the $0 Capacity Block twin, look-alike items
 * that must not be picked. Prices here are test data, not facts: tests compare answers to these items.
 */
import { createHash } from "node:crypto";
import { USAGE_TYPE_PREFIX } from "../../src/clouds/aws/usage-types.ts";

export const LOCATIONS: Record<string, string> = {
  "us-east-1": "US East (N. Virginia)",
  "us-east-2": "US East (Ohio)",
  "us-west-2": "US West (Oregon)",
  "eu-west-1": "EU (Ireland)",
  "eu-central-1": "EU (Frankfurt)",
  "ap-south-1": "Asia Pacific (Mumbai)",
  "eu-west-3": "EU (Paris)",
  "ap-northeast-1": "Asia Pacific (Tokyo)",
};

export interface Dim {
  usd: string;
  unit: string;
  description: string;
  beginRange?: string;
  endRange?: string;
}

export interface FakeItem {
  product: { productFamily: string; attributes: Record<string, string>; sku: string };
  serviceCode: string;
  terms: { OnDemand: Record<string, unknown> };
  version: string;
  publicationDate: string;
}

export const PUBLICATION = "2026-11-01T00:00:00Z";

function sku(seed: string): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = createHash("sha256").update(seed).digest();
  return Array.from(bytes.subarray(0, 16), (b) => alphabet[b % alphabet.length]).join("");
}

export function item(
  serviceCode: string,
  productFamily: string,
  attributes: Record<string, string>,
  dims: Dim[],
): FakeItem {
  const id = sku(`${serviceCode}|${JSON.stringify(attributes)}`);
  const priceDimensions: Record<string, unknown> = {};
  dims.forEach((d, i) => {
    const rateCode = `${id}.JRTCKXETXF.${["6YS6EN2CT7", "Q7UJUT2CE6", "3QV4T2ZMSB"][i] ?? `R${i}`}`;
    priceDimensions[rateCode] = {
      unit: d.unit,
      endRange: d.endRange ?? "Inf",
      description: d.description,
      appliesTo: [],
      rateCode,
      beginRange: d.beginRange ?? "0",
      pricePerUnit: { USD: d.usd },
    };
  });
  return {
    product: { productFamily, attributes: { servicecode: serviceCode, ...attributes }, sku: id },
    serviceCode,
    terms: {
      OnDemand: {
        [`${id}.JRTCKXETXF`]: {
          priceDimensions,
          sku: id,
          effectiveDate: "2026-10-01T00:00:00Z",
          offerTermCode: "JRTCKXETXF",
          termAttributes: {},
        },
      },
    },
    version: "20261101000000",
    publicationDate: PUBLICATION,
  };
}

const prefix = (region: string) => USAGE_TYPE_PREFIX[region] ?? "";
/** EC2 and Lambda usage types carry no prefix in us-east-1. */
const bare = (region: string) => (region === "us-east-1" ? "" : prefix(region));
const where = (region: string) => ({
  regionCode: region,
  location: LOCATIONS[region] ?? region,
  locationType: "AWS Region",
});

export function eksItems(region: string): FakeItem[] {
  const loc = LOCATIONS[region] ?? region;
  const p = prefix(region);
  return [
    item(
      "AmazonEKS",
      "Compute",
      {
        ...where(region),
        tiertype: "HAStandard",
        usagetype: `${p}AmazonEKS-Hours:perCluster`,
        operation: "CreateOperation",
        servicename: "Amazon Elastic Container Service for Kubernetes",
      },
      [{ usd: "0.1000000000", unit: "Hours", description: `Amazon EKS cluster usage in ${loc}` }],
    ),
    item(
      "AmazonEKS",
      "Compute",
      {
        ...where(region),
        tiertype: "HAStandard",
        usagetype: `${p}AmazonEKS-Hours:extendedSupport`,
        operation: "ExtendedSupport",
        servicename: "Amazon Elastic Container Service for Kubernetes",
      },
      [
        {
          usd: "0.5000000000",
          unit: "Hours",
          description: `Amazon EKS cluster extended support usage in ${loc}`,
        },
      ],
    ),
    // A look-alike that must not be taken for the regional control plane.
    item(
      "AmazonEKS",
      "Compute",
      {
        ...where(region),
        locationType: "AWS Outposts",
        tiertype: "HAStandard",
        usagetype: `${p}AmazonEKS-Local-Outposts-Hours:perCluster`,
        operation: "CreateOperation",
        servicename: "Amazon Elastic Container Service for Kubernetes",
      },
      [{ usd: "0.1000000000", unit: "Hours", description: `Amazon EKS local cluster on Outposts in ${loc}` }],
    ),
    item(
      "AmazonEKS",
      "Compute",
      {
        ...where(region),
        tenancy: "Shared",
        cputype: "perCPU",
        usagetype: `${p}Fargate-vCPU-Hours:perCPU`,
        operation: "",
        servicename: "Amazon Elastic Container Service for Kubernetes",
      },
      [{ usd: "0.0404800000", unit: "hours", description: `AWS Fargate - vCPU - ${loc}` }],
    ),
    item(
      "AmazonEKS",
      "Compute",
      {
        ...where(region),
        tenancy: "Shared",
        memorytype: "perGB",
        usagetype: `${p}Fargate-GB-Hours`,
        operation: "",
        servicename: "Amazon Elastic Container Service for Kubernetes",
      },
      [{ usd: "0.0044450000", unit: "hours", description: `AWS Fargate - Memory - ${loc}` }],
    ),
    item(
      "AmazonEKS",
      "Compute",
      {
        ...where(region),
        tenancy: "Shared",
        cputype: "perCPU",
        cpuArchitecture: "ARM",
        usagetype: `${p}Fargate-ARM-vCPU-Hours:perCPU`,
        operation: "",
        servicename: "Amazon Elastic Container Service for Kubernetes",
      },
      [{ usd: "0.0323800000", unit: "hours", description: `AWS Fargate - ARM - vCPU - ${loc}` }],
    ),
    item(
      "AmazonEKS",
      "Compute",
      {
        ...where(region),
        tenancy: "Shared",
        memorytype: "perGB",
        cpuArchitecture: "ARM",
        usagetype: `${p}Fargate-ARM-GB-Hours`,
        operation: "",
        servicename: "Amazon Elastic Container Service for Kubernetes",
      },
      [{ usd: "0.0035600000", unit: "hours", description: `AWS Fargate - ARM - Memory - ${loc}` }],
    ),
    item(
      "AmazonEKS",
      "Compute",
      {
        ...where(region),
        storagetype: "default",
        usagetype: `${p}Fargate-EphemeralStorage-GB-Hours`,
        operation: "",
        servicename: "Amazon Elastic Container Service for Kubernetes",
      },
      [{ usd: "0.0001110000", unit: "hours", description: `AWS Fargate - Ephemeral Storage - ${loc}` }],
    ),
  ];
}

export interface Ec2Spec {
  type: string;
  usd: string;
  vcpu: string;
  memory: string;
}

export const EC2_TYPES: Ec2Spec[] = [
  { type: "m5.large", usd: "0.0960000000", vcpu: "2", memory: "8 GiB" },
  { type: "c5.xlarge", usd: "0.1700000000", vcpu: "4", memory: "8 GiB" },
  { type: "t3.micro", usd: "0.0104000000", vcpu: "2", memory: "1 GiB" },
  { type: "p4d.24xlarge", usd: "21.9576420000", vcpu: "96", memory: "1152 GiB" },
  { type: "u-6tb1.metal", usd: "54.6000000000", vcpu: "448", memory: "6,144 GiB" },
];

export function ec2Items(region: string, specs: Ec2Spec[] = EC2_TYPES): FakeItem[] {
  const p = bare(region);
  const out: FakeItem[] = [];
  for (const s of specs) {
    const base = {
      ...where(region),
      instanceType: s.type,
      vcpu: s.vcpu,
      memory: s.memory,
      tenancy: "Shared",
      operatingSystem: "Linux",
      licenseModel: "No License required",
      preInstalledSw: "NA",
      capacitystatus: "Used",
      marketoption: "OnDemand",
      usagetype: `${p}BoxUsage:${s.type}`,
      operation: "RunInstances",
      servicename: "Amazon Elastic Compute Cloud",
    };
    out.push(
      item("AmazonEC2", "Compute Instance", base, [
        {
          usd: s.usd,
          unit: "Hrs",
          description: `$${Number(s.usd)} per On Demand Linux ${s.type} Instance Hour`,
        },
      ]),
    );
    // The Capacity Block twin: same usage type, operation RunInstances:CB, priced 0.
    out.push(
      item("AmazonEC2", "Compute Instance", { ...base, operation: "RunInstances:CB" }, [
        {
          usd: "0.0000000000",
          unit: "Hrs",
          description: `$0.00 per Linux ${s.type} Capacity Block Instance Hour`,
        },
      ]),
    );
    out.push(
      item(
        "AmazonEC2",
        "Compute Instance",
        { ...base, capacitystatus: "UnusedCapacityReservation", usagetype: `${p}UnusedBox:${s.type}` },
        [
          {
            usd: s.usd,
            unit: "Hrs",
            description: `$${Number(s.usd)} per Unused Reservation Linux ${s.type} Instance Hour`,
          },
        ],
      ),
    );
    out.push(
      item(
        "AmazonEC2",
        "Compute Instance",
        { ...base, operatingSystem: "Windows", operation: "RunInstances:0002" },
        [
          {
            usd: "9.9990000000",
            unit: "Hrs",
            description: `$9.999 per On Demand Windows ${s.type} Instance Hour`,
          },
        ],
      ),
    );
    out.push(
      item(
        "AmazonEC2",
        "Compute Instance",
        { ...base, preInstalledSw: "SQL Std", operation: "RunInstances:0004" },
        [
          {
            usd: "8.8880000000",
            unit: "Hrs",
            description: `$8.888 per On Demand Linux with SQL Std ${s.type} Instance Hour`,
          },
        ],
      ),
    );
  }
  return out;
}

export function lambdaItems(region: string): FakeItem[] {
  const loc = LOCATIONS[region] ?? region;
  const p = bare(region);
  const lam = (group: string, usage: string, dims: Dim[]) =>
    item(
      "AWSLambda",
      "Serverless",
      {
        ...where(region),
        group,
        groupDescription: group,
        usagetype: `${p}${usage}`,
        operation: "",
        servicename: "AWS Lambda",
      },
      dims,
    );
  const compute = (tier: number) => `AWS Lambda - Total Compute - ${loc}-Tier-${tier}`;
  return [
    lam("AWS-Lambda-Requests", "Request", [
      { usd: "0.0000002000", unit: "Requests", description: `AWS Lambda - Total Requests - ${loc}` },
    ]),
    lam("AWS-Lambda-Requests-ARM", "Request-ARM", [
      { usd: "0.0000002000", unit: "Requests", description: `AWS Lambda - Total Requests - ${loc}` },
    ]),
    lam("AWS-Lambda-Duration", "Lambda-GB-Second", [
      {
        usd: "0.0000166667",
        unit: "Lambda-GB-Second",
        description: compute(1),
        beginRange: "0",
        endRange: "6000000000",
      },
      {
        usd: "0.0000150000",
        unit: "Lambda-GB-Second",
        description: compute(2),
        beginRange: "6000000000",
        endRange: "15000000000",
      },
      {
        usd: "0.0000133334",
        unit: "Lambda-GB-Second",
        description: compute(3),
        beginRange: "15000000000",
        endRange: "Inf",
      },
    ]),
    lam("AWS-Lambda-Duration-ARM", "Lambda-GB-Second-ARM", [
      // Listed out of order on purpose: dimensions are an object, their order is not guaranteed.
      {
        usd: "0.0000120001",
        unit: "Lambda-GB-Second",
        description: compute(2),
        beginRange: "7500000000",
        endRange: "18750000000",
      },
      {
        usd: "0.0000133334",
        unit: "Lambda-GB-Second",
        description: compute(1),
        beginRange: "0",
        endRange: "7500000000",
      },
      {
        usd: "0.0000106667",
        unit: "Lambda-GB-Second",
        description: compute(3),
        beginRange: "18750000000",
        endRange: "Inf",
      },
    ]),
    lam("AWS-Lambda-Provisioned-Concurrency", "Lambda-Provisioned-Concurrency", [
      {
        usd: "0.0000041667",
        unit: "Lambda-GB-Second",
        description: `AWS Lambda - Provisioned Concurrency - ${loc}`,
      },
    ]),
    lam("AWS-Lambda-Provisioned-Concurrency-ARM", "Lambda-Provisioned-Concurrency-ARM", [
      {
        usd: "0.0000033334",
        unit: "Lambda-GB-Second",
        description: `AWS Lambda - Provisioned Concurrency ARM - ${loc}`,
      },
    ]),
    lam("AWS-Lambda-Duration-Provisioned", "Lambda-Provisioned-GB-Second", [
      {
        usd: "0.0000097222",
        unit: "Lambda-GB-Second",
        description: `AWS Lambda - Duration with Provisioned Concurrency - ${loc}`,
      },
    ]),
    lam("AWS-Lambda-Duration-Provisioned-ARM", "Lambda-Provisioned-GB-Second-ARM", [
      {
        usd: "0.0000077778",
        unit: "Lambda-GB-Second",
        description: `AWS Lambda - Duration with Provisioned Concurrency ARM - ${loc}`,
      },
    ]),
    lam("AWS-Lambda-Storage-Duration", "Lambda-Storage-GB-Second", [
      { usd: "0.0000000309", unit: "GB-Seconds", description: `AWS Lambda - Ephemeral Storage - ${loc}` },
    ]),
    lam("AWS-Lambda-Edge-Duration", `${region === "us-east-1" ? "USE1-" : ""}Lambda-Edge-GB-Second`, [
      {
        usd: "0.0000500100",
        unit: "Lambda-GB-Second",
        description: `AWS Lambda Edge - Total Compute - ${loc}`,
      },
    ]),
  ];
}

/** Free-tier items: global, no regionCode, priced 0; never an answer. */
export function lambdaFreeTierItems(): FakeItem[] {
  return [
    item(
      "AWSLambda",
      "Serverless",
      {
        location: "Any",
        locationType: "AWS Region",
        group: "AWS-Lambda-Requests",
        usagetype: "Global-Request",
        operation: "",
        servicename: "AWS Lambda",
      },
      [
        {
          usd: "0.0000000000",
          unit: "Requests",
          description: "AWS Lambda - Requests Free Tier - 1,000,000 Requests",
          endRange: "1000000",
        },
      ],
    ),
  ];
}

/** Lambda@Edge requests live in the AmazonCloudFront offer, with no regionCode (as in 2019 offer files). */
export function cloudFrontItems(regions: string[]): FakeItem[] {
  return [
    ...regions.map((region) =>
      item(
        "AmazonCloudFront",
        "Serverless",
        {
          location: LOCATIONS[region] ?? region,
          locationType: "AWS Region",
          group: "AWS-Lambda-Edge-Requests",
          groupDescription: "Invocation call for a Lambda function",
          usagetype: `${prefix(region)}Lambda-Edge-Request`,
          operation: "",
          servicename: "Amazon CloudFront",
        },
        [
          {
            usd: "0.0000006000",
            unit: "Request",
            description: `$6.0E-7  per Request for Lambda-Edge-Request in ${LOCATIONS[region] ?? region}`,
          },
        ],
      ),
    ),
    item(
      "AmazonCloudFront",
      "Data Transfer",
      {
        fromLocation: "United States",
        toLocation: "External",
        transferType: "CloudFront Outbound",
        usagetype: "US-DataTransfer-Out-Bytes",
        operation: "",
        servicename: "Amazon CloudFront",
      },
      [
        {
          usd: "0.0850000000",
          unit: "GB",
          description: "$0.085 per GB - first 10 TB / month data transfer out of US",
          endRange: "10240",
        },
        {
          usd: "0.0800000000",
          unit: "GB",
          description: "$0.080 per GB - next 40 TB / month data transfer out of US",
          beginRange: "10240",
        },
      ],
    ),
  ];
}

export const SAGEMAKER_TYPES = ["ml.m5.xlarge", "ml.g5.xlarge", "ml.t3.medium"];

export function sagemakerItems(region: string): FakeItem[] {
  const loc = LOCATIONS[region] ?? region;
  const p = prefix(region);
  const out: FakeItem[] = [];
  const families: Array<[string, string, string]> = [
    ["Train", "Training", "Training"],
    ["Host", "Hosting", "Hosting"],
    ["Notebk", "Notebook", "Notebook"],
    ["Processing", "Processing", "Processing"],
    ["Tsform", "Batch Transform", "BatchTransform"],
  ];
  SAGEMAKER_TYPES.forEach((type, t) => {
    families.forEach(([code, component, label], f) => {
      const usd = (0.2 + t * 0.5 + f * 0.01).toFixed(10);
      out.push(
        item(
          "AmazonSageMaker",
          "ML Instance",
          {
            ...where(region),
            component,
            instanceName: type,
            instanceType: `${type}-${label}`,
            usagetype: `${p}${code}:${type}`,
            operation: "",
            servicename: "Amazon SageMaker",
          },
          [{ usd, unit: "Hrs", description: `$${Number(usd)} per ${label} ${type} hour in ${loc}` }],
        ),
      );
    });
    out.push(
      item(
        "AmazonSageMaker",
        "ML Instance",
        {
          ...where(region),
          component: "studio-jupyterlab",
          instanceName: type,
          usagetype: `${p}Studio:JupyterLab-${type}`,
          operation: "",
          servicename: "Amazon SageMaker",
        },
        [
          {
            usd: "0.2400000000",
            unit: "Hrs",
            description: `$0.24 per Studio JupyterLab ${type} hour in ${loc}`,
          },
        ],
      ),
    );
  });
  for (const gb of [1, 2, 3, 4, 5, 6]) {
    const usd = (0.00002 * gb).toFixed(10);
    out.push(
      item(
        "AmazonSageMaker",
        "ML Serverless",
        {
          ...where(region),
          usagetype: `${p}ServerlessInf:Mem-${gb}GB`,
          operation: "",
          servicename: "Amazon SageMaker",
        },
        [
          {
            usd,
            unit: "Second",
            description: `$${Number(usd)} per second of serverless inference with ${gb} GB memory in ${loc}`,
          },
        ],
      ),
    );
  }
  return out;
}

/** Every region's items for every service, as the fake serves them. */
export function allItems(regions: string[]) {
  return {
    AmazonEKS: regions.flatMap(eksItems),
    AmazonEC2: regions.flatMap((r) => ec2Items(r)),
    AWSLambda: [...regions.flatMap(lambdaItems), ...lambdaFreeTierItems()],
    AmazonCloudFront: cloudFrontItems(regions),
    AmazonSageMaker: regions.flatMap(sagemakerItems),
  };
}
