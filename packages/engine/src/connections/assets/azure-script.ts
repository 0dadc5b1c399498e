import { isSafeUrl, pipeToShell, singleQuoted } from './shell.js';

/** Resource providers registered on the subscription (the original product's documented list, which its users rely on). */
export const AZURE_RESOURCE_PROVIDERS = [
  'Microsoft.Compute',
  'Microsoft.Network',
  'Microsoft.Storage',
  'Microsoft.Web',
  'Microsoft.Cdn',
  'Microsoft.DBforMySQL',
  'Microsoft.DBforPostgreSQL',
  'Microsoft.Cache',
  'Microsoft.Dns',
  'Microsoft.ManagedIdentity',
  'Microsoft.Authorization',
] as const;

/**
 * The command the user pastes into Azure Cloud Shell (PowerShell): the one-time token in `$env:T`,
 * then the script downloaded and run by `sh`. The URL is a single-quoted literal, which PowerShell
 * does not expand either (`$(…)` in a bare or double-quoted argument would run).
 */
export function azureSetupCommand(token: string, scriptUrl: string): string {
  if (!/^[0-9a-f]{24}$/.test(token)) throw new Error('setup token must be 24 lowercase hex characters');
  return `$env:T="${token}"; ${pipeToShell(scriptUrl, 'sh')}`;
}

/** The audience of the federated credential: what Entra ID requires of a client assertion. */
const FEDERATION_AUDIENCE = 'api://AzureADTokenExchange';
const SUBJECT = /^workspace:\d{1,15}:connection:\d{1,15}$/;

/**
 * The POSIX `sh` setup script of the Azure flow: creates an app registration, its service principal and
 * a client secret, assigns roles, registers providers, then POSTs the credentials with the one-time
 * token `$T` to `$W` (default: our callback). Only when that POST fails does it print the
 * credentials (JSON and Base64) for a manual complete. The secret travels on stdin, never in argv.
 *
 * With `federation` (a connection in `oidc` mode) no client secret is created: the app registration
 * gets a federated identity credential trusting our issuer for exactly that connection's subject,
 * and only the three ids are sent.
 */
export function renderAzureSetupScript(input: { callbackUrl: string; federation?: { issuer: string; subject: string } }): string {
  if (!isSafeUrl(input.callbackUrl)) throw new Error('callback URL must be an http(s) URL without whitespace, quotes, backslashes or $');
  const federation = input.federation;
  if (federation && !isSafeUrl(federation.issuer)) throw new Error('issuer must be an http(s) URL without whitespace, quotes, backslashes or $');
  if (federation && !SUBJECT.test(federation.subject)) throw new Error('subject must be workspace:<id>:connection:<id>');
  const providers = AZURE_RESOURCE_PROVIDERS.join(' ');
  const credential = federation
    ? `FEDERATED_CREDENTIAL=${singleQuoted(
        JSON.stringify({ name: `cloudlink-${federation.subject.replace(/:/g, '-')}`, issuer: federation.issuer, subject: federation.subject, audiences: [FEDERATION_AUDIENCE], description: 'cloudlink connection (no client secret)' }),
      )}
echo "Adding a federated credential for ${federation.subject} (no client secret)..."
az ad app federated-credential create --id "$CLIENT_ID" --parameters "$FEDERATED_CREDENTIAL" >/dev/null`
    : `CLIENT_SECRET="$(az ad app credential reset --id "$CLIENT_ID" --display-name cloudlink --query password -o tsv)"`;
  const secretField = federation ? '' : `,\\"clientSecret\\":\\"$(json_escape "$CLIENT_SECRET")\\"`;
  return `#!/bin/sh
# cloudlink: Azure service principal setup for one cloud connection${federation ? ' (federated: no client secret)' : ''}.
# Usage (Cloud Shell): T=<24-hex setup token> [W=<callback URL>] sh azure.sh
set -eu

DEFAULT_CALLBACK=${singleQuoted(input.callbackUrl)}
T="\${T:-}"
W="\${W:-$DEFAULT_CALLBACK}"

fail() {
  printf 'Error: %s\\n' "$1" >&2
  exit 1
}

json_escape() {
  printf '%s' "$1" | sed 's/\\\\/\\\\\\\\/g; s/"/\\\\"/g'
}

case "$T" in
  '' | *[!0-9a-f]*) fail "T must be the 24-character lowercase hex setup token from cloudlink" ;;
esac
[ "\${#T}" -eq 24 ] || fail "T must be the 24-character lowercase hex setup token from cloudlink"
case "$W" in
  http://* | https://*) ;;
  *) fail "W must be an http(s) URL" ;;
esac
command -v az >/dev/null 2>&1 || fail "az is not installed; run this script in Azure Cloud Shell"
command -v curl >/dev/null 2>&1 || fail "curl is not installed"
az account show >/dev/null 2>&1 || fail "az is not logged in; run: az login"

TENANT_ID="$(az account show --query tenantId -o tsv)"
SUBSCRIPTION_ID="$(az account show --query id -o tsv)"
echo "Tenant: $TENANT_ID, subscription: $SUBSCRIPTION_ID"

APP_NAME="GatewaysApp-$(date +%s)"
echo "Creating app registration $APP_NAME..."
CLIENT_ID="$(az ad app create --display-name "$APP_NAME" --query appId -o tsv)"
az ad sp create --id "$CLIENT_ID" >/dev/null
${credential}

for ROLE in Contributor "User Access Administrator"; do
  echo "Assigning $ROLE..."
  az role assignment create --assignee "$CLIENT_ID" --role "$ROLE" --scope "/subscriptions/$SUBSCRIPTION_ID" >/dev/null
done

echo "Registering resource providers..."
for NAMESPACE in ${providers}; do
  az provider register --namespace "$NAMESPACE" >/dev/null
done

echo "Waiting 30 seconds for directory replication..."
sleep 30

CREDENTIALS="{\\"tenantId\\":\\"$(json_escape "$TENANT_ID")\\",\\"subscriptionId\\":\\"$(json_escape "$SUBSCRIPTION_ID")\\",\\"clientId\\":\\"$(json_escape "$CLIENT_ID")\\"${secretField}}"
BODY="{\\"token\\":\\"$T\\",\\"azureCredentials\\":$CREDENTIALS}"

echo "Sending the credentials to cloudlink..."
RESPONSE="$(printf '%s' "$BODY" | curl -sS -X POST -H 'Content-Type: application/json' --data-binary @- -w '\\n%{http_code}' "$W" 2>/dev/null || true)"
STATUS="$(printf '%s\\n' "$RESPONSE" | tail -n 1)"
ANSWER="$(printf '%s\\n' "$RESPONSE" | sed '$d')"
MESSAGE="$(printf '%s' "$ANSWER" | sed -n 's/.*"message":"\\([^"]*\\)".*/\\1/p')"

case "$STATUS" in
  2??)
    printf '%s\\n' "\${MESSAGE:-Cloud connection completed}"
    exit 0
    ;;
esac

if [ -n "$MESSAGE" ]; then
  printf 'cloudlink answered %s: %s\\n' "$STATUS" "$MESSAGE" >&2
else
  printf 'Could not reach cloudlink at %s\\n' "$W" >&2
fi
echo "Complete the connection manually with one of these azureCredentials values (JSON, then Base64):"
printf '%s\\n' "$CREDENTIALS"
printf '%s' "$CREDENTIALS" | base64 | tr -d '\\n'
echo
exit 1
`;
}
