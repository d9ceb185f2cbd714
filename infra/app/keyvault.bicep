// Key Vault for CRM secrets (for example a Dataverse client secret when Destinations__Dataverse__Credential is ClientSecret).
// App settings refer to them as @Microsoft.KeyVault(VaultName=...;SecretName=...), resolved with the app's identity.

param name string
param location string
param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true // Access by Azure roles (Key Vault Secrets User for the app), no access policies
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // A deleted vault and its secrets stay recoverable for the 90 days, whoever deletes them; cannot be turned off
    // again. After `azd down`, recover the vault before `azd up` with the same name (docs/deploy.md, "Key Vault").
    enablePurgeProtection: true
    // Public endpoint, RBAC only: the platform resolves Key Vault references from outside any network of ours, and
    // secrets are stored from a developer's machine (docs/deploy.md, "Key Vault", says why and how to restrict it).
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

output name string = vault.name
output resourceId string = vault.id
output uri string = vault.properties.vaultUri
