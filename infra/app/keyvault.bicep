// Key Vault for CRM secrets (for example a Dataverse client secret when Crm__Dataverse__Credential is ClientSecret).
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
    // Purge protection stays off so `azd down --purge` can remove a test environment; turn it on for production
    // (it cannot be turned off again).
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
