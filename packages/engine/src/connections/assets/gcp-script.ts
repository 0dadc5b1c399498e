import { isSafeUrl, pipeToShell, singleQuoted } from './shell.js';

/** Roles granted to the service account (the original product's documented list, which its users rely on). */
export const GCP_SA_ROLES = [
  'roles/compute.admin',
  'roles/storage.admin',
  'roles/cloudsql.admin',
  'roles/iam.serviceAccountUser',
  'roles/compute.networkAdmin',
  'roles/viewer',
  'roles/dns.admin',
  'roles/cloudfunctions.admin',
  'roles/run.admin',
  'roles/secretmanager.admin',
  'roles/redis.admin',
] as const;

/** APIs the flow needs, then the service APIs of the roles above. */
export const GCP_APIS = [
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'sts.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  'compute.googleapis.com',
  'storage.googleapis.com',
  'sqladmin.googleapis.com',
  'dns.googleapis.com',
  'cloudfunctions.googleapis.com',
  'run.googleapis.com',
  'secretmanager.googleapis.com',
  'redis.googleapis.com',
] as const;

const SUBJECT = /^workspace:(\d+):connection:\d+$/;

/** The command the user pastes into Google Cloud Shell: the script downloaded and run by bash, the URL a literal. */
export function gcpSetupCommand(scriptUrl: string): string {
  return pipeToShell(scriptUrl, 'bash');
}

/**
 * The bash setup script for one GCP connection: enables APIs, creates or reuses the
 * service account, pool and OIDC provider trusting our issuer, binds exactly this connection's
 * subject, then prints the WIF config as JSON and Base64. Idempotent; no secret inside.
 */
