/**
 * AWS billing region codes, the prefix of usage types outside us-east-1's unprefixed services
 * ("USE2-BoxUsage:m5.large", "EU-Request"). eu-west-1 is the historical "EU-". us-east-1 is "USE1-" for
 * services that prefix it (EKS, Fargate, SageMaker) and nothing for EC2 and Lambda.
 */
export const USAGE_TYPE_PREFIX: Readonly<Record<string, string>> = {
  "us-east-1": "USE1-",
  "us-east-2": "USE2-",
  "us-west-1": "USW1-",
  "us-west-2": "USW2-",
  "af-south-1": "AFS1-",
  "ap-east-1": "APE1-",
  "ap-south-1": "APS3-",
  "ap-south-2": "APS5-",
  "ap-southeast-1": "APS1-",
  "ap-southeast-2": "APS2-",
  "ap-southeast-3": "APS4-",
  "ap-southeast-4": "APS6-",
  "ap-northeast-1": "APN1-",
  "ap-northeast-2": "APN2-",
  "ap-northeast-3": "APN3-",
  "ca-central-1": "CAN1-",
  "ca-west-1": "CAN2-",
  "eu-central-1": "EUC1-",
  "eu-central-2": "EUC2-",
  "eu-west-1": "EU-",
  "eu-west-2": "EUW2-",
  "eu-west-3": "EUW3-",
  "eu-north-1": "EUN1-",
  "eu-south-1": "EUS1-",
  "eu-south-2": "EUS2-",
  "il-central-1": "ILC1-",
  "me-central-1": "MEC1-",
  "me-south-1": "MES1-",
  "sa-east-1": "SAE1-",
  "us-gov-east-1": "UGE1-",
  "us-gov-west-1": "UGW1-",
};

const ANY_PREFIX = /^[A-Z]{2,3}\d?-/;

/**
 * The usage type without its region prefix: "EU-Request" → "Request", "Request" → "Request",
 * "USE2-BoxUsage:m5.large" → "BoxUsage:m5.large". A prefix that is not `region`'s is kept, so an item
 * from another region never matches.
 */
export function usageTypeSuffix(usageType: string, region: string): string {
  const prefix = USAGE_TYPE_PREFIX[region];
  if (prefix && usageType.startsWith(prefix)) return usageType.slice(prefix.length);
  if (!prefix && ANY_PREFIX.test(usageType)) return usageType.replace(ANY_PREFIX, "");
  return usageType;
}

/** True when the item is for `region`: by `regionCode` when present, else by its usage-type prefix. */
export function isForRegion(attributes: Record<string, string>, region: string): boolean {
  if (attributes.regionCode) return attributes.regionCode === region;
  const usageType = attributes.usagetype ?? "";
  const prefix = USAGE_TYPE_PREFIX[region];
  if (!prefix) return false;
  if (usageType.startsWith(prefix)) return true;
  // us-east-1's EC2 and Lambda usage types carry no prefix at all.
  return region === "us-east-1" && !ANY_PREFIX.test(usageType);
}
