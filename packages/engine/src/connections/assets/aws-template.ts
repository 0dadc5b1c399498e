/** AWS managed policies attached to the role. */
export const AWS_MANAGED_POLICIES = [
  'AmazonEC2FullAccess',
  'AmazonRDSFullAccess',
  'AmazonElastiCacheFullAccess',
  'AmazonS3FullAccess',
  'AmazonRoute53FullAccess',
  'AWSLambda_FullAccess',
  'AutoScalingFullAccess',
  'CloudWatchFullAccessV2',
  'CloudFrontFullAccess',
  'ElasticLoadBalancingFullAccess',
] as const;

/**
 * The CloudFormation template of the AWS flow: one role trusting the platform account, guarded by the
 * `ExternalId` parameter. It holds no per-connection data (the ExternalId arrives as a parameter
 * of the quick-create URL), so one rendered copy serves every customer. Written with the long
 * forms (`Ref:`, `Fn::GetAtt:`) so any YAML parser can read it.
 */
export function renderAwsTemplate(input: { platformAccountId: string; roleName: string }): string {
  if (!/^\d{12}$/.test(input.platformAccountId)) throw new Error('platform account must be 12 digits');
  if (!/^[\w+=,.@-]{1,64}$/.test(input.roleName)) throw new Error('invalid role name');
  const policies = AWS_MANAGED_POLICIES.map((p) => `        - 'arn:aws:iam::aws:policy/${p}'`).join('\n');
  return `AWSTemplateFormatVersion: '2010-09-09'
Description: >-
  Creates the IAM role that cloudlink assumes to manage resources in this account.
  The role trusts only the cloudlink platform account, and only with this connection's ExternalId.
Parameters:
  ExternalId:
    Type: String
    AllowedPattern: '^[0-9a-f]{32}$'
    ConstraintDescription: must be the 32 lowercase hex characters issued by cloudlink
    Description: ExternalId issued by cloudlink for this connection
Resources:
  DeployRole:
    Type: 'AWS::IAM::Role'
    Properties:
      RoleName: '${input.roleName}'
      MaxSessionDuration: 3600
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: 'arn:aws:iam::${input.platformAccountId}:root'
            # SetSourceIdentity: credentials issued to the host name their workspace, connection and purpose (docs/credentials.md).
            Action:
              - 'sts:AssumeRole'
              - 'sts:SetSourceIdentity'
            Condition:
              StringEquals:
                'sts:ExternalId':
                  Ref: ExternalId
      ManagedPolicyArns:
${policies}
      Policies:
        - PolicyName: CloudlinkPassRole
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: 'iam:PassRole'
                Resource: '*'
Outputs:
  RoleArn:
    Description: ARN of the role cloudlink assumes
    Value:
      Fn::GetAtt:
        - DeployRole
        - Arn
`;
}
