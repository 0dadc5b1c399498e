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
${roleTail(policies)}`;
}

/**
 * The CloudFormation template of an AWS connection in `mode: "oidc"` (docs/connections.md#connection-modes):
 * an IAM OIDC identity provider for cloudlink's issuer (created, or an existing one reused through
 * `OidcProviderArn`, since an account holds one provider per URL) and the role trusting it through
 * `sts:AssumeRoleWithWebIdentity` only for tokens with audience `sts.amazonaws.com` and the
 * connection's exact subject. No platform account and no ExternalId: nothing else can assume it.
 * The subject arrives as a parameter, so one rendered copy serves every connection.
 */
export function renderAwsOidcTemplate(input: { issuer: string; roleName: string }): string {
  const url = new URL(input.issuer);
  // IAM names the condition keys after the provider URL without its scheme.
  const host = `${url.host}${url.pathname}`.replace(/\/$/, '');
  if (!/^[\w.:/-]{1,200}$/.test(host) || input.issuer.includes("'")) throw new Error('invalid issuer');
  if (!/^[\w+=,.@-]{1,64}$/.test(input.roleName)) throw new Error('invalid role name');
  const policies = AWS_MANAGED_POLICIES.map((p) => `        - 'arn:aws:iam::aws:policy/${p}'`).join('\n');
  return `AWSTemplateFormatVersion: '2010-09-09'
Description: >-
  Creates the IAM role that cloudlink assumes to manage resources in this account, trusting
  cloudlink's OIDC issuer for this connection's subject only. No cloudlink account and no stored secret.
Parameters:
  ConnectionSubject:
    Type: String
    AllowedPattern: '^workspace:[0-9]+:connection:[0-9]+$'
    ConstraintDescription: must be the subject issued by cloudlink for this connection
    Description: The subject of cloudlink's tokens for this connection
  OidcProviderArn:
    Type: String
    Default: ''
    AllowedPattern: '^(arn:aws:iam::[0-9]{12}:oidc-provider/.+)?$'
    Description: An existing IAM OIDC provider for ${url.origin}${url.pathname} to reuse; empty creates one
Conditions:
  CreateOidcProvider:
    Fn::Equals:
      - Ref: OidcProviderArn
      - ''
Resources:
  OidcProvider:
    Type: 'AWS::IAM::OIDCProvider'
    Condition: CreateOidcProvider
    Properties:
      Url: '${input.issuer}'
      ClientIdList:
        - 'sts.amazonaws.com'
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
              Federated:
                Fn::If:
                  - CreateOidcProvider
                  - Ref: OidcProvider
                  - Ref: OidcProviderArn
            Action: 'sts:AssumeRoleWithWebIdentity'
            Condition:
              StringEquals:
                '${host}:aud': 'sts.amazonaws.com'
                '${host}:sub':
                  Ref: ConnectionSubject
${roleTail(policies)}`;
}

/** What both templates give the role past its trust: the managed policies, PassRole, and the ARN as output. */
function roleTail(policies: string): string {
  return `      ManagedPolicyArns:
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
