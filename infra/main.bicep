// LeadFunctions in Azure: Partner Center posts leads to ReceiveLead, which queues them; ProcessLead delivers them to
// the CRM (docs/design.md). `azd up` provisions this template, then publishes and deploys ./LeadFunctions (azure.yaml).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group (rg-<name>) and seeds the unique resource names.')
param environmentName string

@minLength(1)
@description('Region for every resource. Flex Consumption is not offered everywhere: `az functionapp list-flexconsumption-locations`.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user (azd fills AZURE_PRINCIPAL_ID) for queue, table and secret access; empty for none.')
param principalId string = ''

@description('Where ProcessLead delivers leads (Destinations__Default): Table (the MarketplaceLeads table in this storage account) or Dataverse.')
param crmTarget string = 'Table'

@description('Dataverse environment URL (Destinations__Dataverse__Url), e.g. https://contoso.crm.dynamics.com; only for crmTarget Dataverse.')
param dataverseUrl string = ''

@description('Lead queue name (LeadQueueName); the poison queue is <name>-poison.')
@minLength(3)
@maxLength(56)
param leadQueueName string = 'leads'

@description('Storage redundancy. Standard_ZRS survives a zone outage where the region has zones.')
@allowed(['Standard_LRS', 'Standard_ZRS'])
param storageSku string = 'Standard_LRS'

@description('Flex Consumption: HTTP instances kept warm so Partner Center never meets a cold start (billed while idle).')
@minValue(0)
param alwaysReadyHttpInstances int = 0

// Secure: a secret put here by mistake stays out of the deployment's history, which anyone with Reader can see.
@secure()
@description('More app settings, merged last: e.g. Destinations__Dataverse__Credential, or a secret as @Microsoft.KeyVault(VaultName=...;SecretName=...).')
param extraAppSettings object = {}

@description('Email address for the alerts (azd: ALERT_EMAIL); empty deploys the alert rules without an action group. docs/deploy.md, "Alert email".')
param alertEmail string = ''

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
// Names are known before deployment (not taken from module outputs), so what-if can predict every resource.
var names = {
  functionApp: '${abbrs.webSitesFunctions}api-${resourceToken}'
  plan: '${abbrs.webServerFarms}${resourceToken}'
  identity: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
  storage: '${abbrs.storageStorageAccounts}${resourceToken}'
  logAnalytics: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
  applicationInsights: '${abbrs.insightsComponents}${resourceToken}'
  keyVault: '${abbrs.keyVaultVaults}${resourceToken}'
  deploymentContainer: 'app-package'
}
var leadTableName = 'MarketplaceLeads'

// The endpoint's path: the route prefix from host.json, as the Functions host reads it, and ReceiveLead's route
// (LeadIntake.Route in LeadFunctions/Intake/LeadIntake.cs; PackageTests fails if the two ever differ).
var routePrefix = loadJsonContent('../host.json').extensions.http.routePrefix
var receiveLeadRoute = 'leads'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity './app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage './app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSku
    leadQueueName: leadQueueName
    leadTableName: leadTableName
    deploymentContainerName: names.deploymentContainer
  }
}

module monitoring './app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module keyVault './app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
  }
}

module rbac './app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: names.storage
    applicationInsightsName: names.applicationInsights
    keyVaultName: names.keyVault
    identityName: names.identity
    userPrincipalId: principalId
  }
  dependsOn: [identity, storage, monitoring, keyVault]
}

module api './app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: names.storage
    deploymentContainerName: names.deploymentContainer
    applicationInsightsName: names.applicationInsights
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
    appSettings: union(
      {
        LeadQueueName: leadQueueName
        Destinations__Default: crmTarget
        Destinations__Table__TableName: leadTableName
      },
      // Only when set: an empty URL would fail the Dataverse options' validation even when the Table target is used.
      empty(dataverseUrl) ? {} : { Destinations__Dataverse__Url: dataverseUrl },
      extraAppSettings
    )
  }
  // The roles first: Flex Consumption reads its package, and the host its storage, as the identity from the start.
  dependsOn: [storage, monitoring, rbac]
}

// Alerts on the app's own metrics, emailed to alertEmail, and the pipeline workbook (docs/operate.md, "Alerts", "Dashboard").
module alerts './app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    namePrefix: '${abbrs.insightsMetricAlerts}${resourceToken}-'
    actionGroupName: '${abbrs.insightsActionGroups}${resourceToken}'
    location: location
    tags: tags
    applicationInsightsName: names.applicationInsights
    alertEmail: alertEmail
  }
  dependsOn: [monitoring]
}

module workbook './app/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: tags
    applicationInsightsName: names.applicationInsights
    displayName: 'LeadFunctions pipeline (${environmentName})'
  }
  dependsOn: [monitoring]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
@description('Client id of the app\'s identity: the application user to create in Dataverse for Destinations__Dataverse__Credential Default.')
output AZURE_FUNCTION_IDENTITY_CLIENT_ID string = identity.outputs.clientId
@description('The URL to register in Partner Center, without its key: append ?code=<function key> (docs/deploy.md).')
output LEAD_ENDPOINT_URL string = 'https://${api.outputs.defaultHostName}/${routePrefix}/${receiveLeadRoute}'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output LEAD_QUEUE_NAME string = leadQueueName
output LEAD_TABLE_NAME string = leadTableName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