export function renderGcpSetupScript(input: { issuer: string; subject: string }): string {
  if (!isSafeUrl(input.issuer)) throw new Error('issuer must be an http(s) URL without whitespace, quotes, backslashes or $');
  const match = SUBJECT.exec(input.subject);
  if (!match) throw new Error('subject must be workspace:<id>:connection:<id>');
  const prefix = `workspace:${match[1]}:connection:`;
  const roles = GCP_SA_ROLES.join(' ');
  const apis = GCP_APIS.join(' ');
  return `#!/usr/bin/env bash
# cloudlink: Workload Identity Federation setup for one GCP cloud connection.
# Run it in Google Cloud Shell with the target project selected. Re-running it is safe.
# It creates no key and prints no secret: cloudlink signs short-lived tokens with its own OIDC issuer.
set -euo pipefail

ISSUER_URI=${singleQuoted(input.issuer)}
SUBJECT=${singleQuoted(input.subject)}
SUBJECT_PREFIX=${singleQuoted(prefix)}

POOL_ID="\${GCP_POOL_ID:-gateways-pool}"
PROVIDER_ID="\${GCP_PROVIDER_ID:-gateways-oidc}"
SA_NAME="\${GCP_SA_NAME:-gateways-cloud-connection}"

fail() {
  printf 'Error: %s\\n' "$1" >&2
  exit 1
}

[[ "$POOL_ID" =~ ^[a-z0-9-]{4,32}$ ]] || fail "GCP_POOL_ID must be 4-32 characters of a-z, 0-9 and -"
[[ "$PROVIDER_ID" =~ ^[a-z0-9-]{4,32}$ ]] || fail "GCP_PROVIDER_ID must be 4-32 characters of a-z, 0-9 and -"
[[ "$SA_NAME" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || fail "GCP_SA_NAME must be 6-30 characters of a-z, 0-9 and -, starting with a letter"

command -v gcloud >/dev/null 2>&1 || fail "gcloud is not installed; run this script in Google Cloud Shell"

ACCOUNT="$(gcloud config get-value account 2>/dev/null || true)"
[ -n "$ACCOUNT" ] || fail "no active gcloud account; run: gcloud auth login"
PROJECT_ID="$(gcloud config get-value project 2>/dev/null || true)"
[ -n "$PROJECT_ID" ] || fail "no project selected; run: gcloud config set project PROJECT_ID"
[[ "$PROJECT_ID" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]$ ]] || fail "the selected project id is not a valid GCP project id"
PROJECT_NUMBER="$(gcloud projects describe "$PROJECT_ID" --format='value(projectNumber)')"
[[ "$PROJECT_NUMBER" =~ ^[0-9]+$ ]] || fail "could not read the project number of $PROJECT_ID"
SA_EMAIL="\${SA_NAME}@\${PROJECT_ID}.iam.gserviceaccount.com"

echo "Project: $PROJECT_ID ($PROJECT_NUMBER), account: $ACCOUNT"

echo "Enabling APIs..."
for API in ${apis}; do
  gcloud services enable "$API" --project="$PROJECT_ID" --quiet
done

echo "Service account $SA_EMAIL..."
if ! gcloud iam service-accounts describe "$SA_EMAIL" --project="$PROJECT_ID" >/dev/null 2>&1; then
  gcloud iam service-accounts create "$SA_NAME" --project="$PROJECT_ID" --display-name="Gateways cloud connection" --quiet
fi
for ROLE in ${roles}; do
  gcloud projects add-iam-policy-binding "$PROJECT_ID" --member="serviceAccount:$SA_EMAIL" --role="$ROLE" --condition=None --quiet >/dev/null
done

echo "Workload identity pool $POOL_ID..."
if ! gcloud iam workload-identity-pools describe "$POOL_ID" --project="$PROJECT_ID" --location=global >/dev/null 2>&1; then
  gcloud iam workload-identity-pools create "$POOL_ID" --project="$PROJECT_ID" --location=global --display-name="Gateways" --quiet
fi

echo "OIDC provider $PROVIDER_ID (issuer $ISSUER_URI)..."
CONDITION="assertion.sub.startsWith('$SUBJECT_PREFIX')"
if gcloud iam workload-identity-pools providers describe "$PROVIDER_ID" --project="$PROJECT_ID" --location=global --workload-identity-pool="$POOL_ID" >/dev/null 2>&1; then
  PROVIDER_VERB=update-oidc
else
  PROVIDER_VERB=create-oidc
fi
gcloud iam workload-identity-pools providers "$PROVIDER_VERB" "$PROVIDER_ID" \\
  --project="$PROJECT_ID" \\
  --location=global \\
  --workload-identity-pool="$POOL_ID" \\
  --issuer-uri="$ISSUER_URI" \\
  --attribute-mapping="google.subject=assertion.sub" \\
  --attribute-condition="$CONDITION" \\
  --quiet

echo "Allowing this connection ($SUBJECT) to impersonate the service account..."
PRINCIPAL="principal://iam.googleapis.com/projects/$PROJECT_NUMBER/locations/global/workloadIdentityPools/$POOL_ID/subject/$SUBJECT"
gcloud iam service-accounts add-iam-policy-binding "$SA_EMAIL" --project="$PROJECT_ID" --role="roles/iam.workloadIdentityUser" --member="$PRINCIPAL" --quiet >/dev/null

JSON="{\\"projectId\\":\\"$PROJECT_ID\\",\\"projectNumber\\":\\"$PROJECT_NUMBER\\",\\"poolId\\":\\"$POOL_ID\\",\\"providerId\\":\\"$PROVIDER_ID\\",\\"serviceAccountEmail\\":\\"$SA_EMAIL\\"}"

echo
echo "Done. Project ID: $PROJECT_ID"
echo "Project number: $PROJECT_NUMBER"
echo "Pool: $POOL_ID, provider: $PROVIDER_ID"
echo "Service account: $SA_EMAIL"
echo
echo "Paste one of these lines into cloudlink as wifConfig (JSON, then Base64):"
printf '%s\\n' "$JSON"
printf '%s' "$JSON" | base64 | tr -d '\\n'
echo
`;
}
