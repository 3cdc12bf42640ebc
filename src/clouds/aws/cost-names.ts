/**
 * Short names people type for AWS services, and the SERVICE values Cost Explorer writes for them:
 * hints for "did you mean" when a cost filter names no service of the account. Hints only: the
 * account's own dimension values decide what is valid.
 */
export const AWS_COST_SERVICE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  ec2: ["Amazon Elastic Compute Cloud - Compute", "EC2 - Other"],
  s3: ["Amazon Simple Storage Service"],
  rds: ["Amazon Relational Database Service"],
  eks: ["Amazon Elastic Container Service for Kubernetes"],
  ecs: ["Amazon Elastic Container Service"],
  lambda: ["AWS Lambda"],
  sagemaker: ["Amazon SageMaker"],
  cloudfront: ["Amazon CloudFront"],
  dynamodb: ["Amazon DynamoDB"],
  vpc: ["Amazon Virtual Private Cloud"],
  cloudwatch: ["AmazonCloudWatch"],
  elb: ["Elastic Load Balancing"],
  alb: ["Elastic Load Balancing"],
  ebs: ["EC2 - Other"],
};
